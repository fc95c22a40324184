/*
 * test_spf - the SPF module (libspf2 on our resolver) against in-memory
 * zones: every result, both identities, the null sender, the libspf2
 * traps (invalid result, mapped IPv6), DNS failures and the deadline;
 * the term that decided and the exp= explanation; hostile records (NUL
 * bytes, long strings, huge TXT sets, loops, macro and lookup bombs),
 * each of which must end in a defined result within a bounded number
 * of DNS lookups.
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
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "mail/smtp_addr.h"
#include "spf/spf.h"
#include "spf/spf_eval.h"
#include "spf/spf_record.h"

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
	{ "exp.example", DNS_T_TXT,
	    "v=spf1 ip4:192.0.2.0/24 -all exp=why.exp.example" },
	{ "why.exp.example", DNS_T_TXT,
	    "%{i} may not send for %{d} (sender %{S})" },
	{ "deny.example", DNS_T_TXT,
	    "v=spf1 -ip4:198.51.100.0/24 include:pass.example ~all" },
	{ "redirfail.example", DNS_T_TXT, "v=spf1 ?a redirect=pass.example" },
	{ "lo.example", DNS_T_TXT, "v=spf1 ip4:127.0.0.1 -all" },
	{ "lo6.example", DNS_T_TXT, "v=spf1 ip6:::1 -all" },
	{ "lorun.example", DNS_T_TXT, "v=spf1 ip6:::1 ip4:127.0.0.0/8 ~all" },
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
	    "<u@incnone.example>", SPFR_PERMERROR, "incnone.example",
	    "include:nothing.example in the record of incnone.example: "
	    "nothing.example has no SPF record", NULL },
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
	/* loopback clients: libspf2 alone passes them without a look */
	{ "loopback fails like anyone", "127.0.0.1", "mail.example",
	    "<u@pass.example>", SPFR_FAIL, "pass.example", NULL, NULL },
	{ "loopback ::1 fails like anyone", "::1", "mail.example",
	    "<u@pass.example>", SPFR_FAIL, "pass.example", NULL, NULL },
	{ "loopback HELO without SPF", "127.0.0.1", "none.example", NULL,
	    SPFR_NONE, "none.example", NULL, NULL },
	{ "loopback listed", "127.0.0.1", "mail.example", "<u@lo.example>",
	    SPFR_PASS, "lo.example", NULL, NULL },
	{ "loopback not listed", "127.0.0.2", "mail.example", "<u@lo.example>",
	    SPFR_FAIL, "lo.example", NULL, NULL },
	{ "::1 listed", "::1", "mail.example", "<u@lo6.example>", SPFR_PASS,
	    "lo6.example", NULL, NULL },
	{ "loopback in a run", "127.0.0.9", "mail.example", "<u@lorun.example>",
	    SPFR_PASS, "lorun.example", NULL, NULL },
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
		/* the names we feed libspf2 never leak into what we say */
		if ((o.reason != NULL && strstr(o.reason, ".invalid")) ||
		    (o.record != NULL && strstr(o.record, ".invalid")) ||
		    (o.decider != NULL && strstr(o.decider, ".invalid")))
			fail_msg("%s: a synthetic name leaked: %s / %s", c->name,
			    o.reason ? o.reason : "-", o.decider ? o.decider : "-");
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

struct decider_case {
	const char	*ip;
	const char	*sender;
	enum spf_result	 want;
	const char	*decider;	/* NULL: none known */
	const char	*decider_domain;
	const char	*explanation;	/* NULL: none */
};

