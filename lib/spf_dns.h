/*
 * spf_dns - libspf2's DNS layer on top of our resolver, so that SPF never
 * falls back to libresolv.
 *
 *	spf_dns_layer_create() - the SPF_dns_server_t handed to
 *		SPF_server_new_dns(); one for the whole process.
 *	spf_dns_layer_free(layer)
 *	spf_dns_begin(ctx) / spf_dns_end() - bracket one SPF evaluation on
 *		this thread. libspf2 evaluates synchronously and its layer has
 *		no per-request pointer, so the evaluation's context (resolver,
 *		deadline, counters) travels in a thread-local variable.
 *
 * With ctx->cache_only, a lookup the cache cannot answer sets ctx->missed
 * and fails (the caller discards that evaluation and runs it again with
 * real DNS in the background).
 * Every lookup returns a record set, never NULL (libspf2 aborts on NULL).
 * A lookup after the deadline, a timeout or a SERVFAIL is TRY_AGAIN, which
 * libspf2 turns into temperror; the first such failure is kept in
 * ctx->dns_error for the reply and the log.
 */
#ifndef AUTHGATE_SPF_DNS_H
#define AUTHGATE_SPF_DNS_H

#include <stdint.h>

#include "dns.h"
#include "str.h"

struct spf_dns_ctx {
	dns_resolver	*resolver;
	int64_t		 deadline;
	int		 cache_only;	/* answer from the cache or give up */
	int		 missed;	/* a cache_only lookup was not cached */
	unsigned	 lookups;	/* DNS lookups made */
	unsigned	 tempfails;	/* of which failed temporarily */
	str		 dns_error;	/* the first failure, plain words */
};

struct SPF_dns_server_struct;

struct SPF_dns_server_struct *spf_dns_layer_create(void);
void	spf_dns_layer_free(struct SPF_dns_server_struct *);
void	spf_dns_begin(struct spf_dns_ctx *);
void	spf_dns_end(void);

#endif
