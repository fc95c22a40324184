/*
 * ipaddr - client IP addresses: parsing, formatting, normalization.
 *
 *	ipaddr_parse(text, ip) - IPv4 or IPv6 literal (an "IPv6:" prefix and
 *		[brackets] are accepted, as Postfix and Sendmail write them);
 *		IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes plain IPv4, as SPF
 *		and DNSBLs expect (RFC 7208 section 5). 0 or -1.
 *	ipaddr_parse_port(text, ip, port) - "192.0.2.1:9464" or
 *		"[2001:db8::1]:9464" (a listen address): 0 or -1.
 *	ipaddr_to_sockaddr(ip, port, ss) - the socket address to bind to;
 *		its length.
 *	ipaddr_from_sockaddr(sa, ip) - the same from a socket address;
 *		-1 for families other than INET/INET6.
 *	ipaddr_format(ip, buf) - text form into buf[IPADDR_STRLEN].
 *	ipaddr_format_full(ip, buf) - the same with IPv6 written as all
 *		eight groups, never "::" (the form RFC 7489's report schema
 *		accepts).
 *	ipaddr_is_loopback(ip).
 *	ipaddr_in_net(ip, net, prefix) - ip lies in net/prefix (same family).
 *	ipaddr_reverse_name(ip, out) - the PTR owner name:
 *		"4.3.2.1.in-addr.arpa" or 32 nibbles ".ip6.arpa".
 *	ipaddr_reversed(ip, out) - the same without the suffix (DNSBL
 *		query names are built from it).
 *	ipaddr_nibbles(ip, out) - IPv6 as 32 dot-separated hex nibbles, most
 *		significant first (SPF's %{i}); IPv4 as dotted quad.
 */
#ifndef AUTHGATE_IPADDR_H
#define AUTHGATE_IPADDR_H

#include <netinet/in.h>
#include <sys/socket.h>

#define IPADDR_STRLEN	INET6_ADDRSTRLEN

typedef struct ipaddr {
	int	family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	} u;
} ipaddr;

int	ipaddr_parse(const char *, ipaddr *);
int	ipaddr_parse_port(const char *, ipaddr *, unsigned *);
socklen_t ipaddr_to_sockaddr(const ipaddr *, unsigned,
	    struct sockaddr_storage *);
int	ipaddr_from_sockaddr(const struct sockaddr *, ipaddr *);
void	ipaddr_format(const ipaddr *, char *);
void	ipaddr_format_full(const ipaddr *, char *);
int	ipaddr_is_loopback(const ipaddr *);
int	ipaddr_in_net(const ipaddr *, const ipaddr *, int);

struct str;
void	ipaddr_reverse_name(const ipaddr *, struct str *);
void	ipaddr_reversed(const ipaddr *, struct str *);
void	ipaddr_nibbles(const ipaddr *, struct str *);

#endif
