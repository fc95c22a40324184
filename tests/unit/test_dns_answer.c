/*
 * test_dns_answer - the wire-format parser, name normalization and the
 * nameserver list syntax, including hostile replies.
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns/dns.h"
#include "dnspkt.h"

/* parse - run the parser on a built packet */
static dns_answer *
parse(const char *qname, int qtype, const struct dnspkt *p)
{
	return dns_answer_parse(qname, qtype, p->buf, p->len);
}

static void
test_a_records(void **state)
{
	struct dnspkt p;
	unsigned char ip[4] = { 192, 0, 2, 1 }, ip2[4] = { 192, 0, 2, 2 };
	dns_answer *a;
	char buf[INET_ADDRSTRLEN];

	dnspkt_init(&p, 1, "host.example", DNS_T_A, 0);
	dnspkt_rr(&p, 1, "host.example", DNS_T_A, 300, ip, 4);
	dnspkt_rr(&p, 1, "host.example", DNS_T_A, 60, ip2, 4);
	a = parse("host.example", DNS_T_A, &p);
	assert_int_equal(a->status, DNS_OK);
	assert_int_equal(a->count, 2);
	assert_int_equal(a->ttl, 60);
	inet_ntop(AF_INET, &a->rr[1].u.a, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.2");
	assert_null(a->error);
	dns_answer_unref(a);
}

static void
test_txt_joined(void **state)
{
	struct dnspkt p;
	unsigned char rd[512];
	size_t n;
	dns_answer *a;

	dnspkt_init(&p, 1, "example.org", DNS_T_TXT, 0);
	n = dnspkt_txt(rd, "v=spf1 ip4:192.0.2.0/24 ", "-all", NULL);
	dnspkt_rr(&p, 1, "example.org", DNS_T_TXT, 300, rd, n);
	n = dnspkt_txt(rd, "other text", NULL);
	dnspkt_rr(&p, 1, "example.org", DNS_T_TXT, 300, rd, n);
	a = parse("example.org", DNS_T_TXT, &p);
	assert_int_equal(a->status, DNS_OK);
	assert_int_equal(a->count, 2);
	assert_string_equal(a->rr[0].u.txt.data, "v=spf1 ip4:192.0.2.0/24 -all");
	assert_int_equal(a->rr[0].u.txt.len, 28);
	assert_string_equal(a->rr[1].u.txt.data, "other text");
	dns_answer_unref(a);
}

static void
test_mx_compressed(void **state)
{
	struct dnspkt p;
	unsigned char rd[64];
	dns_answer *a;

	dnspkt_init(&p, 1, "example.net", DNS_T_MX, 0);
	/* preference 10, exchange "mx" + pointer to the qname at offset 12 */
	rd[0] = 0;
	rd[1] = 10;
	rd[2] = 2;
	rd[3] = 'm';
	rd[4] = 'x';
	rd[5] = 0xc0;
	rd[6] = 12;
	dnspkt_rr(&p, 1, "example.net", DNS_T_MX, 300, rd, 7);
	a = parse("example.net", DNS_T_MX, &p);
	assert_int_equal(a->status, DNS_OK);
	assert_int_equal(a->rr[0].u.mx.pref, 10);
	assert_string_equal(a->rr[0].u.mx.host, "mx.example.net");
	dns_answer_unref(a);
}

static void
test_cname_chain_in_reply(void **state)
{
	struct dnspkt p;
	unsigned char rd[256], ip[4] = { 198, 51, 100, 1 };
	size_t n;
	dns_answer *a;

	dnspkt_init(&p, 1, "www.example", DNS_T_A, 0);
	n = dnspkt_name(rd, "alias.example");
	dnspkt_rr(&p, 1, "www.example", DNS_T_CNAME, 100, rd, n);
	n = dnspkt_name(rd, "target.example");
	dnspkt_rr(&p, 1, "alias.example", DNS_T_CNAME, 50, rd, n);
	dnspkt_rr(&p, 1, "target.example", DNS_T_A, 300, ip, 4);
	a = parse("www.example", DNS_T_A, &p);
	assert_int_equal(a->status, DNS_OK);
	assert_int_equal(a->count, 1);
	assert_string_equal(a->canon, "target.example");
	assert_string_equal(a->name, "www.example");
	assert_int_equal(a->ttl, 50);
	dns_answer_unref(a);
}

static void
test_cname_unresolved(void **state)
{
	struct dnspkt p;
	unsigned char rd[256];
	size_t n;
	dns_answer *a;

	dnspkt_init(&p, 1, "www.example", DNS_T_TXT, 0);
	n = dnspkt_name(rd, "elsewhere.example.org");
	dnspkt_rr(&p, 1, "www.example", DNS_T_CNAME, 100, rd, n);
	a = parse("www.example", DNS_T_TXT, &p);
	assert_int_equal(a->status, DNS_NODATA);
	assert_string_equal(a->canon, "elsewhere.example.org");
	dns_answer_unref(a);
}

static void
test_cname_loop(void **state)
{
	struct dnspkt p;
	unsigned char rd[256];
	size_t n;
	dns_answer *a;

	dnspkt_init(&p, 1, "a.example", DNS_T_A, 0);
	n = dnspkt_name(rd, "b.example");
	dnspkt_rr(&p, 1, "a.example", DNS_T_CNAME, 100, rd, n);
	n = dnspkt_name(rd, "a.example");
	dnspkt_rr(&p, 1, "b.example", DNS_T_CNAME, 100, rd, n);
	a = parse("a.example", DNS_T_A, &p);
	assert_int_equal(a->status, DNS_TEMPFAIL);
	assert_non_null(strstr(a->error, "CNAME"));
	dns_answer_unref(a);
}

static void
test_nxdomain_negative_ttl(void **state)
{
	struct dnspkt p;
	unsigned char rd[256];
	size_t n;
	dns_answer *a;

	dnspkt_init(&p, 1, "nope.example", DNS_T_TXT, 3);
	n = dnspkt_soa(rd, 120);
	dnspkt_rr(&p, 2, "example", DNS_T_SOA, 3600, rd, n);
	a = parse("nope.example", DNS_T_TXT, &p);
	assert_int_equal(a->status, DNS_NXDOMAIN);
	assert_int_equal(a->ttl, 120);		/* min(SOA TTL, MINIMUM) */
	dns_answer_unref(a);

	dnspkt_init(&p, 1, "nope.example", DNS_T_TXT, 3);
	n = dnspkt_soa(rd, 7200);
	dnspkt_rr(&p, 2, "example", DNS_T_SOA, 30, rd, n);
	a = parse("nope.example", DNS_T_TXT, &p);
	assert_int_equal(a->ttl, 30);
	dns_answer_unref(a);
}

static void
test_nodata_without_soa(void **state)
{
	struct dnspkt p;
	dns_answer *a;

	dnspkt_init(&p, 1, "host.example", DNS_T_AAAA, 0);
	a = parse("host.example", DNS_T_AAAA, &p);
	assert_int_equal(a->status, DNS_NODATA);
	assert_int_equal(a->ttl, 0);		/* RFC 2308: do not cache */
	dns_answer_unref(a);
}

/* the table of replies that must become TEMPFAIL with a reason */
struct bad_case {
	const char	*name;
	const char	*why;		/* substring of the error */
	void		(*build)(struct dnspkt *);
	size_t		 cut;		/* shorten the packet to this length */
};

static void
build_servfail(struct dnspkt *p)
{
	dnspkt_init(p, 1, "q.example", DNS_T_A, 2);
}

static void
build_refused(struct dnspkt *p)
{
	dnspkt_init(p, 1, "q.example", DNS_T_A, 5);
}

static void
build_formerr(struct dnspkt *p)
{
	dnspkt_init(p, 1, "q.example", DNS_T_A, 1);
}

static void
build_truncated(struct dnspkt *p)
{
	dnspkt_init(p, 1, "q.example", DNS_T_A, 0);
	p->buf[2] |= 0x02;			/* TC */
}

static void
build_other_name(struct dnspkt *p)
{
	dnspkt_init(p, 1, "other.example", DNS_T_A, 0);
}

static void
build_other_type(struct dnspkt *p)
{
	dnspkt_init(p, 1, "q.example", DNS_T_MX, 0);
}

static void
build_not_reply(struct dnspkt *p)
{
	dnspkt_init(p, 1, "q.example", DNS_T_A, 0);
	p->buf[2] &= 0x7f;			/* QR = 0 */
}

static void
build_two_questions(struct dnspkt *p)
{
	dnspkt_init(p, 1, "q.example", DNS_T_A, 0);
	p->counts[0] = 2;
	dnspkt_finish(p);
}

static void
build_rdlen_overrun(struct dnspkt *p)
{
	unsigned char ip[4] = { 1, 2, 3, 4 };

	dnspkt_init(p, 1, "q.example", DNS_T_A, 0);
	dnspkt_rr(p, 1, "q.example", DNS_T_A, 300, ip, 4);
	p->buf[p->len - 5] = 200;		/* rdlength low byte */
}

static void
build_bad_a_len(struct dnspkt *p)
{
	unsigned char ip[5] = { 1, 2, 3, 4, 5 };

	dnspkt_init(p, 1, "q.example", DNS_T_A, 0);
	dnspkt_rr(p, 1, "q.example", DNS_T_A, 300, ip, 5);
}

static void
build_bad_txt(struct dnspkt *p)
{
	unsigned char rd[4] = { 10, 'a', 'b', 'c' };	/* says 10, has 3 */

	dnspkt_init(p, 1, "q.example", DNS_T_TXT, 0);
	dnspkt_rr(p, 1, "q.example", DNS_T_TXT, 300, rd, 4);
}

static void
build_pointer_loop(struct dnspkt *p)
{
	size_t off;

	dnspkt_init(p, 1, "q.example", DNS_T_A, 0);
	/* an answer whose owner name is a pointer to itself */
	off = p->len;
	p->buf[p->len++] = 0xc0;
	p->buf[p->len++] = (unsigned char)off;
	memset(p->buf + p->len, 0, 10);
	p->buf[p->len + 1] = DNS_T_A;
	p->buf[p->len + 3] = 1;
	p->len += 10;
	p->counts[1] = 1;
	dnspkt_finish(p);
}

static void
build_short(struct dnspkt *p)
{
	dnspkt_init(p, 1, "q.example", DNS_T_A, 0);
}

static const struct bad_case bad_cases[] = {
	{ "servfail", "SERVFAIL", build_servfail, 0 },
	{ "refused", "REFUSED", build_refused, 0 },
	{ "formerr", "error code", build_formerr, 0 },
	{ "truncated", "truncated", build_truncated, 0 },
	{ "other name", "another question", build_other_name, 0 },
	{ "other type", "another question", build_other_type, 0 },
	{ "not a reply", "not a reply", build_not_reply, 0 },
	{ "two questions", "exactly one question", build_two_questions, 0 },
	{ "rdlength overrun", "malformed", build_rdlen_overrun, 0 },
	{ "A of 5 bytes", "malformed", build_bad_a_len, 0 },
	{ "bad TXT string", "malformed", build_bad_txt, 0 },
	{ "pointer loop", "malformed", build_pointer_loop, 0 },
	{ "header only", "shorter", build_short, 5 },
	{ "cut question", "malformed question", build_short, 16 },
};

static void
test_bad_replies(void **state)
{
	struct dnspkt p;
	dns_answer *a;
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		bad_cases[i].build(&p);
		if (bad_cases[i].cut)
			p.len = bad_cases[i].cut;
		a = parse("q.example", DNS_T_A, &p);
		if (bad_cases[i].build == build_bad_txt) {
			dns_answer_unref(a);
			a = parse("q.example", DNS_T_TXT, &p);
		}
		if (a->status != DNS_TEMPFAIL || a->error == NULL ||
		    strstr(a->error, bad_cases[i].why) == NULL)
			fail_msg("case %s: status %s error %s", bad_cases[i].name,
			    dns_status_name(a->status), a->error ? a->error : "-");
		dns_answer_unref(a);
	}
}

