/*
 * test_verdict_ip - the verdict engine over the connect-stage facts,
 * table-driven: DNS list scores (block and allow listings, the threshold,
 * the generic-name signal, a list that did not answer), reverse DNS
 * results under default and strict policies, HELO facts, the admin's
 * allow and deny lists, per-domain sender networks, exemptions (trusted,
 * authenticated, allowlisted, postmaster@), precedence against SPF, the
 * stage a refusal is delivered at, reply codes and the reply texts.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/netlist.h"
#include "mail/domlist.h"
#include "spf/spf.h"
#include "ipcheck/authz.h"
#include "ipcheck/dnsbl.h"
#include "ipcheck/helo_check.h"
#include "ipcheck/iplist.h"
#include "ipcheck/iprev.h"
#include "verdict/exempt.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"

#define NONE	(-1)

/* the listings of the test zones: bit i of a case's "hits" */
enum { L_SBL, L_PBL, L_SMALL, L_DNSWL };

/* the policy a case runs under */
enum pol { P_DEFAULT, P_STRICT_IPREV, P_HELO_STRICT, P_DNSBL_TEMPFAIL,
	P_CONNECT, P_ALLOW_RECORD, P_TAG, P_SENDER_ALLOW };

/* who the client is */
enum who { W_NOBODY, W_TRUSTED, W_AUTHED, W_ALLOWLIST, W_DENYLIST,
	W_POSTMASTER };

struct ip_case {
	const char	*name;
	unsigned	 hits;		/* listings hit, 1 << L_... */
	int		 temperror;	/* a zone did not answer */
	int		 list_error;	/* a zone answered 127.255.255.254 */
	int		 iprev;		/* iprev result or NONE */
	int		 generic;
	unsigned	 helo;		/* helo facts */
	int		 authz_bad;	/* MAIL FROM domain from a wrong net */
	int		 spf;		/* MAIL FROM SPF result or NONE */
	enum who	 who;
	enum pol	 pol;
	enum stage	 stage;
	enum action	 action;	/* answered now */
	enum action	 decided;
	const char	*check;
	const char	*code;
	const char	*reply;		/* in the first reply lines, or NULL */
	const char	*note;		/* in v.exempt, or NULL */
};

#define F(x)	(1u << (x))

