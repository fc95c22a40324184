/*
 * limits - temporary blocks after repeated refusals and rate limits,
 * over the shared store (state/): the keys of a transaction (client IP,
 * login, account, sender domain), one store round trip to read their
 * blocks and count the message against their limits, and one to count
 * a refusal.
 *
 *	limits_check(st, cfg, in, now, what, out) - at the first recipient
 *		the verdict accepts: is any key blocked (what has
 *		LIMITS_BLOCKS); does one message (and in->rcpts recipients)
 *		fit every limit of the keys (LIMITS_RATES: an exempt sender
 *		is neither refused nor counted). A message
 *		that fits is counted; one that does not is not. out->blocked
 *		/ out->over say what stops it, out->store_error when the
 *		store failed (the caller's policy decides). 0, -1 store error.
 *		out->rcpt_room is how many more recipients fit (UINT_MAX: no
 *		recipients limit) and rcpt_key.. the limit that sets it.
 *	limits_rcpt_over(out) - one more recipient than rcpt_room: the
 *		outcome says so (rcpt_over, for that recipient alone), in the
 *		words of that limit.
 *	limits_add_rcpts(st, cfg, in, now, n) - n more recipients of the
 *		same message (counted, never refused: the limit was checked
 *		with the local count).
 *	limits_refusal(st, cfg, in, now, reason, out) - a transaction was
 *		refused (reason: the log's words): count it for each block
 *		key; a key that reaches cfg->block_refusals in the window is
 *		blocked for block_duration. out (may be NULL) gets the first
 *		block that started or is in force.
 *	limits_key(kind, value, out) - the store key "login:bob": values
 *		are cut at LIMITS_VALUE_MAX bytes, white space, control
 *		bytes and '%' written as %XX (so keys are one printable word
 *		an admin can type to lift a block).
 *	limit_outcome_clear(out)
 *	limits_kind_parse(words, &bits, err) - "ip login account
 *		sender_domain" -> a bit per kind; limits_kind_names[] the words.
 *	limits_rate_parse(text, &rule, err) - "100/1h" -> count and window.
 * Windows slide (state.h: two-bucket estimate), so a burst at the end of
 * one window and the start of the next is still one window's worth.
 */
#ifndef AUTHGATE_LIMITS_H
#define AUTHGATE_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "util/str.h"
#include "state/state.h"

enum limit_kind {
	LIMIT_IP, LIMIT_LOGIN, LIMIT_ACCOUNT, LIMIT_SENDER_DOMAIN
};
#define LIMIT_KIND_COUNT	(LIMIT_SENDER_DOMAIN + 1)
#define LIMITS_VALUE_MAX	320

struct rate_rule {
	unsigned	 count;		/* 0: no limit */
	int64_t		 window_ms;
};

/* the limits of one key kind; per-account overrides replace the login
 * and account limits of that account's senders */
struct rate_limits {
	struct rate_rule messages;
	struct rate_rule recipients;
};

struct rate_override {
	char			*account;
	struct rate_limits	 limits;
};

struct limits_cfg {
	unsigned		 block_kinds;	/* bit per kind; 0: off */
	unsigned		 block_refusals;
	int64_t			 block_window_ms;
	int64_t			 block_duration_ms;
	struct rate_limits	 rate[LIMIT_KIND_COUNT];
	struct rate_override	*overrides;
	size_t			 noverrides;
};

/* the keys of one transaction (NULL: that kind does not apply) */
struct limits_input {
	const char	*value[LIMIT_KIND_COUNT];
	unsigned	 rcpts;		/* recipients to count now */
};

struct limit_outcome {
	int		 checked;
	int		 store_error;
	char		*error;		/* why the store failed */
	int		 blocked;
	char		*block_key;	/* "login:bob" */
	struct state_block block;
	int		 over;		/* the message is over a limit */
	int		 rcpt_over;	/* this recipient is (the caller
					 * clears it after answering it) */
	char		*rate_key;	/* "account:acme" */
	const char	*rate_what;	/* "messages", "recipients" */
	unsigned	 limit;
	unsigned	 count;
	int64_t		 window_ms;
	int64_t		 retry_ms;	/* wall clock, ms */
	unsigned	 rcpt_room;	/* recipients that still fit */
	char		*rcpt_key;	/* the tightest recipients limit */
	unsigned	 rcpt_limit;
	unsigned	 rcpt_count;	/* counted before this message */
	int64_t		 rcpt_window_ms;
};

#define LIMITS_BLOCKS	1	/* limits_check: read the blocks */
#define LIMITS_RATES	2	/* and count the rates */

int	 limits_check(state_store *, const struct limits_cfg *,
	    const struct limits_input *, int64_t, unsigned,
	    struct limit_outcome *);
void	 limits_add_rcpts(state_store *, const struct limits_cfg *,
	    const struct limits_input *, int64_t, unsigned);
int	 limits_refusal(state_store *, const struct limits_cfg *,
	    const struct limits_input *, int64_t, const char *,
	    struct state_block *);
void	 limits_key(enum limit_kind, const char *, str *);
void	 limits_rcpt_over(struct limit_outcome *);
void	 limit_outcome_clear(struct limit_outcome *);
int	 limits_kind_parse(const char *, unsigned *, str *);
int	 limits_rate_parse(const char *, struct rate_rule *, str *);
void	 limits_cfg_free(struct limits_cfg *);
int	 limits_rate_enabled(const struct limits_cfg *);
extern const char *const limits_kind_names[];

#endif
