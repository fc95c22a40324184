/*
 * test_state - the state store (lib/state): one table of cases run against
 * the memory store always, and against Redis when AUTHGATE_TEST_REDIS is
 * set, so that both stores behave alike: rates under, at and over the
 * limit, the window sliding (synthetic times, no sleeping), blocks after
 * refusals, their expiry, unblock, the listing; then keys (1 kB, binary),
 * bad arguments, LRU eviction, threads hammering a store, and a Redis
 * that is down, or hostile (tests/integration/fake_redis.py).
 *
 * Environment (tests/integration/state_redis.sh sets it):
 *	AUTHGATE_TEST_REDIS=HOST:PORT	a real redis-server to use
 *	AUTHGATE_TEST_REDIS_PASSWORD, AUTHGATE_TEST_REDIS_DB	its AUTH, SELECT
 *	AUTHGATE_TEST_REDIS_SOCKET=PATH	the same server's unix socket
 *	AUTHGATE_TEST_FAKE_REDIS=HOST:PORT:MODE[,...]	fake servers
 * Timing is only asserted as a generous bound (a call that hangs fails).
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <hiredis/hiredis.h>

#include "util/deadline.h"
#include "util/str.h"
#include "state/state.h"

#define W	65536		/* a window: (W - e) / W is exact in binary */
#define HOUR	3600000
#define BOUND	5000		/* ms: no call may take longer (a hang) */

enum op { END, RATE, REFUSE, BLOCKED, UNBLOCK, LIST };

struct step {
	enum op		 op;
	int64_t		 now;
	const char	*key;
	int64_t		 window;	/* RATE, REFUSE */
	unsigned	 limit;		/* RATE: limit; REFUSE: threshold */
	unsigned	 amount;	/* RATE */
	int64_t		 duration;	/* REFUSE */
	const char	*reason;	/* REFUSE; BLOCKED: expected */
	unsigned	 count;		/* RATE: expected */
	int		 over;
	int64_t		 retry;
	int64_t		 since;		/* REFUSE, BLOCKED: expected */
	int64_t		 until;
	unsigned	 refusals;
	int		 ret;		/* UNBLOCK, LIST: expected */
};

struct tcase {
	const char	*name;
	struct step	 steps[24];
};

#define RATE_(t, k, w, l, a, c, o, r) \
	{ .op = RATE, .now = (t), .key = (k), .window = (w), .limit = (l), \
	  .amount = (a), .count = (c), .over = (o), .retry = (r) }
#define REFUSE_(t, k, w, th, d, why, s, u, n) \
	{ .op = REFUSE, .now = (t), .key = (k), .window = (w), \
	  .limit = (th), .duration = (d), .reason = (why), .since = (s), \
	  .until = (u), .refusals = (n) }
#define BLOCKED_(t, k, s, u, n, why) \
	{ .op = BLOCKED, .now = (t), .key = (k), .since = (s), .until = (u), \
	  .refusals = (n), .reason = (why) }