static void
test_question_case_insensitive(void **state)
{
	struct dnspkt p;
	unsigned char ip[4] = { 192, 0, 2, 1 };
	dns_answer *a;

	dnspkt_init(&p, 1, "HoSt.ExAmple", DNS_T_A, 0);
	dnspkt_rr(&p, 1, "HOST.example", DNS_T_A, 300, ip, 4);
	a = parse("host.example", DNS_T_A, &p);
	assert_int_equal(a->status, DNS_OK);
	assert_int_equal(a->count, 1);
	dns_answer_unref(a);
}

/* random garbage after a valid header never crashes the parser */
static void
test_garbage_never_crashes(void **state)
{
	struct dnspkt p;
	dns_answer *a;
	unsigned seed;
	size_t i, j, len;

	seed = 12345;
	for (i = 0; i < 20000; i++) {
		dnspkt_init(&p, 1, "q.example", DNS_T_TXT, 0);
		len = p.len + (rand_r(&seed) % 300);
		for (j = p.len; j < len; j++)
			p.buf[j] = (unsigned char)rand_r(&seed);
		p.len = len;
		p.counts[1] = (unsigned)(rand_r(&seed) % 8);
		p.counts[2] = (unsigned)(rand_r(&seed) % 3);
		dnspkt_finish(&p);
		a = parse("q.example", DNS_T_TXT, &p);
		assert_non_null(a);
		assert_true(a->status == DNS_OK || a->status == DNS_NODATA ||
		    a->status == DNS_TEMPFAIL);
		dns_answer_unref(a);
	}
}

