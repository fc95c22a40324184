/*
 * dnsbl - DNS block and allow lists (DNSBL / DNSWL) for the client IP:
 * the lists configured, their lookups (all at once, one deadline), and
 * what each answer means.
 *
 * A zone's answer codes are sorted into listings by filters; a listing
 * has a category name ("SBL", "PBL"), a class (reputation: the address
 * sent abuse; policy: an end-user range that should not send directly;
 * allow: a DNSWL), a weight (negative for allowlists) and optionally the
 * admin's reply text. Weights of every listing hit add up to the score
 * the verdict engine compares with dnsbl.threshold, postscreen-style.
 * Answers in 127.255.255.0/24 (Spamhaus: query refused, public resolver,
 * excessive queries), outside 127.0.0.0/8, or among a zone's error codes
 * are errors of the list, never a listing.
 *
 *	dnsbl_filter_parse(text, filters, n, err) - answer filters:
 *		"127.0.0.2", "127.0.0.4-7" (last octet range), "127.0.0.10,11"
 *		(a bare number repeats the previous address with another last
 *		octet), "127.0.0.0/24", postscreen's "127.0.[0..255].[1;3]";
 *		"any" for every 127.0.0.0/8 answer. 0, or -1 with err.
 *	dnsbl_zone_init(zone, name) - a zone with the listings of a known
 *		list (dnsbl_preset) or, for others, "any" answer = listed.
 *	dnsbl_preset(name) - the built-in description of a well-known list
 *		(zen.spamhaus.org and Spamhaus DQS, list.dnswl.org,
 *		bl.spamcop.net, b.barracudacentral.org, psbl.surriel.com),
 *		NULL for others.
 *	dnsbl_zone_free(zone), dnsbl_listing_free(listing)
 *	dnsbl_query_name(zone, ip, out) - "2.0.0.127.zone" or 32 reversed
 *		nibbles for IPv6.
 *	dnsbl_classify(zone, answer, result) - what one A answer means for
 *		the zone: not listed, listed (the listings hit, their summed
 *		weight), list error, or temperror.
 *	dnsbl_start(set, resolver, ip, deadline) - start the lookups of
 *		every zone (those with ipv6 = no skip IPv6 clients); returns
 *		at once. NULL when there is nothing to look up. The set must
 *		outlive the lookup; its error counters are updated.
 *	dnsbl_finish(lookup, out) - wait (until the deadline given at
 *		start) and fill out; a zone that did not answer in time is
 *		temperror for that zone only. Listed zones that want it get
 *		their TXT reason looked up, within the same deadline. Frees
 *		the lookup. List errors are counted per zone and logged as
 *		warnings (the first, then at most one a minute per zone).
 *	dnsbl_poll(lookup) - without waiting: start the TXT lookups of the
 *		zones that have already answered with a listing (the session
 *		calls it at HELO and MAIL, so the reasons are in by RCPT).
 *	dnsbl_cancel(lookup) - forget a started lookup.
 *	dnsbl_outcome_clear(out)
 *	dnsbl_filter_match(filters, n, addr) - does addr pass a filter.
 *	dnsbl_class_name(c) / dnsbl_class_parse(word)
 */
#ifndef AUTHGATE_DNSBL_H
#define AUTHGATE_DNSBL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ipaddr.h"
#include "util/str.h"
#include "dns/dns.h"

enum dnsbl_class {
	DNSBL_REPUTATION, DNSBL_POLICY, DNSBL_ALLOW
};
#define DNSBL_CLASS_COUNT	(DNSBL_ALLOW + 1)

/* one answer filter: the octet values each position may take */
struct dnsbl_filter {
	uint8_t		 octet[4][32];	/* bit sets */
};

struct dnsbl_listing {
	char			*codes;		/* as written */
	struct dnsbl_filter	*filters;
	size_t			 nfilters;
	char			*category;
	int			 weight;
	enum dnsbl_class	 class;
	char			*text;		/* reply template, NULL: default */
};

#define DNSBL_MAX_LISTINGS	16

struct dnsbl_zone {
	char			*name;
	char			*url;		/* delisting/lookup URL template */
	int			 txt;		/* look up the TXT reason */
	int			 ipv6;		/* the list has IPv6 data */
	struct dnsbl_listing	*listings;
	size_t			 nlistings;
	struct dnsbl_filter	*errors;	/* answers that mean "error" */
	size_t			 nerrors;
	atomic_ulong		 list_errors;	/* counted since loaded */
	atomic_llong		 last_warning;	/* ms, for rate limiting */
	atomic_ulong		 unwarned;	/* errors since that warning */
};

struct dnsbl_set {
	struct dnsbl_zone	*zones;
	size_t			 n;
};

enum dnsbl_status {
	DNSBL_NOT_LISTED, DNSBL_LISTED, DNSBL_LIST_ERROR, DNSBL_TEMPERROR
};

struct dnsbl_result {
	const struct dnsbl_zone	*zone;
	enum dnsbl_status	 status;
	char			*codes;		/* the answer's addresses */
	unsigned		 hits;		/* bit i: listings[i] hit */
	int			 weight;	/* sum of the hits */
	char			*txt;		/* the list's TXT reason */
	char			*error;		/* list error / temperror */
};

struct dnsbl_outcome {
	int			 checked;
	size_t			 n;
	struct dnsbl_result	*r;
	int			 score;		/* sum of the weights */
};

struct dnsbl_preset_listing {
	const char		*codes;
	const char		*category;
	int			 weight;
	enum dnsbl_class	 class;
};

struct dnsbl_preset {
	const char			*name;	/* ".suffix" matches below */
	const char			*url;
	const char			*errors;
	struct dnsbl_preset_listing	 listings[8];
};

typedef struct dnsbl_lookup dnsbl_lookup;

int		 dnsbl_filter_parse(const char *, struct dnsbl_filter **,
		    size_t *, str *);
int		 dnsbl_filter_match(const struct dnsbl_filter *, size_t,
		    const struct in_addr *);
const struct dnsbl_preset *dnsbl_preset(const char *);
void		 dnsbl_zone_init(struct dnsbl_zone *, const char *);
void		 dnsbl_zone_free(struct dnsbl_zone *);
void		 dnsbl_listing_free(struct dnsbl_listing *);
void		 dnsbl_query_name(const struct dnsbl_zone *, const ipaddr *,
		    str *);
void		 dnsbl_classify(const struct dnsbl_zone *, const dns_answer *,
		    struct dnsbl_result *);
dnsbl_lookup	*dnsbl_start(const struct dnsbl_set *, dns_resolver *,
		    const ipaddr *, int64_t);
void		 dnsbl_finish(dnsbl_lookup *, struct dnsbl_outcome *);
void		 dnsbl_poll(dnsbl_lookup *);
void		 dnsbl_cancel(dnsbl_lookup *);
void		 dnsbl_outcome_clear(struct dnsbl_outcome *);
const char	*dnsbl_class_name(enum dnsbl_class);
int		 dnsbl_class_parse(const char *);
extern const char *const dnsbl_class_names[];
const char	*dnsbl_status_name(enum dnsbl_status);

#endif
