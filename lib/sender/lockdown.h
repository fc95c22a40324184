/*
 * lockdown - domain lockdown on a sending relay: a domain publishes, at
 * <label>.<domain> (default label "_mailchannels", MailChannels' Domain
 * Lockdown, so existing records work unchanged), which relay accounts
 * and senders may send as it: "v=mc1 auth=<relay account>
 * senderid=<account>|x-authuser|<login> sidw=<pattern>". No record: no
 * restriction. "v=mc1" alone: nobody may.
 *
 *	lockdown_start(r, label, domain) - start the TXT lookup as soon as
 *		the domain is known (a name DNS cannot ask, too long, has no
 *		record: none).
 *	lockdown_finish(q, deadline, who, out) - wait for the answer (up to
 *		the deadline) and decide: pass (a field allows the sender:
 *		out->field), fail (a record, no field allows), none (no
 *		lockdown record), temperror (DNS failed or timed out),
 *		permerror (two lockdown records, or a malformed one:
 *		out->error says what). Frees q.
 *	lockdown_evaluate(answer, name, domain, who, out) - the same from an
 *		answer in hand (tests, authgate-check).
 *	lockdown_sender_ids(sender, ids, max) - the sender IDs a senderid=
 *		or sidw= field is compared with (at most max, each to be
 *		mem_free'd; the count): for each of our relay accounts A,
 *		"A|x-authuser|<login>" (with a login), then
 *		"A|x-authsender|<address>".
 *	lockdown_cancel(q), lockdown_outcome_clear(out)
 *	lockdown_result_name(result) - "none", "pass", ...
 */
#ifndef AUTHGATE_LOCKDOWN_H
#define AUTHGATE_LOCKDOWN_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"
#include "sender/identity.h"

enum lockdown_result {
	LOCKDOWNR_NONE, LOCKDOWNR_PASS, LOCKDOWNR_FAIL, LOCKDOWNR_TEMPERROR,
	LOCKDOWNR_PERMERROR
};
#define LOCKDOWNR_COUNT	(LOCKDOWNR_PERMERROR + 1)

/* who asks: this relay's accounts and the sender of the message */
struct lockdown_sender {
	const char *const	*relay_ids;	/* the auth= values we are */
	size_t			 nrelay_ids;
	const struct sender_identity *who;
	const char		*address;	/* the address checked */
};

struct lockdown_outcome {
	int			 checked;
	enum lockdown_result	 result;
	char			*domain;	/* the domain checked */
	char			*name;		/* <label>.<domain> */
	char			*record;	/* as published, printable */
	char			*field;		/* the field that allowed */
	char			*error;		/* temperror, permerror */
	char			*sender_id;	/* the first sender ID compared */
	unsigned		 nfields;	/* the record's fields (0: it
						 * locks the domain) */
};

typedef struct lockdown_lookup lockdown_lookup;

lockdown_lookup	*lockdown_start(dns_resolver *, const char *, const char *);
void		 lockdown_finish(lockdown_lookup *, int64_t,
		    const struct lockdown_sender *, struct lockdown_outcome *);
void		 lockdown_cancel(lockdown_lookup *);
void		 lockdown_evaluate(const dns_answer *, const char *,
		    const char *, const struct lockdown_sender *,
		    struct lockdown_outcome *);
size_t		 lockdown_sender_ids(const struct lockdown_sender *, char **,
		    size_t);
void		 lockdown_outcome_clear(struct lockdown_outcome *);
const char	*lockdown_result_name(enum lockdown_result);
extern const char *const lockdown_result_names[];

#endif
