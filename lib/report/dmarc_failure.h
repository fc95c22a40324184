/*
 * dmarc_failure - the failure report of one message (RFC 7489 section
 * 7.3, in the Authentication Failure Reporting Format of RFC 6591): is
 * one asked for, and its machine-readable part. authgate-report sends
 * it later (dmarcrep_failure_mail), with the message's header fields
 * and never its body.
 *
 *	dmarc_failure_wanted(facts) - the policy record has a ruf= and its
 *		fo= covers what happened to this message: 0 the message
 *		failed DMARC (the default), 1 an underlying mechanism gave
 *		no aligned pass, d a DKIM signature failed, s SPF failed.
 *		The Auth-Failure type to report ("dmarc", "bodyhash",
 *		"signature", "spf"), or NULL for none.
 *	dmarc_failure_feedback(facts, policy, verdict, authserv_id,
 *		queue_id, type, now, out) - the message/feedback-report part:
 *		Feedback-Type auth-failure, the original envelope, arrival
 *		date, source IP, our Authentication-Results, Auth-Failure,
 *		Reported-Domain, Delivery-Result (what we did), Identity-
 *		Alignment (RFC 7489 7.3.1) and the DKIM-Domain/-Selector of
 *		the signature concerned. Lines end in "\n".
 */
#ifndef AUTHGATE_DMARC_FAILURE_H
#define AUTHGATE_DMARC_FAILURE_H

#include <stdint.h>

#include "util/str.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"

const char	*dmarc_failure_wanted(const struct facts *);
void		 dmarc_failure_feedback(const struct facts *,
		    const struct policy *, const struct verdict *,
		    const char *, const char *, const char *, int64_t, str *);

#endif
