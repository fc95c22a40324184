/*
 * dns_answer - typed DNS answers: built from wire-format replies, shared
 * by reference count; plus name and server-list helpers. See dns.h.
 *
 * dns_answer_parse() trusts nothing in the reply: every length is checked
 * against the packet, the question must be the one we asked, CNAME chains
 * are followed inside the reply (bounded), and anything unusable becomes
 * DNS_TEMPFAIL with a plain-words reason instead of a guess.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"

#define DNS_HDR_LEN	12
#define DNS_RR_MAX	512	/* answer RRs we look at in one reply */

/* one resource record as found in the packet, before decoding */
struct dns_raw_rr {
	char		*owner;
	int		 type;
	uint32_t	 ttl;
	size_t		 rdoff;
	size_t		 rdlen;
};

/* dns_answer_new - an answer without records (status and reason only) */
dns_answer *
dns_answer_new(const char *name, int type, enum dns_status status,
    const char *error)
{
	dns_answer *a;

	a = mem_calloc(1, sizeof(*a));
	a->status = status;
	a->type = type;
	a->name = mem_strdup(name != NULL ? name : "");
	a->canon = mem_strdup(a->name);
	a->error = mem_strdup(error);
	atomic_init(&a->refs, 1);
	return a;
}

/* dns_answer_ref - take another reference */
dns_answer *
dns_answer_ref(dns_answer *a)
{
	atomic_fetch_add(&a->refs, 1);
	return a;
}

/* dns_rr_clear - release what one record owns */
void
dns_rr_clear(dns_rr *rr)
{
	switch (rr->type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		break;
	case DNS_T_MX:
		mem_free(rr->u.mx.host);
		break;
	case DNS_T_TXT:
	case DNS_T_SPF:
		mem_free(rr->u.txt.data);
		break;
	default:
		mem_free(rr->u.name);
		break;
	}
}

/* dns_rr_copy - deep copy of one record */
void
dns_rr_copy(dns_rr *dst, const dns_rr *src)
{
	*dst = *src;
	switch (src->type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		break;
	case DNS_T_MX:
		dst->u.mx.host = mem_strdup(src->u.mx.host);
		break;
	case DNS_T_TXT:
	case DNS_T_SPF:
		dst->u.txt.data = mem_memdup(src->u.txt.data, src->u.txt.len + 1);
		break;
	default:
		dst->u.name = mem_strdup(src->u.name);
		break;
	}
}

/* dns_answer_unref - drop a reference, free with the last one */
void
dns_answer_unref(dns_answer *a)
{
	size_t i;

	if (a == NULL || atomic_fetch_sub(&a->refs, 1) != 1)
		return;
	for (i = 0; i < a->count; i++)
		dns_rr_clear(&a->rr[i]);
	mem_free(a->rr);
	mem_free(a->name);
	mem_free(a->canon);
	mem_free(a->error);
	mem_free(a);
}

/* dns_status_name - short name of a status for logs */
const char *
dns_status_name(enum dns_status status)
{
	switch (status) {
	case DNS_OK:
		return "ok";
	case DNS_NXDOMAIN:
		return "nxdomain";
	case DNS_NODATA:
		return "nodata";
	case DNS_TEMPFAIL:
		return "tempfail";
	case DNS_ERROR:
		return "error";
	}
	return "?";
}

/* dns_addr_type - the address record type of a client of this family:
 * AAAA for IPv6, A otherwise (IPv4-mapped clients are IPv4 by then) */
int
dns_addr_type(int family)
{
	return family == AF_INET ? DNS_T_A : DNS_T_AAAA;
}

/* dns_type_name - mnemonic of an RR type */
const char *
dns_type_name(int type)
{
	switch (type) {
	case DNS_T_A:
		return "A";
	case DNS_T_NS:
		return "NS";
	case DNS_T_CNAME:
		return "CNAME";
	case DNS_T_SOA:
		return "SOA";
	case DNS_T_PTR:
		return "PTR";
	case DNS_T_MX:
		return "MX";
	case DNS_T_TXT:
		return "TXT";
	case DNS_T_AAAA:
		return "AAAA";
	case DNS_T_SPF:
		return "SPF";
	}
	return "TYPE?";
}

