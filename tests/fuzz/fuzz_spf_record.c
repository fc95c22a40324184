/*
 * fuzz_spf_record - SPF records and macro strings: the section 12 parser,
 * the macro-string check (domain-spec and explain-string) and, for a
 * valid macro string, its expansion with a full environment.
 */
#include "config.h"

#include "util/ipaddr.h"
#include "util/str.h"
#include "spf/spf_macro.h"
#include "spf/spf_record.h"
#include "fuzz.h"

/* validated - %{p}: a fixed name, no DNS */
static const char *
validated(void *arg, const char *domain)
{
	(void)arg;
	(void)domain;
	return "mail.fuzz.example";
}

/* LLVMFuzzerTestOneInput - one record, and the same bytes as a macro */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spf_macro_env env;
	struct spf_record rec;
	const char *s = (const char *)data;
	ipaddr ip;
	int mode;
	str out;

	str_init(&out);
	if (spf_record_parse(s, size, &rec, &out) == 0)
		spf_record_free(&rec);
	(void)spf_domain_spec_valid(s, size);
	(void)ipaddr_parse(size > 0 && (data[0] & 1) ? "2001:db8::1" :
	    "192.0.2.1", &ip);
	env.sender = "user.name@fuzz.example";
	env.local = "user.name";
	env.sender_domain = "fuzz.example";
	env.domain = "sub.fuzz.example";
	env.ip = &ip;
	env.helo = "mail.fuzz.example";
	env.receiver = "mx.authgate.test";
	env.now = 1700000000;
	env.validated = validated;
	env.arg = NULL;
	for (mode = 0; mode < 2; mode++)
		if (spf_record_macro_valid(s, size, mode)) {
			str_reset(&out);
			spf_macro_expand(s, size, &env, mode ?
			    SPF_EXPAND_EXPLAIN : SPF_EXPAND_DOMAIN, &out);
		}
	str_free(&out);
	return 0;
}
