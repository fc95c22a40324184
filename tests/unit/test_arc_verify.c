/*
 * test_arc_verify - ARC canonicalization, tag lists and key records
 * (table driven), then chains sealed by authgate with RSA and Ed25519
 * keys made here and validated with the keys served by the in-memory DNS
 * backend: one set, a set on top of it, a changed body, header or seal,
 * a broken set, a key that is revoked, missing, too short or whose lookup
 * fails, hostile chains (60 sets, instance 0, duplicates, garbage tags,
 * a huge header), and sealing refused on a chain already marked failed.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "util/deadline.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "arc/arc_canon.h"
#include "arc/arc_key.h"
#include "arc/arc_seal.h"
#include "arc/arc_tags.h"
#include "arc/arc_verify.h"

static const struct dns_options mem_opts = { NULL, 1000, 1, 0, 0, 0 };

/* --- canonicalization --- */

struct body_case {
	int		 relaxed;
	const char	*in;
	const char	*canon;
};

static const struct body_case body_cases[] = {
	{ 0, "", "\r\n" },
	{ 1, "", "" },
	{ 0, "\r\n\r\n", "\r\n" },
	{ 1, "\r\n \r\n\t\r\n", "" },
	{ 0, "a  b \r\n\r\n\r\n", "a  b \r\n" },
	{ 1, "a  b \r\n\r\n\r\n", "a b\r\n" },
	{ 0, "no end", "no end\r\n" },
	{ 1, " lead\t tab ", " lead tab\r\n" },
	{ 1, "x\r\n  \r\ny\r\n", "x\r\n\r\ny\r\n" },
	{ 0, "bare\nlf\n", "bare\r\nlf\r\n" },
	{ 0, "cr\ralone\r\n", "cr\ralone\r\n" },
	{ 1, "end cr\r", "end cr\r\r\n" },
};

/* sha256_of - the digest of a string */
static void
sha256_of(const char *s, unsigned char *d, unsigned *len)
{
	(void)EVP_Digest(s, strlen(s), d, len, EVP_sha256(), NULL);
}

/* test_body - each body's hash is the hash of its canonical form, also
 * when fed one byte at a time */
static void
test_body(void **state)
{
	struct arc_body b;
	unsigned char want[EVP_MAX_MD_SIZE], got[EVP_MAX_MD_SIZE];
	unsigned wl, gl;
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(body_cases) / sizeof(body_cases[0]); i++) {
		const struct body_case *c = &body_cases[i];

		sha256_of(c->canon, want, &wl);
		assert_int_equal(arc_body_init(&b, c->relaxed, EVP_sha256(),
		    -1), 0);
		arc_body_update(&b, (const unsigned char *)c->in,
		    strlen(c->in));
		arc_body_final(&b, got, &gl);
		arc_body_free(&b);
		if (gl != wl || memcmp(got, want, wl) != 0)
			fail_msg("body case %zu (%s) differs", i,
			    c->relaxed ? "relaxed" : "simple");
		assert_int_equal(arc_body_init(&b, c->relaxed, EVP_sha256(),
		    -1), 0);
		for (j = 0; c->in[j] != '\0'; j++)
			arc_body_update(&b, (const unsigned char *)c->in + j, 1);
		arc_body_final(&b, got, &gl);
		arc_body_free(&b);
		assert_memory_equal(got, want, wl);
	}
	/* l=: only that many canonical bytes */
	sha256_of("abc", want, &wl);
	assert_int_equal(arc_body_init(&b, 0, EVP_sha256(), 3), 0);
	arc_body_update(&b, (const unsigned char *)"abcdef\r\n", 8);
	arc_body_final(&b, got, &gl);
	arc_body_free(&b);
	assert_memory_equal(got, want, wl);
}

