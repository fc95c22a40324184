/*
 * test_iprev - reverse DNS checked forward, against in-memory zones:
 * pass / fail / temperror / permerror for IPv4 and IPv6 clients; a PTR
 * answer with 100 names (bounded), names longer than DNS allows, CNAME
 * loops, the cache-only path; and the generic-name signal (table).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/deadline.h"
#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "ipcheck/generic_name.h"
#include "ipcheck/iprev.h"

static dns_mem *mem;
static dns_resolver *res;
static generic_rules *rules;

static void
add(const char *name, int type, const char *data)
{
	str err;

	str_init(&err);
	if (dns_mem_add(mem, name, type, data, &err) != 0)
		fail_msg("%s: %s", name, str_cstr(&err));
	str_free(&err);
}

static int
setup(void **state)
{
	struct dns_options opts = { NULL, 1000, 1, 1000, 3600, 600 };
	char name[128], host[300];
	str err;
	int i;

	mem = dns_mem_create();
	/* pass: mail.example.com <-> 192.0.2.10 */
	add("10.2.0.192.in-addr.arpa", DNS_T_PTR, "mail.example.com");
	add("mail.example.com", DNS_T_A, "192.0.2.10");
	/* fail: the name points elsewhere */
	add("11.2.0.192.in-addr.arpa", DNS_T_PTR, "liar.example.com");
	add("liar.example.com", DNS_T_A, "203.0.113.5");
	/* fail: the name does not exist */
	add("12.2.0.192.in-addr.arpa", DNS_T_PTR, "gone.example.com");
	/* permerror: no PTR (192.0.2.13 has nothing), though a name
	 * claims the address */
	add("claims.example.com", DNS_T_A, "192.0.2.13");
	/* temperror: the PTR lookup fails */
	dns_mem_set_fault(mem, "14.2.0.192.in-addr.arpa", 0, DNS_TEMPFAIL);
	/* temperror: the forward lookup fails */
	add("15.2.0.192.in-addr.arpa", DNS_T_PTR, "slow.example.com");
	dns_mem_set_fault(mem, "slow.example.com", 0, DNS_TEMPFAIL);
	/* two names: the second confirms */
	add("16.2.0.192.in-addr.arpa", DNS_T_PTR, "other.example.com");
	add("16.2.0.192.in-addr.arpa", DNS_T_PTR, "mx16.example.com");
	add("other.example.com", DNS_T_A, "203.0.113.6");
	add("mx16.example.com", DNS_T_A, "192.0.2.16");
	/* a generic-looking confirmed name */
	add("17.2.0.192.in-addr.arpa", DNS_T_PTR,
	    "192-0-2-17.dsl.isp.example");
	add("192-0-2-17.dsl.isp.example", DNS_T_A, "192.0.2.17");
	/* 100 PTR names, only the last would confirm: bounded, so fail */
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "h%d.many.example", i);
		add("18.2.0.192.in-addr.arpa", DNS_T_PTR, name);
		add(name, DNS_T_A, i == 99 ? "192.0.2.18" : "203.0.113.18");
	}
	/* a PTR name longer than 253 characters, and a good one */
	memset(host, 'a', sizeof(host));
	for (i = 60; i < 290; i += 61)
		host[i] = '.';
	strcpy(host + 290, ".example");
	dns_mem_add_txt(mem, "x", DNS_T_TXT, "", 0);	/* keep mem busy */
	add("19.2.0.192.in-addr.arpa", DNS_T_PTR, host);
	add("19.2.0.192.in-addr.arpa", DNS_T_PTR, "ok19.example.com");
	add("ok19.example.com", DNS_T_A, "192.0.2.19");
	/* a CNAME loop behind the name */
	add("20.2.0.192.in-addr.arpa", DNS_T_PTR, "loop1.example.com");
	add("loop1.example.com", DNS_T_CNAME, "loop2.example.com");
	add("loop2.example.com", DNS_T_CNAME, "loop1.example.com");
	/* IPv6 */
	add("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2."
	    "ip6.arpa", DNS_T_PTR, "mail6.example.com");
	add("mail6.example.com", DNS_T_AAAA, "2001:db8:1::1");
	add("mail6.example.com", DNS_T_A, "192.0.2.1");
	str_init(&err);
	rules = generic_rules_create(NULL, 0, 1, &err);
	assert_non_null(rules);
	str_free(&err);
	res = dns_resolver_create_mem(mem, &opts);
	return 0;
}

static int
teardown(void **state)
{
	dns_resolver_unref(res);
	dns_mem_free(mem);
	generic_rules_free(rules);
	return 0;
}

struct iprev_case {
	const char		*ip;
	enum iprev_result	 result;
	const char		*name;		/* NULL: none */
	const char		*reason;	/* part of it, NULL: none */
	int			 generic;
};

