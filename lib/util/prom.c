/*
 * prom - Prometheus counters, histograms and text format; see prom.h.
 *
 * Counters are relaxed atomics: a scrape may see one counter a message
 * ahead of another, never a torn value, and no thread ever waits for a
 * scrape. A keyed table is open addressing that never deletes: a slot,
 * once its key is published (release store), keeps it for the life of
 * the table, so lookups need no lock.
 */
#include "config.h"

#include <string.h>

#include "util/deadline.h"
#include "util/mem.h"
#include "util/prom.h"

struct prom_key {
	char	*values[PROM_LABELS_MAX];
};

/* in microseconds: 0.25 ms .. 10 s */
const uint64_t prom_bounds_us[PROM_BUCKETS] = {
	250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
	500000, 1000000, 2500000, 5000000, 10000000
};

/* prom_now_us - monotonic microseconds */
int64_t
prom_now_us(void)
{
	return deadline_now_us();
}

/* prom_hist_observe - count one duration */
void
prom_hist_observe(struct prom_hist *h, int64_t us)
{
	size_t i;

	if (us < 0)
		us = 0;
	for (i = 0; i < PROM_BUCKETS && (uint64_t)us > prom_bounds_us[i]; i++)
		;
	atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_us, (unsigned long)us,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
}

/* prom_keyed_init - an empty table for nlabels label names */
void
prom_keyed_init(struct prom_keyed *k, size_t nlabels,
    const char *const *labels, size_t capacity)
{
	size_t i;

	memset(k, 0, sizeof(*k));
	k->nlabels = nlabels > PROM_LABELS_MAX ? PROM_LABELS_MAX : nlabels;
	for (i = 0; i < k->nlabels; i++)
		k->labels[i] = labels[i];
	k->capacity = capacity;
	k->slots = mem_calloc(capacity, sizeof(*k->slots));
	k->counts = mem_calloc(capacity, sizeof(*k->counts));
	pthread_mutex_init(&k->lock, NULL);
}

/* prom_key_hash - FNV-1a over the values: they are our own words and
 * configured names (DNS list zones), never a sender's text, so nobody
 * can aim many keys at one slot */
