/*
 * dmarc_suite - runs ../shared/conformance/dmarc/cases.yaml (read as it
 * is) through authgate's DMARC code: record parsing, alignment, From:
 * domain extraction, Organizational Domains, policy discovery and whole
 * evaluations, with each case's DNS served by the in-memory backend.
 *
 * How each kind of case is judged:
 *	record_parse - the record is usable in RFC 7489 mode exactly when
 *		the case says rfc7489_valid;
 *	alignment - RFC 7489 mode with the case's frozen PSL copy (the
 *		upstream tables were written for the PSL);
 *	from_domain_extraction - our From: parser (a leading "From:" is the
 *		field name and is dropped) gives expected_domain;
 *	organizational_domain - RFC 7489 mode with the given PSL copy;
 *	policy_discovery - RFC 7489 mode when the case names a PSL file,
 *		else RFC 9989 (the DNS Tree Walk needs none); the record's
 *		p=, the domain it was found at, the policy that applies, or
 *		SPF alignment, whichever the case gives;
 *	evaluation - RFC 9989 mode: alignment of each mechanism, the result
 *		and the policy.
 * It prints "dmarc: N/69" and every failure with its recorded reason
 * (dmarc-known-failures.txt); it fails below dmarc-ratchet.txt or on an
 * unexplained failure (harness.c). DMARC_VERBOSE=1 prints passes too.
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
#include "mail/from_header.h"
#include "spf/spf.h"
#include "dmarc/dmarc.h"
#include "dmarc/dmarc_record.h"
#include "harness.h"
#include "ytree.h"

#define CASES	CONFORMANCE_DIR "/dmarc/cases.yaml"

static const struct dns_options mem_opts = { NULL, 1000, 1, 0, 0, 0 };

/* scalar - a scalar's text, or "" */
static const char *
scalar(const struct ynode *n)
{
	return n != NULL && n->kind == Y_SCALAR ? n->s : "";
}

/* psl_path - the case's PSL file (relative to the dmarc folder), NULL if
 * none */
static const char *
psl_path(const struct ynode *c, const char *key, char *buf, size_t size)
{
	const char *p;

	p = scalar(ytree_get(c, key));
	if (*p == '\0' || strcmp(p, "none") == 0)
		return NULL;
	snprintf(buf, size, "%s/dmarc/%s", CONFORMANCE_DIR, p);
	return buf;
}

/* zone - the case's dns: map ("name": TXT, "name/A": address) */
static dns_mem *
zone(const struct ynode *dns)
{
	const char *name, *slash;
	dns_mem *m;
	str n, err;
	size_t i;

	m = dns_mem_create();
	str_init(&n);
	str_init(&err);
	for (i = 0; dns != NULL && dns->kind == Y_MAP && i + 1 < dns->n;
	    i += 2) {
		name = dns->items[i]->s;
		str_reset(&n);
		if ((slash = strchr(name, '/')) != NULL) {
			str_append_n(&n, name, (size_t)(slash - name));
			dns_mem_add(m, str_cstr(&n), strcmp(slash + 1, "AAAA") ?
			    DNS_T_A : DNS_T_AAAA, dns->items[i + 1]->s, &err);
		} else
			dns_mem_add_txt(m, name, DNS_T_TXT, dns->items[i + 1]->s,
			    dns->items[i + 1]->len);
	}
	str_free(&n);
	str_free(&err);
	return m;
}

/* domain_of - the domain of an address ("hello@example.org") */
static const char *
domain_of(const char *addr)
{
	const char *at;

	return (at = strrchr(addr, '@')) != NULL ? at + 1 : addr;
}

/* disp_of - "reject", "quarantine", "none" from the case; -2 if other */
static int
disp_of(const char *w)
{
	if (strncmp(w, "reject", 6) == 0)
		return DMARC_P_REJECT;
	if (strncmp(w, "quarantine", 10) == 0)
		return DMARC_P_QUARANTINE;
	if (strncmp(w, "none", 4) == 0)
		return DMARC_P_NONE;
	return -2;
}

/* align_word - our alignment outcome in the suite's words */
static const char *
align_word(enum dmarc_align a)
{
	switch (a) {
	case DMARC_ALIGN_PASS:
		return "pass";
	case DMARC_ALIGN_FAIL:
		return "fail (not aligned)";
	case DMARC_ALIGN_TEMP:
		return "temperror";
	default:
		return "none";
	}
}

