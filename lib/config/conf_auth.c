/*
 * conf_auth - the sections of the authentication checks: spf { }, dkim
 * { } and dmarc { } with dmarc { domain "x" { } }: their options, their
 * validators and the builder of their part of struct conf and of the
 * policy. See conf_section.h; the options are documented in
 * authgate.conf(5).
 */
#include "config.h"

#include <confuse.h>
#include <ctype.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"
#include "util/mem.h"
#include "util/netlist.h"
#include "util/str.h"
#include "mail/domlist.h"
#include "spf/spf.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc_record.h"
#include "verdict/policy.h"
#include "config/conf.h"
#include "config/conf_section.h"
#include "config/conf_value.h"

/* parse_dmarc_mode - rfc9989 or rfc7489 */
static int
parse_dmarc_mode(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	static const char *const names[] = { "rfc9989", "rfc7489" };
	static const int values[] = { DMARC_RFC9989, DMARC_RFC7489 };
	static const struct conf_words words = { NULL, names, 2, values };

	return conf_parse_word(cfg, opt, value, result, &words);
}

/* one SPF identity (mailfrom, helo): whether to check it and the action
 * for each result; libconfuse copies the table for each section */
static cfg_opt_t spf_identity_opts[] = {
	CFG_BOOL("enabled", cfg_true, CFGF_NONE),
	CFG_INT_CB("pass", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("fail", ACT_REJECT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("softfail", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("neutral", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("none", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("permerror", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("temperror", ACT_TEMPFAIL, CFGF_NONE, conf_parse_action),
	CFG_END()
};

cfg_opt_t conf_spf_opts[] = {
	CFG_STR("text", "", CFGF_NONE),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_INT_CB("timeout", 10000, CFGF_NONE, conf_parse_duration),
	CFG_BOOL("received_spf_header", cfg_false, CFGF_NONE),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_STR("exempt_domains", "", CFGF_NONE),
	CFG_BOOL("wait_for_dmarc", cfg_false, CFGF_NONE),
	CFG_SEC("mailfrom", spf_identity_opts, CFGF_NONE),
	CFG_SEC("helo", spf_identity_opts, CFGF_NONE),
	CFG_END()
};

cfg_opt_t conf_dkim_opts[] = {
	CFG_STR("text", "", CFGF_NONE),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_BOOL("enabled", cfg_true, CFGF_NONE),
	CFG_INT_CB("timeout", 5000, CFGF_NONE, conf_parse_duration),
	CFG_INT("min_key_bits", 1024, CFGF_NONE),
	CFG_BOOL("allow_sha1", cfg_false, CFGF_NONE),
	CFG_INT("max_signatures", 5, CFGF_NONE),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_INT_CB("pass", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("fail", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("neutral", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("policy", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("none", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("permerror", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("temperror", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_END()
};

/* a dmarc domain "example.com" { } override: unset options (-1) take
 * the value of the dmarc section */
static cfg_opt_t dmarc_domain_opts[] = {
	CFG_INT_CB("reject", -1, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("quarantine", -1, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("none", -1, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("temperror", -1, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("permerror", -1, CFGF_NONE, conf_parse_action),
	CFG_INT("report_only", -1, CFGF_NONE),
	CFG_END()
};

cfg_opt_t conf_dmarc_opts[] = {
	CFG_STR("text", "", CFGF_NONE),
	CFG_BOOL("enabled", cfg_true, CFGF_NONE),
	CFG_INT_CB("mode", DMARC_RFC9989, CFGF_NONE, parse_dmarc_mode),
	CFG_STR("psl_file", "/usr/share/publicsuffix/public_suffix_list.dat",
	    CFGF_NONE),
	CFG_INT_CB("timeout", 5000, CFGF_NONE, conf_parse_duration),
	CFG_INT_CB("trusted", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_INT_CB("authenticated", EXEMPT_SKIP, CFGF_NONE, conf_parse_exempt),
	CFG_INT_CB("reject", ACT_REJECT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("quarantine", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("none", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("temperror", ACT_TEMPFAIL, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("permerror", ACT_ACCEPT, CFGF_NONE, conf_parse_action),
	CFG_INT_CB("bad_from", ACT_REJECT, CFGF_NONE, conf_parse_action),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_STR("trusted_signers", "", CFGF_NONE),
	CFG_STR("trusted_clients", "", CFGF_NONE),
	CFG_STR("trusted_sealers", "", CFGF_NONE),
	CFG_SEC("domain", dmarc_domain_opts, CFGF_MULTI | CFGF_TITLE |
	    CFGF_NO_TITLE_DUPES),
	CFG_END()
};

/* validate_key_bits - dkim.min_key_bits */
static int
validate_key_bits(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, 512, 8192);
}

/* validate_max_signatures - dkim.max_signatures */
static int
validate_max_signatures(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, 1, 50);
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

const struct conf_check conf_auth_checks[] = {
	{ "spf|text", conf_validate_text },
	{ "spf|exempt_domains", conf_validate_domains },
	{ "dkim|text", conf_validate_text },
	{ "dkim|min_key_bits", validate_key_bits },
	{ "dkim|max_signatures", validate_max_signatures },
	{ "dmarc|text", conf_validate_text },
	{ "dmarc|psl_file", validate_readable },
	{ "dmarc|trusted_signers", conf_validate_domains },
	{ "dmarc|trusted_clients", conf_validate_networks },
	{ "dmarc|trusted_sealers", conf_validate_domains },
	{ "dmarc|domain", validate_dmarc_domain },
	{ NULL, NULL }
};

/* conf_spf_identity - one identity's switch and actions */
static void
conf_spf_identity(cfg_t *sec, enum action *actions, int *enabled)
{
	int r;

	*enabled = cfg_getbool(sec, "enabled");
	for (r = 0; r < SPFR_COUNT; r++)
		actions[r] = (enum action)cfg_getint(sec,
		    spf_result_name((enum spf_result)r));
}

/* conf_spf - the spf section */
static void
conf_spf(cfg_t *spf, struct conf *c)
{
	str err;

	c->spf_timeout_ms = (int)cfg_getint(spf, "timeout");
	c->received_spf_header = cfg_getbool(spf, "received_spf_header");
	conf_spf_identity(cfg_getsec(spf, "mailfrom"), c->policy.spf_mailfrom,
	    &c->spf_mailfrom);
	conf_spf_identity(cfg_getsec(spf, "helo"), c->policy.spf_helo,
	    &c->spf_helo);
	c->policy.spf_wait_for_dmarc = cfg_getbool(spf, "wait_for_dmarc");
	conf_exempt_modes(spf, &c->policy, CHECK_SPF, 0);
	/* validated while parsing: this cannot fail */
	str_init(&err);
	if (domlist_parse(cfg_getstr(spf, "exempt_domains"), 0,
	    &c->policy.spf_exempt_domains, &err) != 0)
		log_panic("config: spf exempt_domains: %s", str_cstr(&err));
	str_free(&err);
}

/* conf_dkim - the dkim section */
static void
conf_dkim(cfg_t *dk, struct conf *c)
{
	int r;

	c->dkim_enabled = cfg_getbool(dk, "enabled");
	c->dkim.timeout_ms = (int)cfg_getint(dk, "timeout");
	c->dkim.min_key_bits = (unsigned)cfg_getint(dk, "min_key_bits");
	c->dkim.allow_sha1 = cfg_getbool(dk, "allow_sha1");
	c->dkim.max_signatures = (unsigned)cfg_getint(dk, "max_signatures");
	conf_exempt_modes(dk, &c->policy, CHECK_DKIM, 0);
	for (r = 0; r < DKIMR_COUNT; r++)
		c->policy.dkim[r] = (enum action)cfg_getint(dk,
		    dkim_result_name((enum dkim_result)r));
}

/* conf_dmarc_actions - a set of DMARC actions; -1 keeps base's value */
static void
conf_dmarc_actions(cfg_t *sec, const struct dmarc_actions *base,
    struct dmarc_actions *a)
{
	/* by the policy the domain asks for: DMARC_P_NONE .. _REJECT */
	static const char *const names[] = { "none", "quarantine", "reject" };
	long v;
	size_t i;

	*a = *base;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((v = cfg_getint(sec, names[i])) >= 0)
			a->fail[i] = (enum action)v;
	if ((v = cfg_getint(sec, "temperror")) >= 0)
		a->temperror = (enum action)v;
	if ((v = cfg_getint(sec, "permerror")) >= 0)
		a->permerror = (enum action)v;
}

/* conf_dmarc - the dmarc section and its per-domain actions */
static void
conf_dmarc(cfg_t *dm, struct conf *c)
{
	struct dmarc_override *o;
	cfg_t *d;
	unsigned i, n;
	str err;
	long v;

	c->dmarc_enabled = cfg_getbool(dm, "enabled");
	c->dmarc_mode = (enum dmarc_mode)cfg_getint(dm, "mode");
	c->psl_file = mem_strdup(cfg_getstr(dm, "psl_file"));
	c->dmarc_timeout_ms = (int)cfg_getint(dm, "timeout");
	conf_exempt_modes(dm, &c->policy, CHECK_DMARC, 0);
	conf_dmarc_actions(dm, &c->policy.dmarc, &c->policy.dmarc);
	c->policy.dmarc.report_only = cfg_getbool(dm, "report_only");
	c->policy.bad_from = (enum action)cfg_getint(dm, "bad_from");
	/* validated while parsing: these cannot fail */
	str_init(&err);
	if (domlist_parse(cfg_getstr(dm, "trusted_signers"), 0,
	    &c->policy.dmarc_trusted_signers, &err) != 0 ||
	    domlist_parse(cfg_getstr(dm, "trusted_sealers"), 0,
	    &c->policy.dmarc_trusted_sealers, &err) != 0 ||
	    netlist_parse(cfg_getstr(dm, "trusted_clients"),
	    &c->policy.dmarc_trusted_clients, &err) != 0)
		log_panic("config: dmarc lists: %s", str_cstr(&err));
	str_free(&err);
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

/* conf_auth_build - the spf, dkim and dmarc sections of a parsed tree */
void
conf_auth_build(cfg_t *cfg, struct conf *c)
{
	conf_spf(cfg_getsec(cfg, "spf"), c);
	conf_dkim(cfg_getsec(cfg, "dkim"), c);
	conf_dmarc(cfg_getsec(cfg, "dmarc"), c);
}
