/*
 * test_dkim - the DKIM module against messages signed here with
 * libopendkim and the test keys of tests/keys/, keys served by in-memory
 * zones: every result word, RFC 8301 limits, PKCS#1 keys, key lookups
 * started from the header, the signature limit and its order, and bad
 * input (garbage signatures, keys that are not keys, 100 signatures,
 * huge header blocks, no body) - each a defined result.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <opendkim/dkim.h>

#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "dkim/dkim.h"
#include "dkim/dkim_keyhint.h"
#include "dns/dns_hold.h"
#include <pthread.h>

#define KEYS	TOP_SRCDIR "/tests/keys/"

static const struct dns_options opts = { NULL, 1000, 1, 1000, 86400, 3600 };

struct hdr {
	const char	*name;
	const char	*value;		/* without the leading space */
};

static const struct hdr base_headers[] = {
	{ "From", "Alice <alice@example.com>" },
	{ "To", "bob@example.org" },
	{ "Subject", "quarterly report" },
	{ "Message-ID", "<1@example.com>" },
};
#define NBASE	(sizeof(base_headers) / sizeof(base_headers[0]))
static const char body[] = "Hello Bob,\r\n\r\nthe numbers are fine.\r\n";

static DKIM_LIB *signer;

/* slurp - a small file, NUL-terminated */
static char *
slurp(const char *path)
{
	char *buf;
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		fail_msg("cannot read %s", path);
	buf = calloc(1, 16384);
	n = fread(buf, 1, 16383, f);
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}

/* sign_here - a DKIM-Signature value over base_headers and b (as
 * libopendkim writes it: folded with "\n\t") */
static char *
sign_here(const char *keyfile, const char *domain, const char *selector,
    dkim_alg_t alg, const char *b)
{
	char *key, *out;
	unsigned char *sig;
	size_t len, i;
	DKIM_STAT st;
	DKIM *d;
	str line;

	key = slurp(keyfile);
	d = dkim_sign(signer, (const unsigned char *)"test", NULL,
	    (unsigned char *)key, (const unsigned char *)selector,
	    (const unsigned char *)domain, DKIM_CANON_RELAXED,
	    DKIM_CANON_SIMPLE, alg, -1, &st);
	if (d == NULL)
		fail_msg("dkim_sign %s: %d", keyfile, st);
	str_init(&line);
	for (i = 0; i < NBASE; i++) {
		str_reset(&line);
		str_appendf(&line, "%s: %s", base_headers[i].name,
		    base_headers[i].value);
		dkim_header(d, (unsigned char *)line.buf, line.len);
	}
	dkim_eoh(d);
	dkim_body(d, (unsigned char *)b, strlen(b));
	if ((st = dkim_eom(d, NULL)) != DKIM_STAT_OK)
		fail_msg("dkim_eom: %d", st);
	if (dkim_getsighdr_d(d, 16, &sig, &len) != DKIM_STAT_OK)
		fail_msg("dkim_getsighdr_d");
	out = strndup((const char *)sig, len);
	dkim_free(d);
	free(key);
	str_free(&line);
	return out;
}

/* sign - sign_here in a child process: libopendkim's signing path leaks
 * the private key it loads (authgate only verifies), and a child that
 * leaves with _exit() takes the leak with it */
