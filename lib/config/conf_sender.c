/*
 * conf_sender - the sections of the sending side: sender_identity (who
 * sends: this relay's account IDs, login -> account, client network ->
 * account), sender_login (which login or account owns which senders),
 * lockdown (domain lockdown records), blocks (temporary blocks after
 * repeated refusals), rate_limits, and state (where counters and blocks
 * live: in-process, or Redis for a fleet). Maps come inline and from
 * files read again on every reload; errors name file:line. See
 * conf_section.h.
 */
#include "config.h"

#include <confuse.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/netlist.h"
#include "util/str.h"
#include "ipcheck/authz.h"
#include "sender/identity.h"
#include "sender/limits.h"
#include "sender/lockdown.h"
#include "verdict/policy.h"
#include "config/conf.h"
#include "config/conf_section.h"
#include "config/conf_value.h"

#define RELAY_IDS_MAX	16

/* the exemption options of a sending-side section */
#define SENDER_EXEMPT(trusted, allowlisted) \
	CFG_INT_CB("trusted", trusted, CFGF_NONE, conf_parse_exempt), \
	CFG_INT_CB("authenticated", EXEMPT_CHECK, CFGF_NONE, \
	    conf_parse_exempt), \
	CFG_INT_CB("allowlisted", allowlisted, CFGF_NONE, conf_parse_exempt)

cfg_opt_t conf_identity_opts[] = {
	CFG_STR("relay_ids", "", CFGF_NONE),
	CFG_STR_LIST("logins", NULL, CFGF_NONE),
	CFG_STR("logins_file", "", CFGF_NONE),
	CFG_STR_LIST("clients", NULL, CFGF_NONE),
	CFG_STR("clients_file", "", CFGF_NONE),
	CFG_END()
};

cfg_opt_t conf_sender_login_opts[] = {
	CFG_STR_LIST("owners", NULL, CFGF_NONE),
	CFG_STR("owners_file", "", CFGF_NONE),
	CFG_STR("identities", "mailfrom from", CFGF_NONE),
	CFG_BOOL("unowned_allowed", cfg_false, CFGF_NONE),
	CFG_INT_CB("action", ACT_REJECT, CFGF_NONE, conf_parse_action),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_STR("text", "", CFGF_NONE),
	SENDER_EXEMPT(EXEMPT_CHECK, EXEMPT_CHECK),
	CFG_END()
};

