/*
 * authres_parse - the Authentication-Results parser; see authres.h.
 *
 * A recursive-descent parser over the RFC 8601 ABNF:
 *	payload  = [CFWS] authserv-id [CFWS version] (no-result / 1*resinfo)
 *	resinfo  = [CFWS] ";" methodspec [CFWS reasonspec] [CFWS 1*propspec]
 *	method   = Keyword [[CFWS] "/" [CFWS] version] [CFWS] "=" [CFWS] result
 *	propspec = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
 *	pvalue   = [CFWS] (value / [[local-part] "@"] domain-name) [CFWS]
 * CFWS (white space, line folds and nested comments) may appear between
 * all tokens. Input is bounded by its length; nothing is read past it.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/str.h"
#include "mail/authres.h"

struct ar_lex {
	const char	*p;
	const char	*end;
	int		 relaxed;
	const char	*err;
};

/* ar_fail - note the first error */
static int
ar_fail(struct ar_lex *l, const char *why)
{
	if (l->err == NULL)
		l->err = why;
	return -1;
}

/* ar_peek - the next byte, or 0 at the end */
static int
ar_peek(const struct ar_lex *l)
{
	return l->p < l->end ? (unsigned char)*l->p : 0;
}

/* ar_cfws - skip white space, folds and (nested (comments)) */
static int
ar_cfws(struct ar_lex *l)
{
	int depth;

	for (;;) {
		while (l->p < l->end && (*l->p == ' ' || *l->p == '\t' ||
		    *l->p == '\r' || *l->p == '\n'))
			l->p++;
		if (ar_peek(l) != '(')
			return 0;
		depth = 0;
		do {
			if (l->p >= l->end)
				return ar_fail(l, "unterminated comment");
			if (*l->p == '\\' && l->p + 1 < l->end)
				l->p++;
			else if (*l->p == '(')
				depth++;
			else if (*l->p == ')')
				depth--;
			l->p++;
		} while (depth > 0);
	}
}

/* ar_is_keychar - Keyword characters (Ldh-str; relaxed adds "_") */
static int
ar_is_keychar(const struct ar_lex *l, int c)
{
	return isalnum(c) || c == '-' || (l->relaxed && c == '_');
}

/* ar_keyword - a Keyword */
static int
ar_keyword(struct ar_lex *l, str *out)
{
	str_reset(out);
	if (!isalnum(ar_peek(l)))
		return -1;
	while (l->p < l->end && ar_is_keychar(l, (unsigned char)*l->p))
		str_append_c(out, *l->p++);
	return 0;
}

/* ar_quoted - a quoted-string, unquoted into out */
static int
ar_quoted(struct ar_lex *l, str *out)
{
	unsigned char c;

	str_reset(out);
	l->p++;				/* the opening quote */
	for (;;) {
		if (l->p >= l->end)
			return ar_fail(l, "unterminated quoted string");
		c = (unsigned char)*l->p++;
		if (c == '"')
			break;
		if (c == '\\') {
			if (l->p >= l->end)
				return ar_fail(l, "unterminated quoted string");
			c = (unsigned char)*l->p++;
		}
		if (c >= 0x80 && !l->relaxed)
			return ar_fail(l, "8-bit text in quoted string");
		if (c < 0x20 && c != '\t' && c != '\r' && c != '\n')
			return ar_fail(l, "control character in quoted string");
		if (c == '\r' || c == '\n')
			continue;	/* folding inside the string */
		str_append_c(out, (char)c);
	}
	str_append(out, "");
	return 0;
}

/* ar_is_atext - RFC 5322 atext, plus "." */
static int
ar_is_atext(int c)
{
	return isalnum(c) || (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~.", c) !=
	    NULL);
}

