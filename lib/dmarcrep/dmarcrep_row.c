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

/* dmarcrep_row_free - a row and its strings */
void
dmarcrep_row_free(struct dmarcrep_row *r)
{
	size_t i;

	if (r == NULL)
		return;
	mem_free(r->reporter);
	mem_free(r->queue_id);
	mem_free(r->source_ip);
	mem_free(r->header_from);
	mem_free(r->envelope_from);
	mem_free(r->envelope_to);
	mem_free(r->policy_domain);
	mem_free(r->record);
	mem_free(r->result);
	mem_free(r->policy);
	mem_free(r->policy_tag);
	mem_free(r->disposition);
	mem_free(r->override);
	mem_free(r->override_comment);
	mem_free(r->dkim_aligned);
	mem_free(r->spf_aligned);
	mem_free(r->spf_domain);
	mem_free(r->spf_result);
	mem_free(r->spf_scope);
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
