/*
 * dns_hint - which lookups the mail of a domain led to lately, so that
 * the next transaction of that domain can start them all at once instead
 * of learning each name from the answer before it: the DKIM keys a
 * sender domain signs with (known only when the signature field arrives,
 * after RCPT), the records of a domain's SPF include/redirect chain
 * (known one level per round trip). A hint, not a cache: it names what
 * to ask, never an answer, so every record still comes from DNS with its
 * own TTL, and a wrong or stale hint costs lookups nobody waits for.
 * Process-wide tables, thread-safe, bounded in slots and names per key.
 *
 *	dns_hint_new(slots, per_key) / dns_hint_free(t) - per_key is at
 *		most DNS_HINT_PER_KEY_MAX.
 *	dns_hint_note(t, key, name, type) - this key's mail led to this
 *		lookup: it becomes the newest, each lookup is kept once, the
 *		oldest goes when per_key are kept.
 *	dns_hint_set(t, key, names, n) - this key's mail led to exactly
 *		these lookups, in this order (the first per_key; n = 0
 *		forgets the key).
 *	dns_hint_recall(t, key, out, max) - up to max of the key's lookups,
 *		newest (or first set) first, copied into out; how many.
 *	dns_hint_start(t, key, hold) - start the key's lookups into a
 *		transaction's hold (dns_hold); how many. An entry of type 0
 *		is a note of the caller's (what the hint was learnt from, a
 *		domain), recalled but never started.
 *	dns_hint_reset(t) - forget everything (tests).
 * Keys and names are compared without case and must be shorter than
 * DNS_HINT_NAME_MAX. A key is placed by a keyed hash of it; one that
 * lands on a taken slot replaces its holder.
 */
#ifndef AUTHGATE_DNS_HINT_H
#define AUTHGATE_DNS_HINT_H

#include <stddef.h>

#include "dns/dns_hold.h"

#define DNS_HINT_NAME_MAX	256	/* a DNS name and its NUL */
#define DNS_HINT_PER_KEY_MAX	16	/* lookups kept per key, at most */

struct dns_hint_name {
	char	name[DNS_HINT_NAME_MAX];
	int	type;
};

typedef struct dns_hint dns_hint;

dns_hint	*dns_hint_new(size_t, size_t);
void		 dns_hint_free(dns_hint *);
void		 dns_hint_note(dns_hint *, const char *, const char *, int);
void		 dns_hint_set(dns_hint *, const char *,
		    const struct dns_hint_name *, size_t);
size_t		 dns_hint_recall(dns_hint *, const char *,
		    struct dns_hint_name *, size_t);
size_t		 dns_hint_start(dns_hint *, const char *, dns_hold *);
void		 dns_hint_reset(dns_hint *);

#endif
