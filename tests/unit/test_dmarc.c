/*
 * test_dmarc - the pieces of DMARC, table-driven: From: parsing (every
 * way a From field can be odd), DMARC record parsing in both modes, the
 * DNS Tree Walk names, Organizational Domains, and whole checks against
 * in-memory zones (policy discovery, sp=/np=, t=, alignment in both
 * modes, temporary failures, broken records).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/deadline.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "mail/from_header.h"
#include "dmarc/dmarc.h"
#include "dmarc/dmarc_record.h"

#ifndef PSL_FILE
#define PSL_FILE	"/usr/share/publicsuffix/public_suffix_list.dat"
#endif

struct from_case {
	const char	*value;
	const char	*domain;	/* the one domain, NULL: error/mixed */
	size_t		 n;		/* mailboxes; 0: parse error */
	const char	*error;		/* part of the error text */
};

static const struct from_case from_cases[] = {
	{ "joe@example.com", "example.com", 1, NULL },
	{ " Joe Johnson <joe@Example.COM>", "example.com", 1, NULL },
	{ "\"Johnson, Joe\" <joe@example.com>", "example.com", 1, NULL },
	{ "\"\\\"Micron Technology, Inc.\\\"\" <user@blah.com>", "blah.com",
	    1, NULL },
	{ "\"Joe J, <joe@joe.com>\" <joe@blah.com>", "blah.com", 1, NULL },
	{ "(Joe Johnson) joe@joe.com", "joe.com", 1, NULL },
	{ "(,) joe@joe.com", "joe.com", 1, NULL },
	{ "joe@joe.com (a (nested) comment)", "joe.com", 1, NULL },
	{ "Davide D'Marco <user@blah.com>", "blah.com", 1, NULL },
	{ "John Q. Public <jqp@example.org>", "example.org", 1, NULL },
	{ "=?utf-8?q?J=C3=B6rg?= <joerg@example.de>", "example.de", 1, NULL },
	{ "J\xc3\xb6rg <joerg@example.de>", "example.de", 1, NULL },
	{ "joe@example.com.", "example.com", 1, NULL },
	{ "joe @ example . com", "example.com", 1, NULL },
	{ "<@relay.example:joe@example.com>", "example.com", 1, NULL },
	{ "\"joe doe\"@example.com", "example.com", 1, NULL },
	{ "first.last@example.com", "example.com", 1, NULL },
	{ "Joe\r\n\t<joe@example.com>", "example.com", 1, NULL },
	{ "joe@b\xc3\xbc" "cher.example", "xn--bcher-kva.example", 1, NULL },
	{ "a@example.com, b@example.com", "example.com", 2, NULL },
	{ "a@example.com, ,b@example.com", "example.com", 2, NULL },
	/* several domains: parsed, but no single author domain */
	{ "Joe <joe@joe.com>, ace@ace.com", NULL, 2, NULL },
	/* errors */
	{ "", NULL, 0, "empty" },
	{ "   ", NULL, 0, "empty" },
	{ "Joe Johnson", NULL, 0, "without an <address>" },
	{ "<>", NULL, 0, "empty address" },
	{ "joe", NULL, 0, "without an <address>" },
	{ "joe@", NULL, 0, "without a domain" },
	{ "@example.com", NULL, 0, "without a local part" },
	{ "Joe <joe@example.com", NULL, 0, "unbalanced angle brackets" },
	{ "joe@example.com>", NULL, 0, "unbalanced angle brackets" },
	{ "<<<><joe@joe.com>>>", NULL, 0, "" },
	{ "\"Joe <joe@example.com>", NULL, 0, "unbalanced quotes" },
	{ "(Joe <joe@example.com>", NULL, 0, "unclosed comment" },
	{ "undisclosed-recipients:;", NULL, 0, "group syntax" },
	{ "Mail From:<joe@joe.com>", NULL, 0, "group syntax" },
	{ "\"Johnson, Joe <joe@joe.com>\" joe@joe.com", NULL, 0,
	    "not in <angle brackets>" },
	{ "joe@[192.0.2.1]", NULL, 0, "address literal" },
	{ "joe@localhost", NULL, 0, "not fully qualified" },
	{ "joe@exa_mple..com", NULL, 0, "empty label" },
	{ "joe@example.com <other@evil.example>", NULL, 0, "" },
	{ "a@b.com; c@d.com", NULL, 0, "characters after the address" },
};