static const struct ip_case cases[] = {
	/* DNS lists */
	{ "clean", 0, 0, 0, IPREVR_PASS, 0, 0, 0, SPFR_PASS, W_NOBODY,
	    P_DEFAULT, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NULL,
	    NULL },
	{ "SBL refuses at rcpt", F(L_SBL), 0, 0, IPREVR_PASS, 0, 0, 0, NONE,
	    W_NOBODY, P_DEFAULT, STAGE_RCPT, ACT_REJECT, ACT_REJECT, "dnsbl",
	    "550", "IP 198.51.100.7 is listed in zen.test (SBL, answer "
	    "127.0.0.2): spam source 42", NULL },
	{ "SBL waits before rcpt", F(L_SBL), 0, 0, IPREVR_PASS, 0, 0, 0, NONE,
	    W_NOBODY, P_DEFAULT, STAGE_MAIL, ACT_ACCEPT, ACT_REJECT, "dnsbl",
	    "550", NULL, NULL },
	{ "SBL at connect stage", F(L_SBL), 0, 0, NONE, 0, 0, 0, NONE,
	    W_NOBODY, P_CONNECT, STAGE_CONNECT, ACT_REJECT, ACT_REJECT,
	    "dnsbl", "550", "listed in zen.test", NULL },
	{ "PBL: relay advice", F(L_PBL), 0, 0, IPREVR_PASS, 0, 0, 0, NONE,
	    W_NOBODY, P_DEFAULT, STAGE_RCPT, ACT_REJECT, ACT_REJECT, "dnsbl",
	    "550", "as an end-user address that should not send mail "
	    "directly", NULL },
	{ "small list alone below the threshold", F(L_SMALL), 0, 0,
	    IPREVR_PASS, 0, 0, 0, NONE, W_NOBODY, P_DEFAULT, STAGE_RCPT,
	    ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NULL, NULL },
	{ "small list plus a generic name reaches 3", F(L_SMALL), 0, 0,
	    IPREVR_PASS, 1, 0, 0, NONE, W_NOBODY, P_DEFAULT, STAGE_RCPT,
	    ACT_REJECT, ACT_REJECT, "dnsbl", "550", NULL, NULL },
	{ "generic name alone is no refusal", 0, 0, 0, IPREVR_PASS, 1, 0, 0,
	    NONE, W_NOBODY, P_DEFAULT, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT,
	    NULL, NULL, NULL, NULL },
	{ "DNSWL offsets SBL", F(L_SBL) | F(L_DNSWL), 0, 0, IPREVR_PASS, 0, 0,
	    0, NONE, W_NOBODY, P_DEFAULT, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT,
	    NULL, NULL, NULL, NULL },
	{ "SBL plus small: score line", F(L_SBL) | F(L_SMALL), 0, 0,
	    IPREVR_PASS, 0, 0, 0, NONE, W_NOBODY, P_DEFAULT, STAGE_RCPT,
	    ACT_REJECT, ACT_REJECT, "dnsbl", "550", "Score 5, the limit is 3",
	    NULL },
	{ "list error is no listing", 0, 0, 1, IPREVR_PASS, 0, 0, 0, NONE,
	    W_NOBODY, P_DEFAULT, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL,
	    NULL, NULL },
	{ "list timeout accepted by default", 0, 1, 0, IPREVR_PASS, 0, 0, 0,
	    NONE, W_NOBODY, P_DEFAULT, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL,
	    NULL, NULL, NULL },
	{ "list timeout tempfails when asked", 0, 1, 0, IPREVR_PASS, 0, 0, 0,
	    NONE, W_NOBODY, P_DNSBL_TEMPFAIL, STAGE_RCPT, ACT_TEMPFAIL,
	    ACT_TEMPFAIL, "dnsbl", "451", "did not answer", NULL },
	{ "listed wins over a timeout", F(L_SBL), 1, 0, IPREVR_PASS, 0, 0, 0,
	    NONE, W_NOBODY, P_DNSBL_TEMPFAIL, STAGE_RCPT, ACT_REJECT,
	    ACT_REJECT, "dnsbl", "550", NULL, NULL },
	/* reverse DNS */
	{ "iprev fail recorded", 0, 0, 0, IPREVR_FAIL, 0, 0, 0, NONE,
	    W_NOBODY, P_DEFAULT, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL,
	    NULL, NULL, NULL },
	{ "iprev permerror recorded", 0, 0, 0, IPREVR_PERMERROR, 0, 0, 0,
	    NONE, W_NOBODY, P_DEFAULT, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL,
	    NULL, NULL, NULL },
	{ "strict: no PTR refused", 0, 0, 0, IPREVR_PERMERROR, 0, 0, 0, NONE,
	    W_NOBODY, P_STRICT_IPREV, STAGE_RCPT, ACT_REJECT, ACT_REJECT,
	    "iprev", "550", "has no reverse DNS (PTR record)", NULL },
	{ "strict: unconfirmed refused", 0, 0, 0, IPREVR_FAIL, 0, 0, 0, NONE,
	    W_NOBODY, P_STRICT_IPREV, STAGE_RCPT, ACT_REJECT, ACT_REJECT,
	    "iprev", "550", "names host.example, but no such name resolves "
	    "back", NULL },
	{ "strict: temperror is 450", 0, 0, 0, IPREVR_TEMPERROR, 0, 0, 0, NONE,
	    W_NOBODY, P_STRICT_IPREV, STAGE_RCPT, ACT_TEMPFAIL, ACT_TEMPFAIL,
	    "iprev", "450", "could not be checked just now", NULL },
	{ "strict: pass accepted", 0, 0, 0, IPREVR_PASS, 0, 0, 0, NONE,
	    W_NOBODY, P_STRICT_IPREV, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL,
	    NULL, NULL, NULL },
	/* HELO */
	{ "HELO own name refused", 0, 0, 0, IPREVR_PASS, 0,
	    F(HELOF_OWN_NAME), 0, NONE, W_NOBODY, P_DEFAULT, STAGE_RCPT,
	    ACT_REJECT, ACT_REJECT, "helo", "550", "is a name of this server",
	    NULL },
	{ "HELO literal recorded", 0, 0, 0, IPREVR_PASS, 0,
	    F(HELOF_IP_LITERAL), 0, NONE, W_NOBODY, P_DEFAULT, STAGE_RCPT,
	    ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NULL, NULL },
	{ "strict HELO: the strongest fact explains", 0, 0, 0, IPREVR_PASS, 0,
	    F(HELOF_NOT_FQDN) | F(HELOF_UNRESOLVABLE), 0, NONE, W_NOBODY,
	    P_HELO_STRICT, STAGE_RCPT, ACT_REJECT, ACT_REJECT, "helo", "550",
	    "is not a fully qualified domain name", NULL },
	/* the admin's lists */
	{ "deny list", 0, 0, 0, IPREVR_PASS, 0, 0, 0, SPFR_PASS, W_DENYLIST,
	    P_DEFAULT, STAGE_RCPT, ACT_REJECT, ACT_REJECT, "ip_list", "550",
	    "on this server's list \"blocked\"", NULL },
	{ "allow list skips DNS lists", F(L_SBL), 0, 0, IPREVR_PASS, 0, 0, 0,
	    NONE, W_ALLOWLIST, P_DEFAULT, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT,
	    NULL, NULL, NULL, "DNSBL not checked (allow list partners "
	    "198.51.100.0/24)" },
	{ "allow list records iprev", 0, 0, 0, IPREVR_PERMERROR, 0, 0, 0,
	    NONE, W_ALLOWLIST, P_STRICT_IPREV, STAGE_RCPT, ACT_ACCEPT,
	    ACT_ACCEPT, NULL, NULL, NULL, "iprev=permerror not enforced "
	    "(allow list partners" },
	{ "allow list, DNS lists recorded when asked", F(L_SBL), 0, 0,
	    IPREVR_PASS, 0, 0, 0, NONE, W_ALLOWLIST, P_ALLOW_RECORD,
	    STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NULL,
	    "dnsbl score 3 not enforced (allow list partners" },
	{ "allow list does not excuse SPF", 0, 0, 0, IPREVR_PASS, 0, 0, 0,
	    SPFR_FAIL, W_ALLOWLIST, P_DEFAULT, STAGE_RCPT, ACT_REJECT,
	    ACT_REJECT, "spf-mailfrom", "550", NULL, NULL },
	{ "DNSWL score allowlists iprev", F(L_DNSWL), 0, 0, IPREVR_FAIL, 0, 0,
	    0, NONE, W_NOBODY, P_STRICT_IPREV, STAGE_RCPT, ACT_ACCEPT,
	    ACT_ACCEPT, NULL, NULL, NULL, "iprev=fail not enforced "
	    "(allowlisted by DNSWL score)" },
	/* allowlisted sender domains: only with SPF pass */
	{ "allowlisted sender with SPF pass skips DNS lists", F(L_SBL), 0, 0,
	    IPREVR_PASS, 0, 0, 0, SPFR_PASS, W_NOBODY, P_SENDER_ALLOW,
	    STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NULL,
	    "DNSBL not checked (allowlisted sender domain (SPF pass) "
	    "bank.example)" },
	{ "allowlisted sender without SPF pass is not", F(L_SBL), 0, 0,
	    IPREVR_PASS, 0, 0, 0, SPFR_SOFTFAIL, W_NOBODY, P_SENDER_ALLOW,
	    STAGE_RCPT, ACT_REJECT, ACT_REJECT, "dnsbl", "550", NULL, NULL },
	/* sender networks */
	{ "sender networks mismatch", 0, 0, 0, IPREVR_PASS, 0, 0, 1,
	    SPFR_NEUTRAL, W_NOBODY, P_DEFAULT, STAGE_RCPT, ACT_REJECT,
	    ACT_REJECT, "sender_networks", "550", "Mail with the MAIL FROM "
	    "domain bank.example may come only from", NULL },
	{ "sender networks explain before SPF", 0, 0, 0, IPREVR_PASS, 0, 0, 1,
	    SPFR_FAIL, W_NOBODY, P_DEFAULT, STAGE_RCPT, ACT_REJECT, ACT_REJECT,
	    "sender_networks", "550", NULL, NULL },
	{ "sender networks: authenticated skipped", 0, 0, 0, IPREVR_PASS, 0,
	    0, 1, NONE, W_AUTHED, P_DEFAULT, STAGE_RCPT, ACT_ACCEPT,
	    ACT_ACCEPT, NULL, NULL, NULL, "sender networks" },
	/* precedence */
	{ "deny list explains before DNS lists", F(L_SBL), 0, 0, IPREVR_PASS,
	    0, 0, 0, NONE, W_DENYLIST, P_DEFAULT, STAGE_RCPT, ACT_REJECT,
	    ACT_REJECT, "ip_list", "550", NULL, NULL },
	{ "SPF explains before DNS lists", F(L_SBL), 0, 0, IPREVR_PASS, 0, 0,
	    0, SPFR_FAIL, W_NOBODY, P_DEFAULT, STAGE_RCPT, ACT_REJECT,
	    ACT_REJECT, "spf-mailfrom", "550", NULL, NULL },
	{ "reject beats SPF tempfail", F(L_SBL), 0, 0, IPREVR_PASS, 0, 0, 0,
	    SPFR_TEMPERROR, W_NOBODY, P_DEFAULT, STAGE_RCPT, ACT_REJECT,
	    ACT_REJECT, "dnsbl", "550", NULL, NULL },
	{ "DNS lists explain before iprev", F(L_SBL), 0, 0, IPREVR_PERMERROR,
	    0, 0, 0, NONE, W_NOBODY, P_STRICT_IPREV, STAGE_RCPT, ACT_REJECT,
	    ACT_REJECT, "dnsbl", "550", NULL, NULL },
	/* tag and quarantine: only at the end of the message */
	{ "tag waits for the message", 0, 0, 0, IPREVR_FAIL, 0, 0, 0, NONE,
	    W_NOBODY, P_TAG, STAGE_RCPT, ACT_ACCEPT, ACT_TAG, "iprev", NULL,
	    NULL, NULL },
	{ "tag at eom", 0, 0, 0, IPREVR_FAIL, 0, 0, 0, NONE, W_NOBODY, P_TAG,
	    STAGE_EOM, ACT_TAG, ACT_TAG, "iprev", NULL, "names host.example",
	    NULL },
	{ "quarantine beats tag", 0, 0, 0, IPREVR_PERMERROR, 0,
	    F(HELOF_NOT_FQDN), 0, NONE, W_NOBODY, P_TAG, STAGE_EOM,
	    ACT_QUARANTINE, ACT_QUARANTINE, "iprev", NULL, NULL, NULL },
	{ "reject beats tag", F(L_SBL), 0, 0, IPREVR_FAIL, 0, 0, 0, NONE,
	    W_NOBODY, P_TAG, STAGE_EOM, ACT_REJECT, ACT_REJECT, "dnsbl", "550",
	    NULL, NULL },
	{ "tag of an exempt recipient is a note", 0, 0, 0, IPREVR_FAIL, 0, 0,
	    0, NONE, W_POSTMASTER, P_TAG, STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT,
	    NULL, NULL, NULL, "iprev=fail not enforced (mail to postmaster)" },
	/* exemptions */
	{ "postmaster from a listed IP", F(L_SBL), 0, 0, IPREVR_PASS, 0, 0, 0,
	    NONE, W_POSTMASTER, P_DEFAULT, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT,
	    NULL, NULL, NULL, "dnsbl score 3 not enforced (mail to "
	    "postmaster)" },
	{ "postmaster: own HELO recorded", 0, 0, 0, IPREVR_PASS, 0,
	    F(HELOF_OWN_NAME), 0, NONE, W_POSTMASTER, P_DEFAULT, STAGE_RCPT,
	    ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NULL, "helo=own_name not "
	    "enforced (mail to postmaster)" },
	{ "trusted network skips the IP checks", F(L_SBL), 0, 0,
	    IPREVR_PERMERROR, 0, F(HELOF_OWN_NAME), 0, NONE, W_TRUSTED,
	    P_STRICT_IPREV, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL,
	    NULL, "DNSBL, iprev, HELO, SPF" },
	{ "authenticated sender skips them", F(L_SBL), 0, 0, IPREVR_FAIL, 0,
	    0, 0, NONE, W_AUTHED, P_STRICT_IPREV, STAGE_RCPT, ACT_ACCEPT,
	    ACT_ACCEPT, NULL, NULL, NULL, "not checked (authenticated "
	    "sender)" },
};

