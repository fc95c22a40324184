/*
 * dnsbl - DNS block and allow lists; see dnsbl.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/deadline.h"
#include "util/ipaddr.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "ipcheck/dnsbl.h"

#define DNSBL_TXT_MAX		200	/* bytes of a list's TXT reason */
#define DNSBL_CODES_MAX		8	/* answer addresses kept per zone */
#define DNSBL_WARN_EVERY_MS	60000

/* the lists we know: their codes, categories and where to look up or
 * request delisting. Weights are on the default threshold of 3: a
 * Spamhaus listing alone refuses, one of the smaller lists needs a second
 * signal; DNSWL trust levels offset listings. */
static const struct dnsbl_preset dnsbl_presets[] = {
	{ "zen.spamhaus.org", "https://check.spamhaus.org/", NULL, {
		{ "127.0.0.2", "SBL", 3, DNSBL_REPUTATION },
		{ "127.0.0.3", "CSS", 3, DNSBL_REPUTATION },
		{ "127.0.0.4-7", "XBL", 3, DNSBL_REPUTATION },
		{ "127.0.0.9", "DROP", 3, DNSBL_REPUTATION },
		{ "127.0.0.10,11", "PBL", 3, DNSBL_POLICY },
	} },
	/* Spamhaus Data Query Service: "<key>.zen.dq.spamhaus.net" */
	{ ".zen.dq.spamhaus.net", "https://check.spamhaus.org/", NULL, {
		{ "127.0.0.2", "SBL", 3, DNSBL_REPUTATION },
		{ "127.0.0.3", "CSS", 3, DNSBL_REPUTATION },
		{ "127.0.0.4-7", "XBL", 3, DNSBL_REPUTATION },
		{ "127.0.0.9", "DROP", 3, DNSBL_REPUTATION },
		{ "127.0.0.10,11", "PBL", 3, DNSBL_POLICY },
	} },
	/* trust level in the last octet; 127.0.0.255: query limit */
	{ "list.dnswl.org", "https://www.dnswl.org/", "127.0.0.255", {
		{ "127.0.[0..255].0", "dnswl-none", 0, DNSBL_ALLOW },
		{ "127.0.[0..255].1", "dnswl-low", -1, DNSBL_ALLOW },
		{ "127.0.[0..255].2", "dnswl-medium", -2, DNSBL_ALLOW },
		{ "127.0.[0..255].3", "dnswl-high", -3, DNSBL_ALLOW },
	} },
	{ "bl.spamcop.net", "https://www.spamcop.net/bl.shtml?%{ip}", NULL, {
		{ "127.0.0.2", "SpamCop", 2, DNSBL_REPUTATION },
	} },
	{ "b.barracudacentral.org",
	    "https://www.barracudacentral.org/rbl/removal-request", NULL, {
		{ "127.0.0.2", "BRBL", 2, DNSBL_REPUTATION },
	} },
	{ "psbl.surriel.com", "https://psbl.org/listing?ip=%{ip}", NULL, {
		{ "127.0.0.2", "PSBL", 2, DNSBL_REPUTATION },
	} },
};

/* the config words of the classes, one per enum dnsbl_class */
const char *const dnsbl_class_names[] = {
	"reputation", "policy", "allow"
};
_Static_assert(sizeof(dnsbl_class_names) ==
    DNSBL_CLASS_COUNT * sizeof(dnsbl_class_names[0]), "one word per class");

/* dnsbl_class_name - the config word of a class */
const char *
dnsbl_class_name(enum dnsbl_class c)
{
	return str_word(dnsbl_class_names, DNSBL_CLASS_COUNT, (int)c);
}

/* dnsbl_class_parse - a class from its word, -1 if unknown */
int
dnsbl_class_parse(const char *word)
{
	return str_word_index(dnsbl_class_names, DNSBL_CLASS_COUNT, word);
}

/* dnsbl_status_name - words for the log */
const char *
dnsbl_status_name(enum dnsbl_status s)
{
	static const char *const names[] = {
		"not listed", "listed", "list error", "temperror"
	};

	return names[s];
}

/* dnsbl_set_bits - put lo..hi into an octet's bit set */
static void
dnsbl_set_bits(uint8_t *bits, unsigned lo, unsigned hi)
{
	unsigned v;

	for (v = lo; v <= hi; v++)
		bits[v / 8] |= (uint8_t)(1u << (v % 8));
}

