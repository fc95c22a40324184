/*
 * summary_json - the per-message log line as one JSON object, for log
 * pipelines (log_format = json); see summary.h. The same facts as the
 * text line, under stable keys; every string from outside is made
 * printable ASCII first (str_append_printable), so the object is valid
 * JSON (and UTF-8) whatever bytes a sender put in a header.
 */
#include "config.h"

#include <string.h>

#include "util/str.h"
#include "spf/spf.h"
#include "arc/arc_verify.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "dmarc/dmarc_record.h"
#include "ipcheck/dnsbl.h"
#include "ipcheck/helo_check.h"
#include "ipcheck/iprev.h"
#include "sender/identity.h"
#include "sender/limits.h"
#include "sender/lockdown.h"
#include "verdict/facts.h"
#include "verdict/verdict.h"
#include "report/summary.h"

/* sj_key - ,"key": (no comma right after an opening brace or bracket) */
static void
sj_key(str *out, const char *key)
{
	char last;

	last = out->len > 0 ? str_cstr(out)[out->len - 1] : '{';
	if (last != '{' && last != '[')
		str_append_c(out, ',');
	str_append_json(out, key);
	str_append_c(out, ':');
}

/* sj_text - "key":"value", an untrusted value bounded and printable;
 * nothing when value is NULL */
static void
sj_text(str *out, const char *key, const char *value, size_t max)
{
	str clean;

	if (value == NULL)
		return;
	str_init(&clean);
	str_append_printable(&clean, value, strlen(value), max);
	sj_key(out, key);
	str_append_json(out, str_cstr(&clean));
	str_free(&clean);
}

/* sj_word - "key":"word", one of our own words */
static void
sj_word(str *out, const char *key, const char *word)
{
	sj_key(out, key);
	str_append_json(out, word);
}

/* sj_open - "key":{ (or [ with bracket) */
static void
sj_open(str *out, const char *key, int bracket)
{
	if (key != NULL)
		sj_key(out, key);
	else if (out->len > 0 && str_cstr(out)[out->len - 1] != '[')
		str_append_c(out, ',');
	str_append_c(out, bracket ? '[' : '{');
}

/* sj_spf - one SPF identity */
static void
sj_spf(str *out, const char *key, const struct spf_outcome *o)
{
	if (!o->checked)
		return;
	sj_open(out, key, 0);
	sj_word(out, "result", spf_result_name(o->result));
	sj_text(out, "domain", o->domain, 255);
	if (o->result != SPFR_PASS)
		sj_text(out, "reason", o->reason, 300);
	str_append_c(out, '}');
}

/* sj_ip - the connect-stage checks */
static void
sj_ip(str *out, const struct facts *f)
{
	static const char *const status[] = {
		"not_listed", "listed", "list_error", "temperror"
	};
	const struct dnsbl_result *r;
	size_t i, j;

	if (f->iplist.list != NULL) {
		sj_open(out, "ip_list", 0);
		sj_text(out, "list", f->iplist.list->name, 120);
		sj_word(out, "kind", f->iplist.list->allow ? "allow" : "deny");
		sj_text(out, "entry", f->iplist.entry->cidr, 60);
		str_append_c(out, '}');
	}
	if (f->dnsbl.checked) {
		sj_open(out, "dnsbl", 1);
		for (i = 0; i < f->dnsbl.n; i++) {
			r = &f->dnsbl.r[i];
			sj_open(out, NULL, 0);
			sj_text(out, "zone", r->zone->name, 255);
			sj_word(out, "status", status[r->status]);
			sj_text(out, "codes", r->codes, 200);
			if (r->status == DNSBL_LISTED) {
				sj_open(out, "categories", 1);
				for (j = 0; j < r->zone->nlistings && j < 32; j++)
					if (r->hits & (1u << j)) {
						if (str_cstr(out)[out->len - 1] != '[')
							str_append_c(out, ',');
						str_append_json(out,
						    r->zone->listings[j].category);
					}
				str_append_c(out, ']');
			}
			str_append_c(out, '}');
		}
		str_append_c(out, ']');
		sj_key(out, "dnsbl_score");
		str_appendf(out, "%d", f->dnsbl.score);
	}
	if (f->iprev.checked) {
		sj_open(out, "iprev", 0);
		sj_word(out, "result", iprev_result_name(f->iprev.result));
		sj_text(out, "name", f->iprev.name, 255);
		sj_key(out, "generic_name");
		str_append(out, f->iprev.generic ? "true" : "false");
		sj_key(out, "by_mta");
		str_append(out, f->iprev.by_mta ? "true" : "false");
		str_append_c(out, '}');
	}
	if (f->helo_check.checked) {
		sj_open(out, "helo_facts", 1);
		for (i = 0; i < HELOF_COUNT; i++)
			if (f->helo_check.facts & (1u << i)) {
				if (str_cstr(out)[out->len - 1] != '[')
					str_append_c(out, ',');
				str_append_json(out,
				    helo_fact_name((enum helo_fact)i));
			}
		str_append_c(out, ']');
	}
	if (f->authz_mailfrom.checked) {
		sj_key(out, "sender_networks_mailfrom");
		str_append(out, f->authz_mailfrom.allowed ? "true" : "false");
	}
	if (f->authz_from.checked) {
		sj_key(out, "sender_networks_from");
		str_append(out, f->authz_from.allowed ? "true" : "false");
	}
	if (f->exempt_rcpt)
		sj_text(out, "rcpt_exempt", f->exempt_rcpt_name, 200);
}

