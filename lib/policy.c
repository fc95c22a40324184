/*
 * policy - policy defaults and names; see policy.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "policy.h"

static const char *const action_names[] = { "accept", "tempfail", "reject" };
static const char *const stage_names[] = {
	"connect", "helo", "mail", "rcpt", "data", "eom"
};
static const char *const exempt_mode_names[] = { "check", "record", "skip" };

/* policy_defaults - the careful receiver's choice */
void
policy_defaults(struct policy *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->reject_stage = STAGE_RCPT;
	for (i = 0; i < SPFR_COUNT; i++)
		p->spf_mailfrom[i] = p->spf_helo[i] = ACT_ACCEPT;
	p->spf_mailfrom[SPFR_FAIL] = p->spf_helo[SPFR_FAIL] = ACT_REJECT;
	p->spf_mailfrom[SPFR_TEMPERROR] = p->spf_helo[SPFR_TEMPERROR] =
	    ACT_TEMPFAIL;
	/* own servers and logged-in users: their mail is not "received" */
	p->spf_trusted = EXEMPT_SKIP;
	p->spf_authenticated = EXEMPT_SKIP;
}

/* policy_free - release the lists of a loaded policy */
void
policy_free(struct policy *p)
{
	domlist_free(&p->spf_exempt_domains);
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

/* exempt_mode_name - config/log word for an exemption mode */
const char *
exempt_mode_name(enum exempt_mode m)
{
	return policy_word(exempt_mode_names, 3, (int)m);
}

/* exempt_mode_parse - exemption mode by word, -1 if unknown */
int
exempt_mode_parse(const char *word)
{
	return policy_index(exempt_mode_names, 3, word);
}