/* run_record - record_parse cases */
static void
run_record(struct harness_suite *su, const struct ynode *c)
{
	const struct ynode *rec;
	struct dmarc_record r;
	str err, got;
	int valid, rc;

	rec = ytree_get(c, "record");
	valid = ytree_is(ytree_get(c, "rfc7489_valid"), "true");
	str_init(&err);
	str_init(&got);
	rc = dmarc_record_parse(scalar(rec), rec != NULL ? rec->len : 0,
	    DMARC_RFC7489, &r, &err);
	if (rc == 0)
		str_appendf(&got, "valid (p=%s)", dmarc_disp_name(r.p));
	else
		str_appendf(&got, "invalid: %s", str_cstr(&err));
	harness_result(su, scalar(ytree_get(c, "id")), (rc == 0) == valid,
	    valid ? "valid" : "invalid", str_cstr(&got));
	str_free(&err);
	str_free(&got);
}

/* run_alignment - alignment cases (RFC 7489 mode, frozen PSL) */
static void
run_alignment(struct harness_suite *su, const struct ynode *c,
    dmarc_engine *psl_engine, dns_resolver *res)
{
	int want, got;

	want = ytree_is(ytree_get(c, "expected_aligned"), "true");
	got = dmarc_domains_aligned(psl_engine, res,
	    scalar(ytree_get(c, "auth_domain")),
	    scalar(ytree_get(c, "from_domain")),
	    ytree_is(ytree_get(c, "mode"), "strict") ? 's' : 'r',
	    deadline_in(5000));
	harness_result(su, scalar(ytree_get(c, "id")), got == want,
	    want ? "aligned" : "not aligned", got == 1 ? "aligned" :
	    got == 0 ? "not aligned" : "unknown");
}

/* run_from - from_domain_extraction cases */
static void
run_from(struct harness_suite *su, const struct ynode *c)
{
	struct from_list l;
	const char *v, *want, *d;
	str err, got;

	v = scalar(ytree_get(c, "header_value"));
	want = scalar(ytree_get(c, "expected_domain"));
	if (strncasecmp(v, "From:", 5) == 0)
		v += 5;		/* the field name, not the value */
	str_init(&err);
	str_init(&got);
	d = NULL;
	if (from_header_parse(v, strlen(v), &l, &err) == 0) {
		d = from_list_domain(&l);
		if (d != NULL)
			str_append(&got, d);
		else
			str_appendf(&got, "no single domain (%zu addresses in "
			    "different domains)", l.n);
	} else
		str_appendf(&got, "error: %s", str_cstr(&err));
	harness_result(su, scalar(ytree_get(c, "id")), d != NULL &&
	    strcmp(d, want) == 0, want, str_cstr(&got));
	if (d != NULL || l.n > 0)
		from_list_clear(&l);
	str_free(&err);
	str_free(&got);
}

/* run_org - organizational_domain cases */
static void
run_org(struct harness_suite *su, const struct ynode *c, dns_resolver *res)
{
	dmarc_engine *e;
	char path[1024];
	str org, err;

	str_init(&org);
	str_init(&err);
	e = dmarc_engine_create(DMARC_RFC7489, psl_path(c, "psl_file", path,
	    sizeof(path)), &err);
	if (e == NULL)
		str_append(&org, str_cstr(&err));
	else
		dmarc_org_domain(e, res, scalar(ytree_get(c, "domain")),
		    deadline_in(5000), &org);
	harness_result(su, scalar(ytree_get(c, "id")), strcmp(str_cstr(&org),
	    scalar(ytree_get(c, "expected_org_domain"))) == 0,
	    scalar(ytree_get(c, "expected_org_domain")), str_cstr(&org));
	dmarc_engine_free(e);
	str_free(&org);
	str_free(&err);
}

