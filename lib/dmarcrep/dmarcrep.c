/*
 * dmarcrep - the recorder of DMARC evaluations; see dmarcrep.h.
 *
 * One mutex guards the queue (a singly linked list with a count) and the
 * counters; milter threads only ever append or drop under it, never wait
 * for the store. The writer takes up to DMARCREP_BATCH rows at a time,
 * writes them in one transaction outside the lock, and sleeps on a
 * condition variable (at most a second, so that a batch never waits
 * long for company).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "util/deadline.h"
#include "util/log.h"
#include "util/mem.h"
#include "dmarcrep/dmarcrep.h"
#include "dmarcrep/dmarcrep_store.h"

#define DMARCREP_BATCH		256
#define DMARCREP_WAIT_MS	1000
#define DMARCREP_WARN_MS	60000	/* between two "dropped" lines */
/* failure report parts (header fields) waiting, at most: a row is 1 KB,
 * one with a failure report up to 40 KB */
#define DMARCREP_FAILURE_BYTES	(8u << 20)

struct dmarcrep_item {
	struct dmarcrep_item	*next;
	struct dmarcrep_row	*row;
	size_t			 failure_bytes;	/* of its failure report */
};

struct dmarcrep {
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	pthread_t		 writer;
	struct dmarcrep_item	*head, *tail;
	size_t			 queued, max;
	size_t			 writing;	/* taken by the writer */
	int			 stopping;
	int64_t			 stop_by;	/* give up writing then */
	unsigned long		 recorded, dropped;
	unsigned long		 dropped_logged;	/* in the last warning */
	size_t			 failure_bytes;	/* queued failure reports */
	unsigned long		 failure_dropped, failure_dropped_logged;
	int64_t			 warned_at;
	str			 why;		/* the last store error */
	const struct dmarcrep_backend *backend;
	char			*where;		/* after the scheme */
	void			*store;		/* open handle, or NULL */
	int64_t			 retry_at;
};

/* dmarcrep_warn - the line about drops and the store's trouble, at
 * most once a minute, into out (called with the lock held; the caller
 * logs it after unlocking: syslog may block, milter threads must not) */
static void
dmarcrep_warn(dmarcrep *r, str *out)
{
	int64_t now;

	now = deadline_now();
	if ((r->dropped == r->dropped_logged && r->failure_dropped ==
	    r->failure_dropped_logged) || (r->warned_at != 0 &&
	    now - r->warned_at < DMARCREP_WARN_MS))
		return;
	if (r->dropped == r->dropped_logged) {
		str_appendf(out, "dmarc reports: %lu failure reports dropped "
		    "(%lu in all): more than %u bytes of them waiting",
		    r->failure_dropped - r->failure_dropped_logged,
		    r->failure_dropped, DMARCREP_FAILURE_BYTES);
		r->failure_dropped_logged = r->failure_dropped;
		r->warned_at = now;
		return;
	}
	str_appendf(out, "dmarc reports: %lu record%s dropped (%lu in all)%s%s",
	    r->dropped - r->dropped_logged, r->dropped - r->dropped_logged ==
	    1 ? "" : "s", r->dropped, r->why.len > 0 ? ": " : "",
	    str_cstr(&r->why));
	r->dropped_logged = r->dropped;
	r->warned_at = now;
}

/* dmarcrep_log_warn - log a line dmarcrep_warn made, if any */
static void
dmarcrep_log_warn(str *line)
{
	if (line->len > 0)
		log_warn("%s", str_cstr(line));
	str_free(line);
}

/* dmarcrep_open - (re)open the store when it is time to try */
static int
dmarcrep_open(dmarcrep *r)
{
	str err;
	int changed;

	if (r->store != NULL)
		return 0;
	if (deadline_now() < r->retry_at)
		return -1;
	str_init(&err);
	if ((r->store = r->backend->open(r->where, &err)) == NULL) {
		r->retry_at = deadline_in(DMARCREP_RETRY_MS);
		pthread_mutex_lock(&r->lock);
		changed = r->why.len == 0 || strcmp(str_cstr(&r->why),
		    str_cstr(&err)) != 0;
		str_reset(&r->why);
		str_append(&r->why, str_cstr(&err));
		pthread_mutex_unlock(&r->lock);
		if (changed)
			log_error("dmarc reports: cannot open the %s store: %s "
			    "(mail flows; records are dropped until it opens)",
			    r->backend->scheme, str_cstr(&err));
		str_free(&err);
		return -1;
	}
	pthread_mutex_lock(&r->lock);
	changed = r->why.len > 0;
	str_reset(&r->why);
	pthread_mutex_unlock(&r->lock);
	if (changed)
		log_info("dmarc reports: the %s store is open again",
		    r->backend->scheme);
	str_free(&err);
	return 0;
}

/* dmarcrep_write - store one batch, or drop and count it */
static void
dmarcrep_write(dmarcrep *r, struct dmarcrep_row **rows, size_t n)
{
	str err, line;
	int ok;

	str_init(&err);
	str_init(&line);
	ok = dmarcrep_open(r) == 0 &&
	    r->backend->write(r->store, (struct dmarcrep_row *const *)rows,
	    n, &err) == 0;
	pthread_mutex_lock(&r->lock);
	r->writing = 0;
	if (ok) {
		r->recorded += n;
		str_reset(&r->why);	/* whatever it was, it is over */
	} else {
		r->dropped += n;
		if (err.len > 0) {
			/* a store that fails a write is reopened later */
			str_reset(&r->why);
			str_append(&r->why, str_cstr(&err));
		}
	}
	dmarcrep_warn(r, &line);
	pthread_mutex_unlock(&r->lock);
	dmarcrep_log_warn(&line);
	if (!ok && err.len > 0 && r->store != NULL) {
		r->backend->close(r->store);
		r->store = NULL;
		r->retry_at = deadline_in(DMARCREP_RETRY_MS);
	}
	str_free(&err);
}