static struct dnsbl_zone zones[2];

/* the test zones: zen.test like Spamhaus ZEN (with a test listing of
 * weight 2), wl.test like DNSWL */
static void
zones_setup(void)
{
	struct dnsbl_listing *l;
	str err;

	str_init(&err);
	memset(zones, 0, sizeof(zones));
	zones[0].name = mem_strdup("zen.test");
	zones[0].url = mem_strdup("https://zen.test/?%{ip}");
	zones[0].listings = mem_calloc(3, sizeof(*l));
	zones[0].nlistings = 3;
	l = zones[0].listings;
	l[0].codes = mem_strdup("127.0.0.2");
	l[0].category = mem_strdup("SBL");
	l[0].weight = 3;
	l[1].codes = mem_strdup("127.0.0.11");
	l[1].category = mem_strdup("PBL");
	l[1].weight = 3;
	l[1].class = DNSBL_POLICY;
	l[2].codes = mem_strdup("127.0.0.3");
	l[2].category = mem_strdup("small");
	l[2].weight = 2;
	zones[1].name = mem_strdup("wl.test");
	zones[1].listings = mem_calloc(1, sizeof(*l));
	zones[1].nlistings = 1;
	l = zones[1].listings;
	l[0].codes = mem_strdup("127.0.10.3");
	l[0].category = mem_strdup("dnswl-high");
	l[0].weight = -3;
	l[0].class = DNSBL_ALLOW;
	str_free(&err);
}

