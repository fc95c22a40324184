/*
 * test_dns_mem - the in-memory zone backend through the resolver core:
 * answers, empty non-terminals, CNAMEs, faults, that the resolver's
 * cache keeps repeated lookups away from the backend, and held lookups.
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/deadline.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"

static const struct dns_options opts = {
	NULL, 1000, 1, 100, 86400, 3600
};

static void
test_mem_answers(void **state)
{
	dns_mem *m;
	dns_resolver *r;
	dns_answer *a;
	str err;

	str_init(&err);
	m = dns_mem_create();
	assert_int_equal(dns_mem_add(m, "Host.Example", DNS_T_A, "192.0.2.1",
	    &err), 0);
	assert_int_equal(dns_mem_add(m, "host.example", DNS_T_MX,
	    "10 mx.example", &err), 0);
	assert_int_equal(dns_mem_add(m, "deep.sub.example", DNS_T_TXT, "x",
	    &err), 0);
	assert_int_equal(dns_mem_add(m, "alias.example", DNS_T_CNAME,
	    "host.example", &err), 0);
	assert_int_equal(dns_mem_add(m, "bad.example", DNS_T_A, "300.1.1.1",
	    &err), -1);
	assert_non_null(strstr(str_cstr(&err), "300.1.1.1"));
	dns_mem_set_fault(m, "slow.example", 0, DNS_TEMPFAIL);
	r = dns_resolver_create_mem(m, &opts);

	a = dns_lookup(r, "host.example", DNS_T_A, deadline_in(1000));
	assert_int_equal(a->status, DNS_OK);
	dns_answer_unref(a);
	a = dns_lookup(r, "host.example", DNS_T_MX, deadline_in(1000));
	assert_int_equal(a->rr[0].u.mx.pref, 10);
	assert_string_equal(a->rr[0].u.mx.host, "mx.example");
	dns_answer_unref(a);
	a = dns_lookup(r, "host.example", DNS_T_TXT, deadline_in(1000));
	assert_int_equal(a->status, DNS_NODATA);
	dns_answer_unref(a);
	a = dns_lookup(r, "sub.example", DNS_T_TXT, deadline_in(1000));
	assert_int_equal(a->status, DNS_NODATA);	/* empty non-terminal */
	dns_answer_unref(a);
	a = dns_lookup(r, "nothing.example", DNS_T_TXT, deadline_in(1000));
	assert_int_equal(a->status, DNS_NXDOMAIN);
	dns_answer_unref(a);
	a = dns_lookup(r, "alias.example", DNS_T_A, deadline_in(1000));
	assert_int_equal(a->status, DNS_OK);
	assert_string_equal(a->canon, "host.example");
	dns_answer_unref(a);
	a = dns_lookup(r, "slow.example", DNS_T_A, deadline_in(1000));
	assert_int_equal(a->status, DNS_TEMPFAIL);
	dns_answer_unref(a);

	/* cached: the backend sees the second lookup of host A never */
	{
		unsigned long before = dns_mem_lookups(m);

		a = dns_lookup(r, "host.example", DNS_T_A, deadline_in(1000));
		dns_answer_unref(a);
		assert_int_equal(dns_mem_lookups(m), before);
	}
	dns_resolver_unref(r);
	dns_mem_free(m);
	str_free(&err);
}

/* held lookups stay unanswered, and a wait on them times out, until
 * they are released; then they and later ones are answered */
static void
test_mem_hold(void **state)
{
	dns_mem *m;
	dns_resolver *r;
	dns_query *q;
	dns_answer *a;
	str err;

	(void)state;
	str_init(&err);
	m = dns_mem_create();
	assert_int_equal(dns_mem_add(m, "host.example", DNS_T_A, "192.0.2.1",
	    &err), 0);
	r = dns_resolver_create_mem(m, &opts);
	dns_mem_hold(m);
	q = dns_query_start(r, "host.example", DNS_T_A);
	assert_false(dns_query_ready(q));
	assert_int_equal(dns_mem_held(m), 1);
	a = dns_query_wait(q, deadline_in(20));
	assert_int_equal(a->status, DNS_TEMPFAIL);
	dns_answer_unref(a);
	assert_int_equal(dns_mem_release(m), 1);
	assert_true(dns_query_ready(q));
	a = dns_query_wait(q, deadline_in(1000));
	assert_int_equal(a->status, DNS_OK);
	dns_answer_unref(a);
	dns_query_free(q);
	/* released: answered at once again */
	a = dns_lookup(r, "other.example", DNS_T_A, deadline_in(1000));
	assert_int_equal(a->status, DNS_NXDOMAIN);
	dns_answer_unref(a);
	assert_int_equal(dns_mem_held(m), 0);
	dns_resolver_unref(r);
	dns_mem_free(m);
	str_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_answers),
		cmocka_unit_test(test_mem_hold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
