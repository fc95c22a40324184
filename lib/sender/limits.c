/*
 * limits - temporary blocks and rate limits over the store; see limits.h.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/str.h"
#include "state/state.h"
#include "sender/limits.h"

#define LIMITS_RULES	(LIMIT_KIND_COUNT * 2)	/* messages, recipients */
#define LIMITS_COUNT_MAX 10000000u		/* a limit's largest count */

const char *const limits_kind_names[] = {
	"ip", "login", "account", "sender_domain", NULL
};

/* limits_key - "kind:value" with the value made one printable word */
void
limits_key(enum limit_kind kind, const char *value, str *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, n = strlen(value);
	unsigned char c;

	str_appendf(out, "%s:", limits_kind_names[kind]);
	if (n > LIMITS_VALUE_MAX)
		n = LIMITS_VALUE_MAX;
	for (i = 0; i < n; i++) {
		c = (unsigned char)value[i];
		if (c <= ' ' || c == 0x7f || c == '%') {
			str_append_c(out, '%');
			str_append_c(out, hex[c >> 4]);
			str_append_c(out, hex[c & 15]);
		} else
			str_append_c(out, c);
	}
}

/* limits_kind_parse - "ip login account sender_domain" */
int
limits_kind_parse(const char *text, unsigned *bits, str *err)
{
	const char *p = text, *w;
	size_t n;
	int i;
	str word;

	*bits = 0;
	while ((w = str_next_word(&p, &n)) != NULL) {
		str_init(&word);
		str_append_n(&word, w, n);
		i = str_word_index(limits_kind_names, LIMIT_KIND_COUNT,
		    str_cstr(&word));
		if (i < 0) {
			str_append(err, "\"");
			str_append_printable(err, w, n, 40);
			str_append(err, "\" is not one of ip, login, account, "
			    "sender_domain");
			str_free(&word);
			return -1;
		}
		*bits |= 1u << i;
		str_free(&word);
	}
	return 0;
}

/* limits_rate_parse - "100/1h", "5/30s", "1000/1d", "" (no limit) */
int
limits_rate_parse(const char *text, struct rate_rule *r, str *err)
{
	static const struct { char unit; int64_t ms; } units[] = {
		{ 's', 1000 }, { 'm', 60000 }, { 'h', 3600000 },
		{ 'd', 86400000 }
	};
	unsigned long count;
	long n;
	char *end;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (text[0] == '\0')
		return 0;
	count = strtoul(text, &end, 10);
	if (end == text || *end != '/' || count == 0 ||
	    count > LIMITS_COUNT_MAX)
		goto bad;
	text = end + 1;
	n = *text >= '0' && *text <= '9' ? strtol(text, &end, 10) : 1;
	if (*text >= '0' && *text <= '9')
		text = end;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (text[0] == units[i].unit && text[1] == '\0')
			break;
	if (i == sizeof(units) / sizeof(units[0]) || n < 1 ||
	    n > 366 * 86400000LL / units[i].ms)
		goto bad;
	r->count = (unsigned)count;
	r->window_ms = n * units[i].ms;
	return 0;
bad:
	str_append(err, "a rate is COUNT/WINDOW, e.g. \"100/1h\", \"20/10m\", "
	    "\"5000/1d\" (count 1 to 10000000; window in s, m, h or d, at "
	    "most a year)");
	return -1;
}

/* limits_rules - the limits of a key kind for this sender: an account's
 * own limits replace the login and account ones */
static const struct rate_limits *
limits_rules(const struct limits_cfg *cfg, const struct limits_input *in,
    enum limit_kind k, struct rate_limits *tmp)
{
	const char *acct = in->value[LIMIT_ACCOUNT];
	size_t i;

	*tmp = cfg->rate[k];
	if ((k != LIMIT_LOGIN && k != LIMIT_ACCOUNT) || acct == NULL)
		return tmp;
	for (i = 0; i < cfg->noverrides; i++)
		if (strcmp(cfg->overrides[i].account, acct) == 0) {
			if (cfg->overrides[i].limits.messages.count > 0)
				tmp->messages = cfg->overrides[i].limits.messages;
			if (cfg->overrides[i].limits.recipients.count > 0)
				tmp->recipients =
				    cfg->overrides[i].limits.recipients;
			break;
		}
	return tmp;
}

