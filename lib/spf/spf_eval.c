/*
 * spf_eval - one SPF evaluation around libspf2; see spf_eval.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/deadline.h"
#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "spf/spf.h"
#include "spf/spf_eval.h"
#include "spf/spf_macro.h"
#include "spf/spf_record.h"

#define SYN_SUFFIX	".spf.authgate.invalid"

/*
 * libspf2 1.2.10 compiles at most about 512 bytes of mechanisms per record
 * and silently drops the rest (and the modifiers with them): 64 ip4
 * terms, 26 ip6 terms or 16 synthetic names, and a record longer than
 * that would end in the wrong result. Served records are therefore kept
 * under this estimate of libspf2's compiled size, see spf_eval_rewrite.
 */
#define SERVED_BUDGET	440

enum spf_syn_kind {
	SYN_TOP, SYN_INCLUDE, SYN_REDIRECT, SYN_TERM, SYN_IPS, SYN_CONT
};

/* what a synthetic name stands for */
struct spf_syn {
	enum spf_syn_kind	 kind;
	int			 rec;		/* record holding the term */
	int			 term;		/* term index, -1: redirect;
						 * SYN_CONT: chunk index */
	int			 last;		/* SYN_IPS: last term of the run */
	char			 qualifier;	/* SYN_IPS: the qualifier it is */
	int			 outcome;	/* SYN_TERM: -1 not yet, 0/1 */
	int			 target;	/* include/redirect: record */
};

/* a record fetched during the evaluation */
struct spf_fetched {
	char			*domain;	/* its current domain */
	char			*raw;		/* as published */
	char			*served;	/* as given to libspf2 */
	char			**chunks;	/* continuations of served */
	size_t			 nchunks;
	struct spf_record	 rec;
	int			 parent;
	enum spf_syn_kind	 how;		/* top, include or redirect */
	int			 stable;	/* its domain is the same for
						 * every client (no macro on
						 * the way to it) */
	int			*term_syn;	/* synthetic name of each term */
	int			 redirect_syn;
};

enum { T_NOMATCH, T_MATCH, T_TEMP, T_STOP };

/* spf_eval_init - a fresh evaluation */
void
spf_eval_init(struct spf_eval *e)
{
	memset(e, 0, sizeof(*e));
	str_init(&e->dns_error);
	str_init(&e->forced_reason);
	e->top = e->effective = -1;
}

/* spf_eval_free - release what the evaluation collected */
void
spf_eval_free(struct spf_eval *e)
{
	size_t i, j;

	for (i = 0; i < e->nrecs; i++) {
		mem_free(e->recs[i].domain);
		mem_free(e->recs[i].raw);
		mem_free(e->recs[i].served);
		for (j = 0; j < e->recs[i].nchunks; j++)
			mem_free(e->recs[i].chunks[j]);
		mem_free(e->recs[i].chunks);
		mem_free(e->recs[i].term_syn);
		spf_record_free(&e->recs[i].rec);
	}
	for (i = 0; i < e->nptr; i++)
		mem_free(e->ptr_names[i]);
	mem_free(e->recs);
	mem_free(e->syn);
	str_free(&e->dns_error);
	str_free(&e->forced_reason);
}

/* spf_eval_force - we found a permerror: note why, stop the evaluation */
static void __attribute__((format(printf, 2, 3)))
spf_eval_force(struct spf_eval *e, const char *fmt, ...)
{
	va_list ap;

	if (e->forced)
		return;
	e->forced = 1;
	va_start(ap, fmt);
	str_vappendf(&e->forced_reason, fmt, ap);
	va_end(ap);
}

/* spf_eval_answer - an answer of ours, with a status */
static dns_answer *
spf_eval_answer(const char *name, int type, enum dns_status st)
{
	dns_answer *a;

	a = dns_answer_new(name, type, st, st == DNS_TEMPFAIL ?
	    "evaluation stopped" : NULL);
	a->ttl = 0;
	return a;
}

/* spf_eval_note_path - a lookup whose name the domain's records give
 * whatever the client (no macro, no PTR): the hint for its next
 * evaluation, in the order they were needed */
static void
spf_eval_note_path(struct spf_eval *e, const char *name, int type)
{
	size_t i;

	if (e->cache_only || strlen(name) >= DNS_HINT_NAME_MAX)
		return;
	for (i = 0; i < e->npath; i++)
		if (e->path[i].type == type &&
		    strcasecmp(e->path[i].name, name) == 0)
			return;
	if (e->npath == SPF_HINT_MAX)
		return;
	memcpy(e->path[e->npath].name, name, strlen(name) + 1);
	e->path[e->npath++].type = type;
}

/* spf_eval_dns - a DNS lookup for the evaluation, bounded; never NULL;
 * stable: its name comes from the records alone (spf_eval_note_path) */
