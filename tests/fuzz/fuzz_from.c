/*
 * fuzz_from - From: field values (RFC 5322 address lists, obsolete
 * syntax, encoded words, groups) as the DMARC check reads them.
 */
#include "config.h"

#include "util/str.h"
#include "mail/from_header.h"
#include "fuzz.h"

/* LLVMFuzzerTestOneInput - one field value */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct from_list from;
	str err;

	str_init(&err);
	if (from_header_parse((const char *)data, size, &from, &err) == 0) {
		(void)from_list_domain(&from);
		from_list_clear(&from);
	}
	str_free(&err);
	return 0;
}
