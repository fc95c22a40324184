/*
 * netlist - lists of IP networks: trusted_networks, the ip_list allow
 * and deny lists, the networks of per-domain authorized senders. Small
 * lists come from the config ("127.0.0.0/8, ::1, 2001:db8::/32"), large
 * ones from files, one network per line, optionally with a text.
 *
 *	netlist_parse(text, list, err) - words separated by commas or
 *		spaces, each an address or address/prefix, IPv4 or IPv6
 *		(an IPv4-mapped ::ffff:a.b.c.d/N becomes IPv4 /N-96). An
 *		address with bits set beyond its prefix is an error (it is
 *		almost always a typo), as is anything unparsable; err then
 *		says which word and why, and -1 is returned.
 *	netlist_add(list, word, len, text, err) - add one network (same
 *		syntax), with an optional text (NULL: none) kept with it;
 *		call netlist_index() after the last one. 0 or -1.
 *	netlist_load_file(path, list, err) - add the networks of a file:
 *		one per line, "network [text ...]", '#' starts a comment,
 *		blank lines are ignored. Errors name "path:line:". The list
 *		is indexed at the end. 0 or -1.
 *	netlist_index(list) - sort for lookups (netlist_parse and
 *		netlist_load_file do it themselves).
 *	netlist_lookup(list, ip) - the most specific entry that holds ip
 *		(longest prefix), or NULL; O(log n) per prefix length used.
 *	netlist_match(list, ip) - its text form "net/prefix", or NULL.
 *	netlist_free(list)
 * A network listed twice keeps the text it had first.
 */
#ifndef AUTHGATE_NETLIST_H
#define AUTHGATE_NETLIST_H

#include <stddef.h>

#include "util/ipaddr.h"
#include "util/str.h"

struct netlist_entry {
	ipaddr	 net;
	int	 prefix;
	size_t	 order;		/* position added, ties keep the first */
	char	*text;		/* from the file line, or NULL */
	char	 cidr[IPADDR_STRLEN + 4];	/* "net/prefix" */
};

/* a run of entries with the same family and prefix length */
struct netlist_group {
	int	 family;
	int	 prefix;
	size_t	 start, n;
};

typedef struct netlist {
	struct netlist_entry	*v;
	size_t			 n, cap;
	struct netlist_group	*groups;	/* longest prefix first */
	size_t			 ngroups;
} netlist;

int		 netlist_parse(const char *, netlist *, str *);
int		 netlist_add(netlist *, const char *, size_t, const char *,
		    str *);
int		 netlist_load_file(const char *, netlist *, str *);
void		 netlist_index(netlist *);
const struct netlist_entry *netlist_lookup(const netlist *, const ipaddr *);
const char	*netlist_match(const netlist *, const ipaddr *);
void		 netlist_free(netlist *);

#endif
