/*
 * state_mem - the in-process state store: counters and blocks in a
 * bounded table, least recently used first out; see state.h.
 *
 * Each entry is one kind of thing about one key, named by a kind byte and
 * the caller's key: 'r' a rate counter, 'f' a key's refusal counter, 'b'
 * a key's block (the names the Redis store gives its keys, see
 * state_redis.c). A chained hash table finds entries, hashed with SipHash
 * under the process key (keys come from senders: they cannot choose ones
 * that share a bucket); a doubly linked list keeps them in least recently
 * used order for eviction; each entry knows the link that points to it,
 * so taking one out never walks a chain. The table has a fixed number of
 * buckets sized from the entry limit: it never rehashes.
 *
 * Every entry expires (a counter two windows after its last change, a
 * block when it ends); an expired entry is dropped when a lookup meets it
 * or a listing walks over it, and the eviction of the oldest makes room
 * for a new one when the table is full. One mutex guards everything: a
 * call does O(keys) constant-time steps under it, no I/O.
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "util/mem.h"
#include "util/siphash.h"
#include "util/str.h"
#include "state/state.h"
#include "state/state_backend.h"

#define STATE_MEM_MAX_BUCKETS	(1U << 22)

struct state_mem_entry {
	struct state_mem_entry	*hnext;		/* bucket chain */
	struct state_mem_entry	**hlink;	/* what points to this entry */
	struct state_mem_entry	*prev, *next;	/* LRU list, head = newest */
	uint64_t		 hash;
	char			*key;		/* kind + key, NUL-ended */
	size_t			 klen;
	int64_t			 expires;	/* wall-clock ms: gone then */
	struct state_counter	 counter;	/* kinds 'r' and 'f' */
	int64_t			 since;		/* kind 'b' */
	unsigned		 refusals;
	char			*reason;
};

struct state_mem {
	pthread_mutex_t		 lock;
	struct state_mem_entry	**buckets;
	size_t			 nbuckets;	/* power of two */
	size_t			 count, max;
	struct state_mem_entry	*head, *tail;
	int64_t			 last_now;	/* latest now_ms given */
	str			 name;		/* scratch: kind + key */
	_Atomic uint64_t	 entries, evicted, expired;
};

/* state_mem_name - the entry name of a kind and key, into m->name */
static uint64_t
state_mem_name(struct state_mem *m, int kind, const char *key)
{
	str_reset(&m->name);
	str_append_c(&m->name, kind);
	str_append(&m->name, key);
	return siphash24(siphash_process_key(), m->name.buf, m->name.len);
}

/* state_mem_unlink - take an entry out of the table and the list */
static void
state_mem_unlink(struct state_mem *m, struct state_mem_entry *e)
{
	*e->hlink = e->hnext;
	if (e->hnext != NULL)
		e->hnext->hlink = e->hlink;
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		m->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		m->tail = e->prev;
	m->count--;
	atomic_store(&m->entries, m->count);
}

/* state_mem_drop - unlink and free an entry */
static void
state_mem_drop(struct state_mem *m, struct state_mem_entry *e)
{
	state_mem_unlink(m, e);
	mem_free(e->key);
	mem_free(e->reason);
	mem_free(e);
}

/* state_mem_push_front - make an entry the most recently used */
static void
state_mem_push_front(struct state_mem *m, struct state_mem_entry *e)
{
	e->prev = NULL;
	e->next = m->head;
	if (m->head != NULL)
		m->head->prev = e;
	m->head = e;
	if (m->tail == NULL)
		m->tail = e;
}

/* state_mem_find - the live entry of a kind and key, now the most
 * recently used, or NULL; an expired one is dropped (lock held) */
static struct state_mem_entry *
state_mem_find(struct state_mem *m, int kind, const char *key, int64_t now)
{
	struct state_mem_entry *e;
	uint64_t hash;

	hash = state_mem_name(m, kind, key);
	for (e = m->buckets[hash & (m->nbuckets - 1)]; e != NULL;
	    e = e->hnext)
		if (e->hash == hash && e->klen == m->name.len &&
		    memcmp(e->key, m->name.buf, e->klen) == 0)
			break;
	if (e == NULL)
		return NULL;
	if (e->expires <= now) {
		state_mem_drop(m, e);
		atomic_fetch_add(&m->expired, 1);
		return NULL;
	}
	if (e != m->head) {
		e->prev->next = e->next;
		if (e->next != NULL)
			e->next->prev = e->prev;
		else
			m->tail = e->prev;
		state_mem_push_front(m, e);
	}
	return e;
}