/* test_header - relaxed and simple forms of one field */
static void
test_header(void **state)
{
	static const struct {
		int		 relaxed;
		const char	*name, *value, *want;
	} cases[] = {
		{ 1, "SubJect ", " \t Hello \n\t  World  ", "subject:Hello World" },
		{ 0, "SubJect", " Hello\n\tWorld", "SubJect: Hello\r\n\tWorld" },
		{ 0, "X", " a\r\n b", "X: a\r\n b" },
		{ 1, "X", "", "x:" },
	};
	str out;
	size_t i;

	(void)state;
	str_init(&out);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		str_reset(&out);
		arc_canon_header(&out, cases[i].name, cases[i].value,
		    strlen(cases[i].value), cases[i].relaxed, 0);
		assert_string_equal(str_cstr(&out), cases[i].want);
	}
	str_reset(&out);
	arc_canon_strip_b("a=rsa-sha256; bh=Zm9v; b = c2ln\r\n\tbmF0; d=x",
	    &out);
	assert_string_equal(str_cstr(&out), "a=rsa-sha256; bh=Zm9v; b =; d=x");
	str_free(&out);
}

/* --- tag lists --- */

/* test_tags - the grammar of RFC 6376 3.2 */
static void
test_tags(void **state)
{
	static const struct {
		const char	*list;
		int		 ok;
		const char	*why;
	} cases[] = {
		{ "a=1; b = 2 ;c=", 1, NULL },
		{ "a=1;", 1, NULL },
		{ "a=1;;b=2", 0, "empty element" },
		{ ";", 0, "empty element" },
		{ "a", 0, "without \"=\"" },
		{ "1a=x", 0, "not a name" },
		{ "a-b=x", 0, "not a name" },
		{ "a=1; a=2", 0, "twice" },
		{ "a=\x01", 0, "byte 0x01" },
		{ "a=\xc3\xa9", 0, "byte 0xc3" },
	};
	struct arc_tags t;
	str why;
	size_t i;

	(void)state;
	str_init(&why);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		str_reset(&why);
		str_append(&why, "");
		assert_int_equal(arc_tags_parse(&t, cases[i].list, &why) == 0,
		    cases[i].ok);
		if (!cases[i].ok && strstr(str_cstr(&why), cases[i].why) ==
		    NULL)
			fail_msg("\"%s\": %s", cases[i].list, str_cstr(&why));
		arc_tags_free(&t);
	}
	assert_int_equal(arc_tags_parse(&t, "a=1; b = 2 ;c=", &why), 0);
	assert_string_equal(arc_tags_get(&t, "b"), "2");
	assert_string_equal(arc_tags_get(&t, "c"), "");
	assert_null(arc_tags_get(&t, "B"));
	arc_tags_free(&t);
	str_free(&why);
}

/* --- keys --- */

/* new_rsa - an RSA key of bits */
static EVP_PKEY *
new_rsa(unsigned bits)
{
	EVP_PKEY *k = EVP_RSA_gen(bits);

	assert_non_null(k);
	return k;
}

/* new_ed25519 - an Ed25519 key */
static EVP_PKEY *
new_ed25519(void)
{
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *k = NULL;

	ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
	assert_int_equal(EVP_PKEY_keygen(ctx, &k), 1);
	EVP_PKEY_CTX_free(ctx);
	return k;
}

/* key_record - the DKIM key record of a key */
static void
key_record(EVP_PKEY *k, str *out)
{
	unsigned char *der = NULL, raw[32], b64[2048];
	size_t rl = sizeof(raw);
	int n;

	str_reset(out);
	if (EVP_PKEY_base_id(k) == EVP_PKEY_ED25519) {
		assert_int_equal(EVP_PKEY_get_raw_public_key(k, raw, &rl), 1);
		(void)EVP_EncodeBlock(b64, raw, (int)rl);
		str_appendf(out, "v=DKIM1; k=ed25519; p=%s", (char *)b64);
		return;
	}
	n = i2d_PUBKEY(k, &der);
	assert_true(n > 0 && (size_t)n * 4 / 3 + 4 < sizeof(b64));
	(void)EVP_EncodeBlock(b64, der, n);
	OPENSSL_free(der);
	str_appendf(out, "v=DKIM1; k=rsa; p=%s", (char *)b64);
}

