/*
 * verdict_sender - the words of the sending side's refusals; see
 * verdict_sender.h.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "util/str.h"
#include "sender/identity.h"
#include "sender/limits.h"
#include "sender/lockdown.h"
#include "verdict/facts.h"
#include "verdict/verdict_reply.h"
#include "verdict/verdict_sender.h"

#define NAME_MAX_SHOWN	120	/* an address, login or domain */
#define RECORD_SHOWN	200	/* a lockdown record in a reply */
#define MAY_USE_SHOWN	5	/* addresses listed as "may use" */

/* sender_name - an untrusted name, bounded and printable */
static void
sender_name(str *s, const char *name)
{
	str_append_printable(s, name != NULL ? name : "", name != NULL ?
	    strlen(name) : 0, NAME_MAX_SHOWN);
}

/* sender_who - "login bob (account acme)", or the client network's
 * account */
static void
sender_who(str *s, const struct sender_identity *w)
{
	if (w->login != NULL) {
		str_append(s, "login ");
		sender_name(s, w->login);
		if (w->account != NULL) {
			str_append(s, " (account ");
			sender_name(s, w->account);
			str_append_c(s, ')');
		}
	} else if (w->account != NULL) {
		str_append(s, "account ");
		sender_name(s, w->account);
		str_append(s, " (client network ");
		sender_name(s, w->via);
		str_append_c(s, ')');
	} else
		str_append(s, "this unauthenticated client");
}

/* verdict_time - wall-clock ms as a UTC time */
void
verdict_time(int64_t ms, str *s)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char buf[64];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		str_append(s, "(unknown time)");
	else
		str_append(s, buf);
}

/* verdict_duration - ms in the largest whole unit that fits */
void
verdict_duration(int64_t ms, str *s)
{
	static const struct { int64_t ms; const char *unit; } units[] = {
		{ 86400000, "day" }, { 3600000, "hour" }, { 60000, "minute" },
		{ 1000, "second" }
	};
	size_t i;
	int64_t n;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (ms >= units[i].ms && ms % units[i].ms == 0)
			break;
	if (i == sizeof(units) / sizeof(units[0])) {
		str_appendf(s, "%lld ms", (long long)ms);
		return;
	}
	n = ms / units[i].ms;
	str_appendf(s, "%lld %s%s", (long long)n, units[i].unit, n == 1 ? "" :
	    "s");
}

/* verdict_key_words - "login:bob" -> "login bob", "sender_domain:x" ->
 * "sender domain x" */
void
verdict_key_words(const char *key, str *s)
{
	const char *colon = strchr(key, ':');

	if (colon == NULL) {
		sender_name(s, key);
		return;
	}
	if ((size_t)(colon - key) == strlen("sender_domain") &&
	    strncmp(key, "sender_domain", (size_t)(colon - key)) == 0)
		str_append(s, "sender domain");
	else if ((size_t)(colon - key) == 2 && strncmp(key, "ip", 2) == 0)
		str_append(s, "IP");
	else
		str_append_printable(s, key, (size_t)(colon - key), 20);
	str_append_c(s, ' ');
	sender_name(s, colon + 1);
}

/* verdict_explain_lockdown - the domain's lockdown record does not let
 * this relay or sender send as it, or cannot be read */
