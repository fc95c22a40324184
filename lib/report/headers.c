/*
 * headers - Authentication-Results and Received-SPF from the facts; see
 * headers.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "util/str.h"
#include "mail/authres.h"
#include "arc/arc_verify.h"
#include "spf/spf.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "verdict/exempt.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"
#include "report/headers.h"

/* headers_would - "(report only: would reject)" for a result a
 * report-only check would have refused on */
static void
headers_would(authres *ar, const struct policy *p, enum check c,
    enum action a)
{
	str note;

	if (!p->report_only[c] || a == ACT_ACCEPT)
		return;
	str_init(&note);
	str_appendf(&note, "report only: would %s", policy_action_name(a));
	authres_comment(ar, str_cstr(&note));
	str_free(&note);
}

/* headers_spf_result - one spf=... result in the A-R field, with a
 * comment when an exemption kept it from refusing */
static void
headers_spf_result(authres *ar, const struct spf_outcome *o, int helo,
    const struct facts *f, const struct policy *p, const char *exempt)
{
	const enum action *actions;
	str note;

	authres_result(ar, "spf", spf_result_name(o->result));
	actions = helo ? p->spf_helo : p->spf_mailfrom;
	if (exempt != NULL && actions[o->result] != ACT_ACCEPT) {
		str_init(&note);
		str_appendf(&note, "not enforced: %s", exempt);
		authres_comment(ar, str_cstr(&note));
		str_free(&note);
	} else if (exempt == NULL)
		headers_would(ar, p, CHECK_SPF, actions[o->result]);
	if (o->reason != NULL && (o->result == SPFR_TEMPERROR ||
	    o->result == SPFR_PERMERROR || o->result == SPFR_NONE))
		authres_reason(ar, o->reason);
	if (helo)
		authres_prop(ar, "smtp", "helo", o->domain);
	else {
		if (f->mail_from != NULL && f->mail_from[0] == '\0')
			authres_comment(ar, "null sender, checked as "
			    "postmaster@HELO");
		/* a malformed sender has no domain: show what was given */
		authres_prop(ar, "smtp", "mailfrom", o->domain[0] != '\0' ?
		    o->domain : o->identity);
	}
}

/* headers_skip - note a check an exemption skipped */
static void
headers_skip(str *names, str *why, const char *name, const str *reason)
{
	if (strstr(str_cstr(names), name) != NULL)
		return;
	if (names->len > 0)
		str_append(names, ", ");
	str_append(names, name);
	if (why->len == 0)
		str_append(why, str_cstr(reason));
}

/* headers_spf - an SPF identity's part of the A-R field, unless skipped */
static void
headers_spf(authres *ar, const struct spf_outcome *o, int helo,
    const struct facts *f, const struct policy *p, str *names, str *skipped)
{
	enum exempt_mode mode;
	str why;

	str_init(&why);
	mode = exempt_spf(p, f, o, &why);
	if (mode == EXEMPT_SKIP)
		headers_skip(names, skipped, "SPF", &why);
	else if (o->checked)
		headers_spf_result(ar, o, helo, f, p, mode == EXEMPT_RECORD ?
		    str_cstr(&why) : NULL);
	str_free(&why);
}

/* headers_dkim - one dkim=... per signature, dkim=none when unsigned */
static void
headers_dkim(authres *ar, const struct facts *f, const struct policy *p,
    str *names, str *skipped)
{
	const struct dkim_sig *sig;
	str why, note;
	size_t i;

	str_init(&why);
	if (exempt_check(p, f, CHECK_DKIM, &why) == EXEMPT_SKIP) {
		if (f->message_done)
			headers_skip(names, skipped, "DKIM", &why);
		str_free(&why);
		return;
	}
	str_free(&why);
	if (!f->dkim.checked)
		return;
	if (f->dkim.n == 0) {
		authres_result(ar, "dkim", "none");
		authres_comment(ar, "not signed");
		return;
	}
	str_init(&note);
	for (i = 0; i < f->dkim.n; i++) {
		sig = &f->dkim.sigs[i];
		authres_result(ar, "dkim", dkim_result_name(sig->result));
		str_reset(&note);
		if (sig->keybits > 0)
			str_appendf(&note, "%u-bit key", sig->keybits);
		else if (sig->algorithm != NULL &&
		    strncmp(sig->algorithm, "ed25519", 7) == 0)
			str_append(&note, "ed25519 key");
		if (note.len > 0)
			authres_comment(ar, str_cstr(&note));
		if (sig->reason != NULL)
			authres_reason(ar, sig->reason);
		authres_prop(ar, "header", "d", sig->domain);
		if (sig->identity != NULL)
			authres_prop(ar, "header", "i", sig->identity);
		authres_prop(ar, "header", "s", sig->selector);
		if (sig->algorithm != NULL)
			authres_prop(ar, "header", "a", sig->algorithm);
		if (sig->b != NULL)
			authres_prop(ar, "header", "b", sig->b);
	}
	str_free(&note);
}

