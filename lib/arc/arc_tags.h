/*
 * arc_tags - a DKIM tag-list (RFC 6376 3.2), the syntax of ARC-Seal,
 * ARC-Message-Signature and key records: "name=value; name=value".
 * Names and values are case-sensitive; white space around both is not
 * part of them.
 *
 *	arc_tags_parse(t, value, why) - 0 and the tags in t; -1 and why in
 *		words for a list that breaks the grammar: an element without
 *		"=", an empty element other than a final ";", a name that is
 *		not ALPHA *(ALPHA / DIGIT / "_"), a value byte outside
 *		%x21-3A / %x3C-7E and white space, a name twice, more than
 *		ARC_TAGS_MAX tags.
 *	arc_tags_get(t, name) - the value, or NULL.
 *	arc_tags_free(t)
 *	arc_tags_list_has(list, word, icase) - a colon-separated value (h=,
 *		s=, a key's h=) names word, white space around each name
 *		ignored; header names compare in any case (icase), key
 *		record words exactly.
 */
#ifndef AUTHGATE_ARC_TAGS_H
#define AUTHGATE_ARC_TAGS_H

#include <stddef.h>

#include "util/str.h"

#define ARC_TAGS_MAX	32

struct arc_tags {
	char	*buf;			/* a copy the names and values are in */
	size_t	 n;
	struct {
		const char	*name;
		const char	*value;
	} t[ARC_TAGS_MAX];
};

int		 arc_tags_parse(struct arc_tags *, const char *, str *);
const char	*arc_tags_get(const struct arc_tags *, const char *);
void		 arc_tags_free(struct arc_tags *);
int		 arc_tags_list_has(const char *, const char *, int);

#endif
