/*
 * fuzz_config - the config loader on hostile files: libconfuse's parser
 * under our comment stripping, every validator, the section builders and
 * the overrides. Each input is written to a file of this process and
 * loaded as authgate -c would; a config that loads is freed again.
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "util/str.h"
#include "config/conf.h"
#include "fuzz.h"

/* LLVMFuzzerTestOneInput - one config file */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct conf *c;
	FILE *f;
	str err;

	if (path[0] == '\0') {
		fuzz_quiet();
		snprintf(path, sizeof(path), "/tmp/authgate-fuzz-conf.%ld",
		    (long)getpid());
	}
	if (size > 16384 || (f = fopen(path, "w")) == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	str_init(&err);
	if (conf_load(path, 1, &c, &err) == 0)
		conf_free(c);
	str_free(&err);
	unlink(path);
	return 0;
}
