/*
 * test_addr - envelope address and IP address parsing, table-driven,
 * with hostile inputs.
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/ipaddr.h"
#include "mail/smtp_addr.h"

struct addr_case {
	const char	*arg;
	int		 ok;
	int		 null;
	const char	*local;
	const char	*domain;
	const char	*error;		/* substring: the error when !ok, the
					 * warning when ok */
};

static const struct addr_case addr_cases[] = {
	{ "<user@example.com>", 1, 0, "user", "example.com", NULL },
	{ "<User@Example.COM>", 1, 0, "User", "example.com", NULL },
	{ "user@example.com", 1, 0, "user", "example.com", NULL },
	{ " <user@example.com> ", 1, 0, "user", "example.com", NULL },
	{ "<>", 1, 1, "", "", NULL },
	{ "", 1, 1, "", "", NULL },
	{ "<@relay.example,@b.example:user@example.com>", 1, 0, "user",
	    "example.com", NULL },
	{ "<\"odd@local\"@example.com>", 1, 0, "\"odd@local\"", "example.com",
	    NULL },
	{ "<user@example.com.>", 1, 0, "user", "example.com", NULL },
	{ "<@example.com>", 0, 0, NULL, NULL, "source route" },
	{ "<user@[192.0.2.1]>", 1, 0, "user", "[192.0.2.1]", NULL },
	{ "<user>", 0, 0, NULL, NULL, "no domain" },
	{ "<user@example.com", 0, 0, NULL, NULL, "unbalanced" },
	{ "user@example.com>", 0, 0, NULL, NULL, "unbalanced" },
	{ "<", 0, 0, NULL, NULL, "unbalanced" },
	{ "<user@exa mple.com>", 0, 0, NULL, NULL, "malformed domain" },
	{ "<user@bad..example>", 0, 0, NULL, NULL, "malformed domain" },
	{ "<user@>", 0, 0, NULL, NULL, "malformed domain" },
	{ "<us\ter@example.com>", 0, 0, NULL, NULL, "control" },
	{ "<user@example.com\r\nRCPT TO:<x@y>>", 0, 0, NULL, NULL, "control" },
	{ "<\"unbalanced@example.com>", 0, 0, NULL, NULL, "quotes" },
	/* one rule for the local part and the domain: no unquoted space or
	 * comma in either */
	{ "<a@ b.example>", 0, 0, NULL, NULL, "malformed domain" },
	/* a local part that is not RFC 5321 syntax: said, but the domain
	 * stays usable for SPF (RFC 7208 4.3) */
	{ "<a,b c@b.example>", 1, 0, "a,b c", "b.example",
	    "malformed local part" },
	{ "<a b@b.example>", 1, 0, "a b", "b.example", "malformed local part" },
	{ "<a;b@b.example>", 1, 0, "a;b", "b.example", "malformed local part" },
	{ "<user(comment)@b.example>", 1, 0, "user(comment)", "b.example",
	    "malformed local part" },
	{ "<@b.example:a(b)@c.example>", 1, 0, "a(b)", "c.example",
	    "malformed local" },
	{ "<\"a,b c\"@b.example>", 1, 0, "\"a,b c\"", "b.example", NULL },
	{ "<john..doe.@b.example>", 1, 0, "john..doe.", "b.example", NULL },
	{ "<a+tag=x/y{z}~!#$%&'*?^_`|@b.example>", 1, 0,
	    "a+tag=x/y{z}~!#$%&'*?^_`|", "b.example", NULL },
	{ "<j\xc3\xb6rg@b.example>", 1, 0, "j\xc3\xb6rg", "b.example", NULL },
};

static void
test_smtp_addr(void **state)
{
	struct smtp_addr a;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
		const struct addr_case *c = &addr_cases[i];

		rc = smtp_addr_parse(c->arg, &a);
		if ((rc == 0) != c->ok)
			fail_msg("\"%s\": rc %d (%s)", c->arg, rc,
			    a.error ? a.error : "-");
		assert_non_null(a.address);	/* always printable for logs */
		if (c->ok) {
			assert_int_equal(a.null, c->null);
			assert_string_equal(a.local, c->local);
			assert_string_equal(a.domain, c->domain);
			assert_null(a.error);
			if ((a.warning == NULL) != (c->error == NULL) ||
			    (a.warning != NULL && strstr(a.warning,
			    c->error) == NULL))
				fail_msg("\"%s\": warning \"%s\", want \"%s\"",
				    c->arg, a.warning ? a.warning : "-",
				    c->error ? c->error : "-");
		} else if (strstr(a.error, c->error) == NULL)
			fail_msg("\"%s\": error \"%s\", want \"%s\"", c->arg,
			    a.error, c->error);
		smtp_addr_clear(&a);
	}
}

