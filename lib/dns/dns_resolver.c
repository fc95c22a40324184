/*
 * dns_resolver - the resolver core: cache, merging of identical lookups
 * in flight, waiting with deadlines; see dns.h. The I/O is a backend's
 * job (dns_ares.c for real DNS, dns_mem.c for tests); each backend builds
 * its resolver with dns_resolver_new (dns_backend.h), so the core never
 * calls a backend by name.
 *
 * One mutex guards the in-flight table, the query states and the
 * counters; each query has its own condition variable so that a finished
 * lookup wakes only its own waiters.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "util/deadline.h"
#include "util/log.h"
#include "util/mem.h"
#include "dns/dns.h"
#include "dns/dns_backend.h"
#include "dns/dns_cache.h"
#include "dns/dns_metrics.h"
#include "util/prom.h"

#define DNS_TABLE_SIZE	1024		/* in-flight buckets, power of two */
/* a lookup joins an identical one in flight only while that one is
 * younger than this: an answer later than that is late (lost, or the
 * server is struggling), and asking again costs one packet, where
 * waiting on a query sent during an outage fails a lookup started after
 * it ended */
#define DNS_MERGE_MS	300

struct dns_resolver {
	atomic_int		 refs;
	pthread_mutex_t		 lock;
	struct dns_query	*table[DNS_TABLE_SIZE];
	dns_cache		*cache;
	struct dns_backend	 backend;
	struct dns_stats	 stats;
};

/* dns_resolver_new - the core around a backend (the backends' resolver
 * constructors call it) */
dns_resolver *
dns_resolver_new(const struct dns_options *opts,
    const struct dns_backend *backend)
{
	dns_resolver *r;

	r = mem_calloc(1, sizeof(*r));
	atomic_init(&r->refs, 1);
	pthread_mutex_init(&r->lock, NULL);
	r->cache = dns_cache_create(opts->cache_size, opts->cache_max_ttl,
	    opts->cache_max_negative_ttl);
	r->backend = *backend;
	return r;
}

/* dns_resolver_ref - take a reference */
dns_resolver *
dns_resolver_ref(dns_resolver *r)
{
	atomic_fetch_add(&r->refs, 1);
	return r;
}

/* dns_resolver_unref - drop a reference; the last one stops everything */
void
dns_resolver_unref(dns_resolver *r)
{
	if (r == NULL || atomic_fetch_sub(&r->refs, 1) != 1)
		return;
	/* the backend answers what is outstanding before it returns */
	r->backend.destroy(r->backend.impl);
	dns_cache_free(r->cache);
	pthread_mutex_destroy(&r->lock);
	mem_free(r);
}

/* dns_query_new - a query object (not yet in the table) */
static struct dns_query *
dns_query_new(dns_resolver *r, const char *name, int type)
{
	struct dns_query *q;

	q = mem_calloc(1, sizeof(*q));
	q->res = r;
	q->name = mem_strdup(name);
	q->type = type;
	q->refs = 1;
	deadline_cond_init(&q->cond);
	return q;
}

/* dns_query_release - drop a reference (resolver lock held) */
static void
dns_query_release(struct dns_query *q)
{
	if (--q->refs > 0)
		return;
	pthread_cond_destroy(&q->cond);
	dns_answer_unref(q->answer);
	mem_free(q->name);
	mem_free(q->cur);
	mem_free(q);
}

/* dns_query_done - a query that is answered already */
static struct dns_query *
dns_query_done(dns_resolver *r, const char *name, int type, dns_answer *a)
{
	struct dns_query *q;

	q = dns_query_new(r, name, type);
	q->done = 1;
	q->answer = a;
	return q;
}

/* dns_query_start - start a lookup, merging with one in flight */
dns_query *
dns_query_start(dns_resolver *r, const char *name, int type)
{
	struct dns_query *q, *p;
	const char *why;
	dns_answer *a;
	str norm;
	str msg;

	str_init(&norm);
	if (dns_name_normalize(name, &norm, &why) != 0) {
		str_init(&msg);
		str_append(&msg, "cannot look up \"");
		str_append_printable(&msg, name, strlen(name), 80);
		str_appendf(&msg, "\": %s", why);
		q = dns_query_done(r, name, type, dns_answer_new(name, type,
		    DNS_ERROR, str_cstr(&msg)));
		str_free(&msg);
		str_free(&norm);
		pthread_mutex_lock(&r->lock);
		r->stats.queries++;
		pthread_mutex_unlock(&r->lock);
		dns_metrics_lookup(type, DNS_SERVED_INVALID);
		return q;
	}
	if ((a = dns_cache_get(r->cache, str_cstr(&norm), type,
	    deadline_now())) != NULL) {
		q = dns_query_done(r, str_cstr(&norm), type, a);
		str_free(&norm);
		pthread_mutex_lock(&r->lock);
		r->stats.queries++;
		r->stats.cache_hits++;
		pthread_mutex_unlock(&r->lock);
		dns_metrics_lookup(type, DNS_SERVED_CACHE);
		return q;
	}
	q = dns_query_new(r, str_cstr(&norm), type);
	str_free(&norm);
	q->hash = dns_key_hash(q->name, type);
	q->started = deadline_now();
	pthread_mutex_lock(&r->lock);
	r->stats.queries++;
	for (p = r->table[q->hash & (DNS_TABLE_SIZE - 1)]; p != NULL;
	    p = p->hnext) {
		if (p->hash == q->hash && p->type == type &&
		    q->started - p->started < DNS_MERGE_MS &&
		    strcmp(p->name, q->name) == 0) {
			p->refs++;
			r->stats.merged++;
			dns_query_release(q);
			pthread_mutex_unlock(&r->lock);
			dns_metrics_lookup(type, DNS_SERVED_MERGED);
			return p;
		}
	}
	q->refs = 2;			/* the caller and the backend */
	q->in_table = 1;
	q->hnext = r->table[q->hash & (DNS_TABLE_SIZE - 1)];
	r->table[q->hash & (DNS_TABLE_SIZE - 1)] = q;
	r->stats.sent++;
	pthread_mutex_unlock(&r->lock);
	dns_metrics_lookup(type, DNS_SERVED_SENT);
	q->sent_us = prom_now_us();
	r->backend.submit(r->backend.impl, q);
	return q;
}

