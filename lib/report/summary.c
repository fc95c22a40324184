/*
 * summary - the per-message log line; see summary.h.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "util/str.h"
#include "spf/spf.h"
#include "arc/arc_verify.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "sender/identity.h"
#include "sender/limits.h"
#include "sender/lockdown.h"
#include "verdict/facts.h"
#include "verdict/verdict.h"
#include "report/summary.h"

/* summary_value - key=value with an untrusted value */
static void
summary_value(str *out, const char *key, const char *value)
{
	str_appendf(out, " %s=", key);
	str_append_printable(out, value != NULL ? value : "", value != NULL ?
	    strlen(value) : 0, 200);
}

/* summary_spf - one SPF result with its domain and reason */
static void
summary_spf(str *out, const char *key, const struct spf_outcome *o)
{
	if (!o->checked)
		return;
	str_appendf(out, " %s=%s(", key, spf_result_name(o->result));
	str_append_printable(out, o->domain, strlen(o->domain), 120);
	if (o->reason != NULL && o->result != SPFR_PASS) {
		str_append(out, ": ");
		str_append_printable(out, o->reason, strlen(o->reason), 160);
	}
	str_append_c(out, ')');
}

/* summary_dkim - every signature with its domain and reason */
static void
summary_dkim(str *out, const struct dkim_results *r)
{
	size_t i;

	if (!r->checked)
		return;
	str_append(out, " dkim=");
	if (r->n == 0)
		str_append(out, "none");
	for (i = 0; i < r->n && i < 10; i++) {
		str_appendf(out, "%s%s(", i ? "," : "",
		    dkim_result_name(r->sigs[i].result));
		str_append_printable(out, r->sigs[i].domain,
		    strlen(r->sigs[i].domain), 120);
		if (r->sigs[i].reason != NULL) {
			str_append(out, ": ");
			str_append_printable(out, r->sigs[i].reason,
			    strlen(r->sigs[i].reason), 120);
		}
		str_append_c(out, ')');
	}
	if (r->n > 10)
		str_appendf(out, ",+%zu", r->n - 10);
}

/* summary_arc - a chain that passed (its sets and sealers) or failed
 * (why); nothing for a message without one */
static void
summary_arc(str *out, const struct facts *f)
{
	const struct arc_result *r = &f->arc;
	unsigned i;

	if (!f->arc_checked || r->cv == ARC_CV_NONE)
		return;
	if (r->cv == ARC_CV_FAIL) {
		str_append(out, " arc=fail(");
		str_append_printable(out, r->why, strlen(r->why), 200);
		str_append_c(out, ')');
		return;
	}
	str_appendf(out, " arc=pass(i=%u", r->n);
	for (i = r->n; i >= 1; i--) {
		str_append_c(out, ' ');
		str_append_printable(out, r->set[i - 1].sealer,
		    strlen(r->set[i - 1].sealer), 120);
	}
	str_append_c(out, ')');
}

/* summary_dmarc - the From: problem or the DMARC result */
static void
summary_dmarc(str *out, const struct facts *f)
{
	const struct dmarc_outcome *o = &f->dmarc;

	if (f->from_error != NULL) {
		str_append(out, " from_error=\"");
		str_append_printable(out, f->from_error, strlen(f->from_error),
		    200);
		str_append_c(out, '"');
	}
	if (!o->checked)
		return;
	str_appendf(out, " dmarc=%s(", dmarc_result_name(o->result));
	str_append_printable(out, o->from_domain, strlen(o->from_domain), 120);
	if (o->result == DMARCR_FAIL || o->result == DMARCR_PASS)
		str_appendf(out, " %s=%s", o->published_tag != NULL ?
		    o->published_tag : "p", dmarc_disp_name(o->published));
	if (o->result != DMARCR_PASS && o->reason != NULL) {
		str_append(out, ": ");
		str_append_printable(out, o->reason, strlen(o->reason), 200);
	}
	str_append_c(out, ')');
}

/* summary_ip - the connect-stage facts: the admin's list entry, each DNS
 * list hit with its code and category, reverse DNS, HELO facts, the
 * sender_networks rules that did not authorize the client */
