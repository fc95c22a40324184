/*
 * spf_eval - the state of one SPF evaluation and everything authgate does
 * around libspf2 to make its answers RFC 7208 answers.
 *
 * libspf2 walks the records (term order, qualifiers, all/ip4/ip6,
 * include and redirect semantics, the result). Every record it gets comes
 * from spf_eval_lookup(), which
 *   - selects the record from the TXT set and parses it strictly
 *     (spf_record.c): more than one record or a syntax error anywhere is
 *     a permerror, whatever libspf2 would have made of it;
 *   - rewrites it into an exact equivalent libspf2 can parse: ip4/ip6
 *     with /0 become the two /1 halves; exp= and unknown modifiers are
 *     dropped (RFC 7208 6); redirect= is dropped when the record has
 *     "all" (6.1); include/redirect targets and every DNS-querying term
 *     (a, mx, ptr, exists) become synthetic names
 *     "s<N>.spf.authgate.invalid" that only we answer;
 *   - answers a synthetic include/redirect name with the target's
 *     record, and a synthetic term (libspf2 sees exists:<name>) by
 *     evaluating the mechanism itself: macros expanded by us
 *     (spf_macro.c), CIDR /0, IPv4-mapped clients, and the processing
 *     limits of 4.6.4 counted exactly: 10 DNS-querying terms, 2 void
 *     lookups, 10 MX names, the first 10 PTR names.
 * A limit or syntax error found here "forces" permerror: every later
 * lookup fails at once, and spf.c reports the forced result.
 * As soon as a record is read, the lookups its terms name without macros
 * (the TXT of each include and of the redirect, the A/AAAA of a, the MX
 * of mx, the A of exists) are all started, held in e->hold, so that the
 * evaluation waits once per level of its include tree instead of once
 * per term; the limits count the lookups the evaluation uses, as before.
 * Every lookup whose name the records give whatever the client is also
 * noted in e->path (the first SPF_HINT_MAX): spf.c keeps them as the
 * domain's hint and starts them all at the start of its next evaluation.
 *
 *	spf_eval_init(e) / spf_eval_free(e)
 *	spf_eval_lookup(e, name, type) - the answer for libspf2 (never NULL).
 *	spf_eval_explanation(e, out) - after a fail: the exp= text of the
 *		record whose result counted (RFC 7208 6.2), macros expanded;
 *		-1 when there is none (then the default explanation applies).
 *	spf_eval_decider(e, result, term, domain) - the term that produced
 *		the result and the domain whose record holds it, worked out
 *		again from what the evaluation saw; -1 if not determinable
 *		(then the record's end decided: default or redirect).
 *	spf_eval_top_record(e) - the checked domain's record as published.
 */
#ifndef AUTHGATE_SPF_EVAL_H
#define AUTHGATE_SPF_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "util/ipaddr.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_hint.h"
#include "dns/dns_hold.h"
#include "spf/spf_record.h"

#define SPF_MAX_TERMS	10	/* DNS-querying terms, RFC 7208 4.6.4 */
#define SPF_MAX_VOID	2	/* void lookups */
#define SPF_MAX_MX	10	/* MX names of one mx mechanism */
#define SPF_MAX_PTR	10	/* PTR names looked at */
#define SPF_MAX_LOOKUPS	200	/* all DNS queries of one evaluation */
#define SPF_MAX_SYN	20000	/* synthetic names (terms) per evaluation */
#define SPF_HINT_MAX	(DNS_HINT_PER_KEY_MAX - 1) /* lookups noted as the
						 * hint (one entry notes the
						 * record) */

struct spf_syn;
struct spf_fetched;

struct spf_eval {
	/* set by the caller */
	dns_resolver		*resolver;
	dns_hold		*hold;		/* the lookups each record names,
						 * started together when it is
						 * read; NULL: none */
	int64_t			 deadline;
	int			 cache_only;
	const ipaddr		*ip;
	const char		*helo;
	const char		*sender;	/* local@domain */
	const char		*local;
	const char		*sender_domain;
	const char		*receiver;
	long			 now;
	int			 ips_ours;	/* match every ip4/ip6 term
						 * ourselves (see spf.c) */
	/* what happened */
	int			 missed;	/* cache_only and not cached */
	unsigned		 lookups;	/* DNS queries */
	unsigned		 terms;		/* DNS-querying terms */
	unsigned		 voids;
	unsigned		 prefetched;	/* term lookups started ahead */
	unsigned		 hinted;	/* started from the hint */
	unsigned		 tempfails;
	/* the lookups whose names the records give whatever the client,
	 * in the order they were made: the hint for the domain's next
	 * evaluation (dns_hint), where they all start at once */
	struct dns_hint_name	 path[SPF_HINT_MAX];
	size_t			 npath;
	str			 dns_error;	/* first temporary failure */
	int			 forced;	/* a permerror found by us */
	str			 forced_reason;
	/* internal */
	struct spf_syn		*syn;
	size_t			 nsyn;
	struct spf_fetched	*recs;
	size_t			 nrecs;
	int			 top;
	int			 effective;
	int			 ptr_done;
	char			*ptr_names[SPF_MAX_PTR];
	size_t			 nptr;
};

void		 spf_eval_init(struct spf_eval *);
void		 spf_eval_free(struct spf_eval *);
dns_answer	*spf_eval_lookup(struct spf_eval *, const char *, int);
int		 spf_eval_explanation(struct spf_eval *, str *);
int		 spf_eval_decider(struct spf_eval *, int, str *, str *);
const char	*spf_eval_top_record(const struct spf_eval *);

#endif
