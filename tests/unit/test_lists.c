/*
 * test_lists - the config lists (netlist: networks, most specific first,
 * from the config and from files; authz: per-domain sender networks;
 * iplist: allow/deny lists; domlist:
 * exempt domains, trusted forwarders) and the exemption rules built on
 * them (exempt.c), table-driven.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/netlist.h"
#include "util/str.h"
#include "mail/domlist.h"
#include "ipcheck/authz.h"
#include "ipcheck/iplist.h"
#include "verdict/exempt.h"
#include "verdict/facts.h"
#include "verdict/policy.h"

struct net_case {
	const char	*list;
	const char	*ip;
	const char	*match;		/* entry that holds ip, NULL: none */
};

static const struct net_case net_cases[] = {
	{ "127.0.0.0/8, ::1", "127.0.0.1", "127.0.0.0/8" },
	{ "127.0.0.0/8, ::1", "127.255.255.254", "127.0.0.0/8" },
	{ "127.0.0.0/8, ::1", "128.0.0.1", NULL },
	{ "127.0.0.0/8, ::1", "::1", "::1/128" },
	{ "127.0.0.0/8, ::1", "::2", NULL },
	/* IPv4-mapped clients are IPv4 clients */
	{ "127.0.0.0/8", "::ffff:127.0.0.9", "127.0.0.0/8" },
	{ "::ffff:10.0.0.0/104", "10.9.8.7", "10.0.0.0/8" },
	{ "192.0.2.7", "192.0.2.7", "192.0.2.7/32" },
	{ "192.0.2.7", "192.0.2.8", NULL },
	{ "0.0.0.0/0", "203.0.113.1", "0.0.0.0/0" },
	{ "0.0.0.0/0", "2001:db8::1", NULL },
	{ "2001:db8::/32 10.0.0.0/8", "2001:db8:ffff::1", "2001:db8::/32" },
	{ "2001:db8::/32,10.0.0.0/8", "2001:db9::1", NULL },
	{ "198.51.100.128/25", "198.51.100.127", NULL },
	{ "198.51.100.128/25", "198.51.100.128", "198.51.100.128/25" },
	{ "", "127.0.0.1", NULL },
	{ " , ,", "127.0.0.1", NULL },
	/* the most specific network wins, whatever the order written */
	{ "10.0.0.0/8 10.1.0.0/16 10.1.2.0/24", "10.1.2.3", "10.1.2.0/24" },
	{ "10.1.2.0/24 10.0.0.0/8 10.1.0.0/16", "10.1.3.3", "10.1.0.0/16" },
	{ "10.1.2.0/24 10.0.0.0/8 10.1.0.0/16", "10.2.0.1", "10.0.0.0/8" },
	{ "10.1.2.0/24, 10.1.2.0/24", "10.1.2.9", "10.1.2.0/24" },
	{ "2001:db8::/32 2001:db8:1::/48 ::/0", "2001:db8:1::5",
	    "2001:db8:1::/48" },
	{ "2001:db8::/32 2001:db8:1::/48 ::/0", "2001:db9::5", "::/0" },
	{ "2001:db8::/31", "2001:db9:ffff::1", "2001:db8::/31" },
	{ "192.0.2.128/25 192.0.2.0/25", "192.0.2.127", "192.0.2.0/25" },
};

struct bad_case {
	const char	*list;
	const char	*error;
};

static const struct bad_case net_bad[] = {
	{ "10.0.0.1/8", "\"10.0.0.1/8\" has address bits set" },
	{ "10.0.0.0/33", "\"10.0.0.0/33\" has a prefix longer than 32 bits" },
	{ "::/129", "prefix longer than 128 bits" },
	{ "10.0.0.0/", "prefix length that is not a number" },
	{ "10.0.0.0/-1", "prefix length that is not a number" },
	{ "10.0.0.0/8x", "prefix length that is not a number" },
	{ "localhost", "\"localhost\" is not an IPv4 or IPv6 address" },
	{ "[::1]", "is not an IPv4 or IPv6 address" },
	{ "127.0.0.0/8 300.1.1.1", "\"300.1.1.1\" is not an IPv4" },
	{ "::ffff:10.0.0.0/90", "IPv4-mapped network shorter than /96" },
	{ "1111111111111111111111111111111111111111111111111111111111111111111"
	    "/128", "too long" },
	{ "10.0.0.0/8\x01", "\"10.0.0.0/8?\"" },
};

