/*
 * exempt - which clients and senders a check treats differently, and
 * how: the one place that answers "is this check skipped, recorded only,
 * or enforced for this client?", so that the session (which checks to
 * start), the verdict engine (which results may refuse), the headers and
 * the log line all agree.
 *
 *	exempt_spf(policy, facts, outcome, why) - the mode for one SPF
 *		identity: EXEMPT_SKIP (not checked at all), EXEMPT_RECORD
 *		(checked and reported, never refused) or EXEMPT_CHECK.
 *		outcome may be NULL before the check has run; then only the
 *		exemptions known up front (trusted network, SMTP AUTH) count.
 *		The strongest exemption wins (skip over record); on a tie the
 *		first in this order: trusted network, authenticated sender,
 *		trusted forwarder, exempt domain. why (may be NULL) gets
 *		plain words such as "trusted network 127.0.0.0/8".
 * Pure: no I/O, no globals.
 */
#ifndef AUTHGATE_EXEMPT_H
#define AUTHGATE_EXEMPT_H

#include "facts.h"
#include "policy.h"
#include "spf.h"
#include "str.h"

enum exempt_mode exempt_spf(const struct policy *, const struct facts *,
		    const struct spf_outcome *, str *);

#endif