/* dns_name_normalize - lower-case and validate a domain name */
int
dns_name_normalize(const char *in, str *out, const char **why)
{
	size_t len, label, i;
	unsigned char c;

	str_reset(out);
	len = strlen(in);
	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0) {
		*why = "empty name";
		return -1;
	}
	if (len > DNS_NAME_MAX) {
		*why = "name longer than 253 characters";
		return -1;
	}
	label = 0;
	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		if (c == '.') {
			if (label == 0) {
				*why = "empty label in name";
				return -1;
			}
			label = 0;
			str_append_c(out, '.');
			continue;
		}
		/* DNS labels may hold any byte (SPF macros put spaces and
		 * "%" in names); control bytes and the backslash, which
		 * c-ares reads as an escape, cannot be asked for */
		if (c < 0x20 || c == 0x7f || c == '\\') {
			*why = "invalid character in name";
			return -1;
		}
		if (++label > 63) {
			*why = "label longer than 63 characters";
			return -1;
		}
		str_append_c(out, tolower(c));
	}
	return 0;
}

/* dns_get16 - read a 16-bit value */
static unsigned
dns_get16(const unsigned char *p)
{
	return ((unsigned)p[0] << 8) | p[1];
}

/* dns_get32 - read a 32-bit value */
static uint32_t
dns_get32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

/* dns_expand - the (compressed) name at off, in lower case and without
 * the root's dot; its length at off in *used; NULL if malformed.
 *
 * Label bytes are kept as they are, so that a name we asked for (any
 * byte but control bytes and a backslash, dns_name_normalize) comes back
 * equal: c-ares' ares_expand_name escapes $ ( ) @ " ; and made such
 * answers look like replies to another question. The bytes no asked name
 * holds - a dot, a backslash or a control byte inside a label - are
 * written with a backslash (\. \\ \DDD), which no question can equal.
 * A compression pointer must point before the label it stands for, so
 * every name ends. */
static char *
dns_expand(const unsigned char *pkt, size_t len, size_t off, size_t *used)
{
	size_t pos, wire, i, ptr;
	unsigned char c;
	int jumped;
	str name;

	*used = 0;
	str_init(&name);
	str_append(&name, "");
	pos = off;
	wire = 0;
	jumped = 0;
	for (;;) {
		if (pos >= len)
			goto bad;
		c = pkt[pos];
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				goto bad;
			ptr = ((size_t)(c & 0x3f) << 8) | pkt[pos + 1];
			if (!jumped)
				*used = pos + 2 - off;
			jumped = 1;
			if (ptr >= pos)		/* forwards or onto itself */
				goto bad;
			pos = ptr;
			continue;
		}
		if (c & 0xc0)			/* extended label types */
			goto bad;
		if (c == 0) {
			if (!jumped)
				*used = pos + 1 - off;
			return str_steal(&name);
		}
		/* 255 bytes with the root's zero: labels take 254 */
		if (pos + 1 + c > len || (wire += 1 + (size_t)c) > 254)
			goto bad;
		if (name.len > 0)
			str_append_c(&name, '.');
		for (i = pos + 1; i <= pos + c; i++) {
			if (pkt[i] == '.' || pkt[i] == '\\') {
				str_append_c(&name, '\\');
				str_append_c(&name, (char)pkt[i]);
			} else if (pkt[i] < 0x20 || pkt[i] == 0x7f)
				str_appendf(&name, "\\%03u", pkt[i]);
			else
				str_append_c(&name, (char)tolower(pkt[i]));
		}
		pos += 1 + (size_t)c;
	}
bad:
	str_free(&name);
	return NULL;
}

/* dns_fail_kind - turn a half-built parse into a TEMPFAIL answer */
static dns_answer *
dns_fail_kind(const char *qname, int qtype, const char *why,
    enum dns_fail kind)
{
	str msg;
	dns_answer *a;

	str_init(&msg);
	str_appendf(&msg, "unusable reply for %s/%s: %s", qname,
	    dns_type_name(qtype), why);
	a = dns_answer_new(qname, qtype, DNS_TEMPFAIL, str_cstr(&msg));
	a->fail = kind;
	str_free(&msg);
	return a;
}

/* dns_fail - a reply we cannot use (malformed, another question, ...) */
static dns_answer *
dns_fail(const char *qname, int qtype, const char *why)
{
	return dns_fail_kind(qname, qtype, why, DNS_FAIL_BAD_REPLY);
}

