/*
 * fuzz - what the libFuzzer targets share (built with --enable-fuzzing,
 * run by tests/fuzz/run.sh).
 *
 *	fuzz_quiet() - no log lines: the parsers log what they refuse.
 *	fuzz_cstring(data, size) - the input as a NUL-terminated string
 *		(mem_free it); inner NULs stay and end it early.
 *	fuzz_zone(mem) - the in-memory DNS data the targets that resolve
 *		share: SPF and DMARC records of fuzz.example, the test DKIM
 *		keys (tests/keys) under example.com, reverse DNS of
 *		192.0.2.1.
 *	fuzz_resolver(mem) - a resolver over mem without a cache, so one
 *		input never changes what the next one sees.
 */
#ifndef AUTHGATE_FUZZ_H
#define AUTHGATE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"
#include "dns/dns_mem.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
void	 fuzz_quiet(void);
char	*fuzz_cstring(const uint8_t *, size_t);
void	 fuzz_zone(dns_mem *);
dns_resolver *fuzz_resolver(dns_mem *);

#endif
