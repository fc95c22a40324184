/*
 * test_authres - the Authentication-Results writer (quoting, folding,
 * bounds, round trip through the parser) and the parser against the
 * shared conformance vectors (../shared/conformance/authres/cases.json,
 * read as they are).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>
#include <jansson.h>

#include "util/str.h"
#include "mail/authres.h"

/* format - the writer's output for a filled field */
static const char *
format(authres *ar, str *out)
{
	str_reset(out);
	authres_format(ar, out);
	authres_free(ar);
	return str_cstr(out);
}

static void
test_writer_basics(void **state)
{
	authres *ar;
	str out;

	str_init(&out);
	assert_string_equal(format(authres_new("mx.example.com"), &out),
	    "mx.example.com; none");

	ar = authres_new("mx.example.com");
	authres_result(ar, "spf", "pass");
	authres_prop(ar, "smtp", "mailfrom", "example.com");
	assert_string_equal(format(ar, &out),
	    "mx.example.com;\n\tspf=pass smtp.mailfrom=example.com");

	ar = authres_new("mx.example.com");
	authres_result(ar, "dkim", "pass");
	authres_prop(ar, "header", "b", "gfT/i2HB+=");
	authres_prop(ar, "header", "i", "user@example.com");
	authres_prop(ar, "header", "i", "@example.com");
	authres_prop(ar, "header", "s", "sel 1");
	assert_non_null(strstr(format(ar, &out), "header.b=\"gfT/i2HB+=\""));
	assert_non_null(strstr(str_cstr(&out), "header.i=user@example.com"));
	assert_non_null(strstr(str_cstr(&out), "header.i=@example.com"));
	assert_non_null(strstr(str_cstr(&out), "header.s=\"sel 1\""));

	ar = authres_new("mx.example.com");
	authres_result(ar, "spf", "temperror");
	authres_reason(ar, "no \"reply\" (timed out)");
	authres_comment(ar, "a (nested) comment\\");
	authres_prop(ar, "smtp", "mailfrom", "example.com");
	format(ar, &out);
	assert_non_null(strstr(str_cstr(&out),
	    "reason=\"no \\\"reply\\\" (timed out)\""));
	assert_non_null(strstr(str_cstr(&out),
	    "(a \\(nested\\) comment\\\\)"));
	str_free(&out);
}

/* check_lines - every physical line of a folded value within bounds */
static void
check_lines(const char *v, size_t soft, size_t hard)
{
	const char *p, *nl;
	size_t len, prefix;

	prefix = strlen("Authentication-Results: ");
	for (p = v; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (p == v)
			len += prefix;
		if (len > hard)
			fail_msg("line of %zu octets", len);
		if (soft > 0 && len > soft)
			fail_msg("line of %zu octets > %zu: %.*s", len, soft,
			    (int)len, p);
		if (nl == NULL)
			break;
		assert_true(nl[1] == '\t');	/* folds continue with WSP */
	}
}

static void
test_writer_folding_and_bounds(void **state)
{
	char big[5000];
	authres *ar;
	str out;
	int i;

	str_init(&out);
	ar = authres_new("mx.example.com");
	for (i = 0; i < 6; i++) {
		authres_result(ar, "dkim", "pass");
		authres_prop(ar, "header", "d", "example.com");
		authres_prop(ar, "header", "i", "@mail.example.com");
		authres_prop(ar, "header", "s", "selector2024");
		authres_prop(ar, "header", "a", "rsa-sha256");
		authres_prop(ar, "header", "b", "ABCDEFGH");
	}
	check_lines(format(ar, &out), 78, 998);

	/* hostile, huge values: bounded and printable */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[10] = '\n';
	big[11] = '\r';
	big[12] = (char)0x80;
	ar = authres_new("mx.example.com");
	authres_result(ar, "spf", "fail");
	authres_reason(ar, big);
	authres_comment(ar, big);
	authres_prop(ar, "smtp", "mailfrom", big);
	format(ar, &out);
	check_lines(str_cstr(&out), 0, 998);
	assert_null(strchr(str_cstr(&out), '\r'));
	str_free(&out);
}

/* unfold - turn our "\n\t" folds into the CRLF folds of a message */
static void
unfold(const char *in, str *out)
{
	str_reset(out);
	for (; *in != '\0'; in++) {
		if (*in == '\n')
			str_append_c(out, '\r');
		str_append_c(out, *in);
	}
}

