/*
 * dkim_suite - runs the DKIM vectors of ../shared/conformance/dkim/ (read
 * as they are) through authgate's DKIM module, each message fed the way
 * the milter feeds it (header fields with their folding, then the body)
 * and each key served by the in-memory DNS backend.
 *
 *	mail-dkim - the Mail::DKIM corpus with FAKE_DNS.dat (NXDOMAIN and
 *		timeouts/SERVFAIL become real answers). Judged per message as
 *		Mail::DKIM's verifier.t does: pass (a signature passes), fail
 *		(none passes, one fails to verify), invalid (none of those);
 *		SKIPPED cases are skipped. As SOURCE.md advises, these run
 *		with 512-bit keys and rsa-sha1 allowed, to test parsing and
 *		canonicalisation; RFC 8301 limits are tested elsewhere.
 *	dkimpy - the pre-signed dkimpy vectors with the key records the
 *		manifest gives, judged per signature (production limits).
 *	stalwart - the stalwart vectors, records in the file, judged per
 *		signature (production limits).
 * It prints the agreement of each set ("mail-dkim: N/73") and every
 * disagreement with its recorded reason (dkim-known-failures.txt); it
 * fails below dkim-ratchet.txt or on an unexplained disagreement.
 * DKIM_VERBOSE=1 prints agreements too.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "dkim/dkim.h"
#include "harness.h"

#define DKIM_DIR	CONFORMANCE_DIR "/dkim"

static const struct dns_options mem_opts = { NULL, 1000, 1, 0, 0, 0 };

/* read_file - a whole file into out (LF turned into CRLF if asked) */
static int
read_file(const char *path, int crlf, str *out)
{
	char buf[8192];
	size_t n, i;
	FILE *f;
	int prev;

	str_reset(out);
	str_append(out, "");
	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	prev = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		for (i = 0; i < n; i++) {
			if (crlf && buf[i] == '\n' && prev != '\r')
				str_append_c(out, '\r');
			str_append_c(out, buf[i]);
			prev = (unsigned char)buf[i];
		}
	fclose(f);
	return 0;
}

/* verify_field - one header field to the verifier */
static void
verify_field(void *arg, const char *name, const char *value, size_t len)
{
	dkim_verifier_header(arg, name, value, len);
}

/* verify - feed a raw CRLF message to a verifier the milter's way */
static void
verify(dkim_engine *e, dns_resolver *res, const char *msg, size_t len,
    struct dkim_results *out)
{
	const char *body, *end = msg + len;
	dkim_verifier *v;

	v = dkim_verifier_new(e, res);
	body = harness_fields(msg, len, verify_field, v);
	if (body < end)
		dkim_verifier_body(v, (const unsigned char *)body,
		    (size_t)(end - body));
	dkim_verifier_end(v, out);
	dkim_verifier_free(v);
}

/* results_text - "pass;fail(reason)" */
static void
results_text(const struct dkim_results *r, str *out)
{
	size_t i;

	str_reset(out);
	if (r->n == 0)
		str_append(out, "none");
	for (i = 0; i < r->n; i++) {
		str_appendf(out, "%s%s", i ? ";" : "",
		    dkim_result_name(r->sigs[i].result));
		if (r->sigs[i].reason != NULL)
			str_appendf(out, "(%s)", r->sigs[i].reason);
	}
}

/* --- Mail::DKIM --- */

/* mail_dkim_zone - FAKE_DNS.dat */
static dns_mem *
mail_dkim_zone(void)
{
	const char *p, *nl, *sp, *v;
	dns_mem *m;
	str file, name;

	str_init(&file);
	str_init(&name);
	m = dns_mem_create();
	read_file(DKIM_DIR "/mail-dkim/FAKE_DNS.dat", 0, &file);
	for (p = str_cstr(&file); *p != '\0'; p = *nl ? nl + 1 : nl) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (*p == '#' || *p == ';' || p == nl)
			continue;
		for (sp = p; sp < nl && !isspace((unsigned char)*sp); sp++)
			;
		for (v = sp; v < nl && isspace((unsigned char)*v); v++)
			;
		str_reset(&name);
		str_append_n(&name, p, (size_t)(sp - p));
		if (strncmp(v, "NXDOMAIN", 8) == 0)
			continue;		/* simply absent */
		if (strncmp(v, "~~", 2) == 0)
			dns_mem_set_fault(m, str_cstr(&name), 0, DNS_TEMPFAIL);
		else if (strncmp(v, "\"\"", 2) == 0)
			dns_mem_add_txt(m, str_cstr(&name), DNS_T_TXT, "", 0);
		else
			dns_mem_add_txt(m, str_cstr(&name), DNS_T_TXT, v,
			    (size_t)(nl - v - (nl > v && nl[-1] == '\r')));
	}
	str_free(&file);
	str_free(&name);
	return m;
}