cfg_opt_t conf_lockdown_opts[] = {
	CFG_BOOL("enabled", cfg_false, CFGF_NONE),
	CFG_STR("label", "_mailchannels", CFGF_NONE),
	CFG_STR("identities", "mailfrom from", CFGF_NONE),
	CFG_INT_CB("timeout", 5000, CFGF_NONE, conf_parse_duration),
	CFG_INT_CB("fail", ACT_REJECT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("permerror", ACT_REJECT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("temperror", ACT_TEMPFAIL, CFGF_NONE, conf_parse_action),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_STR("text", "", CFGF_NONE),
	SENDER_EXEMPT(EXEMPT_CHECK, EXEMPT_CHECK),
	CFG_END()
};

cfg_opt_t conf_blocks_opts[] = {
	CFG_STR("keys", "", CFGF_NONE),
	CFG_INT("refusals", 5, CFGF_NONE),
	CFG_INT_CB("window", 600000, CFGF_NONE, conf_parse_duration),
	CFG_INT_CB("duration", 1800000, CFGF_NONE, conf_parse_duration),
	CFG_INT_CB("action", ACT_TEMPFAIL, CFGF_NONE, conf_parse_action),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_STR("text", "", CFGF_NONE),
	SENDER_EXEMPT(EXEMPT_SKIP, EXEMPT_SKIP),
	CFG_END()
};

static cfg_opt_t rate_opts[] = {
	CFG_STR("messages", "", CFGF_NONE),
	CFG_STR("recipients", "", CFGF_NONE),
	CFG_END()
};

cfg_opt_t conf_rate_opts[] = {
	CFG_SEC("limit", rate_opts, CFGF_MULTI | CFGF_TITLE |
	    CFGF_NO_TITLE_DUPES),
	CFG_SEC("account", rate_opts, CFGF_MULTI | CFGF_TITLE |
	    CFGF_NO_TITLE_DUPES),
	CFG_INT_CB("action", ACT_TEMPFAIL, CFGF_NONE, conf_parse_action),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_STR("text", "", CFGF_NONE),
	SENDER_EXEMPT(EXEMPT_SKIP, EXEMPT_SKIP),
	CFG_END()
};

cfg_opt_t conf_state_opts[] = {
	CFG_STR("redis", "", CFGF_NONE),
	CFG_STR("password", "", CFGF_NONE),
	CFG_INT("database", 0, CFGF_NONE),
	CFG_STR("prefix", "authgate:", CFGF_NONE),
	CFG_INT_CB("timeout", 200, CFGF_NONE, conf_parse_duration),
	CFG_INT_CB("on_error", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT("memory_entries", 100000, CFGF_NONE),
	CFG_END()
};

/* conf_sender_relay_ids - "newhost other": words of at most 128 bytes
 * without '|', at most RELAY_IDS_MAX; the count or -1 with why */
static int
conf_sender_relay_ids(const char *text, char **out, str *why)
{
	const char *p = text, *w;
	size_t n, i;
	int count = 0;

	while ((w = str_next_word(&p, &n)) != NULL) {
		for (i = 0; i < n; i++)
			if ((unsigned char)w[i] <= ' ' || w[i] == '|' ||
			    (unsigned char)w[i] >= 0x7f)
				break;
		if (n > 128 || i < n) {
			str_append(why, "a relay ID is printable ASCII without "
			    "'|', at most 128 bytes: \"");
			str_append_printable(why, w, n, 64);
			str_append_c(why, '"');
			goto fail;
		}
		if (count == RELAY_IDS_MAX) {
			str_appendf(why, "more than %d relay IDs",
			    RELAY_IDS_MAX);
			goto fail;
		}
		if (out != NULL)
			out[count] = mem_strndup(w, n);
		count++;
	}
	return count;
fail:
	while (out != NULL && count > 0)
		mem_free(out[--count]);
	return -1;
}

/* the adders of the inline maps: one "key rest" entry each */
typedef int (*conf_map_add)(void *, const char *, size_t, const char *,
    str *);

/* conf_add_login - "login account" */
static int
conf_add_login(void *m, const char *k, size_t n, const char *rest, str *why)
{
	return identity_login_add(m, k, n, rest, why);
}

/* conf_add_owner - "sender owner..." */
static int
conf_add_owner(void *m, const char *k, size_t n, const char *rest, str *why)
{
	return identity_owner_add(m, k, n, rest, why);
}

/* conf_add_client - "network account" */
static int
conf_add_client(void *list, const char *k, size_t n, const char *rest,
    str *why)
{
	const char *p = rest, *w;
	size_t wn;

	if ((w = str_next_word(&p, &wn)) == NULL ||
	    str_next_word(&p, &wn) != NULL) {
		str_append(why, "give one network and one account "
		    "(\"192.0.2.0/24 webshop\")");
		return -1;
	}
	return netlist_add(list, k, n, rest, why);
}

/* conf_map_entry - split one inline entry and add it */
static int
conf_map_entry(const char *line, conf_map_add add, void *arg, str *why)
{
	const char *p = line, *w;
	size_t wn;

	if ((w = str_next_word(&p, &wn)) == NULL) {
		str_append(why, "empty entry");
		return -1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	return add(arg, w, wn, p, why);
}

/* conf_map - every entry of an inline map option */
static int
conf_map(cfg_t *sec, const char *opt, conf_map_add add, void *arg, str *err)
{
	unsigned i, n;

	n = cfg_size(sec, opt);
	for (i = 0; i < n; i++)
		if (conf_map_entry(cfg_getnstr(sec, opt, i), add, arg, err) !=
		    0)
			return -1;
	return 0;
}

/* validate_map - an inline map's entries, checked while parsing, so the
 * error names the config's file:line */
static int
validate_map(cfg_t *cfg, cfg_opt_t *opt, conf_map_add add)
{
	struct identity_maps m;
	netlist nets;
	str why;
	int rc;

	unsigned i;

	memset(&m, 0, sizeof(m));
	memset(&nets, 0, sizeof(nets));
	str_init(&why);
	for (rc = 0, i = 0; rc == 0 && i < cfg_opt_size(opt); i++)
		if ((rc = conf_map_entry(cfg_opt_getnstr(opt, i), add,
		    add == conf_add_client ? (void *)&nets : (void *)&m,
		    &why)) != 0)
			cfg_error(cfg, "option '%s', entry %u: %s", opt->name,
			    i + 1, str_cstr(&why));
	identity_maps_free(&m);
	netlist_free(&nets);
	str_free(&why);
	return rc;
}

/* validate_logins, validate_owners, validate_clients - inline maps */
static int
validate_logins(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_map(cfg, opt, conf_add_login);
}

static int
validate_owners(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_map(cfg, opt, conf_add_owner);
}

static int
validate_clients(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_map(cfg, opt, conf_add_client);
}

/* validate_relay_ids - sender_identity.relay_ids */
static int
validate_relay_ids(cfg_t *cfg, cfg_opt_t *opt)
{
	str why;
	int rc;

	str_init(&why);
	rc = conf_sender_relay_ids(cfg_opt_getnstr(opt, 0), NULL, &why) < 0;
	if (rc)
		cfg_error(cfg, "option 'relay_ids': %s", str_cstr(&why));
	str_free(&why);
	return rc ? -1 : 0;
}

/* validate_identities - "mailfrom from" */
static int
validate_identities(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned ids;
	str why;
	int rc;

	str_init(&why);
	rc = authz_identity_parse(cfg_opt_getnstr(opt, 0), &ids, &why);
	if (rc != 0)
		cfg_error(cfg, "option 'identities': %s", str_cstr(&why));
	str_free(&why);
	return rc;
}

/* validate_label - lockdown.label: one DNS label */
static int
validate_label(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *l = cfg_opt_getnstr(opt, 0);
	size_t i, n = strlen(l);

	for (i = 0; i < n; i++)
		if (!((l[i] >= 'a' && l[i] <= 'z') || (l[i] >= 'A' &&
		    l[i] <= 'Z') || (l[i] >= '0' && l[i] <= '9') ||
		    l[i] == '_' || l[i] == '-'))
			break;
	if (n == 0 || n > 63 || i < n) {
		cfg_error(cfg, "option 'label': \"%.63s\" is not one DNS "
		    "label (letters, digits, '_', '-'; at most 63)", l);
		return -1;
	}
	return 0;
}

/* validate_block_keys - blocks.keys */
static int
validate_block_keys(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned bits;
	str why;
	int rc;

	str_init(&why);
	rc = limits_kind_parse(cfg_opt_getnstr(opt, 0), &bits, &why);
	if (rc != 0)
		cfg_error(cfg, "option 'keys': %s", str_cstr(&why));
	str_free(&why);
	return rc;
}

/* validate_refusals - blocks.refusals: 1..1000 */
static int
validate_refusals(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, 1, 1000);
}

/* validate_rate - "100/1h" */
static int
validate_rate(cfg_t *cfg, cfg_opt_t *opt)
{
	struct rate_rule r;
	str why;
	int rc;

	str_init(&why);
	rc = limits_rate_parse(cfg_opt_getnstr(opt, 0), &r, &why);
	if (rc != 0)
		cfg_error(cfg, "option '%s': %s", opt->name, str_cstr(&why));
	str_free(&why);
	return rc;
}

/* validate_rate_kind - a limit "kind" title names a key kind */
static int
validate_rate_kind(cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	unsigned bits;
	str why;
	int rc;

	str_init(&why);
	rc = strchr(cfg_title(sec), ' ') != NULL ||
	    limits_kind_parse(cfg_title(sec), &bits, &why) != 0 ? -1 : 0;
	if (rc != 0)
		cfg_error(cfg, "limit \"%s\": the title is one of ip, login, "
		    "account, sender_domain", cfg_title(sec));
	str_free(&why);
	return rc;
}

/* validate_state_error - state.on_error: accept or tempfail */
static int
validate_state_error(cfg_t *cfg, cfg_opt_t *opt)
{
	long a = cfg_opt_getnint(opt, 0);

	if (a != ACT_ACCEPT && a != ACT_TEMPFAIL) {
		cfg_error(cfg, "option 'on_error': accept (go on without "
		    "blocks and limits) or tempfail");
		return -1;
	}
	return 0;
}

/* validate_database - state.database: 0..1023 */
static int
validate_database(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, 0, 1023);
}

/* validate_entries - state.memory_entries */
static int
validate_entries(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, 100, 100000000);
}

/* validate_state_timeout - state.timeout: 1 ms .. 60 s */
static int
validate_state_timeout(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, 1, 60000);
}