/* one transaction's keys and counters, built once per call */
struct limits_req {
	str		 block_key[LIMIT_KIND_COUNT];
	const char	*block_keys[LIMIT_KIND_COUNT];
	size_t		 nblock;
	enum limit_kind	 block_kind[LIMIT_KIND_COUNT];
	str		 rate_key[LIMITS_RULES];
	struct state_rate rates[LIMITS_RULES];
	size_t		 nrates;
	enum limit_kind	 rate_kind[LIMITS_RULES];
	int		 rate_rcpts[LIMITS_RULES];	/* a recipients rule */
};

/* limits_req_rate - one counter of a key kind */
static void
limits_req_rate(struct limits_req *r, enum limit_kind k, const char *value,
    const struct rate_rule *rule, int rcpts, unsigned amount, int count_only)
{
	size_t i = r->nrates++;

	str_init(&r->rate_key[i]);
	str_append(&r->rate_key[i], rcpts ? "rcpts:" : "msgs:");
	limits_key(k, value, &r->rate_key[i]);
	memset(&r->rates[i], 0, sizeof(r->rates[i]));
	r->rates[i].key = str_cstr(&r->rate_key[i]);
	r->rates[i].window_ms = rule->window_ms;
	r->rates[i].limit = count_only ? UINT_MAX : rule->count;
	r->rates[i].amount = amount;
	r->rate_kind[i] = k;
	r->rate_rcpts[i] = rcpts;
}

/* limits_req_build - the block keys and counters of a transaction;
 * rcpts_only: only the recipients counters, never refused */
static void
limits_req_build(struct limits_req *r, const struct limits_cfg *cfg,
    const struct limits_input *in, int blocks, int rates, int rcpts_only)
{
	struct rate_limits tmp;
	const struct rate_limits *rl;
	int k;

	memset(r, 0, sizeof(*r));
	for (k = 0; k < LIMIT_KIND_COUNT; k++) {
		if (in->value[k] == NULL || in->value[k][0] == '\0')
			continue;
		if (blocks && (cfg->block_kinds & (1u << k))) {
			str_init(&r->block_key[r->nblock]);
			limits_key((enum limit_kind)k, in->value[k],
			    &r->block_key[r->nblock]);
			r->block_keys[r->nblock] = str_cstr(
			    &r->block_key[r->nblock]);
			r->block_kind[r->nblock++] = (enum limit_kind)k;
		}
		if (!rates)
			continue;
		rl = limits_rules(cfg, in, (enum limit_kind)k, &tmp);
		if (!rcpts_only && rl->messages.count > 0)
			limits_req_rate(r, (enum limit_kind)k, in->value[k],
			    &rl->messages, 0, 1, 0);
		if (rl->recipients.count > 0 && in->rcpts > 0)
			limits_req_rate(r, (enum limit_kind)k, in->value[k],
			    &rl->recipients, 1, in->rcpts, rcpts_only);
	}
}

/* limits_req_free - release the keys */
static void
limits_req_free(struct limits_req *r)
{
	size_t i;

	for (i = 0; i < r->nblock; i++)
		str_free(&r->block_key[i]);
	for (i = 0; i < r->nrates; i++)
		str_free(&r->rate_key[i]);
}

/* limits_rate_enabled - is any rate limit set */
int
limits_rate_enabled(const struct limits_cfg *cfg)
{
	size_t i;
	int k;

	for (k = 0; k < LIMIT_KIND_COUNT; k++)
		if (cfg->rate[k].messages.count > 0 ||
		    cfg->rate[k].recipients.count > 0)
			return 1;
	for (i = 0; i < cfg->noverrides; i++)
		if (cfg->overrides[i].limits.messages.count > 0 ||
		    cfg->overrides[i].limits.recipients.count > 0)
			return 1;
	return 0;
}

/* limits_check - blocks in force and the message's rates, one round trip */
int
limits_check(state_store *st, const struct limits_cfg *cfg,
    const struct limits_input *in, int64_t now, unsigned what,
    struct limit_outcome *out)
{
	struct state_block blocks[LIMIT_KIND_COUNT];
	struct state_query q;
	struct limits_req r;
	unsigned room;
	size_t i;
	str err, key;
	int rc;

