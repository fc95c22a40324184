/*
 * lockdown_record - MailChannels Domain Lockdown records: reading and
 * matching; see lockdown_record.h.
 *
 * The record is read in two passes over the bytes as published: the
 * first counts the fields (so a record of thousands is refused before
 * anything is kept), the second checks each field and keeps the known
 * ones. Nothing is copied before it is checked, and the bytes are never
 * taken as a C string: a NUL is just a byte that is not allowed.
 * Comparisons fold ASCII letters only, whatever the locale.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "util/mem.h"
#include "util/str.h"
#include "sender/lockdown_record.h"

#define LOCKDOWN_TAG		"v=mc1"
#define LOCKDOWN_TAG_LEN	(sizeof(LOCKDOWN_TAG) - 1)
#define LOCKDOWN_SHOW_MAX	40	/* bytes of a field shown in errors */

static const char *const kind_names[] = { "auth", "senderid", "sidw" };

/* lockdown_field_kind_name - the name of a field kind */
const char *
lockdown_field_kind_name(enum lockdown_field_kind kind)
{
	return str_word(kind_names, (int)(sizeof(kind_names) /
	    sizeof(kind_names[0])), (int)kind);
}

/* lockdown_lower - an ASCII letter in lower case, any other byte as is */
static unsigned char
lockdown_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* lockdown_space - white space between fields */
static int
lockdown_space(char c)
{
	return c == ' ' || c == '\t';
}

