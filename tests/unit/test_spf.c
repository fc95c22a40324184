/*
 * test_spf - the SPF module (libspf2 on our resolver) against in-memory
 * zones: every result, both identities, the null sender, the libspf2
 * traps (invalid result, mapped IPv6), DNS failures and the deadline.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "deadline.h"
#include "dns.h"
#include "dns_mem.h"
#include "ipaddr.h"
#include "smtp_addr.h"
#include "spf.h"

static const struct {
	const char	*name;
	int		 type;
	const char	*data;
} zone[] = {
	{ "pass.example", DNS_T_TXT,
	    "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all" },
	{ "soft.example", DNS_T_TXT, "v=spf1 ip4:192.0.2.0/24 ~all" },
	{ "neutral.example", DNS_T_TXT, "v=spf1 ?all" },
	{ "none.example", DNS_T_A, "192.0.2.1" },
	{ "other.example", DNS_T_TXT, "google-site-verification=abc" },
	{ "bad.example", DNS_T_TXT, "v=spf1 ip4:192.0.2.999 -all" },
	{ "two.example", DNS_T_TXT, "v=spf1 ip4:192.0.2.0/24 -all" },
	{ "two.example", DNS_T_TXT, "v=spf1 -all" },
	{ "inc.example", DNS_T_TXT, "v=spf1 include:pass.example -all" },
	{ "incnone.example", DNS_T_TXT, "v=spf1 include:nothing.example -all" },
	{ "inctemp.example", DNS_T_TXT, "v=spf1 include:temp.example -all" },
	{ "a.example", DNS_T_TXT, "v=spf1 a -all" },
	{ "a.example", DNS_T_A, "192.0.2.5" },
	{ "mx.example", DNS_T_TXT, "v=spf1 mx -all" },
	{ "mx.example", DNS_T_MX, "10 mail.mx.example" },
	{ "mail.mx.example", DNS_T_A, "192.0.2.6" },
	{ "redir.example", DNS_T_TXT, "v=spf1 redirect=pass.example" },
	{ "exists.example", DNS_T_TXT, "v=spf1 exists:%{i}.allow.example -all" },
	{ "192.0.2.7.allow.example", DNS_T_A, "127.0.0.2" },
	{ "mail.example", DNS_T_A, "192.0.2.10" },
	{ "mail.example", DNS_T_TXT, "v=spf1 a -all" },
};

struct spf_case {
	const char	*name;
	const char	*ip;
	const char	*helo;
	const char	*sender;	/* NULL: HELO identity */
	enum spf_result	 want;
	const char	*domain;	/* expected domain checked */
	const char	*reason_has;	/* NULL: not checked */
	const char	*record_has;
};

