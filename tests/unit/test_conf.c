/*
 * test_conf - the config loader: built-in defaults, a full config, the
 * shipped sample, and a table of broken files whose errors must name
 * file:line and say what is wrong. Also checks that every option is
 * documented in conf/authgate.conf and conf/authgate.conf.5.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "util/ipaddr.h"
#include "util/str.h"
#include "spf/spf.h"
#include "ipcheck/iplist.h"
#include "verdict/policy.h"
#include "config/conf.h"

static char tmpdir[] = "/tmp/authgate-test-conf.XXXXXX";

/* write_file - a config file in the temporary directory */
static const char *
write_file(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("cannot write %s", path);
	fputs(text, f);
	fclose(f);
	return path;
}

static int
setup(void **state)
{
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_defaults(void **state)
{
	struct conf *c;
	str err;

	str_init(&err);
	assert_int_equal(conf_load(NULL, 0, &c, &err), 0);
	assert_null(c->path);
	assert_string_equal(c->socket, "unix:" RUNSTATEDIR
	    "/authgate/authgate.sock");
	assert_int_equal(c->socket_mode, 0660);
	assert_string_equal(c->user, "");
	assert_true(strlen(c->authserv_id) > 0);
	assert_string_equal(c->dns_servers, "");
	assert_int_equal(c->dns.timeout_ms, 2000);
	assert_int_equal(c->dns.tries, 2);
	assert_int_equal(c->spf_timeout_ms, 10000);
	assert_true(c->spf_mailfrom && c->spf_helo);
	assert_false(c->received_spf_header);
	assert_int_equal(c->policy.reject_stage, STAGE_RCPT);
	assert_int_equal(c->policy.spf_mailfrom[SPFR_FAIL], ACT_REJECT);
	assert_int_equal(c->policy.spf_mailfrom[SPFR_TEMPERROR], ACT_TEMPFAIL);
	assert_int_equal(c->policy.spf_mailfrom[SPFR_SOFTFAIL], ACT_ACCEPT);
	assert_int_equal(c->policy.spf_helo[SPFR_FAIL], ACT_REJECT);
	/* own servers (loopback) and logged-in users are not checked */
	assert_int_equal(c->trusted_networks.n, 2);
	assert_string_equal(c->trusted_networks.v[0].cidr, "127.0.0.0/8");
	assert_string_equal(c->trusted_networks.v[1].cidr, "::1/128");
	assert_int_equal(c->policy.trusted[CHECK_SPF], EXEMPT_SKIP);
	assert_int_equal(c->policy.authenticated[CHECK_SPF], EXEMPT_SKIP);
	assert_int_equal(c->policy.spf_exempt_domains.n, 0);
	assert_true(c->dkim_enabled && c->dmarc_enabled);
	assert_int_equal(c->dkim.min_key_bits, 1024);
	assert_false(c->dkim.allow_sha1);
	assert_int_equal(c->dkim.max_signatures, 5);
	assert_int_equal(c->dmarc_mode, DMARC_RFC9989);
	assert_int_equal(c->policy.dmarc.fail[DMARC_P_REJECT], ACT_REJECT);
	assert_int_equal(c->policy.dmarc.fail[DMARC_P_QUARANTINE], ACT_ACCEPT);
	assert_int_equal(c->policy.dmarc.temperror, ACT_TEMPFAIL);
	assert_int_equal(c->policy.bad_from, ACT_REJECT);
	assert_false(c->policy.dmarc.report_only);
	assert_int_equal(c->policy.trusted[CHECK_DMARC], EXEMPT_SKIP);
	assert_int_equal(c->trusted_forwarders.n, 0);
	conf_free(c);

	/* a missing default file means defaults; a missing -c file is an error */
	assert_int_equal(conf_load("/nonexistent/authgate.conf", 0, &c, &err), 0);
	conf_free(c);
	assert_int_equal(conf_load("/nonexistent/authgate.conf", 1, &c, &err),
	    -1);
	assert_null(c);
	assert_non_null(strstr(str_cstr(&err), "/nonexistent/authgate.conf: "
	    "cannot read"));
	str_free(&err);
}

/* same_words - two lists of words hold the same words in the same order */
static void
same_words(const char *what, char *const *a, size_t na, char *const *b,
    size_t nb)
{
	size_t i;

	if (na != nb)
		fail_msg("%s: %zu entries from the option table, %zu from "
		    "policy_defaults()", what, na, nb);
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			fail_msg("%s: \"%s\" against \"%s\"", what, a[i], b[i]);
}

/* SAME - one field of struct policy, named when it differs */
#define SAME(field)							\
	do {								\
		if (memcmp(&x.field, &y.field, sizeof(x.field)) != 0)	\
			fail_msg("policy." #field " differs: the option "	\
			    "table's default is not policy_defaults()");	\
	} while (0)

/* the option tables' defaults (a config without a file) and
 * policy_defaults() are one policy: they are written in two places */
static void
test_table_defaults_are_policy_defaults(void **state)
{
	struct policy x, y, defaults;
	struct conf *c;
	size_t i;
	str err;

	str_init(&err);
	assert_int_equal(conf_load(NULL, 0, &c, &err), 0);
	policy_defaults(&defaults);
	/* copies whose allocated parts can be set aside below */
	memcpy(&x, &c->policy, sizeof(x));
	memcpy(&y, &defaults, sizeof(y));
	/* the lists, by their contents */
	same_words("exempt_recipients", x.exempt_rcpts, x.nexempt_rcpts,
	    y.exempt_rcpts, y.nexempt_rcpts);
	same_words("spf.exempt_domains", x.spf_exempt_domains.v,
	    x.spf_exempt_domains.n, y.spf_exempt_domains.v,
	    y.spf_exempt_domains.n);
	same_words("allowlist_senders", x.allowlist_senders.v,
	    x.allowlist_senders.n, y.allowlist_senders.v,
	    y.allowlist_senders.n);
	same_words("dmarc.trusted_signers", x.dmarc_trusted_signers.v,
	    x.dmarc_trusted_signers.n, y.dmarc_trusted_signers.v,
	    y.dmarc_trusted_signers.n);
	same_words("dmarc.trusted_sealers", x.dmarc_trusted_sealers.v,
	    x.dmarc_trusted_sealers.n, y.dmarc_trusted_sealers.v,
	    y.dmarc_trusted_sealers.n);
	assert_int_equal(x.dmarc_trusted_clients.n, y.dmarc_trusted_clients.n);
	assert_int_equal(x.ndmarc_overrides, y.ndmarc_overrides);
	for (i = 0; i < CHECK_COUNT; i++)
		if ((x.text[i] == NULL) != (y.text[i] == NULL))
			fail_msg("text of check %zu differs", i);
	assert_true(x.score_text == NULL && y.score_text == NULL);
	/* then every other field, by value */
	SAME(reject_stage);
	SAME(rfc7372_codes);
	SAME(quarantine_header);
	SAME(report_only);
	SAME(spf_mailfrom);
	SAME(spf_helo);
	SAME(spf_wait_for_dmarc);
	SAME(dkim);
	SAME(dmarc);
	SAME(bad_from);
	SAME(trusted);
	SAME(authenticated);
	SAME(allowlisted);
	SAME(exempt_rcpt);
	SAME(ip_checks);
	SAME(dnsbl_threshold);
	SAME(dnsbl_allow_threshold);
	SAME(dnsbl_action);
	SAME(dnsbl_temperror);
	SAME(iprev);
	SAME(generic_weight);
	SAME(helo);
	SAME(authz);
	SAME(score);
	/* a field added to struct policy and not named above: the whole
	 * struct with the allocated parts set aside */
	x.exempt_rcpts = y.exempt_rcpts = NULL;
	memset(&x.spf_exempt_domains, 0, sizeof(x.spf_exempt_domains));
	memset(&y.spf_exempt_domains, 0, sizeof(y.spf_exempt_domains));
	memset(&x.allowlist_senders, 0, sizeof(x.allowlist_senders));
	memset(&y.allowlist_senders, 0, sizeof(y.allowlist_senders));
	memset(&x.dmarc_trusted_signers, 0, sizeof(x.dmarc_trusted_signers));
	memset(&y.dmarc_trusted_signers, 0, sizeof(y.dmarc_trusted_signers));
	memset(&x.dmarc_trusted_sealers, 0, sizeof(x.dmarc_trusted_sealers));
	memset(&y.dmarc_trusted_sealers, 0, sizeof(y.dmarc_trusted_sealers));
	memset(&x.dmarc_trusted_clients, 0, sizeof(x.dmarc_trusted_clients));
	memset(&y.dmarc_trusted_clients, 0, sizeof(y.dmarc_trusted_clients));
	x.dmarc_overrides = y.dmarc_overrides = NULL;
	if (memcmp(&x, &y, sizeof(x)) != 0)
		fail_msg("struct policy differs in a field this test does not "
		    "name: add it to the SAME() list");
	policy_free(&defaults);
	conf_free(c);
	str_free(&err);
}

static void
test_full_config(void **state)
{
	struct conf *c;
	const char *path;
	str err;

	path = write_file("full.conf",
	    "# every kind of value\n"
	    "authserv_id = mx.example.org\n"
	    "socket = \"inet:8891@127.0.0.1\"\n"
	    "socket_mode = \"\"\n"
	    "user = root\n"
	    "pid_file = /run/authgate.pid\n"
	    "syslog_facility = local3\n"
	    "log_level = debug\n"
	    "milter_timeout = 2m\n"
	    "check_threads = 16\n"
	    "reject_stage = eom\n"
	    "trusted_networks = \"10.1.0.0/16 2001:db8::/32,192.0.2.9\"\n"
	    "trusted_forwarders = \"pobox.example, fwd.example\"\n"
	    "dns {\n"
	    "  servers = \"127.0.0.1:5300, [::1]:5300\"\n"
	    "  timeout = 750ms\n"
	    "  tries = 3\n"
	    "  cache_size = 500\n"
	    "  cache_max_ttl = 1h\n"
	    "  cache_max_negative_ttl = 5m\n"
	    "}\n"
	    "spf {\n"
	    "  timeout = 4s\n"
	    "  received_spf_header = yes\n"
	    "  mailfrom { softfail = reject  permerror = tempfail }\n"
	    "  helo { enabled = no }\n"
	    "  trusted = record\n"
	    "  authenticated = check\n"
	    "  exempt_domains = \"Partner.Example., .lists.example\"\n"

	    "}\n"
	    "dkim {\n"
	    "  min_key_bits = 2048\n"
	    "  allow_sha1 = yes\n"
	    "  max_signatures = 3\n"
	    "  timeout = 3s\n"
	    "  authenticated = record\n"
	    "  fail = quarantine\n"
	    "}\n"
	    "dmarc {\n"
	    "  mode = rfc7489\n"
	    "  quarantine = quarantine\n"
	    "  temperror = accept\n"
	    "  bad_from = tempfail\n"
	    "  report_only = yes\n"
	    "  trusted_signers = \"lists.example.org\"\n"
	    "  trusted_clients = \"198.51.100.0/24\"\n"
	    "  domain \"paypal.example\" {\n"
	    "    quarantine = reject\n"
	    "    report_only = 0\n"
	    "  }\n"
	    "  domain \".lists.example\" {\n"
	    "    reject = accept\n"
	    "  }\n"
	    "}\n");
	str_init(&err);
	if (conf_load(path, 1, &c, &err) != 0)
		fail_msg("%s", str_cstr(&err));
	assert_int_equal(c->dkim.min_key_bits, 2048);
	assert_true(c->dkim.allow_sha1);
	assert_int_equal(c->dkim.max_signatures, 3);
	assert_int_equal(c->dkim.timeout_ms, 3000);
	assert_int_equal(c->policy.authenticated[CHECK_DKIM], EXEMPT_RECORD);
	assert_int_equal(c->policy.dkim[DKIMR_FAIL], ACT_QUARANTINE);
	assert_int_equal(c->dmarc_mode, DMARC_RFC7489);
	assert_int_equal(c->policy.dmarc.fail[DMARC_P_QUARANTINE],
	    ACT_QUARANTINE);
	assert_int_equal(c->policy.dmarc.temperror, ACT_ACCEPT);
	assert_int_equal(c->policy.bad_from, ACT_TEMPFAIL);
	assert_true(c->policy.dmarc.report_only);
	assert_int_equal(c->policy.dmarc_trusted_signers.n, 1);
	assert_int_equal(c->policy.dmarc_trusted_clients.n, 1);
	assert_int_equal(c->policy.ndmarc_overrides, 2);
	{
		const struct dmarc_actions *a;

		/* an override takes the section's values for what it omits */
		a = policy_dmarc_actions(&c->policy, "PayPal.example");
		assert_int_equal(a->fail[DMARC_P_QUARANTINE], ACT_REJECT);
		assert_int_equal(a->fail[DMARC_P_REJECT], ACT_REJECT);
		assert_int_equal(a->temperror, ACT_ACCEPT);
		assert_false(a->report_only);
		a = policy_dmarc_actions(&c->policy, "x.lists.example");
		assert_int_equal(a->fail[DMARC_P_REJECT], ACT_ACCEPT);
		assert_true(a->report_only);
		a = policy_dmarc_actions(&c->policy, "other.example");
		assert_ptr_equal(a, &c->policy.dmarc);
	}
	assert_string_equal(c->authserv_id, "mx.example.org");
	assert_string_equal(c->socket, "inet:8891@127.0.0.1");
	assert_int_equal(c->socket_mode, -1);
	assert_int_equal(c->syslog_facility, LOG_LOCAL3);
	assert_int_equal(c->log_level, LOG_DEBUG);
	assert_int_equal(c->milter_timeout, 120);
	assert_int_equal(c->check_threads, 16);
	assert_int_equal(c->policy.reject_stage, STAGE_EOM);
	assert_string_equal(c->dns.servers, "127.0.0.1:5300, [::1]:5300");
	assert_int_equal(c->dns.timeout_ms, 750);
	assert_int_equal(c->dns.tries, 3);
	assert_int_equal(c->dns.cache_size, 500);
	assert_int_equal(c->dns.cache_max_ttl, 3600);
	assert_int_equal(c->dns.cache_max_negative_ttl, 300);
	assert_int_equal(c->spf_timeout_ms, 4000);
	assert_true(c->received_spf_header);
	assert_int_equal(c->policy.spf_mailfrom[SPFR_SOFTFAIL], ACT_REJECT);
	assert_int_equal(c->policy.spf_mailfrom[SPFR_PERMERROR], ACT_TEMPFAIL);
	assert_int_equal(c->policy.spf_mailfrom[SPFR_FAIL], ACT_REJECT);
	assert_false(c->spf_helo);
	assert_true(c->spf_mailfrom);
	assert_int_equal(c->trusted_networks.n, 3);
	assert_string_equal(c->trusted_networks.v[0].cidr, "192.0.2.9/32");
	assert_int_equal(c->policy.trusted[CHECK_SPF], EXEMPT_RECORD);
	assert_int_equal(c->policy.authenticated[CHECK_SPF], EXEMPT_CHECK);
	assert_int_equal(c->policy.spf_exempt_domains.n, 2);
	assert_string_equal(c->policy.spf_exempt_domains.v[0],
	    "partner.example");
	assert_int_equal(c->trusted_forwarders.n, 2);
	assert_string_equal(c->trusted_forwarders.v[1], "fwd.example");
	conf_free(c);
	str_free(&err);
}

struct bad_case {
	const char	*text;
	const char	*error;		/* expected after "FILE:" */
};

static const struct bad_case bad_cases[] = {
	{ "foo = 1\n", "1: unknown option 'foo'" },
	{ "# comment\n\nspf {\n  bogus = 1\n}\n",
	    "4: unknown option 'bogus' in section spf" },
	{ "dns {\n  timeout = 2x\n}\n",
	    "2: option 'timeout': \"2x\" is not a duration" },
	{ "dns {\n  timeout = -5s\n}\n", "2: option 'timeout'" },
	{ "spf {\n  mailfrom {\n    fail = bounce\n  }\n}\n",
	    "3: option 'fail': \"bounce\" is not an action" },
	{ "dns {\n  tries = 0\n}\n",
	    "2: option 'tries': 0 is out of range (1..10)" },
	{ "metrics = \"localhost:9464\"\n",
	    "1: option 'metrics': \"localhost:9464\" is not ADDRESS:PORT" },
	{ "log_format = xml\n", "1: option 'log_format'" },
	{ "dmarc_reports {\n  store = \"sqlite:relative.db\"\n}\n",
	    "2: option 'store': \"sqlite:relative.db\" is not sqlite:" },
	{ "dmarc_reports {\n  retention = 1h\n}\n",
	    "2: option 'retention': at least 2d" },
	{ "dmarc_reports {\n  transport = \"smtp:mx.example:25\"\n}\n",
	    "2: option 'transport': \"smtp:mx.example:25\" is not" },
	{ "dmarc_reports {\n  queue = 0\n}\n", "2: option 'queue': 0 is out" },
	{ "dns {\n  cache_size = lots\n}\n", "2: invalid integer value for "
	    "option 'cache_size'" },
	{ "socket = \"tcp:1234\"\n", "1: option 'socket': \"tcp:1234\" is not" },
	{ "socket = \"inet:99999@host\"\n", "1: option 'socket'" },
	{ "socket = \"unix:relative.sock\"\n", "1: option 'socket'" },
	{ "user = no_such_user_authgate\n",
	    "1: option 'user': no such user \"no_such_user_authgate\"" },
	{ "pid_file = run/x.pid\n", "1: option 'pid_file': \"run/x.pid\" is not "
	    "an absolute path" },
	{ "dns {\n  servers = \"localhost\"\n}\n",
	    "2: option 'servers': bad nameserver \"localhost\"" },
	{ "log_level = loud\n", "1: option 'log_level': \"loud\" is not a log "
	    "level" },
	{ "syslog_facility = kern9\n", "1: option 'syslog_facility'" },
	{ "reject_stage = quit\n", "1: option 'reject_stage': \"quit\" "
	    "is not a stage" },
	/* connect-stage checks */
	{ "ip_lists {\n  list \"x\" {\n    networks = \"10.0.0.0/33\"\n"
	    "  }\n}\n", "4: ip_lists list \"x\": \"10.0.0.0/33\" has a prefix "
	    "longer than 32 bits" },
	{ "ip_lists {\n  list \"x\" {\n    action = maybe\n  }\n}\n",
	    "3: option 'action': \"maybe\" is not allow, reject or tempfail" },
	{ "ip_lists {\n  list \"x\" {\n    file = \"/nonexistent/list\"\n"
	    "  }\n}\n", "4: ip_lists list \"x\": /nonexistent/list: cannot "
	    "read" },
	{ "ip_lists {\n  list \"x\" {\n    text = \"%{ip} %{nope}\"\n"
	    "  }\n}\n", "4: ip_lists list \"x\": unknown macro %{nope}" },
	{ "dnsbl {\n  zone \"zen.spamhaus.org\" {\n    listing "
	    "\"127.0.0.300\" {\n    }\n  }\n}\n", "4: listing \"127.0.0.300\"" },
	{ "dnsbl {\n  zone \"bad_zone\" {\n  }\n}\n",
	    "3: dnsbl zone \"bad_zone\": \"bad_zone\" is not a domain name" },
	{ "dnsbl {\n  zone \"bl.example\" {\n    listing \"127.0.0.2\" {\n"
	    "      weight = 1000\n    }\n  }\n}\n", "5: listing \"127.0.0.2\": "
	    "weight 1000 is out of range" },
	{ "dnsbl {\n  zone \"bl.example\" {\n    listing \"127.0.0.2\" {\n"
	    "      class = evil\n    }\n  }\n}\n", "4: option 'class': \"evil\" "
	    "is not reputation, policy or allow" },
	{ "dnsbl {\n  zone \"bl.example\" {\n    url = \"https://x/%{who}\"\n"
	    "  }\n}\n", "4: dnsbl zone \"bl.example\": unknown macro %{who}" },
	{ "dnsbl {\n  threshold = 2\n  allow_threshold = 2\n}\n",
	    "4: dnsbl: allow_threshold (2) must be below threshold (2)" },
	{ "iprev {\n  max_names = 500\n}\n", "2: option 'max_names': 500 is "
	    "out of range (1..50)" },
	{ "iprev {\n  generic_patterns = {\"dyn(\"}\n}\n",
	    "2: option 'generic_patterns':" },
	{ "iprev {\n  unconfirmed = bounce\n}\n", "2: option 'unconfirmed'" },
	{ "helo {\n  own_name = bounce\n}\n", "2: option 'own_name'" },
	{ "sender_networks {\n  domain \"bank.example\" {\n  }\n}\n",
	    "3: sender_networks domain \"bank.example\": no networks given" },
	{ "sender_networks {\n  domain \"bank.example\" {\n    networks = "
	    "\"192.0.2.0/24\"\n    identities = \"envelope\"\n  }\n}\n",
	    "5: sender_networks domain \"bank.example\": \"envelope\" is not an "
	    "identity" },
	{ "score {\n  tag = 12\n  reject = 10\n}\n", "4: score: thresholds "
	    "out of order: reject (10) must be above tag (12)" },
	{ "score {\n  quarantine = 20\n}\n", "3: score: thresholds out of "
	    "order: reject (10) must be above quarantine (20)" },
	{ "score {\n  reject = 5000\n}\n", "3: score: reject = 5000 is out "
	    "of range" },
	{ "score {\n  spf {\n    fail = 500\n  }\n}\n", "3: option 'fail': "
	    "500 is out of range (-100..100)" },
	{ "score {\n  helo {\n    bogus = 1\n  }\n}\n", "3: unknown option "
	    "'bogus'" },
	{ "\ndmarc {\n  text = \"%{ip} %{whom}\"\n}\n", "3: option 'text': "
	    "unknown macro %{whom}" },
	{ "override \"x.example\" {\n  dnsbl {\n    zone \"a.example\" {\n"
	    "    }\n  }\n}\n", "6: override \"x.example\": option 'dnsbl.zone' "
	    "cannot be set per domain" },
	{ "score {\n  reject = 20\n}\noverride \"x.example\" {\n  score {\n"
	    "    tag = 30\n  }\n}\n", " override \"x.example\": score: "
	    "thresholds out of order: reject (20) must be above tag (30)" },
	{ "override \"x.example\" {\n  frobnicate = 1\n}\n", "2: unknown "
	    "option 'frobnicate' in section override" },
	{ "override \"bad_name\" {\n}\n", "2: override \"bad_name\": "
	    "\"bad_name\" is not a domain name" },
	{ "override \"x.example\" {\n  match = author\n}\n", "2: option "
	    "'match': \"author\" is not recipient or sender" },
	{ "reply_codes = rfc5321\n", "1: option 'reply_codes': \"rfc5321\" is "
	    "not generic or rfc7372" },
	{ "iprev {\n  report_only = perhaps\n}\n", "2:" },
	{ "exempt_recipients = \"postmaster <abuse>\"\n",
	    "1: option 'exempt_recipients': \"<abuse>\"" },
	{ "authserv_id = \"mx example\"\n", "1: option 'authserv_id'" },
	{ "socket_mode = 0999\n", "1: option 'socket_mode'" },
	{ "spf {\n  received_spf_header = maybe\n}\n", "2:" },
	{ "check_threads = 0\n", "1: option 'check_threads'" },
	{ "trusted_networks = \"10.0.0.1/8\"\n", "1: option "
	    "'trusted_networks': \"10.0.0.1/8\" has address bits set beyond "
	    "its prefix length" },
	{ "\ntrusted_networks = \"127.0.0.0/8 localhost\"\n", "2: option "
	    "'trusted_networks': \"localhost\" is not an IPv4 or IPv6 address" },
	{ "trusted_networks = \"::1/129\"\n", "1: option 'trusted_networks': "
	    "\"::1/129\" has a prefix longer than 128 bits" },
	{ "trusted_networks = \"10.0.0.0/x\"\n", "1: option "
	    "'trusted_networks': \"10.0.0.0/x\" has a prefix length that is "
	    "not a number" },
	{ "spf {\n  trusted = sometimes\n}\n", "2: option 'trusted': "
	    "\"sometimes\" is not check, record or skip" },
	{ "spf {\n authenticated = yes\n}\n", "2: option 'authenticated'" },
	{ "spf {\n\n  exempt_domains = \"ok.example bad_name\"\n}\n", "3: "
	    "option 'exempt_domains': \"bad_name\" is not a domain name" },
	{ "\ntrusted_forwarders = \".fwd.example\"\n", "2: option "
	    "'trusted_forwarders': \".fwd.example\" must be a domain name "
	    "without a leading dot" },
	{ "trusted_forwarders = \"a1.ex a2.ex a3.ex a4.ex a5.ex a6.ex "
	    "a7.ex a8.ex a9.ex b1.ex b2.ex b3.ex b4.ex b5.ex b6.ex b7.ex b8.ex "
	    "b9.ex c1.ex c2.ex c3.ex\"\n", "1: option 'trusted_forwarders': "
	    "21 domains, at most 20" },
	{ "dkim {\n  min_key_bits = 256\n}\n", "2: option 'min_key_bits': 256 "
	    "is out of range (512..8192)" },
	{ "dkim {\n  max_signatures = 0\n}\n", "2: option 'max_signatures'" },
	{ "dkim {\n  fail = bounce\n}\n", "2: option 'fail': \"bounce\" is not "
	    "an action" },
	{ "dmarc {\n  mode = rfc4408\n}\n", "2: option 'mode': \"rfc4408\" is "
	    "not rfc9989 or rfc7489" },
	{ "dmarc {\n  psl_file = /nonexistent/psl.dat\n}\n", "2: option "
	    "'psl_file': cannot read \"/nonexistent/psl.dat\"" },
	{ "dmarc {\n  trusted_signers = \"lists.example bad_one\"\n}\n",
	    "2: option 'trusted_signers': \"bad_one\" is not a domain name" },
	{ "dmarc {\n  trusted_clients = \"10.0.0.1/8\"\n}\n", "2: option "
	    "'trusted_clients'" },
	{ "dmarc {\n  reject = maybe\n}\n", "2: option 'reject'" },
	{ "dmarc {\n  domain \"bad_name\" {\n    reject = accept\n  }\n}\n",
	    "4: dmarc domain section \"bad_name\"" },
	{ "dmarc {\n  domain \"a.example\" {\n    frobnicate = 1\n  }\n}\n",
	    "3: unknown option 'frobnicate'" },
	{ "dmarc {\n  trusted_sealers = \"lists.example bad_one\"\n}\n",
	    "2: option 'trusted_sealers': \"bad_one\" is not a domain name" },
	{ "arc {\n  timeout = 10ms\n}\n", "2: option 'timeout'" },
	{ "arc {\n  seal_mail = inbound\n}\n", "2: option 'seal_mail'" },
	{ "arc {\n  seal_headers = \"to:subject\"\n}\n", "2: option "
	    "'seal_headers': the list must name From" },
	{ "arc {\n  seal_headers = \"from:ARC-Seal\"\n}\n", "2: option "
	    "'seal_headers': ARC-Seal may not be signed" },
	{ "arc {\n  seal_headers = \"from authentication-results\"\n}\n",
	    "2: option 'seal_headers': authentication-results may not" },
	{ "arc {\n  seal_domain = \"lists.example\"\n}\n", " arc: sealing "
	    "needs all of seal_domain, seal_selector and seal_key" },
	{ "arc {\n  seal_domain = \"l.example\"\n  seal_selector = \"s\"\n"
	    "  seal_key = \"/nonexistent/arc.pem\"\n}\n", " arc: seal_key: "
	    "/nonexistent/arc.pem: No such file or directory" },
	{ "authserv_id = \"unterminated\n", "2: premature end of file" },
	{ "spf {\n  mailfrom {\n", "1: section opened here is never closed" },
	{ "log_level = info\n\nspf { # {\n  timeout = 1s\n", "3: section opened "
	    "here is never closed" },
	/* comments must not shift line numbers (libconfuse 3.3 miscounts) */
	{ "# one\n# two\n\nspf { # x\n  /* a\n b */ bogus = 1\n}\n",
	    "6: unknown option 'bogus' in section spf" },
	{ "// c\nlog_level = info // c\nfoo = 2\n", "3: unknown option 'foo'" },
};

static void
test_bad_configs(void **state)
{
	char name[32], want[600];
	struct conf *c;
	const char *path;
	size_t i;
	str err;

	str_init(&err);
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		snprintf(name, sizeof(name), "bad%zu.conf", i);
		path = write_file(name, bad_cases[i].text);
		if (conf_load(path, 1, &c, &err) == 0)
			fail_msg("accepted: %s", bad_cases[i].text);
		assert_null(c);
		snprintf(want, sizeof(want), "%s:%s", path, bad_cases[i].error);
		if (strstr(str_cstr(&err), want) == NULL)
			fail_msg("error for \"%s\" is \"%s\", want \"%s\"",
			    bad_cases[i].text, str_cstr(&err), want);
	}
	str_free(&err);
}