/* dnsbl_number - a decimal 0..255; the rest in *end; -1 if none */
static int
dnsbl_number(const char *p, const char *lim, const char **end)
{
	unsigned v;
	const char *q;

	v = 0;
	for (q = p; q < lim && *q >= '0' && *q <= '9' && q - p < 3; q++)
		v = v * 10 + (unsigned)(*q - '0');
	if (q == p || v > 255 || (q < lim && *q >= '0' && *q <= '9'))
		return -1;
	*end = q;
	return (int)v;
}

/* dnsbl_octet_set - "[a..b;c]" into bits; the rest in *end; -1 if bad */
static int
dnsbl_octet_set(const char *p, const char *lim, uint8_t *bits,
    const char **end)
{
	int lo, hi;

	p++;				/* "[" */
	for (;;) {
		if ((lo = dnsbl_number(p, lim, &p)) < 0)
			return -1;
		hi = lo;
		if (lim - p >= 2 && p[0] == '.' && p[1] == '.') {
			if ((hi = dnsbl_number(p + 2, lim, &p)) < 0 || hi < lo)
				return -1;
		}
		dnsbl_set_bits(bits, (unsigned)lo, (unsigned)hi);
		if (p < lim && *p == ';') {
			p++;
			continue;
		}
		if (p < lim && *p == ']') {
			*end = p + 1;
			return 0;
		}
		return -1;
	}
}

/* dnsbl_filter_word - one filter word; -1 if it is not one */
static int
dnsbl_filter_word(const char *w, size_t n, struct dnsbl_filter *f)
{
	const char *p, *lim = w + n;
	int i, v, hi, prefix;
	int plain[4];

	memset(f, 0, sizeof(*f));
	if (n == 3 && strncasecmp(w, "any", 3) == 0) {
		dnsbl_set_bits(f->octet[0], 127, 127);
		for (i = 1; i < 4; i++)
			dnsbl_set_bits(f->octet[i], 0, 255);
		return 0;
	}
	p = w;
	for (i = 0; i < 4; i++) {
		plain[i] = -1;
		if (p < lim && *p == '[') {
			if (dnsbl_octet_set(p, lim, f->octet[i], &p) != 0)
				return -1;
		} else {
			if ((v = dnsbl_number(p, lim, &p)) < 0)
				return -1;
			hi = v;
			if (i == 3 && p < lim && *p == '-') {
				if ((hi = dnsbl_number(p + 1, lim, &p)) < 0 ||
				    hi < v)
					return -1;
			} else
				plain[i] = v;
			dnsbl_set_bits(f->octet[i], (unsigned)v, (unsigned)hi);
		}
		if (i < 3) {
			if (p >= lim || *p != '.')
				return -1;
			p++;
		}
	}
	if (p < lim && *p == '/') {
		/* a CIDR: plain octets only, no host bits set */
		for (i = 0; i < 4; i++)
			if (plain[i] < 0)
				return -1;
		if ((prefix = dnsbl_number(p + 1, lim, &p)) < 0 || prefix > 32)
			return -1;
		for (i = 0; i < 4; i++) {
			int keep = prefix - 8 * i;
			unsigned mask, lo;

			if (keep >= 8)
				continue;
			mask = keep <= 0 ? 0 : (0xffu << (8 - keep)) & 0xffu;
			if ((unsigned)plain[i] & ~mask)
				return -1;
			lo = (unsigned)plain[i];
			memset(f->octet[i], 0, sizeof(f->octet[i]));
			dnsbl_set_bits(f->octet[i], lo, lo | (~mask & 0xffu));
		}
	}
	return p == lim ? 0 : -1;
}

/* dnsbl_bare_octet - a word that is only a number 0..255, or -1 */
static int
dnsbl_bare_octet(const char *w, size_t n)
{
	const char *end;
	int v;

	if ((v = dnsbl_number(w, w + n, &end)) < 0 || end != w + n)
		return -1;
	return v;
}

