/*
 * authgate-report - DMARC aggregate reports (RFC 7489 section 7.2) from
 * the records the daemon keeps (dmarc_reports { store }): for a period
 * (default: the previous UTC day), one report per policy domain, rows
 * that say the same thing joined with a count, gzipped and named as RFC
 * 7489 7.2.1.1 says.
 *
 *	authgate-report [-c config] [--store SPEC] [--from T] [--to T]
 *	    --dry-run DIR
 *
 * T is a Unix time or a UTC date (YYYY-MM-DD, meaning its midnight).
 * --dry-run writes the reports into DIR (every policy domain with
 * records, with or without rua=) instead of sending them; sending them
 * to the rua= addresses is not built yet, so --dry-run is required. One
 * summary line on stdout for cron and timers. Exit: 0 every report
 * written, 1 a report or the store failed, 64 usage, 70 config.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "dmarcrep/dmarcrep.h"
#include "dmarcrep/dmarcrep_report.h"
#include "dmarcrep/dmarcrep_store.h"
#include "config/conf.h"

#define EX_USAGE_	64
#define EX_CONFIG_	70

struct run {
	struct dmarcrep_meta	 meta;
	const char		*dir;
	dmarcrep_report		*rep;		/* the domain being read */
	unsigned long		 reports, messages, with_rua, skipped;
	int			 failed;
};

/* usage - the command line, to f */
static void
usage(FILE *f)
{
	fprintf(f, "usage: authgate-report [-c config] [--store SPEC] "
	    "[--from T] [--to T] --dry-run DIR\n"
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

/* write_file - DIR/name, written whole then renamed into place */
static int
write_file(const char *dir, const char *name, const str *data, str *err)
{
	str path, tmp;
	ssize_t n;
	size_t off;
	int fd, rc;

	str_init(&path);
	str_init(&tmp);
	str_appendf(&path, "%s/%s", dir, name);
	str_appendf(&tmp, "%s/.%s.tmp", dir, name);
	rc = -1;
	if ((fd = open(str_cstr(&tmp), O_WRONLY | O_CREAT | O_TRUNC, 0644)) <
	    0) {
		str_appendf(err, "%s: %s", str_cstr(&tmp), strerror(errno));
		goto out;
	}
	for (off = 0; off < data->len; off += (size_t)n)
		if ((n = write(fd, data->buf + off, data->len - off)) <= 0) {
			str_appendf(err, "%s: %s", str_cstr(&tmp),
			    strerror(errno));
			close(fd);
			unlink(str_cstr(&tmp));
			goto out;
		}
	if (close(fd) != 0 || rename(str_cstr(&tmp), str_cstr(&path)) != 0) {
		str_appendf(err, "%s: %s", str_cstr(&path), strerror(errno));
		unlink(str_cstr(&tmp));
		goto out;
	}
	rc = 0;
out:
	str_free(&path);
	str_free(&tmp);
	return rc;
}

/* finish - write the report of the domain read so far */
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
	dmarcrep_report_xml(run->rep, &run->meta, &xml);
	dmarcrep_report_filename(run->rep, &run->meta, &name);
	if (dmarcrep_gzip(xml.buf, xml.len, &gz, &err) != 0 ||
	    write_file(run->dir, str_cstr(&name), &gz, &err) != 0) {
		log_error("%s", str_cstr(&err));
		run->failed = 1;
	} else {
		run->reports++;
		run->messages += dmarcrep_report_messages(run->rep);
		if (dmarcrep_report_tag(run->rep, "rua", &rua) == 0 &&
		    rua.len > 0)
			run->with_rua++;
		log_info("%s: %lu messages in %zu records%s", str_cstr(&name),
		    dmarcrep_report_messages(run->rep),
		    dmarcrep_report_records(run->rep), rua.len > 0 ?
		    "" : " (the domain asks for no reports: no rua=)");
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct dmarcrep_backend *b;
	const char *config, *store, *rest;
	struct conf *conf;
	struct run run;
	int64_t now;
	str err, email;
	void *h;
	int c, given;

	log_open("authgate-report", 1, LOG_MAIL);
	memset(&run, 0, sizeof(run));
	config = conf_default_path();
	given = 0;
	store = NULL;
	now = (int64_t)time(NULL);
	run.meta.end = now - now % 86400;
	run.meta.begin = run.meta.end - 86400;
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
				run.meta.begin = parse_time(optarg);
			else
				run.meta.end = parse_time(optarg);
			break;
		case 'n':
			run.dir = optarg;
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
	if (optind != argc || run.meta.end <= run.meta.begin) {
		usage(stderr);
		return EX_USAGE_;
	}
	if (run.dir == NULL) {
		fprintf(stderr, "authgate-report: sending to rua= addresses "
		    "is not built yet: give --dry-run DIR\n");
		return EX_USAGE_;
	}
	str_init(&err);
	if (conf_load(config, given, &conf, &err) != 0) {
		fprintf(stderr, "%s\n", str_cstr(&err));
		return EX_CONFIG_;
	}
	if (store == NULL)
		store = conf->dmarc_store;
	if (store[0] == '\0' || (b = dmarcrep_store_find(store, &rest,
	    &err)) == NULL) {
		fprintf(stderr, "authgate-report: %s\n", store[0] == '\0' ?
		    "no dmarc_reports store in the config (or --store)" :
		    str_cstr(&err));
		conf_free(conf);
		return EX_CONFIG_;
	}
	str_init(&email);
	if (conf->dmarc_email[0] != '\0')
		str_append(&email, conf->dmarc_email);
	else
		str_appendf(&email, "postmaster@%s", conf->authserv_id);
	run.meta.org_name = conf->dmarc_org[0] != '\0' ? conf->dmarc_org :
	    conf->authserv_id;
	run.meta.email = str_cstr(&email);
	run.meta.extra_contact = conf->dmarc_contact;
	run.meta.receiver = conf->authserv_id;
	if ((h = b->open(rest, &err)) == NULL ||
	    b->read(h, run.meta.begin, run.meta.end, one_row, &run, &err) !=
	    0) {
		log_error("%s store %s: %s", b->scheme, rest, str_cstr(&err));
		run.failed = 1;
	}
	finish(&run);
	if (h != NULL)
		b->close(h);
	printf("authgate-report: %lld..%lld: %lu reports (%lu for domains "
	    "with rua=), %lu messages, %lu without a DMARC record; %s\n",
	    (long long)run.meta.begin, (long long)run.meta.end - 1,
	    run.reports, run.with_rua, run.messages, run.skipped,
	    run.failed ? "errors (see the log)" : "written to the dry-run "
	    "directory");
	str_free(&email);
	str_free(&err);
	conf_free(conf);
	return run.failed ? 1 : 0;
}
