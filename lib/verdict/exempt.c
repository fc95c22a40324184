/*
 * exempt - exemptions of clients and senders from checks; see exempt.h.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "util/netlist.h"
#include "util/str.h"
#include "mail/domlist.h"
#include "spf/spf.h"
#include "dkim/dkim.h"
#include "verdict/exempt.h"
#include "verdict/facts.h"
#include "verdict/policy.h"

/* the config words of the modes, one per enum exempt_mode */
const char *const exempt_mode_names[] = { "check", "record", "skip" };
_Static_assert(sizeof(exempt_mode_names) ==
    EXEMPT_MODE_COUNT * sizeof(exempt_mode_names[0]), "one word per mode");

/* exempt_mode_name - config/log word for an exemption mode */
const char *
exempt_mode_name(enum exempt_mode m)
{
	return str_word(exempt_mode_names, EXEMPT_MODE_COUNT, (int)m);
}

/* the phrase that starts a why text, one per enum exempt_kind */
static const char *const exempt_kind_words[] = {
	"trusted network", "authenticated sender", "allow list",
	"allowlisted sender domain (SPF pass)", "allowlisted by DNSWL score",
	"mail to", "trusted forwarder", "exempt domain", "trusted client",
	"trusted signer", "arc trusted sealer"
};
_Static_assert(sizeof(exempt_kind_words) ==
    EXK_COUNT * sizeof(exempt_kind_words[0]), "one phrase per kind");

/* the metric words, one per enum exempt_kind */
const char *const exempt_kind_names[] = {
	"trusted_network", "authenticated", "allow_list",
	"allowlisted_sender", "dnswl", "exempt_recipient",
	"trusted_forwarder", "spf_exempt_domain", "dmarc_trusted_client",
	"dmarc_trusted_signer", "dmarc_trusted_sealer"
};
_Static_assert(sizeof(exempt_kind_names) ==
    EXK_COUNT * sizeof(exempt_kind_names[0]), "one name per kind");

/* exempt_kind_of - the kind whose phrase starts why, -1 if none */
int
exempt_kind_of(const char *why)
{
	size_t i, len;

	for (i = 0; why != NULL && i < EXK_COUNT; i++) {
		len = strlen(exempt_kind_words[i]);
		if (strncmp(why, exempt_kind_words[i], len) == 0 &&
		    (why[len] == '\0' || why[len] == ' '))
			return (int)i;
	}
	return -1;
}

/* exempt_mode_parse - exemption mode by word, -1 if unknown */
int
exempt_mode_parse(const char *word)
{
	return str_word_index(exempt_mode_names, EXEMPT_MODE_COUNT, word);
}

/* exempt_consider - keep the stronger of two exemptions */
static void
exempt_consider(enum exempt_mode *best, str *why, enum exempt_mode mode,
    enum exempt_kind kind, const char *detail)
{
	if (mode <= *best)
		return;
	*best = mode;
	if (why == NULL)
		return;
	str_reset(why);
	str_append(why, exempt_kind_words[kind]);
	if (detail != NULL) {
		str_append_c(why, ' ');
		str_append_printable(why, detail, strlen(detail), 120);
	}
}

/* exempt_upfront - trusted network and SMTP AUTH for one check */
static enum exempt_mode
exempt_upfront(const struct policy *p, const struct facts *f, enum check c,
    str *why)
{
	enum exempt_mode best;
	const char *match;

	best = EXEMPT_CHECK;
	if (why != NULL)
		str_reset(why);
	if (f->trusted_net != NULL)
		exempt_consider(&best, why, p->trusted[c],
		    EXK_TRUSTED_NETWORK, f->trusted_net);
	if (f->auth_user != NULL)
		exempt_consider(&best, why, p->authenticated[c],
		    EXK_AUTHENTICATED, NULL);
	if (f->iplist.list != NULL && f->iplist.list->allow) {
		str what;

		str_init(&what);
		str_appendf(&what, "%s %s", f->iplist.list->name,
		    f->iplist.entry->cidr);
		exempt_consider(&best, why, p->allowlisted[c], EXK_ALLOW_LIST,
		    str_cstr(&what));
		str_free(&what);
	} else if (f->spf_mailfrom.checked &&
	    f->spf_mailfrom.result == SPFR_PASS && (match = domlist_match(
	    &p->allowlist_senders, f->spf_mailfrom.domain)) != NULL) {
		/* only a domain that SPF authenticated: a bare MAIL FROM
		 * could be anyone's */
		exempt_consider(&best, why, p->allowlisted[c],
		    EXK_ALLOWLISTED_SENDER, match);
	} else if (c != CHECK_DNSBL && f->dnsbl.checked &&
	    f->dnsbl.score <= p->dnsbl_allow_threshold)
		/* the DNSBL vote itself already has the DNSWL weight */
		exempt_consider(&best, why, p->allowlisted[c], EXK_DNSWL,
		    NULL);
	if (f->exempt_rcpt)
		exempt_consider(&best, why, p->exempt_rcpt[c], EXK_RECIPIENT,
		    f->exempt_rcpt_name);
	return best;
}

