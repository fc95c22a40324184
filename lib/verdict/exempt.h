/*
 * exempt - which clients and senders a check treats differently, and
 * how: the one place that answers "is this check skipped, recorded only,
 * or enforced for this client?", so that the session (which checks to
 * start), the verdict engine (which results may refuse), the headers and
 * the log line all agree.
 *
 *	exempt_check(policy, facts, check, why) - the exemptions known up
 *		front, for any check: trusted network, authenticated sender,
 *		allowlisted client (an allow list, a MAIL FROM domain of
 *		allowlist_senders that passed SPF, or for the checks other
 *		than DNSBL a DNS list score at or below
 *		dnsbl_allow_threshold), mail only to exempt recipients
 *		(postmaster@...), each in the mode the check's config gives.
 *	exempt_rcpt_match(policy, rcpt) - the exempt_recipients entry a
 *		recipient address matches ("postmaster" matches the local
 *		part at any domain, "abuse@example.com" the address), or
 *		NULL.
 *	exempt_spf(policy, facts, outcome, why) - the mode for one SPF
 *		identity: the above, plus, once outcome holds a result, the
 *		trusted forwarder and the exempt domains (record only).
 *	exempt_dmarc(policy, facts, why) - the mode for DMARC and the From:
 *		check: the above, plus (record only) a trusted forwarder, a
 *		client in dmarc.trusted_clients, a passing DKIM signature
 *		of a dmarc.trusted_signers domain (a mailing list), or a
 *		passing ARC chain with a set of a dmarc.trusted_sealers
 *		domain that saw the From: domain pass (facts->arc_sealer).
 *	exempt_mode_name(m), exempt_mode_parse(word) - the words of the
 *		modes in the config and the logs (-1 for an unknown word);
 *		exempt_mode_names is the table.
 *	exempt_kind_of(why) - the kind of exemption a why text names (the
 *		words above start with its kind's phrase), -1 if none;
 *		exempt_kind_names are the metric words ("trusted_network",
 *		"authenticated", ...).
 *	All return EXEMPT_SKIP (not checked), EXEMPT_RECORD (checked and
 *	reported, never refused) or EXEMPT_CHECK. The strongest exemption
 *	wins (skip over record); on a tie the first in the order listed.
 *	why (may be NULL) gets plain words such as "trusted network
 *	127.0.0.0/8".
 * Pure: no I/O, no globals.
 */
#ifndef AUTHGATE_EXEMPT_H
#define AUTHGATE_EXEMPT_H

#include "util/str.h"
#include "spf/spf.h"
#include "verdict/facts.h"
#include "verdict/policy.h"

/* what exempted a check, in the order exempt_upfront weighs them */
enum exempt_kind {
	EXK_TRUSTED_NETWORK, EXK_AUTHENTICATED, EXK_ALLOW_LIST,
	EXK_ALLOWLISTED_SENDER, EXK_DNSWL, EXK_RECIPIENT,
	EXK_TRUSTED_FORWARDER, EXK_EXEMPT_DOMAIN, EXK_TRUSTED_CLIENT,
	EXK_TRUSTED_SIGNER, EXK_TRUSTED_SEALER
};
#define EXK_COUNT	(EXK_TRUSTED_SEALER + 1)

enum exempt_mode exempt_check(const struct policy *, const struct facts *,
		    enum check, str *);
enum exempt_mode exempt_spf(const struct policy *, const struct facts *,
		    const struct spf_outcome *, str *);
enum exempt_mode exempt_dmarc(const struct policy *, const struct facts *,
		    str *);
const char	*exempt_rcpt_match(const struct policy *, const char *);
const char	*exempt_mode_name(enum exempt_mode);
int		 exempt_kind_of(const char *);
extern const char *const exempt_kind_names[];
int		 exempt_mode_parse(const char *);
extern const char *const exempt_mode_names[];

#endif
