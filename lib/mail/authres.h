/*
 * authres - Authentication-Results header fields (RFC 8601): a writer
 * for ours and a parser for everybody's.
 *
 * Writer:
 *	authres_new(authserv_id) - an empty field for our authserv-id.
 *	authres_result(ar, method, result) - start a result ("spf=pass").
 *	authres_comment(ar, text) - a comment after the current result;
 *		before any result, a comment that explains "none".
 *	authres_reason(ar, text) - reason="..." for the current result.
 *	authres_prop(ar, ptype, property, value) - "smtp.mailfrom=..."; the
 *		value is written bare when the grammar allows (token or
 *		local-part@domain) and as a quoted-string otherwise, so
 *		base64 header.b values come out quoted.
 *	authres_format(ar, out) - the field value (without the name),
 *		"none" when no result was added; one result per line, lines
 *		folded with "\n\t" to stay near 78 and far below 998 octets.
 *	authres_free(ar)
 * Untrusted text (addresses, DNS data) is made printable and bounded.
 *
 * Parser (authres_parse.c):
 *	authres_parse(value, len, relaxed, out, err) - parse a field value.
 *		Strict mode follows the RFC 8601 ABNF; relaxed mode also takes
 *		what real servers send (a trailing ";", unquoted "/" or "="
 *		in values, 8-bit text in quoted strings). 0, or -1 with err.
 *	authres_parsed_free(out)
 *	authres_authserv_id(value, len, out) - just the authserv-id, found
 *		as leniently as possible: used to find headers that claim to
 *		be ours (forgeries to delete). 0, or -1 if there is none.
 */
#ifndef AUTHGATE_AUTHRES_H
#define AUTHGATE_AUTHRES_H

#include <stddef.h>

#include "util/str.h"

typedef struct authres authres;

authres	*authres_new(const char *);
void	 authres_result(authres *, const char *, const char *);
void	 authres_comment(authres *, const char *);
void	 authres_reason(authres *, const char *);
void	 authres_prop(authres *, const char *, const char *, const char *);
void	 authres_format(const authres *, str *);
void	 authres_free(authres *);

struct authres_prop {
	char	*ptype;
	char	*property;
	char	*value;
};

struct authres_resinfo {
	char			*method;
	int			 method_version;
	char			*result;
	char			*reason;	/* NULL if none */
	size_t			 nprops;
	struct authres_prop	*props;
};

struct authres_parsed {
	char			*authserv_id;
	int			 version;
	size_t			 nres;
	struct authres_resinfo	*res;
};

int	 authres_parse(const char *, size_t, int, struct authres_parsed *,
	    str *);
void	 authres_parsed_free(struct authres_parsed *);
int	 authres_authserv_id(const char *, size_t, str *);

#endif
