/*
 * fuzz_dmarc_record - DMARC records in both modes (RFC 9989 and 7489).
 */
#include "config.h"

#include "util/str.h"
#include "dmarc/dmarc_record.h"
#include "fuzz.h"

/* LLVMFuzzerTestOneInput - one record */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmarc_record rec;
	str err;

	str_init(&err);
	(void)dmarc_record_parse((const char *)data, size, DMARC_RFC9989, &rec,
	    &err);
	str_reset(&err);
	(void)dmarc_record_parse((const char *)data, size, DMARC_RFC7489, &rec,
	    &err);
	str_free(&err);
	return 0;
}
