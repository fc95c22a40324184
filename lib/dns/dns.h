/*
 * dns - the one resolver API of authgate. Every check asks DNS through it;
 * no module calls libresolv on its own.
 *
 * Answers (dns_answer) are typed and immutable once built, so the shared
 * cache and any number of threads can hold the same one; they are
 * reference counted (dns_answer_ref/dns_answer_unref).
 *	status	DNS_OK (records in rr[]), DNS_NXDOMAIN, DNS_NODATA,
 *		DNS_TEMPFAIL (SERVFAIL, REFUSED, timeout, unusable answer:
 *		try later), DNS_ERROR (the question itself cannot be asked,
 *		e.g. a malformed name).
 *	ttl	how long the answer may be reused, in seconds (positive
 *		answers: smallest RR TTL incl. CNAMEs; negative answers: from
 *		the SOA per RFC 2308; 0: do not cache).
 *	error	plain-words reason for TEMPFAIL/ERROR, otherwise NULL.
 *
 * Resolving (dns_resolver.c; the constructors are the backends'):
 *	dns_resolver_create(opts, err) - c-ares backed resolver (one
 *		resolver thread owns the c-ares channel, see dns_ares.c) with
 *		the shared cache. NULL and a message in err on bad options.
 *	dns_resolver_create_mem(mem, opts) - resolver answering from an
 *		in-memory zone set (dns_mem.c), for tests and tools.
 *	dns_resolver_ref/unref - shared by config snapshots; the last unref
 *		stops the backend and frees everything.
 *	dns_query_start(r, name, type) - start a lookup and return at once;
 *		identical lookups in flight are merged (while the one in
 *		flight is younger than 300 ms: an older one may be lost, and
 *		a new lookup asks again), cache hits complete
 *		immediately.
 *	dns_query_wait(q, deadline) - the answer (a new reference, never
 *		NULL); DNS_TEMPFAIL if the deadline passes first (the lookup
 *		goes on and still fills the cache).
 *	dns_query_ready(q) - has the answer arrived (no waiting): lets a
 *		caller start follow-up lookups early.
 *	dns_query_free(q) - forget a started query (it may still complete).
 *	dns_lookup(r, name, type, deadline) - start + wait + free.
 *	dns_prefetch(r, name, type) - start and forget: warms the cache.
 *	dns_cached(r, name, type) - the answer if the cache has it (or the
 *		name cannot be asked: DNS_ERROR), else NULL; never any I/O.
 *	dns_resolver_stats(r, st) - counters for logs and tests.
 *
 * Helpers (dns_answer.c): dns_answer_parse() builds an answer from a wire
 * format reply, validating that it answers the question asked;
 * dns_answer_wire() does the reverse for libraries that want raw replies
 * (libopendkim): the question and the TXT/A/AAAA/MX records of an OK
 * answer, NXDOMAIN as rcode 3, NODATA as an empty answer; the reply
 * length, or -1 if it does not fit (or the answer is a failure);
 * dns_rr_copy()/dns_rr_clear() deep-copy and release one record;
 * dns_addr_type(family) is the record type of a client's addresses
 * (A for AF_INET, else AAAA);
 * dns_name_normalize() lower-cases and checks a name for lookup (length
 * and label limits; any byte but control characters and "\\");
 * dns_servers_parse() turns "ip, ip:port, [ipv6]:port" into the c-ares
 * server list.
 */
#ifndef AUTHGATE_DNS_H
#define AUTHGATE_DNS_H

#include <netinet/in.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "util/str.h"

enum dns_type {
	DNS_T_A = 1, DNS_T_NS = 2, DNS_T_CNAME = 5, DNS_T_SOA = 6,
	DNS_T_PTR = 12, DNS_T_MX = 15, DNS_T_TXT = 16, DNS_T_AAAA = 28,
	DNS_T_SPF = 99
};

