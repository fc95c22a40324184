/*
 * lockdown - domain lockdown records and their verdict; see lockdown.h.
 */
#include "config.h"

#include <string.h>

#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "sender/identity.h"
#include "sender/lockdown.h"
#include "sender/lockdown_record.h"

#define LOCKDOWN_IDS_MAX	64
#define LOCKDOWN_SHOWN		512	/* bytes of a record kept for replies */

struct lockdown_lookup {
	dns_query	*q;
	char		*name;
	char		*domain;
};

const char *const lockdown_result_names[] = {
	"none", "pass", "fail", "temperror", "permerror", NULL
};

/* lockdown_result_name - the result's word */
const char *
lockdown_result_name(enum lockdown_result r)
{
	return (unsigned)r < LOCKDOWNR_COUNT ? lockdown_result_names[r] : "?";
}

/* lockdown_start - start the TXT lookup of <label>.<domain> */
lockdown_lookup *
lockdown_start(dns_resolver *r, const char *label, const char *domain)
{
	lockdown_lookup *l;
	str name;

	str_init(&name);
	str_appendf(&name, "%s.%s", label, domain);
	l = mem_calloc(1, sizeof(*l));
	l->domain = mem_strdup(domain);
	l->q = dns_query_start(r, str_cstr(&name), DNS_T_TXT);
	l->name = str_steal(&name);
	return l;
}

/* lockdown_cancel - forget a lookup */
void
lockdown_cancel(lockdown_lookup *l)
{
	if (l == NULL)
		return;
	dns_query_free(l->q);
	mem_free(l->name);
	mem_free(l->domain);
	mem_free(l);
}

/* lockdown_finish - wait for the record and decide */
void
lockdown_finish(lockdown_lookup *l, int64_t deadline,
    const struct lockdown_sender *who, struct lockdown_outcome *out)
{
	dns_answer *a;

	a = dns_query_wait(l->q, deadline);
	lockdown_evaluate(a, l->name, l->domain, who, out);
	dns_answer_unref(a);
	lockdown_cancel(l);
}

/* lockdown_sender_ids - the sender IDs of this sender */
size_t
lockdown_sender_ids(const struct lockdown_sender *s, char **ids, size_t max)
{
	size_t i, n = 0;
	str id;

	for (i = 0; i < s->nrelay_ids && n + 2 <= max; i++) {
		str_init(&id);
		if (s->who != NULL && s->who->login != NULL) {
			str_appendf(&id, "%s|x-authuser|%s", s->relay_ids[i],
			    s->who->login);
			ids[n++] = str_steal(&id);
			str_init(&id);
		}
		if (s->address != NULL && s->address[0] != '\0') {
			str_appendf(&id, "%s|x-authsender|%s", s->relay_ids[i],
			    s->address);
			ids[n++] = str_steal(&id);
		} else
			str_free(&id);
	}
	return n;
}

/* lockdown_pick - the one lockdown record of an answer: 1 found (*rec),
 * 0 none, -1 more than one (out->error) */
static int
lockdown_pick(const dns_answer *a, const dns_rr **rec,
    struct lockdown_outcome *out)
{
	size_t i, n = 0;
	str why;

	*rec = NULL;
	for (i = 0; i < a->count; i++)
		if (a->rr[i].type == DNS_T_TXT && lockdown_record_is_ours(
		    a->rr[i].u.txt.data, a->rr[i].u.txt.len)) {
			if (n++ == 0)
				*rec = &a->rr[i];
		}
	if (n <= 1)
		return n == 1;
	str_init(&why);
	str_appendf(&why, "%zu lockdown records (v=mc1) at %s: a domain may "
	    "publish only one", n, out->name);
	out->error = str_steal(&why);
	return -1;
}

/* lockdown_match - does the record allow the sender */
static void
lockdown_match(const struct lockdown_record *rec,
    const struct lockdown_sender *s, struct lockdown_outcome *out)
{
	char *ids[LOCKDOWN_IDS_MAX];
	size_t nids, i;
	str f;
	int k;

	nids = lockdown_sender_ids(s, ids, LOCKDOWN_IDS_MAX);
	if (nids > 0)
		out->sender_id = mem_strdup(ids[0]);
	k = lockdown_record_match(rec, s->relay_ids, s->nrelay_ids,
	    (const char *const *)ids, nids);
	for (i = 0; i < nids; i++)
		mem_free(ids[i]);
	if (k < 0) {
		out->result = LOCKDOWNR_FAIL;
		return;
	}
	out->result = LOCKDOWNR_PASS;
	str_init(&f);
	str_appendf(&f, "%s=%s", lockdown_field_kind_name(rec->v[k].kind),
	    rec->v[k].value);
	out->field = str_steal(&f);
}

/* lockdown_evaluate - an answer to a result */
void
lockdown_evaluate(const dns_answer *a, const char *name, const char *domain,
    const struct lockdown_sender *s, struct lockdown_outcome *out)
{
	struct lockdown_record rec;
	const dns_rr *rr;
	str text, err;

	memset(out, 0, sizeof(*out));
	out->checked = 1;
	out->domain = mem_strdup(domain);
	out->name = mem_strdup(name);
	switch (a->status) {
	case DNS_TEMPFAIL:
		out->result = LOCKDOWNR_TEMPERROR;
		str_init(&err);
		str_appendf(&err, "the lookup of %s TXT failed: %s", name,
		    a->error != NULL ? a->error : "no answer");
		out->error = str_steal(&err);
		return;
	case DNS_OK:
		break;
	default:	/* no such name or record; a name that cannot exist */
		out->result = LOCKDOWNR_NONE;
		return;
	}
	switch (lockdown_pick(a, &rr, out)) {
	case 0:
		out->result = LOCKDOWNR_NONE;
		return;
	case -1:
		out->result = LOCKDOWNR_PERMERROR;
		return;
	}
	str_init(&text);
	str_append_printable(&text, rr->u.txt.data, rr->u.txt.len,
	    LOCKDOWN_SHOWN);
	out->record = str_steal(&text);
	memset(&rec, 0, sizeof(rec));
	str_init(&err);
	if (lockdown_record_parse(rr->u.txt.data, rr->u.txt.len, &rec,
	    &err) != 0) {
		out->result = LOCKDOWNR_PERMERROR;
		out->error = str_steal(&err);
	} else {
		out->nfields = (unsigned)rec.n;
		lockdown_match(&rec, s, out);
	}
	str_free(&err);
	lockdown_record_free(&rec);
}

/* lockdown_outcome_clear - release an outcome's strings */
void
lockdown_outcome_clear(struct lockdown_outcome *o)
{
	mem_free(o->domain);
	mem_free(o->name);
	mem_free(o->record);
	mem_free(o->field);
	mem_free(o->error);
	mem_free(o->sender_id);
	memset(o, 0, sizeof(*o));
}