static char *
sign(const char *keyfile, const char *domain, const char *selector,
    dkim_alg_t alg, const char *b)
{
	char buf[4096], *sig;
	ssize_t n;
	size_t len;
	int fd[2], status;
	pid_t pid;

	if (pipe(fd) != 0)
		fail_msg("pipe");
	if ((pid = fork()) < 0)
		fail_msg("fork");
	if (pid == 0) {
		close(fd[0]);
		sig = sign_here(keyfile, domain, selector, alg, b);
		if (write(fd[1], sig, strlen(sig)) != (ssize_t)strlen(sig))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	for (len = 0; len < sizeof(buf) - 1 && (n = read(fd[0], buf + len,
	    sizeof(buf) - 1 - len)) > 0; len += (size_t)n)
		;
	buf[len] = '\0';
	close(fd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || len == 0)
		fail_msg("signing with %s failed", keyfile);
	return strdup(buf);
}

/* a message to verify: signature fields first, then the base headers */
struct msg {
	const char	*sigs[128];
	size_t		 nsigs;
	const char	*subject;	/* replaces the signed Subject */
	const char	*body;		/* NULL: no body at all */
	size_t		 extra_headers;	/* unsigned filler fields */
	const char	*from_domain;
	int		 nul_header;	/* add a field holding a NUL byte */
	dns_hold	*hold;		/* the transaction's, or NULL */
};

/* run - verify a message */
static void
run(dkim_engine *e, dns_resolver *res, const struct msg *m,
    struct dkim_results *out)
{
	dkim_verifier *v;
	char value[1100];
	size_t i;

	v = dkim_verifier_new(e, res);
	dkim_verifier_hold(v, m->hold);
	if (m->from_domain != NULL)
		dkim_verifier_from(v, m->from_domain);
	for (i = 0; i < m->nsigs; i++) {
		snprintf(value, sizeof(value), " %s", m->sigs[i]);
		dkim_verifier_header(v, "DKIM-Signature", value, strlen(value));
	}
	for (i = 0; i < NBASE; i++) {
		snprintf(value, sizeof(value), " %s",
		    strcmp(base_headers[i].name, "Subject") == 0 && m->subject ?
		    m->subject : base_headers[i].value);
		dkim_verifier_header(v, base_headers[i].name, value,
		    strlen(value));
	}
	for (i = 0; i < m->extra_headers; i++) {
		memset(value, 'x', 1000);
		value[0] = ' ';
		value[1000] = '\0';
		dkim_verifier_header(v, "X-Filler", value, 1000);
	}
	if (m->nul_header)
		assert_int_equal(dkim_verifier_header(v, "X-Nul", " a\0b", 4),
		    -1);
	if (m->body != NULL)
		dkim_verifier_body(v, (const unsigned char *)m->body,
		    strlen(m->body));
	dkim_verifier_end(v, out);
	dkim_verifier_free(v);
}

static dns_mem *mem;
static dns_resolver *res;
static dkim_engine *strict, *lenient;
static char *sig_2048, *sig_ed, *sig_sha1, *sig_512, *sig_pkcs1, *sig_nokey,
    *sig_temp, *sig_revoked, *sig_garbagekey, *sig_bigkey, *sig_other,
    *sig_empty;

static int
setup(void **state)
{
	struct dkim_options so = { 1024, 0, 5, 3000 };
	struct dkim_options lo = { 512, 1, 5, 3000 };
	char *t;
	str err, big;
	int i;

	str_init(&err);
	signer = dkim_init(NULL, NULL);
	{
		/* libopendkim will not sign with keys below its minimum */
		unsigned int bits = 512;

		dkim_options(signer, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS, &bits,
		    sizeof(bits));
	}
	mem = dns_mem_create();
	t = slurp(KEYS "rsa2048.txt");
	dns_mem_add_txt(mem, "s2048._domainkey.example.com", DNS_T_TXT, t,
	    strlen(t));
	dns_mem_add_txt(mem, "s2048._domainkey.other.example", DNS_T_TXT, t,
	    strlen(t));
	free(t);
	t = slurp(KEYS "ed25519.txt");
	dns_mem_add_txt(mem, "sed._domainkey.example.com", DNS_T_TXT, t,
	    strlen(t));
	free(t);
	t = slurp(KEYS "rsa512.txt");
	dns_mem_add_txt(mem, "s512._domainkey.example.com", DNS_T_TXT, t,
	    strlen(t));
	free(t);
	t = slurp(KEYS "rsa1024-pkcs1.txt");
	dns_mem_add_txt(mem, "pkcs1._domainkey.example.com", DNS_T_TXT, t,
	    strlen(t));
	free(t);
	dns_mem_add_txt(mem, "revoked._domainkey.example.com", DNS_T_TXT,
	    "v=DKIM1; k=rsa; p=", 18);
	dns_mem_add_txt(mem, "garbage._domainkey.example.com", DNS_T_TXT,
	    "v=DKIM1; k=rsa; p=AAAA!!notbase64", 33);
	str_init(&big);
	str_append(&big, "v=DKIM1; k=rsa; p=");
	for (i = 0; i < 10000; i++)
		str_append_c(&big, 'A');
	dns_mem_add_txt(mem, "big._domainkey.example.com", DNS_T_TXT, big.buf,
	    big.len);
	str_free(&big);
	dns_mem_set_fault(mem, "temp._domainkey.example.com", 0, DNS_TEMPFAIL);
	res = dns_resolver_create_mem(mem, &opts);
	strict = dkim_engine_create(&so, &err);
	lenient = dkim_engine_create(&lo, &err);
	if (strict == NULL || lenient == NULL)
		fail_msg("%s", str_cstr(&err));

	sig_2048 = sign(KEYS "rsa2048.pem", "example.com", "s2048",
	    DKIM_SIGN_RSASHA256, body);
	sig_other = sign(KEYS "rsa2048.pem", "other.example", "s2048",
	    DKIM_SIGN_RSASHA256, body);
	sig_ed = sign(KEYS "ed25519.pem", "example.com", "sed",
	    DKIM_SIGN_ED25519SHA256, body);
	sig_sha1 = sign(KEYS "rsa2048.pem", "example.com", "s2048",
	    DKIM_SIGN_RSASHA1, body);
	sig_512 = sign(KEYS "rsa512.pem", "example.com", "s512",
	    DKIM_SIGN_RSASHA256, body);
	sig_pkcs1 = sign(KEYS "rsa1024.pem", "example.com", "pkcs1",
	    DKIM_SIGN_RSASHA256, body);
	sig_nokey = sign(KEYS "rsa2048.pem", "example.com", "nokey",
	    DKIM_SIGN_RSASHA256, body);
	sig_temp = sign(KEYS "rsa2048.pem", "example.com", "temp",
	    DKIM_SIGN_RSASHA256, body);
	sig_revoked = sign(KEYS "rsa2048.pem", "example.com", "revoked",
	    DKIM_SIGN_RSASHA256, body);
	sig_garbagekey = sign(KEYS "rsa2048.pem", "example.com", "garbage",
	    DKIM_SIGN_RSASHA256, body);
	sig_bigkey = sign(KEYS "rsa2048.pem", "example.com", "big",
	    DKIM_SIGN_RSASHA256, body);
	sig_empty = sign(KEYS "rsa2048.pem", "example.com", "s2048",
	    DKIM_SIGN_RSASHA256, "");
	str_free(&err);
	return 0;
}

static int
teardown(void **state)
{
	free(sig_2048);
	free(sig_other);
	free(sig_ed);
	free(sig_sha1);
	free(sig_512);
	free(sig_pkcs1);
	free(sig_nokey);
	free(sig_temp);
	free(sig_revoked);
	free(sig_garbagekey);
	free(sig_bigkey);
	free(sig_empty);
	dkim_engine_free(strict);
	dkim_engine_free(lenient);
	dns_resolver_unref(res);
	dns_mem_free(mem);
	dkim_close(signer);
	return 0;
}

struct result_case {
	const char		*name;
	char			**sig;
	int			 lenient;
	const char		*subject;
	const char		*body;
	enum dkim_result	 want;
	const char		*reason_has;
};

static const struct result_case result_cases[] = {
	{ "rsa-sha256 2048", &sig_2048, 0, NULL, body, DKIMR_PASS, NULL },
	{ "ed25519-sha256 (RFC 8463)", &sig_ed, 0, NULL, body, DKIMR_PASS,
	    NULL },
	{ "rsa-sha1 refused (RFC 8301)", &sig_sha1, 0, NULL, body,
	    DKIMR_POLICY, "rsa-sha1" },
	{ "rsa-sha1 when allowed", &sig_sha1, 1, NULL, body, DKIMR_PASS, NULL },
	{ "512-bit key refused (RFC 8301)", &sig_512, 0, NULL, body,
	    DKIMR_POLICY, "512-bit key" },
	{ "512-bit key when allowed", &sig_512, 1, NULL, body, DKIMR_PASS,
	    NULL },
	{ "PKCS#1 key record", &sig_pkcs1, 0, NULL, body, DKIMR_PASS, NULL },
	{ "body changed", &sig_2048, 0, NULL, "Hello Bob, send money.\r\n",
	    DKIMR_FAIL, "body hash" },
	{ "signed header changed", &sig_2048, 0, "quarterly report (fwd)",
	    body, DKIMR_FAIL, "does not verify" },
	{ "no key in DNS", &sig_nokey, 0, NULL, body, DKIMR_PERMERROR, NULL },
	{ "key lookup fails", &sig_temp, 0, NULL, body, DKIMR_TEMPERROR,
	    "temporarily" },
	{ "revoked key (p=)", &sig_revoked, 0, NULL, body, DKIMR_PERMERROR,
	    NULL },
	{ "key that is not a key", &sig_garbagekey, 0, NULL, body,
	    DKIMR_PERMERROR, NULL },
	{ "10 kB key record", &sig_bigkey, 0, NULL, body, DKIMR_PERMERROR,
	    NULL },
	{ "empty body signed", &sig_empty, 0, NULL, NULL, DKIMR_PASS, NULL },
	{ "empty body, body added", &sig_empty, 0, NULL, "appended\r\n",
	    DKIMR_FAIL, "body hash" },
};

static void
test_results(void **state)
{
	struct dkim_results r;
	struct msg m;
	size_t i;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < sizeof(result_cases) / sizeof(result_cases[0]); i++) {
		const struct result_case *c = &result_cases[i];

		memset(&m, 0, sizeof(m));
		m.sigs[0] = *c->sig;
		m.nsigs = 1;
		m.subject = c->subject;
		m.body = c->body;
		run(c->lenient ? lenient : strict, res, &m, &r);
		if (!r.checked || r.n != 1)
			fail_msg("%s: %zu results", c->name, r.n);
		if (r.sigs[0].result != c->want)
			fail_msg("%s: %s (%s), want %s", c->name,
			    dkim_result_name(r.sigs[0].result),
			    r.sigs[0].reason ? r.sigs[0].reason : "",
			    dkim_result_name(c->want));
		if (c->reason_has != NULL && (r.sigs[0].reason == NULL ||
		    strstr(r.sigs[0].reason, c->reason_has) == NULL))
			fail_msg("%s: reason \"%s\" lacks \"%s\"", c->name,
			    r.sigs[0].reason ? r.sigs[0].reason : "-",
			    c->reason_has);
		if (c->want == DKIMR_PASS && r.sigs[0].reason != NULL)
			fail_msg("%s: a pass with a reason", c->name);
		dkim_results_clear(&r);
	}
}

