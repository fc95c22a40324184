/*
 * verdict_text - the words of a refusal by SPF, DKIM, DMARC or the From:
 * field; see verdict_text.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/str.h"
#include "spf/spf.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "verdict/facts.h"
#include "verdict/verdict_reply.h"
#include "verdict/verdict_text.h"

#define TEXT_NAME_MAX	120	/* an address or domain in a reply */
#define TEXT_RECORD_MAX	300	/* an SPF record in a reply */
#define TEXT_EXPLAIN_MAX 300	/* a domain's exp= text in a reply */

/* text_name - append an untrusted name, bounded */
static void
text_name(str *s, const char *name)
{
	if (name == NULL || name[0] == '\0')
		str_append(s, "(empty)");
	else
		str_append_printable(s, name, strlen(name), TEXT_NAME_MAX);
}

/* text_mechanism - the SPF term that would list this client IP */
static void
text_mechanism(str *s, const char *ip)
{
	str_appendf(s, "%s:", strchr(ip, ':') != NULL ? "ip6" : "ip4");
	text_name(s, ip);
}

/* text_term_is_all - is an SPF term (with its qualifier) "all" */
static int
text_term_is_all(const char *term)
{
	if (term == NULL)
		return 0;
	if (*term == '+' || *term == '-' || *term == '~' || *term == '?')
		term++;
	return strcasecmp(term, "all") == 0;
}

/* text_decider - the line naming the term that decided, if known */
static void
text_decider(const struct spf_outcome *o, struct verdict *v)
{
	str s;

	if (o->decider == NULL)
		return;
	str_init(&s);
	str_append(&s, "The part that decided: \"");
	str_append_printable(&s, o->decider, strlen(o->decider),
	    TEXT_NAME_MAX);
	str_append_c(&s, '"');
	if (o->decider_domain != NULL &&
	    strcasecmp(o->decider_domain, o->domain) != 0) {
		str_append(&s, " in the record of ");
		text_name(&s, o->decider_domain);
		str_append(&s, ", which that record includes or redirects to");
	}
	if (text_term_is_all(o->decider) && o->result == SPFR_FAIL)
		str_append(&s, ": mail from every server the record does not "
		    "list is to be refused.");
	else if (text_term_is_all(o->decider) && o->result == SPFR_SOFTFAIL)
		str_append(&s, ": servers the record does not list are "
		    "probably not authorized.");
	else if (!text_term_is_all(o->decider) && (o->result == SPFR_FAIL ||
	    o->result == SPFR_SOFTFAIL))
		str_append(&s, ": the record names this server as not "
		    "authorized.");
	else
		str_append_c(&s, '.');
	verdict_add_line(v, str_cstr(&s));
	str_free(&s);
}

