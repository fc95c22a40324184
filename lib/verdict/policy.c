/*
 * policy - policy defaults and names; see policy.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/netlist.h"
#include "util/str.h"
#include "mail/domlist.h"
#include "verdict/policy.h"

/* the words of the config file and the logs; a word more or less
 * than the enum has does not compile */
const char *const policy_action_names[] = {
	"accept", "tag", "quarantine", "tempfail", "reject"
};
_Static_assert(sizeof(policy_action_names) ==
    ACT_COUNT * sizeof(policy_action_names[0]), "one word per action");
const char *const policy_stage_names[] = {
	"connect", "helo", "mail", "rcpt", "data", "eom"
};
_Static_assert(sizeof(policy_stage_names) ==
    STAGE_COUNT * sizeof(policy_stage_names[0]), "one word per stage");

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
	/* DKIM alone refuses nothing: DMARC says what a failure means */
	for (i = 0; i < DKIMR_COUNT; i++)
		p->dkim[i] = ACT_ACCEPT;
	p->dmarc.fail[DMARC_P_NONE] = ACT_ACCEPT;
	/* quarantine: delivered, the header says dmarc=fail and
	 * policy.dmarc=quarantine for the mailbox filter to act on */
	p->dmarc.fail[DMARC_P_QUARANTINE] = ACT_ACCEPT;
	p->dmarc.fail[DMARC_P_REJECT] = ACT_REJECT;
	p->dmarc.temperror = ACT_TEMPFAIL;
	p->dmarc.permerror = ACT_ACCEPT;
	p->bad_from = ACT_REJECT;
	/* own servers and logged-in users: their mail is not "received" */
	for (i = 0; i < CHECK_COUNT; i++) {
		p->trusted[i] = p->authenticated[i] = EXEMPT_SKIP;
		p->allowlisted[i] = EXEMPT_CHECK;
		/* postmaster@ and abuse@ must stay reachable (RFC 5321
		 * 4.5.1): checks run and show in the header, none refuses */
		p->exempt_rcpt[i] = EXEMPT_RECORD;
	}
	/* an allowlisted client's address says nothing bad about it; what
	 * it claims to be (SPF, DKIM, DMARC, sender networks) still counts */
	p->allowlisted[CHECK_DNSBL] = EXEMPT_SKIP;
	p->allowlisted[CHECK_IPREV] = EXEMPT_RECORD;
	p->allowlisted[CHECK_HELO] = EXEMPT_RECORD;
	/* DNSBL zones have to be chosen (and most need registration) */
	p->ip_checks = 1u << CHECK_IPREV | 1u << CHECK_HELO;
	p->dnsbl_threshold = 3;
	p->dnsbl_allow_threshold = -1;
	p->dnsbl_action = ACT_REJECT;
	p->dnsbl_temperror = ACT_ACCEPT;
	/* reverse DNS is recorded only: many legitimate servers lack it */
	for (i = 0; i < IPREVR_COUNT; i++)
		p->iprev[i] = ACT_ACCEPT;
	p->generic_weight = 1;
	for (i = 0; i < HELOF_COUNT; i++)
		p->helo[i] = ACT_ACCEPT;
	p->helo[HELOF_OWN_NAME] = ACT_REJECT;	/* only we are us */
	p->authz = ACT_REJECT;
	/* the sending side: logged-in users are whom these checks are
	 * about; blocks and rate limits spare our own networks */
	for (i = CHECK_LOCKDOWN; i <= CHECK_RATE; i++) {
		p->trusted[i] = EXEMPT_CHECK;
		p->authenticated[i] = EXEMPT_CHECK;
	}
	p->trusted[CHECK_BLOCK] = p->trusted[CHECK_RATE] = EXEMPT_SKIP;
	p->allowlisted[CHECK_BLOCK] = p->allowlisted[CHECK_RATE] = EXEMPT_SKIP;
	for (i = 0; i < LOCKDOWNR_COUNT; i++)
		p->lockdown[i] = ACT_ACCEPT;
	p->lockdown[LOCKDOWNR_FAIL] = ACT_REJECT;
	p->lockdown[LOCKDOWNR_PERMERROR] = ACT_REJECT;
	p->lockdown[LOCKDOWNR_TEMPERROR] = ACT_TEMPFAIL;
	p->sender_login = ACT_REJECT;
	p->block = ACT_TEMPFAIL;
	p->rate = ACT_TEMPFAIL;
	p->state_error = ACT_ACCEPT;
	/* RFC 5321 4.5.1: postmaster must be reachable; abuse too (RFC
	 * 2142), so that a refused sender can still complain */
	policy_set_exempt_rcpts(p, "postmaster abuse");
	policy_score_defaults(&p->score);
}

/* policy_set_exempt_rcpts - the exempt recipients, replaced by a list */
void
policy_set_exempt_rcpts(struct policy *p, const char *words)
{
	const char *w;
	size_t i, n, cap;

	for (i = 0; i < p->nexempt_rcpts; i++)
		mem_free(p->exempt_rcpts[i]);
	mem_free(p->exempt_rcpts);
	p->exempt_rcpts = NULL;
	p->nexempt_rcpts = 0;
	cap = 0;
	while ((w = str_next_word(&words, &n)) != NULL) {
		if (p->nexempt_rcpts == cap) {
			cap = cap ? 2 * cap : 4;
			p->exempt_rcpts = mem_realloc(p->exempt_rcpts, cap *
			    sizeof(*p->exempt_rcpts));
		}
		p->exempt_rcpts[p->nexempt_rcpts++] = mem_strndup(w, n);
	}
}

