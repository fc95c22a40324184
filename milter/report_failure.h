/*
 * report_failure - authgate-report --failure: the failure reports the
 * daemon recorded (dmarc_reports { failure_reports = yes }), each mailed
 * to the verified addresses of its ruf= (report_dest.h), at most max
 * per policy domain in one run: a flood of failing mail must not become
 * a flood of reports, so the rest are dropped and counted. A report sent
 * or given up is forgotten; one that could not go out for now (a DNS or
 * transport failure) stays for the next run. A dry run writes each as
 * DIR/failure-ID.eml (to the ruf= addresses as published, unverified)
 * and forgets nothing.
 *
 *	report_failures(ctx, backend, handle, max, counts) - 0, or -1 when
 *		the store failed (logged).
 */
#ifndef AUTHGATE_REPORT_FAILURE_H
#define AUTHGATE_REPORT_FAILURE_H

#include "dmarcrep/dmarcrep_store.h"
#include "report_dest.h"

#define REPORT_FAILURES_MAX	10000	/* read in one run */

struct failure_counts {
	unsigned long	 reports;	/* read from the store */
	unsigned long	 sent;		/* mails handed to the transport */
	unsigned long	 written;	/* files of a dry run */
	unsigned long	 unverified;	/* destinations skipped */
	unsigned long	 too_big;	/* over a destination's size limit */
	unsigned long	 limited;	/* over failure_max for their domain */
	unsigned long	 kept;		/* to try again next run */
	int		 failed;	/* something did not work */
};

int	report_failures(const struct report_ctx *,
	    const struct dmarcrep_backend *, void *, int,
	    struct failure_counts *);

#endif
