/*
 * conf_value - values shared by the sections of the config; see
 * conf_value.h.
 */
#include "config.h"

#include <confuse.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/mem.h"
#include "util/netlist.h"
#include "util/str.h"
#include "util/template.h"
#include "mail/domlist.h"
#include "verdict/exempt.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"
#include "config/conf_value.h"

#define DURATION_MAX_MS	(30LL * 86400 * 1000)

/* conf_parse_word - one word of a name table */
int
conf_parse_word(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result,
    const struct conf_words *w)
{
	str words;
	int i;

	if ((i = str_word_index(w->names, w->n, value)) >= 0) {
		*(long *)result = w->values != NULL ? w->values[i] : i;
		return 0;
	}
	/* "a, b or c", from the table */
	str_init(&words);
	for (i = 0; i < w->n; i++)
		str_appendf(&words, "%s%s", i == 0 ? "" : i == w->n - 1 ?
		    " or " : ", ", w->names[i]);
	if (w->what != NULL)
		cfg_error(cfg, "option '%s': \"%s\" is not %s (%s)", opt->name,
		    value, w->what, str_cstr(&words));
	else
		cfg_error(cfg, "option '%s': \"%s\" is not %s", opt->name, value,
		    str_cstr(&words));
	str_free(&words);
	return -1;
}

/* conf_parse_action - accept, tag, quarantine, tempfail or reject */
int
conf_parse_action(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	static const struct conf_words words = {
		"an action", policy_action_names, ACT_COUNT, NULL
	};

	return conf_parse_word(cfg, opt, value, result, &words);
}

/* conf_parse_exempt - check, record or skip */
int
conf_parse_exempt(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	static const struct conf_words words = {
		NULL, exempt_mode_names, EXEMPT_MODE_COUNT, NULL
	};

	return conf_parse_word(cfg, opt, value, result, &words);
}

/* conf_parse_reply_codes - generic (0) or rfc7372 (1) */
int
conf_parse_reply_codes(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	static const char *const names[] = { "generic", "rfc7372" };
	static const struct conf_words words = { NULL, names, 2, NULL };

	return conf_parse_word(cfg, opt, value, result, &words);
}

/* conf_parse_quarantine - hold (0: Postfix's hold queue) or header (1) */
int
conf_parse_quarantine(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	static const char *const names[] = { "hold", "header" };
	static const struct conf_words words = { NULL, names, 2, NULL };

	return conf_parse_word(cfg, opt, value, result, &words);
}

/* conf_parse_duration - "500ms", "2s", "5m", "1h", "1d" or bare seconds */
int
conf_parse_duration(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
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

/* conf_validate_range - an integer option with bounds */
int
conf_validate_range(cfg_t *cfg, cfg_opt_t *opt, long lo, long hi)
{
	long v;

	v = cfg_opt_getnint(opt, cfg_opt_size(opt) - 1);
	if (v >= lo && v <= hi)
		return 0;
	cfg_error(cfg, "option '%s': %ld is out of range (%ld..%ld)",
	    opt->name, v, lo, hi);
	return -1;
}

/* conf_check_domains - a domain list, with flags and a limit */
int
conf_check_domains(cfg_t *cfg, cfg_opt_t *opt, int flags, size_t max,
    const char *why)
{
	domlist list;
	str err;
	int rc;

	str_init(&err);
	if ((rc = domlist_parse(cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1),
	    flags, &list, &err)) != 0) {
		cfg_error(cfg, "option '%s': %s", opt->name, str_cstr(&err));
	} else {
		if (max > 0 && list.n > max) {
			cfg_error(cfg, "option '%s': %zu domains, at most %zu "
			    "(%s)", opt->name, list.n, max, why);
			rc = -1;
		}
		domlist_free(&list);
	}
	str_free(&err);
	return rc;
}

/* conf_validate_domains - a list of domains */
int
conf_validate_domains(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_check_domains(cfg, opt, 0, 0, NULL);
}

/* conf_validate_networks - a list of networks */
int
conf_validate_networks(cfg_t *cfg, cfg_opt_t *opt)
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

/* conf_template_ok - a reply text template and the macros it may use */
int
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

/* conf_validate_text - a check's reply template (spf.text, ...) */
int
conf_validate_text(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_template_ok(cfg, "option 'text'", cfg_opt_getnstr(opt,
	    cfg_opt_size(opt) - 1), verdict_text_macros);
}

/* conf_title_domain - a section title that must be one domain name
 * (flags as for domlist_parse); 0, or -1 with err */
int
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

/* conf_exempt_modes - a section's trusted/authenticated/allowlisted */
void
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

/* conf_err_prefix - put a prefix before an error message */
void
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

/* conf_host_name - the default authserv-id: this host's name */
char *
conf_host_name(void)
{
	char host[256];

	if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0')
		return mem_strdup("localhost");
	host[sizeof(host) - 1] = '\0';
	return mem_strdup(host);
}
