/*
 * conf_value - values that options of several sections share: the
 * libconfuse parse and validate callbacks for durations, enumerated
 * words, numbers in a range, domain and network lists and reply
 * templates, and the small readers the section builders share. Every
 * callback reports through cfg_error, so the error names file:line.
 *
 *	struct conf_words - the words an enumerated option takes: a
 *		module's name table (policy_action_names, ...), what the
 *		words are called in an error ("an action"; NULL: the words
 *		alone) and, when the stored value is not the word's index,
 *		the value of each word.
 *	conf_parse_word(cfg, opt, value, result, words) - one word of the
 *		table, any case; the error lists the table's words.
 *	conf_parse_action, conf_parse_exempt, conf_parse_reply_codes,
 *	conf_parse_quarantine - conf_parse_word for actions (accept ..
 *		reject), exemption modes (check, record, skip), reply codes
 *		(generic, rfc7372) and the quarantine method (hold, header).
 *	conf_parse_duration - "500ms", "2s", "5m", "1h", "1d" or bare
 *		seconds, stored in milliseconds (at most 30 days).
 *	conf_validate_range(cfg, opt, lo, hi) - an integer in lo..hi.
 *	conf_validate_domains, conf_validate_networks - a domain list
 *		(domlist syntax) or a network list (netlist syntax).
 *	conf_check_domains(cfg, opt, flags, max, why) - a domain list
 *		with domlist_parse flags and at most max names (0: no
 *		limit; why says in the error what makes more too many).
 *	conf_validate_text - a check's reply template (verdict macros).
 *	conf_template_ok(cfg, where, text, macros) - a template that uses
 *		only the given macros; the error starts with where.
 *	conf_title_domain(title, flags, err) - a section title that must
 *		be one domain name.
 *	conf_exempt_modes(sec, policy, check, has_allowlisted) - a check
 *		section's trusted, authenticated (and allowlisted) options.
 *	conf_host_name() - this host's name (mem_free it), "localhost" if
 *		it has none.
 *	conf_err_prefix(err, fmt, ...) - put a formatted prefix before the
 *		error text in err (the section or list a file error is in).
 */
#ifndef AUTHGATE_CONF_VALUE_H
#define AUTHGATE_CONF_VALUE_H

#include <confuse.h>
#include <stddef.h>

#include "util/str.h"
#include "verdict/policy.h"

struct conf_words {
	const char		*what;		/* "an action", or NULL */
	const char *const	*names;		/* a module's name table */
	int			 n;
	const int		*values;	/* NULL: the word's index */
};

int	conf_parse_word(cfg_t *, cfg_opt_t *, const char *, void *,
	    const struct conf_words *);
int	conf_parse_action(cfg_t *, cfg_opt_t *, const char *, void *);
int	conf_parse_exempt(cfg_t *, cfg_opt_t *, const char *, void *);
int	conf_parse_reply_codes(cfg_t *, cfg_opt_t *, const char *, void *);
int	conf_parse_quarantine(cfg_t *, cfg_opt_t *, const char *, void *);
int	conf_parse_duration(cfg_t *, cfg_opt_t *, const char *, void *);
int	conf_validate_range(cfg_t *, cfg_opt_t *, long, long);
int	conf_validate_domains(cfg_t *, cfg_opt_t *);
int	conf_validate_networks(cfg_t *, cfg_opt_t *);
int	conf_check_domains(cfg_t *, cfg_opt_t *, int, size_t,
	    const char *);
int	conf_validate_text(cfg_t *, cfg_opt_t *);
int	conf_template_ok(cfg_t *, const char *, const char *,
	    const char *const *);
int	conf_title_domain(const char *, int, str *);
void	conf_exempt_modes(cfg_t *, struct policy *, enum check, int);
char	*conf_host_name(void);
void	conf_err_prefix(str *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
