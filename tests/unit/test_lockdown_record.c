/*
 * test_lockdown_record - MailChannels Domain Lockdown records, table-
 * driven: which TXT strings are lockdown records, reading them (fields,
 * unknown names, every kind of error and its wording), matching senders
 * against them, and the '*' wildcard (cases, a brute-force comparison
 * with a reference matcher, and patterns that would be slow for a
 * backtracking one).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "util/mem.h"
#include "util/str.h"
#include "sender/lockdown_record.h"

/* make_fields - "v=mc1" and count fields "auth=aN" */
static void
make_fields(str *s, size_t count)
{
	size_t i;

	str_append(s, "v=mc1");
	for (i = 0; i < count; i++)
		str_appendf(s, " auth=a%zu", i);
}

/* make_value - "v=mc1 auth=x auth=" and a value of len bytes */
static void
make_value(str *s, size_t len)
{
	size_t i;

	str_append(s, "v=mc1 auth=x auth=");
	for (i = 0; i < len; i++)
		str_append_c(s, 'a' + (int)(i % 26));
}

/* make_256 - as many fields as allowed */
static void
make_256(str *s)
{
	make_fields(s, LOCKDOWN_MAX_FIELDS);
}

/* make_257 - one field too many */
static void
make_257(str *s)
{
	make_fields(s, LOCKDOWN_MAX_FIELDS + 1);
}

/* make_5000 - far too many fields */
static void
make_5000(str *s)
{
	make_fields(s, 5000);
}

/* make_253 - the longest value */
static void
make_253(str *s)
{
	make_value(s, LOCKDOWN_MAX_VALUE);
}

/* make_254 - a value one byte too long */
static void
make_254(str *s)
{
	make_value(s, LOCKDOWN_MAX_VALUE + 1);
}

/* make_4k - a 4 kB value */
static void
make_4k(str *s)
{
	make_value(s, 4096);
}

/* make_spaces - fields far apart: 10000 spaces and tabs between them */
static void
make_spaces(str *s)
{
	size_t i;

	str_append(s, "v=mc1");
	for (i = 0; i < 10000; i++)
		str_append_c(s, i % 2 ? ' ' : '\t');
	str_append(s, "sidw=*");
	for (i = 0; i < 10000; i++)
		str_append_c(s, ' ');
}

struct parse_case {
	const char	*txt;
	size_t		 len;		/* 0: strlen(txt) */
	void		(*make)(str *);	/* builds the text instead of txt */
	int		 ours;		/* lockdown_record_is_ours */
	int		 n;		/* fields kept; -1: an error */
	const char	*fields;	/* "kind=value ..." kept, NULL: not
					 * compared */
	unsigned	 unknown;
	const char	*error;		/* part of the error text */
};

