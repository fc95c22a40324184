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

/* policy_word - the word at index i of a table, "?" out of range */
static const char *
policy_word(const char *const *words, int n, int i)
{
	return i >= 0 && i < n ? words[i] : "?";
}

/* policy_index - the index of a word in a table (any case), -1 if absent */
static int
policy_index(const char *const *words, int n, const char *word)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcasecmp(word, words[i]) == 0)
			return i;
	return -1;
}

/* action_name - config/log word for an action */
const char *
action_name(enum action a)
{
	return policy_word(action_names, 3, (int)a);
}

/* action_parse - action by word, -1 if unknown */
int
action_parse(const char *word)
{
	return policy_index(action_names, 3, word);
}

/* stage_name - config/log word for a stage */
const char *
stage_name(enum stage s)
{
	return policy_word(stage_names, 6, (int)s);
}

/* stage_parse - stage by word, -1 if unknown */
int
stage_parse(const char *word)
{
	return policy_index(stage_names, 6, word);
}