/* message_verdict - Mail::DKIM's word for a whole message */
static const char *
message_verdict(const struct dkim_results *r)
{
	size_t i;
	int fail;

	fail = 0;
	for (i = 0; i < r->n; i++) {
		if (r->sigs[i].result == DKIMR_PASS)
			return "pass";
		if (r->sigs[i].result == DKIMR_FAIL)
			fail = 1;
	}
	return fail ? "fail" : "invalid";
}

/* run_mail_dkim - the corpus */
static int
run_mail_dkim(void)
{
	struct harness_suite su;
	struct dkim_options opts = { 512, 1, 10, 5000 };
	struct dkim_results r;
	const char *p, *nl, *tab;
	dkim_engine *e;
	dns_resolver *res;
	dns_mem *m;
	char path[1024];
	str tsv, file, expect, msg, got;
	int rc;

	str_init(&tsv);
	str_init(&file);
	str_init(&expect);
	str_init(&msg);
	str_init(&got);
	memset(&r, 0, sizeof(r));
	if ((e = dkim_engine_create(&opts, &got)) == NULL) {
		printf("%s\n", str_cstr(&got));
		return 1;
	}
	m = mail_dkim_zone();
	res = dns_resolver_create_mem(m, &mem_opts);
	harness_suite(&su, "mail-dkim");
	read_file(DKIM_DIR "/mail-dkim/expected.tsv", 0, &tsv);
	for (p = str_cstr(&tsv); *p != '\0'; p = *nl ? nl + 1 : nl) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (*p == '#' || p == nl || (tab = memchr(p, '\t',
		    (size_t)(nl - p))) == NULL)
			continue;
		str_reset(&file);
		str_append_n(&file, p, (size_t)(tab - p));
		str_reset(&expect);
		for (tab++; tab < nl && *tab != '\t'; tab++)
			str_append_c(&expect, *tab);
		if (strncmp(str_cstr(&expect), "SKIPPED", 7) == 0)
			continue;	/* skipped upstream too */
		snprintf(path, sizeof(path), "%s/mail-dkim/corpus/%s", DKIM_DIR,
		    str_cstr(&file));
		if (read_file(path, 0, &msg) != 0) {
			harness_result(&su, str_cstr(&file), 0,
			    str_cstr(&expect), "cannot read the message");
			continue;
		}
		verify(e, res, msg.buf, msg.len, &r);
		results_text(&r, &got);
		str_appendf(&got, " => %s", message_verdict(&r));
		harness_result(&su, str_cstr(&file), strcmp(message_verdict(&r),
		    str_cstr(&expect)) == 0, str_cstr(&expect), str_cstr(&got));
		dkim_results_clear(&r);
	}
	rc = harness_end_suite(&su);
	dns_resolver_unref(res);
	dns_mem_free(m);
	dkim_engine_free(e);
	str_free(&tsv);
	str_free(&file);
	str_free(&expect);
	str_free(&msg);
	str_free(&got);
	return rc;
}

/* --- dkimpy --- */

