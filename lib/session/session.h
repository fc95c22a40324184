/*
 * session - the state of one SMTP connection as the milter sees it, and
 * the checks running for it. No libmilter here: callbacks.c moves data
 * between libmilter and these functions.
 *
 *	session_new(rt) - at option negotiation, before anything is known.
 *	session_connect(s, ip, client_name, ptr_name) - at connect; ip
 *		NULL when the MTA gave no IP address (then no IP-based check
 *		runs); ptr_name: the name the MTA found in the PTR record
 *		({client_ptr}, unverified; NULL if none), whose forward
 *		lookup the reverse DNS check starts with its own PTR. Looks
 *		the client up in trusted_networks and the ip_lists, and starts
 *		at once, all in parallel: the DNS list lookups, the reverse
 *		DNS check (iprev) and the trusted forwarder check (is the
 *		client listed by the SPF record of a spf.trusted_forwarders
 *		domain) when there are any. For a client address seen
 *		before, the lookups of the last MAIL FROM domain whose SPF
 *		record passed it start too (its SPF record and hinted
 *		chain, DMARC records, hinted DKIM keys): the dialogue up to
 *		MAIL (TLS above all) hides them. MAIL with that domain hands
 *		them to its checks; another domain drops them.
 *	session_helo(s, name) - remember HELO; classify it (helo_check.c)
 *		and start its address lookup and the SPF HELO check in the
 *		background.
 *	session_mail(s, arg, queue_id, auth_user) - start a transaction;
 *		start the SPF MAIL FROM check in the background. auth_user
 *		is the SMTP AUTH login ({auth_authen}), NULL if none. The
 *		sending side: who sends (login, account), the MAIL FROM
 *		lockdown lookup started, the login's right to the address
 *		checked.
 * A check that an exemption skips (exempt.c) is not started at all.
 *	session_rcpt(s, rcpt) - a recipient; notes whether it is one of
 *		exempt_recipients (postmaster@...) for the decision at RCPT.
 *	session_rcpt_answered(s, verdict) - the recipient's answer: those
 *		accepted count for the end of the message, which is exempt
 *		only when every accepted recipient is.
 *	session_header(s, name, value) - one header field: to the message
 *		checks (From:, DKIM, ARC), and Authentication-Results fields
 *		that claim our authserv-id noted (forgeries to delete at EOM;
 *		their results kept when we seal, see session_seal).
 *	session_body(s, chunk, len) - body bytes for DKIM; 0 when no more
 *		are needed.
 *	session_policy(s) - the policy in force: an override "domain" { }
 *		of the current recipient's domain, else of the sender's
 *		(chosen at MAIL and at each RCPT; the end of the message uses
 *		the first accepted recipient's), else the file's.
 *	session_decide(s, stage) - wait for the checks this stage needs
 *		(at EOM: finish DKIM and run DMARC, the From: lockdown and
 *		login checks), then ask the verdict engine. At the first
 *		recipient the verdict accepts, the blocks and rate limits are
 *		asked (one store round trip) and the verdict made again; a
 *		refused transaction counts towards a block (at its end). The
 *		verdict stays in the session
 *		(s->verdict) until the next decision or the end of the
 *		transaction.
 *	session_seal(s, authres, out, why) - our ARC set (arc.seal_key set)
 *		for the accepted message (with arc.seal_mail = outgoing only
 *		from trusted_networks or SMTP AUTH clients), given the value
 *		of the
 *		Authentication-Results field we add: its AAR carries those
 *		results, or, for a client of trusted_networks (a mailing list
 *		manager sending on a message it received through us), the
 *		results of the topmost Authentication-Results field with our
 *		authserv-id the message brings: ours, from its way in. 1 and
 *		the fields, 0 when no set may be added (why), -1 on an error.
 *	session_settle(s) - wait for every check still under way, those
 *		no answer needed too (before the end of the message the
 *		reverse DNS and HELO lookups are waited for only when they
 *		can refuse), for a report of all results (authgate-check).
 *	session_end_tx(s) - log the summary line of the transaction, with
 *		the last verdict given in it, and reset the transaction.
 *	session_free(s) - at close: finish the checks, free everything.
 *	session_counts(counts) - how many transactions (and connections
 *		refused before one) were logged, by the action answered; for
 *		the service status (thread-safe, never blocks).
 * All callbacks of one connection run one after another (libmilter
 * guarantees it), so a session needs no lock; background checks write
 * only to their own job and are joined before their results are read.
 */
#ifndef AUTHGATE_SESSION_H
#define AUTHGATE_SESSION_H

#include <stdint.h>

#include "util/ipaddr.h"
#include "util/task.h"
#include "mail/smtp_addr.h"
#include "spf/spf.h"
#include "ipcheck/dnsbl.h"
#include "ipcheck/helo_check.h"
#include "ipcheck/iprev.h"
#include "sender/lockdown.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"
#include "session/message.h"
#include "session/runtime.h"

enum spf_job_kind {
	SPF_JOB_HELO, SPF_JOB_MAILFROM, SPF_JOB_FORWARDER
};

struct spf_job {
	task			*task;		/* running in the background */
	int			 ready;		/* out holds an inline result */
	struct session		*sess;
	enum spf_job_kind	 kind;
	int64_t			 deadline;
	dns_hold		*hold;		/* MAIL FROM: lookups started at
						 * connect, or NULL; the job's */
	struct spf_outcome	 out;
};