/* test_keys - usable and unusable key records */
static void
test_keys(void **state)
{
	static const struct {
		const char	*rec, *why;
	} cases[] = {
		{ "v=DKIM1; p=", "revoked" },
		{ "v=DKIM2; p=AAAA", "v= is not DKIM1" },
		{ "k=rsa; v=DKIM1; p=AAAA", "v= is not DKIM1 first" },
		{ "v=DKIM1; k=dsa; p=AAAA", "k= is neither" },
		{ "v=DKIM1; h=sha1; p=AAAA", "h= does not allow sha256" },
		{ "v=DKIM1; s=tlsrpt; p=AAAA", "s= is not for email" },
		{ "v=DKIM1; p=!!!!", "not base64" },
		{ "v=DKIM1; p=AAAA", "not an RSA key" },
		{ "v=DKIM1; k=ed25519; p=AAAA", "not 32 bytes" },
		{ "v=DKIM1", "no p=" },
		{ "v=DKIM1; p", "without \"=\"" },
	};
	EVP_PKEY *rsa, *small, *ed, *k;
	str rec, why, bad;
	size_t i;

	(void)state;
	str_init(&rec);
	str_init(&why);
	str_init(&bad);
	rsa = new_rsa(1024);
	small = new_rsa(512);
	ed = new_ed25519();
	key_record(rsa, &rec);
	assert_int_equal(arc_key_parse(rec.buf, rec.len, &k, &why), 0);
	EVP_PKEY_free(k);
	key_record(ed, &rec);
	assert_int_equal(arc_key_parse(rec.buf, rec.len, &k, &why), 0);
	EVP_PKEY_free(k);
	key_record(small, &rec);
	assert_int_equal(arc_key_parse(rec.buf, rec.len, &k, &why), -1);
	assert_non_null(strstr(str_cstr(&why), "512 bits"));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		str_reset(&why);
		str_append(&why, "");
		assert_int_equal(arc_key_parse(cases[i].rec,
		    strlen(cases[i].rec), &k, &why), -1);
		assert_null(k);
		if (strstr(str_cstr(&why), cases[i].why) == NULL)
			fail_msg("\"%s\": %s", cases[i].rec, str_cstr(&why));
	}
	/* a NUL inside the record */
	assert_int_equal(arc_key_parse("v=DKIM1\0; p=AAAA", 16, &k, &why), -1);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(small);
	EVP_PKEY_free(ed);
	str_free(&rec);
	str_free(&why);
	str_free(&bad);
}

/* --- chains --- */

#define MSG_HEADER \
	"Received: by mx.example; Thu, 1 Jan 2026 00:00:00 +0000\n" \
	"From: Ann <ann@d1.example>\n" \
	"To: list@lists.example\n" \
	"Subject: [list] hello\n" \
	"Date: Thu, 1 Jan 2026 00:00:00 +0000\n" \
	"Message-ID: <1@d1.example>\n"
#define MSG_BODY	"Hello,\r\nthe  body.\r\n\r\n"

struct msg {
	struct arc_header	 h[256];
	size_t			 n;
	str			 body;
};

/* msg_init - a message from header lines ("Name: value\n", folded
 * lines start with white space) and a body */
static void
msg_init(struct msg *m, const char *header, const char *body)
{
	const char *p, *end, *colon;

	memset(m, 0, sizeof(*m));
	for (p = header; *p != '\0'; p = end + 1) {
		for (end = p; ; end++) {
			end = strchr(end, '\n');
			if (end[1] != ' ' && end[1] != '\t')
				break;
		}
		colon = strchr(p, ':');
		m->h[m->n].name = mem_strndup(p, (size_t)(colon - p));
		m->h[m->n].value = mem_strndup(colon + 1,
		    (size_t)(end - colon - 1));
		m->h[m->n].len = (size_t)(end - colon - 1);
		m->n++;
	}
	str_init(&m->body);
	str_append(&m->body, body);
}

/* msg_top - a field added above the others */
static void
msg_top(struct msg *m, const char *name, const char *value)
{
	assert_true(m->n < 256);
	memmove(&m->h[1], &m->h[0], m->n * sizeof(m->h[0]));
	m->h[0].name = mem_strdup(name);
	m->h[0].value = mem_strdup(value);
	m->h[0].len = strlen(value);
	m->n++;
}