static void
test_fields(void **state)
{
	struct dkim_results r;
	struct msg m;

	memset(&r, 0, sizeof(r));
	memset(&m, 0, sizeof(m));
	m.sigs[0] = sig_2048;
	m.sigs[1] = sig_ed;
	m.nsigs = 2;
	m.body = body;
	run(strict, res, &m, &r);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.sigs[0].domain, "example.com");
	assert_string_equal(r.sigs[0].selector, "s2048");
	assert_string_equal(r.sigs[0].algorithm, "rsa-sha256");
	assert_int_equal(r.sigs[0].keybits, 2048);
	assert_int_equal(strlen(r.sigs[0].b), 12);
	assert_null(strpbrk(r.sigs[0].b, " \t\r\n;"));
	assert_string_equal(r.sigs[1].algorithm, "ed25519-sha256");
	assert_int_equal(r.sigs[1].keybits, 0);
	assert_int_equal(r.sigs[1].result, DKIMR_PASS);
	dkim_results_clear(&r);

	/* no signature at all */
	m.nsigs = 0;
	run(strict, res, &m, &r);
	assert_true(r.checked);
	assert_int_equal(r.n, 0);
	dkim_results_clear(&r);
}

static void
test_bad_signatures_do_not_hide_good_ones(void **state)
{
	static const char *const garbage[] = {
		"v=1; a=rsa-sha256; c=foobar; d=example.com; s=s2048; h=From; "
		    "bh=AAAA; b=AAAA",
		"garbage without any tags",
		"v=1; a=rsa-md5; d=example.com; s=s2048; h=From; bh=x; b=y",
		"v=1; a=rsa-sha256; d=; s=; h=; bh=; b=",
		"v=1; a=rsa-sha256; d=example.com; s=s2048; h=From; bh=\x01\xff; "
		    "b=\xfe",
	};
	struct dkim_results r;
	struct msg m;
	size_t i;

	memset(&r, 0, sizeof(r));
	memset(&m, 0, sizeof(m));
	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		m.sigs[m.nsigs++] = garbage[i];
	m.sigs[m.nsigs++] = sig_2048;
	m.body = body;
	run(strict, res, &m, &r);
	assert_true(r.n >= 2);
	/* the good one is there and passes; none of the others passes */
	{
		int pass = 0;

		for (i = 0; i < r.n; i++)
			if (r.sigs[i].result == DKIMR_PASS)
				pass++;
		assert_int_equal(pass, 1);
	}
	dkim_results_clear(&r);
}

