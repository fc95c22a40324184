/*
 * spf_record - SPF records: selecting them from a TXT RRset and parsing
 * them strictly by the RFC 7208 section 12 ABNF, before libspf2 sees
 * anything (libspf2 accepts many malformed records with a warning).
 *
 *	spf_record_select(answer, out, err) - the one SPF record of a TXT
 *		answer ("v=spf1" followed by a space or the end, any case).
 *		0: found (out points into the answer); 1: none; -1: more than
 *		one (err says so).
 *	spf_record_parse(text, len, rec, err) - parse and validate a whole
 *		record (NUL bytes, control and 8-bit characters, bad
 *		mechanisms, CIDR lengths, domain-specs, macros, duplicate
 *		modifiers are all errors). 0 or -1 with err naming the
 *		offending term.
 *	spf_record_free(rec)
 *	spf_record_macro_valid(s, len, explain) - a macro-string
 *		(explain: an explain-string, where c, r, t and spaces are
 *		allowed).
 *	spf_domain_spec_valid(s) - macro-string followed by domain-end.
 * Term kinds keep their raw domain-spec; expansion is spf_macro.c's job.
 */
#ifndef AUTHGATE_SPF_RECORD_H
#define AUTHGATE_SPF_RECORD_H

#include <stddef.h>

#include "util/ipaddr.h"
#include "util/str.h"
#include "dns/dns.h"

enum spf_mech {
	SPF_M_ALL, SPF_M_INCLUDE, SPF_M_A, SPF_M_MX, SPF_M_PTR, SPF_M_IP4,
	SPF_M_IP6, SPF_M_EXISTS
};

struct spf_term {
	char		 qualifier;	/* '+', '-', '~', '?' */
	enum spf_mech	 mech;
	char		*spec;		/* domain-spec, NULL: the current domain */
	int		 cidr4;		/* a, mx: -1 when none given */
	int		 cidr6;
	ipaddr		 net;		/* ip4, ip6: the network */
	int		 prefix;	/* ip4, ip6: its length */
	char		*text;		/* the term as written, for replies */
};

struct spf_record {
	struct spf_term	*terms;
	size_t		 nterms;
	char		*redirect;	/* domain-spec or NULL */
	char		*exp;		/* domain-spec or NULL */
	int		 has_all;
};

#define SPF_RECORD_MAX	65536		/* longer than any TXT RRset */

int	spf_record_select(const dns_answer *, const char **, size_t *, str *);
int	spf_record_parse(const char *, size_t, struct spf_record *, str *);
void	spf_record_free(struct spf_record *);
int	spf_record_macro_valid(const char *, size_t, int);
int	spf_domain_spec_valid(const char *, size_t);
const char *spf_mech_name(enum spf_mech);

#endif
