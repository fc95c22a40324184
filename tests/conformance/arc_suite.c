/*
 * arc_suite - runs the ValiMail ARC test suites of
 * ../shared/conformance/arc/ (read as they are) through authgate's ARC
 * module: each message is fed the way the milter feeds it (header fields
 * with their folding, then the body with CRLF line ends) and each key is
 * served by the in-memory DNS backend from the scenario's txt-records.
 *
 *	arc-validate - arc-draft-validation-tests.yml: the chain validation
 *		status (cv) must be the expected None, Pass or Fail. Three
 *		tests give an empty cv; each is a chain whose seal says
 *		cv=fail, which RFC 8617 5.2 (steps 2 and 3) makes a failed
 *		chain, so an empty cv is compared as Fail.
 *	arc-sign - arc-draft-sign-tests.yml: the set authgate adds with the
 *		scenario's key, time, header list and authserv-id must be the
 *		expected ARC-Seal, ARC-Message-Signature and
 *		ARC-Authentication-Results, tag by tag (white space inside a
 *		tag value does not count; the AAR is compared with white space
 *		runs as one space). An expected empty set means none may be
 *		added. The AAR carries the results of every
 *		Authentication-Results field of the message with that
 *		authserv-id, in order.
 * A key that appears twice in a scenario's tests is run once, as its
 * last occurrence (what a YAML reader that keeps one value per key
 * sees), so the counts are "arc-validate: N/171" and "arc-sign: N/17".
 * It fails below arc-ratchet.txt or on a failure without an explanation
 * in arc-known-failures.txt; ARC_VERBOSE=1 prints passes too.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/deadline.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "mail/authres.h"
#include "arc/arc_seal.h"
#include "arc/arc_tags.h"
#include "arc/arc_verify.h"
#include "harness.h"
#include "ytree.h"

#define ARC_DIR	CONFORMANCE_DIR "/arc"

static const struct dns_options mem_opts = { NULL, 1000, 1, 0, 0, 0 };

/* scalar - a scalar's text, "" for anything else */
static const char *
scalar(const struct ynode *n)
{
	return n != NULL && n->kind == Y_SCALAR ? n->s : "";
}

/* zone - a scenario's txt-records */
static dns_mem *
zone(const struct ynode *doc)
{
	const struct ynode *tr;
	dns_mem *m;
	size_t i;

	m = dns_mem_create();
	if ((tr = ytree_get(doc, "txt-records")) == NULL || tr->kind != Y_MAP)
		return m;
	for (i = 0; i + 1 < tr->n; i += 2)
		if (tr->items[i + 1]->kind == Y_SCALAR)
			dns_mem_add_txt(m, tr->items[i]->s, DNS_T_TXT,
			    tr->items[i + 1]->s, tr->items[i + 1]->len);
	return m;
}

struct feed_arg {
	arc_verifier	*v;
	const char	*srv_id;	/* NULL: results not wanted */
	str		*results;
};

/* feed_field - one header field to the verifier; the results of an
 * Authentication-Results field of srv_id noted, as our AAR carries them */
static void
feed_field(void *arg, const char *name, const char *value, size_t len)
{
	struct feed_arg *a = arg;
	const char *r;
	str id;

	arc_verifier_header(a->v, name, value, len);
	if (a->srv_id == NULL || strcasecmp(name, "Authentication-Results") != 0)
		return;
	str_init(&id);
	if (authres_authserv_id(value, len, &id) == 0 &&
	    strcmp(str_cstr(&id), a->srv_id) == 0 &&
	    (r = strchr(value, ';')) != NULL) {
		if (a->results->len > 0)
			str_append(a->results, "; ");
		str_append(a->results, r + 1);
	}
	str_free(&id);
}

/* feed - a message (LF lines) to a verifier the milter's way: the
 * fields, then the body with CRLF line ends */
static void
feed(arc_verifier *v, const char *msg, const char *srv_id, str *results)
{
	struct feed_arg a = { v, srv_id, results };
	const char *p;
	str body;

	str_init(&body);
	str_append(&body, "");
	for (p = harness_fields(msg, strlen(msg), feed_field, &a); *p != '\0';
	    p++) {
		if (*p == '\n')
			str_append_c(&body, '\r');
		str_append_c(&body, *p);
	}
	if (body.len > 0)
		(void)arc_verifier_body(v, (const unsigned char *)body.buf,
		    body.len);
	str_free(&body);
}