static const struct tcase cases[] = {
	{ "under, at and over the limit; over adds nothing", {
		RATE_(1000, "rate:msg:login:bob", W, 3, 1, 0, 0, 0),
		RATE_(2000, "rate:msg:login:bob", W, 3, 1, 1, 0, 0),
		RATE_(3000, "rate:msg:login:bob", W, 3, 1, 2, 0, 0),
		/* the previous bucket's part is rounded up: the three of
		 * the last bucket hold until a third of it has slid out */
		RATE_(4000, "rate:msg:login:bob", W, 3, 1, 3, 1, W + W / 3 + 1),
		RATE_(5000, "rate:msg:login:bob", W, 3, 1, 3, 1, W + W / 3 + 1),
		RATE_(W, "rate:msg:login:bob", W, 3, 1, 3, 1, W + W / 3 + 1),
		RATE_(W + 1, "rate:msg:login:bob", W, 3, 1, 3, 1,
		    W + W / 3 + 1),
		RATE_(W + W / 3, "rate:msg:login:bob", W, 3, 1, 3, 1,
		    W + W / 3 + 1),
		RATE_(W + W / 3 + 1, "rate:msg:login:bob", W, 3, 1, 2, 0, 0),
		RATE_(W + W / 3 + 2, "rate:msg:login:bob", W, 3, 1, 3, 1,
		    W + 2 * W / 3 + 1),
		/* another key is another counter */
		RATE_(W + 2, "rate:msg:login:alice", W, 3, 1, 0, 0, 0),
		{ .op = END } } },
	{ "the window slides", {
		RATE_(1000, "rate:rcpt:ip:192.0.2.1", W, 10, 4, 0, 0, 0),
		RATE_(30000, "rate:rcpt:ip:192.0.2.1", W, 10, 6, 4, 0, 0),
		/* the next bucket: ceil(10 * (W - e) / W) <= 9 from
		 * e = W / 10 + 1 */
		RATE_(30001, "rate:rcpt:ip:192.0.2.1", W, 10, 1, 10, 1,
		    W + W / 10 + 1),
		RATE_(W, "rate:rcpt:ip:192.0.2.1", W, 10, 1, 10, 1,
		    W + W / 10 + 1),
		RATE_(W + 1, "rate:rcpt:ip:192.0.2.1", W, 10, 1, 10, 1,
		    W + W / 10 + 1),
		RATE_(W + W / 10 + 1, "rate:rcpt:ip:192.0.2.1", W, 10, 1, 9, 0,
		    0),
		/* half the previous bucket is still in the window */
		RATE_(W + W / 2, "rate:rcpt:ip:192.0.2.1", W, 10, 0, 6, 0, 0),
		RATE_(W + W / 2, "rate:rcpt:ip:192.0.2.1", W, 10, 4, 6, 0, 0),
		/* ceil(10 * (W - e) / W) <= 4 from e = 3 * W / 5 + 1 */
		RATE_(W + W / 2, "rate:rcpt:ip:192.0.2.1", W, 10, 1, 10, 1,
		    W + 3 * W / 5 + 1),
		/* a quarter in: the previous bucket (5) counts 3/4, 3.75,
		 * rounded up */
		RATE_(2 * W + W / 4, "rate:rcpt:ip:192.0.2.1", W, 10, 0, 4, 0,
		    0),
		/* two windows later nothing is left */
		RATE_(4 * W + 1, "rate:rcpt:ip:192.0.2.1", W, 10, 0, 0, 0, 0),
		{ .op = END } } },
	{ "amounts above one", {
		RATE_(1000, "rate:rcpt:login:bob", W, 100, 60, 0, 0, 0),
		/* next bucket: ceil(60 * (W - e) / W) <= 50 from
		 * e = W / 6 + 1 */
		RATE_(2000, "rate:rcpt:login:bob", W, 100, 50, 60, 1,
		    W + W / 6 + 1),
		RATE_(3000, "rate:rcpt:login:bob", W, 100, 40, 60, 0, 0),
		RATE_(4000, "rate:rcpt:login:bob", W, 100, 1, 100, 1,
		    W + W / 100 + 1),
		/* more than the limit never fits */
		RATE_(5000, "rate:rcpt:login:carol", W, 5, 6, 0, 1, 0),
		RATE_(6000, "rate:rcpt:login:carol", W, 5, 5, 0, 0, 0),
		/* a probe (amount 0) reads without adding */
		RATE_(7000, "rate:rcpt:login:carol", W, 5, 0, 5, 0, 0),
		RATE_(8000, "rate:rcpt:login:carol", W, 5, 0, 5, 0, 0),
		{ .op = END } } },
	{ "a changed window starts the counter again", {
		RATE_(1000, "rate:msg:login:dave", W, 10, 5, 0, 0, 0),
		RATE_(2000, "rate:msg:login:dave", 2 * W, 10, 1, 0, 0, 0),
		RATE_(3000, "rate:msg:login:dave", 2 * W, 10, 1, 1, 0, 0),
		{ .op = END } } },
	{ "a block after threshold refusals, and its expiry", {
		REFUSE_(1000, "login:bob", 600000, 3, HOUR, "r1", 0, 0, 0),
		REFUSE_(2000, "login:bob", 600000, 3, HOUR, "r2", 0, 0, 0),
		BLOCKED_(2500, "login:bob", 0, 0, 0, ""),
		REFUSE_(3000, "login:bob", 600000, 3, HOUR, "bad sender r3",
		    3000, 3000 + HOUR, 3),
		BLOCKED_(4000, "login:bob", 3000, 3000 + HOUR, 3,
		    "bad sender r3"),
		/* while blocked a refusal is not counted, extends nothing */
		REFUSE_(5000, "login:bob", 600000, 3, HOUR, "r4", 3000,
		    3000 + HOUR, 3),
		BLOCKED_(3000 + HOUR - 1, "login:bob", 3000, 3000 + HOUR, 3,
		    "bad sender r3"),
		BLOCKED_(3000 + HOUR, "login:bob", 0, 0, 0, ""),
		/* the refusals started again at the block */
		REFUSE_(3604000, "login:bob", 600000, 3, HOUR, "r5", 0, 0, 0),
		REFUSE_(3605000, "login:bob", 600000, 3, HOUR, "r6", 0, 0, 0),
		REFUSE_(3606000, "login:bob", 600000, 3, HOUR, "r7", 3606000,
		    3606000 + HOUR, 3),
		BLOCKED_(3606001, "ip:192.0.2.1", 0, 0, 0, ""),
		{ .op = END } } },
	{ "refusals slide out of their window", {
		REFUSE_(1000, "ip:192.0.2.9", W, 2, HOUR, "x", 0, 0, 0),
		REFUSE_(3 * W, "ip:192.0.2.9", W, 2, HOUR, "x", 0, 0, 0),
		REFUSE_(3 * W + 1, "ip:192.0.2.9", W, 2, HOUR, "y", 3 * W + 1,
		    3 * W + 1 + HOUR, 2),
		{ .op = END } } },
	{ "unblock lifts the block and forgets the refusals", {
		REFUSE_(1000, "login:eve", W, 1, HOUR, "now", 1000, 1000 + HOUR,
		    1),
		{ .op = UNBLOCK, .key = "login:eve", .ret = 1 },
		{ .op = UNBLOCK, .key = "login:eve", .ret = 0 },
		BLOCKED_(2000, "login:eve", 0, 0, 0, ""),
		REFUSE_(3000, "login:frank", W, 2, HOUR, "one", 0, 0, 0),
		{ .op = UNBLOCK, .key = "login:frank", .ret = 0 },
		REFUSE_(4000, "login:frank", W, 2, HOUR, "two", 0, 0, 0),
		{ .op = END } } },
	{ "the listing holds the blocks in force", {
		{ .op = LIST, .now = 500, .ret = 0 },
		REFUSE_(1000, "ip:192.0.2.1", W, 1, 1000, "a", 1000, 2000, 1),
		REFUSE_(1000, "login:a", W, 1, HOUR, "b", 1000, 1000 + HOUR, 1),
		REFUSE_(1000, "login:b", W, 1, HOUR, "c", 1000, 1000 + HOUR, 1),
		REFUSE_(1000, "login:c", W, 2, HOUR, "d", 0, 0, 0),
		{ .op = LIST, .now = 1500, .ret = 3 },
		{ .op = LIST, .now = 2000, .ret = 2 },
		{ .op = UNBLOCK, .key = "login:a", .ret = 1 },
		{ .op = LIST, .now = 2000, .ret = 1 },
		{ .op = END } } },
};