/* dns_decode_rr - decode the rdata of one RR of the asked type */
static int
dns_decode_rr(const unsigned char *pkt, size_t len, const struct dns_raw_rr *raw,
    dns_rr *rr)
{
	const unsigned char *rd;
	size_t used, off, n;
	str txt;

	rd = pkt + raw->rdoff;
	rr->type = raw->type;
	rr->ttl = raw->ttl;
	switch (raw->type) {
	case DNS_T_A:
		if (raw->rdlen != 4)
			return -1;
		memcpy(&rr->u.a, rd, 4);
		return 0;
	case DNS_T_AAAA:
		if (raw->rdlen != 16)
			return -1;
		memcpy(&rr->u.aaaa, rd, 16);
		return 0;
	case DNS_T_MX:
		if (raw->rdlen < 3)
			return -1;
		rr->u.mx.pref = dns_get16(rd);
		rr->u.mx.host = dns_expand(pkt, len, raw->rdoff + 2, &used);
		if (rr->u.mx.host == NULL || used > raw->rdlen - 2) {
			mem_free(rr->u.mx.host);
			rr->u.mx.host = NULL;
			return -1;
		}
		return 0;
	case DNS_T_TXT:
	case DNS_T_SPF:
		str_init(&txt);
		str_append(&txt, "");
		for (off = 0; off < raw->rdlen; off += 1 + n) {
			n = rd[off];
			if (off + 1 + n > raw->rdlen) {
				str_free(&txt);
				return -1;
			}
			str_append_n(&txt, (const char *)rd + off + 1, n);
		}
		rr->u.txt.len = txt.len;
		rr->u.txt.data = str_steal(&txt);
		return 0;
	default:
		rr->u.name = dns_expand(pkt, len, raw->rdoff, &used);
		if (rr->u.name == NULL || used > raw->rdlen) {
			mem_free(rr->u.name);
			rr->u.name = NULL;
			return -1;
		}
		return 0;
	}
}

/* dns_walk_rrs - list the IN-class RRs of a section; next offset, 0 on error */
static size_t
dns_walk_rrs(const unsigned char *pkt, size_t len, size_t off, unsigned count,
    struct dns_raw_rr *out, size_t *nout, size_t max)
{
	struct dns_raw_rr rr;
	size_t used;
	unsigned i, class;

	for (i = 0; i < count; i++) {
		rr.owner = dns_expand(pkt, len, off, &used);
		if (rr.owner == NULL)
			return 0;
		off += used;
		if (off + 10 > len) {
			mem_free(rr.owner);
			return 0;
		}
		rr.type = (int)dns_get16(pkt + off);
		class = dns_get16(pkt + off + 2);
		rr.ttl = dns_get32(pkt + off + 4);
		if (rr.ttl > 0x7fffffffU)	/* RFC 2181 section 8 */
			rr.ttl = 0;
		rr.rdlen = dns_get16(pkt + off + 8);
		rr.rdoff = off + 10;
		off = rr.rdoff + rr.rdlen;
		if (off > len) {
			mem_free(rr.owner);
			return 0;
		}
		if (class != 1 || *nout >= max) {
			mem_free(rr.owner);
			continue;
		}
		out[(*nout)++] = rr;
	}
	return off;
}

/* dns_follow_cnames - the owner name the answer is about, after CNAMEs */
static char *
dns_follow_cnames(const unsigned char *pkt, size_t len,
    const struct dns_raw_rr *rrs, size_t n, const char *qname, int qtype,
    uint32_t *ttl_min, const char **why)
{
	char *cur, *next;
	size_t i, used;
	unsigned depth;

	cur = mem_strdup(qname);
	if (qtype == DNS_T_CNAME)
		return cur;
	for (depth = 0;; depth++) {
		for (i = 0; i < n; i++)
			if (rrs[i].type == DNS_T_CNAME &&
			    strcmp(rrs[i].owner, cur) == 0)
				break;
		if (i == n)
			return cur;
		if (depth >= DNS_CNAME_DEPTH) {
			*why = "CNAME chain too long or looping";
			break;
		}
		next = dns_expand(pkt, len, rrs[i].rdoff, &used);
		if (next == NULL || used > rrs[i].rdlen) {
			mem_free(next);
			*why = "malformed CNAME record";
			break;
		}
		if (rrs[i].ttl < *ttl_min)
			*ttl_min = rrs[i].ttl;
		mem_free(cur);
		cur = next;
	}
	mem_free(cur);
	return NULL;
}

