/*
 * test_metrics - the metrics pieces: prom's keyed counters (distinct
 * keys, a full table counting as "other", threads adding at once with
 * exact totals), histograms (bucket edges, cumulative output, +Inf equal
 * to _count), label escaping, the listen-address parser, the DNS
 * counters (cache, merged, sent, invalid; answers by result) and the
 * verdict counters and exemption kinds of report/metrics.c, and the
 * rendered page.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/deadline.h"
#include "util/ipaddr.h"
#include "util/prom.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "dns/dns_metrics.h"
#include "verdict/exempt.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"
#include "report/metrics.h"

/* has - does the page hold this exact line */
static int
has(const str *page, const char *line)
{
	const char *p;
	size_t n;

	n = strlen(line);
	for (p = str_cstr(page); (p = strstr(p, line)) != NULL; p++)
		if ((p == str_cstr(page) || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

static void
test_keyed(void **state)
{
	static const char *const labels[] = { "check", "result" };
	const char *a[] = { "spf", "pass" }, *b[] = { "spf", "fail" };
	const char *c[] = { "dkim", "pass" };
	char name[16];
	const char *v[2];
	struct prom_keyed k;
	str page;
	int i;

	(void)state;
	prom_keyed_init(&k, 2, labels, 8);
	prom_keyed_add(&k, a, 1);
	prom_keyed_add(&k, a, 2);
	prom_keyed_add(&k, b, 5);
	assert_int_equal(prom_keyed_get(&k, a), 3);
	assert_int_equal(prom_keyed_get(&k, b), 5);
	assert_int_equal(prom_keyed_get(&k, c), 0);
	/* a table of 8 takes 6 keys; the rest count as "other" */
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		v[0] = "x";
		v[1] = name;
		prom_keyed_add(&k, v, 1);
	}
	assert_int_equal(prom_keyed_overflow(&k), 6);
	assert_int_equal(prom_keyed_get(&k, a), 3);
	str_init(&page);
	prom_keyed_write(&page, "t_total", &k);
	assert_true(has(&page, "t_total{check=\"spf\",result=\"pass\"} 3"));
	assert_true(has(&page, "t_total{check=\"spf\",result=\"fail\"} 5"));
	assert_true(has(&page, "t_total{check=\"other\",result=\"other\"} 6"));
	str_free(&page);
	prom_keyed_free(&k);
}

struct hammer {
	struct prom_keyed	*k;
	int			 id;
};

#define HAMMER_THREADS	4
#define HAMMER_ADDS	20000

/* hammer_run - add to four keys, two of them shared by every thread */
static void *
hammer_run(void *arg)
{
	struct hammer *h = arg;
	char own[16];
	const char *v[1];
	int i;

	snprintf(own, sizeof(own), "own%d", h->id);
	for (i = 0; i < HAMMER_ADDS; i++) {
		v[0] = i % 2 ? "shared" : own;
		prom_keyed_add(h->k, v, 1);
	}
	return NULL;
}

static void
test_keyed_threads(void **state)
{
	static const char *const labels[] = { "k" };
	struct hammer h[HAMMER_THREADS];
	pthread_t t[HAMMER_THREADS];
	struct prom_keyed k;
	const char *v[1];
	char own[16];
	int i;

	(void)state;
	prom_keyed_init(&k, 1, labels, 64);
	for (i = 0; i < HAMMER_THREADS; i++) {
		h[i].k = &k;
		h[i].id = i;
		assert_int_equal(pthread_create(&t[i], NULL, hammer_run,
		    &h[i]), 0);
	}
	for (i = 0; i < HAMMER_THREADS; i++)
		pthread_join(t[i], NULL);
	v[0] = "shared";
	assert_int_equal(prom_keyed_get(&k, v),
	    HAMMER_THREADS * HAMMER_ADDS / 2);
	for (i = 0; i < HAMMER_THREADS; i++) {
		snprintf(own, sizeof(own), "own%d", i);
		v[0] = own;
		assert_int_equal(prom_keyed_get(&k, v), HAMMER_ADDS / 2);
	}
	assert_int_equal(prom_keyed_overflow(&k), 0);
	prom_keyed_free(&k);
}

static void
test_hist(void **state)
{
	static struct prom_hist h;
	str page;

	(void)state;
	prom_hist_observe(&h, 0);
	prom_hist_observe(&h, 250);		/* on the edge: le="0.00025" */
	prom_hist_observe(&h, 251);
	prom_hist_observe(&h, 3000000);
	prom_hist_observe(&h, 99000000);	/* above every bound */
	prom_hist_observe(&h, -5);		/* a clock step: counted as 0 */
	str_init(&page);
	prom_hist_write(&page, "d_seconds", "stage=\"eom\"", &h);
	assert_true(has(&page, "d_seconds_bucket{stage=\"eom\",le=\"0.00025\"} 3"));
	assert_true(has(&page, "d_seconds_bucket{stage=\"eom\",le=\"0.0005\"} 4"));
	assert_true(has(&page, "d_seconds_bucket{stage=\"eom\",le=\"2.5\"} 4"));
	assert_true(has(&page, "d_seconds_bucket{stage=\"eom\",le=\"5\"} 5"));
	assert_true(has(&page, "d_seconds_bucket{stage=\"eom\",le=\"10\"} 5"));
	assert_true(has(&page, "d_seconds_bucket{stage=\"eom\",le=\"+Inf\"} 6"));
	assert_true(has(&page, "d_seconds_count{stage=\"eom\"} 6"));
	assert_true(has(&page, "d_seconds_sum{stage=\"eom\"} 102.000501"));
	str_reset(&page);
	prom_hist_write(&page, "e_seconds", NULL, &h);
	assert_true(has(&page, "e_seconds_bucket{le=\"+Inf\"} 6"));
	assert_true(has(&page, "e_seconds_count 6"));
	str_free(&page);
}

static void
test_labels(void **state)
{
	str l;

	(void)state;
	str_init(&l);
	prom_label(&l, "zone", "a\"b\\c\nd");
	prom_label(&l, "result", "x");
	assert_string_equal(str_cstr(&l),
	    "zone=\"a\\\"b\\\\c\\nd\",result=\"x\"");
	str_free(&l);
}

static void
test_listen_address(void **state)
{
	static const struct { const char *text; int ok; unsigned port; } t[] = {
		{ "127.0.0.1:9464", 1, 9464 }, { "[::1]:9464", 1, 9464 },
		{ "0.0.0.0:1", 1, 1 }, { "[2001:db8::1]:65535", 1, 65535 },
		{ "::1:9464", 0, 0 }, { "127.0.0.1", 0, 0 },
		{ "127.0.0.1:", 0, 0 }, { "127.0.0.1:0", 0, 0 },
		{ "127.0.0.1:65536", 0, 0 }, { "127.0.0.1:94x", 0, 0 },
		{ "127.0.0.1:-1", 0, 0 }, { "localhost:9464", 0, 0 },
		{ "[::1]9464", 0, 0 }, { ":9464", 0, 0 }, { "", 0, 0 },
	};
	struct sockaddr_storage ss;
	unsigned port;
	ipaddr ip;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		port = 0;
		if ((ipaddr_parse_port(t[i].text, &ip, &port) == 0) != t[i].ok)
			fail_msg("\"%s\": %s", t[i].text, t[i].ok ?
			    "refused" : "accepted");
		if (t[i].ok && port != t[i].port)
			fail_msg("\"%s\": port %u", t[i].text, port);
	}
	assert_int_equal(ipaddr_parse_port("[::1]:53", &ip, &port), 0);
	assert_int_equal(ipaddr_to_sockaddr(&ip, port, &ss),
	    sizeof(struct sockaddr_in6));
	assert_int_equal(ss.ss_family, AF_INET6);
}

static void
test_dns_counts(void **state)
{
	struct dns_options opts = { NULL, 1000, 1, 100, 86400, 3600 };
	unsigned long sent, cache, invalid;
	dns_resolver *r;
	dns_answer *a;
	dns_mem *m;
	str err, page;

	(void)state;
	str_init(&err);
	m = dns_mem_create();
	assert_int_equal(dns_mem_add(m, "metrics.example", DNS_T_TXT, "v=x",
	    &err), 0);
	r = dns_resolver_create_mem(m, &opts);
	sent = dns_metrics_lookups(DNS_T_TXT, DNS_SERVED_SENT);
	cache = dns_metrics_lookups(DNS_T_TXT, DNS_SERVED_CACHE);
	invalid = dns_metrics_lookups(DNS_T_TXT, DNS_SERVED_INVALID);
	a = dns_lookup(r, "metrics.example", DNS_T_TXT, deadline_in(1000));
	assert_int_equal(a->status, DNS_OK);
	dns_answer_unref(a);
	a = dns_lookup(r, "metrics.example", DNS_T_TXT, deadline_in(1000));
	dns_answer_unref(a);
	a = dns_lookup(r, "bad..name", DNS_T_TXT, deadline_in(1000));
	assert_int_equal(a->status, DNS_ERROR);
	dns_answer_unref(a);
	assert_int_equal(dns_metrics_lookups(DNS_T_TXT, DNS_SERVED_SENT),
	    sent + 1);
	assert_int_equal(dns_metrics_lookups(DNS_T_TXT, DNS_SERVED_CACHE),
	    cache + 1);
	assert_int_equal(dns_metrics_lookups(DNS_T_TXT, DNS_SERVED_INVALID),
	    invalid + 1);
	str_init(&page);
	dns_metrics_write(&page);
	assert_true(has(&page, "authgate_dns_answers_total{type=\"TXT\","
	    "result=\"ok\"} 1"));
	assert_true(has(&page, "authgate_dns_response_seconds_count"
	    "{type=\"TXT\"} 1"));
	assert_true(has(&page, "# TYPE authgate_dns_lookups_total counter"));
	str_free(&page);
	dns_resolver_unref(r);
	dns_mem_free(m);
	str_free(&err);
}

static void
test_transactions(void **state)
{
	struct policy p;
	struct facts f;
	struct verdict v;
	str page;
	int i;

	(void)state;
	policy_defaults(&p);
	/* an SPF failure refused at RCPT, twice */
	for (i = 0; i < 2; i++) {
		memset(&f, 0, sizeof(f));
		f.client_ip = "198.51.100.7";
		f.spf_mailfrom.checked = 1;
		f.spf_mailfrom.result = SPFR_FAIL;
		f.spf_mailfrom.domain = (char *)"example.org";
		f.spf_mailfrom.identity = (char *)"a@example.org";
		verdict_decide(&f, &p, STAGE_RCPT, &v);
		metrics_transaction(&f, &v, STAGE_RCPT, 1200);
		verdict_clear(&v);
	}
	/* the same from an authenticated sender: SPF skipped */
	f.auth_user = "alice";
	p.authenticated[CHECK_SPF] = EXEMPT_SKIP;
	verdict_decide(&f, &p, STAGE_EOM, &v);
	assert_int_equal(v.action, ACT_ACCEPT);
	assert_int_equal(v.exempted, 1u << EXK_AUTHENTICATED);
	metrics_transaction(&f, &v, STAGE_EOM, 400);
	verdict_clear(&v);
	assert_int_equal(metrics_verdicts(ACT_REJECT, "spf-mailfrom",
	    STAGE_RCPT), 2);
	assert_int_equal(metrics_verdicts(ACT_ACCEPT, NULL, STAGE_EOM), 1);
	metrics_session(1);
	metrics_reload(0);
	str_init(&page);
	metrics_write(&page, NULL, NULL);
	assert_true(has(&page, "authgate_verdicts_total{action=\"reject\","
	    "check=\"spf-mailfrom\",stage=\"rcpt\"} 2"));
	assert_true(has(&page, "authgate_verdicts_total{action=\"accept\","
	    "check=\"none\",stage=\"eom\"} 1"));
	assert_true(has(&page, "authgate_check_results_total{check="
	    "\"spf_mailfrom\",result=\"fail\"} 3"));
	assert_true(has(&page, "authgate_exemptions_total{kind="
	    "\"authenticated\"} 1"));
	assert_true(has(&page, "authgate_exemptions_total{kind="
	    "\"trusted_network\"} 0"));
	assert_true(has(&page, "authgate_transaction_seconds_count{stage="
	    "\"rcpt\"} 2"));
	assert_true(has(&page, "authgate_transaction_seconds_bucket{stage="
	    "\"rcpt\",le=\"0.001\"} 0"));
	assert_true(has(&page, "authgate_transaction_seconds_bucket{stage="
	    "\"rcpt\",le=\"0.0025\"} 2"));
	assert_true(has(&page, "authgate_sessions_active 1"));
	assert_true(has(&page, "authgate_config_reloads_total{result="
	    "\"failed\"} 1"));
	assert_true(has(&page, "authgate_build_info{version=\""
	    PACKAGE_VERSION "\"} 1"));
	assert_non_null(strstr(str_cstr(&page), "authgate_dns_lookups_total"));
	str_free(&page);
	metrics_session(-1);
	policy_free(&p);
}

static void
test_exempt_kinds(void **state)
{
	(void)state;
	assert_int_equal(exempt_kind_of("trusted network 10.0.0.0/8"),
	    EXK_TRUSTED_NETWORK);
	assert_int_equal(exempt_kind_of("authenticated sender"),
	    EXK_AUTHENTICATED);
	assert_int_equal(exempt_kind_of("allow list partners 192.0.2.0/24"),
	    EXK_ALLOW_LIST);
	assert_int_equal(exempt_kind_of("trusted signer lists.example"),
	    EXK_TRUSTED_SIGNER);
	assert_int_equal(exempt_kind_of("trusted networking"), -1);
	assert_int_equal(exempt_kind_of(""), -1);
	assert_int_equal(exempt_kind_of(NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyed),
		cmocka_unit_test(test_keyed_threads),
		cmocka_unit_test(test_hist),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_listen_address),
		cmocka_unit_test(test_dns_counts),
		cmocka_unit_test(test_transactions),
		cmocka_unit_test(test_exempt_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