static const struct decider_case decider_cases[] = {
	{ "198.51.100.1", "<u@pass.example>", SPFR_FAIL, "-all",
	    "pass.example", NULL },
	{ "192.0.2.1", "<u@pass.example>", SPFR_PASS, "ip4:192.0.2.0/24",
	    "pass.example", NULL },
	{ "192.0.2.1", "<u@inc.example>", SPFR_PASS, "include:pass.example",
	    "inc.example", NULL },
	{ "198.51.100.1", "<u@redir.example>", SPFR_FAIL, "-all",
	    "pass.example", NULL },
	{ "198.51.100.1", "<u@redirfail.example>", SPFR_FAIL, "-all",
	    "pass.example", NULL },
	{ "198.51.100.9", "<u@deny.example>", SPFR_FAIL,
	    "-ip4:198.51.100.0/24", "deny.example", NULL },
	{ "203.0.113.9", "<u@deny.example>", SPFR_SOFTFAIL, "~all",
	    "deny.example", NULL },
	{ "192.0.2.7", "<u@exists.example>", SPFR_PASS,
	    "exists:%{i}.allow.example", "exists.example", NULL },
	/* exp= with macros, expanded by us (RFC 7208 6.2) */
	{ "198.51.100.1", "<Joe@exp.example>", SPFR_FAIL, "-all",
	    "exp.example", "198.51.100.1 may not send for exp.example "
	    "(sender Joe%40exp.example)" },
	/* a neutral by default has no term to name */
	{ "198.51.100.1", "<u@none.example>", SPFR_NONE, NULL, NULL, NULL },
};

static void
test_decider_and_explanation(void **state)
{
	struct spf_outcome o;
	struct spf_case c;
	size_t i;

	for (i = 0; i < sizeof(decider_cases) / sizeof(decider_cases[0]);
	    i++) {
		const struct decider_case *d = &decider_cases[i];

		memset(&c, 0, sizeof(c));
		c.name = d->sender;
		c.ip = d->ip;
		c.helo = "mail.example";
		c.sender = d->sender;
		run(&c, deadline_in(5000), &o);
		if (o.result != d->want)
			fail_msg("%s from %s: %s, want %s", d->sender, d->ip,
			    spf_result_name(o.result), spf_result_name(d->want));
		if ((d->decider == NULL) != (o.decider == NULL) ||
		    (d->decider != NULL && (strcmp(o.decider, d->decider) != 0 ||
		    strcmp(o.decider_domain, d->decider_domain) != 0)))
			fail_msg("%s from %s: decider %s in %s, want %s in %s",
			    d->sender, d->ip, o.decider ? o.decider : "-",
			    o.decider_domain ? o.decider_domain : "-",
			    d->decider ? d->decider : "-",
			    d->decider_domain ? d->decider_domain : "-");
		if ((d->explanation == NULL) != (o.explanation == NULL) ||
		    (d->explanation != NULL &&
		    strcmp(o.explanation, d->explanation) != 0))
			fail_msg("%s: explanation \"%s\", want \"%s\"",
			    d->sender, o.explanation ? o.explanation : "-",
			    d->explanation ? d->explanation : "-");
		spf_outcome_clear(&o);
	}
}

/* hostile zone data: each case gets a fresh zone so answers and cache do
 * not mix; the zone is built by a function because some records hold
 * bytes a C string cannot */
struct hostile_case {
	const char	*name;
	void		(*zone)(dns_mem *);
	const char	*ip;
	enum spf_result	 want;
	const char	*reason_has;
	unsigned	 max_lookups;	/* bound on DNS queries reaching the
					 * zone: "quickly" without a clock;
					 * plus the lookups a record's terms
					 * name, started ahead as it is read
					 * (at most 10, RFC 7208 4.6.4) */
};

static void
z_nul_in_record(dns_mem *m)
{
	static const char rec[] = "v=spf1 ip4:192.0.2.1\0 -all";

	dns_mem_add_txt(m, "h.example", DNS_T_TXT, rec, sizeof(rec) - 1);
}

static void
z_nul_in_other_txt(dns_mem *m)
{
	static const char junk[] = "verify=\0\x01\xff";
	str err;

	str_init(&err);
	dns_mem_add_txt(m, "h.example", DNS_T_TXT, junk, sizeof(junk) - 1);
	dns_mem_add(m, "h.example", DNS_T_TXT, "v=spf1 ip4:192.0.2.1 -all",
	    &err);
	str_free(&err);
}

static void
z_binary_record(dns_mem *m)
{
	static const char rec[] = "v=spf1 \xff\xfe\x80 -all";

	dns_mem_add_txt(m, "h.example", DNS_T_TXT, rec, sizeof(rec) - 1);
}

