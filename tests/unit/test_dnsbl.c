/*
 * test_dnsbl - DNS block/allow lists: answer filters (table), presets,
 * query names (IPv4, IPv6 nibbles), what answers mean (table: listings,
 * weights, list errors such as 127.255.255.254 and answers outside
 * 127/8, temperror), and whole lookups against in-memory zones: several
 * lists at once, TXT reasons made safe, a list that fails alone, error
 * counting.
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/deadline.h"
#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_mem.h"
#include "ipcheck/dnsbl.h"

struct filter_case {
	const char	*filters;
	const char	*match;		/* space-separated addresses */
	const char	*nomatch;
};

static const struct filter_case filter_cases[] = {
	{ "127.0.0.2", "127.0.0.2", "127.0.0.3 127.0.1.2 128.0.0.2" },
	{ "127.0.0.4-7", "127.0.0.4 127.0.0.5 127.0.0.7",
	    "127.0.0.3 127.0.0.8" },
	{ "127.0.0.10,11", "127.0.0.10 127.0.0.11", "127.0.0.12 127.0.0.1" },
	{ "127.0.0.2, 3 9", "127.0.0.2 127.0.0.3 127.0.0.9", "127.0.0.4" },
	{ "127.0.0.0/24", "127.0.0.0 127.0.0.255", "127.0.1.0" },
	{ "127.0.0.0/30", "127.0.0.3", "127.0.0.4" },
	{ "127.0.[0..255].0", "127.0.0.0 127.0.15.0 127.0.255.0",
	    "127.0.15.1 127.1.0.0" },
	{ "127.0.0.[2;4..7;11]", "127.0.0.2 127.0.0.6 127.0.0.11",
	    "127.0.0.3 127.0.0.8" },
	{ "any", "127.0.0.1 127.200.3.4", "128.0.0.1 10.0.0.2" },
	{ "ANY", "127.0.0.2", "126.0.0.2" },
};

static const char *const filter_bad[] = {
	"", "127.0.0", "127.0.0.256", "127.0.0.2-1", "127.0.0.1/33",
	"127.0.0.1/24", "127.0.0.[1..]", "127.0.0.[2", "127.0.0.2x",
	"localhost", "7", "127.0.0.[3..2]", "127.0.[1-3].0", "1234.0.0.1",
};

