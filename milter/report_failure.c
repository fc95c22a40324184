/*
 * report_failure - sending the failure reports; see report_failure.h.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "dmarcrep/dmarcrep_mail.h"
#include "dmarcrep/dmarcrep_store.h"
#include "report_dest.h"
#include "report_failure.h"
#include "report_send.h"

/* how many reports a domain had in this run */
struct failure_domain {
	struct failure_domain	*next;
	char			*name;
	unsigned long		 seen;
};

struct failure_run {
	const struct report_ctx	*ctx;
	int			 max;
	struct failure_counts	*c;
	struct failure_domain	*domains;
	int64_t			*done;		/* ids to forget */
	size_t			 ndone, capdone;
};

/* failure_forget - note an id to forget after the read */
static void
failure_forget(struct failure_run *fr, int64_t id)
{
	if (fr->ndone == fr->capdone) {
		fr->capdone = fr->capdone > 0 ? 2 * fr->capdone : 64;
		fr->done = mem_realloc(fr->done, fr->capdone *
		    sizeof(*fr->done));
	}
	fr->done[fr->ndone++] = id;
}

/* failure_over_limit - one more report of domain: over the limit? */
static int
failure_over_limit(struct failure_run *fr, const char *domain)
{
	struct failure_domain *d;

	for (d = fr->domains; d != NULL; d = d->next)
		if (strcmp(d->name, domain) == 0)
			break;
	if (d == NULL) {
		d = mem_calloc(1, sizeof(*d));
		d->name = mem_strdup(domain);
		d->next = fr->domains;
		fr->domains = d;
	}
	return ++d->seen > (unsigned long)fr->max;
}

/* failure_send - one report to one address; 1 sent, 0 skipped for
 * good, -1 to try again */
static int
failure_send(struct failure_run *fr, const struct dmarcrep_failure *f,
    const struct dmarcrep_dest *d)
{
	str msg, err;
	int rc;

	str_init(&msg);
	str_init(&err);
	dmarcrep_failure_mail(&fr->ctx->meta, f, d->address,
	    (int64_t)time(NULL), &msg);
	rc = 0;
	if (d->max_bytes != 0 && msg.len > d->max_bytes) {
		fr->c->too_big++;
		log_warn("%s: failure report %lld: not sending to %s: the "
		    "mail (%zu bytes) is over its limit of %llu bytes",
		    f->policy_domain, (long long)f->id, d->address, msg.len,
		    (unsigned long long)d->max_bytes);
	} else if (report_send(fr->ctx->transport, fr->ctx->meta.email,
	    d->address, fr->ctx->meta.receiver, &msg, &err) != 0) {
		fr->c->failed = 1;
		log_error("%s: failure report %lld: sending to %s failed: %s",
		    f->policy_domain, (long long)f->id, d->address,
		    str_cstr(&err));
		rc = -1;
	} else {
		fr->c->sent++;
		log_info("%s: failure report %lld (%s) sent to %s (%zu "
		    "bytes)", f->policy_domain, (long long)f->id,
		    f->source_ip, d->address, msg.len);
		rc = 1;
	}
	str_free(&msg);
	str_free(&err);
	return rc;
}

/* failure_write - a dry run's file of one report */
static void
failure_write(struct failure_run *fr, const struct dmarcrep_failure *f)
{
	char name[64];
	str msg, err;

	str_init(&msg);
	str_init(&err);
	dmarcrep_failure_mail(&fr->ctx->meta, f, f->ruf, (int64_t)time(NULL),
	    &msg);
	snprintf(name, sizeof(name), "failure-%lld.eml", (long long)f->id);
	if (report_write_file(fr->ctx->dir, name, &msg, &err) != 0) {
		log_error("%s", str_cstr(&err));
		fr->c->failed = 1;
	} else
		fr->c->written++;
	str_free(&msg);
	str_free(&err);
}

/* failure_one - one stored report: sent, written, dropped or kept */
static int
failure_one(const struct dmarcrep_failure *f, void *arg)
{
	struct dmarcrep_dest d[REPORT_DESTS_MAX];
	struct failure_run *fr = arg;
	int tempfail, retry, rc;
	size_t n, i, sent;

	fr->c->reports++;
	if (fr->ctx->dir != NULL) {
		failure_write(fr, f);
		return 0;
	}
	if (failure_over_limit(fr, f->policy_domain)) {
		fr->c->limited++;
		failure_forget(fr, f->id);
		return 0;
	}
	tempfail = retry = 0;
	sent = 0;
	n = report_dests(fr->ctx, f->policy_domain, f->ruf, "ruf", d,
	    REPORT_DESTS_MAX, &fr->c->unverified, &tempfail);
	for (i = 0; i < n; i++)
		if ((rc = failure_send(fr, f, &d[i])) < 0)
			retry = 1;
		else
			sent += (size_t)rc;
	dmarcrep_dests_free(d, n);
	/* only a report that reached nobody for a passing reason is kept:
	 * one that reached some would reach them twice */
	if ((tempfail || retry) && sent == 0) {
		fr->c->kept++;
		return 0;
	}
	failure_forget(fr, f->id);
	return 0;
}

/* report_failures - every failure report waiting */
int
report_failures(const struct report_ctx *ctx,
    const struct dmarcrep_backend *b, void *h, int max,
    struct failure_counts *c)
{
	struct failure_domain *d, *next;
	struct failure_run fr;
	size_t i;
	int rc;
	str err;

	memset(&fr, 0, sizeof(fr));
	fr.ctx = ctx;
	fr.max = max;
	fr.c = c;
	str_init(&err);
	rc = 0;
	if (b->failures(h, REPORT_FAILURES_MAX, failure_one, &fr, &err) != 0) {
		log_error("reading the failure reports: %s", str_cstr(&err));
		c->failed = 1;
		rc = -1;
	}
	for (d = fr.domains; d != NULL; d = next) {
		next = d->next;
		if (d->seen > (unsigned long)max)
			log_warn("%s: %lu failure reports over failure_max "
			    "(%d a run) dropped", d->name, d->seen -
			    (unsigned long)max, max);
		mem_free(d->name);
		mem_free(d);
	}
	for (i = 0; i < fr.ndone; i++) {
		str_reset(&err);
		if (b->failure_done(h, fr.done[i], &err) != 0) {
			log_error("forgetting failure report %lld: %s",
			    (long long)fr.done[i], str_cstr(&err));
			c->failed = 1;
			rc = -1;
			break;
		}
	}
	mem_free(fr.done);
	str_free(&err);
	return rc;
}
