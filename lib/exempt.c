/*
 * exempt - exemptions of clients and senders from checks; see exempt.h.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "dkim.h"
#include "domlist.h"
#include "exempt.h"
#include "facts.h"
#include "netlist.h"
#include "policy.h"
#include "spf.h"
#include "str.h"

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

	best = EXEMPT_CHECK;
	if (why != NULL)
		str_reset(why);
	if (f->trusted_net != NULL)
		exempt_consider(&best, why, p->trusted[c], "trusted network",
		    f->trusted_net);
	if (f->auth_user != NULL)
		exempt_consider(&best, why, p->authenticated[c],
		    "authenticated sender", NULL);
	return best;
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
