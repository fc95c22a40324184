/*
 * state_backend - what a store (state_mem.c, state_redis.c) sees of the
 * dispatch in state.c. Not for callers: they use state.h.
 *
 * A store's constructor sets up its own state and hands it to
 * state_store_new(ops, impl), which owns it from then on. state.c checks
 * every argument before a backend sees it (keys, counts, windows, the
 * reason already cut to fit), zeroes the outs and counts calls and
 * errors; a backend only does the work and says why it failed in err,
 * which is never NULL there.
 *
 *	state_store_new(ops, impl) - the store around a backend.
 *	state_fail(err, fmt, ...) - set err (may be NULL) and return -1.
 *	state_window_roll(win, stored, now, w) - the window at now from a
 *		stored counter (NULL: none): the buckets moved on.
 *	state_window_count(win, now, w) - the two-bucket estimate (state.h).
 *	state_window_retry(win, now, w, limit, amount) - the first ms at
 *		which amount fits, by the same arithmetic (0: never, amount
 *		> limit).
 *	state_block_fill(b, since, until, refusals, reason, len) - fill an
 *		out block, the reason cut to fit.
 *	state_blist_add(list, key, block) - append a copy to a listing.
 */
#ifndef AUTHGATE_STATE_BACKEND_H
#define AUTHGATE_STATE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "util/str.h"
#include "state/state.h"

struct state_refusal_args {
	const char *const *keys;
	size_t		 nkeys;
	int64_t		 window_ms;
	unsigned	 threshold;
	int64_t		 duration_ms;
	const char	*reason;	/* at most sizeof(reason) - 1 bytes */
};

struct state_blist_item {
	char		*key;
	struct state_block block;
};

struct state_blist {			/* what state_blocks found */
	struct state_blist_item *v;
	size_t		 n;
};

struct state_ops {
	const char	*name;
	int		(*check)(void *, int64_t, struct state_query *, str *);
	int		(*refusal)(void *, int64_t,
			    const struct state_refusal_args *,
			    struct state_block *, str *);
	int		(*blocks)(void *, int64_t, struct state_blist *,
			    str *);
	int		(*unblock)(void *, const char *, str *);
	void		(*stats)(void *, struct state_stats *);
	void		(*free)(void *);
};

struct state_window {			/* a counter at one moment */
	int64_t		 start;		/* the current bucket's start */
	uint64_t	 prev;		/* the previous bucket's count */
	uint64_t	 cur;		/* the current bucket's count */
};

struct state_counter {			/* a counter as stored */
	int64_t		 start;
	uint64_t	 prev, cur;
	int64_t		 window_ms;
};

state_store	*state_store_new(const struct state_ops *, void *);
int		 state_fail(str *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 state_window_roll(struct state_window *,
		    const struct state_counter *, int64_t, int64_t);
uint64_t	 state_window_count(const struct state_window *, int64_t,
		    int64_t);
int64_t		 state_window_retry(const struct state_window *, int64_t,
		    int64_t, unsigned, unsigned);
void		 state_block_fill(struct state_block *, int64_t, int64_t,
		    unsigned, const char *, size_t);
void		 state_blist_add(struct state_blist *, const char *,
		    const struct state_block *);

#endif
