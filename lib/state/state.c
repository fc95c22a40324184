/*
 * state - the dispatch of the state store API and what both stores share:
 * the checks of every argument, the sliding-window arithmetic, the blocks
 * handed out; see state.h and state_backend.h.
 *
 * A call counts itself, checks its arguments, zeroes its outs and hands
 * the work to the backend; when that fails the outs are zeroed again, so
 * a failed call never leaves half an answer behind.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>

#include "util/mem.h"
#include "util/str.h"
#include "state/state.h"
#include "state/state_backend.h"

#define STATE_REASON_MAX	(sizeof(((struct state_block *)0)->reason) - 1)

struct state_store {
	const struct state_ops	*ops;
	void			*impl;
	_Atomic uint64_t	 calls;
	_Atomic uint64_t	 errors;
};

/* state_store_new - the store around a backend */
state_store *
state_store_new(const struct state_ops *ops, void *impl)
{
	state_store *st;

	st = mem_calloc(1, sizeof(*st));
	st->ops = ops;
	st->impl = impl;
	atomic_init(&st->calls, 0);
	atomic_init(&st->errors, 0);
	return st;
}

/* state_fail - say why in err, return -1 */
int
state_fail(str *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	str_reset(err);
	va_start(ap, fmt);
	str_vappendf(err, fmt, ap);
	va_end(ap);
	return -1;
}

/* state_key_ok - a key of 1 to STATE_KEY_MAX bytes */
static int
state_key_ok(const char *key, const char *what, str *err)
{
	size_t len;

	if (key == NULL)
		return state_fail(err, "bad argument: no %s", what);
	len = strnlen(key, STATE_KEY_MAX + 1);
	if (len == 0)
		return state_fail(err, "bad argument: empty %s", what);
	if (len > STATE_KEY_MAX)
		return state_fail(err, "bad argument: %s longer than %d bytes",
		    what, STATE_KEY_MAX);
	return 0;
}

/* state_window_ok - a window or duration within bounds */
static int
state_window_ok(int64_t ms, const char *what, str *err)
{
	if (ms < 1 || ms > STATE_WINDOW_MAX)
		return state_fail(err, "bad argument: %s of %lld ms", what,
		    (long long)ms);
	return 0;
}

/* state_count_ok - at most STATE_MAX_KEYS items, and an array for them */
static int
state_count_ok(size_t n, const void *array, const char *what, str *err)
{
	if (n > STATE_MAX_KEYS)
		return state_fail(err, "bad argument: %zu %s (at most %d)",
		    n, what, STATE_MAX_KEYS);
	if (n > 0 && array == NULL)
		return state_fail(err, "bad argument: no array of %s", what);
	return 0;
}

/* state_done - count the call's outcome */
static int
state_done(state_store *st, int rc)
{
	if (rc < 0)
		atomic_fetch_add(&st->errors, 1);
	return rc;
}

/* state_blocks_clear - zero n out blocks */
static void
state_blocks_clear(struct state_block *b, size_t n)
{
	size_t i;

	for (i = 0; b != NULL && i < n; i++)
		memset(&b[i], 0, sizeof(b[i]));
}

/* state_query_clear - zero the outs of a query */
static void
state_query_clear(struct state_query *q)
{
	size_t i;

	state_blocks_clear(q->blocks, q->nblock_keys);
	for (i = 0; q->rates != NULL && i < q->nrates; i++) {
		q->rates[i].count = 0;
		q->rates[i].over = 0;
		q->rates[i].retry_ms = 0;
	}
}

/* state_query_ok - check every argument of a query */
static int
state_query_ok(int64_t now, const struct state_query *q, str *err)
{
	size_t i;

	if (now < 1)
		return state_fail(err, "bad argument: time %lld",
		    (long long)now);
	if (state_count_ok(q->nblock_keys, q->block_keys, "block keys",
	    err) < 0 ||
	    state_count_ok(q->nblock_keys, q->blocks, "blocks", err) < 0 ||
	    state_count_ok(q->nrates, q->rates, "rates", err) < 0)
		return -1;
	for (i = 0; i < q->nblock_keys; i++)
		if (state_key_ok(q->block_keys[i], "block key", err) < 0)
			return -1;
	for (i = 0; i < q->nrates; i++)
		if (state_key_ok(q->rates[i].key, "rate key", err) < 0 ||
		    state_window_ok(q->rates[i].window_ms, "rate window",
		    err) < 0)
			return -1;
	return 0;
}

