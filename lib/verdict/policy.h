/*
 * policy - what the receiver wants done with check results: the policy
 * half of the verdict engine's input (the config loader fills it).
 *
 *	enum action - in rising strictness: accept, tag (deliver with an
 *		X-Authgate-Tag header field naming the check, for the
 *		mailbox filter), quarantine (accept but hold: Postfix's hold
 *		queue, or with quarantine_header an X-Authgate-Quarantine
 *		field), tempfail (451 4.7.1), reject (550 5.7.1). Tag and
 *		quarantine happen only at the end of the message.
 *	enum stage - the SMTP stage a decision is made at.
 *	enum check - the checks exemptions are set for.
 *	The connect-stage IP checks: dnsbl (score of the DNS block and
 *		allow lists against dnsbl_threshold), iprev (an action per
 *		result; a generic-looking host name adds generic_weight to
 *		the DNSBL score), helo (an action per HELO fact), iplist (the
 *		admin's deny lists carry their own action) and authz
 *		(per-domain authorized sender networks).
 *	The sending-side checks (sender/): lockdown (an action per
 *		result of the domain's lockdown record), sender_login (a
 *		login or client account using an address it does not own),
 *		block (a key blocked after repeated refusals), rate (over a
 *		rate limit) and state_error (the counter store failed: accept
 *		or tempfail). They are for relays and submission servers:
 *		unlike the receiving checks they are not skipped for senders
 *		that authenticated.
 *	allowlisted[check] - what a check does for a client on an allow
 *		list, or whose DNSWL score reaches dnsbl_allow_threshold.
 *	report_only[check] - evaluate, log what would have been done
 *		("would=reject: ..."), refuse nothing (DMARC also has it per
 *		author domain in struct dmarc_actions).
 *	rfc7372_codes - the specific enhanced status codes of RFC 7372 in
 *		refusals instead of 5.7.1 / 4.7.1.
 *	text[check], score_text - the admin's reply template for refusals
 *		by that check (verdict.c; macros in verdict_text_macros),
 *		NULL for the built-in words.
 *	score - the optional score model (verdict.c): the weights of the
 *		results that count add up; the strictest action whose
 *		threshold the sum reaches is one more vote.
 *	enum exempt_mode - what a check does for an exempted client or
 *		sender: check (as for anyone), record (run it and report the
 *		result, never refuse on it), skip (do not run it).
 *	struct dmarc_actions - what to do when DMARC fails, by the policy
 *		the domain asks for (none, quarantine, reject), on temperror
 *		and permerror, and whether to only log "would ..." (report
 *		only). The default set and per-domain overrides share it.
 *	policy_defaults(p) - what a careful receiver chooses: SPF fail ->
 *		reject, SPF temperror -> tempfail; DMARC p=reject failures
 *		rejected, p=quarantine failures accepted and marked in the
 *		header, DMARC temperror -> tempfail; a From: field DMARC
 *		cannot use -> reject; DKIM results only recorded (DMARC acts
 *		on them); everything else accepted and recorded; refusals
 *		delivered at RCPT; trusted networks and senders that
 *		authenticated (SMTP AUTH) not checked; mail only to
 *		postmaster@ and abuse@ never refused. It holds allocated
 *		lists: release it with policy_free.
 *	policy_set_exempt_rcpts(p, words) - replace the exempt recipients
 *		by a list ("postmaster abuse@example.com").
 *	policy_dmarc_actions(p, domain) - the DMARC actions for an author
 *		domain: its override if one matches, else the default.
 *	policy_refuses_on_iprev(p), policy_refuses_on_helo_dns(p) - can
 *		the reverse DNS result, or the HELO name's failing to
 *		resolve, refuse mail (an action, the score, or the generic
 *		name's weight on a refusing DNS list score): a stage before
 *		the end need not wait for those lookups when not.
 *	policy_free(p) - release the lists a loaded policy holds.
 *	policy_action_name/policy_action_parse, policy_stage_name/
 *	policy_stage_parse - the words used in the config file and the
 *		logs (-1 for unknown words); the tables themselves are
 *		policy_action_names and policy_stage_names.
 */
#ifndef AUTHGATE_POLICY_H
#define AUTHGATE_POLICY_H

#include <stddef.h>

#include "util/netlist.h"
#include "mail/domlist.h"
#include "spf/spf.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc_record.h"
#include "ipcheck/helo_check.h"
#include "ipcheck/iprev.h"
#include "sender/lockdown.h"

enum action {
	ACT_ACCEPT, ACT_TAG, ACT_QUARANTINE, ACT_TEMPFAIL, ACT_REJECT
};
#define ACT_COUNT	(ACT_REJECT + 1)

enum stage {
	STAGE_CONNECT, STAGE_HELO, STAGE_MAIL, STAGE_RCPT, STAGE_DATA,
	STAGE_EOM
};
#define STAGE_COUNT	(STAGE_EOM + 1)