/* state_mem_insert - a new entry for a kind and key that has none, the
 * least recently used going first when the table is full (lock held) */
static struct state_mem_entry *
state_mem_insert(struct state_mem *m, int kind, const char *key,
    int64_t now, int64_t expires)
{
	struct state_mem_entry *e;
	uint64_t hash;

	while (m->count >= m->max && m->tail != NULL) {
		if (m->tail->expires <= now)
			atomic_fetch_add(&m->expired, 1);
		else
			atomic_fetch_add(&m->evicted, 1);
		state_mem_drop(m, m->tail);
	}
	hash = state_mem_name(m, kind, key);
	e = mem_calloc(1, sizeof(*e));
	e->hash = hash;
	e->key = mem_memdup(m->name.buf, m->name.len + 1);	/* and NUL */
	e->klen = m->name.len;
	e->expires = expires;
	e->hlink = &m->buckets[hash & (m->nbuckets - 1)];
	e->hnext = *e->hlink;
	if (e->hnext != NULL)
		e->hnext->hlink = &e->hnext;
	*e->hlink = e;
	state_mem_push_front(m, e);
	m->count++;
	atomic_store(&m->entries, m->count);
	return e;
}

/* state_mem_saw - remember the latest time given (lock held) */
static void
state_mem_saw(struct state_mem *m, int64_t now)
{
	if (now > m->last_now)
		m->last_now = now;
}

/* state_mem_out - an out block from a block entry */
static void
state_mem_out(const struct state_mem_entry *e, struct state_block *out)
{
	state_block_fill(out, e->since, e->expires, e->refusals, e->reason,
	    strlen(e->reason));
}

/* state_mem_rate - the count of one rate and whether the amount fits
 * (lock held); 1 if it does not */
static int
state_mem_rate(struct state_mem *m, int64_t now, struct state_rate *r)
{
	struct state_mem_entry *e;
	struct state_window win;
	uint64_t n;

	e = state_mem_find(m, 'r', r->key, now);
	state_window_roll(&win, e != NULL ? &e->counter : NULL, now,
	    r->window_ms);
	n = state_window_count(&win, now, r->window_ms);
	r->count = n > UINT_MAX ? UINT_MAX : (unsigned)n;
	if (n + r->amount <= r->limit)
		return 0;
	r->over = 1;
	r->retry_ms = state_window_retry(&win, now, r->window_ms, r->limit,
	    r->amount);
	return 1;
}

/* state_mem_add - add a rate's amount (lock held; it fits) */
static void
state_mem_add(struct state_mem *m, int64_t now, const struct state_rate *r)
{
	struct state_mem_entry *e;
	struct state_window win;

	if (r->amount == 0)
		return;
	e = state_mem_find(m, 'r', r->key, now);
	state_window_roll(&win, e != NULL ? &e->counter : NULL, now,
	    r->window_ms);
	if (e == NULL)
		e = state_mem_insert(m, 'r', r->key, now, 0);
	e->counter.start = win.start;
	e->counter.prev = win.prev;
	e->counter.cur = win.cur + r->amount;
	e->counter.window_ms = r->window_ms;
	e->expires = now + 2 * r->window_ms;
}

