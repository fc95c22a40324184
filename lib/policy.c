/*
 * policy - policy defaults and names; see policy.h.
 */
#include "config.h"

#include <strings.h>

#include "policy.h"

static const char *const action_names[] = { "accept", "tempfail", "reject" };
static const char *const stage_names[] = {
	"connect", "helo", "mail", "rcpt", "data", "eom"
};

/* policy_defaults - the careful receiver's choice */
void
policy_defaults(struct policy *p)
{
	int i;

	p->reject_stage = STAGE_RCPT;
	for (i = 0; i < SPFR_COUNT; i++)
		p->spf_mailfrom[i] = p->spf_helo[i] = ACT_ACCEPT;
	p->spf_mailfrom[SPFR_FAIL] = p->spf_helo[SPFR_FAIL] = ACT_REJECT;
	p->spf_mailfrom[SPFR_TEMPERROR] = p->spf_helo[SPFR_TEMPERROR] =
	    ACT_TEMPFAIL;
}

/* action_name - config/log word for an action */
const char *
action_name(enum action a)
{
	return (unsigned)a < 3 ? action_names[a] : "?";
}

/* action_parse - action by word, -1 if unknown */
int
action_parse(const char *word)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcasecmp(word, action_names[i]) == 0)
			return i;
	return -1;
}

/* stage_name - config/log word for a stage */
const char *
stage_name(enum stage s)
{
	return (unsigned)s < 6 ? stage_names[s] : "?";
}

/* stage_parse - stage by word, -1 if unknown */
int
stage_parse(const char *word)
{
	int i;

	for (i = 0; i < 6; i++)
		if (strcasecmp(word, stage_names[i]) == 0)
			return i;
	return -1;
}
