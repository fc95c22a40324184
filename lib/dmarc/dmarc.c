/*
 * dmarc - DMARC policy discovery, alignment and result; see dmarc.h.
 *
 * RFC 9989 mode (the default) finds both the policy record and the
 * Organizational Domain with the DNS Tree Walk: ask _dmarc.<name> for the
 * domain and then for shorter and shorter parents (a name of more than
 * eight labels jumps to its last seven first), at most eight questions.
 * The first record found is the policy record. For the Organizational
 * Domain the walk goes on: a record with psd=n makes its domain the
 * Organizational Domain, psd=y makes it the name one label below; else
 * it is the shortest name that has a record, or the domain itself.
 * RFC 7489 mode asks _dmarc.<domain> and then _dmarc.<org>, the
 * Organizational Domain being the registrable domain by the PSL.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpsl.h>

#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "spf/spf.h"
#include "dmarc/dmarc.h"
#include "dmarc/dmarc_record.h"

#define DMARC_MAX_LOOKUPS	64	/* all queries of one check */

struct dmarc_engine {
	enum dmarc_mode	 mode;
	psl_ctx_t	*psl;
};

/* what one _dmarc lookup found */
enum dmarc_found {
	FOUND_RECORD, FOUND_NONE, FOUND_TEMP, FOUND_BROKEN
};

/* the state of one check */
struct dmarc_ctx {
	dmarc_engine		*engine;
	dns_resolver		*resolver;
	dns_hold		*hold;		/* prefetched lookups, or NULL */
	int64_t			 deadline;
	unsigned		 lookups;
	str			 temp;		/* first temporary failure */
};

/* dmarc_ctx_init - one evaluation's lookup budget and deadline */
static void
dmarc_ctx_init(struct dmarc_ctx *c, dmarc_engine *e, dns_resolver *res,
    int64_t deadline)
{
	memset(c, 0, sizeof(*c));
	c->engine = e;
	c->resolver = res;
	c->deadline = deadline;
	str_init(&c->temp);
}

static const char *const dmarc_result_names[] = {
	"none", "pass", "fail", "temperror", "permerror"
};
_Static_assert(sizeof(dmarc_result_names) ==
    DMARCR_COUNT * sizeof(dmarc_result_names[0]), "one word per DMARC result");

/* dmarc_result_name - the RFC 8601 word for a result */
const char *
dmarc_result_name(enum dmarc_result r)
{
	return str_word(dmarc_result_names, DMARCR_COUNT, (int)r);
}

/* dmarc_align_name - words for an alignment outcome */
const char *
dmarc_align_name(enum dmarc_align a)
{
	switch (a) {
	case DMARC_ALIGN_PASS:
		return "aligned";
	case DMARC_ALIGN_FAIL:
		return "not aligned";
	case DMARC_ALIGN_TEMP:
		return "temporary failure";
	default:
		return "did not pass";
	}
}

/* dmarc_engine_create - mode and, for RFC 7489, the PSL */
dmarc_engine *
dmarc_engine_create(enum dmarc_mode mode, const char *psl_path, str *err)
{
	dmarc_engine *e;

	e = mem_calloc(1, sizeof(*e));
	e->mode = mode;
	if (mode == DMARC_RFC7489) {
		if ((e->psl = psl_load_file(psl_path)) == NULL) {
			str_appendf(err, "cannot load the Public Suffix List "
			    "from %s (Debian package publicsuffix)", psl_path);
			mem_free(e);
			return NULL;
		}
	}
	return e;
}

/* dmarc_engine_free - release the engine */
void
dmarc_engine_free(dmarc_engine *e)
{
	if (e == NULL)
		return;
	if (e->psl != NULL)
		psl_free(e->psl);
	mem_free(e);
}

/* dmarc_engine_mode - which DMARC the engine does */
enum dmarc_mode
dmarc_engine_mode(const dmarc_engine *e)
{
	return e->mode;
}

/* dmarc_outcome_clear - release an outcome's strings */
void
dmarc_outcome_clear(struct dmarc_outcome *o)
{
	mem_free(o->from_domain);
	mem_free(o->record_domain);
	mem_free(o->record);
	mem_free(o->dkim_domain);
	mem_free(o->reason);
	memset(o, 0, sizeof(*o));
}

