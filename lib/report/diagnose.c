/*
 * diagnose - per-check findings for the sender side; see diagnose.h.
 */
#include "config.h"

#include <string.h>

#include "util/mem.h"
#include "util/str.h"
#include "spf/spf.h"
#include "arc/arc_verify.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "ipcheck/dnsbl.h"
#include "ipcheck/helo_check.h"
#include "ipcheck/iprev.h"
#include "sender/identity.h"
#include "sender/lockdown.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"
#include "verdict/verdict_ip.h"
#include "verdict/verdict_sender.h"
#include "verdict/verdict_reply.h"
#include "verdict/verdict_text.h"
#include "report/diagnose.h"

/* diag_add - a new finding with the result "what (detail)" */
static struct finding *
diag_add(struct diagnosis *d, const char *check, int ok, const char *what,
    const char *detail)
{
	struct finding *f;
	str r;

	if (d->n >= DIAGNOSE_MAX)
		return NULL;
	f = &d->f[d->n++];
	memset(f, 0, sizeof(*f));
	f->check = check;
	f->ok = ok;
	str_init(&r);
	str_append(&r, what);
	if (detail != NULL)
		str_appendf(&r, " (%s)", detail);
	f->result = str_steal(&r);
	return f;
}

/* diag_take - move a scratch verdict's lines into a finding */
static void
diag_take(struct finding *f, struct verdict *v)
{
	size_t i;

	if (f != NULL) {
		for (i = 0; i < v->nlines; i++) {
			f->lines[i] = v->lines[i];
			v->lines[i] = NULL;
		}
		f->nlines = v->nlines;
		v->nlines = 0;
	}
	verdict_clear(v);
}

/* diag_arc - the ARC chain: who sealed it, why it fails, and whether a
 * trusted sealer vouches for a message that failed DMARC */
static void
diag_arc(const struct facts *f, struct diagnosis *d)
{
	const struct arc_result *r = &f->arc;
	struct finding *fi;
	struct verdict v;
	str s;

	if (!f->arc_checked || r->cv == ARC_CV_NONE)
		return;
	memset(&v, 0, sizeof(v));
	str_init(&s);
	if (r->cv == ARC_CV_FAIL) {
		fi = diag_add(d, "arc", 0, "fail", r->why);
		diag_take(fi, &v);
		str_free(&s);
		return;
	}
	str_appendf(&s, "%u set%s, newest sealed by %s, oldest-pass %u", r->n,
	    r->n == 1 ? "" : "s", r->set[r->n - 1].sealer, r->oldest_pass);
	fi = diag_add(d, "arc", 1, "pass", str_cstr(&s));
	if (f->arc_sealer != NULL) {
		str_reset(&s);
		str_appendf(&s, "The message failed DMARC, but it came "
		    "through %s, which you trust (dmarc.trusted_sealers), and "
		    "whose ARC set i=%u saw it pass (%s): the failure is not "
		    "enforced.", f->arc_sealer, f->arc_sealer_i, f->arc_saw);
		verdict_add_line(&v, str_cstr(&s));
	}
	diag_take(fi, &v);
	str_free(&s);
}

/* diag_dnsbl - the DNS lists: listed (and the score), errors, or clean */
static void
diag_dnsbl(const struct facts *f, const struct policy *p,
    struct diagnosis *d)
{
	struct finding *fi;
	struct verdict v;
	size_t i, listed = 0, bad = 0;
	int score;
	str what;

