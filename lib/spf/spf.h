/*
 * spf - the SPF check (RFC 7208) for the HELO and MAIL FROM identities,
 * with libspf2 as the engine and our resolver underneath. It only
 * produces facts (struct spf_outcome); what to do with them is the
 * verdict engine's business.
 *
 *	spf_engine_create(receiver) - one per process (shareable between
 *		threads); receiver is our name for %{r} and Received-SPF.
 *	spf_engine_free(e)
 *	spf_check_mailfrom(e, res, ip, helo, sender, deadline, flags, out) -
 *		the MAIL FROM identity; a null sender is checked as
 *		postmaster@<helo> (RFC 7208 2.4).
 *	spf_check_mailfrom_held(e, res, hold, ...) - the same, the
 *		evaluation taking its lookups from a hold (dns_hold) where
 *		the caller started them earlier, and adding its own; the
 *		caller keeps the hold (one thread at a time uses it).
 *	spf_check_helo_held(e, res, hold, ...) - the HELO identity so.
 *	spf_prefetch(e, hold, ip, domain) - start a domain's record and
 *		the lookups its last evaluations made for clients of this
 *		address family (its hint, below) into a hold, ahead of its
 *		check.
 *	spf_check_helo(e, res, ip, helo, deadline, flags, out) - the HELO
 *		identity (RFC 7208 2.3); a HELO that is not a domain name
 *		gives none.
 *	Both return 0 with the outcome filled in. With flags SPF_CACHE_ONLY
 *	they use only cached DNS answers and return -1 (outcome cleared) if
 *	one was missing: the cheap first try before a background check.
 *	spf_outcome_clear(out)
 *	spf_result_name(r) / spf_result_parse(name) - RFC 8601 result words.
 *
 * libspf2 walks the records; everything it cannot do right is done around
 * it (spf_eval.c): strict record syntax, macros, CIDR /0, the processing
 * limits, exp=. Its "invalid" result becomes temperror (DNS trouble) or
 * permerror (anything else); a permerror we found ourselves overrides
 * whatever libspf2 made of the record. A loopback client is checked like
 * any other (libspf2 would pass it unseen). IPv4-mapped IPv6 clients are
 * checked as IPv4 (ipaddr does that); the whole evaluation is bounded by
 * the deadline, after which every lookup fails and the result is
 * temperror, never a hang. A fail also carries the domain's own
 * explanation (exp=), and any result the term that decided it.
 * The engine remembers per checked domain (and client address family)
 * the lookups its last evaluations made whose names the records alone
 * give (include and redirect targets, a/mx/exists names without macros,
 * the MX hosts): the next evaluation of that domain starts them all with
 * its record, so an include chain seen before costs one wait instead of
 * one per level. A walk that went to the end replaces the hint; one
 * that a matching term stopped early puts its lookups first and keeps
 * the rest; one ended by temperror leaves it as it was. A hint, not a
 * cache: answers still come from DNS (dns_hint.h).
 */
#ifndef AUTHGATE_SPF_H
#define AUTHGATE_SPF_H

#include <stdint.h>

#include "util/ipaddr.h"
#include "dns/dns.h"
#include "dns/dns_hold.h"
#include "mail/smtp_addr.h"

enum spf_result {
	SPFR_NONE, SPFR_NEUTRAL, SPFR_PASS, SPFR_FAIL, SPFR_SOFTFAIL,
	SPFR_TEMPERROR, SPFR_PERMERROR
};
#define SPFR_COUNT	(SPFR_PERMERROR + 1)

#define SPF_CACHE_ONLY	1

struct spf_outcome {
	int		 checked;	/* 1 once a result is in */
	enum spf_result	 result;
	char		*identity;	/* user@domain or postmaster@helo */
	char		*domain;	/* the domain whose policy applied, ""
					 * when the identity has none */
	char		*record;	/* its SPF record, when one was found */
	char		*reason;	/* plain words: why this result */
	char		*decider;	/* the term that decided, e.g. "-all" */
	char		*decider_domain; /* whose record holds that term */
	char		*explanation;	/* fail: the domain's exp= text */
	unsigned	 lookups;	/* DNS lookups spent */
	unsigned	 terms;		/* DNS-querying terms evaluated */
	unsigned	 prefetched;	/* term lookups started ahead, as
					 * each record was read (at most
					 * 10: RFC 7208 4.6.4) */
	unsigned	 hinted;	/* lookups started at once because
					 * the domain's last evaluation
					 * made them */
};

typedef struct spf_engine spf_engine;

spf_engine	*spf_engine_create(const char *);
void		 spf_engine_free(spf_engine *);
int		 spf_check_mailfrom(spf_engine *, dns_resolver *,
		    const ipaddr *, const char *, const struct smtp_addr *,
		    int64_t, int, struct spf_outcome *);
int		 spf_check_mailfrom_held(spf_engine *, dns_resolver *,
		    dns_hold *, const ipaddr *, const char *,
		    const struct smtp_addr *, int64_t, int,
		    struct spf_outcome *);
int		 spf_check_helo_held(spf_engine *, dns_resolver *, dns_hold *,
		    const ipaddr *, const char *, int64_t, int,
		    struct spf_outcome *);
void		 spf_prefetch(spf_engine *, dns_hold *, const ipaddr *,
		    const char *);
int		 spf_check_helo(spf_engine *, dns_resolver *, const ipaddr *,
		    const char *, int64_t, int, struct spf_outcome *);
void		 spf_outcome_clear(struct spf_outcome *);
const char	*spf_result_name(enum spf_result);
int		 spf_result_parse(const char *);

#endif
