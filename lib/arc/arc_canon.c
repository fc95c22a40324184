/*
 * arc_canon - DKIM canonicalization for ARC; see arc_canon.h.
 */
#include "config.h"

#include <string.h>

#include "util/str.h"
#include "arc/arc_canon.h"

/* arc_is_wsp - white space inside a header field or body line */
static int
arc_is_wsp(int ch)
{
	return ch == ' ' || ch == '\t';
}

/* arc_canon_header - one header field in canonical form */
void
arc_canon_header(str *out, const char *name, const char *value, size_t len,
    int relaxed, int crlf)
{
	const char *nl;
	size_t i, start;
	int space;

	if (!relaxed) {
		str_append(out, name);
		str_append_c(out, ':');
		/* copy up to each bare LF, which becomes CRLF */
		for (i = 0; i < len; i = (size_t)(nl - value) + 1) {
			if ((nl = memchr(value + i, '\n', len - i)) == NULL) {
				str_append_n(out, value + i, len - i);
				break;
			}
			str_append_n(out, value + i, (size_t)(nl - value) - i);
			if (nl == value || nl[-1] != '\r')
				str_append_c(out, '\r');
			str_append_c(out, '\n');
		}
	} else {
		/* the name without white space before the colon */
		for (i = strlen(name); i > 0 && arc_is_wsp(name[i - 1]); i--)
			;
		start = out->len;
		str_append_n(out, name, i);
		for (; start < out->len; start++)
			if (out->buf[start] >= 'A' && out->buf[start] <= 'Z')
				out->buf[start] += 'a' - 'A';
		str_append_c(out, ':');
		space = 0;
		start = out->len;
		for (i = 0; i < len; ) {
			size_t j;

			if (value[i] == '\r' || value[i] == '\n') {
				i++;		/* unfold */
				continue;
			}
			if (arc_is_wsp(value[i])) {
				space = 1;
				i++;
				continue;
			}
			if (space && out->len > start)
				str_append_c(out, ' ');
			space = 0;
			/* the run up to the next white space or line end */
			for (j = i + 1; j < len && value[j] != '\r' &&
			    value[j] != '\n' && !arc_is_wsp(value[j]); j++)
				;
			str_append_n(out, value + i, j - i);
			i = j;
		}
	}
	if (crlf)
		str_append(out, "\r\n");
}

/* arc_canon_strip_b - the field value with the b= value left out */
void
arc_canon_strip_b(const char *value, str *out)
{
	const char *p, *end, *n, *eq;

	str_append(out, "");
	for (p = value; *p != '\0'; p = end) {
		end = p + strcspn(p, ";");
		for (n = p; n < end && (arc_is_wsp(*n) || *n == '\r' ||
		    *n == '\n'); n++)
			;
		eq = memchr(n, '=', (size_t)(end - n));
		if (eq != NULL && n < end && *n == 'b') {
			const char *q;

			for (q = n + 1; q < eq && (arc_is_wsp(*q) ||
			    *q == '\r' || *q == '\n'); q++)
				;
			if (q == eq) {
				str_append_n(out, p, (size_t)(eq + 1 - p));
				if (*end == ';')
					end++, str_append_c(out, ';');
				continue;
			}
		}
		str_append_n(out, p, (size_t)(end - p));
		if (*end == ';')
			end++, str_append_c(out, ';');
	}
}

/* arc_body_init - a hasher for one canonicalization and algorithm */
int
arc_body_init(struct arc_body *b, int relaxed, const EVP_MD *md,
    long long limit)
{
	memset(b, 0, sizeof(*b));
	b->relaxed = relaxed;
	b->limit = limit;
	if ((b->ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(b->ctx, md, NULL) != 1) {
		EVP_MD_CTX_free(b->ctx);
		b->ctx = NULL;
		return -1;
	}
	return 0;
}

/* arc_body_flush - hash what is buffered */
static void
arc_body_flush(struct arc_body *b)
{
	if (b->n > 0)
		(void)EVP_DigestUpdate(b->ctx, b->buf, b->n);
	b->n = 0;
}

/* arc_body_put - canonical bytes, within the l= limit */
static void
arc_body_put(struct arc_body *b, const unsigned char *p, size_t n)
{
	size_t k;

	if (b->limit >= 0 && (long long)n > b->limit)
		n = (size_t)b->limit;
	if (b->limit > 0)
		b->limit -= (long long)n;
	while (n > 0) {
		if (b->n == sizeof(b->buf))
			arc_body_flush(b);
		k = sizeof(b->buf) - b->n < n ? sizeof(b->buf) - b->n : n;
		memcpy(b->buf + b->n, p, k);
		b->n += k;
		p += k;
		n -= k;
	}
}

/* arc_body_text - bytes of a line: first the line ends and white space
 * that turned out not to be trailing */
static void
arc_body_text(struct arc_body *b, const unsigned char *p, size_t n)
{
	for (; b->empty_lines > 0; b->empty_lines--)
		arc_body_put(b, (const unsigned char *)"\r\n", 2);
	if (b->wsp)
		arc_body_put(b, (const unsigned char *)" ", 1);
	b->wsp = 0;
	arc_body_put(b, p, n);
	b->any = 1;
}

/* arc_body_special - a byte that is not plain text of a line */
static int
arc_body_special(const struct arc_body *b, unsigned char ch)
{
	return ch == '\r' || ch == '\n' || (b->relaxed && arc_is_wsp(ch));
}

/* arc_body_update - body bytes as they arrive; runs of plain text go in
 * whole */
void
arc_body_update(struct arc_body *b, const unsigned char *p, size_t n)
{
	size_t i, j;
	unsigned char ch;

	if (b->ctx == NULL)
		return;
	for (i = 0; i < n; ) {
		ch = p[i];
		if (b->cr) {
			b->cr = 0;
			if (ch == '\n') {
				b->wsp = 0;	/* trailing: dropped */
				b->empty_lines++;
				i++;
				continue;
			}
			arc_body_text(b, (const unsigned char *)"\r", 1);
		}
		if (ch == '\r')
			b->cr = 1;
		else if (ch == '\n') {
			b->wsp = 0;
			b->empty_lines++;
		} else if (b->relaxed && arc_is_wsp(ch))
			b->wsp = 1;
		else {
			/* a run of text, single spaces between words included
			 * (relaxed keeps those as they are) */
			for (j = i + 1; j < n; j++) {
				if (!arc_body_special(b, p[j]))
					continue;
				if (p[j] == ' ' && j + 1 < n &&
				    !arc_body_special(b, p[j + 1]))
					continue;
				break;
			}
			arc_body_text(b, p + i, j - i);
			i = j;
			continue;
		}
		i++;
	}
}

/* arc_body_final - the body hash */
void
arc_body_final(struct arc_body *b, unsigned char *digest, unsigned *len)
{
	if (b->cr)
		arc_body_text(b, (const unsigned char *)"\r", 1);
	b->cr = 0;
	/* one line end after the last line; an empty body is one CRLF in
	 * simple canonicalization and nothing in relaxed */
	if (b->any || !b->relaxed)
		arc_body_put(b, (const unsigned char *)"\r\n", 2);
	arc_body_flush(b);
	*len = 0;
	(void)EVP_DigestFinal_ex(b->ctx, digest, len);
}

/* arc_body_free - release the hasher */
void
arc_body_free(struct arc_body *b)
{
	EVP_MD_CTX_free(b->ctx);
	b->ctx = NULL;
}
