/*
 * conf_arc - the arc section: ARC chain validation and, on an
 * intermediary, the key our own ARC sets are sealed with.
 */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <confuse.h>
#include <openssl/evp.h>

#include "util/mem.h"
#include "util/str.h"
#include "arc/arc_seal.h"
#include "config/conf.h"
#include "config/conf_section.h"
#include "config/conf_value.h"

/* the header fields an ARC-Message-Signature of ours covers by default:
 * what a reader sees and what DKIM signers sign, never a field later
 * hops add or remove (RFC 8617 4.1.2: no Authentication-Results, no ARC
 * fields) */
#define CONF_ARC_HEADERS	"from:to:cc:reply-to:subject:date:" \
	"message-id:in-reply-to:references:mime-version:content-type:" \
	"content-transfer-encoding:content-disposition:list-id:" \
	"list-post:list-unsubscribe:dkim-signature"

/* parse_seal_mail - outgoing or all */
static int
parse_seal_mail(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	static const char *const names[] = { "outgoing", "all" };
	static const int values[] = { CONF_ARC_SEAL_OUTGOING,
	    CONF_ARC_SEAL_ALL };
	static const struct conf_words words = { NULL, names, 2, values };

	return conf_parse_word(cfg, opt, value, result, &words);
}

cfg_opt_t conf_arc_opts[] = {
	CFG_BOOL("enabled", cfg_true, CFGF_NONE),
	CFG_INT_CB("timeout", 5000, CFGF_NONE, conf_parse_duration),
	CFG_STR("seal_domain", "", CFGF_NONE),
	CFG_STR("seal_selector", "", CFGF_NONE),
	CFG_STR("seal_key", "", CFGF_NONE),
	CFG_STR("seal_headers", CONF_ARC_HEADERS, CFGF_NONE),
	CFG_INT_CB("seal_mail", CONF_ARC_SEAL_OUTGOING, CFGF_NONE,
	    parse_seal_mail),
	CFG_END()
};

/* validate_seal_headers - a list with From: and no field a later hop
 * changes */
static int
validate_seal_headers(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v, *w;
	size_t len;
	int from = 0;

	v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	for (w = v; *w != '\0'; w += len) {
		w += strspn(w, ":, \t");
		len = strcspn(w, ":, \t");
		if (len == 4 && strncasecmp(w, "from", 4) == 0)
			from = 1;
		if ((len == 22 && strncasecmp(w, "authentication-results",
		    22) == 0) || (len > 4 && strncasecmp(w, "arc-", 4) == 0)) {
			cfg_error(cfg, "option 'seal_headers': %.*s may not be "
			    "signed: later hops add and remove it (RFC 8617 "
			    "4.1.2)", (int)len, w);
			return -1;
		}
	}
	if (!from) {
		cfg_error(cfg, "option 'seal_headers': the list must name From "
		    "(RFC 6376 5.4)");
		return -1;
	}
	return 0;
}

/* validate_timeout - arc.timeout */
static int
validate_timeout(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_validate_range(cfg, opt, 100, 60000);
}

const struct conf_check conf_arc_checks[] = {
	{ "arc|timeout", validate_timeout },
	{ "arc|seal_domain", conf_validate_domains },
	{ "arc|seal_headers", validate_seal_headers },
	{ NULL, NULL }
};

/* conf_arc_build - the arc section; -1 and err when the seal options are
 * incomplete or the key cannot be used */
int
conf_arc_build(cfg_t *cfg, struct conf *c, str *err)
{
	cfg_t *arc;
	const char *domain, *selector, *key;
	str why;

	arc = cfg_getsec(cfg, "arc");
	c->arc_enabled = cfg_getbool(arc, "enabled") == cfg_true;
	c->arc_timeout_ms = (int)cfg_getint(arc, "timeout");
	domain = cfg_getstr(arc, "seal_domain");
	selector = cfg_getstr(arc, "seal_selector");
	key = cfg_getstr(arc, "seal_key");
	if (*domain == '\0' && *selector == '\0' && *key == '\0')
		return 0;
	if (*domain == '\0' || *selector == '\0' || *key == '\0') {
		str_append(err, "arc: sealing needs all of seal_domain, "
		    "seal_selector and seal_key");
		return -1;
	}
	if (!c->arc_enabled) {
		str_append(err, "arc: sealing needs enabled = yes (a seal "
		    "says whether the chain it extends passed)");
		return -1;
	}
	str_init(&why);
	if (arc_seal_key_load(key, &c->arc_seal_key, &why) != 0) {
		str_appendf(err, "arc: seal_key: %s", str_cstr(&why));
		str_free(&why);
		return -1;
	}
	str_free(&why);
	c->arc_seal_domain = mem_strdup(domain);
	c->arc_seal_selector = mem_strdup(selector);
	c->arc_seal_headers = mem_strdup(cfg_getstr(arc, "seal_headers"));
	c->arc_seal_mail = (int)cfg_getint(arc, "seal_mail");
	return 0;
}

/* conf_arc_free - release the key and names */
void
conf_arc_free(struct conf *c)
{
	EVP_PKEY_free(c->arc_seal_key);
	mem_free(c->arc_seal_domain);
	mem_free(c->arc_seal_selector);
	mem_free(c->arc_seal_headers);
}
