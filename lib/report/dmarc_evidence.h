/*
 * dmarc_evidence - what one DMARC evaluation leaves for the aggregate
 * report: the facts and the verdict of a message turned into a
 * dmarcrep row (the words RFC 7489 appendix C uses).
 *
 *	dmarc_evidence(facts, policy, verdict, reporter, queue_id, now) -
 *		the row for
 *		a message whose DMARC check ran, or NULL when it did not.
 *		The disposition is what the verdict applied (reject and
 *		quarantine as answered, otherwise none); a DMARC failure
 *		whose policy was not applied gets the reason: sampled_out
 *		(pct=), trusted_forwarder, mailing_list (a trusted signer),
 *		local_policy (another exemption, report-only mode or an
 *		action the admin configured), with the words as comment.
 */
#ifndef AUTHGATE_DMARC_EVIDENCE_H
#define AUTHGATE_DMARC_EVIDENCE_H

#include <stdint.h>

#include "dmarcrep/dmarcrep.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"

struct dmarcrep_row *dmarc_evidence(const struct facts *,
		    const struct policy *, const struct verdict *,
		    const char *, const char *, int64_t);

#endif
