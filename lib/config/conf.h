/*
 * conf - authgate's configuration: one file (default
 * /etc/authgate/authgate.conf) read with libconfuse, with a built-in
 * default for every option so the daemon runs without any file.
 *
 *	conf_load(path, must_exist, out, err) - read and validate a file.
 *		path NULL: built-in defaults only. A missing file is an error
 *		only when must_exist (the admin named it with -c); otherwise
 *		the defaults apply. On error *out is NULL, err holds one line
 *		per problem, each "file:line: what is wrong", and -1 is
 *		returned. Unknown options, wrong types and bad values are all
 *		errors: a config never half-applies.
 *	conf_free(cfg)
 *	conf_same_dns(a, b) - same resolver settings, so a reload may
 *		keep the resolver and its warm cache.
 *	conf_same_state(a, b) - same counter store settings, so a reload
 *		keeps the store (and the blocks and counts in memory).
 *	conf_sender_active(cfg) - is a sending-side check on (lockdown,
 *		sender_login, blocks or rate limits).
 *	conf_default_path() - the path used when none is given.
 *	conf_policy_for(cfg, sender_domain, rcpt_domain) - the policy for a
 *		transaction: an override "domain" { } of the recipient's
 *		domain, else one of the sender's (match = sender), else the
 *		file's. An override is the whole file again with the
 *		override's options set over it.
 *	conf_list_options(out) - every option name, one per line, with
 *		sections as prefixes ("spf.mailfrom.fail"); the docs tests use
 *		it to check that each option is documented.
 * A loaded config is immutable; reload builds a new one.
 */
#ifndef AUTHGATE_CONF_H
#define AUTHGATE_CONF_H

#include <openssl/evp.h>

#include "util/netlist.h"
#include "util/str.h"
#include "dns/dns.h"
#include "mail/domlist.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc_record.h"
#include "ipcheck/authz.h"
#include "ipcheck/dnsbl.h"
#include "ipcheck/generic_name.h"
#include "ipcheck/iplist.h"
#include "ipcheck/iprev.h"
#include "sender/identity.h"
#include "sender/limits.h"
#include "verdict/policy.h"

/* where the daemon logs (log_to): syslog when it runs in the
 * background or under systemd (auto), or always one of them */
#define CONF_LOG_AUTO	0
#define CONF_LOG_SYSLOG	1
#define CONF_LOG_STDERR	2
/* the transaction line (log_format): key=value text or a JSON object */
#define CONF_LOG_TEXT	0
#define CONF_LOG_JSON	1

/* a policy for one recipient or sender domain (override "x" { }) */
struct conf_override {
	char		*domain;	/* "example.com" or ".example.com" */
	int		 sender;	/* matches the sender, else a recipient */
	struct policy	 policy;
};

/* arc.seal_mail: whose mail gets our ARC set */
#define CONF_ARC_SEAL_OUTGOING	0	/* trusted_networks, SMTP AUTH */
#define CONF_ARC_SEAL_ALL	1

struct conf {
	char		*path;		/* NULL: built-in defaults */
	/* daemon */
	char		*socket;
	int		 socket_mode;	/* -1: as created */
	char		*user;		/* "" = keep the starting user */
	char		*pid_file;	/* "" = none */
	char		*authserv_id;
	int		 syslog_facility;
	int		 log_to;	/* CONF_LOG_* */
	int		 log_format;	/* CONF_LOG_TEXT, CONF_LOG_JSON */
	int		 log_level;
	int		 milter_timeout;	/* seconds, libmilter I/O */
	unsigned	 check_threads;
	netlist		 trusted_networks;
	domlist		 trusted_forwarders;
	/* DNS */
	char		*dns_servers;
	struct dns_options dns;
	/* SPF */
	int		 spf_mailfrom;		/* enabled */
	int		 spf_helo;
	int		 spf_timeout_ms;
	int		 received_spf_header;
	/* DKIM */
	int		 dkim_enabled;
	struct dkim_options dkim;
	/* DMARC */
	int		 dmarc_enabled;
	enum dmarc_mode	 dmarc_mode;
	char		*psl_file;
	int		 dmarc_timeout_ms;
	/* ARC */
	int		 arc_enabled;	/* chains validated */
	int		 arc_timeout_ms;
	EVP_PKEY	*arc_seal_key;	/* NULL: no sealing */
	char		*arc_seal_domain;
	char		*arc_seal_selector;
	char		*arc_seal_headers;
	int		 arc_seal_mail;	/* CONF_ARC_SEAL_* */
	/* connect-stage IP checks */
	struct iplist_set iplists;	/* ip_lists */
	struct dnsbl_set dnsbl;
	int		 dnsbl_timeout_ms;
	int		 iprev_enabled;
	int		 iprev_timeout_ms;
	struct iprev_options iprev;
	generic_rules	*generic;	/* NULL: no generic-name signal */
	int		 helo_enabled;	/* the HELO facts */
	int		 helo_timeout_ms;
	domlist		 helo_own_names;
	struct authz_set authz;		/* sender_networks */
	/* the sending side */
	char		**relay_ids;	/* sender_identity.relay_ids */
	size_t		 nrelay_ids;
	struct identity_maps identity;	/* logins, owners */
	netlist		 client_accounts;	/* network -> account */
	unsigned	 sender_login_identities;	/* AUTHZ_*; 0 off */
	unsigned	 lockdown_identities;	/* AUTHZ_*; 0: off */
	char		*lockdown_label;
	int		 lockdown_timeout_ms;
	struct limits_cfg limits;	/* blocks, rate_limits */
	/* the store of counters and blocks */
	char		*redis;		/* "host:port"; "": in-process */
	char		*redis_password;
	int		 redis_db;
	char		*redis_prefix;
	int		 state_timeout_ms;
	size_t		 state_memory_entries;
	char		*control_socket;	/* "": none */
	char		*metrics;	/* "address:port" of /metrics, "": off */
	char		*dmarc_store;	/* "sqlite:/path"; "": no recording */
	size_t		 dmarc_queue;	/* rows waiting for the writer */
	char		*dmarc_org;	/* report metadata; "": authserv_id */
	char		*dmarc_email;	/* "": postmaster@authserv_id */
	char		*dmarc_contact;	/* "": none */
	char		*dmarc_transport;	/* "sendmail:/path", "smtp:ip:port" */
	int64_t		 dmarc_retention_s;	/* keep records that long */
	int		 dmarc_failure;	/* failure reports (ruf=) recorded */
	int		 dmarc_failure_max;	/* per domain and run, sent */
	/* what to do with the results */
	struct policy	 policy;
	struct conf_override *overrides;
	size_t		 noverrides;
};

int		 conf_load(const char *, int, struct conf **, str *);
void		 conf_free(struct conf *);
int		 conf_same_dns(const struct conf *, const struct conf *);
int		 conf_same_state(const struct conf *, const struct conf *);
int		 conf_sender_active(const struct conf *);
const char	*conf_default_path(void);
const struct policy *conf_policy_for(const struct conf *, const char *,
		    const char *);
void		 conf_list_options(str *);

#endif
