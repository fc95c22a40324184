/*
 * authres - the Authentication-Results writer; see authres.h.
 */
#include "config.h"

#include <string.h>

#include "util/mem.h"
#include "util/str.h"
#include "mail/authres.h"

#define AUTHRES_VALUE_MAX	256	/* a property value */
#define AUTHRES_TEXT_MAX	200	/* a comment or reason */
#define AUTHRES_FOLD_AT		78

struct authres_entry {
	size_t	 nwords;
	char	**words;	/* "spf=pass", "(comment)", "smtp.mailfrom=x" */
};

struct authres {
	char			*authserv_id;
	char			*none_comment;	/* "(...)" before "none" */
	size_t			 n;
	struct authres_entry	*entries;
};

/* authres_tspecial - RFC 2045 tspecials, not allowed in a token */
static int
authres_tspecial(int c)
{
	return strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

/* authres_is_token - can the text be written bare as a token */
static int
authres_is_token(const char *v)
{
	const unsigned char *p;

	if (*v == '\0')
		return 0;
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || authres_tspecial(*p))
			return 0;
	return 1;
}

/* authres_is_dot_atom - RFC 5322 dot-atom (atext separated by dots) */
static int
authres_is_dot_atom(const char *p, size_t n, int domain)
{
	size_t i;
	int dot;

	if (n == 0 || p[0] == '.' || p[n - 1] == '.')
		return 0;
	for (i = 0, dot = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '.') {
			if (dot)
				return 0;
			dot = 1;
			continue;
		}
		dot = 0;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-')
			continue;
		if (domain || strchr("!#$%&'*+/=?^_`{|}~", c) == NULL)
			return 0;
	}
	return 1;
}

/* authres_is_mailbox - [local-part] "@" domain-name, written bare */
static int
authres_is_mailbox(const char *v)
{
	const char *at;

	if ((at = strrchr(v, '@')) == NULL)
		return 0;
	if (at != v && !authres_is_dot_atom(v, (size_t)(at - v), 0))
		return 0;
	return authres_is_dot_atom(at + 1, strlen(at + 1), 1);
}

/* authres_quoted_string - printable text as an RFC 5322 quoted-string */
static void
authres_quoted_string(str *out, const str *clean)
{
	size_t i;

	str_append_c(out, '"');
	for (i = 0; i < clean->len; i++) {
		if (clean->buf[i] == '"' || clean->buf[i] == '\\')
			str_append_c(out, '\\');
		str_append_c(out, clean->buf[i]);
	}
	str_append_c(out, '"');
}

/* authres_quote - a value, bare when the grammar allows, quoted otherwise */
static void
authres_quote(str *out, const char *v, size_t max)
{
	str clean;

	str_init(&clean);
	str_append_printable(&clean, v, strlen(v), max);
	if (authres_is_token(str_cstr(&clean)) ||
	    authres_is_mailbox(str_cstr(&clean)))
		str_append(out, str_cstr(&clean));
	else
		authres_quoted_string(out, &clean);
	str_free(&clean);
}

/* authres_new - an empty field */
authres *
authres_new(const char *authserv_id)
{
	authres *ar;

	ar = mem_calloc(1, sizeof(*ar));
	ar->authserv_id = mem_strdup(authserv_id);
	return ar;
}

/* authres_word - append a word to the current result */
static void
authres_word(authres *ar, str *w)
{
	struct authres_entry *e;

	if (ar->n == 0) {
		str_free(w);
		return;
	}
	e = &ar->entries[ar->n - 1];
	e->words = mem_grow(e->words, e->nwords, sizeof(char *));
	e->words[e->nwords++] = str_steal(w);
}

/* authres_result - start a new method=result */
void
authres_result(authres *ar, const char *method, const char *result)
{
	str w;

	ar->entries = mem_grow(ar->entries, ar->n, sizeof(*ar->entries));
	memset(&ar->entries[ar->n], 0, sizeof(ar->entries[ar->n]));
	ar->n++;
	str_init(&w);
	str_appendf(&w, "%s=%s", method, result);
	authres_word(ar, &w);
}

/* authres_comment - (comment) after the current result */
void
authres_comment(authres *ar, const char *text)
{
	str clean, w;
	size_t i;

	str_init(&clean);
	str_init(&w);
	str_append_printable(&clean, text, strlen(text), AUTHRES_TEXT_MAX);
	str_append_c(&w, '(');
	for (i = 0; i < clean.len; i++) {
		if (strchr("()\\", clean.buf[i]) != NULL)
			str_append_c(&w, '\\');
		str_append_c(&w, clean.buf[i]);
	}
	str_append_c(&w, ')');
	str_free(&clean);
	if (ar->n == 0) {
		/* no result yet: it explains a "none" field */
		mem_free(ar->none_comment);
		ar->none_comment = str_steal(&w);
		return;
	}
	authres_word(ar, &w);
}

/* authres_reason - reason="..." for the current result */
void
authres_reason(authres *ar, const char *text)
{
	str w, clean;

	str_init(&w);
	str_init(&clean);
	str_append_printable(&clean, text, strlen(text), AUTHRES_TEXT_MAX);
	/* always a quoted-string: reasons are prose */
	str_append(&w, "reason=");
	authres_quoted_string(&w, &clean);
	str_free(&clean);
	authres_word(ar, &w);
}

/* authres_prop - ptype.property=value for the current result */
void
authres_prop(authres *ar, const char *ptype, const char *property,
    const char *value)
{
	str w;

	str_init(&w);
	str_appendf(&w, "%s.%s=", ptype, property);
	authres_quote(&w, value, AUTHRES_VALUE_MAX);
	authres_word(ar, &w);
}

/* authres_format - the field value, folded */
void
authres_format(const authres *ar, str *out)
{
	size_t i, j, col;
	const char *w;

	authres_quote(out, ar->authserv_id, AUTHRES_VALUE_MAX);
	if (ar->n == 0) {
		/* RFC 8601: no-result = [CFWS] ";" [CFWS] "none" */
		str_append(out, "; ");
		if (ar->none_comment != NULL) {
			str_append(out, ar->none_comment);
			str_append_c(out, ' ');
		}
		str_append(out, "none");
		return;
	}
	for (i = 0; i < ar->n; i++) {
		str_append(out, ";\n\t");
		col = 8;
		for (j = 0; j < ar->entries[i].nwords; j++) {
			w = ar->entries[i].words[j];
			if (j > 0) {
				if (col + 1 + strlen(w) > AUTHRES_FOLD_AT) {
					str_append(out, "\n\t ");
					col = 9;
				} else {
					str_append_c(out, ' ');
					col++;
				}
			}
			str_append(out, w);
			col += strlen(w);
		}
	}
}

/* authres_free - release the field */
void
authres_free(authres *ar)
{
	size_t i, j;

	if (ar == NULL)
		return;
	for (i = 0; i < ar->n; i++) {
		for (j = 0; j < ar->entries[i].nwords; j++)
			mem_free(ar->entries[i].words[j]);
		mem_free(ar->entries[i].words);
	}
	mem_free(ar->entries);
	mem_free(ar->none_comment);
	mem_free(ar->authserv_id);
	mem_free(ar);
}