void
verdict_explain_lockdown(const struct lockdown_outcome *o, int from,
    const struct facts *f, struct verdict *v)
{
	const char *what = from ? "From:" : "MAIL FROM";
	size_t i;
	str s;

	str_init(&s);
	switch (o->result) {
	case LOCKDOWNR_TEMPERROR:
		str_append(&s, "The domain lockdown record of ");
		sender_name(&s, o->domain);
		str_append(&s, " (the ");
		str_append(&s, what);
		str_append(&s, " domain) cannot be looked up just now");
		verdict_aside(&s, o->error, NAME_MAX_SHOWN * 2);
		str_append(&s, "; try again later.");
		verdict_add_line(v, str_cstr(&s));
		goto out;
	case LOCKDOWNR_PERMERROR:
		if (o->name == NULL) {
			/* no record to look up: the From: names no author */
			str_append(&s, "This relay sends only mail whose "
			    "From: domains it can check against their lockdown "
			    "records, and ");
			str_append_printable(&s, o->error != NULL ? o->error :
			    "", o->error != NULL ? strlen(o->error) : 0,
			    NAME_MAX_SHOWN * 2);
			str_append_c(&s, '.');
			verdict_add_line(v, str_cstr(&s));
			verdict_add_line(v, "To fix: send the message with one "
			    "From: field that names its author's address.");
			goto out;
		}
		str_append(&s, "The domain lockdown record ");
		sender_name(&s, o->name);
		str_append(&s, " TXT of ");
		sender_name(&s, o->domain);
		str_append(&s, " (the ");
		str_append(&s, what);
		str_append(&s, " domain) is broken");
		verdict_aside(&s, o->error, NAME_MAX_SHOWN * 2);
		str_append(&s, ", so this relay may not send for it.");
		verdict_add_line(v, str_cstr(&s));
		str_reset(&s);
		str_append(&s, "To fix: the owner of ");
		sender_name(&s, o->domain);
		str_append(&s, " publishes one valid record there, e.g. "
		    "\"v=mc1");
		for (i = 0; i < f->nrelay_ids; i++) {
			str_append(&s, " auth=");
			sender_name(&s, f->relay_ids[i]);
		}
		str_append(&s, "\".");
		verdict_add_line(v, str_cstr(&s));
		goto out;
	default:
		break;
	}
	str_append(&s, "This sender is not authorized to send from ");
	sender_name(&s, o->domain);
	str_appendf(&s, " (the %s domain): its domain lockdown record ", what);
	sender_name(&s, o->name);
	str_append(&s, " TXT \"");
	str_append_printable(&s, o->record != NULL ? o->record : "",
	    o->record != NULL ? strlen(o->record) : 0, RECORD_SHOWN);
	str_append(&s, "\"");
	if (o->nfields == 0)
		str_append(&s, " locks the domain completely");
	else
		str_append(&s, " does not list this relay or this sender");
	str_append(&s, "; this relay is ");
	for (i = 0; i < f->nrelay_ids; i++) {
		str_append(&s, i ? ", auth=" : "auth=");
		sender_name(&s, f->relay_ids[i]);
	}
	str_append(&s, ", sending for ");
	sender_who(&s, &f->sender);
	if (o->sender_id != NULL) {
		str_append(&s, ", sender ID ");
		sender_name(&s, o->sender_id);
	}
	str_append_c(&s, '.');
	verdict_add_line(v, str_cstr(&s));
	str_reset(&s);
	str_append(&s, "To fix: the owner of ");
	sender_name(&s, o->domain);
	str_append(&s, " adds auth=");
	sender_name(&s, f->nrelay_ids > 0 ? f->relay_ids[0] : "?");
	str_append(&s, " (this relay)");
	if (o->sender_id != NULL) {
		str_append(&s, ", or senderid=");
		sender_name(&s, o->sender_id);
		str_append(&s, " (this sender alone),");
	}
	str_append(&s, " to the TXT record ");
	sender_name(&s, o->name);
	str_append_c(&s, '.');
	verdict_add_line(v, str_cstr(&s));
out:
	str_free(&s);
}

/* verdict_explain_login - a login or client account using an address
 * that is not its own */