/* each_addr - call fn for every address of a space-separated list */
static void
check_addrs(const struct dnsbl_filter *f, size_t n, const char *list,
    int want, const char *filters)
{
	char buf[256], *w, *save;
	struct in_addr a;

	snprintf(buf, sizeof(buf), "%s", list);
	for (w = strtok_r(buf, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		assert_int_equal(inet_pton(AF_INET, w, &a), 1);
		if (dnsbl_filter_match(f, n, &a) != want)
			fail_msg("\"%s\" %s %s", filters, want ? "misses" :
			    "matches", w);
	}
}

static void
test_filters(void **state)
{
	struct dnsbl_filter *f;
	size_t i, n;
	str err;

	str_init(&err);
	for (i = 0; i < sizeof(filter_cases) / sizeof(filter_cases[0]); i++) {
		const struct filter_case *c = &filter_cases[i];

		if (dnsbl_filter_parse(c->filters, &f, &n, &err) != 0)
			fail_msg("\"%s\": %s", c->filters, str_cstr(&err));
		check_addrs(f, n, c->match, 1, c->filters);
		check_addrs(f, n, c->nomatch, 0, c->filters);
		mem_free(f);
	}
	for (i = 0; i < sizeof(filter_bad) / sizeof(filter_bad[0]); i++) {
		f = NULL;
		if (dnsbl_filter_parse(filter_bad[i], &f, &n, &err) == 0)
			fail_msg("\"%s\" accepted", filter_bad[i]);
		assert_true(err.len > 0);
		assert_null(f);
	}
	assert_int_equal(dnsbl_filter_parse("127.0.0.2 oops", &f, &n, &err),
	    -1);
	assert_non_null(strstr(str_cstr(&err), "\"oops\" is not an answer "
	    "filter"));
	str_free(&err);
}

static void
test_presets(void **state)
{
	struct dnsbl_zone z;
	struct in_addr a;

	dnsbl_zone_init(&z, "ZEN.Spamhaus.org.");
	assert_string_equal(z.name, "zen.spamhaus.org");
	assert_int_equal(z.nlistings, 5);
	assert_string_equal(z.listings[4].category, "PBL");
	assert_int_equal(z.listings[4].class, DNSBL_POLICY);
	assert_int_equal(inet_pton(AF_INET, "127.0.0.11", &a), 1);
	assert_true(dnsbl_filter_match(z.listings[4].filters,
	    z.listings[4].nfilters, &a));
	assert_non_null(z.url);
	dnsbl_zone_free(&z);

	/* Spamhaus DQS: the key is part of the zone name */
	dnsbl_zone_init(&z, "abc123key.zen.dq.spamhaus.net");
	assert_int_equal(z.nlistings, 5);
	dnsbl_zone_free(&z);
	assert_null(dnsbl_preset("zen.dq.spamhaus.net.evil.example"));

	dnsbl_zone_init(&z, "list.dnswl.org");
	assert_int_equal(z.listings[3].weight, -3);
	assert_int_equal(z.listings[3].class, DNSBL_ALLOW);
	assert_int_equal(z.nerrors, 1);
	dnsbl_zone_free(&z);

	/* an unknown list: any 127/8 answer is a listing of weight 3 */
	dnsbl_zone_init(&z, "bl.example.net");
	assert_int_equal(z.nlistings, 1);
	assert_string_equal(z.listings[0].codes, "any");
	assert_int_equal(z.listings[0].weight, 3);
	assert_null(z.url);
	dnsbl_zone_free(&z);

	assert_int_equal(dnsbl_class_parse("Policy"), DNSBL_POLICY);
	assert_int_equal(dnsbl_class_parse("whitelist"), -1);
	assert_string_equal(dnsbl_class_name(DNSBL_ALLOW), "allow");
}

static void
test_query_name(void **state)
{
	struct dnsbl_zone z;
	ipaddr ip;
	str s;

	dnsbl_zone_init(&z, "bl.example.net");
	str_init(&s);
	assert_int_equal(ipaddr_parse("192.0.2.25", &ip), 0);
	dnsbl_query_name(&z, &ip, &s);
	assert_string_equal(str_cstr(&s), "25.2.0.192.bl.example.net");
	str_reset(&s);
	/* RFC 5782 section 2.4: IPv6 as 32 reversed nibbles */
	assert_int_equal(ipaddr_parse("2001:db8:1:2::abcd", &ip), 0);
	dnsbl_query_name(&z, &ip, &s);
	assert_string_equal(str_cstr(&s), "d.c.b.a.0.0.0.0.0.0.0.0.0.0.0.0."
	    "2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl.example.net");
	str_reset(&s);
	/* an IPv4-mapped client is an IPv4 client */
	assert_int_equal(ipaddr_parse("::ffff:198.51.100.7", &ip), 0);
	dnsbl_query_name(&z, &ip, &s);
	assert_string_equal(str_cstr(&s), "7.100.51.198.bl.example.net");
	str_free(&s);
	dnsbl_zone_free(&z);
}

struct classify_case {
	const char		*zone;
	const char		*answer;	/* A records, "" = NXDOMAIN,
						 * "temp" = SERVFAIL/timeout */
	enum dnsbl_status	 status;
	unsigned		 hits;
	int			 weight;
	const char		*error;		/* part of it, or NULL */
};

static const struct classify_case classify_cases[] = {
	{ "zen.spamhaus.org", "", DNSBL_NOT_LISTED, 0, 0, NULL },
	{ "zen.spamhaus.org", "127.0.0.2", DNSBL_LISTED, 1, 3, NULL },
	{ "zen.spamhaus.org", "127.0.0.11", DNSBL_LISTED, 16, 3, NULL },
	/* SBL and PBL at once: two listings, weights add */
	{ "zen.spamhaus.org", "127.0.0.2 127.0.0.10", DNSBL_LISTED, 17, 6,
	    NULL },
	/* two codes of one listing count once */
	{ "zen.spamhaus.org", "127.0.0.10 127.0.0.11", DNSBL_LISTED, 16, 3,
	    NULL },
	{ "zen.spamhaus.org", "127.0.0.6", DNSBL_LISTED, 4, 3, NULL },
	/* Spamhaus' refusals are errors of the list, never listings */
	{ "zen.spamhaus.org", "127.255.255.254", DNSBL_LIST_ERROR, 0, 0,
	    "public or shared DNS resolvers" },
	{ "zen.spamhaus.org", "127.255.255.255", DNSBL_LIST_ERROR, 0, 0,
	    "too many queries" },
	{ "zen.spamhaus.org", "127.255.255.252", DNSBL_LIST_ERROR, 0, 0,
	    "mistyped" },
	{ "zen.spamhaus.org", "127.255.255.1", DNSBL_LIST_ERROR, 0, 0,
	    "127.255.255.0/24" },
	/* an error code poisons the whole answer */
	{ "zen.spamhaus.org", "127.0.0.2 127.255.255.254", DNSBL_LIST_ERROR,
	    0, 0, "public" },
	/* a lapsed list domain answering with a web server's address */
	{ "bl.example.net", "198.51.100.80", DNSBL_LIST_ERROR, 0, 0,
	    "outside 127.0.0.0/8" },
	{ "bl.example.net", "127.0.0.2", DNSBL_LISTED, 1, 3, NULL },
	{ "zen.spamhaus.org", "127.0.0.1", DNSBL_NOT_LISTED, 0, 0,
	    "matches none" },
	{ "zen.spamhaus.org", "temp", DNSBL_TEMPERROR, 0, 0, "SERVFAIL" },
	{ "list.dnswl.org", "127.0.15.2", DNSBL_LISTED, 4, -2, NULL },
	{ "list.dnswl.org", "127.0.9.0", DNSBL_LISTED, 1, 0, NULL },
	{ "list.dnswl.org", "127.0.0.255", DNSBL_LIST_ERROR, 0, 0,
	    "query limit" },
};

/* answer_for - build an A answer from a case */
static dns_answer *
answer_for(const char *name, const char *text)
{
	char buf[256], *w, *save;
	dns_answer *a;
	size_t n;

	if (strcmp(text, "temp") == 0)
		return dns_answer_new(name, DNS_T_A, DNS_TEMPFAIL,
		    "SERVFAIL from 127.0.0.1");
	if (text[0] == '\0')
		return dns_answer_new(name, DNS_T_A, DNS_NXDOMAIN, NULL);
	a = dns_answer_new(name, DNS_T_A, DNS_OK, NULL);
	snprintf(buf, sizeof(buf), "%s", text);
	n = 0;
	for (w = strtok_r(buf, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save))
		n++;
	a->rr = mem_calloc(n, sizeof(*a->rr));
	snprintf(buf, sizeof(buf), "%s", text);
	for (w = strtok_r(buf, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		a->rr[a->count].type = DNS_T_A;
		a->rr[a->count].ttl = 300;
		assert_int_equal(inet_pton(AF_INET, w, &a->rr[a->count].u.a),
		    1);
		a->count++;
	}
	return a;
}

static void
test_classify(void **state)
{
	struct dnsbl_result r;
	struct dnsbl_zone z;
	dns_answer *a;
	size_t i;

	for (i = 0; i < sizeof(classify_cases) / sizeof(classify_cases[0]);
	    i++) {
		const struct classify_case *c = &classify_cases[i];

		dnsbl_zone_init(&z, c->zone);
		a = answer_for("2.0.0.127.x", c->answer);
		dnsbl_classify(&z, a, &r);
		if (r.status != c->status || r.hits != c->hits ||
		    r.weight != c->weight)
			fail_msg("%s \"%s\": %s hits %x weight %d, want %s %x "
			    "%d", c->zone, c->answer,
			    dnsbl_status_name(r.status), r.hits, r.weight,
			    dnsbl_status_name(c->status), c->hits, c->weight);
		if (c->error != NULL && (r.error == NULL ||
		    strstr(r.error, c->error) == NULL))
			fail_msg("%s \"%s\": error \"%s\", want \"%s\"",
			    c->zone, c->answer, r.error ? r.error : "",
			    c->error);
		if (c->error == NULL && r.error != NULL)
			fail_msg("%s \"%s\": unexpected error \"%s\"", c->zone,
			    c->answer, r.error);
		if (a->status == DNS_OK)
			assert_non_null(r.codes);
		mem_free(r.codes);
		mem_free(r.error);
		dns_answer_unref(a);
		dnsbl_zone_free(&z);
	}
}

/* a set of lists served from memory */
static void
make_set(struct dnsbl_set *set, const char *const *names, size_t n)
{
	size_t i;

	set->zones = mem_calloc(n, sizeof(*set->zones));
	set->n = n;
	for (i = 0; i < n; i++)
		dnsbl_zone_init(&set->zones[i], names[i]);
}

static void
free_set(struct dnsbl_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		dnsbl_zone_free(&set->zones[i]);
	mem_free(set->zones);
}

static void
test_lookup(void **state)
{
	static const char *const names[] = {
		"zen.spamhaus.org", "list.dnswl.org", "bl.example.net",
		"broken.example.net", "v4only.example.net"
	};
	struct dns_options opts = { NULL, 1000, 1, 100, 3600, 600 };
	struct dnsbl_outcome o;
	struct dnsbl_set set;
	dns_resolver *res;
	dnsbl_lookup *l;
	dns_mem *m;
	ipaddr ip;
	str err;

	str_init(&err);
	m = dns_mem_create();
	assert_int_equal(dns_mem_add(m, "25.2.0.192.zen.spamhaus.org", DNS_T_A,
	    "127.0.0.2", &err), 0);
	assert_int_equal(dns_mem_add(m, "25.2.0.192.zen.spamhaus.org", DNS_T_A,
	    "127.0.0.11", &err), 0);
	/* a TXT reason with control bytes and far too long */
	dns_mem_add_txt(m, "25.2.0.192.zen.spamhaus.org", DNS_T_TXT,
	    "Listed\r\nX-Evil: yes https://www.spamhaus.org/query/ip/"
	    "192.0.2.25 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 250);
	assert_int_equal(dns_mem_add(m, "25.2.0.192.list.dnswl.org", DNS_T_A,
	    "127.0.5.3", &err), 0);
	assert_int_equal(dns_mem_add(m, "25.2.0.192.bl.example.net", DNS_T_A,
	    "127.255.255.254", &err), 0);
	dns_mem_set_fault(m, "25.2.0.192.broken.example.net", 0,
	    DNS_TEMPFAIL);
	assert_int_equal(dns_mem_add(m, "25.2.0.192.v4only.example.net",
	    DNS_T_A, "127.0.0.2", &err), 0);
	res = dns_resolver_create_mem(m, &opts);

	make_set(&set, names, 5);
	set.zones[0].txt = 1;
	set.zones[4].ipv6 = 0;
	assert_int_equal(ipaddr_parse("192.0.2.25", &ip), 0);
	l = dnsbl_start(&set, res, &ip, deadline_in(2000));
	assert_non_null(l);
	dnsbl_finish(l, &o);
	assert_true(o.checked);
	assert_int_equal(o.n, 5);
	/* zen: SBL + PBL (6), dnswl high (-3), v4only (3); the refusing
	 * list and the failing one add nothing */
	assert_int_equal(o.r[0].status, DNSBL_LISTED);
	assert_int_equal(o.r[0].weight, 6);
	assert_string_equal(o.r[0].codes, "127.0.0.2,127.0.0.11");
	assert_non_null(o.r[0].txt);
	assert_null(strchr(o.r[0].txt, '\r'));
	assert_null(strchr(o.r[0].txt, '\n'));
	assert_true(strlen(o.r[0].txt) <= 200);
	assert_int_equal(o.r[1].weight, -3);
	assert_null(o.r[1].txt);		/* not asked for */
	assert_int_equal(o.r[2].status, DNSBL_LIST_ERROR);
	assert_int_equal(o.r[3].status, DNSBL_TEMPERROR);
	assert_int_equal(o.r[4].status, DNSBL_LISTED);
	assert_int_equal(o.score, 6 - 3 + 3);
	assert_int_equal(atomic_load(&set.zones[2].list_errors), 1);
	assert_int_equal(atomic_load(&set.zones[0].list_errors), 0);
	{
		/* dnsbl_poll starts the TXT lookup as soon as the listing
		 * is in, once; finish then only collects it */
		struct dnsbl_outcome o2;
		struct dns_stats st0, st1, st2;
		ipaddr ip2;

		assert_int_equal(ipaddr_parse("192.0.2.25", &ip2), 0);
		l = dnsbl_start(&set, res, &ip2, deadline_in(2000));
		/* the answers are cached from the lookup above: in at once */
		dns_resolver_stats(res, &st0);
		dnsbl_poll(l);
		dns_resolver_stats(res, &st1);
		assert_int_equal(st1.queries - st0.queries, 1);	/* the TXT */
		dnsbl_poll(l);
		dnsbl_finish(l, &o2);
		dns_resolver_stats(res, &st2);
		assert_int_equal(st2.queries, st1.queries);	/* no more */
		assert_non_null(o2.r[0].txt);
		dnsbl_outcome_clear(&o2);
	}
	dnsbl_outcome_clear(&o);

	/* again (the poll test above was the second time): counted again,
	 * cached answers */
	l = dnsbl_start(&set, res, &ip, deadline_in(2000));
	dnsbl_finish(l, &o);
	assert_int_equal(atomic_load(&set.zones[2].list_errors), 3);
	dnsbl_outcome_clear(&o);

	/* IPv6: nibble names; the IPv4-only list is not asked */
	assert_int_equal(ipaddr_parse("2001:db8::25", &ip), 0);
	assert_int_equal(dns_mem_add(m, "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org", DNS_T_A,
	    "127.0.0.3", &err), 0);
	l = dnsbl_start(&set, res, &ip, deadline_in(2000));
	dnsbl_finish(l, &o);
	assert_int_equal(o.n, 4);
	assert_int_equal(o.r[0].status, DNSBL_LISTED);
	assert_int_equal(o.r[0].hits, 2);		/* CSS */
	assert_int_equal(o.score, 3);
	dnsbl_outcome_clear(&o);

	/* nothing to ask: no lists, no address */
	assert_null(dnsbl_start(&set, res, NULL, deadline_in(10)));
	free_set(&set);
	memset(&set, 0, sizeof(set));
	assert_null(dnsbl_start(&set, res, &ip, deadline_in(10)));
	dnsbl_finish(NULL, &o);
	assert_false(o.checked);

	/* a started lookup can be dropped */
	make_set(&set, names, 2);
	dnsbl_cancel(dnsbl_start(&set, res, &ip, deadline_in(2000)));
	free_set(&set);

	dns_resolver_unref(res);
	dns_mem_free(m);
	str_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_query_name),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