/* dkimpy_records - "name=>"text" ; name=>contents of f.txt" into m */
static void
dkimpy_records(dns_mem *m, const char *spec, size_t len)
{
	const char *p, *end, *arrow, *v;
	char path[1024];
	str name, text;

	str_init(&name);
	str_init(&text);
	for (p = spec; p < spec + len; p = end + 3) {
		end = strstr(p, " ; ");
		if (end == NULL || end > spec + len)
			end = spec + len;
		if ((arrow = strstr(p, "=>")) == NULL || arrow > end)
			break;
		str_reset(&name);
		str_append_n(&name, p, (size_t)(arrow - p));
		v = arrow + 2;
		str_reset(&text);
		if (*v == '"' && end > v + 1 && end[-1] == '"')
			str_append_n(&text, v + 1, (size_t)(end - v - 2));
		else if (strncmp(v, "contents of ", 12) == 0) {
			snprintf(path, sizeof(path), "%s/dkimpy/%.*s", DKIM_DIR,
			    (int)(end - v - 12), v + 12);
			read_file(path, 0, &text);
			while (text.len > 0 && isspace((unsigned char)
			    text.buf[text.len - 1]))
				str_truncate(&text, text.len - 1);
		}
		dns_mem_add_txt(m, str_cstr(&name), DNS_T_TXT, text.buf != NULL ?
		    text.buf : "", text.len);
		if (end == spec + len)
			break;
	}
	str_free(&name);
	str_free(&text);
}

/* sig_matches - does one signature's result meet an expectation word */
static int
sig_matches(enum dkim_result r, const char *want, size_t n)
{
	if (n >= 4 && strncmp(want, "pass", 4) == 0)
		return r == DKIMR_PASS;
	/* "fail/permerror (must NOT pass)" and the like */
	return r != DKIMR_PASS;
}

/* per_sig_ok - the results against "pass;pass" */
static int
per_sig_ok(const struct dkim_results *r, const char *want)
{
	const char *p, *semi;
	size_t i;

	for (i = 0, p = want; *p != '\0'; i++, p = *semi ? semi + 1 : semi) {
		if ((semi = strchr(p, ';')) == NULL)
			semi = p + strlen(p);
		if (i >= r->n || !sig_matches(r->sigs[i].result, p,
		    (size_t)(semi - p)))
			return 0;
	}
	return i == r->n;
}

/* run_dkimpy - the pre-signed dkimpy vectors */
static int
run_dkimpy(void)
{
	struct harness_suite su;
	struct dkim_options opts = { 1024, 0, 10, 5000 };
	struct dkim_results r;
	const char *p, *nl, *col[6];
	dkim_engine *e;
	dns_resolver *res;
	dns_mem *m;
	char path[1024], test[64];
	str tsv, msg, got, file, want;
	size_t ncol;
	int rc, row;

	str_init(&tsv);
	str_init(&msg);
	str_init(&got);
	str_init(&file);
	str_init(&want);
	memset(&r, 0, sizeof(r));
	if ((e = dkim_engine_create(&opts, &got)) == NULL) {
		printf("%s\n", str_cstr(&got));
		return 1;
	}
	harness_suite(&su, "dkimpy");
	read_file(DKIM_DIR "/dkimpy/cases.tsv", 0, &tsv);
	row = 0;
	for (p = str_cstr(&tsv); *p != '\0'; p = *nl ? nl + 1 : nl) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (*p == '#' || p == nl)
			continue;
		row++;
		/* columns: file, records, expected, source, observed, notes */
		col[0] = p;
		for (ncol = 1; ncol < 6; ncol++) {
			col[ncol] = memchr(col[ncol - 1], '\t',
			    (size_t)(nl - col[ncol - 1]));
			if (col[ncol] == NULL)
				break;
			col[ncol]++;
		}
		if (ncol < 4)
			continue;
		str_reset(&file);
		str_append_n(&file, col[0], (size_t)(col[1] - 1 - col[0]));
		str_reset(&want);
		str_append_n(&want, col[2], (size_t)(col[3] - 1 - col[2]));
		if (strstr(str_cstr(&want), "unsigned") != NULL)
			continue;	/* signing inputs, not vectors */
		snprintf(test, sizeof(test), "row%d:%s", row, str_cstr(&file));
		snprintf(path, sizeof(path), "%s/dkimpy/%s", DKIM_DIR,
		    str_cstr(&file));
		m = dns_mem_create();
		dkimpy_records(m, col[1], (size_t)(col[2] - 1 - col[1]));
		res = dns_resolver_create_mem(m, &mem_opts);
		if (read_file(path, 1, &msg) != 0)
			harness_result(&su, test, 0, str_cstr(&want),
			    "cannot read the message");
		else {
			verify(e, res, msg.buf, msg.len, &r);
			results_text(&r, &got);
			harness_result(&su, test, per_sig_ok(&r,
			    str_cstr(&want)), str_cstr(&want), str_cstr(&got));
			dkim_results_clear(&r);
		}
		dns_resolver_unref(res);
		dns_mem_free(m);
	}
	rc = harness_end_suite(&su);
	dkim_engine_free(e);
	str_free(&tsv);
	str_free(&msg);
	str_free(&got);
	str_free(&file);
	str_free(&want);
	return rc;
}

