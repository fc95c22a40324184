/*
 * verdict_sender - the words of a refusal for the sending-side checks:
 * a domain's lockdown record that does not list this relay or sender, a
 * login using an address it does not own, a temporary block, a rate
 * limit, a counter store that cannot be reached. Each says what was
 * found, who the sender is (login, account, sender ID) and the exact
 * fix, down to the TXT record to change.
 *
 *	verdict_explain_lockdown(outcome, from, facts, v)
 *	verdict_explain_login(outcome, from, facts, v)
 *	verdict_explain_block(facts, v)
 *	verdict_explain_rate(facts, v)
 *	verdict_explain_state(facts, v)
 *	verdict_key_words(key, s) - "login:bob" as "login bob".
 *	verdict_time(ms, s) - a wall-clock time, "2026-12-05 01:30:00 UTC".
 *	verdict_duration(ms, s) - "30 minutes", "1 hour", "45 seconds".
 */
#ifndef AUTHGATE_VERDICT_SENDER_H
#define AUTHGATE_VERDICT_SENDER_H

#include <stdint.h>

#include "util/str.h"
#include "sender/identity.h"
#include "sender/lockdown.h"
#include "verdict/facts.h"
#include "verdict/verdict_reply.h"

void	verdict_explain_lockdown(const struct lockdown_outcome *, int,
	    const struct facts *, struct verdict *);
void	verdict_explain_login(const struct binding_outcome *, int,
	    const struct facts *, struct verdict *);
void	verdict_explain_block(const struct facts *, struct verdict *);
void	verdict_explain_rate(const struct facts *, struct verdict *);
void	verdict_explain_state(const struct facts *, struct verdict *);
void	verdict_key_words(const char *, str *);
void	verdict_time(int64_t, str *);
void	verdict_duration(int64_t, str *);

#endif
