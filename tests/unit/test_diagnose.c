/*
 * test_diagnose - the per-check findings authgate-check prints: order,
 * results, ok flags, and that each failure carries what was found and
 * the fix; JSON string escaping of the tool's output.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "report/diagnose.h"

/* find - the finding of a check, or NULL */
static const struct finding *
find(const struct diagnosis *d, const char *check)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->f[i].check, check) == 0)
			return &d->f[i];
	return NULL;
}

/* has_line - does a finding have a line containing text */
static int
has_line(const struct finding *f, const char *text)
{
	size_t i;

	for (i = 0; f != NULL && i < f->nlines; i++)
		if (strstr(f->lines[i], text) != NULL)
			return 1;
	return 0;
}

static void
test_findings(void **state)
{
	struct dnsbl_listing pbl = { .category = (char *)"PBL", .weight = 3,
	    .class = DNSBL_POLICY };
	struct dnsbl_zone zen = { .name = (char *)"zen.example",
	    .url = (char *)"https://zen.example/%{ip}", .listings = &pbl,
	    .nlistings = 1 };
	struct dnsbl_zone slow = { .name = (char *)"slow.example" };
	struct dnsbl_result r[2];
	struct diagnosis d;
	struct policy p;
	struct facts f;
	ipaddr ip;

	(void)state;
	policy_defaults(&p);
	memset(&f, 0, sizeof(f));
	ipaddr_parse("192.0.2.99", &ip);
	f.client_ip = "192.0.2.99";
	f.ip = &ip;
	f.helo = "pc17";
	f.mail_from = "u@example.org";
	memset(r, 0, sizeof(r));
	r[0].zone = &zen;
	r[0].status = DNSBL_LISTED;
	r[0].hits = 1;
	r[0].weight = 3;
	r[0].codes = (char *)"127.0.0.11";
	r[1].zone = &slow;
	r[1].status = DNSBL_TEMPERROR;
	f.dnsbl.checked = 1;
	f.dnsbl.n = 2;
	f.dnsbl.r = r;
	f.dnsbl.score = 3;
	f.iprev.checked = 1;
	f.iprev.result = IPREVR_PASS;
	f.iprev.name = (char *)"dsl-192-0-2-99.isp.example";
	f.helo_check.checked = 1;
	f.helo_check.facts = 1u << HELOF_NOT_FQDN;
	f.helo_check.name = (char *)"pc17";
	f.spf_mailfrom.checked = 1;
	f.spf_mailfrom.result = SPFR_SOFTFAIL;
	f.spf_mailfrom.domain = (char *)"example.org";
	f.spf_mailfrom.identity = (char *)"u@example.org";
	f.spf_mailfrom.record = (char *)"v=spf1 mx ~all";
	diagnose_facts(&f, &p, &d);

	/* in the order the checks run */
	assert_int_equal(d.n, 4);
	assert_string_equal(d.f[0].check, "dnsbl");
	assert_string_equal(d.f[1].check, "iprev");
	assert_string_equal(d.f[2].check, "helo");
	assert_string_equal(d.f[3].check, "spf-mailfrom");
	/* the PBL listing: relay advice; the list that did not answer */
	assert_false(d.f[0].ok);
	assert_string_equal(d.f[0].result, "listed (score 3, limit 3)");
	assert_true(has_line(&d.f[0], "as an end-user address"));
	assert_true(has_line(&d.f[0], "smarthost"));
	assert_true(has_line(&d.f[0], "https://zen.example/192.0.2.99"));
	assert_true(has_line(&d.f[0], "slow.example did not answer"));
	/* iprev passed: nothing to fix */
	assert_true(d.f[1].ok);
	assert_string_equal(d.f[1].result, "pass (dsl-192-0-2-99.isp.example)");
	assert_int_equal(d.f[1].nlines, 0);
	/* HELO: the fact in words */
	assert_false(d.f[2].ok);
	assert_true(has_line(&d.f[2], "is not a fully qualified domain name"));
	/* SPF softfail: the record and the fix, though not refused */
	assert_false(find(&d, "spf-mailfrom")->ok);
	assert_string_equal(find(&d, "spf-mailfrom")->result,
	    "softfail (example.org)");
	assert_true(has_line(find(&d, "spf-mailfrom"), "v=spf1 mx ~all"));
	assert_true(has_line(find(&d, "spf-mailfrom"), "To fix"));
	assert_null(find(&d, "dmarc"));		/* did not run */
	diagnosis_clear(&d);
	assert_int_equal(d.n, 0);
	policy_free(&p);
}

static void
test_json_strings(void **state)
{
	str s;

	(void)state;
	str_init(&s);
	str_append_json(&s, "a \"quoted\" \\ line\nand\ttab\x01");
	assert_string_equal(str_cstr(&s),
	    "\"a \\\"quoted\\\" \\\\ line\\nand\\ttab\\u0001\"");
	str_reset(&s);
	str_append_json(&s, NULL);
	assert_string_equal(str_cstr(&s), "null");
	str_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_json_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