static void
test_smtp_addr_too_long(void **state)
{
	char buf[1200];
	struct smtp_addr a;
	size_t i;

	buf[0] = '<';
	for (i = 1; i < 1000; i++)
		buf[i] = 'a';
	strcpy(buf + 1000, "@example.com>");
	assert_int_equal(smtp_addr_parse(buf, &a), -1);
	assert_non_null(strstr(a.error, "longer than 256"));
	assert_true(strlen(a.address) <= 256);
	smtp_addr_clear(&a);
}

static void
test_is_domain(void **state)
{
	assert_true(smtp_is_domain("mail.example.com"));
	assert_true(smtp_is_domain("MAIL.EXAMPLE.COM."));
	assert_false(smtp_is_domain("localhost"));
	assert_false(smtp_is_domain("[192.0.2.1]"));
	assert_false(smtp_is_domain("192.0.2.1"));
	assert_false(smtp_is_domain("2001:db8::1"));
	assert_false(smtp_is_domain(""));
	assert_false(smtp_is_domain(NULL));
	assert_false(smtp_is_domain("a..b"));
	assert_false(smtp_is_domain("bad name.example"));
}

struct ip_case {
	const char	*in;
	int		 ok;
	int		 family;
	const char	*text;
};

static const struct ip_case ip_cases[] = {
	{ "192.0.2.1", 1, AF_INET, "192.0.2.1" },
	{ "2001:db8::1", 1, AF_INET6, "2001:db8::1" },
	{ "IPv6:2001:db8::1", 1, AF_INET6, "2001:db8::1" },
	{ "[192.0.2.1]", 1, AF_INET, "192.0.2.1" },
	{ "[IPv6:2001:DB8::1]", 1, AF_INET6, "2001:db8::1" },
	{ "::ffff:192.0.2.9", 1, AF_INET, "192.0.2.9" },
	{ "::1", 1, AF_INET6, "::1" },
	{ "192.0.2", 0, 0, NULL },
	{ "300.0.0.1", 0, 0, NULL },
	{ "", 0, 0, NULL },
	{ "[]", 0, 0, NULL },
	{ "example.com", 0, 0, NULL },
	{ "1.2.3.4 ", 0, 0, NULL },
};

static void
test_ipaddr(void **state)
{
	char buf[IPADDR_STRLEN];
	struct sockaddr_in6 sin6;
	ipaddr ip;
	size_t i;

	for (i = 0; i < sizeof(ip_cases) / sizeof(ip_cases[0]); i++) {
		const struct ip_case *c = &ip_cases[i];

		if ((ipaddr_parse(c->in, &ip) == 0) != c->ok)
			fail_msg("\"%s\": wrong acceptance", c->in);
		if (!c->ok)
			continue;
		assert_int_equal(ip.family, c->family);
		ipaddr_format(&ip, buf);
		assert_string_equal(buf, c->text);
	}
	/* the milter hands over sockaddrs: mapped IPv6 becomes IPv4 */
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:198.51.100.3", &sin6.sin6_addr);
	assert_int_equal(ipaddr_from_sockaddr((struct sockaddr *)&sin6, &ip), 0);
	assert_int_equal(ip.family, AF_INET);
	ipaddr_format(&ip, buf);
	assert_string_equal(buf, "198.51.100.3");
	assert_int_equal(ipaddr_from_sockaddr(NULL, &ip), -1);
	ipaddr_parse("127.0.0.2", &ip);
	assert_true(ipaddr_is_loopback(&ip));
	ipaddr_parse("::1", &ip);
	assert_true(ipaddr_is_loopback(&ip));
	ipaddr_parse("192.0.2.1", &ip);
	assert_false(ipaddr_is_loopback(&ip));
	/* all eight groups, as RFC 7489's report schema wants them */
	{
		static const char *const full[][2] = {
			{ "2001:db8:5::25", "2001:db8:5:0:0:0:0:25" },
			{ "::", "0:0:0:0:0:0:0:0" },
			{ "::1", "0:0:0:0:0:0:0:1" },
			{ "FE80::ABCD:0:0:1", "fe80:0:0:0:abcd:0:0:1" },
			{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
			    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
			{ "::ffff:192.0.2.1", "192.0.2.1" },
			{ "192.0.2.1", "192.0.2.1" }
		};

		for (i = 0; i < sizeof(full) / sizeof(full[0]); i++) {
			assert_int_equal(ipaddr_parse(full[i][0], &ip), 0);
			ipaddr_format_full(&ip, buf);
			assert_string_equal(buf, full[i][1]);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smtp_addr),
		cmocka_unit_test(test_smtp_addr_too_long),
		cmocka_unit_test(test_is_domain),
		cmocka_unit_test(test_ipaddr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
