/*
 * prom - the pieces of Prometheus metrics: counters any thread bumps
 * without a lock, duration histograms, counters keyed by label values
 * seen at run time, and the text exposition format (version 0.0.4) that
 * a scrape reads. What authgate counts lives with the layers that know
 * it (dns_metrics.c, report/metrics.c); this module knows no mail.
 *
 *	prom_now_us() - a monotonic clock in microseconds, for durations.
 *	prom_hist_observe(h, us) - one duration into a histogram; its
 *		buckets (prom_bounds_us) run from 0.25 ms to 10 s, which
 *		holds a cache hit and a DNS timeout alike.
 *	prom_keyed_init(k, nlabels, labels, capacity) - a table of counters
 *		keyed by up to PROM_LABELS_MAX label values; capacity (a
 *		power of two) bounds the number of distinct keys: when it is
 *		full, new keys count under the values "other" (and
 *		prom_keyed_overflow tells how often).
 *	prom_keyed_add(k, values, n) - add n to the counter of these
 *		values (created on first use; the table holds its own copy of
 *		the strings). Lock-free once the key exists; creating one
 *		takes the table's mutex.
 *	prom_keyed_get(k, values) - the counter's value, 0 when absent.
 *	prom_keyed_free(k) - for tests.
 * Writing the text format (each appends to out):
 *	prom_family(out, name, type, help) - the # HELP and # TYPE lines.
 *	prom_sample(out, name, labels, value) - one line; labels is NULL
 *		or the text between the braces, made with prom_label().
 *	prom_label(out, name, value) - name="value" with the value
 *		escaped, and a comma before it unless out is empty: labels
 *		are built in a str of their own.
 *	prom_hist_write(out, name, labels, h) - _bucket (cumulative, with
 *		le=), _sum (seconds) and _count lines of one histogram.
 *	prom_keyed_write(out, name, k) - one sample per key.
 */
#ifndef AUTHGATE_PROM_H
#define AUTHGATE_PROM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "util/str.h"

#define PROM_BUCKETS	15		/* finite bounds; +Inf is one more */
#define PROM_LABELS_MAX	3

extern const uint64_t prom_bounds_us[PROM_BUCKETS];

struct prom_hist {
	atomic_ulong	 bucket[PROM_BUCKETS + 1];	/* not cumulative */
	atomic_ulong	 count;
	atomic_ulong	 sum_us;
};

struct prom_key;

struct prom_keyed {
	size_t			 nlabels;
	const char		*labels[PROM_LABELS_MAX];
	size_t			 capacity;	/* slots, a power of two */
	_Atomic(struct prom_key *) *slots;
	atomic_ulong		*counts;
	pthread_mutex_t		 lock;		/* creating keys */
	size_t			 used;		/* guarded by lock */
	atomic_ulong		 overflow;	/* adds counted as "other" */
};

int64_t		 prom_now_us(void);
void		 prom_hist_observe(struct prom_hist *, int64_t);
void		 prom_keyed_init(struct prom_keyed *, size_t,
		    const char *const *, size_t);
void		 prom_keyed_add(struct prom_keyed *, const char *const *,
		    unsigned long);
unsigned long	 prom_keyed_get(struct prom_keyed *, const char *const *);
unsigned long	 prom_keyed_overflow(struct prom_keyed *);
void		 prom_keyed_free(struct prom_keyed *);
void		 prom_family(str *, const char *, const char *, const char *);
void		 prom_sample(str *, const char *, const char *, unsigned long);
void		 prom_label(str *, const char *, const char *);
void		 prom_hist_write(str *, const char *, const char *,
		    const struct prom_hist *);
void		 prom_keyed_write(str *, const char *, struct prom_keyed *);

#endif
