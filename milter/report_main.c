/*
 * authgate-report - DMARC aggregate reports (RFC 7489 section 7.2) from
 * the records the daemon keeps (dmarc_reports { store }): for a period
 * (default: the previous UTC day), one report per policy domain, rows
 * that say the same thing joined with a count, gzipped and named as RFC
 * 7489 7.2.1.1 says.
 *
 *	authgate-report [-c config] [--store SPEC] [--from T] [--to T]
 *	    [--dry-run DIR]
 *	authgate-report --failure [-c config] [--store SPEC] [--dry-run DIR]
 *
 * T is a Unix time or a UTC date (YYYY-MM-DD, meaning its midnight).
 * Each report goes to the mailto: addresses of the domain's rua= (as
 * last seen), through dmarc_reports { transport }: an address outside
 * the domain's organizational domain only when it agrees (RFC 7489 7.1:
 * a "v=DMARC1" TXT record at <domain>._report._dmarc.<its domain>; when
 * that record has a rua= of its own, its addresses replace the one it
 * verified, provided they are at the same host), and only when the mail
 * fits its "!size" limit; the skips are logged.
 * --dry-run writes the reports into DIR instead (every policy domain
 * with records, with or without rua=). --failure sends the failure
 * reports waiting instead (report_failure.h), every few minutes from
 * its own timer. One summary line on stdout for
 * cron and timers. Exit: 0 everything written or sent (skips are no
 * error; no store configured: nothing to do), 1 a report, a delivery or
 * the store failed, 64 usage, 70 config.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/deadline.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dmarc/dmarc.h"
#include "dmarcrep/dmarcrep.h"
#include "dmarcrep/dmarcrep_mail.h"
#include "dmarcrep/dmarcrep_report.h"
#include "dmarcrep/dmarcrep_store.h"
#include "config/conf.h"
#include "report_dest.h"
#include "report_failure.h"
#include "report_send.h"

#define EX_USAGE_	64
#define EX_CONFIG_	70

struct run {
	struct report_ctx	 ctx;
	dmarcrep_report		*rep;		/* the domain being read */
	unsigned long		 reports, messages, with_rua, skipped;
	unsigned long		 sent, unverified, too_big, no_rua;
	int			 failed;
};

/* usage - the command line, to f */
static void
usage(FILE *f)
{
	fprintf(f, "usage: authgate-report [-c config] [--store SPEC] "
	    "[--from T] [--to T] [--dry-run DIR]\n"
	    "       authgate-report --failure [-c config] [--store SPEC] "
	    "[--dry-run DIR]\n"
	    "  T: Unix time or YYYY-MM-DD (UTC midnight); default: the "
	    "previous UTC day\n");
}

/* parse_time - Unix seconds or a UTC date; -1 if neither */
static int64_t
parse_time(const char *s)
{
	struct tm tm;
	char *end;
	long long v;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end != NULL && *end == '\0')
		return (int64_t)timegm(&tm);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == 0 && end != s && *end == '\0' && v >= 0)
		return (int64_t)v;
	return -1;
}


/* send_to - the report mail to one address, within its size limit */
static void
send_to(struct run *run, const struct dmarcrep_dest *d, const str *gz,
    const char *filename)
{
	const char *domain;
	str msg, err;

	domain = dmarcrep_report_domain(run->rep);
	str_init(&msg);
	str_init(&err);
	dmarcrep_report_mail(run->rep, &run->ctx.meta, d->address, filename, gz,
	    (int64_t)time(NULL), &msg);
	if (d->max_bytes != 0 && msg.len > d->max_bytes) {
		run->too_big++;
		log_warn("%s: not sending to %s: the report mail (%zu bytes) "
		    "is over its limit of %llu bytes", domain, d->address,
		    msg.len, (unsigned long long)d->max_bytes);
	} else if (report_send(run->ctx.transport, run->ctx.meta.email, d->address,
	    run->ctx.meta.receiver, &msg, &err) != 0) {
		run->failed = 1;
		log_error("%s: sending to %s failed: %s", domain, d->address,
		    str_cstr(&err));
	} else {
		run->sent++;
		log_info("%s: report %s sent to %s (%zu bytes)", domain,
		    filename, d->address, msg.len);
	}
	str_free(&msg);
	str_free(&err);
}

