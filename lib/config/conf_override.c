/*
 * conf_override - the override "domain" { } sections: policy options for
 * one recipient domain (or with match = sender one sender domain) over
 * the rest of the file. An override may set what is done with results
 * (actions, exemption modes, thresholds, weights, texts, report-only),
 * never what is looked up or loaded (timeouts, zones, list files, ...):
 * those are refused with file:line. The loader core builds each
 * override's policy (conf.c, conf_overrides). See conf_section.h.
 */
#include "config.h"

#include <confuse.h>
#include <string.h>

#include "util/str.h"
#include "config/conf_section.h"
#include "config/conf_value.h"

/* parse_match - what an override's title names: recipient or sender */
static int
parse_match(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	static const char *const names[] = { "recipient", "sender" };
	static const struct conf_words words = { NULL, names, 2, NULL };

	return conf_parse_word(cfg, opt, value, result, &words);
}

/* the sections an override may hold are the top-level ones of the
 * policy; what an override does not set comes from the rest of the file */
cfg_opt_t conf_override_opts[] = {
	CFG_INT_CB("match", 0, CFGF_NONE, parse_match),
	CFG_BOOL("report_only", cfg_false, CFGF_NONE),
	CFG_INT_CB("reply_codes", 0, CFGF_NONE, conf_parse_reply_codes),
	CFG_INT_CB("quarantine_method", 0, CFGF_NONE, conf_parse_quarantine),
	CFG_SEC("spf", conf_spf_opts, CFGF_NONE),
	CFG_SEC("dkim", conf_dkim_opts, CFGF_NONE),
	CFG_SEC("dmarc", conf_dmarc_opts, CFGF_NONE),
	CFG_SEC("dnsbl", conf_dnsbl_opts, CFGF_NONE),
	CFG_SEC("iprev", conf_iprev_opts, CFGF_NONE),
	CFG_SEC("helo", conf_helo_opts, CFGF_NONE),
	CFG_SEC("sender_networks", conf_authz_opts, CFGF_NONE),
	CFG_SEC("sender_login", conf_sender_login_opts, CFGF_NONE),
	CFG_SEC("lockdown", conf_lockdown_opts, CFGF_NONE),
	CFG_SEC("score", conf_score_opts, CFGF_NONE),
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
	"iprev|timeout", "iprev|max_names", "iprev|trust_mta",
	"iprev|generic_patterns",
	"iprev|generic_ip_in_name", "helo|enabled", "helo|own_names",
	"helo|timeout", "sender_networks|domain", "sender_login|owners",
	"sender_login|owners_file", "sender_login|identities",
	"sender_login|unowned_allowed", "lockdown|enabled", "lockdown|label",
	"lockdown|identities", "lockdown|timeout", NULL
};

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
int
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

const struct conf_check conf_override_checks[] = {
	{ "override", validate_override },
	{ NULL, NULL }
};