/* policy_score_defaults - weights a careful receiver starts from: a
 * failed SPF alone tags, SPF fail with missing reverse DNS and a bad HELO
 * refuses; off until the admin enables it */
void
policy_score_defaults(struct score_policy *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->threshold[ACT_TAG] = 5;
	sc->threshold[ACT_REJECT] = 10;
	sc->spf_mailfrom[SPFR_FAIL] = 5;
	sc->spf_mailfrom[SPFR_SOFTFAIL] = 3;
	sc->spf_mailfrom[SPFR_NEUTRAL] = 1;
	sc->spf_mailfrom[SPFR_NONE] = 1;
	sc->spf_mailfrom[SPFR_PERMERROR] = 2;
	sc->spf_helo[SPFR_FAIL] = 2;
	sc->spf_helo[SPFR_SOFTFAIL] = 1;
	sc->dkim[DKIMR_FAIL] = 2;
	sc->dkim[DKIMR_PERMERROR] = 1;
	sc->dmarc_fail = 5;
	sc->iprev[IPREVR_FAIL] = 2;
	sc->iprev[IPREVR_PERMERROR] = 3;
	sc->helo[HELOF_IP_LITERAL] = 1;
	sc->helo[HELOF_WRONG_LITERAL] = 3;
	sc->helo[HELOF_NOT_FQDN] = 2;
	sc->helo[HELOF_OWN_NAME] = 5;
	sc->helo[HELOF_UNRESOLVABLE] = 1;
	sc->dnsbl = 1;
}

/* policy_dmarc_actions - the actions for an author domain */
const struct dmarc_actions *
policy_dmarc_actions(const struct policy *p, const char *domain)
{
	domlist one;
	char *entry;
	size_t i;

	if (domain == NULL)
		return &p->dmarc;
	for (i = 0; i < p->ndmarc_overrides; i++) {
		entry = p->dmarc_overrides[i].domain;
		one.v = &entry;
		one.n = 1;
		if (domlist_match(&one, domain) != NULL)
			return &p->dmarc_overrides[i].actions;
	}
	return &p->dmarc;
}

/* policy_score_counts - does the score model refuse, and weigh this */
static int
policy_score_counts(const struct policy *p, int weight)
{
	return p->score.enabled && !p->score.report_only && weight != 0;
}

/* policy_refuses_on_iprev - can the reverse DNS result refuse mail */
int
policy_refuses_on_iprev(const struct policy *p)
{
	size_t i;

	for (i = 0; i < IPREVR_COUNT; i++)
		if ((p->iprev[i] >= ACT_TEMPFAIL &&
		    !p->report_only[CHECK_IPREV]) ||
		    policy_score_counts(p, p->score.iprev[i]))
			return 1;
	/* a generic-looking PTR name adds to the DNS list score, which
	 * decides between the list's action and its temperror action (the
	 * score model counts the lists' own score, without it) */
	return p->generic_weight != 0 && (p->ip_checks & (1u << CHECK_DNSBL)) &&
	    !p->report_only[CHECK_DNSBL] &&
	    (p->dnsbl_action >= ACT_TEMPFAIL ||
	    p->dnsbl_temperror >= ACT_TEMPFAIL);
}

/* policy_refuses_on_helo_dns - can a HELO name that does not resolve
 * refuse mail (the other HELO facts need no DNS) */
int
policy_refuses_on_helo_dns(const struct policy *p)
{
	return (p->helo[HELOF_UNRESOLVABLE] >= ACT_TEMPFAIL &&
	    !p->report_only[CHECK_HELO]) ||
	    policy_score_counts(p, p->score.helo[HELOF_UNRESOLVABLE]);
}

/* policy_free - release the lists of a loaded policy */
void
policy_free(struct policy *p)
{
	size_t i;

	domlist_free(&p->spf_exempt_domains);
	domlist_free(&p->allowlist_senders);
	domlist_free(&p->dmarc_trusted_signers);
	domlist_free(&p->dmarc_trusted_sealers);
	netlist_free(&p->dmarc_trusted_clients);
	for (i = 0; i < p->ndmarc_overrides; i++)
		mem_free(p->dmarc_overrides[i].domain);
	mem_free(p->dmarc_overrides);
	p->dmarc_overrides = NULL;
	for (i = 0; i < CHECK_COUNT; i++) {
		mem_free(p->text[i]);
		p->text[i] = NULL;
	}
	mem_free(p->score_text);
	p->score_text = NULL;
	for (i = 0; i < p->nexempt_rcpts; i++)
		mem_free(p->exempt_rcpts[i]);
	mem_free(p->exempt_rcpts);
	p->exempt_rcpts = NULL;
	p->nexempt_rcpts = 0;
	p->ndmarc_overrides = 0;
}

/* policy_action_name - config/log word for an action */
const char *
policy_action_name(enum action a)
{
	return str_word(policy_action_names, ACT_COUNT, (int)a);
}

/* policy_action_parse - action by word, -1 if unknown */
int
policy_action_parse(const char *word)
{
	return str_word_index(policy_action_names, ACT_COUNT, word);
}

/* policy_stage_name - config/log word for a stage */
const char *
policy_stage_name(enum stage s)
{
	return str_word(policy_stage_names, STAGE_COUNT, (int)s);
}

/* policy_stage_parse - stage by word, -1 if unknown */
int
policy_stage_parse(const char *word)
{
	return str_word_index(policy_stage_names, STAGE_COUNT, word);
}