static const struct spf_case cases[] = {
	{ "pass", "192.0.2.44", "mail.example", "<u@pass.example>",
	    SPFR_PASS, "pass.example", NULL, "ip4:192.0.2.0/24" },
	{ "fail", "198.51.100.1", "mail.example", "<u@pass.example>",
	    SPFR_FAIL, "pass.example", NULL, "-all" },
	{ "softfail", "198.51.100.1", "mail.example", "<u@soft.example>",
	    SPFR_SOFTFAIL, "soft.example", NULL, "~all" },
	{ "neutral", "198.51.100.1", "mail.example", "<u@neutral.example>",
	    SPFR_NEUTRAL, "neutral.example", NULL, "?all" },
	{ "none: no TXT", "198.51.100.1", "mail.example", "<u@none.example>",
	    SPFR_NONE, "none.example", NULL, NULL },
	{ "none: no domain", "198.51.100.1", "mail.example",
	    "<u@nothing.example>", SPFR_NONE, "nothing.example", NULL, NULL },
	{ "none: TXT not SPF", "198.51.100.1", "mail.example",
	    "<u@other.example>", SPFR_NONE, "other.example", NULL, NULL },
	{ "permerror: bad ip4", "192.0.2.1", "mail.example",
	    "<u@bad.example>", SPFR_PERMERROR, "bad.example", "", NULL },
	{ "permerror: two records", "192.0.2.1", "mail.example",
	    "<u@two.example>", SPFR_PERMERROR, "two.example", "", NULL },
	{ "include pass", "192.0.2.1", "mail.example", "<u@inc.example>",
	    SPFR_PASS, "inc.example", NULL, "include:pass.example" },
	{ "include fail", "198.51.100.1", "mail.example", "<u@inc.example>",
	    SPFR_FAIL, "inc.example", NULL, NULL },
	{ "include without SPF", "192.0.2.1", "mail.example",
	    "<u@incnone.example>", SPFR_PERMERROR, "incnone.example", "",
	    NULL },
	{ "temperror: record lookup", "192.0.2.1", "mail.example",
	    "<u@temp.example>", SPFR_TEMPERROR, "temp.example", "simulated",
	    NULL },
	{ "temperror: inside include", "192.0.2.1", "mail.example",
	    "<u@inctemp.example>", SPFR_TEMPERROR, "inctemp.example",
	    "simulated", NULL },
	{ "a mechanism", "192.0.2.5", "mail.example", "<u@a.example>",
	    SPFR_PASS, "a.example", NULL, NULL },
	{ "mx mechanism", "192.0.2.6", "mail.example", "<u@mx.example>",
	    SPFR_PASS, "mx.example", NULL, NULL },
	{ "mx mechanism fail", "192.0.2.7", "mail.example", "<u@mx.example>",
	    SPFR_FAIL, "mx.example", NULL, NULL },
	{ "redirect", "192.0.2.9", "mail.example", "<u@redir.example>",
	    SPFR_PASS, "redir.example", NULL, NULL },
	{ "exists with macro", "192.0.2.7", "mail.example",
	    "<u@exists.example>", SPFR_PASS, "exists.example", NULL, NULL },
	{ "exists no match", "192.0.2.8", "mail.example",
	    "<u@exists.example>", SPFR_FAIL, "exists.example", NULL, NULL },
	{ "ip6 pass", "2001:db8::5", "mail.example", "<u@pass.example>",
	    SPFR_PASS, "pass.example", NULL, NULL },
	{ "ip6 fail", "2001:db9::5", "mail.example", "<u@pass.example>",
	    SPFR_FAIL, "pass.example", NULL, NULL },
	{ "IPv4-mapped IPv6 is IPv4", "::ffff:192.0.2.9", "mail.example",
	    "<u@pass.example>", SPFR_PASS, "pass.example", NULL, NULL },
	{ "null sender uses HELO", "192.0.2.10", "mail.example", "<>",
	    SPFR_PASS, "mail.example", NULL, NULL },
	{ "null sender, HELO fails", "198.51.100.1", "mail.example", "<>",
	    SPFR_FAIL, "mail.example", NULL, NULL },
	{ "null sender, HELO literal", "192.0.2.10", "[192.0.2.10]", "<>",
	    SPFR_NONE, "[192.0.2.10]", "not a domain", NULL },
	/* malformed senders: none, an empty (never NULL) domain */
	{ "sender without domain", "192.0.2.10", "mail.example", "<user>",
	    SPFR_NONE, "", "no domain", NULL },
	{ "sender with bad domain", "192.0.2.10", "mail.example",
	    "<user@bad..example>", SPFR_NONE, "", "malformed", NULL },
	{ "unbalanced brackets", "192.0.2.10", "mail.example",
	    "<user@pass.example", SPFR_NONE, "", "unbalanced", NULL },
	{ "single-label domain", "192.0.2.10", "mail.example",
	    "<user@localhost>", SPFR_NONE, "localhost", "fully qualified",
	    NULL },
	{ "source route dropped", "192.0.2.1", "mail.example",
	    "<@relay.example:u@pass.example>", SPFR_PASS, "pass.example", NULL,
	    NULL },
	{ "upper case", "192.0.2.1", "mail.example", "<U@PASS.Example>",
	    SPFR_PASS, "pass.example", NULL, NULL },
	{ "HELO pass", "192.0.2.10", "mail.example", NULL, SPFR_PASS,
	    "mail.example", NULL, "v=spf1 a -all" },
	{ "HELO fail", "198.51.100.1", "mail.example", NULL, SPFR_FAIL,
	    "mail.example", NULL, NULL },
	{ "HELO not FQDN", "198.51.100.1", "localhost", NULL, SPFR_NONE,
	    "localhost", "not a domain", NULL },
	{ "HELO address literal", "198.51.100.1", "[198.51.100.1]", NULL,
	    SPFR_NONE, NULL, "not a domain", NULL },
	{ "HELO bare IP", "198.51.100.1", "198.51.100.1", NULL, SPFR_NONE,
	    NULL, "not a domain", NULL },
	{ "HELO without SPF", "198.51.100.1", "none.example", NULL, SPFR_NONE,
	    "none.example", NULL, NULL },
};