/* verdict_explain_spf - reply lines for a refused SPF result */
void
verdict_explain_spf(const struct spf_outcome *o, int helo,
    const char *client_ip, struct verdict *v)
{
	str s;

	str_init(&s);
	switch (o->result) {
	case SPFR_FAIL:
	case SPFR_SOFTFAIL:
		str_appendf(&s, "SPF %s: ", o->result == SPFR_FAIL ? "fail" :
		    "softfail");
		text_name(&s, o->domain);
		if (o->result == SPFR_FAIL)
			str_append(&s, " does not allow ");
		else
			str_append(&s, " says it probably does not allow ");
		text_name(&s, client_ip);
		if (helo)
			str_append(&s, " to use it as HELO name.");
		else {
			str_append(&s, " to send mail for ");
			text_name(&s, o->identity);
			str_append_c(&s, '.');
		}
		break;
	case SPFR_NEUTRAL:
		str_append(&s, "SPF neutral: ");
		text_name(&s, o->domain);
		str_append(&s, " makes no statement about whether ");
		text_name(&s, client_ip);
		str_append(&s, " may send its mail, and this server requires "
		    "authorization.");
		break;
	case SPFR_NONE:
		if (o->domain[0] == '\0') {
			str_append(&s, "SPF none: the sender address ");
			text_name(&s, o->identity);
			str_append(&s, " has no domain that could be checked");
		} else {
			str_append(&s, "SPF none: ");
			text_name(&s, o->domain);
			str_append(&s, " publishes no SPF record");
		}
		verdict_aside(&s, o->reason, TEXT_NAME_MAX);
		str_append(&s, ", and this server requires one.");
		break;
	case SPFR_PERMERROR:
		str_append(&s, "SPF permerror: the SPF record of ");
		text_name(&s, o->domain);
		str_append(&s, " is broken");
		if (o->reason != NULL) {
			str_append(&s, ": ");
			str_append_printable(&s, o->reason, strlen(o->reason),
			    200);
		}
		str_append_c(&s, '.');
		break;
	case SPFR_TEMPERROR:
		str_append(&s, "SPF temperror: the SPF check of ");
		text_name(&s, o->domain);
		str_append(&s, " for ");
		text_name(&s, client_ip);
		str_append(&s, " could not be completed");
		verdict_aside(&s, o->reason, 200);
		str_append_c(&s, '.');
		break;
	case SPFR_PASS:
		str_append(&s, "SPF pass for ");
		text_name(&s, o->domain);
		str_append(&s, ", refused by local policy.");
		break;
	}
	verdict_add_line(v, str_cstr(&s));

	if (o->record != NULL && o->result != SPFR_TEMPERROR) {
		str_reset(&s);
		str_append(&s, "The SPF record of ");
		text_name(&s, o->domain);
		str_append(&s, " is: ");
		str_append_printable(&s, o->record, strlen(o->record),
		    TEXT_RECORD_MAX);
		verdict_add_line(v, str_cstr(&s));
		text_decider(o, v);
	}
	if (o->explanation != NULL && o->explanation[0] != '\0') {
		/* the domain's own words (exp=, RFC 7208 6.2), third-party
		 * text: printable and bounded like everything else */
		str_reset(&s);
		text_name(&s, o->domain);
		str_append(&s, " explains: ");
		str_append_printable(&s, o->explanation,
		    strlen(o->explanation), TEXT_EXPLAIN_MAX);
		verdict_add_line(v, str_cstr(&s));
	}

	str_reset(&s);
	switch (o->result) {
	case SPFR_TEMPERROR:
		str_append(&s, "This is a temporary problem; please try again "
		    "later.");
		break;
	case SPFR_PERMERROR:
		str_append(&s, "To fix: the owner of ");
		text_name(&s, o->domain);
		str_append(&s, " must correct its SPF record (RFC 7208).");
		break;
	case SPFR_NONE:
		str_append(&s, "To fix: the owner of ");
		text_name(&s, o->domain);
		str_append(&s, " must publish an SPF record (a TXT record "
		    "starting with v=spf1) that lists ");
		text_mechanism(&s, client_ip);
		str_append_c(&s, '.');
		break;
	case SPFR_PASS:
		str_append(&s, "Please contact the postmaster of this server.");
		break;
	default:
		if (o->decider != NULL && !text_term_is_all(o->decider) &&
		    o->result != SPFR_NEUTRAL) {
			/* listed as not allowed on purpose: adding it
			 * elsewhere in the record would not help */
			str_append(&s, "To fix: send the mail through a server "
			    "the SPF record of ");
			text_name(&s, o->domain);
			str_append(&s, " authorizes, or its owner must remove "
			    "this server from the term above.");
			break;
		}
		str_append(&s, "To fix: the owner of ");
		text_name(&s, o->domain);
		str_append(&s, " must add ");
		text_mechanism(&s, client_ip);
		if (helo)
			str_append(&s, " to its SPF record, or this server "
			    "must greet with a name whose SPF record lists it.");
		else
			str_append(&s, " to its SPF record, or the mail must "
			    "be sent through a server that record lists.");
		break;
	}
	verdict_add_line(v, str_cstr(&s));
	str_free(&s);
}