static const struct parse_case parse_cases[] = {
	/* records read */
	{ "v=mc1 auth=acct1", 0, NULL, 1, 1, "auth=acct1", 0, NULL },
	{ "v=mc1 auth=a1 auth=a2 auth=a3", 0, NULL, 1, 3,
	    "auth=a1 auth=a2 auth=a3", 0, NULL },
	{ "v=mc1 senderid=acct|x-authuser|bob", 0, NULL, 1, 1,
	    "senderid=acct|x-authuser|bob", 0, NULL },
	{ "v=mc1 senderid=acct|x-authsender|bob@example.com", 0, NULL, 1, 1,
	    "senderid=acct|x-authsender|bob@example.com", 0, NULL },
	{ "v=mc1 sidw=acct|x-authuser|*", 0, NULL, 1, 1,
	    "sidw=acct|x-authuser|*", 0, NULL },
	{ "v=mc1 auth=a senderid=b|x-authuser|c sidw=*|x-authsender|*@ex.com",
	    0, NULL, 1, 3, "auth=a senderid=b|x-authuser|c "
	    "sidw=*|x-authsender|*@ex.com", 0, NULL },
	{ "v=mc1 sidw=** sidw=*a*b*", 0, NULL, 1, 2, "sidw=** sidw=*a*b*",
	    0, NULL },
	/* v=mc1 alone: locked, no field */
	{ "v=mc1", 0, NULL, 1, 0, "", 0, NULL },
	{ "V=MC1", 0, NULL, 1, 0, "", 0, NULL },
	{ "v=Mc1 auth=x", 0, NULL, 1, 1, "auth=x", 0, NULL },
	/* names in any case, values as published */
	{ "v=MC1 AUTH=Acct SenderID=X|x-AuthUser|Y SIDW=*Y", 0, NULL, 1, 3,
	    "auth=Acct senderid=X|x-AuthUser|Y sidw=*Y", 0, NULL },
	/* white space: tabs, runs, at the end */
	{ "v=mc1\tauth=a\t\tauth=b", 0, NULL, 1, 2, "auth=a auth=b", 0, NULL },
	{ "v=mc1    auth=a  \t   sidw=*", 0, NULL, 1, 2, "auth=a sidw=*", 0,
	    NULL },
	{ "v=mc1 auth=a ", 0, NULL, 1, 1, "auth=a", 0, NULL },
	{ "v=mc1 auth=a\t \t", 0, NULL, 1, 1, "auth=a", 0, NULL },
	{ "v=mc1 \t ", 0, NULL, 1, 0, "", 0, NULL },
	{ "v=mc1\t", 0, NULL, 1, 0, "", 0, NULL },
	{ NULL, 0, make_spaces, 1, 1, "sidw=*", 0, NULL },
	/* unknown names: ignored, counted */
	{ "v=mc1 future=1 auth=a", 0, NULL, 1, 1, "auth=a", 1, NULL },
	{ "v=mc1 x-new=abc foo_bar=1 auth=a Auth2=b", 0, NULL, 1, 1,
	    "auth=a", 3, NULL },
	{ "v=mc1 future=1", 0, NULL, 1, 0, "", 1, NULL },
	/* '=' in a value, any printable byte */
	{ "v=mc1 auth==x auth=a=b", 0, NULL, 1, 2, "auth==x auth=a=b", 0,
	    NULL },
	{ "v=mc1 senderid=a|x-authuser|\"q\"!#$%&'()~", 0, NULL, 1, 1,
	    "senderid=a|x-authuser|\"q\"!#$%&'()~", 0, NULL },
	/* a senderid's parts are not checked */
	{ "v=mc1 senderid=acct", 0, NULL, 1, 1, "senderid=acct", 0, NULL },
	/* at the limits */
	{ NULL, 0, make_256, 1, LOCKDOWN_MAX_FIELDS, NULL, 0, NULL },
	{ NULL, 0, make_253, 1, 2, NULL, 0, NULL },

	/* not lockdown records */
	{ "v=mc10 auth=x", 0, NULL, 0, -1, NULL, 0, "does not start" },
	{ "v=mc2 auth=x", 0, NULL, 0, -1, NULL, 0, "does not start" },
	{ "auth=x v=mc1", 0, NULL, 0, -1, NULL, 0, "does not start" },
	{ " v=mc1 auth=x", 0, NULL, 0, -1, NULL, 0, "does not start" },
	{ "v = mc1 auth=x", 0, NULL, 0, -1, NULL, 0, "does not start" },
	{ "v=mc1,auth=x", 0, NULL, 0, -1, NULL, 0, "does not start" },
	{ "v=mc1;", 0, NULL, 0, -1, NULL, 0, "does not start" },
	{ "v=mc", 0, NULL, 0, -1, NULL, 0, "does not start" },
	{ "", 0, NULL, 0, -1, NULL, 0, "does not start" },
	{ "v=spf1 -all", 0, NULL, 0, -1, NULL, 0, "does not start" },
	{ "v=mc1\r\n", 0, NULL, 0, -1, NULL, 0, "does not start" },
	{ "v=mc1\0 auth=x", 13, NULL, 0, -1, NULL, 0, "does not start" },
	{ "v=mc\0001", 6, NULL, 0, -1, NULL, 0, "does not start" },

	/* errors */
	{ "v=mc1 v=mc1", 0, NULL, 1, -1, NULL, 0,
	    "field 1 \"v=mc1\" repeats the version tag v=" },
	{ "v=mc1 auth=a V=mc2", 0, NULL, 1, -1, NULL, 0,
	    "field 2 \"V=mc2\" repeats the version tag" },
	{ "v=mc1 auth", 0, NULL, 1, -1, NULL, 0,
	    "field 1 \"auth\" is not name=value" },
	{ "v=mc1 auth=a foo", 0, NULL, 1, -1, NULL, 0,
	    "field 2 \"foo\" is not name=value" },
	{ "v=mc1 auth=x sidw=y auth=", 0, NULL, 1, -1, NULL, 0,
	    "field 3 \"auth=\" has an empty value" },
	{ "v=mc1 senderid= auth=x", 0, NULL, 1, -1, NULL, 0,
	    "field 1 \"senderid=\" has an empty value" },
	{ "v=mc1 auth = x", 0, NULL, 1, -1, NULL, 0,
	    "field 1 \"auth\" is not name=value" },
	{ "v=mc1 future=", 0, NULL, 1, -1, NULL, 0,
	    "field 1 \"future=\" has an empty value" },
	{ "v=mc1 =x", 0, NULL, 1, -1, NULL, 0,
	    "field 1 \"=x\" has an empty name" },
	{ "v=mc1 a.b=x", 0, NULL, 1, -1, NULL, 0,
	    "field 1 \"a.b=x\" has a name that is not letters" },
	{ NULL, 0, make_5000, 1, -1, NULL, 0, "5000 fields (at most 256)" },
	{ NULL, 0, make_257, 1, -1, NULL, 0, "257 fields (at most 256)" },
	{ NULL, 0, make_4k, 1, -1, NULL, 0,
	    "has a value of 4096 bytes (at most 253)" },
	{ NULL, 0, make_4k, 1, -1, NULL, 0,
	    "field 2 \"auth=abcdefghijklmnopqrstuvwxyzabcdef...\"" },
	{ NULL, 0, make_254, 1, -1, NULL, 0,
	    "field 2 \"auth=abcdefghijklmnopqrstuvwxyzabcdef...\" has a "
	    "value of 254 bytes (at most 253)" },
	/* 8-bit bytes, control characters, NUL: shown as '?' */
	{ "v=mc1 auth=a auth=b auth=c auth=caf\xe9", 0, NULL, 1, -1, NULL, 0,
	    "byte 0xe9 in field 4 \"auth=caf?\"" },
	{ "v=mc1 sidw=\x80*", 0, NULL, 1, -1, NULL, 0,
	    "byte 0x80 in field 1 \"sidw=?*\"" },
	{ "v=mc1 future=\xff", 0, NULL, 1, -1, NULL, 0,
	    "byte 0xff in field 1" },
	{ "v=mc1 auth=a\0b auth=c", 21, NULL, 1, -1, NULL, 0,
	    "byte 0x00 in field 1 \"auth=a?b\"" },
	{ "v=mc1 auth=a \0 auth=c", 21, NULL, 1, -1, NULL, 0,
	    "byte 0x00 in field 2 \"?\"" },
	{ "v=mc1 auth=a\0", 13, NULL, 1, -1, NULL, 0,
	    "byte 0x00 in field 1" },
	{ "v=mc1 auth=a\rb", 0, NULL, 1, -1, NULL, 0, "byte 0x0d in field 1" },
	{ "v=mc1 auth=a\r\n", 0, NULL, 1, -1, NULL, 0, "byte 0x0d in field 1" },
	{ "v=mc1 auth=a\nauth=b", 0, NULL, 1, -1, NULL, 0,
	    "byte 0x0a in field 1 \"auth=a?auth=b\"" },
	{ "v=mc1 auth=a\x0b" "b", 0, NULL, 1, -1, NULL, 0,
	    "byte 0x0b in field 1" },
	{ "v=mc1 auth=x sidw=a\x7f", 0, NULL, 1, -1, NULL, 0,
	    "byte 0x7f in field 2" },
	{ "v=mc1 \x1b[0m", 0, NULL, 1, -1, NULL, 0,
	    "byte 0x1b in field 1 \"?[0m\"" },
	/* the first error is the one reported */
	{ "v=mc1 foo auth=", 0, NULL, 1, -1, NULL, 0,
	    "field 1 \"foo\" is not name=value" },
};