static void
summary_ip(str *out, const struct facts *f)
{
	const struct dnsbl_result *r;
	const char *sep;
	size_t i, j;

	if (f->iplist.list != NULL) {
		str_appendf(out, " ip_list=%s(%s %s)", f->iplist.list->name,
		    f->iplist.list->allow ? "allow" : "deny",
		    f->iplist.entry->cidr);
	}
	if (f->dnsbl.checked) {
		str_append(out, " dnsbl=");
		sep = "";
		for (i = 0; i < f->dnsbl.n; i++) {
			r = &f->dnsbl.r[i];
			if (r->status == DNSBL_NOT_LISTED)
				continue;
			str_appendf(out, "%s%s:", sep, r->zone->name);
			sep = ",";
			if (r->status != DNSBL_LISTED) {
				str_append(out, r->status == DNSBL_LIST_ERROR ?
				    "error" : "temperror");
				if (r->codes != NULL)
					str_appendf(out, "(%s)", r->codes);
				continue;
			}
			str_appendf(out, "%s(", r->codes != NULL ? r->codes : "?");
			for (j = 0; j < r->zone->nlistings; j++)
				if (r->hits & (1u << j))
					str_appendf(out, "%s%s %+d",
					    out->buf[out->len - 1] == '(' ? "" : " ",
					    r->zone->listings[j].category,
					    r->zone->listings[j].weight);
			str_append_c(out, ')');
		}
		if (sep[0] == '\0')
			str_append(out, "none");
		str_appendf(out, " dnsbl_score=%d", f->dnsbl.score);
	}
	if (f->iprev.checked) {
		str_appendf(out, " iprev=%s", iprev_result_name(f->iprev.result));
		if (f->iprev.name != NULL) {
			str_append_c(out, '(');
			str_append_printable(out, f->iprev.name,
			    strlen(f->iprev.name), 120);
			if (f->iprev.by_mta)
				str_append(out, ", by the MTA");
			str_append_c(out, ')');
		}
		if (f->iprev.generic)
			str_append(out, " generic_name=yes");
	}
	if (f->helo_check.checked && f->helo_check.facts != 0) {
		str_append(out, " helo_facts=");
		sep = "";
		for (i = 0; i < HELOF_COUNT; i++)
			if (f->helo_check.facts & (1u << i)) {
				str_appendf(out, "%s%s", sep,
				    helo_fact_name((enum helo_fact)i));
				sep = ",";
			}
	}
	if (f->authz_mailfrom.checked)
		str_appendf(out, " sender_networks_mailfrom=%s",
		    f->authz_mailfrom.allowed ? "yes" : "no");
	if (f->authz_from.checked)
		str_appendf(out, " sender_networks_from=%s",
		    f->authz_from.allowed ? "yes" : "no");
	if (f->exempt_rcpt)
		summary_value(out, "rcpt_exempt", f->exempt_rcpt_name);
}

