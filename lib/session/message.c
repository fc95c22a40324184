/*
 * message - From:, DKIM and DMARC for one message; see message.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/deadline.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns_hold.h"
#include "mail/authres.h"
#include "mail/domlist.h"
#include "mail/from_header.h"
#include "arc/arc_seal.h"
#include "arc/arc_verify.h"
#include "spf/spf.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "verdict/facts.h"
#include "session/message.h"

struct message {
	struct message_cfg	 cfg;
	dkim_verifier		*dkim;
	unsigned		 from_fields;
	int			 from_too_long;
	str			 from_value;	/* the first From: field */
	struct from_list	 from;
	int			 from_parsed;	/* 1 ok, -1 error, 0 not yet */
	str			 from_parse_error;
	char			*from_error;	/* what facts->from_error shows */
	struct dmarc_dkim	*dmarc_sigs;
	dns_hold		*hold;		/* lookups started early */
	dns_hold		*own_hold;	/* hold, when it is ours */
	arc_verifier		*arc;
	int			 arc_done;
	struct arc_result	 arc_result;
	int			 verified;	/* message_verify done */
	struct dkim_results	 dkim_result;	/* its DKIM results */
	str			 arc_saw;	/* what a trusted sealer saw */
};

/* message_new - a checker for one message */
message *
message_new(const struct message_cfg *cfg)
{
	message *m;

	m = mem_calloc(1, sizeof(*m));
	m->cfg = *cfg;
	str_init(&m->from_value);
	str_init(&m->from_parse_error);
	str_init(&m->arc_saw);
	if (cfg->dkim != NULL) {
		m->dkim = dkim_verifier_new(cfg->dkim, cfg->resolver);
		dkim_verifier_hold(m->dkim, cfg->hold);
	}
	if (cfg->dmarc != NULL && cfg->hold != NULL)
		m->hold = cfg->hold;
	else if (cfg->dmarc != NULL)
		m->hold = m->own_hold = dns_hold_new(cfg->resolver);
	if (cfg->arc || cfg->arc_keep)
		m->arc = arc_verifier_new(cfg->resolver, cfg->arc_keep);
	return m;
}

/* message_from - the first From: field: parse it and start the lookups */
static void
message_from(message *m, const char *value, size_t len)
{
	const char *domain;

	if (len > MESSAGE_FROM_MAX) {
		m->from_too_long = 1;
		return;
	}
	str_append_n(&m->from_value, value, len);
	if (from_header_parse(value, len, &m->from, &m->from_parse_error) != 0) {
		m->from_parsed = -1;
		return;
	}
	m->from_parsed = 1;
	if ((domain = from_list_domain(&m->from)) == NULL)
		return;
	if (m->dkim != NULL)
		dkim_verifier_from(m->dkim, domain);
	if (m->cfg.dmarc != NULL)
		dmarc_prefetch(m->cfg.dmarc, m->hold, domain);
}

/* message_header - one header field */
void
message_header(message *m, const char *name, const char *value, size_t len)
{
	if (strcasecmp(name, "From") == 0 && m->from_fields++ == 0)
		message_from(m, value, len);
	if (m->dkim != NULL)
		dkim_verifier_header(m->dkim, name, value, len);
	if (m->arc != NULL)
		arc_verifier_header(m->arc, name, value, len);
}

/* message_body - body bytes for DKIM and ARC */
int
message_body(message *m, const unsigned char *p, size_t n)
{
	int more = 0;

	if (m->dkim != NULL && dkim_verifier_body(m->dkim, p, n))
		more = 1;
	if (m->arc != NULL && arc_verifier_body(m->arc, p, n))
		more = 1;
	return more;
}

/* message_author_problem - why the From: field names no author: the
 * words after "the From: field" (nothing when it names one) */
void
message_author_problem(const message *m, str *why)
{
	if (m->from_fields == 0)
		str_append(why, "is missing");
	else if (m->from_fields > 1)
		str_appendf(why, "appears %u times", m->from_fields);
	else if (m->from_too_long)
		str_appendf(why, "is longer than %d bytes", MESSAGE_FROM_MAX);
	else if (m->from_parsed < 0) {
		str_append(why, "cannot be read: ");
		str_append(why, str_cstr(&m->from_parse_error));
		str_append(why, " (\"");
		str_append_printable(why, m->from_value.buf, m->from_value.len,
		    120);
		str_append(why, "\")");
	}
}