/* a valid record of 'bytes' characters whose last ip4 term matches */
static void
z_long_record(dns_mem *m, size_t bytes)
{
	str r;
	unsigned i;

	str_init(&r);
	str_append(&r, "v=spf1");
	for (i = 0; r.len + 40 < bytes; i++)
		str_appendf(&r, " ip4:10.%u.%u.0/24", (i / 256) % 256, i % 256);
	str_append(&r, " ip4:192.0.2.1 -all");
	dns_mem_add_txt(m, "h.example", DNS_T_TXT, r.buf, r.len);
	str_free(&r);
}

static void
z_record_300(dns_mem *m)
{
	z_long_record(m, 300);
}

static void
z_record_10k(dns_mem *m)
{
	z_long_record(m, 10000);
}

static void
z_txt_set_10k(dns_mem *m)
{
	char junk[251];
	str err;
	int i;

	/* forty 250-byte strings that are not SPF, and the record */
	str_init(&err);
	for (i = 0; i < 40; i++) {
		memset(junk, 'a' + i % 26, 250);
		junk[250] = '\0';
		dns_mem_add(m, "h.example", DNS_T_TXT, junk, &err);
	}
	dns_mem_add(m, "h.example", DNS_T_TXT, "v=spf1 ip4:192.0.2.1 -all",
	    &err);
	str_free(&err);
}

static void
z_include_loop(dns_mem *m)
{
	str err;

	str_init(&err);
	dns_mem_add(m, "h.example", DNS_T_TXT, "v=spf1 include:l.example "
	    "-all", &err);
	dns_mem_add(m, "l.example", DNS_T_TXT, "v=spf1 include:h.example "
	    "-all", &err);
	str_free(&err);
}

static void
z_redirect_self(dns_mem *m)
{
	str err;

	str_init(&err);
	dns_mem_add(m, "h.example", DNS_T_TXT, "v=spf1 redirect=h.example",
	    &err);
	str_free(&err);
}

static void
z_macro_bomb(dns_mem *m)
{
	str r, err;
	int i;

	/* 50 copies of every sender macro in one exists: the name is cut
	 * to 253 characters from the left (RFC 7208 7.3), one query */
	str_init(&r);
	str_init(&err);
	str_append(&r, "v=spf1 exists:");
	for (i = 0; i < 50; i++)
		str_append(&r, "%{l}.%{o}.%{i}.%{h}.%{ir}.");
	str_append(&r, "%{d} -all");
	dns_mem_add(m, "h.example", DNS_T_TXT, r.buf, &err);
	str_free(&r);
	str_free(&err);
}

static void
z_many_mx(dns_mem *m)
{
	char host[64];
	str err;
	unsigned i;

	str_init(&err);
	dns_mem_add(m, "h.example", DNS_T_TXT, "v=spf1 mx -all", &err);
	for (i = 0; i < 50; i++) {
		snprintf(host, sizeof(host), "mx%u.h.example", i);
		dns_mem_add_mx(m, "h.example", i, host);
	}
	str_free(&err);
}

static void
z_many_ptr(dns_mem *m)
{
	char host[64];
	str err;
	unsigned i;

	/* the client has 100 PTR names: only the first 10 are looked at */
	str_init(&err);
	dns_mem_add(m, "h.example", DNS_T_TXT, "v=spf1 ptr -all", &err);
	for (i = 0; i < 100; i++) {
		snprintf(host, sizeof(host), "p%u.elsewhere.example", i);
		dns_mem_add(m, "1.2.0.192.in-addr.arpa", DNS_T_PTR, host, &err);
		dns_mem_add(m, host, DNS_T_A, "192.0.2.1", &err);
	}
	str_free(&err);
}

static void
z_void_bomb(dns_mem *m)
{
	str r, err;
	int i;

	str_init(&r);
	str_init(&err);
	str_append(&r, "v=spf1");
	for (i = 0; i < 9; i++)
		str_appendf(&r, " a:n%d.nowhere.example", i);
	str_append(&r, " -all");
	dns_mem_add(m, "h.example", DNS_T_TXT, r.buf, &err);
	str_free(&r);
	str_free(&err);
}

static void
z_many_terms(dns_mem *m)
{
	str r, err;
	int i;

	/* 5000 "a" terms: the 11th is over the limit */
	str_init(&r);
	str_init(&err);
	str_append(&r, "v=spf1");
	for (i = 0; i < 5000; i++)
		str_append(&r, " a");
	dns_mem_add(m, "h.example", DNS_T_TXT, r.buf, &err);
	dns_mem_add(m, "h.example", DNS_T_A, "198.51.100.200", &err);
	str_free(&r);
	str_free(&err);
}

