/*
 * test_template - admin reply texts: which texts the config accepts
 * (table) and how macros are filled in, with untrusted values made safe.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/str.h"
#include "util/template.h"

static const char *const names[] = { "ip", "zone", "url", NULL };

struct check_case {
	const char	*text;
	const char	*error;		/* part of it; NULL: accepted */
};

static const struct check_case check_cases[] = {
	{ "plain text", NULL },
	{ "", NULL },
	{ "%{ip} is listed in %{zone}, see %{url}", NULL },
	{ "100%% sure", NULL },
	{ "%{ipaddr} here", "unknown macro %{ipaddr} (known: %{ip} %{zone} "
	    "%{url})" },
	{ "50% off", "a \"%\" must start a macro" },
	{ "%{ip", "a \"%\" must start a macro" },
	{ "trailing %", "a \"%\" must start a macro" },
	{ "tab\there", "printable ASCII" },
	{ "caf\xc3\xa9", "printable ASCII" },
};

static void
test_check(void **state)
{
	char big[TEMPLATE_MAX + 2];
	size_t i;
	str err;

	str_init(&err);
	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		const struct check_case *c = &check_cases[i];
		int rc = template_check(c->text, names, &err);

		if (c->error == NULL && rc != 0)
			fail_msg("\"%s\": %s", c->text, str_cstr(&err));
		if (c->error != NULL && (rc == 0 ||
		    strstr(str_cstr(&err), c->error) == NULL))
			fail_msg("\"%s\": \"%s\", want \"%s\"", c->text,
			    str_cstr(&err), c->error);
	}
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(template_check(big, names, &err), -1);
	assert_non_null(strstr(str_cstr(&err), "longer than"));
	str_free(&err);
}

static void
test_expand(void **state)
{
	const struct template_var vars[] = {
		{ "ip", "192.0.2.1" },
		{ "zone", "bl.example\r\nInjected: header" },
		{ "url", NULL },
	};
	char longval[500];
	str out;

	str_init(&out);
	template_expand("%{ip} is in %{zone}; see %{url}.", vars, 3, &out);
	assert_string_equal(str_cstr(&out), "192.0.2.1 is in bl.example??"
	    "Injected: header; see .");
	str_reset(&out);
	template_expand("100%% %{nope} %", vars, 3, &out);
	assert_string_equal(str_cstr(&out), "100%  %");
	str_reset(&out);
	memset(longval, 'a', sizeof(longval) - 1);
	longval[sizeof(longval) - 1] = '\0';
	{
		const struct template_var lv[] = { { "ip", longval } };

		template_expand("[%{ip}]", lv, 1, &out);
		assert_int_equal(out.len, TEMPLATE_VALUE_MAX + 2);
		assert_non_null(strstr(str_cstr(&out), "...]"));
	}
	str_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_expand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
