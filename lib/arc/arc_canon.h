/*
 * arc_canon - DKIM canonicalization (RFC 6376 3.4), which ARC signatures
 * use as they are (RFC 8617 4.1.2, 4.1.3), and the hashing of a body as
 * it streams in.
 *
 *	arc_canon_header(out, name, value, len, relaxed, crlf) - append one
 *		header field in canonical form: "simple" keeps it as it is
 *		(bare LFs of a milter's folded value become CRLF), "relaxed"
 *		lower-cases the name, unfolds, turns white space runs into one
 *		space and drops it around the colon and at the end. value is
 *		what follows the colon. With crlf, a CRLF ends it (every field
 *		but the signature's own).
 *	arc_canon_strip_b(value, out) - the value with the b= tag's value
 *		removed (the signature field as it is signed).
 *
 *	arc_body_init(b, relaxed, md, limit) - a body hasher (limit: the l=
 *		count of canonical bytes, or -1 for all); arc_body_update(b,
 *		bytes, n) with the body as it arrives (CRLF lines; bare LF is
 *		taken as a line end); arc_body_final(b, digest, &len) ends it
 *		(trailing empty lines dropped, one CRLF at the end of a body
 *		that is not empty, or the lone CRLF of an empty simple body);
 *		arc_body_free(b).
 */
#ifndef AUTHGATE_ARC_CANON_H
#define AUTHGATE_ARC_CANON_H

#include <stddef.h>
#include <openssl/evp.h>

#include "util/str.h"

struct arc_body {
	EVP_MD_CTX	*ctx;
	int		 relaxed;
	long long	 limit;		/* canonical bytes still hashed; -1 all */
	unsigned long	 empty_lines;	/* line ends not yet written */
	int		 wsp;		/* relaxed: white space not yet written */
	int		 cr;		/* a CR waits for its LF */
	int		 any;		/* something was written */
	size_t		 n;
	unsigned char	 buf[4096];
};

void	arc_canon_header(str *, const char *, const char *, size_t, int,
	    int);
void	arc_canon_strip_b(const char *, str *);

int	arc_body_init(struct arc_body *, int, const EVP_MD *, long long);
void	arc_body_update(struct arc_body *, const unsigned char *, size_t);
void	arc_body_final(struct arc_body *, unsigned char *, unsigned *);
void	arc_body_free(struct arc_body *);

#endif