enum dns_status {
	DNS_OK, DNS_NXDOMAIN, DNS_NODATA, DNS_TEMPFAIL, DNS_ERROR
};

/* why a lookup failed, for the metrics (the error text says it in words) */
enum dns_fail {
	DNS_FAIL_OTHER, DNS_FAIL_TIMEOUT, DNS_FAIL_SERVFAIL,
	DNS_FAIL_REFUSED, DNS_FAIL_UNREACHABLE, DNS_FAIL_BAD_REPLY
};

#define DNS_NAME_MAX	253
#define DNS_CNAME_DEPTH	8

typedef struct dns_rr {
	int		 type;
	uint32_t	 ttl;
	union {
		struct in_addr	 a;
		struct in6_addr	 aaaa;
		struct {
			unsigned	 pref;
			char		*host;
		} mx;
		char		*name;		/* PTR, CNAME, NS */
		struct {
			char		*data;	/* strings joined, NUL added */
			size_t		 len;	/* may hold NUL bytes */
		} txt;
	} u;
} dns_rr;

typedef struct dns_answer {
	enum dns_status	 status;
	int		 type;
	char		*name;		/* normalized question name */
	char		*canon;		/* owner after CNAMEs */
	uint32_t	 ttl;
	size_t		 count;
	dns_rr		*rr;
	char		*error;
	enum dns_fail	 fail;		/* TEMPFAIL: the kind of failure */
	atomic_int	 refs;
} dns_answer;

struct dns_options {
	const char	*servers;	/* NULL or "" = /etc/resolv.conf */
	int		 timeout_ms;	/* per try */
	int		 tries;
	size_t		 cache_size;	/* entries; 0 disables caching */
	uint32_t	 cache_max_ttl;
	uint32_t	 cache_max_negative_ttl;
};

struct dns_stats {
	unsigned long	 queries;	/* dns_query_start calls */
	unsigned long	 cache_hits;
	unsigned long	 merged;	/* joined a lookup in flight */
	unsigned long	 sent;		/* handed to the backend */
	unsigned long	 tempfail;
	size_t		 cache_entries;
};

typedef struct dns_resolver dns_resolver;
typedef struct dns_query dns_query;
typedef struct dns_mem dns_mem;

/* dns_answer.c */
dns_answer	*dns_answer_new(const char *, int, enum dns_status,
		    const char *);
dns_answer	*dns_answer_parse(const char *, int, const unsigned char *,
		    size_t);
long		 dns_answer_wire(const dns_answer *, const char *, int,
		    unsigned char *, size_t);
dns_answer	*dns_answer_ref(dns_answer *);
void		 dns_answer_unref(dns_answer *);
void		 dns_rr_clear(dns_rr *);
void		 dns_rr_copy(dns_rr *, const dns_rr *);
const char	*dns_status_name(enum dns_status);
const char	*dns_type_name(int);
int		 dns_addr_type(int);
int		 dns_name_normalize(const char *, str *, const char **);
int		 dns_servers_parse(const char *, str *, str *);

/* dns_ares.c, dns_mem.c: a resolver over each backend */
dns_resolver	*dns_resolver_create(const struct dns_options *, str *);
dns_resolver	*dns_resolver_create_mem(dns_mem *,
		    const struct dns_options *);

/* dns_resolver.c */
dns_resolver	*dns_resolver_ref(dns_resolver *);
void		 dns_resolver_unref(dns_resolver *);
dns_query	*dns_query_start(dns_resolver *, const char *, int);
dns_answer	*dns_query_wait(dns_query *, int64_t);
int		 dns_query_ready(dns_query *);
void		 dns_query_free(dns_query *);
dns_answer	*dns_lookup(dns_resolver *, const char *, int, int64_t);
void		 dns_prefetch(dns_resolver *, const char *, int);
dns_answer	*dns_cached(dns_resolver *, const char *, int);
void		 dns_resolver_stats(dns_resolver *, struct dns_stats *);

#endif
