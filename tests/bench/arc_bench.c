/*
 * arc_bench - what ARC costs per message, in CPU: a 20 KB message without
 * a chain, with 1 and with 3 ARC sets (RSA-2048 keys, each sealed here,
 * the keys served by the in-memory DNS backend as a warm cache would),
 * validated the way the milter feeds it (header fields, the body in 64 KB
 * chunks, the end), and the cost of adding our own set. Built with the
 * tests, run by hand (README, Benchmark):
 *
 *	build/tests/bench/arc_bench [ITERATIONS]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "util/deadline.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "arc/arc_seal.h"
#include "arc/arc_verify.h"

#define FIELDS_MAX	64

struct msg {
	char	*name[FIELDS_MAX];
	char	*value[FIELDS_MAX];
	size_t	 n;
	str	 body;
};

static const struct dns_options mem_opts = { NULL, 1000, 1, 0, 0, 0 };

/* cpu_us - process CPU time in microseconds */
static double
cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* add - a field at the top (top) or the bottom */
static void
add(struct msg *m, const char *name, const char *value, int top)
{
	size_t i;

	if (m->n == FIELDS_MAX)
		abort();
	if (top) {
		for (i = m->n; i > 0; i--) {
			m->name[i] = m->name[i - 1];
			m->value[i] = m->value[i - 1];
		}
		i = 0;
	} else
		i = m->n;
	m->name[i] = mem_strdup(name);
	m->value[i] = mem_strdup(value);
	m->n++;
}

/* feed - a verifier over the message, as the milter feeds it */
static arc_verifier *
feed(const struct msg *m, dns_resolver *res, int keep,
    struct arc_result *r)
{
	arc_verifier *v;
	size_t i, off, chunk;

	v = arc_verifier_new(res, keep);
	for (i = 0; i < m->n; i++)
		arc_verifier_header(v, m->name[i], m->value[i],
		    strlen(m->value[i]));
	for (off = 0; off < m->body.len; off += chunk) {
		chunk = m->body.len - off < 65536 ? m->body.len - off : 65536;
		(void)arc_verifier_body(v, (const unsigned char *)m->body.buf +
		    off, chunk);
	}
	arc_verifier_end(v, deadline_in(1000), r);
	return v;
}

/* seal - one more set by domain */
static void
seal(struct msg *m, dns_resolver *res, EVP_PKEY *key, const char *domain)
{
	struct arc_seal_params p;
	struct arc_sealed out;
	struct arc_result r;
	arc_verifier *v;
	str why;

	str_init(&why);
	v = feed(m, res, 1, &r);
	memset(&p, 0, sizeof(p));
	p.key = key;
	p.domain = domain;
	p.selector = "s";
	p.headers = "from:to:subject:date:message-id";
	p.authserv_id = domain;
	p.results = "spf=pass smtp.mailfrom=a.example; dmarc=pass "
	    "header.from=a.example";
	p.t = 1700000000;
	if (arc_seal(&p, v, &r, &out, &why) != 1) {
		fprintf(stderr, "seal: %s\n", str_cstr(&why));
		exit(1);
	}
	add(m, "ARC-Authentication-Results", str_cstr(&out.aar), 1);
	add(m, "ARC-Message-Signature", str_cstr(&out.ams), 1);
	add(m, "ARC-Seal", str_cstr(&out.as), 1);
	arc_sealed_free(&out);
	arc_verifier_free(v);
	str_free(&why);
}

/* measure - CPU microseconds per validation (and per seal, with keep) */
static double
measure(const struct msg *m, dns_resolver *res, int iterations,
    enum arc_cv want, EVP_PKEY *key)
{
	struct arc_seal_params p;
	struct arc_sealed out;
	struct arc_result r;
	arc_verifier *v;
	double t0;
	int i;
	str why;

