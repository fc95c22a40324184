/*
 * harness - shared conformance suite bookkeeping; see harness.h.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "util/str.h"

static str known;		/* <name>-known-failures.txt */
static str ratchet;		/* <name>-ratchet.txt */
static int verbose;

/* read_file - a whole small file, "" if missing */
static void
read_file(const char *path, str *out)
{
	char buf[4096];
	size_t n;
	FILE *f;

	str_append(out, "");
	if ((f = fopen(path, "r")) == NULL)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		str_append_n(out, buf, n);
	fclose(f);
}

/* harness_begin - read the ratchet and the known failures */
int
harness_begin(const char *name, const char *probe)
{
	char path[1024], env[64];
	const char *req;
	size_t i;

	if (access(probe, R_OK) != 0) {
		printf("conformance data not found: %s\n", probe);
		req = getenv("AUTHGATE_REQUIRE_ALL_TESTS");
		return req != NULL && strcmp(req, "1") == 0 ? -1 : 77;
	}
	str_init(&known);
	str_init(&ratchet);
	snprintf(path, sizeof(path), "%s/tests/conformance/%s-known-failures.txt",
	    TOP_SRCDIR, name);
	read_file(path, &known);
	snprintf(path, sizeof(path), "%s/tests/conformance/%s-ratchet.txt",
	    TOP_SRCDIR, name);
	read_file(path, &ratchet);
	for (i = 0; name[i] != '\0' && i + 9 < sizeof(env); i++)
		env[i] = (char)toupper((unsigned char)name[i]);
	strcpy(env + i, "_VERBOSE");
	verbose = getenv(env) != NULL;
	return 0;
}

/* harness_suite - start a suite */
void
harness_suite(struct harness_suite *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	printf("%s:\n", name);
}

/* known_reason - the recorded explanation of a failure, or NULL */
static const char *
known_reason(const char *suite, const char *test, str *out)
{
	const char *p, *end;
	str key;

	str_init(&key);
	str_appendf(&key, "%s %s: ", suite, test);
	for (p = str_cstr(&known); p != NULL && *p != '\0'; p = end) {
		end = strchr(p, '\n');
		if (end != NULL)
			end++;
		if (strncmp(p, key.buf, key.len) == 0) {
			str_reset(out);
			str_append_n(out, p + key.len, (end != NULL ?
			    (size_t)(end - p) - 1 : strlen(p)) - key.len);
			str_free(&key);
			return str_cstr(out);
		}
	}
	str_free(&key);
	return NULL;
}

/* harness_result - count and report one test */
void
harness_result(struct harness_suite *s, const char *test, int ok,
    const char *expected, const char *actual)
{
	const char *why;
	str reason;

	s->total++;
	if (ok) {
		s->pass++;
		if (verbose)
			printf("  ok %s: expected %s, got %s\n", test, expected,
			    actual);
		return;
	}
	printf("  FAIL %s: expected %s, got %s\n", test, expected, actual);
	str_init(&reason);
	if ((why = known_reason(s->name, test, &reason)) != NULL)
		printf("       known: %s\n", why);
	else {
		printf("       UNEXPLAINED\n");
		s->unexplained++;
	}
	str_free(&reason);
}

/* ratchet_of - the recorded minimum for a suite */
static int
ratchet_of(const char *name)
{
	const char *p;
	size_t n;

	n = strlen(name);
	for (p = str_cstr(&ratchet); p != NULL && *p != '\0'; ) {
		if (strncmp(p, name, n) == 0 && p[n] == ' ')
			return atoi(p + n + 1);
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return 0;
}

/* harness_end_suite - the count line and the verdict of one suite */
int
harness_end_suite(struct harness_suite *s)
{
	int min, rc;

	min = ratchet_of(s->name);
	printf("%s: %d/%d (recorded minimum %d)\n", s->name, s->pass,
	    s->total, min);
	rc = 0;
	if (s->pass < min) {
		printf("%s: FEWER PASSES THAN RECORDED\n", s->name);
		rc = 1;
	}
	if (s->unexplained > 0) {
		printf("%s: %d failures without a recorded explanation\n",
		    s->name, s->unexplained);
		rc = 1;
	}
	return rc;
}

/* harness_end - release the files */
void
harness_end(void)
{
	str_free(&known);
	str_free(&ratchet);
}

/* harness_fields - the header fields of a message, one call each */
const char *
harness_fields(const char *msg, size_t len,
    void (*field)(void *, const char *, const char *, size_t), void *arg)
{
	const char *p, *end, *line_end, *colon;
	str name, value;

	str_init(&name);
	str_init(&value);
	end = msg + len;
	for (p = msg; p < end; ) {
		if (*p == '\n' || (p + 1 < end && p[0] == '\r' && p[1] == '\n')) {
			p += *p == '\n' ? 1 : 2;	/* the empty line */
			break;
		}
		/* one field: this line and its continuation lines */
		for (line_end = p; ; line_end++) {
			while (line_end < end && *line_end != '\n')
				line_end++;
			if (!(line_end + 1 < end && (line_end[1] == ' ' ||
			    line_end[1] == '\t')))
				break;
		}
		colon = memchr(p, ':', (size_t)(line_end - p));
		if (colon != NULL) {
			str_reset(&name);
			str_append_n(&name, p, (size_t)(colon - p));
			str_reset(&value);
			str_append(&value, "");
			str_append_n(&value, colon + 1, (size_t)(line_end -
			    colon - 1 - (line_end[-1] == '\r')));
			field(arg, str_cstr(&name), str_cstr(&value),
			    value.len);
		}
		p = line_end < end ? line_end + 1 : end;
	}
	str_free(&name);
	str_free(&value);
	return p < end ? p : end;
}
