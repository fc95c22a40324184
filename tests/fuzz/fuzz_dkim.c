/*
 * fuzz_dkim - whole messages through the DKIM verifier: the header block
 * split into fields as the MTA would hand them over (folding kept), the
 * body in chunks, with the test keys (RSA 1024/2048, ed25519) served
 * from memory under example.com. DKIM-Signature fields, key records the
 * signatures point at and bodies are all the input's.
 */
#include "config.h"

#include <string.h>

#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "dkim/dkim.h"
#include "fuzz.h"

static dkim_engine *engine;
static dns_resolver *res;

/* header_block - feed the fields of the header; the body's offset */
static size_t
header_block(dkim_verifier *v, const char *s, size_t n)
{
	size_t i, start, colon;
	str name;

	str_init(&name);
	for (start = 0; start < n; ) {
		/* the field runs to a line end not followed by white space */
		for (i = start; i < n; i++)
			if (s[i] == '\n' && (i + 1 >= n || (s[i + 1] != ' ' &&
			    s[i + 1] != '\t')))
				break;
		if (i == start || (i == start + 1 && s[start] == '\r')) {
			str_free(&name);
			return i + 1;		/* the empty line */
		}
		for (colon = start; colon < i && s[colon] != ':'; colon++)
			;
		if (colon < i) {
			str_reset(&name);
			str_append_n(&name, s + start, colon - start);
			(void)dkim_verifier_header(v, str_cstr(&name), s + colon +
			    1, (i > colon + 1 && s[i - 1] == '\r' ? i - 1 : i) -
			    colon - 1);
		}
		start = i + 1;
	}
	str_free(&name);
	return n;
}

/* LLVMFuzzerTestOneInput - one message */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dkim_options o = { 1024, 0, 5, 1000 };
	struct dkim_results out;
	dkim_verifier *v;
	dns_mem *m;
	size_t body, off, chunk;
	str err;

	if (engine == NULL) {
		fuzz_quiet();
		str_init(&err);
		engine = dkim_engine_create(&o, &err);
		str_free(&err);
		m = dns_mem_create();
		fuzz_zone(m);
		res = fuzz_resolver(m);
	}
	if (size > 100000)
		return 0;
	v = dkim_verifier_new(engine, res);
	dkim_verifier_from(v, "example.com");
	body = header_block(v, (const char *)data, size);
	for (off = body; off < size; off += chunk) {
		chunk = size - off < 997 ? size - off : 997;
		if (!dkim_verifier_body(v, data + off, chunk))
			break;
	}
	memset(&out, 0, sizeof(out));
	dkim_verifier_end(v, &out);
	(void)dkim_message_result(&out);
	dkim_results_clear(&out);
	dkim_verifier_free(v);
	return 0;
}