static void
test_from_header(void **state)
{
	struct from_list l;
	const char *d;
	str err;
	size_t i;
	int rc;

	str_init(&err);
	for (i = 0; i < sizeof(from_cases) / sizeof(from_cases[0]); i++) {
		const struct from_case *c = &from_cases[i];

		str_reset(&err);
		rc = from_header_parse(c->value, strlen(c->value), &l, &err);
		if (c->n == 0) {
			if (rc == 0)
				fail_msg("\"%s\": parsed, want an error",
				    c->value);
			if (strstr(str_cstr(&err), c->error) == NULL)
				fail_msg("\"%s\": error \"%s\", want \"%s\"",
				    c->value, str_cstr(&err), c->error);
			assert_int_equal(l.n, 0);
			continue;
		}
		if (rc != 0)
			fail_msg("\"%s\": %s", c->value, str_cstr(&err));
		if (l.n != c->n)
			fail_msg("\"%s\": %zu mailboxes, want %zu", c->value,
			    l.n, c->n);
		d = from_list_domain(&l);
		if ((d == NULL) != (c->domain == NULL) ||
		    (d != NULL && strcmp(d, c->domain) != 0))
			fail_msg("\"%s\": domain %s, want %s", c->value,
			    d ? d : "(none)", c->domain ? c->domain : "(none)");
		from_list_clear(&l);
	}
	/* a NUL byte and a flood of addresses */
	assert_int_equal(from_header_parse("a@b.com\0x", 9, &l, &err), -1);
	{
		str many;

		str_init(&many);
		for (i = 0; i < 100; i++)
			str_appendf(&many, "%sa%zu@example.com", i ? "," : "",
			    i);
		assert_int_equal(from_header_parse(many.buf, many.len, &l,
		    &err), -1);
		assert_non_null(strstr(str_cstr(&err), "more than 64"));
		str_free(&many);
	}
	str_free(&err);
}

struct record_case {
	const char	*record;
	enum dmarc_mode	 mode;
	int		 valid;
	enum dmarc_disp	 p, sp, np;
	char		 adkim, aspf, psd;
	int		 pct, testing, p_invalid;
	const char	*error;
};

#define N DMARC_P_NONE
#define Q DMARC_P_QUARANTINE
#define R DMARC_P_REJECT
#define U DMARC_P_UNSET
#define BIS DMARC_RFC9989
#define OLD DMARC_RFC7489

static const struct record_case record_cases[] = {
	{ "v=DMARC1; p=none", BIS, 1, N, U, U, 'r', 'r', 'u', 100, 0, 0, NULL },
	{ "v=DMARC1; p=reject; sp=quarantine; np=none; adkim=s; aspf=s; "
	    "psd=n; t=y", BIS, 1, R, Q, N, 's', 's', 'n', 100, 1, 0, NULL },
	{ "V = DMARC1 ; P = Reject ;", BIS, 1, R, U, U, 'r', 'r', 'u', 100, 0,
	    0, NULL },
	{ "v=DMARC1;p=quarantine;pct=25", OLD, 1, Q, U, U, 'r', 'r', 'u', 25,
	    0, 0, NULL },
	/* RFC 9989 ignores pct=, rf=, ri= (even broken ones) */
	{ "v=DMARC1; p=quarantine; pct=500; rf=bob; ri=x", BIS, 1, Q, U, U,
	    'r', 'r', 'u', 100, 0, 0, NULL },
	{ "v=DMARC1; p=none; pct=500", OLD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    "pct=500" },
	{ "v=DMARC1; p=none; rf=bob", OLD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    "rf=bob" },
	/* RFC 7489 does not know np=, psd=, t=: ignored there */
	{ "v=DMARC1; p=reject; np=bogus; psd=maybe", OLD, 1, R, U, U, 'r',
	    'r', 'u', 100, 0, 0, NULL },
	{ "v=DMARC1; p=reject; np=bogus", BIS, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    "np=bogus" },
	/* what libopendmarc 1.4.2 accepts and we do not */
	{ "p=reject", BIS, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "v=DMARC1" },
	{ "v=DMARC1; p=r", BIS, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "p=" },
	{ "v=DMARC1; p=n;", OLD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "p=" },
	{ "v=DMARC2; p=none", BIS, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "v=DMARC1" },
	{ "v=DMARC1x; p=none", BIS, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "v=DMARC1" },
	{ "", BIS, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "empty" },
	/* no valid p=: with rua= it counts as p=none, else it is unusable */
	{ "v=DMARC1; rua=mailto:d@example.org", BIS, 1, N, U, U, 'r', 'r',
	    'u', 100, 0, 1, NULL },
	{ "v=DMARC1; p=bogus; rua=mailto:d@example.org", BIS, 1, N, U, U, 'r',
	    'r', 'u', 100, 0, 1, NULL },
	{ "v=DMARC1; pct=100;", OLD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "no p=" },
	{ "v=DMARC1; p=none; sp=bob", BIS, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    "sp=bob" },
	{ "v=DMARC1; p=none; adkim=x", BIS, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    "adkim=x" },
	{ "v=DMARC1; p=none; p=reject", BIS, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    "twice" },
	{ "v=DMARC1; p=none; garbage", BIS, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    "tag=value" },
	{ "v=DMARC1; p=none; fo=1:d:s", BIS, 1, N, U, U, 'r', 'r', 'u', 100,
	    0, 0, NULL },
	{ "v=DMARC1; p=none; fo=2", BIS, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    "fo=2" },
	/* unknown tags and odd URIs are ignored */
	{ "v=DMARC1; p=none; ruf=mailto://abuse.com; foo=bar; buzz=happy;",
	    OLD, 1, N, U, U, 'r', 'r', 'u', 100, 0, 0, NULL },
};

