/*
 * fuzz_arc - a message's ARC chain: the input is header fields, one per
 * line ("Name: value"; a line starting with white space continues the
 * value), then after an empty line the body. The fields go to arc_chain
 * (the form) and to the ARC verifier as a milter would feed them, the
 * body to the verifier, and the chain is validated against the shared
 * fuzz zone (the test keys under example.com); the whole input is also
 * read as a key record and a tag list.
 */
#include "config.h"

#include <string.h>
#include <openssl/evp.h>

#include "util/deadline.h"
#include "util/mem.h"
#include "util/str.h"
#include "arc/arc_chain.h"
#include "arc/arc_key.h"
#include "arc/arc_tags.h"
#include "arc/arc_verify.h"
#include "fuzz.h"

static dns_resolver *res;

/* fuzz_field - one complete header field to both */
static void
fuzz_field(struct arc_chain *c, arc_verifier *v, const str *name,
    const str *value)
{
	if (name->len == 0)
		return;
	(void)arc_chain_field(c, str_cstr(name), str_cstr(value));
	arc_verifier_header(v, str_cstr(name), str_cstr(value), value->len);
}

/* LLVMFuzzerTestOneInput - one message */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arc_chain c;
	struct arc_result r;
	struct arc_tags t;
	arc_verifier *v;
	EVP_PKEY *key;
	char *text, *line, *next, *colon;
	str name, value, why;

	fuzz_quiet();
	if (size > 200000)
		return 0;
	if (res == NULL) {
		dns_mem *m = dns_mem_create();

		fuzz_zone(m);
		res = fuzz_resolver(m);
	}
	text = fuzz_cstring(data, size);
	arc_chain_init(&c);
	v = arc_verifier_new(res, 1);
	str_init(&name);
	str_init(&value);
	str_init(&why);
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((line[0] == ' ' || line[0] == '\t') && name.len > 0) {
			str_append_c(&value, '\n');
			str_append(&value, line);
			continue;
		}
		fuzz_field(&c, v, &name, &value);
		str_reset(&name);
		str_reset(&value);
		if (line[0] == '\0' || line[0] == '\r') {
			/* the body: the rest, with CRLF line ends */
			str_reset(&value);
			for (; next != NULL && *next != '\0'; next++) {
				if (*next == '\n')
					str_append_c(&value, '\r');
				str_append_c(&value, *next);
			}
			if (value.len > 0)
				(void)arc_verifier_body(v,
				    (const unsigned char *)value.buf,
				    value.len);
			break;
		}
		if ((colon = strchr(line, ':')) != NULL) {
			str_append_n(&name, line, (size_t)(colon - line));
			str_append(&value, colon + 1);
		}
	}
	if (line == NULL)
		fuzz_field(&c, v, &name, &value);
	(void)arc_chain_form(&c, &why);
	arc_verifier_end(v, deadline_in(100), &r);
	arc_verifier_free(v);
	arc_chain_clear(&c);
	str_reset(&why);
	if (arc_key_parse((const char *)data, size, &key, &why) == 0)
		EVP_PKEY_free(key);
	(void)arc_tags_parse(&t, text, &why);
	arc_tags_free(&t);
	str_free(&name);
	str_free(&value);
	str_free(&why);
	mem_free(text);
	return 0;
}