static void
test_signature_limit(void **state)
{
	struct dkim_results r;
	struct msg m;
	size_t i, verified, pass_example;

	memset(&r, 0, sizeof(r));
	memset(&m, 0, sizeof(m));
	/* 100 signatures: at most 5 are verified, the rest say why not */
	for (i = 0; i < 100; i++)
		m.sigs[m.nsigs++] = sig_other;
	m.body = body;
	run(strict, res, &m, &r);
	assert_int_equal(r.n, 100);
	for (i = 0, verified = 0; i < r.n; i++) {
		if (r.sigs[i].result == DKIMR_NEUTRAL) {
			assert_non_null(strstr(r.sigs[i].reason, "more than 5"));
			continue;
		}
		verified++;
	}
	assert_int_equal(verified, 5);
	dkim_results_clear(&r);

	/* the author's domain is verified first, wherever it stands */
	memset(&m, 0, sizeof(m));
	for (i = 0; i < 20; i++)
		m.sigs[m.nsigs++] = sig_other;
	m.sigs[m.nsigs++] = sig_2048;
	m.body = body;
	m.from_domain = "example.com";
	run(strict, res, &m, &r);
	for (i = 0, pass_example = 0; i < r.n; i++)
		if (r.sigs[i].result == DKIMR_PASS &&
		    strcmp(r.sigs[i].domain, "example.com") == 0)
			pass_example++;
	assert_int_equal(pass_example, 1);
	dkim_results_clear(&r);
}

