/*
 * report_dest - the verified destinations of a report; see
 * report_dest.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/deadline.h"
#include "util/log.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dmarc/dmarc.h"
#include "dmarcrep/dmarcrep_mail.h"
#include "dmarcrep/dmarcrep_report.h"
#include "report_dest.h"

/* verified - may reports for policy go to an address at dest (RFC 7489
 * 7.1): 1 yes, 0 no, -1 not known now (DNS failed); why says why not.
 * The tag (rua= or ruf=) of the record that says yes, if any, in
 * override: the destination's own choice of address (step 9) */
static int
verified(const struct report_ctx *ctx, const char *policy, const char *dest,
    const char *tag, str *why, str *override)
{
	str a, b, name;
	dns_answer *ans;
	const char *t;
	size_t i;
	int ok;

	str_init(&a);
	str_init(&b);
	str_init(&name);
	ok = 0;
	if (dmarc_org_domain(ctx->dmarc, ctx->res, policy,
	    deadline_in(REPORT_DNS_MS), &a) != 0 || dmarc_org_domain(
	    ctx->dmarc, ctx->res, dest, deadline_in(REPORT_DNS_MS), &b) != 0) {
		str_append(why, "a temporary DNS failure while finding the "
		    "organizational domains");
		ok = -1;
		goto out;
	}
	if (strcasecmp(str_cstr(&a), str_cstr(&b)) == 0) {
		ok = 1;
		goto out;
	}
	str_appendf(&name, "%s._report._dmarc.%s", policy, dest);
	ans = dns_lookup(ctx->res, str_cstr(&name), DNS_T_TXT,
	    deadline_in(REPORT_DNS_MS));
	for (i = 0; ans->status == DNS_OK && i < ans->count && !ok; i++) {
		if (ans->rr[i].type != DNS_T_TXT)
			continue;
		for (t = ans->rr[i].u.txt.data; *t == ' ' || *t == '\t'; t++)
			;
		ok = strncasecmp(t, "v=DMARC1", 8) == 0 && (t[8] == '\0' ||
		    t[8] == ';' || t[8] == ' ' || t[8] == '\t');
		if (ok)
			(void)dmarcrep_record_tag(t, tag, override);
	}
	if (!ok && ans->status == DNS_TEMPFAIL) {
		str_appendf(why, "the lookup of %s failed (%s)",
		    str_cstr(&name), ans->error != NULL ? ans->error :
		    "temporary failure");
		ok = -1;
	}
	else if (!ok)
		str_appendf(why, "%s has no \"v=DMARC1\" TXT record: %s does "
		    "not accept reports for %s (RFC 7489 7.1)", str_cstr(&name),
		    dest, policy);
	dns_answer_unref(ans);
out:
	str_free(&a);
	str_free(&b);
	str_free(&name);
	return ok;
}

/* known - is the address among the first n of out already */
static int
known(const struct dmarcrep_dest *out, size_t n, const char *address)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(out[i].address, address) == 0)
			return 1;
	return 0;
}

/* overridden - the addresses a verified destination names instead, all
 * at its host (appended to out); -1 when they may not be used */
static int
overridden(const char *policy, const struct dmarcrep_dest *orig,
    const char *host, const char *tag, const char *uris,
    struct dmarcrep_dest *out, size_t max, size_t *n)
{
	struct dmarcrep_dest o[REPORT_DESTS_MAX];
	const char *at;
	size_t k, i;
	str err;

	str_init(&err);
	k = dmarcrep_rua_parse(uris, o, REPORT_DESTS_MAX, &err);
	str_free(&err);
	for (i = 0; i < k; i++) {
		at = strrchr(o[i].address, '@');
		if (strcasecmp(at + 1, host) != 0)
			break;
	}
	if (k == 0 || i < k) {
		log_warn("%s: not sending to %s: its verification record "
		    "names %s=%s, %s (RFC 7489 7.1)", policy, orig->address,
		    tag, uris, k == 0 ? "no mailto: address" :
		    "an address at another host");
		dmarcrep_dests_free(o, k);
		return -1;
	}
	for (i = 0; i < k; i++) {
		/* two addresses verified by one record name the same box:
		 * one report */
		if (*n == max || known(out, *n, o[i].address)) {
			dmarcrep_dests_free(o + i, 1);
			continue;
		}
		log_info("%s: %s asks for reports at %s instead (its "
		    "verification record's %s=)", policy, orig->address,
		    o[i].address, tag);
		out[(*n)++] = o[i];
	}
	return 0;
}

/* report_dests - the verified addresses of a rua= or ruf= value */
size_t
report_dests(const struct report_ctx *ctx, const char *policy,
    const char *uris, const char *tag, struct dmarcrep_dest *out,
    size_t max, unsigned long *unverified, int *tempfail)
{
	struct dmarcrep_dest d[REPORT_DESTS_MAX];
	const char *at;
	str err, why, override;
	size_t k, i, n;
	int v;

	str_init(&err);
	str_init(&why);
	str_init(&override);
	k = dmarcrep_rua_parse(uris, d, REPORT_DESTS_MAX, &err);
	if (err.len > 0)
		log_warn("%s: %s=: skipped %s", policy, tag, str_cstr(&err));
	n = 0;
	for (i = 0; i < k; i++) {
		at = strrchr(d[i].address, '@');
		str_reset(&why);
		str_reset(&override);
		if ((v = verified(ctx, policy, at + 1, tag, &why,
		    &override)) < 0) {
			*tempfail = 1;
			log_error("%s: not sending to %s now: %s", policy,
			    d[i].address, str_cstr(&why));
		} else if (v == 0) {
			(*unverified)++;
			log_warn("%s: not sending to %s: %s", policy,
			    d[i].address, str_cstr(&why));
		} else if (override.len > 0) {
			if (overridden(policy, &d[i], at + 1, tag,
			    str_cstr(&override), out, max, &n) != 0)
				(*unverified)++;
		} else if (n < max && !known(out, n, d[i].address)) {
			out[n++] = d[i];
			d[i].address = NULL;	/* moved */
		}
	}
	dmarcrep_dests_free(d, k);
	str_free(&err);
	str_free(&why);
	str_free(&override);
	return n;
}

/* report_write_file - data into dir/name, whole or not at all */
int
report_write_file(const char *dir, const char *name, const str *data, str *err)
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
