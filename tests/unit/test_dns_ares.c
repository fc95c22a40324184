/*
 * test_dns_ares - the real resolver (c-ares backend, resolver thread,
 * cache, merging) against an in-process UDP DNS server on 127.0.0.1 that
 * answers by the name asked:
 *	a.test        A 192.0.2.1 (TTL 300)
 *	nNNN.test     A 192.0.2.NNN%256 (many names in flight)
 *	txt.test      TXT in two strings
 *	nx.test       NXDOMAIN with SOA
 *	servfail.test SERVFAIL
 *	tc.test       truncated (c-ares retries over TCP: refused)
 *	other.test    a reply for another question
 *	garbage.test  right id, garbage after the header
 *	cname.test    CNAME to a.test only: the resolver must chase it
 *	slow.test     A after 300 ms (the server waits: everything after
 *	              it waits too)
 *	silent.test   never answered
 *	hNNN.test     A 192.0.2.NNN%256 after 300 ms, answers to other
 *	              names going on meanwhile
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/deadline.h"
#include "dns/dns.h"
#include "dnspkt.h"

/* an answer the fake server holds back */
struct held {
	struct dnspkt		 p;
	struct sockaddr_in	 to;
	struct timespec		 due;
};
#define HELD_MAX	64

struct fake_dns {
	struct held	 held[HELD_MAX];
	size_t		 nheld;
	int		 fd;
	int		 port;
	pthread_t	 thread;
	atomic_int	 stop;
	pthread_mutex_t	 lock;
	unsigned	 queries;		/* all questions received */
	unsigned	 per_name[16];		/* by index in names[] */
};

static const char *const names[] = {
	"a.test", "txt.test", "nx.test", "servfail.test", "tc.test",
	"other.test", "garbage.test", "cname.test", "slow.test",
	"silent.test"
};

static struct fake_dns dns;

/* name_index - which test name a query is for, -1 for nNNN.test */
static int
name_index(const char *q)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(q, names[i]) == 0)
			return (int)i;
	return -1;
}

/* fake_answer - build the reply for one question */
static int
fake_answer(const unsigned char *q, size_t qlen, struct dnspkt *p)
{
	char name[256];
	unsigned char rd[256];
	size_t off, n;
	unsigned id, qtype;
	int idx;

	if (qlen < 17)
		return -1;
	id = ((unsigned)q[0] << 8) | q[1];
	/* decode the (uncompressed) question name */
	off = 12;
	name[0] = '\0';
	while (off < qlen && q[off] != 0 && strlen(name) < 200) {
		n = q[off++];
		if (name[0] != '\0')
			strcat(name, ".");
		strncat(name, (const char *)q + off, n);
		off += n;
	}
	off++;
	qtype = ((unsigned)q[off] << 8) | q[off + 1];
	idx = name_index(name);
	pthread_mutex_lock(&dns.lock);
	dns.queries++;
	if (idx >= 0)
		dns.per_name[idx]++;
	pthread_mutex_unlock(&dns.lock);

	if (idx < 0 && name[0] == 'h')
		return 1;		/* hNNN.test: the caller holds it */
	if (idx < 0) {			/* nNNN.test */
		unsigned char ip[4] = { 192, 0, 2, 0 };

		ip[3] = (unsigned char)atoi(name + 1);
		dnspkt_init(p, id, name, (int)qtype, 0);
		dnspkt_rr(p, 1, name, DNS_T_A, 300, ip, 4);
		return 0;
	}
	switch (idx) {
	case 0: {
		unsigned char ip[4] = { 192, 0, 2, 1 };

		dnspkt_init(p, id, name, (int)qtype, 0);
		if (qtype == DNS_T_A)
			dnspkt_rr(p, 1, name, DNS_T_A, 300, ip, 4);
		return 0;
	}
	case 1:
		dnspkt_init(p, id, name, (int)qtype, 0);
		n = dnspkt_txt(rd, "v=spf1 ", "-all", NULL);
		dnspkt_rr(p, 1, name, DNS_T_TXT, 300, rd, n);
		return 0;
	case 2:
		dnspkt_init(p, id, name, (int)qtype, 3);
		n = dnspkt_soa(rd, 60);
		dnspkt_rr(p, 2, "test", DNS_T_SOA, 300, rd, n);
		return 0;
	case 3:
		dnspkt_init(p, id, name, (int)qtype, 2);
		return 0;
	case 4:
		dnspkt_init(p, id, name, (int)qtype, 0);
		p->buf[2] |= 0x02;
		return 0;
	case 5:
		dnspkt_init(p, id, "unrelated.test", (int)qtype, 0);
		return 0;
	case 6:
		dnspkt_init(p, id, name, (int)qtype, 0);
		p->counts[1] = 3;
		dnspkt_finish(p);
		memset(p->buf + p->len, 0xc0, 40);
		p->len += 40;
		return 0;
	case 7:
		dnspkt_init(p, id, name, (int)qtype, 0);
		n = dnspkt_name(rd, "a.test");
		dnspkt_rr(p, 1, name, DNS_T_CNAME, 100, rd, n);
		return 0;
	case 8: {
		unsigned char ip[4] = { 192, 0, 2, 8 };
		struct timespec ts = { 0, 300 * 1000000L };

		nanosleep(&ts, NULL);
		dnspkt_init(p, id, name, (int)qtype, 0);
		dnspkt_rr(p, 1, name, DNS_T_A, 300, ip, 4);
		return 0;
	}
	default:
		return -1;		/* silent */
	}
}