/* sj_message - DKIM signatures, the From: problem, DMARC */
static void
sj_message(str *out, const struct facts *f)
{
	const struct dmarc_outcome *o = &f->dmarc;
	size_t i;

	if (f->dkim.checked) {
		sj_open(out, "dkim", 1);
		for (i = 0; i < f->dkim.n && i < 50; i++) {
			sj_open(out, NULL, 0);
			sj_word(out, "result",
			    dkim_result_name(f->dkim.sigs[i].result));
			sj_text(out, "domain", f->dkim.sigs[i].domain, 255);
			sj_text(out, "selector", f->dkim.sigs[i].selector, 120);
			sj_text(out, "reason", f->dkim.sigs[i].reason, 200);
			str_append_c(out, '}');
		}
		str_append_c(out, ']');
	}
	if (f->arc_checked && f->arc.cv != ARC_CV_NONE) {
		sj_open(out, "arc", 0);
		sj_word(out, "result", f->arc.cv == ARC_CV_PASS ? "pass" :
		    "fail");
		sj_key(out, "sets");
		str_appendf(out, "%u", f->arc.n);
		if (f->arc.cv == ARC_CV_PASS && f->arc.n > 0)
			sj_text(out, "newest_sealer",
			    f->arc.set[f->arc.n - 1].sealer, 255);
		if (f->arc.cv == ARC_CV_FAIL)
			sj_text(out, "reason", f->arc.why, 300);
		str_append_c(out, '}');
	}
	sj_text(out, "from_error", f->from_error, 200);
	if (!o->checked)
		return;
	sj_open(out, "dmarc", 0);
	sj_word(out, "result", dmarc_result_name(o->result));
	sj_text(out, "from_domain", o->from_domain, 255);
	sj_text(out, "record_domain", o->record_domain, 255);
	if (o->result == DMARCR_FAIL || o->result == DMARCR_PASS) {
		sj_word(out, "policy_tag", o->published_tag != NULL ?
		    o->published_tag : "p");
		sj_word(out, "policy", dmarc_disp_name(o->published));
	}
	if (o->result != DMARCR_PASS)
		sj_text(out, "reason", o->reason, 300);
	str_append_c(out, '}');
}

/* sj_lockdown - one identity's lockdown result */
static void
sj_lockdown(str *out, const char *key, const struct lockdown_outcome *o)
{
	if (!o->checked)
		return;
	sj_open(out, key, 0);
	sj_word(out, "result", lockdown_result_name(o->result));
	sj_text(out, "domain", o->domain, 255);
	sj_text(out, "record", o->record, 300);
	sj_text(out, "field", o->field, 200);
	sj_text(out, "error", o->error, 200);
	str_append_c(out, '}');
}

/* sj_login - one identity's sender_login result */
static void
sj_login(str *out, const char *key, const struct binding_outcome *o)
{
	if (!o->checked)
		return;
	sj_open(out, key, 0);
	sj_key(out, "allowed");
	str_append(out, o->allowed ? "true" : "false");
	sj_text(out, "address", o->address, 255);
	sj_text(out, "owners", o->owners, 200);
	str_append_c(out, '}');
}

