/*
 * from_header - the RFC 5322 From: field, parsed by us (libopendmarc's
 * finddomain takes the first address it sees and returns garbage for
 * escaped quotes): the author addresses DMARC is about.
 *
 *	from_header_parse(value, len, list, err) - parse one field value
 *		(a mailbox-list: display names, comments, quoted strings with
 *		escapes, encoded words, obsolete routes and folding are all
 *		understood). Every mailbox lands in list with its local part
 *		and its domain in lower case, without a trailing dot, IDN
 *		U-labels turned into A-labels. 0, or -1 with err saying in
 *		plain words what is wrong: empty field, no address, group
 *		syntax, unbalanced quotes, brackets or comments, a domain
 *		literal, a domain that is not a domain name, bytes that do
 *		not belong. Nothing is guessed: a field we cannot read is an
 *		error, never "the first thing that looks like an address".
 *	from_list_clear(list)
 *	from_list_domain(list) - the one domain of all mailboxes, or NULL
 *		when they are in different domains (RFC 7489 6.6.1).
 * Input is bounded by the MTA; nesting of comments is bounded here.
 */
#ifndef AUTHGATE_FROM_HEADER_H
#define AUTHGATE_FROM_HEADER_H

#include <stddef.h>

#include "util/str.h"

#define FROM_MAX_MAILBOXES	64

struct from_mailbox {
	char	*local;
	char	*domain;
};

struct from_list {
	struct from_mailbox	*v;
	size_t			 n;
};

int		 from_header_parse(const char *, size_t, struct from_list *,
		    str *);
void		 from_list_clear(struct from_list *);
const char	*from_list_domain(const struct from_list *);

#endif