/* cv_name - the suite's word for a chain validation status */
static const char *
cv_name(enum arc_cv cv)
{
	return cv == ARC_CV_PASS ? "Pass" : cv == ARC_CV_FAIL ? "Fail" :
	    "None";
}

/* last_of - is the key at index i of a mapping its last occurrence */
static int
last_of(const struct ynode *map, size_t i)
{
	size_t j;

	for (j = i + 2; j + 1 < map->n; j += 2)
		if (strcmp(map->items[j]->s, map->items[i]->s) == 0)
			return 0;
	return 1;
}

/* trim_copy - a scalar with its white space runs as one space, trimmed */
static void
squeeze(const char *s, str *out)
{
	int space = 0;

	str_reset(out);
	str_append(out, "");
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
			space = 1;
			continue;
		}
		if (space && out->len > 0)
			str_append_c(out, ' ');
		space = 0;
		str_append_c(out, *s);
	}
}

/* same_tags - two signature fields with the same tags and values */
static int
same_tags(const char *want, const char *got, str *diff)
{
	struct arc_tags a, b;
	str va, vb, why;
	size_t i;
	const char *g;
	int ok = 1;

	str_init(&va);
	str_init(&vb);
	str_init(&why);
	if (arc_tags_parse(&a, want, &why) != 0 ||
	    arc_tags_parse(&b, got, &why) != 0) {
		str_appendf(diff, "unreadable: %s", str_cstr(&why));
		ok = 0;
	} else if (a.n != b.n) {
		str_appendf(diff, "%zu tags, not %zu", b.n, a.n);
		ok = 0;
	} else
		for (i = 0; i < a.n && ok; i++) {
			if ((g = arc_tags_get(&b, a.t[i].name)) == NULL) {
				str_appendf(diff, "no %s=", a.t[i].name);
				ok = 0;
				break;
			}
			squeeze(a.t[i].value, &va);
			squeeze(g, &vb);
			if (strcmp(a.t[i].name, "b") == 0 ||
			    strcmp(a.t[i].name, "bh") == 0) {
				/* base64: folding is not part of it */
				size_t k, o;

				for (k = o = 0; k < va.len; k++)
					if (va.buf[k] != ' ')
						va.buf[o++] = va.buf[k];
				str_truncate(&va, o);
				for (k = o = 0; k < vb.len; k++)
					if (vb.buf[k] != ' ')
						vb.buf[o++] = vb.buf[k];
				str_truncate(&vb, o);
			}
			if (strcmp(va.buf, vb.buf) != 0) {
				str_appendf(diff, "%s= differs", a.t[i].name);
				ok = 0;
			}
		}
	arc_tags_free(&a);
	arc_tags_free(&b);
	str_free(&va);
	str_free(&vb);
	str_free(&why);
	return ok;
}

/* validate_one - one validation test; 1 when the cv is the expected */
static int
validate_one(const struct ynode *doc, const struct ynode *t, EVP_PKEY *key,
    dns_resolver *res, str *want, str *got)
{
	struct arc_result r;
	arc_verifier *v;
	int ok;

	(void)doc;
	(void)key;
	squeeze(scalar(ytree_get(t, "cv")), want);
	if (want->len == 0)
		str_append(want, "Fail");
	v = arc_verifier_new(res, 0);
	feed(v, scalar(ytree_get(t, "message")), NULL, NULL);
	arc_verifier_end(v, deadline_in(1000), &r);
	str_append(got, cv_name(r.cv));
	if (r.cv == ARC_CV_FAIL)
		str_appendf(got, " (%s)", r.why);
	ok = strcmp(str_cstr(want), cv_name(r.cv)) == 0;
	arc_verifier_free(v);
	return ok;
}