static void
test_netlist(void **state)
{
	netlist list;
	ipaddr ip;
	const char *m;
	str err;
	size_t i;

	str_init(&err);
	for (i = 0; i < sizeof(net_cases) / sizeof(net_cases[0]); i++) {
		const struct net_case *c = &net_cases[i];

		if (netlist_parse(c->list, &list, &err) != 0)
			fail_msg("\"%s\": %s", c->list, str_cstr(&err));
		assert_int_equal(ipaddr_parse(c->ip, &ip), 0);
		m = netlist_match(&list, &ip);
		if ((m == NULL) != (c->match == NULL) ||
		    (m != NULL && strcmp(m, c->match) != 0))
			fail_msg("\"%s\" for %s: %s, want %s", c->list, c->ip,
			    m ? m : "no match", c->match ? c->match : "none");
		netlist_free(&list);
	}
	for (i = 0; i < sizeof(net_bad) / sizeof(net_bad[0]); i++) {
		str_reset(&err);
		if (netlist_parse(net_bad[i].list, &list, &err) == 0)
			fail_msg("\"%s\" accepted", net_bad[i].list);
		if (strstr(str_cstr(&err), net_bad[i].error) == NULL)
			fail_msg("\"%s\": \"%s\", want \"%s\"", net_bad[i].list,
			    str_cstr(&err), net_bad[i].error);
		assert_int_equal(list.n, 0);
	}
	str_free(&err);
}

/* a file: texts kept per line, comments, blank lines, errors by line */
static void
test_netlist_file(void **state)
{
	char path[] = "/tmp/test_lists.XXXXXX";
	const struct netlist_entry *e;
	netlist list;
	ipaddr ip;
	str err;
	FILE *f;
	int fd;

	str_init(&err);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fputs("# abusers\n"
	    "\n"
	    "198.51.100.0/24   spam run of 2026-11-01  \n"
	    "  198.51.100.7\t# just a comment\n"
	    "2001:db8:bad::/48 known bad\r\n"
	    "198.51.100.0/24 listed twice: the first text stays\n", f);
	fclose(f);
	memset(&list, 0, sizeof(list));
	if (netlist_load_file(path, &list, &err) != 0)
		fail_msg("%s", str_cstr(&err));
	assert_int_equal(list.n, 3);
	assert_int_equal(ipaddr_parse("198.51.100.9", &ip), 0);
	assert_non_null(e = netlist_lookup(&list, &ip));
	assert_string_equal(e->cidr, "198.51.100.0/24");
	assert_string_equal(e->text, "spam run of 2026-11-01");
	assert_int_equal(ipaddr_parse("198.51.100.7", &ip), 0);
	assert_non_null(e = netlist_lookup(&list, &ip));
	assert_string_equal(e->cidr, "198.51.100.7/32");
	assert_null(e->text);
	assert_int_equal(ipaddr_parse("2001:db8:bad:1::1", &ip), 0);
	assert_non_null(e = netlist_lookup(&list, &ip));
	assert_string_equal(e->text, "known bad");
	netlist_free(&list);

	/* a bad line: the file name and line number, nothing half-loaded
	 * is used (the caller drops the list) */
	assert_non_null(f = fopen(path, "w"));
	fputs("192.0.2.0/24\n# fine so far\n192.0.2.300 oops\n", f);
	fclose(f);
	assert_int_equal(netlist_load_file(path, &list, &err), -1);
	if (strstr(str_cstr(&err), ":3: \"192.0.2.300\" is not an IPv4 or "
	    "IPv6 address") == NULL || strncmp(str_cstr(&err), path,
	    strlen(path)) != 0)
		fail_msg("error: %s", str_cstr(&err));
	netlist_free(&list);
	assert_non_null(f = fopen(path, "w"));
	fputs("10.0.0.1/8\n", f);
	fclose(f);
	assert_int_equal(netlist_load_file(path, &list, &err), -1);
	assert_non_null(strstr(str_cstr(&err), ":1: \"10.0.0.1/8\" has "
	    "address bits set"));
	netlist_free(&list);
	/* binary garbage and overlong lines are refused, not misread */
	assert_non_null(f = fopen(path, "w"));
	fputs("192.0.2.0/24\n", f);
	for (int i = 0; i < 5000; i++)
		fputc('x', f);
	fputc('\n', f);
	fclose(f);
	assert_int_equal(netlist_load_file(path, &list, &err), -1);
	assert_non_null(strstr(str_cstr(&err), ":2: line longer than"));
	netlist_free(&list);
	assert_non_null(f = fopen(path, "w"));
	fwrite("192.0.2.0/24\n\x00\xff\n", 1, 16, f);
	fclose(f);
	assert_int_equal(netlist_load_file(path, &list, &err), -1);
	assert_non_null(strstr(str_cstr(&err), ":2:"));
	netlist_free(&list);
	unlink(path);
	assert_int_equal(netlist_load_file(path, &list, &err), -1);
	assert_non_null(strstr(str_cstr(&err), "cannot read"));
	netlist_free(&list);
	str_free(&err);
}

