/*
 * conf - the configuration loader core; see conf.h. It reads the file,
 * lets libconfuse parse it against the option tables, builds struct conf
 * and the per-domain overrides, and frees them. The sections live in
 * files of their own (conf_section.h): conf_auth.c (spf, dkim, dmarc),
 * conf_ip.c (ip_lists, dnsbl, iprev, helo, sender_networks), conf_score.c
 * and conf_override.c; the values they share are conf_value.c's. Here
 * are the daemon's own options and the dns section.
 *
 * The option tables are the single list of options: the sample config
 * (conf/authgate.conf) and authgate.conf(5) document every entry of
 * them. libconfuse does the parsing; the callbacks parse durations and
 * words and validate values while the parser still knows the line, so
 * every error names file:line.
 */
#include "config.h"

#include <confuse.h>
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/ipaddr.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/netlist.h"
#include "util/str.h"
#include "dns/dns.h"
#include "mail/domlist.h"
#include "dmarcrep/dmarcrep_mail.h"
#include "dmarcrep/dmarcrep_store.h"
#include "ipcheck/authz.h"
#include "ipcheck/dnsbl.h"
#include "ipcheck/generic_name.h"
#include "ipcheck/iplist.h"
#include "verdict/policy.h"
#include "config/conf.h"
#include "config/conf_section.h"
#include "config/conf_value.h"

/* configure's --sysconfdir and --runstatedir (a package: /etc, /run) */
#define AUTHGATE_CONFIG_PATH	SYSCONFDIR "/authgate/authgate.conf"
#define AUTHGATE_SOCKET		"unix:" RUNSTATEDIR "/authgate/authgate.sock"

#define FORWARDERS_MAX	20	/* each costs an SPF check per connection */

/* the file being parsed and the errors found, for the error callback */
static __thread const char *conf_file;
static __thread str *conf_errors;

/* conf_default_path - where the config lives unless -c says otherwise */
const char *
conf_default_path(void)
{
	return AUTHGATE_CONFIG_PATH;
}