static const struct iprev_case iprev_cases[] = {
	{ "192.0.2.10", IPREVR_PASS, "mail.example.com", NULL, 0 },
	{ "192.0.2.11", IPREVR_FAIL, "liar.example.com",
	    "liar.example.com does not resolve back to 192.0.2.11", 0 },
	{ "192.0.2.12", IPREVR_FAIL, "gone.example.com",
	    "does not resolve back", 0 },
	{ "192.0.2.13", IPREVR_PERMERROR, NULL,
	    "192.0.2.13 has no PTR record", 0 },
	{ "192.0.2.14", IPREVR_TEMPERROR, NULL, "PTR lookup of 192.0.2.14 "
	    "failed", 0 },
	{ "192.0.2.15", IPREVR_TEMPERROR, "slow.example.com",
	    "could not check whether slow.example.com resolves back to "
	    "192.0.2.15 (slow.example.com: ", 0 },
	{ "192.0.2.16", IPREVR_PASS, "mx16.example.com", NULL, 0 },
	{ "192.0.2.17", IPREVR_PASS, "192-0-2-17.dsl.isp.example", NULL, 1 },
	{ "192.0.2.18", IPREVR_FAIL, "h0.many.example",
	    "none of the 10 PTR names (h0.many.example, ...) resolves back "
	    "to 192.0.2.18; 10 of 100 names checked", 0 },
	{ "192.0.2.19", IPREVR_PASS, "ok19.example.com", NULL, 0 },
	/* a CNAME loop cannot be resolved: like a resolver's SERVFAIL */
	{ "192.0.2.20", IPREVR_TEMPERROR, "loop1.example.com",
	    "(loop1.example.com: CNAME chain too long or looping)", 0 },
	{ "2001:db8:1::1", IPREVR_PASS, "mail6.example.com", NULL, 0 },
	{ "2001:db8:1::2", IPREVR_PERMERROR, NULL, "no PTR record", 0 },
};

static void
test_iprev(void **state)
{
	struct iprev_options opts = { 10, NULL, 0 };
	struct iprev_outcome o;
	unsigned long before;
	ipaddr ip;
	size_t i;

	opts.generic = rules;
	for (i = 0; i < sizeof(iprev_cases) / sizeof(iprev_cases[0]); i++) {
		const struct iprev_case *c = &iprev_cases[i];

		assert_int_equal(ipaddr_parse(c->ip, &ip), 0);
		before = dns_mem_lookups(mem);
		assert_int_equal(iprev_check(&opts, res, &ip, NULL,
		    deadline_in(2000), 0, &o), 0);
		assert_true(o.checked);
		if (o.result != c->result)
			fail_msg("%s: %s (%s), want %s", c->ip,
			    iprev_result_name(o.result), o.reason ? o.reason :
			    "", iprev_result_name(c->result));
		if ((o.name == NULL) != (c->name == NULL) || (o.name != NULL &&
		    strcmp(o.name, c->name) != 0))
			fail_msg("%s: name %s, want %s", c->ip,
			    o.name ? o.name : "none", c->name ? c->name : "none");
		if (c->reason == NULL ? o.reason != NULL : (o.reason == NULL ||
		    strstr(o.reason, c->reason) == NULL))
			fail_msg("%s: reason \"%s\", want \"%s\"", c->ip,
			    o.reason ? o.reason : "", c->reason ? c->reason :
			    "(none)");
		if (o.generic != c->generic)
			fail_msg("%s: generic %d (%s)", c->ip, o.generic,
			    o.generic_why ? o.generic_why : "");
		/* bounded: one PTR plus at most max_names forward lookups
		 * (CNAME chains are followed inside one lookup) */
		assert_true(dns_mem_lookups(mem) - before <= 11);
		iprev_outcome_clear(&o);

		/* the same again from the cache only: same answer, no I/O */
		before = dns_mem_lookups(mem);
		/* failures are not cached: those go to the network again */
		if (iprev_check(&opts, res, &ip, NULL, deadline_in(2000),
		    IPREV_CACHE_ONLY, &o) != (c->result == IPREVR_TEMPERROR ?
		    -1 : 0))
			fail_msg("%s: cache-only check", c->ip);
		if (o.checked)
			assert_int_equal(o.result, c->result);
		assert_int_equal(dns_mem_lookups(mem), before);
		iprev_outcome_clear(&o);
	}
	/* the overlong PTR name was in the answer, and skipped */
	assert_int_equal(ipaddr_parse("192.0.2.19", &ip), 0);
	assert_int_equal(iprev_check(&opts, res, &ip, NULL, deadline_in(2000),
	    0, &o), 0);
	assert_int_equal(o.nptr, 2);
	assert_int_equal(o.tried, 1);
	iprev_outcome_clear(&o);
	/* cache only, nothing cached: -1 and a clean outcome */
	assert_int_equal(ipaddr_parse("192.0.2.99", &ip), 0);
	assert_int_equal(iprev_check(&opts, res, &ip, NULL, deadline_in(2000),
	    IPREV_CACHE_ONLY, &o), -1);
	assert_false(o.checked);
	assert_null(o.name);
	assert_string_equal(iprev_result_name(IPREVR_PERMERROR), "permerror");
}