/* ar_is_tspecial - RFC 2045 tspecials */
static int
ar_is_tspecial(int c)
{
	return c != 0 && strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

/* ar_domain - domain-name after "@" */
static int
ar_domain(struct ar_lex *l, str *out)
{
	size_t start;

	start = out->len;
	while (l->p < l->end && (isalnum((unsigned char)*l->p) ||
	    *l->p == '-' || *l->p == '.' || *l->p == '_'))
		str_append_c(out, *l->p++);
	if (out->len == start)
		return ar_fail(l, "missing domain after @");
	return 0;
}

/* ar_value - value: token or quoted-string (authserv-id, reason) */
static int
ar_value(struct ar_lex *l, str *out)
{
	unsigned char c;

	str_reset(out);
	if (ar_peek(l) == '"')
		return ar_quoted(l, out);
	while (l->p < l->end) {
		c = (unsigned char)*l->p;
		if (c <= 0x20 || c == 0x7f || ar_is_tspecial(c))
			break;
		if (c >= 0x80)
			return ar_fail(l, "8-bit text outside a quoted string");
		str_append_c(out, (char)c);
		l->p++;
	}
	if (out->len == 0)
		return ar_fail(l, "missing value");
	return 0;
}

/* ar_pvalue - a property value: value or [local-part] "@" domain */
static int
ar_pvalue(struct ar_lex *l, str *out)
{
	const char *s;
	size_t i;

	str_reset(out);
	if (ar_cfws(l) != 0)
		return -1;
	if (ar_peek(l) == '"') {
		if (ar_quoted(l, out) != 0)
			return -1;
		if (ar_peek(l) == '@') {
			str_append_c(out, *l->p++);
			if (ar_domain(l, out) != 0)
				return -1;
		}
		return ar_cfws(l);
	}
	s = l->p;
	while (l->p < l->end && ar_is_atext((unsigned char)*l->p))
		l->p++;
	str_append_n(out, s, (size_t)(l->p - s));
	if (ar_peek(l) == '@') {
		str_append_c(out, *l->p++);
		if (ar_domain(l, out) != 0)
			return -1;
		return ar_cfws(l);
	}
	if (ar_peek(l) >= 0x80)
		return ar_fail(l, "8-bit text outside a quoted string");
	if (out->len == 0)
		return ar_fail(l, "missing property value");
	if (!l->relaxed)
		for (i = 0; i < out->len; i++)
			if (ar_is_tspecial((unsigned char)out->buf[i]))
				return ar_fail(l, "special character in an "
				    "unquoted value");
	return ar_cfws(l);
}

/* ar_digits - 1*DIGIT */
static int
ar_digits(struct ar_lex *l, int *n)
{
	if (!isdigit(ar_peek(l)))
		return -1;
	*n = 0;
	while (isdigit(ar_peek(l))) {
		if (*n < 100000)
			*n = *n * 10 + (*l->p - '0');
		l->p++;
	}
	return 0;
}

/* ar_add_prop - append a property to a result */
static void
ar_add_prop(struct authres_resinfo *ri, const str *ptype, const str *prop,
    const str *value)
{
	struct authres_prop *pr;

	ri->props = mem_grow(ri->props, ri->nprops, sizeof(*ri->props));
	pr = &ri->props[ri->nprops++];
	pr->ptype = mem_strdup(str_cstr(ptype));
	pr->property = mem_strdup(str_cstr(prop));
	pr->value = mem_strdup(str_cstr(value));
}

/* ar_props - [reasonspec] *propspec of one result */
static int
ar_props(struct ar_lex *l, struct authres_resinfo *ri, str *a, str *b,
    str *v)
{
	while (l->p < l->end && *l->p != ';') {
		if (ar_keyword(l, a) != 0)
			return ar_fail(l, "expected a property");
		if (ar_cfws(l) != 0)
			return -1;
		if (ar_peek(l) == '=' && strcasecmp(str_cstr(a), "reason") == 0 &&
		    ri->reason == NULL && ri->nprops == 0) {
			l->p++;
			if (ar_cfws(l) != 0 || ar_value(l, v) != 0)
				return ar_fail(l, "bad reason");
			ri->reason = mem_strdup(str_cstr(v));
			if (ar_cfws(l) != 0)
				return -1;
			continue;
		}
		if (ar_peek(l) == '=' && l->relaxed) {
			/* "name=value" without a ptype, as some servers write */
			l->p++;
			str_reset(b);
			str_append(b, str_cstr(a));
			str_reset(a);
			if (ar_pvalue(l, v) != 0)
				return -1;
			ar_add_prop(ri, a, b, v);
			continue;
		}
		if (ar_peek(l) != '.')
			return ar_fail(l, "expected ptype.property=value");
		l->p++;
		if (ar_cfws(l) != 0 || ar_keyword(l, b) != 0)
			return ar_fail(l, "expected a property name");
		if (ar_cfws(l) != 0)
			return -1;
		if (ar_peek(l) != '=')
			return ar_fail(l, "expected = after the property name");
		l->p++;
		if (ar_pvalue(l, v) != 0)
			return -1;
		ar_add_prop(ri, a, b, v);
	}
	return 0;
}

/* ar_resinfo - methodspec and the rest of one result, after ";" */
static int
ar_resinfo(struct ar_lex *l, struct authres_parsed *out, str *a, str *b,
    str *v)
{
	struct authres_resinfo *ri;

	out->res = mem_grow(out->res, out->nres, sizeof(*out->res));
	ri = &out->res[out->nres++];
	memset(ri, 0, sizeof(*ri));
	ri->method = mem_strdup(str_cstr(a));
	ri->method_version = 1;
	if (ar_cfws(l) != 0)
		return -1;
	if (ar_peek(l) == '/') {
		l->p++;
		if (ar_cfws(l) != 0 || ar_digits(l, &ri->method_version) != 0)
			return ar_fail(l, "bad method version");
		if (ar_cfws(l) != 0)
			return -1;
	}
	if (ar_peek(l) != '=')
		return ar_fail(l, "expected method=result");
	l->p++;
	if (ar_cfws(l) != 0 || ar_keyword(l, v) != 0)
		return ar_fail(l, "expected a result keyword");
	ri->result = mem_strdup(str_cstr(v));
	if (ar_cfws(l) != 0)
		return -1;
	return ar_props(l, ri, a, b, v);
}

/* authres_parse - parse a field value */
int
authres_parse(const char *value, size_t len, int relaxed,
    struct authres_parsed *out, str *err)
{
	struct ar_lex l;
	str a, b, v;
	int rc, none;

	memset(out, 0, sizeof(*out));
	l.p = value;
	l.end = value + len;
	l.relaxed = relaxed;
	l.err = NULL;
	str_init(&a);
	str_init(&b);
	str_init(&v);
	rc = -1;
	none = 0;
	if (ar_cfws(&l) != 0 || ar_value(&l, &v) != 0) {
		ar_fail(&l, "missing authserv-id");
		goto done;
	}
	out->authserv_id = mem_strdup(str_cstr(&v));
	out->version = 1;
	if (ar_cfws(&l) != 0)
		goto done;
	if (isdigit(ar_peek(&l))) {
		ar_digits(&l, &out->version);
		if (ar_cfws(&l) != 0)
			goto done;
	}
	if (l.p >= l.end) {
		ar_fail(&l, "no result after the authserv-id");
		goto done;
	}
	while (l.p < l.end) {
		if (*l.p != ';') {
			ar_fail(&l, "expected \";\"");
			goto done;
		}
		l.p++;
		if (ar_cfws(&l) != 0)
			goto done;
		if (l.p >= l.end) {
			if (!relaxed || (out->nres == 0 && !none)) {
				ar_fail(&l, "\";\" without a result after it");
				goto done;
			}
			break;
		}
		if (none || ar_keyword(&l, &a) != 0) {
			ar_fail(&l, "expected a method name");
			goto done;
		}
		if (out->nres == 0 && strcasecmp(str_cstr(&a), "none") == 0) {
			if (ar_cfws(&l) != 0)
				goto done;
			if (ar_peek(&l) != '=' && ar_peek(&l) != '/') {
				none = 1;
				continue;
			}
		}
		if (ar_resinfo(&l, out, &a, &b, &v) != 0)
			goto done;
	}
	rc = 0;
done:
	if (rc != 0) {
		str_reset(err);
		str_appendf(err, "%s at offset %zu", l.err != NULL ? l.err :
		    "syntax error", (size_t)(l.p - value));
		authres_parsed_free(out);
	}
	str_free(&a);
	str_free(&b);
	str_free(&v);
	return rc;
}

/* authres_parsed_free - release a parse result */
void
authres_parsed_free(struct authres_parsed *out)
{
	size_t i, j;

	for (i = 0; i < out->nres; i++) {
		for (j = 0; j < out->res[i].nprops; j++) {
			mem_free(out->res[i].props[j].ptype);
			mem_free(out->res[i].props[j].property);
			mem_free(out->res[i].props[j].value);
		}
		mem_free(out->res[i].props);
		mem_free(out->res[i].method);
		mem_free(out->res[i].result);
		mem_free(out->res[i].reason);
	}
	mem_free(out->res);
	mem_free(out->authserv_id);
	memset(out, 0, sizeof(*out));
}

/* authres_authserv_id - the authserv-id alone, found leniently */
int
authres_authserv_id(const char *value, size_t len, str *out)
{
	struct ar_lex l;

	l.p = value;
	l.end = value + len;
	l.relaxed = 1;
	l.err = NULL;
	str_reset(out);
	if (ar_cfws(&l) != 0)
		return -1;
	if (ar_peek(&l) == '"')
		return ar_quoted(&l, out) == 0 && out->len > 0 ? 0 : -1;
	while (l.p < l.end && *l.p != ';' && *l.p != ' ' && *l.p != '\t' &&
	    *l.p != '\r' && *l.p != '\n' && *l.p != '(')
		str_append_c(out, *l.p++);
	return out->len > 0 ? 0 : -1;
}
