/*
 * iprev - forward-confirmed reverse DNS; see iprev.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_hold.h"
#include "ipcheck/generic_name.h"
#include "ipcheck/iprev.h"

static const char *const iprev_result_names[] = {
	"pass", "fail", "temperror", "permerror"
};
_Static_assert(sizeof(iprev_result_names) ==
    IPREVR_COUNT * sizeof(iprev_result_names[0]), "one word per iprev result");

/* iprev_result_name - the RFC 8601 word */
const char *
iprev_result_name(enum iprev_result r)
{
	return str_word(iprev_result_names, IPREVR_COUNT, (int)r);
}

/* iprev_outcome_clear - release an outcome */
void
iprev_outcome_clear(struct iprev_outcome *o)
{
	mem_free(o->name);
	mem_free(o->reason);
	mem_free(o->generic_why);
	memset(o, 0, sizeof(*o));
}

/* iprev_answer - a lookup: from the cache only, or waited for */
static dns_answer *
iprev_answer(dns_resolver *res, const char *name, int type, int64_t deadline,
    int flags)
{
	if (flags & IPREV_CACHE_ONLY)
		return dns_cached(res, name, type);
	return dns_lookup(res, name, type, deadline);
}

/* iprev_confirms - does the answer hold the client address */
static int
iprev_confirms(const dns_answer *a, const ipaddr *ip)
{
	size_t i;

	if (a->status != DNS_OK)
		return 0;
	for (i = 0; i < a->count; i++) {
		if (ip->family == AF_INET && a->rr[i].type == DNS_T_A &&
		    a->rr[i].u.a.s_addr == ip->u.v4.s_addr)
			return 1;
		if (ip->family == AF_INET6 && a->rr[i].type == DNS_T_AAAA &&
		    memcmp(&a->rr[i].u.aaaa, &ip->u.v6, 16) == 0)
			return 1;
	}
	return 0;
}

/* iprev_names - the distinct, askable PTR names, at most max */
static size_t
iprev_names(const dns_answer *a, unsigned max, char **names, unsigned *bad)
{
	const char *why;
	size_t i, j, n;
	str norm;

	n = 0;
	*bad = 0;
	str_init(&norm);
	for (i = 0; i < a->count && n < max; i++) {
		if (a->rr[i].type != DNS_T_PTR)
			continue;
		if (dns_name_normalize(a->rr[i].u.name, &norm, &why) != 0) {
			(*bad)++;
			continue;
		}
		for (j = 0; j < n; j++)
			if (strcmp(names[j], str_cstr(&norm)) == 0)
				break;
		if (j == n)
			names[n++] = mem_strdup(str_cstr(&norm));
	}
	str_free(&norm);
	return n;
}

/* iprev_forward - look the names up, all at once (a name's lookup
 * already started from the MTA's hint is taken from the hold); the index
 * of the one that confirms, or -1 (*temp set if a lookup failed for now) */
static int
iprev_forward(dns_resolver *res, dns_hold *hold, char **names, size_t n,
    const ipaddr *ip, int64_t deadline, int flags, str *temp, int *missing)
{
	dns_query *q[IPREV_NAMES_MAX];
	dns_answer *a;
	int type, found;
	size_t i;

	type = dns_addr_type(ip->family);
	*missing = 0;
	found = -1;
	if (!(flags & IPREV_CACHE_ONLY))
		for (i = 0; i < n; i++)
			if ((q[i] = dns_hold_take(hold, names[i], type)) ==
			    NULL)
				q[i] = dns_query_start(res, names[i], type);
	for (i = 0; i < n; i++) {
		if (flags & IPREV_CACHE_ONLY) {
			if ((a = dns_cached(res, names[i], type)) == NULL) {
				*missing = 1;
				continue;
			}
		} else {
			a = dns_query_wait(q[i], deadline);
			dns_query_free(q[i]);
		}
		if (found < 0 && iprev_confirms(a, ip))
			found = (int)i;
		if (a->status == DNS_TEMPFAIL && temp->len == 0)
			str_appendf(temp, "%s: %s", names[i], a->error != NULL ?
			    a->error : "no answer");
		dns_answer_unref(a);
	}
	return found;
}

/* iprev_generic - does the name found look like an end-user address */
static void
iprev_generic(const struct iprev_options *opts, const ipaddr *ip,
    struct iprev_outcome *out)
{
	str g;

	if (opts->generic == NULL || out->name == NULL)
		return;
	str_init(&g);
	if (generic_name_check(opts->generic, out->name, ip, &g)) {
		out->generic = 1;
		out->generic_why = str_steal(&g);
	}
	str_free(&g);
}

/* iprev_confirmed - a pass for the name the MTA confirmed both ways */
int
iprev_confirmed(const struct iprev_options *opts, const ipaddr *ip,
    const char *name, struct iprev_outcome *out)
{
	const char *why;
	str norm;

	memset(out, 0, sizeof(*out));
	str_init(&norm);
	if (name == NULL || dns_name_normalize(name, &norm, &why) != 0) {
		str_free(&norm);
		return -1;
	}
	out->checked = 1;
	out->result = IPREVR_PASS;
	out->name = str_steal(&norm);
	out->by_mta = 1;
	iprev_generic(opts, ip, out);
	return 0;
}