/* dnsbl_filter_parse - a list of answer filters */
int
dnsbl_filter_parse(const char *text, struct dnsbl_filter **out, size_t *nout,
    str *err)
{
	struct dnsbl_filter f, *v;
	const char *p, *w;
	size_t n, nv;
	int last;

	v = NULL;
	nv = 0;
	p = text;
	while ((w = str_next_word(&p, &n)) != NULL) {
		if (nv > 0 && (last = dnsbl_bare_octet(w, n)) >= 0) {
			/* "127.0.0.10,11": the previous address with
			 * another last octet */
			f = v[nv - 1];
			memset(f.octet[3], 0, sizeof(f.octet[3]));
			dnsbl_set_bits(f.octet[3], (unsigned)last,
			    (unsigned)last);
		} else if (dnsbl_filter_word(w, n, &f) != 0) {
			str_reset(err);
			str_append_c(err, '"');
			str_append_printable(err, w, n, 60);
			str_append(err, "\" is not an answer filter (write e.g. "
			    "127.0.0.2, 127.0.0.4-7, 127.0.0.10,11, "
			    "127.0.0.0/24, 127.0.[0..255].[1;3] or any)");
			mem_free(v);
			return -1;
		}
		v = mem_grow(v, nv, sizeof(*v));
		v[nv++] = f;
	}
	if (nv == 0) {
		str_reset(err);
		str_append(err, "no answer filter given");
		return -1;
	}
	*out = v;
	*nout = nv;
	return 0;
}

/* dnsbl_filter_match - does an answer address pass any of the filters */
int
dnsbl_filter_match(const struct dnsbl_filter *f, size_t n,
    const struct in_addr *a)
{
	const unsigned char *b = (const unsigned char *)a;
	size_t i;
	int o;

	for (i = 0; i < n; i++) {
		for (o = 0; o < 4; o++)
			if (!(f[i].octet[o][b[o] / 8] & (1u << (b[o] % 8))))
				break;
		if (o == 4)
			return 1;
	}
	return 0;
}

/* dnsbl_preset - the built-in description of a known list */
const struct dnsbl_preset *
dnsbl_preset(const char *name)
{
	size_t i, nl, pl;

	nl = strlen(name);
	for (i = 0; i < sizeof(dnsbl_presets) / sizeof(dnsbl_presets[0]); i++) {
		const char *pn = dnsbl_presets[i].name;

		pl = strlen(pn);
		if (pn[0] == '.' ? nl > pl && strcasecmp(name + nl - pl, pn) == 0 :
		    strcasecmp(name, pn) == 0)
			return &dnsbl_presets[i];
	}
	return NULL;
}

/* dnsbl_listing_set - fill a listing; the codes must parse */
static void
dnsbl_listing_set(struct dnsbl_listing *l, const char *codes,
    const char *category, int weight, enum dnsbl_class class)
{
	str err;

	memset(l, 0, sizeof(*l));
	str_init(&err);
	if (dnsbl_filter_parse(codes, &l->filters, &l->nfilters, &err) != 0)
		log_panic("dnsbl: built-in codes \"%s\": %s", codes,
		    str_cstr(&err));
	str_free(&err);
	l->codes = mem_strdup(codes);
	l->category = mem_strdup(category);
	l->weight = weight;
	l->class = class;
}

/* dnsbl_zone_init - a zone with its preset listings, or "any" */
void
dnsbl_zone_init(struct dnsbl_zone *z, const char *name)
{
	const struct dnsbl_preset *p;
	str err;
	size_t i, n;

	memset(z, 0, sizeof(*z));
	z->name = mem_strdup(name);
	for (i = 0; z->name[i] != '\0'; i++)
		z->name[i] = (char)tolower((unsigned char)z->name[i]);
	n = strlen(z->name);
	if (n > 0 && z->name[n - 1] == '.')
		z->name[n - 1] = '\0';
	z->ipv6 = 1;
	if ((p = dnsbl_preset(z->name)) == NULL) {
		z->listings = mem_calloc(1, sizeof(*z->listings));
		dnsbl_listing_set(&z->listings[0], "any", "listed", 3,
		    DNSBL_REPUTATION);
		z->nlistings = 1;
		return;
	}
	z->url = p->url != NULL ? mem_strdup(p->url) : NULL;
	if (p->errors != NULL) {
		str_init(&err);
		if (dnsbl_filter_parse(p->errors, &z->errors, &z->nerrors,
		    &err) != 0)
			log_panic("dnsbl: built-in error codes: %s",
			    str_cstr(&err));
		str_free(&err);
	}
	for (n = 0; n < 8 && p->listings[n].codes != NULL; n++)
		;
	z->listings = mem_calloc(n, sizeof(*z->listings));
	for (i = 0; i < n; i++)
		dnsbl_listing_set(&z->listings[i], p->listings[i].codes,
		    p->listings[i].category, p->listings[i].weight,
		    p->listings[i].class);
	z->nlistings = n;
}