/* case_dnsbl - the DNS list outcome a case describes */
static void
case_dnsbl(const struct ip_case *c, struct dnsbl_outcome *o)
{
	struct dnsbl_result *r;

	memset(o, 0, sizeof(*o));
	o->checked = 1;
	o->n = 2;
	o->r = mem_calloc(2, sizeof(*o->r));
	r = &o->r[0];
	r->zone = &zones[0];
	if (c->hits & (F(L_SBL) | F(L_PBL) | F(L_SMALL))) {
		r->status = DNSBL_LISTED;
		r->hits = c->hits & 7;
		r->weight = (c->hits & F(L_SBL) ? 3 : 0) + (c->hits & F(L_PBL) ?
		    3 : 0) + (c->hits & F(L_SMALL) ? 2 : 0);
		r->codes = mem_strdup(c->hits & F(L_SBL) ? "127.0.0.2" :
		    "127.0.0.11");
		r->txt = mem_strdup("spam source 42");
	} else if (c->temperror) {
		r->status = DNSBL_TEMPERROR;
	} else if (c->list_error) {
		r->status = DNSBL_LIST_ERROR;
		r->codes = mem_strdup("127.255.255.254");
	}
	o->score += r->weight;
	r = &o->r[1];
	r->zone = &zones[1];
	if (c->hits & F(L_DNSWL)) {
		r->status = DNSBL_LISTED;
		r->hits = 1;
		r->weight = -3;
		r->codes = mem_strdup("127.0.10.3");
	}
	if (c->temperror && (c->hits & 7))
		r->status = DNSBL_TEMPERROR;
	o->score += r->weight;
}

/* case_policy - the policy a case runs under */
static void
case_policy(const struct ip_case *c, struct policy *p)
{
	policy_defaults(p);
	p->ip_checks |= 1u << CHECK_DNSBL | 1u << CHECK_IPLIST |
	    1u << CHECK_AUTHZ;
	policy_set_exempt_rcpts(p, "postmaster");
	switch (c->pol) {
	case P_STRICT_IPREV:
		p->iprev[IPREVR_PERMERROR] = p->iprev[IPREVR_FAIL] = ACT_REJECT;
		p->iprev[IPREVR_TEMPERROR] = ACT_TEMPFAIL;
		break;
	case P_HELO_STRICT:
		p->helo[HELOF_NOT_FQDN] = ACT_REJECT;
		p->helo[HELOF_UNRESOLVABLE] = ACT_TEMPFAIL;
		break;
	case P_DNSBL_TEMPFAIL:
		p->dnsbl_temperror = ACT_TEMPFAIL;
		break;
	case P_CONNECT:
		p->reject_stage = STAGE_CONNECT;
		break;
	case P_ALLOW_RECORD:
		p->allowlisted[CHECK_DNSBL] = EXEMPT_RECORD;
		break;
	case P_SENDER_ALLOW: {
		str err;

		str_init(&err);
		assert_int_equal(domlist_parse("bank.example, .partner.example",
		    0, &p->allowlist_senders, &err), 0);
		str_free(&err);
		break;
	}
	case P_TAG:
		/* reverse DNS failures tagged, no PTR quarantined */
		p->iprev[IPREVR_FAIL] = ACT_TAG;
		p->iprev[IPREVR_PERMERROR] = ACT_QUARANTINE;
		p->helo[HELOF_NOT_FQDN] = ACT_TAG;
		break;
	default:
		break;
	}
}

