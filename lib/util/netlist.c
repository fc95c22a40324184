/*
 * netlist - IP network lists; see netlist.h.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ipaddr.h"
#include "util/linefile.h"
#include "util/mem.h"
#include "util/netlist.h"
#include "util/str.h"

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
	snprintf(e->cidr, sizeof(e->cidr), "%s/%d", text, e->prefix);
	return 0;
}

/* netlist_add - one more network, with an optional text */
int
netlist_add(netlist *list, const char *w, size_t n, const char *text,
    str *err)
{
	struct netlist_entry e;
	str why;

	memset(&e, 0, sizeof(e));
	str_init(&why);
	if (netlist_word(w, n, &e, &why) != 0) {
		str_reset(err);
		str_append_c(err, '"');
		str_append_printable(err, w, n, 80);
		str_appendf(err, "\" %s", str_cstr(&why));
		str_free(&why);
		return -1;
	}
	str_free(&why);
	if (list->n == list->cap) {
		list->cap = list->cap ? 2 * list->cap : 8;
		list->v = mem_realloc(list->v, list->cap * sizeof(e));
	}
	e.order = list->n;
	e.text = text != NULL ? mem_strdup(text) : NULL;
	list->v[list->n++] = e;
	return 0;
}

/* netlist_parse - read a list of networks */
int
netlist_parse(const char *text, netlist *list, str *err)
{
	const char *p, *w;
	size_t n;

	memset(list, 0, sizeof(*list));
	p = text;
	while ((w = str_next_word(&p, &n)) != NULL)
		if (netlist_add(list, w, n, NULL, err) != 0) {
			netlist_free(list);
			return -1;
		}
	netlist_index(list);
	return 0;
}

#define NETLIST_FILE_MAX	4000000	/* entries */

/* netlist_file_entry - one "network [text]" line of a network file */
static int
netlist_file_entry(const char *net, size_t len, const char *text, void *arg,
    str *why)
{
	netlist *list = arg;

	if (netlist_add(list, net, len, *text != '\0' ? text : NULL, why) != 0)
		return -1;
	if (list->n > NETLIST_FILE_MAX) {
		str_appendf(why, "more than %d networks", NETLIST_FILE_MAX);
		return -1;
	}
	return 0;
}

/* netlist_load_file - the networks of a file, "network [text]" lines */
int
netlist_load_file(const char *path, netlist *list, str *err)
{
	int rc;

	rc = linefile_read(path, netlist_file_entry, list, err);
	netlist_index(list);
	return rc;
}

/* netlist_bytes - the address bytes of an entry or a client */
static const unsigned char *
netlist_bytes(const ipaddr *ip)
{
	return ip->family == AF_INET ? (const unsigned char *)&ip->u.v4 :
	    ip->u.v6.s6_addr;
}

/* netlist_cmp - family, longest prefix first, address, order added */
static int
netlist_cmp(const void *a, const void *b)
{
	const struct netlist_entry *x = a, *y = b;
	int c;

	if (x->net.family != y->net.family)
		return x->net.family < y->net.family ? -1 : 1;
	if (x->prefix != y->prefix)
		return x->prefix > y->prefix ? -1 : 1;
	c = memcmp(netlist_bytes(&x->net), netlist_bytes(&y->net),
	    x->net.family == AF_INET ? 4 : 16);
	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* netlist_index - sort, drop repeated networks, find the groups */
void
netlist_index(netlist *list)
{
	size_t i, out;

	mem_free(list->groups);
	list->groups = NULL;
	list->ngroups = 0;
	if (list->n == 0)
		return;
	qsort(list->v, list->n, sizeof(list->v[0]), netlist_cmp);
	out = 0;
	for (i = 0; i < list->n; i++) {
		if (out > 0 && list->v[out - 1].net.family ==
		    list->v[i].net.family && list->v[out - 1].prefix ==
		    list->v[i].prefix && memcmp(netlist_bytes(
		    &list->v[out - 1].net), netlist_bytes(&list->v[i].net),
		    list->v[i].net.family == AF_INET ? 4 : 16) == 0) {
			mem_free(list->v[i].text);	/* the first one stays */
			continue;
		}
		list->v[out++] = list->v[i];
	}
	list->n = out;
	for (i = 0; i < list->n; i++) {
		if (i == 0 || list->v[i].net.family != list->v[i - 1].net.family ||
		    list->v[i].prefix != list->v[i - 1].prefix) {
			list->groups = mem_realloc(list->groups,
			    (list->ngroups + 1) * sizeof(*list->groups));
			list->groups[list->ngroups].family =
			    list->v[i].net.family;
			list->groups[list->ngroups].prefix = list->v[i].prefix;
			list->groups[list->ngroups].start = i;
			list->groups[list->ngroups].n = 0;
			list->ngroups++;
		}
		list->groups[list->ngroups - 1].n++;
	}
}

/* netlist_mask - ip cut to prefix bits */
static void
netlist_mask(const ipaddr *ip, int prefix, unsigned char *out)
{
	const unsigned char *b = netlist_bytes(ip);
	int len = ip->family == AF_INET ? 4 : 16, i;

	for (i = 0; i < len; i++) {
		if (prefix >= 8 * (i + 1))
			out[i] = b[i];
		else if (prefix <= 8 * i)
			out[i] = 0;
		else
			out[i] = b[i] & (unsigned char)(0xff << (8 * (i + 1) -
			    prefix));
	}
}

/* netlist_lookup - the most specific entry holding ip */
const struct netlist_entry *
netlist_lookup(const netlist *list, const ipaddr *ip)
{
	const struct netlist_group *g;
	unsigned char key[16];
	size_t i, lo, hi, mid;
	int len, c;

	if (ip == NULL)
		return NULL;
	len = ip->family == AF_INET ? 4 : 16;
	for (i = 0; i < list->ngroups; i++) {
		g = &list->groups[i];
		if (g->family != ip->family)
			continue;
		netlist_mask(ip, g->prefix, key);
		lo = g->start;
		hi = g->start + g->n;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			c = memcmp(netlist_bytes(&list->v[mid].net), key,
			    (size_t)len);
			if (c == 0)
				return &list->v[mid];
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return NULL;
}

/* netlist_match - the text form of the entry holding ip, or NULL */
const char *
netlist_match(const netlist *list, const ipaddr *ip)
{
	const struct netlist_entry *e = netlist_lookup(list, ip);

	return e != NULL ? e->cidr : NULL;
}

/* netlist_free - release a list */
void
netlist_free(netlist *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		mem_free(list->v[i].text);
	mem_free(list->v);
	mem_free(list->groups);
	memset(list, 0, sizeof(*list));
}
