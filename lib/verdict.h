/*
 * verdict - the one verdict engine: facts + policy + stage -> verdict.
 *
 *	verdict_decide(facts, policy, stage, v) - a pure function: no I/O, no
 *		clock, no globals. It looks at every check result available,
 *		maps each to an action through the policy, and keeps the
 *		strictest (reject > tempfail > accept; on a tie the earlier
 *		check in the fixed order spf-mailfrom, spf-helo explains).
 *		Exemptions (exempt.c) come first: a skipped check does not
 *		count even if it ran, a recorded-only one never refuses;
 *		v->exempt says which, for the log.
 *		Before policy->reject_stage a refusal is only recorded
 *		(v->decided) while v->action stays accept, so that the MTA
 *		refuses at the configured stage.
 *	verdict_clear(v) - release the reply lines and notes.
 *
 * The verdict carries the SMTP reply (code, enhanced code and plain
 * words that tell the sender what is wrong and how to fix it; see
 * verdict_text.c) and the exemptions that applied, e.g. "SPF not
 * checked (authenticated sender)" or "spf_mailfrom=fail not enforced
 * (trusted forwarder fwd.example)".
 * Reply lines hold printable ASCII only, at most VERDICT_LINE_MAX bytes
 * each; '%' is not escaped here (that is the milter glue's job).
 */
#ifndef AUTHGATE_VERDICT_H
#define AUTHGATE_VERDICT_H

#include <stddef.h>

#include "facts.h"
#include "policy.h"
#include "str.h"

#define VERDICT_MAX_LINES	8
#define VERDICT_LINE_MAX	500

struct verdict {
	enum action	 action;	/* what to answer now */
	enum action	 decided;	/* what the policy wants overall */
	const char	*check;		/* the check that decided, or NULL */
	const char	*code;		/* "550", "451"; NULL for accept */
	const char	*xcode;		/* "5.7.1", "4.7.1"; NULL for accept */
	size_t		 nlines;
	char		*lines[VERDICT_MAX_LINES];
	str		 exempt;	/* exemptions applied, "; "-separated */
};

void	verdict_decide(const struct facts *, const struct policy *,
	    enum stage, struct verdict *);
void	verdict_clear(struct verdict *);

/* verdict_text.c */
void	verdict_explain_spf(const struct spf_outcome *, int, const char *,
	    struct verdict *);
void	verdict_add_line(struct verdict *, const char *);

#endif
