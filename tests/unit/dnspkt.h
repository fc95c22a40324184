/*
 * dnspkt - build DNS wire-format replies in tests: well-formed ones and
 * deliberately broken ones (truncated, wrong question, compression loops).
 *
 *	dnspkt_init(p, id, qname, qtype, rcode) - header + question.
 *	dnspkt_rr(p, section, owner, type, ttl, rdata, len) - append an RR to
 *		section 1 (answer) or 2 (authority).
 *	dnspkt_name(buf, name) - encode a name; returns its length.
 *	dnspkt_txt(buf, strings...) - TXT rdata from NULL-terminated strings.
 *	dnspkt_soa(buf, minimum) - SOA rdata.
 */
#ifndef AUTHGATE_TEST_DNSPKT_H
#define AUTHGATE_TEST_DNSPKT_H

#include <stddef.h>
#include <stdint.h>

struct dnspkt {
	unsigned char	 buf[4096];
	size_t		 len;
	unsigned	 counts[4];	/* qd, an, ns, ar */
};

void	dnspkt_init(struct dnspkt *, unsigned, const char *, int, int);
void	dnspkt_rr(struct dnspkt *, int, const char *, int, uint32_t,
	    const void *, size_t);
size_t	dnspkt_name(unsigned char *, const char *);
size_t	dnspkt_txt(unsigned char *, ...);
size_t	dnspkt_soa(unsigned char *, uint32_t);
void	dnspkt_finish(struct dnspkt *);

#endif
