/*
 * authz - per-domain authorized sender networks; see authz.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/netlist.h"
#include "util/str.h"
#include "ipcheck/authz.h"

/* authz_covers - does a rule cover the domain; the length matched */
static size_t
authz_covers(const struct authz_rule *r, const char *domain, size_t dl)
{
	size_t rl = strlen(r->domain);

	if (dl == rl && strncasecmp(domain, r->domain, dl) == 0)
		return rl + 1;		/* the domain itself beats a parent */
	if (r->subdomains && dl > rl && domain[dl - rl - 1] == '.' &&
	    strncasecmp(domain + dl - rl, r->domain, rl) == 0)
		return rl;
	return 0;
}

/* authz_find - the most specific rule for the domain and identity */
const struct authz_rule *
authz_find(const struct authz_set *set, const char *domain, unsigned identity)
{
	const struct authz_rule *best;
	size_t i, dl, len, best_len;

	if (set == NULL || domain == NULL || domain[0] == '\0')
		return NULL;
	dl = strlen(domain);
	if (domain[dl - 1] == '.')
		dl--;
	best = NULL;
	best_len = 0;
	for (i = 0; i < set->n; i++) {
		if (!(set->v[i].identities & identity))
			continue;
		if ((len = authz_covers(&set->v[i], domain, dl)) > best_len) {
			best = &set->v[i];
			best_len = len;
		}
	}
	return best;
}

/* authz_check - may ip send for domain */
void
authz_check(const struct authz_set *set, const char *domain,
    unsigned identity, const ipaddr *ip, struct authz_outcome *out)
{
	memset(out, 0, sizeof(*out));
	if (ip == NULL || (out->rule = authz_find(set, domain, identity)) ==
	    NULL)
		return;
	out->checked = 1;
	out->domain = domain;
	out->allowed = netlist_lookup(&out->rule->nets, ip) != NULL;
}

/* authz_rule_free - release a rule */
void
authz_rule_free(struct authz_rule *r)
{
	mem_free(r->domain);
	mem_free(r->text);
	netlist_free(&r->nets);
	memset(r, 0, sizeof(*r));
}

/* authz_identity_parse - "mailfrom from" */
int
authz_identity_parse(const char *text, unsigned *out, str *err)
{
	const char *p, *w;
	size_t n;

	*out = 0;
	p = text;
	while ((w = str_next_word(&p, &n)) != NULL) {
		if (n == 8 && strncasecmp(w, "mailfrom", 8) == 0)
			*out |= AUTHZ_MAILFROM;
		else if (n == 4 && strncasecmp(w, "from", 4) == 0)
			*out |= AUTHZ_FROM;
		else {
			str_reset(err);
			str_append_c(err, '"');
			str_append_printable(err, w, n, 40);
			str_append(err, "\" is not an identity (mailfrom or "
			    "from)");
			return -1;
		}
	}
	if (*out == 0) {
		str_reset(err);
		str_append(err, "no identity given (mailfrom, from)");
		return -1;
	}
	return 0;
}