/* test_arc_seal_key - a usable sealing key loads; a file that is not
 * one is refused with the reason */
static void
test_arc_seal_key(void **state)
{
	EVP_PKEY_CTX *kc;
	EVP_PKEY *k = NULL;
	struct conf *c;
	const char *path;
	char conf[1024];
	FILE *f;
	str err;

	(void)state;
	str_init(&err);
	kc = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	assert_int_equal(EVP_PKEY_keygen_init(kc), 1);
	assert_int_equal(EVP_PKEY_keygen(kc, &k), 1);
	EVP_PKEY_CTX_free(kc);
	path = write_file("arc.pem", "");
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL,
	    NULL), 1);
	fclose(f);
	EVP_PKEY_free(k);
	snprintf(conf, sizeof(conf), "arc {\n  seal_domain = \"l.example\"\n"
	    "  seal_selector = \"s1\"\n  seal_key = \"%s\"\n}\n", path);
	path = write_file("arc.conf", conf);
	assert_int_equal(conf_load(path, 1, &c, &err), 0);
	assert_non_null(c->arc_seal_key);
	assert_string_equal(c->arc_seal_domain, "l.example");
	assert_non_null(strstr(c->arc_seal_headers, "from:"));
	conf_free(c);
	path = write_file("arc.pem", "not a key\n");
	path = write_file("arc.conf", conf);
	assert_int_equal(conf_load(path, 1, &c, &err), -1);
	assert_non_null(strstr(str_cstr(&err), "not a PEM private key"));
	str_free(&err);
}

