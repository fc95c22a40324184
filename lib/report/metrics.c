/*
 * metrics - authgate's counters and the /metrics page; see metrics.h.
 *
 * The families with label values known in advance are fixed arrays of
 * atomics; those whose values come from the config (DNS list zones) or
 * from many result words (checks) are prom_keyed tables, made on first
 * use. Nothing here takes a lock a milter thread could wait on, except
 * once per new key.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "util/prom.h"
#include "dns/dns_metrics.h"
#include "spf/spf.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "ipcheck/dnsbl.h"
#include "ipcheck/helo_check.h"
#include "ipcheck/iprev.h"
#include "sender/lockdown.h"
#include "verdict/exempt.h"
#include "report/metrics.h"

/* the keyed tables are sized far above what the code can produce: a
 * few hundred check/result pairs, the zones of a config */
#define METRICS_KEYS	1024

static pthread_once_t metrics_once = PTHREAD_ONCE_INIT;
static struct prom_keyed metrics_verdict;	/* action, check, stage */
static struct prom_keyed metrics_result;	/* check, result */
static struct prom_keyed metrics_dnsbl;		/* zone, result */
static atomic_ulong metrics_exempt[EXK_COUNT];
static struct prom_hist metrics_tx_time[STAGE_COUNT];
static struct prom_hist metrics_cb_time[STAGE_COUNT];
static struct prom_hist metrics_wait_time[STAGE_COUNT];
static atomic_long metrics_active;
static atomic_ulong metrics_sessions;
static atomic_ulong metrics_reloads[2];		/* failed, ok */
static atomic_llong metrics_reload_time;	/* last good one, wall s */
static time_t metrics_started;

/* metrics_init - the keyed tables, once */
static void
metrics_init(void)
{
	static const char *const vl[] = { "action", "check", "stage" };
	static const char *const rl[] = { "check", "result" };
	static const char *const zl[] = { "zone", "result" };

	prom_keyed_init(&metrics_verdict, 3, vl, METRICS_KEYS);
	prom_keyed_init(&metrics_result, 2, rl, METRICS_KEYS);
	prom_keyed_init(&metrics_dnsbl, 2, zl, METRICS_KEYS);
	metrics_started = time(NULL);
}

/* metrics_ready - make sure the tables exist */
static void
metrics_ready(void)
{
	pthread_once(&metrics_once, metrics_init);
}

/* metrics_result_add - one check result */
static void
metrics_result_add(const char *check, const char *result)
{
	const char *v[2];

	v[0] = check;
	v[1] = result;
	prom_keyed_add(&metrics_result, v, 1);
}

/* metrics_dnsbl_add - the answers of the DNS lists: one count per
 * category listed (or not_listed, list_error, temperror) per zone */
static void
metrics_dnsbl_add(const struct dnsbl_outcome *o)
{
	static const char *const words[] = {
		"not_listed", "listed", "list_error", "temperror"
	};
	const struct dnsbl_result *r;
	const char *v[2];
	size_t i, j;

	for (i = 0; i < o->n; i++) {
		r = &o->r[i];
		v[0] = r->zone->name;
		if (r->status != DNSBL_LISTED || r->hits == 0) {
			v[1] = words[r->status];
			prom_keyed_add(&metrics_dnsbl, v, 1);
			continue;
		}
		for (j = 0; j < r->zone->nlistings && j < 32; j++)
			if (r->hits & (1u << j)) {
				v[1] = r->zone->listings[j].category != NULL ?
				    r->zone->listings[j].category : "listed";
				prom_keyed_add(&metrics_dnsbl, v, 1);
			}
	}
}