static void
test_writer_round_trip(void **state)
{
	struct authres_parsed p;
	authres *ar;
	str out, crlf, err;

	str_init(&out);
	str_init(&crlf);
	str_init(&err);
	ar = authres_new("mx.example.com");
	authres_result(ar, "spf", "permerror");
	authres_reason(ar, "two SPF records");
	authres_prop(ar, "smtp", "mailfrom", "odd user@example.com");
	authres_result(ar, "dkim", "pass");
	authres_comment(ar, "2048-bit key");
	authres_prop(ar, "header", "b", "ab/cd=ef");
	authres_prop(ar, "header", "d", "example.com");
	format(ar, &out);
	unfold(str_cstr(&out), &crlf);
	if (authres_parse(crlf.buf, crlf.len, 0, &p, &err) != 0)
		fail_msg("our own output does not parse strictly: %s\n%s",
		    str_cstr(&err), str_cstr(&out));
	assert_string_equal(p.authserv_id, "mx.example.com");
	assert_int_equal(p.nres, 2);
	assert_string_equal(p.res[0].reason, "two SPF records");
	assert_string_equal(p.res[0].props[0].value, "odd user@example.com");
	assert_string_equal(p.res[1].props[0].value, "ab/cd=ef");
	assert_string_equal(p.res[1].props[1].value, "example.com");
	authres_parsed_free(&p);
	str_free(&out);
	str_free(&crlf);
	str_free(&err);
}

static void
test_authserv_id_lenient(void **state)
{
	static const struct {
		const char	*value;
		const char	*id;	/* NULL: none found */
	} cases[] = {
		{ " mx.example.com; spf=pass", "mx.example.com" },
		{ "mx.example.com;spf=pass", "mx.example.com" },
		{ " \"mx.example.com\"; none", "mx.example.com" },
		{ " (comment) mx.example.com 1; none", "mx.example.com" },
		{ "\r\n\tmx.example.com\r\n\t; none", "mx.example.com" },
		{ "MX.Example.COM; garbage ((( ", "MX.Example.COM" },
		{ "", NULL },
		{ "   ", NULL },
		{ " (unterminated comment", NULL },
		{ ";", NULL },
	};
	size_t i;
	str id;

	str_init(&id);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = authres_authserv_id(cases[i].value,
		    strlen(cases[i].value), &id);

		if (cases[i].id == NULL) {
			if (rc == 0)
				fail_msg("\"%s\": found \"%s\"", cases[i].value,
				    str_cstr(&id));
		} else if (rc != 0 || strcmp(str_cstr(&id), cases[i].id) != 0)
			fail_msg("\"%s\": got \"%s\"", cases[i].value,
			    rc == 0 ? str_cstr(&id) : "(none)");
	}
	str_free(&id);
}

/* header_value - the value part of "Authentication-Results: ..." */
static const char *
header_value(const char *header)
{
	const char *colon;

	colon = strchr(header, ':');
	return colon != NULL ? colon + 1 : header;
}

/* matches - does a parse equal the expected tree */
static int
matches(const struct authres_parsed *p, json_t *exp, str *why)
{
	json_t *res, *ri, *props, *v;
	const char *key;
	size_t i, j;
	char name[200];

	if (strcmp(p->authserv_id, json_string_value(json_object_get(exp,
	    "authserv_id"))) != 0) {
		str_appendf(why, "authserv-id %s", p->authserv_id);
		return 0;
	}
	if (p->version != json_integer_value(json_object_get(exp, "version"))) {
		str_appendf(why, "version %d", p->version);
		return 0;
	}
	res = json_object_get(exp, "resinfo");
	if (json_array_size(res) != p->nres) {
		str_appendf(why, "%zu results", p->nres);
		return 0;
	}
	for (i = 0; i < p->nres; i++) {
		ri = json_array_get(res, i);
		if (strcasecmp(p->res[i].method, json_string_value(
		    json_object_get(ri, "method"))) != 0 ||
		    strcasecmp(p->res[i].result, json_string_value(
		    json_object_get(ri, "result"))) != 0 ||
		    p->res[i].method_version != json_integer_value(
		    json_object_get(ri, "method_version"))) {
			str_appendf(why, "result %zu: %s/%d=%s", i,
			    p->res[i].method, p->res[i].method_version,
			    p->res[i].result);
			return 0;
		}
		v = json_object_get(ri, "reason");
		if ((v == NULL) != (p->res[i].reason == NULL) || (v != NULL &&
		    strcmp(json_string_value(v), p->res[i].reason) != 0)) {
			str_appendf(why, "result %zu: reason %s", i,
			    p->res[i].reason ? p->res[i].reason : "(none)");
			return 0;
		}
		props = json_object_get(ri, "properties");
		if (json_object_size(props) != p->res[i].nprops) {
			str_appendf(why, "result %zu: %zu properties", i,
			    p->res[i].nprops);
			return 0;
		}
		json_object_foreach(props, key, v) {
			for (j = 0; j < p->res[i].nprops; j++) {
				snprintf(name, sizeof(name), "%s.%s",
				    p->res[i].props[j].ptype,
				    p->res[i].props[j].property);
				if (strcasecmp(name, key) == 0)
					break;
			}
			if (j == p->res[i].nprops || strcmp(json_string_value(v),
			    p->res[i].props[j].value) != 0) {
				str_appendf(why, "result %zu: property %s", i, key);
				return 0;
			}
		}
	}
	return 1;
}

