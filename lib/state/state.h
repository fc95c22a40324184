/*
 * state - counters and temporary blocks that outlive a transaction: the
 * sender rate limits, and the temporary blocks that follow repeated
 * refusals. One API over two stores: "memory" (the default: in this
 * process, no setup, bounded) and "redis" (shared by a fleet of authgate
 * hosts). Every function is thread-safe; many sessions call at once.
 *
 *	state_mem_new(max_entries) - a memory store holding at most
 *		max_entries counters and blocks (0: STATE_MEM_DEFAULT). When
 *		full, the least recently used entry goes (a block too); an
 *		expired entry is dropped when met. Never fails.
 *	state_redis_new(host, port, password, db, prefix, timeout_ms, err) -
 *		a Redis store. host is an IP address (a name is resolved at
 *		each connect, which the timeout does not bound) or the path of
 *		a unix socket ("/..."; port unused); password NULL or "": no
 *		AUTH; db 0: no SELECT; prefix NULL: STATE_REDIS_PREFIX.
 *		No connection is made yet (startup never waits on Redis).
 *		NULL, with err saying why, only on bad arguments.
 *	state_check(st, now_ms, q, err) - everything one transaction asks,
 *		in one round trip: q->blocks[i] gets the block in force for
 *		q->block_keys[i] (since == 0: none), and each q->rates[i] is
 *		counted: count is the window's count before adding; a rate
 *		with count + amount > limit is over (retry_ms: the first ms
 *		at which it would fit if nothing else came, 0 if amount >
 *		limit: never). The amounts are added only when no rate of
 *		the query is over: a message over one limit counts against
 *		none. Atomic for the whole query. 0, or -1.
 *	state_refusal(st, now_ms, keys, nkeys, window_ms, threshold,
 *		duration_ms, reason, out, err) - count one refusal for each
 *		key in a sliding window of window_ms; the key that reaches
 *		threshold refusals is blocked from now_ms for duration_ms,
 *		with reason (cut to fit) and the count, and its refusal count
 *		starts again from zero. A key already blocked is not counted:
 *		its block stays as it is (not extended). out[i] is key i's
 *		block, new or in force (since == 0: none). One round trip.
 *		0, or -1.
 *	state_blocks(st, now_ms, fn, arg, err) - fn(key, block, arg) for
 *		every block in force, called with no lock held; the number of
 *		blocks, or -1 (then fn was not called). Redis: a SCAN over the
 *		prefix, each step a round trip bounded by timeout_ms, at most
 *		STATE_REDIS_SCAN_STEPS steps (then the listing is partial and
 *		a warning logged), and SCAN may name a key twice while Redis
 *		resizes its table; meant for admin tools, not sessions.
 *	state_unblock(st, key, err) - lift a block now and forget the key's
 *		refusals: 1 a block was lifted, 0 there was none, -1 the store
 *		failed. (Memory: "in force" at the latest now_ms it was given;
 *		Redis: the key, which expires with the block, still exists.)
 *	state_backend_name(st) - "memory" or "redis".
 *	state_stats(st, stats) - counters for monitoring (struct
 *		state_stats); never fails.
 *	state_free(st) - close connections, free everything; NULL is fine.
 *
 * Arguments: keys are any bytes but NUL, 1 to STATE_KEY_MAX bytes; at most
 * STATE_MAX_KEYS block keys, rates or refusal keys per call; window_ms and
 * duration_ms from 1 to STATE_WINDOW_MAX; threshold at least 1; now_ms
 * above 0; err may be NULL. A bad argument is an error (-1) like a
 * failed store.
 *
 * Times are wall-clock ms since the epoch, passed in so that tests can
 * move time (and all hosts of a fleet should run NTP).
 *
 * Sliding window (rates and refusals), the two-bucket estimate: time is
 * cut into buckets of window_ms aligned on multiples of window_ms; each
 * counter keeps the count of the current bucket (cur) and of the one
 * before it (prev): O(1) memory. At time now, in the bucket starting at
 * start (e = now - start, 0 <= e < window_ms), the count of the window
 * that ends now is estimated as
 *	count = ceil(prev * ((window_ms - e) / window_ms)) + cur
 * (prev is assumed spread evenly over its bucket; the part still inside
 * the window counts, rounded up so that a burst at the end of one bucket
 * is not forgotten at the start of the next). It is computed in IEEE double, in C and in the
 * Redis script alike, so both stores give the same counts. A counter
 * whose stored window differs from the one asked for starts again; a
 * bucket one window ahead of now (another host's clock) is taken as the
 * current one with e = 0.
 *
 * Failure (-1): err says why, and the outs are zero ("not blocked, count
 * 0, not over"): what a session does then (let mail through, or
 * tempfail) is the caller's policy, and the caller logs err. Redis: every
 * call is bounded by timeout_ms as a whole (waiting for a connection of
 * the pool, connecting, AUTH/SELECT, the request and its reply); a
 * connection that fails (refused, timeout, closed, garbage) is dropped
 * and Redis is taken as down for STATE_REDIS_BACKOFF_MS: calls fail at
 * once with "redis ... down since ...", then one call tries to connect
 * again. Going down and coming back are logged (log_warn, log_info);
 * stats count the rest. A reply of the wrong shape is an error; an error
 * reply from Redis (-ERR) fails the call but keeps the connection.
 * Nothing here raises SIGPIPE (every write is a send(MSG_NOSIGNAL)).
 */