/* dmarc_labels - the number of labels of a name */
static size_t
dmarc_labels(const char *name)
{
	size_t n;

	for (n = 1; *name != '\0'; name++)
		if (*name == '.' && name[1] != '\0')
			n++;
	return n;
}

/* dmarc_suffix - the last k labels of a name */
static const char *
dmarc_suffix(const char *name, size_t k)
{
	size_t n;

	for (n = dmarc_labels(name); n > k; n--)
		name = strchr(name, '.') + 1;
	return name;
}

/* dmarc_walk - the names of a DNS Tree Walk, the domain first */
size_t
dmarc_walk(const char *domain, const char **names)
{
	size_t n, k, count;

	n = dmarc_labels(domain);
	count = 0;
	names[count++] = domain;
	/* more than eight labels: the next question has seven */
	k = n > DMARC_WALK_MAX ? DMARC_WALK_MAX - 1 : n - 1;
	for (; k >= 1 && count < DMARC_WALK_MAX; k--)
		names[count++] = dmarc_suffix(domain, k);
	return count;
}

/* dmarc_fetch - the DMARC record published for a name */
static enum dmarc_found
dmarc_fetch(struct dmarc_ctx *c, const char *name, struct dmarc_record *rec,
    str *text, str *err)
{
	enum dmarc_found found;
	const char *t;
	dns_answer *a;
	size_t len;
	str q;
	int rc;

	if (++c->lookups > DMARC_MAX_LOOKUPS) {
		if (c->temp.len == 0)
			str_append(&c->temp, "too many DMARC lookups");
		return FOUND_TEMP;
	}
	str_init(&q);
	str_appendf(&q, "_dmarc.%s", name);
	a = dns_hold_lookup(c->hold, c->resolver, str_cstr(&q), DNS_T_TXT,
	    c->deadline);
	str_free(&q);
	if (a->status == DNS_TEMPFAIL) {
		if (c->temp.len == 0)
			str_append(&c->temp, a->error != NULL ? a->error :
			    "temporary DNS failure");
		dns_answer_unref(a);
		return FOUND_TEMP;
	}
	rc = dmarc_record_select(a, &t, &len);
	found = FOUND_NONE;
	if (rc == 0) {
		if (dmarc_record_parse(t, len, c->engine->mode, rec,
		    err) == 0)
			found = FOUND_RECORD;
		else
			found = FOUND_BROKEN;
		if (text != NULL) {
			str_reset(text);
			str_append_printable(text, t, len, 512);
		}
	} else if (rc < 0 && err != NULL) {
		str_reset(err);
		str_appendf(err, "several DMARC records at _dmarc.%s, so none "
		    "counts", name);
	}
	dns_answer_unref(a);
	return found;
}

/* dmarc_org_walk - the Organizational Domain by the DNS Tree Walk */
static int
dmarc_org_walk(struct dmarc_ctx *c, const char *domain, str *org)
{
	const char *names[DMARC_WALK_MAX], *highest;
	struct dmarc_record rec;
	size_t n, i;
	str err;

	str_init(&err);
	n = dmarc_walk(domain, names);
	highest = NULL;
	for (i = 0; i < n; i++) {
		switch (dmarc_fetch(c, names[i], &rec, NULL, &err)) {
		case FOUND_TEMP:
			str_free(&err);
			return -1;
		case FOUND_RECORD:
			if (rec.psd == 'n') {
				str_append(org, names[i]);
				str_free(&err);
				return 0;
			}
			if (rec.psd == 'y') {
				/* a Public Suffix Domain: one label below */
				str_append(org, i == 0 ? domain : dmarc_suffix(
				    domain, dmarc_labels(names[i]) + 1));
				str_free(&err);
				return 0;
			}
			highest = names[i];
			break;
		default:
			break;
		}
	}
	str_append(org, highest != NULL ? highest : domain);
	str_free(&err);
	return 0;
}

/* dmarc_org_psl - the Organizational Domain by the Public Suffix List */
static void
dmarc_org_psl(const dmarc_engine *e, const char *domain, str *org)
{
	const char *r;

	r = psl_registrable_domain(e->psl, domain);
	str_append(org, r != NULL ? r : domain);
}

