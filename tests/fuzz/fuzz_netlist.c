/*
 * fuzz_netlist - network lists (trusted_networks, ip_lists, list files)
 * and reply templates: the input up to its first NUL is a network list,
 * looked up for a few addresses; the rest a template, checked and then
 * expanded with hostile values.
 */
#include "config.h"

#include <string.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/netlist.h"
#include "util/str.h"
#include "util/template.h"
#include "fuzz.h"

static const char *const macros[] = {
	"ip", "helo", "sender", "domain", "url", "txt", NULL
};

/* LLVMFuzzerTestOneInput - one list and one template */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const probes[] = {
		"192.0.2.1", "10.1.2.3", "2001:db8::1", "::ffff:192.0.2.1",
		"0.0.0.0", "::"
	};
	struct template_var vars[6] = {
		{ "ip", "192.0.2.1" }, { "helo", "x%{ip}\r\n" },
		{ "sender", "a@b" }, { "domain", "%%%" }, { "url", NULL },
		{ "txt", "\x01\x7f\xff" }
	};
	const uint8_t *nul;
	char *list, *tmpl;
	netlist nets;
	ipaddr ip;
	size_t i;
	str err, out;

	nul = memchr(data, '\0', size);
	list = fuzz_cstring(data, nul != NULL ? (size_t)(nul - data) : size);
	tmpl = nul != NULL ? fuzz_cstring(nul + 1, size - (size_t)(nul -
	    data) - 1) : NULL;
	str_init(&err);
	str_init(&out);
	if (netlist_parse(list, &nets, &err) == 0) {
		for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
			if (ipaddr_parse(probes[i], &ip) == 0)
				(void)netlist_match(&nets, &ip);
		netlist_free(&nets);
	}
	if (tmpl != NULL && template_check(tmpl, macros, &err) == 0)
		template_expand(tmpl, vars, 6, &out);
	str_free(&err);
	str_free(&out);
	mem_free(list);
	mem_free(tmpl);
	return 0;
}