/* the reverse DNS check: inline when cached, else in the background */
struct iprev_job {
	task			*task;
	int			 ready;
	struct session		*sess;
	int64_t			 deadline;
	struct iprev_outcome	 out;
};

#define SESSION_FROM_DOMAINS	16	/* From: domains a lockdown is
					 * looked up for; more: refused */

struct session {
	struct runtime		*rt;
	int			 leading_space;	/* SMFIP_HDR_LEADSPC granted */
	unsigned long		 no_reply;	/* SMFIP_NR_* granted */
	int			 can_skip;	/* SMFIP_SKIP granted */
	int			 have_ip;
	ipaddr			 ip;
	char			 ip_text[IPADDR_STRLEN];
	char			*client_name;
	int			 mta_verified;	/* the MTA confirmed the name
						 * (PTR and forward) */
	char			*ptr_name;	/* the MTA's PTR name, unchecked:
						 * iprev's hint */
	/* the MAIL FROM domain this client address used last, and its
	 * lookups, started at connect (session_guess): the SPF check's,
	 * and the message checks' (DMARC records, DKIM keys) */
	char			*guess_domain;
	int64_t			 guess_at;	/* when, deadline_now() */
	dns_hold		*guess_spf;
	dns_hold		*guess_tx;
	char			*helo;
	struct spf_job		 helo_job;
	struct spf_job		 fwd_job;
	struct spf_outcome	 fwd;		/* the forwarder that passed */
	dnsbl_lookup		*dnsbl_q;	/* DNS list lookups under way */
	struct iprev_job	 iprev_job;
	helo_lookup		*helo_q;	/* the HELO name's addresses */
	int64_t			 helo_deadline;
	int			 connect_logged;	/* refusal before MAIL */
	int64_t			 connect_us;	/* when the client came */
	/* the current transaction */
	int			 in_tx;
	int64_t			 tx_start;
	int64_t			 tx_start_us;	/* for the metrics */
	struct smtp_addr	 from;
	char			*auth_user;
	char			*queue_id;
	unsigned		 nrcpt;
	unsigned		 nrcpt_ok;	/* accepted, not exempt */
	unsigned		 nrcpt_exempt;	/* accepted, postmaster@ ... */
	char			*exempt_rcpt;	/* the first of those */
	char			*rcpt_domain;	/* the recipient being asked
						 * about (recording only) */
	char			*envelope_to;	/* the first accepted one's */
	str			 headers;	/* the header fields, for a
						 * failure report (when those
						 * are on) */
	str			 ar_ours;	/* the results of the A-R
						 * fields with our authserv-id,
						 * when we seal */
	const struct policy	*policy;	/* an override, NULL: the file's */
	const struct policy	*eom_policy;	/* the first accepted rcpt's */
	struct spf_job		 mf_job;
	message			*msg;		/* From:, DKIM, DMARC */
	dns_hold		*tx_hold;	/* lookups started at MAIL for
						 * msg: DMARC records, hinted
						 * DKIM keys */
	int			 msg_done;
	int64_t			 dns_wait_us[STAGE_COUNT];	/* waits
						 * of the transaction's verdicts */
	unsigned		 nauthres;	/* A-R fields seen */
	unsigned		*forged;	/* their indexes that claim our id */
	unsigned		 nforged, capforged;
	unsigned		 ntag_fields;	/* X-Authgate-Tag seen */
	unsigned		 nquarantine_fields;	/* X-Authgate-Quarantine */
	/* the sending side */
	lockdown_lookup		*ld_mailfrom_q;	/* lockdown lookups */
	lockdown_lookup		*ld_from_q[SESSION_FROM_DOMAINS];
	size_t			 ld_from_box[SESSION_FROM_DOMAINS];	/* its
						 * first mailbox in From: */
	unsigned		 nld_from;	/* one per From: domain */
	int			 ld_from_overflow;	/* more domains */
	int64_t			 ld_mailfrom_deadline;
	int64_t			 ld_from_deadline;
	int			 from_checked;	/* From: sender checks done */
	int			 limits_done;	/* blocks and rates asked */
	char			*refusal;	/* the first refusal's words */
	struct facts		 facts;
	int			 decided;	/* s->verdict is valid */
	enum stage		 verdict_stage;
	struct verdict		 verdict;
};

struct session	*session_new(struct runtime *);
void		 session_connect(struct session *, const ipaddr *, const char *,
		    const char *);
void		 session_helo(struct session *, const char *);
void		 session_mail(struct session *, const char *, const char *,
		    const char *);
void		 session_rcpt(struct session *, const char *);
void		 session_rcpt_answered(struct session *, const struct verdict *);
void		 session_header(struct session *, const char *, const char *);
int		 session_body(struct session *, const unsigned char *, size_t);
const struct verdict *session_decide(struct session *, enum stage);
const struct policy *session_policy(const struct session *);
int		 session_seal(struct session *, const char *, struct arc_sealed *,
		    str *);
void		 session_settle(struct session *);
void		 session_end_tx(struct session *);
void		 session_free(struct session *);
void		 session_counts(unsigned long [ACT_COUNT]);

#endif
