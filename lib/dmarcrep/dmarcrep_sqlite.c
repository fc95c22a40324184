/*
 * dmarcrep_sqlite - the embedded store of DMARC report rows: one SQLite
 * file (WAL, so authgate-report reads while the daemon writes), created
 * and migrated here; see dmarcrep_store.h.
 *
 * sqlite3 (Debian's libsqlite3-0) rather than a file format of our own:
 * crash safety, concurrent readers and the queries authgate-report
 * needs come with it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "util/mem.h"
#include "util/str.h"
#include "dmarcrep/dmarcrep.h"
#include "dmarcrep/dmarcrep_store.h"

#define DMARCREP_SQLITE_BUSY_MS	2000
#define DMARCREP_SQLITE_EXPIRE_CHUNK 10000	/* rows per transaction */

struct dmarcrep_sqlite {
	sqlite3		*db;
	sqlite3_stmt	*message;
	sqlite3_stmt	*dkim;
	sqlite3_stmt	*failure;
};

/* the schema, one step per version (each runs inside the migration's
 * transaction, which also records the version) */
static const char *const dmarcrep_sqlite_steps[DMARCREP_SCHEMA_VERSION] = {
	"CREATE TABLE dmarc_message ("
	" id INTEGER PRIMARY KEY,"
	DMARCREP_SQL_MESSAGE
	"CREATE TABLE dmarc_dkim ("
	" message_id INTEGER NOT NULL REFERENCES dmarc_message (id)"
	"  ON DELETE CASCADE,"
	" domain TEXT NOT NULL,"
	" selector TEXT,"
	" result TEXT NOT NULL,"
	" human TEXT);"
	"CREATE INDEX dmarc_dkim_message ON dmarc_dkim (message_id);",
	/* 2: reads and expiry select by time alone */
	DMARCREP_SQL_V2,
	/* 3: failure reports waiting to be sent (RFC 7489 7.3) */
	DMARCREP_SQL_V3
};

/* dmarcrep_sqlite_error - "what: sqlite's words" */
static void
dmarcrep_sqlite_error(sqlite3 *db, const char *what, str *err)
{
	str_appendf(err, "%s: %s", what, db != NULL ? sqlite3_errmsg(db) :
	    "out of memory");
}

/* dmarcrep_sqlite_version - the file's schema version, 0 if new */
static int
dmarcrep_sqlite_version(sqlite3 *db, str *err)
{
	sqlite3_stmt *st;
	int version, rc;

	if (sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS schema_version "
	    "(version INTEGER NOT NULL)", NULL, NULL, NULL) != SQLITE_OK) {
		dmarcrep_sqlite_error(db, "reading the schema version", err);
		return -1;
	}
	if (sqlite3_prepare_v2(db, "SELECT max(version) FROM schema_version",
	    -1, &st, NULL) != SQLITE_OK) {
		dmarcrep_sqlite_error(db, "reading the schema version", err);
		return -1;
	}
	version = 0;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		dmarcrep_sqlite_error(db, "reading the schema version", err);
		return -1;
	}
	return version;
}

/* dmarcrep_sqlite_migrate - create the schema, or check it is ours */
static int
dmarcrep_sqlite_migrate(sqlite3 *db, str *err)
{
	char insert[80];
	int version, i;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		dmarcrep_sqlite_error(db, "locking the database", err);
		return -1;
	}
	if ((version = dmarcrep_sqlite_version(db, err)) < 0)
		goto fail;
	if (version > DMARCREP_SCHEMA_VERSION) {
		str_appendf(err, "the database has schema version %d, newer "
		    "than this authgate's (%d)", version,
		    DMARCREP_SCHEMA_VERSION);
		goto fail;
	}
	for (i = version; i < DMARCREP_SCHEMA_VERSION; i++) {
		(void)snprintf(insert, sizeof(insert), "INSERT INTO "
		    "schema_version (version) VALUES (%d)", i + 1);
		if (sqlite3_exec(db, dmarcrep_sqlite_steps[i], NULL, NULL,
		    NULL) != SQLITE_OK || sqlite3_exec(db, insert, NULL, NULL,
		    NULL) != SQLITE_OK) {
			dmarcrep_sqlite_error(db, "creating the schema", err);
			goto fail;
		}
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		dmarcrep_sqlite_error(db, "creating the schema", err);
		goto fail;
	}
	return 0;
