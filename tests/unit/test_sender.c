/*
 * test_sender - the sending side, table-driven: who sends (logins and
 * client networks to accounts), which senders a login or account owns,
 * domain lockdown results over in-memory DNS (pass, fail, none,
 * temperror, permerror: two records, a broken one, 5000 fields, 8-bit
 * bytes, a 4 kB field), the map files (file:line errors), blocks and
 * rate limits over the memory store (limits.c), and the words of the
 * refusals (verdict_sender.c).
 */
#include "config.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/deadline.h"
#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/netlist.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "state/state.h"
#include "sender/identity.h"
#include "sender/limits.h"
#include "sender/lockdown.h"
#include "verdict/facts.h"
#include "verdict/verdict_reply.h"
#include "verdict/verdict_sender.h"

static dns_mem *mem;
static dns_resolver *res;

/* add - one TXT record of the test zone */
static void
add(const char *name, const char *txt)
{
	dns_mem_add_txt(mem, name, DNS_T_TXT, txt, strlen(txt));
}

static int
setup(void **state)
{
	struct dns_options opts;
	static char big[5000 * 7 + 16], field[4200], bin[] =
	    "v=mc1 auth=new\xe9host";
	size_t i;

	(void)state;
	mem = dns_mem_create();
	memset(&opts, 0, sizeof(opts));
	opts.cache_size = 0;
	add("_mailchannels.old.example", "v=mc1 auth=oldhost");
	add("_mailchannels.new.example", "v=mc1 auth=oldhost auth=NewHost");
	add("_mailchannels.locked.example", "v=mc1");
	add("_mailchannels.sid.example", "v=mc1 senderid=newhost|x-authuser|bob");
	add("_mailchannels.addr.example",
	    "v=mc1 senderid=newhost|x-authsender|web@addr.example");
	add("_mailchannels.wild.example", "v=mc1 sidw=newhost|x-authuser|*");
	add("_mailchannels.two.example", "v=mc1 auth=newhost");
	add("_mailchannels.two.example", "v=mc1 auth=x");
	add("_mailchannels.other.example", "v=spf1 -all");
	add("_mailchannels.other.example", "v=mc1 auth=newhost");
	add("_mailchannels.mc2.example", "v=mc2 auth=oldhost");
	add("_mailchannels.bad.example", "v=mc1 auth=");
	strcpy(big, "v=mc1");
	for (i = 0; i < 5000; i++)
		strcat(big, " auth=a");
	add("_mailchannels.big.example", big);
	memset(field, 'a', sizeof(field) - 1);
	memcpy(field, "v=mc1 auth=", 11);
	field[sizeof(field) - 1] = '\0';
	add("_mailchannels.long.example", field);
	add("_mailchannels.bin.example", bin);
	dns_mem_add_txt(mem, "_mailchannels.nul.example", DNS_T_TXT,
	    "v=mc1 auth=newhost\0x", 20);
	dns_mem_set_fault(mem, "_mailchannels.slow.example", 0, DNS_TEMPFAIL);
	res = dns_resolver_create_mem(mem, &opts);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	dns_resolver_unref(res);
	dns_mem_free(mem);
	return 0;
}

/* a lockdown case: domain, login, address -> result, matched field */
struct lockdown_case {
	const char		*domain;
	const char		*login;
	const char		*address;
	enum lockdown_result	 result;
	const char		*field;		/* pass: the field, else a
						 * word of the error */
};

