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

#include "dns/dns.h"
#include "dns/dns_cache.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ttl_expiry),
		cmocka_unit_test(test_never_cache_failures),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_lru_eviction),
		cmocka_unit_test(test_replace_and_disabled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