enum check {
	CHECK_SPF, CHECK_DKIM, CHECK_DMARC, CHECK_DNSBL, CHECK_IPREV,
	CHECK_HELO, CHECK_IPLIST, CHECK_AUTHZ, CHECK_LOCKDOWN,
	CHECK_SENDER_LOGIN, CHECK_BLOCK, CHECK_RATE
};
#define CHECK_COUNT	(CHECK_RATE + 1)

enum exempt_mode {
	EXEMPT_CHECK, EXEMPT_RECORD, EXEMPT_SKIP
};
#define EXEMPT_MODE_COUNT	(EXEMPT_SKIP + 1)

struct dmarc_actions {
	enum action	 fail[3];	/* by policy: none, quarantine, reject */
	enum action	 temperror;
	enum action	 permerror;
	int		 report_only;	/* log "would ...", never act */
};

struct dmarc_override {
	char			*domain;	/* "example.com" or ".example.com" */
	struct dmarc_actions	 actions;
};

/* the optional score model: each result a weight, the sum against a
 * threshold per action (0: that action is not used) */
struct score_policy {
	int			 enabled;
	int			 report_only;
	int			 threshold[ACT_COUNT];
	int			 spf_mailfrom[SPFR_COUNT];
	int			 spf_helo[SPFR_COUNT];
	int			 dkim[DKIMR_COUNT];	/* the message's result */
	int			 dmarc_fail;
	int			 iprev[IPREVR_COUNT];
	int			 helo[HELOF_COUNT];
	int			 dnsbl;		/* per point of the list score */
};

struct policy {
	enum stage		 reject_stage;	/* earliest stage to refuse at */
	int			 rfc7372_codes;	/* X.7.23 SPF, ... (verdict.c) */
	int			 quarantine_header;	/* not the hold queue */
	int			 report_only[CHECK_COUNT];	/* log "would" */
	enum action		 spf_mailfrom[SPFR_COUNT];
	enum action		 spf_helo[SPFR_COUNT];
	int			 spf_wait_for_dmarc;	/* see verdict.h */
	enum action		 dkim[DKIMR_COUNT];	/* by message result */
	struct dmarc_actions	 dmarc;
	struct dmarc_override	*dmarc_overrides;
	size_t			 ndmarc_overrides;
	enum action		 bad_from;	/* From: unusable for DMARC */
	enum exempt_mode	 trusted[CHECK_COUNT];	/* trusted_networks */
	enum exempt_mode	 authenticated[CHECK_COUNT];	/* SMTP AUTH */
	enum exempt_mode	 allowlisted[CHECK_COUNT];	/* allow lists */
	enum exempt_mode	 exempt_rcpt[CHECK_COUNT];	/* postmaster@ */
	/* connect-stage IP checks */
	unsigned		 ip_checks;	/* bit (1 << check): enabled */
	int			 dnsbl_threshold;	/* score that refuses */
	int			 dnsbl_allow_threshold;	/* score that allows */
	enum action		 dnsbl_action;
	enum action		 dnsbl_temperror;	/* a list unanswered */
	enum action		 iprev[IPREVR_COUNT];
	int			 generic_weight;	/* added to the score */
	enum action		 helo[HELOF_COUNT];
	enum action		 authz;
	/* the sending side (sender/) */
	enum action		 lockdown[LOCKDOWNR_COUNT];
	enum action		 sender_login;	/* a login using an address
						 * it does not own */
	enum action		 block;		/* a key blocked for now */
	enum action		 rate;		/* over a rate limit */
	enum action		 state_error;	/* the store failed */
	struct score_policy	 score;
	char			*text[CHECK_COUNT];	/* reply templates */
	char			*score_text;
	char			**exempt_rcpts;	/* "postmaster", "abuse@x" */
	size_t			 nexempt_rcpts;
	domlist			 spf_exempt_domains;	/* never refused */
	domlist			 allowlist_senders;	/* SPF-passing domains
							 * that are allowlisted */
	domlist			 dmarc_trusted_signers;	/* DKIM d= of lists */
	netlist			 dmarc_trusted_clients;	/* forwarder IPs */
	domlist			 dmarc_trusted_sealers;	/* ARC d= vouching */
};

void		 policy_defaults(struct policy *);
void		 policy_score_defaults(struct score_policy *);
void		 policy_set_exempt_rcpts(struct policy *, const char *);
int		 policy_refuses_on_iprev(const struct policy *);
int		 policy_refuses_on_helo_dns(const struct policy *);
void		 policy_free(struct policy *);
const struct dmarc_actions *policy_dmarc_actions(const struct policy *,
		    const char *);
const char	*policy_action_name(enum action);
int		 policy_action_parse(const char *);
const char	*policy_stage_name(enum stage);
int		 policy_stage_parse(const char *);
extern const char *const policy_action_names[];
extern const char *const policy_stage_names[];

#endif