static dns_answer *
spf_eval_dns(struct spf_eval *e, const char *name, int type, int stable)
{
	dns_answer *a;

	if (deadline_left(e->deadline) == 0) {
		e->tempfails++;
		if (e->dns_error.len == 0)
			str_append(&e->dns_error, "the SPF evaluation exceeded "
			    "its time limit");
		return spf_eval_answer(name, type, DNS_TEMPFAIL);
	}
	if (++e->lookups > SPF_MAX_LOOKUPS) {
		spf_eval_force(e, "more than 200 DNS lookups");
		return spf_eval_answer(name, type, DNS_TEMPFAIL);
	}
	if (e->cache_only) {
		if ((a = dns_cached(e->resolver, name, type)) == NULL) {
			e->missed = 1;
			return spf_eval_answer(name, type, DNS_TEMPFAIL);
		}
	} else
		a = dns_hold_lookup(e->hold, e->resolver, name, type,
		    e->deadline);
	if (stable)
		spf_eval_note_path(e, name, type);
	if (a->status == DNS_TEMPFAIL) {
		e->tempfails++;
		if (e->dns_error.len == 0)
			str_append(&e->dns_error, a->error != NULL ? a->error :
			    "temporary DNS failure");
	}
	return a;
}

/* spf_eval_void - count a void lookup (RFC 7208 4.6.4); 0 if over */
static int
spf_eval_void(struct spf_eval *e, const dns_answer *a)
{
	if (a->status != DNS_NXDOMAIN && a->status != DNS_NODATA &&
	    !(a->status == DNS_OK && a->count == 0))
		return 1;
	if (++e->voids > SPF_MAX_VOID) {
		spf_eval_force(e, "more than 2 DNS lookups returned no "
		    "records (void lookup limit)");
		return 0;
	}
	return 1;
}

/* spf_eval_term_count - one more DNS-querying term; 0 if over the limit */
static int
spf_eval_term_count(struct spf_eval *e)
{
	if (++e->terms > SPF_MAX_TERMS) {
		spf_eval_force(e, "more than 10 DNS-querying terms (include, "
		    "a, mx, ptr, exists, redirect)");
		return 0;
	}
	return 1;
}

/* spf_eval_ptr_names - %{p} / ptr: the names of the client that check out */
static void
spf_eval_ptr_names(struct spf_eval *e, int count_void)
{
	dns_answer *ptr, *addr;
	str rev;
	size_t i, j, n;
	ipaddr ip;

	if (e->ptr_done)
		return;
	e->ptr_done = 1;
	str_init(&rev);
	ipaddr_reverse_name(e->ip, &rev);
	ptr = spf_eval_dns(e, str_cstr(&rev), DNS_T_PTR, 0);
	str_free(&rev);
	if (count_void)
		(void)spf_eval_void(e, ptr);
	/* RFC 7208 4.6.4: only the first 10 names are looked at; their
	 * addresses asked at once */
	n = ptr->status == DNS_OK ? ptr->count : 0;
	for (i = 0; i < n && i < SPF_MAX_PTR && !e->cache_only; i++)
		dns_hold_start(e->hold, ptr->rr[i].u.name,
		    dns_addr_type(e->ip->family));
	for (i = 0; i < n && i < SPF_MAX_PTR && !e->forced; i++) {
		addr = spf_eval_dns(e, ptr->rr[i].u.name,
		    dns_addr_type(e->ip->family), 0);
		/* errors on these lookups skip the name (RFC 7208 5.5) */
		for (j = 0; addr->status == DNS_OK && j < addr->count; j++) {
			ip.family = e->ip->family;
			if (ip.family == AF_INET)
				ip.u.v4 = addr->rr[j].u.a;
			else
				ip.u.v6 = addr->rr[j].u.aaaa;
			if (ipaddr_in_net(e->ip, &ip, ip.family == AF_INET ?
			    32 : 128)) {
				e->ptr_names[e->nptr++] =
				    mem_strdup(ptr->rr[i].u.name);
				break;
			}
		}
		dns_answer_unref(addr);
	}
	dns_answer_unref(ptr);
}

/* spf_name_under - name equals domain or lies below it (any case) */
static int
spf_name_under(const char *name, const char *domain)
{
	size_t nl, dl;

	nl = strlen(name);
	dl = strlen(domain);
	while (nl > 0 && name[nl - 1] == '.')
		nl--;
	while (dl > 0 && domain[dl - 1] == '.')
		dl--;
	if (nl == dl)
		return strncasecmp(name, domain, nl) == 0;
	return nl > dl && name[nl - dl - 1] == '.' &&
	    strncasecmp(name + nl - dl, domain, dl) == 0;
}

/* spf_eval_p_macro - %{p}: validated name, preferring the domain */
static const char *
spf_eval_p_macro(void *arg, const char *domain)
{
	struct spf_eval *e = arg;
	size_t i;

	spf_eval_ptr_names(e, 0);
	for (i = 0; i < e->nptr; i++)
		if (strcasecmp(e->ptr_names[i], domain) == 0)
			return e->ptr_names[i];
	for (i = 0; i < e->nptr; i++)
		if (spf_name_under(e->ptr_names[i], domain))
			return e->ptr_names[i];
	return e->nptr > 0 ? e->ptr_names[0] : "unknown";
}