/* sign_one - one signing test; 1 when authgate adds the expected set */
static int
sign_one(const struct ynode *doc, const struct ynode *t, EVP_PKEY *key,
    dns_resolver *res, str *want, str *got)
{
	struct arc_seal_params p;
	struct arc_sealed out;
	struct arc_result r;
	arc_verifier *v;
	const char *want_as, *want_ams, *want_aar;
	str results, why, a, b;
	int n, ok;

	str_init(&results);
	str_init(&why);
	str_init(&a);
	str_init(&b);
	memset(&p, 0, sizeof(p));
	p.key = key;
	p.domain = scalar(ytree_get(doc, "domain"));
	p.selector = scalar(ytree_get(doc, "sel"));
	p.headers = scalar(ytree_get(t, "sig-headers"));
	p.authserv_id = scalar(ytree_get(t, "srv-id"));
	p.t = strtoll(scalar(ytree_get(t, "t")), NULL, 10);
	str_append(want, "the expected set");
	if (key == NULL) {
		str_append(got, "no private key");
		return 0;
	}
	v = arc_verifier_new(res, 1);
	feed(v, scalar(ytree_get(t, "message")), p.authserv_id, &results);
	arc_verifier_end(v, deadline_in(1000), &r);
	squeeze(str_cstr(&results), &a);
	p.results = str_cstr(&a);
	n = arc_seal(&p, v, &r, &out, &why);
	want_as = scalar(ytree_get(t, "AS"));
	want_ams = scalar(ytree_get(t, "AMS"));
	want_aar = scalar(ytree_get(t, "AAR"));
	squeeze(want_as, &b);
	if (b.len == 0) {
		ok = n == 0;
		str_append(got, n == 0 ? "no set added" : "a set added");
		if (n == 0)
			str_appendf(got, " (%s)", str_cstr(&why));
	} else if (n != 1) {
		ok = 0;
		str_appendf(got, "no set added: %s", str_cstr(&why));
	} else {
		ok = 1;
		if (!same_tags(want_as, str_cstr(&out.as), got)) {
			str_append(got, " in the ARC-Seal; ");
			ok = 0;
		}
		if (!same_tags(want_ams, str_cstr(&out.ams), got)) {
			str_append(got, " in the ARC-Message-Signature; ");
			ok = 0;
		}
		squeeze(want_aar, &a);
		squeeze(str_cstr(&out.aar), &b);
		if (strcmp(a.buf, b.buf) != 0) {
			str_appendf(got, "the AAR is \"%s\"", b.buf);
			ok = 0;
		}
		if (ok)
			str_append(got, "the expected set");
	}
	if (n >= 0)
		arc_sealed_free(&out);
	arc_verifier_free(v);
	str_free(&results);
	str_free(&why);
	str_free(&a);
	str_free(&b);
	return ok;
}

typedef int test_fn(const struct ynode *, const struct ynode *, EVP_PKEY *,
    dns_resolver *, str *, str *);

/* run_file - one suite: every test of every scenario, each scenario's
 * keys in DNS (and its private key, if it has one) */
static int
run_file(const char *path, const char *suite, test_fn *fn)
{
	struct harness_suite su;
	struct ynode **docs;
	const struct ynode *tests;
	const char *pem;
	EVP_PKEY *key;
	dns_resolver *res;
	dns_mem *m;
	size_t ndocs, d, i;
	str err, want, got;
	int rc, ok;

	str_init(&err);
	str_init(&want);
	str_init(&got);
	if ((docs = ytree_load(path, &ndocs, &err)) == NULL) {
		printf("%s: %s\n", suite, str_cstr(&err));
		str_free(&err);
		return 1;
	}
	harness_suite(&su, suite);
	for (d = 0; d < ndocs; d++) {
		if ((tests = ytree_get(docs[d], "tests")) == NULL ||
		    tests->kind != Y_MAP)
			continue;
		key = NULL;
		pem = scalar(ytree_get(docs[d], "privatekey"));
		str_reset(&err);
		if (*pem != '\0' && arc_seal_key_pem(pem, strlen(pem), &key,
		    &err) != 0)
			printf("  scenario %zu: the private key: %s\n", d + 1,
			    str_cstr(&err));
		m = zone(docs[d]);
		res = dns_resolver_create_mem(m, &mem_opts);
		for (i = 0; i + 1 < tests->n; i += 2) {
			if (!last_of(tests, i))
				continue;
			str_reset(&want);
			str_reset(&got);
			str_append(&want, "");
			str_append(&got, "");
			ok = fn(docs[d], tests->items[i + 1], key, res, &want,
			    &got);
			harness_result(&su, tests->items[i]->s, ok,
			    str_cstr(&want), str_cstr(&got));
		}
		EVP_PKEY_free(key);
		dns_resolver_unref(res);
		dns_mem_free(m);
	}
	rc = harness_end_suite(&su);
	ytree_free(docs, ndocs);
	str_free(&err);
	str_free(&want);
	str_free(&got);
	return rc;
}

int
main(void)
{
	int rc;

	if ((rc = harness_begin("arc", ARC_DIR
	    "/arc-draft-validation-tests.yml")) != 0)
		return rc < 0 ? 1 : rc;
	rc = run_file(ARC_DIR "/arc-draft-validation-tests.yml",
	    "arc-validate", validate_one);
	rc |= run_file(ARC_DIR "/arc-draft-sign-tests.yml", "arc-sign",
	    sign_one);
	harness_end();
	return rc;
}