/* exempt_rcpt_match - the exempt_recipients entry rcpt matches, or NULL:
 * "postmaster" matches that local part at any domain, "abuse@example.com"
 * only that address (any case) */
const char *
exempt_rcpt_match(const struct policy *p, const char *rcpt)
{
	const char *at, *entry;
	size_t i, local;

	if (rcpt == NULL)
		return NULL;
	if (rcpt[0] == '<')
		rcpt++;
	if ((at = strrchr(rcpt, '@')) == NULL)
		at = rcpt + strcspn(rcpt, ">");
	local = (size_t)(at - rcpt);
	for (i = 0; i < p->nexempt_rcpts; i++) {
		entry = p->exempt_rcpts[i];
		if (strchr(entry, '@') == NULL) {
			if (strlen(entry) == local &&
			    strncasecmp(entry, rcpt, local) == 0)
				return entry;
		} else if (strncasecmp(entry, rcpt, strlen(entry)) == 0 &&
		    (rcpt[strlen(entry)] == '\0' || rcpt[strlen(entry)] == '>'))
			return entry;
	}
	return NULL;
}

/* exempt_check - the up-front exemptions of any check */
enum exempt_mode
exempt_check(const struct policy *p, const struct facts *f, enum check c,
    str *why)
{
	return exempt_upfront(p, f, c, why);
}

/* exempt_spf - how an SPF identity is treated for these facts */
enum exempt_mode
exempt_spf(const struct policy *p, const struct facts *f,
    const struct spf_outcome *o, str *why)
{
	enum exempt_mode best;
	const char *match;

	best = exempt_upfront(p, f, CHECK_SPF, why);
	if (o == NULL || !o->checked)
		return best;
	if (f->forwarder != NULL)
		exempt_consider(&best, why, EXEMPT_RECORD,
		    EXK_TRUSTED_FORWARDER, f->forwarder);
	if ((match = domlist_match(&p->spf_exempt_domains, o->domain)) != NULL)
		exempt_consider(&best, why, EXEMPT_RECORD, EXK_EXEMPT_DOMAIN,
		    match);
	return best;
}

/* exempt_dmarc - how DMARC (and the From: check) is treated */
enum exempt_mode
exempt_dmarc(const struct policy *p, const struct facts *f, str *why)
{
	enum exempt_mode best;
	const char *match;
	size_t i;

	best = exempt_upfront(p, f, CHECK_DMARC, why);
	if (f->forwarder != NULL)
		exempt_consider(&best, why, EXEMPT_RECORD,
		    EXK_TRUSTED_FORWARDER, f->forwarder);
	if (f->ip != NULL && (match = netlist_match(&p->dmarc_trusted_clients,
	    f->ip)) != NULL)
		exempt_consider(&best, why, EXEMPT_RECORD, EXK_TRUSTED_CLIENT,
		    match);
	for (i = 0; i < f->dkim.n; i++)
		if (f->dkim.sigs[i].result == DKIMR_PASS && (match =
		    domlist_match(&p->dmarc_trusted_signers,
		    f->dkim.sigs[i].domain)) != NULL) {
			exempt_consider(&best, why, EXEMPT_RECORD,
			    EXK_TRUSTED_SIGNER, match);
			break;
		}
	if (f->arc_sealer != NULL) {
		str what;

		str_init(&what);
		str_appendf(&what, "%s, whose ARC set i=%u saw %s",
		    f->arc_sealer, f->arc_sealer_i, f->arc_saw);
		exempt_consider(&best, why, EXEMPT_RECORD, EXK_TRUSTED_SEALER,
		    str_cstr(&what));
		str_free(&what);
	}
	return best;
}
