/*
 * dns_hold - lookups started ahead, handed to the stage that needs them;
 * see dns_hold.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "dns/dns.h"
#include "dns/dns_hold.h"

struct dns_held {
	char		*name;
	int		 type;
	dns_query	*q;		/* until waited for */
	dns_answer	*a;		/* after */
};

struct dns_hold {
	dns_resolver	*resolver;
	struct dns_held	 held[DNS_HOLD_MAX];
	size_t		 n;
};

/* dns_hold_new - an empty hold */
dns_hold *
dns_hold_new(dns_resolver *r)
{
	dns_hold *h;

	h = mem_calloc(1, sizeof(*h));
	h->resolver = dns_resolver_ref(r);
	return h;
}

/* dns_hold_same - two names alike for DNS: any case, a final dot */
static int
dns_hold_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* dns_hold_find - the held lookup of a name and type, or NULL */
static struct dns_held *
dns_hold_find(dns_hold *h, const char *name, int type)
{
	size_t i;

	for (i = 0; h != NULL && i < h->n; i++)
		if (h->held[i].type == type &&
		    dns_hold_same(h->held[i].name, name))
			return &h->held[i];
	return NULL;
}

/* dns_hold_start - start a lookup and keep its handle */
void
dns_hold_start(dns_hold *h, const char *name, int type)
{
	struct dns_held *e;

	if (h == NULL || h->n == DNS_HOLD_MAX ||
	    dns_hold_find(h, name, type) != NULL)
		return;
	e = &h->held[h->n++];
	e->name = mem_strdup(name);
	e->type = type;
	e->q = dns_query_start(h->resolver, name, type);
}

/* dns_hold_failed - did the held lookup end in a temporary failure
 * already: a stage asking later (the lookup may have started at MAIL,
 * seconds before) asks again rather than take a failure long past; the
 * caller's own deadline bounds the new try */
static int
dns_hold_failed(dns_query *q)
{
	dns_answer *a;
	int failed;

	if (!dns_query_ready(q))
		return 0;
	a = dns_query_wait(q, INT64_MAX);
	failed = a->status == DNS_TEMPFAIL;
	dns_answer_unref(a);
	return failed;
}

/* dns_hold_take - hand a held query over */
dns_query *
dns_hold_take(dns_hold *h, const char *name, int type)
{
	struct dns_held *e;
	dns_query *q;

	if ((e = dns_hold_find(h, name, type)) == NULL || e->q == NULL)
		return NULL;
	q = e->q;
	e->q = NULL;
	if (dns_hold_failed(q)) {
		dns_query_free(q);
		return NULL;	/* the caller starts a lookup of its own */
	}
	return q;
}

/* dns_hold_lookup - the answer, from the hold when it has the lookup */
dns_answer *
dns_hold_lookup(dns_hold *h, dns_resolver *r, const char *name, int type,
    int64_t deadline)
{
	struct dns_held *e = dns_hold_find(h, name, type);

	if (e != NULL && e->a == NULL && e->q != NULL &&
	    dns_hold_failed(e->q)) {
		dns_query_free(e->q);
		e->q = NULL;
	}
	if (e == NULL || (e->q == NULL && e->a == NULL))
		return dns_lookup(r, name, type, deadline);
	if (e->a == NULL) {
		e->a = dns_query_wait(e->q, deadline);
		dns_query_free(e->q);
		e->q = NULL;
		if (e->a->status == DNS_TEMPFAIL) {
			/* not kept: a later ask may get an answer */
			dns_answer *a = e->a;

			e->a = NULL;
			return a;
		}
	}
	return dns_answer_ref(e->a);
}

/* dns_hold_free - forget what is held */
void
dns_hold_free(dns_hold *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++) {
		if (h->held[i].q != NULL)
			dns_query_free(h->held[i].q);
		if (h->held[i].a != NULL)
			dns_answer_unref(h->held[i].a);
		mem_free(h->held[i].name);
	}
	dns_resolver_unref(h->resolver);
	mem_free(h);
}
