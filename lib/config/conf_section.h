/*
 * conf_section - what the loader core (conf.c) needs of the files that
 * hold the sections: each file has its sections' option tables, the
 * table of their validators, and a builder that fills struct conf from
 * a parsed tree. Only the loader uses this; the rest of authgate sees
 * conf.h.
 *
 *	struct conf_check - one validator of a table: the option's path
 *		("dkim|min_key_bits"; "score|spf|*" for every option of that
 *		section) and the libconfuse callback. Tables end with a NULL
 *		path.
 *
 *	conf_auth.c - spf, dkim and dmarc: conf_auth_build(cfg, c)
 *	conf_ip.c - ip_lists, dnsbl, iprev, helo, sender_networks:
 *		conf_ip_build(cfg, c, err); these read list files, so they
 *		can fail (-1, err naming the section and file:line).
 *	conf_sender.c - sender_identity, sender_login, lockdown, blocks,
 *		rate_limits, state: conf_sender_build(cfg, c, err) reads the
 *		map files (-1, err naming the section and file:line);
 *		conf_sender_free(c) releases what it built.
 *	conf_score.c - score: conf_score_build(sec, score) over the
 *		built-in weights; conf_score_order(thresholds, err) checks
 *		the thresholds rise with the actions (an override's too).
 *	conf_arc.c - arc: conf_arc_build(cfg, c, err) loads the sealing
 *		key (-1, err when it cannot, or the seal options are
 *		incomplete); conf_arc_free(c).
 *	conf_override.c - override "domain" { }: conf_override_walk(src,
 *		dst, prefix, err) refuses the options an override may not
 *		set and, with dst, copies the ones it sets into dst.
 */
#ifndef AUTHGATE_CONF_SECTION_H
#define AUTHGATE_CONF_SECTION_H

#include <confuse.h>

#include "util/str.h"
#include "verdict/policy.h"
#include "config/conf.h"

struct conf_check {
	const char		*path;
	cfg_validate_callback_t	 fn;
};

/* conf_auth.c */
extern cfg_opt_t conf_spf_opts[];
extern cfg_opt_t conf_dkim_opts[];
extern cfg_opt_t conf_dmarc_opts[];
extern const struct conf_check conf_auth_checks[];
void	conf_auth_build(cfg_t *, struct conf *);

/* conf_ip.c */
extern cfg_opt_t conf_iplists_opts[];
extern cfg_opt_t conf_dnsbl_opts[];
extern cfg_opt_t conf_iprev_opts[];
extern cfg_opt_t conf_helo_opts[];
extern cfg_opt_t conf_authz_opts[];
extern const struct conf_check conf_ip_checks[];
int	conf_ip_build(cfg_t *, struct conf *, str *);

/* conf_sender.c */
extern cfg_opt_t conf_identity_opts[];
extern cfg_opt_t conf_sender_login_opts[];
extern cfg_opt_t conf_lockdown_opts[];
extern cfg_opt_t conf_blocks_opts[];
extern cfg_opt_t conf_rate_opts[];
extern cfg_opt_t conf_state_opts[];
extern const struct conf_check conf_sender_checks[];
int	conf_sender_build(cfg_t *, struct conf *, str *);
void	conf_sender_free(struct conf *);

/* conf_score.c */
extern cfg_opt_t conf_score_opts[];
extern const struct conf_check conf_score_checks[];
void	conf_score_build(cfg_t *, struct score_policy *);
int	conf_score_order(const int *, str *);

/* conf_arc.c */
extern cfg_opt_t conf_arc_opts[];
extern const struct conf_check conf_arc_checks[];
int	conf_arc_build(cfg_t *, struct conf *, str *);
void	conf_arc_free(struct conf *);

/* conf_override.c */
extern cfg_opt_t conf_override_opts[];
extern const struct conf_check conf_override_checks[];
int	conf_override_walk(cfg_t *, cfg_t *, const char *, str *);

#endif