struct name_case {
	const char	*in;
	const char	*out;		/* NULL: must be refused */
};

static const struct name_case name_cases[] = {
	{ "Example.COM", "example.com" },
	{ "example.com.", "example.com" },
	{ "_spf.example.com", "_spf.example.com" },
	{ "", NULL },
	{ ".", NULL },
	{ "a..b", NULL },
	{ ".a", NULL },
	/* any byte but control characters and "\\" (SPF macros make such
	 * names, e.g. "macro%percent  space.example") */
	{ "a b.example", "a b.example" },
	{ "a%20b:c/d.example", "a%20b:c/d.example" },
	{ "a\\.b.example", NULL },
	{ "tab\t.example", NULL },
	{ "ctl\x01.example", NULL },
	{ "del\x7f.example", NULL },
	{ "8bit\xc3\xa9.example", "8bit\xc3\xa9.example" },
	{ "xn--bcher-kva.example", "xn--bcher-kva.example" },
};

/* names with the bytes SPF macros put there ($ ( ) @ " ; and 8-bit)
 * come back as asked: c-ares' name expansion escaped them, and every such
 * answer looked like a reply to another question */
static void
test_special_characters_in_names(void **state)
{
	static const char *const names[] = {
		"a$b.example", "x(y)z.example", "u@v.example", "q\"r.example",
		"s;t.example", "%{l}.spf.example", "caf\xc3\xa9.example",
		"a b.example"
	};
	unsigned char ip[4] = { 192, 0, 2, 7 }, rd[64];
	struct dnspkt p;
	dns_answer *a;
	size_t i, n;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		dnspkt_init(&p, 1, names[i], DNS_T_A, 0);
		dnspkt_rr(&p, 1, names[i], DNS_T_A, 300, ip, 4);
		a = parse(names[i], DNS_T_A, &p);
		if (a->status != DNS_OK || a->count != 1)
			fail_msg("%s: %s", names[i], a->error ? a->error : "?");
		dns_answer_unref(a);
	}
	/* and as the target of a CNAME and an MX */
	dnspkt_init(&p, 1, "alias.example", DNS_T_A, 0);
	n = dnspkt_name(rd, "t$(x).example");
	dnspkt_rr(&p, 1, "alias.example", DNS_T_CNAME, 300, rd, n);
	dnspkt_rr(&p, 1, "t$(x).example", DNS_T_A, 300, ip, 4);
	a = parse("alias.example", DNS_T_A, &p);
	assert_int_equal(a->status, DNS_OK);
	assert_string_equal(a->canon, "t$(x).example");
	dns_answer_unref(a);
	dnspkt_init(&p, 1, "example.net", DNS_T_MX, 0);
	rd[0] = 0;
	rd[1] = 5;
	n = dnspkt_name(rd + 2, "m@x;1.example.net");
	dnspkt_rr(&p, 1, "example.net", DNS_T_MX, 300, rd, n + 2);
	a = parse("example.net", DNS_T_MX, &p);
	assert_int_equal(a->status, DNS_OK);
	assert_string_equal(a->rr[0].u.mx.host, "m@x;1.example.net");
	dns_answer_unref(a);
}