/* run_discovery - policy_discovery cases */
static void
run_discovery(struct harness_suite *su, const struct ynode *c)
{
	const struct ynode *exp, *n;
	struct dmarc_outcome o;
	struct dmarc_input in;
	const char *psl, *from, *want_status;
	dmarc_engine *e;
	dns_resolver *res;
	dns_mem *m;
	char path[1024];
	str err, want, got;
	int ok;

	str_init(&err);
	str_init(&want);
	str_init(&got);
	psl = psl_path(c, "psl", path, sizeof(path));
	e = dmarc_engine_create(psl != NULL ? DMARC_RFC7489 : DMARC_RFC9989,
	    psl, &err);
	m = zone(ytree_get(c, "dns"));
	res = dns_resolver_create_mem(m, &mem_opts);
	from = (n = ytree_get(c, "from_domain")) != NULL ? n->s :
	    domain_of(scalar(ytree_get(c, "from")));
	memset(&in, 0, sizeof(in));
	memset(&o, 0, sizeof(o));
	in.from_domain = from;
	if ((n = ytree_get(c, "mailfrom_domain")) != NULL) {
		in.spf_domain = n->s;
		in.spf_checked = 1;
		in.spf_result = ytree_is(ytree_get(c, "spf"), "pass") ?
		    SPFR_PASS : SPFR_FAIL;
	}
	ok = 0;
	if (e == NULL)
		str_append(&got, str_cstr(&err));
	else {
		dmarc_check(e, res, &in, deadline_in(5000), &o);
		str_appendf(&got, "%s, record at %s, p=%s, applies %s=%s, "
		    "spf %s", dmarc_result_name(o.result), o.record_domain ?
		    o.record_domain : "-", dmarc_disp_name(o.p),
		    o.published_tag ? o.published_tag : "-",
		    dmarc_disp_name(o.published), align_word(o.spf_align));
		ok = 1;
		if ((exp = ytree_get(c, "expected")) != NULL) {
			/* OpenDMARC's: status, p, utilized_domain */
			want_status = scalar(ytree_get(exp, "status"));
			str_appendf(&want, "%s", want_status);
			if (strcmp(want_status, "DMARC_DNS_ERROR_NO_RECORD") == 0)
				ok = o.result == DMARCR_NONE;
			else
				ok = o.record_domain != NULL &&
				    o.result != DMARCR_PERMERROR;
			if ((n = ytree_get(exp, "p")) != NULL) {
				str_appendf(&want, ", p=%s", n->s);
				ok = ok && (int)o.p == disp_of(n->s);
			}
			if ((n = ytree_get(exp, "utilized_domain")) != NULL) {
				str_appendf(&want, ", record at %s", n->s);
				ok = ok && o.record_domain != NULL &&
				    strcmp(o.record_domain, n->s) == 0;
			}
		} else if ((n = ytree_get(c, "expected_policy")) != NULL) {
			str_appendf(&want, "policy %s", n->s);
			if (disp_of(n->s) == -2)	/* "(no record; ...)" */
				ok = o.result == DMARCR_NONE;
			else
				ok = o.result != DMARCR_NONE &&
				    (int)o.published == disp_of(n->s);
		} else if ((n = ytree_get(c, "expected_spf_alignment")) !=
		    NULL) {
			str_appendf(&want, "spf %s", n->s);
			ok = strcmp(align_word(o.spf_align), n->s) == 0;
		}
	}
	harness_result(su, scalar(ytree_get(c, "id")), ok, str_cstr(&want),
	    str_cstr(&got));
	dmarc_outcome_clear(&o);
	dmarc_engine_free(e);
	dns_resolver_unref(res);
	dns_mem_free(m);
	str_free(&err);
	str_free(&want);
	str_free(&got);
}