/* fake_send_due - send the held answers whose time has come */
static void
fake_send_due(void)
{
	struct timespec now;
	size_t i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	for (i = 0; i < dns.nheld; ) {
		struct held *h = &dns.held[i];

		if (h->due.tv_sec > now.tv_sec || (h->due.tv_sec == now.tv_sec &&
		    h->due.tv_nsec > now.tv_nsec)) {
			i++;
			continue;
		}
		sendto(dns.fd, h->p.buf, h->p.len, 0, (struct sockaddr *)&h->to,
		    sizeof(h->to));
		dns.held[i] = dns.held[--dns.nheld];
	}
}

/* fake_hold - answer hNNN.test with A 192.0.2.NNN in 300 ms */
static void
fake_hold(const unsigned char *q, size_t qlen, const struct sockaddr_in *to)
{
	unsigned char ip[4] = { 192, 0, 2, 0 };
	struct held *h;
	char name[64];
	size_t n;

	if (dns.nheld == HELD_MAX || qlen < 17 || (n = q[12]) + 13 > qlen ||
	    n > 20)
		return;
	snprintf(name, sizeof(name), "%.*s.test", (int)n, (const char *)q + 13);
	ip[3] = (unsigned char)atoi(name + 1);
	h = &dns.held[dns.nheld++];
	dnspkt_init(&h->p, ((unsigned)q[0] << 8) | q[1], name, DNS_T_A, 0);
	dnspkt_rr(&h->p, 1, name, DNS_T_A, 300, ip, 4);
	h->to = *to;
	clock_gettime(CLOCK_MONOTONIC, &h->due);
	h->due.tv_nsec += 300 * 1000000L;
	if (h->due.tv_nsec >= 1000000000L) {
		h->due.tv_sec++;
		h->due.tv_nsec -= 1000000000L;
	}
}

/* fake_thread - the fake server's loop */
static void *
fake_thread(void *arg)
{
	unsigned char buf[512];
	struct sockaddr_in from;
	struct pollfd pfd;
	struct dnspkt p;
	socklen_t fl;
	ssize_t n;
	int rc;

	pfd.fd = dns.fd;
	pfd.events = POLLIN;
	while (!atomic_load(&dns.stop)) {
		fake_send_due();
		if (poll(&pfd, 1, 10) <= 0)
			continue;
		fl = sizeof(from);
		n = recvfrom(dns.fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fl);
		if (n <= 0)
			continue;
		if ((rc = fake_answer(buf, (size_t)n, &p)) == 0)
			sendto(dns.fd, p.buf, p.len, 0, (struct sockaddr *)&from,
			    fl);
		else if (rc == 1)
			fake_hold(buf, (size_t)n, &from);
	}
	return NULL;
}