/* dnsbl_listing_free - release a listing's strings */
void
dnsbl_listing_free(struct dnsbl_listing *l)
{
	mem_free(l->codes);
	mem_free(l->filters);
	mem_free(l->category);
	mem_free(l->text);
	memset(l, 0, sizeof(*l));
}

/* dnsbl_zone_free - release a zone */
void
dnsbl_zone_free(struct dnsbl_zone *z)
{
	size_t i;

	for (i = 0; i < z->nlistings; i++)
		dnsbl_listing_free(&z->listings[i]);
	mem_free(z->listings);
	mem_free(z->errors);
	mem_free(z->name);
	mem_free(z->url);
	memset(z, 0, sizeof(*z));
}

/* dnsbl_query_name - the name to look the client up under */
void
dnsbl_query_name(const struct dnsbl_zone *z, const ipaddr *ip, str *out)
{
	ipaddr_reversed(ip, out);
	str_append_c(out, '.');
	str_append(out, z->name);
}

/* dnsbl_error_words - why an answer address is an error of the list, or
 * NULL when it is an ordinary code */
static const char *
dnsbl_error_words(const struct dnsbl_zone *z, const struct in_addr *a)
{
	const unsigned char *b = (const unsigned char *)a;

	if (b[0] != 127)
		return "an answer outside 127.0.0.0/8: the list is broken, "
		    "or its domain no longer hosts a list";
	if (b[1] == 255 && b[2] == 255) {
		switch (b[3]) {
		case 252:
			return "the list says the list name is mistyped";
		case 254:
			return "the list refuses queries through public or "
			    "shared DNS resolvers: use your own resolver or "
			    "the list's paid service";
		case 255:
			return "the list refuses: too many queries from this "
			    "resolver";
		default:
			return "an error code of the list (127.255.255.0/24)";
		}
	}
	if (z->nerrors > 0 && dnsbl_filter_match(z->errors, z->nerrors, a))
		return "an error code of the list (e.g. query limit reached)";
	return NULL;
}

/* dnsbl_classify - what one zone's A answer means */
void
dnsbl_classify(const struct dnsbl_zone *z, const dns_answer *a,
    struct dnsbl_result *r)
{
	char text[INET_ADDRSTRLEN];
	const char *err_words;
	str codes;
	size_t i, j, shown;
	int unmatched;

	memset(r, 0, sizeof(*r));
	r->zone = z;
	switch (a->status) {
	case DNS_NXDOMAIN:
	case DNS_NODATA:
		r->status = DNSBL_NOT_LISTED;
		return;
	case DNS_TEMPFAIL:
		r->status = DNSBL_TEMPERROR;
		r->error = mem_strdup(a->error != NULL ? a->error :
		    "no answer");
		return;
	case DNS_ERROR:
		r->status = DNSBL_LIST_ERROR;
		r->error = mem_strdup(a->error != NULL ? a->error :
		    "the query cannot be asked");
		return;
	case DNS_OK:
		break;
	}
	str_init(&codes);
	err_words = NULL;
	unmatched = 0;
	shown = 0;
	for (i = 0; i < a->count; i++) {
		if (a->rr[i].type != DNS_T_A)
			continue;
		if (shown++ < DNSBL_CODES_MAX) {
			inet_ntop(AF_INET, &a->rr[i].u.a, text, sizeof(text));
			str_appendf(&codes, "%s%s", codes.len ? "," : "", text);
		}
		if (err_words == NULL)
			err_words = dnsbl_error_words(z, &a->rr[i].u.a);
		unmatched++;
		for (j = 0; j < z->nlistings && j < DNSBL_MAX_LISTINGS; j++)
			if (dnsbl_filter_match(z->listings[j].filters,
			    z->listings[j].nfilters, &a->rr[i].u.a)) {
				if (!(r->hits & (1u << j)))
					r->weight += z->listings[j].weight;
				r->hits |= 1u << j;
				unmatched = 0;
			}
	}
	r->codes = codes.len ? str_steal(&codes) : NULL;
	str_free(&codes);
	if (err_words != NULL) {
		/* one error code makes the whole answer untrustworthy */
		r->status = DNSBL_LIST_ERROR;
		r->error = mem_strdup(err_words);
		r->hits = 0;
		r->weight = 0;
	} else if (r->hits != 0) {
		r->status = DNSBL_LISTED;
	} else {
		r->status = DNSBL_NOT_LISTED;
		if (shown > 0 && unmatched)
			r->error = mem_strdup("the answer matches none of the "
			    "zone's listings");
	}
}