static void
z_include_chain(dns_mem *m)
{
	char name[64], rec[128];
	str err;
	int i;

	/* h -> c0 -> c1 -> ... -> c11: twelve includes, over the limit */
	str_init(&err);
	dns_mem_add(m, "h.example", DNS_T_TXT, "v=spf1 include:c0.example "
	    "-all", &err);
	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "c%d.example", i);
		snprintf(rec, sizeof(rec), "v=spf1 include:c%d.example -all",
		    i + 1);
		dns_mem_add(m, name, DNS_T_TXT, rec, &err);
	}
	dns_mem_add(m, "c12.example", DNS_T_TXT, "v=spf1 +all", &err);
	str_free(&err);
}

static void
z_exp_bomb(dns_mem *m)
{
	str r, err;
	int i;

	/* an explanation that would expand to megabytes */
	str_init(&r);
	str_init(&err);
	dns_mem_add(m, "h.example", DNS_T_TXT, "v=spf1 -all exp=e.h.example",
	    &err);
	for (i = 0; i < 2000; i++)
		str_append(&r, "%{s}%{l}%{o}%{d}%{i}%{h}");
	dns_mem_add(m, "e.h.example", DNS_T_TXT, r.buf, &err);
	str_free(&r);
	str_free(&err);
}

static void
z_huge_label(dns_mem *m)
{
	str r, err;

	/* a domain-spec far beyond DNS limits */
	str_init(&r);
	str_init(&err);
	str_append(&r, "v=spf1 a:");
	while (r.len < 600)
		str_append(&r, "x");
	str_append(&r, ".example -all");
	dns_mem_add(m, "h.example", DNS_T_TXT, r.buf, &err);
	str_free(&r);
	str_free(&err);
}

static void
z_alternating(dns_mem *m)
{
	str r;
	int i;

	/* 400 ip6 terms whose qualifiers alternate (too many for libspf2,
	 * which keeps only the first 26 ip6 terms of a record): served as
	 * one synthetic name per qualifier; 192.0.2.1 is the last ip4 term,
	 * with ~ */
	str_init(&r);
	str_append(&r, "v=spf1");
	for (i = 0; i < 400; i++)
		str_appendf(&r, " %sip6:2001:db8:%x::/48", i % 2 ? "-" : "?", i);
	str_append(&r, " -ip4:10.0.0.0/8 ~ip4:192.0.2.1 redirect=r.example");
	dns_mem_add_txt(m, "h.example", DNS_T_TXT, r.buf, r.len);
	dns_mem_add_txt(m, "r.example", DNS_T_TXT, "v=spf1 +all", 11);
	str_free(&r);
}

static void
z_chunked(dns_mem *m)
{
	char host[64];
	str r, err;
	int i;

	/* nine a terms, each followed by ip6 terms with all four
	 * qualifiers: too much for libspf2 in one record even after
	 * merging, so it is served in chunks; the last term decides */
	str_init(&r);
	str_init(&err);
	str_append(&r, "v=spf1");
	for (i = 0; i < 9; i++) {
		snprintf(host, sizeof(host), "n%d.h.example", i);
		str_appendf(&r, " a:%s +ip6:2001:db8:%x:4::/64 -ip6:2001:db8:%x:1::"
		    "/64 ~ip6:2001:db8:%x:2::/64 ?ip6:2001:db8:%x:3::/64", host,
		    i, i, i, i);
		dns_mem_add(m, host, DNS_T_A, "198.51.100.1", &err);
		dns_mem_add(m, host, DNS_T_AAAA, "2001:db8:ffff::1", &err);
	}
	str_append(&r, " ~ip4:192.0.2.1 -all");
	dns_mem_add_txt(m, "h.example", DNS_T_TXT, r.buf, r.len);
	str_free(&r);
	str_free(&err);
}