/* --- stalwart --- */

/* run_stalwart - records, a blank line, the message */
static int
run_stalwart(void)
{
	struct harness_suite su;
	struct dkim_options opts = { 1024, 0, 10, 5000 };
	struct dkim_results r;
	const char *p, *nl, *tab, *sp, *body;
	dkim_engine *e;
	dns_resolver *res;
	dns_mem *m;
	char path[1024];
	str tsv, text, got, want, file, name;
	int rc;

	str_init(&tsv);
	str_init(&text);
	str_init(&got);
	str_init(&want);
	str_init(&file);
	str_init(&name);
	memset(&r, 0, sizeof(r));
	if ((e = dkim_engine_create(&opts, &got)) == NULL) {
		printf("%s\n", str_cstr(&got));
		return 1;
	}
	harness_suite(&su, "stalwart");
	read_file(DKIM_DIR "/stalwart/cases.tsv", 0, &tsv);
	for (p = str_cstr(&tsv); *p != '\0'; p = *nl ? nl + 1 : nl) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (*p == '#' || p == nl || (tab = memchr(p, '\t',
		    (size_t)(nl - p))) == NULL)
			continue;
		str_reset(&file);
		str_append_n(&file, p, (size_t)(tab - p));
		/* expected: the third column, up to the first space */
		tab = memchr(tab + 1, '\t', (size_t)(nl - tab - 1));
		str_reset(&want);
		for (tab = tab != NULL ? tab + 1 : nl; tab < nl && *tab != ' ' &&
		    *tab != '\t'; tab++)
			str_append_c(&want, *tab);
		snprintf(path, sizeof(path), "%s/stalwart/%s", DKIM_DIR,
		    str_cstr(&file));
		read_file(path, 1, &text);
		m = dns_mem_create();
		/* the records, up to the blank line */
		for (sp = str_cstr(&text); *sp != '\0' && *sp != '\r';
		    sp = strchr(sp, '\n') + 1) {
			const char *eol = strstr(sp, "\r\n"), *gap;

			if (eol == NULL)
				break;
			if ((gap = memchr(sp, ' ', (size_t)(eol - sp))) != NULL) {
				str_reset(&name);
				str_append_n(&name, sp, (size_t)(gap - sp));
				dns_mem_add_txt(m, str_cstr(&name), DNS_T_TXT,
				    gap + 1, (size_t)(eol - gap - 1));
			}
		}
		body = strstr(sp, "\r\n");
		body = body != NULL ? body + 2 : sp;
		res = dns_resolver_create_mem(m, &mem_opts);
		verify(e, res, body, (size_t)(text.buf + text.len - body), &r);
		results_text(&r, &got);
		harness_result(&su, str_cstr(&file), per_sig_ok(&r,
		    str_cstr(&want)), str_cstr(&want), str_cstr(&got));
		dkim_results_clear(&r);
		dns_resolver_unref(res);
		dns_mem_free(m);
	}
	rc = harness_end_suite(&su);
	dkim_engine_free(e);
	str_free(&tsv);
	str_free(&text);
	str_free(&got);
	str_free(&want);
	str_free(&file);
	str_free(&name);
	return rc;
}

int
main(void)
{
	int rc;

	if ((rc = harness_begin("dkim", DKIM_DIR "/mail-dkim/expected.tsv"))
	    != 0)
		return rc < 0 ? 1 : rc;
	rc = run_mail_dkim();
	rc |= run_dkimpy();
	rc |= run_stalwart();
	harness_end();
	return rc;
}
