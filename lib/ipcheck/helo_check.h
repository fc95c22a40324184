/*
 * helo_check - what the HELO/EHLO name says about the client, as facts
 * for the verdict engine (the admin chooses what each one costs):
 *	ip_literal	an address literal ("[192.0.2.1]", or a bare
 *			address, which RFC 5321 does not allow)
 *	wrong_literal	a literal that is not the client's address
 *	not_fqdn	not a fully qualified domain name (one label,
 *			invalid characters, a bare address)
 *	own_name	one of this server's own names (a classic forgery:
 *			only we are us)
 *	unresolvable	a domain name with no address (NXDOMAIN, or no A
 *			and no AAAA record); a lookup that fails for now
 *			says nothing
 *
 *	helo_classify(helo, ip, own_names, out) - the facts known from the
 *		name itself; pure.
 *	helo_resolve_start(resolver, out) - when out's name is a domain name,
 *		start its A and AAAA lookups; NULL when there is none to do.
 *	helo_resolve_finish(lookup, deadline, out) - wait and set
 *		unresolvable; frees the lookup.
 *	helo_resolve_cancel(lookup)
 *	helo_outcome_clear(out)
 *	helo_fact_name(f) / helo_fact_parse(word) - the words above.
 *	helo_describe(f, helo, client, out) - one plain-words sentence.
 */
#ifndef AUTHGATE_HELO_CHECK_H
#define AUTHGATE_HELO_CHECK_H

#include <stdint.h>

#include "util/ipaddr.h"
#include "util/str.h"
#include "dns/dns.h"
#include "mail/domlist.h"

enum helo_fact {
	HELOF_IP_LITERAL, HELOF_WRONG_LITERAL, HELOF_NOT_FQDN, HELOF_OWN_NAME,
	HELOF_UNRESOLVABLE
};
#define HELOF_COUNT	(HELOF_UNRESOLVABLE + 1)

struct helo_outcome {
	int		 checked;
	unsigned	 facts;		/* bit (1 << enum helo_fact) */
	char		*name;		/* the HELO name as given (bounded) */
	int		 resolved;	/* the lookup answered */
};

typedef struct helo_lookup helo_lookup;

void		 helo_classify(const char *, const ipaddr *, const domlist *,
		    struct helo_outcome *);
helo_lookup	*helo_resolve_start(dns_resolver *, const struct helo_outcome *);
void		 helo_resolve_finish(helo_lookup *, int64_t,
		    struct helo_outcome *);
void		 helo_resolve_cancel(helo_lookup *);
void		 helo_outcome_clear(struct helo_outcome *);
const char	*helo_fact_name(enum helo_fact);
int		 helo_fact_parse(const char *);
void		 helo_describe(enum helo_fact, const char *, const char *,
		    str *);

#endif