/* text_dkim_sig - one signature in a sentence */
static void
text_dkim_sig(str *s, const struct dkim_sig *sig)
{
	str_append(s, "a signature of ");
	text_name(s, sig->domain);
	if (sig->result == DKIMR_PASS)
		str_append(s, " that verifies");
	else {
		str_appendf(s, " that is %s", dkim_result_name(sig->result));
		verdict_aside(s, sig->reason, TEXT_NAME_MAX);
	}
}

/* text_arc - the ARC chain of a message DMARC refuses: broken, or
 * passing through sealers not trusted here (or trusted, but they did not
 * see it pass either) */
static void
text_arc(str *s, const struct facts *f)
{
	const struct arc_result *r = &f->arc;
	unsigned i;

	if (r->cv == ARC_CV_FAIL && f->arc_trusted_temp) {
		str_append(s, "ARC: the message came through a sealer this "
		    "receiver trusts, whose ARC chain cannot be checked now (");
		str_append_printable(s, r->why, strlen(r->why), 160);
		str_append(s, "); try again later.");
		return;
	}
	if (r->cv == ARC_CV_FAIL) {
		str_append(s, "ARC: the message carries an ARC chain that does "
		    "not verify (");
		str_append_printable(s, r->why, strlen(r->why), 160);
		str_append(s, "), so what the hops before saw cannot be used.");
		return;
	}
	str_append(s, "ARC: the message came through ");
	if (f->arc_sealer != NULL) {
		text_name(s, f->arc_sealer);
		str_appendf(s, ", which this receiver trusts, and whose ARC set "
		    "i=%u saw it pass (%s): the failure is not enforced.",
		    f->arc_sealer_i, f->arc_saw);
		return;
	}
	for (i = r->n; i >= 1; i--) {
		if (i != r->n)
			str_append(s, i == 1 ? " and " : ", ");
		text_name(s, r->set[i - 1].sealer);
	}
	str_append(s, f->arc_trusted_any ? ", and none that this receiver "
	    "trusts saw it pass DMARC, SPF or DKIM for the From: domain." :
	    ", which this receiver does not trust to vouch for it.");
}

