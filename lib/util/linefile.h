/*
 * linefile - the text files an admin keeps beside the config (network
 * lists, login and owner maps): one entry per line, "key [rest ...]",
 * '#' starts a comment, blank lines are ignored. Every reader shares
 * this loop, so every file reports its errors the same way.
 *
 *	linefile_read(path, fn, arg, err) - call fn(key, keylen, rest, arg,
 *		why) for each entry: key is the first word (not
 *		NUL-terminated), rest the rest of the line without the white
 *		space around it ("" if none). fn returns 0, or -1 with why
 *		saying what is wrong with the line. A line longer than
 *		LINEFILE_LINE_MAX bytes, a NUL byte, a file that cannot be
 *		read and fn's -1 end the reading: -1, err "path:line: why"
 *		(or "path: why"). 0 when every line was taken.
 */
#ifndef AUTHGATE_LINEFILE_H
#define AUTHGATE_LINEFILE_H

#include <stddef.h>

#include "util/str.h"

#define LINEFILE_LINE_MAX	4096

typedef int (*linefile_fn)(const char *, size_t, const char *, void *,
		    str *);

int	linefile_read(const char *, linefile_fn, void *, str *);

#endif
