/*
 * ytree - a YAML document stream as a plain tree (libyaml's parser, no
 * tags, no anchors), for the conformance harnesses. Scalars keep their
 * exact bytes and length: the suites put NUL, CR/LF and 8-bit bytes in
 * double-quoted strings on purpose.
 *
 *	ytree_load(path, &ndocs, err) - every document of the stream; NULL
 *		and err on a YAML error.
 *	ytree_get(map, key) - the value of a key in a mapping, or NULL.
 *	ytree_is(node, text) - a scalar equal to text.
 *	ytree_free(docs, ndocs)
 */
#ifndef AUTHGATE_TEST_YTREE_H
#define AUTHGATE_TEST_YTREE_H

#include <stddef.h>

#include "util/str.h"

enum ytree_kind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ytree_kind	 kind;
	char		*s;		/* scalar bytes, NUL added */
	size_t		 len;
	struct ynode	**items;	/* sequence items; map: key, value, ... */
	size_t		 n;
};

struct ynode	**ytree_load(const char *, size_t *, str *);
struct ynode	*ytree_get(const struct ynode *, const char *);
int		 ytree_is(const struct ynode *, const char *);
void		 ytree_free(struct ynode **, size_t);

#endif
