/*
 * str - growable strings for all text that comes from outside (headers,
 * DNS data, SMTP arguments) and for everything we build from it.
 *
 * A str is a plain struct: zero it (or call str_init) and append. The
 * buffer is always NUL-terminated once anything was appended; str_cstr()
 * returns "" for an empty string, never NULL.
 *
 *	str_init(s), str_free(s), str_reset(s) (empty, keep the buffer),
 *	str_truncate(s, len)
 *	str_append(s, cstring), str_append_n(s, bytes, n), str_append_c(s, c),
 *	str_appendf(s, fmt, ...)
 *	str_append_printable(s, bytes, n, max) - untrusted text for logs and
 *		SMTP replies: control and non-ASCII bytes become '?', and text
 *		longer than max bytes is cut and marked with "...".
 *	str_word(words, n, i) - the word at index i of a name table, "?"
 *		out of range; str_word_index(words, n, word) - the index of a
 *		word in such a table (any case), -1 if it is not there.
 *	str_append_json(s, cstring) - a JSON string literal, quotes included
 *		(NULL becomes null); bytes >= 0x80 pass as they are.
 *	str_steal(s) - hand the buffer to the caller (mem_free it), s is reset.
 *	str_next_word(&p, &len) - the next word of a config list (words
 *		separated by commas, spaces or tabs): returns its start and
 *		sets len, advancing p past it; NULL at the end.
 * Allocation failure is fatal (mem.h), so none of these can fail.
 */
#ifndef AUTHGATE_STR_H
#define AUTHGATE_STR_H

#include <stdarg.h>
#include <stddef.h>

typedef struct str {
	char	*buf;
	size_t	 len;
	size_t	 cap;
} str;

void	 str_init(str *);
void	 str_free(str *);
void	 str_reset(str *);
void	 str_truncate(str *, size_t);
void	 str_append(str *, const char *);
void	 str_append_n(str *, const char *, size_t);
void	 str_append_c(str *, int);
void	 str_appendf(str *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 str_vappendf(str *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
void	 str_append_printable(str *, const char *, size_t, size_t);
void	 str_append_json(str *, const char *);
const char *str_cstr(const str *);
char	*str_steal(str *);
const char *str_next_word(const char **, size_t *);
const char *str_word(const char *const *, int, int);
int	 str_word_index(const char *const *, int, const char *);

#endif
