/*
 * fuzz_smtp_addr - MAIL FROM / RCPT TO arguments as the MTA hands them
 * on, and the domain checks behind them (SPF's and the resolver's).
 */
#include "config.h"

#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "mail/smtp_addr.h"
#include "fuzz.h"

/* LLVMFuzzerTestOneInput - one argument */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtp_addr addr;
	const char *why;
	char *s;
	str norm;

	s = fuzz_cstring(data, size);
	str_init(&norm);
	(void)smtp_addr_parse(s, &addr);
	if (addr.domain != NULL) {
		(void)smtp_is_domain(addr.domain);
		(void)dns_name_normalize(addr.domain, &norm, &why);
	}
	(void)smtp_is_domain(s);
	smtp_addr_clear(&addr);
	str_free(&norm);
	mem_free(s);
	return 0;
}