static dns_mem *mem;
static dns_resolver *res;
static spf_engine *engine;

static int
setup(void **state)
{
	static const struct dns_options o = { NULL, 1000, 1, 1000, 86400,
	    3600 };
	str err;
	size_t i;

	str_init(&err);
	mem = dns_mem_create();
	for (i = 0; i < sizeof(zone) / sizeof(zone[0]); i++)
		if (dns_mem_add(mem, zone[i].name, zone[i].type, zone[i].data,
		    &err) != 0)
			return -1;
	dns_mem_set_fault(mem, "temp.example", DNS_T_TXT, DNS_TEMPFAIL);
	res = dns_resolver_create_mem(mem, &o);
	engine = spf_engine_create("mx.test.example");
	str_free(&err);
	return 0;
}

static int
teardown(void **state)
{
	spf_engine_free(engine);
	dns_resolver_unref(res);
	dns_mem_free(mem);
	return 0;
}

/* run - one case */
static void
run(const struct spf_case *c, int64_t deadline, struct spf_outcome *o)
{
	struct smtp_addr from;
	ipaddr ip;

	if (ipaddr_parse(c->ip, &ip) != 0)
		fail_msg("%s: bad test IP %s", c->name, c->ip);
	memset(o, 0, sizeof(*o));
	if (c->sender == NULL) {
		spf_check_helo(engine, res, &ip, c->helo, deadline, 0, o);
		return;
	}
	smtp_addr_parse(c->sender, &from);
	spf_check_mailfrom(engine, res, &ip, c->helo, &from, deadline, 0, o);
	smtp_addr_clear(&from);
}

static void
test_cases(void **state)
{
	struct spf_outcome o;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct spf_case *c = &cases[i];

		run(c, deadline_in(5000), &o);
		if (o.identity == NULL || o.domain == NULL)
			fail_msg("%s: NULL identity or domain", c->name);
		if (!o.checked || o.result != c->want)
			fail_msg("%s: got %s (%s), want %s", c->name,
			    spf_result_name(o.result), o.reason ? o.reason : "-",
			    spf_result_name(c->want));
		if (c->domain != NULL && strcmp(o.domain, c->domain) != 0)
			fail_msg("%s: domain %s, want %s", c->name, o.domain,
			    c->domain);
		if (c->reason_has != NULL && (o.reason == NULL ||
		    strstr(o.reason, c->reason_has) == NULL))
			fail_msg("%s: reason \"%s\" lacks \"%s\"", c->name,
			    o.reason ? o.reason : "(none)", c->reason_has);
		if (c->record_has != NULL && (o.record == NULL ||
		    strstr(o.record, c->record_has) == NULL))
			fail_msg("%s: record \"%s\" lacks \"%s\"", c->name,
			    o.record ? o.record : "(none)", c->record_has);
		spf_outcome_clear(&o);
	}
}

static void
test_identities(void **state)
{
	struct spf_outcome o;

	run(&cases[0], deadline_in(5000), &o);
	assert_string_equal(o.identity, "u@pass.example");
	spf_outcome_clear(&o);
	run(&cases[23], deadline_in(5000), &o);	/* null sender */
	assert_string_equal(o.identity, "postmaster@mail.example");
	spf_outcome_clear(&o);
}

static void
test_deadline_passed_is_temperror(void **state)
{
	static const struct spf_case c = { "late", "192.0.2.1", "mail.example",
	    "<u@late.example>", SPFR_TEMPERROR, NULL, NULL, NULL };
	struct spf_outcome o;

	/* late.example is not cached yet: the lookup meets the deadline */
	run(&c, deadline_now() - 1, &o);
	assert_int_equal(o.result, SPFR_TEMPERROR);
	assert_non_null(strstr(o.reason, "time limit"));
	spf_outcome_clear(&o);
}

static void
test_result_names(void **state)
{
	int r;

	for (r = 0; r < SPFR_COUNT; r++)
		assert_int_equal(spf_result_parse(spf_result_name(r)), r);
	assert_int_equal(spf_result_parse("PASS"), SPFR_PASS);
	assert_int_equal(spf_result_parse("bogus"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_identities),
		cmocka_unit_test(test_deadline_passed_is_temperror),
		cmocka_unit_test(test_result_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