struct redis_where {			/* a server from the environment */
	char		 host[256];
	int		 port;
	char		 mode[32];
};

static unsigned store_seq;		/* makes each Redis prefix new */
static char prefix[64];			/* the latest one */

/* redis_parse - HOST:PORT[:MODE] */
static int
redis_parse(const char *s, size_t len, struct redis_where *w)
{
	char buf[320];
	char *colon, *mode;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(w, 0, sizeof(*w));
	if ((colon = strchr(buf, ':')) == NULL ||
	    (size_t)(colon - buf) >= sizeof(w->host))
		return -1;
	*colon++ = '\0';
	if ((mode = strchr(colon, ':')) != NULL) {
		*mode++ = '\0';
		if (strlen(mode) >= sizeof(w->mode))
			return -1;
		strcpy(w->mode, mode);
	}
	strcpy(w->host, buf);
	w->port = atoi(colon);
	return w->port > 0 ? 0 : -1;
}

/* redis_env - the real Redis of the environment, or 0 */
static int
redis_env(struct redis_where *w)
{
	const char *s;

	if ((s = getenv("AUTHGATE_TEST_REDIS")) == NULL || *s == '\0')
		return 0;
	if (redis_parse(s, strlen(s), w) < 0)
		fail_msg("bad AUTHGATE_TEST_REDIS: %s", s);
	return 1;
}

/* redis_db - the database of the environment */
static int
redis_db(void)
{
	const char *s;

	return (s = getenv("AUTHGATE_TEST_REDIS_DB")) != NULL ? atoi(s) : 0;
}

/* new_redis - a Redis store with a prefix of its own */
static state_store *
new_redis(const struct redis_where *w, const char *password, int timeout)
{
	state_store *st;
	str err = { NULL, 0, 0 };

	snprintf(prefix, sizeof(prefix), "authgate-test:%ld:%u:",
	    (long)getpid(), ++store_seq);
	st = state_redis_new(w->host, w->port, password, redis_db(), prefix,
	    timeout, &err);
	if (st == NULL)
		fail_msg("state_redis_new: %s", str_cstr(&err));
	str_free(&err);
	return st;
}

/* new_store - a fresh store of a kind: 'm' memory, 'r' Redis */
static state_store *
new_store(int kind)
{
	struct redis_where w;

	if (kind == 'm')
		return state_mem_new(1000);
	if (!redis_env(&w))
		fail_msg("no Redis");
	return new_redis(&w, getenv("AUTHGATE_TEST_REDIS_PASSWORD"), 2000);
}

/* need_redis - skip unless a real Redis is there */
static void
need_redis(int kind)
{
	struct redis_where w;

	if (kind == 'r' && !redis_env(&w)) {
		print_message("AUTHGATE_TEST_REDIS unset: skipped\n");
		skip();
	}
}

/* step_fail - report a step that did not give what the table says */
static void
step_fail(const struct tcase *c, int i, const char *what, long long got,
    long long want)
{
	fail_msg("case \"%s\", step %d: %s is %lld, expected %lld", c->name,
	    i, what, got, want);
}

/* run_rate - one RATE step */
static void
run_rate(state_store *st, const struct tcase *c, int i)
{
	const struct step *s = &c->steps[i];
	struct state_rate rt = { 0 };
	struct state_query q = { 0 };
	str err = { NULL, 0, 0 };

	rt.key = s->key;
	rt.window_ms = s->window;
	rt.limit = s->limit;
	rt.amount = s->amount;
	q.rates = &rt;
	q.nrates = 1;
	if (state_check(st, s->now, &q, &err) != 0)
		fail_msg("case \"%s\", step %d: %s", c->name, i,
		    str_cstr(&err));
	str_free(&err);
	if (rt.count != s->count)
		step_fail(c, i, "count", rt.count, s->count);
	if (rt.over != s->over)
		step_fail(c, i, "over", rt.over, s->over);
	if (rt.retry_ms != s->retry)
		step_fail(c, i, "retry_ms", rt.retry_ms, s->retry);
}

/* same_block - a block is what the step says */
static void
same_block(const struct tcase *c, int i, const struct state_block *b,
    int check_reason)
{
	const struct step *s = &c->steps[i];

	if (b->since != s->since)
		step_fail(c, i, "since", b->since, s->since);
	if (b->until != s->until)
		step_fail(c, i, "until", b->until, s->until);
	if (b->refusals != s->refusals)
		step_fail(c, i, "refusals", b->refusals, s->refusals);
	if (check_reason && strcmp(b->reason, s->reason) != 0)
		fail_msg("case \"%s\", step %d: reason \"%s\", expected "
		    "\"%s\"", c->name, i, b->reason, s->reason);
}