/* run_evaluation - evaluation cases (RFC 9989 mode) */
static void
run_evaluation(struct harness_suite *su, const struct ynode *c,
    dmarc_engine *e)
{
	const struct ynode *exp, *dk;
	struct dmarc_dkim sigs[8];
	struct dmarc_outcome o;
	struct dmarc_input in;
	dns_resolver *res;
	dns_mem *m;
	str want, got;
	size_t i;
	int ok;

	m = zone(ytree_get(c, "dns"));
	res = dns_resolver_create_mem(m, &mem_opts);
	memset(&in, 0, sizeof(in));
	memset(&o, 0, sizeof(o));
	in.from_domain = domain_of(scalar(ytree_get(c, "header_from")));
	in.spf_domain = scalar(ytree_get(c, "mailfrom_domain"));
	in.spf_checked = 1;
	in.spf_result = spf_result_parse(scalar(ytree_get(c, "spf"))) >= 0 ?
	    (enum spf_result)spf_result_parse(scalar(ytree_get(c, "spf"))) :
	    SPFR_NONE;
	dk = ytree_get(c, "dkim");
	for (i = 0; dk != NULL && i < dk->n && i < 8; i++) {
		sigs[i].domain = scalar(ytree_get(dk->items[i], "d"));
		sigs[i].pass = ytree_is(ytree_get(dk->items[i], "result"),
		    "pass");
		sigs[i].temperror = 0;
	}
	in.dkim = sigs;
	in.ndkim = i;
	dmarc_check(e, res, &in, deadline_in(5000), &o);
	exp = ytree_get(c, "expected");
	str_init(&want);
	str_init(&got);
	str_appendf(&want, "dkim %s, spf %s, dmarc %s, policy %s",
	    scalar(ytree_get(exp, "dkim_aligned")),
	    scalar(ytree_get(exp, "spf_aligned")),
	    scalar(ytree_get(exp, "dmarc")), scalar(ytree_get(exp, "policy")));
	str_appendf(&got, "dkim %s, spf %s, dmarc %s, policy %s",
	    align_word(o.dkim_align), align_word(o.spf_align),
	    dmarc_result_name(o.result), dmarc_disp_name(o.published));
	ok = strcmp(str_cstr(&want), str_cstr(&got)) == 0;
	harness_result(su, scalar(ytree_get(c, "id")), ok, str_cstr(&want),
	    str_cstr(&got));
	str_free(&want);
	str_free(&got);
	dmarc_outcome_clear(&o);
	dns_resolver_unref(res);
	dns_mem_free(m);
}

int
main(void)
{
	const struct ynode *doc, *list;
	struct harness_suite su;
	struct ynode **docs;
	dmarc_engine *bis, *psl;
	dns_resolver *empty_res;
	dns_mem *empty;
	size_t ndocs, i;
	char path[1024];
	str err;
	int rc;

	if ((rc = harness_begin("dmarc", CASES)) != 0)
		return rc < 0 ? 1 : rc;
	str_init(&err);
	if ((docs = ytree_load(CASES, &ndocs, &err)) == NULL || ndocs != 1) {
		printf("cannot read %s: %s\n", CASES, str_cstr(&err));
		return 1;
	}
	doc = docs[0];
	bis = dmarc_engine_create(DMARC_RFC9989, NULL, &err);
	snprintf(path, sizeof(path), "%s/dmarc/opendmarc/effective_tld_names.dat",
	    CONFORMANCE_DIR);
	if ((psl = dmarc_engine_create(DMARC_RFC7489, path, &err)) == NULL) {
		printf("%s\n", str_cstr(&err));
		return 1;
	}
	empty = dns_mem_create();
	empty_res = dns_resolver_create_mem(empty, &mem_opts);
	harness_suite(&su, "dmarc");
	for (i = 0; (list = ytree_get(doc, "record_parse")) && i < list->n; i++)
		run_record(&su, list->items[i]);
	for (i = 0; (list = ytree_get(doc, "alignment")) && i < list->n; i++)
		run_alignment(&su, list->items[i], psl, empty_res);
	for (i = 0; (list = ytree_get(doc, "from_domain_extraction")) &&
	    i < list->n; i++)
		run_from(&su, list->items[i]);
	for (i = 0; (list = ytree_get(doc, "organizational_domain")) &&
	    i < list->n; i++)
		run_org(&su, list->items[i], empty_res);
	for (i = 0; (list = ytree_get(doc, "policy_discovery")) &&
	    i < list->n; i++)
		run_discovery(&su, list->items[i]);
	for (i = 0; (list = ytree_get(doc, "evaluation")) && i < list->n; i++)
		run_evaluation(&su, list->items[i], bis);
	rc = harness_end_suite(&su);
	dns_resolver_unref(empty_res);
	dns_mem_free(empty);
	dmarc_engine_free(bis);
	dmarc_engine_free(psl);
	ytree_free(docs, ndocs);
	str_free(&err);
	harness_end();
	return rc;
}
