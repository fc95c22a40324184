/*
 * dns_hold - the lookups one transaction started ahead of the stage that
 * needs them (a DKIM key when its signature field arrives, the DMARC
 * records when From: arrives), held by their query handles: the stage
 * gets the answer from the held query itself, not from the cache, so
 * starting early works with cache_size = 0 too, and no answer is fetched
 * twice. A hold belongs to one transaction and is used by one thread at
 * a time.
 *
 *	dns_hold_new(resolver) / dns_hold_free(h)
 *	dns_hold_start(h, name, type) - start a lookup and keep it (nothing
 *		when the same one is held, at most DNS_HOLD_MAX are, or h is
 *		NULL).
 *	dns_hold_take(h, name, type) - the held query (the caller now owns
 *		it: dns_query_wait, dns_query_free), or NULL: start one (also
 *		when the held one has already failed for now).
 *	dns_hold_lookup(h, name, type, deadline) - the answer: from the held
 *		query (kept for a second ask), else a lookup of its own, as
 *		dns_lookup (also when the held one had already failed for
 *		now). h may be NULL (then it is dns_lookup).
 */
#ifndef AUTHGATE_DNS_HOLD_H
#define AUTHGATE_DNS_HOLD_H

#include <stdint.h>

#include "dns/dns.h"

#define DNS_HOLD_MAX	64

typedef struct dns_hold dns_hold;

dns_hold	*dns_hold_new(dns_resolver *);
void		 dns_hold_start(dns_hold *, const char *, int);
dns_query	*dns_hold_take(dns_hold *, const char *, int);
dns_answer	*dns_hold_lookup(dns_hold *, dns_resolver *, const char *, int,
		    int64_t);
void		 dns_hold_free(dns_hold *);

#endif