/* the MTA's PTR name: its forward lookup goes out with our PTR lookup
 * (with the cache off the resolver's counters show each query sent, and
 * that the held one is not asked twice); it counts only when our PTR
 * answer lists it, and a name that is no host name is no hint */
static const struct {
	const char		*ip;
	const char		*hint;
	enum iprev_result	 result;
	const char		*name;
	unsigned long		 sent;
} hint_cases[] = {
	{ "192.0.2.10", "mail.example.com", IPREVR_PASS, "mail.example.com",
	    2 },
	{ "192.0.2.10", "MAIL.Example.com.", IPREVR_PASS, "mail.example.com",
	    2 },
	/* not the PTR name: one lookup more, same result */
	{ "192.0.2.10", "other.example.com", IPREVR_PASS, "mail.example.com",
	    3 },
	{ "192.0.2.11", "liar.example.com", IPREVR_FAIL, "liar.example.com",
	    2 },
	{ "192.0.2.16", "mx16.example.com", IPREVR_PASS, "mx16.example.com",
	    3 },
	/* the PTR lookup fails: the name went out anyway, and is no pass */
	{ "192.0.2.14", "mail.example.com", IPREVR_TEMPERROR, NULL, 2 },
	/* no PTR record: a name that claims the address is no pass */
	{ "192.0.2.13", "claims.example.com", IPREVR_PERMERROR, NULL, 2 },
	/* no hint */
	{ "192.0.2.10", "[192.0.2.10]", IPREVR_PASS, "mail.example.com", 2 },
	{ "192.0.2.10", "unknown", IPREVR_PASS, "mail.example.com", 2 },
	{ "192.0.2.10", "bad..name", IPREVR_PASS, "mail.example.com", 2 },
	{ "192.0.2.10", "", IPREVR_PASS, "mail.example.com", 2 },
};

static void
test_hint(void **state)
{
	static const struct dns_options no_cache = { NULL, 1000, 1, 0, 0, 0 };
	struct iprev_options opts = { 10, NULL, 0 };
	struct iprev_outcome o;
	struct dns_stats st;
	dns_resolver *r;
	ipaddr ip;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hint_cases) / sizeof(hint_cases[0]); i++) {
		r = dns_resolver_create_mem(mem, &no_cache);
		assert_int_equal(ipaddr_parse(hint_cases[i].ip, &ip), 0);
		assert_int_equal(iprev_check(&opts, r, &ip, hint_cases[i].hint,
		    deadline_in(2000), 0, &o), 0);
		dns_resolver_stats(r, &st);
		if (o.result != hint_cases[i].result || st.sent !=
		    hint_cases[i].sent)
			fail_msg("%s, hint %s: %s after %lu queries, want %s "
			    "after %lu", hint_cases[i].ip, hint_cases[i].hint,
			    iprev_result_name(o.result), st.sent,
			    iprev_result_name(hint_cases[i].result),
			    hint_cases[i].sent);
		if (hint_cases[i].name != NULL)
			assert_string_equal(o.name, hint_cases[i].name);
		else
			assert_null(o.name);
		/* a hint is never a name taken on trust */
		assert_false(o.by_mta);
		iprev_outcome_clear(&o);
		dns_resolver_unref(r);
	}
	/* from the cache only nothing is started, hint or not */
	r = dns_resolver_create_mem(mem, &no_cache);
	assert_int_equal(ipaddr_parse("192.0.2.10", &ip), 0);
	assert_int_equal(iprev_check(&opts, r, &ip, "mail.example.com",
	    deadline_in(2000), IPREV_CACHE_ONLY, &o), -1);
	dns_resolver_stats(r, &st);
	assert_int_equal(st.sent, 0);
	dns_resolver_unref(r);
}

struct generic_case {
	const char	*name;
	const char	*ip;
	int		 generic;
	const char	*why;
};