/* conf_error_fn - libconfuse reports a problem: file:line: message */
static void conf_error_fn(cfg_t *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
conf_error_fn(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[512];
	const char *p;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (conf_errors == NULL)
		return;
	str_appendf(conf_errors, "%s:", conf_file != NULL ? conf_file :
	    "(config)");
	if (cfg != NULL && cfg->line > 0)
		str_appendf(conf_errors, "%d:", cfg->line);
	str_append_c(conf_errors, ' ');
	if (strncmp(msg, "no such option ", 15) == 0) {
		str_appendf(conf_errors, "unknown option %s", msg + 15);
		if (cfg != NULL && cfg->name != NULL &&
		    strcmp(cfg->name, "root") != 0)
			str_appendf(conf_errors, " in section %s", cfg->name);
	} else {
		for (p = msg; *p != '\0'; p++)
			if (*p != '\n')
				str_append_c(conf_errors, *p);
	}
	str_append_c(conf_errors, '\n');
}

/* parse_stage - the SMTP stage to refuse at */
static int
parse_stage(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	static const struct conf_words words = {
		"a stage", policy_stage_names, STAGE_COUNT, NULL
	};

	return conf_parse_word(cfg, opt, value, result, &words);
}

/* parse_facility - syslog facility name */
static int
parse_facility(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	static const struct conf_words words = {
		"a syslog facility", log_facility_names, LOG_FACILITY_COUNT,
		log_facility_values
	};

	return conf_parse_word(cfg, opt, value, result, &words);
}

/* parse_log_to - where the daemon logs: auto, syslog, stderr */
static int
parse_log_to(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	static const char *const names[] = { "auto", "syslog", "stderr" };
	static const struct conf_words words = {
		"a log destination", names, 3, NULL
	};

	return conf_parse_word(cfg, opt, value, result, &words);
}

/* parse_log_format - the transaction line: text or json */
static int
parse_log_format(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	static const char *const names[] = { "text", "json" };
	static const struct conf_words words = {
		"a log format", names, 2, NULL
	};

	return conf_parse_word(cfg, opt, value, result, &words);
}

/* parse_level - log level name */
static int
parse_level(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	static const struct conf_words words = {
		"a log level", log_level_names, LOG_LEVEL_COUNT, log_level_values
	};

	return conf_parse_word(cfg, opt, value, result, &words);
}

/* parse_mode - octal file mode, "" for "leave as created" */
static int
parse_mode(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	long m;
	char *end;

	if (value[0] == '\0') {
		*(long *)result = -1;
		return 0;
	}
	m = strtol(value, &end, 8);
	if (*end != '\0' || m < 0 || m > 0777) {
		cfg_error(cfg, "option '%s': \"%s\" is not an octal file mode "
		    "(e.g. 0660)", opt->name, value);
		return -1;
	}
	*(long *)result = m;
	return 0;
}

/* validate_socket - unix:/path, local:/path, inet:port@host, inet6:... */
static int
validate_socket(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v, *p;
	char *end;
	long port;

	v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	if (strncmp(v, "unix:", 5) == 0 || strncmp(v, "local:", 6) == 0) {
		p = strchr(v, ':') + 1;
		if (p[0] == '/' && strlen(p) < 100)
			return 0;
		cfg_error(cfg, "option 'socket': \"%s\" needs an absolute path "
		    "shorter than 100 bytes", v);
		return -1;
	}
	if (strncmp(v, "inet:", 5) == 0 || strncmp(v, "inet6:", 6) == 0) {
		p = strchr(v, ':') + 1;
		port = strtol(p, &end, 10);
		if (end != p && port > 0 && port < 65536 &&
		    (*end == '\0' || (*end == '@' && end[1] != '\0')))
			return 0;
		cfg_error(cfg, "option 'socket': \"%s\" is not inet:PORT@HOST", v);
		return -1;
	}
	cfg_error(cfg, "option 'socket': \"%s\" is not unix:/path, "
	    "inet:port@host or inet6:port@host", v);
	return -1;
}

/* validate_user - the user to drop privileges to must exist */
static int
validate_user(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v;

	v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	if (v[0] == '\0' || getpwnam(v) != NULL)
		return 0;
	cfg_error(cfg, "option 'user': no such user \"%s\"", v);
	return -1;
}

/* validate_abs_path - an absolute path or empty */
static int
validate_abs_path(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v;

	v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	if (v[0] == '\0' || v[0] == '/')
		return 0;
	cfg_error(cfg, "option '%s': \"%s\" is not an absolute path",
	    opt->name, v);
	return -1;
}

/* validate_metrics - empty, or the IP address and port to listen on */
static int
validate_metrics(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v;
	unsigned port;
	ipaddr ip;

	v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	if (v[0] == '\0' || ipaddr_parse_port(v, &ip, &port) == 0)
		return 0;
	cfg_error(cfg, "option 'metrics': \"%s\" is not ADDRESS:PORT "
	    "(\"127.0.0.1:9464\", \"[::1]:9464\")", v);
	return -1;
}

/* validate_servers - nameserver list syntax */
static int
validate_servers(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v;
	str csv, err;
	int rc;

	v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	if (v[0] == '\0')
		return 0;
	str_init(&csv);
	str_init(&err);
	if ((rc = dns_servers_parse(v, &csv, &err)) != 0)
		cfg_error(cfg, "option 'servers': %s", str_cstr(&err));
	str_free(&csv);
	str_free(&err);
	return rc;
}

/* validate_forwarders - trusted_forwarders: exact domain names, few */
static int
validate_forwarders(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_check_domains(cfg, opt, DOMLIST_EXACT, FORWARDERS_MAX,
	    "each costs an SPF check per connection");
}

/* validate_tries - dns.tries */
static int
validate_tries(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, 1, 10);
}

/* validate_cache_size - dns.cache_size */
static int
validate_cache_size(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, 0, 10000000);
}

/* validate_dmarc_store - empty (no recording) or a store we know */
static int
validate_dmarc_store(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v, *rest;
	str err;

	v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	if (v[0] == '\0')
		return 0;
	str_init(&err);
	if (dmarcrep_store_find(v, &rest, &err) == NULL) {
		cfg_error(cfg, "option 'store': %s", str_cstr(&err));
		str_free(&err);
		return -1;
	}
	str_free(&err);
	return 0;
}

/* validate_dmarc_transport - how authgate-report hands mail over */
static int
validate_dmarc_transport(cfg_t *cfg, cfg_opt_t *opt)
{
	str err;
	int rc;

	str_init(&err);
	if ((rc = dmarcrep_transport_check(cfg_opt_getnstr(opt,
	    cfg_opt_size(opt) - 1), &err)) != 0)
		cfg_error(cfg, "option 'transport': %s", str_cstr(&err));
	str_free(&err);
	return rc;
}

/* validate_dmarc_retention - at least two days: the daily run reports
 * yesterday, so a shorter retention would delete records before they
 * were ever reported */
static int
validate_dmarc_retention(cfg_t *cfg, cfg_opt_t *opt)
{
	if (cfg_opt_getnint(opt, cfg_opt_size(opt) - 1) >= 2L * 86400 * 1000)
		return 0;
	cfg_error(cfg, "option 'retention': at least 2d (the daily run "
	    "reports the day before)");
	return -1;
}