/* a big list: every entry found, neighbours not, against a linear scan */
static void
test_netlist_large(void **state)
{
	netlist list;
	ipaddr ip;
	char word[64];
	const char *m;
	str err;
	unsigned i, a, b;

	str_init(&err);
	memset(&list, 0, sizeof(list));
	for (i = 0; i < 20000; i++) {
		/* /24s and /32s interleaved, plus a /16 that covers some */
		a = (i * 7919u) % 250u + 1u;
		b = (i * 104729u) % 256u;
		if (i % 2)
			snprintf(word, sizeof(word), "10.%u.%u.0/24", a, b);
		else
			snprintf(word, sizeof(word), "172.%u.%u.%u", a % 16 + 16,
			    b, i % 256);
		assert_int_equal(netlist_add(&list, word, strlen(word), NULL,
		    &err), 0);
	}
	assert_int_equal(netlist_add(&list, "10.5.0.0/16", 11, NULL, &err), 0);
	netlist_index(&list);
	for (i = 0; i < 20000; i += 37) {
		a = (i * 7919u) % 250u + 1u;
		b = (i * 104729u) % 256u;
		if (i % 2) {
			snprintf(word, sizeof(word), "10.%u.%u.77", a, b);
			assert_int_equal(ipaddr_parse(word, &ip), 0);
			m = netlist_match(&list, &ip);
			assert_non_null(m);
			assert_int_equal(strncmp(m, "10.", 3), 0);
			assert_non_null(strstr(m, "/24"));
		} else {
			snprintf(word, sizeof(word), "172.%u.%u.%u", a % 16 + 16,
			    b, i % 256);
			assert_int_equal(ipaddr_parse(word, &ip), 0);
			m = netlist_match(&list, &ip);
			assert_non_null(m);
			assert_non_null(strstr(m, "/32"));
		}
	}
	/* the /16 holds what no /24 of it holds */
	assert_int_equal(ipaddr_parse("10.5.255.255", &ip), 0);
	m = netlist_match(&list, &ip);
	assert_non_null(m);
	assert_true(strcmp(m, "10.5.0.0/16") == 0 ||
	    strcmp(m, "10.5.255.0/24") == 0);
	assert_int_equal(ipaddr_parse("11.0.0.1", &ip), 0);
	assert_null(netlist_match(&list, &ip));
	netlist_free(&list);
	str_free(&err);
}

struct dom_case {
	const char	*list;
	const char	*name;
	const char	*match;
};

static const struct dom_case dom_cases[] = {
	{ "example.com", "example.com", "example.com" },
	{ "example.com", "EXAMPLE.Com.", "example.com" },
	{ "Example.COM.", "example.com", "example.com" },
	{ "example.com", "mail.example.com", NULL },
	{ "example.com", "notexample.com", NULL },
	{ ".example.com", "mail.example.com", ".example.com" },
	{ ".example.com", "a.b.example.com", ".example.com" },
	{ ".example.com", "example.com", NULL },
	{ ".example.com", "badexample.com", NULL },
	{ "a.example, .b.example c.example", "c.example", "c.example" },
	{ "a.example, .b.example c.example", "x.b.example", ".b.example" },
	{ "a.example", "", NULL },
	{ "", "example.com", NULL },
};

static const struct bad_case dom_bad[] = {
	{ "com", "\"com\" is not a domain name" },
	{ ".com", "\".com\" is not a domain name" },
	{ "bad_name", "is not a domain name" },
	{ "exa mple.com", "\"exa\" is not a domain name" },
	{ "example..com", "is not a domain name" },
	{ "192.0.2.1", "is not a domain name" },
	{ "ex\xff.com", "\"ex?.com\" is not a domain name" },
};