static const struct lockdown_case lockdown_cases[] = {
	{ "old.example", "bob", "bob@old.example", LOCKDOWNR_FAIL, NULL },
	{ "new.example", "bob", "bob@new.example", LOCKDOWNR_PASS,
	    "auth=NewHost" },
	{ "locked.example", "bob", "bob@locked.example", LOCKDOWNR_FAIL, NULL },
	{ "sid.example", "bob", "bob@sid.example", LOCKDOWNR_PASS,
	    "senderid=newhost|x-authuser|bob" },
	{ "sid.example", "BOB", "bob@sid.example", LOCKDOWNR_PASS,
	    "senderid=newhost|x-authuser|bob" },
	{ "sid.example", "carol", "bob@sid.example", LOCKDOWNR_FAIL, NULL },
	{ "sid.example", NULL, "bob@sid.example", LOCKDOWNR_FAIL, NULL },
	{ "addr.example", NULL, "web@addr.example", LOCKDOWNR_PASS,
	    "senderid=newhost|x-authsender|web@addr.example" },
	{ "addr.example", "web", "other@addr.example", LOCKDOWNR_FAIL, NULL },
	{ "wild.example", "anyone", "x@wild.example", LOCKDOWNR_PASS,
	    "sidw=newhost|x-authuser|*" },
	{ "wild.example", NULL, "x@wild.example", LOCKDOWNR_FAIL, NULL },
	{ "none.example", "bob", "bob@none.example", LOCKDOWNR_NONE, NULL },
	{ "mc2.example", "bob", "bob@mc2.example", LOCKDOWNR_NONE, NULL },
	{ "other.example", "bob", "bob@other.example", LOCKDOWNR_PASS,
	    "auth=newhost" },
	{ "two.example", "bob", "bob@two.example", LOCKDOWNR_PERMERROR,
	    "2 lockdown records" },
	{ "bad.example", "bob", "bob@bad.example", LOCKDOWNR_PERMERROR,
	    "empty value" },
	{ "big.example", "bob", "bob@big.example", LOCKDOWNR_PERMERROR,
	    "5000 fields" },
	{ "long.example", "bob", "bob@long.example", LOCKDOWNR_PERMERROR,
	    "bytes (at most 253)" },
	{ "bin.example", "bob", "bob@bin.example", LOCKDOWNR_PERMERROR,
	    "0xe9" },
	{ "nul.example", "bob", "bob@nul.example", LOCKDOWNR_PERMERROR,
	    "0x00" },
	{ "slow.example", "bob", "bob@slow.example", LOCKDOWNR_TEMPERROR,
	    "failed" },
};

/* test_lockdown - each record against each sender */
static void
test_lockdown(void **state)
{
	static const char *const relay[] = { "newhost" };
	struct lockdown_outcome o;
	struct lockdown_sender ls;
	struct sender_identity who;
	const char *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lockdown_cases) / sizeof(lockdown_cases[0]);
	    i++) {
		const struct lockdown_case *c = &lockdown_cases[i];

		memset(&who, 0, sizeof(who));
		who.login = c->login;
		memset(&ls, 0, sizeof(ls));
		ls.relay_ids = relay;
		ls.nrelay_ids = 1;
		ls.who = &who;
		ls.address = c->address;
		lockdown_finish(lockdown_start(res, "_mailchannels", c->domain),
		    deadline_in(2000), &ls, &o);
		got = o.result == LOCKDOWNR_PASS ? o.field : o.error;
		if (o.result != c->result || (c->field != NULL &&
		    (got == NULL || strstr(got, c->field) == NULL)))
			fail_msg("%s %s: %s (%s), want %s (%s)", c->domain,
			    c->login != NULL ? c->login : "-",
			    lockdown_result_name(o.result), got != NULL ? got :
			    "", lockdown_result_name(c->result),
			    c->field != NULL ? c->field : "");
		assert_true(o.checked);
		lockdown_outcome_clear(&o);
	}
}

/* the maps of the identity tests */
static void
maps_load(struct identity_maps *m, netlist *clients)
{
	static const char *const logins[] = {
		"bob acme", "Carol acme", "dave other", "bob second"
	};
	static const char *const owners[] = {
		"bob@example.com bob", "@example.net account:acme",
		"@.shop.example account:webshop, alice",
		"boss@example.net carol", "@example.org nobody-else"
	};
	str err;
	size_t i;

	memset(m, 0, sizeof(*m));
	memset(clients, 0, sizeof(*clients));
	str_init(&err);
	for (i = 0; i < sizeof(logins) / sizeof(logins[0]); i++) {
		const char *sp = strchr(logins[i], ' ');

		assert_int_equal(identity_login_add(m, logins[i],
		    (size_t)(sp - logins[i]), sp + 1, &err), 0);
	}
	for (i = 0; i < sizeof(owners) / sizeof(owners[0]); i++) {
		const char *sp = strchr(owners[i], ' ');

		assert_int_equal(identity_owner_add(m, owners[i],
		    (size_t)(sp - owners[i]), sp + 1, &err), 0);
	}
	assert_int_equal(netlist_add(clients, "192.0.2.0/24", 12, "webshop",
	    &err), 0);
	netlist_index(clients);
	identity_index(m);
	str_free(&err);
}

