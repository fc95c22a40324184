/*
 * helo_check - facts about the HELO name; see helo_check.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "mail/domlist.h"
#include "mail/smtp_addr.h"
#include "ipcheck/helo_check.h"

#define HELO_NAME_MAX	255

static const char *const helo_fact_names[] = {
	"ip_literal", "wrong_literal", "not_fqdn", "own_name", "unresolvable"
};
_Static_assert(sizeof(helo_fact_names) ==
    HELOF_COUNT * sizeof(helo_fact_names[0]), "one word per HELO fact");

/* helo_fact_name - the config and log word of a fact */
const char *
helo_fact_name(enum helo_fact f)
{
	return str_word(helo_fact_names, HELOF_COUNT, (int)f);
}

/* helo_fact_parse - a fact from its word, -1 if unknown */
int
helo_fact_parse(const char *word)
{
	return str_word_index(helo_fact_names, HELOF_COUNT, word);
}

/* helo_literal - "[a.b.c.d]", "[IPv6:...]" or a bare address: the
 * address in ip; 0 if it is one, -1 otherwise */
static int
helo_literal(const char *helo, ipaddr *ip)
{
	char buf[IPADDR_STRLEN + 8];
	size_t n;

	n = strlen(helo);
	if (n >= sizeof(buf))
		return -1;
	if (helo[0] == '[' && n > 2 && helo[n - 1] == ']') {
		memcpy(buf, helo + 1, n - 2);
		buf[n - 2] = '\0';
		if (strncasecmp(buf, "IPv6:", 5) == 0)
			memmove(buf, buf + 5, strlen(buf + 5) + 1);
		return ipaddr_parse(buf, ip);
	}
	return ipaddr_parse(helo, ip);
}

/* helo_same_ip - are two addresses equal */
static int
helo_same_ip(const ipaddr *a, const ipaddr *b)
{
	if (a->family != b->family)
		return 0;
	return a->family == AF_INET ? a->u.v4.s_addr == b->u.v4.s_addr :
	    memcmp(&a->u.v6, &b->u.v6, 16) == 0;
}

/* helo_classify - the facts the name shows by itself */
void
helo_classify(const char *helo, const ipaddr *client, const domlist *own,
    struct helo_outcome *out)
{
	ipaddr lit;
	str s;

	memset(out, 0, sizeof(*out));
	out->checked = 1;
	if (helo == NULL)
		helo = "";
	str_init(&s);
	str_append_printable(&s, helo, strlen(helo), HELO_NAME_MAX);
	out->name = str_steal(&s);
	if (helo_literal(helo, &lit) == 0) {
		out->facts |= 1u << HELOF_IP_LITERAL;
		if (helo[0] != '[')
			out->facts |= 1u << HELOF_NOT_FQDN;
		if (client != NULL && !helo_same_ip(&lit, client))
			out->facts |= 1u << HELOF_WRONG_LITERAL;
		return;
	}
	if (!smtp_is_domain(helo)) {
		out->facts |= 1u << HELOF_NOT_FQDN;
		return;
	}
	if (own != NULL && domlist_match(own, helo) != NULL)
		out->facts |= 1u << HELOF_OWN_NAME;
}

struct helo_lookup {
	dns_query	*a, *aaaa;
};

/* helo_resolve_start - look the name's addresses up, if it is a name */
helo_lookup *
helo_resolve_start(dns_resolver *res, const struct helo_outcome *o)
{
	helo_lookup *l;

	if (!o->checked || (o->facts & ((1u << HELOF_IP_LITERAL) |
	    (1u << HELOF_NOT_FQDN))))
		return NULL;
	l = mem_calloc(1, sizeof(*l));
	l->a = dns_query_start(res, o->name, DNS_T_A);
	l->aaaa = dns_query_start(res, o->name, DNS_T_AAAA);
	return l;
}

/* helo_resolve_cancel - forget the lookups */
void
helo_resolve_cancel(helo_lookup *l)
{
	if (l == NULL)
		return;
	dns_query_free(l->a);
	dns_query_free(l->aaaa);
	mem_free(l);
}

/* helo_resolve_finish - no address at all: unresolvable */
void
helo_resolve_finish(helo_lookup *l, int64_t deadline, struct helo_outcome *o)
{
	dns_answer *a, *aaaa;

	if (l == NULL)
		return;
	a = dns_query_wait(l->a, deadline);
	aaaa = dns_query_wait(l->aaaa, deadline);
	/* NXDOMAIN for A says the name does not exist; otherwise both
	 * families must be known to be empty */
	if (a->status == DNS_NXDOMAIN || (a->status == DNS_NODATA &&
	    (aaaa->status == DNS_NODATA || aaaa->status == DNS_NXDOMAIN))) {
		o->facts |= 1u << HELOF_UNRESOLVABLE;
		o->resolved = 1;
	} else if (a->status == DNS_OK || aaaa->status == DNS_OK)
		o->resolved = 1;
	dns_answer_unref(a);
	dns_answer_unref(aaaa);
	helo_resolve_cancel(l);
}

/* helo_outcome_clear - release an outcome */
void
helo_outcome_clear(struct helo_outcome *o)
{
	mem_free(o->name);
	memset(o, 0, sizeof(*o));
}

/* helo_describe - plain words for a reply or a log */
void
helo_describe(enum helo_fact f, const char *helo, const char *client,
    str *out)
{
	str_append(out, "The HELO name \"");
	str_append_printable(out, helo, strlen(helo), 120);
	str_append(out, "\" ");
	switch (f) {
	case HELOF_IP_LITERAL:
		str_append(out, "is an address literal, not the name of a "
		    "mail server.");
		break;
	case HELOF_WRONG_LITERAL:
		str_appendf(out, "is an address literal that is not this "
		    "client's address (%s).", client);
		break;
	case HELOF_NOT_FQDN:
		str_append(out, "is not a fully qualified domain name (RFC "
		    "5321 section 4.1.1.1).");
		break;
	case HELOF_OWN_NAME:
		str_append(out, "is a name of this server: another server "
		    "cannot use it.");
		break;
	case HELOF_UNRESOLVABLE:
		str_append(out, "has no address in the DNS.");
		break;
	}
}
