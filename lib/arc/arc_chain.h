/*
 * arc_chain - the ARC sets of a message (RFC 8617) as its header fields
 * arrive, and the checks of the chain's form that need no key: steps 1
 * to 4 of RFC 8617 section 5.2. The signatures (steps 5 to 7) are
 * verified on top of a chain whose form is right (not built yet).
 *
 *	arc_chain_init(c) / arc_chain_clear(c)
 *	arc_chain_field(c, name, value) - one header field; ARC-Seal,
 *		ARC-Message-Signature and ARC-Authentication-Results are
 *		kept (at most ARC_FIELDS_MAX of them; more make the chain
 *		fail), others ignored. 1 when it was an ARC field.
 *	arc_chain_form(c, why) - ARC_NONE (no ARC field), ARC_FAIL (why
 *		says which rule: a set without exactly one field of each
 *		kind, an instance outside 1..50 or a gap, a tag twice or
 *		malformed, cv= of the newest seal "fail", cv= of seal 1 not
 *		"none" or of a later one not "pass") or ARC_FORM_OK: c->n
 *		sets, c->set[0..n-1] in instance order, each field's value
 *		there to verify.
 *	arc_chain_top(c, &newest_fail) - the highest valid instance any ARC
 *		field names (0: none), and whether the ARC-Seal of that
 *		instance says cv=fail: what a sealer adding a set needs to
 *		know, even of a chain whose form is wrong.
 */
#ifndef AUTHGATE_ARC_CHAIN_H
#define AUTHGATE_ARC_CHAIN_H

#include <stddef.h>

#include "util/str.h"

#define ARC_SETS_MAX	50	/* RFC 8617 4.2.1 */
#define ARC_FIELDS_MAX	(3 * ARC_SETS_MAX + 3)

enum arc_form {
	ARC_NONE, ARC_FAIL, ARC_FORM_OK
};

enum arc_kind {
	ARC_SEAL, ARC_AMS, ARC_AAR
};

struct arc_field {
	enum arc_kind	 kind;
	char		*value;
	size_t		 hdr;		/* the caller's index of the field */
};

struct arc_set {
	unsigned		 instance;
	const struct arc_field	*seal, *ams, *aar;
	char			 cv[8];		/* the seal's cv= */
};

struct arc_chain {
	struct arc_field	 field[ARC_FIELDS_MAX];
	size_t			 nfields;
	int			 overflow;	/* more fields than kept */
	struct arc_set		 set[ARC_SETS_MAX];
	size_t			 n;		/* after arc_chain_form */
};

void		 arc_chain_init(struct arc_chain *);
void		 arc_chain_clear(struct arc_chain *);
int		 arc_chain_field(struct arc_chain *, const char *,
		    const char *);
enum arc_form	 arc_chain_form(struct arc_chain *, str *);
unsigned	 arc_chain_top(const struct arc_chain *, int *);

#endif