	str_init(&why);
	memset(&p, 0, sizeof(p));
	p.key = key;
	p.domain = "mx.example";
	p.selector = "s";
	p.headers = "from:to:subject:date:message-id";
	p.authserv_id = "mx.example";
	p.results = "arc=pass";
	t0 = cpu_us();
	for (i = 0; i < iterations; i++) {
		v = feed(m, res, key != NULL, &r);
		if (r.cv != want) {
			fprintf(stderr, "cv %d, want %d: %s\n", r.cv, want,
			    r.why);
			exit(1);
		}
		if (key != NULL) {
			if (arc_seal(&p, v, &r, &out, &why) != 1)
				exit(1);
			arc_sealed_free(&out);
		}
		arc_verifier_free(v);
	}
	str_free(&why);
	return (cpu_us() - t0) / iterations;
}

int
main(int argc, char **argv)
{
	EVP_PKEY *key;
	unsigned char *der = NULL, b64[1024];
	dns_mem *zone;
	dns_resolver *res;
	struct msg m;
	str rec;
	int n, i, iterations;
	double none, one, three, sealing;
	const char *const domains[] = { "a.example", "b.example", "c.example",
	    "mx.example" };

	iterations = argc > 1 ? atoi(argv[1]) : 2000;
	if (iterations < 1)
		iterations = 1;
	key = EVP_RSA_gen(2048);
	n = i2d_PUBKEY(key, &der);
	(void)EVP_EncodeBlock(b64, der, n);
	OPENSSL_free(der);
	str_init(&rec);
	str_appendf(&rec, "v=DKIM1; k=rsa; p=%s", (char *)b64);
	zone = dns_mem_create();
	for (i = 0; i < 4; i++) {
		str name;

		str_init(&name);
		str_appendf(&name, "s._domainkey.%s", domains[i]);
		dns_mem_add_txt(zone, str_cstr(&name), DNS_T_TXT, rec.buf,
		    rec.len);
		str_free(&name);
	}
	res = dns_resolver_create_mem(zone, &mem_opts);

	memset(&m, 0, sizeof(m));
	str_init(&m.body);
	add(&m, "Received", " from mx.a.example by mx.b.example; Sat, 5 Dec "
	    "2026 10:00:00 +0000", 0);
	add(&m, "From", " Ann <ann@a.example>", 0);
	add(&m, "To", " list@b.example", 0);
	add(&m, "Subject", " [list] the weekly notes", 0);
	add(&m, "Date", " Sat, 5 Dec 2026 10:00:00 +0000", 0);
	add(&m, "Message-ID", " <1@a.example>", 0);
	add(&m, "MIME-Version", " 1.0", 0);
	add(&m, "Content-Type", " text/plain; charset=utf-8", 0);
	while (m.body.len < 20000)
		str_append(&m.body, "A line of the message body, as it is "
		    "in a plain text mail of some length.\r\n");

	none = measure(&m, res, iterations * 10, ARC_CV_NONE, NULL);
	seal(&m, res, key, domains[0]);
	one = measure(&m, res, iterations, ARC_CV_PASS, NULL);
	seal(&m, res, key, domains[1]);
	seal(&m, res, key, domains[2]);
	three = measure(&m, res, iterations, ARC_CV_PASS, NULL);
	sealing = measure(&m, res, iterations, ARC_CV_PASS, key) - three;
	printf("ARC CPU per 20 KB message (RSA-2048, %d iterations):\n",
	    iterations);
	printf("  no chain   %8.1f us\n", none);
	printf("  1 set      %8.1f us\n", one);
	printf("  3 sets     %8.1f us\n", three);
	printf("  our seal   %8.1f us more (a 4th set, over 3)\n", sealing);
	dns_resolver_unref(res);
	dns_mem_free(zone);
	EVP_PKEY_free(key);
	for (i = 0; i < (int)m.n; i++) {
		mem_free(m.name[i]);
		mem_free(m.value[i]);
	}
	str_free(&m.body);
	str_free(&rec);
	return 0;
}