/* render - the fields kept, "kind=value" separated by spaces */
static void
render(const struct lockdown_record *rec, str *out)
{
	size_t i;

	for (i = 0; i < rec->n; i++)
		str_appendf(out, "%s%s=%s", i > 0 ? " " : "",
		    lockdown_field_kind_name(rec->v[i].kind), rec->v[i].value);
}

/* test_parse - the parse table: is_ours, fields kept, errors */
static void
test_parse(void **state)
{
	struct lockdown_record rec;
	const char *txt;
	size_t i, len;
	str text, err, got;
	int rc;

	(void)state;
	str_init(&text);
	str_init(&err);
	str_init(&got);
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];

		str_reset(&text);
		if (c->make != NULL) {
			c->make(&text);
			txt = str_cstr(&text);
			len = text.len;
		} else {
			txt = c->txt;
			len = c->len != 0 ? c->len : strlen(c->txt);
		}
		if (lockdown_record_is_ours(txt, len) != c->ours)
			fail_msg("case %zu \"%.60s\": is_ours %d, want %d", i,
			    txt, !c->ours, c->ours);
		str_append(&err, "left over");
		rc = lockdown_record_parse(txt, len, &rec, &err);
		if (c->n < 0) {
			if (rc != -1)
				fail_msg("case %zu \"%.60s\": accepted", i, txt);
			if (strstr(str_cstr(&err), c->error) == NULL)
				fail_msg("case %zu \"%.60s\": \"%s\", want "
				    "\"%s\"", i, txt, str_cstr(&err),
				    c->error);
			if (rec.n != 0 || rec.v != NULL || rec.unknown != 0)
				fail_msg("case %zu: record not empty", i);
			/* the error text is safe to log and send */
			if (strspn(str_cstr(&err), " !\"#$%&'()*+,-./0123456789"
			    ":;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghij"
			    "klmnopqrstuvwxyz{|}~") != err.len)
				fail_msg("case %zu: unprintable error", i);
			continue;
		}
		if (rc != 0)
			fail_msg("case %zu \"%.60s\": %s", i, txt,
			    str_cstr(&err));
		if (err.len != 0)
			fail_msg("case %zu: error text \"%s\" left", i,
			    str_cstr(&err));
		assert_int_equal(rec.n, (size_t)c->n);
		assert_int_equal(rec.unknown, c->unknown);
		str_reset(&got);
		render(&rec, &got);
		if (c->fields != NULL && strcmp(str_cstr(&got), c->fields) != 0)
			fail_msg("case %zu \"%.60s\": \"%s\", want \"%s\"", i,
			    txt, str_cstr(&got), c->fields);
		lockdown_record_free(&rec);
		assert_int_equal(rec.n, 0);
		assert_null(rec.v);
		lockdown_record_free(&rec);	/* twice is harmless */
	}
	str_free(&text);
	str_free(&err);
	str_free(&got);
}

