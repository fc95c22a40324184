/*
 * dns_cache - the DNS answer cache shared by all threads.
 *
 *	dns_cache_create(max_entries, max_ttl, max_negative_ttl) - an empty
 *		cache holding at most max_entries answers; TTLs are capped.
 *	dns_cache_get(c, name, type, now) - a new reference to a live answer,
 *		or NULL. name must be normalized (dns_name_normalize).
 *	dns_cache_put(c, answer, now) - remember an answer if it may be
 *		reused: only OK, NXDOMAIN and NODATA answers with a TTL above
 *		zero; a TEMPFAIL (timeout, SERVFAIL) or ERROR never is.
 *		When full, the least recently used entry goes.
 *	dns_cache_count(c), dns_cache_free(c).
 *	dns_key_hash(name, type) - the hash of a lookup key (also used by
 *		the resolver's table of lookups in flight): SipHash-2-4 under
 *		a random key per process, so senders cannot choose names that
 *		share a bucket.
 *	dns_cache_longest_chain(c) - the most entries one bucket holds (for
 *		tests: with the keyed hash it stays small whatever the names).
 * "now" is the monotonic time in ms (deadline_now()), passed in so that
 * tests can move time. One mutex guards the cache; every operation is
 * O(1) on average, and taking an entry out is O(1) always.
 */
#ifndef AUTHGATE_DNS_CACHE_H
#define AUTHGATE_DNS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"

typedef struct dns_cache dns_cache;

dns_cache	*dns_cache_create(size_t, uint32_t, uint32_t);
void		 dns_cache_free(dns_cache *);
dns_answer	*dns_cache_get(dns_cache *, const char *, int, int64_t);
void		 dns_cache_put(dns_cache *, dns_answer *, int64_t);
size_t		 dns_cache_count(dns_cache *);
size_t		 dns_cache_longest_chain(dns_cache *);
unsigned	 dns_key_hash(const char *, int);

#endif