static void
test_table(void **state)
{
	static const char *const acts[] = { "accept", "tag", "quarantine",
		"tempfail", "reject" };
	const struct ip_case *c;
	struct iplist lists[2];
	struct authz_rule rule;
	struct policy p;
	struct verdict v;
	struct facts f;
	ipaddr ip;
	str err, all;
	size_t i, j;

	(void)state;
	str_init(&err);
	str_init(&all);
	zones_setup();
	memset(lists, 0, sizeof(lists));
	lists[0].name = (char *)"partners";
	lists[0].allow = 1;
	assert_int_equal(netlist_parse("198.51.100.0/24", &lists[0].nets,
	    &err), 0);
	lists[1].name = (char *)"blocked";
	lists[1].action = ACT_REJECT;
	assert_int_equal(netlist_parse("198.51.100.0/24", &lists[1].nets,
	    &err), 0);
	memset(&rule, 0, sizeof(rule));
	rule.domain = (char *)"bank.example";
	ipaddr_parse("198.51.100.7", &ip);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = &cases[i];
		memset(&f, 0, sizeof(f));
		f.client_ip = "198.51.100.7";
		f.ip = &ip;
		f.helo = "host.example";
		f.mail_from = "u@bank.example";
		case_policy(c, &p);
		case_dnsbl(c, &f.dnsbl);
		if (c->iprev != NONE) {
			f.iprev.checked = 1;
			f.iprev.result = (enum iprev_result)c->iprev;
			f.iprev.name = (char *)"host.example";
			f.iprev.nptr = c->iprev == IPREVR_PERMERROR ? 0 : 1;
			f.iprev.generic = c->generic;
		}
		if (c->helo != 0) {
			f.helo_check.checked = 1;
			f.helo_check.facts = c->helo;
			f.helo_check.name = (char *)"host";
		}
		if (c->authz_bad) {
			f.authz_mailfrom.checked = 1;
			f.authz_mailfrom.rule = &rule;
			f.authz_mailfrom.domain = "bank.example";
		}
		if (c->spf != NONE) {
			f.spf_mailfrom.checked = 1;
			f.spf_mailfrom.result = (enum spf_result)c->spf;
			f.spf_mailfrom.domain = (char *)"bank.example";
			f.spf_mailfrom.identity = (char *)"u@bank.example";
		}
		switch (c->who) {
		case W_TRUSTED:
			f.trusted_net = "198.51.100.0/24";
			break;
		case W_AUTHED:
			f.auth_user = "user";
			break;
		case W_ALLOWLIST:
			f.iplist.list = &lists[0];
			f.iplist.entry = &lists[0].nets.v[0];
			break;
		case W_DENYLIST:
			f.iplist.list = &lists[1];
			f.iplist.entry = &lists[1].nets.v[0];
			break;
		case W_POSTMASTER:
			f.exempt_rcpt = 1;
			f.exempt_rcpt_name = "postmaster";
			break;
		default:
			break;
		}
		verdict_decide(&f, &p, c->stage, &v);
		str_reset(&all);
		for (j = 0; j < v.nlines; j++)
			str_appendf(&all, "%s | ", v.lines[j]);
		if (v.action != c->action || v.decided != c->decided)
			fail_msg("%s: action %s decided %s, want %s / %s (%s)",
			    c->name, acts[v.action], acts[v.decided],
			    acts[c->action], acts[c->decided], str_cstr(&v.exempt));
		if ((c->check == NULL) != (v.check == NULL) || (c->check != NULL &&
		    strcmp(c->check, v.check) != 0))
			fail_msg("%s: check %s, want %s", c->name,
			    v.check ? v.check : "(none)",
			    c->check ? c->check : "(none)");
		if ((c->code == NULL) != (v.code == NULL) || (c->code != NULL &&
		    strcmp(c->code, v.code) != 0))
			fail_msg("%s: code %s, want %s", c->name,
			    v.code ? v.code : "(none)", c->code ? c->code : "(none)");
		if (c->reply != NULL && strstr(str_cstr(&all), c->reply) == NULL)
			fail_msg("%s: reply \"%s\" lacks \"%s\"", c->name,
			    str_cstr(&all), c->reply);
		if (c->code != NULL && strstr(str_cstr(&all), "To fix") == NULL &&
		    strstr(str_cstr(&all), "try again") == NULL &&
		    c->who != W_DENYLIST)
			fail_msg("%s: the reply names no fix: %s", c->name,
			    str_cstr(&all));
		if (c->note != NULL && strstr(str_cstr(&v.exempt), c->note) ==
		    NULL)
			fail_msg("%s: notes \"%s\" lack \"%s\"", c->name,
			    str_cstr(&v.exempt), c->note);
		verdict_clear(&v);
		dnsbl_outcome_clear(&f.dnsbl);
		policy_free(&p);
	}
	netlist_free(&lists[0].nets);
	netlist_free(&lists[1].nets);
	dnsbl_zone_free(&zones[0]);
	dnsbl_zone_free(&zones[1]);
	str_free(&err);
	str_free(&all);
}

/* hostile TXT and names end up printable and bounded in the reply */
static void
test_hostile_text(void **state)
{
	struct policy p;
	struct verdict v;
	struct facts f;
	ipaddr ip;
	char txt[3000];
	size_t i;

	(void)state;
	zones_setup();
	policy_defaults(&p);
	p.ip_checks |= 1u << CHECK_DNSBL;
	memset(&f, 0, sizeof(f));
	ipaddr_parse("198.51.100.7", &ip);
	f.client_ip = "198.51.100.7";
	f.ip = &ip;
	f.dnsbl.checked = 1;
	f.dnsbl.n = 1;
	f.dnsbl.r = mem_calloc(1, sizeof(*f.dnsbl.r));
	f.dnsbl.r[0].zone = &zones[0];
	f.dnsbl.r[0].status = DNSBL_LISTED;
	f.dnsbl.r[0].hits = 1;
	f.dnsbl.r[0].weight = 3;
	f.dnsbl.score = 3;
	f.dnsbl.r[0].codes = mem_strdup("127.0.0.2");
	for (i = 0; i < sizeof(txt) - 1; i++)
		txt[i] = (char)(i % 7 == 0 ? '\r' : i % 11 == 0 ? '\x01' : 'a');
	txt[sizeof(txt) - 1] = '\0';
	f.dnsbl.r[0].txt = mem_strdup(txt);
	verdict_decide(&f, &p, STAGE_RCPT, &v);
	assert_int_equal(v.action, ACT_REJECT);
	for (i = 0; i < v.nlines; i++) {
		assert_true(strlen(v.lines[i]) <= VERDICT_LINE_MAX);
		for (const char *q = v.lines[i]; *q; q++)
			assert_true(*q >= 0x20 && *q < 0x7f);
	}
	verdict_clear(&v);
	dnsbl_outcome_clear(&f.dnsbl);
	policy_free(&p);
	dnsbl_zone_free(&zones[0]);
	dnsbl_zone_free(&zones[1]);
}

/* a fact set for the code and report-only tests: check c fails */
enum failing { FAIL_SPF, FAIL_SPF_TEMP, FAIL_SPF_PERM, FAIL_IPREV,
	FAIL_IPREV_TEMP, FAIL_DMARC, FAIL_DKIM, FAIL_DNSBL, FAIL_HELO,
	FAIL_AUTHZ };