/* msg_set - replace the value of the i-th field */
static void
msg_set(struct msg *m, size_t i, const char *value)
{
	mem_free(m->h[i].value);
	m->h[i].value = mem_strdup(value);
	m->h[i].len = strlen(value);
}

/* msg_find - the index of the first field of a name */
static size_t
msg_find(const struct msg *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->h[i].name, name) == 0)
			return i;
	fail_msg("no %s field", name);
	return 0;
}

/* msg_free - release the message */
static void
msg_free(struct msg *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		mem_free(m->h[i].name);
		mem_free(m->h[i].value);
	}
	str_free(&m->body);
}

/* feed - a verifier over the message */
static arc_verifier *
feed(const struct msg *m, dns_resolver *res, int keep)
{
	arc_verifier *v;
	size_t i;

	v = arc_verifier_new(res, keep);
	for (i = 0; i < m->n; i++)
		arc_verifier_header(v, m->h[i].name, m->h[i].value,
		    m->h[i].len);
	(void)arc_verifier_body(v, (const unsigned char *)m->body.buf,
	    m->body.len);
	return v;
}

static int last_temporary;	/* of the last validate() */

/* validate - the chain validation status of the message */
static enum arc_cv
validate(const struct msg *m, dns_resolver *res, str *why,
    unsigned *oldest)
{
	struct arc_result r;
	arc_verifier *v;
	enum arc_cv cv;

	v = feed(m, res, 0);
	arc_verifier_end(v, deadline_in(1000), &r);
	cv = r.cv;
	last_temporary = r.temporary;
	str_reset(why);
	str_append(why, r.why);
	if (oldest != NULL)
		*oldest = r.oldest_pass;
	arc_verifier_free(v);
	return cv;
}

/* seal - add a set sealed by domain with key; the seal() return */
static int
seal(struct msg *m, dns_resolver *res, EVP_PKEY *key, const char *domain,
    const char *results)
{
	struct arc_seal_params p;
	struct arc_sealed out;
	struct arc_result r;
	arc_verifier *v;
	str why;
	int rc;

	str_init(&why);
	v = feed(m, res, 1);
	arc_verifier_end(v, deadline_in(1000), &r);
	memset(&p, 0, sizeof(p));
	p.key = key;
	p.domain = domain;
	p.selector = "s1";
	p.headers = "from:to:subject:date:message-id:x-absent";
	p.authserv_id = domain;
	p.results = results;
	p.t = 1700000000;
	rc = arc_seal(&p, v, &r, &out, &why);
	if (rc == 1) {
		msg_top(m, "ARC-Authentication-Results", str_cstr(&out.aar));
		msg_top(m, "ARC-Message-Signature", str_cstr(&out.ams));
		msg_top(m, "ARC-Seal", str_cstr(&out.as));
		assert_non_null(strstr(str_cstr(&out.ams),
		    "h=from:to:subject:date:message-id;"));
	}
	if (rc >= 0)
		arc_sealed_free(&out);
	arc_verifier_free(v);
	str_free(&why);
	return rc;
}

struct keys {
	EVP_PKEY	*rsa, *ed, *rsa2;
	dns_mem		*zone;
	dns_resolver	*res;
};

/* keys_setup - keys for a.example (RSA 2048), b.example (Ed25519) and
 * c.example (RSA 1024), revoked.example, short.example (512 bits),
 * and a key lookup that fails at tempfail.example */