void
verdict_explain_login(const struct binding_outcome *o, int from,
    const struct facts *f, struct verdict *v)
{
	str s, may;

	str_init(&s);
	str_init(&may);
	sender_who(&s, &f->sender);
	if (s.len > 0 && s.buf[0] >= 'a' && s.buf[0] <= 'z')
		s.buf[0] = (char)(s.buf[0] - 'a' + 'A');
	if (o->unreadable) {
		/* no author to check: refused, not guessed */
		str_append(&s, " may send only as the addresses it owns, and ");
		str_append_printable(&s, o->address, strlen(o->address),
		    NAME_MAX_SHOWN * 2);
		str_append(&s, ", so the author cannot be checked.");
		verdict_add_line(v, str_cstr(&s));
		verdict_add_line(v, "To fix: send the message with one From: "
		    "field that names your own address.");
		goto out;
	}
	str_append(&s, " may not send as ");
	sender_name(&s, o->address);
	str_appendf(&s, " (%s): ", from ? "From:" : "MAIL FROM");
	if (o->key != NULL) {
		str_append(&s, "that address belongs to ");
		str_append_printable(&s, o->owners, strlen(o->owners),
		    NAME_MAX_SHOWN);
	} else
		str_append(&s, "no login or account of this server owns it");
	if (f->identity != NULL)
		identity_may_use(f->identity, &f->sender, &may, MAY_USE_SHOWN);
	if (may.len > 0) {
		str_append(&s, "; it may use ");
		str_append_printable(&s, str_cstr(&may), may.len,
		    NAME_MAX_SHOWN * 2);
	} else
		str_append(&s, "; it owns no address here");
	str_append_c(&s, '.');
	verdict_add_line(v, str_cstr(&s));
	str_reset(&s);
	str_append(&s, "To fix: send as an address of your own, or ask the "
	    "administrator of this server to let you use ");
	sender_name(&s, o->address);
	str_append_c(&s, '.');
	verdict_add_line(v, str_cstr(&s));
out:
	str_free(&s);
	str_free(&may);
}

/* verdict_explain_block - a key blocked after repeated refusals */
void
verdict_explain_block(const struct facts *f, struct verdict *v)
{
	const struct limit_outcome *o = &f->limits;
	str s, key;

	str_init(&s);
	str_init(&key);
	verdict_key_words(o->block_key != NULL ? o->block_key : "?", &key);
	str_appendf(&s, "Sending is blocked for %s until ", str_cstr(&key));
	verdict_time(o->block.until, &s);
	str_append(&s, " (since ");
	verdict_time(o->block.since, &s);
	str_appendf(&s, ") after %u refused messages", o->block.refusals);
	if (o->block.reason[0] != '\0') {
		str_append(&s, "; the last refusal: ");
		str_append_printable(&s, o->block.reason,
		    strlen(o->block.reason), 200);
	}
	str_append_c(&s, '.');
	verdict_add_line(v, str_cstr(&s));
	verdict_add_line(v, "Wait until then and try again, after fixing what "
	    "caused the refusals; the administrator of this server can lift "
	    "the block earlier.");
	str_free(&s);
	str_free(&key);
}

/* verdict_explain_rate - over a rate limit */
void
verdict_explain_rate(const struct facts *f, struct verdict *v)
{
	const struct limit_outcome *o = &f->limits;
	str s, key;

	str_init(&s);
	str_init(&key);
	verdict_key_words(o->rate_key != NULL ? o->rate_key : "?", &key);
	str_appendf(&s, "The limit of %u %s per ", o->limit,
	    o->rate_what != NULL ? o->rate_what : "messages");
	verdict_duration(o->window_ms, &s);
	str_appendf(&s, " for %s is reached (%u sent in the last ",
	    str_cstr(&key), o->count);
	verdict_duration(o->window_ms, &s);
	if (o->retry_ms > 0) {
		str_append(&s, "); sending may resume at about ");
		verdict_time(o->retry_ms, &s);
		str_append_c(&s, '.');
	} else
		str_append(&s, "); send the other recipients later.");
	verdict_add_line(v, str_cstr(&s));
	verdict_add_line(v, "Try again later, or ask the administrator of this "
	    "server for a higher limit.");
	str_free(&s);
	str_free(&key);
}

/* verdict_explain_state - the store of blocks and limits failed */
void
verdict_explain_state(const struct facts *f, struct verdict *v)
{
	str s;

	str_init(&s);
	str_append(&s, "This server cannot check its sending limits just now");
	verdict_aside(&s, f->limits.error, NAME_MAX_SHOWN);
	str_append(&s, "; try again later.");
	verdict_add_line(v, str_cstr(&s));
	str_free(&s);
}