fail:
	(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* dmarcrep_sqlite_close - finalize and close */
static void
dmarcrep_sqlite_close(void *handle)
{
	struct dmarcrep_sqlite *s = handle;

	if (s == NULL)
		return;
	sqlite3_finalize(s->message);
	sqlite3_finalize(s->dkim);
	sqlite3_finalize(s->failure);
	sqlite3_close(s->db);
	mem_free(s);
}

/* dmarcrep_sqlite_open - open (or create) the file */
static void *
dmarcrep_sqlite_open(const char *path, str *err)
{
	struct dmarcrep_sqlite *s;
	int rc;

	s = mem_calloc(1, sizeof(*s));
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		dmarcrep_sqlite_error(s->db, path, err);
		goto fail;
	}
	(void)sqlite3_busy_timeout(s->db, DMARCREP_SQLITE_BUSY_MS);
	/* WAL: authgate-report reads while the daemon writes; a small page
	 * cache: the daemon only appends (the 2 MB default cost as much
	 * memory as the rest of the daemon's data) */
	if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; "
	    "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
	    "PRAGMA cache_size=-256", NULL, NULL, NULL) != SQLITE_OK) {
		dmarcrep_sqlite_error(s->db, path, err);
		goto fail;
	}
	if (dmarcrep_sqlite_migrate(s->db, err) != 0)
		goto fail;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO dmarc_message (time, "
	    DMARCREP_SQL_TEXT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &s->message, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(s->db, "INSERT INTO dmarc_dkim "
	    "(message_id, domain, selector, result, human) VALUES (?, ?, ?, "
	    "?, ?)", -1, &s->dkim, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT INTO dmarc_failure (message_id, "
	    "ruf, feedback, headers) VALUES (?, ?, ?, ?)", -1, &s->failure,
	    NULL) != SQLITE_OK) {
		dmarcrep_sqlite_error(s->db, path, err);
		goto fail;
	}
	return s;
fail:
	dmarcrep_sqlite_close(s);
	return NULL;
}

/* dmarcrep_sqlite_text - bind a string, or NULL */
static void
dmarcrep_sqlite_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		(void)sqlite3_bind_null(st, i);
	else
		(void)sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* dmarcrep_sqlite_row - insert one row and its signatures */
static int
dmarcrep_sqlite_row(struct dmarcrep_sqlite *s, struct dmarcrep_row *r)
{
	char **v[DMARCREP_ROW_TEXTS];
	sqlite3_int64 id;
	size_t i;

	dmarcrep_row_texts(r, v);
	(void)sqlite3_reset(s->message);
	(void)sqlite3_bind_int64(s->message, 1, r->time);
	for (i = 0; i < DMARCREP_ROW_TEXTS; i++)
		dmarcrep_sqlite_text(s->message, (int)i + 2, *v[i]);
	if (sqlite3_step(s->message) != SQLITE_DONE)
		return -1;
	id = sqlite3_last_insert_rowid(s->db);
	for (i = 0; i < r->ndkim; i++) {
		(void)sqlite3_reset(s->dkim);
		(void)sqlite3_bind_int64(s->dkim, 1, id);
		dmarcrep_sqlite_text(s->dkim, 2, r->dkim[i].domain);
		dmarcrep_sqlite_text(s->dkim, 3, r->dkim[i].selector);
		dmarcrep_sqlite_text(s->dkim, 4, r->dkim[i].result);
		dmarcrep_sqlite_text(s->dkim, 5, r->dkim[i].human);
		if (sqlite3_step(s->dkim) != SQLITE_DONE)
			return -1;
	}
	if (r->feedback == NULL)
		return 0;
	(void)sqlite3_reset(s->failure);
	(void)sqlite3_bind_int64(s->failure, 1, id);
	dmarcrep_sqlite_text(s->failure, 2, r->ruf != NULL ? r->ruf : "");
	dmarcrep_sqlite_text(s->failure, 3, r->feedback);
	dmarcrep_sqlite_text(s->failure, 4, r->headers != NULL ? r->headers :
	    "");
	return sqlite3_step(s->failure) == SQLITE_DONE ? 0 : -1;
}

