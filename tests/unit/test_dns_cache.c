/*
 * test_dns_cache - TTLs, negative caching, caps, LRU eviction, and that
 * failures are never cached.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/siphash.h"
#include "dns/dns.h"
#include "dns/dns_cache.h"
#include "fnv_flood.h"

/* answer - an answer with a status and TTL */
static dns_answer *
answer(const char *name, int type, enum dns_status st, uint32_t ttl)
{
	dns_answer *a;

	a = dns_answer_new(name, type, st, st == DNS_TEMPFAIL ? "x" : NULL);
	a->ttl = ttl;
	return a;
}

/* put - insert and drop our reference */
static void
put(dns_cache *c, const char *name, int type, enum dns_status st,
    uint32_t ttl, int64_t now)
{
	dns_answer *a;

	a = answer(name, type, st, ttl);
	dns_cache_put(c, a, now);
	dns_answer_unref(a);
}

/* present - is name/type cached at time now */
static int
present(dns_cache *c, const char *name, int type, int64_t now)
{
	dns_answer *a;

	if ((a = dns_cache_get(c, name, type, now)) == NULL)
		return 0;
	dns_answer_unref(a);
	return 1;
}

static void
test_ttl_expiry(void **state)
{
	dns_cache *c;

	c = dns_cache_create(100, 86400, 3600);
	put(c, "a.example", DNS_T_A, DNS_OK, 10, 0);
	assert_true(present(c, "a.example", DNS_T_A, 9999));
	assert_false(present(c, "a.example", DNS_T_A, 10000));
	assert_int_equal(dns_cache_count(c), 0);	/* expired entry dropped */
	/* the type is part of the key */
	put(c, "a.example", DNS_T_A, DNS_OK, 10, 0);
	assert_false(present(c, "a.example", DNS_T_TXT, 0));
	dns_cache_free(c);
}

static void
test_never_cache_failures(void **state)
{
	dns_cache *c;

	c = dns_cache_create(100, 86400, 3600);
	put(c, "t.example", DNS_T_A, DNS_TEMPFAIL, 300, 0);
	put(c, "e.example", DNS_T_A, DNS_ERROR, 300, 0);
	put(c, "zero.example", DNS_T_A, DNS_OK, 0, 0);
	assert_false(present(c, "t.example", DNS_T_A, 1));
	assert_false(present(c, "e.example", DNS_T_A, 1));
	assert_false(present(c, "zero.example", DNS_T_A, 1));
	assert_int_equal(dns_cache_count(c), 0);
	dns_cache_free(c);
}

static void
test_caps(void **state)
{
	dns_cache *c;

	c = dns_cache_create(100, 60, 5);
	put(c, "long.example", DNS_T_A, DNS_OK, 86400, 0);
	assert_true(present(c, "long.example", DNS_T_A, 59999));
	assert_false(present(c, "long.example", DNS_T_A, 60000));
	put(c, "nx.example", DNS_T_A, DNS_NXDOMAIN, 3600, 0);
	put(c, "nd.example", DNS_T_A, DNS_NODATA, 3600, 0);
	assert_true(present(c, "nx.example", DNS_T_A, 4999));
	assert_false(present(c, "nx.example", DNS_T_A, 5000));
	assert_false(present(c, "nd.example", DNS_T_A, 5000));
	dns_cache_free(c);
}

static void
test_lru_eviction(void **state)
{
	char name[32];
	dns_cache *c;
	int i;

	c = dns_cache_create(3, 86400, 3600);
	put(c, "1.example", DNS_T_A, DNS_OK, 300, 0);
	put(c, "2.example", DNS_T_A, DNS_OK, 300, 0);
	put(c, "3.example", DNS_T_A, DNS_OK, 300, 0);
	assert_true(present(c, "1.example", DNS_T_A, 1));	/* 1 is fresh now */
	put(c, "4.example", DNS_T_A, DNS_OK, 300, 0);		/* evicts 2 */
	assert_int_equal(dns_cache_count(c), 3);
	assert_false(present(c, "2.example", DNS_T_A, 1));
	assert_true(present(c, "1.example", DNS_T_A, 1));
	assert_true(present(c, "3.example", DNS_T_A, 1));
	assert_true(present(c, "4.example", DNS_T_A, 1));
	/* a flood keeps the bound */
	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "f%d.example", i);
		put(c, name, DNS_T_TXT, DNS_OK, 300, 0);
	}
	assert_int_equal(dns_cache_count(c), 3);
	assert_true(present(c, "f9999.example", DNS_T_TXT, 1));
	dns_cache_free(c);
}

static void
test_replace_and_disabled(void **state)
{
	dns_cache *c;
	dns_answer *a;

	c = dns_cache_create(10, 86400, 3600);
	put(c, "r.example", DNS_T_A, DNS_NXDOMAIN, 300, 0);
	put(c, "r.example", DNS_T_A, DNS_OK, 300, 0);
	assert_int_equal(dns_cache_count(c), 1);
	a = dns_cache_get(c, "r.example", DNS_T_A, 1);
	assert_non_null(a);
	assert_int_equal(a->status, DNS_OK);
	dns_answer_unref(a);
	dns_cache_free(c);

	c = dns_cache_create(0, 86400, 3600);
	put(c, "r.example", DNS_T_A, DNS_OK, 300, 0);
	assert_false(present(c, "r.example", DNS_T_A, 1));
	dns_cache_free(c);
}

/* SipHash-2-4 gives the values of its definition (the paper's test
 * key 00..0f: the empty message and the 15-byte example of appendix A) */
static void
test_siphash_vectors(void **state)
{
	unsigned char key[16], msg[15];
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)i;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)i;
	assert_true(siphash24(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
	assert_true(siphash24(key, msg, 15) == 0xa129ca6149be45e5ULL);
	/* one process key, the same on every call */
	assert_ptr_equal(siphash_process_key(), siphash_process_key());
}

/* names built to share one bucket under the old unkeyed hash (a sender
 * can put them in SPF macros, HELO or PTR names) spread like any names:
 * before SipHash all 2000 were in one chain, walked under the lock */
static void
test_flood_names_spread(void **state)
{
	char **names;
	dns_cache *c;
	size_t i, n = 2000;

	/* a 2000-entry cache has 2048 buckets: 11 bits */
	names = fnv_flood_names(n, 11, DNS_T_TXT, "flood");
	for (i = 0; i < n; i++)
		assert_int_equal(fnv_flood_old_hash(names[i], DNS_T_TXT) &
		    2047, 0);
	c = dns_cache_create(n, 3600, 3600);
	for (i = 0; i < n; i++)
		put(c, names[i], DNS_T_TXT, DNS_OK, 300, 0);
	assert_int_equal(dns_cache_count(c), n);
	/* 2000 keys in 2048 buckets: the longest chain is about 6 */
	assert_true(dns_cache_longest_chain(c) <= 16);
	/* evicting the oldest and expiring still work on them */
	put(c, "one-more.example", DNS_T_TXT, DNS_OK, 300, 0);
	assert_int_equal(dns_cache_count(c), n);
	assert_false(present(c, names[0], DNS_T_TXT, 0));
	assert_true(present(c, names[n - 1], DNS_T_TXT, 0));
	assert_false(present(c, names[n - 1], DNS_T_TXT, 300 * 1000));
	dns_cache_free(c);
	fnv_flood_free(names, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ttl_expiry),
		cmocka_unit_test(test_never_cache_failures),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_lru_eviction),
		cmocka_unit_test(test_replace_and_disabled),
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_flood_names_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
