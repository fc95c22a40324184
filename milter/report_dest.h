/*
 * report_dest - where a DMARC report may go: the mailto: URIs of a rua=
 * or ruf= value, each outside the policy domain's organizational domain
 * checked with its owner (RFC 7489 7.1: a "v=DMARC1" TXT record at
 * <policy>._report._dmarc.<destination>), and replaced by the addresses
 * that record names in the same tag, when it names some at the same
 * host (at another host: no report to either).
 *
 *	report_dests(ctx, policy, uris, tag, out, max, unverified,
 *		tempfail) - the addresses to send to, in out (at most max;
 *		dmarcrep_dests_free them); each one skipped is logged and
 *		counted in *unverified; *tempfail set when a DNS lookup
 *		failed for now (that destination is skipped this time).
 *	report_write_file(dir, name, data, err) - a file of the dry run,
 *		written under a temporary name and renamed: 0, or -1 and
 *		why.
 *
 * struct report_ctx is what authgate-report's two jobs (aggregate and
 * failure reports) share: the metadata, the dry-run directory, the
 * transport and the DNS to verify destinations with.
 */
#ifndef AUTHGATE_REPORT_DEST_H
#define AUTHGATE_REPORT_DEST_H

#include <stddef.h>

#include "dns/dns.h"
#include "dmarc/dmarc.h"
#include "dmarcrep/dmarcrep_mail.h"
#include "dmarcrep/dmarcrep_report.h"

#define REPORT_DESTS_MAX	8	/* addresses used per report */
#define REPORT_DNS_MS		5000

struct report_ctx {
	struct dmarcrep_meta	 meta;
	const char		*dir;		/* --dry-run, or NULL */
	const char		*transport;
	dns_resolver		*res;		/* for sending only */
	dmarc_engine		*dmarc;
};

size_t	report_dests(const struct report_ctx *, const char *, const char *,
	    const char *, struct dmarcrep_dest *, size_t, unsigned long *,
	    int *);
int	report_write_file(const char *, const char *, const str *, str *);

#endif
