/*
 * netlist - lists of IP networks from the config ("trusted_networks"):
 * "127.0.0.0/8, ::1, 2001:db8::/32", matched against client addresses.
 *
 *	netlist_parse(text, list, err) - words separated by commas or
 *		spaces, each an address or address/prefix, IPv4 or IPv6
 *		(an IPv4-mapped ::ffff:a.b.c.d/N becomes IPv4 /N-96). An
 *		address with bits set beyond its prefix is an error (it is
 *		almost always a typo), as is anything unparsable; err then
 *		says which word and why, and -1 is returned.
 *	netlist_match(list, ip) - the entry (as written, normalized) that
 *		holds ip, or NULL.
 *	netlist_free(list)
 */
#ifndef AUTHGATE_NETLIST_H
#define AUTHGATE_NETLIST_H

#include <stddef.h>

#include "ipaddr.h"
#include "str.h"

struct netlist_entry {
	ipaddr	 net;
	int	 prefix;
	char	 text[IPADDR_STRLEN + 4];	/* "net/prefix" */
};

typedef struct netlist {
	struct netlist_entry	*v;
	size_t			 n;
} netlist;

int		 netlist_parse(const char *, netlist *, str *);
const char	*netlist_match(const netlist *, const ipaddr *);
void		 netlist_free(netlist *);

#endif