/* an ownership case: login (or client IP), address -> allowed */
struct owner_case {
	const char	*login;
	const char	*ip;
	const char	*local;
	const char	*domain;
	int		 checked;
	int		 allowed;
	const char	*account;	/* the account found */
};

static const struct owner_case owner_cases[] = {
	{ "bob", NULL, "bob", "example.com", 1, 1, "acme" },
	{ "BOB", NULL, "Bob", "EXAMPLE.com", 1, 1, "acme" },
	{ "carol", NULL, "bob", "example.com", 1, 0, "acme" },
	{ "carol", NULL, "anyone", "example.net", 1, 1, "acme" },
	{ "dave", NULL, "anyone", "example.net", 1, 0, "other" },
	/* the address's own entry wins over the domain's */
	{ "bob", NULL, "boss", "example.net", 1, 0, "acme" },
	{ "carol", NULL, "boss", "example.net", 1, 1, "acme" },
	/* @.shop.example: the domain and its subdomains */
	{ "alice", NULL, "a", "shop.example", 1, 1, NULL },
	{ "alice", NULL, "a", "eu.shop.example", 1, 1, NULL },
	{ "alice", NULL, "a", "notshop.example", 1, 0, NULL },
	/* a client network's account, no login */
	{ NULL, "192.0.2.7", "x", "eu.shop.example", 1, 1, "webshop" },
	{ NULL, "192.0.2.7", "x", "example.net", 1, 0, "webshop" },
	/* no login, no account: not checked */
	{ NULL, "198.51.100.1", "x", "example.net", 0, 0, NULL },
	/* an unowned address */
	{ "bob", NULL, "x", "unowned.example", 1, 0, "acme" },
	/* a login not in the map owns what names it */
	{ "alice", NULL, "x", "example.org", 1, 0, NULL },
	/* a 1 kB login */
	{ "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
	  NULL, "bob", "example.com", 1, 0, NULL },
};

/* test_owners - who may send as what */
static void
test_owners(void **state)
{
	struct identity_maps m;
	struct binding_outcome o;
	struct sender_identity who;
	netlist clients;
	ipaddr ip;
	size_t i;

	(void)state;
	maps_load(&m, &clients);
	for (i = 0; i < sizeof(owner_cases) / sizeof(owner_cases[0]); i++) {
		const struct owner_case *c = &owner_cases[i];

		if (c->ip != NULL)
			assert_int_equal(ipaddr_parse(c->ip, &ip), 0);
		identity_resolve(&m, &clients, c->login, c->ip != NULL ? &ip :
		    NULL, &who);
		identity_owned(&m, &who, c->local, c->domain, &o);
		if (o.checked != c->checked || o.allowed != c->allowed ||
		    (c->account == NULL) != (who.account == NULL) ||
		    (c->account != NULL && strcmp(c->account, who.account) !=
		    0))
			fail_msg("case %zu (%.20s, %s@%s): checked %d allowed "
			    "%d account %s", i, c->login != NULL ? c->login :
			    c->ip, c->local, c->domain, o.checked, o.allowed,
			    who.account != NULL ? who.account : "-");
		binding_outcome_clear(&o);
	}
	/* the first entry of a login wins; may_use lists what it owns */
	identity_resolve(&m, &clients, "bob", NULL, &who);
	assert_string_equal(who.account, "acme");
	{
		str may;

		str_init(&may);
		identity_may_use(&m, &who, &may, 5);
		assert_string_equal(str_cstr(&may),
		    "@example.net, bob@example.com");
		str_free(&may);
	}
	m.unowned_ok = 1;
	identity_owned(&m, &who, "x", "unowned.example", &o);
	assert_true(o.checked && o.allowed);
	binding_outcome_clear(&o);
	identity_maps_free(&m);
	netlist_free(&clients);
}