/* spf_eval_expand - expand a domain-spec in the context of a record */
static void
spf_eval_expand(struct spf_eval *e, const char *spec, const char *domain,
    int mode, str *out)
{
	struct spf_macro_env env;

	memset(&env, 0, sizeof(env));
	env.sender = e->sender;
	env.local = e->local;
	env.sender_domain = e->sender_domain;
	env.domain = domain;
	env.ip = e->ip;
	env.helo = e->helo;
	env.receiver = e->receiver;
	env.now = e->now;
	env.validated = spf_eval_p_macro;
	env.arg = e;
	spf_macro_expand(spec, strlen(spec), &env, mode, out);
}

/* spf_eval_name_ok - usable as a DNS name after expansion */
static int
spf_eval_name_ok(const char *name)
{
	const char *why;
	str norm;
	int ok;

	str_init(&norm);
	ok = dns_name_normalize(name, &norm, &why) == 0;
	str_free(&norm);
	return ok;
}

/* spf_eval_addr_match - does any address of an A/AAAA answer match */
static int
spf_eval_addr_match(const struct spf_eval *e, const dns_answer *a,
    int cidr4, int cidr6)
{
	ipaddr net;
	size_t i;

	for (i = 0; a->status == DNS_OK && i < a->count; i++) {
		net.family = e->ip->family;
		if (a->rr[i].type == DNS_T_A && e->ip->family == AF_INET)
			net.u.v4 = a->rr[i].u.a;
		else if (a->rr[i].type == DNS_T_AAAA &&
		    e->ip->family == AF_INET6)
			net.u.v6 = a->rr[i].u.aaaa;
		else
			continue;
		if (ipaddr_in_net(e->ip, &net, e->ip->family == AF_INET ?
		    (cidr4 < 0 ? 32 : cidr4) : (cidr6 < 0 ? 128 : cidr6)))
			return 1;
	}
	return 0;
}

/* spf_eval_mx - the mx mechanism; stable: its domain had no macro */
static int
spf_eval_mx(struct spf_eval *e, const char *domain, int cidr4, int cidr6,
    int stable)
{
	dns_answer *mx, *addr;
	size_t i;
	int rc;

	mx = spf_eval_dns(e, domain, DNS_T_MX, stable);
	if (mx->status == DNS_TEMPFAIL) {
		dns_answer_unref(mx);
		return e->forced ? T_STOP : T_TEMP;
	}
	if (!spf_eval_void(e, mx)) {
		dns_answer_unref(mx);
		return T_STOP;
	}
	if (mx->status == DNS_OK && mx->count > SPF_MAX_MX) {
		spf_eval_force(e, "mx:%s has more than 10 MX records", domain);
		dns_answer_unref(mx);
		return T_STOP;
	}
	/* every host's address asked at once: one wait, not one each */
	for (i = 0; mx->status == DNS_OK && i < mx->count && !e->cache_only;
	    i++)
		if (spf_eval_name_ok(mx->rr[i].u.mx.host))
			dns_hold_start(e->hold, mx->rr[i].u.mx.host,
			    dns_addr_type(e->ip->family));
	rc = T_NOMATCH;
	for (i = 0; mx->status == DNS_OK && i < mx->count && rc == T_NOMATCH;
	    i++) {
		if (!spf_eval_name_ok(mx->rr[i].u.mx.host))
			continue;	/* the null MX "." and the like */
		addr = spf_eval_dns(e, mx->rr[i].u.mx.host,
		    dns_addr_type(e->ip->family), stable);
		if (addr->status == DNS_TEMPFAIL)
			rc = e->forced || e->missed ? T_STOP : T_TEMP;
		else if (spf_eval_addr_match(e, addr, cidr4, cidr6))
			rc = T_MATCH;
		dns_answer_unref(addr);
	}
	dns_answer_unref(mx);
	return rc;
}

/* spf_eval_stable - does a name from this record and domain-spec come
 * out the same for every client (no macro in it or on the way to the
 * record) */
static int
spf_eval_stable(const struct spf_eval *e, int rec, const char *spec)
{
	return e->recs[rec].stable &&
	    (spec == NULL || strchr(spec, '%') == NULL);
}