	if (!f->dnsbl.checked)
		return;
	for (i = 0; i < f->dnsbl.n; i++) {
		if (f->dnsbl.r[i].status == DNSBL_LISTED &&
		    f->dnsbl.r[i].weight > 0)
			listed++;
		else if (f->dnsbl.r[i].status == DNSBL_LIST_ERROR ||
		    f->dnsbl.r[i].status == DNSBL_TEMPERROR)
			bad++;
	}
	score = verdict_dnsbl_score(f, p);
	str_init(&what);
	str_appendf(&what, "score %d, limit %d", score, p->dnsbl_threshold);
	memset(&v, 0, sizeof(v));
	if (listed > 0) {
		fi = diag_add(d, "dnsbl", 0, "listed", str_cstr(&what));
		verdict_explain_dnsbl_listing(f, score, p->dnsbl_threshold, &v);
		diag_take(fi, &v);
	} else {
		fi = diag_add(d, "dnsbl", 1, "not listed", str_cstr(&what));
	}
	for (i = 0; fi != NULL && i < f->dnsbl.n && bad > 0; i++) {
		const struct dnsbl_result *r = &f->dnsbl.r[i];
		str line;

		if (r->status != DNSBL_LIST_ERROR &&
		    r->status != DNSBL_TEMPERROR)
			continue;
		if (fi->nlines >= VERDICT_MAX_LINES)
			break;
		str_init(&line);
		str_appendf(&line, "%s %s", r->zone->name,
		    r->status == DNSBL_TEMPERROR ? "did not answer" :
		    "answered with an error, not a listing");
		if (r->codes != NULL)
			str_appendf(&line, " (%s)", r->codes);
		str_append(&line, "; it was not counted.");
		fi->lines[fi->nlines++] = str_steal(&line);
	}
	str_free(&what);
}

/* diag_spf - one SPF identity */
static void
diag_spf(const struct spf_outcome *o, int helo, const struct facts *f,
    struct diagnosis *d)
{
	struct finding *fi;
	struct verdict v;

	if (!o->checked)
		return;
	fi = diag_add(d, helo ? "spf-helo" : "spf-mailfrom",
	    o->result == SPFR_PASS, spf_result_name(o->result),
	    o->domain[0] != '\0' ? o->domain : o->identity);
	if (o->result == SPFR_PASS)
		return;
	memset(&v, 0, sizeof(v));
	verdict_explain_spf(o, helo, f->client_ip, &v);
	diag_take(fi, &v);
}

/* diag_connect - the admin's lists, DNS lists, reverse DNS, HELO */
static void
diag_connect(const struct facts *f, const struct policy *p,
    struct diagnosis *d)
{
	struct finding *fi;
	struct verdict v;
	int i;

	memset(&v, 0, sizeof(v));
	if (f->iplist.list != NULL) {
		fi = diag_add(d, "ip_list", f->iplist.list->allow,
		    f->iplist.list->allow ? "allowed" : "listed",
		    f->iplist.list->name);
		if (!f->iplist.list->allow) {
			verdict_explain_iplist(f, &v);
			diag_take(fi, &v);
		}
	}
	diag_dnsbl(f, p, d);
	if (f->iprev.checked) {
		fi = diag_add(d, "iprev", f->iprev.result == IPREVR_PASS,
		    iprev_result_name(f->iprev.result), f->iprev.name);
		if (f->iprev.result != IPREVR_PASS) {
			verdict_explain_iprev(f, &v);
			diag_take(fi, &v);
		}
	}
	if (f->helo_check.checked) {
		fi = diag_add(d, "helo", f->helo_check.facts == 0,
		    f->helo_check.facts == 0 ? "no findings" : "findings",
		    f->helo_check.name);
		for (i = 0; fi != NULL && i < HELOF_COUNT &&
		    fi->nlines < VERDICT_MAX_LINES; i++) {
			str line;

			if (!(f->helo_check.facts & (1u << i)))
				continue;
			str_init(&line);
			helo_describe((enum helo_fact)i, f->helo_check.name !=
			    NULL ? f->helo_check.name : "", f->client_ip, &line);
			fi->lines[fi->nlines++] = str_steal(&line);
		}
	}
}

/* diag_sender - the sending side: each identity's lockdown record and
 * the login's right to it, a block or a rate limit in force */
