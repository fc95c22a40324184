/*
 * fuzz_spf_check - a whole SPF evaluation over hostile DNS data: the
 * first line of the input is the SPF record of fuzz.example, each further
 * line "name TEXT" a TXT record (names under fuzz.example), so includes,
 * redirects, macros, exists: and the limits of RFC 7208 4.6.4 all run
 * through our rewriting and libspf2, answered from memory. MAIL FROM and
 * HELO are both checked, over IPv4 and IPv6.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "mail/smtp_addr.h"
#include "spf/spf.h"
#include "fuzz.h"

static spf_engine *engine;

/* zone - the records the input holds */
static void
zone(dns_mem *m, const char *s, size_t n)
{
	const char *line, *end, *sp;
	char name[300];
	size_t len;
	int first = 1;

	for (line = s; line < s + n; line = end + 1) {
		if ((end = memchr(line, '\n', (size_t)(s + n - line))) == NULL)
			end = s + n;
		len = (size_t)(end - line);
		if (first) {
			dns_mem_add_txt(m, "fuzz.example", DNS_T_TXT, line, len);
			first = 0;
		} else if ((sp = memchr(line, ' ', len)) != NULL &&
		    (size_t)(sp - line) < 200) {
			memcpy(name, line, (size_t)(sp - line));
			strcpy(name + (sp - line), ".fuzz.example");
			dns_mem_add_txt(m, name, DNS_T_TXT, sp + 1,
			    (size_t)(end - sp - 1));
		}
		if (end == s + n)
			break;
	}
}

/* LLVMFuzzerTestOneInput - one set of records */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spf_outcome out;
	struct smtp_addr sender;
	dns_resolver *res;
	dns_mem *m;
	ipaddr ip4, ip6;

	if (engine == NULL) {
		fuzz_quiet();
		engine = spf_engine_create("mx.authgate.test");
	}
	if (size > 20000)
		return 0;
	m = dns_mem_create();
	zone(m, (const char *)data, size);
	res = fuzz_resolver(m);
	(void)ipaddr_parse("192.0.2.1", &ip4);
	(void)ipaddr_parse("2001:db8::1", &ip6);
	(void)smtp_addr_parse("<user.name@fuzz.example>", &sender);
	memset(&out, 0, sizeof(out));
	(void)spf_check_mailfrom(engine, res, &ip4, "fuzz.example", &sender,
	    INT64_MAX, 0, &out);
	spf_outcome_clear(&out);
	(void)spf_check_mailfrom(engine, res, &ip6, "fuzz.example", &sender,
	    INT64_MAX, 0, &out);
	spf_outcome_clear(&out);
	(void)spf_check_helo(engine, res, &ip4, "fuzz.example", INT64_MAX, 0,
	    &out);
	spf_outcome_clear(&out);
	smtp_addr_clear(&sender);
	dns_resolver_unref(res);
	dns_mem_free(m);
	return 0;
}