/* spf_eval_term - evaluate a DNS-querying mechanism ourselves */
static int
spf_eval_term(struct spf_eval *e, int rec, int term)
{
	const struct spf_term *t;
	dns_answer *a;
	str name;
	size_t i;
	int rc, stable;

	if (!spf_eval_term_count(e))
		return T_STOP;
	t = &e->recs[rec].rec.terms[term];
	stable = spf_eval_stable(e, rec, t->spec);
	str_init(&name);
	if (t->spec != NULL)
		spf_eval_expand(e, t->spec, e->recs[rec].domain,
		    SPF_EXPAND_DOMAIN, &name);
	else
		str_append(&name, e->recs[rec].domain);
	if (e->missed || e->forced) {
		str_free(&name);
		return T_STOP;
	}
	/* a name that cannot exist matches nothing (RFC 7208 4.8) */
	if (!spf_eval_name_ok(str_cstr(&name))) {
		str_free(&name);
		return T_NOMATCH;
	}
	rc = T_NOMATCH;
	switch (t->mech) {
	case SPF_M_EXISTS:
	case SPF_M_A:
		a = spf_eval_dns(e, str_cstr(&name), t->mech == SPF_M_EXISTS ?
		    DNS_T_A : dns_addr_type(e->ip->family), stable);
		if (a->status == DNS_TEMPFAIL)
			rc = e->forced || e->missed ? T_STOP : T_TEMP;
		else if (!spf_eval_void(e, a))
			rc = T_STOP;
		else if (t->mech == SPF_M_EXISTS)
			rc = a->status == DNS_OK && a->count > 0 ? T_MATCH :
			    T_NOMATCH;
		else
			rc = spf_eval_addr_match(e, a, t->cidr4, t->cidr6) ?
			    T_MATCH : T_NOMATCH;
		dns_answer_unref(a);
		break;
	case SPF_M_MX:
		rc = spf_eval_mx(e, str_cstr(&name), t->cidr4, t->cidr6,
		    stable);
		break;
	case SPF_M_PTR:
		spf_eval_ptr_names(e, 1);
		if (e->forced || e->missed)
			rc = T_STOP;
		for (i = 0; rc == T_NOMATCH && i < e->nptr; i++)
			if (spf_name_under(e->ptr_names[i], str_cstr(&name)))
				rc = T_MATCH;
		break;
	default:
		break;
	}
	str_free(&name);
	return rc;
}

/* spf_eval_syn_new - register a synthetic name */
static int
spf_eval_syn_new(struct spf_eval *e, enum spf_syn_kind kind, int rec,
    int term)
{
	struct spf_syn *s;

	if (e->nsyn >= SPF_MAX_SYN) {
		spf_eval_force(e, "SPF records with more than 20000 terms");
		return -1;
	}
	e->syn = mem_grow(e->syn, e->nsyn, sizeof(*e->syn));
	s = &e->syn[e->nsyn];
	s->kind = kind;
	s->rec = rec;
	s->term = term;
	s->last = term;
	s->outcome = -1;
	s->target = -1;
	return (int)e->nsyn++;
}

/* one term of a served record and its cost in libspf2's compiled form */
struct spf_served_term {
	char	*text;
	size_t	 cost;
};

