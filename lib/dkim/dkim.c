/*
 * dkim - DKIM verification through libopendkim on our resolver; see
 * dkim.h.
 *
 * libopendkim asks for keys through four hooks (library-notes 3). They
 * get the library's one service handle, not the message, so the message
 * being verified is found through a thread-local pointer that is set
 * only around the libopendkim calls that may look keys up (dkim_eom;
 * dkim_eoh too, harmlessly, though with DELAYSIGPROC it asks none; both
 * run in the caller's thread). Replies are handed over in wire
 * format (dns_answer_wire), which is what libopendkim parses.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <opendkim/dkim.h>

#include "util/deadline.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_hold.h"
#include "dkim/dkim.h"

#define DKIM_B_SHOWN	12	/* characters of b= kept for the header */

struct dkim_engine {
	DKIM_LIB		*lib;
	struct dkim_options	 opts;
};

enum dkim_state {
	V_HEADERS, V_BODY, V_DONE
};

struct dkim_verifier {
	dkim_engine	*engine;
	dns_resolver	*resolver;
	dns_hold	*hold;		/* key lookups started as the
					 * signature fields arrive (made
					 * at the first, unless given) */
	int		 own_hold;	/* hold is ours to free */
	DKIM		*d;
	int64_t		 deadline;
	enum dkim_state	 state;
	int		 nosig;		/* the message carries no signature */
	int		 nsigfields;
	char		*from_domain;
	char		*error;		/* message-level trouble */
	int		 refused;	/* a header field was not taken */
};

/* one key lookup libopendkim started */
struct dkim_query {
	dns_query	*q;
	char		*name;
	int		 type;
	unsigned char	*buf;
	size_t		 buflen;
};

static __thread struct dkim_verifier *dkim_current;

static const char *const dkim_result_names[] = {
	"none", "pass", "fail", "neutral", "policy", "temperror", "permerror"
};
_Static_assert(sizeof(dkim_result_names) ==
    DKIMR_COUNT * sizeof(dkim_result_names[0]), "one word per DKIM result");

/* dkim_message_result - the message's DKIM result: its best signature's */
enum dkim_result
dkim_message_result(const struct dkim_results *r)
{
	static const enum dkim_result rank[] = {
		DKIMR_PASS, DKIMR_TEMPERROR, DKIMR_FAIL, DKIMR_POLICY,
		DKIMR_PERMERROR, DKIMR_NEUTRAL
	};
	size_t i, j;

	for (i = 0; i < sizeof(rank) / sizeof(rank[0]); i++)
		for (j = 0; j < r->n; j++)
			if (r->sigs[j].result == rank[i])
				return rank[i];
	return DKIMR_NONE;
}

/* dkim_key_found - was a signature with this result judged by its key */
int
dkim_key_found(enum dkim_result r)
{
	return r == DKIMR_PASS || r == DKIMR_FAIL || r == DKIMR_POLICY;
}

/* dkim_result_name - the RFC 8601 word */
const char *
dkim_result_name(enum dkim_result r)
{
	return str_word(dkim_result_names, DKIMR_COUNT, (int)r);
}

/* --- key records: PKCS#1 RSAPublicKey to SubjectPublicKeyInfo --- */

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* b64_decode - base64 without white space into out; -1 if malformed */
static int
b64_decode(const char *in, size_t n, str *out)
{
	unsigned acc, bits;
	const char *p;
	size_t i;

	acc = bits = 0;
	for (i = 0; i < n; i++) {
		if (in[i] == '=')
			break;
		if ((p = strchr(b64chars, in[i])) == NULL || in[i] == '\0')
			return -1;
		acc = (acc << 6) | (unsigned)(p - b64chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			str_append_c(out, (int)((acc >> bits) & 0xff));
		}
	}
	return 0;
}

/* b64_encode - bytes to base64 */
static void
b64_encode(const unsigned char *in, size_t n, str *out)
{
	size_t i;
	unsigned v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		str_append_c(out, b64chars[v >> 18]);
		str_append_c(out, b64chars[(v >> 12) & 63]);
		str_append_c(out, b64chars[(v >> 6) & 63]);
		str_append_c(out, b64chars[v & 63]);
	}
	if (i < n) {
		v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 :
		    0);
		str_append_c(out, b64chars[v >> 18]);
		str_append_c(out, b64chars[(v >> 12) & 63]);
		str_append_c(out, i + 1 < n ? b64chars[(v >> 6) & 63] : '=');
		str_append_c(out, '=');
	}
}