struct dnsbl_lookup {
	struct dnsbl_set	*set;
	dns_resolver		*resolver;
	ipaddr			 ip;
	int64_t			 deadline;
	dns_query		**q;		/* per zone, NULL: not asked */
	dns_query		**txt;		/* per zone: its TXT reason */
	char			**names;
	int64_t			 started;	/* ms, for the debug log */
};

/* dnsbl_start - start every zone's lookup */
dnsbl_lookup *
dnsbl_start(const struct dnsbl_set *set, dns_resolver *res, const ipaddr *ip,
    int64_t deadline)
{
	dnsbl_lookup *l;
	size_t i;
	str name;

	if (set == NULL || set->n == 0 || ip == NULL)
		return NULL;
	l = mem_calloc(1, sizeof(*l));
	l->set = (struct dnsbl_set *)set;	/* counters only */
	l->resolver = res;
	l->ip = *ip;
	l->deadline = deadline;
	l->started = deadline_now();
	l->q = mem_calloc(set->n, sizeof(*l->q));
	l->txt = mem_calloc(set->n, sizeof(*l->txt));
	l->names = mem_calloc(set->n, sizeof(*l->names));
	for (i = 0; i < set->n; i++) {
		if (ip->family == AF_INET6 && !set->zones[i].ipv6)
			continue;
		str_init(&name);
		dnsbl_query_name(&set->zones[i], ip, &name);
		l->names[i] = str_steal(&name);
		l->q[i] = dns_query_start(res, l->names[i], DNS_T_A);
	}
	return l;
}

/* dnsbl_free - release a lookup */
static void
dnsbl_free(dnsbl_lookup *l)
{
	size_t i;

	for (i = 0; i < l->set->n; i++) {
		if (l->q[i] != NULL)
			dns_query_free(l->q[i]);
		if (l->txt[i] != NULL)
			dns_query_free(l->txt[i]);
		mem_free(l->names[i]);
	}
	mem_free(l->q);
	mem_free(l->txt);
	mem_free(l->names);
	mem_free(l);
}

/* dnsbl_cancel - forget a lookup (the answers still fill the cache) */
void
dnsbl_cancel(dnsbl_lookup *l)
{
	if (l != NULL)
		dnsbl_free(l);
}

/* dnsbl_want_txt - start the TXT lookup of a zone that listed the client
 * and wants its reason, once */
static void
dnsbl_want_txt(dnsbl_lookup *l, size_t i, const struct dnsbl_result *r)
{
	if (l->txt[i] == NULL && r->status == DNSBL_LISTED &&
	    l->set->zones[i].txt)
		l->txt[i] = dns_query_start(l->resolver, l->names[i],
		    DNS_T_TXT);
}

/* dnsbl_poll - start the TXT lookups of the zones that have already
 * answered with a listing, without waiting for the others */
void
dnsbl_poll(dnsbl_lookup *l)
{
	struct dnsbl_result r;
	dns_answer *a;
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->set->n; i++) {
		if (l->q[i] == NULL || l->txt[i] != NULL ||
		    !l->set->zones[i].txt || !dns_query_ready(l->q[i]))
			continue;
		memset(&r, 0, sizeof(r));
		a = dns_query_wait(l->q[i], 0);
		dnsbl_classify(&l->set->zones[i], a, &r);
		dns_answer_unref(a);
		dnsbl_want_txt(l, i, &r);
		mem_free(r.codes);
		mem_free(r.txt);
		mem_free(r.error);
	}
}