static void
test_huge_header_block(void **state)
{
	struct dkim_results r;
	struct msg m;

	memset(&r, 0, sizeof(r));
	memset(&m, 0, sizeof(m));
	m.sigs[0] = sig_2048;
	m.nsigs = 1;
	m.body = body;
	m.extra_headers = 2000;		/* 2 MB of unsigned fields */
	run(strict, res, &m, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.sigs[0].result, DKIMR_PASS);
	dkim_results_clear(&r);
}

/* a zone of its own holding the 2048-bit key, whose lookups the test
 * counts, a resolver on it and an engine */
struct key_world {
	dns_mem		*m;
	dns_resolver	*r;
	dkim_engine	*e;
};

/* key_world_open - the zone, resolver and engine of a counting test */
static void
key_world_open(struct key_world *w)
{
	struct dkim_options o = { 1024, 0, 5, 3000 };
	char *t;
	str err;

	str_init(&err);
	w->m = dns_mem_create();
	t = slurp(KEYS "rsa2048.txt");
	dns_mem_add_txt(w->m, "s2048._domainkey.example.com", DNS_T_TXT, t,
	    strlen(t));
	free(t);
	w->r = dns_resolver_create_mem(w->m, &opts);
	w->e = dkim_engine_create(&o, &err);
	assert_non_null(w->e);
	str_free(&err);
}

