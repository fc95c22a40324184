/*
 * fuzz_report - what authgate-report reads from DNS and the store: the
 * input, split at NULs, is a rua= value (parsed into destinations), a
 * DMARC record (its tags read; it becomes the record of two report rows),
 * a source address (parsed with and without a port, written in the
 * report's full form) and a domain (the rows' From: and policy domain,
 * a DKIM signature's). The rows are joined into a report, written as
 * XML, named, mailed and gzipped; a failure report mail is made with the
 * record as its feedback part and the rua= as its header fields.
 */
#include "config.h"

#include <string.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "dmarcrep/dmarcrep.h"
#include "dmarcrep/dmarcrep_mail.h"
#include "dmarcrep/dmarcrep_report.h"
#include "fuzz.h"

#define FUZZ_PARTS	4

/* fuzz_row - a row of the report from the input's words */
static struct dmarcrep_row *
fuzz_row(char *const *part, const char *disposition)
{
	struct dmarcrep_row *r;

	r = dmarcrep_row_new();
	r->time = 1700000000;
	r->reporter = mem_strdup("mx.fuzz.example");
	r->source_ip = mem_strdup(part[2]);
	r->header_from = mem_strdup(part[3]);
	r->policy_domain = mem_strdup(part[3]);
	r->record = mem_strdup(part[1]);
	r->result = mem_strdup("fail");
	r->disposition = mem_strdup(disposition);
	r->override = mem_strdup("local_policy");
	r->override_comment = mem_strdup(part[1]);
	r->dkim_aligned = mem_strdup("fail");
	r->spf_aligned = mem_strdup("fail");
	r->spf_domain = mem_strdup(part[3]);
	r->spf_result = mem_strdup("softfail");
	r->spf_scope = mem_strdup("mfrom");
	dmarcrep_row_add_dkim(r, part[3], part[0], "fail", part[1]);
	return r;
}

/* LLVMFuzzerTestOneInput - one rua, record, address and domain */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const tags[] = {
		"v", "p", "sp", "np", "rua", "ruf", "adkim", "aspf", "pct",
		"fo", "psd", "t", ""
	};
	struct dmarcrep_meta m = { "Fuzz & <Co>", "dmarc@fuzz.example", NULL,
	    "mx.fuzz.example", 1700000000, 1700086400 };
	struct dmarcrep_dest d[8];
	struct dmarcrep_row *r;
	char *part[FUZZ_PARTS], ip[IPADDR_STRLEN];
	const uint8_t *p, *nul;
	dmarcrep_report *rep;
	str err, out, xml, gz;
	unsigned port;
	ipaddr addr;
	size_t i, n, left;

	fuzz_quiet();
	for (i = 0, p = data, left = size; i < FUZZ_PARTS; i++) {
		nul = left > 0 ? memchr(p, '\0', left) : NULL;
		n = nul != NULL ? (size_t)(nul - p) : left;
		part[i] = fuzz_cstring(p, n);
		p += n;
		left -= n;
		if (left > 0) {
			p++;
			left--;
		}
	}
	str_init(&err);
	str_init(&out);
	str_init(&xml);
	str_init(&gz);
	n = dmarcrep_rua_parse(part[0], d, 8, &err);
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		(void)dmarcrep_record_tag(part[1], tags[i], &out);
	(void)ipaddr_parse_port(part[2], &addr, &port);
	if (ipaddr_parse(part[2], &addr) == 0)
		ipaddr_format_full(&addr, ip);
	rep = dmarcrep_report_new(part[3]);
	r = fuzz_row(part, "none");
	dmarcrep_report_add(rep, r);
	dmarcrep_report_add(rep, r);	/* joins */
	dmarcrep_row_free(r);
	r = fuzz_row(part, "reject");
	dmarcrep_report_add(rep, r);
	dmarcrep_row_free(r);
	(void)dmarcrep_report_tag(rep, "rua", &out);
	dmarcrep_report_xml(rep, &m, &xml);
	str_reset(&out);
	dmarcrep_report_filename(rep, &m, &out);
	if (dmarcrep_gzip(str_cstr(&xml), xml.len, &gz, &err) == 0) {
		str_reset(&xml);
		dmarcrep_report_mail(rep, &m, n > 0 ? d[0].address :
		    "x@fuzz.example", str_cstr(&out), &gz, 1700090000, &xml);
	}
	dmarcrep_report_free(rep);
	{
		struct dmarcrep_failure f = { 7, 1700000000, part[3], part[2],
		    part[0], part[1], part[0] };

		str_reset(&xml);
		dmarcrep_failure_mail(&m, &f, n > 0 ? d[0].address :
		    "x@fuzz.example", 1700090000, &xml);
	}
	dmarcrep_dests_free(d, n);
	for (i = 0; i < FUZZ_PARTS; i++)
		mem_free(part[i]);
	str_free(&err);
	str_free(&out);
	str_free(&xml);
	str_free(&gz);
	return 0;
}