/* run_refuse - one REFUSE step */
static void
run_refuse(state_store *st, const struct tcase *c, int i)
{
	const struct step *s = &c->steps[i];
	struct state_block b;
	str err = { NULL, 0, 0 };

	if (state_refusal(st, s->now, &s->key, 1, s->window, s->limit,
	    s->duration, s->reason, &b, &err) != 0)
		fail_msg("case \"%s\", step %d: %s", c->name, i,
		    str_cstr(&err));
	str_free(&err);
	same_block(c, i, &b, 0);
}

/* run_blocked - one BLOCKED step */
static void
run_blocked(state_store *st, const struct tcase *c, int i)
{
	const struct step *s = &c->steps[i];
	struct state_block b;
	struct state_query q = { 0 };
	str err = { NULL, 0, 0 };

	q.block_keys = &s->key;
	q.nblock_keys = 1;
	q.blocks = &b;
	if (state_check(st, s->now, &q, &err) != 0)
		fail_msg("case \"%s\", step %d: %s", c->name, i,
		    str_cstr(&err));
	str_free(&err);
	same_block(c, i, &b, 1);
}

/* run_other - an UNBLOCK or LIST step */
static void
run_other(state_store *st, const struct tcase *c, int i)
{
	const struct step *s = &c->steps[i];
	str err = { NULL, 0, 0 };
	int rc;

	if (s->op == UNBLOCK)
		rc = state_unblock(st, s->key, &err);
	else
		rc = state_blocks(st, s->now, NULL, NULL, &err);
	if (rc < 0)
		fail_msg("case \"%s\", step %d: %s", c->name, i,
		    str_cstr(&err));
	str_free(&err);
	if (rc != s->ret)
		step_fail(c, i, s->op == UNBLOCK ? "unblock" : "listing", rc,
		    s->ret);
}

/* run_cases - the whole table against fresh stores of a kind */
static void
run_cases(int kind)
{
	const struct tcase *c;
	state_store *st;
	size_t n;
	int i;

	need_redis(kind);
	for (n = 0; n < sizeof(cases) / sizeof(cases[0]); n++) {
		c = &cases[n];
		st = new_store(kind);
		for (i = 0; c->steps[i].op != END; i++) {
			switch (c->steps[i].op) {
			case RATE:
				run_rate(st, c, i);
				break;
			case REFUSE:
				run_refuse(st, c, i);
				break;
			case BLOCKED:
				run_blocked(st, c, i);
				break;
			default:
				run_other(st, c, i);
				break;
			}
		}
		state_free(st);
	}
}

/* test_cases_memory - the table against the memory store */
static void
test_cases_memory(void **state)
{
	run_cases('m');
}

/* test_cases_redis - the same table against Redis */
static void
test_cases_redis(void **state)
{
	run_cases('r');
}

/* run_query - one transaction: blocks and rates together; several keys
 * refused at once */
static void
run_query(int kind)
{
	const char *keys[] = { "login:bob", "ip:192.0.2.1", "login:nobody" };
	struct state_block blocks[3], out[2];
	struct state_rate rates[2] = {
		{ "rate:msg:login:bob", W, 5, 1, 0, 0, 0 },
		{ "rate:rcpt:login:bob", W, 10, 4, 0, 0, 0 },
	};
	struct state_query q = { keys, 3, blocks, rates, 2 };
	state_store *st;
	str err = { NULL, 0, 0 };

	need_redis(kind);
	st = new_store(kind);
	assert_int_equal(state_refusal(st, 1000, keys, 2, W, 2, HOUR, "x",
	    out, &err), 0);
	assert_int_equal(out[0].since + out[1].since, 0);
	assert_int_equal(state_refusal(st, 2000, keys, 2, W, 2, HOUR, "y",
	    out, &err), 0);
	assert_int_equal(out[0].since, 2000);
	assert_int_equal(out[1].since, 2000);
	assert_int_equal(state_check(st, 3000, &q, &err), 0);
	assert_int_equal(blocks[0].since, 2000);
	assert_string_equal(blocks[1].reason, "y");
	assert_int_equal(blocks[2].since, 0);
	assert_int_equal(rates[0].count, 0);
	assert_int_equal(rates[1].count, 0);
	assert_int_equal(state_check(st, 3001, &q, &err), 0);
	assert_int_equal(rates[0].count, 1);
	assert_int_equal(rates[1].count, 4);
	/* all or nothing: one rate over, and neither is counted */
	rates[1].amount = 3;
	assert_int_equal(state_check(st, 3002, &q, &err), 0);
	assert_int_equal(rates[0].count, 2);
	assert_false(rates[0].over);
	assert_int_equal(rates[1].count, 8);
	assert_true(rates[1].over);
	rates[1].amount = 1;
	assert_int_equal(state_check(st, 3003, &q, &err), 0);
	assert_int_equal(rates[0].count, 2);
	assert_int_equal(rates[1].count, 8);
	assert_false(rates[0].over || rates[1].over);
	/* a key twice in one call: both see the count before the call */
	rates[1] = rates[0];
	assert_int_equal(state_check(st, 3004, &q, &err), 0);
	assert_int_equal(rates[0].count, 3);
	assert_int_equal(rates[1].count, 3);
	assert_int_equal(state_check(st, 3005, &q, &err), 0);
	assert_int_equal(rates[0].count, 5);
	str_free(&err);
	state_free(st);
}

/* test_query_memory - one transaction asks for several things (memory) */
static void
test_query_memory(void **state)
{
	run_query('m');
}