static int
keys_setup(void **state)
{
	struct keys *k;
	EVP_PKEY *small;
	str rec;

	k = mem_calloc(1, sizeof(*k));
	str_init(&rec);
	k->rsa = new_rsa(2048);
	k->ed = new_ed25519();
	k->rsa2 = new_rsa(1024);
	small = new_rsa(512);
	k->zone = dns_mem_create();
	key_record(k->rsa, &rec);
	dns_mem_add_txt(k->zone, "s1._domainkey.a.example", DNS_T_TXT, rec.buf,
	    rec.len);
	key_record(k->ed, &rec);
	dns_mem_add_txt(k->zone, "s1._domainkey.b.example", DNS_T_TXT, rec.buf,
	    rec.len);
	key_record(k->rsa2, &rec);
	dns_mem_add_txt(k->zone, "s1._domainkey.c.example", DNS_T_TXT, rec.buf,
	    rec.len);
	dns_mem_add_txt(k->zone, "s1._domainkey.revoked.example", DNS_T_TXT,
	    "v=DKIM1; p=", 11);
	key_record(small, &rec);
	dns_mem_add_txt(k->zone, "s1._domainkey.short.example", DNS_T_TXT,
	    rec.buf, rec.len);
	dns_mem_set_fault(k->zone, "s1._domainkey.tempfail.example", 0,
	    DNS_TEMPFAIL);
	k->res = dns_resolver_create_mem(k->zone, &mem_opts);
	EVP_PKEY_free(small);
	str_free(&rec);
	*state = k;
	return 0;
}

/* keys_teardown - release the keys */
static int
keys_teardown(void **state)
{
	struct keys *k = *state;

	EVP_PKEY_free(k->rsa);
	EVP_PKEY_free(k->ed);
	EVP_PKEY_free(k->rsa2);
	dns_resolver_unref(k->res);
	dns_mem_free(k->zone);
	mem_free(k);
	return 0;
}

/* test_round_trip - sealed by one hop (RSA), then another (Ed25519),
 * then a third (RSA 1024): each time the chain passes */
static void
test_round_trip(void **state)
{
	struct keys *k = *state;
	struct msg m;
	unsigned oldest;
	str why;

	str_init(&why);
	msg_init(&m, MSG_HEADER, MSG_BODY);
	assert_int_equal(validate(&m, k->res, &why, NULL), ARC_CV_NONE);
	assert_int_equal(seal(&m, k->res, k->rsa, "a.example",
	    "spf=pass smtp.mailfrom=d1.example; dmarc=pass header.from="
	    "d1.example"), 1);
	assert_int_equal(validate(&m, k->res, &why, &oldest), ARC_CV_PASS);
	assert_int_equal(oldest, 0);
	assert_non_null(strstr(m.h[0].value, "cv=none"));
	assert_int_equal(seal(&m, k->res, k->ed, "b.example", "arc=pass"),
	    1);
	assert_non_null(strstr(m.h[0].value, "a=ed25519-sha256"));
	assert_non_null(strstr(m.h[0].value, "cv=pass"));
	assert_int_equal(validate(&m, k->res, &why, &oldest), ARC_CV_PASS);
	assert_int_equal(oldest, 0);
	/* a list changes the subject: set 2's AMS no longer verifies, the
	 * next hop seals what it got, and oldest-pass says so */
	msg_set(&m, msg_find(&m, "Subject"), " [other] hello");
	assert_int_equal(validate(&m, k->res, &why, NULL), ARC_CV_FAIL);
	assert_non_null(strstr(str_cstr(&why), "ARC-Message-Signature with "
	    "i=2 does not verify"));
	msg_free(&m);
	str_free(&why);
}

/* test_oldest_pass - a list that validated the chain, then added a
 * footer and sealed: the chain passes, set 1's AMS no longer verifies
 * (oldest-pass 2); a hop that seals a changed message without having
 * validated it first marks the chain failed, and nothing more is added */