/* dmarcrep_writer - the writer thread */
static void *
dmarcrep_writer(void *arg)
{
	struct dmarcrep_row *rows[DMARCREP_BATCH];
	struct dmarcrep_item *it;
	dmarcrep *r = arg;
	size_t n, i;
	int stop, late;

	for (;;) {
		pthread_mutex_lock(&r->lock);
		if (r->head == NULL && !r->stopping)
			(void)deadline_cond_wait(&r->wake, &r->lock,
			    deadline_in(DMARCREP_WAIT_MS));
		for (n = 0; n < DMARCREP_BATCH && r->head != NULL; n++) {
			it = r->head;
			r->head = it->next;
			rows[n] = it->row;
			r->failure_bytes -= it->failure_bytes;
			mem_free(it);
		}
		if (r->head == NULL)
			r->tail = NULL;
		r->queued -= n;
		r->writing = n;
		/* read under the lock: dmarcrep_stop sets them */
		late = r->stopping && deadline_now() >= r->stop_by;
		stop = r->stopping && (r->head == NULL || late);
		pthread_mutex_unlock(&r->lock);
		if (n > 0) {
			if (late) {
				pthread_mutex_lock(&r->lock);
				r->dropped += n;
				r->writing = 0;
				pthread_mutex_unlock(&r->lock);
			} else
				dmarcrep_write(r, rows, n);
			for (i = 0; i < n; i++)
				dmarcrep_row_free(rows[i]);
		}
		if (stop && n == 0)
			break;
	}
	return NULL;
}

/* dmarcrep_start - name the store and start the writer */
dmarcrep *
dmarcrep_start(const char *spec, size_t queue_max, str *err)
{
	const struct dmarcrep_backend *b;
	const char *rest;
	dmarcrep *r;

	if ((b = dmarcrep_store_find(spec, &rest, err)) == NULL)
		return NULL;
	r = mem_calloc(1, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	deadline_cond_init(&r->wake);
	str_init(&r->why);
	r->backend = b;
	r->where = mem_strdup(rest);
	r->max = queue_max > 0 ? queue_max : 1;
	if (pthread_create(&r->writer, NULL, dmarcrep_writer, r) != 0) {
		str_append(err, "cannot start the dmarc report writer thread");
		mem_free(r->where);
		str_free(&r->why);
		pthread_cond_destroy(&r->wake);
		pthread_mutex_destroy(&r->lock);
		mem_free(r);
		return NULL;
	}
	return r;
}

/* dmarcrep_add - queue a row, or drop it when the queue is full */
void
dmarcrep_add(dmarcrep *r, struct dmarcrep_row *row)
{
	struct dmarcrep_item *it;
	size_t fbytes;
	int drop_failure;
	str line;

	drop_failure = 0;
	/* measured before the lock: milter threads wait for it */
	fbytes = row->feedback == NULL ? 0 : strlen(row->feedback) +
	    (row->headers != NULL ? strlen(row->headers) : 0);
	pthread_mutex_lock(&r->lock);
	if (r->queued >= r->max || r->stopping) {
		r->dropped++;
		if (r->why.len == 0)
			str_append(&r->why, "the queue is full (the store is "
			    "slower than the mail)");
		str_init(&line);
		dmarcrep_warn(r, &line);
		pthread_mutex_unlock(&r->lock);
		dmarcrep_log_warn(&line);
		dmarcrep_row_free(row);
		return;
	}
	it = mem_alloc(sizeof(*it));
	it->next = NULL;
	it->row = row;
	it->failure_bytes = 0;
	if (row->feedback != NULL) {
		it->failure_bytes = fbytes;
		if (r->failure_bytes + it->failure_bytes >
		    DMARCREP_FAILURE_BYTES) {
			/* the evaluation is kept, its failure report not
			 * (freed here: nobody else sees the row yet) */
			r->failure_dropped++;
			it->failure_bytes = 0;
			drop_failure = 1;
			mem_free(row->ruf);
			mem_free(row->feedback);
			mem_free(row->headers);
			row->ruf = row->feedback = row->headers = NULL;
		}
		r->failure_bytes += it->failure_bytes;
	}
	if (r->tail != NULL)
		r->tail->next = it;
	else
		r->head = it;
	r->tail = it;
	if (++r->queued >= DMARCREP_BATCH)
		pthread_cond_signal(&r->wake);
	str_init(&line);
	if (drop_failure)
		dmarcrep_warn(r, &line);
	pthread_mutex_unlock(&r->lock);
	dmarcrep_log_warn(&line);
}

/* dmarcrep_counts - recorded, dropped, waiting */
void
dmarcrep_counts(dmarcrep *r, struct dmarcrep_counts *c)
{
	pthread_mutex_lock(&r->lock);
	c->recorded = r->recorded;
	c->dropped = r->dropped;
	c->waiting = r->queued + r->writing;
	c->failure_dropped = r->failure_dropped;
	pthread_mutex_unlock(&r->lock);
}

/* dmarcrep_stop - flush (bounded) and stop */
void
dmarcrep_stop(dmarcrep *r)
{
	str line;

	if (r == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	r->stopping = 1;
	r->stop_by = deadline_in(DMARCREP_STOP_MS);
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->writer, NULL);
	str_init(&line);
	pthread_mutex_lock(&r->lock);
	r->warned_at = 0;
	dmarcrep_warn(r, &line);
	pthread_mutex_unlock(&r->lock);
	dmarcrep_log_warn(&line);
	if (r->store != NULL)
		r->backend->close(r->store);
	mem_free(r->where);
	str_free(&r->why);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
	mem_free(r);
}
