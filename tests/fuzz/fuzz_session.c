/*
 * fuzz_session - the milter packet stream into the session layer: the
 * input is what an MTA writes to the socket (4-byte length, command,
 * data), each packet checked as the daemon's reader wrapper checks it
 * (milter_packet.c: one it refuses ends the connection) and then handed
 * to the session functions the way the libmilter callbacks do
 * (milter/callbacks.c), in the order libmilter's state machine allows:
 * macros, connect, HELO, MAIL, RCPT, headers, body, end of message (with
 * our Authentication-Results field written), abort, quit. DNS is served
 * from memory, with the built-in default config.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"
#include "report/headers.h"
#include "config/conf.h"
#include "session/runtime.h"
#include "session/session.h"
#include "milter_packet.h"
#include "fuzz.h"

/* the stages libmilter lets a command follow, simplified */
enum { S_NONE, S_CONN, S_HELO, S_MAIL, S_RCPT, S_DATA };

struct stream {
	struct session	*s;
	int		 state;
	str		 queue_id;	/* the "i" macro */
	str		 auth;		/* {auth_authen} */
};

/* stream_macro - remember the i and {auth_authen} macros of a macro packet */
static void
stream_macro(struct stream *st, const char *p, size_t n)
{
	const char *name, *value, *end = p + n;

	for (p++; p < end; p = value + strlen(value) + 1) {
		name = p;
		value = name + strlen(name) + 1;
		if (value >= end)
			break;
		if (strcmp(name, "i") == 0) {
			str_reset(&st->queue_id);
			str_append(&st->queue_id, value);
		} else if (strcmp(name, "{auth_authen}") == 0) {
			str_reset(&st->auth);
			str_append(&st->auth, value);
		}
	}
}

/* stream_connect - C: hostname, family, port, address */
static void
stream_connect(struct stream *st, const char *p, size_t n)
{
	const char *host = p, *addr;
	size_t hl = strnlen(p, n);
	ipaddr ip;
	int have_ip = 0;

	if (hl + 1 < n && (p[hl + 1] == '4' || p[hl + 1] == '6') &&
	    hl + 4 < n) {
		addr = p + hl + 4;
		if (memchr(addr, '\0', n - hl - 4) != NULL &&
		    ipaddr_parse(addr, &ip) == 0)
			have_ip = 1;
	}
	session_connect(st->s, have_ip ? &ip : NULL, hl < n ? host : "x",
	    hl < n ? host : NULL);
	(void)session_decide(st->s, STAGE_CONNECT);
	st->state = S_CONN;
}

/* stream_eom - E: the decision, our header field, the end of the transaction */
static void
stream_eom(struct stream *st)
{
	const struct verdict *v;
	str value;

	if (st->queue_id.len > 0 && st->s->queue_id == NULL)
		st->s->queue_id = mem_strdup(str_cstr(&st->queue_id));
	v = session_decide(st->s, STAGE_EOM);
	if (v->action != ACT_TEMPFAIL && v->action != ACT_REJECT) {
		str_init(&value);
		headers_authres(&st->s->facts, session_policy(st->s),
		    st->s->rt->conf->authserv_id, &value);
		str_reset(&value);
		(void)headers_received_spf(&st->s->facts,
		    session_policy(st->s), st->s->rt->conf->authserv_id,
		    &value);
		str_free(&value);
	}
	session_end_tx(st->s);
	st->state = S_HELO;
}

/* stream_packet - one command; 0 to go on, -1 when the connection ends */
static int
stream_packet(struct stream *st, char cmd, const char *p, size_t n)
{
	const struct verdict *v;
	const char *value;

	if (milter_packet_check(cmd, p, n) != NULL)
		return -1;
	switch (cmd) {
	case 'D':
		if (n > 1)
			stream_macro(st, p, n);
		return 0;
	case 'O':
		return 0;
	case 'C':
		if (st->state != S_NONE)
			return -1;
		stream_connect(st, p, n);
		return 0;
	case 'H':
		if (st->state < S_CONN || st->state > S_HELO || n == 0)
			return -1;
		session_helo(st->s, p);
		(void)session_decide(st->s, STAGE_HELO);
		st->state = S_HELO;
		return 0;
	case 'M':
		if (st->state < S_CONN || st->state > S_HELO || n == 0)
			return -1;
		session_mail(st->s, p, st->queue_id.len ?
		    str_cstr(&st->queue_id) : NULL, st->auth.len ?
		    str_cstr(&st->auth) : NULL);
		(void)session_decide(st->s, STAGE_MAIL);
		st->state = S_MAIL;
		return 0;
	case 'R':
		if (st->state < S_MAIL || st->state > S_RCPT || n == 0)
			return -1;
		session_rcpt(st->s, p);
		v = session_decide(st->s, STAGE_RCPT);
		session_rcpt_answered(st->s, v);
		st->state = S_RCPT;
		return 0;
	case 'L':
		if (st->state < S_RCPT || n == 0 ||
		    (value = memchr(p, '\0', n)) == NULL || value + 1 >= p + n)
			return -1;
		session_header(st->s, p, value + 1);
		st->state = S_DATA;
		return 0;
	case 'N':
	case 'T':
		if (st->state < S_RCPT)
			return -1;
		st->state = S_DATA;
		return 0;
	case 'B':
		if (st->state < S_RCPT)
			return -1;
		(void)session_body(st->s, (const unsigned char *)p, n);
		st->state = S_DATA;
		return 0;
	case 'E':
		if (st->state < S_RCPT)
			return -1;
		stream_eom(st);
		return 0;
	case 'A':
		session_end_tx(st->s);
		if (st->state > S_HELO)
			st->state = S_HELO;
		return 0;
	default:
		return -1;		/* Q, unknown: the connection ends */
	}
}

/* LLVMFuzzerTestOneInput - one connection's stream */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int started;
	struct runtime *rt;
	struct stream st;
	struct conf *c;
	dns_mem *m;
	size_t off, len;
	char *buf;
	str err;

	if (!started) {
		fuzz_quiet();
		str_init(&err);
		m = dns_mem_create();
		fuzz_zone(m);
		if (conf_load(NULL, 0, &c, &err) != 0 ||
		    runtime_start_with(c, fuzz_resolver(m), &err) != 0)
			return 0;
		fuzz_quiet();		/* the runtime set the config's level */
		str_free(&err);
		started = 1;
	}
	if (size > 200000 || (rt = runtime_get()) == NULL)
		return 0;
	memset(&st, 0, sizeof(st));
	str_init(&st.queue_id);
	str_init(&st.auth);
	st.s = session_new(rt);
	st.s->leading_space = 1;
	for (off = 0; off + 5 <= size; off += 4 + len) {
		len = ((size_t)data[off] << 24) | ((size_t)data[off + 1] << 16) |
		    ((size_t)data[off + 2] << 8) | data[off + 3];
		if (len == 0 || len > size - off - 4)
			break;		/* libmilter: too big, or cut short */
		/* libmilter's buffer: the data, NUL-terminated */
		buf = mem_alloc(len);
		memcpy(buf, data + off + 5, len - 1);
		buf[len - 1] = '\0';
		if (stream_packet(&st, (char)data[off + 4], buf, len - 1) != 0) {
			mem_free(buf);
			break;
		}
		mem_free(buf);
	}
	session_end_tx(st.s);
	session_free(st.s);
	str_free(&st.queue_id);
	str_free(&st.auth);
	return 0;
}
