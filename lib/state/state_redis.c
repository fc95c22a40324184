/*
 * state_redis - the state store in Redis, shared by a fleet of authgate
 * hosts; see state.h. hiredis makes the connections and parses replies;
 * the bytes go through our own send/recv under poll(), so that:
 *  - every call is bounded by timeout_ms as a whole: a per-read socket
 *    timeout (redisSetTimeout) would let a server that drips one byte at
 *    a time hold a thread for ever, and hiredis's write() could raise
 *    SIGPIPE; send(MSG_NOSIGNAL) cannot;
 *  - no length from the server is trusted: state_resp_feed() follows the
 *    reply framing and refuses bulk strings, arrays, lines and replies
 *    above our bounds before hiredis allocates anything for them.
 *
 * Keys: PREFIX "b:" key a block (hash: since, until, n, reason), PREFIX
 * "f:" key a key's refusal counter and PREFIX "r:" key a rate counter
 * (hash: s bucket start, c current count, p previous count, w window).
 * Every write sets a PEXPIRE (a block: its duration; a counter: two
 * windows), so nothing stays for ever.
 *
 * One call, one round trip: each operation is one Lua script, sent as
 * EVALSHA; when Redis answers NOSCRIPT (restarted, SCRIPT FLUSH) it is
 * sent again as EVAL on the same connection, within the same deadline.
 * The scripts are loaded (SCRIPT LOAD, for their SHA-1) when a connection
 * is made, pipelined with AUTH and SELECT in one round trip.
 *
 * The pool: at most STATE_REDIS_POOL connections; a call takes an idle
 * one (or makes one), uses it alone with no lock held, and gives it back;
 * a call that finds all busy waits for one until its deadline. A
 * connection that fails (I/O, timeout, garbage, a reply of the wrong
 * shape) is closed and Redis is taken as down: for STATE_REDIS_BACKOFF_MS
 * calls fail at once; then one call tries a new connection, and the others
 * still fail at once until it succeeds. An error reply (-ERR) fails the
 * call and keeps the connection.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "util/deadline.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "state/state.h"
#include "state/state_backend.h"

#define STATE_REDIS_REPLY_MAX	(1024 * 1024)	/* bytes of one call */
#define STATE_REDIS_ARRAY_MAX	65536		/* elements of an array */
#define STATE_REDIS_LINE_MAX	4096		/* a status or error line */
#define STATE_REDIS_SCAN_COUNT	"128"		/* SCAN COUNT hint */
#define STATE_REDIS_TEXT_MAX	200		/* server text in errors */

enum {
	STATE_SCRIPT_CHECK,
	STATE_SCRIPT_REFUSAL,
	STATE_SCRIPT_UNBLOCK,
	STATE_SCRIPT_BLOCKS,
	STATE_SCRIPTS
};

/*
 * The scripts. ARGV[1] is always now_ms. est() and roll() are the
 * two-bucket window of state.h, as state_window_count() and
 * state_window_roll() compute it in C (the bucket start cs comes from C).
 */
#define STATE_LUA_PRELUDE \
"local now = tonumber(ARGV[1])\n" \
"local out = {}\n" \
"local function put(t) for j = 1, #t do out[#out + 1] = t[j] end end\n" \
"local function est(p, c, s, w)\n" \
"  local e = now - s\n" \
"  if e < 0 then e = 0 end\n" \
"  return math.ceil(p * ((w - e) / w)) + c\n" \
"end\n" \
"local function roll(k, w, cs)\n" \
"  local v = redis.call('HMGET', k, 's', 'c', 'p', 'w')\n" \
"  local s, c, p = tonumber(v[1]), tonumber(v[2]), tonumber(v[3])\n" \
"  if s == nil or c == nil or p == nil or tonumber(v[4]) ~= w then\n" \
"    return 0, 0, cs\n" \
"  end\n" \
"  if s == cs or s == cs + w then return p, c, s end\n" \
"  if s == cs - w then return c, 0, cs end\n" \
"  return 0, 0, cs\n" \
"end\n" \
"local function block(k)\n" \
"  local v = redis.call('HMGET', k, 'since', 'until', 'n', 'reason')\n" \
"  local u = tonumber(v[2])\n" \
"  if u == nil or u <= now then return {0, 0, 0, ''} end\n" \
"  return {tonumber(v[1]) or 0, u, tonumber(v[3]) or 0, v[4] or ''}\n" \
"end\n"

