/*
 * report_send - hand a DMARC report mail to the MTA: through sendmail(1)
 * (the default: the local MTA queues and retries) or by SMTP to a relay
 * given as an IP address and port (the relay routes: no DNS here).
 *
 *	report_send(transport, from, to, helo, msg, err) - transport is
 *		"sendmail:/usr/sbin/sendmail" or "smtp:127.0.0.1:25"; msg
 *		has CRLF line ends. 0, or -1 and why (the MTA's words).
 */
#ifndef AUTHGATE_REPORT_SEND_H
#define AUTHGATE_REPORT_SEND_H

#include "util/str.h"

#define REPORT_SMTP_TIMEOUT	60	/* seconds per step */

int	report_send(const char *, const char *, const char *, const char *,
	    const str *, str *);

#endif
