/*
 * dmarc - the DMARC check: policy discovery, Organizational Domains,
 * identifier alignment and the result, in our own code (libopendmarc
 * 1.4.2 gets strict alignment, one-letter org labels, pct= and np= wrong;
 * it only parses records, see dmarc_record.c). Facts only: what to do
 * with them is the verdict engine's business.
 *
 *	dmarc_engine_create(mode, psl_path, err) - DMARC_RFC9989 (policy
 *		and Organizational Domain by the DNS Tree Walk, np=, psd=,
 *		t=) or DMARC_RFC7489 (Organizational Domain from the Public
 *		Suffix List at psl_path, sp=, pct=). NULL with err if the PSL
 *		cannot be loaded. One per config; shareable between threads.
 *	dmarc_engine_free(e)
 *	dmarc_prefetch(e, hold, domain) - start every lookup the discovery
 *		of domain's policy may need (called as soon as From: is
 *		seen), held for dmarc_check (in->hold), which takes their
 *		answers from the hold: no second lookup, cache or not.
 *	dmarc_check(e, res, in, deadline, out) - the result for one message:
 *		none (no policy record), pass (SPF or DKIM authenticated an
 *		aligned domain), fail, temperror (DNS trouble, or an aligned
 *		mechanism that failed temporarily while nothing passed: never
 *		a fail that a retry could turn into a pass), permerror (the
 *		record is broken). Always fills out.
 *	dmarc_walk(domain, names) - the names a DNS Tree Walk asks about,
 *		the domain first (at most DMARC_WALK_MAX); their count.
 *	dmarc_org_domain(e, res, domain, deadline, org) - the Organizational
 *		Domain of a domain; -1 on a temporary DNS failure.
 *	dmarc_domains_aligned(e, res, auth, from, mode, deadline) - identifier
 *		alignment ('s' strict: the same name; 'r' relaxed: the same
 *		Organizational Domain): 1 aligned, 0 not, -1 unknown (DNS).
 *		Names that are not domain names never align.
 *	dmarc_outcome_clear(out)
 *	dmarc_result_name(r), dmarc_align_name(a)
 */
#ifndef AUTHGATE_DMARC_H
#define AUTHGATE_DMARC_H

#include <stddef.h>
#include <stdint.h>

#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_hold.h"
#include "spf/spf.h"
#include "dmarc/dmarc_record.h"

#define DMARC_WALK_MAX	8

enum dmarc_result {
	DMARCR_NONE, DMARCR_PASS, DMARCR_FAIL, DMARCR_TEMPERROR,
	DMARCR_PERMERROR
};
#define DMARCR_COUNT	(DMARCR_PERMERROR + 1)

enum dmarc_align {
	DMARC_ALIGN_NONE,	/* the mechanism authenticated nothing */
	DMARC_ALIGN_PASS,	/* authenticated and aligned */
	DMARC_ALIGN_FAIL,	/* authenticated, but not aligned */
	DMARC_ALIGN_TEMP	/* an aligned domain failed temporarily */
};

/* one DKIM signature as DMARC sees it */
struct dmarc_dkim {
	const char	*domain;	/* d= */
	int		 pass;
	int		 temperror;
};

struct dmarc_input {
	const char		*from_domain;
	const char		*spf_domain;	/* MAIL FROM (or HELO) domain */
	enum spf_result		 spf_result;
	int			 spf_checked;
	const struct dmarc_dkim	*dkim;
	size_t			 ndkim;
	dns_hold		*hold;		/* dmarc_prefetch's lookups, or
						 * NULL */
};

struct dmarc_outcome {
	int		 checked;
	enum dmarc_result result;
	char		*from_domain;
	char		*record_domain;	/* where the policy record is */
	char		*record;	/* its text, printable */
	enum dmarc_disp	 p;		/* the record's p= */
	enum dmarc_disp	 published;	/* the policy for this domain */
	const char	*published_tag;	/* "p", "sp" or "np" */
	enum dmarc_disp	 policy;	/* after t=y or pct= sampling */
	char		 adkim, aspf;
	enum dmarc_align spf_align;
	enum dmarc_align dkim_align;
	char		*dkim_domain;	/* the aligned d=, else a passing d= */
	char		*reason;	/* plain words for none/temp/perm/fail */
	unsigned	 lookups;
};

typedef struct dmarc_engine dmarc_engine;

dmarc_engine	*dmarc_engine_create(enum dmarc_mode, const char *, str *);
void		 dmarc_engine_free(dmarc_engine *);
enum dmarc_mode	 dmarc_engine_mode(const dmarc_engine *);
void		 dmarc_prefetch(dmarc_engine *, dns_hold *, const char *);
void		 dmarc_check(dmarc_engine *, dns_resolver *,
		    const struct dmarc_input *, int64_t, struct dmarc_outcome *);
size_t		 dmarc_walk(const char *, const char **);
int		 dmarc_org_domain(dmarc_engine *, dns_resolver *,
		    const char *, int64_t, str *);
int		 dmarc_domains_aligned(dmarc_engine *, dns_resolver *,
		    const char *, const char *, char, int64_t);
void		 dmarc_outcome_clear(struct dmarc_outcome *);
const char	*dmarc_result_name(enum dmarc_result);
const char	*dmarc_align_name(enum dmarc_align);

#endif