static void
test_oldest_pass(void **state)
{
	struct keys *k = *state;
	struct arc_seal_params p;
	struct arc_sealed out;
	struct arc_result r1, r2;
	arc_verifier *v1, *v2;
	struct msg m;
	unsigned oldest;
	str why;

	str_init(&why);
	msg_init(&m, MSG_HEADER, MSG_BODY);
	assert_int_equal(seal(&m, k->res, k->rsa, "a.example", "spf=pass"),
	    1);
	v1 = feed(&m, k->res, 0);
	arc_verifier_end(v1, deadline_in(1000), &r1);
	assert_int_equal(r1.cv, ARC_CV_PASS);
	str_append(&m.body, "-- footer of the list\r\n");
	v2 = feed(&m, k->res, 1);
	arc_verifier_end(v2, deadline_in(1000), &r2);
	assert_int_equal(r2.cv, ARC_CV_FAIL);
	memset(&p, 0, sizeof(p));
	p.key = k->ed;
	p.domain = "b.example";
	p.selector = "s1";
	p.headers = "from:subject";
	p.authserv_id = "b.example";
	p.results = "arc=pass";
	p.t = 1700000001;
	/* sealed with what it found before it changed the message */
	assert_int_equal(arc_seal(&p, v2, &r1, &out, &why), 1);
	msg_top(&m, "ARC-Authentication-Results", str_cstr(&out.aar));
	msg_top(&m, "ARC-Message-Signature", str_cstr(&out.ams));
	msg_top(&m, "ARC-Seal", str_cstr(&out.as));
	arc_sealed_free(&out);
	arc_verifier_free(v1);
	arc_verifier_free(v2);
	assert_int_equal(validate(&m, k->res, &why, &oldest), ARC_CV_PASS);
	assert_int_equal(oldest, 2);
	msg_free(&m);

	msg_init(&m, MSG_HEADER, MSG_BODY);
	assert_int_equal(seal(&m, k->res, k->rsa, "a.example", "spf=pass"),
	    1);
	str_append(&m.body, "-- footer\r\n");
	assert_int_equal(seal(&m, k->res, k->rsa2, "c.example", "arc=fail"),
	    1);
	assert_non_null(strstr(m.h[0].value, "cv=fail"));
	assert_int_equal(validate(&m, k->res, &why, NULL), ARC_CV_FAIL);
	assert_non_null(strstr(str_cstr(&why), "says cv=fail"));
	assert_int_equal(seal(&m, k->res, k->rsa, "a.example", "arc=fail"), 0);
	msg_free(&m);
	str_free(&why);
}

/* test_tampered - one change anywhere breaks the chain, with the rule */
static void
test_tampered(void **state)
{
	static const struct {
		const char	*field;		/* whose value changes */
		const char	*from, *to;
		const char	*why;
	} cases[] = {
		{ "ARC-Authentication-Results", "spf=pass", "spf=fail",
		  "ARC-Seal with i=2 does not verify" },
		{ "ARC-Seal", "cv=pass", "cv=none", "cv=none, not pass" },
		{ "ARC-Seal", "d=b.example", "d=c.example",
		  "ARC-Seal with i=2 does not verify" },
		{ "ARC-Message-Signature", "c=relaxed/relaxed",
		  "c=simple/simple", "ARC-Message-Signature with i=2 does not "
		  "verify" },
		{ "ARC-Seal", "a=ed25519-sha256", "a=rsa-sha1",
		  "SHA-1 is not allowed" },
		{ "ARC-Seal", "s=s1", "s=s1; h=from", "an h= (an ARC-Seal" },
		{ "ARC-Seal", "s=s1", "s=s1; s=s2", "the tag s= twice" },
		{ "ARC-Seal", "d=b.example", "d=revoked.example", "revoked" },
		{ "ARC-Seal", "d=b.example", "d=short.example", "512 bits" },
		{ "ARC-Seal", "d=b.example", "d=nokey.example", "no key" },
		{ "ARC-Seal", "d=b.example", "d=tempfail.example",
		  "key lookup of s1._domainkey.tempfail.example failed" },
		{ "ARC-Seal", "d=b.example", "d=a.example",
		  "ARC-Seal with i=2 does not verify" },
	};
	struct keys *k = *state;
	struct msg m;
	size_t i, j;
	char *p;
	str why, v;

	str_init(&why);
	str_init(&v);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		msg_init(&m, MSG_HEADER, MSG_BODY);
		assert_int_equal(seal(&m, k->res, k->rsa, "a.example",
		    "spf=pass"), 1);
		assert_int_equal(seal(&m, k->res, k->ed, "b.example",
		    "spf=pass"), 1);
		/* the newest field of that name: set 2's */
		j = msg_find(&m, cases[i].field);
		p = strstr(m.h[j].value, cases[i].from);
		assert_non_null(p);
		str_reset(&v);
		str_append_n(&v, m.h[j].value, (size_t)(p - m.h[j].value));
		str_append(&v, cases[i].to);
		str_append(&v, p + strlen(cases[i].from));
		msg_set(&m, j, str_cstr(&v));
		assert_int_equal(validate(&m, k->res, &why, NULL), ARC_CV_FAIL);
		if (strstr(str_cstr(&why), cases[i].why) == NULL)
			fail_msg("case %zu: %s", i, str_cstr(&why));
		/* only a lookup that failed for now is temporary */
		assert_int_equal(last_temporary, strstr(cases[i].to,
		    "tempfail") != NULL);
		msg_free(&m);
	}
	str_free(&why);
	str_free(&v);
}