static void
test_record_parse(void **state)
{
	struct dmarc_record r;
	str err;
	size_t i;
	int rc;

	str_init(&err);
	for (i = 0; i < sizeof(record_cases) / sizeof(record_cases[0]); i++) {
		const struct record_case *c = &record_cases[i];

		rc = dmarc_record_parse(c->record, strlen(c->record), c->mode,
		    &r, &err);
		if (!c->valid) {
			if (rc == 0)
				fail_msg("\"%s\": accepted", c->record);
			if (strstr(str_cstr(&err), c->error) == NULL)
				fail_msg("\"%s\": \"%s\", want \"%s\"", c->record,
				    str_cstr(&err), c->error);
			continue;
		}
		if (rc != 0)
			fail_msg("\"%s\": %s", c->record, str_cstr(&err));
		if (r.p != c->p || r.sp != c->sp || r.np != c->np ||
		    r.adkim != c->adkim || r.aspf != c->aspf || r.psd != c->psd ||
		    r.pct != c->pct || r.testing != c->testing ||
		    r.p_invalid != c->p_invalid)
			fail_msg("\"%s\": p=%d sp=%d np=%d adkim=%c aspf=%c "
			    "psd=%c pct=%d t=%d p_invalid=%d", c->record, r.p,
			    r.sp, r.np, r.adkim, r.aspf, r.psd, r.pct, r.testing,
			    r.p_invalid);
	}
	/* NUL bytes and monsters */
	assert_int_equal(dmarc_record_parse("v=DMARC1; p=none\0", 17, BIS, &r,
	    &err), -1);
	{
		char big[5000];

		memset(big, 'a', sizeof(big));
		memcpy(big, "v=DMARC1; p=none; x=", 20);
		assert_int_equal(dmarc_record_parse(big, sizeof(big), BIS, &r,
		    &err), -1);
	}
	str_free(&err);
}

static void
test_select(void **state)
{
	dns_answer *a;
	const char *t;
	size_t len;

	a = dns_answer_new("_dmarc.x.example", DNS_T_TXT, DNS_OK, NULL);
	a->rr = calloc(3, sizeof(dns_rr));
	a->rr[0].type = a->rr[1].type = a->rr[2].type = DNS_T_TXT;
	a->rr[0].u.txt.data = strdup("something else");
	a->rr[0].u.txt.len = 14;
	a->rr[1].u.txt.data = strdup("v=DMARC1; p=none");
	a->rr[1].u.txt.len = 16;
	a->rr[2].u.txt.data = strdup("v=DMARC1x");
	a->rr[2].u.txt.len = 9;
	a->count = 3;
	assert_int_equal(dmarc_record_select(a, &t, &len), 0);
	assert_int_equal(len, 16);
	free(a->rr[2].u.txt.data);
	a->rr[2].u.txt.data = strdup("v=DMARC1; p=reject");
	a->rr[2].u.txt.len = 18;
	assert_int_equal(dmarc_record_select(a, &t, &len), -1);
	a->count = 1;
	assert_int_equal(dmarc_record_select(a, &t, &len), 1);
	a->count = 3;
	dns_answer_unref(a);
}

