/*
 * fuzz_lockdown_record - MailChannels Domain Lockdown records. The whole
 * input is read as a record (NULs and all); the input up to its first
 * NUL is read as a record too and matched against the lines after that
 * NUL, each taken as an account ID and as a sender ID. What must hold is
 * checked, and a break aborts: a record read has only printable values
 * within the limits, a refused one leaves nothing behind and a printable
 * error, a match names a field that does match, and the wildcard matcher
 * agrees with a slow reference on every sidw= pattern and ID.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/str.h"
#include "sender/lockdown_record.h"
#include "fuzz.h"

#define FUZZ_MAX_IDS	16	/* lines used as IDs */
#define FUZZ_REF_MAX	65536	/* largest table the reference fills */

/* fold - an ASCII letter in lower case */
static int
fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* ref_match - the reference wildcard match: one row of the table of
 * "pattern[0..i) matches subject[0..j)" at a time */
static int
ref_match(const char *pat, const char *subj)
{
	size_t np, ns, i, j;
	unsigned char *row, *next;
	int r;

	np = strlen(pat);
	ns = strlen(subj);
	row = mem_calloc(ns + 1, 1);
	next = mem_calloc(ns + 1, 1);
	row[0] = 1;
	for (i = 0; i < np; i++) {
		for (j = 0; j <= ns; j++) {
			if (pat[i] == '*')
				next[j] = (unsigned char)(row[j] ||
				    (j > 0 && next[j - 1]));
			else
				next[j] = (unsigned char)(j > 0 && row[j - 1] &&
				    fold((unsigned char)pat[i]) ==
				    fold((unsigned char)subj[j - 1]));
		}
		memcpy(row, next, ns + 1);
	}
	r = row[ns];
	mem_free(row);
	mem_free(next);
	return r;
}

/* ref_agrees - the matcher agrees with the reference (when not too big) */
static int
ref_agrees(const char *pat, const char *subj, int got)
{
	size_t np, ns;

	np = strlen(pat) + 1;
	ns = strlen(subj) + 1;
	if (np > FUZZ_REF_MAX / ns)
		return 1;
	return got == ref_match(pat, subj);
}

/* same - two strings equal but for ASCII case */
static int
same(const char *a, const char *b)
{
	for (; *a != '\0' && fold((unsigned char)*a) ==
	    fold((unsigned char)*b); a++, b++)
		;
	return *a == '\0' && *b == '\0';
}

/* check_read - what a record read or refused must look like */
static void
check_read(int rc, const char *data, size_t size,
    const struct lockdown_record *rec, const str *err)
{
	const struct lockdown_field *f;
	size_t i, j, len;

	if (rc != 0) {
		if (rec->n != 0 || rec->v != NULL || rec->unknown != 0 ||
		    err->len == 0)
			abort();
		for (i = 0; i < err->len; i++)
			if (err->buf[i] < 0x20 || err->buf[i] >= 0x7f)
				abort();
		return;
	}
	if (!lockdown_record_is_ours(data, size) ||
	    rec->n > LOCKDOWN_MAX_FIELDS ||
	    rec->n + rec->unknown > LOCKDOWN_MAX_FIELDS)
		abort();
	for (i = 0; i < rec->n; i++) {
		f = &rec->v[i];
		len = strlen(f->value);
		if (len == 0 || len > LOCKDOWN_MAX_VALUE ||
		    strcmp(lockdown_field_kind_name(f->kind), "?") == 0)
			abort();
		for (j = 0; j < len; j++)
			if (f->value[j] <= 0x20 || f->value[j] >= 0x7f)
				abort();
		/* a pattern matches itself ('*' matches '*') */
		if (f->kind == LOCKDOWN_SIDW &&
		    !lockdown_wildcard_match(f->value, f->value))
			abort();
	}
}

/* check_match - the match against ids, and each field against each id */
static void
check_match(const struct lockdown_record *rec, const char *const *ids,
    size_t n)
{
	const struct lockdown_field *f;
	size_t i, j;
	int got, m, first;

	got = lockdown_record_match(rec, ids, n, ids, n);
	first = -1;
	for (i = 0; i < rec->n && first < 0; i++) {
		f = &rec->v[i];
		for (j = 0; j < n && first < 0; j++) {
			if (f->kind == LOCKDOWN_SIDW) {
				m = lockdown_wildcard_match(f->value, ids[j]);
				if (!ref_agrees(f->value, ids[j], m) ||
				    (strchr(f->value, '*') == NULL &&
				    m != same(f->value, ids[j])))
					abort();
			} else
				m = same(f->value, ids[j]);
			if (m)
				first = (int)i;
		}
	}
	if (got != first)
		abort();
	/* the other way round: each ID as a pattern */
	for (j = 0; j < n; j++)
		for (i = 0; i < rec->n; i++)
			if (!ref_agrees(ids[j], rec->v[i].value,
			    lockdown_wildcard_match(ids[j], rec->v[i].value)))
				abort();
}

/* LLVMFuzzerTestOneInput - one record, and IDs to match */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lockdown_record rec;
	const char *ids[FUZZ_MAX_IDS];
	const uint8_t *nul;
	char *tail, *p, *nl;
	size_t n, head;
	str err;
	int rc;

	str_init(&err);
	rc = lockdown_record_parse((const char *)data, size, &rec, &err);
	check_read(rc, (const char *)data, size, &rec, &err);
	lockdown_record_free(&rec);

	nul = memchr(data, '\0', size);
	if (nul != NULL) {
		head = (size_t)(nul - data);
		rc = lockdown_record_parse((const char *)data, head, &rec,
		    &err);
		check_read(rc, (const char *)data, head, &rec, &err);
		tail = fuzz_cstring(nul + 1, size - head - 1);
		n = 0;
		for (p = tail; p != NULL && n < FUZZ_MAX_IDS; p = nl) {
			if ((nl = strchr(p, '\n')) != NULL)
				*nl++ = '\0';
			ids[n++] = p;
		}
		check_match(&rec, ids, n);
		lockdown_record_free(&rec);
		mem_free(tail);
	}
	str_free(&err);
	return 0;
}
