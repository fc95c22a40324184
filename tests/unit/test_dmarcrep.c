/*
 * test_dmarcrep - the DMARC report record: rows from facts
 * (dmarc_evidence: dispositions and override reasons as RFC 7489 names
 * them), the recorder over a real SQLite file (every row and signature
 * stored, nothing lost without being counted: stored + dropped = added,
 * also with a tiny queue and from several threads), and the faults: a
 * store that cannot be named, a directory that does not exist, a file
 * that is not a database (left as it was), a database of a newer
 * schema, a file locked by another writer. With AUTHGATE_TEST_PG (a
 * libpq connection string to a real server; tests/integration/
 * dmarc_pg.sh starts one), the PostgreSQL store the same way: every row
 * read back exactly as the SQLite store reads it (hostile strings too),
 * two recorders creating the schema at once, expiry, a newer schema
 * (AUTHGATE_TEST_PG_NEWER), a fresh database (AUTHGATE_TEST_PG_FRESH),
 * a role with only the rights the manual names (AUTHGATE_TEST_PG_LEAST),
 * a server that is not there and a connection string that is none.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "util/str.h"
#include "mail/domlist.h"
#include "spf/spf.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "dmarc/dmarc_record.h"
#include "dmarcrep/dmarcrep.h"
#include "dmarcrep/dmarcrep_store.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"
#include "dmarcrep/dmarcrep_mail.h"
#include "dmarcrep/dmarcrep_report.h"
#include "report/dmarc_evidence.h"
#include "report/dmarc_failure.h"

static char dir[] = "/tmp/test_dmarcrep.XXXXXX";

/* path - a file in the test's directory */
static const char *
path(const char *name)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