/* der_len - append a DER length */
static void
der_len(str *out, size_t n)
{
	if (n < 128)
		str_append_c(out, (int)n);
	else if (n < 256) {
		str_append_c(out, 0x81);
		str_append_c(out, (int)n);
	} else {
		str_append_c(out, 0x82);
		str_append_c(out, (int)(n >> 8));
		str_append_c(out, (int)(n & 0xff));
	}
}

/* dkim_spki - if a decoded key is a PKCS#1 RSAPublicKey (a SEQUENCE that
 * starts with an INTEGER), wrap it as SubjectPublicKeyInfo; 1 if done */
static int
dkim_spki(const str *der, str *out)
{
	static const unsigned char rsa_alg[] = {
		0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
		0x01, 0x01, 0x01, 0x05, 0x00
	};
	const unsigned char *p;
	size_t hdr, bitlen;
	str bits;

	p = (const unsigned char *)der->buf;
	if (der->len < 4 || der->len > 8192 || p[0] != 0x30)
		return 0;
	hdr = p[1] < 0x80 ? 2 : p[1] == 0x81 ? 3 : p[1] == 0x82 ? 4 : 0;
	if (hdr == 0 || der->len <= hdr || p[hdr] != 0x02)
		return 0;
	str_init(&bits);
	str_append_c(&bits, 0x03);
	bitlen = der->len + 1;
	der_len(&bits, bitlen);
	str_append_c(&bits, 0x00);
	str_append_n(&bits, der->buf, der->len);
	str_append_c(out, 0x30);
	der_len(out, sizeof(rsa_alg) + bits.len);
	str_append_n(out, (const char *)rsa_alg, sizeof(rsa_alg));
	str_append_n(out, bits.buf, bits.len);
	str_free(&bits);
	return 1;
}

/* dkim_fix_key - a key record with a PKCS#1 p= rewritten, or NULL */
static char *
dkim_fix_key(const char *rec, size_t len)
{
	const char *p, *v, *end;
	str b64, der, spki, out;
	char *fixed;
	size_t left;

	/* find the p= tag: "p" [FWS] "=" at the start of a tag */
	fixed = NULL;
	v = NULL;
	for (p = rec; ; p = end + 1) {
		while (p < rec + len && (*p == ' ' || *p == '\t' || *p == '\r' ||
		    *p == '\n'))
			p++;
		left = p < rec + len ? (size_t)(rec + len - p) : 0;
		if ((end = memchr(p, ';', left)) == NULL)
			end = rec + len;
		if (p < end && *p == 'p') {
			for (v = p + 1; v < end && (*v == ' ' || *v == '\t'); v++)
				;
			if (v < end && *v == '=')
				break;
		}
		v = NULL;
		if (end == rec + len)
			break;
	}
	if (v == NULL)
		return NULL;
	str_init(&b64);
	str_init(&der);
	str_init(&spki);
	for (v++; v < end; v++)
		if (!isspace((unsigned char)*v))
			str_append_c(&b64, *v);
	if (b64.len > 0 && b64_decode(b64.buf, b64.len, &der) == 0 &&
	    dkim_spki(&der, &spki)) {
		str_init(&out);
		str_append_n(&out, rec, (size_t)(p - rec));
		str_append(&out, "p=");
		b64_encode((const unsigned char *)spki.buf, spki.len, &out);
		str_append_n(&out, end, (size_t)(rec + len - end));
		fixed = str_steal(&out);
	}
	str_free(&b64);
	str_free(&der);
	str_free(&spki);
	return fixed;
}

/* --- the DNS hooks --- */

/* dkim_q_start - libopendkim starts a key lookup */
static int
dkim_q_start(void *srv, int type, unsigned char *query, unsigned char *buf,
    size_t buflen, void **qh)
{
	struct dkim_verifier *v = dkim_current;
	struct dkim_query *dq;

	(void)srv;
	if (v == NULL)
		return DKIM_DNS_ERROR;
	dq = mem_calloc(1, sizeof(*dq));
	dq->name = mem_strdup((const char *)query);
	dq->type = type;
	dq->buf = buf;
	dq->buflen = buflen;
	/* the lookup started when its signature field arrived, if any */
	if ((dq->q = dns_hold_take(v->hold, dq->name, type)) == NULL)
		dq->q = dns_query_start(v->resolver, dq->name, type);
	*qh = dq;
	return DKIM_DNS_SUCCESS;
}