static void
failing_facts(enum failing what, struct facts *f, struct policy *p,
    ipaddr *ip, struct authz_rule *rule)
{
	memset(f, 0, sizeof(*f));
	policy_defaults(p);
	ipaddr_parse("198.51.100.7", ip);
	f->client_ip = "198.51.100.7";
	f->ip = ip;
	f->helo = "host.example";
	f->mail_from = "u@example.org";
	f->message_done = 1;
	switch (what) {
	case FAIL_SPF:
	case FAIL_SPF_TEMP:
	case FAIL_SPF_PERM:
		f->spf_mailfrom.checked = 1;
		f->spf_mailfrom.result = what == FAIL_SPF ? SPFR_FAIL :
		    what == FAIL_SPF_TEMP ? SPFR_TEMPERROR : SPFR_PERMERROR;
		f->spf_mailfrom.domain = (char *)"example.org";
		f->spf_mailfrom.identity = (char *)"u@example.org";
		p->spf_mailfrom[SPFR_PERMERROR] = ACT_REJECT;
		break;
	case FAIL_IPREV:
	case FAIL_IPREV_TEMP:
		f->iprev.checked = 1;
		f->iprev.result = what == FAIL_IPREV ? IPREVR_FAIL :
		    IPREVR_TEMPERROR;
		f->iprev.name = (char *)"host.example";
		p->iprev[IPREVR_FAIL] = ACT_REJECT;
		p->iprev[IPREVR_TEMPERROR] = ACT_TEMPFAIL;
		break;
	case FAIL_DMARC:
		f->dmarc.checked = 1;
		f->dmarc.result = DMARCR_FAIL;
		f->dmarc.policy = f->dmarc.published = DMARC_P_REJECT;
		f->dmarc.from_domain = (char *)"example.org";
		f->from_domain = "example.org";
		break;
	case FAIL_DKIM:
		f->dkim.checked = 1;
		p->dkim[DKIMR_NONE] = ACT_REJECT;
		break;
	case FAIL_DNSBL:
		zones_setup();
		f->dnsbl.checked = 1;
		f->dnsbl.n = 1;
		f->dnsbl.r = mem_calloc(1, sizeof(*f->dnsbl.r));
		f->dnsbl.r[0].zone = &zones[0];
		f->dnsbl.r[0].status = DNSBL_LISTED;
		f->dnsbl.r[0].hits = 1;
		f->dnsbl.r[0].weight = 3;
		f->dnsbl.r[0].codes = mem_strdup("127.0.0.2");
		f->dnsbl.score = 3;
		p->ip_checks |= 1u << CHECK_DNSBL;
		break;
	case FAIL_HELO:
		f->helo_check.checked = 1;
		f->helo_check.facts = 1u << HELOF_OWN_NAME;
		f->helo_check.name = (char *)"mx.example.net";
		break;
	case FAIL_AUTHZ:
		memset(rule, 0, sizeof(*rule));
		rule->domain = (char *)"example.org";
		f->authz_mailfrom.checked = 1;
		f->authz_mailfrom.rule = rule;
		f->authz_mailfrom.domain = "example.org";
		p->ip_checks |= 1u << CHECK_AUTHZ;
		break;
	}
}

static void
failing_clear(enum failing what, struct facts *f, struct policy *p)
{
	if (what == FAIL_DNSBL) {
		dnsbl_outcome_clear(&f->dnsbl);
		dnsbl_zone_free(&zones[0]);
		dnsbl_zone_free(&zones[1]);
	}
	policy_free(p);
}

/* reply_codes = rfc7372: the code of the check that decided */
static void
test_rfc7372_codes(void **state)
{
	static const struct {
		enum failing	 what;
		const char	*code, *generic, *rfc7372;
	} t[] = {
		{ FAIL_SPF, "550", "5.7.1", "5.7.23" },
		{ FAIL_SPF_TEMP, "451", "4.7.1", "4.7.24" },
		{ FAIL_SPF_PERM, "550", "5.7.1", "5.7.24" },
		{ FAIL_IPREV, "550", "5.7.1", "5.7.25" },
		{ FAIL_IPREV_TEMP, "450", "4.7.1", "4.7.25" },
		{ FAIL_DMARC, "550", "5.7.1", "5.7.26" },
		{ FAIL_DKIM, "550", "5.7.1", "5.7.20" },
		{ FAIL_DNSBL, "550", "5.7.1", "5.7.1" },
		{ FAIL_HELO, "550", "5.7.1", "5.7.1" },
		{ FAIL_AUTHZ, "550", "5.7.1", "5.7.1" },
	};
	struct authz_rule rule;
	struct policy p;
	struct verdict v;
	struct facts f;
	ipaddr ip;
	size_t i;
	int mode;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (mode = 0; mode < 2; mode++) {
			failing_facts(t[i].what, &f, &p, &ip, &rule);
			p.rfc7372_codes = mode;
			verdict_decide(&f, &p, STAGE_EOM, &v);
			if (v.code == NULL || strcmp(v.code, t[i].code) != 0 ||
			    strcmp(v.xcode, mode ? t[i].rfc7372 :
			    t[i].generic) != 0)
				fail_msg("case %zu (%s): %s %s, want %s %s", i,
				    mode ? "rfc7372" : "generic",
				    v.code ? v.code : "-", v.xcode ? v.xcode :
				    "-", t[i].code, mode ? t[i].rfc7372 :
				    t[i].generic);
			verdict_clear(&v);
			failing_clear(t[i].what, &f, &p);
		}
}

/* report_only, for every check alone and for all: accepted, and the
 * notes say what would have been done */