/* a map line that is refused, and a word of the reason */
struct bad_line {
	int		 owners;	/* an owners line, else a logins line */
	const char	*line;
	const char	*why;
};

static const struct bad_line bad_lines[] = {
	{ 0, "bob", "no account" },
	{ 0, "bob acme extra", "one account per login" },
	{ 0, "bob ac/me", "may hold only" },
	{ 1, "example.com bob", "is not an address" },
	{ 1, "@not_a_domain bob", "not a domain name" },
	{ 1, "bob@example.com", "no owner" },
	{ 1, "bob@example.com account:", "account name of 0 bytes" },
	{ 1, "bob@example.com account:a/b", "may hold only" },
};

/* test_map_files - bad lines name file:line; good files load */
static void
test_map_files(void **state)
{
	char path[] = "/tmp/authgate-test-map.XXXXXX";
	struct identity_maps m;
	const char *sp;
	size_t i;
	str err;
	FILE *f;
	int fd;

	(void)state;
	for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		memset(&m, 0, sizeof(m));
		str_init(&err);
		sp = strchr(bad_lines[i].line, ' ');
		if (sp == NULL)
			sp = bad_lines[i].line + strlen(bad_lines[i].line);
		assert_int_equal(bad_lines[i].owners ?
		    identity_owner_add(&m, bad_lines[i].line,
		    (size_t)(sp - bad_lines[i].line), *sp ? sp + 1 : sp, &err) :
		    identity_login_add(&m, bad_lines[i].line,
		    (size_t)(sp - bad_lines[i].line), *sp ? sp + 1 : sp, &err),
		    -1);
		if (strstr(str_cstr(&err), bad_lines[i].why) == NULL)
			fail_msg("\"%s\": %s", bad_lines[i].line, str_cstr(&err));
		identity_maps_free(&m);
		str_free(&err);
	}
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# logins\nbob acme   # the first\n\ncarol acme\nbroken\n", f);
	fclose(f);
	memset(&m, 0, sizeof(m));
	str_init(&err);
	assert_int_equal(identity_logins_file(&m, path, &err), -1);
	assert_non_null(strstr(str_cstr(&err), ":5: login \"broken\" has no "
	    "account"));
	identity_maps_free(&m);
	f = fopen(path, "w");
	fputs("bob acme\ncarol acme\n", f);
	fclose(f);
	str_reset(&err);
	assert_int_equal(identity_logins_file(&m, path, &err), 0);
	assert_int_equal(m.nlogins, 2);
	identity_maps_free(&m);
	/* binary junk is refused, not read */
	f = fopen(path, "w");
	fputs("bob acme\n", f);
	fputc('\0', f);
	fputs("x\n", f);
	fclose(f);
	assert_int_equal(identity_logins_file(&m, path, &err), -1);
	assert_non_null(strstr(str_cstr(&err), ":2: NUL byte"));
	identity_maps_free(&m);
	unlink(path);
	str_free(&err);
}

/* test_rate_parse - "COUNT/WINDOW" */
static void
test_rate_parse(void **state)
{
	static const struct { const char *text; int ok; unsigned count;
	    int64_t ms; } cases[] = {
		{ "100/1h", 1, 100, 3600000 }, { "5/30s", 1, 5, 30000 },
		{ "20/m", 1, 20, 60000 }, { "1/1d", 1, 1, 86400000 },
		{ "", 1, 0, 0 }, { "0/1h", 0, 0, 0 }, { "100", 0, 0, 0 },
		{ "100/1y", 0, 0, 0 }, { "x/1h", 0, 0, 0 },
		{ "100/0h", 0, 0, 0 }, { "99999999999/1h", 0, 0, 0 },
		{ "10/367d", 0, 0, 0 }, { "10/1h ", 0, 0, 0 },
	};
	struct rate_rule r;
	size_t i;
	str err;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		str_init(&err);
		if ((limits_rate_parse(cases[i].text, &r, &err) == 0) !=
		    cases[i].ok || (cases[i].ok && (r.count != cases[i].count ||
		    r.window_ms != cases[i].ms)))
			fail_msg("\"%s\": %s", cases[i].text, str_cstr(&err));
		str_free(&err);
	}
}

