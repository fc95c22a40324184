/*
 * test_arc - the form of an ARC chain (RFC 8617 5.2 steps 1-4), table
 * driven (20 cases): each case is the ARC fields of a message in the order they
 * come, and the result with the words of the reason.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/str.h"
#include "arc/arc_chain.h"

#define AS	"ARC-Seal"
#define AMS	"ARC-Message-Signature"
#define AAR	"ARC-Authentication-Results"

struct arc_case {
	const char	*name;
	const char	*fields[10][2];	/* name, value; NULL ends */
	enum arc_form	 want;
	const char	*why;		/* in the reason, for ARC_FAIL */
	size_t		 sets;		/* for ARC_FORM_OK */
};

static const struct arc_case cases[] = {
	{ "no ARC fields", { { "DKIM-Signature", "v=1; d=x" } }, ARC_NONE,
	  NULL, 0 },
	{ "one set", { { AAR, "i=1; mx.example; spf=pass" },
	  { AMS, "i=1; a=rsa-sha256; d=example.org; s=s; h=from; bh=x; b=y" },
	  { AS, "i=1; a=rsa-sha256; cv=none; d=example.org; s=s; b=z" } },
	  ARC_FORM_OK, NULL, 1 },
	{ "two sets, any order, folded", {
	  { AS, "i=2;\r\n\ta=rsa-sha256; cv=pass; d=b.example; s=s; b=z" },
	  { AAR, "i=1; mx.example; dkim=pass" },
	  { AMS, "i = 2 ; d=b.example; b=y" },
	  { AS, "i=1; cv=none; d=a.example; b=z" },
	  { AAR, "i=2; lists.example; arc=pass" },
	  { AMS, "i=1; d=a.example; b=y" } }, ARC_FORM_OK, NULL, 2 },
	{ "set 1 without its AAR", { { AMS, "i=1; b=y" },
	  { AS, "i=1; cv=none; b=z" } }, ARC_FAIL,
	  "ARC set i=1 lacks its ARC-Authentication-Results", 0 },
	{ "a gap: sets 1 and 3", {
	  { AAR, "i=1; a" }, { AMS, "i=1; b=y" }, { AS, "i=1; cv=none" },
	  { AAR, "i=3; a" }, { AMS, "i=3; b=y" }, { AS, "i=3; cv=pass" } },
	  ARC_FAIL, "ARC set i=2 lacks its ARC-Seal", 0 },
	{ "instance 0", { { AAR, "i=0; a" }, { AMS, "i=0; b=y" },
	  { AS, "i=0; cv=none" } }, ARC_FAIL, "an i= not in 1..50", 0 },
	{ "instance 51", { { AAR, "i=51; a" } }, ARC_FAIL,
	  "an i= not in 1..50", 0 },
	{ "instance with a sign", { { AAR, "i=+1; a" } }, ARC_FAIL,
	  "an i= not in 1..50", 0 },
	{ "no i=", { { AMS, "d=x; b=y" } }, ARC_FAIL, "no i= tag", 0 },
	{ "i= twice", { { AMS, "i=1; i=2; b=y" } }, ARC_FAIL, "i= twice",
	  0 },
	{ "AAR with i= not first", { { AAR, "mx.example; i=1" } }, ARC_FAIL,
	  "no i= tag", 0 },
	{ "two seals with i=1", { { AAR, "i=1; a" }, { AMS, "i=1; b=y" },
	  { AS, "i=1; cv=none" }, { AS, "i=1; cv=none" } }, ARC_FAIL,
	  "two ARC-Seal fields with i=1", 0 },
	{ "seal 1 says pass", { { AAR, "i=1; a" }, { AMS, "i=1; b=y" },
	  { AS, "i=1; cv=pass" } }, ARC_FAIL,
	  "the ARC-Seal with i=1 says cv=pass, not none", 0 },
	{ "seal 2 says none", {
	  { AAR, "i=1; a" }, { AMS, "i=1; b=y" }, { AS, "i=1; cv=none" },
	  { AAR, "i=2; a" }, { AMS, "i=2; b=y" }, { AS, "i=2; cv=none" } },
	  ARC_FAIL, "the ARC-Seal with i=2 says cv=none, not pass", 0 },
	{ "the newest seal says fail", {
	  { AAR, "i=1; a" }, { AMS, "i=1; b=y" }, { AS, "i=1; cv=none" },
	  { AAR, "i=2; a" }, { AMS, "i=2; b=y" }, { AS, "i=2; cv=fail" } },
	  ARC_FAIL, "the newest ARC-Seal (i=2) says cv=fail", 0 },
	{ "a seal without cv=", { { AAR, "i=1; a" }, { AMS, "i=1; b=y" },
	  { AS, "i=1; b=z" } }, ARC_FAIL, "has no single cv=", 0 },
	{ "a seal with cv= twice", { { AAR, "i=1; a" }, { AMS, "i=1; b=y" },
	  { AS, "i=1; cv=none; cv=none" } }, ARC_FAIL, "has no single cv=",
	  0 },
	/* tag names and values are case-sensitive (RFC 6376 3.2) */
	{ "I= is not i=", { { AMS, "I=1; b=y" } }, ARC_FAIL, "no i= tag", 0 },
	{ "cv=None is not none", { { AAR, "i=1; a" }, { AMS, "i=1; b=y" },
	  { AS, "i=1; cv=None" } }, ARC_FAIL,
	  "the ARC-Seal with i=1 says cv=None, not none", 0 },
	{ "garbage", { { AS, "\x01\xff;;;==;" } }, ARC_FAIL, "no i= tag", 0 },
};