static uint64_t
prom_key_hash(const struct prom_keyed *k, const char *const *values)
{
	uint64_t h = 14695981039346656037ULL;
	const unsigned char *p;
	size_t i;

	for (i = 0; i < k->nlabels; i++) {
		for (p = (const unsigned char *)values[i]; *p != '\0'; p++)
			h = (h ^ *p) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	return h;
}

/* prom_key_equal - does a key hold these values */
static int
prom_key_equal(const struct prom_keyed *k, const struct prom_key *key,
    const char *const *values)
{
	size_t i;

	for (i = 0; i < k->nlabels; i++)
		if (strcmp(key->values[i], values[i]) != 0)
			return 0;
	return 1;
}

/* prom_keyed_slot - the slot of these values; create it when asked;
 * -1 when absent (or the table is full) */
static long
prom_keyed_slot(struct prom_keyed *k, const char *const *values, int create)
{
	struct prom_key *key;
	size_t i, n, mask;

	mask = k->capacity - 1;
	i = (size_t)prom_key_hash(k, values) & mask;
	for (n = 0; n < k->capacity; n++, i = (i + 1) & mask) {
		key = atomic_load_explicit(&k->slots[i], memory_order_acquire);
		if (key == NULL)
			break;
		if (prom_key_equal(k, key, values))
			return (long)i;
	}
	if (!create || n == k->capacity)
		return -1;
	pthread_mutex_lock(&k->lock);
	/* another thread may have filled this slot or the next ones */
	for (; n < k->capacity; n++, i = (i + 1) & mask) {
		key = atomic_load_explicit(&k->slots[i], memory_order_relaxed);
		if (key == NULL)
			break;
		if (prom_key_equal(k, key, values)) {
			pthread_mutex_unlock(&k->lock);
			return (long)i;
		}
	}
	/* keep a quarter free: probes stay short */
	if (n == k->capacity || k->used >= k->capacity - k->capacity / 4) {
		pthread_mutex_unlock(&k->lock);
		return -1;
	}
	key = mem_calloc(1, sizeof(*key));
	for (n = 0; n < k->nlabels; n++)
		key->values[n] = mem_strdup(values[n]);
	k->used++;
	atomic_store_explicit(&k->slots[i], key, memory_order_release);
	pthread_mutex_unlock(&k->lock);
	return (long)i;
}

/* prom_keyed_add - count n for these label values */
void
prom_keyed_add(struct prom_keyed *k, const char *const *values,
    unsigned long n)
{
	long i;

	if ((i = prom_keyed_slot(k, values, 1)) < 0)
		atomic_fetch_add_explicit(&k->overflow, n,
		    memory_order_relaxed);
	else
		atomic_fetch_add_explicit(&k->counts[i], n,
		    memory_order_relaxed);
}

/* prom_keyed_get - the count of these values, 0 if never counted */
unsigned long
prom_keyed_get(struct prom_keyed *k, const char *const *values)
{
	long i;

	if ((i = prom_keyed_slot(k, values, 0)) < 0)
		return 0;
	return atomic_load_explicit(&k->counts[i], memory_order_relaxed);
}

/* prom_keyed_overflow - adds that found the table full */
unsigned long
prom_keyed_overflow(struct prom_keyed *k)
{
	return atomic_load_explicit(&k->overflow, memory_order_relaxed);
}

/* prom_keyed_free - release a table nobody uses any more */
void
prom_keyed_free(struct prom_keyed *k)
{
	struct prom_key *key;
	size_t i, j;

	for (i = 0; i < k->capacity; i++) {
		if ((key = atomic_load(&k->slots[i])) == NULL)
			continue;
		for (j = 0; j < k->nlabels; j++)
			mem_free(key->values[j]);
		mem_free(key);
	}
	mem_free(k->slots);
	mem_free(k->counts);
	pthread_mutex_destroy(&k->lock);
	memset(k, 0, sizeof(*k));
}

/* prom_family - the HELP and TYPE lines of a metric family */
void
prom_family(str *out, const char *name, const char *type, const char *help)
{
	str_appendf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/* prom_sample - one sample line */
void
prom_sample(str *out, const char *name, const char *labels,
    unsigned long value)
{
	if (labels != NULL && labels[0] != '\0')
		str_appendf(out, "%s{%s} %lu\n", name, labels, value);
	else
		str_appendf(out, "%s %lu\n", name, value);
}

/* prom_label - name="value", the value escaped as the format wants */
void
prom_label(str *out, const char *name, const char *value)
{
	const char *p;

	if (out->len > 0)
		str_append_c(out, ',');
	str_appendf(out, "%s=\"", name);
	for (p = value; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			str_append_c(out, '\\');
		if (*p == '\n')
			str_append(out, "\\n");
		else
			str_append_c(out, *p);
	}
	str_append_c(out, '"');
}

/* prom_hist_write - the cumulative buckets, sum and count */
void
prom_hist_write(str *out, const char *name, const char *labels,
    const struct prom_hist *h)
{
	unsigned long cum, count, sum;
	const char *sep;
	size_t i;

	sep = labels != NULL && labels[0] != '\0' ? "," : "";
	if (labels == NULL)
		labels = "";
	/* count first: buckets that race ahead of it only make +Inf a
	 * little larger than _count until the next scrape */
	count = atomic_load_explicit(&h->count, memory_order_relaxed);
	sum = atomic_load_explicit(&h->sum_us, memory_order_relaxed);
	cum = 0;
	for (i = 0; i < PROM_BUCKETS; i++) {
		cum += atomic_load_explicit(&h->bucket[i],
		    memory_order_relaxed);
		str_appendf(out, "%s_bucket{%s%sle=\"%g\"} %lu\n", name,
		    labels, sep, (double)prom_bounds_us[i] / 1e6, cum);
	}
	cum += atomic_load_explicit(&h->bucket[PROM_BUCKETS],
	    memory_order_relaxed);
	if (cum < count)
		cum = count;
	str_appendf(out, "%s_bucket{%s%sle=\"+Inf\"} %lu\n", name, labels,
	    sep, cum);
	str_appendf(out, "%s_sum%s%s%s %.6f\n", name, labels[0] ? "{" : "",
	    labels, labels[0] ? "}" : "", (double)sum / 1e6);
	str_appendf(out, "%s_count%s%s%s %lu\n", name, labels[0] ? "{" : "",
	    labels, labels[0] ? "}" : "", cum);
}

/* prom_keyed_write - one sample per key, then the overflow as "other" */
void
prom_keyed_write(str *out, const char *name, struct prom_keyed *k)
{
	struct prom_key *key;
	unsigned long over;
	str labels;
	size_t i, j;

	str_init(&labels);
	for (i = 0; i < k->capacity; i++) {
		key = atomic_load_explicit(&k->slots[i], memory_order_acquire);
		if (key == NULL)
			continue;
		str_reset(&labels);
		for (j = 0; j < k->nlabels; j++)
			prom_label(&labels, k->labels[j], key->values[j]);
		prom_sample(out, name, str_cstr(&labels),
		    atomic_load_explicit(&k->counts[i],
		    memory_order_relaxed));
	}
	if ((over = prom_keyed_overflow(k)) > 0) {
		str_reset(&labels);
		for (j = 0; j < k->nlabels; j++)
			prom_label(&labels, k->labels[j], "other");
		prom_sample(out, name, str_cstr(&labels), over);
	}
	str_free(&labels);
}
