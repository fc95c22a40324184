/*
 * report_failure - authgate-report --failure: the failure reports the
 * daemon recorded (dmarc_reports { failure_reports = yes }), read in
 * small batches and each taken from the store (deleted) before it is
 * mailed to the verified addresses of its ruf= (report_dest.h): of
 * several runs at once (hosts of a fleet sharing a database, a timer and
 * a hand) exactly one sends it, and a run cut short never sends twice.
 * At most max are sent per policy domain in one run: a flood of failing
 * mail must not become a flood of reports; the rest are dropped and
 * counted. A report that could not go out now (DNS or transport
 * failure) is dropped too, counted and logged: it is one of many, and
 * keeping it would mean sending it twice to some. A dry run writes the
 * first REPORT_FAILURES_DRY of them as DIR/failure-ID.eml (to the ruf=
 * addresses as published, unverified) and takes nothing.
 *
 *	report_failures(ctx, backend, handle, max, counts) - 0, or -1 when
 *		the store failed (logged).
 */
#ifndef AUTHGATE_REPORT_FAILURE_H
#define AUTHGATE_REPORT_FAILURE_H

#include "dmarcrep/dmarcrep_store.h"
#include "report_dest.h"

#define REPORT_FAILURES_BATCH	100	/* read at once */
#define REPORT_FAILURES_MAX	100000	/* handled in one run */
#define REPORT_FAILURES_DRY	1000	/* written by a dry run */

struct failure_counts {
	unsigned long	 reports;	/* taken from the store */
	unsigned long	 sent;		/* mails handed to the transport */
	unsigned long	 written;	/* files of a dry run */
	unsigned long	 unverified;	/* destinations skipped */
	unsigned long	 too_big;	/* over a destination's size limit */
	unsigned long	 limited;	/* over failure_max for their domain */
	unsigned long	 unsent;	/* reached nobody: a passing failure */
	int		 failed;	/* something did not work */
};

int	report_failures(const struct report_ctx *,
	    const struct dmarcrep_backend *, void *, int,
	    struct failure_counts *);

#endif
