/*
 * dmarcrep_store - where DMARC report rows are kept: one backend per
 * engine behind one interface, chosen by the store's scheme.
 *
 *	dmarcrep_store_find(spec, &rest, err) - the backend for "sqlite:
 *		/path" or "postgresql:CONNINFO" (what it is given in rest:
 *		what follows the scheme, or, for a backend that takes URIs,
 *		the whole of one such as "postgresql://host/db"), checked by
 *		its backend; or NULL and why (never quoting the spec, which
 *		may hold a password).
 *	dmarcrep_store_shown(spec, out) - the store as a log line may show
 *		it: passwords replaced by "***".
 *	backend->check(rest, err) - is it a store this backend can name
 *		(an absolute path; a connection string libpq parses); 0, or
 *		-1 and why.
 *	backend->shown(rest, out) - the same store, secrets hidden.
 *	backend->open(rest, err) - connect, create or migrate the schema;
 *		NULL and why.
 *	backend->write(handle, rows, n, err) - store n rows in one
 *		transaction: all or none; 0, or -1 and why.
 *	backend->read(handle, begin, end, fn, arg, err) - every row
 *		evaluated in [begin, end) (Unix seconds), ordered by policy
 *		domain then time, with its signatures, handed to fn(row, arg)
 *		(borrowed: fn copies what it keeps); fn returning -1 stops.
 *		0, or -1 and why.
 *	backend->failures(handle, max, fn, arg, err) - the failure reports
 *		waiting (rows written with a feedback part), oldest first, at
 *		most max, each to fn(failure, arg) (borrowed); fn returning
 *		-1 stops. 0, or -1 and why.
 *	backend->failure_take(handle, id, err) - take one to send: it is
 *		deleted, so that of several runs (hosts of a fleet, a timer
 *		and a hand) exactly one sends it: 1 taken, 0 another took it
 *		first, -1 and why.
 *	backend->expire(handle, before, err) - delete the rows evaluated
 *		before that time (and their signatures), in chunks so that
 *		the daemon's writes are never held up for long; the count,
 *		or -1 and why.
 *	backend->close(handle).
 * The SQLite backend (dmarcrep_sqlite.c) keeps one file in WAL mode; the
 * PostgreSQL one (dmarcrep_pg.c) one database a fleet shares. Both keep
 * their schema version in schema_version and migrate older ones step by
 * step; a database of a newer schema is refused, not guessed at.
 */
#ifndef AUTHGATE_DMARCREP_STORE_H
#define AUTHGATE_DMARCREP_STORE_H

#include "util/str.h"
#include "dmarcrep/dmarcrep.h"

#define DMARCREP_SCHEMA_VERSION	3

/* The schema in the SQL both stores take (SQLite reads BIGINT as
 * INTEGER): dmarc_message after its id column, which each store makes
 * its own way, with its index; the index of version 2; the table of
 * version 3 */
#define DMARCREP_SQL_MESSAGE \
	" time BIGINT NOT NULL," \
	" reporter TEXT NOT NULL," \
	" queue_id TEXT," \
	" source_ip TEXT NOT NULL," \
	" header_from TEXT NOT NULL," \
	" envelope_from TEXT," \
	" envelope_to TEXT," \
	" policy_domain TEXT," \
	" record TEXT," \
	" result TEXT NOT NULL," \
	" policy TEXT," \
	" policy_tag TEXT," \
	" disposition TEXT NOT NULL," \
	" override TEXT," \
	" override_comment TEXT," \
	" dkim_aligned TEXT NOT NULL," \
	" spf_aligned TEXT NOT NULL," \
	" spf_domain TEXT," \
	" spf_result TEXT," \
	" spf_scope TEXT," \
	" reported INTEGER NOT NULL DEFAULT 0);" \
	"CREATE INDEX dmarc_message_domain_time ON dmarc_message" \
	" (policy_domain, time);"
/* dmarc_message's text columns, in the order of dmarcrep_row_texts */
#define DMARCREP_SQL_TEXT_COLUMNS \
	"reporter, queue_id, source_ip, header_from, envelope_from, " \
	"envelope_to, policy_domain, record, result, policy, policy_tag, " \
	"disposition, override, override_comment, dkim_aligned, " \
	"spf_aligned, spf_domain, spf_result, spf_scope"
#define DMARCREP_SQL_V2 \
	"CREATE INDEX dmarc_message_time ON dmarc_message (time);"
#define DMARCREP_SQL_V3 \
	"CREATE TABLE dmarc_failure (" \
	" message_id BIGINT PRIMARY KEY REFERENCES dmarc_message (id)" \
	"  ON DELETE CASCADE," \
	" ruf TEXT NOT NULL," \
	" feedback TEXT NOT NULL," \
	" headers TEXT NOT NULL);"

struct dmarcrep_backend {
	const char	*scheme;	/* "sqlite", "postgresql" */
	int		 takes_uri;	/* scheme://... goes whole to it */
	int		 (*check)(const char *, str *);
	void		 (*shown)(const char *, str *);
	void		*(*open)(const char *, str *);
	int		 (*write)(void *, struct dmarcrep_row *const *, size_t,
			    str *);
	int		 (*read)(void *, int64_t, int64_t,
			    int (*)(const struct dmarcrep_row *, void *), void *,
			    str *);
	int		 (*failures)(void *, size_t,
			    int (*)(const struct dmarcrep_failure *, void *),
			    void *, str *);
	int		 (*failure_take)(void *, int64_t, str *);
	long		 (*expire)(void *, int64_t, str *);
	void		 (*close)(void *);
};

extern const struct dmarcrep_backend dmarcrep_sqlite;
extern const struct dmarcrep_backend dmarcrep_pg;

const struct dmarcrep_backend *dmarcrep_store_find(const char *,
		    const char **, str *);
void		 dmarcrep_store_shown(const char *, str *);

#endif
