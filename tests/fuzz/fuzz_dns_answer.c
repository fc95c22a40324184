/*
 * fuzz_dns_answer - DNS replies from a hostile server: the first byte
 * picks the type asked, the rest is the reply. A usable answer goes on to
 * the SPF and DMARC record selection and parsing, and back to wire form
 * (libopendkim's view), which must parse to the same answer.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "dns/dns.h"
#include "spf/spf_record.h"
#include "dmarc/dmarc_record.h"
#include "fuzz.h"

static const int types[] = {
	DNS_T_A, DNS_T_AAAA, DNS_T_TXT, DNS_T_MX, DNS_T_PTR, DNS_T_CNAME,
	DNS_T_NS, DNS_T_SPF
};

/* records - the SPF and DMARC views of a TXT answer */
static void
records(const dns_answer *a)
{
	struct spf_record spf;
	struct dmarc_record dm;
	const char *text;
	size_t len;
	str err;

	str_init(&err);
	if (spf_record_select(a, &text, &len, &err) == 0 &&
	    spf_record_parse(text, len, &spf, &err) == 0)
		spf_record_free(&spf);
	str_reset(&err);
	if (dmarc_record_select(a, &text, &len) == 0) {
		(void)dmarc_record_parse(text, len, DMARC_RFC9989, &dm, &err);
		str_reset(&err);
		(void)dmarc_record_parse(text, len, DMARC_RFC7489, &dm, &err);
	}
	str_free(&err);
}

/* LLVMFuzzerTestOneInput - one reply */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *qname = "q.fuzz.example";
	unsigned char wire[65536];
	dns_answer *a, *b;
	int type;
	long n;

	if (size < 1)
		return 0;
	type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	a = dns_answer_parse(qname, type, data + 1, size - 1);
	if (a->status == DNS_OK && (type == DNS_T_TXT || type == DNS_T_SPF))
		records(a);
	n = dns_answer_wire(a, qname, type, wire, sizeof(wire));
	if (n > 0) {
		b = dns_answer_parse(qname, type, wire, (size_t)n);
		if (b->status != a->status || b->count != a->count)
			abort();	/* the round trip must hold */
		dns_answer_unref(b);
	}
	dns_answer_unref(a);
	return 0;
}
