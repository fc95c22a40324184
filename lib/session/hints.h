/*
 * hints - what the next message of a MAIL FROM domain will make us look
 * up once its header is in, learnt from this message's results, so that
 * MAIL starts those lookups (session_message_lookups): the header comes
 * only after RCPT is answered, and a name learnt from it is one more DNS
 * round trip on a message whose answers are not in the cache. Names to
 * ask, never answers; bounded tables (dns_hint), thread-safe.
 *
 *	hints_note(mail_domain, facts) - at the end of a message, from its
 *		results:
 *		- the key of each signature of the domain's own tree (d= the
 *		  domain, above or under it) that passed, and, when SPF
 *		  passed the client for the domain, of each whose key was
 *		  found though it failed (a body a list changed): without
 *		  that condition anyone could push the domain's real hints
 *		  out with made-up signatures (dkim_keyhint keeps two);
 *		- when SPF passed for the domain and DMARC found it aligned
 *		  with the author domain (the same organization), also the
 *		  key of the signature DMARC found aligned, when it passed (a
 *		  sibling: MAIL FROM bounce.example.com, d=mail.example.com),
 *		  and the author domain, for its DMARC records, unless it is
 *		  the domain or above it (the domain's own DMARC prefetch
 *		  asks those: news.example.com is noted, example.com not).
 *		Names outside the domain's organization are never noted: a
 *		sender cannot make us ask a third party's names whenever
 *		another domain sends mail.
 *	hints_authors(mail_domain, out, max) - up to max author domains
 *		noted for the domain (max <= HINTS_AUTHORS_PER_DOMAIN),
 *		newest first; how many.
 *	hints_reset() - forget every hint, the keys' too (tests).
 */
#ifndef AUTHGATE_HINTS_H
#define AUTHGATE_HINTS_H

#include <stddef.h>

#include "dns/dns_hint.h"
#include "verdict/facts.h"

#define HINTS_AUTHORS_SLOTS		4096
#define HINTS_AUTHORS_PER_DOMAIN	2

void	hints_note(const char *, const struct facts *);
size_t	hints_authors(const char *, struct dns_hint_name *, size_t);
void	hints_reset(void);

#endif