/* dkim_q_answer - the wire reply for libopendkim, keys made usable */
static long
dkim_q_answer(struct dkim_query *dq, const dns_answer *a)
{
	dns_answer *fixed;
	char *rec;
	size_t i;
	long n;

	fixed = NULL;
	for (i = 0; a->status == DNS_OK && i < a->count; i++) {
		if (a->rr[i].type != DNS_T_TXT ||
		    (rec = dkim_fix_key(a->rr[i].u.txt.data,
		    a->rr[i].u.txt.len)) == NULL)
			continue;
		if (fixed == NULL) {
			fixed = dns_answer_new(a->name, a->type, DNS_OK, NULL);
			fixed->rr = mem_calloc(a->count, sizeof(dns_rr));
			fixed->count = a->count;
			for (size_t j = 0; j < a->count; j++)
				dns_rr_copy(&fixed->rr[j], &a->rr[j]);
		}
		mem_free(fixed->rr[i].u.txt.data);
		fixed->rr[i].u.txt.data = rec;
		fixed->rr[i].u.txt.len = strlen(rec);
	}
	n = dns_answer_wire(fixed != NULL ? fixed : a, dq->name, dq->type,
	    dq->buf, dq->buflen);
	if (n < 0) {
		/* a key too big for libopendkim's buffer: no usable key */
		dns_answer *none = dns_answer_new(a->name, a->type, DNS_NODATA,
		    NULL);

		n = dns_answer_wire(none, dq->name, dq->type, dq->buf,
		    dq->buflen);
		dns_answer_unref(none);
	}
	if (fixed != NULL)
		dns_answer_unref(fixed);
	return n;
}

/* dkim_q_wait - libopendkim waits for a key */
static int
dkim_q_wait(void *srv, void *qh, struct timeval *to, size_t *bytes, int *error,
    int *dnssec)
{
	struct dkim_verifier *v = dkim_current;
	struct dkim_query *dq = qh;
	dns_answer *a;
	long n;

	(void)srv;
	(void)to;	/* our deadline is the message's, not per query */
	if (dnssec != NULL)
		*dnssec = DKIM_DNSSEC_UNKNOWN;
	if (v == NULL || dq == NULL || dq->q == NULL)
		return DKIM_DNS_ERROR;
	a = dns_query_wait(dq->q, v->deadline);
	dns_query_free(dq->q);
	dq->q = NULL;
	if (a->status == DNS_TEMPFAIL || a->status == DNS_ERROR) {
		if (error != NULL)
			*error = 0;
		dns_answer_unref(a);
		return deadline_left(v->deadline) == 0 ? DKIM_DNS_EXPIRED :
		    DKIM_DNS_ERROR;
	}
	n = dkim_q_answer(dq, a);
	dns_answer_unref(a);
	if (n < 0)
		return DKIM_DNS_ERROR;
	*bytes = (size_t)n;
	return DKIM_DNS_SUCCESS;
}

/* dkim_q_cancel - forget a lookup */
static int
dkim_q_cancel(void *srv, void *qh)
{
	struct dkim_query *dq = qh;

	(void)srv;
	if (dq != NULL) {
		if (dq->q != NULL)
			dns_query_free(dq->q);
		mem_free(dq->name);
		mem_free(dq);
	}
	return DKIM_DNS_SUCCESS;
}

/* dkim_q_init - nothing to set up (libopendkim's own
 * resolver is never used; without these dkim_close() crashes) */
static int
dkim_q_init(void **srv)
{
	(void)srv;
	return 0;
}

/* dkim_q_close - see dkim_q_init */
static void
dkim_q_close(void *srv)
{
	(void)srv;
}

/* --- signatures --- */

/* dkim_related - is d= the domain, or above or under it */
int
dkim_related(const char *d, const char *from)
{
	size_t dl, fl;

	if (d == NULL || from == NULL)
		return 0;
	dl = strlen(d);
	fl = strlen(from);
	if (dl == fl)
		return strcasecmp(d, from) == 0;
	if (dl < fl)
		return strcasecmp(from + fl - dl, d) == 0 && from[fl - dl - 1] ==
		    '.';
	return strcasecmp(d + dl - fl, from) == 0 && d[dl - fl - 1] == '.';
}