/* dnsbl_txt_text - the first TXT string of an answer, made safe */
static char *
dnsbl_txt_text(const dns_answer *a)
{
	size_t i;
	str s;

	if (a->status != DNS_OK)
		return NULL;
	for (i = 0; i < a->count; i++)
		if (a->rr[i].type == DNS_T_TXT && a->rr[i].u.txt.len > 0) {
			str_init(&s);
			str_append_printable(&s, a->rr[i].u.txt.data,
			    a->rr[i].u.txt.len, DNSBL_TXT_MAX);
			return str_steal(&s);
		}
	return NULL;
}

/* dnsbl_note_error - count a list error, warn at most once a minute */
static void
dnsbl_note_error(struct dnsbl_zone *z, const struct dnsbl_result *r,
    const ipaddr *ip)
{
	char text[IPADDR_STRLEN];
	unsigned long total, since;
	long long now, last;

	total = atomic_fetch_add(&z->list_errors, 1) + 1;
	since = atomic_fetch_add(&z->unwarned, 1) + 1;
	now = (long long)deadline_now();
	last = atomic_load(&z->last_warning);
	if (last != 0 && now - last < DNSBL_WARN_EVERY_MS)
		return;
	if (!atomic_compare_exchange_strong(&z->last_warning, &last, now))
		return;			/* another thread warns */
	atomic_store(&z->unwarned, 0);
	ipaddr_format(ip, text);
	log_warn("dnsbl %s: answer %s for %s is not a listing: %s; ignored "
	    "(%lu such answers since the last warning, %lu since start)",
	    z->name, r->codes != NULL ? r->codes : "(none)", text,
	    r->error != NULL ? r->error : "list error", since, total);
}

/* dnsbl_finish - the answers, classified; TXT reasons for listings */
void
dnsbl_finish(dnsbl_lookup *l, struct dnsbl_outcome *out)
{
	struct dnsbl_zone *z;
	struct dnsbl_result *r;
	dns_answer *a;
	size_t i, *zone_of;

	memset(out, 0, sizeof(*out));
	if (l == NULL)
		return;
	out->checked = 1;
	out->r = mem_calloc(l->set->n, sizeof(*out->r));
	zone_of = mem_calloc(l->set->n, sizeof(*zone_of));
	for (i = 0; i < l->set->n; i++) {
		if (l->q[i] == NULL)
			continue;
		z = &l->set->zones[i];
		zone_of[out->n] = i;
		r = &out->r[out->n++];
		a = dns_query_wait(l->q[i], l->deadline);
		dnsbl_classify(z, a, r);
		dns_answer_unref(a);
		if (r->status == DNSBL_TEMPERROR && deadline_left(l->deadline)
		    <= 0) {
			mem_free(r->error);
			r->error = mem_strdup("no answer within the DNSBL time "
			    "limit");
		}
		if (r->status == DNSBL_LIST_ERROR)
			dnsbl_note_error(z, r, &l->ip);
		if (r->status == DNSBL_LISTED) {
			out->score += r->weight;
			dnsbl_want_txt(l, i, r);
		}
	}
	if (log_get_level() >= LOG_DEBUG) {
		char text[IPADDR_STRLEN];

		ipaddr_format(&l->ip, text);
		log_debug("dnsbl %s: %zu lists answered in %lld ms, score %d",
		    text, out->n, (long long)(deadline_now() - l->started),
		    out->score);
	}
	/* the TXT reasons, all asked at once (most already by dnsbl_poll),
	 * within the same deadline */
	for (i = 0; i < out->n; i++) {
		if (out->r[i].status != DNSBL_LISTED ||
		    l->txt[zone_of[i]] == NULL)
			continue;
		a = dns_query_wait(l->txt[zone_of[i]], l->deadline);
		out->r[i].txt = dnsbl_txt_text(a);
		dns_answer_unref(a);
	}
	mem_free(zone_of);
	dnsbl_free(l);
}

/* dnsbl_outcome_clear - release an outcome */
void
dnsbl_outcome_clear(struct dnsbl_outcome *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		mem_free(o->r[i].codes);
		mem_free(o->r[i].txt);
		mem_free(o->r[i].error);
	}
	mem_free(o->r);
	memset(o, 0, sizeof(*o));
}
