/*
 * dns_metrics - what the resolver did, for the metrics endpoint: lookups
 * by query type and how they were served (cache, joined to one in
 * flight, sent to the servers, not askable), answers from the servers by
 * result (ok, nxdomain, nodata, timeout, servfail, refused, unreachable,
 * bad_reply, error) and how long the servers took. Process-wide, so the
 * counts go on across configuration reloads (each builds a resolver).
 *
 *	dns_metrics_lookup(type, how) - one dns_query_start.
 *	dns_metrics_answer(a, us) - a server's answer (or failure) after us
 *		microseconds.
 *	dns_metrics_write(out) - the families in Prometheus text format.
 *	dns_metrics_lookups(type, how) - a count, for tests.
 */
#ifndef AUTHGATE_DNS_METRICS_H
#define AUTHGATE_DNS_METRICS_H

#include <stdint.h>

#include "util/str.h"
#include "dns/dns.h"

enum dns_served {
	DNS_SERVED_CACHE, DNS_SERVED_MERGED, DNS_SERVED_SENT,
	DNS_SERVED_INVALID
};
#define DNS_SERVED_COUNT	(DNS_SERVED_INVALID + 1)

void		 dns_metrics_lookup(int, enum dns_served);
void		 dns_metrics_answer(const dns_answer *, int64_t);
void		 dns_metrics_write(str *);
unsigned long	 dns_metrics_lookups(int, enum dns_served);

#endif
