/*
 * dmarcrep_report - the aggregate report of one policy domain for one
 * period (RFC 7489 section 7.2 and appendix C): rows that say the same
 * thing are joined into one record with a count, the policy published is
 * the domain's record as last seen, and the XML is written in the
 * element order of the RFC's schema (rua-schema.xsd).
 *
 *	dmarcrep_report_new(policy_domain) / dmarcrep_report_free(rep)
 *	dmarcrep_report_add(rep, row) - one evaluation (copied as needed).
 *	dmarcrep_report_domain(rep) - its policy domain.
 *	dmarcrep_report_messages(rep) - evaluations added;
 *	dmarcrep_report_records(rep) - distinct records after joining.
 *	dmarcrep_report_tag(rep, tag, out) - a tag of the record as last
 *		seen (e.g. "rua"), "" when absent: 0, -1 when absent.
 *	dmarcrep_record_tag(record, tag, out) - the same in a record's
 *		text (a verification record of RFC 7489 7.1).
 *	dmarcrep_report_xml(rep, meta, out) - the report.
 *	dmarcrep_report_filename(rep, meta, out) - receiver "!" policy
 *		domain "!" begin "!" end ".xml.gz" (RFC 7489 7.2.1.1).
 *	dmarcrep_gzip(in, len, out, err) - gzip (RFC 1952) in memory.
 */
#ifndef AUTHGATE_DMARCREP_REPORT_H
#define AUTHGATE_DMARCREP_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "util/str.h"
#include "dmarcrep/dmarcrep.h"

struct dmarcrep_meta {
	const char	*org_name;	/* the reporting organisation */
	const char	*email;		/* its contact address */
	const char	*extra_contact;	/* NULL: none */
	const char	*receiver;	/* its domain, for ids and file names */
	int64_t		 begin, end;	/* the period, Unix seconds */
};

typedef struct dmarcrep_report dmarcrep_report;

dmarcrep_report	*dmarcrep_report_new(const char *);
void		 dmarcrep_report_free(dmarcrep_report *);
void		 dmarcrep_report_add(dmarcrep_report *,
		    const struct dmarcrep_row *);
const char	*dmarcrep_report_domain(const dmarcrep_report *);
unsigned long	 dmarcrep_report_messages(const dmarcrep_report *);
size_t		 dmarcrep_report_records(const dmarcrep_report *);
int		 dmarcrep_record_tag(const char *, const char *, str *);
int		 dmarcrep_report_tag(const dmarcrep_report *, const char *,
		    str *);
void		 dmarcrep_report_xml(const dmarcrep_report *,
		    const struct dmarcrep_meta *, str *);
void		 dmarcrep_report_filename(const dmarcrep_report *,
		    const struct dmarcrep_meta *, str *);
int		 dmarcrep_gzip(const char *, size_t, str *, str *);

#endif
