/*
 * authz - per-domain authorized sender networks, the admin's own rule
 * "mail claiming example.com may come only from these networks": a
 * local override that holds even when the domain publishes no SPF
 * record, or a weak one.
 *
 *	authz_find(set, domain, identity) - the rule for a domain (its own,
 *		or the closest parent's whose subdomains it covers) that
 *		applies to identity (AUTHZ_MAILFROM or AUTHZ_FROM); NULL if
 *		none.
 *	authz_check(set, domain, identity, ip, out) - is ip among the rule's
 *		networks? out->checked only when a rule applies.
 *	authz_rule_free(rule)
 *	authz_identity_parse(text, &identities, err) - "mailfrom, from".
 */
#ifndef AUTHGATE_AUTHZ_H
#define AUTHGATE_AUTHZ_H

#include <stddef.h>

#include "util/ipaddr.h"
#include "util/netlist.h"
#include "util/str.h"

#define AUTHZ_MAILFROM	1
#define AUTHZ_FROM	2

struct authz_rule {
	char		*domain;	/* lower case */
	int		 subdomains;	/* also every name below it */
	unsigned	 identities;
	netlist		 nets;
	char		*text;		/* reply template, NULL: default */
};

struct authz_set {
	struct authz_rule	*v;
	size_t			 n;
};

struct authz_outcome {
	int			 checked;
	int			 allowed;
	const struct authz_rule	*rule;
	const char		*domain;	/* the identity's domain */
};

const struct authz_rule *authz_find(const struct authz_set *, const char *,
		    unsigned);
void		 authz_check(const struct authz_set *, const char *, unsigned,
		    const ipaddr *, struct authz_outcome *);
void		 authz_rule_free(struct authz_rule *);
int		 authz_identity_parse(const char *, unsigned *, str *);

#endif
