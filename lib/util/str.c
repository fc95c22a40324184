/*
 * str - growable strings; see str.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/str.h"

/* str_init - make an empty string */
void
str_init(str *s)
{
	s->buf = NULL;
	s->len = s->cap = 0;
}

/* str_free - release the buffer */
void
str_free(str *s)
{
	mem_free(s->buf);
	str_init(s);
}

/* str_reserve - make room for n more bytes plus the terminator */
static void
str_reserve(str *s, size_t n)
{
	size_t need, cap;

	need = s->len + n + 1;
	if (need <= s->cap)
		return;
	cap = s->cap ? s->cap : 64;
	while (cap < need)
		cap *= 2;
	s->buf = mem_realloc(s->buf, cap);
	s->cap = cap;
}

/* str_reset - make the string empty, keeping its buffer */
void
str_reset(str *s)
{
	s->len = 0;
	if (s->buf != NULL)
		s->buf[0] = '\0';
}

/* str_truncate - shorten to len bytes (no-op when already shorter) */
void
str_truncate(str *s, size_t len)
{
	if (len < s->len) {
		s->len = len;
		s->buf[len] = '\0';
	}
}

/* str_append_n - append n bytes */
void
str_append_n(str *s, const char *p, size_t n)
{
	str_reserve(s, n);
	if (n > 0)
		memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

/* str_append - append a C string */
void
str_append(str *s, const char *p)
{
	str_append_n(s, p, strlen(p));
}

/* str_append_c - append one byte */
void
str_append_c(str *s, int c)
{
	char ch;

	ch = (char)c;
	str_append_n(s, &ch, 1);
}

/* str_vappendf - append printf-style */
void
str_vappendf(str *s, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	str_reserve(s, (size_t)n);
	vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
	s->len += (size_t)n;
}

/* str_appendf - append printf-style */
void
str_appendf(str *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	str_vappendf(s, fmt, ap);
	va_end(ap);
}

/* str_append_printable - append untrusted text, made safe and bounded */
void
str_append_printable(str *s, const char *p, size_t n, size_t max)
{
	size_t i, lim;
	unsigned char c;

	lim = n > max ? (max > 3 ? max - 3 : 0) : n;
	str_reserve(s, lim + 3);
	for (i = 0; i < lim; i++) {
		c = (unsigned char)p[i];
		s->buf[s->len++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (n > max) {
		memcpy(s->buf + s->len, "...", 3);
		s->len += 3;
	}
	s->buf[s->len] = '\0';
}

/* str_cstr - the contents as a C string, "" when empty */
const char *
str_cstr(const str *s)
{
	return s->buf != NULL ? s->buf : "";
}

/* str_steal - hand the buffer to the caller */
char *
str_steal(str *s)
{
	char *p;

	p = s->buf != NULL ? s->buf : mem_strdup("");
	str_init(s);
	return p;
}

/* str_next_word - the next comma/space separated word of a list */
const char *
str_next_word(const char **p, size_t *len)
{
	const char *w, *end;

	for (w = *p; *w == ',' || *w == ' ' || *w == '\t'; w++)
		;
	if (*w == '\0') {
		*p = w;
		return NULL;
	}
	for (end = w; *end != '\0' && *end != ',' && *end != ' ' &&
	    *end != '\t'; end++)
		;
	*len = (size_t)(end - w);
	*p = end;
	return w;
}

/* str_append_json - a JSON string literal */
void
str_append_json(str *s, const char *text)
{
	const unsigned char *p;

	if (text == NULL) {
		str_append(s, "null");
		return;
	}
	str_append_c(s, '"');
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			str_append_c(s, '\\');
			str_append_c(s, *p);
		} else if (*p == '\n')
			str_append(s, "\\n");
		else if (*p == '\t')
			str_append(s, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			str_appendf(s, "\\u%04x", *p);
		else
			str_append_c(s, *p);
	}
	str_append_c(s, '"');
}

/* str_word - the word at index i of a name table, "?" out of range */
const char *
str_word(const char *const *words, int n, int i)
{
	return i >= 0 && i < n ? words[i] : "?";
}

/* str_word_index - the index of a word in a name table, -1 if absent */
int
str_word_index(const char *const *words, int n, const char *word)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcasecmp(word, words[i]) == 0)
			return i;
	return -1;
}