static int
setup(void **state)
{
	struct sockaddr_in sin;
	socklen_t sl;

	memset(&dns, 0, sizeof(dns));
	pthread_mutex_init(&dns.lock, NULL);
	dns.fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(dns.fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		return -1;
	sl = sizeof(sin);
	getsockname(dns.fd, (struct sockaddr *)&sin, &sl);
	dns.port = ntohs(sin.sin_port);
	return pthread_create(&dns.thread, NULL, fake_thread, NULL);
}

static int
teardown(void **state)
{
	atomic_store(&dns.stop, 1);
	pthread_join(dns.thread, NULL);
	close(dns.fd);
	return 0;
}

/* resolver - a resolver pointed at the fake server */
static dns_resolver *
resolver(int timeout_ms, int tries)
{
	struct dns_options o;
	char servers[64];
	dns_resolver *r;
	str err;

	snprintf(servers, sizeof(servers), "127.0.0.1:%d", dns.port);
	memset(&o, 0, sizeof(o));
	o.servers = servers;
	o.timeout_ms = timeout_ms;
	o.tries = tries;
	o.cache_size = 1000;
	o.cache_max_ttl = 86400;
	o.cache_max_negative_ttl = 3600;
	str_init(&err);
	r = dns_resolver_create(&o, &err);
	if (r == NULL)
		fail_msg("resolver: %s", str_cstr(&err));
	str_free(&err);
	return r;
}

/* per_name - how often the server was asked a name */
static unsigned
per_name(const char *name)
{
	unsigned n;

	pthread_mutex_lock(&dns.lock);
	n = dns.per_name[name_index(name)];
	pthread_mutex_unlock(&dns.lock);
	return n;
}

static void
test_answers_and_cache(void **state)
{
	dns_resolver *r;
	dns_answer *a;
	struct dns_stats st;

	r = resolver(500, 2);
	a = dns_lookup(r, "a.test", DNS_T_A, deadline_in(3000));
	assert_int_equal(a->status, DNS_OK);
	assert_int_equal(a->count, 1);
	assert_int_equal(a->ttl, 300);
	dns_answer_unref(a);
	/* again: from the cache, the server is not asked */
	a = dns_lookup(r, "A.TEST.", DNS_T_A, deadline_in(3000));
	assert_int_equal(a->status, DNS_OK);
	dns_answer_unref(a);
	assert_int_equal(per_name("a.test"), 1);

	a = dns_lookup(r, "txt.test", DNS_T_TXT, deadline_in(3000));
	assert_int_equal(a->status, DNS_OK);
	assert_string_equal(a->rr[0].u.txt.data, "v=spf1 -all");
	dns_answer_unref(a);

	a = dns_lookup(r, "nx.test", DNS_T_TXT, deadline_in(3000));
	assert_int_equal(a->status, DNS_NXDOMAIN);
	assert_int_equal(a->ttl, 60);
	dns_answer_unref(a);
	a = dns_lookup(r, "nx.test", DNS_T_TXT, deadline_in(3000));
	dns_answer_unref(a);
	assert_int_equal(per_name("nx.test"), 1);	/* negative caching */

	dns_resolver_stats(r, &st);
	assert_true(st.cache_hits >= 2);
	dns_resolver_unref(r);
}

static void
test_failures_are_tempfail_and_not_cached(void **state)
{
	static const char *const bad[] = {
		"servfail.test", "tc.test", "other.test", "garbage.test"
	};
	dns_resolver *r;
	dns_answer *a;
	unsigned before;
	size_t i;

	r = resolver(300, 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		before = per_name(bad[i]);
		a = dns_lookup(r, bad[i], DNS_T_A, deadline_in(5000));
		if (a->status != DNS_TEMPFAIL || a->error == NULL)
			fail_msg("%s: %s", bad[i], dns_status_name(a->status));
		dns_answer_unref(a);
		a = dns_lookup(r, bad[i], DNS_T_A, deadline_in(5000));
		assert_int_equal(a->status, DNS_TEMPFAIL);
		dns_answer_unref(a);
		/* asked again: a failure is never served from the cache */
		if (per_name(bad[i]) < before + 2)
			fail_msg("%s answered from cache", bad[i]);
	}
	dns_resolver_unref(r);
}

static void
test_silent_server_times_out(void **state)
{
	dns_resolver *r;
	dns_answer *a;

	r = resolver(200, 2);
	a = dns_lookup(r, "silent.test", DNS_T_TXT, deadline_in(10000));
	assert_int_equal(a->status, DNS_TEMPFAIL);
	assert_non_null(strstr(a->error, "timed out"));
	dns_answer_unref(a);
	dns_resolver_unref(r);
}

static void
test_deadline_cuts_the_wait(void **state)
{
	dns_resolver *r;
	dns_answer *a;
	int64_t start;

	/* c-ares would wait 4 x 2 s; the caller's deadline is 150 ms */
	r = resolver(2000, 4);
	start = deadline_now();
	a = dns_lookup(r, "silent.test", DNS_T_A, deadline_in(150));
	assert_int_equal(a->status, DNS_TEMPFAIL);
	assert_non_null(strstr(a->error, "time limit"));
	/* generous bound: far below what c-ares alone would take */
	assert_true(deadline_now() - start < 4000);
	dns_answer_unref(a);
	/* destroying the resolver answers the abandoned lookup */
	dns_resolver_unref(r);
}

static void
test_cname_chased(void **state)
{
	dns_resolver *r;
	dns_answer *a;

	r = resolver(500, 2);
	a = dns_lookup(r, "cname.test", DNS_T_A, deadline_in(3000));
	assert_int_equal(a->status, DNS_OK);
	assert_string_equal(a->name, "cname.test");
	assert_string_equal(a->canon, "a.test");
	assert_int_equal(a->ttl, 100);		/* the CNAME's TTL is lower */
	dns_answer_unref(a);
	dns_resolver_unref(r);
}

static void
test_identical_lookups_merge(void **state)
{
	dns_query *q[50];
	dns_resolver *r;
	dns_answer *a;
	struct dns_stats st;
	int i;

	r = resolver(2000, 1);
	for (i = 0; i < 50; i++)
		q[i] = dns_query_start(r, "slow.test", DNS_T_A);
	for (i = 0; i < 50; i++) {
		a = dns_query_wait(q[i], deadline_in(5000));
		assert_int_equal(a->status, DNS_OK);
		dns_answer_unref(a);
		dns_query_free(q[i]);
	}
	assert_int_equal(per_name("slow.test"), 1);
	dns_resolver_stats(r, &st);
	assert_int_equal(st.merged, 49);
	dns_resolver_unref(r);
}

/* a lookup joins an identical one in flight only while that one is
 * younger than 300 ms: one sent into an outage must not fail lookups
 * started after it ended */
static void
test_merge_only_young_lookups(void **state)
{
	struct timespec pause = { 0, 50 * 1000000L };
	struct dns_stats st;
	dns_query *q[3];
	dns_resolver *r;
	dns_answer *a;
	int64_t t0, t1;
	int i;

	r = resolver(1000, 1);
	t0 = deadline_now();
	q[0] = dns_query_start(r, "silent.test", DNS_T_A);
	nanosleep(&pause, NULL);
	q[1] = dns_query_start(r, "silent.test", DNS_T_A);	/* joins */
	t1 = deadline_now();
	pause.tv_nsec = 350 * 1000000L;
	nanosleep(&pause, NULL);
	q[2] = dns_query_start(r, "silent.test", DNS_T_A);	/* asks again */
	dns_resolver_stats(r, &st);
	if (t1 - t0 < 250) {
		/* (a machine too busy to start the second within the window
		 * proves nothing about joining, only about asking again) */
		assert_int_equal(st.sent, 2);
		assert_int_equal(st.merged, 1);
	} else
		assert_int_equal(st.sent, 3);
	for (i = 0; i < 3; i++) {
		a = dns_query_wait(q[i], deadline_in(3000));
		assert_int_equal(a->status, DNS_TEMPFAIL);
		dns_answer_unref(a);
		dns_query_free(q[i]);
	}
	dns_resolver_unref(r);
}

static void
test_many_in_flight(void **state)
{
	dns_query *q[250];
	dns_resolver *r;
	dns_answer *a;
	char name[32];
	int i;

	r = resolver(1000, 2);
	for (i = 0; i < 250; i++) {
		snprintf(name, sizeof(name), "n%d.test", i);
		q[i] = dns_query_start(r, name, DNS_T_A);
	}
	for (i = 0; i < 250; i++) {
		a = dns_query_wait(q[i], deadline_in(10000));
		if (a->status != DNS_OK || a->count != 1 ||
		    ((const unsigned char *)&a->rr[0].u.a)[3] != (unsigned char)i)
			fail_msg("n%d.test: %s", i, dns_status_name(a->status));
		dns_answer_unref(a);
		dns_query_free(q[i]);
	}
	dns_resolver_unref(r);
}

static void
test_bad_name_is_error_without_query(void **state)
{
	dns_resolver *r;
	dns_answer *a;
	struct dns_stats st;

	r = resolver(500, 1);
	a = dns_lookup(r, "bad..name.test", DNS_T_A, deadline_in(1000));
	assert_int_equal(a->status, DNS_ERROR);
	assert_non_null(strstr(a->error, "empty label"));
	dns_answer_unref(a);
	dns_resolver_stats(r, &st);
	assert_int_equal(st.sent, 0);
	dns_resolver_unref(r);
}

/* names with $ ( ) @ " ; (an SPF exists:%{l} term with such a local
 * part) resolve through c-ares like any other */
static void
test_special_characters_resolve(void **state)
{
	static const char *const special[] = {
		"n$x.test", "n(1)@2.test", "n\"q;r.test", "n a.test"
	};
	dns_resolver *r;
	dns_answer *a;
	size_t i;

	r = resolver(1000, 1);
	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		a = dns_lookup(r, special[i], DNS_T_A, deadline_in(3000));
		if (a->status != DNS_OK || a->count != 1)
			fail_msg("%s: %s", special[i], a->error ? a->error :
			    dns_status_name(a->status));
		dns_answer_unref(a);
	}
	dns_resolver_unref(r);
}