/* key_world_close - release them */
static void
key_world_close(struct key_world *w)
{
	dkim_engine_free(w->e);
	dns_resolver_unref(w->r);
	dns_mem_free(w->m);
}

static void
test_key_lookup_starts_at_the_header(void **state)
{
	struct key_world w;
	struct dns_stats st;
	dkim_verifier *v;
	dns_resolver *r2;
	dns_answer *a;
	dns_mem *m2;

	key_world_open(&w);
	m2 = w.m;
	r2 = w.r;
	v = dkim_verifier_new(w.e, r2);
	dns_resolver_stats(r2, &st);
	assert_int_equal(st.queries, 0);
	dkim_verifier_header(v, "DKIM-Signature", sig_2048, strlen(sig_2048));
	/* before the end of the header: the key is already on its way */
	dns_resolver_stats(r2, &st);
	assert_int_equal(st.queries, 1);
	a = dns_lookup(r2, "s2048._domainkey.example.com", DNS_T_TXT,
	    INT64_MAX);
	assert_int_equal(a->status, DNS_OK);
	dns_answer_unref(a);
	assert_int_equal(dns_mem_lookups(m2), 1);
	dkim_verifier_free(v);
	key_world_close(&w);
}

/* the body is taken while the key is on its way: the wait for it is at
 * the end of the message, so the MTA's end-of-message and our hashing of
 * the body overlap the lookup (waiting at the header's end, the body
 * call would block until the key's time limit and find no key) */
/* feed_signed - the header of the 2048-bit signed message and its body */
static void
feed_signed(dkim_verifier *v)
{
	char value[1100];
	size_t i;

	snprintf(value, sizeof(value), " %s", sig_2048);
	dkim_verifier_header(v, "DKIM-Signature", value, strlen(value));
	for (i = 0; i < NBASE; i++) {
		snprintf(value, sizeof(value), " %s", base_headers[i].value);
		dkim_verifier_header(v, base_headers[i].name, value,
		    strlen(value));
	}
	assert_int_equal(dkim_verifier_body(v, (const unsigned char *)body,
	    strlen(body)), 1);
}

static void
test_body_does_not_wait_for_the_key(void **state)
{
	struct dkim_results r;
	struct key_world w;
	dkim_verifier *v;

	(void)state;
	memset(&r, 0, sizeof(r));
	key_world_open(&w);
	dns_mem_hold(w.m);
	v = dkim_verifier_new(w.e, w.r);
	feed_signed(v);
	/* the body is in, the key still unanswered */
	assert_int_equal(dns_mem_held(w.m), 1);
	assert_int_equal(dns_mem_release(w.m), 1);
	dkim_verifier_end(v, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.sigs[0].result, DKIMR_PASS);
	dkim_results_clear(&r);
	dkim_verifier_free(v);
	key_world_close(&w);
}

/* release_soon - answer the held lookups a little later, from another
 * thread, as a slow DNS server would */
static void *
release_soon(void *arg)
{
	usleep(100 * 1000);
	(void)dns_mem_release(arg);
	return NULL;
}

/* the keys are waited for at the end of the message with the engine's
 * time from then: a body that took longer than that time (here a sleep
 * past it) does not leave the wait none (it would end at once, temperror) */
static void
test_key_wait_counts_from_the_end(void **state)
{
	struct dkim_options o = { 1024, 0, 5, 1500 };
	struct dkim_results r;
	struct key_world w;
	dkim_engine *e;
	dkim_verifier *v;
	pthread_t t;
	str err;

	(void)state;
	memset(&r, 0, sizeof(r));
	str_init(&err);
	key_world_open(&w);
	e = dkim_engine_create(&o, &err);
	assert_non_null(e);
	dns_mem_hold(w.m);
	v = dkim_verifier_new(e, w.r);
	feed_signed(v);
	usleep(1600 * 1000);	/* the body took longer than the timeout */
	assert_int_equal(pthread_create(&t, NULL, release_soon, w.m), 0);
	dkim_verifier_end(v, &r);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.sigs[0].result, DKIMR_PASS);
	dkim_results_clear(&r);
	dkim_verifier_free(v);
	dkim_engine_free(e);
	str_free(&err);
	key_world_close(&w);
}