static void
test_domlist(void **state)
{
	domlist list;
	const char *m;
	str err;
	size_t i;

	str_init(&err);
	for (i = 0; i < sizeof(dom_cases) / sizeof(dom_cases[0]); i++) {
		const struct dom_case *c = &dom_cases[i];

		if (domlist_parse(c->list, 0, &list, &err) != 0)
			fail_msg("\"%s\": %s", c->list, str_cstr(&err));
		m = domlist_match(&list, c->name);
		if ((m == NULL) != (c->match == NULL) ||
		    (m != NULL && strcmp(m, c->match) != 0))
			fail_msg("\"%s\" for %s: %s, want %s", c->list, c->name,
			    m ? m : "no match", c->match ? c->match : "none");
		domlist_free(&list);
	}
	for (i = 0; i < sizeof(dom_bad) / sizeof(dom_bad[0]); i++) {
		str_reset(&err);
		if (domlist_parse(dom_bad[i].list, 0, &list, &err) == 0)
			fail_msg("\"%s\" accepted", dom_bad[i].list);
		if (strstr(str_cstr(&err), dom_bad[i].error) == NULL)
			fail_msg("\"%s\": \"%s\", want \"%s\"", dom_bad[i].list,
			    str_cstr(&err), dom_bad[i].error);
	}
	/* forwarders are exact domains */
	assert_int_equal(domlist_parse(".fwd.example", DOMLIST_EXACT, &list,
	    &err), -1);
	assert_non_null(strstr(str_cstr(&err), "without a leading dot"));
	assert_int_equal(domlist_parse("fwd.example", DOMLIST_EXACT, &list,
	    &err), 0);
	domlist_free(&list);
	assert_null(domlist_match(&list, NULL));
	str_free(&err);
}

struct exempt_case {
	const char		*name;
	const char		*trusted_net;
	const char		*auth_user;
	const char		*forwarder;
	int			 checked;	/* outcome given and checked */
	const char		*domain;	/* outcome domain */
	enum exempt_mode	 trusted_mode, auth_mode;
	enum exempt_mode	 want;
	const char		*why;
};

static const struct exempt_case exempt_cases[] = {
	{ "nobody", NULL, NULL, NULL, 1, "example.org", EXEMPT_SKIP,
	    EXEMPT_SKIP, EXEMPT_CHECK, "" },
	{ "trusted skip", "10.0.0.0/8", NULL, NULL, 0, NULL, EXEMPT_SKIP,
	    EXEMPT_SKIP, EXEMPT_SKIP, "trusted network 10.0.0.0/8" },
	{ "trusted record", "10.0.0.0/8", NULL, NULL, 1, "example.org",
	    EXEMPT_RECORD, EXEMPT_SKIP, EXEMPT_RECORD,
	    "trusted network 10.0.0.0/8" },
	{ "trusted check", "10.0.0.0/8", NULL, NULL, 1, "example.org",
	    EXEMPT_CHECK, EXEMPT_CHECK, EXEMPT_CHECK, "" },
	{ "auth skip before the check", NULL, "bob", NULL, 0, NULL,
	    EXEMPT_CHECK, EXEMPT_SKIP, EXEMPT_SKIP, "authenticated sender" },
	{ "trusted record, auth skip: skip wins", "10.0.0.0/8", "bob", NULL,
	    1, "example.org", EXEMPT_RECORD, EXEMPT_SKIP, EXEMPT_SKIP,
	    "authenticated sender" },
	{ "both record: the first explains", "10.0.0.0/8", "bob", NULL, 1,
	    "example.org", EXEMPT_RECORD, EXEMPT_RECORD, EXEMPT_RECORD,
	    "trusted network 10.0.0.0/8" },
	{ "forwarder needs a result", NULL, NULL, "fwd.example", 0, NULL,
	    EXEMPT_CHECK, EXEMPT_CHECK, EXEMPT_CHECK, "" },
	{ "forwarder", NULL, NULL, "fwd.example", 1, "example.org",
	    EXEMPT_CHECK, EXEMPT_CHECK, EXEMPT_RECORD,
	    "trusted forwarder fwd.example" },
	{ "exempt domain", NULL, NULL, NULL, 1, "PARTNER.example",
	    EXEMPT_CHECK, EXEMPT_CHECK, EXEMPT_RECORD,
	    "exempt domain partner.example" },
	{ "exempt subdomain", NULL, NULL, NULL, 1, "mx.lists.example",
	    EXEMPT_CHECK, EXEMPT_CHECK, EXEMPT_RECORD,
	    "exempt domain .lists.example" },
	{ "forwarder before domain", NULL, NULL, "fwd.example", 1,
	    "partner.example", EXEMPT_CHECK, EXEMPT_CHECK, EXEMPT_RECORD,
	    "trusted forwarder fwd.example" },
	{ "trusted skip beats forwarder", "::1/128", NULL, "fwd.example", 1,
	    "partner.example", EXEMPT_SKIP, EXEMPT_CHECK, EXEMPT_SKIP,
	    "trusted network ::1/128" },
};