/* deliver - one report to the addresses its domain's rua= names */
static void
deliver(struct run *run, const str *gz, const char *filename)
{
	struct dmarcrep_dest d[REPORT_DESTS_MAX];
	const char *domain;
	int tempfail;
	size_t n, i;
	str rua;

	domain = dmarcrep_report_domain(run->rep);
	str_init(&rua);
	if (dmarcrep_report_tag(run->rep, "rua", &rua) != 0 || rua.len == 0) {
		run->no_rua++;
		log_info("%s: no rua= in its record: no report asked for",
		    domain);
		str_free(&rua);
		return;
	}
	run->with_rua++;
	tempfail = 0;
	n = report_dests(&run->ctx, domain, str_cstr(&rua), "rua", d,
	    REPORT_DESTS_MAX, &run->unverified, &tempfail);
	if (tempfail) {
		/* the next run covers another period: this one must be
		 * run again by hand */
		run->failed = 1;
		log_error("%s: some destinations could not be verified; run "
		    "again with --from %lld --to %lld", domain,
		    (long long)run->ctx.meta.begin,
		    (long long)run->ctx.meta.end);
	}
	for (i = 0; i < n; i++)
		send_to(run, &d[i], gz, filename);
	dmarcrep_dests_free(d, n);
	str_free(&rua);
}

/* finish - write or send the report of the domain read so far */
static void
finish(struct run *run)
{
	str xml, gz, name, err, rua;

	if (run->rep == NULL)
		return;
	str_init(&xml);
	str_init(&gz);
	str_init(&name);
	str_init(&err);
	str_init(&rua);
	dmarcrep_report_xml(run->rep, &run->ctx.meta, &xml);
	dmarcrep_report_filename(run->rep, &run->ctx.meta, &name);
	if (dmarcrep_gzip(xml.buf, xml.len, &gz, &err) != 0 ||
	    (run->ctx.dir != NULL && report_write_file(run->ctx.dir, str_cstr(&name), &gz,
	    &err) != 0)) {
		log_error("%s", str_cstr(&err));
		run->failed = 1;
	} else {
		run->reports++;
		run->messages += dmarcrep_report_messages(run->rep);
		if (run->ctx.dir == NULL)
			deliver(run, &gz, str_cstr(&name));
		else {
			if (dmarcrep_report_tag(run->rep, "rua", &rua) == 0 &&
			    rua.len > 0)
				run->with_rua++;
			log_info("%s: %lu messages in %zu records%s",
			    str_cstr(&name),
			    dmarcrep_report_messages(run->rep),
			    dmarcrep_report_records(run->rep), rua.len > 0 ?
			    "" : " (the domain asks for no reports: no rua=)");
		}
	}
	dmarcrep_report_free(run->rep);
	run->rep = NULL;
	str_free(&xml);
	str_free(&gz);
	str_free(&name);
	str_free(&err);
	str_free(&rua);
}