static const char *const state_lua[STATE_SCRIPTS] = {
	/* check: KEYS blocks then rates; ARGV now, nblocks, then for each
	 * rate window, bucket start, limit, amount */
	STATE_LUA_PRELUDE
	"local nb = tonumber(ARGV[2])\n"
	"for i = 1, nb do put(block(KEYS[i])) end\n"
	"local a, any, r = 3, 0, {}\n"
	"for i = nb + 1, #KEYS do\n"
	"  local w, cs = tonumber(ARGV[a]), tonumber(ARGV[a + 1])\n"
	"  local lim, amt = tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])\n"
	"  a = a + 4\n"
	"  local p, c, s = roll(KEYS[i], w, cs)\n"
	"  local n, over = est(p, c, s, w), 0\n"
	"  if n + amt > lim then over = 1; any = 1 end\n"
	"  r[i] = {w, amt, cs}\n"
	"  put({n, over, p, c, s})\n"
	"end\n"
	/* all or nothing: a message over one limit counts against none */
	"if any == 0 then\n"
	"  for i = nb + 1, #KEYS do\n"
	"    local w, amt = r[i][1], r[i][2]\n"
	"    if amt > 0 then\n"
	/* read again: the same key may come twice in one query */
	"      local p, c, s = roll(KEYS[i], w, r[i][3])\n"
	"      redis.call('HSET', KEYS[i], 's', s, 'c', c + amt, 'p', p, "
	    "'w', w)\n"
	"      redis.call('PEXPIRE', KEYS[i], 2 * w)\n"
	"    end\n"
	"  end\n"
	"end\n"
	"return out\n",

	/* refusal: KEYS refusal counter and block of each key; ARGV now,
	 * window, bucket start, threshold, until, duration, reason */
	STATE_LUA_PRELUDE
	"local w, cs, thr = tonumber(ARGV[2]), tonumber(ARGV[3]), "
	    "tonumber(ARGV[4])\n"
	"for i = 1, #KEYS, 2 do\n"
	"  local b = block(KEYS[i + 1])\n"
	"  if b[2] == 0 then\n"
	"    local p, c, s = roll(KEYS[i], w, cs)\n"
	"    local n = est(p, c, s, w) + 1\n"
	"    if n >= thr then\n"
	"      redis.call('DEL', KEYS[i])\n"
	"      redis.call('HSET', KEYS[i + 1], 'since', ARGV[1], "
	    "'until', ARGV[5], 'n', n, 'reason', ARGV[7])\n"
	"      redis.call('PEXPIRE', KEYS[i + 1], ARGV[6])\n"
	"      b = {now, tonumber(ARGV[5]), n, ARGV[7]}\n"
	"    else\n"
	"      redis.call('HSET', KEYS[i], 's', s, 'c', c + 1, 'p', p, "
	    "'w', w)\n"
	"      redis.call('PEXPIRE', KEYS[i], 2 * w)\n"
	"    end\n"
	"  end\n"
	"  put(b)\n"
	"end\n"
	"return out\n",

	/* unblock: KEYS block, refusal counter */
	"local u = redis.call('HGET', KEYS[1], 'until')\n"
	"redis.call('DEL', KEYS[1], KEYS[2])\n"
	"if u then return 1 end\n"
	"return 0\n",

	/* blocks: one SCAN step; ARGV now, cursor, pattern, count */
	STATE_LUA_PRELUDE
	"local r = redis.call('SCAN', ARGV[2], 'MATCH', ARGV[3], "
	    "'COUNT', ARGV[4])\n"
	"out[1] = r[1]\n"
	"for _, k in ipairs(r[2]) do\n"
	"  local ok, b = pcall(block, k)\n"
	"  if ok and b[2] ~= 0 then out[#out + 1] = k put(b) end\n"
	"end\n"
	"return out\n",
};

struct state_resp {			/* where the reply stream is */
	uint64_t	 skip;		/* bulk bytes (and CRLF) to come */
	size_t		 line;		/* bytes of the header line so far */
	int		 type;		/* its first byte */
	int		 neg;		/* a '-' came first */
	int		 digits;
	int		 cr;		/* the last byte was '\r' */
	uint64_t	 num;
};

struct state_redis_conn {
	redisContext	*ctx;
	struct state_resp resp;
	size_t		 got;		/* bytes received in this call */
	char		 sha[STATE_SCRIPTS][41];
};

struct state_redis {
	char		*host;		/* or a unix socket path */
	int		 port;
	char		*password;	/* NULL: no AUTH */
	int		 db;
	char		*prefix;
	int		 timeout_ms;
	char		*where;		/* host:port, for messages */
	pthread_mutex_t	 lock;		/* the pool and the down state */
	pthread_cond_t	 cond;		/* a connection came back */
	struct state_redis_conn *idle[STATE_REDIS_POOL];
	size_t		 nidle;
	size_t		 nopen;		/* idle, in use or connecting */
	int		 down;
	int		 probing;	/* one call is trying to connect */
	int64_t		 retry_at;	/* monotonic ms */
	int64_t		 down_since;	/* wall-clock ms */
	str		 why;
	_Atomic uint64_t round_trips, connects, connect_errors, down_fails,
			 noscript, pool_waits, pool_timeouts;
};

struct state_redis_args {		/* the argv of one command */
	const char	**v;
	size_t		*len;
	size_t		 n;
	char		**own;		/* what to free */
	size_t		 nown;
};

struct state_redis_call {		/* one call's ins and outs */
	struct state_redis *r;
	int64_t		 now;
	struct state_query *q;
	const struct state_refusal_args *ra;
	struct state_block *out;
	struct state_blist *list;
	str		 cursor;
	int		 lifted;
};

typedef int (*state_redis_parse_fn)(const redisReply *,
	    struct state_redis_call *, str *);

enum { STATE_CONN_KEEP, STATE_CONN_DROP, STATE_CONN_DOWN };

/* state_redis_text - err is what, then text from the server, printable */
static int
state_redis_text(str *err, const char *what, const char *text, size_t len)
{
	state_fail(err, "%s: ", what);
	str_append_printable(err, text != NULL ? text : "",
	    text != NULL ? len : 0, STATE_REDIS_TEXT_MAX);
	return -1;
}

/* state_resp_header - a complete header line; sets the bulk to skip */
static int
state_resp_header(struct state_resp *rs, str *err)
{
	if (rs->type != '$' && rs->type != '*')
		return 0;
	if (rs->digits == 0 || (rs->neg && rs->num != 1))
		return state_fail(err, "bad length in a reply");
	if (rs->neg)
		return 0;			/* nil */
	if (rs->type == '$' && rs->num > STATE_REDIS_REPLY_MAX)
		return state_fail(err, "a string of %llu bytes in a reply",
		    (unsigned long long)rs->num);
	if (rs->type == '*' && rs->num > STATE_REDIS_ARRAY_MAX)
		return state_fail(err, "an array of %llu elements in a reply",
		    (unsigned long long)rs->num);
	if (rs->type == '$')
		rs->skip = rs->num + 2;
	return 0;
}