/* validate_dmarc_queue - rows waiting for the writer, at most */
static int
validate_dmarc_queue(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, 1, 1000000);
}

/* validate_dmarc_failure_max - failure reports per domain and run */
static int
validate_dmarc_failure_max(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, 1, 100000);
}

/* validate_threads - check_threads */
static int
validate_threads(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, 1, 4096);
}

/* validate_authserv_id - a token: no space, ";" or quote */
static int
validate_authserv_id(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v, *p;

	v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    strchr("()<>@,;:\\\"/[]?=", *p) != NULL)
			break;
	if (*p == '\0')
		return 0;
	cfg_error(cfg, "option 'authserv_id': \"%s\" must be a host name "
	    "(no spaces or special characters)", v);
	return -1;
}

/* validate_exempt_rcpts - "postmaster abuse abuse@example.com" */
static int
validate_exempt_rcpts(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *p, *w;
	size_t n;

	p = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	while ((w = str_next_word(&p, &n)) != NULL)
		if (n > 254 || memchr(w, '<', n) != NULL ||
		    memchr(w, '>', n) != NULL || (w[0] == '@')) {
			cfg_error(cfg, "option 'exempt_recipients': \"%.*s\" is "
			    "not a local part (postmaster) or an address "
			    "(abuse@example.com)", (int)(n > 60 ? 60 : n), w);
			return -1;
		}
	return 0;
}

static cfg_opt_t dns_opts[] = {
	CFG_STR("servers", "", CFGF_NONE),
	CFG_INT_CB("timeout", 2000, CFGF_NONE, conf_parse_duration),
	CFG_INT("tries", 2, CFGF_NONE),
	CFG_INT("cache_size", 20000, CFGF_NONE),
	CFG_INT_CB("cache_max_ttl", 86400 * 1000, CFGF_NONE, conf_parse_duration),
	CFG_INT_CB("cache_max_negative_ttl", 3600 * 1000, CFGF_NONE,
	    conf_parse_duration),
	CFG_END()
};