/* dmarcrep_sqlite_write - n rows in one transaction */
static int
dmarcrep_sqlite_write(void *handle, struct dmarcrep_row *const *rows,
    size_t n, str *err)
{
	struct dmarcrep_sqlite *s = handle;
	size_t i;

	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		dmarcrep_sqlite_error(s->db, "starting a write", err);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (dmarcrep_sqlite_row(s, rows[i]) != 0) {
			dmarcrep_sqlite_error(s->db, "writing a record", err);
			(void)sqlite3_reset(s->message);
			(void)sqlite3_reset(s->dkim);
			(void)sqlite3_reset(s->failure);
			(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	(void)sqlite3_reset(s->message);
	(void)sqlite3_reset(s->dkim);
	(void)sqlite3_reset(s->failure);
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		dmarcrep_sqlite_error(s->db, "committing a write", err);
		(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* dmarcrep_sqlite_column - a text column as a new string, or NULL */
static char *
dmarcrep_sqlite_column(sqlite3_stmt *st, int i)
{
	const unsigned char *v;

	v = sqlite3_column_text(st, i);
	return v != NULL ? mem_strdup((const char *)v) : NULL;
}

/* dmarcrep_sqlite_read - the rows of a period, with their signatures */
static int
dmarcrep_sqlite_read(void *handle, int64_t begin, int64_t end,
    int (*fn)(const struct dmarcrep_row *, void *), void *arg, str *err)
{
	struct dmarcrep_sqlite *s = handle;
	sqlite3_stmt *msg, *sig;
	struct dmarcrep_row *r;
	char **f[DMARCREP_ROW_TEXTS];
	int rc, i, stop;

	msg = sig = NULL;
	if (sqlite3_prepare_v2(s->db, "SELECT id, time, "
	    DMARCREP_SQL_TEXT_COLUMNS " FROM dmarc_message WHERE "
	    "time >= ? AND time < ? ORDER BY policy_domain, time, id", -1,
	    &msg, NULL) != SQLITE_OK || sqlite3_prepare_v2(s->db, "SELECT "
	    "domain, selector, result, human FROM dmarc_dkim WHERE "
	    "message_id = ? ORDER BY rowid", -1, &sig, NULL) != SQLITE_OK) {
		dmarcrep_sqlite_error(s->db, "reading the records", err);
		sqlite3_finalize(msg);
		return -1;
	}
	(void)sqlite3_bind_int64(msg, 1, begin);
	(void)sqlite3_bind_int64(msg, 2, end);
	stop = 0;
	while (!stop && (rc = sqlite3_step(msg)) == SQLITE_ROW) {
		r = dmarcrep_row_new();
		r->time = sqlite3_column_int64(msg, 1);
		dmarcrep_row_texts(r, f);
		for (i = 0; i < DMARCREP_ROW_TEXTS; i++)
			*f[i] = dmarcrep_sqlite_column(msg, i + 2);
		(void)sqlite3_reset(sig);
		(void)sqlite3_bind_int64(sig, 1, sqlite3_column_int64(msg, 0));
		while (sqlite3_step(sig) == SQLITE_ROW)
			dmarcrep_row_add_dkim(r,
			    (const char *)sqlite3_column_text(sig, 0),
			    (const char *)sqlite3_column_text(sig, 1),
			    (const char *)sqlite3_column_text(sig, 2),
			    (const char *)sqlite3_column_text(sig, 3));
		stop = fn(r, arg) != 0;
		dmarcrep_row_free(r);
	}
	if (!stop && rc != SQLITE_DONE) {
		dmarcrep_sqlite_error(s->db, "reading the records", err);
		stop = -1;
	}
	sqlite3_finalize(msg);
	sqlite3_finalize(sig);
	return stop < 0 ? -1 : 0;
}

/* dmarcrep_sqlite_failures - the failure reports waiting, oldest first */
static int
dmarcrep_sqlite_failures(void *handle, size_t max,
    int (*fn)(const struct dmarcrep_failure *, void *), void *arg, str *err)
{
	struct dmarcrep_sqlite *s = handle;
	struct dmarcrep_failure f;
	sqlite3_stmt *st;
	int rc, stop;

	if (sqlite3_prepare_v2(s->db, "SELECT m.id, m.time, m.policy_domain, "
	    "m.source_ip, f.ruf, f.feedback, f.headers FROM dmarc_failure f "
	    "JOIN dmarc_message m ON m.id = f.message_id ORDER BY m.time, "
	    "m.id LIMIT ?", -1, &st, NULL) != SQLITE_OK) {
		dmarcrep_sqlite_error(s->db, "reading the failure reports",
		    err);
		return -1;
	}
	(void)sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	stop = 0;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		f.id = sqlite3_column_int64(st, 0);
		f.time = sqlite3_column_int64(st, 1);
		f.policy_domain = (const char *)sqlite3_column_text(st, 2);
		f.source_ip = (const char *)sqlite3_column_text(st, 3);
		f.ruf = (const char *)sqlite3_column_text(st, 4);
		f.feedback = (const char *)sqlite3_column_text(st, 5);
		f.headers = (const char *)sqlite3_column_text(st, 6);
		if (f.policy_domain == NULL)
			f.policy_domain = "";
		stop = fn(&f, arg) != 0;
	}
	if (!stop && rc != SQLITE_DONE) {
		dmarcrep_sqlite_error(s->db, "reading the failure reports",
		    err);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* dmarcrep_sqlite_failure_take - take one failure report (delete it) */
static int
dmarcrep_sqlite_failure_take(void *handle, int64_t id, str *err)
{
	struct dmarcrep_sqlite *s = handle;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "DELETE FROM dmarc_failure WHERE "
	    "message_id = ?", -1, &st, NULL) != SQLITE_OK) {
		dmarcrep_sqlite_error(s->db, "taking a failure report", err);
		return -1;
	}
	(void)sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		dmarcrep_sqlite_error(s->db, "taking a failure report", err);
		return -1;
	}
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

/* dmarcrep_sqlite_expire - forget the rows older than before, a chunk
 * per transaction: the daemon's writer waits for the lock meanwhile */
static long
dmarcrep_sqlite_expire(void *handle, int64_t before, str *err)
{
	struct dmarcrep_sqlite *s = handle;
	sqlite3_stmt *st;
	long n, total;

	if (sqlite3_prepare_v2(s->db, "DELETE FROM dmarc_message WHERE id IN "
	    "(SELECT id FROM dmarc_message WHERE time < ? LIMIT ?)", -1, &st,
	    NULL) != SQLITE_OK) {
		dmarcrep_sqlite_error(s->db, "expiring records", err);
		return -1;
	}
	total = 0;
	do {
		(void)sqlite3_reset(st);
		(void)sqlite3_bind_int64(st, 1, before);
		(void)sqlite3_bind_int(st, 2, DMARCREP_SQLITE_EXPIRE_CHUNK);
		if (sqlite3_step(st) != SQLITE_DONE) {
			dmarcrep_sqlite_error(s->db, "expiring records", err);
			sqlite3_finalize(st);
			return -1;
		}
		n = (long)sqlite3_changes(s->db);
		total += n;
	} while (n == DMARCREP_SQLITE_EXPIRE_CHUNK);
	sqlite3_finalize(st);
	return total;
}

/* dmarcrep_sqlite_check - the store is a file named by its full path */
static int
dmarcrep_sqlite_check(const char *path, str *err)
{
	if (path[0] == '/')
		return 0;
	str_appendf(err, "\"sqlite:%s\" is not sqlite:/absolute/path", path);
	return -1;
}

/* dmarcrep_sqlite_shown - a path has no secret */
static void
dmarcrep_sqlite_shown(const char *path, str *out)
{
	str_appendf(out, "sqlite:%s", path);
}

const struct dmarcrep_backend dmarcrep_sqlite = {
	"sqlite", 0, dmarcrep_sqlite_check, dmarcrep_sqlite_shown,
	dmarcrep_sqlite_open, dmarcrep_sqlite_write, dmarcrep_sqlite_read,
	dmarcrep_sqlite_failures, dmarcrep_sqlite_failure_take,
	dmarcrep_sqlite_expire, dmarcrep_sqlite_close
};