/* headers_arc - arc=none|pass|fail (RFC 8617 10.1) with the sets and
 * their sealers, smtp.remote-ip and, for a chain that passed,
 * header.oldest-pass */
static void
headers_arc(authres *ar, const struct facts *f)
{
	const struct arc_result *r = &f->arc;
	char num[16];
	unsigned i;
	str note;

	if (!f->message_done || !f->arc_checked)
		return;
	/* "none" beside the other message results; not alone on mail whose
	 * checks an exemption skipped (that field says "none" as a whole) */
	if (r->cv == ARC_CV_NONE && !f->dkim.checked && !f->dmarc.checked)
		return;
	authres_result(ar, "arc", r->cv == ARC_CV_PASS ? "pass" :
	    r->cv == ARC_CV_FAIL ? "fail" : "none");
	if (r->cv == ARC_CV_NONE)
		return;
	str_init(&note);
	if (r->cv == ARC_CV_PASS) {
		str_appendf(&note, "i=%u, sealed by", r->n);
		for (i = r->n; i >= 1; i--)
			str_appendf(&note, "%s %s", i == r->n ? "" : ",",
			    r->set[i - 1].sealer);
		authres_comment(ar, str_cstr(&note));
	} else
		authres_reason(ar, r->why);
	if (f->client_ip != NULL)
		authres_prop(ar, "smtp", "remote-ip", f->client_ip);
	if (r->cv == ARC_CV_PASS) {
		(void)snprintf(num, sizeof(num), "%u", r->oldest_pass);
		authres_prop(ar, "header", "oldest-pass", num);
	}
	str_free(&note);
}

/* headers_dmarc_applied - what was done: policy.dmarc */
static const char *
headers_dmarc_applied(const struct facts *f, const struct policy *p,
    enum exempt_mode mode)
{
	const struct dmarc_actions *acts;
	enum action a;

	if (f->dmarc.result != DMARCR_FAIL || mode != EXEMPT_CHECK)
		return "none";
	acts = policy_dmarc_actions(p, f->from_domain);
	a = acts->fail[f->dmarc.policy];
	if (acts->report_only || p->report_only[CHECK_DMARC])
		return "none";
	return a == ACT_QUARANTINE ? "quarantine" : a == ACT_REJECT ? "reject" :
	    "none";
}

/* headers_dmarc - dmarc=... with header.from and policy.dmarc */
static void
headers_dmarc(authres *ar, const struct facts *f, const struct policy *p,
    str *names, str *skipped)
{
	const struct dmarc_outcome *o = &f->dmarc;
	enum exempt_mode mode;
	str why, note;

	if (!f->message_done)
		return;
	str_init(&why);
	str_init(&note);
	mode = exempt_dmarc(p, f, &why);
	if (mode == EXEMPT_SKIP) {
		headers_skip(names, skipped, "DMARC", &why);
		goto out;
	}
	if (f->from_error != NULL) {
		/* accepted anyway (bad_from = accept): say why no DMARC */
		authres_result(ar, "dmarc", "permerror");
		str_appendf(&note, "From: %s", f->from_error);
		authres_reason(ar, str_cstr(&note));
		goto out;
	}
	if (!o->checked)
		goto out;
	authres_result(ar, "dmarc", dmarc_result_name(o->result));
	if (o->result == DMARCR_PASS || o->result == DMARCR_FAIL) {
		str_appendf(&note, "%s=%s", o->published_tag != NULL ?
		    o->published_tag : "p", dmarc_disp_name(o->published));
		if (o->policy != o->published)
			str_appendf(&note, ", testing: %s",
			    dmarc_disp_name(o->policy));
		str_appendf(&note, "; SPF %s, DKIM %s",
		    dmarc_align_name(o->spf_align),
		    dmarc_align_name(o->dkim_align));
		if (mode == EXEMPT_RECORD && o->result == DMARCR_FAIL)
			str_appendf(&note, "; not enforced: %s", str_cstr(&why));
		else if (o->result == DMARCR_FAIL &&
		    (policy_dmarc_actions(p, f->from_domain)->report_only ||
		    p->report_only[CHECK_DMARC]))
			str_append(&note, "; report only");
		authres_comment(ar, str_cstr(&note));
	} else if (o->reason != NULL)
		authres_reason(ar, o->reason);
	authres_prop(ar, "header", "from", o->from_domain);
	authres_prop(ar, "policy", "dmarc", headers_dmarc_applied(f, p, mode));
out:
	str_free(&why);
	str_free(&note);
}

/* headers_not_enforced - "(not enforced: why)" when an exemption kept a
 * result from refusing */