/* test_query_redis - one transaction asks for several things (Redis) */
static void
test_query_redis(void **state)
{
	run_query('r');
}

/* listed - a listing callback: remember the one key expected */
static void
listed(const char *key, const struct state_block *b, void *arg)
{
	str *seen = arg;

	str_append(seen, key);
	str_append_c(seen, '\n');
	assert_true(b->since > 0);
}

/* key_round_trip - a key works as a rate and a block, and is listed back
 * byte for byte */
static void
key_round_trip(state_store *st, const char *key, int64_t now)
{
	struct state_rate rt = { key, W, 10, 3, 0, 0, 0 };
	struct state_query q = { NULL, 0, NULL, &rt, 1 };
	struct state_block b;
	str err = { NULL, 0, 0 }, seen = { NULL, 0, 0 };

	assert_int_equal(state_check(st, now, &q, &err), 0);
	assert_int_equal(state_check(st, now, &q, &err), 0);
	assert_int_equal(rt.count, 3);
	assert_int_equal(state_refusal(st, now, &key, 1, W, 1, HOUR, "k", &b,
	    &err), 0);
	assert_int_equal(b.since, now);
	assert_int_equal(state_blocks(st, now, listed, &seen, &err), 1);
	assert_int_equal(seen.len, strlen(key) + 1);
	assert_memory_equal(seen.buf, key, strlen(key));
	assert_int_equal(state_unblock(st, key, &err), 1);
	str_free(&seen);
	str_free(&err);
}

/* bad_call - a call with a bad argument fails, its outs zero */
static void
bad_call(state_store *st, const char *key, int64_t now, int64_t window,
    unsigned threshold, size_t n)
{
	const char *keys[STATE_MAX_KEYS + 1];
	struct state_block out[STATE_MAX_KEYS + 1];
	size_t i;
	str err = { NULL, 0, 0 };

	for (i = 0; i < n; i++)
		keys[i] = key;
	memset(out, 0x55, sizeof(out));
	assert_int_equal(state_refusal(st, now, keys, n, window, threshold,
	    HOUR, "r", out, &err), -1);
	assert_true(strstr(str_cstr(&err), "bad argument") != NULL);
	assert_int_equal(out[0].since, 0);
	assert_int_equal(out[0].reason[0], '\0');
	str_free(&err);
}

/* run_keys - 1 kB keys, binary keys, long reasons and bad arguments */
static void
run_keys(int kind)
{
	char big[STATE_KEY_MAX + 2], bin[256], reason[400];
	struct state_rate rt = { "k", W, 10, 1, 7, 7, 7 };
	struct state_query q = { NULL, 0, NULL, &rt, 1 };
	struct state_block b;
	const char *k;
	state_store *st;
	str err = { NULL, 0, 0 };
	int i;

	need_redis(kind);
	st = new_store(kind);
	memset(big, 'k', sizeof(big));
	big[STATE_KEY_MAX] = '\0';
	key_round_trip(st, big, 1000);
	for (i = 1; i < 256; i++)
		bin[i - 1] = (char)i;
	bin[255] = '\0';
	key_round_trip(st, bin, 2000);
	key_round_trip(st, "*?[]\\ glob chars", 3000);
	/* a reason is cut to fit, never inside a UTF-8 sequence */
	memset(reason, 'a', sizeof(reason));
	memcpy(reason + 197, "\xe2\x82\xac", 3);	/* bytes 197-199 */
	reason[sizeof(reason) - 1] = '\0';
	k = "login:reason";
	assert_int_equal(state_refusal(st, 4000, &k, 1, W, 1, HOUR, reason,
	    &b, &err), 0);
	assert_int_equal(strlen(b.reason), 197);
	/* too long, empty, NULL keys; bad windows, threshold, time, count */
	big[STATE_KEY_MAX] = 'k';
	big[STATE_KEY_MAX + 1] = '\0';
	bad_call(st, big, 1000, W, 1, 1);
	bad_call(st, "", 1000, W, 1, 1);
	bad_call(st, NULL, 1000, W, 1, 1);
	bad_call(st, "k", 1000, 0, 1, 1);
	bad_call(st, "k", 1000, STATE_WINDOW_MAX + 1, 1, 1);
	bad_call(st, "k", 1000, W, 0, 1);
	bad_call(st, "k", 0, W, 1, 1);
	bad_call(st, "k", 1000, W, 1, STATE_MAX_KEYS + 1);
	rt.key = big;
	assert_int_equal(state_check(st, 1000, &q, &err), -1);
	assert_int_equal(rt.count + rt.over + rt.retry_ms, 0);
	assert_int_equal(state_unblock(st, big, NULL), -1);
	str_free(&err);
	state_free(st);
}

/* test_keys_memory - keys and arguments at their bounds (memory) */
static void
test_keys_memory(void **state)
{
	run_keys('m');
}

/* test_keys_redis - keys and arguments at their bounds (Redis) */
static void
test_keys_redis(void **state)
{
	run_keys('r');
}

/* probe - the count of a rate key, adding nothing */
static unsigned
probe(state_store *st, const char *key, int64_t now, int64_t window)
{
	struct state_rate rt = { key, window, UINT_MAX, 0, 0, 0, 0 };
	struct state_query q = { NULL, 0, NULL, &rt, 1 };

	assert_int_equal(state_check(st, now, &q, NULL), 0);
	return rt.count;
}

