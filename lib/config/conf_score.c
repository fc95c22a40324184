/*
 * conf_score - the score { } section: the optional score model's weights
 * per result and its thresholds per action. An option left unset keeps
 * the built-in value of policy_score_defaults(), so the table below never
 * repeats those numbers. See conf_section.h; the options are documented
 * in authgate.conf(5).
 */
#include "config.h"

#include <confuse.h>

#include "util/str.h"
#include "spf/spf.h"
#include "dkim/dkim.h"
#include "ipcheck/helo_check.h"
#include "ipcheck/iprev.h"
#include "verdict/policy.h"
#include "config/conf_section.h"
#include "config/conf_value.h"

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

cfg_opt_t conf_score_opts[] = {
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

/* the option names of each check's weights: its result words */
static const char *score_spf_name(int i) { return spf_result_name(i); }
static const char *score_dkim_name(int i) { return dkim_result_name(i); }
static const char *score_iprev_name(int i) { return iprev_result_name(i); }
static const char *score_helo_name(int i) { return helo_fact_name(i); }

/* conf_score_build - the score section over the built-in weights */
void
conf_score_build(cfg_t *sec, struct score_policy *sc)
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
	return conf_validate_range(cfg, opt, -100, 100);
}

/* conf_score_order - thresholds 0..1000, rising in the order of the
 * actions they stand for (0: not used); 0, or -1 with err */
int
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

	conf_score_build(cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1), &sc);
	str_init(&err);
	if ((rc = conf_score_order(sc.threshold, &err)) != 0)
		cfg_error(cfg, "%s", str_cstr(&err));
	str_free(&err);
	return rc;
}

const struct conf_check conf_score_checks[] = {
	{ "score", validate_score },
	{ "score|text", conf_validate_text },
	{ "score|dmarc_fail", validate_score_weight },
	{ "score|dnsbl", validate_score_weight },
	{ "score|spf|*", validate_score_weight },
	{ "score|spf_helo|*", validate_score_weight },
	{ "score|dkim|*", validate_score_weight },
	{ "score|iprev|*", validate_score_weight },
	{ "score|helo|*", validate_score_weight },
	{ NULL, NULL }
};