/* message_from_facts - exactly one From: with one author domain */
static void
message_from_facts(message *m, struct facts *f)
{
	str why;

	str_init(&why);
	f->from_fields = m->from_fields;
	f->from_domain = NULL;
	message_author_problem(m, &why);
	if (why.len == 0 && (f->from_domain = from_list_domain(&m->from)) ==
	    NULL)
		str_appendf(&why, "has %zu addresses in different domains",
		    m->from.n);
	mem_free(m->from_error);
	m->from_error = why.len > 0 ? str_steal(&why) : NULL;
	f->from_error = m->from_error;
	str_free(&why);
}

/* message_arc_saw - what one ARC-Authentication-Results saw of the
 * From: domain: "dmarc=pass" for it, else an aligned "dkim=pass
 * header.d=..." or "spf=pass smtp.mailfrom=..."; 0 and nothing when it
 * saw no pass */
static int
message_arc_saw(message *m, const char *aar, const struct facts *f,
    str *saw)
{
	const char *from = f->from_domain;
	char mode;
	struct authres_parsed ap;
	const struct authres_resinfo *r;
	const struct authres_prop *pr;
	const char *id, *at;
	size_t i, j;
	str err;
	int found = 0, pass;

	str_init(&err);
	memset(&ap, 0, sizeof(ap));
	/* the AAR's payload as an A-R field: "authserv-id; results" */
	if (authres_parse(aar, strlen(aar), 1, &ap, &err) != 0) {
		str_free(&err);
		return 0;
	}
	/* the strongest first: DMARC itself, then what DMARC builds on */
	for (pass = 0; pass < 2 && !found; pass++)
		for (i = 0; i < ap.nres && !found; i++) {
			r = &ap.res[i];
			if (strcasecmp(r->result, "pass") != 0 ||
			    (strcasecmp(r->method, "dmarc") == 0) != (pass == 0))
				continue;
			for (j = 0; j < r->nprops && !found; j++) {
				pr = &r->props[j];
				id = pr->value;
				if (pass == 0) {
					if (strcasecmp(pr->ptype, "header") == 0 &&
					    strcasecmp(pr->property, "from") == 0 &&
					    strcasecmp(id, from) == 0) {
						str_append(saw, "dmarc=pass");
						found = 1;
					}
					continue;
				}
				if (!((strcasecmp(r->method, "dkim") == 0 &&
				    strcasecmp(pr->ptype, "header") == 0 &&
				    (strcasecmp(pr->property, "d") == 0 ||
				    strcasecmp(pr->property, "i") == 0)) ||
				    (strcasecmp(r->method, "spf") == 0 &&
				    strcasecmp(pr->ptype, "smtp") == 0 &&
				    strcasecmp(pr->property, "mailfrom") == 0)))
					continue;
				if ((at = strrchr(id, '@')) != NULL)
					id = at + 1;
				/* the alignment the domain asks for */
				mode = strcasecmp(r->method, "dkim") == 0 ?
				    f->dmarc.adkim : f->dmarc.aspf;
				if (mode != 's')
					mode = 'r';
				if (m->cfg.dmarc != NULL && dmarc_domains_aligned(
				    m->cfg.dmarc, m->cfg.resolver, id, from, mode,
				    deadline_in(m->cfg.dmarc_timeout_ms)) == 1) {
					str_appendf(saw, "%s=pass %s.%s=%s",
					    r->method, pr->ptype, pr->property,
					    pr->value);
					found = 1;
				}
			}
		}
	authres_parsed_free(&ap);
	str_free(&err);
	return found;
}

/* message_arc_vouch - the newest trusted sealer of a passing chain that
 * saw the From: domain pass, in a set whose ARC-Message-Signature still
 * verifies over the whole message: a seal covers the ARC fields only, so
 * an old set of a trusted sealer on a message changed since (oldest-pass
 * above it, or text added below an l=) vouches for nothing */
static void
message_arc_vouch(message *m, struct facts *f)
{
	const struct arc_set_info *set;
	unsigned i;

	if (f->dmarc.result != DMARCR_FAIL ||
	    m->cfg.arc_trusted_sealers == NULL ||
	    m->cfg.arc_trusted_sealers->n == 0 || f->from_domain == NULL)
		return;
	if (f->arc.cv == ARC_CV_FAIL && f->arc.temporary) {
		for (i = f->arc.n; i >= 1; i--)
			if (domlist_match(m->cfg.arc_trusted_sealers,
			    f->arc.set[i - 1].sealer) != NULL)
				f->arc_trusted_temp = 1;
		return;
	}
	if (f->arc.cv != ARC_CV_PASS)
		return;
	for (i = f->arc.n; i >= 1; i--) {
		set = &f->arc.set[i - 1];
		if (*set->sealer == '\0' ||
		    domlist_match(m->cfg.arc_trusted_sealers, set->sealer) ==
		    NULL)
			continue;
		f->arc_trusted_any = 1;
		if ((f->arc.oldest_pass != 0 && i < f->arc.oldest_pass) ||
		    set->body_limited)
			continue;
		str_reset(&m->arc_saw);
		if (message_arc_saw(m, set->aar, f, &m->arc_saw)) {
			f->arc_sealer = set->sealer;
			f->arc_sealer_i = i;
			f->arc_saw = str_cstr(&m->arc_saw);
			return;
		}
	}
}