static void
test_walk(void **state)
{
	const char *names[DMARC_WALK_MAX];
	size_t n;

	n = dmarc_walk("a.mail.example.com", names);
	assert_int_equal(n, 4);
	assert_string_equal(names[0], "a.mail.example.com");
	assert_string_equal(names[1], "mail.example.com");
	assert_string_equal(names[3], "com");
	/* more than eight labels: straight to seven, then one by one */
	n = dmarc_walk("a.b.c.d.e.f.g.h.i.j.example", names);
	assert_int_equal(n, 8);
	assert_string_equal(names[0], "a.b.c.d.e.f.g.h.i.j.example");
	assert_string_equal(names[1], "e.f.g.h.i.j.example");
	assert_string_equal(names[2], "f.g.h.i.j.example");
	assert_string_equal(names[7], "example");
	n = dmarc_walk("example", names);
	assert_int_equal(n, 1);
}

/* the zone of the whole-check cases */
static const struct {
	const char	*name;
	int		 type;
	const char	*data;
} zone[] = {
	{ "_dmarc.example.org", DNS_T_TXT,
	    "v=DMARC1; p=reject; sp=quarantine; np=none; rua=mailto:d@example.org" },
	{ "sub.example.org", DNS_T_A, "192.0.2.1" },
	{ "_dmarc.strict.example", DNS_T_TXT,
	    "v=DMARC1; p=reject; adkim=s; aspf=s" },
	{ "_dmarc.test.example", DNS_T_TXT, "v=DMARC1; p=reject; t=y" },
	{ "_dmarc.broken.example", DNS_T_TXT, "v=DMARC1; p=reject; adkim=x" },
	{ "_dmarc.two.example", DNS_T_TXT, "v=DMARC1; p=reject" },
	{ "_dmarc.two.example", DNS_T_TXT, "v=DMARC1; p=none" },
	{ "_dmarc.mail.psd.example", DNS_T_TXT,
	    "v=DMARC1; p=reject; psd=n" },
	{ "_dmarc.bank.example", DNS_T_TXT, "v=DMARC1; p=reject; psd=y" },
	{ "_dmarc.giant.bank.example", DNS_T_TXT, "v=DMARC1; p=reject" },
	{ "_dmarc.co.uk", DNS_T_TXT, "v=DMARC1; p=none; psd=y" },
	{ "_dmarc.shop.co.uk", DNS_T_TXT, "v=DMARC1; p=reject" },
	{ "_dmarc.pct.example", DNS_T_TXT, "v=DMARC1; p=reject; pct=0" },
	{ "_dmarc.a.com", DNS_T_TXT, "v=DMARC1; p=reject" },
};

struct check_case {
	const char		*name;
	enum dmarc_mode		 mode;
	const char		*from;
	const char		*spf_domain;
	enum spf_result		 spf;
	const char		*dkim_d;	/* one signature or NULL */
	int			 dkim_pass;	/* 1 pass, 0 fail, 2 temperror */
	enum dmarc_result	 want;
	enum dmarc_disp		 policy;
	const char		*tag;
	enum dmarc_align	 spf_align, dkim_align;
};

