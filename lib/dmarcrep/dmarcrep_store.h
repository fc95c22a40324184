/*
 * dmarcrep_store - where DMARC report rows are kept: one backend per
 * engine behind one interface, chosen by the store's scheme.
 *
 *	dmarcrep_store_find(spec, &rest, err) - the backend for "sqlite:
 *		/path" (the rest after the scheme in rest), or NULL and why.
 *	backend->open(rest, err) - connect, create or migrate the schema;
 *		NULL and why.
 *	backend->write(handle, rows, n, err) - store n rows in one
 *		transaction: all or none; 0, or -1 and why.
 *	backend->read(handle, begin, end, fn, arg, err) - every row
 *		evaluated in [begin, end) (Unix seconds), ordered by policy
 *		domain then time, with its signatures, handed to fn(row, arg)
 *		(borrowed: fn copies what it keeps); fn returning -1 stops.
 *		0, or -1 and why.
 *	backend->expire(handle, before, err) - delete the rows evaluated
 *		before that time (and their signatures); the count, or -1
 *		and why.
 *	backend->close(handle).
 * The SQLite backend (dmarcrep_sqlite.c) keeps one file in WAL mode,
 * schema version in schema_version; a database of a newer schema is
 * refused, not guessed at.
 */
#ifndef AUTHGATE_DMARCREP_STORE_H
#define AUTHGATE_DMARCREP_STORE_H

#include "util/str.h"
#include "dmarcrep/dmarcrep.h"

#define DMARCREP_SCHEMA_VERSION	1

struct dmarcrep_backend {
	const char	*scheme;	/* "sqlite" */
	void		*(*open)(const char *, str *);
	int		 (*write)(void *, struct dmarcrep_row *const *, size_t,
			    str *);
	int		 (*read)(void *, int64_t, int64_t,
			    int (*)(const struct dmarcrep_row *, void *), void *,
			    str *);
	long		 (*expire)(void *, int64_t, str *);
	void		 (*close)(void *);
};

extern const struct dmarcrep_backend dmarcrep_sqlite;

const struct dmarcrep_backend *dmarcrep_store_find(const char *,
		    const char **, str *);

#endif