/* metrics_results_add - the result of every check that ran */
static void
metrics_results_add(const struct facts *f)
{
	size_t i;
	int fact;

	if (f->iplist.list != NULL)
		metrics_result_add("ip_list", f->iplist.list->allow ?
		    "allow" : "deny");
	if (f->dnsbl.checked)
		metrics_dnsbl_add(&f->dnsbl);
	if (f->iprev.checked) {
		metrics_result_add("iprev", iprev_result_name(f->iprev.result));
		if (f->iprev.generic)
			metrics_result_add("generic_name", "yes");
	}
	if (f->helo_check.checked) {
		for (fact = 0; fact < 32; fact++)
			if (f->helo_check.facts & (1u << fact))
				metrics_result_add("helo",
				    helo_fact_name((enum helo_fact)fact));
		if (f->helo_check.facts == 0)
			metrics_result_add("helo", "none");
	}
	if (f->authz_mailfrom.checked)
		metrics_result_add("sender_networks_mailfrom",
		    f->authz_mailfrom.allowed ? "pass" : "fail");
	if (f->authz_from.checked)
		metrics_result_add("sender_networks_from",
		    f->authz_from.allowed ? "pass" : "fail");
	if (f->spf_helo.checked)
		metrics_result_add("spf_helo",
		    spf_result_name(f->spf_helo.result));
	if (f->spf_mailfrom.checked)
		metrics_result_add("spf_mailfrom",
		    spf_result_name(f->spf_mailfrom.result));
	if (f->dkim.checked) {
		for (i = 0; i < f->dkim.n; i++)
			metrics_result_add("dkim",
			    dkim_result_name(f->dkim.sigs[i].result));
		if (f->dkim.n == 0)
			metrics_result_add("dkim", "none");
	}
	if (f->dmarc.checked)
		metrics_result_add("dmarc", dmarc_result_name(f->dmarc.result));
	if (f->lockdown_mailfrom.checked)
		metrics_result_add("lockdown_mailfrom",
		    lockdown_result_name(f->lockdown_mailfrom.result));
	if (f->lockdown_from.checked)
		metrics_result_add("lockdown_from",
		    lockdown_result_name(f->lockdown_from.result));
	if (f->login_mailfrom.checked)
		metrics_result_add("sender_login_mailfrom",
		    f->login_mailfrom.allowed ? "pass" : "fail");
	if (f->login_from.checked)
		metrics_result_add("sender_login_from",
		    f->login_from.allowed ? "pass" : "fail");
	if (f->limits.checked)
		metrics_result_add("limits", f->limits.store_error ?
		    "store_error" : f->limits.blocked ? "blocked" :
		    f->limits.over ? "over_limit" : "pass");
}

/* metrics_transaction - count one verdict and what led to it */
void
metrics_transaction(const struct facts *f, const struct verdict *v,
    enum stage stage, int64_t us)
{
	const char *vv[3];
	int k;

	metrics_ready();
	vv[0] = policy_action_name(v->action);
	vv[1] = v->check != NULL ? v->check : "none";
	vv[2] = policy_stage_name(stage);
	prom_keyed_add(&metrics_verdict, vv, 1);
	metrics_results_add(f);
	for (k = 0; k < EXK_COUNT; k++)
		if (v->exempted & (1u << k))
			atomic_fetch_add_explicit(&metrics_exempt[k], 1,
			    memory_order_relaxed);
	prom_hist_observe(&metrics_tx_time[stage], us);
	for (k = 0; f->dns_wait_us != NULL && k < STAGE_COUNT; k++)
		if (f->dns_wait_stages & (1u << k))
			prom_hist_observe(&metrics_wait_time[k],
			    f->dns_wait_us[k]);
}

/* metrics_callback - the time one MTA command waited for authgate */
void
metrics_callback(enum stage stage, int64_t us)
{
	prom_hist_observe(&metrics_cb_time[stage], us);
}

/* metrics_session - a connection came (+1) or went (-1) */
void
metrics_session(int delta)
{
	atomic_fetch_add_explicit(&metrics_active, delta,
	    memory_order_relaxed);
	if (delta > 0)
		atomic_fetch_add_explicit(&metrics_sessions, 1,
		    memory_order_relaxed);
}

/* metrics_reload - a reload, good (ok) or refused */
void
metrics_reload(int ok)
{
	atomic_fetch_add_explicit(&metrics_reloads[ok != 0], 1,
	    memory_order_relaxed);
	if (ok)
		atomic_store_explicit(&metrics_reload_time,
		    (long long)time(NULL), memory_order_relaxed);
}

/* metrics_verdicts - one verdict counter */
unsigned long
metrics_verdicts(enum action a, const char *check, enum stage stage)
{
	const char *vv[3];

	metrics_ready();
	vv[0] = policy_action_name(a);
	vv[1] = check != NULL ? check : "none";
	vv[2] = policy_stage_name(stage);
	return prom_keyed_get(&metrics_verdict, vv);
}

/* metrics_write_stages - a histogram per stage that has seen any */
static void
metrics_write_stages(str *out, const char *name, const char *help,
    const struct prom_hist *h)
{
	str labels;
	int s;

	str_init(&labels);
	prom_family(out, name, "histogram", help);
	for (s = 0; s < STAGE_COUNT; s++) {
		str_reset(&labels);
		prom_label(&labels, "stage", policy_stage_name((enum stage)s));
		prom_hist_write(out, name, str_cstr(&labels), &h[s]);
	}
	str_free(&labels);
}

