/*
 * headers - the header fields authgate adds, built from the facts.
 *
 *	headers_authres(facts, policy, authserv_id, out) - the value of our
 *		Authentication-Results field: one result per check that ran
 *		(iprev with the name found and policy.iprev=<client IP>, RFC
 *		8601 3; per DNS list that answered with a listing or an
 *		error: dnsbl=fail (category, weight) or dnswl=pass for an
 *		allow list (RFC 8904) with dns.zone, policy.ip (the answer)
 *		and policy.txt, dnsbl=permerror for an answer that is an error
 *		of the list, dnsbl=temperror for no answer; nothing when no list
 *		has the client; spf for smtp.mailfrom and smtp.helo;
 *		dkim per signature with
 *		the key size, header.d/i/s/a/b; arc with the sets and their
 *		sealers (or the reason it failed), smtp.remote-ip and
 *		header.oldest-pass (RFC 8617 10.1); dmarc with header.from and
 *		policy.dmarc, the disposition applied), "none" if none ran.
 *		Exemptions (exempt.c) show: a skipped check is left out and
 *		explained in a comment before "none"; a result that would
 *		have refused but is recorded only carries "(not enforced:
 *		why)".
 *	headers_received_spf(facts, policy, receiver, out) - the value of a
 *		Received-SPF field (RFC 7208 section 9.1) for the MAIL FROM
 *		identity (the HELO identity if MAIL FROM was not checked);
 *		returns -1 when no SPF result is reported.
 * Both are pure; values are folded with "\n\t" as milters hand them over.
 */
#ifndef AUTHGATE_HEADERS_H
#define AUTHGATE_HEADERS_H

#include "util/str.h"
#include "verdict/facts.h"
#include "verdict/policy.h"

void	headers_authres(const struct facts *, const struct policy *,
	    const char *, str *);
int	headers_received_spf(const struct facts *, const struct policy *,
	    const char *, str *);

#endif