/* tolerant_matches - the method=result pairs a tolerant parse must find */
static int
tolerant_matches(const struct authres_parsed *p, json_t *tol, str *why)
{
	json_t *mr, *v;
	const char *key;
	size_t i, j;
	int found;
	char name[200];

	mr = json_object_get(tol, "method_results");
	json_object_foreach(mr, key, v) {
		found = 0;
		for (i = 0; i < p->nres; i++)
			if (strcmp(p->res[i].method, key) == 0 &&
			    strcmp(p->res[i].result, json_string_value(v)) == 0)
				found = 1;
		if (!found) {
			str_appendf(why, "no %s=%s", key, json_string_value(v));
			return 0;
		}
	}
	/* "dkim.header.i": a property of the first result of that method */
	json_object_foreach(tol, key, v) {
		const char *dot = strchr(key, '.');

		if (!json_is_string(v) || dot == NULL ||
		    strcmp(key, "authserv_id") == 0)
			continue;
		found = 0;
		for (i = 0; i < p->nres && !found; i++) {
			if (strncmp(p->res[i].method, key, (size_t)(dot - key)) ||
			    p->res[i].method[dot - key] != '\0')
				continue;
			for (j = 0; j < p->res[i].nprops; j++) {
				snprintf(name, sizeof(name), "%s.%s",
				    p->res[i].props[j].ptype,
				    p->res[i].props[j].property);
				if (strcmp(name, dot + 1) == 0 && strcmp(
				    p->res[i].props[j].value,
				    json_string_value(v)) == 0)
					found = 1;
			}
		}
		if (!found) {
			str_appendf(why, "no %s", key);
			return 0;
		}
	}
	return 1;
}

static void
test_conformance_vectors(void **state)
{
	struct authres_parsed p;
	json_error_t jerr;
	json_t *root, *cases, *c, *exp, *tol;
	const char *id, *value;
	size_t i, total, agree;
	str err, why;
	int strict_ok, relaxed_ok, good;

	root = json_load_file(CONFORMANCE_DIR "/authres/cases.json", 0, &jerr);
	if (root == NULL) {
		printf("authres: cannot read %s/authres/cases.json: %s\n",
		    CONFORMANCE_DIR, jerr.text);
		if (getenv("AUTHGATE_REQUIRE_ALL_TESTS") == NULL ||
		    strcmp(getenv("AUTHGATE_REQUIRE_ALL_TESTS"), "1") != 0)
			skip();
		fail_msg("the conformance data is required");
	}
	cases = json_object_get(root, "cases");
	total = json_array_size(cases);
	assert_true(total > 0);
	str_init(&err);
	str_init(&why);
	agree = 0;
	for (i = 0; i < total; i++) {
		c = json_array_get(cases, i);
		id = json_string_value(json_object_get(c, "id"));
		value = header_value(json_string_value(json_object_get(c,
		    "header")));
		exp = json_object_get(c, "expected");
		tol = json_object_get(c, "tolerant_expected");
		str_reset(&why);
		good = 1;

		strict_ok = authres_parse(value, strlen(value), 0, &p, &err) == 0;
		if (json_is_true(json_object_get(c, "strict_valid"))) {
			if (!strict_ok) {
				str_appendf(&why, "strict parse failed: %s",
				    str_cstr(&err));
				good = 0;
			} else if (!matches(&p, exp, &why))
				good = 0;
		} else if (strict_ok) {
			str_append(&why, "strict parse accepted an invalid field");
			good = 0;
		}
		if (strict_ok)
			authres_parsed_free(&p);

		relaxed_ok = authres_parse(value, strlen(value), 1, &p, &err) ==
		    0;
		if (good && json_is_true(json_object_get(c,
		    "expected_relaxed_only"))) {
			if (!relaxed_ok) {
				str_appendf(&why, "relaxed parse failed: %s",
				    str_cstr(&err));
				good = 0;
			} else if (!matches(&p, exp, &why))
				good = 0;
		}
		if (good && tol != NULL) {
			if (!relaxed_ok) {
				str_appendf(&why, "tolerant parse failed: %s",
				    str_cstr(&err));
				good = 0;
			} else if (!tolerant_matches(&p, tol, &why))
				good = 0;
		}
		if (relaxed_ok)
			authres_parsed_free(&p);
		if (good)
			agree++;
		else
			printf("authres: DISAGREE %s: %s\n", id, str_cstr(&why));
	}
	printf("authres: %zu/%zu cases agree\n", agree, total);
	str_free(&err);
	str_free(&why);
	json_decref(root);
	assert_int_equal(agree, total);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_basics),
		cmocka_unit_test(test_writer_folding_and_bounds),
		cmocka_unit_test(test_writer_round_trip),
		cmocka_unit_test(test_authserv_id_lenient),
		cmocka_unit_test(test_conformance_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