	memset(out, 0, sizeof(*out));
	limits_req_build(&r, cfg, in, (what & LIMITS_BLOCKS) != 0,
	    (what & LIMITS_RATES) != 0, 0);
	if (r.nblock == 0 && r.nrates == 0) {
		limits_req_free(&r);
		return 0;
	}
	out->checked = 1;
	memset(&q, 0, sizeof(q));
	memset(blocks, 0, sizeof(blocks));
	q.block_keys = r.block_keys;
	q.nblock_keys = r.nblock;
	q.blocks = blocks;
	q.rates = r.rates;
	q.nrates = r.nrates;
	str_init(&err);
	if ((rc = state_check(st, now, &q, &err)) != 0) {
		out->store_error = 1;
		out->error = str_steal(&err);
		limits_req_free(&r);
		return -1;
	}
	str_free(&err);
	for (i = 0; i < r.nblock && !out->blocked; i++)
		if (blocks[i].since != 0) {
			out->blocked = 1;
			out->block_key = mem_strdup(r.block_keys[i]);
			out->block = blocks[i];
		}
	room = UINT_MAX;
	for (i = 0; i < r.nrates; i++) {
		if (r.rates[i].over && !out->over) {
			out->over = 1;
			str_init(&key);
			limits_key(r.rate_kind[i], in->value[r.rate_kind[i]],
			    &key);
			out->rate_key = str_steal(&key);
			out->rate_what = r.rate_rcpts[i] ? "recipients" :
			    "messages";
			out->limit = r.rates[i].limit;
			out->count = r.rates[i].count;
			out->window_ms = r.rates[i].window_ms;
			out->retry_ms = r.rates[i].retry_ms;
		}
		if (r.rate_rcpts[i] && !r.rates[i].over && r.rates[i].limit -
		    r.rates[i].count - r.rates[i].amount < room) {
			room = r.rates[i].limit - r.rates[i].count -
			    r.rates[i].amount;
			mem_free(out->rcpt_key);
			str_init(&key);
			limits_key(r.rate_kind[i], in->value[r.rate_kind[i]],
			    &key);
			out->rcpt_key = str_steal(&key);
			out->rcpt_limit = r.rates[i].limit;
			out->rcpt_count = r.rates[i].count;
			out->rcpt_window_ms = r.rates[i].window_ms;
		}
	}
	out->rcpt_room = room;
	limits_req_free(&r);
	return 0;
}

/* limits_add_rcpts - count more recipients of a message already let in */
void
limits_add_rcpts(state_store *st, const struct limits_cfg *cfg,
    const struct limits_input *in, int64_t now, unsigned n)
{
	struct limits_input more = *in;
	struct state_query q;
	struct limits_req r;

	if (n == 0)
		return;
	more.rcpts = n;
	limits_req_build(&r, cfg, &more, 0, 1, 1);
	if (r.nrates > 0) {
		memset(&q, 0, sizeof(q));
		q.rates = r.rates;
		q.nrates = r.nrates;
		(void)state_check(st, now, &q, NULL);
	}
	limits_req_free(&r);
}

/* limits_refusal - count a refusal for every block key */
int
limits_refusal(state_store *st, const struct limits_cfg *cfg,
    const struct limits_input *in, int64_t now, const char *reason,
    struct state_block *out)
{
	struct state_block blocks[LIMIT_KIND_COUNT];
	struct limits_req r;
	size_t i;
	int rc = 0;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (cfg->block_kinds == 0)
		return 0;
	limits_req_build(&r, cfg, in, 1, 0, 0);
	if (r.nblock > 0) {
		memset(blocks, 0, sizeof(blocks));
		rc = state_refusal(st, now, r.block_keys, r.nblock,
		    cfg->block_window_ms, cfg->block_refusals,
		    cfg->block_duration_ms, reason, blocks, NULL);
		for (i = 0; rc == 0 && out != NULL && i < r.nblock; i++)
			if (blocks[i].since != 0 && out->since == 0)
				*out = blocks[i];
	}
	limits_req_free(&r);
	return rc;
}

/* limits_rcpt_over - a recipient past the room the limit left */
void
limits_rcpt_over(struct limit_outcome *o)
{
	o->rcpt_over = 1;
	mem_free(o->rate_key);
	o->rate_key = mem_strdup(o->rcpt_key != NULL ? o->rcpt_key : "?");
	o->rate_what = "recipients";
	o->limit = o->rcpt_limit;
	o->count = o->rcpt_limit;
	o->window_ms = o->rcpt_window_ms;
	o->retry_ms = 0;
}

/* limit_outcome_clear - release an outcome's strings */
void
limit_outcome_clear(struct limit_outcome *o)
{
	mem_free(o->error);
	mem_free(o->rcpt_key);
	mem_free(o->block_key);
	mem_free(o->rate_key);
	memset(o, 0, sizeof(*o));
}

/* limits_cfg_free - release the account overrides */
void
limits_cfg_free(struct limits_cfg *cfg)
{
	size_t i;

	for (i = 0; i < cfg->noverrides; i++)
		mem_free(cfg->overrides[i].account);
	mem_free(cfg->overrides);
	memset(cfg, 0, sizeof(*cfg));
}