struct match_case {
	const char	*record;
	const char	*auth[4];	/* NULL-terminated */
	const char	*sid[4];	/* NULL-terminated */
	int		 want;		/* index of the field; -1: none */
};

static const struct match_case match_cases[] = {
	/* auth= */
	{ "v=mc1 auth=acct1", { "acct1" }, { NULL }, 0 },
	{ "v=mc1 auth=acct1", { "acct2" }, { NULL }, -1 },
	{ "v=mc1 auth=acct1", { "acct" }, { NULL }, -1 },
	{ "v=mc1 auth=acct1", { "acct11" }, { NULL }, -1 },
	{ "v=mc1 auth=a1 auth=a2", { "x", "A2" }, { NULL }, 1 },
	{ "v=mc1 auth=Acct1", { "ACCT1" }, { NULL }, 0 },
	{ "v=mc1 auth=c", { "b", "c", "a" }, { NULL }, 0 },
	/* auth= is not compared with sender IDs, nor senderid= with
	 * account IDs */
	{ "v=mc1 auth=acct1", { NULL }, { "acct1" }, -1 },
	{ "v=mc1 senderid=acct", { "acct" }, { NULL }, -1 },
	/* senderid= */
	{ "v=mc1 senderid=acct|x-authuser|bob", { NULL },
	    { "acct|x-authuser|bob" }, 0 },
	{ "v=mc1 senderid=acct|x-authuser|bob", { NULL },
	    { "acct|x-authuser|bobby" }, -1 },
	{ "v=mc1 senderid=acct|x-authuser|bob", { "acct" },
	    { "acct|x-authsender|bob" }, -1 },
	{ "v=mc1 senderid=ACCT|X-AuthUser|Bob", { NULL },
	    { "acct|x-authuser|bob" }, 0 },
	{ "v=mc1 senderid=acct|x-authsender|bob@example.com", { NULL },
	    { "x|x-authuser|y", "acct|x-authsender|BOB@example.com" }, 0 },
	/* no wildcard in senderid= */
	{ "v=mc1 senderid=acct|x-authuser|*", { NULL },
	    { "acct|x-authuser|bob" }, -1 },
	{ "v=mc1 senderid=acct|x-authuser|*", { NULL },
	    { "acct|x-authuser|*" }, 0 },
	/* sidw= */
	{ "v=mc1 sidw=acct|x-authuser|*", { NULL },
	    { "acct|x-authuser|bob" }, 0 },
	{ "v=mc1 sidw=acct|x-authuser|*", { NULL },
	    { "acct2|x-authuser|bob" }, -1 },
	{ "v=mc1 sidw=*|x-authsender|bob@example.com", { NULL },
	    { "other|x-authsender|bob@example.com" }, 0 },
	{ "v=mc1 sidw=*|x-authsender|bob@example.com", { NULL },
	    { "other|x-authsender|bob@example.com.evil" }, -1 },
	{ "v=mc1 sidw=acct|*|bob", { NULL }, { "acct|x-authuser|bob" }, 0 },
	{ "v=mc1 sidw=acct|*|bob", { NULL }, { "acct|x-authuser|bo" }, -1 },
	{ "v=mc1 sidw=*|x-authsender|*@example.com", { NULL },
	    { "a|x-authsender|joe@example.com" }, 0 },
	{ "v=mc1 sidw=*|x-authsender|*@example.com", { NULL },
	    { "a|x-authsender|joe@example.org" }, -1 },
	{ "v=mc1 sidw=ACCT|*", { NULL }, { "acct|x-authuser|b" }, 0 },
	{ "v=mc1 sidw=acct|*", { "acct|x-authuser|b" }, { NULL }, -1 },
	/* v=mc1 alone: locked */
	{ "v=mc1", { "a" }, { "a|x-authuser|b" }, -1 },
	{ "v=mc1 future=*", { "a" }, { "a|x-authuser|b" }, -1 },
	/* empty lists */
	{ "v=mc1 auth=a senderid=b sidw=*", { NULL }, { NULL }, -1 },
	{ "v=mc1 sidw=*", { "a" }, { NULL }, -1 },
	/* the first field that allows, counting only known fields */
	{ "v=mc1 auth=x sidw=* auth=a", { "a" }, { "s" }, 1 },
	{ "v=mc1 future=1 auth=a", { "a" }, { NULL }, 0 },
	{ "v=mc1 auth=z senderid=s sidw=s*", { "x" }, { "s" }, 1 },
	/* '*' also matches an empty sender ID: callers pass none */
	{ "v=mc1 sidw=*", { NULL }, { "" }, 0 },
};