/* add - add one to a rate key */
static void
add(state_store *st, const char *key, int64_t now)
{
	struct state_rate rt = { key, W, 1000000, 1, 0, 0, 0 };
	struct state_query q = { NULL, 0, NULL, &rt, 1 };

	assert_int_equal(state_check(st, now, &q, NULL), 0);
}

/* the memory store keeps its bound: least recently used first out */
static void
test_lru_memory(void **state)
{
	struct state_stats s;
	state_store *st;
	char key[32];
	int i;

	st = state_mem_new(3);
	assert_string_equal(state_backend_name(st), "memory");
	add(st, "k1", 1000);
	add(st, "k2", 1000);
	add(st, "k3", 1000);
	assert_int_equal(probe(st, "k1", 1000, W), 1);	/* k1 is fresh now */
	add(st, "k4", 1000);				/* k2 goes */
	assert_int_equal(probe(st, "k2", 1000, W), 0);
	assert_int_equal(probe(st, "k1", 1000, W), 1);
	assert_int_equal(probe(st, "k3", 1000, W), 1);
	assert_int_equal(probe(st, "k4", 1000, W), 1);
	state_stats(st, &s);
	assert_int_equal(s.entries, 3);
	assert_int_equal(s.evicted, 1);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "flood%d", i);
		add(st, key, 2000);
	}
	state_stats(st, &s);
	assert_int_equal(s.entries, 3);
	assert_int_equal(probe(st, "flood999", 2000, W), 1);
	/* an expired entry is dropped when met: a counter lives 2 windows */
	assert_int_equal(probe(st, "flood999", 2000 + 2 * W, W), 0);
	state_stats(st, &s);
	assert_int_equal(s.entries, 2);
	assert_int_equal(s.expired, 1);
	state_free(st);
	state_free(NULL);
}

struct hammer {
	state_store	*st;
	int		 id;
	int		 calls;
	int		 refusals;	/* how many of them also refuse */
	int		 errors;
};

/* hammer_one - one thread's calls: a shared and an own counter, and now
 * and then a refusal of a shared key */
static void *
hammer_one(void *arg)
{
	struct hammer *h = arg;
	struct state_rate rates[2] = {
		{ "rate:shared", HOUR, UINT_MAX, 1, 0, 0, 0 },
		{ NULL, HOUR, UINT_MAX, 1, 0, 0, 0 },
	};
	struct state_query q = { NULL, 0, NULL, rates, 2 };
	const char *shared = "login:shared";
	struct state_block b;
	char own[32];
	int i;

	snprintf(own, sizeof(own), "rate:own:%d", h->id);
	rates[1].key = own;
	for (i = 0; i < h->calls; i++) {
		if (state_check(h->st, 1000, &q, NULL) != 0)
			h->errors++;
		if (i < h->refusals && state_refusal(h->st, 1000, &shared, 1,
		    HOUR, 8 * (unsigned)h->refusals, HOUR, "r", &b,
		    NULL) != 0)
			h->errors++;
	}
	return NULL;
}

/* run_threads - 8 threads at once; the totals are exact */
static void
run_threads(int kind, int calls, int refusals)
{
	struct hammer h[8];
	pthread_t t[8];
	struct state_stats s;
	struct state_block b;
	struct state_query q = { NULL, 1, &b, NULL, 0 };
	const char *shared = "login:shared";
	state_store *st;
	char own[32];
	int i;

	need_redis(kind);
	st = kind == 'm' ? state_mem_new(100) : new_store(kind);
	for (i = 0; i < 8; i++) {
		h[i] = (struct hammer){ st, i, calls, refusals, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, hammer_one, &h[i]),
		    0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(h[i].errors, 0);
	}
	assert_int_equal(probe(st, "rate:shared", 1000, HOUR), 8 * calls);
	for (i = 0; i < 8; i++) {
		snprintf(own, sizeof(own), "rate:own:%d", i);
		assert_int_equal(probe(st, own, 1000, HOUR), calls);
	}
	q.block_keys = &shared;
	assert_int_equal(state_check(st, 1000, &q, NULL), 0);
	assert_int_equal(b.refusals, 8 * refusals);
	state_stats(st, &s);
	print_message("%s: %llu calls, %llu round trips, %llu connections\n",
	    state_backend_name(st), (unsigned long long)s.calls,
	    (unsigned long long)s.round_trips,
	    (unsigned long long)s.connects);
	assert_int_equal(s.errors, 0);
	assert_true(s.open <= STATE_REDIS_POOL);
	state_free(st);
}

/* test_threads_memory - 8 threads x 10000 calls on the memory store */
static void
test_threads_memory(void **state)
{
	run_threads('m', 10000, 100);
}

/* test_threads_redis - 8 threads x 250 calls through the Redis pool */
static void
test_threads_redis(void **state)
{
	run_threads('r', 250, 10);
}

