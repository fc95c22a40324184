/*
 * fuzz_authres - Authentication-Results field values: the parser (the
 * first byte: strict or relaxed) and the authserv-id reader that decides
 * which fields are forgeries of ours.
 */
#include "config.h"

#include "util/str.h"
#include "mail/authres.h"
#include "fuzz.h"

/* LLVMFuzzerTestOneInput - one field value */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct authres_parsed ar;
	str err;

	if (size < 1)
		return 0;
	str_init(&err);
	if (authres_parse((const char *)data + 1, size - 1, data[0] & 1, &ar,
	    &err) == 0)
		authres_parsed_free(&ar);
	str_reset(&err);
	(void)authres_authserv_id((const char *)data + 1, size - 1, &err);
	str_free(&err);
	return 0;
}
