/*
 * facts - what the checks found about one SMTP transaction: the other
 * half of the verdict engine's input. The session owns the strings; the
 * engine and the header writers only read them.
 *
 * A check that has not run (yet) has checked == 0 in its outcome.
 */
#ifndef AUTHGATE_FACTS_H
#define AUTHGATE_FACTS_H

#include "spf.h"

struct facts {
	const char		*client_ip;	/* text form */
	const char		*client_name;	/* as the MTA verified it */
	const char		*helo;
	const char		*mail_from;	/* without <>, "" = null sender */
	const char		*auth_user;	/* SMTP AUTH login, NULL if none */
	const char		*trusted_net;	/* trusted_networks entry that
						 * holds the client, or NULL */
	const char		*forwarder;	/* trusted forwarder domain whose
						 * SPF record lists the client */
	struct spf_outcome	 spf_helo;
	struct spf_outcome	 spf_mailfrom;
};

#endif
