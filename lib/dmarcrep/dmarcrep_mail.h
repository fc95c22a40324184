/*
 * dmarcrep_mail - where a report goes and the mail that carries it.
 *
 *	dmarcrep_rua_parse(rua, dests, max, err) - the mailto: URIs of a
 *		rua= value (RFC 7489 6.4: comma-separated, %-escapes, an
 *		optional "!size" limit with k, m, g or t: powers of 1024),
 *		at most max of them; other schemes and malformed URIs are
 *		named in err (and skipped). The count.
 *	dmarcrep_dests_free(dests, n).
 *	dmarcrep_transport_check(t, err) - "sendmail:/path" or
 *		"smtp:ADDRESS:PORT" (how authgate-report hands mail over);
 *		0, or -1 and why.
 *	dmarcrep_report_mail(rep, meta, to, filename, gz, date, out) - the
 *		report mail (RFC 7489 7.2.1.1): From: the reporter's email,
 *		Subject "Report Domain: D Submitter: S Report-ID: <id>", a
 *		short text part and the gzip attachment in base64, CRLF
 *		line ends; date in Unix seconds.
 *	dmarcrep_mail_date(date, when) - a Unix time as an RFC 5322 date
 *		("Tue, 14 Nov 2023 22:13:20 +0000").
 *	dmarcrep_failure_mail(meta, failure, to, date, out) - the mail
 *		that carries a failure report (RFC 6591 over RFC 5965):
 *		multipart/report; report-type=feedback-report with a text
 *		part, the message/feedback-report part the daemon wrote and
 *		the message's header fields as text/rfc822-headers (never
 *		its body: the privacy choice of RFC 7489 9.5 taken for the
 *		owner), CRLF line ends.
 */
#ifndef AUTHGATE_DMARCREP_MAIL_H
#define AUTHGATE_DMARCREP_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "util/str.h"
#include "dmarcrep/dmarcrep_report.h"

#define DMARCREP_DATE_LEN	40

struct dmarcrep_dest {
	char		*address;	/* local@domain */
	uint64_t	 max_bytes;	/* 0: no limit */
};

size_t	dmarcrep_rua_parse(const char *, struct dmarcrep_dest *, size_t,
	    str *);
void	dmarcrep_dests_free(struct dmarcrep_dest *, size_t);
int	dmarcrep_transport_check(const char *, str *);
void	dmarcrep_report_mail(const dmarcrep_report *,
	    const struct dmarcrep_meta *, const char *, const char *,
	    const str *, int64_t, str *);
void	dmarcrep_mail_date(int64_t, char[DMARCREP_DATE_LEN]);
void	dmarcrep_failure_mail(const struct dmarcrep_meta *,
	    const struct dmarcrep_failure *, const char *, int64_t, str *);

#endif