/* validate_lockdown_timeout - lockdown.timeout: 100 ms .. 60 s */
static int
validate_lockdown_timeout(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, 100, 60000);
}

/* validate_length - at most max bytes (the store's own limits) */
static int
validate_length(cfg_t *cfg, cfg_opt_t *opt, size_t max)
{
	if (strlen(cfg_opt_getnstr(opt, 0)) <= max)
		return 0;
	cfg_error(cfg, "option '%s': longer than %zu bytes", opt->name, max);
	return -1;
}

/* validate_prefix, validate_password - state.prefix, state.password */
static int
validate_prefix(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_length(cfg, opt, 256);
}

static int
validate_password(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_length(cfg, opt, 1024);
}

/* validate_redis - state.redis: "" or host:port */
static int
validate_redis(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *r = cfg_opt_getnstr(opt, 0), *colon;
	char *end;
	long port;

	if (r[0] == '\0')
		return 0;
	colon = strrchr(r, ':');
	port = colon != NULL ? strtol(colon + 1, &end, 10) : 0;
	if (colon == NULL || colon == r || *end != '\0' || port < 1 ||
	    port > 65535 || strlen(r) > 255) {
		cfg_error(cfg, "option 'redis': \"%.255s\" is not host:port "
		    "(127.0.0.1:6379)", r);
		return -1;
	}
	return 0;
}

