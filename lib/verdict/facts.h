/*
 * facts - what the checks found about one SMTP transaction: the other
 * half of the verdict engine's input. The session owns the strings; the
 * engine and the header writers only read them.
 *
 * A check that has not run (yet) has checked == 0 in its outcome. The
 * From: facts count once the message is complete (message_done).
 */
#ifndef AUTHGATE_FACTS_H
#define AUTHGATE_FACTS_H

#include "util/ipaddr.h"
#include "arc/arc_verify.h"
#include "spf/spf.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "ipcheck/authz.h"
#include "ipcheck/dnsbl.h"
#include "ipcheck/helo_check.h"
#include "ipcheck/iplist.h"
#include "ipcheck/iprev.h"
#include "sender/identity.h"
#include "sender/limits.h"
#include "sender/lockdown.h"

struct facts {
	const char		*client_ip;	/* text form */
	const ipaddr		*ip;		/* NULL when unknown */
	const char		*client_name;	/* as the MTA verified it */
	const char		*helo;
	const char		*mail_from;	/* without <>, "" = null sender */
	const char		*auth_user;	/* SMTP AUTH login, NULL if none */
	const char		*trusted_net;	/* trusted_networks entry that
						 * holds the client, or NULL */
	const char		*forwarder;	/* trusted forwarder domain whose
						 * SPF record lists the client */
	struct iplist_match	 iplist;	/* allow/deny list entry, or none */
	struct dnsbl_outcome	 dnsbl;
	struct iprev_outcome	 iprev;
	struct helo_outcome	 helo_check;
	struct authz_outcome	 authz_mailfrom;
	struct authz_outcome	 authz_from;
	int			 exempt_rcpt;	/* every recipient accepted so
						 * far is postmaster@ or alike */
	const char		*exempt_rcpt_name;	/* the first */
	const char		*envelope_to;	/* the first accepted
						 * recipient's domain, when
						 * DMARC reports are recorded */
	struct spf_outcome	 spf_helo;
	struct spf_outcome	 spf_mailfrom;
	/* the message (DATA) */
	int			 message_done;	/* end of message reached */
	unsigned		 from_fields;	/* From: fields seen */
	const char		*from_domain;	/* the author domain, or NULL */
	const char		*from_error;	/* why From: is unusable */
	struct dkim_results	 dkim;
	struct dmarc_outcome	 dmarc;
	int			 arc_checked;	/* the ARC chain was validated */
	struct arc_result	 arc;		/* its result */
	const char		*arc_sealer;	/* a dmarc.trusted_sealers domain
						 * whose ARC set saw the From:
						 * domain pass, or NULL */
	unsigned		 arc_sealer_i;	/* that set's instance */
	int			 arc_trusted_any;	/* a set of the chain is
						 * a trusted sealer's */
	int			 arc_trusted_temp;	/* such a chain could not
						 * be checked now (DNS): DMARC's
						 * reject becomes tempfail */
	const char		*arc_saw;	/* what it saw: "dmarc=pass" */
	/* the sending side */
	struct sender_identity	 sender;	/* login, account */
	const char *const	*relay_ids;	/* this relay's account IDs */
	size_t			 nrelay_ids;
	struct lockdown_outcome	 lockdown_mailfrom;
	struct lockdown_outcome	 lockdown_from;
	struct binding_outcome	 login_mailfrom;	/* sender_login */
	struct binding_outcome	 login_from;
	struct limit_outcome	 limits;	/* blocks, rate limits */
	const struct identity_maps *identity;	/* for "may use" */
	/* how long each stage's verdict waited for answers (DNS, the
	 * background checks): microseconds by enum stage, for the stages
	 * in dns_wait_stages (a bit each); NULL: not measured */
	const int64_t		*dns_wait_us;
	unsigned		 dns_wait_stages;
};

#endif
