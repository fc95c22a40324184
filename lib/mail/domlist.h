/*
 * domlist - lists of domain names from the config (exempt domains,
 * trusted forwarders): "example.com, .example.net".
 *
 *	domlist_parse(text, flags, list, err) - words separated by commas
 *		or spaces. "example.com" matches that domain only;
 *		".example.com" matches every name below it (not the domain
 *		itself), as in Postfix lookup tables. With DOMLIST_EXACT the
 *		leading-dot form is refused. Names are kept in lower case
 *		without a trailing dot and must be domain names of at least
 *		two labels. On error err names the word and -1 is returned.
 *	domlist_match(list, name) - the entry that matches name (any case,
 *		trailing dot ignored), or NULL.
 *	domlist_free(list)
 */
#ifndef AUTHGATE_DOMLIST_H
#define AUTHGATE_DOMLIST_H

#include <stddef.h>

#include "util/str.h"

#define DOMLIST_EXACT	1

typedef struct domlist {
	char	**v;
	size_t	  n;
} domlist;

int		 domlist_parse(const char *, int, domlist *, str *);
const char	*domlist_match(const domlist *, const char *);
void		 domlist_free(domlist *);

#endif