/* dkim_prescreen - put signatures of the author's domain first and
 * verify at most max_signatures of the usable ones */
static DKIM_CBSTAT
dkim_prescreen(DKIM *d, DKIM_SIGINFO **sigs, int n)
{
	struct dkim_verifier *v = dkim_get_user_context(d);
	DKIM_SIGINFO *tmp;
	int i, j, err;

	if (v == NULL)
		return DKIM_CBSTAT_CONTINUE;
	for (i = 0, j = 0; i < n; i++) {
		if (dkim_related((const char *)dkim_sig_getdomain(sigs[i]),
		    v->from_domain)) {
			tmp = sigs[i];
			memmove(&sigs[j + 1], &sigs[j], (size_t)(i - j) *
			    sizeof(*sigs));
			sigs[j++] = tmp;
		}
	}
	/* only signatures that would cost a lookup count towards the limit:
	 * broken ones in front must not hide a good one behind them */
	for (i = 0, j = 0; i < n; i++) {
		err = dkim_sig_geterror(sigs[i]);
		if (err != DKIM_SIGERROR_OK && err != DKIM_SIGERROR_UNKNOWN)
			continue;
		if (j++ >= (int)v->engine->opts.max_signatures)
			dkim_sig_ignore(sigs[i]);
	}
	return DKIM_CBSTAT_CONTINUE;
}

/* dkim_engine_create - the library, its limits and our hooks */
dkim_engine *
dkim_engine_create(const struct dkim_options *opts, str *err)
{
	dkim_engine *e;
	unsigned int bits, flags, timeout;

	e = mem_calloc(1, sizeof(*e));
	e->opts = *opts;
	if (e->opts.max_signatures == 0)
		e->opts.max_signatures = 1;
	if ((e->lib = dkim_init(NULL, NULL)) == NULL) {
		str_append(err, "cannot initialise libopendkim");
		mem_free(e);
		return NULL;
	}
	if (!dkim_libfeature(e->lib, DKIM_FEATURE_ED25519))
		log_warn("libopendkim was built without ed25519: ed25519-sha256 "
		    "signatures will not verify");
	/* one bad signature must not hide the results of the others; keys
	 * are waited for at the end of the message, not of the header
	 * (DELAYSIGPROC), so the body is hashed while they are on their
	 * way: at the header's end the wait blocked the body, and the MTA's
	 * end-of-message came only after the answer and the body's hashing */
	flags = DKIM_LIBFLAGS_BADSIGHANDLES | DKIM_LIBFLAGS_FIXCRLF |
	    DKIM_LIBFLAGS_DELAYSIGPROC;
	bits = opts->min_key_bits;
	timeout = (unsigned int)(opts->timeout_ms + 999) / 1000;
	if (dkim_options(e->lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags,
	    sizeof(flags)) != DKIM_STAT_OK ||
	    dkim_options(e->lib, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS, &bits,
	    sizeof(bits)) != DKIM_STAT_OK ||
	    dkim_options(e->lib, DKIM_OP_SETOPT, DKIM_OPTS_TIMEOUT, &timeout,
	    sizeof(timeout)) != DKIM_STAT_OK) {
		str_append(err, "cannot set libopendkim's options");
		dkim_close(e->lib);
		mem_free(e);
		return NULL;
	}
	dkim_dns_set_query_service(e->lib, e);
	dkim_dns_set_query_start(e->lib, dkim_q_start);
	dkim_dns_set_query_waitreply(e->lib, dkim_q_wait);
	dkim_dns_set_query_cancel(e->lib, dkim_q_cancel);
	dkim_dns_set_init(e->lib, dkim_q_init);
	dkim_dns_set_close(e->lib, dkim_q_close);
	dkim_set_prescreen(e->lib, dkim_prescreen);
	return e;
}

/* dkim_engine_free - release the library */
void
dkim_engine_free(dkim_engine *e)
{
	if (e == NULL)
		return;
	dkim_close(e->lib);
	mem_free(e);
}

