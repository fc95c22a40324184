/*
 * spf_suite - runs the OpenSPF RFC 7208 and RFC 4408 test suites
 * (../shared/conformance/spf/rfc7208-tests.yml and rfc4408-tests.yml, read as they are) through authgate's
 * SPF module, with each scenario's zonedata served by the in-memory DNS
 * backend (TIMEOUT entries become real temperrors).
 *
 * It prints "rfc7208: N/203" and "rfc4408: N/191", every failing test
 * (every test with SPF_VERBOSE=1 in the environment) with expected and
 * actual result and our reason, and the explanation recorded for it in
 * spf-known-failures.txt. It fails when a count drops below
 * spf-ratchet.txt (counts can only go up) or when a failure has no
 * recorded explanation (harness.c).
 *
 * Zonedata rules (SOURCE.md of the suite): names match case-insensitively;
 * {TYPE: value} is one record, a list of strings is one TXT record of
 * several strings, joined; "NONE" is no record; a bare TIMEOUT makes every
 * type time out except those listed before it; a name with no TXT entry
 * at all serves its SPF entries as TXT.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/deadline.h"
#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "mail/smtp_addr.h"
#include "spf/spf.h"
#include "harness.h"
#include "ytree.h"

#define TYPE_TIMEOUT	-1

/* type_of - RR type of a zonedata key */
static int
type_of(const struct ynode *k)
{
	static const struct { const char *name; int type; } types[] = {
		{ "A", DNS_T_A }, { "AAAA", DNS_T_AAAA }, { "MX", DNS_T_MX },
		{ "PTR", DNS_T_PTR }, { "CNAME", DNS_T_CNAME },
		{ "TXT", DNS_T_TXT }, { "SPF", DNS_T_SPF },
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (ytree_is(k, types[i].name))
			return types[i].type;
	return 0;
}

/* txt_value - the bytes of a TXT/SPF value: a string or a list of them */
static int
txt_value(const struct ynode *v, str *out)
{
	size_t i;

	str_reset(out);
	str_append(out, "");
	if (v->kind == Y_SCALAR) {
		str_append_n(out, v->s, v->len);
		return 0;
	}
	if (v->kind != Y_SEQ)
		return -1;
	for (i = 0; i < v->n; i++)
		if (v->items[i]->kind == Y_SCALAR)
			str_append_n(out, v->items[i]->s, v->items[i]->len);
	return 0;
}

/* add_record - one zonedata record */
static void
add_record(dns_mem *m, const char *name, int type, const struct ynode *v)
{
	str buf, err;
	long pref;

	str_init(&buf);
	str_init(&err);
	switch (type) {
	case DNS_T_TXT:
	case DNS_T_SPF:
		txt_value(v, &buf);
		dns_mem_add_txt(m, name, type, buf.buf, buf.len);
		break;
	case DNS_T_MX:
		if (v->kind == Y_SEQ && v->n == 2) {
			pref = strtol(v->items[0]->s, NULL, 10);
			dns_mem_add_mx(m, name, (unsigned)pref, v->items[1]->s);
		}
		break;
	default:
		if (v->kind == Y_SCALAR &&
		    dns_mem_add(m, name, type, v->s, &err) != 0)
			printf("  zonedata %s: %s\n", name, str_cstr(&err));
		break;
	}
	str_free(&buf);
	str_free(&err);
}

/* load_zone - one scenario's zonedata into in-memory zones */
static dns_mem *
load_zone(const struct ynode *zd)
{
	static const int all_types[] = {
		DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_PTR, DNS_T_CNAME,
		DNS_T_TXT, DNS_T_SPF
	};
	const struct ynode *entries, *e, *k, *v;
	dns_mem *m;
	size_t i, j, t;
	int seen[128], type, has_txt;
	const char *name;

	m = dns_mem_create();
	for (i = 0; zd != NULL && i + 1 < zd->n; i += 2) {
		name = zd->items[i]->s;
		entries = zd->items[i + 1];
		if (entries->kind != Y_SEQ)
			continue;
		has_txt = 0;
		for (j = 0; j < entries->n; j++) {
			e = entries->items[j];
			if (e->kind == Y_MAP && e->n == 2 &&
			    type_of(e->items[0]) == DNS_T_TXT)
				has_txt = 1;
		}
		memset(seen, 0, sizeof(seen));
		for (j = 0; j < entries->n; j++) {
			e = entries->items[j];
			if (ytree_is(e, "TIMEOUT")) {
				for (t = 0; t < sizeof(all_types) /
				    sizeof(all_types[0]); t++)
					if (!seen[all_types[t]])
						dns_mem_set_fault(m, name,
						    all_types[t], DNS_TEMPFAIL);
				continue;
			}
			if (e->kind != Y_MAP || e->n != 2)
				continue;
			k = e->items[0];
			v = e->items[1];
			type = type_of(k);
			if (type == 0)
				continue;
			if (ytree_is(v, "TIMEOUT")) {
				dns_mem_set_fault(m, name, type, DNS_TEMPFAIL);
				continue;
			}
			if (ytree_is(v, "NONE"))
				continue;
			add_record(m, name, type, v);
			seen[type] = 1;
			/* SPF entries double as TXT when no TXT is listed */
			if (type == DNS_T_SPF && !has_txt) {
				add_record(m, name, DNS_T_TXT, v);
				seen[DNS_T_TXT] = 1;
			}
		}
	}
	return m;
}

/* expected_has - does the expected result (string or list) allow r */
static int
expected_has(const struct ynode *exp, const char *r)
{
	size_t i;

	if (exp == NULL)
		return 0;
	if (exp->kind == Y_SCALAR)
		return strcasecmp(exp->s, r) == 0;
	for (i = 0; exp->kind == Y_SEQ && i < exp->n; i++)
		if (strcasecmp(exp->items[i]->s, r) == 0)
			return 1;
	return 0;
}

/* expected_text - the expected result, printable */
static void
expected_text(const struct ynode *exp, str *out)
{
	size_t i;

	if (exp == NULL)
		str_append(out, "?");
	else if (exp->kind == Y_SCALAR)
		str_append(out, exp->s);
	else
		for (i = 0; i < exp->n; i++)
			str_appendf(out, "%s%s", i ? " or " : "", exp->items[i]->s);
}

/* run_test - one test of a scenario */
static int
run_test(struct harness_suite *su, spf_engine *eng, dns_resolver *res,
    const char *tname, const struct ynode *t)
{
	const struct ynode *host, *mailfrom, *helo, *exp, *expl;
	struct spf_outcome o;
	struct smtp_addr from;
	const char *at;
	ipaddr ip;
	str e, got;
	int ok;

	host = ytree_get(t, "host");
	mailfrom = ytree_get(t, "mailfrom");
	helo = ytree_get(t, "helo");
	exp = ytree_get(t, "result");
	expl = ytree_get(t, "explanation");
	memset(&o, 0, sizeof(o));
	memset(&from, 0, sizeof(from));
	if (host == NULL || mailfrom == NULL || helo == NULL ||
	    ipaddr_parse(host->s, &ip) != 0) {
		harness_result(su, tname, 0, "a readable test", "cannot read "
		    "the test");
		return 0;
	}
	/* the suite's mailfrom is check_host's sender, not SMTP syntax:
	 * "@example.net" has no local part */
	if (mailfrom->len == 0) {
		from.null = 1;
		from.address = mem_strdup("");
		from.local = mem_strdup("");
		from.domain = mem_strdup("");
	} else if ((at = strrchr(mailfrom->s, '@')) == NULL) {
		from.address = mem_strdup(mailfrom->s);
		from.error = "address has no domain";
	} else {
		from.address = mem_strdup(mailfrom->s);
		from.local = mem_strndup(mailfrom->s,
		    (size_t)(at - mailfrom->s));
		from.domain = mem_strdup(at + 1);
	}
	spf_check_mailfrom(eng, res, &ip, helo->s, &from, deadline_in(10000),
	    0, &o);
	ok = expected_has(exp, spf_result_name(o.result));
	/* explanations: "DEFAULT" means none from exp=; DNS names are case
	 * blind, and RFC 7208 7.4 writes %{i} nibbles in lower case where
	 * the suite's pyspf writes upper case, so compare without case */
	if (ok && expl != NULL) {
		if (ytree_is(expl, "DEFAULT"))
			ok = o.explanation == NULL;
		else
			ok = o.explanation != NULL &&
			    strcasecmp(o.explanation, expl->s) == 0;
	}
	str_init(&e);
	str_init(&got);
	expected_text(exp, &e);
	if (expl != NULL)
		str_appendf(&e, " (explanation \"%s\")", expl->s);
	str_append(&got, spf_result_name(o.result));
	if (o.explanation != NULL)
		str_appendf(&got, " (explanation \"%s\")", o.explanation);
	if (o.reason != NULL)
		str_appendf(&got, ": %s", o.reason);
	harness_result(su, tname, ok, str_cstr(&e), str_cstr(&got));
	str_free(&e);
	str_free(&got);
	spf_outcome_clear(&o);
	smtp_addr_clear(&from);
	return ok;
}

/* run_suite - every scenario of one file */
static void
run_suite(struct harness_suite *su, const char *file, spf_engine *eng)
{
	static const struct dns_options opts = { NULL, 1000, 1, 0, 0, 0 };
	const struct ynode *doc, *tests;
	struct ynode **docs;
	dns_resolver *res;
	dns_mem *m;
	size_t ndocs, d, i;
	char path[1024];
	str err;

	snprintf(path, sizeof(path), "%s/spf/%s", CONFORMANCE_DIR, file);
	str_init(&err);
	if ((docs = ytree_load(path, &ndocs, &err)) == NULL) {
		harness_result(su, file, 0, "a readable suite",
		    str_cstr(&err));
		str_free(&err);
		return;
	}
	for (d = 0; d < ndocs; d++) {
		doc = docs[d];
		m = load_zone(ytree_get(doc, "zonedata"));
		/* no cache: each test sees the zone as it is */
		res = dns_resolver_create_mem(m, &opts);
		tests = ytree_get(doc, "tests");
		for (i = 0; tests != NULL && i + 1 < tests->n; i += 2)
			run_test(su, eng, res, tests->items[i]->s,
			    tests->items[i + 1]);
		dns_resolver_unref(res);
		dns_mem_free(m);
	}
	ytree_free(docs, ndocs);
	str_free(&err);
}

int
main(void)
{
	static const struct {
		const char	*name;
		const char	*file;
	} files[] = {
		{ "rfc7208", "rfc7208-tests.yml" },
		{ "rfc4408", "rfc4408-tests.yml" },
	};
	struct harness_suite su;
	spf_engine *eng;
	size_t i;
	int rc;

	if ((rc = harness_begin("spf", CONFORMANCE_DIR
	    "/spf/rfc7208-tests.yml")) != 0)
		return rc < 0 ? 1 : rc;
	eng = spf_engine_create("receiver.test");
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		harness_suite(&su, files[i].name);
		run_suite(&su, files[i].file, eng);
		rc |= harness_end_suite(&su);
	}
	spf_engine_free(eng);
	harness_end();
	return rc;
}