static const struct check_case check_cases[] = {
	{ "spf aligned", BIS, "example.org", "example.org", SPFR_PASS, NULL,
	    0, DMARCR_PASS, R, "p", DMARC_ALIGN_PASS, DMARC_ALIGN_NONE },
	{ "relaxed spf subdomain", BIS, "example.org", "bounce.example.org",
	    SPFR_PASS, NULL, 0, DMARCR_PASS, R, "p", DMARC_ALIGN_PASS,
	    DMARC_ALIGN_NONE },
	{ "dkim aligned, spf fails", BIS, "example.org", "example.org",
	    SPFR_FAIL, "example.org", 1, DMARCR_PASS, R, "p", DMARC_ALIGN_NONE,
	    DMARC_ALIGN_PASS },
	{ "nothing aligned", BIS, "example.org", "other.example", SPFR_PASS,
	    "other.example", 1, DMARCR_FAIL, R, "p", DMARC_ALIGN_FAIL,
	    DMARC_ALIGN_FAIL },
	{ "nothing passed", BIS, "example.org", "example.org", SPFR_FAIL,
	    "example.org", 0, DMARCR_FAIL, R, "p", DMARC_ALIGN_NONE,
	    DMARC_ALIGN_NONE },
	{ "existing subdomain: sp=", BIS, "sub.example.org", "x.example",
	    SPFR_FAIL, NULL, 0, DMARCR_FAIL, Q, "sp", DMARC_ALIGN_NONE,
	    DMARC_ALIGN_NONE },
	{ "non-existent subdomain: np=", BIS, "ghost.example.org",
	    "x.example", SPFR_FAIL, NULL, 0, DMARCR_FAIL, N, "np",
	    DMARC_ALIGN_NONE, DMARC_ALIGN_NONE },
	{ "RFC 7489 has no np=", OLD, "ghost.example.org", "x.example",
	    SPFR_FAIL, NULL, 0, DMARCR_FAIL, Q, "sp", DMARC_ALIGN_NONE,
	    DMARC_ALIGN_NONE },
	{ "strict: subdomain does not align", BIS, "strict.example",
	    "mail.strict.example", SPFR_PASS, "mail.strict.example", 1,
	    DMARCR_FAIL, R, "p", DMARC_ALIGN_FAIL, DMARC_ALIGN_FAIL },
	{ "strict: exact name aligns", BIS, "strict.example",
	    "strict.example", SPFR_PASS, NULL, 0, DMARCR_PASS, R, "p",
	    DMARC_ALIGN_PASS, DMARC_ALIGN_NONE },
	{ "t=y lowers reject to quarantine", BIS, "test.example", "x.example",
	    SPFR_FAIL, NULL, 0, DMARCR_FAIL, Q, "p", DMARC_ALIGN_NONE,
	    DMARC_ALIGN_NONE },
	{ "pct=0 lowers in RFC 7489 mode", OLD, "pct.example", "x.example",
	    SPFR_FAIL, NULL, 0, DMARCR_FAIL, Q, "p", DMARC_ALIGN_NONE,
	    DMARC_ALIGN_NONE },
	{ "pct is not RFC 9989", BIS, "pct.example", "x.example", SPFR_FAIL,
	    NULL, 0, DMARCR_FAIL, R, "p", DMARC_ALIGN_NONE, DMARC_ALIGN_NONE },
	{ "no record", BIS, "nothing.example", "nothing.example", SPFR_PASS,
	    NULL, 0, DMARCR_NONE, N, NULL, DMARC_ALIGN_NONE, DMARC_ALIGN_NONE },
	{ "two records: none counts", BIS, "two.example", "two.example",
	    SPFR_FAIL, NULL, 0, DMARCR_NONE, N, NULL, DMARC_ALIGN_NONE,
	    DMARC_ALIGN_NONE },
	{ "broken record", BIS, "broken.example", "broken.example",
	    SPFR_FAIL, NULL, 0, DMARCR_PERMERROR, N, NULL, DMARC_ALIGN_NONE,
	    DMARC_ALIGN_NONE },
	{ "record lookup fails", BIS, "tempfail.example", "tempfail.example",
	    SPFR_PASS, NULL, 0, DMARCR_TEMPERROR, N, NULL, DMARC_ALIGN_NONE,
	    DMARC_ALIGN_NONE },
	{ "aligned SPF temperror: never fail", BIS, "example.org",
	    "example.org", SPFR_TEMPERROR, NULL, 0, DMARCR_TEMPERROR, R, "p",
	    DMARC_ALIGN_TEMP, DMARC_ALIGN_NONE },
	{ "aligned DKIM temperror: never fail", BIS, "example.org",
	    "other.example", SPFR_PASS, "example.org", 2, DMARCR_TEMPERROR, R,
	    "p", DMARC_ALIGN_FAIL, DMARC_ALIGN_TEMP },
	{ "unaligned SPF temperror does not matter", BIS, "example.org",
	    "other.example", SPFR_TEMPERROR, NULL, 0, DMARCR_FAIL, R, "p",
	    DMARC_ALIGN_NONE, DMARC_ALIGN_NONE },
	/* psd=: the Organizational Domain by the tree walk */
	{ "psd=n makes its domain the org domain", BIS, "a.mail.psd.example",
	    "b.mail.psd.example", SPFR_PASS, NULL, 0, DMARCR_PASS, R, "p",
	    DMARC_ALIGN_PASS, DMARC_ALIGN_NONE },
	{ "psd=y: one label below the PSD", BIS, "giant.bank.example",
	    "mega.bank.example", SPFR_PASS, NULL, 0, DMARCR_FAIL, R, "p",
	    DMARC_ALIGN_FAIL, DMARC_ALIGN_NONE },
	{ "a PSD policy applies below it", BIS, "other.co.uk", "x.example",
	    SPFR_FAIL, NULL, 0, DMARCR_FAIL, N, "p", DMARC_ALIGN_NONE,
	    DMARC_ALIGN_NONE },
	{ "RFC 7489: PSL org domain", OLD, "shop.co.uk", "mail.shop.co.uk",
	    SPFR_PASS, NULL, 0, DMARCR_PASS, R, "p", DMARC_ALIGN_PASS,
	    DMARC_ALIGN_NONE },
	{ "RFC 7489: one-letter org labels are not merged", OLD,
	    "a.com", "b.com", SPFR_PASS, NULL, 0, DMARCR_FAIL, R, "p",
	    DMARC_ALIGN_FAIL, DMARC_ALIGN_NONE },
};

