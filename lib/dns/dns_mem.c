/*
 * dns_mem - in-memory zone data and the resolver backend over it; see
 * dns_mem.h. Lookups are answered synchronously inside submit, unless
 * dns_mem_hold() keeps them for dns_mem_release().
 */
#include "config.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "dns/dns.h"
#include "dns/dns_backend.h"
#include "dns/dns_mem.h"

struct dns_mem_rec {
	struct dns_mem_rec	*next;
	char			*name;
	int			 type;
	dns_rr			 rr;
};

struct dns_mem_fault {
	struct dns_mem_fault	*next;
	char			*name;
	int			 type;
	enum dns_status		 status;
};

struct dns_mem {
	pthread_mutex_t		 lock;
	struct dns_mem_rec	*recs;
	struct dns_mem_fault	*faults;
	uint32_t		 ttl;
	unsigned long		 lookups;
	int			 holding;	/* dns_mem_hold */
	struct dns_query	**held;		/* kept unanswered */
	size_t			 nheld, held_cap;
};

/* dns_mem_create - empty zone data */
dns_mem *
dns_mem_create(void)
{
	dns_mem *m;

	m = mem_calloc(1, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	m->ttl = 300;
	return m;
}

/* dns_mem_free - release all zone data */
void
dns_mem_free(dns_mem *m)
{
	struct dns_mem_rec *r;
	struct dns_mem_fault *f;

	if (m == NULL)
		return;
	while ((r = m->recs) != NULL) {
		m->recs = r->next;
		dns_rr_clear(&r->rr);
		mem_free(r->name);
		mem_free(r);
	}
	while ((f = m->faults) != NULL) {
		m->faults = f->next;
		mem_free(f->name);
		mem_free(f);
	}
	mem_free(m->held);	/* released already: see dns_mem.h */
	pthread_mutex_destroy(&m->lock);
	mem_free(m);
}

/* dns_mem_name - normalized owner name; unusable names kept verbatim */
static char *
dns_mem_name(const char *name)
{
	const char *why;
	str norm;

	str_init(&norm);
	if (dns_name_normalize(name, &norm, &why) != 0) {
		str_free(&norm);
		return mem_strdup(name);
	}
	return str_steal(&norm);
}

/* dns_mem_link - add a record to the zone data */
static void
dns_mem_link(dns_mem *m, const char *name, int type, dns_rr *rr)
{
	struct dns_mem_rec *r, **pp;

	r = mem_calloc(1, sizeof(*r));
	r->name = dns_mem_name(name);
	r->type = type;
	r->rr = *rr;
	r->rr.type = type;
	pthread_mutex_lock(&m->lock);
	/* keep insertion order: record order matters to some tests */
	for (pp = &m->recs; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = r;
	pthread_mutex_unlock(&m->lock);
}

/* dns_mem_add_txt - a TXT (or SPF) record with exact bytes */
void
dns_mem_add_txt(dns_mem *m, const char *name, int type, const char *data,
    size_t len)
{
	dns_rr rr;
	char *copy;

	memset(&rr, 0, sizeof(rr));
	copy = mem_alloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	rr.u.txt.data = copy;
	rr.u.txt.len = len;
	dns_mem_link(m, name, type, &rr);
}

/* dns_mem_add_mx - an MX record with any exchange text */
void
dns_mem_add_mx(dns_mem *m, const char *name, unsigned pref, const char *host)
{
	dns_rr rr;

	memset(&rr, 0, sizeof(rr));
	rr.u.mx.pref = pref;
	rr.u.mx.host = dns_mem_name(host);
	dns_mem_link(m, name, DNS_T_MX, &rr);
}

/* dns_mem_add - a record from its text form */
int
dns_mem_add(dns_mem *m, const char *name, int type, const char *rdata,
    str *err)
{
	dns_rr rr;
	char *end;
	long pref;

	memset(&rr, 0, sizeof(rr));
	switch (type) {
	case DNS_T_A:
		if (inet_pton(AF_INET, rdata, &rr.u.a) != 1)
			goto bad;
		break;
	case DNS_T_AAAA:
		if (inet_pton(AF_INET6, rdata, &rr.u.aaaa) != 1)
			goto bad;
		break;
	case DNS_T_MX:
		pref = strtol(rdata, &end, 10);
		if (end == rdata || *end != ' ' || pref < 0 || pref > 65535)
			goto bad;
		while (*end == ' ')
			end++;
		rr.u.mx.pref = (unsigned)pref;
		rr.u.mx.host = dns_mem_name(end);
		break;
	case DNS_T_TXT:
	case DNS_T_SPF:
		dns_mem_add_txt(m, name, type, rdata, strlen(rdata));
		return 0;
	case DNS_T_PTR:
	case DNS_T_CNAME:
	case DNS_T_NS:
		rr.u.name = dns_mem_name(rdata);
		break;
	default:
		str_appendf(err, "record type %d not supported", type);
		return -1;
	}
	dns_mem_link(m, name, type, &rr);
	return 0;
bad:
	str_appendf(err, "bad %s record data \"%s\"", dns_type_name(type), rdata);
	return -1;
}

/* dns_mem_set_fault - answer a name/type with a failure status */
void
dns_mem_set_fault(dns_mem *m, const char *name, int type,
    enum dns_status status)
{
	struct dns_mem_fault *f;

	f = mem_calloc(1, sizeof(*f));
	f->name = dns_mem_name(name);
	f->type = type;
	f->status = status;
	pthread_mutex_lock(&m->lock);
	f->next = m->faults;
	m->faults = f;
	pthread_mutex_unlock(&m->lock);
}

/* dns_mem_set_ttl - TTL of every answer */
void
dns_mem_set_ttl(dns_mem *m, uint32_t ttl)
{
	m->ttl = ttl;
}

/* dns_mem_lookups - lookups that reached the zone data */
unsigned long
dns_mem_lookups(dns_mem *m)
{
	unsigned long n;

	pthread_mutex_lock(&m->lock);
	n = m->lookups;
	pthread_mutex_unlock(&m->lock);
	return n;
}

/* dns_mem_exists - does the name own or sit above any record (lock held) */
static int
dns_mem_exists(dns_mem *m, const char *name)
{
	struct dns_mem_rec *r;
	size_t nl, rl;

	nl = strlen(name);
	for (r = m->recs; r != NULL; r = r->next) {
		if (strcmp(r->name, name) == 0)
			return 1;
		rl = strlen(r->name);
		if (rl > nl && r->name[rl - nl - 1] == '.' &&
		    strcmp(r->name + rl - nl, name) == 0)
			return 1;
	}
	return 0;
}

/* dns_mem_answer - answer one question from the zone data */
static dns_answer *
dns_mem_answer(dns_mem *m, const char *qname, int type)
{
	struct dns_mem_rec *r;
	struct dns_mem_fault *f;
	dns_answer *a;
	char *cur;
	size_t n;
	unsigned depth;
	str msg;

	pthread_mutex_lock(&m->lock);
	m->lookups++;
	for (f = m->faults; f != NULL; f = f->next) {
		if (strcmp(f->name, qname) == 0 &&
		    (f->type == 0 || f->type == type)) {
			pthread_mutex_unlock(&m->lock);
			str_init(&msg);
			str_appendf(&msg, "no reply for %s/%s (simulated %s)",
			    qname, dns_type_name(type),
			    f->status == DNS_TEMPFAIL ? "timeout" : "error");
			a = dns_answer_new(qname, type, f->status,
			    str_cstr(&msg));
			str_free(&msg);
			return a;
		}
	}
	cur = mem_strdup(qname);
	for (depth = 0; type != DNS_T_CNAME && depth <= DNS_CNAME_DEPTH;
	    depth++) {
		for (r = m->recs; r != NULL; r = r->next)
			if (r->type == DNS_T_CNAME && strcmp(r->name, cur) == 0)
				break;
		if (r == NULL)
			break;
		mem_free(cur);
		cur = mem_strdup(r->rr.u.name);
	}
	a = dns_answer_new(qname, type, DNS_NODATA, NULL);
	mem_free(a->canon);
	a->canon = cur;
	a->ttl = m->ttl;
	if (depth > DNS_CNAME_DEPTH) {
		pthread_mutex_unlock(&m->lock);
		dns_answer_unref(a);
		return dns_answer_new(qname, type, DNS_TEMPFAIL,
		    "CNAME chain too long or looping");
	}
	for (n = 0, r = m->recs; r != NULL; r = r->next)
		if (r->type == type && strcmp(r->name, cur) == 0)
			n++;
	if (n > 0) {
		a->rr = mem_calloc(n, sizeof(dns_rr));
		for (r = m->recs; r != NULL; r = r->next)
			if (r->type == type && strcmp(r->name, cur) == 0)
			{
				dns_rr_copy(&a->rr[a->count], &r->rr);
				a->rr[a->count++].ttl = m->ttl;
			}
		a->status = DNS_OK;
	} else if (!dns_mem_exists(m, cur))
		a->status = DNS_NXDOMAIN;
	pthread_mutex_unlock(&m->lock);
	return a;
}

/* dns_mem_submit - the backend's submit: answer at once, or keep the
 * lookup for dns_mem_release */
static void
dns_mem_submit(void *impl, struct dns_query *q)
{
	dns_mem *m = impl;

	pthread_mutex_lock(&m->lock);
	if (m->holding) {
		if (m->nheld == m->held_cap) {
			m->held_cap = m->held_cap > 0 ? 2 * m->held_cap : 8;
			m->held = mem_realloc(m->held,
			    m->held_cap * sizeof(*m->held));
		}
		m->held[m->nheld++] = q;
		pthread_mutex_unlock(&m->lock);
		return;
	}
	pthread_mutex_unlock(&m->lock);
	dns_resolver_complete(q, dns_mem_answer(m, q->name, q->type));
}

/* dns_mem_hold - keep the lookups from now on unanswered */
void
dns_mem_hold(dns_mem *m)
{
	pthread_mutex_lock(&m->lock);
	m->holding = 1;
	pthread_mutex_unlock(&m->lock);
}

/* dns_mem_held - how many lookups are kept unanswered */
size_t
dns_mem_held(dns_mem *m)
{
	size_t n;

	pthread_mutex_lock(&m->lock);
	n = m->nheld;
	pthread_mutex_unlock(&m->lock);
	return n;
}

/* dns_mem_release - answer the kept lookups, and the later ones at once;
 * how many were kept */
size_t
dns_mem_release(dns_mem *m)
{
	struct dns_query **held;
	size_t i, n;

	pthread_mutex_lock(&m->lock);
	m->holding = 0;
	held = m->held;
	n = m->nheld;
	m->held = NULL;
	m->nheld = m->held_cap = 0;
	pthread_mutex_unlock(&m->lock);
	for (i = 0; i < n; i++)
		dns_resolver_complete(held[i], dns_mem_answer(m,
		    held[i]->name, held[i]->type));
	mem_free(held);
	return n;
}

/* dns_mem_destroy - answer what is still held (a resolver released
 * before dns_mem_release: a test that failed half-way); the data is the
 * caller's */
static void
dns_mem_destroy(void *impl)
{
	(void)dns_mem_release(impl);
}

/* dns_resolver_create_mem - a resolver answering from the zone data (see
 * dns.h); the data stays the caller's */
dns_resolver *
dns_resolver_create_mem(dns_mem *m, const struct dns_options *opts)
{
	struct dns_backend be;

	be.submit = dns_mem_submit;
	be.destroy = dns_mem_destroy;
	be.impl = m;
	return dns_resolver_new(opts, &be);
}
