/*
 * conf_ip - the sections of the connect-stage checks: ip_lists { },
 * dnsbl { } (zones and their listings), iprev { }, helo { } and
 * sender_networks { }: their options, their validators and the builder
 * of their part of struct conf and of the policy. Lists may live in
 * files, read at start and on every reload: a bad line there is an error
 * of the config, "section: file:line: what". See conf_section.h; the
 * options are documented in authgate.conf(5).
 */
#include "config.h"

#include <confuse.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/mem.h"
#include "util/netlist.h"
#include "util/str.h"
#include "mail/domlist.h"
#include "ipcheck/authz.h"
#include "ipcheck/dnsbl.h"
#include "ipcheck/generic_name.h"
#include "ipcheck/helo_check.h"
#include "ipcheck/iplist.h"
#include "ipcheck/iprev.h"
#include "verdict/policy.h"
#include "config/conf.h"
#include "config/conf_section.h"
#include "config/conf_value.h"

/* parse_list_action - what a list does with its clients: allow (an allow
 * list), reject or tempfail (a deny list) */
static int
parse_list_action(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	static const char *const names[] = { "allow", "reject", "tempfail" };
	static const int values[] = { -1, ACT_REJECT, ACT_TEMPFAIL };
	static const struct conf_words words = { NULL, names, 3, values };

	return conf_parse_word(cfg, opt, value, result, &words);
}

/* parse_class - a DNS list listing's class */
static int
parse_class(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	static const struct conf_words words = {
		NULL, dnsbl_class_names, DNSBL_CLASS_COUNT, NULL
	};

	return conf_parse_word(cfg, opt, value, result, &words);
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

static const char *const iplist_macros[] = { "ip", "net", "list", "text",
	NULL };
static const char *const dnsbl_macros[] = { "ip", "zone", "code",
	"category", "url", "txt", NULL };
static const char *const url_macros[] = { "ip", "zone", NULL };
static const char *const authz_macros[] = { "ip", "domain", "identity",
	NULL };

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

/* validate_max_names - iprev.max_names */
static int
validate_max_names(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, 1, IPREV_NAMES_MAX);
}

/* validate_weight - a weight added to the DNS list score */
static int
validate_weight(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, -100, 100);
}

/* validate_threshold - a DNS list score threshold */
static int
validate_threshold(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, -1000, 1000);
}

/* validate_dnsbl - the dnsbl section: allow below refuse */
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

cfg_opt_t conf_iplists_opts[] = {
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
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

cfg_opt_t conf_dnsbl_opts[] = {
	CFG_STR("text", "", CFGF_NONE),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_INT("threshold", 3, CFGF_NONE),
	CFG_INT("allow_threshold", -1, CFGF_NONE),
	CFG_INT_CB("action", ACT_REJECT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("temperror", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("timeout", 5000, CFGF_NONE, conf_parse_duration),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_INT_CB("allowlisted", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_SEC("zone", zone_opts, CFGF_MULTI | CFGF_TITLE |
	    CFGF_NO_TITLE_DUPES),
	CFG_END()
};

cfg_opt_t conf_iprev_opts[] = {
	CFG_STR("text", "", CFGF_NONE),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_BOOL("enabled", cfg_true, CFGF_NONE),
	CFG_INT_CB("timeout", 5000, CFGF_NONE, conf_parse_duration),
	CFG_INT("max_names", 10, CFGF_NONE),
	CFG_BOOL("trust_mta", cfg_false, CFGF_NONE),
	CFG_INT_CB("no_ptr", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("unconfirmed", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("temperror", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT("generic_weight", 1, CFGF_NONE),
	CFG_STR_LIST("generic_patterns", NULL, CFGF_NONE),
	CFG_BOOL("generic_ip_in_name", cfg_true, CFGF_NONE),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_INT_CB("allowlisted", EXEMPT_RECORD, CFGF_NONE, conf_parse_exempt),
	CFG_END()
};

cfg_opt_t conf_helo_opts[] = {
	CFG_STR("text", "", CFGF_NONE),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_BOOL("enabled", cfg_true, CFGF_NONE),
	CFG_STR("own_names", "", CFGF_NONE),
	CFG_INT_CB("timeout", 5000, CFGF_NONE, conf_parse_duration),
	CFG_INT_CB("ip_literal", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("wrong_literal", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("not_fqdn", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("own_name", ACT_REJECT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("unresolvable", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_INT_CB("allowlisted", EXEMPT_RECORD, CFGF_NONE, conf_parse_exempt),
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

cfg_opt_t conf_authz_opts[] = {
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_INT_CB("action", ACT_REJECT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_INT_CB("allowlisted", EXEMPT_CHECK, CFGF_NONE, conf_parse_exempt),
	CFG_SEC("domain", authz_domain_opts, CFGF_MULTI | CFGF_TITLE |
	    CFGF_NO_TITLE_DUPES),
	CFG_END()
};

const struct conf_check conf_ip_checks[] = {
	{ "ip_lists|list", validate_iplist },
	{ "dnsbl", validate_dnsbl },
	{ "dnsbl|text", conf_validate_text },
	{ "dnsbl|threshold", validate_threshold },
	{ "dnsbl|allow_threshold", validate_threshold },
	{ "dnsbl|zone", validate_zone },
	{ "dnsbl|zone|listing", validate_listing },
	{ "iprev|text", conf_validate_text },
	{ "iprev|max_names", validate_max_names },
	{ "iprev|generic_weight", validate_weight },
	{ "iprev|generic_patterns", validate_patterns },
	{ "helo|text", conf_validate_text },
	{ "helo|own_names", conf_validate_domains },
	{ "sender_networks|domain", validate_authz },
	{ NULL, NULL }
};

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
	c->iprev.trust_mta = cfg_getbool(sec, "trust_mta");
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

/* conf_ip_build - the connect-stage sections of a parsed tree; these read
 * list files, which may have changed since they were validated */
int
conf_ip_build(cfg_t *cfg, struct conf *c, str *err)
{
	if (conf_ip_lists(cfg_getsec(cfg, "ip_lists"), c, err) != 0 ||
	    conf_dnsbl(cfg_getsec(cfg, "dnsbl"), c, err) != 0 ||
	    conf_iprev(cfg_getsec(cfg, "iprev"), c, err) != 0 ||
	    conf_helo(cfg_getsec(cfg, "helo"), c, err) != 0 ||
	    conf_authz(cfg_getsec(cfg, "sender_networks"), c, err) != 0)
		return -1;
	return 0;
}