/* count - the entries of a NULL-terminated list */
static size_t
count(const char *const *list)
{
	size_t n;

	for (n = 0; list[n] != NULL; n++)
		;
	return n;
}

/* test_match - the match table, NULL lists and NULL entries */
static void
test_match(void **state)
{
	static const char *const nulls[] = { NULL, NULL, "acct" };
	struct lockdown_record rec;
	size_t i;
	str err;
	int got;

	(void)state;
	str_init(&err);
	for (i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		const struct match_case *c = &match_cases[i];

		if (lockdown_record_parse(c->record, strlen(c->record), &rec,
		    &err) != 0)
			fail_msg("case %zu \"%s\": %s", i, c->record,
			    str_cstr(&err));
		got = lockdown_record_match(&rec, c->auth, count(c->auth),
		    c->sid, count(c->sid));
		if (got != c->want)
			fail_msg("case %zu \"%s\": %d, want %d", i, c->record,
			    got, c->want);
		lockdown_record_free(&rec);
	}
	/* NULL lists with count 0, NULL entries skipped */
	assert_int_equal(lockdown_record_parse("v=mc1 sidw=* auth=acct", 22,
	    &rec, &err), 0);
	assert_int_equal(lockdown_record_match(&rec, NULL, 0, NULL, 0), -1);
	assert_int_equal(lockdown_record_match(&rec, nulls, 3, nulls, 2), 1);
	assert_int_equal(lockdown_record_match(&rec, NULL, 0, nulls, 3), 0);
	lockdown_record_free(&rec);
	/* an empty record (never parsed, or freed) matches nothing */
	assert_int_equal(lockdown_record_match(&rec, nulls, 3, nulls, 3), -1);
	str_free(&err);
}