/* dns_soa_negative_ttl - RFC 2308 section 5: min(SOA TTL, SOA MINIMUM) */
static uint32_t
dns_soa_negative_ttl(const unsigned char *pkt, size_t len,
    const struct dns_raw_rr *soa)
{
	size_t off, used;
	uint32_t minimum;
	char *name;
	int i;

	off = soa->rdoff;
	for (i = 0; i < 2; i++) {		/* MNAME, RNAME */
		if ((name = dns_expand(pkt, len, off, &used)) == NULL)
			return 0;
		mem_free(name);
		off += used;
	}
	if (off + 20 > soa->rdoff + soa->rdlen)
		return 0;
	minimum = dns_get32(pkt + off + 16);
	return minimum < soa->ttl ? minimum : soa->ttl;
}

/* dns_answer_parse - build a typed answer from a wire-format reply */
dns_answer *
dns_answer_parse(const char *qname, int qtype, const unsigned char *pkt,
    size_t len)
{
	struct dns_raw_rr *rrs;
	size_t nans, nall, off, used, i, cap;
	unsigned flags, rcode;
	uint32_t ttl_min, neg;
	const char *why;
	char *qn, *canon;
	dns_answer *a;

	if (len < DNS_HDR_LEN)
		return dns_fail(qname, qtype, "reply shorter than a header");
	flags = dns_get16(pkt + 2);
	rcode = flags & 0xf;
	if ((flags & 0x8000) == 0)
		return dns_fail(qname, qtype, "not a reply");
	if (dns_get16(pkt + 4) != 1)
		return dns_fail(qname, qtype, "reply without exactly one question");
	qn = dns_expand(pkt, len, DNS_HDR_LEN, &used);
	off = DNS_HDR_LEN + used;
	if (qn == NULL || off + 4 > len) {
		mem_free(qn);
		return dns_fail(qname, qtype, "malformed question section");
	}
	if (strcasecmp(qn, qname) != 0 || (int)dns_get16(pkt + off) != qtype ||
	    dns_get16(pkt + off + 2) != 1) {
		mem_free(qn);
		return dns_fail(qname, qtype, "reply is for another question");
	}
	mem_free(qn);
	off += 4;
	if (rcode == 2)
		return dns_fail_kind(qname, qtype, "server failure (SERVFAIL)",
		    DNS_FAIL_SERVFAIL);
	if (rcode == 5)
		return dns_fail_kind(qname, qtype, "query refused (REFUSED)",
		    DNS_FAIL_REFUSED);
	if (rcode != 0 && rcode != 3)
		return dns_fail(qname, qtype, "server returned an error code");
	if (flags & 0x0200)
		return dns_fail(qname, qtype, "truncated reply");

	cap = (size_t)dns_get16(pkt + 6) + dns_get16(pkt + 8);
	if (cap > DNS_RR_MAX)
		cap = DNS_RR_MAX;
	rrs = mem_calloc(cap ? cap : 1, sizeof(*rrs));
	nans = nall = 0;
	why = NULL;
	canon = NULL;
	a = NULL;
	off = dns_walk_rrs(pkt, len, off, dns_get16(pkt + 6), rrs, &nans, cap);
	nall = nans;
	if (off != 0)
		off = dns_walk_rrs(pkt, len, off, dns_get16(pkt + 8), rrs,
		    &nall, cap);
	if (off == 0) {
		why = "malformed resource record";
		goto done;
	}
	ttl_min = UINT32_MAX;
	canon = dns_follow_cnames(pkt, len, rrs, nans, qname, qtype, &ttl_min,
	    &why);
	if (canon == NULL)
		goto done;

	a = mem_calloc(1, sizeof(*a));
	atomic_init(&a->refs, 1);
	a->type = qtype;
	a->name = mem_strdup(qname);
	a->canon = canon;
	canon = NULL;
	a->rr = mem_calloc(nans ? nans : 1, sizeof(dns_rr));
	for (i = 0; rcode == 0 && i < nans; i++) {
		if (rrs[i].type != qtype || strcmp(rrs[i].owner, a->canon) != 0)
			continue;
		if (dns_decode_rr(pkt, len, &rrs[i], &a->rr[a->count]) != 0) {
			why = "malformed record data";
			goto done;
		}
		if (rrs[i].ttl < ttl_min)
			ttl_min = rrs[i].ttl;
		a->count++;
	}
	if (rcode == 3)
		a->status = DNS_NXDOMAIN;
	else
		a->status = a->count > 0 ? DNS_OK : DNS_NODATA;
	if (a->status != DNS_OK) {
		/* negative answers are cached only with an SOA to say how
		 * long; a reply that ends in an unresolved CNAME keeps the
		 * CNAME's TTL, for the resolver that chases it */
		neg = strcmp(a->canon, qname) != 0 ? ttl_min : 0;
		for (i = nans; i < nall; i++)
			if (rrs[i].type == DNS_T_SOA) {
				neg = dns_soa_negative_ttl(pkt, len, &rrs[i]);
				break;
			}
		if (neg < ttl_min)
			ttl_min = neg;
	}
	a->ttl = ttl_min == UINT32_MAX ? 0 : ttl_min;

done:
	for (i = 0; i < nall; i++)
		mem_free(rrs[i].owner);
	mem_free(rrs);
	mem_free(canon);
	if (why != NULL) {
		dns_answer_unref(a);
		return dns_fail(qname, qtype, why);
	}
	return a;
}