const struct conf_check conf_sender_checks[] = {
	{ "sender_identity|relay_ids", validate_relay_ids },
	{ "sender_identity|logins", validate_logins },
	{ "sender_identity|clients", validate_clients },
	{ "sender_login|owners", validate_owners },
	{ "sender_login|identities", validate_identities },
	{ "sender_login|text", conf_validate_text },
	{ "lockdown|label", validate_label },
	{ "lockdown|identities", validate_identities },
	{ "lockdown|text", conf_validate_text },
	{ "blocks|keys", validate_block_keys },
	{ "blocks|refusals", validate_refusals },
	{ "blocks|text", conf_validate_text },
	{ "rate_limits|limit", validate_rate_kind },
	{ "rate_limits|limit|messages", validate_rate },
	{ "rate_limits|limit|recipients", validate_rate },
	{ "rate_limits|account|messages", validate_rate },
	{ "rate_limits|account|recipients", validate_rate },
	{ "rate_limits|text", conf_validate_text },
	{ "state|redis", validate_redis },
	{ "state|timeout", validate_state_timeout },
	{ "state|prefix", validate_prefix },
	{ "state|password", validate_password },
	{ "lockdown|timeout", validate_lockdown_timeout },
	{ "state|on_error", validate_state_error },
	{ "state|database", validate_database },
	{ "state|memory_entries", validate_entries },
	{ NULL, NULL }
};