/* dmarc_org - the Organizational Domain in the engine's mode */
static int
dmarc_org(struct dmarc_ctx *c, const char *domain, str *org)
{
	str_reset(org);
	if (c->engine->mode == DMARC_RFC7489) {
		dmarc_org_psl(c->engine, domain, org);
		return 0;
	}
	return dmarc_org_walk(c, domain, org);
}

/* dmarc_org_domain - the Organizational Domain of a domain */
int
dmarc_org_domain(dmarc_engine *e, dns_resolver *res, const char *domain,
    int64_t deadline, str *org)
{
	struct dmarc_ctx c;
	int rc;

	dmarc_ctx_init(&c, e, res, deadline);
	rc = dmarc_org(&c, domain, org);
	str_free(&c.temp);
	return rc;
}

/* dmarc_prefetch - start a domain's DMARC lookups, held for the check */
void
dmarc_prefetch(dmarc_engine *e, dns_hold *hold, const char *domain)
{
	const char *names[DMARC_WALK_MAX];
	size_t n, i;
	str q, org;

	if (domain == NULL || *domain == '\0')
		return;
	str_init(&q);
	str_init(&org);
	if (e->mode == DMARC_RFC7489) {
		names[0] = domain;
		dmarc_org_psl(e, domain, &org);
		names[1] = str_cstr(&org);
		n = strcasecmp(names[0], names[1]) != 0 ? 2 : 1;
	} else
		n = dmarc_walk(domain, names);
	for (i = 0; i < n; i++) {
		str_reset(&q);
		str_appendf(&q, "_dmarc.%s", names[i]);
		dns_hold_start(hold, str_cstr(&q), DNS_T_TXT);
	}
	str_free(&q);
	str_free(&org);
}

