/*
 * conf - the configuration loader; see conf.h. The option table below
 * is the single list of options: the sample config (conf/authgate.conf)
 * and authgate.conf(5) document every entry of it.
 *
 * libconfuse does the parsing; our callbacks parse durations, actions,
 * stages, facilities and modes, and validate values while the parser
 * still knows the line, so every error names file:line.
 */
#include "config.h"

#include <confuse.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/log.h"
#include "util/mem.h"
#include "util/netlist.h"
#include "util/str.h"
#include "util/template.h"
#include "dns/dns.h"
#include "mail/domlist.h"
#include "spf/spf.h"
#include "ipcheck/authz.h"
#include "ipcheck/dnsbl.h"
#include "ipcheck/generic_name.h"
#include "ipcheck/helo_check.h"
#include "ipcheck/iplist.h"
#include "ipcheck/iprev.h"
#include "verdict/exempt.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"
#include "config/conf.h"

#ifndef AUTHGATE_CONFIG_PATH
#define AUTHGATE_CONFIG_PATH	"/etc/authgate/authgate.conf"
#endif

#define DURATION_MAX_MS	(30LL * 86400 * 1000)
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

/* parse_duration - "500ms", "2s", "5m", "1h", "1d" or bare seconds */
static int
parse_duration(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	long long n, mult;
	char *end;

	errno = 0;
	n = strtoll(value, &end, 10);
	if (end == value || errno != 0 || n < 0)
		goto bad;
	if (*end == '\0' || strcmp(end, "s") == 0)
		mult = 1000;
	else if (strcmp(end, "ms") == 0)
		mult = 1;
	else if (strcmp(end, "m") == 0)
		mult = 60 * 1000;
	else if (strcmp(end, "h") == 0)
		mult = 3600 * 1000;
	else if (strcmp(end, "d") == 0)
		mult = 86400 * 1000;
	else
		goto bad;
	if (n > DURATION_MAX_MS / mult)
		goto bad;
	*(long *)result = (long)(n * mult);
	return 0;
bad:
	cfg_error(cfg, "option '%s': \"%s\" is not a duration (write e.g. "
	    "500ms, 2s, 5m, 1h or 1d)", opt->name, value);
	return -1;
}

/* parse_action - accept, tempfail or reject */
static int
parse_action(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	int a;

	if ((a = policy_action_parse(value)) < 0) {
		cfg_error(cfg, "option '%s': \"%s\" is not an action (accept, "
		    "tag, quarantine, tempfail or reject)", opt->name, value);
		return -1;
	}
	*(long *)result = a;
	return 0;
}

/* parse_stage - the SMTP stage to refuse at */
static int
parse_stage(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	int s;

	if ((s = policy_stage_parse(value)) < 0) {
		cfg_error(cfg, "option '%s': \"%s\" is not a stage (connect, "
		    "helo, mail, rcpt, data or eom)", opt->name, value);
		return -1;
	}
	*(long *)result = s;
	return 0;
}

/* parse_exempt - check, record or skip */
static int
parse_exempt(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	int m;

	if ((m = exempt_mode_parse(value)) < 0) {
		cfg_error(cfg, "option '%s': \"%s\" is not one of check, "
		    "record or skip", opt->name, value);
		return -1;
	}
	*(long *)result = m;
	return 0;
}

/* parse_either - one of two words, stored as its value */
static int
parse_either(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result,
    const char *w0, long v0, const char *w1, long v1)
{
	if (strcasecmp(value, w0) == 0)
		*(long *)result = v0;
	else if (strcasecmp(value, w1) == 0)
		*(long *)result = v1;
	else {
		cfg_error(cfg, "option '%s': \"%s\" is not %s or %s", opt->name,
		    value, w0, w1);
		return -1;
	}
	return 0;
}

/* parse_dmarc_mode - rfc9989 or rfc7489 */
static int
parse_dmarc_mode(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	return parse_either(cfg, opt, value, result, "rfc9989", DMARC_RFC9989,
	    "rfc7489", DMARC_RFC7489);
}

/* parse_reply_codes - generic or rfc7372 */
static int
parse_reply_codes(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	return parse_either(cfg, opt, value, result, "generic", 0, "rfc7372", 1);
}

/* parse_quarantine - hold or header */
static int
parse_quarantine(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	return parse_either(cfg, opt, value, result, "hold", 0, "header", 1);
}

/* parse_match - what an override's title names: recipient or sender */
static int
parse_match(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	return parse_either(cfg, opt, value, result, "recipient", 0, "sender",
	    1);
}

/* parse_facility - syslog facility name */
static int
parse_facility(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	int f;

	if ((f = log_facility_parse(value)) < 0) {
		cfg_error(cfg, "option '%s': \"%s\" is not a syslog facility "
		    "(mail, daemon, local0..local7)", opt->name, value);
		return -1;
	}
	*(long *)result = f;
	return 0;
}

/* parse_level - log level name */
static int
parse_level(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	int l;

	if ((l = log_level_parse(value)) < 0) {
		cfg_error(cfg, "option '%s': \"%s\" is not a log level (debug, "
		    "info, notice, warning, error)", opt->name, value);
		return -1;
	}
	*(long *)result = l;
	return 0;
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

/* validate_networks - a list of networks (trusted_networks) */
static int
validate_networks(cfg_t *cfg, cfg_opt_t *opt)
{
	netlist list;
	str err;
	int rc;

	str_init(&err);
	if ((rc = netlist_parse(cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1),
	    &list, &err)) != 0)
		cfg_error(cfg, "option '%s': %s", opt->name, str_cstr(&err));
	else
		netlist_free(&list);
	str_free(&err);
	return rc;
}

/* validate_domains - a list of domains; exact names only for forwarders */
static int
validate_domains(cfg_t *cfg, cfg_opt_t *opt)
{
	domlist list;
	str err;
	int rc, exact;

	str_init(&err);
	exact = strcmp(opt->name, "trusted_forwarders") == 0;
	if ((rc = domlist_parse(cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1),
	    exact ? DOMLIST_EXACT : 0, &list, &err)) != 0) {
		cfg_error(cfg, "option '%s': %s", opt->name, str_cstr(&err));
	} else {
		if (exact && list.n > FORWARDERS_MAX) {
			cfg_error(cfg, "option '%s': %zu domains, at most %d "
			    "(each costs an SPF check per connection)",
			    opt->name, list.n, FORWARDERS_MAX);
			rc = -1;
		}
		domlist_free(&list);
	}
	str_free(&err);
	return rc;
}

/* validate_readable - a file that must be readable (the PSL) */
static int
validate_readable(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v;

	v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	if (v[0] == '/' && access(v, R_OK) == 0)
		return 0;
	cfg_error(cfg, "option '%s': cannot read \"%s\"%s", opt->name, v,
	    v[0] == '/' ? " (Debian package publicsuffix)" :
	    " (give an absolute path)");
	return -1;
}

/* conf_title_domain - a section title that must be one domain name
 * (flags as for domlist_parse); 0, or -1 with err */
static int
conf_title_domain(const char *title, int flags, str *err)
{
	domlist list;
	size_t n;

	if (domlist_parse(title, flags, &list, err) != 0)
		return -1;
	n = list.n;
	domlist_free(&list);
	if (n == 1)
		return 0;
	str_append(err, "give one domain per section");
	return -1;
}

/* validate_dmarc_domain - the title of a dmarc { domain "..." { } } */
static int
validate_dmarc_domain(cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec;
	str err;
	int rc;

	sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	str_init(&err);
	if ((rc = conf_title_domain(cfg_title(sec), 0, &err)) != 0)
		cfg_error(cfg, "dmarc domain section \"%s\": %s", cfg_title(sec),
		    str_cstr(&err));
	str_free(&err);
	return rc;
}

