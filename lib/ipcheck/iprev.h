/*
 * iprev - the client's reverse DNS, checked forward (RFC 8601 section
 * 3, "iprev"; Postfix's "FCrDNS"): the PTR names of the client address,
 * then the addresses of those names; pass only if one name resolves back
 * to the client.
 *
 *	iprev_check(opts, resolver, ip, hint, deadline, flags, out) - the
 *		check. hint: the name the MTA found in the client's PTR
 *		record (Postfix and Sendmail pass it as {client_ptr}), or
 *		NULL; its forward lookup starts with our PTR lookup and
 *		counts only if our PTR answer lists the name, so a client
 *		with a name costs one round trip, not two, and nothing is
 *		taken on trust.
 *		Results: pass (a name confirms the address), fail (PTR names
 *		exist but none resolves back, RFC 8601 2.7.3), permerror (no
 *		PTR record), temperror (a lookup failed for now and nothing
 *		confirmed). At most opts->max_names names are tried, all
 *		forward lookups at once; names that cannot be asked (too
 *		long, bad labels) count as not confirming. When opts->generic
 *		is set, out->generic says whether the name (the confirmed one,
 *		else the first) looks like an end-user address. With
 *		IPREV_CACHE_ONLY nothing is sent: -1 if an answer was not
 *		cached (out is then cleared), else 0.
 *	iprev_confirmed(opts, ip, name, out) - a pass for the name the MTA
 *		has already confirmed both ways (Postfix looks the client up,
 *		PTR and then forward, before its greeting, and passes the
 *		name only when it resolves back), with the generic-name
 *		check: no lookup of ours. 0, or -1 when the name is no host
 *		name (then the check must run).
 *	iprev_outcome_clear(out)
 *	iprev_result_name(r) - pass, fail, temperror, permerror.
 */
#ifndef AUTHGATE_IPREV_H
#define AUTHGATE_IPREV_H

#include <stdint.h>

#include "util/ipaddr.h"
#include "dns/dns.h"
#include "ipcheck/generic_name.h"

enum iprev_result {
	IPREVR_PASS, IPREVR_FAIL, IPREVR_TEMPERROR, IPREVR_PERMERROR
};
#define IPREVR_COUNT	(IPREVR_PERMERROR + 1)

#define IPREV_CACHE_ONLY	1
#define IPREV_NAMES_MAX		50	/* the most max_names may be */

struct iprev_options {
	unsigned		 max_names;
	const generic_rules	*generic;	/* NULL: no generic check */
	int			 trust_mta;	/* take the MTA's confirmed
						 * name (iprev_confirmed) */
};

struct iprev_outcome {
	int			 checked;
	enum iprev_result	 result;
	char			*name;		/* confirmed, or the first PTR */
	unsigned		 nptr;		/* names in the PTR answer */
	unsigned		 tried;		/* names looked up forward */
	char			*reason;	/* unless pass */
	int			 generic;
	char			*generic_why;
	int			 by_mta;	/* the MTA's confirmed name */
};

int		 iprev_check(const struct iprev_options *, dns_resolver *,
		    const ipaddr *, const char *, int64_t, int,
		    struct iprev_outcome *);
int		 iprev_confirmed(const struct iprev_options *, const ipaddr *,
		    const char *, struct iprev_outcome *);
void		 iprev_outcome_clear(struct iprev_outcome *);
const char	*iprev_result_name(enum iprev_result);

#endif