static void
test_exempt(void **state)
{
	struct spf_outcome o;
	struct policy p;
	struct facts f;
	enum exempt_mode m;
	str why, err;
	size_t i;

	str_init(&why);
	str_init(&err);
	for (i = 0; i < sizeof(exempt_cases) / sizeof(exempt_cases[0]); i++) {
		const struct exempt_case *c = &exempt_cases[i];

		policy_defaults(&p);
		assert_int_equal(domlist_parse("partner.example .lists.example",
		    0, &p.spf_exempt_domains, &err), 0);
		p.trusted[CHECK_SPF] = c->trusted_mode;
		p.authenticated[CHECK_SPF] = c->auth_mode;
		memset(&f, 0, sizeof(f));
		f.trusted_net = c->trusted_net;
		f.auth_user = c->auth_user;
		f.forwarder = c->forwarder;
		memset(&o, 0, sizeof(o));
		o.checked = c->checked;
		o.result = SPFR_FAIL;
		o.domain = (char *)c->domain;
		m = exempt_spf(&p, &f, c->checked ? &o : NULL, &why);
		if (m != c->want || strcmp(str_cstr(&why), c->why) != 0)
			fail_msg("%s: %s \"%s\", want %s \"%s\"", c->name,
			    exempt_mode_name(m), str_cstr(&why),
			    exempt_mode_name(c->want), c->why);
		/* why is optional */
		assert_int_equal(exempt_spf(&p, &f, c->checked ? &o : NULL,
		    NULL), c->want);
		policy_free(&p);
	}
	for (i = 0; i < 3; i++)
		assert_int_equal(exempt_mode_parse(exempt_mode_name(
		    (enum exempt_mode)i)), (int)i);
	assert_int_equal(exempt_mode_parse("ignore"), -1);
	str_free(&why);
	str_free(&err);
}

/* rule - an authorized-sender rule for the tests */
static void
rule(struct authz_rule *r, const char *domain, int sub, unsigned ids,
    const char *nets)
{
	str err;

	str_init(&err);
	memset(r, 0, sizeof(*r));
	r->domain = mem_strdup(domain);
	r->subdomains = sub;
	r->identities = ids;
	if (netlist_parse(nets, &r->nets, &err) != 0)
		fail_msg("%s", str_cstr(&err));
	str_free(&err);
}

struct authz_case {
	const char	*domain;
	unsigned	 identity;
	const char	*ip;
	int		 checked;
	int		 allowed;
	const char	*rule;		/* the rule's domain */
};

static const struct authz_case authz_cases[] = {
	{ "example.com", AUTHZ_MAILFROM, "192.0.2.5", 1, 1, "example.com" },
	{ "EXAMPLE.com.", AUTHZ_FROM, "192.0.2.5", 1, 1, "example.com" },
	{ "example.com", AUTHZ_MAILFROM, "198.51.100.5", 1, 0, "example.com" },
	/* subdomains are covered by the parent's rule */
	{ "news.example.com", AUTHZ_MAILFROM, "198.51.100.5", 1, 0,
	    "example.com" },
	/* a more specific rule wins */
	{ "bulk.example.com", AUTHZ_MAILFROM, "198.51.100.5", 1, 1,
	    "bulk.example.com" },
	{ "x.bulk.example.com", AUTHZ_MAILFROM, "192.0.2.5", 1, 1,
	    "example.com" },
	{ "notexample.com", AUTHZ_MAILFROM, "198.51.100.5", 0, 0, NULL },
	/* bank.example covers From: only, not its own subdomains */
	{ "bank.example", AUTHZ_FROM, "2001:db8::25", 1, 1, "bank.example" },
	{ "bank.example", AUTHZ_FROM, "2001:db9::25", 1, 0, "bank.example" },
	{ "bank.example", AUTHZ_MAILFROM, "2001:db9::25", 0, 0, NULL },
	{ "www.bank.example", AUTHZ_FROM, "2001:db9::25", 0, 0, NULL },
	{ "", AUTHZ_FROM, "2001:db9::25", 0, 0, NULL },
};