/* state_resp_byte - one byte of a header line */
static int
state_resp_byte(struct state_resp *rs, int c, str *err)
{
	if (rs->line == 0) {
		if (c == 0 || strchr("+-:$*", c) == NULL)
			return state_fail(err, "not a Redis reply "
			    "(byte 0x%02x)", (unsigned)c);
		memset(rs, 0, sizeof(*rs));
		rs->type = c;
		rs->line = 1;
		return 0;
	}
	if (++rs->line > STATE_REDIS_LINE_MAX)
		return state_fail(err, "a reply line of more than %d bytes",
		    STATE_REDIS_LINE_MAX);
	if (c == '\n' && rs->cr) {
		rs->line = 0;
		return state_resp_header(rs, err);
	}
	if (rs->type != '$' && rs->type != '*') {
		rs->cr = c == '\r';
		return 0;
	}
	if (rs->cr)				/* hiredis stops at a '\r' */
		return state_fail(err, "bad length in a reply");
	if ((rs->cr = c == '\r') != 0)
		return 0;
	if (c == '-' && rs->line == 2) {
		rs->neg = 1;
	} else if (c >= '0' && c <= '9' && rs->digits < 18) {
		rs->num = rs->num * 10 + (uint64_t)(c - '0');
		rs->digits++;
	} else {
		return state_fail(err, "bad length in a reply");
	}
	return 0;
}

/* state_resp_feed - follow the framing of received bytes; -1 when they
 * are not Redis replies or exceed our bounds */
static int
state_resp_feed(struct state_resp *rs, const char *buf, size_t n, str *err)
{
	size_t i, take;

	for (i = 0; i < n; i += take) {
		if (rs->skip > 0) {
			take = n - i < rs->skip ? n - i : (size_t)rs->skip;
			rs->skip -= take;
			continue;
		}
		take = 1;
		if (state_resp_byte(rs, (unsigned char)buf[i], err) < 0)
			return -1;
	}
	return 0;
}

/* state_resp_idle - between replies */
static int
state_resp_idle(const struct state_resp *rs)
{
	return rs->skip == 0 && rs->line == 0;
}

/* state_redis_args_add - one argument (borrowed) */
static void
state_redis_args_add(struct state_redis_args *a, const char *p, size_t len)
{
	a->v = mem_grow(a->v, a->n, sizeof(*a->v));
	a->len = mem_grow(a->len, a->n, sizeof(*a->len));
	a->v[a->n] = p;
	a->len[a->n] = len;
	a->n++;
}

/* state_redis_args_str - one argument made here (its buffer is taken) */
static void
state_redis_args_str(struct state_redis_args *a, str *s)
{
	size_t len;

	len = s->len;
	a->own = mem_grow(a->own, a->nown, sizeof(*a->own));
	a->own[a->nown] = str_steal(s);
	state_redis_args_add(a, a->own[a->nown], len);
	a->nown++;
}

/* state_redis_args_num - a number argument */
static void
state_redis_args_num(struct state_redis_args *a, long long v)
{
	str s = { NULL, 0, 0 };

	str_appendf(&s, "%lld", v);
	state_redis_args_str(a, &s);
}

/* state_redis_args_key - a key argument: prefix, kind, ':', key */
static void
state_redis_args_key(struct state_redis_args *a, const struct state_redis *r,
    int kind, const char *key)
{
	str s = { NULL, 0, 0 };

	str_append(&s, r->prefix);
	str_append_c(&s, kind);
	str_append_c(&s, ':');
	str_append(&s, key);
	state_redis_args_str(a, &s);
}

/* state_redis_args_init - EVALSHA, the script (set when sent), numkeys */
static void
state_redis_args_init(struct state_redis_args *a, size_t nkeys)
{
	memset(a, 0, sizeof(*a));
	state_redis_args_add(a, "EVALSHA", 7);
	state_redis_args_add(a, "", 0);
	state_redis_args_num(a, (long long)nkeys);
}

/* state_redis_args_free - free what the arguments own */
static void
state_redis_args_free(struct state_redis_args *a)
{
	size_t i;

	for (i = 0; i < a->nown; i++)
		mem_free(a->own[i]);
	mem_free(a->own);
	mem_free(a->v);
	mem_free(a->len);
	memset(a, 0, sizeof(*a));
}

/* state_redis_format - append one command in the Redis protocol */
static void
state_redis_format(str *out, const struct state_redis_args *a)
{
	char *cmd;
	int len;

	if ((len = redisFormatCommandArgv(&cmd, (int)a->n, a->v, a->len)) < 0)
		log_fatal("state: out of memory formatting a Redis command");
	str_append_n(out, cmd, (size_t)len);
	redisFreeCommand(cmd);
}

/* state_redis_wait - until the connection is ready or the deadline */
static int
state_redis_wait(struct state_redis_conn *c, short events, int64_t deadline,
    str *err)
{
	struct pollfd pfd;
	int64_t left;
	int n;

	for (;;) {
		if ((left = deadline_left(deadline)) == 0)
			return state_fail(err, "timed out");
		pfd.fd = c->ctx->fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return state_fail(err, "poll: %s", strerror(errno));
	}
}

