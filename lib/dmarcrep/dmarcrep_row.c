/*
 * dmarcrep_row - one DMARC evaluation as report rows hold it: made,
 * filled, freed; see dmarcrep.h.
 */
#include "config.h"

#include "util/mem.h"
#include "dmarcrep/dmarcrep.h"

/* dmarcrep_row_new - an empty row */
struct dmarcrep_row *
dmarcrep_row_new(void)
{
	return mem_calloc(1, sizeof(struct dmarcrep_row));
}

/* dmarcrep_row_texts - the addresses of the text fields */
void
dmarcrep_row_texts(struct dmarcrep_row *r, char **f[DMARCREP_ROW_TEXTS])
{
	f[0] = &r->reporter; f[1] = &r->queue_id; f[2] = &r->source_ip;
	f[3] = &r->header_from; f[4] = &r->envelope_from;
	f[5] = &r->envelope_to; f[6] = &r->policy_domain;
	f[7] = &r->record; f[8] = &r->result; f[9] = &r->policy;
	f[10] = &r->policy_tag; f[11] = &r->disposition;
	f[12] = &r->override; f[13] = &r->override_comment;
	f[14] = &r->dkim_aligned; f[15] = &r->spf_aligned;
	f[16] = &r->spf_domain; f[17] = &r->spf_result; f[18] = &r->spf_scope;
}

/* dmarcrep_row_free - a row and its strings */
void
dmarcrep_row_free(struct dmarcrep_row *r)
{
	char **f[DMARCREP_ROW_TEXTS];
	size_t i;

	if (r == NULL)
		return;
	dmarcrep_row_texts(r, f);
	for (i = 0; i < DMARCREP_ROW_TEXTS; i++)
		mem_free(*f[i]);
	mem_free(r->ruf);
	mem_free(r->feedback);
	mem_free(r->headers);
	for (i = 0; i < r->ndkim; i++) {
		mem_free(r->dkim[i].domain);
		mem_free(r->dkim[i].selector);
		mem_free(r->dkim[i].result);
		mem_free(r->dkim[i].human);
	}
	mem_free(r);
}

/* dmarcrep_dup - a copy, or NULL for NULL */
static char *
dmarcrep_dup(const char *s)
{
	return s != NULL ? mem_strdup(s) : NULL;
}

/* dmarcrep_row_add_dkim - one more signature, if there is room */
void
dmarcrep_row_add_dkim(struct dmarcrep_row *r, const char *domain,
    const char *selector, const char *result, const char *human)
{
	struct dmarcrep_dkim *d;

	if (r->ndkim >= DMARCREP_DKIM_MAX || domain == NULL || result == NULL)
		return;
	d = &r->dkim[r->ndkim++];
	d->domain = mem_strdup(domain);
	d->selector = dmarcrep_dup(selector);
	d->result = mem_strdup(result);
	d->human = dmarcrep_dup(human);
}