/* state_mem_check - read the blocks and count the rates of a query */
static int
state_mem_check(void *impl, int64_t now, struct state_query *q, str *err)
{
	struct state_mem *m = impl;
	struct state_mem_entry *e;
	size_t i;
	int over;

	pthread_mutex_lock(&m->lock);
	state_mem_saw(m, now);
	for (i = 0; i < q->nblock_keys; i++)
		if ((e = state_mem_find(m, 'b', q->block_keys[i], now)) != NULL)
			state_mem_out(e, &q->blocks[i]);
	/* all or nothing: a message over one limit counts against none */
	for (over = 0, i = 0; i < q->nrates; i++)
		over |= state_mem_rate(m, now, &q->rates[i]);
	for (i = 0; !over && i < q->nrates; i++)
		state_mem_add(m, now, &q->rates[i]);
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* state_mem_refuse - count one refusal of a key (lock held) */
static void
state_mem_refuse(struct state_mem *m, int64_t now,
    const struct state_refusal_args *a, const char *key,
    struct state_block *out)
{
	struct state_mem_entry *e;
	struct state_window win;
	uint64_t n;

	if ((e = state_mem_find(m, 'b', key, now)) != NULL) {
		state_mem_out(e, out);		/* in force: not counted */
		return;
	}
	e = state_mem_find(m, 'f', key, now);
	state_window_roll(&win, e != NULL ? &e->counter : NULL, now,
	    a->window_ms);
	n = state_window_count(&win, now, a->window_ms) + 1;
	if (n >= a->threshold) {
		if (e != NULL)
			state_mem_drop(m, e);	/* refusals start again */
		e = state_mem_insert(m, 'b', key, now, now + a->duration_ms);
		e->since = now;
		e->refusals = n > UINT_MAX ? UINT_MAX : (unsigned)n;
		e->reason = mem_strdup(a->reason);
		state_mem_out(e, out);
		return;
	}
	if (e == NULL)
		e = state_mem_insert(m, 'f', key, now, 0);
	e->counter.start = win.start;
	e->counter.prev = win.prev;
	e->counter.cur = win.cur + 1;
	e->counter.window_ms = a->window_ms;
	e->expires = now + 2 * a->window_ms;
}

/* state_mem_refusal - count one refusal for each key */
static int
state_mem_refusal(void *impl, int64_t now, const struct state_refusal_args *a,
    struct state_block *out, str *err)
{
	struct state_mem *m = impl;
	size_t i;

	pthread_mutex_lock(&m->lock);
	state_mem_saw(m, now);
	for (i = 0; i < a->nkeys; i++)
		state_mem_refuse(m, now, a, a->keys[i], &out[i]);
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* state_mem_blocks - copy the blocks in force; drop the expired ones */
static int
state_mem_blocks(void *impl, int64_t now, struct state_blist *list,
    str *err)
{
	struct state_mem *m = impl;
	struct state_mem_entry *e, *next;
	struct state_block b;

	pthread_mutex_lock(&m->lock);
	state_mem_saw(m, now);
	for (e = m->head; e != NULL; e = next) {
		next = e->next;
		if (e->expires <= now) {
			state_mem_drop(m, e);
			atomic_fetch_add(&m->expired, 1);
		} else if (e->key[0] == 'b') {
			state_mem_out(e, &b);
			state_blist_add(list, e->key + 1, &b);
		}
	}
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* state_mem_unblock - drop a key's block and refusal counter */
static int
state_mem_unblock(void *impl, const char *key, str *err)
{
	struct state_mem *m = impl;
	struct state_mem_entry *e;
	int lifted;

	pthread_mutex_lock(&m->lock);
	lifted = 0;
	if ((e = state_mem_find(m, 'b', key, m->last_now)) != NULL) {
		state_mem_drop(m, e);
		lifted = 1;
	}
	if ((e = state_mem_find(m, 'f', key, m->last_now)) != NULL)
		state_mem_drop(m, e);
	pthread_mutex_unlock(&m->lock);
	return lifted;
}

/* state_mem_stats - the memory store's counters */
static void
state_mem_stats(void *impl, struct state_stats *s)
{
	struct state_mem *m = impl;

	s->entries = atomic_load(&m->entries);
	s->evicted = atomic_load(&m->evicted);
	s->expired = atomic_load(&m->expired);
}

/* state_mem_free - drop every entry and the table */
static void
state_mem_free(void *impl)
{
	struct state_mem *m = impl;

	while (m->head != NULL)
		state_mem_drop(m, m->head);
	mem_free(m->buckets);
	str_free(&m->name);
	pthread_mutex_destroy(&m->lock);
	mem_free(m);
}

static const struct state_ops state_mem_ops = {
	"memory",
	state_mem_check,
	state_mem_refusal,
	state_mem_blocks,
	state_mem_unblock,
	state_mem_stats,
	state_mem_free,
};

/* state_mem_new - an empty memory store */
state_store *
state_mem_new(size_t max)
{
	struct state_mem *m;

	m = mem_calloc(1, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	m->max = max > 0 ? max : STATE_MEM_DEFAULT;
	for (m->nbuckets = 64; m->nbuckets < m->max &&
	    m->nbuckets < STATE_MEM_MAX_BUCKETS; m->nbuckets *= 2)
		;
	m->buckets = mem_calloc(m->nbuckets, sizeof(*m->buckets));
	str_init(&m->name);
	atomic_init(&m->entries, 0);
	atomic_init(&m->evicted, 0);
	atomic_init(&m->expired, 0);
	return state_store_new(&state_mem_ops, m);
}
