/*
 * dmarc_evidence - a DMARC evaluation as a report row; see
 * dmarc_evidence.h.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "util/mem.h"
#include "util/str.h"
#include "spf/spf.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "dmarc/dmarc_record.h"
#include "dmarcrep/dmarcrep.h"
#include "verdict/exempt.h"
#include "report/dmarc_evidence.h"

/* evidence_dup - a copy, NULL for NULL or "" */
static char *
evidence_dup(const char *s)
{
	return s != NULL && s[0] != '\0' ? mem_strdup(s) : NULL;
}

/* evidence_domain - a domain in lower case (rows join on it), or NULL */
static char *
evidence_domain(const char *s)
{
	char *d;
	size_t i;

	if ((d = evidence_dup(s)) != NULL)
		for (i = 0; d[i] != '\0'; i++)
			d[i] = (char)tolower((unsigned char)d[i]);
	return d;
}

/* evidence_disposition - what the verdict did to the message */
static const char *
evidence_disposition(const struct verdict *v)
{
	switch (v->action) {
	case ACT_REJECT:
		return "reject";
	case ACT_QUARANTINE:
		return "quarantine";
	default:
		return "none";
	}
}

/* evidence_override - why a failing message's policy was not applied */
static void
evidence_override(const struct facts *f, const struct policy *p,
    struct dmarcrep_row *r)
{
	const struct dmarc_outcome *o = &f->dmarc;
	enum exempt_mode mode;
	const char *type;
	str why;

	if (o->result != DMARCR_FAIL || o->published == DMARC_P_NONE ||
	    o->published == DMARC_P_UNSET ||
	    strcmp(r->disposition, "none") != 0)
		return;
	str_init(&why);
	type = "local_policy";
	if (o->policy < o->published) {
		type = "sampled_out";
		str_appendf(&why, "pct= or t=y: p=%s not applied to this "
		    "message", dmarc_disp_name(o->published));
	} else if ((mode = exempt_dmarc(p, f, &why)) != EXEMPT_CHECK) {
		switch (exempt_kind_of(str_cstr(&why))) {
		case EXK_TRUSTED_FORWARDER:
			type = "trusted_forwarder";
			break;
		case EXK_TRUSTED_SIGNER:
			type = "mailing_list";
			break;
		case EXK_TRUSTED_SEALER:
			/* RFC 7489's "known and trusted forwarders": one whose
			 * ARC set vouches for the message */
			type = "trusted_forwarder";
			break;
		default:
			break;
		}
	} else if (p->dmarc.report_only || p->report_only[CHECK_DMARC]) {
		str_reset(&why);
		str_append(&why, "report only");
	} else {
		str_reset(&why);
		str_appendf(&why, "the receiver's policy does not enforce "
		    "p=%s", dmarc_disp_name(o->published));
	}
	r->override = mem_strdup(type);
	r->override_comment = evidence_dup(str_cstr(&why));
	str_free(&why);
}

/* evidence_spf - the SPF result DMARC used: MAIL FROM, else HELO */
static void
evidence_spf(const struct facts *f, struct dmarcrep_row *r)
{
	const struct spf_outcome *o;

	o = f->mail_from != NULL && f->mail_from[0] != '\0' ?
	    &f->spf_mailfrom : &f->spf_helo;
	r->spf_scope = mem_strdup(o == &f->spf_mailfrom ? "mfrom" : "helo");
	if (!o->checked) {
		r->spf_result = mem_strdup("none");
		return;
	}
	r->spf_domain = evidence_dup(o->domain);
	r->spf_result = mem_strdup(spf_result_name(o->result));
}

/* dmarc_evidence - the row for one evaluated message */
struct dmarcrep_row *
dmarc_evidence(const struct facts *f, const struct policy *p,
    const struct verdict *v, const char *reporter, const char *queue_id,
    int64_t now)
{
	const struct dmarc_outcome *o = &f->dmarc;
	struct dmarcrep_row *r;
	const char *at;
	size_t i;

	if (!o->checked || o->from_domain == NULL)
		return NULL;
	r = dmarcrep_row_new();
	r->time = now;
	r->reporter = mem_strdup(reporter != NULL ? reporter : "");
	r->queue_id = evidence_dup(queue_id);
	r->source_ip = mem_strdup(f->client_ip != NULL ? f->client_ip : "");
	r->header_from = mem_strdup(o->from_domain);
	if (f->mail_from != NULL && (at = strrchr(f->mail_from, '@')) != NULL)
		r->envelope_from = evidence_domain(at + 1);
	r->envelope_to = evidence_domain(f->envelope_to);
	r->policy_domain = evidence_dup(o->record_domain);
	r->record = evidence_dup(o->record);
	r->result = mem_strdup(dmarc_result_name(o->result));
	if (o->record_domain != NULL && o->published != DMARC_P_UNSET) {
		r->policy = mem_strdup(dmarc_disp_name(o->published));
		r->policy_tag = evidence_dup(o->published_tag);
	}
	r->disposition = mem_strdup(evidence_disposition(v));
	evidence_override(f, p, r);
	r->dkim_aligned = mem_strdup(o->dkim_align == DMARC_ALIGN_PASS ?
	    "pass" : "fail");
	r->spf_aligned = mem_strdup(o->spf_align == DMARC_ALIGN_PASS ?
	    "pass" : "fail");
	evidence_spf(f, r);
	for (i = 0; i < f->dkim.n; i++)
		dmarcrep_row_add_dkim(r, f->dkim.sigs[i].domain,
		    f->dkim.sigs[i].selector,
		    dkim_result_name(f->dkim.sigs[i].result),
		    f->dkim.sigs[i].result == DKIMR_PASS ? NULL :
		    f->dkim.sigs[i].reason);
	return r;
}
