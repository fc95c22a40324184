/*
 * verdict - the one verdict engine: facts + policy + stage -> verdict.
 *
 *	verdict_decide(facts, policy, stage, v) - a pure function: no I/O, no
 *		clock, no globals. Every check result available votes with
 *		the action the policy gives it; the strictest vote wins
 *		(reject > tempfail > quarantine > tag > accept); on a tie the
 *		first in this fixed order explains: ip_list (the admin's deny
 *		lists), sender_networks (MAIL FROM, then From:), from (a From:
 *		field DMARC cannot use), dmarc, spf-mailfrom, spf-helo, dnsbl
 *		(the DNS list score, plus generic_weight when the client's
 *		name looks generic, against dnsbl_threshold; or a list that
 *		did not answer), iprev, helo (its strongest fact), dkim. Exemptions
 *		(exempt.c) come first: a skipped check does not vote even if
 *		it ran, a recorded-only one votes accept; DMARC's report-only
 *		mode makes its vote accept too and notes what it would have
 *		done. Before policy->reject_stage a refusal is only recorded
 *		(v->decided) while v->action stays accept, so that the MTA
 *		refuses at the configured stage; tag and quarantine are only
 *		possible at the end of the message. With policy->spf_wait_for_dmarc an
 *		SPF refusal waits for the end of the message and is dropped
 *		when DMARC passes (forwarded mail that DKIM authenticates).
 *	The admin's reply templates (policy->text) replace the built-in
 *	words of a check; verdict_text_macros lists the macros they may use:
 *	ip, helo, sender, check, result, domain (the check's: SPF domain,
 *	From: domain, signing domain, PTR name, HELO name), record (the SPF
 *	or DMARC record), url (the DNS list's), list (the DNS list zone).
 *	verdict_dnsbl_score(facts, policy) - the DNS list score the engine
 *		compares with dnsbl_threshold.
 *
 * The verdict (verdict_reply.h) carries the SMTP reply: code, enhanced
 * code and plain words that tell the sender what is wrong and how to fix
 * it (verdict_text.h for SPF, DKIM, DMARC and From:, verdict_ip.h for the
 * connect-stage checks); the exemptions that applied ("SPF not checked
 * (authenticated sender)", "dmarc=fail not enforced (trusted signer
 * lists.example.org)") and what report-only checks would have done.
 */
#ifndef AUTHGATE_VERDICT_H
#define AUTHGATE_VERDICT_H

#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict_reply.h"

void		 verdict_decide(const struct facts *, const struct policy *,
		    enum stage, struct verdict *);
int		 verdict_dnsbl_score(const struct facts *, const struct policy *);
extern const char *const verdict_text_macros[];

#endif