/* dkim_verifier_new - a verifier for one message */
dkim_verifier *
dkim_verifier_new(dkim_engine *e, dns_resolver *res)
{
	dkim_verifier *v;
	DKIM_STAT st;

	v = mem_calloc(1, sizeof(*v));
	v->engine = e;
	v->resolver = res;
	v->deadline = deadline_in(e->opts.timeout_ms);
	v->d = dkim_verify(e->lib, (const unsigned char *)"authgate", NULL,
	    &st);
	if (v->d == NULL) {
		v->error = mem_strdup("cannot start a libopendkim verification");
		v->state = V_DONE;
	} else
		dkim_set_user_context(v->d, v);
	return v;
}

/* dkim_verifier_hold - take the transaction's held lookups (keys
 * started at MAIL FROM are found there) instead of a hold of its own */
void
dkim_verifier_hold(dkim_verifier *v, dns_hold *h)
{
	if (h == NULL || v->hold == h)
		return;
	if (v->own_hold)
		dns_hold_free(v->hold);
	v->hold = h;
	v->own_hold = 0;
}

/* dkim_prefetch_key - start the key lookup of a DKIM-Signature field */
static void
dkim_prefetch_key(dkim_verifier *v, const char *value, size_t len)
{
	const char *p, *end, *eq;
	str tag, d, s, name;

	str_init(&tag);
	str_init(&d);
	str_init(&s);
	for (p = value; p < value + len; p = end + 1) {
		if ((end = memchr(p, ';', (size_t)(value + len - p))) == NULL)
			end = value + len;
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
			continue;
		str_reset(&tag);
		for (; p < eq; p++)
			if (!isspace((unsigned char)*p))
				str_append_c(&tag, *p);
		if (strcmp(str_cstr(&tag), "d") != 0 &&
		    strcmp(str_cstr(&tag), "s") != 0)
			continue;
		str *out = tag.buf[0] == 'd' ? &d : &s;
		str_reset(out);
		for (p = eq + 1; p < end; p++)
			if (!isspace((unsigned char)*p))
				str_append_c(out, *p);
	}
	if (d.len > 0 && s.len > 0 && d.len + s.len < 240) {
		str_init(&name);
		str_appendf(&name, "%s._domainkey.%s", str_cstr(&s),
		    str_cstr(&d));
		/* a hold of its own only when the transaction gave none */
		if (v->hold == NULL && v->resolver != NULL) {
			v->hold = dns_hold_new(v->resolver);
			v->own_hold = 1;
		}
		dns_hold_start(v->hold, str_cstr(&name), DNS_T_TXT);
		str_free(&name);
	}
	str_free(&tag);
	str_free(&d);
	str_free(&s);
}

/* dkim_verifier_header - one header field; -1 if it holds a NUL byte */
int
dkim_verifier_header(dkim_verifier *v, const char *name, const char *value,
    size_t len)
{
	const char *nl;
	str line;
	size_t i;

	if (memchr(value, '\0', len) != NULL) {
		/* libopendkim takes C strings: it would read past the NUL;
		 * without the field no signature of the message can be
		 * trusted (it could be a copy of a signed one) */
		v->refused = 1;
		if (v->error == NULL) {
			str_init(&line);
			str_append(&line, "a header field ");
			str_append_printable(&line, name, strlen(name), 60);
			str_append(&line, " holds a NUL byte");
			v->error = str_steal(&line);
		}
		return -1;
	}
	if (v->state != V_HEADERS)
		return 0;
	str_init(&line);
	str_append(&line, name);
	str_append_c(&line, ':');
	/* copy up to each bare LF, which becomes CRLF */
	for (i = 0; i < len; i = (size_t)(nl - value) + 1) {
		if ((nl = memchr(value + i, '\n', len - i)) == NULL) {
			str_append_n(&line, value + i, len - i);
			break;
		}
		str_append_n(&line, value + i, (size_t)(nl - value) - i);
		if (nl == value || nl[-1] != '\r')
			str_append_c(&line, '\r');
		str_append_c(&line, '\n');
	}
	(void)dkim_header(v->d, (unsigned char *)line.buf, line.len);
	str_free(&line);
	if (strcasecmp(name, "DKIM-Signature") == 0 &&
	    ++v->nsigfields <= (int)v->engine->opts.max_signatures)
		dkim_prefetch_key(v, value, len);
	return 0;
}

/* dkim_verifier_from - the author domain, for the signature order */
void
dkim_verifier_from(dkim_verifier *v, const char *domain)
{
	mem_free(v->from_domain);
	v->from_domain = domain != NULL ? mem_strdup(domain) : NULL;
}