/* dns_servers_parse - "ip, ip:port, [ipv6]:port" -> c-ares CSV list */
int
dns_servers_parse(const char *list, str *csv, str *err)
{
	unsigned char buf[sizeof(struct in6_addr)];
	const char *p, *end, *close;
	char host[64];
	long port;
	size_t n;
	char *ep;

	str_reset(csv);
	for (end = list; (p = str_next_word(&end, &n)) != NULL; ) {
		port = 53;
		if (*p == '[') {
			close = memchr(p, ']', n);
			if (close == NULL || (size_t)(close - p - 1) >= sizeof(host))
				goto bad;
			memcpy(host, p + 1, (size_t)(close - p - 1));
			host[close - p - 1] = '\0';
			if (inet_pton(AF_INET6, host, buf) != 1)
				goto bad;
			if (close + 1 < end) {
				if (close[1] != ':')
					goto bad;
				port = strtol(close + 2, &ep, 10);
				if (ep != end || close + 2 == end)
					goto bad;
			}
			if (port < 1 || port > 65535)
				goto bad;
			str_appendf(csv, "%s[%s]:%ld", csv->len ? "," : "",
			    host, port);
			continue;
		}
		if (n >= sizeof(host))
			goto bad;
		memcpy(host, p, n);
		host[n] = '\0';
		if (inet_pton(AF_INET6, host, buf) == 1) {
			str_appendf(csv, "%s[%s]:53", csv->len ? "," : "", host);
			continue;
		}
		if ((ep = strchr(host, ':')) != NULL) {
			*ep++ = '\0';
			port = strtol(ep, &ep, 10);
			if (*ep != '\0' || ep == host + strlen(host) + 1)
				goto bad;
		}
		if (inet_pton(AF_INET, host, buf) != 1 || port < 1 ||
		    port > 65535)
			goto bad;
		str_appendf(csv, "%s%s:%ld", csv->len ? "," : "", host, port);
	}
	if (csv->len == 0) {
		str_reset(err);
		str_append(err, "no nameserver given");
		return -1;
	}
	return 0;
bad:
	str_reset(err);
	str_append(err, "bad nameserver \"");
	str_append_printable(err, p, (size_t)(end - p), 80);
	str_append(err, "\": expected ip, ip:port or [ipv6]:port");
	return -1;
}

/* wire_put - append bytes to a reply under construction; 0 if full */
static int
wire_put(unsigned char *buf, size_t size, size_t *pos, const void *p,
    size_t n)
{
	if (*pos + n > size)
		return 0;
	memcpy(buf + *pos, p, n);
	*pos += n;
	return 1;
}

/* wire_u16 - a 16-bit number, network order */
static int
wire_u16(unsigned char *buf, size_t size, size_t *pos, unsigned v)
{
	unsigned char b[2];

	b[0] = (unsigned char)(v >> 8);
	b[1] = (unsigned char)v;
	return wire_put(buf, size, pos, b, 2);
}