/* conf_identity - sender_identity: relay IDs and the two account maps */
static int
conf_identity(cfg_t *sec, struct conf *c, str *err)
{
	const char *f;
	char *ids[RELAY_IDS_MAX];
	int n;

	if ((n = conf_sender_relay_ids(cfg_getstr(sec, "relay_ids"), ids,
	    err)) < 0)
		return -1;
	if (n > 0) {
		c->relay_ids = mem_calloc((size_t)n, sizeof(*c->relay_ids));
		memcpy(c->relay_ids, ids, (size_t)n * sizeof(*ids));
		c->nrelay_ids = (size_t)n;
	}
	if (conf_map(sec, "logins", conf_add_login, &c->identity, err) != 0 ||
	    conf_map(sec, "clients", conf_add_client, &c->client_accounts,
	    err) != 0)
		return -1;
	f = cfg_getstr(sec, "logins_file");
	if (f[0] != '\0' && identity_logins_file(&c->identity, f, err) != 0)
		return -1;
	f = cfg_getstr(sec, "clients_file");
	if (f[0] != '\0' && netlist_load_file(f, &c->client_accounts, err) !=
	    0)
		return -1;
	netlist_index(&c->client_accounts);
	return 0;
}

/* conf_sender_login - sender_login: the owners map and its policy */
static int
conf_sender_login(cfg_t *sec, struct conf *c, str *err)
{
	const char *f;

	c->policy.sender_login = (enum action)cfg_getint(sec, "action");
	c->identity.unowned_ok = cfg_getbool(sec, "unowned_allowed");
	conf_exempt_modes(sec, &c->policy, CHECK_SENDER_LOGIN, 1);
	if (conf_map(sec, "owners", conf_add_owner, &c->identity, err) != 0)
		return -1;
	f = cfg_getstr(sec, "owners_file");
	if (f[0] != '\0' && identity_owners_file(&c->identity, f, err) != 0)
		return -1;
	identity_index(&c->identity);
	if (c->identity.nowners > 0 && authz_identity_parse(cfg_getstr(sec,
	    "identities"), &c->sender_login_identities, err) != 0)
		return -1;
	return 0;
}

/* conf_lockdown - the lockdown section */
static int
conf_lockdown(cfg_t *sec, struct conf *c, str *err)
{
	c->policy.lockdown[LOCKDOWNR_FAIL] = (enum action)cfg_getint(sec,
	    "fail");
	c->policy.lockdown[LOCKDOWNR_PERMERROR] = (enum action)cfg_getint(sec,
	    "permerror");
	c->policy.lockdown[LOCKDOWNR_TEMPERROR] = (enum action)cfg_getint(sec,
	    "temperror");
	conf_exempt_modes(sec, &c->policy, CHECK_LOCKDOWN, 1);
	c->lockdown_label = mem_strdup(cfg_getstr(sec, "label"));
	c->lockdown_timeout_ms = (int)cfg_getint(sec, "timeout");
	if (!cfg_getbool(sec, "enabled"))
		return 0;
	if (c->nrelay_ids == 0) {
		str_append(err, "enabled, but sender_identity.relay_ids is "
		    "empty: name the account ID(s) this relay stands for (the "
		    "auth= value domains publish for it)");
		return -1;
	}
	return authz_identity_parse(cfg_getstr(sec, "identities"),
	    &c->lockdown_identities, err);
}

/* conf_rate_limits - one limit or account section's two rules */
static void
conf_rate_rules(cfg_t *sec, struct rate_limits *l)
{
	str why;

	str_init(&why);
	/* validated while parsing */
	(void)limits_rate_parse(cfg_getstr(sec, "messages"), &l->messages,
	    &why);
	(void)limits_rate_parse(cfg_getstr(sec, "recipients"), &l->recipients,
	    &why);
	str_free(&why);
}

