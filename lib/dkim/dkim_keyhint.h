/*
 * dkim_keyhint - which DKIM keys the mail of an envelope sender domain
 * was signed with lately, so that the next message's key lookups can
 * start at MAIL FROM instead of when its DKIM-Signature field arrives:
 * the field comes only after RCPT is answered, so a key looked up then
 * is a second DNS round trip on a message whose answers have expired
 * from the cache (or with no cache at all). A hint, not a cache: it
 * names what to look up, never an answer, so a wrong or stale hint
 * costs one lookup nobody waits for, and a domain's key records still
 * come from DNS with their own TTLs. Process-wide, thread-safe, bounded.
 *
 *	dkim_keyhint_note(mail_domain, key_name) - mail from this MAIL
 *		FROM domain was signed with this key record
 *		("sel._domainkey.example.com"; session/hints.c says which
 *		signatures count); the newest comes first.
 *	dkim_keyhint_recall(mail_domain, out, max) - up to max key record
 *		names (max <= DKIM_KEYHINT_PER_DOMAIN), newest first, copied
 *		into out; how many.
 *	dkim_keyhint_reset() - forget everything (tests).
 * The table (a dns_hint) has DKIM_KEYHINT_SLOTS entries indexed by a
 * keyed hash of the domain; a domain that lands on a taken slot replaces
 * it.
 */
#ifndef AUTHGATE_DKIM_KEYHINT_H
#define AUTHGATE_DKIM_KEYHINT_H

#include <stddef.h>

#include "dns/dns_hint.h"

#define DKIM_KEYHINT_SLOTS	4096
#define DKIM_KEYHINT_PER_DOMAIN	2
#define DKIM_KEYHINT_NAME_MAX	DNS_HINT_NAME_MAX

void	dkim_keyhint_note(const char *, const char *);
size_t	dkim_keyhint_recall(const char *, char (*)[DKIM_KEYHINT_NAME_MAX],
	    size_t);
void	dkim_keyhint_reset(void);

#endif