static void
headers_not_enforced(authres *ar, enum exempt_mode mode, enum action a,
    const str *why)
{
	str note;

	if (mode != EXEMPT_RECORD || a == ACT_ACCEPT)
		return;
	str_init(&note);
	str_appendf(&note, "not enforced: %s", str_cstr(why));
	authres_comment(ar, str_cstr(&note));
	str_free(&note);
}

/* headers_iprev - iprev=... (RFC 8601 3) with the name it found */
static void
headers_iprev(authres *ar, const struct facts *f, const struct policy *p,
    str *names, str *skipped)
{
	const struct iprev_outcome *o = &f->iprev;
	enum exempt_mode mode;
	str why;

	if (f->ip == NULL)
		return;
	str_init(&why);
	mode = exempt_check(p, f, CHECK_IPREV, &why);
	if (mode == EXEMPT_SKIP) {
		if (p->ip_checks & (1u << CHECK_IPREV))
			headers_skip(names, skipped, "iprev", &why);
	} else if (o->checked) {
		authres_result(ar, "iprev", iprev_result_name(o->result));
		if (o->name != NULL)
			authres_comment(ar, o->name);
		headers_not_enforced(ar, mode, p->iprev[o->result], &why);
		if (mode == EXEMPT_CHECK)
			headers_would(ar, p, CHECK_IPREV, p->iprev[o->result]);
		if (o->result != IPREVR_PASS && o->reason != NULL)
			authres_reason(ar, o->reason);
		authres_prop(ar, "policy", "iprev", f->client_ip);
	}
	str_free(&why);
}

/* headers_dnsbl_zone - one list's answer: dnswl=pass for an allow list
 * (RFC 8904), dnsbl=fail for a block list hit, permerror for an answer
 * that is an error of the list, temperror when it did not answer */
static void
headers_dnsbl_zone(authres *ar, const struct dnsbl_result *r,
    const char **not_enforced)
{
	const struct dnsbl_listing *l;
	int allow = 0;
	str note;
	size_t j;

	str_init(&note);
	for (j = 0; j < r->zone->nlistings; j++)
		if (r->hits & (1u << j)) {
			l = &r->zone->listings[j];
			allow = l->class == DNSBL_ALLOW;
			str_appendf(&note, "%s%s, %+d", note.len ? "; " : "",
			    l->category, l->weight);
		}
	switch (r->status) {
	case DNSBL_LISTED:
		authres_result(ar, allow ? "dnswl" : "dnsbl", allow ? "pass" :
		    "fail");
		authres_comment(ar, str_cstr(&note));
		if (!allow && *not_enforced != NULL) {
			authres_comment(ar, *not_enforced);
			*not_enforced = NULL;	/* once, on the first hit */
		}
		break;
	case DNSBL_LIST_ERROR:
		authres_result(ar, "dnsbl", "permerror");
		if (r->error != NULL)
			authres_reason(ar, r->error);
		break;
	default:
		authres_result(ar, "dnsbl", "temperror");
		if (r->error != NULL)
			authres_reason(ar, r->error);
		break;
	}
	authres_prop(ar, "dns", "zone", r->zone->name);
	if (r->codes != NULL)
		authres_prop(ar, "policy", "ip", r->codes);
	if (r->txt != NULL)
		authres_prop(ar, "policy", "txt", r->txt);
	str_free(&note);
}

/* headers_dnsbl - the DNS lists that listed the client or failed; a
 * client no list has is not mentioned (downstream filters look for
 * "dnsbl" to find listed clients) */
static void
headers_dnsbl(authres *ar, const struct facts *f, const struct policy *p,
    str *names, str *skipped)
{
	const struct dnsbl_outcome *o = &f->dnsbl;
	enum exempt_mode mode;
	const char *not_enforced;
	size_t i;
	str why, note;

	if (f->ip == NULL)
		return;
	str_init(&why);
	mode = exempt_check(p, f, CHECK_DNSBL, &why);
	if (mode == EXEMPT_SKIP) {
		if (p->ip_checks & (1u << CHECK_DNSBL))
			headers_skip(names, skipped, "DNSBL", &why);
	} else if (o->checked) {
		str_init(&note);
		not_enforced = NULL;
		if (mode == EXEMPT_RECORD && p->dnsbl_action != ACT_ACCEPT &&
		    verdict_dnsbl_score(f, p) >= p->dnsbl_threshold) {
			str_appendf(&note, "not enforced: %s", str_cstr(&why));
			not_enforced = str_cstr(&note);
		} else if (p->report_only[CHECK_DNSBL] && p->dnsbl_action !=
		    ACT_ACCEPT && verdict_dnsbl_score(f, p) >=
		    p->dnsbl_threshold) {
			str_appendf(&note, "report only: would %s",
			    policy_action_name(p->dnsbl_action));
			not_enforced = str_cstr(&note);
		}
		for (i = 0; i < o->n; i++)
			if (o->r[i].status != DNSBL_NOT_LISTED)
				headers_dnsbl_zone(ar, &o->r[i], &not_enforced);
		str_free(&note);
	}
	str_free(&why);
}

