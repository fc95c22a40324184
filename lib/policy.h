/*
 * policy - what the receiver wants done with check results: the policy
 * half of the verdict engine's input (the config loader fills it).
 *
 *	enum action - accept, tempfail (451 4.7.1) or reject (550 5.7.1).
 *	enum stage - the SMTP stage a decision is made at.
 *	enum exempt_mode - what a check does for an exempted client or
 *		sender: check (as for anyone), record (run it and report the
 *		result, never refuse on it), skip (do not run it).
 *	policy_defaults(p) - what a careful receiver chooses: SPF fail ->
 *		reject, temperror -> tempfail, everything else accepted and
 *		recorded; refusals delivered at RCPT; SPF skipped for trusted
 *		networks and for senders that authenticated (SMTP AUTH).
 *	policy_free(p) - release the lists a loaded policy holds.
 *	action_name/action_parse, stage_name/stage_parse,
 *	exempt_mode_name/exempt_mode_parse - the words used in the config
 *		file and the logs (-1 for unknown words).
 */
#ifndef AUTHGATE_POLICY_H
#define AUTHGATE_POLICY_H

#include "domlist.h"
#include "spf.h"

enum action {
	ACT_ACCEPT, ACT_TEMPFAIL, ACT_REJECT
};

enum stage {
	STAGE_CONNECT, STAGE_HELO, STAGE_MAIL, STAGE_RCPT, STAGE_DATA,
	STAGE_EOM
};

enum exempt_mode {
	EXEMPT_CHECK, EXEMPT_RECORD, EXEMPT_SKIP
};

struct policy {
	enum stage	 reject_stage;		/* earliest stage to refuse at */
	enum action	 spf_mailfrom[SPFR_COUNT];
	enum action	 spf_helo[SPFR_COUNT];
	enum exempt_mode spf_trusted;		/* clients in trusted_networks */
	enum exempt_mode spf_authenticated;	/* SMTP AUTH senders */
	domlist		 spf_exempt_domains;	/* results never refused */
};

void		 policy_defaults(struct policy *);
void		 policy_free(struct policy *);
const char	*action_name(enum action);
int		 action_parse(const char *);
const char	*stage_name(enum stage);
int		 stage_parse(const char *);
const char	*exempt_mode_name(enum exempt_mode);
int		 exempt_mode_parse(const char *);

#endif
