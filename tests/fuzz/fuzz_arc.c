/*
 * fuzz_arc - the ARC fields of a message and the form of their chain:
 * the input is header fields, one per line ("Name: value"; a line
 * starting with white space continues the value), fed to arc_chain as a
 * milter would, then the chain's form asked for.
 */
#include "config.h"

#include <string.h>

#include "util/mem.h"
#include "util/str.h"
#include "arc/arc_chain.h"
#include "fuzz.h"

/* LLVMFuzzerTestOneInput - one header */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arc_chain c;
	char *text, *line, *next, *colon;
	str name, value, why;

	fuzz_quiet();
	text = fuzz_cstring(data, size);
	arc_chain_init(&c);
	str_init(&name);
	str_init(&value);
	str_init(&why);
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((line[0] == ' ' || line[0] == '\t') && name.len > 0) {
			str_append_c(&value, '\n');
			str_append(&value, line);
			continue;
		}
		if (name.len > 0)
			(void)arc_chain_field(&c, str_cstr(&name),
			    str_cstr(&value));
		str_reset(&name);
		str_reset(&value);
		if ((colon = strchr(line, ':')) != NULL) {
			str_append_n(&name, line, (size_t)(colon - line));
			str_append(&value, colon + 1);
		}
	}
	if (name.len > 0)
		(void)arc_chain_field(&c, str_cstr(&name), str_cstr(&value));
	(void)arc_chain_form(&c, &why);
	arc_chain_clear(&c);
	str_free(&name);
	str_free(&value);
	str_free(&why);
	mem_free(text);
	return 0;
}