/* state_check - read the blocks and count the rates of a transaction */
int
state_check(state_store *st, int64_t now, struct state_query *q, str *err)
{
	str scratch = { NULL, 0, 0 };
	int rc;

	atomic_fetch_add(&st->calls, 1);
	if (q == NULL)
		return state_done(st, state_fail(err,
		    "bad argument: no query"));
	state_query_clear(q);
	if ((rc = state_query_ok(now, q, err)) == 0)
		rc = st->ops->check(st->impl, now, q,
		    err != NULL ? err : &scratch);
	if (rc < 0)
		state_query_clear(q);
	str_free(&scratch);
	return state_done(st, rc < 0 ? -1 : 0);
}

/* state_reason_cut - the bytes of a reason that fit in a block, never
 * cutting a UTF-8 sequence in two */
static size_t
state_reason_cut(const char *s, size_t len)
{
	size_t back;

	if (len <= STATE_REASON_MAX)
		return len;
	len = STATE_REASON_MAX;
	for (back = 0; back < 3 && ((unsigned char)s[len] & 0xc0) == 0x80;
	    back++)
		len--;
	if (back == 3 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len = STATE_REASON_MAX;		/* not UTF-8: cut anywhere */
	return len;
}

/* state_refusal - count one refusal for each key; block at threshold */
int
state_refusal(state_store *st, int64_t now, const char *const *keys,
    size_t nkeys, int64_t window_ms, unsigned threshold,
    int64_t duration_ms, const char *reason, struct state_block *out,
    str *err)
{
	struct state_refusal_args a;
	str scratch = { NULL, 0, 0 };
	char *cut;
	size_t i;
	int rc;

	atomic_fetch_add(&st->calls, 1);
	state_blocks_clear(out, nkeys);
	if (state_count_ok(nkeys, out, "blocks", err) < 0)
		return state_done(st, -1);
	if (now < 1)
		return state_done(st, state_fail(err,
		    "bad argument: time %lld", (long long)now));
	if (state_count_ok(nkeys, keys, "keys", err) < 0 ||
	    state_window_ok(window_ms, "refusal window", err) < 0 ||
	    state_window_ok(duration_ms, "block duration", err) < 0)
		return state_done(st, -1);
	if (threshold < 1)
		return state_done(st, state_fail(err,
		    "bad argument: threshold 0"));
	for (i = 0; i < nkeys; i++)
		if (state_key_ok(keys[i], "key", err) < 0)
			return state_done(st, -1);
	if (reason == NULL)
		reason = "";
	cut = mem_strndup(reason, state_reason_cut(reason,
	    strnlen(reason, STATE_REASON_MAX + 1)));
	a.keys = keys;
	a.nkeys = nkeys;
	a.window_ms = window_ms;
	a.threshold = threshold;
	a.duration_ms = duration_ms;
	a.reason = cut;
	rc = st->ops->refusal(st->impl, now, &a, out,
	    err != NULL ? err : &scratch);
	mem_free(cut);
	str_free(&scratch);
	if (rc < 0)
		state_blocks_clear(out, nkeys);
	return state_done(st, rc < 0 ? -1 : 0);
}

/* state_blist_free - free a listing */
static void
state_blist_free(struct state_blist *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		mem_free(list->v[i].key);
	mem_free(list->v);
	list->v = NULL;
	list->n = 0;
}

/* state_blocks - call fn for every block in force */
int
state_blocks(state_store *st, int64_t now, state_block_fn fn, void *arg,
    str *err)
{
	struct state_blist list = { NULL, 0 };
	str scratch = { NULL, 0, 0 };
	size_t i;
	int rc;

	atomic_fetch_add(&st->calls, 1);
	if (now < 1)
		return state_done(st, state_fail(err,
		    "bad argument: time %lld", (long long)now));
	rc = st->ops->blocks(st->impl, now, &list,
	    err != NULL ? err : &scratch);
	str_free(&scratch);
	if (rc < 0) {
		state_blist_free(&list);
		return state_done(st, -1);
	}
	for (i = 0; fn != NULL && i < list.n; i++)
		fn(list.v[i].key, &list.v[i].block, arg);
	rc = list.n > INT_MAX ? INT_MAX : (int)list.n;
	state_blist_free(&list);
	return rc;
}

/* state_unblock - lift a block now */
int
state_unblock(state_store *st, const char *key, str *err)
{
	str scratch = { NULL, 0, 0 };
	int rc;

	atomic_fetch_add(&st->calls, 1);
	if (state_key_ok(key, "key", err) < 0)
		return state_done(st, -1);
	rc = st->ops->unblock(st->impl, key, err != NULL ? err : &scratch);
	str_free(&scratch);
	return state_done(st, rc < 0 ? -1 : rc > 0);
}

/* state_backend_name - "memory" or "redis" */
const char *
state_backend_name(const state_store *st)
{
	return st->ops->name;
}

/* state_stats - counters for monitoring */
void
state_stats(const state_store *st, struct state_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->calls = atomic_load(&st->calls);
	s->errors = atomic_load(&st->errors);
	st->ops->stats(st->impl, s);
}

/* state_free - free the store and its backend */
void
state_free(state_store *st)
{
	if (st == NULL)
		return;
	st->ops->free(st->impl);
	mem_free(st);
}

/* state_window_roll - a stored counter seen at now: buckets move on */
void
state_window_roll(struct state_window *win, const struct state_counter *sc,
    int64_t now, int64_t w)
{
	win->start = now - now % w;
	win->prev = 0;
	win->cur = 0;
	if (sc == NULL || sc->window_ms != w)
		return;
	if (sc->start == win->start || sc->start == win->start + w) {
		/* this bucket (or the next: another host's clock is ahead) */
		win->start = sc->start;
		win->prev = sc->prev;
		win->cur = sc->cur;
	} else if (sc->start == win->start - w) {
		win->prev = sc->cur;
	}
}

/* state_window_count - the two-bucket estimate, the previous bucket's
 * part rounded up (as Lua's math.ceil): a burst just before a bucket's
 * end still counts in full just after it, so the estimate never lets
 * more through than the limit in the first moments of a bucket */
uint64_t
state_window_count(const struct state_window *win, int64_t now, int64_t w)
{
	uint64_t whole;
	int64_t e;
	double part;

	e = now - win->start;
	if (e < 0)
		e = 0;
	part = (double)win->prev * ((double)(w - e) / (double)w);
	whole = (uint64_t)part;
	if ((double)whole < part)
		whole++;
	return whole + win->cur;
}

/* state_window_first - the first e in [0, w] at which a bucket with these
 * counts estimates at most target (cur <= target; the estimate never
 * grows with e, so a binary search over the same arithmetic finds it) */
static int64_t
state_window_first(uint64_t prev, uint64_t cur, int64_t w, uint64_t target)
{
	struct state_window win;
	int64_t lo, hi, mid;

	win.start = 0;
	win.prev = prev;
	win.cur = cur;
	for (lo = 0, hi = w; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if (state_window_count(&win, mid, w) <= target)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* state_window_retry - the first ms at which amount fits: later in this
 * bucket as the previous one slides out, or in the next, where the
 * current bucket becomes the previous one */
int64_t
state_window_retry(const struct state_window *win, int64_t now, int64_t w,
    unsigned limit, unsigned amount)
{
	uint64_t room;
	int64_t at;

	if (amount > limit)
		return 0;
	room = limit - amount;
	if (win->cur <= room)
		at = win->start + state_window_first(win->prev, win->cur, w,
		    room);
	else
		at = win->start + w + state_window_first(win->cur, 0, w,
		    room);
	return at > now ? at : now + 1;
}

/* state_block_fill - an out block; the reason is cut to fit */
void
state_block_fill(struct state_block *b, int64_t since, int64_t until,
    unsigned refusals, const char *reason, size_t len)
{
	memset(b, 0, sizeof(*b));
	b->since = since;
	b->until = until;
	b->refusals = refusals;
	len = state_reason_cut(reason, len);
	memcpy(b->reason, reason, len);
	b->reason[len] = '\0';
}

/* state_blist_add - append a copy of a block to a listing */
void
state_blist_add(struct state_blist *list, const char *key,
    const struct state_block *b)
{
	list->v = mem_grow(list->v, list->n, sizeof(*list->v));
	list->v[list->n].key = mem_strdup(key);
	list->v[list->n].block = *b;
	list->n++;
}