/* dkim_eoh_now - end of the header: the header is hashed; the keys
 * (those of the first signature fields started with them) are waited
 * for at the end (dkim_eom) */
static void
dkim_eoh_now(dkim_verifier *v)
{
	DKIM_STAT st;

	dkim_current = v;
	st = dkim_eoh(v->d);
	dkim_current = NULL;
	v->state = V_BODY;
	if (st == DKIM_STAT_NOSIG) {
		v->nosig = 1;
		v->state = V_DONE;
	} else if (st != DKIM_STAT_OK && v->nsigfields == 0) {
		v->nosig = 1;
		v->state = V_DONE;
	}
}

/* dkim_verifier_body - body bytes; 0 when no more are needed */
int
dkim_verifier_body(dkim_verifier *v, const unsigned char *p, size_t n)
{
	if (v->state == V_HEADERS)
		dkim_eoh_now(v);
	if (v->state != V_BODY)
		return 0;
	(void)dkim_body(v->d, (unsigned char *)p, n);
	return 1;
}

/* dkim_sig_text - a tag of a signature, or NULL */
static char *
dkim_sig_text(DKIM_SIGINFO *sig, const char *tag, size_t max)
{
	unsigned char *v;
	str s;
	size_t i;

	if ((v = dkim_sig_gettagvalue(sig, 0, (unsigned char *)tag)) == NULL)
		return NULL;
	str_init(&s);
	for (i = 0; v[i] != '\0' && s.len < max; i++)
		if (!isspace(v[i]))
			str_append_c(&s, (char)(v[i] >= 0x20 && v[i] < 0x7f ?
			    v[i] : '?'));
	return str_steal(&s);
}

/* dkim_judge - our result for one signature */
static void
dkim_judge(const dkim_verifier *v, DKIM_SIGINFO *sig, struct dkim_sig *out)
{
	unsigned int flags, bits;
	dkim_alg_t alg;
	str why;
	int err;

	str_init(&why);
	flags = dkim_sig_getflags(sig);
	err = dkim_sig_geterror(sig);
	alg = DKIM_SIGN_UNKNOWN;
	(void)dkim_sig_getsignalg(sig, &alg);
	bits = 0;
	if (alg != DKIM_SIGN_ED25519SHA256)
		(void)dkim_sig_getkeysize(sig, &bits);
	out->keybits = bits;
	if (flags & DKIM_SIGFLAG_IGNORE) {
		out->result = DKIMR_NEUTRAL;
		str_appendf(&why, "not verified: the message carries more than "
		    "%u signatures", v->engine->opts.max_signatures);
	} else if (DKIM_SIG_CHECK(sig) && err == DKIM_SIGERROR_OK) {
		/* DKIM_SIG_CHECK looks at the hashes only: a check that
		 * follows them (t=s in the key, say) leaves its error with
		 * the flags still saying "passed" */
		if (alg == DKIM_SIGN_RSASHA1 && !v->engine->opts.allow_sha1) {
			out->result = DKIMR_POLICY;
			str_append(&why, "rsa-sha1 signatures are not accepted "
			    "(RFC 8301)");
		} else
			out->result = DKIMR_PASS;
	} else {
		switch (err) {
		case DKIM_SIGERROR_OK:
		case DKIM_SIGERROR_BADSIG:
			out->result = DKIMR_FAIL;
			if (dkim_sig_getbh(sig) == DKIM_SIGBH_MISMATCH)
				str_append(&why, "the body hash does not match: "
				    "the body was changed after signing");
			else if (!(flags & DKIM_SIGFLAG_PROCESSED)) {
				out->result = DKIMR_NEUTRAL;
				str_append(&why, "the signature was not "
				    "evaluated");
			} else
				str_append(&why, "the signature does not verify: "
				    "a signed header field was changed, or the "
				    "key does not match");
			break;
		case DKIM_SIGERROR_KEYFAIL:
			out->result = DKIMR_TEMPERROR;
			str_append(&why, "the key lookup failed temporarily");
			break;
		case DKIM_SIGERROR_KEYTOOSMALL:
			out->result = DKIMR_POLICY;
			str_appendf(&why, "a %u-bit key is smaller than the %u "
			    "bits required (RFC 8301)", bits,
			    v->engine->opts.min_key_bits);
			break;
		case DKIM_SIGERROR_NOKEY:
		case DKIM_SIGERROR_DNSSYNTAX:
		case DKIM_SIGERROR_KEYREVOKED:
		case DKIM_SIGERROR_KEYDECODE:
		case DKIM_SIGERROR_KEYVERSION:
		case DKIM_SIGERROR_KEYUNKNOWNHASH:
		case DKIM_SIGERROR_KEYHASHMISMATCH:
		case DKIM_SIGERROR_NOTEMAILKEY:
		case DKIM_SIGERROR_KEYTYPEMISSING:
		case DKIM_SIGERROR_KEYTYPEUNKNOWN:
		case DKIM_SIGERROR_MULTIREPLY:
		case DKIM_SIGERROR_SUBDOMAIN:
			out->result = DKIMR_PERMERROR;
			str_append(&why, dkim_sig_geterrorstr(err));
			break;
		default:
			out->result = DKIMR_NEUTRAL;
			str_append(&why, dkim_sig_geterrorstr(err) != NULL ?
			    dkim_sig_geterrorstr(err) : "unusable signature");
			break;
		}
	}
	out->reason = why.len > 0 ? str_steal(&why) : NULL;
	str_free(&why);
}

