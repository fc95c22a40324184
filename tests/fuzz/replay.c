/*
 * replay - the main of the fuzz targets when they are not built for
 * libFuzzer: run the target once on each file named (a directory: on
 * each file in it), so the seed corpora and every crash input ever found
 * are replayed by make check under every sanitizer build.
 *
 * usage: fuzz_TARGET FILE|DIR...; prints how many inputs ran.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"


/* replay_file - one input */
static int
replay_file(const char *path)
{
	unsigned char *buf;
	size_t n, cap;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return -1;
	}
	cap = 1 << 16;
	buf = malloc(cap);
	n = 0;
	while (buf != NULL && !feof(f)) {
		if (n == cap && (buf = realloc(buf, cap *= 2)) == NULL)
			break;
		n += fread(buf + n, 1, cap - n, f);
		if (ferror(f))
			break;
	}
	fclose(f);
	if (buf == NULL)
		abort();
	/* a copy of exactly n bytes, so that ASan sees any read past it */
	{
		unsigned char *exact = malloc(n > 0 ? n : 1);

		memcpy(exact, buf, n);
		free(buf);
		(void)LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	return 0;
}

/* replay_path - a file, or each file of a directory */
static int
replay_path(const char *path, unsigned *count)
{
	struct dirent *de;
	struct stat st;
	char sub[4096];
	DIR *d;

	if (stat(path, &st) != 0)
		return 0;		/* no such corpus: nothing to replay */
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (replay_path(sub, count) != 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned count = 0;
	int i;

	for (i = 1; i < argc; i++)
		if (replay_path(argv[i], &count) != 0)
			return 1;
	printf("%s: %u inputs replayed\n", argv[0], count);
	return 0;
}