/* dmarc_name_ok - a name alignment can compare: labels, no empty ones */
static int
dmarc_name_ok(const char *name)
{
	size_t label;

	for (label = 0; *name != '\0'; name++) {
		if (*name == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else
			label++;
	}
	return 1;
}

/* dmarc_aligned - is auth aligned with from; -1 if it cannot be known */
static int
dmarc_aligned(struct dmarc_ctx *c, const char *auth, const char *from,
    char mode)
{
	str a, f, an, fn;
	int rc;

	if (!dmarc_name_ok(auth) || !dmarc_name_ok(from))
		return 0;
	/* absolute names: "example.com." is "example.com" */
	str_init(&an);
	str_init(&fn);
	str_append_n(&an, auth, strlen(auth) - (auth[0] != '\0' &&
	    auth[strlen(auth) - 1] == '.'));
	str_append_n(&fn, from, strlen(from) - (from[0] != '\0' &&
	    from[strlen(from) - 1] == '.'));
	str_init(&a);
	str_init(&f);
	if (strcasecmp(str_cstr(&an), str_cstr(&fn)) == 0)
		rc = 1;
	else if (mode == 's')
		rc = 0;
	else if (dmarc_org(c, str_cstr(&an), &a) != 0 ||
	    dmarc_org(c, str_cstr(&fn), &f) != 0)
		rc = -1;
	else
		rc = strcasecmp(str_cstr(&a), str_cstr(&f)) == 0;
	str_free(&a);
	str_free(&f);
	str_free(&an);
	str_free(&fn);
	return rc;
}

/* dmarc_domains_aligned - identifier alignment of two domains */
int
dmarc_domains_aligned(dmarc_engine *e, dns_resolver *res, const char *auth,
    const char *from, char mode, int64_t deadline)
{
	struct dmarc_ctx c;
	int rc;

	dmarc_ctx_init(&c, e, res, deadline);
	rc = dmarc_aligned(&c, auth, from, mode);
	str_free(&c.temp);
	return rc;
}

/* dmarc_exists - does a domain exist (RFC 9989: A, AAAA or MX records) */
static int
dmarc_exists(struct dmarc_ctx *c, const char *domain)
{
	static const int types[] = { DNS_T_A, DNS_T_AAAA, DNS_T_MX };
	dns_answer *a;
	size_t i;
	int exists;

	exists = 0;
	for (i = 0; i < 3 && !exists; i++) {
		c->lookups++;
		a = dns_lookup(c->resolver, domain, types[i], c->deadline);
		/* a temporary failure proves nothing: count it as existing */
		exists = !(a->status == DNS_NXDOMAIN || a->status ==
		    DNS_NODATA || (a->status == DNS_OK && a->count == 0));
		dns_answer_unref(a);
	}
	return exists;
}

/* dmarc_lower - one step less strict (t=y, pct= not selected) */
static enum dmarc_disp
dmarc_lower(enum dmarc_disp d)
{
	return d == DMARC_P_REJECT ? DMARC_P_QUARANTINE : DMARC_P_NONE;
}

/* dmarc_discover - find the policy record; FOUND_* */
static enum dmarc_found
dmarc_discover(struct dmarc_ctx *c, const char *from, struct dmarc_record *rec,
    str *where, str *text, str *err)
{
	const char *names[DMARC_WALK_MAX];
	enum dmarc_found f;
	size_t n, i;
	str org;

	str_init(&org);
	if (c->engine->mode == DMARC_RFC7489) {
		names[0] = from;
		dmarc_org_psl(c->engine, from, &org);
		names[1] = str_cstr(&org);
		n = strcasecmp(names[0], names[1]) != 0 ? 2 : 1;
	} else
		n = dmarc_walk(from, names);
	f = FOUND_NONE;
	for (i = 0; i < n; i++) {
		f = dmarc_fetch(c, names[i], rec, text, err);
		if (f != FOUND_NONE) {
			str_append(where, names[i]);
			break;
		}
	}
	str_free(&org);
	return f;
}

/* dmarc_set_reason - plain words into the outcome */
static void __attribute__((format(printf, 2, 3)))
dmarc_set_reason(struct dmarc_outcome *o, const char *fmt, ...)
{
	va_list ap;
	str r;

	str_init(&r);
	va_start(ap, fmt);
	str_vappendf(&r, fmt, ap);
	va_end(ap);
	mem_free(o->reason);
	o->reason = str_steal(&r);
}

/* dmarc_align_spf - the SPF side of alignment */
static enum dmarc_align
dmarc_align_spf(struct dmarc_ctx *c, const struct dmarc_input *in, char mode)
{
	int al;

	if (!in->spf_checked || in->spf_domain == NULL ||
	    in->spf_domain[0] == '\0')
		return DMARC_ALIGN_NONE;
	if (in->spf_result != SPFR_PASS && in->spf_result != SPFR_TEMPERROR)
		return DMARC_ALIGN_NONE;
	al = dmarc_aligned(c, in->spf_domain, in->from_domain, mode);
	if (al < 0)
		return DMARC_ALIGN_TEMP;
	if (in->spf_result == SPFR_TEMPERROR)
		return al ? DMARC_ALIGN_TEMP : DMARC_ALIGN_NONE;
	return al ? DMARC_ALIGN_PASS : DMARC_ALIGN_FAIL;
}

/* dmarc_align_dkim - the DKIM side: the best signature counts */
static enum dmarc_align
dmarc_align_dkim(struct dmarc_ctx *c, const struct dmarc_input *in, char mode,
    char **domain)
{
	enum dmarc_align best;
	const char *first_pass;
	size_t i;
	int al;

	best = DMARC_ALIGN_NONE;
	first_pass = NULL;
	for (i = 0; i < in->ndkim && best != DMARC_ALIGN_PASS; i++) {
		const struct dmarc_dkim *s = &in->dkim[i];

		if (s->domain == NULL || (!s->pass && !s->temperror))
			continue;
		al = dmarc_aligned(c, s->domain, in->from_domain, mode);
		if (s->pass && al == 1) {
			best = DMARC_ALIGN_PASS;
			mem_free(*domain);
			*domain = mem_strdup(s->domain);
		} else if (al != 0) {
			/* aligned but temporary, or alignment unknown */
			best = DMARC_ALIGN_TEMP;
		} else if (s->pass && first_pass == NULL)
			first_pass = s->domain;
	}
	if (best == DMARC_ALIGN_NONE && first_pass != NULL) {
		best = DMARC_ALIGN_FAIL;
		*domain = mem_strdup(first_pass);
	}
	return best;
}

/* dmarc_check - the DMARC result of one message */
void
dmarc_check(dmarc_engine *e, dns_resolver *res, const struct dmarc_input *in,
    int64_t deadline, struct dmarc_outcome *o)
{
	struct dmarc_record rec;
	struct dmarc_ctx c;
	enum dmarc_found f;
	str where, text, err;

	dmarc_outcome_clear(o);
	o->checked = 1;
	o->from_domain = mem_strdup(in->from_domain);
	o->p = o->policy = o->published = DMARC_P_NONE;
	o->adkim = o->aspf = 'r';
	dmarc_ctx_init(&c, e, res, deadline);
	c.hold = in->hold;
	str_init(&where);
	str_init(&text);
	str_init(&err);

	f = dmarc_discover(&c, in->from_domain, &rec, &where, &text, &err);
	if (f == FOUND_TEMP) {
		o->result = DMARCR_TEMPERROR;
		dmarc_set_reason(o, "the DMARC record of %s could not be "
		    "looked up: %s", in->from_domain, str_cstr(&c.temp));
		goto out;
	}
	if (where.len > 0)
		o->record_domain = mem_strdup(str_cstr(&where));
	if (text.len > 0)
		o->record = mem_strdup(str_cstr(&text));
	if (f == FOUND_BROKEN) {
		o->result = DMARCR_PERMERROR;
		dmarc_set_reason(o, "the DMARC record of %s is invalid: %s",
		    str_cstr(&where), str_cstr(&err));
		goto out;
	}
	if (f == FOUND_NONE) {
		o->result = DMARCR_NONE;
		dmarc_set_reason(o, "%s publishes no DMARC record%s%s",
		    in->from_domain, err.len ? ": " : "", str_cstr(&err));
		goto out;
	}

	/* the policy for this domain: p=, or sp=/np= from a parent */
	o->p = rec.p;
	o->published = rec.p;
	o->published_tag = "p";
	if (strcasecmp(str_cstr(&where), in->from_domain) != 0) {
		if (e->mode == DMARC_RFC9989 && rec.np != DMARC_P_UNSET &&
		    !dmarc_exists(&c, in->from_domain)) {
			o->published = rec.np;
			o->published_tag = "np";
		} else if (rec.sp != DMARC_P_UNSET) {
			o->published = rec.sp;
			o->published_tag = "sp";
		}
	}
	o->policy = o->published;
	if (e->mode == DMARC_RFC9989 && rec.testing)
		o->policy = dmarc_lower(o->policy);
	else if (e->mode == DMARC_RFC7489 && rec.pct < 100 &&
	    (int)arc4random_uniform(100) >= rec.pct)
		o->policy = dmarc_lower(o->policy);
	o->adkim = rec.adkim;
	o->aspf = rec.aspf;

	o->spf_align = dmarc_align_spf(&c, in, rec.aspf);
	o->dkim_align = dmarc_align_dkim(&c, in, rec.adkim, &o->dkim_domain);
	if (o->spf_align == DMARC_ALIGN_PASS ||
	    o->dkim_align == DMARC_ALIGN_PASS)
		o->result = DMARCR_PASS;
	else if (o->spf_align == DMARC_ALIGN_TEMP ||
	    o->dkim_align == DMARC_ALIGN_TEMP) {
		o->result = DMARCR_TEMPERROR;
		dmarc_set_reason(o, "an aligned check failed temporarily%s%s",
		    c.temp.len ? ": " : "", str_cstr(&c.temp));
	} else {
		o->result = DMARCR_FAIL;
		dmarc_set_reason(o, "neither SPF nor DKIM authenticated a "
		    "domain aligned with %s (SPF: %s, DKIM: %s)",
		    in->from_domain, dmarc_align_name(o->spf_align),
		    dmarc_align_name(o->dkim_align));
	}
out:
	o->lookups = c.lookups;
	str_free(&c.temp);
	str_free(&where);
	str_free(&text);
	str_free(&err);
}