/* dkim_verifier_end - finish and report every signature */
void
dkim_verifier_end(dkim_verifier *v, struct dkim_results *out)
{
	DKIM_SIGINFO **sigs;
	struct dkim_sig *s;
	unsigned char *p;
	int64_t later;
	int n, i;

	dkim_results_clear(out);
	out->checked = 1;
	if (v->state == V_HEADERS)
		dkim_eoh_now(v);
	if (v->error != NULL)
		out->error = mem_strdup(v->error);
	if (v->nosig || v->d == NULL)
		return;
	if (v->state == V_BODY) {
		/* the keys are waited for here: a wait gets the engine's
		 * time from now at least, not what the body's processing
		 * left of the time counted from the first header field (a
		 * key whose lookup starts only now, one of an author-domain
		 * signature beyond the prefetched ones, needs that) */
		later = deadline_in(v->engine->opts.timeout_ms);
		if (later > v->deadline)
			v->deadline = later;
		dkim_current = v;
		(void)dkim_eom(v->d, NULL);
		dkim_current = NULL;
		v->state = V_DONE;
	}
	sigs = NULL;
	n = 0;
	if (dkim_getsiglist(v->d, &sigs, &n) != DKIM_STAT_OK || n <= 0)
		return;
	out->sigs = mem_calloc((size_t)n, sizeof(*out->sigs));
	for (i = 0; i < n; i++) {
		s = &out->sigs[out->n++];
		p = dkim_sig_getdomain(sigs[i]);
		s->domain = mem_strdup(p != NULL ? (const char *)p : "");
		p = dkim_sig_getselector(sigs[i]);
		s->selector = mem_strdup(p != NULL ? (const char *)p : "");
		s->identity = dkim_sig_text(sigs[i], "i", 256);
		s->algorithm = dkim_sig_text(sigs[i], "a", 32);
		s->b = dkim_sig_text(sigs[i], "b", DKIM_B_SHOWN);
		dkim_judge(v, sigs[i], s);
		if (v->refused) {
			s->result = DKIMR_PERMERROR;
			mem_free(s->reason);
			s->reason = mem_strdup("a header field holds a NUL "
			    "byte: the message cannot be verified");
		}
	}
}

/* dkim_verifier_free - release a verifier */
void
dkim_verifier_free(dkim_verifier *v)
{
	if (v == NULL)
		return;
	if (v->d != NULL)
		dkim_free(v->d);
	if (v->own_hold)
		dns_hold_free(v->hold);
	mem_free(v->from_domain);
	mem_free(v->error);
	mem_free(v);
}

/* dkim_results_clear - release results */
void
dkim_results_clear(struct dkim_results *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		mem_free(r->sigs[i].domain);
		mem_free(r->sigs[i].selector);
		mem_free(r->sigs[i].identity);
		mem_free(r->sigs[i].algorithm);
		mem_free(r->sigs[i].b);
		mem_free(r->sigs[i].reason);
	}
	mem_free(r->sigs);
	mem_free(r->error);
	memset(r, 0, sizeof(*r));
}