/* headers_authres - our Authentication-Results value */
void
headers_authres(const struct facts *f, const struct policy *p,
    const char *authserv_id, str *out)
{
	authres *ar;
	str names, skipped;

	ar = authres_new(authserv_id);
	str_init(&names);
	str_init(&skipped);
	headers_dnsbl(ar, f, p, &names, &skipped);
	headers_iprev(ar, f, p, &names, &skipped);
	headers_spf(ar, &f->spf_mailfrom, 0, f, p, &names, &skipped);
	headers_spf(ar, &f->spf_helo, 1, f, p, &names, &skipped);
	headers_dkim(ar, f, p, &names, &skipped);
	headers_arc(ar, f);
	headers_dmarc(ar, f, p, &names, &skipped);
	if (names.len > 0) {
		/* explains a "none" field (ignored once there are results) */
		str_appendf(&names, " not checked: %s", str_cstr(&skipped));
		authres_comment(ar, str_cstr(&names));
	}
	authres_format(ar, out);
	authres_free(ar);
	str_free(&names);
	str_free(&skipped);
}

/* headers_reported - the SPF outcome Received-SPF reports, or NULL */
static const struct spf_outcome *
headers_reported(const struct facts *f, const struct policy *p, int *helo)
{
	if (f->spf_mailfrom.checked &&
	    exempt_spf(p, f, &f->spf_mailfrom, NULL) != EXEMPT_SKIP) {
		*helo = 0;
		return &f->spf_mailfrom;
	}
	if (f->spf_helo.checked &&
	    exempt_spf(p, f, &f->spf_helo, NULL) != EXEMPT_SKIP) {
		*helo = 1;
		return &f->spf_helo;
	}
	return NULL;
}

/* headers_kv - a Received-SPF key=value pair, quoted when needed */
static void
headers_kv(str *out, const char *key, const char *value)
{
	const char *p;
	int bare;

	str_appendf(out, "\n\t%s=", key);
	bare = value[0] != '\0';
	for (p = value; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(".-_:", *p) != NULL))
			bare = 0;
	if (bare) {
		str_append(out, value);
	} else {
		str_append_c(out, '"');
		for (p = value; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				str_append_c(out, '\\');
			if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f)
				str_append_c(out, *p);
		}
		str_append_c(out, '"');
	}
	str_append_c(out, ';');
}

/* headers_received_spf - the Received-SPF value */
int
headers_received_spf(const struct facts *f, const struct policy *p,
    const char *receiver, str *out)
{
	const struct spf_outcome *o;
	str who;
	int helo;

	if ((o = headers_reported(f, p, &helo)) == NULL)
		return -1;
	str_init(&who);
	str_append_printable(&who, o->identity, strlen(o->identity), 256);
	str_appendf(out, "%s (%s: ", spf_result_name(o->result), receiver);
	switch (o->result) {
	case SPFR_PASS:
		str_appendf(out, "domain of %s designates %s as permitted "
		    "sender)", str_cstr(&who), f->client_ip);
		break;
	case SPFR_FAIL:
		str_appendf(out, "domain of %s does not designate %s as "
		    "permitted sender)", str_cstr(&who), f->client_ip);
		break;
	case SPFR_SOFTFAIL:
		str_appendf(out, "domain of transitioning %s does not designate "
		    "%s as permitted sender)", str_cstr(&who), f->client_ip);
		break;
	case SPFR_NEUTRAL:
		str_appendf(out, "%s is neither permitted nor denied by domain "
		    "of %s)", f->client_ip, str_cstr(&who));
		break;
	case SPFR_NONE:
		str_appendf(out, "domain of %s does not publish an SPF "
		    "record)", str_cstr(&who));
		break;
	case SPFR_TEMPERROR:
		str_appendf(out, "error in processing during lookup of %s)",
		    str_cstr(&who));
		break;
	case SPFR_PERMERROR:
		str_appendf(out, "domain of %s has a broken SPF record)",
		    str_cstr(&who));
		break;
	}
	headers_kv(out, "client-ip", f->client_ip);
	headers_kv(out, "envelope-from", f->mail_from != NULL ? f->mail_from :
	    "");
	headers_kv(out, "helo", f->helo != NULL ? f->helo : "");
	headers_kv(out, "receiver", receiver);
	headers_kv(out, "identity", helo ? "helo" : "mailfrom");
	if (o->reason != NULL && (o->result == SPFR_TEMPERROR ||
	    o->result == SPFR_PERMERROR))
		headers_kv(out, "problem", o->reason);
	str_free(&who);
	return 0;
}