struct wild_case {
	const char	*pattern;
	const char	*subject;
	int		 match;
};

static const struct wild_case wild_cases[] = {
	{ "", "", 1 },
	{ "", "a", 0 },
	{ "a", "", 0 },
	{ "*", "", 1 },
	{ "*", "abc", 1 },
	{ "*", "*", 1 },
	{ "**", "x", 1 },
	{ "abc", "abc", 1 },
	{ "abc", "ABC", 1 },
	{ "aBc", "AbC", 1 },
	{ "abc", "abcd", 0 },
	{ "abcd", "abc", 0 },
	{ "a*", "a", 1 },
	{ "a*", "A*", 1 },
	{ "a*", "b", 0 },
	{ "*a", "ba", 1 },
	{ "*a", "ab", 0 },
	{ "a*c", "abbbc", 1 },
	{ "a*c", "abbbd", 0 },
	{ "a*c", "ac", 1 },
	{ "a**b", "ab", 1 },
	{ "a*b*c", "aXbYc", 1 },
	{ "a*b*c", "acb", 0 },
	{ "x*y*z", "xyz", 1 },
	{ "*ab", "aab", 1 },
	{ "*aab", "aaab", 1 },
	{ "*a*b", "bababa", 0 },
	{ "*a*b", "bababab", 1 },
	{ "a*a*a", "aa", 0 },
	{ "a*a*a", "aaa", 1 },
	{ "?", "a", 0 },
	{ "a?", "a?", 1 },
	{ "[a]", "a", 0 },
	{ "*|x-authuser|*", "acct|x-authuser|bob", 1 },
	{ "*|x-authuser|*", "acct|x-authsender|bob", 0 },
	{ "*|*|*", "a|b", 0 },
	{ "*|*|*", "a||", 1 },
	{ "a|*", "a|b|c", 1 },
	{ "*.example.com", "mx.Example.COM", 1 },
	{ "*@example.com", "bob@example.com.evil", 0 },
	/* only ASCII letters fold */
	{ "\xe9", "\xc9", 0 },
	{ "\xe9*", "\xe9t\xe9", 1 },
};

/* ref_match - the reference: dynamic programming over all prefixes */
static int
ref_match(const char *p, const char *s)
{
	size_t np, ns, i, j;
	unsigned char *m;	/* m[i * (ns + 1) + j]: p[0..i) ~ s[0..j) */
	int a, b, r;

	np = strlen(p);
	ns = strlen(s);
	m = mem_calloc((np + 1) * (ns + 1), 1);
	m[0] = 1;
	for (i = 1; i <= np; i++)
		for (j = 0; j <= ns; j++) {
			if (p[i - 1] == '*')
				r = m[(i - 1) * (ns + 1) + j] ||
				    (j > 0 && m[i * (ns + 1) + j - 1]);
			else {
				a = (unsigned char)p[i - 1];
				b = j > 0 ? (unsigned char)s[j - 1] : -1;
				if (a >= 'A' && a <= 'Z')
					a += 'a' - 'A';
				if (b >= 'A' && b <= 'Z')
					b += 'a' - 'A';
				r = j > 0 && a == b &&
				    m[(i - 1) * (ns + 1) + j - 1];
			}
			m[i * (ns + 1) + j] = (unsigned char)r;
		}
	r = m[np * (ns + 1) + ns];
	mem_free(m);
	return r;
}