/* spf_served_add - append a served term */
static void spf_served_add(struct spf_served_term **, size_t *, size_t,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
spf_served_add(struct spf_served_term **v, size_t *n, size_t cost,
    const char *fmt, ...)
{
	va_list ap;
	str t;

	str_init(&t);
	va_start(ap, fmt);
	str_vappendf(&t, fmt, ap);
	va_end(ap);
	*v = mem_grow(*v, *n, sizeof(**v));
	(*v)[*n].text = str_steal(&t);
	(*v)[*n].cost = cost;
	(*n)++;
}

/* spf_syn_cost - what libspf2 makes of " exists:s<N>.spf.authgate.invalid":
 * mechanism and data headers plus the name */
static size_t
spf_syn_cost(int s)
{
	char buf[32];

	return 12 + (size_t)snprintf(buf, sizeof(buf), "s%d" SYN_SUFFIX, s);
}

/* spf_ip_run - the last term of the run of ip4/ip6 terms starting at i */
static size_t
spf_ip_run(const struct spf_record *r, size_t i)
{
	size_t j;

	for (j = i; j + 1 < r->nterms; j++)
		if (r->terms[j + 1].mech != SPF_M_IP4 &&
		    r->terms[j + 1].mech != SPF_M_IP6)
			break;
	return j;
}

/* spf_eval_ip_run - serve a run of ip4/ip6 terms as one synthetic name
 * per qualifier that occurs in it: the name for qualifier q matches when
 * the first term of the run that holds the client has qualifier q. At
 * most one of them matches, so their order does not matter, and the run
 * costs libspf2 at most four terms however long it is. */
static int
spf_eval_ip_run(struct spf_eval *e, int rec, size_t first, size_t last,
    struct spf_served_term **v, size_t *n)
{
	static const char quals[] = "+-~?";
	const struct spf_term *t;
	char q[2];
	size_t i, k;
	int s;

	for (k = 0; k < 4; k++) {
		for (i = first; i <= last; i++) {
			t = &e->recs[rec].rec.terms[i];
			if (t->qualifier == quals[k])
				break;
		}
		if (i > last)
			continue;
		if ((s = spf_eval_syn_new(e, SYN_IPS, rec, (int)first)) < 0)
			return -1;
		e->syn[s].last = (int)last;
		e->syn[s].qualifier = quals[k];
		q[0] = quals[k] == '+' ? '\0' : quals[k];
		q[1] = '\0';
		spf_served_add(v, n, spf_syn_cost(s), "%sexists:s%d" SYN_SUFFIX,
		    q, s);
	}
	return 0;
}

/* spf_eval_rewrite - the record as libspf2 will evaluate it
 *
 * Each term becomes something libspf2 evaluates right: all as is; a lone
 * ip4/ip6 as is, /0 as the two /1 halves libspf2 accepts; a run of ip4/ip6
 * terms at most four synthetic names matched by us (spf_eval_ip_run:
 * keeps big records small); include a synthetic
 * target; a, mx, ptr and exists a synthetic name that we evaluate. If
 * the result would still be too big for libspf2 (SERVED_BUDGET), it is
 * cut into chunks chained by synthetic redirects: "no term matched, go on
 * with the next chunk" is exactly what a redirect does, and the chain
 * ends with the record's own redirect, if any. */
static int
spf_eval_rewrite(struct spf_eval *e, int rec, str *out)
{
	struct spf_fetched *f = &e->recs[rec];
	struct spf_served_term *v;
	const struct spf_term *t;
	char addr[IPADDR_STRLEN], q[2];
	size_t i, j, n, cost, start;
	int s, rc, cont, tail;
	str chunk;

	v = NULL;
	n = 0;
	rc = -1;
	f->term_syn = mem_alloc((f->rec.nterms ? f->rec.nterms : 1) *
	    sizeof(int));
	for (i = 0; i < f->rec.nterms; i++)
		f->term_syn[i] = -1;
	f->redirect_syn = -1;
	for (i = 0; i < f->rec.nterms; i++) {
		t = &f->rec.terms[i];
		q[0] = t->qualifier == '+' ? '\0' : t->qualifier;
		q[1] = '\0';
		switch (t->mech) {
		case SPF_M_ALL:
			spf_served_add(&v, &n, 4, "%sall", q);
			break;
		case SPF_M_IP4:
		case SPF_M_IP6:
			if ((j = spf_ip_run(&f->rec, i)) > i || e->ips_ours) {
				if (spf_eval_ip_run(e, rec, i, j, &v, &n) != 0)
					goto out;
				f = &e->recs[rec];
				i = j;
				break;
			}
			cost = t->mech == SPF_M_IP4 ? 8 : 20;
			if (t->prefix == 0) {
				/* libspf2 refuses /0: the two halves */
				spf_served_add(&v, &n, 2 * cost, t->mech ==
				    SPF_M_IP4 ? "%sip4:0.0.0.0/1 %sip4:128.0.0.0/1" :
				    "%sip6:::/1 %sip6:8000::/1", q, q);
				break;
			}
			ipaddr_format(&t->net, addr);
			spf_served_add(&v, &n, cost, "%s%s:%s/%d", q,
			    t->mech == SPF_M_IP4 ? "ip4" : "ip6", addr, t->prefix);
			break;
		default:
			/* include: a synthetic target; a, mx, ptr, exists: a
			 * synthetic name evaluated by us */
			if ((s = spf_eval_syn_new(e, t->mech == SPF_M_INCLUDE ?
			    SYN_INCLUDE : SYN_TERM, rec, (int)i)) < 0)
				goto out;
			e->recs[rec].term_syn[i] = s;
			spf_served_add(&v, &n, spf_syn_cost(s), "%s%s:s%d"
			    SYN_SUFFIX, q, t->mech == SPF_M_INCLUDE ? "include" :
			    "exists", s);
			break;
		}
	}
	/* RFC 7208 6.1: redirect is ignored when the record has "all" */
	f = &e->recs[rec];
	if (f->rec.redirect != NULL && !f->rec.has_all) {
		if ((s = spf_eval_syn_new(e, SYN_REDIRECT, rec, -1)) < 0)
			goto out;
		e->recs[rec].redirect_syn = s;
	}
	/* chunks: as many terms as fit, then a redirect to the next one */
	str_init(&chunk);
	for (start = 0, cont = 0; ; start = i) {
		str_reset(&chunk);
		str_append(&chunk, "v=spf1");
		for (i = start, cost = 0; i < n && (i == start ||
		    cost + v[i].cost <= SERVED_BUDGET); i++) {
			cost += v[i].cost;
			str_appendf(&chunk, " %s", v[i].text);
		}
		tail = i >= n;
		if (!tail) {
			if ((s = spf_eval_syn_new(e, SYN_CONT, rec, cont)) < 0) {
				str_free(&chunk);
				goto out;
			}
			str_appendf(&chunk, " redirect=s%d" SYN_SUFFIX, s);
		} else if (e->recs[rec].redirect_syn >= 0)
			str_appendf(&chunk, " redirect=s%d" SYN_SUFFIX,
			    e->recs[rec].redirect_syn);
		f = &e->recs[rec];
		if (start == 0)
			str_append(out, str_cstr(&chunk));
		else {
			f->chunks = mem_grow(f->chunks, f->nchunks,
			    sizeof(char *));
			f->chunks[f->nchunks++] = mem_strdup(str_cstr(&chunk));
		}
		cont++;
		if (tail)
			break;
	}
	str_free(&chunk);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		mem_free(v[i].text);
	mem_free(v);
	return rc;
}

/* spf_eval_prefetch_one - start one lookup a record names, when its
 * domain-spec has no macro (expanding one could look things up) */
static void
spf_eval_prefetch_one(struct spf_eval *e, const char *spec,
    const char *domain, int type)
{
	const char *name = spec != NULL ? spec : domain;

	/* no more lookups ahead than an evaluation may make for its terms
	 * (RFC 7208 4.6.4): a hostile record amplifies nothing */
	if (e->prefetched >= SPF_MAX_TERMS)
		return;
	if (strchr(name, '%') == NULL && spf_eval_name_ok(name)) {
		e->prefetched++;
		dns_hold_start(e->hold, name, type);
	}
}

/* spf_eval_prefetch - start together every lookup a record names */
static void
spf_eval_prefetch(struct spf_eval *e, int rec)
{
	const struct spf_fetched *f = &e->recs[rec];
	const struct spf_term *t;
	size_t i;

	if (e->hold == NULL || e->cache_only)
		return;
	for (i = 0; i < f->rec.nterms; i++) {
		t = &f->rec.terms[i];
		switch (t->mech) {
		case SPF_M_INCLUDE:
			spf_eval_prefetch_one(e, t->spec, f->domain, DNS_T_TXT);
			break;
		case SPF_M_A:
			spf_eval_prefetch_one(e, t->spec, f->domain,
			    dns_addr_type(e->ip->family));
			break;
		case SPF_M_MX:
			spf_eval_prefetch_one(e, t->spec, f->domain, DNS_T_MX);
			break;
		case SPF_M_EXISTS:
			spf_eval_prefetch_one(e, t->spec, f->domain, DNS_T_A);
			break;
		default:
			break;
		}
	}
	if (f->rec.redirect != NULL && !f->rec.has_all)
		spf_eval_prefetch_one(e, f->rec.redirect, f->domain, DNS_T_TXT);
}

/* spf_eval_ips - is the first term of an ip4/ip6 run that holds the
 * client one with this name's qualifier */
static int
spf_eval_ips(const struct spf_eval *e, const struct spf_syn *s)
{
	const struct spf_term *t;
	int i;

	for (i = s->term; i <= s->last; i++) {
		t = &e->recs[s->rec].rec.terms[i];
		if (ipaddr_in_net(e->ip, &t->net, t->prefix))
			return t->qualifier == s->qualifier;
	}
	return 0;
}

/* spf_eval_txt_answer - a TXT answer holding one string */
static dns_answer *
spf_eval_txt_answer(const char *name, const char *text)
{
	dns_answer *a;

	a = spf_eval_answer(name, DNS_T_TXT, DNS_OK);
	a->rr = mem_calloc(1, sizeof(dns_rr));
	a->rr[0].type = DNS_T_TXT;
	a->rr[0].u.txt.data = mem_strdup(text);
	a->rr[0].u.txt.len = strlen(text);
	a->count = 1;
	return a;
}

/* spf_eval_serve - fetch, select, parse and rewrite the record of a
 * domain for libspf2, which asked for it under the name "asked" */
static dns_answer *
spf_eval_serve(struct spf_eval *e, const char *domain, const char *asked,
    int parent, enum spf_syn_kind how, int stable)
{
	struct spf_fetched *f;
	struct spf_record rec;
	dns_answer *a;
	enum dns_status st;
	const char *text;
	size_t len;
	str err, served;
	int idx, rc;

	/* the top record is asked first anyway: no hint for it */
	a = spf_eval_dns(e, domain, DNS_T_TXT, stable && how != SYN_TOP);
	if (a->status == DNS_TEMPFAIL || a->status == DNS_ERROR) {
		dns_answer_unref(a);
		return spf_eval_answer(asked, DNS_T_TXT, DNS_TEMPFAIL);
	}
	str_init(&err);
	rc = spf_record_select(a, &text, &len, &err);
	if (rc > 0) {
		/* no SPF record: none at the top; below it a void lookup and
		 * a permerror (RFC 7208 5.2, 6.1), with our words for it so
		 * that no synthetic name reaches a reply */
		st = a->status == DNS_NXDOMAIN ? DNS_NXDOMAIN : DNS_NODATA;
		if (how != SYN_TOP) {
			st = DNS_TEMPFAIL;
			if (spf_eval_void(e, a))
				spf_eval_force(e, "%s%s in the record of %s: %s "
				    "has no SPF record", how == SYN_INCLUDE ?
				    "include:" : "redirect=", domain,
				    e->recs[parent].domain, domain);
		}
		dns_answer_unref(a);
		str_free(&err);
		return spf_eval_answer(asked, DNS_T_TXT, st);
	}
	if (rc == 0 && spf_record_parse(text, len, &rec, &err) != 0)
		rc = -1;
	if (rc < 0) {
		str_init(&served);
		str_appendf(&served, "the SPF record of %s is invalid: %s",
		    domain, str_cstr(&err));
		spf_eval_force(e, "%s", str_cstr(&served));
		str_free(&served);
		str_free(&err);
		dns_answer_unref(a);
		return spf_eval_answer(asked, DNS_T_TXT, DNS_TEMPFAIL);
	}
	str_free(&err);
	e->recs = mem_grow(e->recs, e->nrecs, sizeof(*e->recs));
	idx = (int)e->nrecs++;
	f = &e->recs[idx];
	memset(f, 0, sizeof(*f));
	f->domain = mem_strdup(domain);
	f->raw = mem_strndup(text, len);
	f->rec = rec;
	f->parent = parent;
	f->how = how;
	f->stable = stable;
	dns_answer_unref(a);
	spf_eval_prefetch(e, idx);
	str_init(&served);
	if (spf_eval_rewrite(e, idx, &served) != 0) {
		str_free(&served);
		return spf_eval_answer(asked, DNS_T_TXT, DNS_TEMPFAIL);
	}
	e->recs[idx].served = str_steal(&served);
	if (how == SYN_TOP)
		e->top = e->effective = idx;
	else if (how == SYN_REDIRECT && parent == e->effective)
		e->effective = idx;	/* the chain whose exp= counts */
	return spf_eval_txt_answer(asked, e->recs[idx].served);
}

/* spf_eval_syn_index - the number of a synthetic name, -1 if not one */
static int
spf_eval_syn_index(const char *name)
{
	size_t n, sl;
	char *end;
	long v;

	n = strlen(name);
	if (n > 0 && name[n - 1] == '.')
		n--;
	sl = strlen(SYN_SUFFIX);
	if (n <= sl + 1 || (name[0] != 's' && name[0] != 'S') ||
	    strncasecmp(name + n - sl, SYN_SUFFIX, sl) != 0)
		return -1;
	v = strtol(name + 1, &end, 10);
	if (end != name + n - sl || v < 0 || v > SPF_MAX_SYN)
		return -1;
	return (int)v;
}

/* spf_eval_lookup - libspf2 asks a question */
dns_answer *
spf_eval_lookup(struct spf_eval *e, const char *name, int type)
{
	struct spf_syn *s;
	dns_answer *a;
	str target;
	int idx, rc;

	if (e->forced || e->missed)
		return spf_eval_answer(name, type, DNS_TEMPFAIL);
	idx = spf_eval_syn_index(name);
	if (idx < 0 || (size_t)idx >= e->nsyn) {
		/* the checked domain's own record */
		if (type == DNS_T_TXT && e->top < 0)
			return spf_eval_serve(e, name, name, -1, SYN_TOP, 1);
		if (type == DNS_T_TXT && strcasecmp(name,
		    e->recs[e->top].domain) == 0)
			return spf_eval_txt_answer(name, e->recs[e->top].served);
		/* libspf2's own extras (header comments): not part of the
		 * check, no DNS for them */
		return spf_eval_answer(name, type, DNS_NXDOMAIN);
	}
	s = &e->syn[idx];
	if (s->kind == SYN_CONT) {
		/* the next chunk of a record too big for libspf2 in one */
		if (type != DNS_T_TXT)
			return spf_eval_answer(name, type, DNS_NODATA);
		return spf_eval_txt_answer(name,
		    e->recs[s->rec].chunks[s->term]);
	}
	if (s->kind == SYN_TERM || s->kind == SYN_IPS) {
		if (type != DNS_T_A)
			return spf_eval_answer(name, type, DNS_NODATA);
		if (s->kind == SYN_IPS)
			rc = spf_eval_ips(e, s) ? T_MATCH : T_NOMATCH;
		else
			rc = spf_eval_term(e, s->rec, s->term);
		s = &e->syn[idx];
		if (rc == T_TEMP || rc == T_STOP)
			return spf_eval_answer(name, type, DNS_TEMPFAIL);
		s->outcome = rc == T_MATCH;
		if (!s->outcome)
			return spf_eval_answer(name, type, DNS_NXDOMAIN);
		a = spf_eval_answer(name, type, DNS_OK);
		a->rr = mem_calloc(1, sizeof(dns_rr));
		a->rr[0].type = DNS_T_A;
		inet_pton(AF_INET, "127.0.0.2", &a->rr[0].u.a);
		a->count = 1;
		return a;
	}
	/* include: or redirect= target */
	if (type != DNS_T_TXT)
		return spf_eval_answer(name, type, DNS_NODATA);
	if (!spf_eval_term_count(e))
		return spf_eval_answer(name, type, DNS_TEMPFAIL);
	str_init(&target);
	spf_eval_expand(e, s->kind == SYN_INCLUDE ?
	    e->recs[s->rec].rec.terms[s->term].spec :
	    e->recs[s->rec].rec.redirect, e->recs[s->rec].domain,
	    SPF_EXPAND_DOMAIN, &target);
	if (e->missed || e->forced) {
		str_free(&target);
		return spf_eval_answer(name, type, DNS_TEMPFAIL);
	}
	if (!spf_eval_name_ok(str_cstr(&target))) {
		/* a target that cannot exist has no record: a permerror for
		 * include and redirect alike */
		spf_eval_force(e, "%s in the record of %s expands to \"%s\", "
		    "which is not a domain name", s->kind == SYN_INCLUDE ?
		    "include" : "redirect", e->recs[s->rec].domain,
		    str_cstr(&target));
		str_free(&target);
		return spf_eval_answer(name, type, DNS_TEMPFAIL);
	}
	a = spf_eval_serve(e, str_cstr(&target), name, s->rec, s->kind,
	    spf_eval_stable(e, s->rec, s->kind == SYN_INCLUDE ?
	    e->recs[s->rec].rec.terms[s->term].spec :
	    e->recs[s->rec].rec.redirect));
	if (a->status == DNS_OK)
		e->syn[idx].target = (int)e->nrecs - 1;
	str_free(&target);
	return a;
}

/* spf_eval_top_record - the checked domain's record as published */
const char *
spf_eval_top_record(const struct spf_eval *e)
{
	return e->top >= 0 ? e->recs[e->top].raw : NULL;
}

/* spf_eval_explanation - RFC 7208 6.2: the exp= text, or -1 */
int
spf_eval_explanation(struct spf_eval *e, str *out)
{
	const struct spf_fetched *f;
	dns_answer *a;
	str name;
	int rc;

	if (e->effective < 0 || e->recs[e->effective].rec.exp == NULL)
		return -1;
	f = &e->recs[e->effective];
	str_init(&name);
	spf_eval_expand(e, f->rec.exp, f->domain, SPF_EXPAND_DOMAIN, &name);
	rc = -1;
	if (!e->missed && spf_eval_name_ok(str_cstr(&name))) {
		/* any error, no record or several: as if there were no exp= */
		a = spf_eval_dns(e, str_cstr(&name), DNS_T_TXT, 0);
		if (a->status == DNS_OK && a->count == 1 &&
		    spf_record_macro_valid(a->rr[0].u.txt.data,
		    a->rr[0].u.txt.len, 1)) {
			f = &e->recs[e->effective];
			spf_eval_expand(e, a->rr[0].u.txt.data, f->domain,
			    SPF_EXPAND_EXPLAIN, out);
			rc = e->missed ? -1 : 0;
		}
		dns_answer_unref(a);
	}
	str_free(&name);
	return rc;
}

/* spf_eval_walk - redo a record's evaluation from what was recorded:
 * 0..SPFR_COUNT-1 a result, -1 no term matched, -2 unknown */
static int
spf_eval_walk(const struct spf_eval *e, int rec, int depth, int *drec,
    int *dterm)
{
	const struct spf_fetched *f;
	const struct spf_term *t;
	const struct spf_syn *s;
	size_t i;
	int match, sub, dr, dt;

	if (rec < 0 || depth > SPF_MAX_TERMS + 1)
		return -2;
	f = &e->recs[rec];
	for (i = 0; i < f->rec.nterms; i++) {
		t = &f->rec.terms[i];
		switch (t->mech) {
		case SPF_M_ALL:
			match = 1;
			break;
		case SPF_M_IP4:
		case SPF_M_IP6:
			match = ipaddr_in_net(e->ip, &t->net, t->prefix);
			break;
		case SPF_M_INCLUDE:
			s = &e->syn[f->term_syn[i]];
			sub = spf_eval_walk(e, s->target, depth + 1, &dr, &dt);
			if (sub == -2)
				return -2;
			match = sub == SPFR_PASS;
			break;
		default:
			s = &e->syn[f->term_syn[i]];
			if (s->outcome < 0)
				return -2;
			match = s->outcome;
			break;
		}
		if (match) {
			*drec = rec;
			*dterm = (int)i;
			switch (t->qualifier) {
			case '-':
				return SPFR_FAIL;
			case '~':
				return SPFR_SOFTFAIL;
			case '?':
				return SPFR_NEUTRAL;
			default:
				return SPFR_PASS;
			}
		}
	}
	if (f->redirect_syn >= 0)
		return spf_eval_walk(e, e->syn[f->redirect_syn].target,
		    depth + 1, drec, dterm);
	return -1;
}

/* spf_eval_decider - the term that produced the result, or -1 */
int
spf_eval_decider(struct spf_eval *e, int result, str *term, str *domain)
{
	int rec, t, r;

	if (e->top < 0)
		return -1;
	rec = t = -1;
	r = spf_eval_walk(e, e->top, 0, &rec, &t);
	if (r != result || rec < 0 || t < 0)
		return -1;
	str_append(term, e->recs[rec].rec.terms[t].text);
	str_append(domain, e->recs[rec].domain);
	return 0;
}