static void
test_report_only(void **state)
{
	static const struct {
		enum failing	 what;
		enum check	 check;
		const char	*would;
	} t[] = {
		{ FAIL_SPF, CHECK_SPF, "reject: spf_mailfrom=fail" },
		{ FAIL_IPREV, CHECK_IPREV, "reject: iprev=fail" },
		{ FAIL_DMARC, CHECK_DMARC, "reject: dmarc=fail (p=reject)" },
		{ FAIL_DKIM, CHECK_DKIM, "reject: dkim=none" },
		{ FAIL_DNSBL, CHECK_DNSBL, "reject: dnsbl score 3" },
		{ FAIL_HELO, CHECK_HELO, "reject: helo=own_name" },
		{ FAIL_AUTHZ, CHECK_AUTHZ, "reject: sender_networks "
		    "mailfrom=example.org" },
	};
	struct authz_rule rule;
	struct policy p;
	struct verdict v;
	struct facts f;
	ipaddr ip;
	size_t i, c;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		/* only that check report-only: accepted */
		failing_facts(t[i].what, &f, &p, &ip, &rule);
		p.report_only[t[i].check] = 1;
		verdict_decide(&f, &p, STAGE_EOM, &v);
		if (v.action != ACT_ACCEPT || v.decided != ACT_ACCEPT ||
		    strstr(str_cstr(&v.would), t[i].would) == NULL)
			fail_msg("case %zu: action %d, would \"%s\", want "
			    "accept and \"%s\"", i, v.action,
			    str_cstr(&v.would), t[i].would);
		verdict_clear(&v);
		/* another check report-only: this one still refuses */
		p.report_only[t[i].check] = 0;
		p.report_only[t[i].check == CHECK_SPF ? CHECK_DKIM :
		    CHECK_SPF] = 1;
		verdict_decide(&f, &p, STAGE_EOM, &v);
		if (v.action != ACT_REJECT)
			fail_msg("case %zu: another check's report_only let "
			    "it through", i);
		verdict_clear(&v);
		/* all of them (report_only = yes at the top) */
		for (c = 0; c < CHECK_COUNT; c++)
			p.report_only[c] = 1;
		verdict_decide(&f, &p, STAGE_EOM, &v);
		assert_int_equal(v.action, ACT_ACCEPT);
		assert_non_null(strstr(str_cstr(&v.would), t[i].would));
		verdict_clear(&v);
		failing_clear(t[i].what, &f, &p);
	}
}

/* the score model: sums, thresholds, exemptions, report-only, and its
 * place among the other votes */
static void
test_score(void **state)
{
	static const struct {
		const char	*name;
		int		 spf;		/* MAIL FROM result or NONE */
		int		 iprev;		/* or NONE */
		unsigned	 helo;
		int		 dnsbl;		/* list score */
		int		 authed;
		int		 report_only;
		int		 own_actions;	/* keep the per-check actions */
		int		 quarantine;	/* quarantine threshold */
		enum stage	 stage;
		enum action	 action, decided;
		const char	*check;
		const char	*text;		/* in reply or would */
	} t[] = {
		{ "below tag", SPFR_SOFTFAIL, IPREVR_PASS, 0, 0, 0, 0, 0, 0,
		    STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL },
		{ "tag at 5", SPFR_SOFTFAIL, IPREVR_FAIL, 0, 0, 0, 0, 0, 0,
		    STAGE_EOM, ACT_TAG, ACT_TAG, "score", "add up to 5 points" },
		{ "tag waits for the message", SPFR_SOFTFAIL, IPREVR_FAIL, 0, 0,
		    0, 0, 0, 0, STAGE_RCPT, ACT_ACCEPT, ACT_TAG, "score", NULL },
		{ "reject at 10, explained by the heaviest part", SPFR_FAIL,
		    IPREVR_PERMERROR, F(HELOF_NOT_FQDN), 0, 0, 0, 0, 0,
		    STAGE_RCPT, ACT_REJECT, ACT_REJECT, "score",
		    "spf_mailfrom=fail +5, iprev=permerror +3, helo=not_fqdn +2" },
		{ "the heaviest part's own words follow", SPFR_FAIL,
		    IPREVR_PERMERROR, F(HELOF_NOT_FQDN), 0, 0, 0, 0, 0,
		    STAGE_RCPT, ACT_REJECT, ACT_REJECT, "score",
		    "SPF fail: example.org does not allow 198.51.100.7" },
		{ "DNS list points", SPFR_SOFTFAIL, IPREVR_PASS, 0, 3, 0, 0, 0, 0,
		    STAGE_EOM, ACT_TAG, ACT_TAG, "score", "dnsbl score 3 +3" },
		{ "a DNSWL allowlists: iprev does not count", SPFR_SOFTFAIL,
		    IPREVR_FAIL, 0, -3, 0, 0, 0, 0, STAGE_EOM, ACT_ACCEPT,
		    ACT_ACCEPT, NULL, NULL },
		{ "quarantine between tag and reject", SPFR_FAIL, IPREVR_PERMERROR,
		    0, 0, 0, 0, 0, 7, STAGE_EOM, ACT_QUARANTINE, ACT_QUARANTINE,
		    "score", "add up to 8 points, and 7 is the limit to "
		    "quarantine it" },
		{ "authenticated: nothing counts", SPFR_FAIL, IPREVR_PERMERROR,
		    F(HELOF_NOT_FQDN), 3, 1, 0, 0, 0, STAGE_RCPT, ACT_ACCEPT,
		    ACT_ACCEPT, NULL, NULL },
		{ "report only", SPFR_FAIL, IPREVR_PERMERROR, F(HELOF_NOT_FQDN),
		    0, 0, 1, 0, 0, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL,
		    "reject: score 10" },
		{ "a check's own reject explains before the score", SPFR_FAIL,
		    IPREVR_PERMERROR, F(HELOF_NOT_FQDN), 0, 0, 0, 1, 0,
		    STAGE_RCPT, ACT_REJECT, ACT_REJECT, "spf-mailfrom", NULL },
		{ "reject over SPF's tempfail; HELO's own vote explains", SPFR_TEMPERROR,
		    IPREVR_PERMERROR, F(HELOF_OWN_NAME), 3, 0, 0, 1, 0,
		    STAGE_RCPT, ACT_REJECT, ACT_REJECT, "helo", NULL },
	};
	struct dnsbl_result r;
	struct policy p;
	struct verdict v;
	struct facts f;
	ipaddr ip;
	size_t i, j;
	str all;

	(void)state;
	zones_setup();
	str_init(&all);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		policy_defaults(&p);
		p.score.enabled = 1;
		p.score.report_only = t[i].report_only;
		p.score.threshold[ACT_QUARANTINE] = t[i].quarantine;
		if (!t[i].own_actions) {
			/* only the score decides */
			for (j = 0; j < SPFR_COUNT; j++)
				p.spf_mailfrom[j] = ACT_ACCEPT;
			p.helo[HELOF_OWN_NAME] = ACT_ACCEPT;
		}
		p.ip_checks |= 1u << CHECK_DNSBL;
		memset(&f, 0, sizeof(f));
		ipaddr_parse("198.51.100.7", &ip);
		f.client_ip = "198.51.100.7";
		f.ip = &ip;
		f.mail_from = "u@example.org";
		f.message_done = t[i].stage == STAGE_EOM;
		f.spf_mailfrom.checked = 1;
		f.spf_mailfrom.result = (enum spf_result)t[i].spf;
		f.spf_mailfrom.domain = (char *)"example.org";
		f.spf_mailfrom.identity = (char *)"u@example.org";
		if (t[i].iprev != NONE) {
			f.iprev.checked = 1;
			f.iprev.result = (enum iprev_result)t[i].iprev;
		}
		f.helo_check.checked = 1;
		f.helo_check.facts = t[i].helo;
		f.helo_check.name = (char *)"host";
		memset(&r, 0, sizeof(r));
		r.zone = &zones[0];
		f.dnsbl.checked = 1;
		f.dnsbl.n = 1;
		f.dnsbl.r = &r;
		f.dnsbl.score = t[i].dnsbl;
		if (t[i].dnsbl > 0) {
			r.status = DNSBL_LISTED;
			r.hits = 1;
			r.weight = 3;
			r.codes = (char *)"127.0.0.2";
		}
		p.dnsbl_threshold = 100;	/* the list alone refuses nothing */
		if (t[i].authed)
			f.auth_user = "u";
		verdict_decide(&f, &p, t[i].stage, &v);
		str_reset(&all);
		for (j = 0; j < v.nlines; j++)
			str_appendf(&all, "%s | ", v.lines[j]);
		str_append(&all, str_cstr(&v.would));
		if (v.action != t[i].action || v.decided != t[i].decided ||
		    (t[i].check == NULL) != (v.check == NULL) ||
		    (t[i].check != NULL && strcmp(t[i].check, v.check) != 0) ||
		    (t[i].text != NULL && strstr(str_cstr(&all), t[i].text) ==
		    NULL))
			fail_msg("%s: action %s decided %s check %s text \"%s\"",
			    t[i].name, policy_action_name(v.action),
			    policy_action_name(v.decided), v.check ? v.check : "-",
			    str_cstr(&all));
		verdict_clear(&v);
		policy_free(&p);
	}
	str_free(&all);
	dnsbl_zone_free(&zones[0]);
	dnsbl_zone_free(&zones[1]);
}

