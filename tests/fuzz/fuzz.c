/*
 * fuzz - the fuzz targets' shared helpers; see fuzz.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "fuzz.h"

/* fuzz_drop - a log hook that keeps nothing */
static void
fuzz_drop(int level, const char *line)
{
	(void)level;
	(void)line;
}

/* fuzz_quiet - no log lines at all */
void
fuzz_quiet(void)
{
	log_open("fuzz", 1, LOG_MAIL);
	log_set_level(LOG_EMERG);
	log_set_hook(fuzz_drop);
}

/* fuzz_cstring - the input as a C string */
char *
fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s;

	s = mem_alloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* fuzz_key - a test key's TXT record from tests/keys */
static void
fuzz_key(dns_mem *m, const char *name, const char *file)
{
	char path[1024], buf[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/keys/%s", TOP_SRCDIR, file);
	if ((f = fopen(path, "r")) == NULL)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	dns_mem_add_txt(m, name, DNS_T_TXT, buf, n);
}

/* fuzz_zone - the shared DNS data */
void
fuzz_zone(dns_mem *m)
{
	static const char *const recs[][3] = {
		{ "fuzz.example", "TXT", "v=spf1 ip4:192.0.2.0/24 "
		    "include:inc.fuzz.example -all" },
		{ "inc.fuzz.example", "TXT", "v=spf1 a mx exists:%{i}.e."
		    "fuzz.example ~all" },
		{ "inc.fuzz.example", "A", "192.0.2.9" },
		{ "inc.fuzz.example", "MX", "10 mx.fuzz.example" },
		{ "mx.fuzz.example", "A", "192.0.2.8" },
		{ "_dmarc.fuzz.example", "TXT", "v=DMARC1; p=reject; "
		    "rua=mailto:d@fuzz.example" },
		{ "example.com", "TXT", "v=spf1 ip4:192.0.2.1 -all" },
		{ "_dmarc.example.com", "TXT", "v=DMARC1; p=quarantine; "
		    "adkim=s" },
		{ "1.2.0.192.in-addr.arpa", "PTR", "mail.fuzz.example" },
		{ "mail.fuzz.example", "A", "192.0.2.1" },
	};
	size_t i;
	str err;

	str_init(&err);
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		int type = strcmp(recs[i][1], "TXT") == 0 ? DNS_T_TXT :
		    strcmp(recs[i][1], "A") == 0 ? DNS_T_A :
		    strcmp(recs[i][1], "MX") == 0 ? DNS_T_MX : DNS_T_PTR;

		if (dns_mem_add(m, recs[i][0], type, recs[i][2], &err) != 0)
			abort();
	}
	str_free(&err);
	fuzz_key(m, "s2048._domainkey.example.com", "rsa2048.txt");
	fuzz_key(m, "s1024._domainkey.example.com", "rsa1024.txt");
	fuzz_key(m, "ed._domainkey.example.com", "ed25519.txt");
}

/* fuzz_resolver - an uncached resolver over in-memory zones */
dns_resolver *
fuzz_resolver(dns_mem *m)
{
	struct dns_options o;

	memset(&o, 0, sizeof(o));
	o.timeout_ms = 1000;
	o.tries = 1;
	o.cache_size = 0;
	return dns_resolver_create_mem(m, &o);
}