/* closed_port - a port of 127.0.0.1 nobody listens on */
static int
closed_port(void)
{
	struct sockaddr_in sin;
	socklen_t len;
	int fd, port;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	len = sizeof(sin);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* failing_call - every call fails with err holding what; outs zero */
static void
failing_call(state_store *st, const char *what, int64_t *ms)
{
	const char *key = "login:bob";
	struct state_rate rt = { "rate:x", W, 10, 1, 9, 9, 9 };
	struct state_block b;
	struct state_query q = { &key, 1, &b, &rt, 1 };
	int64_t t0;
	str err = { NULL, 0, 0 };

	t0 = deadline_now();
	memset(&b, 0x55, sizeof(b));
	assert_int_equal(state_check(st, 1000, &q, &err), -1);
	*ms = deadline_now() - t0;
	if (strstr(str_cstr(&err), what) == NULL)
		fail_msg("error \"%s\" does not say \"%s\"", str_cstr(&err),
		    what);
	assert_int_equal(rt.count + rt.over + rt.retry_ms, 0);
	assert_int_equal(b.since + b.until + b.refusals + b.reason[0], 0);
	assert_true(*ms < BOUND);
	str_free(&err);
}

/* a Redis that is down costs one failed connect, then nothing: calls
 * fail at once until the back-off is over, then one tries again */
static void
test_redis_down(void **state)
{
	struct redis_where w = { "127.0.0.1", 0, "" };
	const char *key = "login:bob";
	struct state_stats s;
	struct state_block b;
	state_store *st;
	int64_t ms;

	w.port = closed_port();
	st = new_redis(&w, NULL, 500);
	assert_string_equal(state_backend_name(st), "redis");
	failing_call(st, "connect", &ms);
	print_message("refused connection: -1 after %lld ms\n", (long long)ms);
	failing_call(st, "down since", &ms);
	print_message("while down: -1 after %lld ms\n", (long long)ms);
	assert_int_equal(state_refusal(st, 1000, &key, 1, W, 1, HOUR, "x",
	    &b, NULL), -1);
	assert_int_equal(state_blocks(st, 1000, NULL, NULL, NULL), -1);
	assert_int_equal(state_unblock(st, key, NULL), -1);
	state_stats(st, &s);
	assert_int_equal(s.down, 1);
	assert_int_equal(s.connect_errors, 1);
	assert_int_equal(s.down_fails, 4);
	assert_int_equal(s.errors, 5);
	usleep((STATE_REDIS_BACKOFF_MS + 100) * 1000);
	failing_call(st, "connect", &ms);
	state_stats(st, &s);
	assert_int_equal(s.connect_errors, 2);
	assert_int_equal(s.open, 0);
	state_free(st);
}

static const struct {
	const char	*mode;
	const char	*error;		/* what the first error says */
} hostile[] = {
	{ "garbage", "not a Redis reply" },
	{ "slow", "timed out" },
	{ "silent", "timed out" },
	{ "drip", "timed out" },
	{ "close", "" },		/* closed, reset or broken pipe */
	{ "hugelen", "an array of" },
	{ "wrongtype", "wrong shape" },
	{ "badsha", "SCRIPT LOAD" },
};

/* run_hostile - a fake server: every call fails, none hangs or crashes */
static void
run_hostile(const struct redis_where *w)
{
	const char *what;
	state_store *st;
	size_t i;
	int64_t ms;

	for (what = NULL, i = 0; i < sizeof(hostile) / sizeof(hostile[0]);
	    i++)
		if (strcmp(hostile[i].mode, w->mode) == 0)
			what = hostile[i].error;
	if (what == NULL)
		fail_msg("unknown fake Redis mode %s", w->mode);
	st = new_redis(w, "secret", 300);
	failing_call(st, what, &ms);
	print_message("fake redis %-9s -1 after %4lld ms\n", w->mode,
	    (long long)ms);
	failing_call(st, "down since", &ms);
	state_free(st);
}

/* the fake servers of AUTHGATE_TEST_FAKE_REDIS, each in its mode */
static void
test_redis_hostile(void **state)
{
	struct redis_where w;
	const char *s, *end;
	int n;

	if ((s = getenv("AUTHGATE_TEST_FAKE_REDIS")) == NULL || *s == '\0') {
		print_message("AUTHGATE_TEST_FAKE_REDIS unset: skipped\n");
		skip();
	}
	for (n = 0; *s != '\0'; s = *end != '\0' ? end + 1 : end, n++) {
		if ((end = strchr(s, ',')) == NULL)
			end = s + strlen(s);
		if (redis_parse(s, (size_t)(end - s), &w) < 0 ||
		    w.mode[0] == '\0')
			fail_msg("bad AUTHGATE_TEST_FAKE_REDIS: %s", s);
		run_hostile(&w);
	}
	assert_true(n > 0);
}

/* direct - our own connection to the test Redis, to look behind the API */
static redisContext *
direct(void)
{
	struct redis_where w;
	redisContext *c;
	redisReply *rp;
	const char *pw;

	assert_true(redis_env(&w));
	c = redisConnect(w.host, w.port);
	assert_non_null(c);
	assert_int_equal(c->err, 0);
	if ((pw = getenv("AUTHGATE_TEST_REDIS_PASSWORD")) != NULL &&
	    *pw != '\0') {
		rp = redisCommand(c, "AUTH %s", pw);
		assert_true(rp != NULL && rp->type == REDIS_REPLY_STATUS);
		freeReplyObject(rp);
	}
	rp = redisCommand(c, "SELECT %d", redis_db());
	assert_true(rp != NULL && rp->type == REDIS_REPLY_STATUS);
	freeReplyObject(rp);
	return c;
}

/* expiring_keys - how many keys have the prefix; each must expire */
static int
expiring_keys(redisContext *c, const char *pfx)
{
	redisReply *rp, *ttl;
	char cursor[32] = "0";
	size_t i;
	int n, steps;

	for (n = 0, steps = 0; steps < 10000; steps++) {
		rp = redisCommand(c, "SCAN %s MATCH %s* COUNT 1000", cursor,
		    pfx);
		assert_true(rp != NULL && rp->type == REDIS_REPLY_ARRAY &&
		    rp->elements == 2 && rp->element[0]->len < sizeof(cursor));
		memcpy(cursor, rp->element[0]->str, rp->element[0]->len + 1);
		for (i = 0; i < rp->element[1]->elements; i++, n++) {
			ttl = redisCommand(c, "PTTL %b",
			    rp->element[1]->element[i]->str,
			    rp->element[1]->element[i]->len);
			assert_true(ttl != NULL &&
			    ttl->type == REDIS_REPLY_INTEGER);
			if (ttl->integer <= 0)
				fail_msg("key %s without an expiry",
				    rp->element[1]->element[i]->str);
			freeReplyObject(ttl);
		}
		freeReplyObject(rp);
		if (strcmp(cursor, "0") == 0)
			break;
	}
	return n;
}

/* redis_call_rt - the round trips one call costs */
static uint64_t
redis_call_rt(state_store *st, int which)
{
	const char *keys[] = { "login:bob", "ip:192.0.2.1", "login:x" };
	struct state_rate rates[3] = {
		{ "rate:msg:login:bob", W, 5, 1, 0, 0, 0 },
		{ "rate:rcpt:login:bob", W, 10, 4, 0, 0, 0 },
		{ "rate:msg:ip:192.0.2.1", W, 10, 1, 0, 0, 0 },
	};
	struct state_block b[3];
	struct state_query q = { keys, 3, b, rates, 3 };
	struct state_stats s0, s1;

	state_stats(st, &s0);
	if (which == 0)
		assert_int_equal(state_check(st, 1000, &q, NULL), 0);
	else if (which == 1)
		assert_int_equal(state_refusal(st, 1000, keys, 3, W, 5, HOUR,
		    "r", b, NULL), 0);
	else
		assert_true(state_unblock(st, keys[0], NULL) >= 0);
	state_stats(st, &s1);
	return s1.round_trips - s0.round_trips;
}

/* Redis: one round trip a call, every key expires, NOSCRIPT is handled,
 * AUTH is sent */
static void
test_redis_protocol(void **state)
{
	struct redis_where w;
	struct state_stats s;
	redisContext *c;
	redisReply *rp;
	state_store *st;
	int64_t ms;

	need_redis('r');
	st = new_store('r');
	assert_int_equal(probe(st, "warm", 1000, W), 0);  /* connects */
	assert_int_equal(redis_call_rt(st, 0), 1);
	assert_int_equal(redis_call_rt(st, 1), 1);
	assert_int_equal(redis_call_rt(st, 2), 1);
	c = direct();
	/* 3 rate counters, 3 refusal counters less the one unblocked:
	 * each with a PEXPIRE */
	assert_int_equal(expiring_keys(c, prefix), 5);
	rp = redisCommand(c, "SCRIPT FLUSH");
	freeReplyObject(rp);
	assert_int_equal(redis_call_rt(st, 0), 2);	/* EVALSHA, EVAL */
	state_stats(st, &s);
	assert_int_equal(s.noscript, 1);
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.connects, 1);
	/* Redis closes our idle connection (restart, idle timeout): the
	 * next call makes a new one, Redis is not taken as down */
	rp = redisCommand(c, "CLIENT KILL TYPE normal SKIPME yes");
	freeReplyObject(rp);
	usleep(100 * 1000);
	assert_int_equal(probe(st, "warm", 1000, W), 0);
	state_stats(st, &s);
	assert_int_equal(s.connects, 2);
	assert_int_equal(s.errors + s.down, 0);
	redisFree(c);
	state_free(st);
	/* a wrong password fails the connection */
	assert_true(redis_env(&w));
	st = new_redis(&w, "wrong-password", 2000);
	failing_call(st, "AUTH", &ms);
	state_free(st);
}

