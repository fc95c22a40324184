/*
 * iplist - the admin's own allow and deny lists of client networks, each
 * with a name for the logs and, for deny lists, an action (reject or
 * tempfail) and a reply text. Allowed clients count as allowlisted: the
 * IP reputation checks (DNSBL, iprev, HELO) do not hold against them.
 *
 *	iplist_lookup(set, ip, match) - the most specific network holding
 *		ip over all lists; on equal prefixes an allow list wins. 1
 *		and match filled, or 0.
 *	iplist_free(list)
 */
#ifndef AUTHGATE_IPLIST_H
#define AUTHGATE_IPLIST_H

#include <stddef.h>

#include "util/ipaddr.h"
#include "util/netlist.h"

struct iplist {
	char		*name;
	int		 allow;		/* else a deny list */
	int		 action;	/* enum action of a deny list */
	netlist		 nets;
	char		*text;		/* reply template, NULL: default */
};

struct iplist_set {
	struct iplist	*v;
	size_t		 n;
};

struct iplist_match {
	const struct iplist		*list;
	const struct netlist_entry	*entry;
};

int	iplist_lookup(const struct iplist_set *, const ipaddr *,
	    struct iplist_match *);
void	iplist_free(struct iplist *);

#endif