static void
test_authz(void **state)
{
	struct authz_outcome o;
	struct authz_set set;
	unsigned ids;
	ipaddr ip;
	size_t i;
	str err;

	str_init(&err);
	set.n = 3;
	set.v = mem_calloc(3, sizeof(*set.v));
	rule(&set.v[0], "example.com", 1, AUTHZ_MAILFROM | AUTHZ_FROM,
	    "192.0.2.0/24");
	rule(&set.v[1], "bulk.example.com", 0, AUTHZ_MAILFROM,
	    "198.51.100.0/24");
	rule(&set.v[2], "bank.example", 0, AUTHZ_FROM, "2001:db8::/32");
	for (i = 0; i < sizeof(authz_cases) / sizeof(authz_cases[0]); i++) {
		const struct authz_case *c = &authz_cases[i];

		assert_int_equal(ipaddr_parse(c->ip, &ip), 0);
		authz_check(&set, c->domain, c->identity, &ip, &o);
		if (o.checked != c->checked || o.allowed != c->allowed ||
		    (c->rule != NULL && strcmp(o.rule->domain, c->rule) != 0))
			fail_msg("%s from %s: checked %d allowed %d rule %s",
			    c->domain, c->ip, o.checked, o.allowed, o.rule ?
			    o.rule->domain : "none");
	}
	authz_check(&set, "example.com", AUTHZ_FROM, NULL, &o);
	assert_false(o.checked);
	for (i = 0; i < set.n; i++)
		authz_rule_free(&set.v[i]);
	mem_free(set.v);

	assert_int_equal(authz_identity_parse("mailfrom, From", &ids, &err), 0);
	assert_int_equal(ids, AUTHZ_MAILFROM | AUTHZ_FROM);
	assert_int_equal(authz_identity_parse("helo", &ids, &err), -1);
	assert_non_null(strstr(str_cstr(&err), "\"helo\" is not an identity"));
	assert_int_equal(authz_identity_parse("", &ids, &err), -1);
	str_free(&err);
}

static void
test_iplist(void **state)
{
	struct iplist_set set;
	struct iplist_match m;
	ipaddr ip;
	str err;

	str_init(&err);
	set.n = 3;
	set.v = mem_calloc(3, sizeof(*set.v));
	set.v[0].name = mem_strdup("abusers");
	assert_int_equal(netlist_parse("198.51.100.0/24 203.0.113.7",
	    &set.v[0].nets, &err), 0);
	set.v[1].name = mem_strdup("partners");
	set.v[1].allow = 1;
	assert_int_equal(netlist_parse("198.51.100.128/25 203.0.113.7",
	    &set.v[1].nets, &err), 0);
	set.v[2].name = mem_strdup("bad-host");
	assert_int_equal(netlist_parse("198.51.100.200", &set.v[2].nets,
	    &err), 0);

	assert_int_equal(ipaddr_parse("198.51.100.5", &ip), 0);
	assert_int_equal(iplist_lookup(&set, &ip, &m), 1);
	assert_string_equal(m.list->name, "abusers");
	/* the partner's /25 inside the deny /24 */
	assert_int_equal(ipaddr_parse("198.51.100.130", &ip), 0);
	assert_int_equal(iplist_lookup(&set, &ip, &m), 1);
	assert_string_equal(m.list->name, "partners");
	assert_string_equal(m.entry->cidr, "198.51.100.128/25");
	/* one bad host inside the partner's range */
	assert_int_equal(ipaddr_parse("198.51.100.200", &ip), 0);
	assert_int_equal(iplist_lookup(&set, &ip, &m), 1);
	assert_string_equal(m.list->name, "bad-host");
	/* listed in both with the same prefix: allow wins */
	assert_int_equal(ipaddr_parse("203.0.113.7", &ip), 0);
	assert_int_equal(iplist_lookup(&set, &ip, &m), 1);
	assert_true(m.list->allow);
	assert_int_equal(ipaddr_parse("192.0.2.1", &ip), 0);
	assert_int_equal(iplist_lookup(&set, &ip, &m), 0);
	assert_null(m.list);
	assert_int_equal(iplist_lookup(&set, NULL, &m), 0);
	iplist_free(&set.v[0]);
	iplist_free(&set.v[1]);
	iplist_free(&set.v[2]);
	mem_free(set.v);
	str_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netlist),
		cmocka_unit_test(test_netlist_file),
		cmocka_unit_test(test_netlist_large),
		cmocka_unit_test(test_domlist),
		cmocka_unit_test(test_exempt),
		cmocka_unit_test(test_authz),
		cmocka_unit_test(test_iplist),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