/* metrics_write_process - build, start, sessions, reloads, threads */
static void
metrics_write_process(str *out, task_pool *pool)
{
	unsigned threads, busy;
	str labels;
	long long t;

	str_init(&labels);
	prom_family(out, "authgate_build_info", "gauge",
	    "The authgate version running (always 1).");
	prom_label(&labels, "version", PACKAGE_VERSION);
	prom_sample(out, "authgate_build_info", str_cstr(&labels), 1);
	prom_family(out, "authgate_start_time_seconds", "gauge",
	    "When the daemon started, in seconds since the epoch.");
	prom_sample(out, "authgate_start_time_seconds", NULL,
	    (unsigned long)metrics_started);
	prom_family(out, "authgate_sessions_active", "gauge",
	    "MTA connections open now.");
	t = atomic_load_explicit(&metrics_active, memory_order_relaxed);
	prom_sample(out, "authgate_sessions_active", NULL,
	    (unsigned long)(t > 0 ? t : 0));
	prom_family(out, "authgate_sessions_total", "counter",
	    "MTA connections since the start.");
	prom_sample(out, "authgate_sessions_total", NULL,
	    atomic_load_explicit(&metrics_sessions, memory_order_relaxed));
	prom_family(out, "authgate_config_reloads_total", "counter",
	    "Configuration reloads by result (a failed one keeps the "
	    "running configuration).");
	prom_sample(out, "authgate_config_reloads_total", "result=\"ok\"",
	    atomic_load_explicit(&metrics_reloads[1], memory_order_relaxed));
	prom_sample(out, "authgate_config_reloads_total",
	    "result=\"failed\"", atomic_load_explicit(&metrics_reloads[0],
	    memory_order_relaxed));
	prom_family(out, "authgate_config_last_reload_success_timestamp_seconds",
	    "gauge", "When the configuration last loaded (start or reload).");
	t = atomic_load_explicit(&metrics_reload_time, memory_order_relaxed);
	prom_sample(out, "authgate_config_last_reload_success_timestamp_seconds",
	    NULL, (unsigned long)(t > 0 ? t : (long long)metrics_started));
	if (pool != NULL) {
		threads = task_pool_threads(pool, &busy);
		prom_family(out, "authgate_check_threads", "gauge",
		    "Threads of the check pool, by state.");
		prom_sample(out, "authgate_check_threads", "state=\"busy\"",
		    busy);
		prom_sample(out, "authgate_check_threads", "state=\"idle\"",
		    threads - busy);
	}
	str_free(&labels);
}

/* metrics_write_dmarcrep - the DMARC report recorder's counts */
static void
metrics_write_dmarcrep(str *out, dmarcrep *rec)
{
	struct dmarcrep_counts c;

	if (rec == NULL)
		return;
	dmarcrep_counts(rec, &c);
	prom_family(out, "authgate_dmarc_records_total", "counter",
	    "DMARC evaluations for aggregate reports: stored, or dropped "
	    "(queue full, store down or slow).");
	prom_sample(out, "authgate_dmarc_records_total", "result=\"stored\"",
	    c.recorded);
	prom_sample(out, "authgate_dmarc_records_total", "result=\"dropped\"",
	    c.dropped);
	prom_family(out, "authgate_dmarc_records_waiting", "gauge",
	    "DMARC evaluations queued for the store.");
	prom_sample(out, "authgate_dmarc_records_waiting", NULL, c.waiting);
}

/* metrics_write - the whole /metrics page */
void
metrics_write(str *out, task_pool *pool, dmarcrep *rec)
{
	str labels;
	int k;

	metrics_ready();
	str_init(&labels);
	metrics_write_process(out, pool);
	prom_family(out, "authgate_verdicts_total", "counter",
	    "Transactions (and connections refused before one) by the "
	    "action answered, the check that decided it and the stage.");
	prom_keyed_write(out, "authgate_verdicts_total", &metrics_verdict);
	prom_family(out, "authgate_check_results_total", "counter",
	    "Results of the checks that ran, by check and result (dkim: "
	    "one per signature).");
	prom_keyed_write(out, "authgate_check_results_total", &metrics_result);
	prom_family(out, "authgate_dnsbl_results_total", "counter",
	    "Answers of the DNS block and allow lists, by zone and "
	    "category listed (not_listed, list_error, temperror).");
	prom_keyed_write(out, "authgate_dnsbl_results_total", &metrics_dnsbl);
	prom_family(out, "authgate_exemptions_total", "counter",
	    "Transactions in which an exemption skipped a check or kept a "
	    "result from being enforced, by kind.");
	for (k = 0; k < EXK_COUNT; k++) {
		str_reset(&labels);
		prom_label(&labels, "kind", exempt_kind_names[k]);
		prom_sample(out, "authgate_exemptions_total", str_cstr(&labels),
		    atomic_load_explicit(&metrics_exempt[k],
		    memory_order_relaxed));
	}
	metrics_write_stages(out, "authgate_transaction_seconds",
	    "From the start of a transaction (MAIL FROM; the connection for "
	    "refusals before it) to its verdict, by the verdict's stage.",
	    metrics_tx_time);
	metrics_write_stages(out, "authgate_callback_seconds",
	    "How long each MTA command waited for authgate's answer, by "
	    "stage: the delay authgate adds to SMTP.", metrics_cb_time);
	metrics_write_stages(out, "authgate_dns_wait_seconds",
	    "How long each stage's verdict waited for answers (DNS, and the "
	    "checks waiting on DNS in the background), per transaction.",
	    metrics_wait_time);
	metrics_write_dmarcrep(out, rec);
	dns_metrics_write(out);
	str_free(&labels);
}