static void
diag_sender(const struct facts *f, struct diagnosis *d)
{
	const struct lockdown_outcome *ld[2] = { &f->lockdown_mailfrom,
	    &f->lockdown_from };
	const struct binding_outcome *lo[2] = { &f->login_mailfrom,
	    &f->login_from };
	static const char *const ld_name[2] = { "lockdown-mailfrom",
	    "lockdown-from" };
	static const char *const lo_name[2] = { "login-mailfrom",
	    "login-from" };
	struct finding *fi;
	struct verdict v;
	int i, ok;

	memset(&v, 0, sizeof(v));
	for (i = 0; i < 2; i++) {
		if (lo[i]->checked) {
			fi = diag_add(d, lo_name[i], lo[i]->allowed,
			    lo[i]->allowed ? "owner" : "not the owner",
			    lo[i]->address);
			if (!lo[i]->allowed) {
				verdict_explain_login(lo[i], i, f, &v);
				diag_take(fi, &v);
			}
		}
		if (!ld[i]->checked)
			continue;
		ok = ld[i]->result == LOCKDOWNR_PASS ||
		    ld[i]->result == LOCKDOWNR_NONE;
		fi = diag_add(d, ld_name[i], ok,
		    lockdown_result_name(ld[i]->result), ld[i]->result ==
		    LOCKDOWNR_PASS ? ld[i]->field : ld[i]->domain);
		if (!ok) {
			verdict_explain_lockdown(ld[i], i, f, &v);
			diag_take(fi, &v);
		}
	}
	if (!f->limits.checked)
		return;
	if (f->limits.store_error) {
		fi = diag_add(d, "state", 0, "error", NULL);
		verdict_explain_state(f, &v);
		diag_take(fi, &v);
	}
	if (f->limits.blocked) {
		fi = diag_add(d, "block", 0, "blocked", f->limits.block_key);
		verdict_explain_block(f, &v);
		diag_take(fi, &v);
	}
	if (f->limits.over || f->limits.rcpt_over) {
		fi = diag_add(d, "rate", 0, "over the limit",
		    f->limits.rate_key);
		verdict_explain_rate(f, &v);
		diag_take(fi, &v);
	}
}

/* diagnose_facts - every check's finding */
void
diagnose_facts(const struct facts *f, const struct policy *p,
    struct diagnosis *d)
{
	const struct authz_outcome *az[2] = { &f->authz_mailfrom,
	    &f->authz_from };
	struct finding *fi;
	struct verdict v;
	enum dkim_result dr;
	int i;

	memset(d, 0, sizeof(*d));
	memset(&v, 0, sizeof(v));
	diag_connect(f, p, d);
	diag_spf(&f->spf_helo, 1, f, d);
	diag_spf(&f->spf_mailfrom, 0, f, d);
	diag_sender(f, d);
	for (i = 0; i < 2; i++) {
		if (!az[i]->checked)
			continue;
		fi = diag_add(d, "sender_networks", az[i]->allowed,
		    az[i]->allowed ? "authorized" : "not authorized",
		    az[i]->domain);
		if (!az[i]->allowed) {
			verdict_explain_authz(az[i], i, f, &v);
			diag_take(fi, &v);
		}
	}
	if (f->dkim.checked) {
		dr = dkim_message_result(&f->dkim);
		fi = diag_add(d, "dkim", dr == DKIMR_PASS, dkim_result_name(dr),
		    f->dkim.n == 0 ? "not signed" : NULL);
		if (dr != DKIMR_PASS) {
			verdict_explain_dkim(f, &v);
			diag_take(fi, &v);
		}
	}
	diag_arc(f, d);
	if (f->from_error != NULL) {
		fi = diag_add(d, "from", 0, "unusable", NULL);
		verdict_explain_from(f, &v);
		diag_take(fi, &v);
	}
	if (f->dmarc.checked) {
		fi = diag_add(d, "dmarc", f->dmarc.result == DMARCR_PASS ||
		    f->dmarc.result == DMARCR_NONE,
		    dmarc_result_name(f->dmarc.result), f->dmarc.from_domain);
		if (f->dmarc.result == DMARCR_FAIL ||
		    f->dmarc.result == DMARCR_TEMPERROR ||
		    f->dmarc.result == DMARCR_PERMERROR) {
			verdict_explain_dmarc(f, &v);
			diag_take(fi, &v);
		}
	}
}

/* diagnosis_clear - release the findings */
void
diagnosis_clear(struct diagnosis *d)
{
	size_t i, j;

	for (i = 0; i < d->n; i++) {
		mem_free(d->f[i].result);
		for (j = 0; j < d->f[i].nlines; j++)
			mem_free(d->f[i].lines[j]);
	}
	memset(d, 0, sizeof(*d));
}