static const struct hostile_case hostile[] = {
	{ "NUL byte in the record", z_nul_in_record, "192.0.2.1",
	    SPFR_PERMERROR, "invalid", 2 },
	{ "NUL bytes in another TXT", z_nul_in_other_txt, "192.0.2.1",
	    SPFR_PASS, NULL, 2 },
	{ "8-bit bytes in the record", z_binary_record, "192.0.2.1",
	    SPFR_PERMERROR, "invalid", 2 },
	{ "record of 300 bytes", z_record_300, "192.0.2.1", SPFR_PASS, NULL,
	    2 },
	{ "record of 10000 bytes", z_record_10k, "192.0.2.1", SPFR_PASS,
	    NULL, 2 },
	{ "10k TXT set, one SPF", z_txt_set_10k, "192.0.2.1", SPFR_PASS, NULL,
	    2 },
	{ "include loop", z_include_loop, "192.0.2.1", SPFR_PERMERROR,
	    "more than 10", 15 },
	{ "redirect to itself", z_redirect_self, "192.0.2.1", SPFR_PERMERROR,
	    "more than 10", 15 },
	{ "macro bomb", z_macro_bomb, "192.0.2.1", SPFR_FAIL, NULL, 3 },
	{ "50 MX names", z_many_mx, "192.0.2.1", SPFR_PERMERROR, "MX", 3 },
	{ "100 PTR names", z_many_ptr, "192.0.2.1", SPFR_FAIL, NULL, 14 },
	{ "void lookup bomb", z_void_bomb, "192.0.2.1", SPFR_PERMERROR,
	    "void lookup", 6 },
	{ "5000 a terms", z_many_terms, "192.0.2.1", SPFR_PERMERROR,
	    "more than 10", 15 },
	{ "include chain of 12", z_include_chain, "192.0.2.1",
	    SPFR_PERMERROR, "more than 10", 15 },
	{ "explanation bomb", z_exp_bomb, "192.0.2.1", SPFR_FAIL, NULL, 4 },
	/* a name no DNS query can carry matches nothing (RFC 7208 4.3, 5;
	 * the suite accepts fail or permerror here) */
	{ "600-character domain", z_huge_label, "192.0.2.1", SPFR_FAIL,
	    NULL, 2 },
	{ "alternating qualifiers, 400 terms", z_alternating, "192.0.2.1",
	    SPFR_SOFTFAIL, NULL, 2 },
	{ "alternating qualifiers, 400 terms, no match", z_alternating,
	    "203.0.113.1", SPFR_PASS, NULL, 2 },
	{ "alternating qualifiers, 400 terms, ip6 match", z_alternating,
	    "2001:db8:7::1", SPFR_FAIL, NULL, 1 },
	{ "record served in chunks", z_chunked, "192.0.2.1", SPFR_SOFTFAIL,
	    NULL, 10 },
	{ "record served in chunks, early match", z_chunked, "2001:db8:3:2::9",
	    SPFR_SOFTFAIL, NULL, 10 },
	{ "record served in chunks, no match", z_chunked, "203.0.113.1",
	    SPFR_FAIL, NULL, 10 },
};

static void
test_hostile_records(void **state)
{
	static const struct dns_options opts = { NULL, 1000, 1, 1000, 86400,
	    3600 };
	struct smtp_addr from;
	struct spf_outcome o;
	dns_resolver *r;
	dns_mem *m;
	ipaddr ip;
	size_t i;

	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		const struct hostile_case *c = &hostile[i];

		m = dns_mem_create();
		c->zone(m);
		r = dns_resolver_create_mem(m, &opts);
		assert_int_equal(ipaddr_parse(c->ip, &ip), 0);
		smtp_addr_parse("<someone@h.example>", &from);
		memset(&o, 0, sizeof(o));
		spf_check_mailfrom(engine, r, &ip, "helo.example", &from,
		    deadline_in(5000), 0, &o);
		if (!o.checked || o.result != c->want)
			fail_msg("%s: %s (%s), want %s", c->name,
			    spf_result_name(o.result), o.reason ? o.reason : "-",
			    spf_result_name(c->want));
		if (c->reason_has != NULL && (o.reason == NULL ||
		    strstr(o.reason, c->reason_has) == NULL))
			fail_msg("%s: reason \"%s\" lacks \"%s\"", c->name,
			    o.reason ? o.reason : "-", c->reason_has);
		if (o.prefetched > 10)	/* RFC 7208 4.6.4 */
			fail_msg("%s: %u lookups started ahead, at most 10",
			    c->name, o.prefetched);
		/* every case checks h.example on one engine: the hint the
		 * case before left is a stale one, as after a record changed,
		 * and costs at most its own bound more */
		if (o.hinted > SPF_HINT_MAX)
			fail_msg("%s: %u lookups hinted, at most %d", c->name,
			    o.hinted, SPF_HINT_MAX);
		if (dns_mem_lookups(m) > c->max_lookups + o.prefetched +
		    o.hinted)
			fail_msg("%s: %lu DNS lookups, at most %u + %u ahead "
			    "+ %u hinted expected", c->name, dns_mem_lookups(m),
			    c->max_lookups, o.prefetched, o.hinted);
		if (o.explanation != NULL)
			assert_true(strlen(o.explanation) <= 1024);
		spf_outcome_clear(&o);
		smtp_addr_clear(&from);
		dns_resolver_unref(r);
		dns_mem_free(m);
	}
}

