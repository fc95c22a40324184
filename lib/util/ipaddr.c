/*
 * ipaddr - client IP addresses; see ipaddr.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/ipaddr.h"
#include "util/str.h"

/* ipaddr_unmap - IPv4-mapped IPv6 becomes IPv4 */
static void
ipaddr_unmap(ipaddr *ip)
{
	if (ip->family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&ip->u.v6)) {
		struct in_addr v4;

		memcpy(&v4, &ip->u.v6.s6_addr[12], 4);
		ip->family = AF_INET;
		ip->u.v4 = v4;
	}
}

/* ipaddr_parse - an address literal, normalized */
int
ipaddr_parse(const char *text, ipaddr *ip)
{
	char buf[IPADDR_STRLEN + 8];
	size_t len;

	if (strncasecmp(text, "IPv6:", 5) == 0)
		text += 5;
	len = strlen(text);
	if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
		text++;
		len -= 2;
		if (strncasecmp(text, "IPv6:", 5) == 0) {
			text += 5;
			len -= 5;
		}
	}
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, buf, &ip->u.v4) == 1) {
		ip->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, &ip->u.v6) == 1) {
		ip->family = AF_INET6;
		ipaddr_unmap(ip);
		return 0;
	}
	return -1;
}

/* ipaddr_parse_port - address:port, the IPv6 address in brackets */
int
ipaddr_parse_port(const char *text, ipaddr *ip, unsigned *port)
{
	char buf[IPADDR_STRLEN + 8];
	const char *colon;
	char *end;
	unsigned long p;
	size_t len;

	if (text[0] == '[') {
		if ((colon = strstr(text, "]:")) == NULL)
			return -1;
		colon++;
	} else if ((colon = strrchr(text, ':')) == NULL ||
	    strchr(text, ':') != colon)
		return -1;		/* IPv6 without brackets */
	len = (size_t)(colon - text);
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (colon[1] < '0' || colon[1] > '9')
		return -1;
	p = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || p == 0 || p > 65535)
		return -1;
	if (ipaddr_parse(buf, ip) != 0)
		return -1;
	*port = (unsigned)p;
	return 0;
}

/* ipaddr_to_sockaddr - ip and port as a socket address */
socklen_t
ipaddr_to_sockaddr(const ipaddr *ip, unsigned port,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;

	memset(ss, 0, sizeof(*ss));
	if (ip->family == AF_INET) {
		sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		sin->sin_addr = ip->u.v4;
		return sizeof(*sin);
	}
	sin6 = (struct sockaddr_in6 *)ss;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons((uint16_t)port);
	sin6->sin6_addr = ip->u.v6;
	return sizeof(*sin6);
}

/* ipaddr_from_sockaddr - the address of a socket, normalized */
int
ipaddr_from_sockaddr(const struct sockaddr *sa, ipaddr *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (sa == NULL)
		return -1;
	switch (sa->sa_family) {
	case AF_INET:
		ip->family = AF_INET;
		memcpy(&ip->u.v4, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    sizeof(ip->u.v4));
		return 0;
	case AF_INET6:
		ip->family = AF_INET6;
		memcpy(&ip->u.v6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    sizeof(ip->u.v6));
		ipaddr_unmap(ip);
		return 0;
	}
	return -1;
}

/* ipaddr_format - the text form */
void
ipaddr_format(const ipaddr *ip, char *buf)
{
	if (inet_ntop(ip->family, &ip->u, buf, IPADDR_STRLEN) == NULL)
		strcpy(buf, "?");
}

/* ipaddr_format_full - IPv6 as all eight groups, no "::" */
void
ipaddr_format_full(const ipaddr *ip, char *buf)
{
	const unsigned char *b;
	int i, n;

	if (ip->family != AF_INET6) {
		ipaddr_format(ip, buf);
		return;
	}
	b = ip->u.v6.s6_addr;
	for (i = n = 0; i < 8; i++)
		n += snprintf(buf + n, (size_t)(IPADDR_STRLEN - n), "%s%x",
		    i > 0 ? ":" : "", (unsigned)(b[2 * i] << 8 | b[2 * i + 1]));
}

/* ipaddr_is_loopback - 127/8 or ::1 */
int
ipaddr_is_loopback(const ipaddr *ip)
{
	if (ip->family == AF_INET)
		return (ntohl(ip->u.v4.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&ip->u.v6);
}

/* ipaddr_in_net - does ip lie in net/prefix */
int
ipaddr_in_net(const ipaddr *ip, const ipaddr *net, int prefix)
{
	const unsigned char *a, *b;
	int bytes, bits;

	if (ip->family != net->family || prefix < 0)
		return 0;
	if (ip->family == AF_INET) {
		a = (const unsigned char *)&ip->u.v4;
		b = (const unsigned char *)&net->u.v4;
		if (prefix > 32)
			return 0;
	} else {
		a = ip->u.v6.s6_addr;
		b = net->u.v6.s6_addr;
		if (prefix > 128)
			return 0;
	}
	bytes = prefix / 8;
	bits = prefix % 8;
	if (memcmp(a, b, (size_t)bytes) != 0)
		return 0;
	if (bits == 0)
		return 1;
	return ((a[bytes] ^ b[bytes]) & (0xff << (8 - bits))) == 0;
}

/* ipaddr_nibbles - dotted quad, or 32 dot-separated nibbles */
void
ipaddr_nibbles(const ipaddr *ip, str *out)
{
	char buf[IPADDR_STRLEN];
	int i;

	if (ip->family == AF_INET) {
		ipaddr_format(ip, buf);
		str_append(out, buf);
		return;
	}
	for (i = 0; i < 16; i++)
		str_appendf(out, "%s%x.%x", i ? "." : "",
		    ip->u.v6.s6_addr[i] >> 4, ip->u.v6.s6_addr[i] & 15);
}

/* ipaddr_reversed - the address in reverse DNS order, without a suffix:
 * "4.3.2.1" or 32 nibbles (DNSBLs use it too) */
void
ipaddr_reversed(const ipaddr *ip, str *out)
{
	const unsigned char *b;
	int i;

	if (ip->family == AF_INET) {
		b = (const unsigned char *)&ip->u.v4;
		str_appendf(out, "%u.%u.%u.%u", b[3], b[2], b[1], b[0]);
		return;
	}
	for (i = 15; i >= 0; i--)
		str_appendf(out, "%s%x.%x", i < 15 ? "." : "",
		    ip->u.v6.s6_addr[i] & 15, ip->u.v6.s6_addr[i] >> 4);
}

/* ipaddr_reverse_name - the name of the PTR records of an address */
void
ipaddr_reverse_name(const ipaddr *ip, str *out)
{
	ipaddr_reversed(ip, out);
	str_append(out, ip->family == AF_INET ? ".in-addr.arpa" : ".ip6.arpa");
}