/* a dot, a backslash or a control byte inside one label: written with a
 * backslash, so the answer can never pass for the question "a.b.example" */
static void
test_label_bytes_no_question_holds(void **state)
{
	struct dnspkt p;
	unsigned char rd[64];
	dns_answer *a;

	/* question "a.b.example" asked, answer for the one label "a.b" */
	dnspkt_init(&p, 1, "x.example", DNS_T_MX, 0);
	rd[0] = 0;
	rd[1] = 1;
	memcpy(rd + 2, "\003a.b\003x\\y\002\001z\007example\0", 20);
	dnspkt_rr(&p, 1, "x.example", DNS_T_MX, 300, rd, 22);
	a = parse("x.example", DNS_T_MX, &p);
	assert_int_equal(a->status, DNS_OK);
	assert_string_equal(a->rr[0].u.mx.host, "a\\.b.x\\\\y.\\001z.example");
	dns_answer_unref(a);
}

/* compression pointers that point forwards or at themselves: malformed,
 * never a loop */
static void
test_compression_forward_pointer(void **state)
{
	struct dnspkt p;
	unsigned char rd[8];
	dns_answer *a;

	dnspkt_init(&p, 1, "example.net", DNS_T_MX, 0);
	rd[0] = 0;
	rd[1] = 10;
	rd[2] = 0xc0;
	rd[3] = 0xff;				/* far forwards */
	dnspkt_rr(&p, 1, "example.net", DNS_T_MX, 300, rd, 4);
	a = parse("example.net", DNS_T_MX, &p);
	assert_int_equal(a->status, DNS_TEMPFAIL);
	dns_answer_unref(a);
	dnspkt_init(&p, 1, "example.net", DNS_T_MX, 0);
	rd[2] = 0xc0;
	rd[3] = 0;				/* patched to point at itself */
	dnspkt_rr(&p, 1, "example.net", DNS_T_MX, 300, rd, 4);
	p.buf[p.len - 1] = (unsigned char)(p.len - 2);
	a = parse("example.net", DNS_T_MX, &p);
	assert_int_equal(a->status, DNS_TEMPFAIL);
	dns_answer_unref(a);
}

