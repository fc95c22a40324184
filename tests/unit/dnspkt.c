/*
 * dnspkt - DNS packet builder for tests; see dnspkt.h.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "dnspkt.h"

/* put16 - big-endian 16 bits */
static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* dnspkt_name - encode a dotted name */
size_t
dnspkt_name(unsigned char *out, const char *name)
{
	const char *dot;
	size_t n, len;

	len = 0;
	while (*name != '\0') {
		dot = strchr(name, '.');
		n = dot != NULL ? (size_t)(dot - name) : strlen(name);
		out[len++] = (unsigned char)n;
		memcpy(out + len, name, n);
		len += n;
		name += n;
		if (*name == '.')
			name++;
	}
	out[len++] = 0;
	return len;
}

/* dnspkt_init - header and question */
void
dnspkt_init(struct dnspkt *p, unsigned id, const char *qname, int qtype,
    int rcode)
{
	memset(p, 0, sizeof(*p));
	put16(p->buf, id);
	put16(p->buf + 2, 0x8180 | (unsigned)rcode);	/* QR RD RA */
	p->len = 12;
	p->len += dnspkt_name(p->buf + p->len, qname);
	put16(p->buf + p->len, (unsigned)qtype);
	put16(p->buf + p->len + 2, 1);
	p->len += 4;
	p->counts[0] = 1;
	dnspkt_finish(p);
}

/* dnspkt_rr - append a resource record */
void
dnspkt_rr(struct dnspkt *p, int section, const char *owner, int type,
    uint32_t ttl, const void *rdata, size_t rdlen)
{
	p->len += dnspkt_name(p->buf + p->len, owner);
	put16(p->buf + p->len, (unsigned)type);
	put16(p->buf + p->len + 2, 1);
	p->buf[p->len + 4] = (unsigned char)(ttl >> 24);
	p->buf[p->len + 5] = (unsigned char)(ttl >> 16);
	p->buf[p->len + 6] = (unsigned char)(ttl >> 8);
	p->buf[p->len + 7] = (unsigned char)ttl;
	put16(p->buf + p->len + 8, (unsigned)rdlen);
	p->len += 10;
	memcpy(p->buf + p->len, rdata, rdlen);
	p->len += rdlen;
	p->counts[section]++;
	dnspkt_finish(p);
}

/* dnspkt_finish - write the section counts */
void
dnspkt_finish(struct dnspkt *p)
{
	int i;

	for (i = 0; i < 4; i++)
		put16(p->buf + 4 + 2 * i, p->counts[i]);
}

/* dnspkt_txt - TXT rdata from strings, NULL-terminated list */
size_t
dnspkt_txt(unsigned char *out, ...)
{
	va_list ap;
	const char *s;
	size_t len, n;

	len = 0;
	va_start(ap, out);
	while ((s = va_arg(ap, const char *)) != NULL) {
		n = strlen(s);
		out[len++] = (unsigned char)n;
		memcpy(out + len, s, n);
		len += n;
	}
	va_end(ap);
	return len;
}

/* dnspkt_soa - SOA rdata with the given MINIMUM */
size_t
dnspkt_soa(unsigned char *out, uint32_t minimum)
{
	size_t len;
	int i;
	uint32_t v[5] = { 1, 3600, 600, 86400, 0 };

	v[4] = minimum;
	len = dnspkt_name(out, "ns.example");
	len += dnspkt_name(out + len, "hostmaster.example");
	for (i = 0; i < 5; i++) {
		out[len++] = (unsigned char)(v[i] >> 24);
		out[len++] = (unsigned char)(v[i] >> 16);
		out[len++] = (unsigned char)(v[i] >> 8);
		out[len++] = (unsigned char)v[i];
	}
	return len;
}