#define ALL	(LIMITS_BLOCKS | LIMITS_RATES)

/* test_limits - blocks after refusals and rates over the memory store */
static void
test_limits(void **state)
{
	struct limits_cfg cfg;
	struct limits_input in;
	struct limit_outcome o;
	struct state_block b;
	state_store *st = state_mem_new(1000);
	int64_t now = 1700000000000LL;
	int i;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.block_kinds = 1u << LIMIT_LOGIN;
	cfg.block_refusals = 3;
	cfg.block_window_ms = 60000;
	cfg.block_duration_ms = 30000;
	cfg.rate[LIMIT_LOGIN].messages.count = 2;
	cfg.rate[LIMIT_LOGIN].messages.window_ms = 60000;
	cfg.rate[LIMIT_ACCOUNT].recipients.count = 5;
	cfg.rate[LIMIT_ACCOUNT].recipients.window_ms = 60000;
	memset(&in, 0, sizeof(in));
	in.value[LIMIT_LOGIN] = "bob";
	in.value[LIMIT_ACCOUNT] = "acme";
	in.value[LIMIT_IP] = "192.0.2.1";
	in.rcpts = 1;
	/* two messages fit, the third does not and is not counted */
	for (i = 0; i < 3; i++) {
		assert_int_equal(limits_check(st, &cfg, &in, now + i, ALL, &o), 0);
		assert_int_equal(o.over, i == 2);
		if (i == 2) {
			assert_string_equal(o.rate_key, "login:bob");
			assert_string_equal(o.rate_what, "messages");
			assert_int_equal(o.limit, 2);
		} else
			assert_int_equal(o.rcpt_room, 5 - (i + 1));
		limit_outcome_clear(&o);
	}
	/* more recipients of a message: counted, then the room is smaller */
	limits_add_rcpts(st, &cfg, &in, now + 3, 2);
	in.value[LIMIT_LOGIN] = "carol";	/* a login with room */
	assert_int_equal(limits_check(st, &cfg, &in, now + 4, ALL, &o), 0);
	assert_false(o.over);
	assert_int_equal(o.rcpt_room, 0);
	assert_string_equal(o.rcpt_key, "account:acme");
	limits_rcpt_over(&o);
	assert_true(o.rcpt_over);
	assert_false(o.over);
	assert_string_equal(o.rate_what, "recipients");
	limit_outcome_clear(&o);
	/* an exempt sender's rates are neither read nor counted */
	assert_int_equal(limits_check(st, &cfg, &in, now + 5, LIMITS_BLOCKS,
	    &o), 0);
	assert_false(o.over);
	assert_int_equal(o.rcpt_room, UINT_MAX);
	limit_outcome_clear(&o);
	/* three refusals block the login, not the IP (not a block key) */
	for (i = 0; i < 3; i++)
		assert_int_equal(limits_refusal(st, &cfg, &in, now + 10 + i,
		    "550 5.7.1 (lockdown): no", &b), 0);
	assert_true(b.since != 0);
	assert_int_equal(b.refusals, 3);
	assert_int_equal(b.until, now + 12 + 30000);
	in.rcpts = 0;
	assert_int_equal(limits_check(st, &cfg, &in, now + 20, ALL, &o), 0);
	assert_true(o.blocked);
	assert_string_equal(o.block_key, "login:carol");
	assert_non_null(strstr(o.block.reason, "lockdown"));
	limit_outcome_clear(&o);
	/* the block ends by itself */
	assert_int_equal(limits_check(st, &cfg, &in, now + 12 + 30001, ALL,
	    &o), 0);
	assert_false(o.blocked);
	limit_outcome_clear(&o);
	state_free(st);
}