/* test_hostile - chains no one signed: defined results, bounded work */
static void
test_hostile(void **state)
{
	struct keys *k = *state;
	struct msg m;
	str why, h;
	unsigned i;

	str_init(&why);
	str_init(&h);
	/* 60 sets (forged, unsigned): more than 50 */
	for (i = 60; i >= 1; i--)
		str_appendf(&h, "ARC-Seal: i=%u; a=rsa-sha256; cv=%s; "
		    "d=a.example; s=s1; b=AAAA\nARC-Message-Signature: i=%u; "
		    "a=rsa-sha256; d=a.example; s=s1; h=from; bh=AAAA; b=AAAA\n"
		    "ARC-Authentication-Results: i=%u; x; spf=pass\n", i,
		    i == 1 ? "none" : "pass", i, i);
	str_append(&h, MSG_HEADER);
	msg_init(&m, str_cstr(&h), MSG_BODY);
	assert_int_equal(validate(&m, k->res, &why, NULL), ARC_CV_FAIL);
	assert_non_null(strstr(str_cstr(&why), "more than 50 ARC sets"));
	msg_free(&m);
	/* 50 forged sets of the right form: fails at the newest AMS, after
	 * looking up at most a few keys */
	str_reset(&h);
	for (i = 50; i >= 1; i--)
		str_appendf(&h, "ARC-Seal: i=%u; a=rsa-sha256; cv=%s; "
		    "d=k%u.example; s=s1; b=AAAA\nARC-Message-Signature: i=%u; "
		    "a=rsa-sha256; d=k%u.example; s=s1; h=from; bh=47DEQpj8HBSa+/"
		    "TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\n"
		    "ARC-Authentication-Results: i=%u; x; spf=pass\n", i,
		    i == 1 ? "none" : "pass", i, i, i, i);
	str_append(&h, MSG_HEADER);
	msg_init(&m, str_cstr(&h), "");
	assert_int_equal(validate(&m, k->res, &why, NULL), ARC_CV_FAIL);
	assert_non_null(strstr(str_cstr(&why), "i=50"));
	msg_free(&m);
	/* garbage in the tags of the newest seal */
	msg_init(&m, MSG_HEADER, MSG_BODY);
	assert_int_equal(seal(&m, k->res, k->rsa, "a.example", "spf=pass"), 1);
	msg_set(&m, 0, " i=1; a=rsa-sha256; cv=none; \x7f\x01=; b=AAAA");
	assert_int_equal(validate(&m, k->res, &why, NULL), ARC_CV_FAIL);
	msg_free(&m);
	/* duplicate instance, instance 0, a missing AAR */
	msg_init(&m, MSG_HEADER, MSG_BODY);
	assert_int_equal(seal(&m, k->res, k->rsa, "a.example", "spf=pass"), 1);
	msg_top(&m, "ARC-Authentication-Results", " i=1; x; spf=pass");
	assert_int_equal(validate(&m, k->res, &why, NULL), ARC_CV_FAIL);
	assert_non_null(strstr(str_cstr(&why), "two ARC-Authentication-"
	    "Results fields with i=1"));
	msg_set(&m, 0, " i=0; x; spf=pass");
	assert_int_equal(validate(&m, k->res, &why, NULL), ARC_CV_FAIL);
	assert_non_null(strstr(str_cstr(&why), "not in 1..50"));
	msg_free(&m);
	/* an h= of 200 names; 200 KB of ARC fields */
	msg_init(&m, MSG_HEADER, MSG_BODY);
	assert_int_equal(seal(&m, k->res, k->rsa, "a.example", "spf=pass"), 1);
	i = (unsigned)msg_find(&m, "ARC-Message-Signature");
	str_reset(&h);
	str_append(&h, m.h[i].value);
	{
		char *hp = strstr(h.buf, "h=from:");
		str v2;

		assert_non_null(hp);
		str_init(&v2);
		str_append_n(&v2, h.buf, (size_t)(hp - h.buf) + 2);
		for (unsigned j = 0; j < 200; j++)
			str_append(&v2, "x-a:");
		str_append(&v2, hp + 2);
		msg_set(&m, i, str_cstr(&v2));
		str_free(&v2);
	}
	assert_int_equal(validate(&m, k->res, &why, NULL), ARC_CV_FAIL);
	assert_non_null(strstr(str_cstr(&why), "an h= of more than 128"));
	msg_free(&m);
	msg_init(&m, MSG_HEADER, MSG_BODY);
	assert_int_equal(seal(&m, k->res, k->rsa, "a.example", "spf=pass"), 1);
	i = (unsigned)msg_find(&m, "ARC-Authentication-Results");
	str_reset(&h);
	str_append(&h, m.h[i].value);
	while (h.len < 200 * 1024)
		str_append(&h, " (a comment of no use)");
	msg_set(&m, i, str_cstr(&h));
	assert_int_equal(validate(&m, k->res, &why, NULL), ARC_CV_FAIL);
	assert_non_null(strstr(str_cstr(&why), "ARC fields are over"));
	msg_free(&m);
	msg_init(&m, MSG_HEADER, MSG_BODY);
	assert_int_equal(seal(&m, k->res, k->rsa, "a.example", "spf=pass"), 1);
	i = (unsigned)msg_find(&m, "ARC-Authentication-Results");
	mem_free(m.h[i].name);
	m.h[i].name = mem_strdup("X-Was-AAR");
	assert_int_equal(validate(&m, k->res, &why, NULL), ARC_CV_FAIL);
	assert_non_null(strstr(str_cstr(&why), "lacks its ARC-Authentication-"
	    "Results"));
	msg_free(&m);
	str_free(&why);
	str_free(&h);
}