/* the admin's reply templates replace the built-in words */
static void
test_templates(void **state)
{
	static const struct {
		enum failing	 what;
		enum check	 check;
		const char	*text, *want;
	} t[] = {
		{ FAIL_SPF, CHECK_SPF, "%{ip} may not send for %{domain} "
		    "(%{check}: %{result}); sender %{sender}",
		    "198.51.100.7 may not send for example.org (spf-mailfrom: "
		    "fail); sender u@example.org" },
		{ FAIL_DNSBL, CHECK_DNSBL, "Listed in %{list}: see %{url}",
		    "Listed in zen.test: see https://zen.test/?198.51.100.7" },
		{ FAIL_IPREV, CHECK_IPREV, "No FCrDNS for %{ip} (%{domain}, "
		    "%{result})", "No FCrDNS for 198.51.100.7 (host.example, "
		    "fail)" },
		{ FAIL_HELO, CHECK_HELO, "Bad HELO %{helo}: %{result}",
		    "Bad HELO host.example: own_name" },
		{ FAIL_DMARC, CHECK_DMARC, "DMARC %{result} for %{domain}",
		    "DMARC fail for example.org" },
	};
	struct authz_rule rule;
	struct policy p;
	struct verdict v;
	struct facts f;
	ipaddr ip;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		failing_facts(t[i].what, &f, &p, &ip, &rule);
		p.text[t[i].check] = mem_strdup(t[i].text);
		verdict_decide(&f, &p, STAGE_EOM, &v);
		assert_int_equal(v.action, ACT_REJECT);
		if (v.nlines != 1 || strcmp(v.lines[0], t[i].want) != 0)
			fail_msg("case %zu: \"%s\" (%zu lines), want \"%s\"", i,
			    v.nlines ? v.lines[0] : "", v.nlines, t[i].want);
		verdict_clear(&v);
		failing_clear(t[i].what, &f, &p);
	}
}

/* which recipients count as postmaster@ and alike */
static void
test_exempt_rcpt(void **state)
{
	static const struct { const char *rcpt; const char *want; } t[] = {
		{ "<postmaster@example.org>", "postmaster" },
		{ "<Postmaster@EXAMPLE.org>", "postmaster" },
		{ "postmaster@example.org", "postmaster" },
		{ "<postmaster>", "postmaster" },
		{ "<postmasterx@example.org>", NULL },
		{ "<xpostmaster@example.org>", NULL },
		{ "<abuse@example.com>", "abuse@example.com" },
		{ "<ABUSE@example.COM>", "abuse@example.com" },
		{ "<abuse@example.com.evil>", NULL },
		{ "<abuse@other.example>", NULL },
		{ "<>", NULL },
		{ "", NULL },
		{ NULL, NULL },
	};
	struct policy p;
	const char *got;
	size_t i;

	(void)state;
	policy_defaults(&p);
	policy_set_exempt_rcpts(&p, "postmaster abuse@example.com");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = exempt_rcpt_match(&p, t[i].rcpt);
		if ((got == NULL) != (t[i].want == NULL) || (got != NULL &&
		    strcmp(got, t[i].want) != 0))
			fail_msg("%s: got %s, want %s", t[i].rcpt ? t[i].rcpt :
			    "(null)", got ? got : "(none)",
			    t[i].want ? t[i].want : "(none)");
	}
	policy_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_exempt_rcpt),
		cmocka_unit_test(test_rfc7372_codes),
		cmocka_unit_test(test_report_only),
		cmocka_unit_test(test_score),
		cmocka_unit_test(test_templates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
