/*
 * policy - what the receiver wants done with check results: the policy
 * half of the verdict engine's input (the config loader fills it).
 *
 *	enum action - accept, tempfail (451 4.7.1) or reject (550 5.7.1).
 *	enum stage - the SMTP stage a decision is made at.
 *	policy_defaults(p) - what a careful receiver chooses: SPF fail ->
 *		reject, temperror -> tempfail, everything else accepted and
 *		recorded; refusals delivered at RCPT.
 *	action_name/action_parse, stage_name/stage_parse - the words used
 *		in the config file and the logs (-1 for unknown words).
 */
#ifndef AUTHGATE_POLICY_H
#define AUTHGATE_POLICY_H

#include "spf.h"

enum action {
	ACT_ACCEPT, ACT_TEMPFAIL, ACT_REJECT
};

enum stage {
	STAGE_CONNECT, STAGE_HELO, STAGE_MAIL, STAGE_RCPT, STAGE_DATA,
	STAGE_EOM
};

struct policy {
	enum stage	 reject_stage;		/* earliest stage to refuse at */
	enum action	 spf_mailfrom[SPFR_COUNT];
	enum action	 spf_helo[SPFR_COUNT];
};

void		 policy_defaults(struct policy *);
const char	*action_name(enum action);
int		 action_parse(const char *);
const char	*stage_name(enum stage);
int		 stage_parse(const char *);

#endif
