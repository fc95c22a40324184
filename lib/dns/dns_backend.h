/*
 * dns_backend - what a resolver backend (dns_ares.c, dns_mem.c) sees of
 * the resolver core (dns_resolver.c). Not for checks: they use dns.h.
 *
 * A backend's constructor (dns_resolver_create in dns_ares.c,
 * dns_resolver_create_mem in dns_mem.c) sets up its own state and hands
 * it to dns_resolver_new(opts, backend), which adds the cache and the
 * in-flight table and owns the backend from then on.
 * The core hands each new lookup to backend.submit(impl, q); the backend
 * must answer every query exactly once with dns_resolver_complete(q, a),
 * from any thread, possibly before submit returns. backend.destroy(impl)
 * must answer whatever is still outstanding before it returns.
 * A backend may use q->qnext, q->cur, q->depth, q->chain_ttl and q->impl
 * for its own bookkeeping.
 */
#ifndef AUTHGATE_DNS_BACKEND_H
#define AUTHGATE_DNS_BACKEND_H

#include <pthread.h>

#include "dns/dns.h"

struct dns_query {
	dns_resolver		*res;
	char			*name;		/* normalized question */
	int			 type;
	unsigned		 hash;
	struct dns_query	*hnext;		/* in-flight table chain */
	int			 in_table;
	int			 refs;		/* guarded by the resolver lock */
	int			 done;
	int64_t			 started;	/* deadline_now() when sent */
	int64_t			 sent_us;	/* prom_now_us() when sent */
	dns_answer		*answer;
	pthread_cond_t		 cond;
	/* backend bookkeeping */
	struct dns_query	*qnext;
	void			*impl;		/* the backend serving it */
	char			*cur;		/* name asked now (CNAME chase) */
	unsigned		 depth;
	unsigned		 retried;	/* asked again after a refusal */
	unsigned		 tcp;		/* asked over TCP (truncated) */
	uint32_t		 chain_ttl;
};

struct dns_backend {
	void	(*submit)(void *, struct dns_query *);
	void	(*destroy)(void *);
	void	*impl;
};

dns_resolver	*dns_resolver_new(const struct dns_options *,
		    const struct dns_backend *);
void		 dns_resolver_complete(struct dns_query *, dns_answer *);

#endif