static void
test_hash_inside_quotes(void **state)
{
	struct conf *c;
	const char *path;
	str err;

	path = write_file("hash.conf",
	    "socket = \"unix:/run/a#b.sock\" # a comment\n"
	    "authserv_id = 'mx.example' // another\n");
	str_init(&err);
	if (conf_load(path, 1, &c, &err) != 0)
		fail_msg("%s", str_cstr(&err));
	assert_string_equal(c->socket, "unix:/run/a#b.sock");
	assert_string_equal(c->authserv_id, "mx.example");
	conf_free(c);
	str_free(&err);
}

static void
test_binary_file_refused(void **state)
{
	static const char bin[] = "log_level = info\n\0\x01\x02garbage\n";
	char path[512];
	struct conf *c;
	FILE *f;
	str err;

	snprintf(path, sizeof(path), "%s/binary.conf", tmpdir);
	f = fopen(path, "w");
	fwrite(bin, 1, sizeof(bin) - 1, f);
	fclose(f);
	str_init(&err);
	assert_int_equal(conf_load(path, 1, &c, &err), -1);
	assert_non_null(strstr(str_cstr(&err), "NUL bytes"));
	str_free(&err);
}

static void
test_several_errors_reported(void **state)
{
	struct conf *c;
	const char *path;
	str err;

	path = write_file("two.conf", "log_level = loud\nfoo = 1\n");
	str_init(&err);
	assert_int_equal(conf_load(path, 1, &c, &err), -1);
	assert_non_null(strstr(str_cstr(&err), "two.conf:1:"));
	str_free(&err);
}