static void
test_form(void **state)
{
	struct arc_chain c;
	enum arc_form got;
	size_t i, k;
	str why;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		arc_chain_init(&c);
		str_init(&why);
		for (k = 0; k < 10 && cases[i].fields[k][0] != NULL; k++)
			(void)arc_chain_field(&c, cases[i].fields[k][0],
			    cases[i].fields[k][1]);
		got = arc_chain_form(&c, &why);
		if (got != cases[i].want)
			fail_msg("%s: form %d, want %d (%s)", cases[i].name,
			    (int)got, (int)cases[i].want, str_cstr(&why));
		if (cases[i].why != NULL && strstr(str_cstr(&why),
		    cases[i].why) == NULL)
			fail_msg("%s: \"%s\" says not \"%s\"", cases[i].name,
			    str_cstr(&why), cases[i].why);
		if (got == ARC_FORM_OK) {
			assert_int_equal(c.n, cases[i].sets);
			for (k = 0; k < c.n; k++) {
				assert_int_equal(c.set[k].instance, k + 1);
				assert_non_null(c.set[k].seal);
				assert_non_null(c.set[k].ams);
				assert_non_null(c.set[k].aar);
			}
		}
		arc_chain_clear(&c);
		str_free(&why);
	}
}

static void
test_limits(void **state)
{
	struct arc_chain c;
	char v[64];
	unsigned i;
	str why;

	(void)state;
	/* 50 sets: the most there may be */
	arc_chain_init(&c);
	str_init(&why);
	for (i = 1; i <= 50; i++) {
		snprintf(v, sizeof(v), "i=%u; mx.example; arc=pass", i);
		assert_int_equal(arc_chain_field(&c, AAR, v), 1);
		snprintf(v, sizeof(v), "i=%u; b=y", i);
		assert_int_equal(arc_chain_field(&c, "arc-message-signature",
		    v), 1);
		snprintf(v, sizeof(v), "i=%u; cv=%s", i, i == 1 ? "none" :
		    "pass");
		assert_int_equal(arc_chain_field(&c, AS, v), 1);
	}
	assert_int_equal(arc_chain_form(&c, &why), ARC_FORM_OK);
	assert_int_equal(c.n, 50);
	/* 60 sets: more fields than are kept; the chain fails, nothing
	 * overflows */
	for (i = 51; i <= 60; i++) {
		snprintf(v, sizeof(v), "i=%u; b=y", i);
		(void)arc_chain_field(&c, AMS, v);
		(void)arc_chain_field(&c, AAR, v);
		(void)arc_chain_field(&c, AS, v);
	}
	assert_int_equal(arc_chain_form(&c, &why), ARC_FAIL);
	assert_non_null(strstr(str_cstr(&why), "more than 50 ARC sets"));
	arc_chain_clear(&c);
	/* other fields are not ARC's */
	assert_int_equal(arc_chain_field(&c, "ARC-Sealx", "i=1"), 0);
	assert_int_equal(arc_chain_field(&c, "Authentication-Results", "x"),
	    0);
	assert_int_equal(arc_chain_form(&c, &why), ARC_NONE);
	str_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