/* word - the n-th string over an alphabet, shortest first */
static void
word(const char *alpha, size_t n, char *out, size_t size)
{
	size_t k, len;

	k = strlen(alpha);
	len = 0;
	while (n > 0 && len + 1 < size) {
		n--;
		out[len++] = alpha[n % k];
		n /= k;
	}
	out[len] = '\0';
}

/* test_wildcard - the wildcard table and all short patterns */
static void
test_wildcard(void **state)
{
	char p[16], s[16];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(wild_cases) / sizeof(wild_cases[0]); i++) {
		const struct wild_case *c = &wild_cases[i];

		if (lockdown_wildcard_match(c->pattern, c->subject) != c->match)
			fail_msg("case %zu: \"%s\" against \"%s\": %d, want %d",
			    i, c->pattern, c->subject, !c->match, c->match);
		if (ref_match(c->pattern, c->subject) != c->match)
			fail_msg("case %zu: the reference is wrong", i);
	}
	/* every pattern of up to 6 of "aB*" against every subject of up to
	 * 6 of "Ab" (1093 x 127) */
	for (i = 0; i < 1093; i++) {
		word("aB*", i, p, sizeof(p));
		for (j = 0; j < 127; j++) {
			word("Ab", j, s, sizeof(s));
			if (lockdown_wildcard_match(p, s) != ref_match(p, s))
				fail_msg("\"%s\" against \"%s\": %d, want %d",
				    p, s, lockdown_wildcard_match(p, s),
				    ref_match(p, s));
		}
	}
}

/* test_wildcard_slow - patterns that make backtracking exponential */
static void
test_wildcard_slow(void **state)
{
	str pat, subj;
	clock_t start;
	double secs;
	size_t i;
	int round;

	(void)state;
	str_init(&pat);
	str_init(&subj);
	for (i = 0; i < LOCKDOWN_MAX_VALUE; i++)
		str_append_c(&subj, 'a');
	start = clock();
	for (round = 0; round < 100; round++) {
		/* 200 stars */
		str_reset(&pat);
		for (i = 0; i < 200; i++)
			str_append_c(&pat, '*');
		assert_true(lockdown_wildcard_match(str_cstr(&pat),
		    str_cstr(&subj)));
		str_append_c(&pat, 'b');
		assert_false(lockdown_wildcard_match(str_cstr(&pat),
		    str_cstr(&subj)));
		/* "*a*a*...*a*b": 100 stars, a miss only at the end */
		str_reset(&pat);
		for (i = 0; i < 100; i++)
			str_append(&pat, "*a");
		str_append(&pat, "*b");
		assert_false(lockdown_wildcard_match(str_cstr(&pat),
		    str_cstr(&subj)));
		/* "a*a*...": a long pattern, subject of the same length */
		str_reset(&pat);
		for (i = 0; i < LOCKDOWN_MAX_VALUE / 2; i++)
			str_append(&pat, "a*");
		str_append_c(&pat, 'b');
		assert_false(lockdown_wildcard_match(str_cstr(&pat),
		    str_cstr(&subj)));
	}
	secs = (double)(clock() - start) / CLOCKS_PER_SEC;
	if (secs > 5.0)
		fail_msg("400 worst-case matches took %.1f s", secs);
	str_free(&pat);
	str_free(&subj);
}

/* test_kind_name - the names of the field kinds */
static void
test_kind_name(void **state)
{
	(void)state;
	assert_string_equal(lockdown_field_kind_name(LOCKDOWN_AUTH), "auth");
	assert_string_equal(lockdown_field_kind_name(LOCKDOWN_SENDERID),
	    "senderid");
	assert_string_equal(lockdown_field_kind_name(LOCKDOWN_SIDW), "sidw");
	assert_string_equal(lockdown_field_kind_name(
	    (enum lockdown_field_kind)7), "?");
}

/* main - run the tests */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_wildcard),
		cmocka_unit_test(test_wildcard_slow),
		cmocka_unit_test(test_kind_name),
	};

	printf("lockdown_record: %zu parse, %zu match, %zu wildcard cases\n",
	    sizeof(parse_cases) / sizeof(parse_cases[0]),
	    sizeof(match_cases) / sizeof(match_cases[0]),
	    sizeof(wild_cases) / sizeof(wild_cases[0]));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