/* DMARC aggregate reports: where the evaluations are recorded */
static cfg_opt_t dmarc_reports_opts[] = {
	CFG_STR("store", "", CFGF_NONE),
	CFG_INT("queue", 10000, CFGF_NONE),
	CFG_STR("org_name", "", CFGF_NONE),
	CFG_STR("email", "", CFGF_NONE),
	CFG_STR("extra_contact_info", "", CFGF_NONE),
	CFG_STR("transport", "sendmail:/usr/sbin/sendmail", CFGF_NONE),
	CFG_INT_CB("retention", 14LL * 86400 * 1000, CFGF_NONE,
	    conf_parse_duration),
	CFG_BOOL("failure_reports", cfg_false, CFGF_NONE),
	CFG_INT("failure_max", 10, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t root_opts[] = {
	CFG_STR("authserv_id", "", CFGF_NONE),
	CFG_STR("socket", AUTHGATE_SOCKET, CFGF_NONE),
	CFG_INT_CB("socket_mode", 0660, CFGF_NONE, parse_mode),
	CFG_STR("user", "", CFGF_NONE),
	CFG_STR("pid_file", "", CFGF_NONE),
	CFG_INT_CB("syslog_facility", LOG_MAIL, CFGF_NONE, parse_facility),
	CFG_INT_CB("log_to", CONF_LOG_AUTO, CFGF_NONE, parse_log_to),
	CFG_INT_CB("log_format", CONF_LOG_TEXT, CFGF_NONE, parse_log_format),
	CFG_INT_CB("log_level", LOG_INFO, CFGF_NONE, parse_level),
	CFG_INT_CB("milter_timeout", 300000, CFGF_NONE, conf_parse_duration),
	CFG_INT("check_threads", 64, CFGF_NONE),
	CFG_INT_CB("reject_stage", STAGE_RCPT, CFGF_NONE, parse_stage),
	CFG_STR("exempt_recipients", "postmaster abuse", CFGF_NONE),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_INT_CB("reply_codes", 0, CFGF_NONE, conf_parse_reply_codes),
	CFG_STR("allowlist_senders", "", CFGF_NONE),
	CFG_INT_CB("quarantine_method", 0, CFGF_NONE, conf_parse_quarantine),
	CFG_STR("trusted_networks", "127.0.0.0/8, ::1", CFGF_NONE),
	CFG_STR("trusted_forwarders", "", CFGF_NONE),
	CFG_STR("control_socket", "", CFGF_NONE),
	CFG_STR("metrics", "", CFGF_NONE),
	CFG_SEC("dns", dns_opts, CFGF_NONE),
	CFG_SEC("dmarc_reports", dmarc_reports_opts, CFGF_NONE),
	CFG_SEC("spf", conf_spf_opts, CFGF_NONE),
	CFG_SEC("dkim", conf_dkim_opts, CFGF_NONE),
	CFG_SEC("dmarc", conf_dmarc_opts, CFGF_NONE),
	CFG_SEC("arc", conf_arc_opts, CFGF_NONE),
	CFG_SEC("ip_lists", conf_iplists_opts, CFGF_NONE),
	CFG_SEC("dnsbl", conf_dnsbl_opts, CFGF_NONE),
	CFG_SEC("iprev", conf_iprev_opts, CFGF_NONE),
	CFG_SEC("helo", conf_helo_opts, CFGF_NONE),
	CFG_SEC("sender_networks", conf_authz_opts, CFGF_NONE),
	CFG_SEC("sender_identity", conf_identity_opts, CFGF_NONE),
	CFG_SEC("sender_login", conf_sender_login_opts, CFGF_NONE),
	CFG_SEC("lockdown", conf_lockdown_opts, CFGF_NONE),
	CFG_SEC("blocks", conf_blocks_opts, CFGF_NONE),
	CFG_SEC("rate_limits", conf_rate_opts, CFGF_NONE),
	CFG_SEC("state", conf_state_opts, CFGF_NONE),
	CFG_SEC("score", conf_score_opts, CFGF_NONE),
	CFG_SEC("override", conf_override_opts, CFGF_MULTI | CFGF_TITLE |
	    CFGF_NO_TITLE_DUPES),
	CFG_END()
};

/* the validators of the daemon's options and of the dns section */
static const struct conf_check conf_core_checks[] = {
	{ "socket", validate_socket },
	{ "user", validate_user },
	{ "pid_file", validate_abs_path },
	{ "control_socket", validate_abs_path },
	{ "metrics", validate_metrics },
	{ "authserv_id", validate_authserv_id },
	{ "check_threads", validate_threads },
	{ "trusted_networks", conf_validate_networks },
	{ "trusted_forwarders", validate_forwarders },
	{ "allowlist_senders", conf_validate_domains },
	{ "exempt_recipients", validate_exempt_rcpts },
	{ "dns|servers", validate_servers },
	{ "dns|tries", validate_tries },
	{ "dns|cache_size", validate_cache_size },
	{ "dmarc_reports|store", validate_dmarc_store },
	{ "dmarc_reports|queue", validate_dmarc_queue },
	{ "dmarc_reports|transport", validate_dmarc_transport },
	{ "dmarc_reports|retention", validate_dmarc_retention },
	{ "dmarc_reports|failure_max", validate_dmarc_failure_max },
	{ NULL, NULL }
};

/* every table of validators, one per file of sections */
static const struct conf_check *const conf_checks[] = {
	conf_core_checks, conf_auth_checks, conf_arc_checks, conf_ip_checks,
	conf_sender_checks,
	conf_score_checks, conf_override_checks
};

/* conf_opt_at - the option a path ("dnsbl|zone|listing") names in an
 * option table, NULL if there is none */
static const cfg_opt_t *
conf_opt_at(const cfg_opt_t *opts, const char *path)
{
	size_t n;

	for (;;) {
		n = strcspn(path, "|");
		while (opts != NULL && opts->name != NULL &&
		    (strlen(opts->name) != n || strncmp(opts->name, path, n) != 0))
			opts++;
		if (opts == NULL || opts->name == NULL)
			return NULL;
		if (path[n] == '\0')
			return opts;
		opts = opts->subopts;
		path += n + 1;
	}
}

/* conf_register - set the validators of the tables; "sec|*" stands for
 * each option of the section sec. A path that names no option is a bug. */
static void
conf_register(cfg_t *cfg)
{
	const struct conf_check *chk;
	const cfg_opt_t *sec, *o;
	char path[128];
	size_t t, n;

	for (t = 0; t < sizeof(conf_checks) / sizeof(conf_checks[0]); t++)
		for (chk = conf_checks[t]; chk->path != NULL; chk++) {
			n = strlen(chk->path);
			if (n < 2 || strcmp(chk->path + n - 2, "|*") != 0) {
				if (conf_opt_at(root_opts, chk->path) == NULL)
					log_panic("config: no option %s to "
					    "validate", chk->path);
				cfg_set_validate_func(cfg, chk->path, chk->fn);
				continue;
			}
			snprintf(path, sizeof(path), "%.*s", (int)(n - 2),
			    chk->path);
			if ((sec = conf_opt_at(root_opts, path)) == NULL ||
			    sec->subopts == NULL)
				log_panic("config: no section %s to validate",
				    path);
			for (o = sec->subopts; o->name != NULL; o++) {
				if (o->type == CFGT_SEC || (size_t)snprintf(path,
				    sizeof(path), "%.*s|%s", (int)(n - 2),
				    chk->path, o->name) >= sizeof(path))
					log_panic("config: cannot validate %s|%s",
					    chk->path, o->name);
				cfg_set_validate_func(cfg, path, chk->fn);
			}
		}
}

/* conf_report_only - report_only at the top (every check) and in each
 * check's section (that check) */
static void
conf_report_only(cfg_t *cfg, struct policy *p)
{
	static const struct { enum check c; const char *section; } map[] = {
		{ CHECK_SPF, "spf" }, { CHECK_DKIM, "dkim" },
		{ CHECK_IPLIST, "ip_lists" }, { CHECK_DNSBL, "dnsbl" },
		{ CHECK_IPREV, "iprev" }, { CHECK_HELO, "helo" },
		{ CHECK_AUTHZ, "sender_networks" },
		{ CHECK_LOCKDOWN, "lockdown" },
		{ CHECK_SENDER_LOGIN, "sender_login" },
		{ CHECK_BLOCK, "blocks" }, { CHECK_RATE, "rate_limits" }
	};
	int all;
	size_t i;

	all = cfg_getbool(cfg, "report_only");
	for (i = 0; i < CHECK_COUNT; i++)
		p->report_only[i] = all;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (cfg_getbool(cfg_getsec(cfg, map[i].section), "report_only"))
			p->report_only[map[i].c] = 1;
}

/* conf_texts - the checks' reply templates ("" for the built-in) */
static void
conf_texts(cfg_t *cfg, struct policy *p)
{
	static const struct { enum check c; const char *section; } map[] = {
		{ CHECK_SPF, "spf" }, { CHECK_DKIM, "dkim" },
		{ CHECK_DMARC, "dmarc" }, { CHECK_DNSBL, "dnsbl" },
		{ CHECK_IPREV, "iprev" }, { CHECK_HELO, "helo" },
		{ CHECK_LOCKDOWN, "lockdown" },
		{ CHECK_SENDER_LOGIN, "sender_login" },
		{ CHECK_BLOCK, "blocks" }, { CHECK_RATE, "rate_limits" }
	};
	const char *t;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		t = cfg_getstr(cfg_getsec(cfg, map[i].section), "text");
		p->text[map[i].c] = t[0] != '\0' ? mem_strdup(t) : NULL;
	}
	t = cfg_getstr(cfg_getsec(cfg, "score"), "text");
	p->score_text = t[0] != '\0' ? mem_strdup(t) : NULL;
}

/* conf_build - the struct conf from a parsed tree */
static struct conf *
conf_build(cfg_t *cfg, const char *path, str *errors)
{
	struct conf *c;
	cfg_t *dns;
	str err;

	c = mem_calloc(1, sizeof(*c));
	c->path = mem_strdup(path);
	c->socket = mem_strdup(cfg_getstr(cfg, "socket"));
	c->socket_mode = (int)cfg_getint(cfg, "socket_mode");
	c->user = mem_strdup(cfg_getstr(cfg, "user"));
	c->pid_file = mem_strdup(cfg_getstr(cfg, "pid_file"));
	c->authserv_id = cfg_getstr(cfg, "authserv_id")[0] != '\0' ?
	    mem_strdup(cfg_getstr(cfg, "authserv_id")) : conf_host_name();
	c->syslog_facility = (int)cfg_getint(cfg, "syslog_facility");
	c->log_to = (int)cfg_getint(cfg, "log_to");
	c->log_format = (int)cfg_getint(cfg, "log_format");
	c->log_level = (int)cfg_getint(cfg, "log_level");
	c->milter_timeout = (int)((cfg_getint(cfg, "milter_timeout") + 999) /
	    1000);
	c->check_threads = (unsigned)cfg_getint(cfg, "check_threads");
	policy_defaults(&c->policy);
	c->policy.reject_stage = (enum stage)cfg_getint(cfg, "reject_stage");
	/* the lists were validated while parsing: these cannot fail */
	str_init(&err);
	if (netlist_parse(cfg_getstr(cfg, "trusted_networks"),
	    &c->trusted_networks, &err) != 0)
		log_panic("config: trusted_networks: %s", str_cstr(&err));
	if (domlist_parse(cfg_getstr(cfg, "allowlist_senders"), 0,
	    &c->policy.allowlist_senders, &err) != 0 ||
	    domlist_parse(cfg_getstr(cfg, "trusted_forwarders"), DOMLIST_EXACT,
	    &c->trusted_forwarders, &err) != 0)
		log_panic("config: domain list: %s", str_cstr(&err));

	dns = cfg_getsec(cfg, "dns");
	c->dns_servers = mem_strdup(cfg_getstr(dns, "servers"));
	c->dns.servers = c->dns_servers;
	c->dns.timeout_ms = (int)cfg_getint(dns, "timeout");
	c->dns.tries = (int)cfg_getint(dns, "tries");
	c->dns.cache_size = (size_t)cfg_getint(dns, "cache_size");
	c->dns.cache_max_ttl = (uint32_t)(cfg_getint(dns, "cache_max_ttl") /
	    1000);
	c->dns.cache_max_negative_ttl = (uint32_t)(cfg_getint(dns,
	    "cache_max_negative_ttl") / 1000);

	conf_auth_build(cfg, c);
	policy_set_exempt_rcpts(&c->policy, cfg_getstr(cfg,
	    "exempt_recipients"));
	conf_report_only(cfg, &c->policy);
	c->policy.rfc7372_codes = cfg_getint(cfg, "reply_codes") != 0;
	c->policy.quarantine_header = cfg_getint(cfg, "quarantine_method") != 0;
	conf_score_build(cfg_getsec(cfg, "score"), &c->policy.score);
	conf_texts(cfg, &c->policy);
	c->control_socket = mem_strdup(cfg_getstr(cfg, "control_socket"));
	c->metrics = mem_strdup(cfg_getstr(cfg, "metrics"));
	c->dmarc_store = mem_strdup(cfg_getstr(cfg_getsec(cfg,
	    "dmarc_reports"), "store"));
	c->dmarc_queue = (size_t)cfg_getint(cfg_getsec(cfg, "dmarc_reports"),
	    "queue");
	c->dmarc_org = mem_strdup(cfg_getstr(cfg_getsec(cfg, "dmarc_reports"),
	    "org_name"));
	c->dmarc_email = mem_strdup(cfg_getstr(cfg_getsec(cfg,
	    "dmarc_reports"), "email"));
	c->dmarc_contact = mem_strdup(cfg_getstr(cfg_getsec(cfg,
	    "dmarc_reports"), "extra_contact_info"));
	c->dmarc_transport = mem_strdup(cfg_getstr(cfg_getsec(cfg,
	    "dmarc_reports"), "transport"));
	c->dmarc_retention_s = (int64_t)(cfg_getint(cfg_getsec(cfg,
	    "dmarc_reports"), "retention") / 1000);
	c->dmarc_failure = cfg_getbool(cfg_getsec(cfg, "dmarc_reports"),
	    "failure_reports") == cfg_true;
	c->dmarc_failure_max = (int)cfg_getint(cfg_getsec(cfg,
	    "dmarc_reports"), "failure_max");
	if (conf_arc_build(cfg, c, &err) != 0 ||
	    conf_ip_build(cfg, c, &err) != 0 ||
	    conf_sender_build(cfg, c, &err) != 0) {
		str_appendf(errors, "%s: %s", path != NULL ? path : "(config)",
		    str_cstr(&err));
		str_free(&err);
		conf_free(c);
		return NULL;
	}
	str_free(&err);
	return c;
}

/* conf_strip_comments - blank out comments, keeping every newline
 *
 * libconfuse 3.3 counts each "#" or "//" comment as three lines and each
 * block comment as two, so every error after a comment named the wrong
 * line. Comments are replaced by spaces here (quoted strings are left
 * alone) and libconfuse parses the result, whose line count is exact.
 * libconfuse also accepts a section left open at the end of the file;
 * braces are matched here, and the line of the first "{" never closed
 * is returned (0 when all are closed). */
static int
conf_strip_comments(const char *in, size_t len, str *out)
{
	int open_line[16], depth, line;
	size_t i;
	char quote;

	quote = 0;
	depth = 0;
	line = 1;
	for (i = 0; i < len; i++) {
		if (in[i] == '\n')
			line++;
		if (quote) {
			str_append_c(out, in[i]);
			if (in[i] == '\\' && quote == '"' && i + 1 < len)
				str_append_c(out, in[++i]);
			else if (in[i] == quote)
				quote = 0;
			continue;
		}
		if (in[i] == '"' || in[i] == '\'') {
			quote = in[i];
			str_append_c(out, in[i]);
		} else if (in[i] == '#' || (in[i] == '/' && i + 1 < len &&
		    in[i + 1] == '/')) {
			while (i < len && in[i] != '\n') {
				str_append_c(out, ' ');
				i++;
			}
			if (i < len) {
				str_append_c(out, '\n');
				line++;
			}
		} else if (in[i] == '/' && i + 1 < len && in[i + 1] == '*') {
			for (; i < len && !(in[i] == '*' && i + 1 < len &&
			    in[i + 1] == '/'); i++) {
				if (in[i] == '\n')
					line++;
				str_append_c(out, in[i] == '\n' ? '\n' : ' ');
			}
			if (i < len) {
				str_append(out, "  ");
				i++;
			}
		} else {
			if (in[i] == '{') {
				if (depth < 16)
					open_line[depth] = line;
				depth++;
			} else if (in[i] == '}' && depth > 0)
				depth--;
			str_append_c(out, in[i]);
		}
	}
	return depth > 0 ? open_line[0] : 0;
}

/* conf_read_file - the whole file, comments blanked out */
static int
conf_read_file(const char *path, str *out, str *err)
{
	char buf[8192];
	str raw;
	size_t n;
	FILE *f;
	int open_line;

	if ((f = fopen(path, "r")) == NULL) {
		str_appendf(err, "%s: cannot read the config file: %s\n", path,
		    strerror(errno));
		return -1;
	}
	str_init(&raw);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		str_append_n(&raw, buf, n);
		if (raw.len > 4 * 1024 * 1024) {
			str_appendf(err, "%s: config file larger than 4 MB\n",
			    path);
			fclose(f);
			str_free(&raw);
			return -1;
		}
	}
	fclose(f);
	if (memchr(str_cstr(&raw), '\0', raw.len) != NULL) {
		str_appendf(err, "%s: config file contains NUL bytes\n", path);
		str_free(&raw);
		return -1;
	}
	open_line = conf_strip_comments(str_cstr(&raw), raw.len, out);
	str_append(out, "");
	str_free(&raw);
	if (open_line > 0) {
		str_appendf(err, "%s:%d: section opened here is never closed "
		    "(missing \"}\")\n", path, open_line);
		return -1;
	}
	return 0;
}

