/*
 * verdict_text - the words of a refusal by SPF, DKIM, DMARC or an
 * unusable From: field: what is wrong, in terms a sender's postmaster
 * understands, and what exactly must change.
 *
 *	verdict_explain_spf(spf, helo, client_ip, v) - reply lines for an
 *		SPF result the policy refuses: identity, domain, client IP,
 *		the domain's record, the term that decided (e.g. "-all"),
 *		the domain's own explanation (exp=) and the fix.
 *	verdict_explain_dmarc(facts, v) - DMARC: what the domain asks for,
 *		what SPF and DKIM showed and why neither counts (alignment),
 *		and how the sender gets authenticated; or temperror/permerror.
 *	verdict_explain_from(facts, v) - a From: field DMARC cannot use.
 *	verdict_explain_dkim(facts, v) - DKIM results an admin refuses.
 *
 * Everything that came from outside (addresses, HELO names, DNS text) is
 * passed through str_append_printable, so a reply never carries control
 * characters or unbounded text.
 */
#ifndef AUTHGATE_VERDICT_TEXT_H
#define AUTHGATE_VERDICT_TEXT_H

#include "spf/spf.h"
#include "verdict/facts.h"
#include "verdict/verdict_reply.h"

void	verdict_explain_spf(const struct spf_outcome *, int, const char *,
	    struct verdict *);
void	verdict_explain_dmarc(const struct facts *, struct verdict *);
void	verdict_explain_from(const struct facts *, struct verdict *);
void	verdict_explain_dkim(const struct facts *, struct verdict *);

#endif
