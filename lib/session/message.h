/*
 * message - the checks of one message's content, fed as the MTA hands it
 * over: the From: field (the author domain DMARC is about), DKIM
 * verification, the ARC chain, and the DMARC check at the end. Every
 * lookup starts as soon as its name is known: a DKIM or ARC key when its
 * signature field arrives, the DMARC records when From: arrives.
 *
 *	message_new(cfg) - a checker for one message; cfg says which checks
 *		run (NULL engines: that check is off) and the resolver; a
 *		cfg.hold (the transaction's, with the lookups the session
 *		started at MAIL) is used for the DKIM keys and the DMARC
 *		records and left to its owner, else the message holds its
 *		lookups itself.
 *	message_header(m, name, value, len) - one header field; value as in
 *		the message, after the colon (leading space included).
 *	message_body(m, chunk, len) - body bytes; 0 when no check needs
 *		more (the milter can then tell the MTA to skip the rest).
 *	message_verify(m) - the message is complete: verify its DKIM
 *		signatures and ARC chain now (they need no other check's
 *		result, so this can run while those are awaited); once, and
 *		message_end does it when it was not done.
 *	message_end(m, spf_mailfrom, facts) - finish, once: DKIM results, the ARC
 *		chain, the From: verdict (exactly one field with one author
 *		domain, else facts->from_error in plain words), and the DMARC
 *		result (using the MAIL FROM SPF result and the DKIM results)
 *		go into facts; when DMARC failed and the chain passed, the
 *		newest set of a trusted sealer whose ARC-Authentication-Results
 *		saw the From: domain pass (dmarc=pass with that header.from,
 *		or an SPF or DKIM pass aligned with it) is facts->arc_sealer.
 *		facts point into m, which must outlive their use.
 *	message_seal(m, p, out, why) - our ARC set over the message as it
 *		came (arc_seal; cfg.arc_keep must have been set): 1 and the
 *		fields, 0 when none may be added, -1 on an error (why).
 *	message_author(m) - the mailboxes of the one From: field, once it
 *		has arrived and parsed (NULL before, or when there are none,
 *		several fields or a field we cannot read).
 *	message_author_problem(m, why) - why message_author() is NULL, the
 *		words after "the From: field" ("appears 2 times"); nothing
 *		when it is not.
 *	message_free(m)
 * Pure of libmilter; blocking only inside message_verify and message_end
 * (DNS answers that have not arrived yet, bounded by the checks'
 * timeouts).
 */
#ifndef AUTHGATE_MESSAGE_H
#define AUTHGATE_MESSAGE_H

#include <stddef.h>

#include "dns/dns.h"
#include "mail/domlist.h"
#include "mail/from_header.h"
#include "arc/arc_seal.h"
#include "spf/spf.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "verdict/facts.h"

#define MESSAGE_FROM_MAX	16384	/* a From: field longer than this
					 * is refused, not parsed */

struct message_cfg {
	dns_resolver		*resolver;
	dkim_engine		*dkim;		/* NULL: no DKIM */
	dmarc_engine		*dmarc;		/* NULL: no DMARC (nor From:) */
	int			 dmarc_timeout_ms;
	int			 arc;		/* validate ARC chains */
	int			 arc_keep;	/* keep what a seal covers */
	int			 arc_timeout_ms;
	const domlist		*arc_trusted_sealers;	/* NULL: none */
	dns_hold		*hold;		/* the transaction's early
						 * lookups (NULL: its own) */
};

typedef struct message message;

message	*message_new(const struct message_cfg *);
void	 message_header(message *, const char *, const char *, size_t);
int	 message_body(message *, const unsigned char *, size_t);
void	 message_verify(message *);
void	 message_end(message *, const struct spf_outcome *, struct facts *);
const struct from_list *message_author(const message *);
void	 message_author_problem(const message *, str *);
int	 message_seal(message *, const struct arc_seal_params *,
	    struct arc_sealed *, str *);
void	 message_free(message *);

#endif