/* test_key - store keys are one printable word, bounded */
static void
test_key(void **state)
{
	char login[2000];
	str k;

	(void)state;
	str_init(&k);
	limits_key(LIMIT_LOGIN, "bob smith%\t\x01", &k);
	assert_string_equal(str_cstr(&k), "login:bob%20smith%25%09%01");
	str_reset(&k);
	memset(login, 'x', sizeof(login) - 1);
	login[sizeof(login) - 1] = '\0';
	limits_key(LIMIT_LOGIN, login, &k);
	assert_int_equal(k.len, strlen("login:") + LIMITS_VALUE_MAX);
	str_free(&k);
}

/* test_words - the refusal texts name the record, the sender and the
 * fix; block and rate texts the time and the limit */
static void
test_words(void **state)
{
	static const char *const relay[] = { "newhost" };
	struct facts f;
	struct verdict v;
	str s;

	(void)state;
	memset(&f, 0, sizeof(f));
	memset(&v, 0, sizeof(v));
	f.relay_ids = relay;
	f.nrelay_ids = 1;
	f.sender.login = "bob";
	f.sender.account = "acme";
	f.lockdown_mailfrom.checked = 1;
	f.lockdown_mailfrom.result = LOCKDOWNR_FAIL;
	f.lockdown_mailfrom.domain = (char *)"example.com";
	f.lockdown_mailfrom.name = (char *)"_mailchannels.example.com";
	f.lockdown_mailfrom.record = (char *)"v=mc1 auth=oldhost";
	f.lockdown_mailfrom.sender_id = (char *)"newhost|x-authuser|bob";
	f.lockdown_mailfrom.nfields = 1;
	verdict_explain_lockdown(&f.lockdown_mailfrom, 0, &f, &v);
	assert_int_equal(v.nlines, 2);
	assert_string_equal(v.lines[0], "This sender is not authorized to send "
	    "from example.com (the MAIL FROM domain): its domain lockdown "
	    "record _mailchannels.example.com TXT \"v=mc1 auth=oldhost\" does "
	    "not list this relay or this sender; this relay is auth=newhost, "
	    "sending for login bob (account acme), sender ID "
	    "newhost|x-authuser|bob.");
	assert_string_equal(v.lines[1], "To fix: the owner of example.com adds "
	    "auth=newhost (this relay), or senderid=newhost|x-authuser|bob "
	    "(this sender alone), to the TXT record _mailchannels.example.com.");
	verdict_clear(&v);
	f.limits.checked = 1;
	f.limits.blocked = 1;
	f.limits.block_key = (char *)"login:bob";
	f.limits.block.since = 1764896400000LL;	/* 2025-12-05 01:00:00 */
	f.limits.block.until = 1764898200000LL;
	f.limits.block.refusals = 5;
	strcpy(f.limits.block.reason, "550 5.7.1 (lockdown)");
	verdict_explain_block(&f, &v);
	assert_string_equal(v.lines[0], "Sending is blocked for login bob until "
	    "2025-12-05 01:30:00 UTC (since 2025-12-05 01:00:00 UTC) after 5 "
	    "refused messages; the last refusal: 550 5.7.1 (lockdown).");
	verdict_clear(&v);
	f.limits.over = 1;
	f.limits.rate_key = (char *)"account:acme";
	f.limits.rate_what = "messages";
	f.limits.limit = 100;
	f.limits.count = 100;
	f.limits.window_ms = 3600000;
	f.limits.retry_ms = 1764898200000LL;
	verdict_explain_rate(&f, &v);
	assert_string_equal(v.lines[0], "The limit of 100 messages per 1 hour "
	    "for account acme is reached (100 sent in the last 1 hour); "
	    "sending may resume at about 2025-12-05 01:30:00 UTC.");
	verdict_clear(&v);
	str_init(&s);
	verdict_duration(90000, &s);
	assert_string_equal(str_cstr(&s), "90 seconds");
	str_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lockdown),
		cmocka_unit_test(test_owners),
		cmocka_unit_test(test_map_files),
		cmocka_unit_test(test_rate_parse),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_words),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