/* message_verify - the message is complete: its DKIM signatures and
 * ARC chain, once */
void
message_verify(message *m)
{
	if (m->verified)
		return;
	m->verified = 1;
	if (m->dkim != NULL)
		dkim_verifier_end(m->dkim, &m->dkim_result);
	if (m->arc != NULL && !m->arc_done) {
		arc_verifier_end(m->arc, deadline_in(m->cfg.arc_timeout_ms),
		    &m->arc_result);
		m->arc_done = 1;
	}
}

/* message_end - the message is complete: DKIM, ARC, From:, DMARC */
void
message_end(message *m, const struct spf_outcome *spf, struct facts *f)
{
	struct dmarc_input in;
	size_t i;

	message_verify(m);
	f->message_done = 1;
	dkim_results_clear(&f->dkim);
	dmarc_outcome_clear(&f->dmarc);
	f->arc_checked = 0;
	f->arc_sealer = NULL;
	f->arc_trusted_any = 0;
	f->arc_trusted_temp = 0;
	f->dkim = m->dkim_result;	/* moved: the facts own it now */
	memset(&m->dkim_result, 0, sizeof(m->dkim_result));
	if (m->arc != NULL && m->cfg.arc) {
		f->arc = m->arc_result;
		f->arc_checked = 1;
	}
	if (m->cfg.dmarc == NULL)
		return;
	message_from_facts(m, f);
	if (f->from_domain == NULL)
		return;
	memset(&in, 0, sizeof(in));
	in.from_domain = f->from_domain;
	if (spf != NULL && spf->checked) {
		in.spf_checked = 1;
		in.spf_domain = spf->domain;
		in.spf_result = spf->result;
	}
	mem_free(m->dmarc_sigs);
	m->dmarc_sigs = f->dkim.n > 0 ? mem_calloc(f->dkim.n,
	    sizeof(*m->dmarc_sigs)) : NULL;
	for (i = 0; i < f->dkim.n; i++) {
		m->dmarc_sigs[i].domain = f->dkim.sigs[i].domain;
		m->dmarc_sigs[i].pass = f->dkim.sigs[i].result == DKIMR_PASS;
		m->dmarc_sigs[i].temperror = f->dkim.sigs[i].result ==
		    DKIMR_TEMPERROR;
	}
	in.dkim = m->dmarc_sigs;
	in.ndkim = f->dkim.n;
	in.hold = m->hold;
	dmarc_check(m->cfg.dmarc, m->cfg.resolver, &in,
	    deadline_in(m->cfg.dmarc_timeout_ms), &f->dmarc);
	if (f->arc_checked)
		message_arc_vouch(m, f);
}

/* message_seal - our ARC set */
int
message_seal(message *m, const struct arc_seal_params *p,
    struct arc_sealed *out, str *why)
{
	if (m->arc == NULL || !m->cfg.arc_keep || !m->arc_done) {
		memset(out, 0, sizeof(*out));
		str_append(why, "the message was not kept for sealing");
		return -1;
	}
	return arc_seal(p, m->arc, &m->arc_result, out, why);
}

/* message_author - the parsed mailboxes of the one From: field */
const struct from_list *
message_author(const message *m)
{
	return m->from_fields == 1 && m->from_parsed > 0 && m->from.n > 0 ?
	    &m->from : NULL;
}

/* message_free - release the checker */
void
message_free(message *m)
{
	if (m == NULL)
		return;
	dkim_verifier_free(m->dkim);
	dkim_results_clear(&m->dkim_result);
	from_list_clear(&m->from);
	str_free(&m->from_value);
	str_free(&m->from_parse_error);
	mem_free(m->from_error);
	mem_free(m->dmarc_sigs);
	arc_verifier_free(m->arc);
	dns_hold_free(m->own_hold);
	str_free(&m->arc_saw);
	mem_free(m);
}