/* wire_name - a domain name as labels */
static int
wire_name(unsigned char *buf, size_t size, size_t *pos, const char *name)
{
	const char *p, *dot;
	unsigned char len;

	for (p = name; *p != '\0'; p = *dot ? dot + 1 : dot) {
		dot = strchr(p, '.');
		if (dot == NULL)
			dot = p + strlen(p);
		if (dot - p == 0 || dot - p > 63)
			return 0;
		len = (unsigned char)(dot - p);
		if (!wire_put(buf, size, pos, &len, 1) ||
		    !wire_put(buf, size, pos, p, len))
			return 0;
	}
	len = 0;
	return wire_put(buf, size, pos, &len, 1);
}

/* wire_rdata - one record's data, with its length in front */
static int
wire_rdata(unsigned char *buf, size_t size, size_t *pos, const dns_rr *rr)
{
	size_t lenpos, start, off, n;
	unsigned char slen;

	lenpos = *pos;
	if (!wire_u16(buf, size, pos, 0))
		return 0;
	start = *pos;
	switch (rr->type) {
	case DNS_T_TXT:
	case DNS_T_SPF:
		/* character-strings of at most 255 bytes each */
		for (off = 0; off < rr->u.txt.len || off == 0; off += n) {
			n = rr->u.txt.len - off > 255 ? 255 : rr->u.txt.len - off;
			slen = (unsigned char)n;
			if (!wire_put(buf, size, pos, &slen, 1) ||
			    !wire_put(buf, size, pos, rr->u.txt.data + off, n))
				return 0;
			if (n == 0)
				break;
		}
		break;
	case DNS_T_A:
		if (!wire_put(buf, size, pos, &rr->u.a, 4))
			return 0;
		break;
	case DNS_T_AAAA:
		if (!wire_put(buf, size, pos, &rr->u.aaaa, 16))
			return 0;
		break;
	case DNS_T_MX:
		if (!wire_u16(buf, size, pos, rr->u.mx.pref) ||
		    !wire_name(buf, size, pos, rr->u.mx.host))
			return 0;
		break;
	default:
		return 0;
	}
	n = *pos - start;
	buf[lenpos] = (unsigned char)(n >> 8);
	buf[lenpos + 1] = (unsigned char)n;
	return 1;
}

/* dns_answer_wire - a raw reply for a library that parses its own */
long
dns_answer_wire(const dns_answer *a, const char *qname, int qtype,
    unsigned char *buf, size_t size)
{
	static const unsigned char hdr_ok[] = {
		0, 0, 0x81, 0x80, 0, 1	/* id 0, QR RD RA, QDCOUNT 1 */
	};
	size_t pos, i, count;
	unsigned char ttl[4];

	if (a->status == DNS_TEMPFAIL || a->status == DNS_ERROR)
		return -1;
	pos = 0;
	count = 0;
	for (i = 0; a->status == DNS_OK && i < a->count; i++)
		if (a->rr[i].type == qtype)
			count++;
	if (!wire_put(buf, size, &pos, hdr_ok, sizeof(hdr_ok)) ||
	    !wire_u16(buf, size, &pos, (unsigned)count) ||
	    !wire_u16(buf, size, &pos, 0) || !wire_u16(buf, size, &pos, 0) ||
	    !wire_name(buf, size, &pos, qname) ||
	    !wire_u16(buf, size, &pos, (unsigned)qtype) ||
	    !wire_u16(buf, size, &pos, 1))
		return -1;
	if (a->status == DNS_NXDOMAIN)
		buf[3] |= 3;			/* rcode NXDOMAIN */
	for (i = 0; count > 0 && i < a->count; i++) {
		if (a->rr[i].type != qtype)
			continue;
		ttl[0] = (unsigned char)(a->rr[i].ttl >> 24);
		ttl[1] = (unsigned char)(a->rr[i].ttl >> 16);
		ttl[2] = (unsigned char)(a->rr[i].ttl >> 8);
		ttl[3] = (unsigned char)a->rr[i].ttl;
		/* owner: a pointer to the question name at offset 12 */
		if (!wire_u16(buf, size, &pos, 0xc00c) ||
		    !wire_u16(buf, size, &pos, (unsigned)qtype) ||
		    !wire_u16(buf, size, &pos, 1) ||
		    !wire_put(buf, size, &pos, ttl, 4) ||
		    !wire_rdata(buf, size, &pos, &a->rr[i]))
			return -1;
	}
	return (long)pos;
}
