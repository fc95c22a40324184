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

/* exempt_mode_parse - exemption mode by word, -1 if unknown */
int
exempt_mode_parse(const char *word)
{
	return str_word_index(exempt_mode_names, EXEMPT_MODE_COUNT, word);
}

/* exempt_consider - keep the stronger of two exemptions */
static void
exempt_consider(enum exempt_mode *best, str *why, enum exempt_mode mode,
    const char *what, const char *detail)
{
	if (mode <= *best)
		return;
	*best = mode;
	if (why == NULL)
		return;
	str_reset(why);
	str_append(why, what);
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
		exempt_consider(&best, why, p->trusted[c], "trusted network",
		    f->trusted_net);
	if (f->auth_user != NULL)
		exempt_consider(&best, why, p->authenticated[c],
		    "authenticated sender", NULL);
	if (f->iplist.list != NULL && f->iplist.list->allow) {
		str what;

		str_init(&what);
		str_append(&what, "allow list ");
		str_append(&what, f->iplist.list->name);
		exempt_consider(&best, why, p->allowlisted[c], str_cstr(&what),
		    f->iplist.entry->cidr);
		str_free(&what);
	} else if (f->spf_mailfrom.checked &&
	    f->spf_mailfrom.result == SPFR_PASS && (match = domlist_match(
	    &p->allowlist_senders, f->spf_mailfrom.domain)) != NULL) {
		/* only a domain that SPF authenticated: a bare MAIL FROM
		 * could be anyone's */
		exempt_consider(&best, why, p->allowlisted[c],
		    "allowlisted sender domain (SPF pass)", match);
	} else if (c != CHECK_DNSBL && f->dnsbl.checked &&
	    f->dnsbl.score <= p->dnsbl_allow_threshold)
		/* the DNSBL vote itself already has the DNSWL weight */
		exempt_consider(&best, why, p->allowlisted[c],
		    "allowlisted by DNSWL score", NULL);
	if (f->exempt_rcpt)
		exempt_consider(&best, why, p->exempt_rcpt[c],
		    "mail to", f->exempt_rcpt_name);
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
		exempt_consider(&best, why, EXEMPT_RECORD, "trusted forwarder",
		    f->forwarder);
	if ((match = domlist_match(&p->spf_exempt_domains, o->domain)) != NULL)
		exempt_consider(&best, why, EXEMPT_RECORD, "exempt domain",
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
		exempt_consider(&best, why, EXEMPT_RECORD, "trusted forwarder",
		    f->forwarder);
	if (f->ip != NULL && (match = netlist_match(&p->dmarc_trusted_clients,
	    f->ip)) != NULL)
		exempt_consider(&best, why, EXEMPT_RECORD, "trusted client",
		    match);
	for (i = 0; i < f->dkim.n; i++)
		if (f->dkim.sigs[i].result == DKIMR_PASS && (match =
		    domlist_match(&p->dmarc_trusted_signers,
		    f->dkim.sigs[i].domain)) != NULL) {
			exempt_consider(&best, why, EXEMPT_RECORD,
			    "trusted signer", match);
			break;
		}
	return best;
}