/* validate_range - integer options with bounds */
static int
validate_range(cfg_t *cfg, cfg_opt_t *opt, long lo, long hi)
{
	long v;

	v = cfg_opt_getnint(opt, cfg_opt_size(opt) - 1);
	if (v >= lo && v <= hi)
		return 0;
	cfg_error(cfg, "option '%s': %ld is out of range (%ld..%ld)",
	    opt->name, v, lo, hi);
	return -1;
}

static int
validate_tries(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, 1, 10);
}

static int
validate_cache_size(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, 0, 10000000);
}

static int
validate_threads(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, 1, 4096);
}

static int
validate_key_bits(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, 512, 8192);
}

static int
validate_max_signatures(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, 1, 50);
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

/* parse_list_action - what a list does with its clients: allow (an allow
 * list), reject or tempfail (a deny list) */
static int
parse_list_action(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	if (strcasecmp(value, "allow") == 0)
		*(long *)result = -1;
	else if (strcasecmp(value, "reject") == 0)
		*(long *)result = ACT_REJECT;
	else if (strcasecmp(value, "tempfail") == 0)
		*(long *)result = ACT_TEMPFAIL;
	else {
		cfg_error(cfg, "option '%s': \"%s\" is not allow, reject or "
		    "tempfail", opt->name, value);
		return -1;
	}
	return 0;
}

/* parse_class - a DNS list listing's class */
static int
parse_class(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	int c;

	if ((c = dnsbl_class_parse(value)) < 0) {
		cfg_error(cfg, "option '%s': \"%s\" is not reputation, policy "
		    "or allow", opt->name, value);
		return -1;
	}
	*(long *)result = c;
	return 0;
}

/* conf_networks - a section's networks: the "networks" option and the
 * lines of its "file" (read again on every reload); 0 or -1 with err */
static int
conf_networks(cfg_t *sec, netlist *out, str *err)
{
	const char *file;

	memset(out, 0, sizeof(*out));
	if (netlist_parse(cfg_getstr(sec, "networks"), out, err) != 0)
		return -1;
	file = cfg_getstr(sec, "file");
	if (file[0] != '\0' && netlist_load_file(file, out, err) != 0) {
		netlist_free(out);
		return -1;
	}
	return 0;
}

/* validate_template - a reply text template and the macros it may use */
static int
conf_template_ok(cfg_t *cfg, const char *where, const char *text,
    const char *const *names)
{
	str err;
	int rc;

	if (text == NULL || text[0] == '\0')
		return 0;
	str_init(&err);
	if ((rc = template_check(text, names, &err)) != 0)
		cfg_error(cfg, "%s: %s", where, str_cstr(&err));
	str_free(&err);
	return rc;
}

static const char *const iplist_macros[] = { "ip", "net", "list", "text",
	NULL };
static const char *const dnsbl_macros[] = { "ip", "zone", "code",
	"category", "url", "txt", NULL };
static const char *const url_macros[] = { "ip", "zone", NULL };
static const char *const authz_macros[] = { "ip", "domain", "identity",
	NULL };

/* validate_check_text - a check's reply template (spf.text, ...) */
static int
validate_check_text(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_template_ok(cfg, "option 'text'", cfg_opt_getnstr(opt,
	    cfg_opt_size(opt) - 1), verdict_text_macros);
}

/* validate_iplist - an ip_lists { list "name" { } } section: its
 * networks, its file and its text */
static int
validate_iplist(cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec;
	netlist nets;
	str err, where;
	int rc;

	sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	str_init(&err);
	str_init(&where);
	str_appendf(&where, "ip_lists list \"%s\"", cfg_title(sec));
	if ((rc = conf_networks(sec, &nets, &err)) != 0)
		cfg_error(cfg, "%s: %s", str_cstr(&where), str_cstr(&err));
	else
		netlist_free(&nets);
	if (rc == 0)
		rc = conf_template_ok(cfg, str_cstr(&where), cfg_getstr(sec,
		    "text"), iplist_macros);
	str_free(&err);
	str_free(&where);
	return rc;
}

/* validate_authz - a sender_networks { domain "x" { } } section */
static int
validate_authz(cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec;
	netlist nets;
	unsigned ids;
	str err, where;
	int rc;

	sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	str_init(&err);
	str_init(&where);
	str_appendf(&where, "sender_networks domain \"%s\"", cfg_title(sec));
	rc = conf_title_domain(cfg_title(sec), DOMLIST_EXACT, &err);
	if (rc == 0)
		rc = authz_identity_parse(cfg_getstr(sec, "identities"), &ids,
		    &err);
	if (rc == 0 && (rc = conf_networks(sec, &nets, &err)) == 0) {
		if (nets.n == 0) {
			str_append(&err, "no networks given (networks or "
			    "file)");
			rc = -1;
		}
		netlist_free(&nets);
	}
	if (rc != 0)
		cfg_error(cfg, "%s: %s", str_cstr(&where), str_cstr(&err));
	else
		rc = conf_template_ok(cfg, str_cstr(&where), cfg_getstr(sec,
		    "text"), authz_macros);
	str_free(&err);
	str_free(&where);
	return rc;
}

/* validate_listing - a dnsbl zone's listing "codes" { } */
static int
validate_listing(cfg_t *cfg, cfg_opt_t *opt)
{
	struct dnsbl_filter *filters;
	size_t n;
	cfg_t *sec;
	str err, where;
	int rc;

	sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	str_init(&err);
	str_init(&where);
	str_appendf(&where, "listing \"%s\"", cfg_title(sec));
	if ((rc = dnsbl_filter_parse(cfg_title(sec), &filters, &n, &err)) != 0)
		cfg_error(cfg, "%s: %s", str_cstr(&where), str_cstr(&err));
	else
		mem_free(filters);
	if (rc == 0 && (cfg_getint(sec, "weight") < -100 ||
	    cfg_getint(sec, "weight") > 100)) {
		cfg_error(cfg, "%s: weight %ld is out of range (-100..100)",
		    str_cstr(&where), cfg_getint(sec, "weight"));
		rc = -1;
	}
	if (rc == 0)
		rc = conf_template_ok(cfg, str_cstr(&where), cfg_getstr(sec,
		    "text"), dnsbl_macros);
	str_free(&err);
	str_free(&where);
	return rc;
}

/* validate_zone - a dnsbl zone "name" { } section */
static int
validate_zone(cfg_t *cfg, cfg_opt_t *opt)
{
	struct dnsbl_filter *filters;
	cfg_t *sec;
	size_t n;
	str err, where;
	int rc;

	sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	str_init(&err);
	str_init(&where);
	str_appendf(&where, "dnsbl zone \"%s\"", cfg_title(sec));
	rc = conf_title_domain(cfg_title(sec), DOMLIST_EXACT, &err);
	if (rc == 0 && cfg_getstr(sec, "errors")[0] != '\0') {
		if ((rc = dnsbl_filter_parse(cfg_getstr(sec, "errors"),
		    &filters, &n, &err)) == 0)
			mem_free(filters);
	}
	if (rc == 0 && cfg_size(sec, "listing") > DNSBL_MAX_LISTINGS) {
		str_appendf(&err, "%u listings, at most %d",
		    cfg_size(sec, "listing"), DNSBL_MAX_LISTINGS);
		rc = -1;
	}
	if (rc != 0)
		cfg_error(cfg, "%s: %s", str_cstr(&where), str_cstr(&err));
	else
		rc = conf_template_ok(cfg, str_cstr(&where), cfg_getstr(sec,
		    "url"), url_macros);
	str_free(&err);
	str_free(&where);
	return rc;
}