/* hint_zone - a chain two includes deep with a, mx and a macro exists
 * at its end; top: the domain's own record, fault: its TXT fails */
static dns_mem *
hint_zone(const char *top, int fault)
{
	static const struct { const char *name; int type; const char *data; }
	    z[] = {
		{ "l1.hint.example", DNS_T_TXT,
		    "v=spf1 include:l2.hint.example -all" },
		{ "l2.hint.example", DNS_T_TXT, "v=spf1 a:host.hint.example "
		    "mx:mx.hint.example exists:%{i}._ip.hint.example -all" },
		{ "host.hint.example", DNS_T_A, "192.0.2.9" },
		{ "mx1.hint.example", DNS_T_A, "192.0.2.8" },
	};
	dns_mem *m;
	str err;
	size_t i;

	str_init(&err);
	m = dns_mem_create();
	dns_mem_add_txt(m, "hint.example", DNS_T_TXT, top, strlen(top));
	for (i = 0; i < sizeof(z) / sizeof(z[0]); i++) {
		if (z[i].type == DNS_T_TXT)
			dns_mem_add_txt(m, z[i].name, DNS_T_TXT, z[i].data,
			    strlen(z[i].data));
		else
			assert_int_equal(dns_mem_add(m, z[i].name, z[i].type,
			    z[i].data, &err), 0);
	}
	dns_mem_add_mx(m, "mx.hint.example", 10, "mx1.hint.example");
	if (fault)
		dns_mem_set_fault(m, "hint.example", DNS_T_TXT, DNS_TEMPFAIL);
	str_free(&err);
	return m;
}

/* hint_run_from - check hint.example from this client with no DNS
 * cache, so that the zone counts every query: the result, the lookups
 * that reached the zone, and how many were hinted */
static enum spf_result
hint_run_from(spf_engine *eng, dns_mem *m, const char *client,
    unsigned long *lookups, unsigned *hinted)
{
	static const struct dns_options no_cache = { NULL, 1000, 1, 0, 0, 0 };
	struct spf_outcome o;
	struct smtp_addr from;
	dns_resolver *r;
	enum spf_result result;
	unsigned long before;
	ipaddr ip;

	r = dns_resolver_create_mem(m, &no_cache);
	assert_int_equal(ipaddr_parse(client, &ip), 0);
	smtp_addr_parse("<someone@hint.example>", &from);
	memset(&o, 0, sizeof(o));
	before = dns_mem_lookups(m);
	assert_int_equal(spf_check_mailfrom(eng, r, &ip, "helo.example", &from,
	    deadline_in(5000), 0, &o), 0);
	result = o.result;
	*hinted = o.hinted;
	spf_outcome_clear(&o);
	smtp_addr_clear(&from);
	dns_resolver_unref(r);	/* waits for every held lookup */
	*lookups = dns_mem_lookups(m) - before;
	return result;
}

/* hint_run - the same from 192.0.2.1, which nothing matches */
static enum spf_result
hint_run(spf_engine *eng, dns_mem *m, unsigned long *lookups,
    unsigned *hinted)
{
	return hint_run_from(eng, m, "192.0.2.1", lookups, hinted);
}