/* test_huge_header - a chain above more header than is kept: fail, and
 * the reason says so */
static void
test_huge_header(void **state)
{
	struct keys *k = *state;
	struct arc_result r;
	arc_verifier *v;
	struct msg m;
	char *big;
	size_t i;

	msg_init(&m, MSG_HEADER, MSG_BODY);
	assert_int_equal(seal(&m, k->res, k->rsa, "a.example", "spf=pass"), 1);
	big = mem_alloc(64 * 1024 + 1);
	memset(big, 'x', 64 * 1024);
	big[64 * 1024] = '\0';
	v = arc_verifier_new(k->res, 0);
	for (i = 0; i < m.n; i++)
		arc_verifier_header(v, m.h[i].name, m.h[i].value, m.h[i].len);
	for (i = 0; i < ARC_HEADER_MAX / (64 * 1024) + 1; i++)
		arc_verifier_header(v, "X-Big", big, 64 * 1024);
	(void)arc_verifier_body(v, (const unsigned char *)m.body.buf,
	    m.body.len);
	arc_verifier_end(v, deadline_in(1000), &r);
	assert_int_equal(r.cv, ARC_CV_FAIL);
	assert_non_null(strstr(r.why, "header is over"));
	arc_verifier_free(v);
	mem_free(big);
	msg_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_keys),
		cmocka_unit_test_setup_teardown(test_round_trip, keys_setup,
		    keys_teardown),
		cmocka_unit_test_setup_teardown(test_oldest_pass, keys_setup,
		    keys_teardown),
		cmocka_unit_test_setup_teardown(test_tampered, keys_setup,
		    keys_teardown),
		cmocka_unit_test_setup_teardown(test_hostile, keys_setup,
		    keys_teardown),
		cmocka_unit_test_setup_teardown(test_huge_header, keys_setup,
		    keys_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