/* validate_patterns - iprev.generic_patterns compile */
static int
validate_patterns(cfg_t *cfg, cfg_opt_t *opt)
{
	const char **v;
	generic_rules *g;
	unsigned i, n;
	str err;
	int rc = 0;

	n = cfg_opt_size(opt);
	v = mem_calloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = cfg_opt_getnstr(opt, i);
	str_init(&err);
	if ((g = generic_rules_create(v, n, 0, &err)) == NULL) {
		cfg_error(cfg, "option 'generic_patterns': %s", str_cstr(&err));
		rc = -1;
	}
	generic_rules_free(g);
	mem_free(v);
	str_free(&err);
	return rc;
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

static int
validate_max_names(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, 1, IPREV_NAMES_MAX);
}

static int
validate_weight(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, -100, 100);
}

static int
validate_threshold(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, -1000, 1000);
}

/* one SPF identity (mailfrom, helo): whether to check it and the action
 * for each result; libconfuse copies the table for each section */
static cfg_opt_t spf_identity_opts[] = {
	CFG_BOOL("enabled", cfg_true, CFGF_NONE),
	CFG_INT_CB("pass", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("fail", ACT_REJECT, CFGF_NONE, parse_action),
	CFG_INT_CB("softfail", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("neutral", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("none", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("permerror", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("temperror", ACT_TEMPFAIL, CFGF_NONE, parse_action),
	CFG_END()
};

static cfg_opt_t spf_opts[] = {
	CFG_STR("text", "", CFGF_NONE),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_INT_CB("timeout", 10000, CFGF_NONE, parse_duration),
	CFG_BOOL("received_spf_header", cfg_false, CFGF_NONE),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_STR("exempt_domains", "", CFGF_NONE),
	CFG_BOOL("wait_for_dmarc", cfg_false, CFGF_NONE),
	CFG_SEC("mailfrom", spf_identity_opts, CFGF_NONE),
	CFG_SEC("helo", spf_identity_opts, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t dkim_opts[] = {
	CFG_STR("text", "", CFGF_NONE),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_BOOL("enabled", cfg_true, CFGF_NONE),
	CFG_INT_CB("timeout", 5000, CFGF_NONE, parse_duration),
	CFG_INT("min_key_bits", 1024, CFGF_NONE),
	CFG_BOOL("allow_sha1", cfg_false, CFGF_NONE),
	CFG_INT("max_signatures", 5, CFGF_NONE),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_INT_CB("pass", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("fail", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("neutral", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("policy", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("none", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("permerror", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("temperror", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_END()
};

/* a dmarc domain "example.com" { } override: unset options (-1) take
 * the value of the dmarc section */
static cfg_opt_t dmarc_domain_opts[] = {
	CFG_INT_CB("reject", -1, CFGF_NONE, parse_action),
	CFG_INT_CB("quarantine", -1, CFGF_NONE, parse_action),
	CFG_INT_CB("none", -1, CFGF_NONE, parse_action),
	CFG_INT_CB("temperror", -1, CFGF_NONE, parse_action),
	CFG_INT_CB("permerror", -1, CFGF_NONE, parse_action),
	CFG_INT("report_only", -1, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t dmarc_opts[] = {
	CFG_STR("text", "", CFGF_NONE),
	CFG_BOOL("enabled", cfg_true, CFGF_NONE),
	CFG_INT_CB("mode", DMARC_RFC9989, CFGF_NONE, parse_dmarc_mode),
	CFG_STR("psl_file", "/usr/share/publicsuffix/public_suffix_list.dat",
	    CFGF_NONE),
	CFG_INT_CB("timeout", 5000, CFGF_NONE, parse_duration),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_INT_CB("reject", ACT_REJECT, CFGF_NONE, parse_action),
	CFG_INT_CB("quarantine", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("none", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("temperror", ACT_TEMPFAIL, CFGF_NONE, parse_action),
	CFG_INT_CB("permerror", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("bad_from", ACT_REJECT, CFGF_NONE, parse_action),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_STR("trusted_signers", "", CFGF_NONE),
	CFG_STR("trusted_clients", "", CFGF_NONE),
	CFG_SEC("domain", dmarc_domain_opts, CFGF_MULTI | CFGF_TITLE |
	    CFGF_NO_TITLE_DUPES),
	CFG_END()
};

static cfg_opt_t dns_opts[] = {
	CFG_STR("servers", "", CFGF_NONE),
	CFG_INT_CB("timeout", 2000, CFGF_NONE, parse_duration),
	CFG_INT("tries", 2, CFGF_NONE),
	CFG_INT("cache_size", 20000, CFGF_NONE),
	CFG_INT_CB("cache_max_ttl", 86400 * 1000, CFGF_NONE, parse_duration),
	CFG_INT_CB("cache_max_negative_ttl", 3600 * 1000, CFGF_NONE,
	    parse_duration),
	CFG_END()
};

static int
validate_dnsbl(cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec;

	sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	if (cfg_getint(sec, "allow_threshold") < cfg_getint(sec, "threshold"))
		return 0;
	cfg_error(cfg, "dnsbl: allow_threshold (%ld) must be below threshold "
	    "(%ld)", cfg_getint(sec, "allow_threshold"),
	    cfg_getint(sec, "threshold"));
	return -1;
}

/* ip_lists { list "name" { } }: the admin's allow and deny lists */
static cfg_opt_t iplist_opts[] = {
	CFG_INT_CB("action", ACT_REJECT, CFGF_NONE, parse_list_action),
	CFG_STR("networks", "", CFGF_NONE),
	CFG_STR("file", "", CFGF_NONE),
	CFG_STR("text", "", CFGF_NONE),
	CFG_END()
};

static cfg_opt_t iplists_opts[] = {
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_SEC("list", iplist_opts, CFGF_MULTI | CFGF_TITLE |
	    CFGF_NO_TITLE_DUPES),
	CFG_END()
};

/* dnsbl { zone "name" { listing "codes" { } } } */
static cfg_opt_t listing_opts[] = {
	CFG_STR("category", "listed", CFGF_NONE),
	CFG_INT("weight", 3, CFGF_NONE),
	CFG_INT_CB("class", DNSBL_REPUTATION, CFGF_NONE, parse_class),
	CFG_STR("text", "", CFGF_NONE),
	CFG_END()
};

static cfg_opt_t zone_opts[] = {
	CFG_STR("url", "", CFGF_NONE),
	CFG_BOOL("txt", cfg_false, CFGF_NONE),
	CFG_BOOL("ipv6", cfg_true, CFGF_NONE),
	CFG_STR("errors", "", CFGF_NONE),
	CFG_SEC("listing", listing_opts, CFGF_MULTI | CFGF_TITLE |
	    CFGF_NO_TITLE_DUPES),
	CFG_END()
};

static cfg_opt_t dnsbl_opts[] = {
	CFG_STR("text", "", CFGF_NONE),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_INT("threshold", 3, CFGF_NONE),
	CFG_INT("allow_threshold", -1, CFGF_NONE),
	CFG_INT_CB("action", ACT_REJECT, CFGF_NONE, parse_action),
	CFG_INT_CB("temperror", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("timeout", 5000, CFGF_NONE, parse_duration),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_INT_CB("allowlisted", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_SEC("zone", zone_opts, CFGF_MULTI | CFGF_TITLE |
	    CFGF_NO_TITLE_DUPES),
	CFG_END()
};

static cfg_opt_t iprev_opts[] = {
	CFG_STR("text", "", CFGF_NONE),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_BOOL("enabled", cfg_true, CFGF_NONE),
	CFG_INT_CB("timeout", 5000, CFGF_NONE, parse_duration),
	CFG_INT("max_names", 10, CFGF_NONE),
	CFG_INT_CB("no_ptr", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("unconfirmed", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("temperror", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT("generic_weight", 1, CFGF_NONE),
	CFG_STR_LIST("generic_patterns", NULL, CFGF_NONE),
	CFG_BOOL("generic_ip_in_name", cfg_true, CFGF_NONE),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_INT_CB("allowlisted", EXEMPT_RECORD, CFGF_NONE, parse_exempt),
	CFG_END()
};

static cfg_opt_t helo_opts[] = {
	CFG_STR("text", "", CFGF_NONE),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_BOOL("enabled", cfg_true, CFGF_NONE),
	CFG_STR("own_names", "", CFGF_NONE),
	CFG_INT_CB("timeout", 5000, CFGF_NONE, parse_duration),
	CFG_INT_CB("ip_literal", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("wrong_literal", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("not_fqdn", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("own_name", ACT_REJECT, CFGF_NONE, parse_action),
	CFG_INT_CB("unresolvable", ACT_ACCEPT, CFGF_NONE, parse_action),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_INT_CB("allowlisted", EXEMPT_RECORD, CFGF_NONE, parse_exempt),
	CFG_END()
};

static cfg_opt_t authz_domain_opts[] = {
	CFG_STR("networks", "", CFGF_NONE),
	CFG_STR("file", "", CFGF_NONE),
	CFG_STR("identities", "mailfrom from", CFGF_NONE),
	CFG_BOOL("subdomains", cfg_true, CFGF_NONE),
	CFG_STR("text", "", CFGF_NONE),
	CFG_END()
};

static cfg_opt_t authz_opts[] = {
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_INT_CB("action", ACT_REJECT, CFGF_NONE, parse_action),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, parse_exempt),
	CFG_INT_CB("allowlisted", EXEMPT_CHECK, CFGF_NONE, parse_exempt),
	CFG_SEC("domain", authz_domain_opts, CFGF_MULTI | CFGF_TITLE |
	    CFGF_NO_TITLE_DUPES),
	CFG_END()
};

/* score { }: weights and thresholds; SCORE_BUILTIN keeps the built-in
 * value (policy_score_defaults) */
#define SCORE_BUILTIN	(-1000)
#define SCORE_INT(name)	CFG_INT(name, SCORE_BUILTIN, CFGF_NONE)

static cfg_opt_t score_spf_opts[] = {
	SCORE_INT("pass"), SCORE_INT("fail"), SCORE_INT("softfail"),
	SCORE_INT("neutral"), SCORE_INT("none"), SCORE_INT("permerror"),
	SCORE_INT("temperror"),
	CFG_END()
};

static cfg_opt_t score_dkim_opts[] = {
	SCORE_INT("none"), SCORE_INT("pass"), SCORE_INT("fail"),
	SCORE_INT("neutral"), SCORE_INT("policy"), SCORE_INT("temperror"),
	SCORE_INT("permerror"),
	CFG_END()
};

static cfg_opt_t score_iprev_opts[] = {
	SCORE_INT("pass"), SCORE_INT("fail"), SCORE_INT("temperror"),
	SCORE_INT("permerror"),
	CFG_END()
};

static cfg_opt_t score_helo_opts[] = {
	SCORE_INT("ip_literal"), SCORE_INT("wrong_literal"),
	SCORE_INT("not_fqdn"), SCORE_INT("own_name"), SCORE_INT("unresolvable"),
	CFG_END()
};

static cfg_opt_t score_opts[] = {
	CFG_STR("text", "", CFGF_NONE),
	CFG_BOOL("enabled", cfg_false, CFGF_NONE),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	SCORE_INT("tag"), SCORE_INT("quarantine"), SCORE_INT("tempfail"),
	SCORE_INT("reject"),
	SCORE_INT("dmarc_fail"), SCORE_INT("dnsbl"),
	CFG_SEC("spf", score_spf_opts, CFGF_NONE),
	CFG_SEC("spf_helo", score_spf_opts, CFGF_NONE),
	CFG_SEC("dkim", score_dkim_opts, CFGF_NONE),
	CFG_SEC("iprev", score_iprev_opts, CFGF_NONE),
	CFG_SEC("helo", score_helo_opts, CFGF_NONE),
	CFG_END()
};

/* override "domain" { }: policy options for one recipient or sender
 * domain; what an override does not set comes from the rest of the file */
static int parse_match(cfg_t *, cfg_opt_t *, const char *, void *);

static cfg_opt_t override_opts[] = {
	CFG_INT_CB("match", 0, CFGF_NONE, parse_match),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_INT_CB("reply_codes", 0, CFGF_NONE, parse_reply_codes),
	CFG_INT_CB("quarantine_method", 0, CFGF_NONE, parse_quarantine),
	CFG_SEC("spf", spf_opts, CFGF_NONE),
	CFG_SEC("dkim", dkim_opts, CFGF_NONE),
	CFG_SEC("dmarc", dmarc_opts, CFGF_NONE),
	CFG_SEC("dnsbl", dnsbl_opts, CFGF_NONE),
	CFG_SEC("iprev", iprev_opts, CFGF_NONE),
	CFG_SEC("helo", helo_opts, CFGF_NONE),
	CFG_SEC("sender_networks", authz_opts, CFGF_NONE),
	CFG_SEC("score", score_opts, CFGF_NONE),
	CFG_END()
};

/* options an override may not set: they decide what is looked up or
 * loaded, for every message alike */
static const char *const override_fixed[] = {
	"spf|timeout", "spf|received_spf_header", "spf|mailfrom|enabled",
	"spf|helo|enabled", "dkim|enabled", "dkim|timeout",
	"dkim|min_key_bits", "dkim|allow_sha1", "dkim|max_signatures",
	"dmarc|enabled", "dmarc|mode", "dmarc|psl_file", "dmarc|timeout",
	"dmarc|domain", "dnsbl|timeout", "dnsbl|zone", "iprev|enabled",
	"iprev|timeout", "iprev|max_names", "iprev|generic_patterns",
	"iprev|generic_ip_in_name", "helo|enabled", "helo|own_names",
	"helo|timeout", "sender_networks|domain", NULL
};

static cfg_opt_t root_opts[] = {
	CFG_STR("authserv_id", "", CFGF_NONE),
	CFG_STR("socket", "unix:/run/authgate/authgate.sock", CFGF_NONE),
	CFG_INT_CB("socket_mode", 0660, CFGF_NONE, parse_mode),
	CFG_STR("user", "", CFGF_NONE),
	CFG_STR("pid_file", "", CFGF_NONE),
	CFG_INT_CB("syslog_facility", LOG_MAIL, CFGF_NONE, parse_facility),
	CFG_INT_CB("log_level", LOG_INFO, CFGF_NONE, parse_level),
	CFG_INT_CB("milter_timeout", 300000, CFGF_NONE, parse_duration),
	CFG_INT("check_threads", 64, CFGF_NONE),
	CFG_INT_CB("reject_stage", STAGE_RCPT, CFGF_NONE, parse_stage),
	CFG_STR("exempt_recipients", "postmaster abuse", CFGF_NONE),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_INT_CB("reply_codes", 0, CFGF_NONE, parse_reply_codes),
	CFG_STR("allowlist_senders", "", CFGF_NONE),
	CFG_INT_CB("quarantine_method", 0, CFGF_NONE, parse_quarantine),
	CFG_STR("trusted_networks", "127.0.0.0/8, ::1", CFGF_NONE),
	CFG_STR("trusted_forwarders", "", CFGF_NONE),
	CFG_SEC("dns", dns_opts, CFGF_NONE),
	CFG_SEC("spf", spf_opts, CFGF_NONE),
	CFG_SEC("dkim", dkim_opts, CFGF_NONE),
	CFG_SEC("dmarc", dmarc_opts, CFGF_NONE),
	CFG_SEC("ip_lists", iplists_opts, CFGF_NONE),
	CFG_SEC("dnsbl", dnsbl_opts, CFGF_NONE),
	CFG_SEC("iprev", iprev_opts, CFGF_NONE),
	CFG_SEC("helo", helo_opts, CFGF_NONE),
	CFG_SEC("sender_networks", authz_opts, CFGF_NONE),
	CFG_SEC("score", score_opts, CFGF_NONE),
	CFG_SEC("override", override_opts, CFGF_MULTI | CFGF_TITLE |
	    CFGF_NO_TITLE_DUPES),
	CFG_END()
};

/* conf_actions - read one identity's SPF actions */
static void
conf_actions(cfg_t *sec, enum action *actions, int *enabled)
{
	int r;

	*enabled = cfg_getbool(sec, "enabled");
	for (r = 0; r < SPFR_COUNT; r++)
		actions[r] = (enum action)cfg_getint(sec,
		    spf_result_name((enum spf_result)r));
}

/* conf_dmarc_actions - a set of DMARC actions; -1 keeps base's value */
static void
conf_dmarc_actions(cfg_t *sec, const struct dmarc_actions *base,
    struct dmarc_actions *a)
{
	static const char *const names[] = { "none", "quarantine", "reject" };
	long v;
	int i;

	*a = *base;
	for (i = 0; i < 3; i++)
		if ((v = cfg_getint(sec, names[i])) >= 0)
			a->fail[i] = (enum action)v;
	if ((v = cfg_getint(sec, "temperror")) >= 0)
		a->temperror = (enum action)v;
	if ((v = cfg_getint(sec, "permerror")) >= 0)
		a->permerror = (enum action)v;
}

/* conf_dmarc - the dmarc section */
static void
conf_dmarc(cfg_t *dm, struct conf *c, str *err)
{
	struct dmarc_override *o;
	cfg_t *d;
	unsigned i, n;
	long v;

	c->dmarc_enabled = cfg_getbool(dm, "enabled");
	c->dmarc_mode = (enum dmarc_mode)cfg_getint(dm, "mode");
	c->psl_file = mem_strdup(cfg_getstr(dm, "psl_file"));
	c->dmarc_timeout_ms = (int)cfg_getint(dm, "timeout");
	c->policy.trusted[CHECK_DMARC] = (enum exempt_mode)cfg_getint(dm,
	    "trusted");
	c->policy.authenticated[CHECK_DMARC] = (enum exempt_mode)cfg_getint(
	    dm, "authenticated");
	conf_dmarc_actions(dm, &c->policy.dmarc, &c->policy.dmarc);
	c->policy.dmarc.report_only = cfg_getbool(dm, "report_only");
	c->policy.bad_from = (enum action)cfg_getint(dm, "bad_from");
	if (domlist_parse(cfg_getstr(dm, "trusted_signers"), 0,
	    &c->policy.dmarc_trusted_signers, err) != 0 ||
	    netlist_parse(cfg_getstr(dm, "trusted_clients"),
	    &c->policy.dmarc_trusted_clients, err) != 0)
		log_panic("config: dmarc lists: %s", str_cstr(err));
	n = cfg_size(dm, "domain");
	if (n > 0)
		c->policy.dmarc_overrides = mem_calloc(n, sizeof(*o));
	for (i = 0; i < n; i++) {
		d = cfg_getnsec(dm, "domain", i);
		o = &c->policy.dmarc_overrides[c->policy.ndmarc_overrides++];
		o->domain = mem_strdup(cfg_title(d));
		for (char *p = o->domain; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		conf_dmarc_actions(d, &c->policy.dmarc, &o->actions);
		if ((v = cfg_getint(d, "report_only")) >= 0)
			o->actions.report_only = v != 0;
	}
}

/* conf_host_name - the default authserv-id: this host's name */
static char *
conf_host_name(void)
{
	char host[256];

	if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0')
		return mem_strdup("localhost");
	host[sizeof(host) - 1] = '\0';
	return mem_strdup(host);
}

/* conf_score_int - one weight or threshold, the built-in one if unset */
static void
conf_score_int(cfg_t *sec, const char *name, int *value)
{
	long v = cfg_getint(sec, name);

	if (v != SCORE_BUILTIN)
		*value = (int)v;
}

/* conf_score_named - weights named like the results of a check */
static void
conf_score_named(cfg_t *sec, int *values, int n,
    const char *(*name)(int))
{
	int i;

	for (i = 0; i < n; i++)
		conf_score_int(sec, name(i), &values[i]);
}

static const char *score_spf_name(int i) { return spf_result_name(i); }
static const char *score_dkim_name(int i) { return dkim_result_name(i); }
static const char *score_iprev_name(int i) { return iprev_result_name(i); }
static const char *score_helo_name(int i) { return helo_fact_name(i); }

/* conf_score - the score section over the built-in weights */
static void
conf_score(cfg_t *sec, struct score_policy *sc)
{
	static const char *const thresholds[ACT_COUNT] = {
		NULL, "tag", "quarantine", "tempfail", "reject"
	};
	int a;

	policy_score_defaults(sc);
	sc->enabled = cfg_getbool(sec, "enabled");
	sc->report_only = cfg_getbool(sec, "report_only");
	for (a = ACT_TAG; a < ACT_COUNT; a++)
		conf_score_int(sec, thresholds[a], &sc->threshold[a]);
	conf_score_int(sec, "dmarc_fail", &sc->dmarc_fail);
	conf_score_int(sec, "dnsbl", &sc->dnsbl);
	conf_score_named(cfg_getsec(sec, "spf"), sc->spf_mailfrom, SPFR_COUNT,
	    score_spf_name);
	conf_score_named(cfg_getsec(sec, "spf_helo"), sc->spf_helo, SPFR_COUNT,
	    score_spf_name);
	conf_score_named(cfg_getsec(sec, "dkim"), sc->dkim, DKIMR_COUNT,
	    score_dkim_name);
	conf_score_named(cfg_getsec(sec, "iprev"), sc->iprev, IPREVR_COUNT,
	    score_iprev_name);
	conf_score_named(cfg_getsec(sec, "helo"), sc->helo, HELOF_COUNT,
	    score_helo_name);
}

/* validate_score_weight - a weight: -100..100 (or left unset) */
static int
validate_score_weight(cfg_t *cfg, cfg_opt_t *opt)
{
	if (cfg_opt_getnint(opt, cfg_opt_size(opt) - 1) == SCORE_BUILTIN)
		return 0;
	return validate_range(cfg, opt, -100, 100);
}

/* conf_score_order - thresholds 0..1000, rising in the order of the
 * actions they stand for (0: not used); 0, or -1 with err */
static int
conf_score_order(const int *threshold, str *err)
{
	static const char *const names[ACT_COUNT] = {
		NULL, "tag", "quarantine", "tempfail", "reject"
	};
	int a, prev;

	for (prev = 0, a = ACT_TAG; a < ACT_COUNT; a++) {
		if (threshold[a] < 0 || threshold[a] > 1000) {
			str_appendf(err, "score: %s = %d is out of range (0..1000, "
			    "0: not used)", names[a], threshold[a]);
			return -1;
		}
		if (threshold[a] == 0)
			continue;
		if (prev > 0 && threshold[a] <= threshold[prev]) {
			str_appendf(err, "score: thresholds out of order: %s (%d) "
			    "must be above %s (%d)", names[a], threshold[a],
			    names[prev], threshold[prev]);
			return -1;
		}
		prev = a;
	}
	return 0;
}

/* validate_score - the score section's thresholds */
static int
validate_score(cfg_t *cfg, cfg_opt_t *opt)
{
	struct score_policy sc;
	str err;
	int rc;

	conf_score(cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1), &sc);
	str_init(&err);
	if ((rc = conf_score_order(sc.threshold, &err)) != 0)
		cfg_error(cfg, "%s", str_cstr(&err));
	str_free(&err);
	return rc;
}

/* conf_override_fixed - may an override not set this option */
static int
conf_override_fixed(const char *path)
{
	size_t i;

	for (i = 0; override_fixed[i] != NULL; i++)
		if (strcmp(path, override_fixed[i]) == 0)
			return 1;
	return 0;
}

/* conf_override_walk - every option an override section sets: refuse
 * the fixed ones (err, -1), or copy it into dst when dst is given */
static int
conf_override_walk(cfg_t *src, cfg_t *dst, const char *prefix, str *err)
{
	cfg_opt_t *opt, *to;
	unsigned i, j;
	str path;
	int rc = 0;

	for (i = 0; i < cfg_num(src) && rc == 0; i++) {
		opt = cfg_getnopt(src, i);
		str_init(&path);
		str_appendf(&path, "%s%s%s", prefix, prefix[0] ? "|" : "",
		    cfg_opt_name(opt));
		if (opt->type == CFGT_SEC && !(opt->flags & CFGF_MULTI)) {
			rc = conf_override_walk(cfg_opt_getnsec(opt, 0), dst ?
			    cfg_getsec(dst, cfg_opt_name(opt)) : NULL,
			    str_cstr(&path), err);
		} else if ((opt->flags & CFGF_MODIFIED) || (opt->type ==
		    CFGT_SEC && cfg_opt_size(opt) > 0)) {
			if (conf_override_fixed(str_cstr(&path))) {
				for (char *c = path.buf; *c; c++)
					if (*c == '|')
						*c = '.';
				str_appendf(err, "option '%s' cannot be set per "
				    "domain: it decides what is looked up or loaded "
				    "for every message", str_cstr(&path));
				rc = -1;
			} else if (dst != NULL && strcmp(str_cstr(&path),
			    "match") != 0) {
				to = cfg_getopt(dst, cfg_opt_name(opt));
				for (j = 0; to != NULL && j < cfg_opt_size(opt); j++)
					switch (opt->type) {
					case CFGT_INT:
						cfg_opt_setnint(to,
						    cfg_opt_getnint(opt, j), j);
						break;
					case CFGT_BOOL:
						cfg_opt_setnbool(to,
						    cfg_opt_getnbool(opt, j), j);
						break;
					case CFGT_STR:
						cfg_opt_setnstr(to,
						    cfg_opt_getnstr(opt, j), j);
						break;
					default:
						break;
					}
			}
		}
		str_free(&path);
	}
	return rc;
}

/* validate_override - an override's title and the options it sets */
static int
validate_override(cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec;
	str err;
	int rc;

	sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	str_init(&err);
	rc = conf_title_domain(cfg_title(sec), 0, &err);
	if (rc == 0)
		rc = conf_override_walk(sec, NULL, "", &err);
	if (rc != 0)
		cfg_error(cfg, "override \"%s\": %s", cfg_title(sec),
		    str_cstr(&err));
	str_free(&err);
	return rc;
}

/* conf_err_prefix - put a prefix before an error message */
static void
conf_err_prefix(str *err, const char *fmt, ...)
{
	char prefix[512];
	va_list ap;
	str rest;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	str_init(&rest);
	str_append(&rest, str_cstr(err));
	str_reset(err);
	str_append(err, prefix);
	str_append(err, str_cstr(&rest));
	str_free(&rest);
}

/* conf_exempt_modes - a section's trusted/authenticated/allowlisted */
static void
conf_exempt_modes(cfg_t *sec, struct policy *p, enum check c,
    int has_allowlisted)
{
	p->trusted[c] = (enum exempt_mode)cfg_getint(sec, "trusted");
	p->authenticated[c] = (enum exempt_mode)cfg_getint(sec,
	    "authenticated");
	if (has_allowlisted)
		p->allowlisted[c] = (enum exempt_mode)cfg_getint(sec,
		    "allowlisted");
}

/* conf_ip_lists - the ip_lists section; -1 with err */
static int
conf_ip_lists(cfg_t *sec, struct conf *c, str *err)
{
	struct iplist *l;
	cfg_t *ls;
	unsigned i, n;
	long action;

	conf_exempt_modes(sec, &c->policy, CHECK_IPLIST, 0);
	n = cfg_size(sec, "list");
	if (n == 0)
		return 0;
	c->policy.ip_checks |= 1u << CHECK_IPLIST;
	c->iplists.v = mem_calloc(n, sizeof(*c->iplists.v));
	for (i = 0; i < n; i++) {
		ls = cfg_getnsec(sec, "list", i);
		l = &c->iplists.v[c->iplists.n++];
		l->name = mem_strdup(cfg_title(ls));
		action = cfg_getint(ls, "action");
		l->allow = action < 0;
		l->action = action < 0 ? ACT_ACCEPT : (int)action;
		l->text = cfg_getstr(ls, "text")[0] != '\0' ?
		    mem_strdup(cfg_getstr(ls, "text")) : NULL;
		if (conf_networks(ls, &l->nets, err) != 0) {
			conf_err_prefix(err, "ip_lists list \"%s\": ", l->name);
			return -1;
		}
	}
	return 0;
}

/* conf_zone - one dnsbl zone: its preset, then the admin's settings */
static int
conf_zone(cfg_t *zs, struct dnsbl_zone *z, str *err)
{
	struct dnsbl_listing *l;
	cfg_t *ls;
	unsigned i, n;

	dnsbl_zone_init(z, cfg_title(zs));
	if (cfg_getstr(zs, "url")[0] != '\0') {
		mem_free(z->url);
		z->url = mem_strdup(cfg_getstr(zs, "url"));
	}
	z->txt = cfg_getbool(zs, "txt");
	z->ipv6 = cfg_getbool(zs, "ipv6");
	if (cfg_getstr(zs, "errors")[0] != '\0') {
		mem_free(z->errors);
		z->errors = NULL;
		if (dnsbl_filter_parse(cfg_getstr(zs, "errors"), &z->errors,
		    &z->nerrors, err) != 0)
			return -1;
	}
	if ((n = cfg_size(zs, "listing")) == 0)
		return 0;
	/* the admin's listings replace the preset */
	for (i = 0; i < z->nlistings; i++)
		dnsbl_listing_free(&z->listings[i]);
	mem_free(z->listings);
	z->listings = mem_calloc(n, sizeof(*z->listings));
	z->nlistings = 0;
	for (i = 0; i < n; i++) {
		ls = cfg_getnsec(zs, "listing", i);
		l = &z->listings[z->nlistings++];
		l->codes = mem_strdup(cfg_title(ls));
		if (dnsbl_filter_parse(l->codes, &l->filters, &l->nfilters,
		    err) != 0)
			return -1;
		l->category = mem_strdup(cfg_getstr(ls, "category"));
		l->weight = (int)cfg_getint(ls, "weight");
		l->class = (enum dnsbl_class)cfg_getint(ls, "class");
		l->text = cfg_getstr(ls, "text")[0] != '\0' ?
		    mem_strdup(cfg_getstr(ls, "text")) : NULL;
	}
	return 0;
}

/* conf_dnsbl - the dnsbl section */
static int
conf_dnsbl(cfg_t *sec, struct conf *c, str *err)
{
	unsigned i, n;

	c->policy.dnsbl_threshold = (int)cfg_getint(sec, "threshold");
	c->policy.dnsbl_allow_threshold = (int)cfg_getint(sec,
	    "allow_threshold");
	c->policy.dnsbl_action = (enum action)cfg_getint(sec, "action");
	c->policy.dnsbl_temperror = (enum action)cfg_getint(sec, "temperror");
	c->dnsbl_timeout_ms = (int)cfg_getint(sec, "timeout");
	conf_exempt_modes(sec, &c->policy, CHECK_DNSBL, 1);
	if ((n = cfg_size(sec, "zone")) == 0)
		return 0;
	c->policy.ip_checks |= 1u << CHECK_DNSBL;
	c->dnsbl.zones = mem_calloc(n, sizeof(*c->dnsbl.zones));
	for (i = 0; i < n; i++)
		if (conf_zone(cfg_getnsec(sec, "zone", i),
		    &c->dnsbl.zones[c->dnsbl.n++], err) != 0) {
			conf_err_prefix(err, "dnsbl zone \"%s\": ",
			    cfg_title(cfg_getnsec(sec, "zone", i)));
			return -1;
		}
	return 0;
}

/* conf_iprev - the iprev section and its generic-name rules */
static int
conf_iprev(cfg_t *sec, struct conf *c, str *err)
{
	const char **v;
	unsigned i, n;

	c->iprev_enabled = cfg_getbool(sec, "enabled");
	if (!c->iprev_enabled)
		c->policy.ip_checks &= ~(1u << CHECK_IPREV);
	c->iprev_timeout_ms = (int)cfg_getint(sec, "timeout");
	c->iprev.max_names = (unsigned)cfg_getint(sec, "max_names");
	c->policy.iprev[IPREVR_PERMERROR] = (enum action)cfg_getint(sec,
	    "no_ptr");
	c->policy.iprev[IPREVR_FAIL] = (enum action)cfg_getint(sec,
	    "unconfirmed");
	c->policy.iprev[IPREVR_TEMPERROR] = (enum action)cfg_getint(sec,
	    "temperror");
	c->policy.generic_weight = (int)cfg_getint(sec, "generic_weight");
	conf_exempt_modes(sec, &c->policy, CHECK_IPREV, 1);
	if (c->policy.generic_weight == 0)
		return 0;
	n = cfg_size(sec, "generic_patterns");
	v = mem_calloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = cfg_getnstr(sec, "generic_patterns", i);
	c->generic = generic_rules_create(n > 0 ? v : NULL, n,
	    cfg_getbool(sec, "generic_ip_in_name"), err);
	mem_free(v);
	if (c->generic == NULL) {
		conf_err_prefix(err, "iprev generic_patterns: ");
		return -1;
	}
	c->iprev.generic = c->generic;
	return 0;
}

/* conf_add_domain - add name to a list text if it is a domain name */
static void
conf_add_domain(str *list, const char *name)
{
	domlist one;
	str err;

	str_init(&err);
	if (domlist_parse(name, DOMLIST_EXACT, &one, &err) == 0) {
		domlist_free(&one);
		str_appendf(list, "%s%s", list->len ? " " : "", name);
	}
	str_free(&err);
}

/* conf_helo - the helo section; own names default to the authserv-id
 * and this host's name */
static int
conf_helo(cfg_t *sec, struct conf *c, str *err)
{
	const char *names;
	char *host;
	str dflt;
	int i, rc;

	c->helo_enabled = cfg_getbool(sec, "enabled");
	c->helo_timeout_ms = (int)cfg_getint(sec, "timeout");
	if (!c->helo_enabled)
		c->policy.ip_checks &= ~(1u << CHECK_HELO);
	for (i = 0; i < HELOF_COUNT; i++)
		c->policy.helo[i] = (enum action)cfg_getint(sec,
		    helo_fact_name((enum helo_fact)i));
	conf_exempt_modes(sec, &c->policy, CHECK_HELO, 1);
	names = cfg_getstr(sec, "own_names");
	str_init(&dflt);
	if (names[0] == '\0') {
		/* the defaults that are domain names: a one-label host name
		 * ("localhost", "mx") is not a name others could forge */
		host = conf_host_name();
		conf_add_domain(&dflt, c->authserv_id);
		conf_add_domain(&dflt, host);
		mem_free(host);
		names = str_cstr(&dflt);
	}
	rc = domlist_parse(names, 0, &c->helo_own_names, err);
	str_free(&dflt);
	if (rc != 0)
		conf_err_prefix(err, "helo own_names: ");
	return rc;
}

/* conf_authz - the sender_networks section */
static int
conf_authz(cfg_t *sec, struct conf *c, str *err)
{
	struct authz_rule *r;
	cfg_t *ds;
	unsigned i, n;

	c->policy.authz = (enum action)cfg_getint(sec, "action");
	conf_exempt_modes(sec, &c->policy, CHECK_AUTHZ, 1);
	if ((n = cfg_size(sec, "domain")) == 0)
		return 0;
	c->policy.ip_checks |= 1u << CHECK_AUTHZ;
	c->authz.v = mem_calloc(n, sizeof(*c->authz.v));
	for (i = 0; i < n; i++) {
		ds = cfg_getnsec(sec, "domain", i);
		r = &c->authz.v[c->authz.n++];
		r->domain = mem_strdup(cfg_title(ds));
		for (char *p = r->domain; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		r->subdomains = cfg_getbool(ds, "subdomains");
		r->text = cfg_getstr(ds, "text")[0] != '\0' ?
		    mem_strdup(cfg_getstr(ds, "text")) : NULL;
		if (authz_identity_parse(cfg_getstr(ds, "identities"),
		    &r->identities, err) != 0 ||
		    conf_networks(ds, &r->nets, err) != 0) {
			conf_err_prefix(err, "sender_networks domain \"%s\": ",
			    r->domain);
			return -1;
		}
	}
	return 0;
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
		{ CHECK_AUTHZ, "sender_networks" }
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
		{ CHECK_IPREV, "iprev" }, { CHECK_HELO, "helo" }
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

/* conf_exempt_rcpts - exempt_recipients into the policy */
static void
conf_exempt_rcpts(const char *text, struct policy *p)
{
	const char *w;
	size_t n, cap = 0;

	while ((w = str_next_word(&text, &n)) != NULL) {
		if (p->nexempt_rcpts == cap) {
			cap = cap ? 2 * cap : 4;
			p->exempt_rcpts = mem_realloc(p->exempt_rcpts, cap *
			    sizeof(*p->exempt_rcpts));
		}
		p->exempt_rcpts[p->nexempt_rcpts++] = mem_strndup(w, n);
	}
}

/* conf_build - the struct conf from a parsed tree */
static struct conf *
conf_build(cfg_t *cfg, const char *path, str *errors)
{
	struct conf *c;
	cfg_t *dns, *spf, *dk;
	str err;
	int r;

	c = mem_calloc(1, sizeof(*c));
	c->path = mem_strdup(path);
	c->socket = mem_strdup(cfg_getstr(cfg, "socket"));
	c->socket_mode = (int)cfg_getint(cfg, "socket_mode");
	c->user = mem_strdup(cfg_getstr(cfg, "user"));
	c->pid_file = mem_strdup(cfg_getstr(cfg, "pid_file"));
	c->authserv_id = cfg_getstr(cfg, "authserv_id")[0] != '\0' ?
	    mem_strdup(cfg_getstr(cfg, "authserv_id")) : conf_host_name();
	c->syslog_facility = (int)cfg_getint(cfg, "syslog_facility");
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

	spf = cfg_getsec(cfg, "spf");
	c->spf_timeout_ms = (int)cfg_getint(spf, "timeout");
	c->received_spf_header = cfg_getbool(spf, "received_spf_header");
	conf_actions(cfg_getsec(spf, "mailfrom"), c->policy.spf_mailfrom,
	    &c->spf_mailfrom);
	conf_actions(cfg_getsec(spf, "helo"), c->policy.spf_helo,
	    &c->spf_helo);
	c->policy.spf_wait_for_dmarc = cfg_getbool(spf, "wait_for_dmarc");
	c->policy.trusted[CHECK_SPF] = (enum exempt_mode)cfg_getint(spf,
	    "trusted");
	c->policy.authenticated[CHECK_SPF] = (enum exempt_mode)cfg_getint(spf,
	    "authenticated");
	if (domlist_parse(cfg_getstr(spf, "exempt_domains"), 0,
	    &c->policy.spf_exempt_domains, &err) != 0 ||
	    domlist_parse(cfg_getstr(cfg, "allowlist_senders"), 0,
	    &c->policy.allowlist_senders, &err) != 0 ||
	    domlist_parse(cfg_getstr(cfg, "trusted_forwarders"), DOMLIST_EXACT,
	    &c->trusted_forwarders, &err) != 0)
		log_panic("config: domain list: %s", str_cstr(&err));

	dk = cfg_getsec(cfg, "dkim");
	c->dkim_enabled = cfg_getbool(dk, "enabled");
	c->dkim.timeout_ms = (int)cfg_getint(dk, "timeout");
	c->dkim.min_key_bits = (unsigned)cfg_getint(dk, "min_key_bits");
	c->dkim.allow_sha1 = cfg_getbool(dk, "allow_sha1");
	c->dkim.max_signatures = (unsigned)cfg_getint(dk, "max_signatures");
	c->policy.trusted[CHECK_DKIM] = (enum exempt_mode)cfg_getint(dk,
	    "trusted");
	c->policy.authenticated[CHECK_DKIM] = (enum exempt_mode)cfg_getint(dk,
	    "authenticated");
	for (r = 0; r < DKIMR_COUNT; r++)
		c->policy.dkim[r] = (enum action)cfg_getint(dk,
		    dkim_result_name((enum dkim_result)r));

	conf_dmarc(cfg_getsec(cfg, "dmarc"), c, &err);
	conf_exempt_rcpts(cfg_getstr(cfg, "exempt_recipients"), &c->policy);
	conf_report_only(cfg, &c->policy);
	c->policy.rfc7372_codes = cfg_getint(cfg, "reply_codes") != 0;
	c->policy.quarantine_header = cfg_getint(cfg, "quarantine_method") != 0;
	conf_score(cfg_getsec(cfg, "score"), &c->policy.score);
	conf_texts(cfg, &c->policy);
	/* these read list files: a file that changed since it was checked
	 * can still fail here */
	if (conf_ip_lists(cfg_getsec(cfg, "ip_lists"), c, &err) != 0 ||
	    conf_dnsbl(cfg_getsec(cfg, "dnsbl"), c, &err) != 0 ||
	    conf_iprev(cfg_getsec(cfg, "iprev"), c, &err) != 0 ||
	    conf_helo(cfg_getsec(cfg, "helo"), c, &err) != 0 ||
	    conf_authz(cfg_getsec(cfg, "sender_networks"), c, &err) != 0) {
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
	cfg_set_validate_func(cfg, "socket", validate_socket);
	cfg_set_validate_func(cfg, "user", validate_user);
	cfg_set_validate_func(cfg, "pid_file", validate_abs_path);
	cfg_set_validate_func(cfg, "authserv_id", validate_authserv_id);
	cfg_set_validate_func(cfg, "check_threads", validate_threads);
	cfg_set_validate_func(cfg, "trusted_networks", validate_networks);
	cfg_set_validate_func(cfg, "spf|exempt_domains", validate_domains);
	cfg_set_validate_func(cfg, "trusted_forwarders", validate_domains);
	cfg_set_validate_func(cfg, "allowlist_senders", validate_domains);
	cfg_set_validate_func(cfg, "dkim|min_key_bits", validate_key_bits);
	cfg_set_validate_func(cfg, "dkim|max_signatures",
	    validate_max_signatures);
	cfg_set_validate_func(cfg, "dmarc|psl_file", validate_readable);
	cfg_set_validate_func(cfg, "dmarc|trusted_signers", validate_domains);
	cfg_set_validate_func(cfg, "dmarc|trusted_clients", validate_networks);
	cfg_set_validate_func(cfg, "dmarc|domain", validate_dmarc_domain);
	cfg_set_validate_func(cfg, "dns|servers", validate_servers);
	cfg_set_validate_func(cfg, "dns|tries", validate_tries);
	cfg_set_validate_func(cfg, "dns|cache_size", validate_cache_size);
	cfg_set_validate_func(cfg, "exempt_recipients", validate_exempt_rcpts);
	cfg_set_validate_func(cfg, "ip_lists|list", validate_iplist);
	cfg_set_validate_func(cfg, "dnsbl", validate_dnsbl);
	cfg_set_validate_func(cfg, "dnsbl|threshold", validate_threshold);
	cfg_set_validate_func(cfg, "dnsbl|allow_threshold",
	    validate_threshold);
	cfg_set_validate_func(cfg, "dnsbl|zone", validate_zone);
	cfg_set_validate_func(cfg, "dnsbl|zone|listing", validate_listing);
	cfg_set_validate_func(cfg, "iprev|max_names", validate_max_names);
	cfg_set_validate_func(cfg, "iprev|generic_weight", validate_weight);
	cfg_set_validate_func(cfg, "iprev|generic_patterns",
	    validate_patterns);
	cfg_set_validate_func(cfg, "helo|own_names", validate_domains);
	cfg_set_validate_func(cfg, "sender_networks|domain", validate_authz);
	cfg_set_validate_func(cfg, "score", validate_score);
	cfg_set_validate_func(cfg, "override", validate_override);
	cfg_set_validate_func(cfg, "spf|text", validate_check_text);
	cfg_set_validate_func(cfg, "dkim|text", validate_check_text);
	cfg_set_validate_func(cfg, "dmarc|text", validate_check_text);
	cfg_set_validate_func(cfg, "dnsbl|text", validate_check_text);
	cfg_set_validate_func(cfg, "iprev|text", validate_check_text);
	cfg_set_validate_func(cfg, "helo|text", validate_check_text);
	cfg_set_validate_func(cfg, "score|text", validate_check_text);
	cfg_set_validate_func(cfg, "score|dmarc_fail", validate_score_weight);
	cfg_set_validate_func(cfg, "score|dnsbl", validate_score_weight);
	{
		static const char *const subs[] = { "spf", "spf_helo", "dkim",
			"iprev", "helo" };
		const cfg_opt_t *o;
		char where[64];
		size_t k;

		for (k = 0; k < sizeof(subs) / sizeof(subs[0]); k++) {
			o = k < 2 ? score_spf_opts : k == 2 ? score_dkim_opts :
			    k == 3 ? score_iprev_opts : score_helo_opts;
			for (; o->name != NULL; o++) {
				snprintf(where, sizeof(where), "score|%s|%s",
				    subs[k], o->name);
				cfg_set_validate_func(cfg, where,
				    validate_score_weight);
			}
		}
	}

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
