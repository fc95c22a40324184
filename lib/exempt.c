/*
 * exempt - exemptions of clients and senders from checks; see exempt.h.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "domlist.h"
#include "exempt.h"
#include "facts.h"
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

/* exempt_spf - how an SPF identity is treated for these facts */
enum exempt_mode
exempt_spf(const struct policy *p, const struct facts *f,
    const struct spf_outcome *o, str *why)
{
	enum exempt_mode best;
	const char *match;

	best = EXEMPT_CHECK;
	if (why != NULL)
		str_reset(why);
	if (f->trusted_net != NULL)
		exempt_consider(&best, why, p->spf_trusted, "trusted network",
		    f->trusted_net);
	if (f->auth_user != NULL)
		exempt_consider(&best, why, p->spf_authenticated,
		    "authenticated sender", NULL);
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
