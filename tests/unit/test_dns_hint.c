/*
 * test_dns_hint - the lookups a domain's mail led to lately: noted one
 * at a time, newest first, each once, the oldest out; set whole, in
 * order, each once, cut at the table's size, n = 0 forgets; keys and
 * names without case; over-long names refused; a key landing on a taken
 * slot replaces its holder; started into a hold, one query each (the
 * resolver's counters say how many were sent), notes of type 0 never.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/deadline.h"
#include "dns/dns.h"
#include "dns/dns_hint.h"
#include "dns/dns_hold.h"
#include "dns/dns_mem.h"

/* expect - the key's hints are exactly these names, in order */
static void
expect(dns_hint *t, const char *key, const char *const *names, size_t n)
{
	struct dns_hint_name v[DNS_HINT_PER_KEY_MAX];
	size_t i, got;

	got = dns_hint_recall(t, key, v, DNS_HINT_PER_KEY_MAX);
	if (got != n)
		fail_msg("%s: %zu hints, want %zu", key, got, n);
	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, names[i]) != 0)
			fail_msg("%s: hint %zu is %s, want %s", key, i,
			    v[i].name, names[i]);
}

static void
test_note(void **state)
{
	static const char *const one[] = { "a.example" };
	static const char *const two[] = { "b.example", "a.example" };
	static const char *const back[] = { "a.example", "b.example" };
	static const char *const three[] = { "c.example", "a.example" };
	struct dns_hint_name v[2];
	char longname[DNS_HINT_NAME_MAX + 1];
	dns_hint *t;

	(void)state;
	t = dns_hint_new(64, 2);
	expect(t, "mail.example", NULL, 0);
	dns_hint_note(t, "Mail.Example", "A.example", DNS_T_TXT);
	expect(t, "mail.EXAMPLE", one, 1);
	dns_hint_note(t, "mail.example", "b.example", DNS_T_TXT);
	expect(t, "mail.example", two, 2);
	dns_hint_note(t, "mail.example", "b.example", DNS_T_TXT); /* again */
	expect(t, "mail.example", two, 2);
	dns_hint_note(t, "mail.example", "a.example", DNS_T_TXT); /* older */
	expect(t, "mail.example", back, 2);
	dns_hint_note(t, "mail.example", "c.example", DNS_T_TXT); /* b out */
	expect(t, "mail.example", three, 2);
	/* the same name with another type is another lookup */
	dns_hint_note(t, "mail.example", "c.example", DNS_T_A);
	assert_int_equal(dns_hint_recall(t, "mail.example", v, 2), 2);
	assert_int_equal(v[0].type, DNS_T_A);
	assert_int_equal(v[1].type, DNS_T_TXT);
	assert_int_equal(dns_hint_recall(t, "mail.example", v, 1), 1);
	/* names that do not fit are refused, as keys */
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	dns_hint_note(t, "long.example", longname, DNS_T_TXT);
	dns_hint_note(t, longname, "a.example", DNS_T_TXT);
	dns_hint_note(t, "", "a.example", DNS_T_TXT);
	expect(t, "long.example", NULL, 0);
	expect(t, longname, NULL, 0);
	dns_hint_reset(t);
	expect(t, "mail.example", NULL, 0);
	dns_hint_free(t);
}

static void
test_set(void **state)
{
	static const char *const chain[] = { "l1.example", "l2.example",
	    "host.example" };
	static const char *const cut[] = { "a0.example", "a1.example",
	    "a2.example", "a3.example" };
	struct dns_hint_name v[DNS_HINT_PER_KEY_MAX + 4];
	dns_hint *t;
	size_t i;

	(void)state;
	t = dns_hint_new(64, 4);
	memset(v, 0, sizeof(v));
	strcpy(v[0].name, "L1.example");
	v[0].type = DNS_T_TXT;
	strcpy(v[1].name, "l2.example");
	v[1].type = DNS_T_TXT;
	strcpy(v[2].name, "l1.EXAMPLE");	/* once */
	v[2].type = DNS_T_TXT;
	strcpy(v[3].name, "host.example");
	v[3].type = DNS_T_A;
	dns_hint_set(t, "spf.example", v, 4);
	expect(t, "spf.example", chain, 3);
	/* replaced whole, cut at the table's 4 */
	for (i = 0; i < 6; i++) {
		snprintf(v[i].name, sizeof(v[i].name), "a%zu.example", i);
		v[i].type = DNS_T_TXT;
	}
	dns_hint_set(t, "spf.example", v, 6);
	expect(t, "spf.example", cut, 4);
	/* a shorter set leaves nothing of the longer one */
	dns_hint_set(t, "spf.example", v, 1);
	expect(t, "spf.example", cut, 1);
	dns_hint_set(t, "spf.example", v, 0);
	expect(t, "spf.example", NULL, 0);
	dns_hint_free(t);

	/* per_key is at most DNS_HINT_PER_KEY_MAX */
	t = dns_hint_new(1, DNS_HINT_PER_KEY_MAX * 2);
	for (i = 0; i < DNS_HINT_PER_KEY_MAX + 4; i++) {
		snprintf(v[i].name, sizeof(v[i].name), "n%zu.example", i);
		v[i].type = DNS_T_TXT;
	}
	dns_hint_set(t, "big.example", v, DNS_HINT_PER_KEY_MAX + 4);
	assert_int_equal(dns_hint_recall(t, "big.example", v,
	    DNS_HINT_PER_KEY_MAX + 4), DNS_HINT_PER_KEY_MAX);
	/* one slot: the next key takes it over */
	dns_hint_note(t, "other.example", "x.example", DNS_T_TXT);
	expect(t, "big.example", NULL, 0);
	assert_int_equal(dns_hint_recall(t, "other.example", v, 4), 1);
	dns_hint_free(t);
}

/* started into a hold: one query per hinted lookup, answered from the
 * hold afterwards with the cache off */
static void
test_start(void **state)
{
	static const struct dns_options no_cache = { NULL, 1000, 1, 0, 0, 0 };
	struct dns_stats st;
	dns_resolver *r;
	dns_answer *a;
	dns_hint *t;
	dns_hold *h;
	dns_mem *m;

	(void)state;
	m = dns_mem_create();
	dns_mem_add_txt(m, "l1.example", DNS_T_TXT, "v=spf1 -all", 11);
	r = dns_resolver_create_mem(m, &no_cache);
	t = dns_hint_new(64, 4);
	h = dns_hold_new(r);
	assert_int_equal(dns_hint_start(t, "spf.example", h), 0);
	dns_hint_note(t, "spf.example", "l2.example", DNS_T_A);
	dns_hint_note(t, "spf.example", "l1.example", DNS_T_TXT);
	/* a note of type 0 is recalled, never started */
	dns_hint_note(t, "spf.example", "#learnt-from", 0);
	assert_int_equal(dns_hint_start(t, "SPF.example", h), 2);
	assert_int_equal(dns_hint_start(t, "spf.example", NULL), 0);
	dns_resolver_stats(r, &st);
	assert_int_equal(st.sent, 2);
	a = dns_hold_lookup(h, r, "l1.example", DNS_T_TXT, deadline_in(1000));
	assert_int_equal(a->status, DNS_OK);
	dns_answer_unref(a);
	dns_resolver_stats(r, &st);
	assert_int_equal(st.sent, 2);
	dns_hold_free(h);
	dns_hint_free(t);
	dns_resolver_unref(r);
	dns_mem_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_note),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
