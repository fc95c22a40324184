/*
 * dns_cache - shared, bounded, TTL-honouring answer cache; see dns_cache.h.
 *
 * A hash table (chained) finds entries; a doubly linked list keeps them in
 * least-recently-used order for eviction. The table has a fixed number of
 * buckets sized from the entry limit, so it never rehashes. The hash is
 * SipHash under a random key per process, so the names a sender chooses
 * (SPF macros, HELO, PTR names) cannot be made to share a bucket; and
 * each entry knows the link that points to it, so taking one out (expiry,
 * eviction of the oldest) never walks a chain.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "util/mem.h"
#include "util/siphash.h"
#include "dns/dns.h"
#include "dns/dns_cache.h"

struct dns_cache_entry {
	struct dns_cache_entry	*hnext;		/* bucket chain */
	struct dns_cache_entry	**hlink;	/* what points to this entry */
	struct dns_cache_entry	*prev, *next;	/* LRU list, head = newest */
	unsigned		 hash;
	int64_t			 expires;	/* monotonic ms */
	dns_answer		*answer;
};

struct dns_cache {
	pthread_mutex_t		 lock;
	struct dns_cache_entry	**buckets;
	size_t			 nbuckets;	/* power of two */
	size_t			 count, max;
	uint32_t		 max_ttl, max_neg_ttl;
	struct dns_cache_entry	*head, *tail;
};

/* dns_key_hash - the keyed hash of a lookup key (type and name) */
unsigned
dns_key_hash(const char *name, int type)
{
	uint64_t h;

	h = siphash24(siphash_process_key(), name, strlen(name));
	h ^= (uint64_t)(unsigned)type * 0x9e3779b97f4a7c15ULL;
	return (unsigned)(h ^ (h >> 32));
}

/* dns_cache_create - an empty cache */
dns_cache *
dns_cache_create(size_t max, uint32_t max_ttl, uint32_t max_neg_ttl)
{
	dns_cache *c;

	c = mem_calloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->max = max;
	c->max_ttl = max_ttl;
	c->max_neg_ttl = max_neg_ttl;
	for (c->nbuckets = 64; c->nbuckets < max; c->nbuckets *= 2)
		;
	c->buckets = mem_calloc(c->nbuckets, sizeof(*c->buckets));
	return c;
}

/* dns_cache_unlink - take an entry out of the table and the list */
static void
dns_cache_unlink(dns_cache *c, struct dns_cache_entry *e)
{
	*e->hlink = e->hnext;
	if (e->hnext != NULL)
		e->hnext->hlink = e->hlink;
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	c->count--;
}

/* dns_cache_drop - unlink and free an entry */
static void
dns_cache_drop(dns_cache *c, struct dns_cache_entry *e)
{
	dns_cache_unlink(c, e);
	dns_answer_unref(e->answer);
	mem_free(e);
}

/* dns_cache_push_front - make an entry the most recently used */
static void
dns_cache_push_front(dns_cache *c, struct dns_cache_entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head != NULL)
		c->head->prev = e;
	c->head = e;
	if (c->tail == NULL)
		c->tail = e;
}

/* dns_cache_find - the entry for name/type, or NULL (lock held) */
static struct dns_cache_entry *
dns_cache_find(dns_cache *c, const char *name, int type, unsigned hash)
{
	struct dns_cache_entry *e;

	for (e = c->buckets[hash & (c->nbuckets - 1)]; e != NULL; e = e->hnext)
		if (e->hash == hash && e->answer->type == type &&
		    strcmp(e->answer->name, name) == 0)
			return e;
	return NULL;
}

/* dns_cache_get - a live cached answer, or NULL */
dns_answer *
dns_cache_get(dns_cache *c, const char *name, int type, int64_t now)
{
	struct dns_cache_entry *e;
	dns_answer *a;
	unsigned hash;

	if (c->max == 0)
		return NULL;
	hash = dns_key_hash(name, type);
	a = NULL;
	pthread_mutex_lock(&c->lock);
	if ((e = dns_cache_find(c, name, type, hash)) != NULL) {
		if (e->expires <= now) {
			dns_cache_drop(c, e);
		} else {
			/* move to the front of the LRU list */
			if (e != c->head) {
				e->prev->next = e->next;
				if (e->next != NULL)
					e->next->prev = e->prev;
				else
					c->tail = e->prev;
				dns_cache_push_front(c, e);
			}
			a = dns_answer_ref(e->answer);
		}
	}
	pthread_mutex_unlock(&c->lock);
	return a;
}

/* dns_cache_put - remember an answer if it may be reused */
void
dns_cache_put(dns_cache *c, dns_answer *a, int64_t now)
{
	struct dns_cache_entry *e;
	uint32_t ttl;
	unsigned hash;

	if (c->max == 0)
		return;
	switch (a->status) {
	case DNS_OK:
		ttl = a->ttl < c->max_ttl ? a->ttl : c->max_ttl;
		break;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
		ttl = a->ttl < c->max_neg_ttl ? a->ttl : c->max_neg_ttl;
		break;
	default:
		return;		/* never cache a failure as an answer */
	}
	if (ttl == 0)
		return;
	hash = dns_key_hash(a->name, a->type);
	pthread_mutex_lock(&c->lock);
	if ((e = dns_cache_find(c, a->name, a->type, hash)) != NULL)
		dns_cache_drop(c, e);
	while (c->count >= c->max && c->tail != NULL)
		dns_cache_drop(c, c->tail);
	e = mem_calloc(1, sizeof(*e));
	e->hash = hash;
	e->expires = now + (int64_t)ttl * 1000;
	e->answer = dns_answer_ref(a);
	e->hlink = &c->buckets[hash & (c->nbuckets - 1)];
	e->hnext = *e->hlink;
	if (e->hnext != NULL)
		e->hnext->hlink = &e->hnext;
	*e->hlink = e;
	dns_cache_push_front(c, e);
	c->count++;
	pthread_mutex_unlock(&c->lock);
}

/* dns_cache_count - number of entries held */
size_t
dns_cache_count(dns_cache *c)
{
	size_t n;

	pthread_mutex_lock(&c->lock);
	n = c->count;
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* dns_cache_longest_chain - the most entries in one bucket */
size_t
dns_cache_longest_chain(dns_cache *c)
{
	struct dns_cache_entry *e;
	size_t i, n, most;

	pthread_mutex_lock(&c->lock);
	for (most = 0, i = 0; i < c->nbuckets; i++) {
		for (n = 0, e = c->buckets[i]; e != NULL; e = e->hnext)
			n++;
		if (n > most)
			most = n;
	}
	pthread_mutex_unlock(&c->lock);
	return most;
}

/* dns_cache_free - drop every entry and the cache */
void
dns_cache_free(dns_cache *c)
{
	if (c == NULL)
		return;
	while (c->head != NULL)
		dns_cache_drop(c, c->head);
	mem_free(c->buckets);
	pthread_mutex_destroy(&c->lock);
	mem_free(c);
}