static void
test_name_normalize(void **state)
{
	char label[80], longname[300];
	const char *why;
	size_t i;
	str out;

	str_init(&out);
	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		if (name_cases[i].out == NULL) {
			if (dns_name_normalize(name_cases[i].in, &out, &why) == 0)
				fail_msg("accepted \"%s\"", name_cases[i].in);
		} else {
			assert_int_equal(dns_name_normalize(name_cases[i].in,
			    &out, &why), 0);
			assert_string_equal(str_cstr(&out), name_cases[i].out);
		}
	}
	memset(label, 'a', 63);
	label[63] = '\0';
	snprintf(longname, sizeof(longname), "%s.example", label);
	assert_int_equal(dns_name_normalize(longname, &out, &why), 0);
	memset(label, 'a', 64);
	label[64] = '\0';
	snprintf(longname, sizeof(longname), "%s.example", label);
	assert_int_equal(dns_name_normalize(longname, &out, &why), -1);
	assert_non_null(strstr(why, "63"));
	memset(longname, 'a', 260);
	for (i = 10; i < 260; i += 10)
		longname[i] = '.';
	longname[260] = '\0';
	assert_int_equal(dns_name_normalize(longname, &out, &why), -1);
	assert_non_null(strstr(why, "253"));
	str_free(&out);
}

struct servers_case {
	const char	*in;
	const char	*csv;		/* NULL: must be refused */
};

static const struct servers_case servers_cases[] = {
	{ "127.0.0.1", "127.0.0.1:53" },
	{ "127.0.0.1:5300", "127.0.0.1:5300" },
	{ "[::1]:5300", "[::1]:5300" },
	{ "::1", "[::1]:53" },
	{ "[2001:db8::1]", "[2001:db8::1]:53" },
	{ "192.0.2.1, 192.0.2.2:54", "192.0.2.1:53,192.0.2.2:54" },
	{ "192.0.2.1 [::1]:5353", "192.0.2.1:53,[::1]:5353" },
	{ "", NULL },
	{ "localhost", NULL },
	{ "127.0.0.1:0", NULL },
	{ "127.0.0.1:65536", NULL },
	{ "127.0.0.1:x", NULL },
	{ "[::1", NULL },
	{ "[::1]x", NULL },
	{ "300.1.1.1", NULL },
};

