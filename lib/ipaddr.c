/*
 * ipaddr - client IP addresses; see ipaddr.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "ipaddr.h"

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

/* ipaddr_is_loopback - 127/8 or ::1 */
int
ipaddr_is_loopback(const ipaddr *ip)
{
	if (ip->family == AF_INET)
		return (ntohl(ip->u.v4.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&ip->u.v6);
}
