/*
 * message - From:, DKIM and DMARC for one message; see message.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/deadline.h"
#include "util/mem.h"
#include "util/str.h"
#include "mail/from_header.h"
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
	if (cfg->dkim != NULL)
		m->dkim = dkim_verifier_new(cfg->dkim, cfg->resolver);
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
		dmarc_prefetch(m->cfg.dmarc, m->cfg.resolver, domain);
}

/* message_header - one header field */
void
message_header(message *m, const char *name, const char *value, size_t len)
{
	if (strcasecmp(name, "From") == 0 && m->from_fields++ == 0)
		message_from(m, value, len);
	if (m->dkim != NULL)
		dkim_verifier_header(m->dkim, name, value, len);
}

/* message_body - body bytes for DKIM */
int
message_body(message *m, const unsigned char *p, size_t n)
{
	return m->dkim != NULL && dkim_verifier_body(m->dkim, p, n);
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

/* message_end - the message is complete: DKIM, From:, DMARC */
void
message_end(message *m, const struct spf_outcome *spf, struct facts *f)
{
	struct dmarc_input in;
	size_t i;

	f->message_done = 1;
	dkim_results_clear(&f->dkim);
	dmarc_outcome_clear(&f->dmarc);
	if (m->dkim != NULL)
		dkim_verifier_end(m->dkim, &f->dkim);
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
	dmarc_check(m->cfg.dmarc, m->cfg.resolver, &in,
	    deadline_in(m->cfg.dmarc_timeout_ms), &f->dmarc);
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
	from_list_clear(&m->from);
	str_free(&m->from_value);
	str_free(&m->from_parse_error);
	mem_free(m->from_error);
	mem_free(m->dmarc_sigs);
	mem_free(m);
}