/* count - SELECT count(*) ... from a database file */
static long
count(const char *file, const char *sql)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	long n = -1;

	assert_int_equal(sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* a failing message: p=reject, SPF fail, one failing signature */
static struct dkim_sig sigs[2];

static void
failing(struct facts *f, struct dmarc_outcome *o)
{
	memset(f, 0, sizeof(*f));
	f->client_ip = "2001:db8::25";
	f->mail_from = "bounce@lists.example";
	f->spf_mailfrom.checked = 1;
	f->spf_mailfrom.result = SPFR_FAIL;
	f->spf_mailfrom.domain = (char *)"lists.example";
	memset(sigs, 0, sizeof(sigs));
	sigs[0].result = DKIMR_FAIL;
	sigs[0].domain = (char *)"example.org";
	sigs[0].selector = (char *)"s1";
	sigs[0].reason = (char *)"body hash mismatch";
	sigs[1].result = DKIMR_PASS;
	sigs[1].domain = (char *)"lists.example";
	sigs[1].selector = (char *)"l2";
	f->dkim.checked = 1;
	f->dkim.sigs = sigs;
	f->dkim.n = 2;
	f->message_done = 1;
	memset(o, 0, sizeof(*o));
	o->checked = 1;
	o->result = DMARCR_FAIL;
	o->from_domain = (char *)"example.org";
	o->record_domain = (char *)"example.org";
	o->record = (char *)"v=DMARC1; p=reject; rua=mailto:d@example.org";
	o->p = o->published = o->policy = DMARC_P_REJECT;
	o->published_tag = "p";
	o->spf_align = DMARC_ALIGN_FAIL;
	o->dkim_align = DMARC_ALIGN_FAIL;
	f->dmarc = *o;
}

static void
test_evidence(void **state)
{
	struct dmarc_outcome o;
	struct dmarcrep_row *r;
	struct verdict v;
	struct policy p;
	struct facts f;
	str err;

	(void)state;
	str_init(&err);
	policy_defaults(&p);
	failing(&f, &o);
	verdict_decide(&f, &p, STAGE_EOM, &v);
	assert_int_equal(v.action, ACT_REJECT);
	r = dmarc_evidence(&f, &p, &v, "mx.test", "Q1", 1700000000);
	assert_non_null(r);
	assert_string_equal(r->source_ip, "2001:db8::25");
	assert_string_equal(r->queue_id, "Q1");
	assert_string_equal(r->header_from, "example.org");
	assert_string_equal(r->envelope_from, "lists.example");
	assert_null(r->envelope_to);	/* no recipient accepted */
	dmarcrep_row_free(r);
	f.envelope_to = "Rcpt.Example";
	r = dmarc_evidence(&f, &p, &v, "mx.test", "Q1", 1700000000);
	assert_string_equal(r->envelope_to, "rcpt.example");
	assert_string_equal(r->result, "fail");
	assert_string_equal(r->policy, "reject");
	assert_string_equal(r->disposition, "reject");
	assert_null(r->override);
	assert_string_equal(r->spf_result, "fail");
	assert_string_equal(r->spf_scope, "mfrom");
	assert_int_equal(r->ndkim, 2);
	assert_string_equal(r->dkim[0].selector, "s1");
	assert_string_equal(r->dkim[0].human, "body hash mismatch");
	assert_null(r->dkim[1].human);
	dmarcrep_row_free(r);
	verdict_clear(&v);

	/* from here on SPF fail alone refuses nothing: DMARC decides */
	p.spf_mailfrom[SPFR_FAIL] = ACT_ACCEPT;

	/* a list the admin trusts as signer: mailing_list */
	assert_int_equal(domlist_parse("lists.example", 0,
	    &p.dmarc_trusted_signers, &err), 0);
	verdict_decide(&f, &p, STAGE_EOM, &v);
	assert_int_equal(v.action, ACT_ACCEPT);
	r = dmarc_evidence(&f, &p, &v, "mx.test", "Q1", 1700000000);
	assert_string_equal(r->disposition, "none");
	assert_string_equal(r->override, "mailing_list");
	assert_non_null(strstr(r->override_comment, "lists.example"));
	dmarcrep_row_free(r);
	verdict_clear(&v);

	/* a trusted ARC sealer that saw it pass: trusted_forwarder, with
	 * the sealer and what it saw in the comment */
	policy_free(&p);
	policy_defaults(&p);
	p.spf_mailfrom[SPFR_FAIL] = ACT_ACCEPT;
	assert_int_equal(domlist_parse("arc.lists.example", 0,
	    &p.dmarc_trusted_sealers, &err), 0);
	f.arc_checked = 1;
	f.arc.cv = ARC_CV_PASS;
	f.arc_sealer = "arc.lists.example";
	f.arc_sealer_i = 1;
	f.arc_saw = "dmarc=pass";
	verdict_decide(&f, &p, STAGE_EOM, &v);
	assert_int_equal(v.action, ACT_ACCEPT);
	r = dmarc_evidence(&f, &p, &v, "mx.test", "Q1", 1700000000);
	assert_string_equal(r->disposition, "none");
	assert_string_equal(r->override, "trusted_forwarder");
	assert_non_null(strstr(r->override_comment, "arc trusted sealer "
	    "arc.lists.example, whose ARC set i=1 saw dmarc=pass"));
	dmarcrep_row_free(r);
	verdict_clear(&v);
	/* without it, refused again */
	f.arc_sealer = NULL;
	verdict_decide(&f, &p, STAGE_EOM, &v);
	assert_int_equal(v.action, ACT_REJECT);
	verdict_clear(&v);
	/* a trusted sealer's chain that could not be checked now: 451, and
	 * the reply says to try later */
	f.arc.cv = ARC_CV_FAIL;
	f.arc.temporary = 1;
	f.arc.why = "the key lookup of s._domainkey.lists.example failed";
	f.arc_trusted_temp = 1;
	verdict_decide(&f, &p, STAGE_EOM, &v);
	assert_int_equal(v.action, ACT_TEMPFAIL);
	{
		size_t li;
		int said = 0;

		for (li = 0; li < v.nlines; li++)
			said |= strstr(v.lines[li], "cannot be checked now") !=
			    NULL;
		assert_true(said);
	}
	verdict_clear(&v);
	f.arc_trusted_temp = 0;
	f.arc.temporary = 0;
	f.arc_checked = 0;

	/* a trusted forwarder comes first */
	f.forwarder = "fwd.example";
	verdict_decide(&f, &p, STAGE_EOM, &v);
	r = dmarc_evidence(&f, &p, &v, "mx.test", "Q1", 1700000000);
	assert_string_equal(r->override, "trusted_forwarder");
	dmarcrep_row_free(r);
	verdict_clear(&v);
	f.forwarder = NULL;
	policy_free(&p);

	/* pct= sampled this one out */
	policy_defaults(&p);
	p.spf_mailfrom[SPFR_FAIL] = ACT_ACCEPT;
	f.dmarc.policy = DMARC_P_QUARANTINE;
	verdict_decide(&f, &p, STAGE_EOM, &v);
	r = dmarc_evidence(&f, &p, &v, "mx.test", "Q1", 1700000000);
	if (strcmp(r->disposition, "none") == 0)
		assert_string_equal(r->override, "sampled_out");
	else
		assert_string_equal(r->disposition, "quarantine");
	dmarcrep_row_free(r);
	verdict_clear(&v);

	/* report only: local_policy */
	f.dmarc.policy = DMARC_P_REJECT;
	p.dmarc.report_only = 1;
	verdict_decide(&f, &p, STAGE_EOM, &v);
	r = dmarc_evidence(&f, &p, &v, "mx.test", "Q1", 1700000000);
	assert_string_equal(r->disposition, "none");
	assert_string_equal(r->override, "local_policy");
	assert_string_equal(r->override_comment, "report only");
	dmarcrep_row_free(r);
	verdict_clear(&v);

	/* DMARC did not run: no row */
	f.dmarc.checked = 0;
	verdict_decide(&f, &p, STAGE_EOM, &v);
	assert_null(dmarc_evidence(&f, &p, &v, "mx.test", "Q1", 1700000000));
	verdict_clear(&v);
	policy_free(&p);
	str_free(&err);
}

/* row - a small row for the store tests */
static struct dmarcrep_row *
row(int i)
{
	struct dmarcrep_row *r;
	char ip[32];

	r = dmarcrep_row_new();
	snprintf(ip, sizeof(ip), "192.0.2.%d", i % 250);
	r->time = 1700000000 + i;
	r->reporter = strdup("mx.test");
	r->source_ip = strdup(ip);
	r->header_from = strdup("example.org");
	r->result = strdup(i % 2 ? "pass" : "fail");
	r->disposition = strdup("none");
	r->dkim_aligned = strdup(i % 2 ? "pass" : "fail");
	r->spf_aligned = strdup("fail");
	dmarcrep_row_add_dkim(r, "example.org", "s1", i % 2 ? "pass" : "fail",
	    NULL);
	if (i % 3 == 0)
		dmarcrep_row_add_dkim(r, "esp.example", "k", "pass", NULL);
	return r;
}

static void
test_sqlite_store(void **state)
{
	struct dmarcrep_counts c;
	char spec[300];
	dmarcrep *rec;
	str err;
	int i;

	(void)state;
	str_init(&err);
	snprintf(spec, sizeof(spec), "sqlite:%s", path("a.sqlite"));
	rec = dmarcrep_start(spec, 10000, &err);
	assert_non_null(rec);
	for (i = 0; i < 1000; i++)
		dmarcrep_add(rec, row(i));
	dmarcrep_counts(rec, &c);
	assert_int_equal(c.recorded + c.dropped + c.waiting, 1000);
	dmarcrep_stop(rec);
	assert_int_equal(count(path("a.sqlite"),
	    "SELECT count(*) FROM dmarc_message"), 1000);
	assert_int_equal(count(path("a.sqlite"),
	    "SELECT count(*) FROM dmarc_dkim"), 1000 + 334);
	assert_int_equal(count(path("a.sqlite"), "SELECT count(*) FROM "
	    "dmarc_message WHERE result = 'pass'"), 500);
	assert_int_equal(count(path("a.sqlite"), "SELECT count(*) FROM "
	    "dmarc_dkim JOIN dmarc_message ON id = message_id WHERE "
	    "source_ip = '192.0.2.3'"), 4 + 2);
	assert_int_equal(count(path("a.sqlite"),
	    "SELECT max(version) FROM schema_version"), DMARCREP_SCHEMA_VERSION);
	/* opened again: the schema stays, rows are added */
	rec = dmarcrep_start(spec, 10000, &err);
	dmarcrep_add(rec, row(1));
	dmarcrep_stop(rec);
	assert_int_equal(count(path("a.sqlite"),
	    "SELECT count(*) FROM dmarc_message"), 1001);
	/* expiry: the rows before a time go, with their signatures */
	{
		const struct dmarcrep_backend *b;
		const char *rest;
		void *h;

		b = dmarcrep_store_find(spec, &rest, &err);
		assert_non_null(h = b->open(rest, &err));
		assert_int_equal(b->expire(h, 1700000500, &err), 501);
		b->close(h);
	}
	assert_int_equal(count(path("a.sqlite"),
	    "SELECT count(*) FROM dmarc_message"), 500);
	assert_int_equal(count(path("a.sqlite"), "SELECT count(*) FROM "
	    "dmarc_dkim WHERE message_id NOT IN (SELECT id FROM "
	    "dmarc_message)"), 0);
	assert_int_equal(count(path("a.sqlite"),
	    "SELECT count(*) FROM dmarc_dkim"), 500 + 167);
	str_free(&err);
}

struct adder {
	dmarcrep	*rec;
	int		 n;
};

/* adder_run - a milter thread's share of rows */
static void *
adder_run(void *arg)
{
	struct adder *a = arg;
	int i;

	for (i = 0; i < a->n; i++)
		dmarcrep_add(a->rec, row(i));
	return NULL;
}

static void
test_nothing_lost_uncounted(void **state)
{
	struct dmarcrep_counts c;
	struct adder a[4];
	pthread_t t[4];
	char spec[300];
	dmarcrep *rec;
	long stored;
	str err;
	int i;

	(void)state;
	str_init(&err);
	/* a queue of 5: most rows are dropped, every one is counted */
	snprintf(spec, sizeof(spec), "sqlite:%s", path("b.sqlite"));
	rec = dmarcrep_start(spec, 5, &err);
	for (i = 0; i < 4; i++) {
		a[i].rec = rec;
		a[i].n = 2000;
		assert_int_equal(pthread_create(&t[i], NULL, adder_run, &a[i]),
		    0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	/* wait (bounded) for the queue to drain, then count */
	for (i = 0; i < 500; i++) {
		dmarcrep_counts(rec, &c);
		if (c.waiting == 0)
			break;
		usleep(10000);
	}
	dmarcrep_counts(rec, &c);
	dmarcrep_stop(rec);
	stored = count(path("b.sqlite"), "SELECT count(*) FROM dmarc_message");
	assert_int_equal(c.recorded + c.dropped + c.waiting, 8000);
	assert_true(stored >= (long)c.recorded);
	assert_true(c.dropped > 0);
	str_free(&err);
}

static void
test_store_faults(void **state)
{
	const struct dmarcrep_backend *b;
	struct dmarcrep_counts c;
	char spec[300];
	const char *rest;
	dmarcrep *rec;
	sqlite3 *db;
	FILE *fp;
	void *h;
	str err;
	int i;

	(void)state;
	str_init(&err);
	/* names that are no store */
	assert_null(dmarcrep_start("mysql:x", 10, &err));
	assert_non_null(strstr(str_cstr(&err), "a store is sqlite:/absolute/path "
	    "or postgresql:CONNINFO (or a postgresql:// URI), not a \"mysql:\" "
	    "one"));
	str_reset(&err);
	assert_null(dmarcrep_store_find("sqlite:relative.db", &rest, &err));
	str_reset(&err);

	/* a directory that does not exist: rows dropped and counted */
	snprintf(spec, sizeof(spec), "sqlite:%s", path("no/such/dir.sqlite"));
	rec = dmarcrep_start(spec, 100, &err);
	assert_non_null(rec);
	for (i = 0; i < 50; i++)
		dmarcrep_add(rec, row(i));
	for (i = 0; i < 500; i++) {	/* at most 5 s */
		dmarcrep_counts(rec, &c);
		if (c.waiting == 0)
			break;
		usleep(10000);
	}
	assert_int_equal(c.waiting, 0);
	assert_int_equal(c.recorded, 0);
	assert_int_equal(c.dropped, 50);
	dmarcrep_stop(rec);

	/* a file that is not a database: refused, left as it was */
	fp = fopen(path("junk.sqlite"), "w");
	assert_non_null(fp);
	for (i = 0; i < 4096; i++)
		fputc("not sqlite\n"[i % 11], fp);
	fclose(fp);
	b = dmarcrep_store_find("sqlite:/x", &rest, &err);
	assert_non_null(b);
	h = b->open(path("junk.sqlite"), &err);
	assert_null(h);
	assert_non_null(strstr(str_cstr(&err), "not a database"));
	str_reset(&err);
	fp = fopen(path("junk.sqlite"), "r");
	assert_int_equal(fgetc(fp), 'n');
	fclose(fp);

	/* a newer schema: refused, not guessed at */
	assert_int_equal(sqlite3_open(path("new.sqlite"), &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE schema_version "
	    "(version INTEGER NOT NULL); INSERT INTO schema_version VALUES "
	    "(99)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(b->open(path("new.sqlite"), &err));
	assert_non_null(strstr(str_cstr(&err), "schema version 99, newer"));
	str_reset(&err);

	/* locked by another writer: the batch fails after the busy
	 * timeout, is dropped and counted, and the rows written before it
	 * stay */
	snprintf(spec, sizeof(spec), "sqlite:%s", path("locked.sqlite"));
	rec = dmarcrep_start(spec, 100, &err);
	dmarcrep_add(rec, row(1));
	dmarcrep_stop(rec);
	assert_int_equal(sqlite3_open(path("locked.sqlite"), &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL),
	    SQLITE_OK);
	rec = dmarcrep_start(spec, 100, &err);
	dmarcrep_add(rec, row(2));
	dmarcrep_stop(rec);
	(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(count(path("locked.sqlite"),
	    "SELECT count(*) FROM dmarc_message"), 1);
	str_free(&err);
}

/* hostile - rows whose strings test the stores' quoting; i picks one */
static struct dmarcrep_row *
hostile(int i)
{
	static const char *const text[] = {
		"plain", "quo\"te", "back\\slash", "{brace}", "a,b", "NULL",
		"", "caf\xc3\xa9 \xe2\x82\xac", "new\nline\ttab", "'; DROP",
		"\\\"{,}\"\\"
	};
	static const char *const domain[] = {
		"b.example", NULL, "a.example", "A.example", "b.example"
	};
	struct dmarcrep_row *r;
	const char *t;

	t = text[i % (int)(sizeof(text) / sizeof(text[0]))];
	r = row(i);
	r->time = 1700000000 + i / 3;	/* ties: ordered by id */
	free(r->header_from);
	r->header_from = strdup(t);
	r->envelope_from = i % 4 ? strdup(t) : NULL;
	r->policy_domain = domain[i % 5] ? strdup(domain[i % 5]) : NULL;
	r->record = strdup(t);
	r->override_comment = i % 7 == 0 ? strdup(t) : NULL;
	dmarcrep_row_add_dkim(r, t, i % 2 ? NULL : t, "policy",
	    i % 2 ? t : NULL);
	return r;
}

/* row_text - every field of a row, as one string ending in '\036' (a
 * byte no test string holds; NULL shown as <N>) */
static int
row_text(const struct dmarcrep_row *r, void *arg)
{
	const char *const v[] = {
		r->reporter, r->queue_id, r->source_ip, r->header_from,
		r->envelope_from, r->envelope_to, r->policy_domain, r->record,
		r->result, r->policy, r->policy_tag, r->disposition,
		r->override, r->override_comment, r->dkim_aligned,
		r->spf_aligned, r->spf_domain, r->spf_result, r->spf_scope
	};
	str *out = arg;
	size_t i;

	str_appendf(out, "%lld|", (long long)r->time);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		str_appendf(out, "%s|", v[i] != NULL ? v[i] : "<N>");
	for (i = 0; i < r->ndkim; i++)
		str_appendf(out, "[%s|%s|%s|%s]", r->dkim[i].domain,
		    r->dkim[i].selector != NULL ? r->dkim[i].selector : "<N>",
		    r->dkim[i].result,
		    r->dkim[i].human != NULL ? r->dkim[i].human : "<N>");
	str_append_c(out, '\036');
	return 0;
}

/* store_all - write rows 0..n-1 of make() into a store, by recorder */
static void
store_all(const char *spec, struct dmarcrep_row *(*make)(int), int n)
{
	dmarcrep *rec;
	str err;
	int i;

	str_init(&err);
	rec = dmarcrep_start(spec, 100000, &err);
	assert_non_null(rec);
	for (i = 0; i < n; i++)
		dmarcrep_add(rec, make(i));
	dmarcrep_stop(rec);
	str_free(&err);
}

/* lines - how many rows a row_text string holds */
static int
lines(const str *s)
{
	const char *p;
	int n = 0;

	for (p = str_cstr(s); *p != '\0'; p++)
		n += *p == '\036';
	return n;
}

/* store_text - a store's rows of a period, as row_text lines */
static void
store_text(const char *spec, int64_t begin, int64_t end, str *out)
{
	const struct dmarcrep_backend *b;
	const char *rest;
	void *h;
	str err;

	str_init(&err);
	b = dmarcrep_store_find(spec, &rest, &err);
	assert_non_null(b);
	h = b->open(rest, &err);
	if (h == NULL)
		fail_msg("%s: %s", spec, str_cstr(&err));
	assert_int_equal(b->read(h, begin, end, row_text, out, &err), 0);
	b->close(h);
	str_free(&err);
}

/* store_expire - expire a store's rows before a time; the count */
static long
store_expire(const char *spec, int64_t before)
{
	const struct dmarcrep_backend *b;
	const char *rest;
	void *h;
	long n;
	str err;

	str_init(&err);
	b = dmarcrep_store_find(spec, &rest, &err);
	assert_non_null(h = b->open(rest, &err));
	n = b->expire(h, before, &err);
	b->close(h);
	str_free(&err);
	return n;
}

static struct dmarcrep_row *failure_row(int);
static void	 failures_of(const char *, str *, int);

/* unusable_store - a store that cannot be used: 20 rows dropped and
 * counted, none recorded, nothing left waiting (at most 15 s) */
static void
unusable_store(const char *spec)
{
	struct dmarcrep_counts c;
	dmarcrep *rec;
	str err;
	int i;

	str_init(&err);
	rec = dmarcrep_start(spec, 100, &err);
	assert_non_null(rec);
	for (i = 0; i < 20; i++)
		dmarcrep_add(rec, row(i));
	for (i = 0; i < 1500; i++) {	/* at most 15 s */
		dmarcrep_counts(rec, &c);
		if (c.waiting == 0)
			break;
		usleep(10000);
	}
	if (c.recorded != 0 || c.dropped != 20 || c.waiting != 0)
		fail_msg("%s: %lu recorded, %lu dropped, %lu waiting", spec,
		    c.recorded, c.dropped, c.waiting);
	dmarcrep_stop(rec);
	str_free(&err);
}

/* fleet_member - a daemon of a fleet: its own recorder, its rows */
static void *
fleet_member(void *arg)
{
	store_all(arg, row, 300);
	return NULL;
}

static void
test_postgresql(void **state)
{
	const char *pg, *newer, *fresh, *least, *fake;
	int nfake = 0;
	char spec[600], lite[300];
	struct dmarcrep_counts c;
	str a, b, err;
	pthread_t t[2];
	dmarcrep *rec;
	int i;

	(void)state;
	if ((pg = getenv("AUTHGATE_TEST_PG")) == NULL || *pg == '\0')
		skip();
	str_init(&a);
	str_init(&b);
	str_init(&err);
	snprintf(spec, sizeof(spec), "postgresql:%s", pg);
	snprintf(lite, sizeof(lite), "sqlite:%s", path("same.sqlite"));

	/* the same rows into both stores read back the same, in the same
	 * order: 1000 plain ones, 500 with hostile strings */
	store_all(spec, row, 1000);
	store_all(lite, row, 1000);
	store_all(spec, hostile, 500);
	store_all(lite, hostile, 500);
	store_text(spec, 0, INT64_MAX, &a);
	store_text(lite, 0, INT64_MAX, &b);
	assert_true(a.len > 100000);
	assert_string_equal(str_cstr(&a), str_cstr(&b));
	str_reset(&a);
	str_reset(&b);
	/* failure reports: the same in both, forgotten in both */
	{
		char lite2[300];

		snprintf(lite2, sizeof(lite2), "sqlite:%s",
		    path("failures.sqlite"));
		store_all(spec, failure_row, 100);
		store_all(lite2, failure_row, 100);
		failures_of(spec, &a, 1);
		failures_of(lite2, &b, 1);
		assert_int_equal(lines(&a), 20);
		assert_string_equal(str_cstr(&a), str_cstr(&b));
		str_reset(&a);
		failures_of(spec, &a, 0);
		assert_int_equal(a.len, 0);
		str_reset(&a);
		str_reset(&b);
	}
	/* a period: [begin, end) */
	store_text(spec, 1700000100, 1700000200, &a);
	store_text(lite, 1700000100, 1700000200, &b);
	assert_string_equal(str_cstr(&a), str_cstr(&b));
	/* 100 seconds: 100 plain rows and 200 hostile ones */
	assert_int_equal(lines(&a), 100 + 200);
	str_reset(&a);
	str_reset(&b);

	/* bytes that are not UTF-8 arrive as '?', the rest as they were */
	{
		struct dmarcrep_row *r = row(1);

		free(r->header_from);
		r->header_from = strdup("bad\xff\xc3(\xed\xa0\x80 ok\xc3\xa9");
		r->time = 1800000000;
		rec = dmarcrep_start(spec, 10, &err);
		dmarcrep_add(rec, r);
		dmarcrep_stop(rec);
		store_text(spec, 1800000000, 1800000001, &a);
		assert_non_null(strstr(str_cstr(&a),
		    "|bad?" "?(?" "?? ok\xc3\xa9|"));
		str_reset(&a);
	}

	/* expiry: every row before the time (500 plain, 500 hostile, and
	 * in PostgreSQL the 100 of the failure reports), as SQLite counts
	 * them */
	assert_int_equal(store_expire(spec, 1700000500), 1000 + 100);
	assert_int_equal(store_expire(lite, 1700000500), 1000);
	store_text(spec, 0, 1700000500, &a);
	assert_int_equal(a.len, 0);
	str_reset(&a);

	/* two recorders on a fresh database at once: one creates the
	 * schema, the other waits for it; all rows of both stored */
	if ((fresh = getenv("AUTHGATE_TEST_PG_FRESH")) != NULL &&
	    *fresh != '\0') {
		char fspec[600];

		snprintf(fspec, sizeof(fspec), "postgresql:%s", fresh);
		for (i = 0; i < 2; i++)
			assert_int_equal(pthread_create(&t[i], NULL,
			    fleet_member, fspec), 0);
		for (i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		store_text(fspec, 0, INT64_MAX, &a);
		assert_int_equal(lines(&a), 600);
		str_reset(&a);
	}

	/* a database of a newer schema: refused, not touched */
	if ((newer = getenv("AUTHGATE_TEST_PG_NEWER")) != NULL &&
	    *newer != '\0') {
		const struct dmarcrep_backend *be;
		const char *rest;
		char nspec[600];

		snprintf(nspec, sizeof(nspec), "postgresql:%s", newer);
		be = dmarcrep_store_find(nspec, &rest, &err);
		assert_non_null(be);
		assert_null(be->open(rest, &err));
		assert_non_null(strstr(str_cstr(&err),
		    "schema version 99, newer"));
		str_reset(&err);
	}

	/* a role without CREATE, the schema there: it records and expires */
	if ((least = getenv("AUTHGATE_TEST_PG_LEAST")) != NULL &&
	    *least != '\0') {
		char lspec[600];

		snprintf(lspec, sizeof(lspec), "postgresql:%s", least);
		rec = dmarcrep_start(lspec, 100, &err);
		for (i = 0; i < 10; i++)
			dmarcrep_add(rec, row(2000 + i));
		dmarcrep_counts(rec, &c);
		dmarcrep_stop(rec);
		store_text(lspec, 1700002000, 1700002010, &a);
		assert_int_equal(lines(&a), 10);
		str_reset(&a);
		/* the 500 plain rows left from above, and 5 of these */
		assert_int_equal(store_expire(lspec, 1700002005), 500 + 5);
	}

	/* no server there: rows dropped and counted, the reason kept */
	unusable_store("postgresql://authgate@127.0.0.1:1/none");
	/* servers that answer garbage, nothing, close at once or claim a
	 * 2 GB message (tests/integration/fake_pg.py): the same, within
	 * the connect timeout */
	if ((fake = getenv("AUTHGATE_TEST_PG_FAKE")) != NULL) {
		char mode[32], spec2[128];
		unsigned port;
		int used;

		for (; sscanf(fake, "%31[a-z]:%u%n", mode, &port, &used) == 2;
		    fake += used + (fake[used] == ',')) {
			snprintf(spec2, sizeof(spec2), "postgresql://authgate@"
			    "127.0.0.1:%u/%s", port, mode);
			unusable_store(spec2);
			nfake++;
		}
		assert_int_equal(nfake, 4);
	}

	/* what libpq cannot parse is no store */
	assert_null(dmarcrep_start("postgresql:host=x no_such_keyword=1", 10,
	    &err));
	assert_non_null(strstr(str_cstr(&err),
	    "not a PostgreSQL connection string"));
	str_reset(&err);
	assert_null(dmarcrep_start("postgresql://[::1", 10, &err));
	assert_non_null(strstr(str_cstr(&err),
	    "not a PostgreSQL connection string"));
	str_free(&a);
	str_free(&b);
	str_free(&err);
}

static void
test_store_shown(void **state)
{
	/* libpq reads the string; every password field it has is hidden,
	 * however it was written */
	static const char *const cases[][2] = {
		{ "sqlite:/var/lib/authgate/dmarc.sqlite",
		  "sqlite:/var/lib/authgate/dmarc.sqlite" },
		{ "postgresql:host=db dbname=a user=u password=s3cret",
		  "postgresql:user=u password=*** dbname=a host=db" },
		{ "postgresql:password = 's3 cr\\'et' host=db",
		  "postgresql:password=*** host=db" },
		{ "postgresql:host=db sslpassword=s3cret",
		  "postgresql:host=db sslpassword=***" },
		{ "postgresql:host=db passfile=/etc/authgate/pgpass",
		  "postgresql:passfile=/etc/authgate/pgpass host=db" },
		{ "postgresql://u:s3cret@db.example:5432/a?sslmode=require",
		  "postgresql:user=u password=*** dbname=a host=db.example "
		  "port=5432 sslmode=require" },
		{ "postgresql://u@db/a?password=s3cret",
		  "postgresql:user=u password=*** dbname=a host=db" },
		{ "postgresql://u:p%41ss@db/a",
		  "postgresql:user=u password=*** dbname=a host=db" },
		{ "postgresql:host=db options='-c search_path=x'",
		  "postgresql:host=db options='-c search_path=x'" },
		/* what libpq cannot read is not shown at all */
		{ "postgresql:password=s3cret host",
		  "postgresql:(a connection string that cannot be read)" },
		{ "mysql://u:s3cret@db/a", "(a store of no known kind)" }
	};
	const char *rest;
	size_t i;
	str out;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		str_init(&out);
		dmarcrep_store_shown(cases[i][0], &out);
		assert_string_equal(str_cstr(&out), cases[i][1]);
		assert_null(strstr(str_cstr(&out), "s3"));
		str_free(&out);
	}
	/* nor in the error about it */
	str_init(&out);
	assert_null(dmarcrep_store_find("postgresql:password=s3cret host",
	    &rest, &out));
	assert_null(strstr(str_cstr(&out), "s3"));
	str_reset(&out);
	assert_null(dmarcrep_store_find("mysql://u:s3cret@db/a", &rest,
	    &out));
	assert_null(strstr(str_cstr(&out), "s3"));
	/* sqlite:///path, as before: a path */
	str_reset(&out);
	assert_ptr_equal(dmarcrep_store_find("sqlite:///var/x.db", &rest,
	    &out), &dmarcrep_sqlite);
	assert_string_equal(rest, "///var/x.db");
	str_free(&out);
}

/* with_record - the failing message of failing() under another record */
static void
with_record(struct facts *f, struct dmarc_outcome *o, const char *record,
    enum dmarc_result result, enum dmarc_align spf, enum dmarc_align dkim)
{
	failing(f, o);
	f->dmarc.record = (char *)record;
	f->dmarc.result = result;
	f->dmarc.spf_align = spf;
	f->dmarc.dkim_align = dkim;
}

static void
test_failure_wanted(void **state)
{
	/* record, DMARC result, SPF and DKIM alignment, what is reported */
	static const struct {
		const char		*record;
		enum dmarc_result	 result;
		enum dmarc_align	 spf, dkim;
		const char		*want;
	} cases[] = {
		/* no ruf=: nothing, whatever fo= says */
		{ "v=DMARC1; p=reject; fo=1", DMARCR_FAIL, DMARC_ALIGN_FAIL,
		  DMARC_ALIGN_FAIL, NULL },
		{ "v=DMARC1; p=reject; ruf=", DMARCR_FAIL, DMARC_ALIGN_FAIL,
		  DMARC_ALIGN_FAIL, NULL },
		/* fo=0, the default: a DMARC failure */
		{ "v=DMARC1; p=reject; ruf=mailto:f@example.org", DMARCR_FAIL,
		  DMARC_ALIGN_FAIL, DMARC_ALIGN_FAIL, "dmarc" },
		{ "v=DMARC1; p=reject; ruf=mailto:f@example.org; fo=0",
		  DMARCR_PASS, DMARC_ALIGN_FAIL, DMARC_ALIGN_PASS, NULL },
		/* fo=1: any mechanism without an aligned pass */
		{ "v=DMARC1; p=reject; ruf=mailto:f@example.org; fo=1",
		  DMARCR_PASS, DMARC_ALIGN_FAIL, DMARC_ALIGN_PASS, "dmarc" },
		{ "v=DMARC1; p=reject; ruf=mailto:f@example.org; fo=1",
		  DMARCR_PASS, DMARC_ALIGN_PASS, DMARC_ALIGN_PASS, NULL },
		/* fo=d: a signature failed (the body changed: bodyhash) */
		{ "v=DMARC1; p=reject; ruf=mailto:f@example.org; fo=d",
		  DMARCR_PASS, DMARC_ALIGN_PASS, DMARC_ALIGN_PASS, "bodyhash" },
		/* fo=s: SPF failed */
		{ "v=DMARC1; p=reject; ruf=mailto:f@example.org; fo = s",
		  DMARCR_PASS, DMARC_ALIGN_PASS, DMARC_ALIGN_PASS, "spf" },
		{ "v=DMARC1; p=reject; ruf=mailto:f@example.org; fo=0:s",
		  DMARCR_FAIL, DMARC_ALIGN_FAIL, DMARC_ALIGN_FAIL, "dmarc" },
		/* an error is no failure to report */
		{ "v=DMARC1; p=reject; ruf=mailto:f@example.org; fo=1",
		  DMARCR_TEMPERROR, DMARC_ALIGN_TEMP, DMARC_ALIGN_FAIL, NULL },
		/* rf=: only AFRF is defined; a record asking for another
		 * format only gets none */
		{ "v=DMARC1; p=reject; ruf=mailto:f@example.org; rf=iodef",
		  DMARCR_FAIL, DMARC_ALIGN_FAIL, DMARC_ALIGN_FAIL, NULL },
		{ "v=DMARC1; p=reject; ruf=mailto:f@example.org; rf=iodef: AFRF",
		  DMARCR_FAIL, DMARC_ALIGN_FAIL, DMARC_ALIGN_FAIL, "dmarc" },
		/* options it does not know are ignored */
		{ "v=DMARC1; p=reject; ruf=mailto:f@example.org; fo=x:y",
		  DMARCR_FAIL, DMARC_ALIGN_FAIL, DMARC_ALIGN_FAIL, NULL },
	};
	struct dmarc_outcome o;
	struct facts f;
	const char *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		with_record(&f, &o, cases[i].record, cases[i].result,
		    cases[i].spf, cases[i].dkim);
		got = dmarc_failure_wanted(&f);
		if ((got == NULL) != (cases[i].want == NULL) || (got != NULL &&
		    strcmp(got, cases[i].want) != 0))
			fail_msg("case %zu (%s): %s, want %s", i,
			    cases[i].record, got != NULL ? got : "none",
			    cases[i].want != NULL ? cases[i].want : "none");
	}
	/* no record found: nothing */
	with_record(&f, &o, "v=DMARC1; p=reject; ruf=mailto:f@example.org",
	    DMARCR_FAIL, DMARC_ALIGN_FAIL, DMARC_ALIGN_FAIL);
	f.dmarc.record_domain = NULL;
	assert_null(dmarc_failure_wanted(&f));
}

static void
test_failure_report(void **state)
{
	struct dmarcrep_meta m = { "Org", "dmarc@mx.test", NULL, "mx.test",
	    1700000000, 1700086400 };
	struct dmarcrep_failure fl;
	struct dmarc_outcome o;
	struct verdict v;
	struct policy p;
	struct facts f;
	str fb, msg;

	(void)state;
	str_init(&fb);
	str_init(&msg);
	policy_defaults(&p);
	with_record(&f, &o, "v=DMARC1; p=reject; ruf=mailto:f@example.org",
	    DMARCR_FAIL, DMARC_ALIGN_FAIL, DMARC_ALIGN_FAIL);
	f.mail_from = "bounce\r\nInjected: yes@lists.example";
	verdict_decide(&f, &p, STAGE_EOM, &v);
	dmarc_failure_feedback(&f, &p, &v, "mx.test", "Q1", "dmarc",
	    1700000000, &fb);
	assert_non_null(strstr(str_cstr(&fb), "Feedback-Type: auth-failure\n"
	    "User-Agent: authgate/"));
	assert_non_null(strstr(str_cstr(&fb), "\nVersion: 1\n"));
	/* what came from outside cannot make fields of its own */
	assert_non_null(strstr(str_cstr(&fb), "Original-Mail-From: <bounce??"
	    "Injected: yes@lists.example>\n"));
	assert_null(strstr(str_cstr(&fb), "\nInjected:"));
	/* our queue id is no ENVID (RFC 3461): not reported */
	assert_null(strstr(str_cstr(&fb), "Original-Envelope-Id"));
	assert_non_null(strstr(str_cstr(&fb), "Arrival-Date: Tue, 14 Nov 2023 "
	    "22:13:20 +0000\nReporting-MTA: dns; mx.test\n"
	    "Source-IP: 2001:db8::25\nAuthentication-Results: mx.test;"));
	assert_non_null(strstr(str_cstr(&fb), "\nAuth-Failure: dmarc\n"
	    "Reported-Domain: example.org\nDelivery-Result: reject\n"
	    "Identity-Alignment: none\nDKIM-Domain: example.org\n"
	    "DKIM-Selector: s1\n"));
	verdict_clear(&v);

	/* the mail: multipart/report of three parts, CRLF, headers only */
	memset(&fl, 0, sizeof(fl));
	fl.id = 7;
	fl.time = 1700000000;
	fl.policy_domain = "example.org";
	fl.source_ip = "2001:db8::25";
	fl.ruf = "mailto:f@example.org";
	fl.feedback = str_cstr(&fb);
	fl.headers = "From: a@example.org\nSubject: hi\n"
	    "X-Evil: x\n--=_authgate_failure_7_1700090000--\n";
	dmarcrep_failure_mail(&m, &fl, "f@example.org", 1700090000, &msg);
	assert_non_null(strstr(str_cstr(&msg), "From: dmarc@mx.test\r\n"
	    "To: f@example.org\r\n"));
	assert_non_null(strstr(str_cstr(&msg), "Subject: DMARC failure report "
	    "for example.org from 2001:db8::25\r\n"));
	assert_non_null(strstr(str_cstr(&msg), "Content-Type: multipart/report; "
	    "report-type=feedback-report;\r\n\tboundary=\"=_authgate_failure_7_"
	    "1700090000\"\r\n"));
	assert_non_null(strstr(str_cstr(&msg), "--=_authgate_failure_7_"
	    "1700090000\r\nContent-Type: message/feedback-report\r\n\r\n"
	    "Feedback-Type: auth-failure\r\n"));
	assert_non_null(strstr(str_cstr(&msg), "Content-Type: text/rfc822-"
	    "headers\r\nContent-Transfer-Encoding: 7bit\r\n\r\nFrom: "
	    "a@example.org\r\nSubject: hi\r\n"));
	/* a header line that looks like the boundary cannot end a part */
	assert_non_null(strstr(str_cstr(&msg), "\r\n --=_authgate_failure_7_"
	    "1700090000--\r\n"));
	assert_non_null(strstr(str_cstr(&msg), "\r\n\r\n--=_authgate_failure_7_"
	    "1700090000--\r\n"));
	assert_null(strstr(str_cstr(&msg), "\n\n"));	/* no bare LF */
	/* 8-bit bytes and a bare CR: quoted-printable, lines of at most
	 * 76 with the soft break */
	str_reset(&msg);
	fl.headers = "Subject: caf\xc3\xa9 = \rx \nX-Long: "
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "456789\n";
	dmarcrep_failure_mail(&m, &fl, "f@example.org", 1700090000, &msg);
	assert_non_null(strstr(str_cstr(&msg), "Content-Type: text/rfc822-"
	    "headers\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "Subject: caf=C3=A9 =3D=20=0Dx=20\r\nX-Long: 01234567890123456789"
	    "01234567890123456789012345678901234567890123456=\r\n789\r\n"));
	policy_free(&p);
	str_free(&fb);
	str_free(&msg);
}

/* failure_row - a row with a failure report */
static struct dmarcrep_row *
failure_row(int i)
{
	struct dmarcrep_row *r;

	r = hostile(i);
	if (i % 5 == 0) {
		r->ruf = strdup("mailto:f@example.org");
		r->feedback = strdup(i % 2 ? "Feedback-Type: auth-failure\n" :
		    "Feedback-Type: auth-failure\nSource-IP: \"\\{,}'\n");
		r->headers = strdup(i % 3 ? "From: a@b\nSubject: \xc3\xa9t\xc3\xa9\n"
		    : "");
	}
	return r;
}

/* failure_text - a failure report as one line of text */
static int
failure_text(const struct dmarcrep_failure *f, void *arg)
{
	str_appendf(arg, "%lld|%s|%s|%s|%s|%s\036", (long long)f->time,
	    f->policy_domain, f->source_ip, f->ruf, f->feedback, f->headers);
	return 0;
}

struct failure_ids {
	int64_t	v[200];
	size_t	n;
};

/* failure_ids - collect the ids */
static int
failure_ids(const struct dmarcrep_failure *f, void *arg)
{
	struct failure_ids *ids = arg;

	if (ids->n < 200)
		ids->v[ids->n++] = f->id;
	return 0;
}

/* failures_of - a store's failure reports as failure_text lines; with
 * forget, each is forgotten after */
static void
failures_of(const char *spec, str *out, int forget)
{
	const struct dmarcrep_backend *b;
	const char *rest;
	struct failure_ids ids;
	void *h;
	str err;

	str_init(&err);
	b = dmarcrep_store_find(spec, &rest, &err);
	assert_non_null(h = b->open(rest, &err));
	assert_int_equal(b->failures(h, 1000, failure_text, out, &err), 0);
	if (forget) {
		ids.n = 0;
		assert_int_equal(b->failures(h, 200, failure_ids, &ids, &err),
		    0);
		while (ids.n > 0) {
			assert_int_equal(b->failure_take(h, ids.v[ids.n - 1],
			    &err), 1);
			/* a second run finds it taken */
			assert_int_equal(b->failure_take(h, ids.v[--ids.n],
			    &err), 0);
		}
	}
	b->close(h);
	str_free(&err);
}

/* big_failure - a row with a failure report of a megabyte */
static struct dmarcrep_row *
big_failure(int i)
{
	struct dmarcrep_row *r;

	r = row(i);
	r->ruf = strdup("mailto:f@example.org");
	r->feedback = strdup("Feedback-Type: auth-failure\n");
	r->headers = malloc(1000001);
	memset(r->headers, 'h', 1000000);
	r->headers[1000000] = '\0';
	return r;
}

static void
test_failure_bytes(void **state)
{
	struct dmarcrep_counts c;
	char spec[300];
	dmarcrep *rec;
	long stored;
	str err;
	int i;

	(void)state;
	str_init(&err);
	/* 40 MB of failure reports at once: no more than 8 MB wait; the
	 * rest lose their report, never their evaluation */
	snprintf(spec, sizeof(spec), "sqlite:%s", path("big.sqlite"));
	rec = dmarcrep_start(spec, 1000, &err);
	for (i = 0; i < 40; i++)
		dmarcrep_add(rec, big_failure(i));
	dmarcrep_counts(rec, &c);
	assert_true(c.failure_dropped >= 1);
	dmarcrep_stop(rec);
	stored = count(path("big.sqlite"), "SELECT count(*) FROM dmarc_failure");
	assert_int_equal(count(path("big.sqlite"),
	    "SELECT count(*) FROM dmarc_message"), 40);
	assert_int_equal(stored + (long)c.failure_dropped, 40);
	assert_true(stored >= 8);
	str_free(&err);
}

static void
test_failure_store(void **state)
{
	char spec[300];
	str a;

	(void)state;
	str_init(&a);
	snprintf(spec, sizeof(spec), "sqlite:%s", path("fr.sqlite"));
	store_all(spec, failure_row, 100);
	failures_of(spec, &a, 0);
	assert_int_equal(lines(&a), 20);	/* i % 5 == 0 */
	assert_non_null(strstr(str_cstr(&a), "|mailto:f@example.org|"
	    "Feedback-Type: auth-failure\nSource-IP: \"\\{,}'\n|\036"));
	assert_non_null(strstr(str_cstr(&a), "|From: a@b\nSubject: "
	    "\xc3\xa9t\xc3\xa9\n\036"));
	/* forgotten: the report goes, the evaluation stays */
	str_reset(&a);
	failures_of(spec, &a, 1);
	str_reset(&a);
	failures_of(spec, &a, 0);
	assert_int_equal(a.len, 0);
	assert_int_equal(count(path("fr.sqlite"),
	    "SELECT count(*) FROM dmarc_message"), 100);
	/* expiry takes the reports of the rows it deletes along */
	store_all(spec, failure_row, 100);
	assert_int_equal(store_expire(spec, INT64_MAX), 200);
	assert_int_equal(count(path("fr.sqlite"),
	    "SELECT count(*) FROM dmarc_failure"), 0);
	str_free(&a);
}

/* rep_row - a row for the report tests */
static struct dmarcrep_row *
rep_row(const char *ip, const char *disp, const char *dkim_result)
{
	struct dmarcrep_row *r;

	r = dmarcrep_row_new();
	r->time = 1700000000;
	r->reporter = strdup("mx.test");
	r->source_ip = strdup(ip);
	r->header_from = strdup("example.org");
	r->envelope_from = strdup("example.org");
	r->policy_domain = strdup("example.org");
	r->record = strdup("v=DMARC1; p=quarantine; SP = reject ; pct=50; "
	    "adkim=s; rua=mailto:d@example.org,mailto:x@y.example!10m");
	r->result = strdup("fail");
	r->disposition = strdup(disp);
	r->dkim_aligned = strdup("fail");
	r->spf_aligned = strdup("fail");
	r->spf_domain = strdup("example.org");
	r->spf_result = strdup("softfail");
	r->spf_scope = strdup("mfrom");
	if (strcmp(disp, "none") == 0) {
		r->override = strdup("mailing_list");
		r->override_comment = strdup("trusted signer <lists> & co");
	}
	dmarcrep_row_add_dkim(r, "example.org", "s1", dkim_result, NULL);
	return r;
}

static void
test_report(void **state)
{
	struct dmarcrep_meta m = { "Example & Co", "dmarc@mx.test", NULL,
	    "mx.test", 1700000000, 1700086400 };
	struct dmarcrep_row *r[6];
	dmarcrep_report *rep;
	str xml, name, tag, gz, err;
	size_t i;

	(void)state;
	str_init(&xml);
	str_init(&name);
	str_init(&tag);
	str_init(&gz);
	str_init(&err);
	r[0] = rep_row("192.0.2.1", "quarantine", "fail");
	r[1] = rep_row("192.0.2.1", "quarantine", "fail");	/* joins 0 */
	r[2] = rep_row("192.0.2.1", "quarantine", "neutral");
	r[3] = rep_row("2001:db8::1", "none", "fail");
	r[4] = rep_row("2001:db8::1", "none", "fail");		/* joins 3 */
	r[5] = rep_row("192.0.2.1", "quarantine", "fail");	/* joins 0 */
	rep = dmarcrep_report_new("example.org");
	for (i = 0; i < 6; i++)
		dmarcrep_report_add(rep, r[i]);
	assert_int_equal(dmarcrep_report_messages(rep), 6);
	assert_int_equal(dmarcrep_report_records(rep), 3);
	assert_int_equal(dmarcrep_report_tag(rep, "rua", &tag), 0);
	assert_string_equal(str_cstr(&tag),
	    "mailto:d@example.org,mailto:x@y.example!10m");
	assert_int_equal(dmarcrep_report_tag(rep, "sp", &tag), 0);
	assert_string_equal(str_cstr(&tag), "reject");
	assert_int_equal(dmarcrep_report_tag(rep, "ruf", &tag), -1);
	dmarcrep_report_xml(rep, &m, &xml);
	/* the policy as published, defaults filled in */
	assert_non_null(strstr(str_cstr(&xml), "<policy_published>\n"
	    "    <domain>example.org</domain>\n    <adkim>s</adkim>\n"
	    "    <aspf>r</aspf>\n    <p>quarantine</p>\n    <sp>reject</sp>\n"
	    "    <pct>50</pct>\n    <fo>0</fo>\n"));
	/* joined counts, in the order first seen */
	assert_non_null(strstr(str_cstr(&xml), "<source_ip>192.0.2.1</source_ip>"
	    "\n      <count>3</count>"));
	/* IPv6 in all eight groups: the schema's pattern has no "::" */
	assert_non_null(strstr(str_cstr(&xml), "<source_ip>2001:db8:0:0:0:0:0:1"
	    "</source_ip>\n      <count>2</count>"));
	assert_true(strstr(str_cstr(&xml), "<count>3</count>") <
	    strstr(str_cstr(&xml), "<result>neutral</result>"));
	/* escaped text, the override reason */
	assert_non_null(strstr(str_cstr(&xml), "<org_name>Example &amp; Co"
	    "</org_name>"));
	assert_non_null(strstr(str_cstr(&xml), "<type>mailing_list</type>\n"
	    "          <comment>trusted signer &lt;lists&gt; &amp; co"
	    "</comment>"));
	assert_non_null(strstr(str_cstr(&xml), "<begin>1700000000</begin>\n"
	    "      <end>1700086399</end>"));
	dmarcrep_report_filename(rep, &m, &name);
	assert_string_equal(str_cstr(&name),
	    "mx.test!example.org!1700000000!1700086399.xml.gz");
	assert_int_equal(dmarcrep_gzip(xml.buf, xml.len, &gz, &err), 0);
	assert_true(gz.len > 20 && (unsigned char)gz.buf[0] == 0x1f &&
	    (unsigned char)gz.buf[1] == 0x8b);
	for (i = 0; i < 6; i++)
		dmarcrep_row_free(r[i]);
	dmarcrep_report_free(rep);
	str_free(&xml);
	str_free(&name);
	str_free(&tag);
	str_free(&gz);
	str_free(&err);
}

static void
test_rua(void **state)
{
	struct dmarcrep_dest d[4];
	size_t n;
	str err;

	(void)state;
	str_init(&err);
	n = dmarcrep_rua_parse(" mailto:a@example.org , MAILTO:b%40x@y.example"
	    "!10m,mailto:c@z.example!2K, https://r.example/, mailto:bad, "
	    "mailto:d@e.example!5x,mailto:e@f.example!0", d, 4, &err);
	assert_int_equal(n, 3);
	assert_string_equal(d[0].address, "a@example.org");
	assert_int_equal(d[0].max_bytes, 0);
	/* %40 decodes to a second @: not an address */
	assert_string_equal(d[1].address, "c@z.example");
	assert_int_equal(d[1].max_bytes, 2048);
	assert_string_equal(d[2].address, "e@f.example");
	assert_int_equal(d[2].max_bytes, 0);	/* !0: no limit */
	assert_non_null(strstr(str_cstr(&err), "\"https://r.example/\": not "
	    "a mailto: URI"));
	assert_non_null(strstr(str_cstr(&err), "\"MAILTO:b%40x@y.example!10m"
	    "\": not a usable"));
	assert_non_null(strstr(str_cstr(&err), "\"mailto:bad\": not a usable"));
	assert_non_null(strstr(str_cstr(&err), "\"mailto:d@e.example!5x\""));
	dmarcrep_dests_free(d, n);
	/* at most max */
	str_reset(&err);
	n = dmarcrep_rua_parse("mailto:a@b.example,mailto:c@d.example", d, 1,
	    &err);
	assert_int_equal(n, 1);
	dmarcrep_dests_free(d, n);
	/* %-escapes of ordinary characters, and a size in m */
	n = dmarcrep_rua_parse("mailto:dmarc%2Dreports@x.example!1m", d, 4,
	    &err);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].address, "dmarc-reports@x.example");
	assert_int_equal(d[0].max_bytes, 1048576);
	dmarcrep_dests_free(d, n);
	assert_int_equal(dmarcrep_transport_check("smtp:127.0.0.1:25", &err),
	    0);
	assert_int_equal(dmarcrep_transport_check("sendmail:/usr/sbin/sendmail",
	    &err), 0);
	assert_int_equal(dmarcrep_transport_check("smtp:relay.example:25",
	    &err), -1);
	str_free(&err);
}

static void
test_report_mail(void **state)
{
	struct dmarcrep_meta m = { "Org", "dmarc@mx.test", NULL, "mx.test",
	    1700000000, 1700086400 };
	struct dmarcrep_row *r;
	dmarcrep_report *rep;
	str gz, msg, err;
	const char *p;
	size_t i;

	(void)state;
	str_init(&gz);
	str_init(&msg);
	str_init(&err);
	rep = dmarcrep_report_new("example.org");
	r = rep_row("192.0.2.1", "quarantine", "fail");
	dmarcrep_report_add(rep, r);
	dmarcrep_row_free(r);
	/* 200 bytes of every value: base64 lines of at most 76 */
	for (i = 0; i < 200; i++)
		str_append_c(&gz, (char)i);
	dmarcrep_report_mail(rep, &m, "d@example.org", "f.xml.gz", &gz,
	    1700090000, &msg);
	assert_non_null(strstr(str_cstr(&msg), "Subject: Report Domain: "
	    "example.org Submitter: mx.test Report-ID: <mx.test!example.org!"
	    "1700000000>\r\n"));
	assert_non_null(strstr(str_cstr(&msg), "From: dmarc@mx.test\r\n"));
	assert_non_null(strstr(str_cstr(&msg), "Date: Wed, 15 Nov 2023 "
	    "23:13:20 +0000\r\n"));
	assert_non_null(strstr(str_cstr(&msg), "Content-Type: application/gzip;"
	    " name=\"f.xml.gz\""));
	assert_non_null(strstr(str_cstr(&msg), "AAECAwQFBgcICQoLDA0ODxAREhMU"));
	for (p = str_cstr(&msg); (p = strchr(p, '\n')) != NULL; p++)
		assert_true(p > str_cstr(&msg) && p[-1] == '\r');
	dmarcrep_report_free(rep);
	str_free(&gz);
	str_free(&msg);
	str_free(&err);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evidence),
		cmocka_unit_test(test_sqlite_store),
		cmocka_unit_test(test_nothing_lost_uncounted),
		cmocka_unit_test(test_store_faults),
		cmocka_unit_test(test_postgresql),
		cmocka_unit_test(test_store_shown),
		cmocka_unit_test(test_failure_wanted),
		cmocka_unit_test(test_failure_report),
		cmocka_unit_test(test_failure_store),
		cmocka_unit_test(test_failure_bytes),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_rua),
		cmocka_unit_test(test_report_mail),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
