/*
 * dns_mem - in-memory zone data answering like an authoritative server,
 * the backend of dns_resolver_create_mem(). Tests, conformance harnesses
 * and the offline tools use it to run checks without a network.
 *
 *	dns_mem_create(), dns_mem_free(m)
 *	dns_mem_add(m, name, type, rdata, err) - one record from text:
 *		A/AAAA an address, MX "pref host", PTR/CNAME/NS a host name,
 *		TXT/SPF the exact text (one string). -1 and err if unparsable.
 *	dns_mem_add_txt(m, name, type, data, len) - TXT/SPF bytes as is.
 *	dns_mem_add_mx(m, name, pref, host) - an MX record, any host text
 *		(even "" or a malformed name: tests need them).
 *	dns_mem_set_fault(m, name, type, status) - answer name/type (type 0:
 *		every type) with a DNS_TEMPFAIL or DNS_ERROR status, e.g. to
 *		stand for a timeout.
 *	dns_mem_set_ttl(m, ttl) - TTL of every answer (default 300).
 *	dns_mem_lookups(m) - how many lookups reached the zone data.
 *	dns_mem_hold(m) - keep later lookups unanswered, as if their
 *		answers were on their way, to see what waits for them;
 *		dns_mem_held(m) counts them; dns_mem_release(m) answers them
 *		and every later one at once again (a resolver released
 *		first answers them itself, as backends must).
 * Names that own no record but have records below them are empty
 * non-terminals (NODATA), as in real DNS; CNAMEs are followed.
 */
#ifndef AUTHGATE_DNS_MEM_H
#define AUTHGATE_DNS_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "util/str.h"
#include "dns/dns.h"

dns_mem		*dns_mem_create(void);
void		 dns_mem_free(dns_mem *);
int		 dns_mem_add(dns_mem *, const char *, int, const char *, str *);
void		 dns_mem_add_txt(dns_mem *, const char *, int, const char *,
		    size_t);
void		 dns_mem_add_mx(dns_mem *, const char *, unsigned, const char *);
void		 dns_mem_set_fault(dns_mem *, const char *, int,
		    enum dns_status);
void		 dns_mem_set_ttl(dns_mem *, uint32_t);
unsigned long	 dns_mem_lookups(dns_mem *);
void		 dns_mem_hold(dns_mem *);
size_t		 dns_mem_held(dns_mem *);
size_t		 dns_mem_release(dns_mem *);

#endif