/* a header value holding a NUL byte is refused: libopendkim would read
 * past it; a message that verifies without it fails with it */
static void
test_header_with_nul_refused(void **state)
{
	struct dkim_results r;
	struct msg m;

	memset(&r, 0, sizeof(r));
	memset(&m, 0, sizeof(m));
	m.sigs[0] = sig_2048;
	m.nsigs = 1;
	m.body = body;
	run(strict, res, &m, &r);
	assert_int_equal(r.sigs[0].result, DKIMR_PASS);
	dkim_results_clear(&r);
	m.nul_header = 1;
	run(strict, res, &m, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.sigs[0].result, DKIMR_PERMERROR);
	assert_non_null(strstr(r.sigs[0].reason, "NUL byte"));
	assert_non_null(r.error);
	assert_non_null(strstr(r.error, "X-Nul holds a NUL byte"));
	assert_int_equal(dkim_message_result(&r), DKIMR_PERMERROR);
	dkim_results_clear(&r);
}

/* the message's result is its best signature's, in a fixed rank */
static void
test_dkim_message_result(void **state)
{
	struct dkim_sig sigs[3];
	struct dkim_results r;

	memset(&r, 0, sizeof(r));
	memset(sigs, 0, sizeof(sigs));
	r.sigs = sigs;
	assert_int_equal(dkim_message_result(&r), DKIMR_NONE);
	r.n = 3;
	sigs[0].result = DKIMR_NEUTRAL;
	sigs[1].result = DKIMR_FAIL;
	sigs[2].result = DKIMR_TEMPERROR;
	assert_int_equal(dkim_message_result(&r), DKIMR_TEMPERROR);
	sigs[0].result = DKIMR_PASS;
	assert_int_equal(dkim_message_result(&r), DKIMR_PASS);
	sigs[0].result = DKIMR_PERMERROR;
	sigs[2].result = DKIMR_POLICY;
	assert_int_equal(dkim_message_result(&r), DKIMR_FAIL);
}

/* a key started before the message (the MAIL FROM domain's hint) is
 * the one the verifier uses: no second lookup, and it verifies */
static void
test_key_started_before_the_message(void **state)
{
	struct dkim_results r;
	struct key_world w;
	struct dns_stats st;
	struct msg m;
	dns_resolver *r2;
	dns_hold *hold;
	dns_mem *m2;

	(void)state;
	key_world_open(&w);
	m2 = w.m;
	r2 = w.r;
	hold = dns_hold_new(r2);
	dns_hold_start(hold, "s2048._domainkey.example.com", DNS_T_TXT);
	dns_hold_start(hold, "old._domainkey.example.com", DNS_T_TXT);
	assert_int_equal(dns_mem_lookups(m2), 2);
	memset(&r, 0, sizeof(r));
	memset(&m, 0, sizeof(m));
	m.sigs[0] = sig_2048;
	m.nsigs = 1;
	m.body = body;
	m.hold = hold;
	run(w.e, r2, &m, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.sigs[0].result, DKIMR_PASS);
	/* the held query served it: no query of the verifier's own (with
	 * one, the cache would have hidden it from the zone's count) */
	dns_resolver_stats(r2, &st);
	assert_int_equal(st.queries, 2);
	assert_int_equal(dns_mem_lookups(m2), 2);
	dkim_results_clear(&r);
	dns_hold_free(hold);
	key_world_close(&w);
}

/* the key hints: per MAIL FROM domain, case-blind, newest first, each
 * key once, the oldest dropped, bounded names refused */