/* iprev_hint_start - the forward lookup of the name the MTA found in
 * the PTR record, started with our own PTR lookup: it counts only if our
 * PTR answer lists the name, so nothing is taken on trust, and the check
 * of a client with a name is one round trip instead of two; NULL when
 * there is no usable hint */
static dns_hold *
iprev_hint_start(dns_resolver *res, const ipaddr *ip, const char *hint,
    int flags)
{
	const char *why;
	dns_hold *hold;
	str norm;

	if (hint == NULL || (flags & IPREV_CACHE_ONLY) || hint[0] == '[' ||
	    strcasecmp(hint, "unknown") == 0)
		return NULL;
	str_init(&norm);
	if (dns_name_normalize(hint, &norm, &why) != 0) {
		str_free(&norm);
		return NULL;
	}
	hold = dns_hold_new(res);
	dns_hold_start(hold, str_cstr(&norm), dns_addr_type(ip->family));
	str_free(&norm);
	return hold;
}

/* iprev_check - PTR, then forward, then the verdict on the pair */
int
iprev_check(const struct iprev_options *opts, dns_resolver *res,
    const ipaddr *ip, const char *hint, int64_t deadline, int flags,
    struct iprev_outcome *out)
{
	char *names[IPREV_NAMES_MAX], text[IPADDR_STRLEN];
	unsigned max, bad;
	dns_answer *a;
	dns_hold *hold;
	size_t n, i;
	int found, missing;
	str rname, why, temp;

	memset(out, 0, sizeof(*out));
	hold = iprev_hint_start(res, ip, hint, flags);
	max = opts->max_names < 1 ? 1 : opts->max_names > IPREV_NAMES_MAX ?
	    IPREV_NAMES_MAX : opts->max_names;
	ipaddr_format(ip, text);
	str_init(&rname);
	ipaddr_reverse_name(ip, &rname);
	a = iprev_answer(res, str_cstr(&rname), DNS_T_PTR, deadline, flags);
	str_free(&rname);
	if (a == NULL) {
		dns_hold_free(hold);
		return -1;
	}
	out->checked = 1;
	str_init(&why);
	n = 0;
	switch (a->status) {
	case DNS_TEMPFAIL:
	case DNS_ERROR:
		out->result = IPREVR_TEMPERROR;
		str_appendf(&why, "the PTR lookup of %s failed: %s", text,
		    a->error != NULL ? a->error : "no answer");
		goto done;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
		out->result = IPREVR_PERMERROR;
		str_appendf(&why, "%s has no PTR record", text);
		goto done;
	case DNS_OK:
		break;
	}
	for (i = 0; i < a->count; i++)
		if (a->rr[i].type == DNS_T_PTR)
			out->nptr++;
	n = iprev_names(a, max, names, &bad);
	if (n == 0) {
		out->result = out->nptr > 0 ? IPREVR_FAIL : IPREVR_PERMERROR;
		if (out->nptr > 0)
			str_appendf(&why, "the PTR names of %s are not valid "
			    "host names", text);
		else
			str_appendf(&why, "%s has no PTR record", text);
		goto done;
	}
	out->tried = (unsigned)n;
	str_init(&temp);
	found = iprev_forward(res, hold, names, n, ip, deadline, flags, &temp,
	    &missing);
	if (found < 0 && missing) {
		/* cache only (no hold then), and not everything was there */
		for (i = 0; i < n; i++)
			mem_free(names[i]);
		dns_answer_unref(a);
		str_free(&why);
		str_free(&temp);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	if (found >= 0) {
		out->result = IPREVR_PASS;
		out->name = mem_strdup(names[found]);
	} else {
		out->name = mem_strdup(names[0]);
		out->result = temp.len ? IPREVR_TEMPERROR : IPREVR_FAIL;
		if (temp.len)
			str_append(&why, "could not check whether ");
		if (n == 1)
			str_appendf(&why, "%s %s back to %s", names[0],
			    temp.len ? "resolves" : "does not resolve", text);
		else
			str_appendf(&why, "%s of the %zu PTR names (%s, ...) "
			    "resolves back to %s", temp.len ? "any" : "none",
			    n, names[0], text);
		if (temp.len)
			str_appendf(&why, " (%s)", str_cstr(&temp));
		if (out->nptr > n + bad)
			str_appendf(&why, "; %zu of %u names checked", n,
			    out->nptr);
	}
	str_free(&temp);
done:
	iprev_generic(opts, ip, out);
	if (why.len > 0)
		out->reason = str_steal(&why);
	str_free(&why);
	for (i = 0; i < n; i++)
		mem_free(names[i]);
	dns_answer_unref(a);
	dns_hold_free(hold);
	return 0;
}