/* summary_time - key=2026-12-05T01:30:00Z (wall-clock ms) */
static void
summary_time(str *out, const char *key, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char buf[32];

	if (gmtime_r(&t, &tm) != NULL &&
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		str_appendf(out, " %s=%s", key, buf);
}

/* summary_lockdown - one identity's lockdown result */
static void
summary_lockdown(str *out, const char *key, const struct lockdown_outcome *o)
{
	const char *detail;

	if (!o->checked)
		return;
	str_appendf(out, " %s=%s(", key, lockdown_result_name(o->result));
	str_append_printable(out, o->domain, strlen(o->domain), 120);
	detail = o->result == LOCKDOWNR_PASS ? o->field : o->result ==
	    LOCKDOWNR_FAIL ? o->record : o->error;
	if (detail != NULL) {
		str_append(out, ": ");
		str_append_printable(out, detail, strlen(detail), 160);
	}
	str_append_c(out, ')');
}

/* summary_login - one identity's sender_login result */
static void
summary_login(str *out, const char *key, const struct binding_outcome *o)
{
	if (!o->checked)
		return;
	str_appendf(out, " %s=%s(", key, o->allowed ? "ok" : "mismatch");
	str_append_printable(out, o->address, strlen(o->address), 120);
	if (!o->allowed) {
		str_append(out, o->owners != NULL ? " owned by " : " unowned");
		if (o->owners != NULL)
			str_append_printable(out, o->owners,
			    strlen(o->owners), 120);
	}
	str_append_c(out, ')');
}

/* summary_sender - the sending side: who, lockdown, sender_login,
 * blocks, rate limits */
static void
summary_sender(str *out, const struct facts *f)
{
	const struct limit_outcome *l = &f->limits;

	if (f->sender.login != NULL)
		summary_value(out, "login", f->sender.login);
	if (f->sender.account != NULL)
		summary_value(out, "account", f->sender.account);
	summary_lockdown(out, "lockdown_mailfrom", &f->lockdown_mailfrom);
	summary_lockdown(out, "lockdown_from", &f->lockdown_from);
	summary_login(out, "sender_login_mailfrom", &f->login_mailfrom);
	summary_login(out, "sender_login_from", &f->login_from);
	if (!l->checked)
		return;
	if (l->store_error) {
		str_append(out, " state=error(");
		str_append_printable(out, l->error != NULL ? l->error : "",
		    l->error != NULL ? strlen(l->error) : 0, 160);
		str_append_c(out, ')');
	}
	if (l->blocked) {
		summary_value(out, "block", l->block_key);
		summary_time(out, "until", l->block.until);
	}
	if (l->over || l->rcpt_over) {
		summary_value(out, "rate", l->rate_key);
		str_appendf(out, "(%u+%s>%u/%llds)", l->count, l->rate_what,
		    l->limit, (long long)(l->window_ms / 1000));
	}
}

/* summary_reply - the reply text we gave, lines joined with " | " */
static void
summary_reply(str *out, const struct verdict *v)
{
	size_t i;

	str_append(out, " reply=\"");
	for (i = 0; i < v->nlines; i++) {
		if (i > 0)
			str_append(out, " | ");
		str_append(out, v->lines[i]);
	}
	str_append_c(out, '"');
}

/* summary_waits - dns_wait=rcpt:12ms,eom:3ms: how long each stage's
 * verdict waited for answers, the stages that waited 1 ms or more */
static void
summary_waits(str *out, const struct facts *f)
{
	const char *sep = " dns_wait=";
	int s;

	if (f->dns_wait_us == NULL)
		return;
	for (s = 0; s < STAGE_COUNT; s++)
		if ((f->dns_wait_stages & (1u << s)) &&
		    f->dns_wait_us[s] >= 1000) {
			str_appendf(out, "%s%s:%ldms", sep,
			    policy_stage_name((enum stage)s),
			    (long)((f->dns_wait_us[s] + 500) / 1000));
			sep = ",";
		}
}

/* summary_format - the per-message log line */
void
summary_format(const struct facts *f, const struct verdict *v,
    enum stage stage, const char *queue_id, unsigned nrcpt, long ms, str *out)
{
	str_append(out, queue_id != NULL && queue_id[0] ? queue_id : "NOQUEUE");
	str_append(out, ": client=");
	str_append_printable(out, f->client_name != NULL ? f->client_name :
	    "unknown", f->client_name != NULL ? strlen(f->client_name) : 7, 120);
	str_appendf(out, "[%s]", f->client_ip != NULL ? f->client_ip : "?");
	summary_value(out, "helo", f->helo);
	str_append(out, " from=<");
	if (f->mail_from != NULL)
		str_append_printable(out, f->mail_from, strlen(f->mail_from),
		    200);
	str_appendf(out, "> rcpts=%u", nrcpt);
	summary_ip(out, f);
	summary_sender(out, f);
	summary_spf(out, "spf_mailfrom", &f->spf_mailfrom);
	summary_spf(out, "spf_helo", &f->spf_helo);
	summary_dkim(out, &f->dkim);
	summary_arc(out, f);
	summary_dmarc(out, f);
	if (v->exempt.len > 0)
		str_appendf(out, " exempt=\"%s\"", str_cstr(&v->exempt));
	if (v->would.len > 0)
		str_appendf(out, " would=\"%s\"", str_cstr(&v->would));
	if (v->action == ACT_ACCEPT && v->decided != ACT_ACCEPT)
		str_appendf(out, " verdict=accept (pending %s by %s)",
		    policy_action_name(v->decided), v->check);
	else if (v->action == ACT_ACCEPT)
		str_append(out, " verdict=accept");
	else if (v->action == ACT_QUARANTINE || v->action == ACT_TAG)
		str_appendf(out, " verdict=%s (%s)", policy_action_name(v->action),
		    v->check);
	else
		str_appendf(out, " verdict=%s %s %s (%s)", policy_action_name(v->action),
		    v->code, v->xcode, v->check);
	str_appendf(out, " stage=%s time=%ldms", policy_stage_name(stage), ms);
	summary_waits(out, f);
	if (v->action != ACT_ACCEPT)
		summary_reply(out, v);
}
