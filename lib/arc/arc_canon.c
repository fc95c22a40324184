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
		for (i = 0; i < len; i++) {
			if (value[i] == '\r' || value[i] == '\n')
				continue;	/* unfold */
			if (arc_is_wsp(value[i])) {
				space = 1;
				continue;
			}
			if (space && out->len > start)
				str_append_c(out, ' ');
			space = 0;
			str_append_c(out, value[i]);
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

/* arc_body_put - one canonical byte, within the l= limit */
static void
arc_body_put(struct arc_body *b, unsigned char ch)
{
	if (b->limit == 0)
		return;
	if (b->limit > 0)
		b->limit--;
	if (b->n == sizeof(b->buf))
		arc_body_flush(b);
	b->buf[b->n++] = ch;
}

/* arc_body_char - a byte of a line: first the line ends and white space
 * that turned out not to be trailing */
static void
arc_body_char(struct arc_body *b, unsigned char ch)
{
	for (; b->empty_lines > 0; b->empty_lines--) {
		arc_body_put(b, '\r');
		arc_body_put(b, '\n');
	}
	if (b->wsp)
		arc_body_put(b, ' ');
	b->wsp = 0;
	arc_body_put(b, ch);
	b->any = 1;
}

/* arc_body_update - body bytes as they arrive */
void
arc_body_update(struct arc_body *b, const unsigned char *p, size_t n)
{
	size_t i;
	unsigned char ch;

	if (b->ctx == NULL)
		return;
	for (i = 0; i < n; i++) {
		ch = p[i];
		if (b->cr) {
			b->cr = 0;
			if (ch == '\n') {
				b->wsp = 0;	/* trailing: dropped */
				b->empty_lines++;
				continue;
			}
			arc_body_char(b, '\r');
		}
		if (ch == '\r')
			b->cr = 1;
		else if (ch == '\n') {
			b->wsp = 0;
			b->empty_lines++;
		} else if (b->relaxed && arc_is_wsp(ch))
			b->wsp = 1;
		else
			arc_body_char(b, ch);
	}
}

/* arc_body_final - the body hash */
void
arc_body_final(struct arc_body *b, unsigned char *digest, unsigned *len)
{
	if (b->cr)
		arc_body_char(b, '\r');
	b->cr = 0;
	/* one line end after the last line; an empty body is one CRLF in
	 * simple canonicalization and nothing in relaxed */
	if (b->any || !b->relaxed) {
		arc_body_put(b, '\r');
		arc_body_put(b, '\n');
	}
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