/* state_redis_send - send a request within the deadline */
static int
state_redis_send(struct state_redis *r, struct state_redis_conn *c,
    const str *req, int64_t deadline, str *err)
{
	size_t off;
	ssize_t n;

	atomic_fetch_add(&r->round_trips, 1);
	for (off = 0; off < req->len; off += (size_t)n) {
		if (state_redis_wait(c, POLLOUT, deadline, err) < 0)
			return -1;
		n = send(c->ctx->fd, req->buf + off, req->len - off,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			n = 0;
		else if (n < 0)
			return state_fail(err, "send: %s", strerror(errno));
	}
	return 0;
}

/* state_redis_recv - one reply within the deadline */
static int
state_redis_recv(struct state_redis_conn *c, int64_t deadline,
    redisReply **out, str *err)
{
	char buf[16384];
	void *reply;
	ssize_t n;

	for (*out = NULL;;) {
		reply = NULL;
		if (redisReaderGetReply(c->ctx->reader, &reply) != REDIS_OK)
			return state_redis_text(err, "bad reply",
			    c->ctx->reader->errstr,
			    strnlen(c->ctx->reader->errstr,
			    sizeof(c->ctx->reader->errstr)));
		if ((*out = reply) != NULL)
			return 0;
		if (state_redis_wait(c, POLLIN, deadline, err) < 0)
			return -1;
		n = recv(c->ctx->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0)
			return state_fail(err, "connection closed by Redis");
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			continue;
		if (n < 0)
			return state_fail(err, "recv: %s", strerror(errno));
		if ((c->got += (size_t)n) > STATE_REDIS_REPLY_MAX)
			return state_fail(err, "a reply of more than %d bytes",
			    STATE_REDIS_REPLY_MAX);
		if (state_resp_feed(&c->resp, buf, (size_t)n, err) < 0)
			return -1;
		if (redisReaderFeed(c->ctx->reader, buf, (size_t)n) !=
		    REDIS_OK)
			return state_fail(err, "cannot buffer a reply");
	}
}

/* state_redis_status - a reply must be the status OK */
static int
state_redis_status(const redisReply *rp, const char *what, str *err)
{
	if (rp->type == REDIS_REPLY_ERROR)
		return state_redis_text(err, what, rp->str, rp->len);
	if (rp->type != REDIS_REPLY_STATUS || rp->len != 2 ||
	    memcmp(rp->str, "OK", 2) != 0)
		return state_fail(err, "%s: not answered OK", what);
	return 0;
}

/* state_redis_sha - a reply must be a script's SHA-1 in hex */
static int
state_redis_sha(const redisReply *rp, char *sha, str *err)
{
	size_t i;

	if (rp->type == REDIS_REPLY_ERROR)
		return state_redis_text(err, "SCRIPT LOAD", rp->str, rp->len);
	if (rp->type != REDIS_REPLY_STRING || rp->len != 40)
		return state_fail(err, "SCRIPT LOAD: not a SHA-1");
	for (i = 0; i < 40; i++)
		if (strchr("0123456789abcdef", rp->str[i]) == NULL ||
		    rp->str[i] == '\0')
			return state_fail(err, "SCRIPT LOAD: not a SHA-1");
	memcpy(sha, rp->str, 40);
	sha[40] = '\0';
	return 0;
}

/* state_redis_setup_req - AUTH, SELECT and the scripts, pipelined */
static void
state_redis_setup_req(const struct state_redis *r, str *req)
{
	struct state_redis_args a;
	int i;

	if (r->password != NULL) {
		memset(&a, 0, sizeof(a));
		state_redis_args_add(&a, "AUTH", 4);
		state_redis_args_add(&a, r->password, strlen(r->password));
		state_redis_format(req, &a);
		state_redis_args_free(&a);
	}
	if (r->db != 0) {
		memset(&a, 0, sizeof(a));
		state_redis_args_add(&a, "SELECT", 6);
		state_redis_args_num(&a, r->db);
		state_redis_format(req, &a);
		state_redis_args_free(&a);
	}
	for (i = 0; i < STATE_SCRIPTS; i++) {
		memset(&a, 0, sizeof(a));
		state_redis_args_add(&a, "SCRIPT", 6);
		state_redis_args_add(&a, "LOAD", 4);
		state_redis_args_add(&a, state_lua[i], strlen(state_lua[i]));
		state_redis_format(req, &a);
		state_redis_args_free(&a);
	}
}

/* state_redis_setup_reply - the next setup reply: -1 on a bad one */
static int
state_redis_setup_reply(struct state_redis_conn *c, int64_t deadline,
    const char *what, char *sha, str *err)
{
	redisReply *rp;
	int rc;

	if (state_redis_recv(c, deadline, &rp, err) < 0)
		return -1;
	rc = sha != NULL ? state_redis_sha(rp, sha, err) :
	    state_redis_status(rp, what, err);
	freeReplyObject(rp);
	return rc;
}

/* state_redis_setup - a new connection's one setup round trip */
static int
state_redis_setup(struct state_redis *r, struct state_redis_conn *c,
    int64_t deadline, str *err)
{
	str req = { NULL, 0, 0 };
	int i, rc;

	state_redis_setup_req(r, &req);
	c->got = 0;
	rc = state_redis_send(r, c, &req, deadline, err);
	str_free(&req);
	if (rc == 0 && r->password != NULL)
		rc = state_redis_setup_reply(c, deadline, "AUTH", NULL, err);
	if (rc == 0 && r->db != 0)
		rc = state_redis_setup_reply(c, deadline, "SELECT", NULL, err);
	for (i = 0; rc == 0 && i < STATE_SCRIPTS; i++)
		rc = state_redis_setup_reply(c, deadline, NULL, c->sha[i], err);
	return rc;
}

/* state_redis_close - close a connection */
static void
state_redis_close(struct state_redis_conn *c)
{
	redisFree(c->ctx);
	mem_free(c);
}

/* state_redis_connect - a new connection, set up, within the deadline */
static struct state_redis_conn *
state_redis_connect(struct state_redis *r, int64_t deadline, str *err)
{
	struct state_redis_conn *c;
	struct timeval tv;
	redisContext *ctx;
	int64_t left;
	int fl;

	if ((left = deadline_left(deadline)) == 0) {
		state_fail(err, "timed out before connecting");
		return NULL;
	}
	tv.tv_sec = (time_t)(left / 1000);
	tv.tv_usec = (suseconds_t)(left % 1000 * 1000);
	if (r->host[0] == '/')
		ctx = redisConnectUnixWithTimeout(r->host, tv);
	else
		ctx = redisConnectWithTimeout(r->host, r->port, tv);
	if (ctx == NULL)
		log_fatal("state: out of memory connecting to Redis");
	if (ctx->err != 0) {
		state_redis_text(err, "connect", ctx->errstr,
		    strnlen(ctx->errstr, sizeof(ctx->errstr)));
		redisFree(ctx);
		return NULL;
	}
	if ((fl = fcntl(ctx->fd, F_GETFL)) < 0 ||
	    fcntl(ctx->fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		state_fail(err, "fcntl: %s", strerror(errno));
		redisFree(ctx);
		return NULL;
	}
	c = mem_calloc(1, sizeof(*c));
	c->ctx = ctx;
	if (state_redis_setup(r, c, deadline, err) < 0) {
		state_redis_close(c);
		return NULL;
	}
	return c;
}

/* state_redis_stale - an idle connection with something to read: closed
 * by Redis (idle timeout, restart) or sending what nobody asked for */
static int
state_redis_stale(struct state_redis_conn *c)
{
	struct pollfd pfd;

	pfd.fd = c->ctx->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, 0) != 0;
}

/* state_redis_down_error - the error of a call while Redis is down */
static int
state_redis_down_error(struct state_redis *r, str *err)
{
	char when[64];
	struct tm tm;
	time_t t;

	t = (time_t)(r->down_since / 1000);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		when[0] = '\0';
	return state_fail(err, "redis %s down since %s: %s (next try in "
	    "%lld ms)", r->where, when, str_cstr(&r->why),
	    (long long)deadline_left(r->retry_at));
}

/* state_redis_mark_down - Redis failed: back off (lock held) */
static void
state_redis_mark_down(struct state_redis *r, const str *why)
{
	struct timespec ts;

	if (!r->down) {
		clock_gettime(CLOCK_REALTIME, &ts);
		r->down = 1;
		r->down_since = (int64_t)ts.tv_sec * 1000 +
		    ts.tv_nsec / 1000000;
		log_warn("state: redis %s is down: %s", r->where,
		    str_cstr(why));
	}
	r->retry_at = deadline_in(STATE_REDIS_BACKOFF_MS);
	str_reset(&r->why);
	str_append(&r->why, str_cstr(why));
	while (r->nidle > 0) {
		state_redis_close(r->idle[--r->nidle]);
		r->nopen--;
	}
	pthread_cond_broadcast(&r->cond);
}

/* state_redis_take - an idle connection, a free slot (1), or -1 when the
 * call must fail now: down, or none came before the deadline (lock held) */
static int
state_redis_take(struct state_redis *r, int64_t deadline,
    struct state_redis_conn **out, str *err)
{
	struct state_redis_conn *c;
	int waited;

	for (waited = 0;;) {
		if (r->down && (r->probing || deadline_now() < r->retry_at)) {
			atomic_fetch_add(&r->down_fails, 1);
			return state_redis_down_error(r, err);
		}
		if (r->nidle > 0) {
			c = r->idle[--r->nidle];
			if (!state_redis_stale(c)) {
				*out = c;
				return 0;
			}
			state_redis_close(c);
			r->nopen--;
			continue;
		}
		if (r->nopen < STATE_REDIS_POOL)
			return 1;
		if (!waited++)
			atomic_fetch_add(&r->pool_waits, 1);
		if (deadline_cond_wait(&r->cond, &r->lock, deadline) ==
		    ETIMEDOUT) {
			atomic_fetch_add(&r->pool_timeouts, 1);
			return state_fail(err, "redis %s: all %d connections "
			    "busy for %d ms", r->where, STATE_REDIS_POOL,
			    r->timeout_ms);
		}
	}
}

/* state_redis_acquire - a connection for one call, or -1 */
static int
state_redis_acquire(struct state_redis *r, int64_t deadline,
    struct state_redis_conn **out, str *err)
{
	struct state_redis_conn *c;
	int probe, rc;

	*out = NULL;
	pthread_mutex_lock(&r->lock);
	if ((rc = state_redis_take(r, deadline, out, err)) <= 0) {
		pthread_mutex_unlock(&r->lock);
		return rc;
	}
	r->nopen++;
	if ((probe = r->down) != 0)
		r->probing = 1;
	pthread_mutex_unlock(&r->lock);
	c = state_redis_connect(r, deadline, err);
	pthread_mutex_lock(&r->lock);
	if (probe)
		r->probing = 0;
	if (c == NULL) {
		atomic_fetch_add(&r->connect_errors, 1);
		r->nopen--;
		state_redis_mark_down(r, err);
		pthread_mutex_unlock(&r->lock);
		return -1;
	}
	atomic_fetch_add(&r->connects, 1);
	if (r->down) {
		r->down = 0;
		log_info("state: redis %s is back", r->where);
	}
	pthread_mutex_unlock(&r->lock);
	*out = c;
	return 0;
}

/* state_redis_release - give a connection back, or close it */
static void
state_redis_release(struct state_redis *r, struct state_redis_conn *c,
    int how, const str *why)
{
	pthread_mutex_lock(&r->lock);
	if (how == STATE_CONN_KEEP && !r->down) {
		r->idle[r->nidle++] = c;
	} else {
		state_redis_close(c);
		r->nopen--;
		if (how == STATE_CONN_DOWN)
			state_redis_mark_down(r, why);
	}
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

/* state_redis_script - run a script: EVALSHA, then EVAL on NOSCRIPT */
static int
state_redis_script(struct state_redis *r, struct state_redis_conn *c,
    int script, struct state_redis_args *a, int64_t deadline,
    redisReply **out, str *err)
{
	str req = { NULL, 0, 0 };
	int rc;

	a->v[0] = "EVALSHA";
	a->len[0] = 7;
	a->v[1] = c->sha[script];
	a->len[1] = strlen(c->sha[script]);
	state_redis_format(&req, a);
	if ((rc = state_redis_send(r, c, &req, deadline, err)) == 0)
		rc = state_redis_recv(c, deadline, out, err);
	if (rc == 0 && (*out)->type == REDIS_REPLY_ERROR &&
	    (*out)->len >= 8 && memcmp((*out)->str, "NOSCRIPT", 8) == 0) {
		freeReplyObject(*out);
		*out = NULL;
		atomic_fetch_add(&r->noscript, 1);
		a->v[0] = "EVAL";
		a->len[0] = 4;
		a->v[1] = state_lua[script];
		a->len[1] = strlen(state_lua[script]);
		str_reset(&req);
		state_redis_format(&req, a);
		if ((rc = state_redis_send(r, c, &req, deadline, err)) == 0)
			rc = state_redis_recv(c, deadline, out, err);
	}
	str_free(&req);
	return rc;
}

/* state_redis_run - one call: a connection, a script, its reply parsed */
static int
state_redis_run(struct state_redis *r, int script,
    struct state_redis_args *a, state_redis_parse_fn parse,
    struct state_redis_call *call, str *err)
{
	struct state_redis_conn *c;
	redisReply *rp;
	int64_t deadline;
	int rc, how;

	deadline = deadline_in(r->timeout_ms);
	if (state_redis_acquire(r, deadline, &c, err) < 0)
		return -1;
	c->got = 0;
	if (state_redis_script(r, c, script, a, deadline, &rp, err) < 0) {
		state_redis_release(r, c, STATE_CONN_DOWN, err);
		return -1;
	}
	how = STATE_CONN_KEEP;
	if (rp->type == REDIS_REPLY_ERROR)
		rc = state_redis_text(err, "redis", rp->str, rp->len);
	else if ((rc = parse(rp, call, err)) < 0)
		how = STATE_CONN_DOWN;		/* answers nonsense */
	if (how == STATE_CONN_KEEP && (!state_resp_idle(&c->resp) ||
	    c->ctx->reader->pos < c->ctx->reader->len))
		how = STATE_CONN_DROP;		/* more than asked for */
	freeReplyObject(rp);
	state_redis_release(r, c, how, err);
	return rc;
}

/* state_redis_int - an integer reply element within bounds */
static int
state_redis_int(const redisReply *el, long long min, long long max,
    long long *v)
{
	if (el == NULL || el->type != REDIS_REPLY_INTEGER ||
	    el->integer < min || el->integer > max)
		return -1;
	*v = el->integer;
	return 0;
}

/* state_redis_string - a string reply element */
static int
state_redis_string(const redisReply *el)
{
	return el != NULL && el->type == REDIS_REPLY_STRING &&
	    (el->str != NULL || el->len == 0);
}

/* state_redis_array - an array reply of n elements (n 0: any) */
static int
state_redis_array(const redisReply *rp, size_t n)
{
	return rp->type == REDIS_REPLY_ARRAY && (rp->element != NULL ||
	    rp->elements == 0) && (n == 0 || rp->elements == n);
}

/* state_redis_block - a block from four reply elements */
static int
state_redis_block(redisReply **el, struct state_block *b, str *err)
{
	long long since, until, n;

	if (state_redis_int(el[0], 0, LLONG_MAX, &since) < 0 ||
	    state_redis_int(el[1], 0, LLONG_MAX, &until) < 0 ||
	    state_redis_int(el[2], 0, UINT_MAX, &n) < 0 ||
	    !state_redis_string(el[3]) || (since > 0) != (until > 0))
		return state_fail(err, "bad block in a reply");
	state_block_fill(b, since, until, (unsigned)n, el[3]->str,
	    el[3]->len);
	return 0;
}

/* state_redis_rate - a rate from five reply elements: the counter as the
 * script saw it, checked against our own arithmetic */
static int
state_redis_rate(redisReply **el, int64_t now, struct state_rate *rt,
    str *err)
{
	struct state_window win;
	long long n, over, p, cur, s;
	int64_t cs;

	cs = now - now % rt->window_ms;
	if (state_redis_int(el[0], 0, LLONG_MAX, &n) < 0 ||
	    state_redis_int(el[1], 0, 1, &over) < 0 ||
	    state_redis_int(el[2], 0, UINT_MAX, &p) < 0 ||
	    state_redis_int(el[3], 0, UINT_MAX, &cur) < 0 ||
	    state_redis_int(el[4], 0, LLONG_MAX, &s) < 0 ||
	    (s != cs && s != cs + rt->window_ms))
		return state_fail(err, "bad rate in a reply");
	win.start = s;
	win.prev = (uint64_t)p;
	win.cur = (uint64_t)cur;
	if (state_window_count(&win, now, rt->window_ms) != (uint64_t)n ||
	    over != ((uint64_t)n + rt->amount > rt->limit))
		return state_fail(err, "a rate in a reply does not add up");
	rt->count = (uint64_t)n > UINT_MAX ? UINT_MAX : (unsigned)n;
	rt->over = (int)over;
	if (over)
		rt->retry_ms = state_window_retry(&win, now, rt->window_ms,
		    rt->limit, rt->amount);
	return 0;
}

/* state_redis_parse_check - the reply of the check script */
static int
state_redis_parse_check(const redisReply *rp, struct state_redis_call *call,
    str *err)
{
	struct state_query *q = call->q;
	size_t i, nb;

	nb = q->nblock_keys;
	if (!state_redis_array(rp, 4 * nb + 5 * q->nrates))
		return state_fail(err, "a reply of the wrong shape");
	for (i = 0; i < nb; i++)
		if (state_redis_block(rp->element + 4 * i, &q->blocks[i],
		    err) < 0)
			return -1;
	for (i = 0; i < q->nrates; i++)
		if (state_redis_rate(rp->element + 4 * nb + 5 * i, call->now,
		    &q->rates[i], err) < 0)
			return -1;
	return 0;
}

/* state_redis_check - read the blocks and count the rates of a query */
static int
state_redis_check(void *impl, int64_t now, struct state_query *q, str *err)
{
	struct state_redis *r = impl;
	struct state_redis_call call;
	struct state_redis_args a;
	const struct state_rate *rt;
	size_t i;
	int rc;

	if (q->nblock_keys == 0 && q->nrates == 0)
		return 0;
	state_redis_args_init(&a, q->nblock_keys + q->nrates);
	for (i = 0; i < q->nblock_keys; i++)
		state_redis_args_key(&a, r, 'b', q->block_keys[i]);
	for (i = 0; i < q->nrates; i++)
		state_redis_args_key(&a, r, 'r', q->rates[i].key);
	state_redis_args_num(&a, now);
	state_redis_args_num(&a, (long long)q->nblock_keys);
	for (i = 0; i < q->nrates; i++) {
		rt = &q->rates[i];
		state_redis_args_num(&a, rt->window_ms);
		state_redis_args_num(&a, now - now % rt->window_ms);
		state_redis_args_num(&a, rt->limit);
		state_redis_args_num(&a, rt->amount);
	}
	memset(&call, 0, sizeof(call));
	call.now = now;
	call.q = q;
	rc = state_redis_run(r, STATE_SCRIPT_CHECK, &a,
	    state_redis_parse_check, &call, err);
	state_redis_args_free(&a);
	return rc;
}

/* state_redis_parse_refusal - the reply of the refusal script */
static int
state_redis_parse_refusal(const redisReply *rp,
    struct state_redis_call *call, str *err)
{
	size_t i;

	if (!state_redis_array(rp, 4 * call->ra->nkeys))
		return state_fail(err, "a reply of the wrong shape");
	for (i = 0; i < call->ra->nkeys; i++)
		if (state_redis_block(rp->element + 4 * i, &call->out[i],
		    err) < 0)
			return -1;
	return 0;
}

/* state_redis_refusal - count one refusal for each key */
static int
state_redis_refusal(void *impl, int64_t now,
    const struct state_refusal_args *ra, struct state_block *out, str *err)
{
	struct state_redis *r = impl;
	struct state_redis_call call;
	struct state_redis_args a;
	size_t i;
	int rc;

	if (ra->nkeys == 0)
		return 0;
	state_redis_args_init(&a, 2 * ra->nkeys);
	for (i = 0; i < ra->nkeys; i++) {
		state_redis_args_key(&a, r, 'f', ra->keys[i]);
		state_redis_args_key(&a, r, 'b', ra->keys[i]);
	}
	state_redis_args_num(&a, now);
	state_redis_args_num(&a, ra->window_ms);
	state_redis_args_num(&a, now - now % ra->window_ms);
	state_redis_args_num(&a, ra->threshold);
	state_redis_args_num(&a, now + ra->duration_ms);
	state_redis_args_num(&a, ra->duration_ms);
	state_redis_args_add(&a, ra->reason, strlen(ra->reason));
	memset(&call, 0, sizeof(call));
	call.now = now;
	call.ra = ra;
	call.out = out;
	rc = state_redis_run(r, STATE_SCRIPT_REFUSAL, &a,
	    state_redis_parse_refusal, &call, err);
	state_redis_args_free(&a);
	return rc;
}

/* state_redis_parse_unblock - the reply of the unblock script */
static int
state_redis_parse_unblock(const redisReply *rp,
    struct state_redis_call *call, str *err)
{
	long long v;

	if (state_redis_int(rp, 0, 1, &v) < 0)
		return state_fail(err, "a reply of the wrong shape");
	call->lifted = (int)v;
	return 0;
}

/* state_redis_unblock - lift a key's block, forget its refusals */
static int
state_redis_unblock(void *impl, const char *key, str *err)
{
	struct state_redis *r = impl;
	struct state_redis_call call;
	struct state_redis_args a;
	int rc;

	state_redis_args_init(&a, 2);
	state_redis_args_key(&a, r, 'b', key);
	state_redis_args_key(&a, r, 'f', key);
	state_redis_args_add(&a, "0", 1);
	memset(&call, 0, sizeof(call));
	rc = state_redis_run(r, STATE_SCRIPT_UNBLOCK, &a,
	    state_redis_parse_unblock, &call, err);
	state_redis_args_free(&a);
	return rc < 0 ? -1 : call.lifted;
}

/* state_redis_listed - a listed block, if its key is one of ours */
static int
state_redis_listed(struct state_redis_call *call, redisReply **el, str *err)
{
	const struct state_redis *r = call->r;
	struct state_block b;
	size_t plen;
	char *key;

	if (!state_redis_string(el[0]) ||
	    state_redis_block(el + 1, &b, err) < 0)
		return state_fail(err, "bad block in a reply");
	plen = strlen(r->prefix) + 2;
	if (el[0]->len <= plen || el[0]->len - plen > STATE_KEY_MAX ||
	    memcmp(el[0]->str, r->prefix, plen - 2) != 0 ||
	    memcmp(el[0]->str + plen - 2, "b:", 2) != 0 ||
	    memchr(el[0]->str, '\0', el[0]->len) != NULL || b.since == 0)
		return 0;			/* not a key we made */
	key = mem_strndup(el[0]->str + plen, el[0]->len - plen);
	state_blist_add(call->list, key, &b);
	mem_free(key);
	return 0;
}

/* state_redis_parse_blocks - the reply of one SCAN step */
static int
state_redis_parse_blocks(const redisReply *rp, struct state_redis_call *call,
    str *err)
{
	const redisReply *cur;
	size_t i;

	if (!state_redis_array(rp, 0) || rp->elements < 1 ||
	    (rp->elements - 1) % 5 != 0)
		return state_fail(err, "a reply of the wrong shape");
	cur = rp->element[0];
	if (!state_redis_string(cur) || cur->len < 1 || cur->len > 20 ||
	    strspn(cur->str, "0123456789") != cur->len)
		return state_fail(err, "bad SCAN cursor in a reply");
	str_reset(&call->cursor);
	str_append_n(&call->cursor, cur->str, cur->len);
	for (i = 1; i < rp->elements; i += 5)
		if (state_redis_listed(call, rp->element + i, err) < 0)
			return -1;
	return 0;
}

/* state_redis_pattern - the SCAN pattern of our blocks: the prefix with
 * its glob characters escaped, then "b:*" */
static void
state_redis_pattern(const struct state_redis *r, str *pat)
{
	const char *p;

	for (p = r->prefix; *p != '\0'; p++) {
		if (strchr("*?[]\\", *p) != NULL)
			str_append_c(pat, '\\');
		str_append_c(pat, *p);
	}
	str_append(pat, "b:*");
}

/* state_redis_blocks - list the blocks in force, SCAN step by step */
static int
state_redis_blocks(void *impl, int64_t now, struct state_blist *list,
    str *err)
{
	struct state_redis *r = impl;
	struct state_redis_call call;
	struct state_redis_args a;
	str pat = { NULL, 0, 0 };
	int step, rc;

	state_redis_pattern(r, &pat);
	memset(&call, 0, sizeof(call));
	call.r = r;
	call.now = now;
	call.list = list;
	str_append(&call.cursor, "0");
	for (rc = 0, step = 0; rc == 0 && step < STATE_REDIS_SCAN_STEPS;
	    step++) {
		state_redis_args_init(&a, 0);
		state_redis_args_num(&a, now);
		state_redis_args_add(&a, call.cursor.buf, call.cursor.len);
		state_redis_args_add(&a, pat.buf, pat.len);
		state_redis_args_add(&a, STATE_REDIS_SCAN_COUNT,
		    strlen(STATE_REDIS_SCAN_COUNT));
		rc = state_redis_run(r, STATE_SCRIPT_BLOCKS, &a,
		    state_redis_parse_blocks, &call, err);
		state_redis_args_free(&a);
		if (rc == 0 && strcmp(str_cstr(&call.cursor), "0") == 0)
			break;
	}
	if (rc == 0 && step == STATE_REDIS_SCAN_STEPS)
		log_warn("state: redis %s: the listing of blocks stopped "
		    "after %d SCAN steps", r->where, STATE_REDIS_SCAN_STEPS);
	str_free(&call.cursor);
	str_free(&pat);
	return rc;
}

/* state_redis_stats - the Redis store's counters */
static void
state_redis_stats(void *impl, struct state_stats *s)
{
	struct state_redis *r = impl;

	s->round_trips = atomic_load(&r->round_trips);
	s->connects = atomic_load(&r->connects);
	s->connect_errors = atomic_load(&r->connect_errors);
	s->down_fails = atomic_load(&r->down_fails);
	s->noscript = atomic_load(&r->noscript);
	s->pool_waits = atomic_load(&r->pool_waits);
	s->pool_timeouts = atomic_load(&r->pool_timeouts);
	pthread_mutex_lock(&r->lock);
	s->open = r->nopen;
	s->down = r->down;
	pthread_mutex_unlock(&r->lock);
}

/* state_redis_free - close the idle connections (no call may be running) */
static void
state_redis_free(void *impl)
{
	struct state_redis *r = impl;

	while (r->nidle > 0) {
		state_redis_close(r->idle[--r->nidle]);
		r->nopen--;
	}
	if (r->nopen != 0)
		log_panic("state: redis store freed during a call");
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	str_free(&r->why);
	mem_free(r->host);
	mem_free(r->password);
	mem_free(r->prefix);
	mem_free(r->where);
	mem_free(r);
}

static const struct state_ops state_redis_ops = {
	"redis",
	state_redis_check,
	state_redis_refusal,
	state_redis_blocks,
	state_redis_unblock,
	state_redis_stats,
	state_redis_free,
};

/* state_redis_args_ok - the arguments of state_redis_new */
static int
state_redis_args_ok(const char *host, int port, const char *password,
    int db, const char *prefix, int timeout_ms, str *err)
{
	if (host == NULL || host[0] == '\0' || strlen(host) > 255)
		return state_fail(err, "redis: bad host");
	if (host[0] != '/' && (port < 1 || port > 65535))
		return state_fail(err, "redis: bad port %d", port);
	if (password != NULL && strlen(password) > 1024)
		return state_fail(err, "redis: password too long");
	if (db < 0)
		return state_fail(err, "redis: bad database %d", db);
	if (prefix != NULL && strlen(prefix) > 256)
		return state_fail(err, "redis: prefix too long");
	if (timeout_ms < 1 || timeout_ms > 60000)
		return state_fail(err, "redis: bad timeout %d ms", timeout_ms);
	return 0;
}

/* state_redis_new - a Redis store; no connection yet */
state_store *
state_redis_new(const char *host, int port, const char *password, int db,
    const char *prefix, int timeout_ms, str *err)
{
	struct state_redis *r;
	str where = { NULL, 0, 0 };

	if (state_redis_args_ok(host, port, password, db, prefix, timeout_ms,
	    err) < 0)
		return NULL;
	r = mem_calloc(1, sizeof(*r));
	r->host = mem_strdup(host);
	r->port = port;
	if (password != NULL && password[0] != '\0')
		r->password = mem_strdup(password);
	r->db = db;
	r->prefix = mem_strdup(prefix != NULL ? prefix : STATE_REDIS_PREFIX);
	r->timeout_ms = timeout_ms;
	if (host[0] == '/')
		str_append(&where, host);
	else
		str_appendf(&where, "%s:%d", host, port);
	r->where = str_steal(&where);
	pthread_mutex_init(&r->lock, NULL);
	deadline_cond_init(&r->cond);
	str_init(&r->why);
	atomic_init(&r->round_trips, 0);
	atomic_init(&r->connects, 0);
	atomic_init(&r->connect_errors, 0);
	atomic_init(&r->down_fails, 0);
	atomic_init(&r->noscript, 0);
	atomic_init(&r->pool_waits, 0);
	atomic_init(&r->pool_timeouts, 0);
	return state_store_new(&state_redis_ops, r);
}