static const struct generic_case generic_cases[] = {
	{ "mail.example.com", "192.0.2.25", 0, NULL },
	{ "192-0-2-25.cust.isp.example", "192.0.2.25", 1,
	    "contains the address 192.0.2.25" },
	{ "25.2.0.192.static.isp.example", "192.0.2.25", 1, "contains" },
	{ "ip192.0.2.25.isp.example", "192.0.2.25", 1, "contains" },
	{ "host192000002025.isp.example", "192.0.2.25", 1, "contains" },
	{ "c0000219.isp.example", "192.0.2.25", 1, "contains" },
	{ "C0000219.ISP.example", "192.0.2.25", 1, "contains" },
	/* another address's digits are no evidence */
	{ "192-0-2-26.cust.isp.example", "192.0.2.25", 0, NULL },
	{ "dsl-pool-17.isp.example", "192.0.2.25", 1,
	    "access network" },
	{ "dynamic-17.isp.example", "192.0.2.25", 1, "access network" },
	{ "ppp17.dialup.isp.example", "192.0.2.25", 1, "access network" },
	/* keywords in the registered domain are not host labels */
	{ "mail.customer.example", "192.0.2.25", 0, NULL },
	{ "dsl.example", "192.0.2.25", 0, NULL },
	{ "mx.pool.example", "192.0.2.25", 0, NULL },
	{ "poolside.mail.example.com", "192.0.2.25", 0, NULL },
	{ "2001-db8-0-0-abcd-1234-5678-9abc.isp.example",
	    "2001:db8::abcd:1234:5678:9abc", 1, "contains" },
	{ "mail6.example.com", "2001:db8::abcd:1234:5678:9abc", 0, NULL },
	{ "", "192.0.2.25", 0, NULL },
};

static void
test_generic(void **state)
{
	const char *const mine[] = { "^mta[0-9]+\\.bulk\\.", NULL };
	generic_rules *r;
	ipaddr ip;
	size_t i;
	str why, err;
	int g;

	str_init(&why);
	str_init(&err);
	for (i = 0; i < sizeof(generic_cases) / sizeof(generic_cases[0]);
	    i++) {
		const struct generic_case *c = &generic_cases[i];

		assert_int_equal(ipaddr_parse(c->ip, &ip), 0);
		str_reset(&why);
		g = generic_name_check(rules, c->name, &ip, &why);
		if (g != c->generic || (c->why != NULL &&
		    strstr(str_cstr(&why), c->why) == NULL))
			fail_msg("%s: %d \"%s\", want %d \"%s\"", c->name, g,
			    str_cstr(&why), c->generic, c->why ? c->why : "");
	}
	/* the admin's own patterns replace the built-in ones */
	r = generic_rules_create(mine, 1, 0, &err);
	assert_non_null(r);
	assert_int_equal(ipaddr_parse("192.0.2.25", &ip), 0);
	assert_true(generic_name_check(r, "MTA7.bulk.example.net", &ip, &why));
	assert_non_null(strstr(str_cstr(&why), "matches \"^mta"));
	assert_false(generic_name_check(r, "dsl-pool-17.isp.example", &ip,
	    NULL));
	/* ip_in_name off */
	assert_false(generic_name_check(r, "192-0-2-25.isp.example", &ip,
	    NULL));
	generic_rules_free(r);
	/* a bad pattern is a clear error */
	{
		const char *const bad[] = { "dsl(" };

		assert_null(generic_rules_create(bad, 1, 1, &err));
		assert_non_null(strstr(str_cstr(&err), "pattern \"dsl(\""));
	}
	assert_false(generic_name_check(NULL, "x.example", &ip, NULL));
	str_free(&why);
	str_free(&err);
}

/* the MTA's confirmed name: a pass without a lookup, the generic-name
 * check still made; a name that is no host name is refused */
static void
test_confirmed(void **state)
{
	struct iprev_options o = { .max_names = 10, .trust_mta = 1 };
	struct iprev_outcome out;
	ipaddr ip;

	(void)state;
	o.generic = rules;
	assert_int_equal(ipaddr_parse("192.0.2.25", &ip), 0);
	assert_int_equal(iprev_confirmed(&o, &ip, "Mail.Example.COM.", &out),
	    0);
	assert_int_equal(out.checked, 1);
	assert_int_equal(out.result, IPREVR_PASS);
	assert_int_equal(out.by_mta, 1);
	assert_string_equal(out.name, "mail.example.com");
	assert_int_equal(out.generic, 0);
	iprev_outcome_clear(&out);
	assert_int_equal(iprev_confirmed(&o, &ip,
	    "192-0-2-25.dsl.isp.example", &out), 0);
	assert_int_equal(out.generic, 1);
	assert_non_null(out.generic_why);
	iprev_outcome_clear(&out);
	assert_int_equal(iprev_confirmed(&o, &ip, "bad..name", &out), -1);
	assert_int_equal(out.checked, 0);
	assert_int_equal(iprev_confirmed(&o, &ip, "", &out), -1);
	assert_int_equal(iprev_confirmed(&o, &ip, NULL, &out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iprev),
		cmocka_unit_test(test_hint),
		cmocka_unit_test(test_generic),
		cmocka_unit_test(test_confirmed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
