/*
 * linefile - line-oriented list files; see linefile.h.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/linefile.h"
#include "util/str.h"

#define LINEFILE_EOF		(-1)
#define LINEFILE_TOO_LONG	(-2)
#define LINEFILE_BINARY		(-3)

/* linefile_get - one line without its newline, NUL-terminated: its
 * length, or LINEFILE_EOF, LINEFILE_TOO_LONG (the rest of the line is
 * skipped) or LINEFILE_BINARY (a NUL byte in it) */
static long
linefile_get(FILE *f, char *buf, size_t size)
{
	size_t n;
	int c, nul;

	n = 0;
	nul = 0;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (c == '\0')
			nul = 1;
		if (n + 1 < size)
			buf[n] = (char)c;
		n++;
	}
	if (c == EOF && n == 0)
		return LINEFILE_EOF;
	if (n + 1 > size)
		return LINEFILE_TOO_LONG;
	buf[n] = '\0';
	return nul ? LINEFILE_BINARY : (long)n;
}

/* linefile_entry - split one line into key and rest and hand it on;
 * 0 for a blank line */
static int
linefile_entry(char *line, linefile_fn fn, void *arg, str *why)
{
	char *w, *we, *rest, *end;

	if ((end = strchr(line, '#')) != NULL)
		*end = '\0';
	for (w = line; *w != '\0' && strchr(" \t\r\n", *w) != NULL; w++)
		;
	for (we = w; *we != '\0' && strchr(" \t\r\n", *we) == NULL; we++)
		;
	if (we == w)
		return 0;
	for (rest = we; *rest != '\0' && strchr(" \t\r\n", *rest) != NULL;
	    rest++)
		;
	for (end = rest + strlen(rest); end > rest &&
	    strchr(" \t\r\n", end[-1]) != NULL; end--)
		;
	*end = '\0';
	return fn(w, (size_t)(we - w), rest, arg, why);
}

/* linefile_read - every entry of a file to fn; errors name file:line */
int
linefile_read(const char *path, linefile_fn fn, void *arg, str *err)
{
	char buf[LINEFILE_LINE_MAX + 1];
	FILE *f;
	str why;
	long line, len;
	int rc;

	if ((f = fopen(path, "r")) == NULL) {
		str_reset(err);
		str_appendf(err, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	str_init(&why);
	line = 0;
	rc = 0;
	while (rc == 0 && (len = linefile_get(f, buf, sizeof(buf))) !=
	    LINEFILE_EOF) {
		line++;
		str_reset(&why);
		if (len == LINEFILE_TOO_LONG)
			str_appendf(&why, "line longer than %d bytes",
			    LINEFILE_LINE_MAX);
		else if (len == LINEFILE_BINARY)
			str_append(&why, "NUL byte (not a text file?)");
		else if (linefile_entry(buf, fn, arg, &why) == 0)
			continue;
		str_reset(err);
		str_appendf(err, "%s:%ld: %s", path, line, str_cstr(&why));
		rc = -1;
	}
	if (rc == 0 && ferror(f)) {
		str_reset(err);
		str_appendf(err, "%s: read error: %s", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	str_free(&why);
	return rc;
}