static void
test_keyhint(void **state)
{
	char out[DKIM_KEYHINT_PER_DOMAIN][DKIM_KEYHINT_NAME_MAX];
	char longname[300];

	(void)state;
	dkim_keyhint_reset();
	assert_int_equal(dkim_keyhint_recall("esp.example", out, 2), 0);
	dkim_keyhint_note("ESP.example", "s1._domainkey.Shop.example");
	assert_int_equal(dkim_keyhint_recall("esp.EXAMPLE", out, 2), 1);
	assert_string_equal(out[0], "s1._domainkey.shop.example");
	dkim_keyhint_note("esp.example", "k2._domainkey.esp.example");
	assert_int_equal(dkim_keyhint_recall("esp.example", out, 2), 2);
	assert_string_equal(out[0], "k2._domainkey.esp.example");
	assert_string_equal(out[1], "s1._domainkey.shop.example");
	/* the same key again moves to the front, not in twice */
	dkim_keyhint_note("esp.example", "s1._domainkey.shop.example");
	assert_int_equal(dkim_keyhint_recall("esp.example", out, 2), 2);
	assert_string_equal(out[0], "s1._domainkey.shop.example");
	assert_string_equal(out[1], "k2._domainkey.esp.example");
	/* a third: the oldest goes */
	dkim_keyhint_note("esp.example", "s3._domainkey.esp.example");
	assert_int_equal(dkim_keyhint_recall("esp.example", out, 2), 2);
	assert_string_equal(out[0], "s3._domainkey.esp.example");
	assert_string_equal(out[1], "s1._domainkey.shop.example");
	assert_int_equal(dkim_keyhint_recall("esp.example", out, 1), 1);
	assert_int_equal(dkim_keyhint_recall("other.example", out, 2), 0);
	/* names that cannot be DNS names are not kept */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	dkim_keyhint_note(longname, "s._domainkey.x.example");
	dkim_keyhint_note("x.example", longname);
	dkim_keyhint_note("x.example", "");
	dkim_keyhint_note(NULL, "s._domainkey.x.example");
	assert_int_equal(dkim_keyhint_recall("x.example", out, 2), 0);
	assert_int_equal(dkim_keyhint_recall(longname, out, 2), 0);
	dkim_keyhint_reset();
	assert_int_equal(dkim_keyhint_recall("esp.example", out, 2), 0);
}

/* keyhint_worker - notes and recalls from one thread (TSan's run): its
 * own domains; another thread's domain may take a slot (hash keys differ
 * per process), so a recall may find nothing, but never more than two
 * keys nor a key that is not one of this domain's. Faults are counted:
 * cmocka's asserts belong to the main thread */
static void *
keyhint_worker(void *arg)
{
	char out[DKIM_KEYHINT_PER_DOMAIN][DKIM_KEYHINT_NAME_MAX];
	char d[64], k[96];
	intptr_t faults = 0;
	int i, j, n, t = (int)(intptr_t)arg;

	for (i = 0; i < 2000; i++) {
		snprintf(d, sizeof(d), "t%d-d%d.example", t, i % 50);
		snprintf(k, sizeof(k), "s%d._domainkey.%s", i % 3, d);
		dkim_keyhint_note(d, k);
		n = (int)dkim_keyhint_recall(d, out, 2);
		if (n > 2)
			faults++;
		for (j = 0; j < n && j < 2; j++)
			if (strstr(out[j], d) == NULL)
				faults++;
	}
	return (void *)faults;
}

static void
test_keyhint_threads(void **state)
{
	pthread_t t[4];
	void *faults;
	intptr_t i;

	(void)state;
	dkim_keyhint_reset();
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, keyhint_worker,
		    (void *)i), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &faults);
		assert_int_equal((intptr_t)faults, 0);
	}
	dkim_keyhint_reset();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_results),
		cmocka_unit_test(test_dkim_message_result),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_bad_signatures_do_not_hide_good_ones),
		cmocka_unit_test(test_signature_limit),
		cmocka_unit_test(test_huge_header_block),
		cmocka_unit_test(test_key_lookup_starts_at_the_header),
		cmocka_unit_test(test_header_with_nul_refused),
		cmocka_unit_test(test_key_started_before_the_message),
		cmocka_unit_test(test_body_does_not_wait_for_the_key),
		cmocka_unit_test(test_key_wait_counts_from_the_end),
		cmocka_unit_test(test_keyhint),
		cmocka_unit_test(test_keyhint_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
