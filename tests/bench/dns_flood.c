/*
 * dns_flood - the DNS cache under a flood of names built to collide:
 * the cost of a lookup that misses, for names that all share one bucket
 * under the unkeyed FNV-1a hash the cache used before (a sender can put
 * them in SPF macros, HELO or PTR names) against random names, with the
 * cache full at 20 000 (the default) and 100 000 entries, and the cost
 * of inserting into a full cache (evicting the oldest). With the keyed
 * hash both kinds of names cost the same; with FNV-1a a miss on a flooded
 * bucket walked the whole chain under the cache's one lock.
 *
 * usage: dns_flood [LOOKUPS]   (a benchmark: it prints, it never fails)
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/dns.h"
#include "dns/dns_cache.h"
#include "fnv_flood.h"

/* now_ns - monotonic nanoseconds */
static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* fill - put every name into the cache */
static void
fill(dns_cache *c, char **names, size_t n)
{
	dns_answer *a;
	size_t i;

	for (i = 0; i < n; i++) {
		a = dns_answer_new(names[i], DNS_T_TXT, DNS_NXDOMAIN, NULL);
		a->ttl = 3600;
		dns_cache_put(c, a, 0);
		dns_answer_unref(a);
	}
}

/* misses - ns per lookup of names that are not cached */
static double
misses(dns_cache *c, char **names, size_t n, size_t lookups)
{
	dns_answer *a;
	int64_t t0;
	size_t i;

	t0 = now_ns();
	for (i = 0; i < lookups; i++)
		if ((a = dns_cache_get(c, names[i % n], DNS_T_TXT, 1)) != NULL)
			dns_answer_unref(a);
	return (double)(now_ns() - t0) / (double)lookups;
}

/* inserts - ns per insert into a full cache (each evicts the oldest) */
static double
inserts(dns_cache *c, char **names, size_t n)
{
	int64_t t0;

	t0 = now_ns();
	fill(c, names, n);
	return (double)(now_ns() - t0) / (double)n;
}

/* random_names - n names no flood was built for */
static char **
random_names(size_t n, const char *prefix)
{
	char **v;
	size_t i;

	v = calloc(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i] = malloc(64);
		snprintf(v[i], 64, "%s%zu-%08x.example", prefix, i,
		    (unsigned)rand());
	}
	return v;
}

/* run - one cache size: fill with flood names, then measure */
static void
run(size_t size, unsigned bits, size_t lookups)
{
	char **flood, **probe_flood, **probe_random, **more;
	dns_cache *c;
	double hit_flood, hit_random, put_flood, put_random;

	flood = fnv_flood_names(size, bits, DNS_T_TXT, "f");
	probe_flood = fnv_flood_names(1000, bits, DNS_T_TXT, "p");
	probe_random = random_names(1000, "r");
	c = dns_cache_create(size, 86400, 86400);
	fill(c, flood, size);
	hit_flood = misses(c, probe_flood, 1000, lookups);
	hit_random = misses(c, probe_random, 1000, lookups);
	more = fnv_flood_names(size / 10, bits, DNS_T_TXT, "m");
	put_flood = inserts(c, more, size / 10);
	fnv_flood_free(more, size / 10);
	more = random_names(size / 10, "n");
	put_random = inserts(c, more, size / 10);
	printf("cache %6zu entries: miss %8.1f ns colliding, %6.1f ns random "
	    "(x%.1f); insert %8.1f ns colliding, %6.1f ns random (x%.1f)\n",
	    size, hit_flood, hit_random, hit_flood / hit_random, put_flood,
	    put_random, put_flood / put_random);
	dns_cache_free(c);
	fnv_flood_free(more, size / 10);
	fnv_flood_free(flood, size);
	fnv_flood_free(probe_flood, 1000);
	fnv_flood_free(probe_random, 1000);
}

int
main(int argc, char **argv)
{
	size_t lookups;

	lookups = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 200000;
	srand(1);
	/* bucket counts as dns_cache_create sizes them: 2^15 and 2^17 */
	run(20000, 15, lookups);
	run(100000, 17, lookups);
	return 0;
}