/* c-ares 1.18 answers a truncated reply by switching that query to TCP;
 * when the server refuses TCP, its error handler re-sends every query in
 * flight to that server, and with their tries used up they all end as
 * "nameserver unreachable or refusing" although the server answered them
 * at once. Each such query gets one more try: only the truncated one
 * fails. */
static void
test_refusal_of_another_query_does_not_fail_the_rest(void **state)
{
	dns_query *q[41];
	dns_resolver *r;
	dns_answer *a;
	char name[32];
	int i, failed;

	r = resolver(2000, 1);
	/* answers held 300 ms: in flight when the truncated one arrives */
	for (i = 1; i < 41; i++) {
		snprintf(name, sizeof(name), "h%d.test", 100 + i);
		q[i] = dns_query_start(r, name, DNS_T_A);
	}
	q[0] = dns_query_start(r, "tc.test", DNS_T_A);
	failed = 0;
	for (i = 0; i < 41; i++) {
		a = dns_query_wait(q[i], deadline_in(5000));
		if (i > 0 && a->status != DNS_OK) {
			print_message("h%d.test: %s\n", 100 + i, a->error);
			failed++;
		}
		if (i == 0)
			assert_int_equal(a->status, DNS_TEMPFAIL);
		dns_answer_unref(a);
		dns_query_free(q[i]);
	}
	assert_int_equal(failed, 0);
	dns_resolver_unref(r);
}