/* one_row - a stored evaluation, into its domain's report */
static int
one_row(const struct dmarcrep_row *r, void *arg)
{
	struct run *run = arg;

	if (r->policy_domain == NULL) {
		/* no DMARC record found: nobody to report to */
		run->skipped++;
		return 0;
	}
	if (run->rep != NULL && strcmp(r->policy_domain,
	    dmarcrep_report_domain(run->rep)) != 0)
		finish(run);
	if (run->rep == NULL)
		run->rep = dmarcrep_report_new(r->policy_domain);
	dmarcrep_report_add(run->rep, r);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "dry-run", required_argument, NULL, 'n' },
		{ "failure", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct dmarcrep_backend *b;
	const char *config, *store, *rest;
	struct failure_counts fc;
	struct conf *conf;
	struct run run;
	int64_t now;
	str err, email, shown;
	long expired;
	void *h;
	int c, given, failure;

	log_open("authgate-report", 1, LOG_MAIL);
	/* a sendmail that cannot be run closes our pipe: an error to log,
	 * not a signal that ends the run */
	signal(SIGPIPE, SIG_IGN);
	memset(&run, 0, sizeof(run));
	memset(&fc, 0, sizeof(fc));
	expired = 0;
	failure = 0;
	config = conf_default_path();
	given = 0;
	store = NULL;
	now = (int64_t)time(NULL);
	run.ctx.meta.end = now - now % 86400;
	run.ctx.meta.begin = run.ctx.meta.end - 86400;
	while ((c = getopt_long(argc, argv, "c:hV", longopts, NULL)) != -1)
		switch (c) {
		case 'c':
			config = optarg;
			given = 1;
			break;
		case 's':
			store = optarg;
			break;
		case 'F':
		case 'T':
			if (parse_time(optarg) < 0) {
				fprintf(stderr, "authgate-report: %s: not a "
				    "Unix time or YYYY-MM-DD\n", optarg);
				return EX_USAGE_;
			}
			if (c == 'F')
				run.ctx.meta.begin = parse_time(optarg);
			else
				run.ctx.meta.end = parse_time(optarg);
			break;
		case 'n':
			run.ctx.dir = optarg;
			break;
		case 'f':
			failure = 1;
			break;
		case 'V':
			printf("authgate-report %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE_;
		}
	if (optind != argc || run.ctx.meta.end <= run.ctx.meta.begin) {
		usage(stderr);
		return EX_USAGE_;
	}
	str_init(&err);
	if (conf_load(config, given, &conf, &err) != 0) {
		fprintf(stderr, "%s\n", str_cstr(&err));
		return EX_CONFIG_;
	}
	if (store == NULL)
		store = conf->dmarc_store;
	if (store[0] == '\0') {
		/* the daily timer runs whether reports are set up or not */
		printf("authgate-report: no dmarc_reports store in %s: "
		    "nothing recorded, nothing to report\n", conf->path !=
		    NULL ? conf->path : "the built-in defaults");
		conf_free(conf);
		return 0;
	}
	if ((b = dmarcrep_store_find(store, &rest, &err)) == NULL) {
		fprintf(stderr, "authgate-report: %s\n", str_cstr(&err));
		conf_free(conf);
		return EX_CONFIG_;
	}
	str_init(&shown);
	dmarcrep_store_shown(store, &shown);
	str_init(&email);
	if (conf->dmarc_email[0] != '\0')
		str_append(&email, conf->dmarc_email);
	else
		str_appendf(&email, "postmaster@%s", conf->authserv_id);
	run.ctx.meta.org_name = conf->dmarc_org[0] != '\0' ? conf->dmarc_org :
	    conf->authserv_id;
	run.ctx.meta.email = str_cstr(&email);
	run.ctx.meta.extra_contact = conf->dmarc_contact;
	run.ctx.meta.receiver = conf->authserv_id;
	run.ctx.transport = conf->dmarc_transport;
	if (run.ctx.dir == NULL && ((run.ctx.res = dns_resolver_create(&conf->dns,
	    &err)) == NULL || (run.ctx.dmarc = dmarc_engine_create(
	    conf->dmarc_mode, conf->psl_file, &err)) == NULL)) {
		fprintf(stderr, "authgate-report: %s\n", str_cstr(&err));
		if (run.ctx.res != NULL)
			dns_resolver_unref(run.ctx.res);
		str_free(&email);
		str_free(&shown);
		conf_free(conf);
		return EX_CONFIG_;
	}
	if (failure) {
		if ((h = b->open(rest, &err)) == NULL)
			log_error("store %s: %s", str_cstr(&shown),
			    str_cstr(&err));
		else {
			(void)report_failures(&run.ctx, b, h,
			    conf->dmarc_failure_max, &fc);
			b->close(h);
		}
		printf("authgate-report: %lu failure reports: %lu mails sent, "
		    "%lu files written, %lu destinations unverified, %lu over "
		    "their size limit, %lu over failure_max, %lu not sent "
		    "(passing failures); %s\n", fc.reports, fc.sent,
		    fc.written, fc.unverified, fc.too_big, fc.limited,
		    fc.unsent, h == NULL ||
		    fc.failed ? "errors (see the log)" : "ok");
		run.failed = h == NULL || fc.failed;
		goto done;
	}
	if ((h = b->open(rest, &err)) == NULL ||
	    b->read(h, run.ctx.meta.begin, run.ctx.meta.end, one_row, &run, &err) !=
	    0) {
		log_error("store %s: %s", str_cstr(&shown), str_cstr(&err));
		run.failed = 1;
		/* what was read of the last domain is not all of it */
		dmarcrep_report_free(run.rep);
		run.rep = NULL;
	}
	finish(&run);
	/* records older than the retention are forgotten once a real run
	 * went well (a dry run changes nothing) */
	if (h != NULL && run.ctx.dir == NULL && !run.failed &&
	    (expired = b->expire(h, now - conf->dmarc_retention_s, &err)) < 0) {
		log_error("store %s: %s", str_cstr(&shown), str_cstr(&err));
		run.failed = 1;
	} else if (expired > 0)
		log_info("%ld records older than %lld days expired", expired,
		    (long long)(conf->dmarc_retention_s / 86400));
	if (h != NULL)
		b->close(h);
	if (run.ctx.dir != NULL)
		printf("authgate-report: %lld..%lld: %lu reports (%lu for "
		    "domains with rua=), %lu messages, %lu without a DMARC "
		    "record; %s\n", (long long)run.ctx.meta.begin,
		    (long long)run.ctx.meta.end - 1, run.reports, run.with_rua,
		    run.messages, run.skipped, run.failed ?
		    "errors (see the log)" : "written to the dry-run directory");
	else
		printf("authgate-report: %lld..%lld: %lu reports, %lu mails "
		    "sent, %lu destinations unverified, %lu over their size "
		    "limit, %lu domains without rua=, %lu messages, %lu without "
		    "a DMARC record; %s\n", (long long)run.ctx.meta.begin,
		    (long long)run.ctx.meta.end - 1, run.reports, run.sent,
		    run.unverified, run.too_big, run.no_rua, run.messages,
		    run.skipped, run.failed ? "errors (see the log)" : "ok");
done:
	dmarc_engine_free(run.ctx.dmarc);
	if (run.ctx.res != NULL)
		dns_resolver_unref(run.ctx.res);
	str_free(&email);
	str_free(&shown);
	str_free(&err);
	conf_free(conf);
	return run.failed ? 1 : 0;
}