static void
test_check(void **state)
{
	static const struct dns_options opts = { NULL, 1000, 1, 1000, 86400,
	    3600 };
	struct dmarc_outcome o;
	struct dmarc_input in;
	struct dmarc_dkim sig;
	dmarc_engine *e[2];
	dns_resolver *res;
	dns_mem *m;
	str err;
	size_t i;

	str_init(&err);
	m = dns_mem_create();
	for (i = 0; i < sizeof(zone) / sizeof(zone[0]); i++)
		assert_int_equal(dns_mem_add(m, zone[i].name, zone[i].type,
		    zone[i].data, &err), 0);
	dns_mem_set_fault(m, "_dmarc.tempfail.example", DNS_T_TXT,
	    DNS_TEMPFAIL);
	res = dns_resolver_create_mem(m, &opts);
	e[0] = dmarc_engine_create(DMARC_RFC9989, NULL, &err);
	e[1] = dmarc_engine_create(DMARC_RFC7489, PSL_FILE, &err);
	if (e[1] == NULL)
		fail_msg("%s", str_cstr(&err));
	memset(&o, 0, sizeof(o));
	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		const struct check_case *c = &check_cases[i];

		memset(&in, 0, sizeof(in));
		in.from_domain = c->from;
		in.spf_domain = c->spf_domain;
		in.spf_result = c->spf;
		in.spf_checked = 1;
		if (c->dkim_d != NULL) {
			sig.domain = c->dkim_d;
			sig.pass = c->dkim_pass == 1;
			sig.temperror = c->dkim_pass == 2;
			in.dkim = &sig;
			in.ndkim = 1;
		}
		dmarc_check(e[c->mode == DMARC_RFC7489], res, &in,
		    deadline_in(5000), &o);
		if (o.result != c->want || (c->tag != NULL &&
		    (o.policy != c->policy || o.published_tag == NULL ||
		    strcmp(o.published_tag, c->tag) != 0)) ||
		    o.spf_align != c->spf_align || o.dkim_align != c->dkim_align)
			fail_msg("%s: %s policy=%s (%s) spf=%s dkim=%s (%s)",
			    c->name, dmarc_result_name(o.result),
			    dmarc_disp_name(o.policy), o.published_tag ?
			    o.published_tag : "-", dmarc_align_name(o.spf_align),
			    dmarc_align_name(o.dkim_align), o.reason ? o.reason :
			    "");
		if (o.result != DMARCR_PASS && o.reason == NULL)
			fail_msg("%s: no reason", c->name);
		dmarc_outcome_clear(&o);
	}
	/* the org domain of a name without any record is the name itself */
	str_reset(&err);
	assert_int_equal(dmarc_org_domain(e[0], res, "deep.sub.nothing.example",
	    deadline_in(5000), &err), 0);
	assert_string_equal(str_cstr(&err), "deep.sub.nothing.example");
	/* a missing PSL file is a clear error */
	str_reset(&err);
	assert_null(dmarc_engine_create(DMARC_RFC7489, "/nonexistent/psl.dat",
	    &err));
	assert_non_null(strstr(str_cstr(&err), "publicsuffix"));
	dmarc_engine_free(e[0]);
	dmarc_engine_free(e[1]);
	dns_resolver_unref(res);
	dns_mem_free(m);
	str_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_header),
		cmocka_unit_test(test_record_parse),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
