/*
 * dmarcrep - the record of DMARC evaluations that aggregate reports
 * (RFC 7489 section 7.2) are built from, and the recorder that keeps it:
 * a bounded queue that milter threads hand rows to without ever
 * waiting, and one writer thread that stores them in batches (SQLite by
 * default; dmarcrep_store.h). Reporting never costs mail: when the
 * queue is full or the store is down or slow, rows are dropped and
 * counted, and the drop is logged (at most once a minute).
 *
 * A row (struct dmarcrep_row) holds words, not enums, so this layer
 * knows no check: report/dmarc_evidence.c fills it from the facts.
 *	dmarcrep_row_new() / dmarcrep_row_free(row)
 *	dmarcrep_row_add_dkim(row, domain, selector, result, human) - one
 *		signature (at most DMARCREP_DKIM_MAX are kept).
 *	dmarcrep_row_texts(row, f) - where its DMARCREP_ROW_TEXTS text
 *		fields are, reporter to spf_scope, in struct order (the
 *		order of the stores' columns, dmarcrep_store.h): one list
 *		for every store's writes and reads.
 * The recorder:
 *	dmarcrep_start(store, queue_max, err) - parse the store ("sqlite:
 *		/path"), start the writer; NULL and why in err for a store
 *		that cannot be named. A store that cannot be opened is no
 *		error here: the writer logs it, drops and counts, and retries
 *		every DMARCREP_RETRY_MS.
 *	dmarcrep_add(r, row) - hand a row over (r takes it); never blocks.
 *	dmarcrep_stop(r) - write what is queued (at most
 *		DMARCREP_STOP_MS) and stop; counts what could not be written.
 *	dmarcrep_counts(r, c) - rows recorded, dropped, waiting; failure
 *		reports left out of their rows because more than
 *		DMARCREP_FAILURE_BYTES of them were waiting (the row itself
 *		is kept).
 */
#ifndef AUTHGATE_DMARCREP_H
#define AUTHGATE_DMARCREP_H

#include <stddef.h>
#include <stdint.h>

#include "util/str.h"

#define DMARCREP_DKIM_MAX	8
#define DMARCREP_ROW_TEXTS	19
#define DMARCREP_RETRY_MS	5000
#define DMARCREP_STOP_MS	5000

struct dmarcrep_dkim {
	char	*domain;	/* d= */
	char	*selector;	/* s= */
	char	*result;	/* pass, fail, neutral, policy, temperror, ... */
	char	*human;		/* why, unless pass; NULL */
};

struct dmarcrep_row {
	int64_t		 time;		/* when evaluated, Unix seconds */
	char		*reporter;	/* the host that evaluated (authserv-id) */
	char		*queue_id;	/* the MTA's, to find the log line */
	char		*source_ip;
	char		*header_from;	/* the RFC5322.From domain */
	char		*envelope_from;	/* MAIL FROM's domain; NULL: <> */
	char		*envelope_to;	/* the first recipient's domain */
	char		*policy_domain;	/* where the record was found */
	char		*record;	/* the record as published */
	char		*result;	/* DMARC: pass, fail, none, temperror,
					 * permerror */
	char		*policy;	/* published: none, quarantine, reject */
	char		*policy_tag;	/* p, sp or np */
	char		*disposition;	/* applied: none, quarantine, reject */
	char		*override;	/* NULL or forwarded, sampled_out,
					 * trusted_forwarder, mailing_list,
					 * local_policy, other */
	char		*override_comment;
	char		*dkim_aligned;	/* pass or fail */
	char		*spf_aligned;	/* pass or fail */
	char		*spf_domain;
	char		*spf_result;	/* none, neutral, pass, fail, ... */
	char		*spf_scope;	/* mfrom or helo */
	size_t		 ndkim;
	struct dmarcrep_dkim dkim[DMARCREP_DKIM_MAX];
	/* a failure report to send (RFC 7489 7.3), or all NULL */
	char		*ruf;		/* the record's ruf= */
	char		*feedback;	/* the message/feedback-report part */
	char		*headers;	/* the message's header fields */
};

/* a failure report waiting in the store (dmarcrep_store.h) */
struct dmarcrep_failure {
	int64_t		 id;
	int64_t		 time;
	const char	*policy_domain;
	const char	*source_ip;
	const char	*ruf;
	const char	*feedback;
	const char	*headers;
};

struct dmarcrep_counts {
	unsigned long	 recorded;	/* stored */
	unsigned long	 dropped;	/* lost: queue full or store failing */
	unsigned long	 waiting;	/* in the queue now */
	unsigned long	 failure_dropped;	/* failure reports left out:
						 * too many bytes waiting */
};

typedef struct dmarcrep dmarcrep;

struct dmarcrep_row *dmarcrep_row_new(void);
void		 dmarcrep_row_free(struct dmarcrep_row *);
void		 dmarcrep_row_add_dkim(struct dmarcrep_row *, const char *,
		    const char *, const char *, const char *);
void		 dmarcrep_row_texts(struct dmarcrep_row *,
		    char **[DMARCREP_ROW_TEXTS]);
dmarcrep	*dmarcrep_start(const char *, size_t, str *);
void		 dmarcrep_add(dmarcrep *, struct dmarcrep_row *);
void		 dmarcrep_stop(dmarcrep *);
void		 dmarcrep_counts(dmarcrep *, struct dmarcrep_counts *);

#endif
