/*
 * dns_hint - the lookups a domain's mail led to lately; see dns_hint.h.
 */
#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>

#include "util/mem.h"
#include "util/siphash.h"
#include "dns/dns_hint.h"

struct hint_entry {
	char	*name;		/* lower case; NULL: unused */
	int	 type;
};

/* names are allocated as they come, so an idle table costs a few
 * pointers per slot, and a key as many entries as it has lookups */
struct hint_slot {
	char			*key;		/* lower case; NULL: unused */
	struct hint_entry	*e;		/* cap of them, or NULL */
	size_t			 cap;
};

struct dns_hint {
	pthread_mutex_t		 lock;
	size_t			 nslots;
	size_t			 per_key;
	struct hint_slot	*slots;
};

/* hint_lower - the name in lower case into out; 0 if it does not fit */
static int
hint_lower(const char *name, char *out)
{
	size_t i, n;

	if (name == NULL || (n = strlen(name)) == 0 || n >= DNS_HINT_NAME_MAX)
		return 0;
	for (i = 0; i <= n; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	return 1;
}

/* dns_hint_new - an empty table */
dns_hint *
dns_hint_new(size_t nslots, size_t per_key)
{
	dns_hint *t;

	t = mem_calloc(1, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	t->nslots = nslots > 0 ? nslots : 1;
	t->per_key = per_key < 1 ? 1 : per_key > DNS_HINT_PER_KEY_MAX ?
	    DNS_HINT_PER_KEY_MAX : per_key;
	t->slots = mem_calloc(t->nslots, sizeof(*t->slots));
	return t;
}

/* hint_clear - an empty slot */
static void
hint_clear(struct hint_slot *s)
{
	size_t i;

	mem_free(s->key);
	for (i = 0; i < s->cap; i++)
		mem_free(s->e[i].name);
	mem_free(s->e);
	memset(s, 0, sizeof(*s));
}

/* dns_hint_free - the table and every name in it */
void
dns_hint_free(dns_hint *t)
{
	if (t == NULL)
		return;
	dns_hint_reset(t);
	mem_free(t->slots);
	pthread_mutex_destroy(&t->lock);
	mem_free(t);
}

/* hint_place - where a lower-case key goes: a keyed hash, so nobody can
 * aim names at another's slot */
static struct hint_slot *
hint_place(dns_hint *t, const char *key)
{
	return &t->slots[siphash24(siphash_process_key(), key, strlen(key)) %
	    t->nslots];
}

/* hint_slot - the slot of a lower-case key, taken over for it, with
 * room for cap entries (locked) */
static struct hint_slot *
hint_slot(dns_hint *t, const char *key, size_t cap)
{
	struct hint_slot *s;

	s = hint_place(t, key);
	if (s->key == NULL || strcmp(s->key, key) != 0) {
		hint_clear(s);
		s->key = mem_strdup(key);
	}
	if (s->cap < cap) {
		s->e = mem_realloc(s->e, cap * sizeof(*s->e));
		memset(&s->e[s->cap], 0, (cap - s->cap) * sizeof(*s->e));
		s->cap = cap;
	}
	return s;
}

/* hint_find - the slot holding a lower-case key, or NULL (locked) */
static struct hint_slot *
hint_find(dns_hint *t, const char *key)
{
	struct hint_slot *s = hint_place(t, key);

	return s->key != NULL && strcmp(s->key, key) == 0 ? s : NULL;
}

/* hint_same - one entry is this lookup */
static int
hint_same(const struct hint_entry *e, const char *name, int type)
{
	return e->name != NULL && e->type == type && strcmp(e->name, name) == 0;
}

/* dns_hint_note - this key's mail led to this lookup: the newest now */
void
dns_hint_note(dns_hint *t, const char *key, const char *name, int type)
{
	char k[DNS_HINT_NAME_MAX], n[DNS_HINT_NAME_MAX];
	struct hint_slot *s;
	struct hint_entry keep;
	size_t i;

	if (t == NULL || !hint_lower(key, k) || !hint_lower(name, n))
		return;
	pthread_mutex_lock(&t->lock);
	s = hint_slot(t, k, t->per_key);
	/* the common case, the same lookup again, changes nothing */
	if (!hint_same(&s->e[0], n, type)) {
		for (i = 1; i < t->per_key && s->e[i].name != NULL &&
		    !hint_same(&s->e[i], n, type); i++)
			;
		if (i == t->per_key)
			i--;	/* the oldest goes */
		if (hint_same(&s->e[i], n, type))
			keep = s->e[i];
		else {
			mem_free(s->e[i].name);
			keep.name = mem_strdup(n);
			keep.type = type;
		}
		memmove(&s->e[1], &s->e[0], i * sizeof(s->e[0]));
		s->e[0] = keep;
	}
	pthread_mutex_unlock(&t->lock);
}

/* dns_hint_set - this key's mail led to exactly these lookups */
void
dns_hint_set(dns_hint *t, const char *key, const struct dns_hint_name *v,
    size_t n)
{
	char k[DNS_HINT_NAME_MAX], name[DNS_HINT_NAME_MAX];
	struct hint_slot *s;
	size_t i, j, kept;

	if (t == NULL || !hint_lower(key, k))
		return;
	pthread_mutex_lock(&t->lock);
	if (n == 0) {
		if ((s = hint_find(t, k)) != NULL)
			hint_clear(s);
		pthread_mutex_unlock(&t->lock);
		return;
	}
	s = hint_slot(t, k, n < t->per_key ? n : t->per_key);
	for (i = 0; i < s->cap; i++) {
		mem_free(s->e[i].name);
		s->e[i].name = NULL;
	}
	for (i = kept = 0; i < n && kept < s->cap; i++) {
		if (!hint_lower(v[i].name, name))
			continue;
		for (j = 0; j < kept && !hint_same(&s->e[j], name, v[i].type);
		    j++)
			;
		if (j < kept)
			continue;	/* each lookup once */
		s->e[kept].name = mem_strdup(name);
		s->e[kept++].type = v[i].type;
	}
	pthread_mutex_unlock(&t->lock);
}

/* dns_hint_recall - the key's lookups, newest first */
size_t
dns_hint_recall(dns_hint *t, const char *key, struct dns_hint_name *out,
    size_t max)
{
	char k[DNS_HINT_NAME_MAX];
	struct hint_slot *s;
	size_t i, n = 0;

	if (t == NULL || !hint_lower(key, k))
		return 0;
	pthread_mutex_lock(&t->lock);
	if ((s = hint_find(t, k)) != NULL)
		for (i = 0; i < s->cap && n < max && s->e[i].name != NULL;
		    i++) {
			memcpy(out[n].name, s->e[i].name,
			    strlen(s->e[i].name) + 1);
			out[n++].type = s->e[i].type;
		}
	pthread_mutex_unlock(&t->lock);
	return n;
}

/* dns_hint_start - start the key's lookups into a hold, outside the lock
 * (entries of type 0 are notes of the user's, not lookups) */
size_t
dns_hint_start(dns_hint *t, const char *key, dns_hold *hold)
{
	struct dns_hint_name v[DNS_HINT_PER_KEY_MAX];
	size_t i, n, started;

	if (hold == NULL)
		return 0;
	n = dns_hint_recall(t, key, v, DNS_HINT_PER_KEY_MAX);
	for (i = started = 0; i < n; i++)
		if (v[i].type != 0) {
			dns_hold_start(hold, v[i].name, v[i].type);
			started++;
		}
	return started;
}

/* dns_hint_reset - forget every hint */
void
dns_hint_reset(dns_hint *t)
{
	size_t i;

	pthread_mutex_lock(&t->lock);
	for (i = 0; i < t->nslots; i++)
		hint_clear(&t->slots[i]);
	pthread_mutex_unlock(&t->lock);
}
