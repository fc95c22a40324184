/*
 * test_dns_hold - lookups held for the stage that needs them: with the
 * cache off (cache_size = 0) a held lookup is sent once and answers every
 * ask of the transaction; a name not held is looked up as usual; a
 * handle taken over is the caller's; names match in any case and with a
 * final dot; a temporary failure is not kept; at most DNS_HOLD_MAX are
 * held. The counters of the resolver say how many queries were sent.
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
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_hold.h"
#include "dns/dns_mem.h"

/* no cache: only the hold can save a lookup */
static const struct dns_options no_cache = { NULL, 1000, 1, 0, 0, 0 };

/* sent - queries the resolver handed to its backend so far */
static unsigned long
sent(dns_resolver *r)
{
	struct dns_stats st;

	dns_resolver_stats(r, &st);
	return st.sent;
}

static void
test_hold(void **state)
{
	dns_resolver *r;
	dns_hold *h;
	dns_answer *a;
	dns_query *q;
	dns_mem *m;
	str name;
	unsigned i;
	unsigned long before;

	(void)state;
	m = dns_mem_create();
	dns_mem_add_txt(m, "_dmarc.example.org", DNS_T_TXT, "v=DMARC1; p=none",
	    16);
	dns_mem_add_txt(m, "s1._domainkey.example.org", DNS_T_TXT,
	    "v=DKIM1; p=", 11);
	dns_mem_set_fault(m, "_dmarc.temp.example", 0, DNS_TEMPFAIL);
	r = dns_resolver_create_mem(m, &no_cache);
	h = dns_hold_new(r);

	/* held, then asked twice: sent once */
	dns_hold_start(h, "_dmarc.example.org", DNS_T_TXT);
	dns_hold_start(h, "_DMARC.Example.Org.", DNS_T_TXT);	/* the same */
	assert_int_equal(sent(r), 1);
	a = dns_hold_lookup(h, r, "_dmarc.EXAMPLE.org.", DNS_T_TXT,
	    deadline_in(1000));
	assert_int_equal(a->status, DNS_OK);
	dns_answer_unref(a);
	a = dns_hold_lookup(h, r, "_dmarc.example.org", DNS_T_TXT,
	    deadline_in(1000));
	assert_int_equal(a->status, DNS_OK);
	dns_answer_unref(a);
	assert_int_equal(sent(r), 1);

	/* without a hold each ask is a query */
	a = dns_hold_lookup(NULL, r, "_dmarc.example.org", DNS_T_TXT,
	    deadline_in(1000));
	dns_answer_unref(a);
	assert_int_equal(sent(r), 2);

	/* a handle taken over: the caller waits on it; once */
	dns_hold_start(h, "s1._domainkey.example.org", DNS_T_TXT);
	assert_int_equal(sent(r), 3);
	q = dns_hold_take(h, "S1._domainkey.example.org", DNS_T_TXT);
	assert_non_null(q);
	assert_null(dns_hold_take(h, "s1._domainkey.example.org",
	    DNS_T_TXT));
	a = dns_query_wait(q, deadline_in(1000));
	assert_int_equal(a->status, DNS_OK);
	dns_answer_unref(a);
	dns_query_free(q);
	assert_int_equal(sent(r), 3);
	/* another type of a held name is not held */
	assert_null(dns_hold_take(h, "_dmarc.example.org", DNS_T_A));

	/* a temporary failure is handed over once, then asked again */
	dns_hold_start(h, "_dmarc.temp.example", DNS_T_TXT);
	a = dns_hold_lookup(h, r, "_dmarc.temp.example", DNS_T_TXT,
	    deadline_in(1000));
	assert_int_equal(a->status, DNS_TEMPFAIL);
	dns_answer_unref(a);
	i = (unsigned)sent(r);
	a = dns_hold_lookup(h, r, "_dmarc.temp.example", DNS_T_TXT,
	    deadline_in(1000));
	dns_answer_unref(a);
	assert_int_equal(sent(r), i + 1);

	/* a held lookup that has already failed for now (started at MAIL,
	 * say) is not handed over: the stage asks again */
	dns_mem_set_fault(m, "k._domainkey.temp.example", 0, DNS_TEMPFAIL);
	dns_hold_start(h, "k._domainkey.temp.example", DNS_T_TXT);
	a = dns_lookup(r, "k._domainkey.temp.example", DNS_T_TXT,
	    deadline_in(1000));	/* merged with the held one: it is done */
	assert_int_equal(a->status, DNS_TEMPFAIL);
	dns_answer_unref(a);
	assert_null(dns_hold_take(h, "k._domainkey.temp.example", DNS_T_TXT));
	dns_mem_set_fault(m, "_dmarc.temp2.example", 0, DNS_TEMPFAIL);
	dns_hold_start(h, "_dmarc.temp2.example", DNS_T_TXT);
	a = dns_lookup(r, "_dmarc.temp2.example", DNS_T_TXT,
	    deadline_in(1000));
	dns_answer_unref(a);
	i = (unsigned)sent(r);
	a = dns_hold_lookup(h, r, "_dmarc.temp2.example", DNS_T_TXT,
	    deadline_in(1000));
	assert_int_equal(a->status, DNS_TEMPFAIL);
	dns_answer_unref(a);
	assert_int_equal(sent(r), i + 1);	/* asked again */

	/* at most DNS_HOLD_MAX held; more are not started */
	before = sent(r);
	str_init(&name);
	for (i = 0; i < DNS_HOLD_MAX + 5; i++) {
		str_reset(&name);
		str_appendf(&name, "n%u.example.org", i);
		dns_hold_start(h, str_cstr(&name), DNS_T_TXT);
	}
	str_free(&name);
	/* the room left, not one more (5 were held already) */
	assert_int_equal(sent(r) - before, DNS_HOLD_MAX - 5);
	dns_hold_free(h);	/* with queries still held: freed */
	dns_hold_start(NULL, "x.example", DNS_T_TXT);	/* no hold: nothing */
	dns_resolver_unref(r);
	dns_mem_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