/* a domain's include chain seen before starts whole with its record: the
 * lookups named by the records alone (l1, l2, host A, mx MX, mx1 A; not
 * the exists with a macro), shown by a top record that fails, where
 * nothing could have named them; a temperror keeps the hint, and so does
 * a walk a matching term stopped early; each address family has its
 * own; a changed record gives its own result and replaces the hint */
static void
test_chain_hint(void **state)
{
	static const char *chain = "v=spf1 include:l1.hint.example -all";
	spf_engine *eng;
	unsigned long lookups;
	unsigned hinted;
	dns_mem *m;

	(void)state;
	eng = spf_engine_create("mx.test.example");
	m = hint_zone(chain, 0);
	/* first seen: one lookup after another, the exists too */
	assert_int_equal(hint_run(eng, m, &lookups, &hinted), SPFR_FAIL);
	assert_int_equal(hinted, 0);
	assert_int_equal(lookups, 7);
	dns_mem_free(m);

	/* the record cannot be had: the five hinted lookups went out anyway */
	m = hint_zone(chain, 1);
	assert_int_equal(hint_run(eng, m, &lookups, &hinted), SPFR_TEMPERROR);
	assert_int_equal(hinted, 5);
	assert_int_equal(lookups, 1 + 5);
	dns_mem_free(m);

	/* the hint outlived the temperror; the same walk, no lookup twice */
	m = hint_zone(chain, 0);
	assert_int_equal(hint_run(eng, m, &lookups, &hinted), SPFR_FAIL);
	assert_int_equal(hinted, 5);
	assert_int_equal(lookups, 7);

	/* a client that matches early (a:host in l2) stops the walk before
	 * mx: the lookups further on stay in the hint for the others */
	assert_int_equal(hint_run_from(eng, m, "192.0.2.9", &lookups,
	    &hinted), SPFR_PASS);
	assert_int_equal(hint_run(eng, m, &lookups, &hinted), SPFR_FAIL);
	assert_int_equal(hinted, 5);
	assert_int_equal(lookups, 7);
	/* an IPv6 client has a hint of its own: its a and mx ask AAAA */
	assert_int_equal(hint_run_from(eng, m, "2001:db8::1", &lookups,
	    &hinted), SPFR_FAIL);
	assert_int_equal(hinted, 0);
	dns_mem_free(m);

	/* the record changed: its own result; the stale hint costs its five
	 * lookups once, then is gone */
	m = hint_zone("v=spf1 ip4:192.0.2.1 -all", 0);
	assert_int_equal(hint_run(eng, m, &lookups, &hinted), SPFR_PASS);
	assert_int_equal(hinted, 5);
	assert_int_equal(lookups, 1 + 5);
	assert_int_equal(hint_run(eng, m, &lookups, &hinted), SPFR_PASS);
	assert_int_equal(hinted, 0);
	assert_int_equal(lookups, 1);
	dns_mem_free(m);
	spf_engine_free(eng);
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

/* a NUL inside %{...} is no macro letter or delimiter: strchr() finds
 * the end of its set for it, and exp= text was cut short there */
static void
test_macro_nul(void **state)
{
	static const struct { const char *s; size_t n; int explain, ok; } t[] = {
		{ "%{l}.example", 12, 0, 1 },
		{ "%{\0}.example", 12, 0, 0 },
		{ "%{l\0}x", 6, 0, 0 },
		{ "%{d2.\0}", 7, 0, 0 },
		{ "you %{i} %{c}", 13, 1, 1 },
		{ "you %{\0}", 8, 1, 0 },
		{ "a\0b", 3, 1, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (spf_record_macro_valid(t[i].s, t[i].n, t[i].explain) !=
		    t[i].ok)
			fail_msg("case %zu: want %s", i, t[i].ok ? "valid" :
			    "invalid");
	/* and a record term with one is refused */
	{
		struct spf_record rec;
		str err;

		str_init(&err);
		assert_int_equal(spf_record_parse("v=spf1 exists:%{\0}.x -all",
		    25, &rec, &err), -1);
		str_free(&err);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_identities),
		cmocka_unit_test(test_deadline_passed_is_temperror),
		cmocka_unit_test(test_decider_and_explanation),
		cmocka_unit_test(test_hostile_records),
		cmocka_unit_test(test_chain_hint),
		cmocka_unit_test(test_result_names),
		cmocka_unit_test(test_macro_nul),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