/* a unix socket works as TCP does */
static void
test_redis_unix(void **state)
{
	const char *path;
	struct state_stats s;
	state_store *st;
	str err = { NULL, 0, 0 };

	if ((path = getenv("AUTHGATE_TEST_REDIS_SOCKET")) == NULL ||
	    *path == '\0') {
		print_message("AUTHGATE_TEST_REDIS_SOCKET unset: skipped\n");
		skip();
	}
	snprintf(prefix, sizeof(prefix), "authgate-test:%ld:%u:",
	    (long)getpid(), ++store_seq);
	st = state_redis_new(path, 0, getenv("AUTHGATE_TEST_REDIS_PASSWORD"),
	    redis_db(), prefix, 2000, &err);
	assert_non_null(st);
	key_round_trip(st, "login:unix", 1000);
	state_stats(st, &s);
	assert_int_equal(s.connects, 1);
	assert_int_equal(s.errors, 0);
	str_free(&err);
	state_free(st);
}

/* main - run the tests */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases_memory),
		cmocka_unit_test(test_cases_redis),
		cmocka_unit_test(test_query_memory),
		cmocka_unit_test(test_query_redis),
		cmocka_unit_test(test_keys_memory),
		cmocka_unit_test(test_keys_redis),
		cmocka_unit_test(test_lru_memory),
		cmocka_unit_test(test_threads_memory),
		cmocka_unit_test(test_threads_redis),
		cmocka_unit_test(test_redis_protocol),
		cmocka_unit_test(test_redis_unix),
		cmocka_unit_test(test_redis_down),
		cmocka_unit_test(test_redis_hostile),
	};

	/* SIGPIPE is left as it is: a store that raised it (a server that
	 * closes, mode "close") would kill the test */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