/* conf_overrides - each override's policy: the whole file again, with
 * the override's options set over it */
static int
conf_overrides(cfg_t *cfg, const char *text, struct conf *c, str *err)
{
	struct conf *c2;
	cfg_t *sec, *cfg2;
	unsigned i, n;
	str e;

	n = cfg_size(cfg, "override");
	if (n == 0)
		return 0;
	c->overrides = mem_calloc(n, sizeof(*c->overrides));
	str_init(&e);
	for (i = 0; i < n; i++) {
		sec = cfg_getnsec(cfg, "override", i);
		cfg2 = cfg_init(root_opts, CFGF_NONE);
		if (cfg2 == NULL || cfg_parse_buf(cfg2, text) != CFG_SUCCESS ||
		    conf_override_walk(sec, cfg2, "", &e) != 0 ||
		    (c2 = conf_build(cfg2, c->path, &e)) == NULL) {
			str_appendf(err, "%s: override \"%s\": cannot be built%s%s",
			    c->path != NULL ? c->path : "(config)",
			    cfg_title(sec), e.len ? ": " : "", str_cstr(&e));
			if (cfg2 != NULL)
				cfg_free(cfg2);
			str_free(&e);
			return -1;
		}
		if (conf_score_order(c2->policy.score.threshold, &e) != 0) {
			str_appendf(err, "%s: override \"%s\": %s",
			    c->path != NULL ? c->path : "(config)",
			    cfg_title(sec), str_cstr(&e));
			conf_free(c2);
			cfg_free(cfg2);
			str_free(&e);
			return -1;
		}
		c->overrides[c->noverrides].domain = mem_strdup(cfg_title(sec));
		for (char *p = c->overrides[c->noverrides].domain; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		c->overrides[c->noverrides].sender = cfg_getint(sec, "match") != 0;
		/* the override keeps only the policy */
		c->overrides[c->noverrides].policy = c2->policy;
		memset(&c2->policy, 0, sizeof(c2->policy));
		c->noverrides++;
		conf_free(c2);
		cfg_free(cfg2);
	}
	str_free(&e);
	return 0;
}

/* conf_policy_for - the policy for a transaction: the override of the
 * recipient domain, else of the sender domain, else the file's */
const struct policy *
conf_policy_for(const struct conf *c, const char *sender_domain,
    const char *rcpt_domain)
{
	const struct policy *p = &c->policy;
	domlist one;
	char *entry;
	size_t i;
	int want;

	for (want = 0; want < 2; want++) {
		const char *d = want == 0 ? rcpt_domain : sender_domain;

		if (d == NULL || d[0] == '\0')
			continue;
		for (i = 0; i < c->noverrides; i++) {
			if (c->overrides[i].sender != want)
				continue;
			entry = c->overrides[i].domain;
			one.v = &entry;
			one.n = 1;
			if (domlist_match(&one, d) != NULL)
				return &c->overrides[i].policy;
		}
	}
	return p;
}

/* conf_load - read, validate and build a config */
int
conf_load(const char *path, int must_exist, struct conf **out,
    str *err)
{
	cfg_t *cfg;
	str text;
	int rc;

	*out = NULL;
	str_reset(err);
	cfg = cfg_init(root_opts, CFGF_NONE);
	if (cfg == NULL)
		log_fatal("config: cannot initialise the parser");
	cfg_set_error_function(cfg, conf_error_fn);
	conf_register(cfg);

	conf_file = path;
	conf_errors = err;
	rc = CFG_SUCCESS;
	str_init(&text);
	if (path != NULL) {
		if (access(path, F_OK) != 0 && errno == ENOENT && !must_exist) {
			path = NULL;	/* no file: built-in defaults */
		} else if (conf_read_file(path, &text, err) != 0) {
			rc = CFG_FILE_ERROR;
		} else {
			rc = cfg_parse_buf(cfg, str_cstr(&text));
			if (rc != CFG_SUCCESS && err->len == 0)
				str_appendf(err, "%s: syntax error\n", path);
		}
	}
	conf_file = NULL;
	conf_errors = NULL;
	if (rc != CFG_SUCCESS) {
		str_free(&text);
		cfg_free(cfg);
		/* drop the final newline */
		if (err->len > 0 && err->buf[err->len - 1] == '\n')
			str_truncate(err, err->len - 1);
		return -1;
	}
	*out = conf_build(cfg, path, err);
	if (*out != NULL && conf_overrides(cfg, str_cstr(&text), *out, err) !=
	    0) {
		conf_free(*out);
		*out = NULL;
	}
	str_free(&text);
	cfg_free(cfg);
	return *out != NULL ? 0 : -1;
}

/* conf_list_section - names of a section's options, recursively */
static void
conf_list_section(const cfg_opt_t *opts, const char *prefix, str *out)
{
	str name;

	for (; opts->name != NULL; opts++) {
		str_init(&name);
		str_appendf(&name, "%s%s", prefix, opts->name);
		if (opts->type == CFGT_SEC && strcmp(str_cstr(&name),
		    "override.") > 0 && strncmp(str_cstr(&name), "override.",
		    9) == 0) {
			/* an override's sections are the top-level ones */
		} else if (opts->type == CFGT_SEC) {
			str_append_c(&name, '.');
			conf_list_section(opts->subopts, str_cstr(&name), out);
		} else
			str_appendf(out, "%s\n", str_cstr(&name));
		str_free(&name);
	}
}

/* conf_list_options - every option, one per line ("dns.timeout") */
void
conf_list_options(str *out)
{
	conf_list_section(root_opts, "", out);
}

/* conf_free - release a config */
void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	mem_free(c->path);
	mem_free(c->socket);
	mem_free(c->user);
	mem_free(c->pid_file);
	mem_free(c->authserv_id);
	mem_free(c->dns_servers);
	netlist_free(&c->trusted_networks);
	domlist_free(&c->trusted_forwarders);
	mem_free(c->psl_file);
	for (i = 0; i < c->iplists.n; i++)
		iplist_free(&c->iplists.v[i]);
	mem_free(c->iplists.v);
	for (i = 0; i < c->dnsbl.n; i++)
		dnsbl_zone_free(&c->dnsbl.zones[i]);
	mem_free(c->dnsbl.zones);
	for (i = 0; i < c->authz.n; i++)
		authz_rule_free(&c->authz.v[i]);
	mem_free(c->authz.v);
	generic_rules_free(c->generic);
	domlist_free(&c->helo_own_names);
	conf_sender_free(c);
	conf_arc_free(c);
	mem_free(c->control_socket);
	mem_free(c->metrics);
	mem_free(c->dmarc_store);
	mem_free(c->dmarc_org);
	mem_free(c->dmarc_email);
	mem_free(c->dmarc_contact);
	mem_free(c->dmarc_transport);
	for (i = 0; i < c->noverrides; i++) {
		mem_free(c->overrides[i].domain);
		policy_free(&c->overrides[i].policy);
	}
	mem_free(c->overrides);
	policy_free(&c->policy);
	mem_free(c);
}

/* conf_same_dns - may a reload keep the resolver */
int
conf_same_dns(const struct conf *a, const struct conf *b)
{
	return strcmp(a->dns_servers, b->dns_servers) == 0 &&
	    a->dns.timeout_ms == b->dns.timeout_ms &&
	    a->dns.tries == b->dns.tries &&
	    a->dns.cache_size == b->dns.cache_size &&
	    a->dns.cache_max_ttl == b->dns.cache_max_ttl &&
	    a->dns.cache_max_negative_ttl == b->dns.cache_max_negative_ttl;
}