/* conf_limits - the blocks and rate_limits sections */
static void
conf_limits(cfg_t *blocks, cfg_t *rates, struct conf *c)
{
	struct limits_cfg *l = &c->limits;
	unsigned i, n, kinds;
	cfg_t *sec;
	str why;

	str_init(&why);
	(void)limits_kind_parse(cfg_getstr(blocks, "keys"), &l->block_kinds,
	    &why);
	l->block_refusals = (unsigned)cfg_getint(blocks, "refusals");
	l->block_window_ms = cfg_getint(blocks, "window");
	l->block_duration_ms = cfg_getint(blocks, "duration");
	c->policy.block = (enum action)cfg_getint(blocks, "action");
	conf_exempt_modes(blocks, &c->policy, CHECK_BLOCK, 1);
	c->policy.rate = (enum action)cfg_getint(rates, "action");
	conf_exempt_modes(rates, &c->policy, CHECK_RATE, 1);
	n = cfg_size(rates, "limit");
	for (i = 0; i < n; i++) {
		sec = cfg_getnsec(rates, "limit", i);
		(void)limits_kind_parse(cfg_title(sec), &kinds, &why);
		for (int k = 0; k < LIMIT_KIND_COUNT; k++)
			if (kinds & (1u << k))
				conf_rate_rules(sec, &l->rate[k]);
	}
	n = cfg_size(rates, "account");
	if (n > 0)
		l->overrides = mem_calloc(n, sizeof(*l->overrides));
	for (i = 0; i < n; i++) {
		sec = cfg_getnsec(rates, "account", i);
		l->overrides[i].account = mem_strdup(cfg_title(sec));
		conf_rate_rules(sec, &l->overrides[i].limits);
		l->noverrides++;
	}
	str_free(&why);
}

/* conf_state - where counters and blocks live */
static void
conf_state(cfg_t *sec, struct conf *c)
{
	c->redis = mem_strdup(cfg_getstr(sec, "redis"));
	c->redis_password = mem_strdup(cfg_getstr(sec, "password"));
	c->redis_db = (int)cfg_getint(sec, "database");
	c->redis_prefix = mem_strdup(cfg_getstr(sec, "prefix"));
	c->state_timeout_ms = (int)cfg_getint(sec, "timeout");
	c->state_memory_entries = (size_t)cfg_getint(sec, "memory_entries");
	c->policy.state_error = (enum action)cfg_getint(sec, "on_error");
}

/* conf_sender_build - the sending side's sections of a parsed tree; the
 * map files are read here (again on every reload) */
int
conf_sender_build(cfg_t *cfg, struct conf *c, str *err)
{
	if (conf_identity(cfg_getsec(cfg, "sender_identity"), c, err) != 0) {
		conf_err_prefix(err, "sender_identity: ");
		return -1;
	}
	if (conf_sender_login(cfg_getsec(cfg, "sender_login"), c, err) != 0) {
		conf_err_prefix(err, "sender_login: ");
		return -1;
	}
	if (conf_lockdown(cfg_getsec(cfg, "lockdown"), c, err) != 0) {
		conf_err_prefix(err, "lockdown: ");
		return -1;
	}
	conf_limits(cfg_getsec(cfg, "blocks"), cfg_getsec(cfg, "rate_limits"),
	    c);
	conf_state(cfg_getsec(cfg, "state"), c);
	return 0;
}

/* conf_sender_free - release what conf_sender_build made */
void
conf_sender_free(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nrelay_ids; i++)
		mem_free(c->relay_ids[i]);
	mem_free(c->relay_ids);
	identity_maps_free(&c->identity);
	netlist_free(&c->client_accounts);
	mem_free(c->lockdown_label);
	limits_cfg_free(&c->limits);
	mem_free(c->redis);
	mem_free(c->redis_password);
	mem_free(c->redis_prefix);
}

/* conf_same_state - the same store settings */
int
conf_same_state(const struct conf *a, const struct conf *b)
{
	return strcmp(a->redis, b->redis) == 0 &&
	    strcmp(a->redis_password, b->redis_password) == 0 &&
	    a->redis_db == b->redis_db &&
	    strcmp(a->redis_prefix, b->redis_prefix) == 0 &&
	    a->state_timeout_ms == b->state_timeout_ms &&
	    a->state_memory_entries == b->state_memory_entries;
}

/* conf_sender_active - is any sending-side check on */
int
conf_sender_active(const struct conf *c)
{
	return c->lockdown_identities != 0 || c->sender_login_identities != 0
	    || c->limits.block_kinds != 0 || limits_rate_enabled(&c->limits);
}