static void
test_refused_port(void **state)
{
	struct dns_options o;
	dns_resolver *r;
	dns_answer *a;
	str err;
	int fd, port;
	struct sockaddr_in sin;
	socklen_t sl;

	/* a port nobody listens on: bind, learn the number, close */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	sl = sizeof(sin);
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	port = ntohs(sin.sin_port);
	close(fd);

	memset(&o, 0, sizeof(o));
	{
		char servers[64];

		snprintf(servers, sizeof(servers), "127.0.0.1:%d", port);
		o.servers = servers;
		o.timeout_ms = 500;
		o.tries = 2;
		o.cache_size = 10;
		o.cache_max_ttl = 60;
		str_init(&err);
		r = dns_resolver_create(&o, &err);
		assert_non_null(r);
		a = dns_lookup(r, "a.test", DNS_T_A, deadline_in(5000));
		assert_int_equal(a->status, DNS_TEMPFAIL);
		dns_answer_unref(a);
		dns_resolver_unref(r);
		str_free(&err);
	}
}

static void
test_bad_server_option(void **state)
{
	struct dns_options o;
	str err;

	memset(&o, 0, sizeof(o));
	o.servers = "not-an-address";
	o.timeout_ms = 500;
	o.tries = 1;
	str_init(&err);
	assert_null(dns_resolver_create(&o, &err));
	assert_non_null(strstr(str_cstr(&err), "not-an-address"));
	str_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers_and_cache),
		cmocka_unit_test(test_failures_are_tempfail_and_not_cached),
		cmocka_unit_test(test_silent_server_times_out),
		cmocka_unit_test(test_deadline_cuts_the_wait),
		cmocka_unit_test(test_cname_chased),
		cmocka_unit_test(test_identical_lookups_merge),
		cmocka_unit_test(test_merge_only_young_lookups),
		cmocka_unit_test(test_many_in_flight),
		cmocka_unit_test(test_bad_name_is_error_without_query),
		cmocka_unit_test(test_special_characters_resolve),
		cmocka_unit_test(test_refusal_of_another_query_does_not_fail_the_rest),
		cmocka_unit_test(test_refused_port),
		cmocka_unit_test(test_bad_server_option),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