#ifndef AUTHGATE_STATE_H
#define AUTHGATE_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "util/str.h"

#define STATE_KEY_MAX		1024	/* bytes of a key */
#define STATE_MAX_KEYS		256	/* keys or rates of one call */
#define STATE_WINDOW_MAX	(366LL * 86400 * 1000)	/* ms */
#define STATE_MEM_DEFAULT	100000	/* entries of a memory store */
#define STATE_REDIS_PREFIX	"authgate:"
#define STATE_REDIS_POOL	8	/* connections per Redis store */
#define STATE_REDIS_BACKOFF_MS	1000	/* no connect after a failure */
#define STATE_REDIS_SCAN_STEPS	4096	/* SCAN steps of state_blocks */

typedef struct state_store state_store;

struct state_block {			/* a temporary block */
	int64_t	 since;			/* wall-clock ms; 0: not blocked */
	int64_t	 until;
	unsigned refusals;		/* refusals that caused it */
	char	 reason[200];		/* the last refusal's, cut to fit */
};

struct state_rate {			/* one sliding-window counter */
	const char *key;		/* e.g. "rate:msg:login:bob" */
	int64_t	 window_ms;
	unsigned limit;			/* the most allowed in a window */
	unsigned amount;		/* to add now */
	unsigned count;			/* out: the count before adding */
	int	 over;			/* out: count + amount > limit */
	int64_t	 retry_ms;		/* out, when over: when it fits */
};

struct state_query {			/* one transaction: one round trip */
	const char *const *block_keys;	/* e.g. "login:bob" */
	size_t	 nblock_keys;
	struct state_block *blocks;	/* out, one per block key */
	struct state_rate *rates;
	size_t	 nrates;
};

struct state_stats {
	uint64_t calls;			/* check/refusal/blocks/unblock */
	uint64_t errors;		/* calls that returned -1 */
	uint64_t entries;		/* memory: entries held now */
	uint64_t evicted;		/* memory: dropped to make room */
	uint64_t expired;		/* memory: dropped when expired */
	uint64_t round_trips;		/* redis: requests sent */
	uint64_t connects;		/* redis: connections made */
	uint64_t connect_errors;	/* redis: connections that failed */
	uint64_t down_fails;		/* redis: calls failed at once, down */
	uint64_t noscript;		/* redis: EVALSHA sent again as EVAL */
	uint64_t pool_waits;		/* redis: waited for a connection */
	uint64_t pool_timeouts;		/* redis: and got none in time */
	uint64_t open;			/* redis: connections open now */
	int	 down;			/* redis: 1 while taken as down */
};

typedef void (*state_block_fn)(const char *, const struct state_block *,
	    void *);

state_store	*state_mem_new(size_t);
state_store	*state_redis_new(const char *, int, const char *, int,
		    const char *, int, str *);
int		 state_check(state_store *, int64_t, struct state_query *,
		    str *);
int		 state_refusal(state_store *, int64_t, const char *const *,
		    size_t, int64_t, unsigned, int64_t, const char *,
		    struct state_block *, str *);
int		 state_blocks(state_store *, int64_t, state_block_fn, void *,
		    str *);
int		 state_unblock(state_store *, const char *, str *);
const char	*state_backend_name(const state_store *);
void		 state_stats(const state_store *, struct state_stats *);
void		 state_free(state_store *);

#endif