/* lockdown_same - n bytes equal but for the case of ASCII letters */
static int
lockdown_same(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lockdown_lower((unsigned char)a[i]) !=
		    lockdown_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* lockdown_equal - two C strings equal but for ASCII case */
static int
lockdown_equal(const char *a, const char *b)
{
	size_t n;

	n = strlen(a);
	return strlen(b) == n && lockdown_same(a, b, n);
}

/* lockdown_record_is_ours - does a TXT string start a lockdown record */
int
lockdown_record_is_ours(const char *txt, size_t len)
{
	return len >= LOCKDOWN_TAG_LEN &&
	    lockdown_same(txt, LOCKDOWN_TAG, LOCKDOWN_TAG_LEN) &&
	    (len == LOCKDOWN_TAG_LEN || lockdown_space(txt[LOCKDOWN_TAG_LEN]));
}

/* lockdown_next - the next field of [*p, end) and its length; NULL: none */
static const char *
lockdown_next(const char **p, const char *end, size_t *n)
{
	const char *start;

	while (*p < end && lockdown_space(**p))
		(*p)++;
	if (*p == end)
		return NULL;
	start = *p;
	while (*p < end && !lockdown_space(**p))
		(*p)++;
	*n = (size_t)(*p - start);
	return start;
}

/* lockdown_name_ok - a field name: letters, digits, '-', '_' */
static int
lockdown_name_ok(const char *name, size_t n)
{
	size_t i;
	char c;

	for (i = 0; i < n; i++) {
		c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* lockdown_name_is - is the name [name, name + n) the word (any case) */
static int
lockdown_name_is(const char *name, size_t n, const char *word)
{
	return strlen(word) == n && lockdown_same(name, word, n);
}

/* lockdown_field_error - start an error about field num: field N "..." */
static void
lockdown_field_error(str *err, size_t num, const char *field, size_t n)
{
	str_appendf(err, "field %zu \"", num);
	str_append_printable(err, field, n, LOCKDOWN_SHOW_MAX);
	str_append_c(err, '"');
}

/* lockdown_field - check field num and keep it if known; -1 with err */
static int
lockdown_field(struct lockdown_record *rec, size_t num, const char *field,
    size_t n, str *err)
{
	const char *eq, *value;
	struct lockdown_field *f;
	enum lockdown_field_kind kind;
	size_t i, nlen, vlen;

	/* printable ASCII only; white space cannot be inside a field */
	for (i = 0; i < n; i++)
		if ((unsigned char)field[i] <= 0x20 ||
		    (unsigned char)field[i] >= 0x7f) {
			str_appendf(err, "byte 0x%02x in field %zu \"",
			    (unsigned)(unsigned char)field[i], num);
			str_append_printable(err, field, n, LOCKDOWN_SHOW_MAX);
			str_append_c(err, '"');
			return -1;
		}
	if ((eq = memchr(field, '=', n)) == NULL) {
		lockdown_field_error(err, num, field, n);
		str_append(err, " is not name=value");
		return -1;
	}
	nlen = (size_t)(eq - field);
	value = eq + 1;
	vlen = n - nlen - 1;
	if (nlen == 0) {
		lockdown_field_error(err, num, field, n);
		str_append(err, " has an empty name");
		return -1;
	}
	if (!lockdown_name_ok(field, nlen)) {
		lockdown_field_error(err, num, field, n);
		str_append(err, " has a name that is not letters, digits, "
		    "'-' and '_'");
		return -1;
	}
	if (lockdown_name_is(field, nlen, "v")) {
		lockdown_field_error(err, num, field, n);
		str_append(err, " repeats the version tag v=");
		return -1;
	}
	if (vlen == 0) {
		lockdown_field_error(err, num, field, n);
		str_append(err, " has an empty value");
		return -1;
	}
	if (vlen > LOCKDOWN_MAX_VALUE) {
		lockdown_field_error(err, num, field, n);
		str_appendf(err, " has a value of %zu bytes (at most %d)", vlen,
		    LOCKDOWN_MAX_VALUE);
		return -1;
	}
	if (lockdown_name_is(field, nlen, "auth"))
		kind = LOCKDOWN_AUTH;
	else if (lockdown_name_is(field, nlen, "senderid"))
		kind = LOCKDOWN_SENDERID;
	else if (lockdown_name_is(field, nlen, "sidw"))
		kind = LOCKDOWN_SIDW;
	else {
		rec->unknown++;
		return 0;
	}
	/* rec->v has room for every field counted */
	f = &rec->v[rec->n++];
	f->kind = kind;
	f->value = mem_strndup(value, vlen);
	return 0;
}

/* lockdown_record_parse - check and read one record */
int
lockdown_record_parse(const char *txt, size_t len,
    struct lockdown_record *rec, str *err)
{
	const char *p, *end, *field;
	size_t n, count, num;
	int rc;

	memset(rec, 0, sizeof(*rec));
	str_reset(err);
	if (!lockdown_record_is_ours(txt, len)) {
		str_append(err, "the record does not start with \"v=mc1\" "
		    "and white space or its end");
		return -1;
	}
	end = txt + len;
	count = 0;
	for (p = txt + LOCKDOWN_TAG_LEN; lockdown_next(&p, end, &n) != NULL; )
		count++;
	if (count > LOCKDOWN_MAX_FIELDS) {
		str_appendf(err, "%zu fields (at most %d)", count,
		    LOCKDOWN_MAX_FIELDS);
		return -1;
	}
	if (count > 0)
		rec->v = mem_calloc(count, sizeof(*rec->v));
	rc = 0;
	num = 0;
	for (p = txt + LOCKDOWN_TAG_LEN; rc == 0 &&
	    (field = lockdown_next(&p, end, &n)) != NULL; )
		rc = lockdown_field(rec, ++num, field, n, err);
	if (rc != 0)
		lockdown_record_free(rec);
	return rc;
}

/* lockdown_record_free - release the fields of a record */
void
lockdown_record_free(struct lockdown_record *rec)
{
	size_t i;

	for (i = 0; i < rec->n; i++)
		mem_free(rec->v[i].value);
	mem_free(rec->v);
	memset(rec, 0, sizeof(*rec));
}

/* lockdown_wildcard_match - does pattern ('*' wildcards) match subject */
int
lockdown_wildcard_match(const char *pattern, const char *subject)
{
	const unsigned char *p, *s, *star, *retry;

	/*
	 * Left to right; on a mismatch after a '*', that '*' takes one more
	 * byte and the rest is tried again from there. Only the last '*'
	 * ever needs retrying: whatever an earlier one could take instead,
	 * the last one can take as well. So each retry moves the subject
	 * on, and the walk is at most strlen(pattern) * strlen(subject).
	 */
	p = (const unsigned char *)pattern;
	s = (const unsigned char *)subject;
	star = retry = NULL;
	while (*s != '\0') {
		if (*p == '*') {
			star = ++p;
			retry = s;
		} else if (*p != '\0' && lockdown_lower(*p) ==
		    lockdown_lower(*s)) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star;
			s = ++retry;
		} else
			return 0;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* lockdown_any - does value equal (or as a pattern match) an id */
static int
lockdown_any(const char *value, const char *const *ids, size_t n,
    int pattern)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ids[i] == NULL)
			continue;
		if (pattern ? lockdown_wildcard_match(value, ids[i]) :
		    lockdown_equal(value, ids[i]))
			return 1;
	}
	return 0;
}

/* lockdown_record_match - the first field that allows this sender */
int
lockdown_record_match(const struct lockdown_record *rec,
    const char *const *auth_ids, size_t nauth,
    const char *const *sender_ids, size_t nsid)
{
	const struct lockdown_field *f;
	size_t i;
	int hit;

	for (i = 0; i < rec->n; i++) {
		f = &rec->v[i];
		switch (f->kind) {
		case LOCKDOWN_AUTH:
			hit = lockdown_any(f->value, auth_ids, nauth, 0);
			break;
		case LOCKDOWN_SENDERID:
			hit = lockdown_any(f->value, sender_ids, nsid, 0);
			break;
		case LOCKDOWN_SIDW:
			hit = lockdown_any(f->value, sender_ids, nsid, 1);
			break;
		default:
			hit = 0;
			break;
		}
		if (hit)
			return (int)i;
	}
	return -1;
}