static void
test_servers_parse(void **state)
{
	str csv, err;
	size_t i;

	str_init(&csv);
	str_init(&err);
	for (i = 0; i < sizeof(servers_cases) / sizeof(servers_cases[0]); i++) {
		if (servers_cases[i].csv == NULL) {
			if (dns_servers_parse(servers_cases[i].in, &csv, &err) == 0)
				fail_msg("accepted \"%s\"", servers_cases[i].in);
			assert_true(err.len > 0);
		} else {
			if (dns_servers_parse(servers_cases[i].in, &csv, &err) != 0)
				fail_msg("refused \"%s\": %s", servers_cases[i].in,
				    str_cstr(&err));
			assert_string_equal(str_cstr(&csv), servers_cases[i].csv);
		}
	}
	str_free(&csv);
	str_free(&err);
}

static void
test_wire_round_trip(void **state)
{
	unsigned char buf[4096];
	dns_answer *a, *b;
	char big[600];
	long n;

	/* a TXT answer with a string longer than 255 bytes, re-parsed */
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	a = dns_answer_new("s._domainkey.example.com", DNS_T_TXT, DNS_OK, NULL);
	a->rr = calloc(2, sizeof(dns_rr));
	a->rr[0].type = a->rr[1].type = DNS_T_TXT;
	a->rr[0].ttl = a->rr[1].ttl = 300;
	a->rr[0].u.txt.data = strdup(big);
	a->rr[0].u.txt.len = strlen(big);
	a->rr[1].u.txt.data = strdup("");
	a->rr[1].u.txt.len = 0;
	a->count = 2;
	n = dns_answer_wire(a, "s._domainkey.example.com", DNS_T_TXT, buf,
	    sizeof(buf));
	assert_true(n > 600);
	b = dns_answer_parse("s._domainkey.example.com", DNS_T_TXT, buf,
	    (size_t)n);
	assert_int_equal(b->status, DNS_OK);
	assert_int_equal(b->count, 2);
	assert_int_equal(b->rr[0].u.txt.len, strlen(big));
	assert_memory_equal(b->rr[0].u.txt.data, big, strlen(big));
	assert_int_equal(b->rr[1].u.txt.len, 0);
	dns_answer_unref(b);
	/* too small a buffer: -1, never an overflow */
	assert_int_equal(dns_answer_wire(a, "s._domainkey.example.com",
	    DNS_T_TXT, buf, 100), -1);
	dns_answer_unref(a);

	/* NXDOMAIN and NODATA keep their meaning */
	a = dns_answer_new("x.example", DNS_T_TXT, DNS_NXDOMAIN, NULL);
	n = dns_answer_wire(a, "x.example", DNS_T_TXT, buf, sizeof(buf));
	b = dns_answer_parse("x.example", DNS_T_TXT, buf, (size_t)n);
	assert_int_equal(b->status, DNS_NXDOMAIN);
	dns_answer_unref(a);
	dns_answer_unref(b);
	a = dns_answer_new("x.example", DNS_T_TXT, DNS_NODATA, NULL);
	n = dns_answer_wire(a, "x.example", DNS_T_TXT, buf, sizeof(buf));
	b = dns_answer_parse("x.example", DNS_T_TXT, buf, (size_t)n);
	assert_int_equal(b->status, DNS_NODATA);
	dns_answer_unref(a);
	dns_answer_unref(b);
	/* failures have no wire form */
	a = dns_answer_new("x.example", DNS_T_TXT, DNS_TEMPFAIL, "timeout");
	assert_int_equal(dns_answer_wire(a, "x.example", DNS_T_TXT, buf,
	    sizeof(buf)), -1);
	dns_answer_unref(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_records),
		cmocka_unit_test(test_txt_joined),
		cmocka_unit_test(test_mx_compressed),
		cmocka_unit_test(test_cname_chain_in_reply),
		cmocka_unit_test(test_cname_unresolved),
		cmocka_unit_test(test_cname_loop),
		cmocka_unit_test(test_nxdomain_negative_ttl),
		cmocka_unit_test(test_nodata_without_soa),
		cmocka_unit_test(test_bad_replies),
		cmocka_unit_test(test_question_case_insensitive),
		cmocka_unit_test(test_garbage_never_crashes),
		cmocka_unit_test(test_special_characters_in_names),
		cmocka_unit_test(test_label_bytes_no_question_holds),
		cmocka_unit_test(test_compression_forward_pointer),
		cmocka_unit_test(test_name_normalize),
		cmocka_unit_test(test_servers_parse),
		cmocka_unit_test(test_wire_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
