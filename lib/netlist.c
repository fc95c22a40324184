/*
 * netlist - IP network lists; see netlist.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipaddr.h"
#include "mem.h"
#include "netlist.h"
#include "str.h"

/* netlist_host_bits - are bits set beyond the prefix */
static int
netlist_host_bits(const ipaddr *ip, int prefix)
{
	const unsigned char *b;
	int i, bits;

	b = ip->family == AF_INET ? (const unsigned char *)&ip->u.v4 :
	    ip->u.v6.s6_addr;
	bits = ip->family == AF_INET ? 32 : 128;
	for (i = prefix; i < bits; i++)
		if (b[i / 8] & (0x80 >> (i % 8)))
			return 1;
	return 0;
}

/* netlist_word - parse one "address[/prefix]"; -1 with err set */
static int
netlist_word(const char *w, size_t n, struct netlist_entry *e, str *err)
{
	char buf[IPADDR_STRLEN + 8], *slash, *end;
	char text[IPADDR_STRLEN];
	long prefix;
	int bits;

	if (n >= sizeof(buf)) {
		str_append(err, "is too long for an address");
		return -1;
	}
	memcpy(buf, w, n);
	buf[n] = '\0';
	prefix = -1;
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		prefix = strtol(slash + 1, &end, 10);
		if (slash[1] < '0' || slash[1] > '9' || *end != '\0') {
			str_append(err, "has a prefix length that is not a "
			    "number");
			return -1;
		}
	}
	if (buf[0] == '[' || ipaddr_parse(buf, &e->net) != 0) {
		str_append(err, "is not an IPv4 or IPv6 address");
		return -1;
	}
	bits = e->net.family == AF_INET ? 32 : 128;
	if (prefix >= 0 && e->net.family == AF_INET && strchr(buf, ':')) {
		/* ::ffff:a.b.c.d/N was turned into IPv4 by ipaddr_parse */
		prefix -= 96;
		if (prefix < 0) {
			str_append(err, "is an IPv4-mapped network shorter "
			    "than /96");
			return -1;
		}
	}
	if (prefix > bits) {
		str_appendf(err, "has a prefix longer than %d bits", bits);
		return -1;
	}
	e->prefix = prefix < 0 ? bits : (int)prefix;
	if (netlist_host_bits(&e->net, e->prefix)) {
		str_append(err, "has address bits set beyond its prefix "
		    "length (a typo?)");
		return -1;
	}
	ipaddr_format(&e->net, text);
	snprintf(e->text, sizeof(e->text), "%s/%d", text, e->prefix);
	return 0;
}

/* netlist_parse - read a list of networks */
int
netlist_parse(const char *text, netlist *list, str *err)
{
	struct netlist_entry e;
	const char *p, *w;
	size_t n;
	str why;

	memset(list, 0, sizeof(*list));
	p = text;
	while ((w = str_next_word(&p, &n)) != NULL) {
		str_init(&why);
		if (netlist_word(w, n, &e, &why) != 0) {
			str_reset(err);
			str_append_c(err, '"');
			str_append_printable(err, w, n, 80);
			str_appendf(err, "\" %s", str_cstr(&why));
			str_free(&why);
			netlist_free(list);
			return -1;
		}
		str_free(&why);
		list->v = mem_realloc(list->v, (list->n + 1) * sizeof(e));
		list->v[list->n++] = e;
	}
	return 0;
}

/* netlist_match - the entry holding ip, or NULL */
const char *
netlist_match(const netlist *list, const ipaddr *ip)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		if (ipaddr_in_net(ip, &list->v[i].net, list->v[i].prefix))
			return list->v[i].text;
	return NULL;
}

/* netlist_free - release a list */
void
netlist_free(netlist *list)
{
	mem_free(list->v);
	memset(list, 0, sizeof(*list));
}
