/*
 * test_helo - facts about HELO names (table: literals, bare addresses,
 * wrong literals, one-label names, our own names, junk), and whether a
 * name resolves (in-memory zones: A only, AAAA only, NXDOMAIN, NODATA,
 * a failing lookup that proves nothing).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/deadline.h"
#include "util/ipaddr.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "mail/domlist.h"
#include "ipcheck/helo_check.h"

#define F(x)	(1u << HELOF_##x)

struct helo_case {
	const char	*helo;
	const char	*client;
	unsigned	 facts;
};

static const struct helo_case helo_cases[] = {
	{ "mail.example.com", "192.0.2.1", 0 },
	{ "MAIL.Example.COM.", "192.0.2.1", 0 },
	{ "[192.0.2.1]", "192.0.2.1", F(IP_LITERAL) },
	{ "[192.0.2.9]", "192.0.2.1", F(IP_LITERAL) | F(WRONG_LITERAL) },
	{ "192.0.2.1", "192.0.2.1", F(IP_LITERAL) | F(NOT_FQDN) },
	{ "[IPv6:2001:db8::1]", "2001:db8::1", F(IP_LITERAL) },
	{ "[IPv6:2001:db8::2]", "2001:db8::1", F(IP_LITERAL) |
	    F(WRONG_LITERAL) },
	{ "[192.0.2.1]", "2001:db8::1", F(IP_LITERAL) | F(WRONG_LITERAL) },
	{ "localhost", "192.0.2.1", F(NOT_FQDN) },
	{ "WIN-7G3K2ABC", "192.0.2.1", F(NOT_FQDN) },
	{ "", "192.0.2.1", F(NOT_FQDN) },
	{ "bad name.example", "192.0.2.1", F(NOT_FQDN) },
	{ "ex\xffmple.com", "192.0.2.1", F(NOT_FQDN) },
	{ "[not an address]", "192.0.2.1", F(NOT_FQDN) },
	{ "mx.rcpt.example", "192.0.2.1", F(OWN_NAME) },
	{ "MX.RCPT.EXAMPLE", "192.0.2.1", F(OWN_NAME) },
	{ "mx2.rcpt.example", "192.0.2.1", 0 },
};

static void
test_classify(void **state)
{
	struct helo_outcome o;
	domlist own;
	ipaddr ip;
	size_t i;
	str err;

	str_init(&err);
	assert_int_equal(domlist_parse("mx.rcpt.example", DOMLIST_EXACT,
	    &own, &err), 0);
	for (i = 0; i < sizeof(helo_cases) / sizeof(helo_cases[0]); i++) {
		const struct helo_case *c = &helo_cases[i];

		assert_int_equal(ipaddr_parse(c->client, &ip), 0);
		helo_classify(c->helo, &ip, &own, &o);
		assert_true(o.checked);
		if (o.facts != c->facts)
			fail_msg("\"%s\" from %s: facts %x, want %x", c->helo,
			    c->client, o.facts, c->facts);
		assert_non_null(o.name);
		assert_null(strchr(o.name, '\xff'));
		helo_outcome_clear(&o);
	}
	/* no HELO at all, no own names */
	helo_classify(NULL, NULL, NULL, &o);
	assert_int_equal(o.facts, F(NOT_FQDN));
	helo_outcome_clear(&o);
	domlist_free(&own);
	str_free(&err);
	assert_int_equal(helo_fact_parse("OWN_NAME"), HELOF_OWN_NAME);
	assert_int_equal(helo_fact_parse("bogus"), -1);
}

struct resolve_case {
	const char	*helo;
	int		 unresolvable;
	int		 resolved;
};

static const struct resolve_case resolve_cases[] = {
	{ "v4.example.com", 0, 1 },
	{ "v6.example.com", 0, 1 },
	{ "gone.example.com", 1, 1 },		/* NXDOMAIN */
	{ "txtonly.example.com", 1, 1 },	/* NODATA for both */
	{ "broken.example.com", 0, 0 },		/* temporary: no fact */
};

static void
test_resolve(void **state)
{
	struct dns_options opts = { NULL, 1000, 1, 100, 3600, 600 };
	struct helo_outcome o;
	dns_resolver *res;
	helo_lookup *l;
	dns_mem *m;
	ipaddr ip;
	size_t i;
	str err;

	str_init(&err);
	m = dns_mem_create();
	assert_int_equal(dns_mem_add(m, "v4.example.com", DNS_T_A, "192.0.2.1",
	    &err), 0);
	assert_int_equal(dns_mem_add(m, "v6.example.com", DNS_T_AAAA,
	    "2001:db8::1", &err), 0);
	assert_int_equal(dns_mem_add(m, "txtonly.example.com", DNS_T_TXT,
	    "hello", &err), 0);
	dns_mem_set_fault(m, "broken.example.com", 0, DNS_TEMPFAIL);
	res = dns_resolver_create_mem(m, &opts);
	assert_int_equal(ipaddr_parse("192.0.2.1", &ip), 0);
	for (i = 0; i < sizeof(resolve_cases) / sizeof(resolve_cases[0]);
	    i++) {
		const struct resolve_case *c = &resolve_cases[i];

		helo_classify(c->helo, &ip, NULL, &o);
		assert_non_null(l = helo_resolve_start(res, &o));
		helo_resolve_finish(l, deadline_in(1000), &o);
		if (!!(o.facts & F(UNRESOLVABLE)) != c->unresolvable ||
		    o.resolved != c->resolved)
			fail_msg("%s: facts %x resolved %d", c->helo, o.facts,
			    o.resolved);
		helo_outcome_clear(&o);
	}
	/* literals and junk are not looked up */
	helo_classify("[192.0.2.1]", &ip, NULL, &o);
	assert_null(helo_resolve_start(res, &o));
	helo_outcome_clear(&o);
	helo_classify("localhost", &ip, NULL, &o);
	assert_null(helo_resolve_start(res, &o));
	helo_outcome_clear(&o);
	/* a started lookup can be dropped */
	helo_classify("v4.example.com", &ip, NULL, &o);
	helo_resolve_cancel(helo_resolve_start(res, &o));
	helo_outcome_clear(&o);
	helo_resolve_finish(NULL, 0, &o);
	dns_resolver_unref(res);
	dns_mem_free(m);
	str_free(&err);
}

static void
test_describe(void **state)
{
	str s;

	str_init(&s);
	helo_describe(HELOF_WRONG_LITERAL, "[192.0.2.9]", "192.0.2.1", &s);
	assert_string_equal(str_cstr(&s), "The HELO name \"[192.0.2.9]\" is "
	    "an address literal that is not this client's address "
	    "(192.0.2.1).");
	str_reset(&s);
	helo_describe(HELOF_OWN_NAME, "mx.rcpt.example\r\n", "x", &s);
	assert_non_null(strstr(str_cstr(&s), "\"mx.rcpt.example??\" is a "
	    "name of this server"));
	str_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