/* verdict_explain_dmarc - reply lines for a refused DMARC result */
void
verdict_explain_dmarc(const struct facts *f, struct verdict *v)
{
	const struct dmarc_outcome *o = &f->dmarc;
	const struct spf_outcome *spf = &f->spf_mailfrom;
	const struct dkim_sig *sig;
	size_t i;
	str s;

	str_init(&s);
	switch (o->result) {
	case DMARCR_TEMPERROR:
		str_append(&s, "DMARC temperror: the DMARC check of ");
		text_name(&s, o->from_domain);
		str_append(&s, " could not be completed");
		verdict_aside(&s, o->reason, 200);
		str_append_c(&s, '.');
		verdict_add_line(v, str_cstr(&s));
		verdict_add_line(v, "This is a temporary problem; please try "
		    "again later.");
		goto out;
	case DMARCR_PERMERROR:
		str_append(&s, "DMARC permerror: ");
		str_append_printable(&s, o->reason != NULL ? o->reason :
		    "the DMARC record is invalid", o->reason != NULL ?
		    strlen(o->reason) : 27, 300);
		str_append_c(&s, '.');
		verdict_add_line(v, str_cstr(&s));
		str_reset(&s);
		str_append(&s, "To fix: the owner of ");
		text_name(&s, o->record_domain != NULL ? o->record_domain :
		    o->from_domain);
		str_append(&s, " must correct its DMARC record (RFC 9989).");
		verdict_add_line(v, str_cstr(&s));
		goto out;
	default:
		break;
	}
	str_append(&s, "DMARC fail: ");
	text_name(&s, o->from_domain);
	str_appendf(&s, " asks receivers to %s mail that is not "
	    "authenticated for it (%s=%s%s), and this message is not.",
	    o->policy == DMARC_P_REJECT ? "reject" : o->policy ==
	    DMARC_P_QUARANTINE ? "quarantine" : "report on",
	    o->published_tag != NULL ? o->published_tag : "p",
	    dmarc_disp_name(o->published), o->record_domain != NULL &&
	    strcmp(o->record_domain, o->from_domain) != 0 ?
	    " in the record of its parent" : "");
	verdict_add_line(v, str_cstr(&s));

	/* SPF: what it authenticated, and whether that aligns */
	str_reset(&s);
	str_append(&s, "SPF: ");
	if (!spf->checked)
		str_append(&s, "not checked.");
	else {
		str_appendf(&s, "%s for ", spf_result_name(spf->result));
		text_name(&s, spf->domain);
		if (o->spf_align == DMARC_ALIGN_FAIL) {
			str_append(&s, ", which is not aligned with ");
			text_name(&s, o->from_domain);
		}
		str_append_c(&s, '.');
	}
	verdict_add_line(v, str_cstr(&s));

	/* DKIM: the signatures, and whether one aligns */
	str_reset(&s);
	str_append(&s, "DKIM: ");
	if (f->dkim.n == 0)
		str_append(&s, "the message is not signed.");
	else {
		for (i = 0; i < f->dkim.n && i < 3; i++) {
			sig = &f->dkim.sigs[i];
			if (i > 0)
				str_append(&s, "; ");
			text_dkim_sig(&s, sig);
			if (sig->result == DKIMR_PASS &&
			    o->dkim_align == DMARC_ALIGN_FAIL) {
				str_append(&s, " but is not aligned with ");
				text_name(&s, o->from_domain);
			}
		}
		if (f->dkim.n > 3)
			str_appendf(&s, "; and %zu more", f->dkim.n - 3);
		str_append_c(&s, '.');
	}
	verdict_add_line(v, str_cstr(&s));

	/* ARC: a forwarder or list the message came through */
	if (f->arc_checked && f->arc.cv != ARC_CV_NONE) {
		str_reset(&s);
		text_arc(&s, f);
		verdict_add_line(v, str_cstr(&s));
	}

	str_reset(&s);
	str_append(&s, "To fix: sign the mail with a DKIM key of ");
	text_name(&s, o->from_domain);
	str_append(&s, " (d=");
	text_name(&s, o->from_domain);
	str_append(&s, "), or send it from a server that domain's SPF record "
	    "lists, with a MAIL FROM address in that domain.");
	verdict_add_line(v, str_cstr(&s));
out:
	str_free(&s);
}

/* verdict_explain_from - reply lines for a From: field DMARC cannot use */
void
verdict_explain_from(const struct facts *f, struct verdict *v)
{
	str s;

	str_init(&s);
	str_append(&s, "The From: header field ");
	str_append_printable(&s, f->from_error, strlen(f->from_error), 300);
	str_append(&s, "; this server needs exactly one From: field with one "
	    "author domain to check who sent the message (RFC 5322 3.6, "
	    "RFC 7489 6.6.1).");
	verdict_add_line(v, str_cstr(&s));
	verdict_add_line(v, "To fix: send the message with exactly one From: "
	    "field holding one address, such as: From: Name "
	    "<user@example.com>");
	str_free(&s);
}

/* verdict_explain_dkim - reply lines for a refused DKIM result */
void
verdict_explain_dkim(const struct facts *f, struct verdict *v)
{
	size_t i;
	str s;

	str_init(&s);
	str_appendf(&s, "DKIM %s: ", dkim_result_name(dkim_message_result(
	    &f->dkim)));
	if (f->dkim.n == 0)
		str_append(&s, "the message is not signed");
	for (i = 0; i < f->dkim.n && i < 3; i++) {
		if (i > 0)
			str_append(&s, "; ");
		text_dkim_sig(&s, &f->dkim.sigs[i]);
	}
	str_append_c(&s, '.');
	verdict_add_line(v, str_cstr(&s));
	verdict_add_line(v, "To fix: the sender must sign the message with a "
	    "key published in DNS and must not change it after signing.");
	str_free(&s);
}