/* read_all - a whole file */
static char *
read_all(const char *path)
{
	FILE *f;
	long n;
	char *buf;

	if ((f = fopen(path, "r")) == NULL)
		fail_msg("cannot read %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		fail_msg("short read of %s", path);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
test_sample_config_and_docs(void **state)
{
	struct conf *c;
	char *sample, *man, *line, *save, *leaf;
	str err, names;

	str_init(&err);
	if (conf_load(TOP_SRCDIR "/conf/authgate.conf", 1, &c, &err) != 0)
		fail_msg("the sample config does not load: %s", str_cstr(&err));
	conf_free(c);
	str_free(&err);

	sample = read_all(TOP_SRCDIR "/conf/authgate.conf");
	man = read_all(TOP_SRCDIR "/conf/authgate.conf.5");
	str_init(&names);
	conf_list_options(&names);
	for (line = strtok_r(names.buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		leaf = strrchr(line, '.') != NULL ? strrchr(line, '.') + 1 : line;
		if (strstr(sample, leaf) == NULL)
			fail_msg("option %s is not in conf/authgate.conf", line);
		if (strstr(man, line) == NULL)
			fail_msg("option %s is not in conf/authgate.conf.5", line);
	}
	str_free(&names);
	free(sample);
	free(man);
}

/* the connect-stage checks: defaults, a full setup, list files */
static void
test_ip_checks(void **state)
{
	const struct dnsbl_zone *z;
	struct iplist_match m;
	struct conf *c;
	char listpath[600], text[2048];
	const char *path;
	ipaddr ip;
	str err;

	(void)state;
	str_init(&err);
	/* defaults: no DNS lists, iprev and HELO on, recorded only */
	assert_int_equal(conf_load(NULL, 0, &c, &err), 0);
	assert_int_equal(c->dnsbl.n, 0);
	assert_true(c->iprev_enabled);
	assert_int_equal(c->policy.iprev[IPREVR_PERMERROR], ACT_ACCEPT);
	assert_int_equal(c->policy.helo[HELOF_OWN_NAME], ACT_REJECT);
	assert_int_equal(c->policy.nexempt_rcpts, 2);
	assert_string_equal(c->policy.exempt_rcpts[0], "postmaster");
	assert_non_null(c->generic);
	conf_free(c);

	snprintf(listpath, sizeof(listpath), "%s", write_file("nets.txt",
	    "# partners\n192.0.2.0/24 the office\n\n2001:db8::/32\n"));
	snprintf(text, sizeof(text), "reject_stage = connect\n"
	    "ip_lists {\n list \"partners\" {\n  action = allow\n"
	    "  file = \"%s\"\n }\n"
	    " list \"bad\" {\n  networks = \"192.0.2.128/25\"\n  action = "
	    "tempfail\n }\n}\n"
	    "dnsbl {\n zone \"zen.spamhaus.org\" { }\n"
	    " zone \"bl.example\" {\n  listing \"127.0.0.2\" { weight = 2 "
	    "category = \"X\" }\n }\n}\n"
	    "iprev { no_ptr = reject  generic_weight = 0 }\n"
	    "sender_networks { domain \"Bank.Example\" { networks = "
	    "\"198.51.100.0/24\" identities = from } }\n", listpath);
	path = write_file("ip.conf", text);
	if (conf_load(path, 1, &c, &err) != 0)
		fail_msg("%s", str_cstr(&err));
	assert_int_equal(c->policy.reject_stage, STAGE_CONNECT);
	assert_int_equal(c->iplists.n, 2);
	ipaddr_parse("192.0.2.7", &ip);
	assert_int_equal(iplist_lookup(&c->iplists, &ip, &m), 1);
	assert_string_equal(m.list->name, "partners");
	assert_string_equal(m.entry->text, "the office");
	ipaddr_parse("192.0.2.200", &ip);	/* the /25 is more specific */
	assert_int_equal(iplist_lookup(&c->iplists, &ip, &m), 1);
	assert_string_equal(m.list->name, "bad");
	assert_int_equal(m.list->action, ACT_TEMPFAIL);
	assert_int_equal(c->dnsbl.n, 2);
	z = &c->dnsbl.zones[0];
	assert_true(z->nlistings >= 5);		/* the Spamhaus preset */
	z = &c->dnsbl.zones[1];
	assert_int_equal(z->nlistings, 1);
	assert_int_equal(z->listings[0].weight, 2);
	assert_string_equal(z->listings[0].category, "X");
	assert_int_equal(c->policy.iprev[IPREVR_PERMERROR], ACT_REJECT);
	assert_null(c->generic);
	assert_int_equal(c->authz.n, 1);
	assert_string_equal(c->authz.v[0].domain, "bank.example");
	assert_int_equal(c->authz.v[0].identities, AUTHZ_FROM);
	assert_true(c->policy.ip_checks & (1u << CHECK_DNSBL));
	assert_true(c->policy.ip_checks & (1u << CHECK_AUTHZ));
	conf_free(c);

	/* overrides: the file's policy with the override's options over it */
	path = write_file("ovr.conf", "spf { mailfrom { neutral = tempfail } }\n"
	    "override \"Strict.Example\" {\n spf { mailfrom { softfail = "
	    "reject } }\n}\noverride \".partner.example\" {\n match = sender\n"
	    " report_only = yes\n}\n");
	if (conf_load(path, 1, &c, &err) != 0)
		fail_msg("%s", str_cstr(&err));
	assert_int_equal(c->noverrides, 2);
	{
		const struct policy *pp;

		pp = conf_policy_for(c, "a.example", "strict.example");
		assert_int_equal(pp->spf_mailfrom[SPFR_SOFTFAIL], ACT_REJECT);
		/* what the override does not set comes from the file */
		assert_int_equal(pp->spf_mailfrom[SPFR_NEUTRAL], ACT_TEMPFAIL);
		assert_false(pp->report_only[CHECK_SPF]);
		pp = conf_policy_for(c, "mx.partner.example", "other.example");
		assert_true(pp->report_only[CHECK_DNSBL]);
		assert_int_equal(pp->spf_mailfrom[SPFR_SOFTFAIL], ACT_ACCEPT);
		/* the recipient's override wins over the sender's */
		pp = conf_policy_for(c, "mx.partner.example", "strict.example");
		assert_int_equal(pp->spf_mailfrom[SPFR_SOFTFAIL], ACT_REJECT);
		/* no match: the file's policy */
		assert_ptr_equal(conf_policy_for(c, "a.example", "b.example"),
		    &c->policy);
		/* "strict.example" is that domain only */
		assert_ptr_equal(conf_policy_for(c, NULL, "x.strict.example"),
		    &c->policy);
	}
	conf_free(c);

	/* the score model: set values over the built-in ones */
	path = write_file("score.conf", "score {\n enabled = yes\n reject = 8\n"
	    " spf { softfail = 4 }\n helo { own_name = 0 }\n}\n");
	if (conf_load(path, 1, &c, &err) != 0)
		fail_msg("%s", str_cstr(&err));
	assert_true(c->policy.score.enabled);
	assert_int_equal(c->policy.score.threshold[ACT_REJECT], 8);
	assert_int_equal(c->policy.score.threshold[ACT_TAG], 5);	/* built-in */
	assert_int_equal(c->policy.score.spf_mailfrom[SPFR_SOFTFAIL], 4);
	assert_int_equal(c->policy.score.spf_mailfrom[SPFR_FAIL], 5);
	assert_int_equal(c->policy.score.helo[HELOF_OWN_NAME], 0);
	assert_int_equal(c->policy.score.iprev[IPREVR_PERMERROR], 3);
	conf_free(c);

	/* report_only: at the top for all, in a section for that check */
	path = write_file("ro.conf", "reply_codes = rfc7372\n"
	    "iprev { report_only = yes }\n");
	if (conf_load(path, 1, &c, &err) != 0)
		fail_msg("%s", str_cstr(&err));
	assert_true(c->policy.rfc7372_codes);
	assert_true(c->policy.report_only[CHECK_IPREV]);
	assert_false(c->policy.report_only[CHECK_SPF]);
	assert_false(c->policy.report_only[CHECK_DMARC]);
	conf_free(c);
	path = write_file("ro2.conf", "report_only = yes\n");
	if (conf_load(path, 1, &c, &err) != 0)
		fail_msg("%s", str_cstr(&err));
	for (int k = 0; k < CHECK_COUNT; k++)
		assert_true(c->policy.report_only[k]);
	assert_false(c->policy.rfc7372_codes);
	conf_free(c);

	/* a malformed network in a list file: config line and file line */
	snprintf(listpath, sizeof(listpath), "%s", write_file("bad.txt",
	    "192.0.2.0/24\n10.0.0.1/8 typo\n"));
	snprintf(text, sizeof(text), "log_level = info\nip_lists {\n"
	    "  list \"x\" {\n    file = \"%s\"\n  }\n}\n", listpath);
	path = write_file("badfile.conf", text);
	assert_int_equal(conf_load(path, 1, &c, &err), -1);
	snprintf(text, sizeof(text), "%s:5: ip_lists list \"x\": %s:2: "
	    "\"10.0.0.1/8\" has address bits set beyond its prefix length",
	    path, listpath);
	if (strstr(str_cstr(&err), text) == NULL)
		fail_msg("error \"%s\", want \"%s\"", str_cstr(&err), text);
	str_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_table_defaults_are_policy_defaults),
		cmocka_unit_test(test_full_config),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_arc_seal_key),
		cmocka_unit_test(test_hash_inside_quotes),
		cmocka_unit_test(test_binary_file_refused),
		cmocka_unit_test(test_several_errors_reported),
		cmocka_unit_test(test_sample_config_and_docs),
		cmocka_unit_test(test_ip_checks),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
