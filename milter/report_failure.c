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

/* how many reports of a domain this run sent */
struct failure_domain {
	struct failure_domain	*next;
	char			*name;
	unsigned long		 sent, limited;
};

/* a report read, copied out of the store's buffers */
struct failure_copy {
	struct dmarcrep_failure	 f;
	char			*s[5];	/* what f points to */
};

struct failure_batch {
	struct failure_copy	 v[REPORT_FAILURES_BATCH];
	size_t			 n;
};

struct failure_run {
	const struct report_ctx	*ctx;
	int			 max;
	struct failure_counts	*c;
	struct failure_domain	*domains;
};

/* failure_domain_of - this run's count of a domain */
static struct failure_domain *
failure_domain_of(struct failure_run *fr, const char *domain)
{
	struct failure_domain *d;

	for (d = fr->domains; d != NULL; d = d->next)
		if (strcmp(d->name, domain) == 0)
			return d;
	d = mem_calloc(1, sizeof(*d));
	d->name = mem_strdup(domain);
	d->next = fr->domains;
	fr->domains = d;
	return d;
}

/* failure_send - one report to one address; 1 sent, 0 skipped, -1 a
 * failure of the transport */
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
static int
failure_write(const struct dmarcrep_failure *f, void *arg)
{
	struct failure_run *fr = arg;
	char name[64];
	str msg, err;

	fr->c->reports++;
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
	return 0;
}

/* failure_keep - copy a report into the batch */
static int
failure_keep(const struct dmarcrep_failure *f, void *arg)
{
	struct failure_batch *b = arg;
	struct failure_copy *c;

	if (b->n == REPORT_FAILURES_BATCH)
		return -1;
	c = &b->v[b->n++];
	c->f = *f;
	c->f.policy_domain = c->s[0] = mem_strdup(f->policy_domain);
	c->f.source_ip = c->s[1] = mem_strdup(f->source_ip);
	c->f.ruf = c->s[2] = mem_strdup(f->ruf);
	c->f.feedback = c->s[3] = mem_strdup(f->feedback);
	c->f.headers = c->s[4] = mem_strdup(f->headers);
	return 0;
}

/* failure_one - a report taken from the store: sent, or dropped */
static void
failure_one(struct failure_run *fr, const struct dmarcrep_failure *f)
{
	struct dmarcrep_dest d[REPORT_DESTS_MAX];
	struct failure_domain *dom;
	int tempfail, retry, rc;
	size_t n, i, sent;

	dom = failure_domain_of(fr, f->policy_domain);
	if (dom->sent >= (unsigned long)fr->max) {
		fr->c->limited++;
		dom->limited++;
		return;
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
	if (sent > 0)
		dom->sent++;
	else if (tempfail || retry) {
		fr->c->unsent++;
		log_warn("%s: failure report %lld (%s) reached nobody (a "
		    "passing failure) and is dropped", f->policy_domain,
		    (long long)f->id, f->source_ip);
	}
}

/* report_failures - every failure report waiting */
int
report_failures(const struct report_ctx *ctx,
    const struct dmarcrep_backend *b, void *h, int max,
    struct failure_counts *c)
{
	struct failure_domain *d, *next;
	struct failure_batch *batch;
	struct failure_run fr;
	size_t i, k;
	int rc, taken;
	str err;

	memset(&fr, 0, sizeof(fr));
	fr.ctx = ctx;
	fr.max = max;
	fr.c = c;
	str_init(&err);
	rc = 0;
	if (ctx->dir != NULL) {
		if (b->failures(h, REPORT_FAILURES_DRY, failure_write, &fr,
		    &err) != 0) {
			log_error("reading the failure reports: %s",
			    str_cstr(&err));
			c->failed = 1;
			rc = -1;
		}
		str_free(&err);
		return rc;
	}
	batch = mem_calloc(1, sizeof(*batch));
	/* a batch at a time, the read over before anything is sent (no
	 * long read transaction while the daemon writes); each report
	 * taken before it is sent */
	for (;;) {
		batch->n = 0;
		if (b->failures(h, REPORT_FAILURES_BATCH, failure_keep, batch,
		    &err) != 0) {
			log_error("reading the failure reports: %s",
			    str_cstr(&err));
			c->failed = 1;
			rc = -1;
			break;
		}
		taken = 0;
		for (i = 0; i < batch->n && rc == 0; i++) {
			str_reset(&err);
			switch (b->failure_take(h, batch->v[i].f.id, &err)) {
			case 1:
				taken++;
				c->reports++;
				failure_one(&fr, &batch->v[i].f);
				break;
			case 0:		/* another run has it */
				break;
			default:
				log_error("taking failure report %lld: %s",
				    (long long)batch->v[i].f.id,
				    str_cstr(&err));
				c->failed = 1;
				rc = -1;
				break;
			}
		}
		for (i = 0; i < batch->n; i++)
			for (k = 0; k < 5; k++)
				mem_free(batch->v[i].s[k]);
		if (rc != 0 || batch->n < REPORT_FAILURES_BATCH ||
		    taken == 0 || c->reports >= REPORT_FAILURES_MAX)
			break;
	}
	mem_free(batch);
	for (d = fr.domains; d != NULL; d = next) {
		next = d->next;
		if (d->limited > 0)
			log_warn("%s: %lu failure reports over failure_max "
			    "(%d a run) dropped", d->name, d->limited, max);
		mem_free(d->name);
		mem_free(d);
	}
	str_free(&err);
	return rc;
}
