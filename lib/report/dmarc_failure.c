/*
 * dmarc_failure - the failure report of a message; see dmarc_failure.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/str.h"
#include "spf/spf.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "dmarcrep/dmarcrep_mail.h"
#include "dmarcrep/dmarcrep_report.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"
#include "report/dmarc_failure.h"
#include "report/headers.h"

/* failure_failed_sig - the first DKIM signature that failed, or NULL */
static const struct dkim_sig *
failure_failed_sig(const struct facts *f)
{
	size_t i;

	for (i = 0; f->dkim.checked && i < f->dkim.n; i++)
		if (f->dkim.sigs[i].result == DKIMR_FAIL)
			return &f->dkim.sigs[i];
	return NULL;
}

/* failure_dkim_type - "bodyhash" when the body changed, else
 * "signature" (RFC 6591 section 3.2.2) */
static const char *
failure_dkim_type(const struct dkim_sig *sig)
{
	return sig->reason != NULL && strstr(sig->reason, "body hash") !=
	    NULL ? "bodyhash" : "signature";
}

/* failure_asks_afrf - does an rf= value (colon-separated) name afrf */
static int
failure_asks_afrf(const char *rf)
{
	const char *p, *end;

	for (p = rf; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		end = p + strcspn(p, ":");
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p >= 4 && strncasecmp(p, "afrf", 4) == 0 &&
		    strspn(p + 4, " \t") == (size_t)(end - p - 4))
			return 1;
	}
	return 0;
}

/* dmarc_failure_wanted - does the record ask for a report of this */
const char *
dmarc_failure_wanted(const struct facts *f)
{
	const struct dmarc_outcome *o = &f->dmarc;
	const struct dkim_sig *sig;
	const char *p;
	int want0, want1, wantd, wants;
	str v;

	if (!o->checked || o->record == NULL || o->record_domain == NULL ||
	    (o->result != DMARCR_PASS && o->result != DMARCR_FAIL))
		return NULL;
	str_init(&v);
	if (dmarcrep_record_tag(o->record, "ruf", &v) != 0 || v.len == 0) {
		str_free(&v);
		return NULL;
	}
	/* fo=: colon-separated options, "0" when absent */
	want0 = want1 = wantd = wants = 0;
	if (dmarcrep_record_tag(o->record, "fo", &v) != 0 || v.len == 0)
		want0 = 1;
	for (p = str_cstr(&v); *p != '\0'; p++)
		switch (*p) {
		case '0': want0 = 1; break;
		case '1': want1 = 1; break;
		case 'd': case 'D': wantd = 1; break;
		case 's': case 'S': wants = 1; break;
		default: break;
		}
	/* rf=: the formats asked for; only AFRF is defined */
	if (dmarcrep_record_tag(o->record, "rf", &v) == 0 && v.len > 0 &&
	    !failure_asks_afrf(str_cstr(&v))) {
		str_free(&v);
		return NULL;
	}
	str_free(&v);
	sig = failure_failed_sig(f);
	if (o->result == DMARCR_FAIL && (want0 || want1))
		return "dmarc";
	if (want1 && (o->spf_align != DMARC_ALIGN_PASS ||
	    o->dkim_align != DMARC_ALIGN_PASS))
		return "dmarc";
	if (wantd && sig != NULL)
		return failure_dkim_type(sig);
	if (wants && f->spf_mailfrom.checked &&
	    f->spf_mailfrom.result == SPFR_FAIL)
		return "spf";
	return NULL;
}

/* failure_value - header text from the message: control and 8-bit
 * bytes as '?' (the part is 7-bit, RFC 5965 7.3) */
static void
failure_value(str *out, const char *v)
{
	for (; *v != '\0'; v++)
		str_append_c(out, (unsigned char)*v < 0x20 ||
		    (unsigned char)*v >= 0x7f ? '?' : *v);
}

/* failure_delivery - what became of the message (RFC 6591 3.1) */
static const char *
failure_delivery(const struct verdict *v)
{
	switch (v->action) {
	case ACT_REJECT:
		return "reject";
	case ACT_QUARANTINE:
		return "spam";
	case ACT_TEMPFAIL:
		return "other";
	default:
		return "delivered";
	}
}

/* dmarc_failure_feedback - the message/feedback-report part */
void
dmarc_failure_feedback(const struct facts *f, const struct policy *p,
    const struct verdict *v, const char *authserv_id, const char *queue_id,
    const char *type, int64_t now, str *out)
{
	const struct dmarc_outcome *o = &f->dmarc;
	const struct dkim_sig *sig;
	char when[DMARCREP_DATE_LEN];
	str ar;

	dmarcrep_mail_date(now, when);
	str_appendf(out, "Feedback-Type: auth-failure\nUser-Agent: authgate/%s"
	    "\nVersion: 1\n", PACKAGE_VERSION);
	if (f->mail_from != NULL) {
		str_append(out, "Original-Mail-From: <");
		failure_value(out, f->mail_from);
		str_append(out, ">\n");
	}
	/* no Original-Envelope-Id: that is the sender's ENVID (RFC 3461),
	 * which Postfix does not hand to milters; our queue id is ours */
	(void)queue_id;
	str_appendf(out, "Arrival-Date: %s\nReporting-MTA: dns; ", when);
	failure_value(out, authserv_id);
	str_append(out, "\nSource-IP: ");
	failure_value(out, f->client_ip != NULL ? f->client_ip : "");
	str_init(&ar);
	headers_authres(f, p, authserv_id, &ar);
	/* folded with "\n\t" already */
	str_appendf(out, "\nAuthentication-Results: %s\n", str_cstr(&ar));
	str_free(&ar);
	str_appendf(out, "Auth-Failure: %s\nReported-Domain: ", type);
	failure_value(out, o->from_domain);
	str_appendf(out, "\nDelivery-Result: %s\nIdentity-Alignment: %s\n",
	    failure_delivery(v), o->dkim_align == DMARC_ALIGN_PASS &&
	    o->spf_align == DMARC_ALIGN_PASS ? "dkim, spf" :
	    o->dkim_align == DMARC_ALIGN_PASS ? "dkim" :
	    o->spf_align == DMARC_ALIGN_PASS ? "spf" : "none");
	if ((sig = failure_failed_sig(f)) != NULL && sig->domain != NULL) {
		str_append(out, "DKIM-Domain: ");
		failure_value(out, sig->domain);
		if (sig->selector != NULL) {
			str_append(out, "\nDKIM-Selector: ");
			failure_value(out, sig->selector);
		}
		if (sig->identity != NULL) {
			str_append(out, "\nDKIM-Identity: ");
			failure_value(out, sig->identity);
		}
		str_append_c(out, '\n');
	}
}