/* sj_sender - who sends, lockdown, sender_login, blocks, rates */
static void
sj_sender(str *out, const struct facts *f)
{
	const struct limit_outcome *l = &f->limits;

	sj_text(out, "login", f->sender.login, 200);
	sj_text(out, "account", f->sender.account, 200);
	sj_lockdown(out, "lockdown_mailfrom", &f->lockdown_mailfrom);
	sj_lockdown(out, "lockdown_from", &f->lockdown_from);
	sj_login(out, "sender_login_mailfrom", &f->login_mailfrom);
	sj_login(out, "sender_login_from", &f->login_from);
	if (!l->checked)
		return;
	if (l->store_error)
		sj_text(out, "state_error", l->error != NULL ? l->error : "",
		    200);
	if (l->blocked) {
		sj_text(out, "block", l->block_key, 200);
		sj_key(out, "block_until_ms");
		str_appendf(out, "%lld", (long long)l->block.until);
	}
	if (l->over || l->rcpt_over) {
		sj_open(out, "rate", 0);
		sj_text(out, "key", l->rate_key, 200);
		sj_word(out, "what", l->rate_what);
		sj_key(out, "count");
		str_appendf(out, "%u", l->count);
		sj_key(out, "limit");
		str_appendf(out, "%u", l->limit);
		sj_key(out, "window_s");
		str_appendf(out, "%lld", (long long)(l->window_ms / 1000));
		str_append_c(out, '}');
	}
}

/* sj_verdict - what was answered, and why */
static void
sj_verdict(str *out, const struct verdict *v, enum stage stage)
{
	size_t i;

	sj_open(out, "verdict", 0);
	sj_word(out, "action", policy_action_name(v->action));
	if (v->decided != v->action)
		sj_word(out, "pending", policy_action_name(v->decided));
	if (v->check != NULL)
		sj_word(out, "check", v->check);
	if (v->action == ACT_REJECT || v->action == ACT_TEMPFAIL) {
		sj_word(out, "code", v->code);
		sj_word(out, "xcode", v->xcode);
	}
	sj_word(out, "stage", policy_stage_name(stage));
	if (v->action != ACT_ACCEPT && v->nlines > 0) {
		sj_open(out, "reply", 1);
		for (i = 0; i < v->nlines; i++) {
			if (i > 0)
				str_append_c(out, ',');
			str_append_json(out, v->lines[i]);
		}
		str_append_c(out, ']');
	}
	str_append_c(out, '}');
	if (v->exempt.len > 0)
		sj_text(out, "exempt", str_cstr(&v->exempt), 2000);
	if (v->would.len > 0)
		sj_text(out, "would", str_cstr(&v->would), 2000);
}

/* summary_json - the per-message log line as a JSON object */
void
summary_json(const struct facts *f, const struct verdict *v,
    enum stage stage, const char *queue_id, unsigned nrcpt, long ms, str *out)
{
	str_append_c(out, '{');
	sj_text(out, "queue_id", queue_id != NULL && queue_id[0] ? queue_id :
	    "NOQUEUE", 64);
	sj_text(out, "client_name", f->client_name != NULL ? f->client_name :
	    "unknown", 255);
	sj_text(out, "client_ip", f->client_ip != NULL ? f->client_ip : "?",
	    64);
	sj_text(out, "helo", f->helo, 255);
	sj_text(out, "mail_from", f->mail_from, 300);
	sj_key(out, "rcpts");
	str_appendf(out, "%u", nrcpt);
	sj_ip(out, f);
	sj_sender(out, f);
	sj_spf(out, "spf_mailfrom", &f->spf_mailfrom);
	sj_spf(out, "spf_helo", &f->spf_helo);
	sj_message(out, f);
	sj_verdict(out, v, stage);
	if (f->dns_wait_us != NULL && f->dns_wait_stages != 0) {
		int s;

		sj_open(out, "dns_wait_ms", 0);
		for (s = 0; s < STAGE_COUNT; s++)
			if (f->dns_wait_stages & (1u << s)) {
				sj_key(out, policy_stage_name((enum stage)s));
				str_appendf(out, "%ld", (long)((f->dns_wait_us[s] +
				    500) / 1000));
			}
		str_append_c(out, '}');
	}
	sj_key(out, "time_ms");
	str_appendf(out, "%ld", ms);
	str_append_c(out, '}');
}