/* dns_resolver_complete - a backend delivers the answer of a query */
void
dns_resolver_complete(struct dns_query *q, dns_answer *a)
{
	struct dns_query **pp;
	dns_resolver *r;

	r = q->res;
	dns_metrics_answer(a, prom_now_us() - q->sent_us);
	dns_cache_put(r->cache, a, deadline_now());
	pthread_mutex_lock(&r->lock);
	if (a->status == DNS_TEMPFAIL)
		r->stats.tempfail++;
	if (q->in_table) {
		for (pp = &r->table[q->hash & (DNS_TABLE_SIZE - 1)]; *pp != q;
		    pp = &(*pp)->hnext)
			;
		*pp = q->hnext;
		q->in_table = 0;
	}
	if (q->done)
		log_panic("dns: query %s/%s answered twice", q->name,
		    dns_type_name(q->type));
	q->answer = a;
	q->done = 1;
	pthread_cond_broadcast(&q->cond);
	dns_query_release(q);
	pthread_mutex_unlock(&r->lock);
}

/* dns_query_wait - the answer, or TEMPFAIL when the deadline passes */
dns_answer *
dns_query_wait(dns_query *q, int64_t deadline)
{
	dns_resolver *r;
	dns_answer *a;
	int64_t t0;
	str msg;

	r = q->res;
	pthread_mutex_lock(&r->lock);
	t0 = q->done ? 0 : deadline_now_us();
	while (!q->done)
		if (deadline_cond_wait(&q->cond, &r->lock, deadline) ==
		    ETIMEDOUT)
			break;
	if (t0 != 0)
		deadline_waited(deadline_now_us() - t0);
	if (q->done) {
		a = dns_answer_ref(q->answer);
		pthread_mutex_unlock(&r->lock);
		return a;
	}
	pthread_mutex_unlock(&r->lock);
	str_init(&msg);
	str_appendf(&msg, "no answer for %s/%s within the time limit",
	    q->name, dns_type_name(q->type));
	a = dns_answer_new(q->name, q->type, DNS_TEMPFAIL, str_cstr(&msg));
	str_free(&msg);
	return a;
}

/* dns_query_ready - has the answer arrived */
int
dns_query_ready(dns_query *q)
{
	int done;

	pthread_mutex_lock(&q->res->lock);
	done = q->done;
	pthread_mutex_unlock(&q->res->lock);
	return done;
}

/* dns_query_free - forget a query; the lookup itself may go on */
void
dns_query_free(dns_query *q)
{
	dns_resolver *r;

	if (q == NULL)
		return;
	r = q->res;
	pthread_mutex_lock(&r->lock);
	dns_query_release(q);
	pthread_mutex_unlock(&r->lock);
}

/* dns_lookup - start, wait and free in one call */
dns_answer *
dns_lookup(dns_resolver *r, const char *name, int type, int64_t deadline)
{
	dns_query *q;
	dns_answer *a;

	q = dns_query_start(r, name, type);
	a = dns_query_wait(q, deadline);
	dns_query_free(q);
	return a;
}

/* dns_prefetch - start a lookup only to fill the cache */
void
dns_prefetch(dns_resolver *r, const char *name, int type)
{
	dns_query_free(dns_query_start(r, name, type));
}

/* dns_cached - an answer without I/O, or NULL */
dns_answer *
dns_cached(dns_resolver *r, const char *name, int type)
{
	const char *why;
	dns_answer *a;
	str norm;

	str_init(&norm);
	if (dns_name_normalize(name, &norm, &why) != 0) {
		str_free(&norm);
		return dns_answer_new(name, type, DNS_ERROR, why);
	}
	a = dns_cache_get(r->cache, str_cstr(&norm), type, deadline_now());
	str_free(&norm);
	pthread_mutex_lock(&r->lock);
	r->stats.queries++;
	if (a != NULL)
		r->stats.cache_hits++;
	pthread_mutex_unlock(&r->lock);
	/* a miss is no lookup yet: the caller starts one when it needs it */
	if (a != NULL)
		dns_metrics_lookup(type, DNS_SERVED_CACHE);
	return a;
}

/* dns_resolver_stats - a copy of the counters */
void
dns_resolver_stats(dns_resolver *r, struct dns_stats *st)
{
	pthread_mutex_lock(&r->lock);
	*st = r->stats;
	pthread_mutex_unlock(&r->lock);
	st->cache_entries = dns_cache_count(r->cache);
}
