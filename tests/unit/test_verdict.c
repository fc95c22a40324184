/*
 * test_verdict - the verdict engine, table-driven: every SPF result for
 * both identities under default and strict policies, at every stage;
 * precedence between the identities; exemptions (trusted networks,
 * authenticated senders, trusted forwarders, exempt domains) in each
 * mode; and the reply text.
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
#include "util/netlist.h"
#include "mail/domlist.h"
#include "spf/spf.h"
#include "verdict/exempt.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"

#define NOT_RUN	(-1)

/* which exemption the facts carry */
enum who { NOBODY, TRUSTED, AUTHED, FORWARDER, EXEMPT_DOMAIN,
	EXEMPT_SUBDOMAINS, TRUSTED_AND_AUTHED };

struct verdict_case {
	const char	*name;
	int		 mailfrom;	/* spf result or NOT_RUN */
	int		 helo;
	int		 strict;	/* policy: reject softfail/permerror */
	enum stage	 reject_stage;
	enum stage	 stage;
	enum action	 action;	/* answered now */
	enum action	 decided;	/* wanted overall */
	const char	*check;		/* deciding check, NULL if none */
	const char	*code;
	enum who	 who;		/* exemption in the facts */
	enum exempt_mode mode;		/* policy for trusted/authenticated */
	const char	*note;		/* expected in v.exempt, NULL: empty */
};

static const struct verdict_case cases[] = {
	/* default policy, refusals at RCPT */
	{ "nothing ran", NOT_RUN, NOT_RUN, 0, STAGE_RCPT, STAGE_RCPT,
	    ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NOBODY, 0, NULL },
	{ "pass", SPFR_PASS, SPFR_PASS, 0, STAGE_RCPT, STAGE_RCPT,
	    ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NOBODY, 0, NULL },
	{ "fail at rcpt", SPFR_FAIL, SPFR_NONE, 0, STAGE_RCPT, STAGE_RCPT,
	    ACT_REJECT, ACT_REJECT, "spf-mailfrom", "550", NOBODY, 0, NULL },
	{ "fail at mail: deferred", SPFR_FAIL, SPFR_NONE, 0, STAGE_RCPT,
	    STAGE_MAIL, ACT_ACCEPT, ACT_REJECT, "spf-mailfrom", "550", NOBODY, 0, NULL },
	{ "fail at eom", SPFR_FAIL, SPFR_NONE, 0, STAGE_RCPT, STAGE_EOM,
	    ACT_REJECT, ACT_REJECT, "spf-mailfrom", "550", NOBODY, 0, NULL },
	{ "softfail accepted", SPFR_SOFTFAIL, SPFR_NONE, 0, STAGE_RCPT,
	    STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NOBODY, 0, NULL },
	{ "neutral accepted", SPFR_NEUTRAL, SPFR_NEUTRAL, 0, STAGE_RCPT,
	    STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NOBODY, 0, NULL },
	{ "none accepted", SPFR_NONE, SPFR_NONE, 0, STAGE_RCPT, STAGE_RCPT,
	    ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NOBODY, 0, NULL },
	{ "permerror accepted", SPFR_PERMERROR, SPFR_NONE, 0, STAGE_RCPT,
	    STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NOBODY, 0, NULL },
	{ "temperror tempfails", SPFR_TEMPERROR, SPFR_NONE, 0, STAGE_RCPT,
	    STAGE_RCPT, ACT_TEMPFAIL, ACT_TEMPFAIL, "spf-mailfrom", "451", NOBODY, 0, NULL },
	{ "helo fail", SPFR_PASS, SPFR_FAIL, 0, STAGE_RCPT, STAGE_RCPT,
	    ACT_REJECT, ACT_REJECT, "spf-helo", "550", NOBODY, 0, NULL },
	{ "helo temperror", SPFR_PASS, SPFR_TEMPERROR, 0, STAGE_RCPT,
	    STAGE_RCPT, ACT_TEMPFAIL, ACT_TEMPFAIL, "spf-helo", "451", NOBODY, 0, NULL },
	{ "helo only, mail not yet", NOT_RUN, SPFR_FAIL, 0, STAGE_RCPT,
	    STAGE_HELO, ACT_ACCEPT, ACT_REJECT, "spf-helo", "550", NOBODY, 0, NULL },
	/* precedence: reject beats tempfail; a tie goes to MAIL FROM */
	{ "reject beats tempfail", SPFR_TEMPERROR, SPFR_FAIL, 0, STAGE_RCPT,
	    STAGE_RCPT, ACT_REJECT, ACT_REJECT, "spf-helo", "550", NOBODY, 0, NULL },
	{ "reject beats tempfail 2", SPFR_FAIL, SPFR_TEMPERROR, 0, STAGE_RCPT,
	    STAGE_RCPT, ACT_REJECT, ACT_REJECT, "spf-mailfrom", "550", NOBODY, 0, NULL },
	{ "tie: mailfrom explains", SPFR_FAIL, SPFR_FAIL, 0, STAGE_RCPT,
	    STAGE_RCPT, ACT_REJECT, ACT_REJECT, "spf-mailfrom", "550", NOBODY, 0, NULL },
	{ "tie on tempfail", SPFR_TEMPERROR, SPFR_TEMPERROR, 0, STAGE_RCPT,
	    STAGE_RCPT, ACT_TEMPFAIL, ACT_TEMPFAIL, "spf-mailfrom", "451", NOBODY, 0, NULL },
	/* strict policy */
	{ "strict softfail", SPFR_SOFTFAIL, SPFR_NONE, 1, STAGE_RCPT,
	    STAGE_RCPT, ACT_REJECT, ACT_REJECT, "spf-mailfrom", "550", NOBODY, 0, NULL },
	{ "strict permerror", SPFR_PERMERROR, SPFR_NONE, 1, STAGE_RCPT,
	    STAGE_RCPT, ACT_REJECT, ACT_REJECT, "spf-mailfrom", "550", NOBODY, 0, NULL },
	{ "strict neutral still accepted", SPFR_NEUTRAL, SPFR_NONE, 1,
	    STAGE_RCPT, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NOBODY, 0, NULL },
	{ "strict helo softfail", SPFR_PASS, SPFR_SOFTFAIL, 1, STAGE_RCPT,
	    STAGE_RCPT, ACT_REJECT, ACT_REJECT, "spf-helo", "550", NOBODY, 0, NULL },
	/* refusal stage */
	{ "reject at mail stage", SPFR_FAIL, SPFR_NONE, 0, STAGE_MAIL,
	    STAGE_MAIL, ACT_REJECT, ACT_REJECT, "spf-mailfrom", "550", NOBODY, 0, NULL },
	{ "reject at helo stage", NOT_RUN, SPFR_FAIL, 0, STAGE_HELO,
	    STAGE_HELO, ACT_REJECT, ACT_REJECT, "spf-helo", "550", NOBODY, 0, NULL },
	{ "refuse at eom only", SPFR_FAIL, SPFR_NONE, 0, STAGE_EOM,
	    STAGE_RCPT, ACT_ACCEPT, ACT_REJECT, "spf-mailfrom", "550", NOBODY, 0, NULL },
	{ "tempfail deferred too", SPFR_TEMPERROR, SPFR_NONE, 0, STAGE_EOM,
	    STAGE_RCPT, ACT_ACCEPT, ACT_TEMPFAIL, "spf-mailfrom", "451", NOBODY, 0, NULL },
	/* exemptions */
	{ "trusted, skip", SPFR_FAIL, SPFR_FAIL, 0, STAGE_RCPT, STAGE_RCPT,
	    ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, TRUSTED, EXEMPT_SKIP,
	    "SPF not checked (trusted network 198.51.100.0/24)" },
	{ "trusted, skip, nothing ran", NOT_RUN, NOT_RUN, 0, STAGE_RCPT,
	    STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, TRUSTED,
	    EXEMPT_SKIP, "SPF not checked (trusted network" },
	{ "trusted, record", SPFR_FAIL, SPFR_PASS, 0, STAGE_RCPT, STAGE_RCPT,
	    ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, TRUSTED, EXEMPT_RECORD,
	    "spf_mailfrom=fail not enforced (trusted network "
	    "198.51.100.0/24)" },
	{ "trusted, record, pass: no note", SPFR_PASS, SPFR_PASS, 0,
	    STAGE_RCPT, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL,
	    TRUSTED, EXEMPT_RECORD, NULL },
	{ "trusted, check", SPFR_FAIL, SPFR_PASS, 0, STAGE_RCPT, STAGE_RCPT,
	    ACT_REJECT, ACT_REJECT, "spf-mailfrom", "550", TRUSTED,
	    EXEMPT_CHECK, NULL },
	{ "authenticated, skip (helo ran before AUTH)", NOT_RUN, SPFR_FAIL, 0,
	    STAGE_RCPT, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, AUTHED,
	    EXEMPT_SKIP, "SPF not checked (authenticated sender)" },
	{ "authenticated, record temperror", SPFR_TEMPERROR, SPFR_NONE, 0,
	    STAGE_RCPT, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, AUTHED,
	    EXEMPT_RECORD, "spf_mailfrom=temperror not enforced "
	    "(authenticated sender)" },
	{ "authenticated, check", SPFR_FAIL, SPFR_NONE, 0, STAGE_RCPT,
	    STAGE_RCPT, ACT_REJECT, ACT_REJECT, "spf-mailfrom", "550", AUTHED,
	    EXEMPT_CHECK, NULL },
	{ "skip beats record", SPFR_FAIL, SPFR_FAIL, 0, STAGE_RCPT,
	    STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, TRUSTED_AND_AUTHED,
	    EXEMPT_RECORD, "SPF not checked (authenticated sender)" },
	{ "trusted forwarder", SPFR_FAIL, SPFR_SOFTFAIL, 1, STAGE_RCPT,
	    STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, FORWARDER, 0,
	    "spf_mailfrom=fail not enforced (trusted forwarder fwd.example); "
	    "spf_helo=softfail not enforced (trusted forwarder fwd.example)" },
	{ "forwarder, temperror", SPFR_TEMPERROR, SPFR_PASS, 0, STAGE_RCPT,
	    STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, FORWARDER, 0,
	    "spf_mailfrom=temperror not enforced (trusted forwarder" },
	{ "exempt domain: mail from only", SPFR_FAIL, SPFR_FAIL, 0,
	    STAGE_RCPT, STAGE_RCPT, ACT_REJECT, ACT_REJECT, "spf-helo", "550",
	    EXEMPT_DOMAIN, 0, "spf_mailfrom=fail not enforced (exempt domain "
	    "example.org)" },
	{ "exempt subdomains do not cover the parent", SPFR_FAIL, SPFR_PASS, 0,
	    STAGE_RCPT, STAGE_RCPT, ACT_REJECT, ACT_REJECT, "spf-mailfrom",
	    "550", EXEMPT_SUBDOMAINS, 0, NULL },
};

/* outcome - a filled-in SPF outcome for the table */
static void
outcome(struct spf_outcome *o, int result, const char *domain)
{
	memset(o, 0, sizeof(*o));
	if (result == NOT_RUN)
		return;
	o->checked = 1;
	o->result = (enum spf_result)result;
	o->domain = (char *)domain;
	o->identity = (char *)"user@example.org";
	o->record = (char *)"v=spf1 ip4:203.0.113.0/24 -all";
	o->reason = result == SPFR_TEMPERROR ? (char *)"no reply (timed out)" :
	    NULL;
}

/* facts_for - the facts of one table row */
static void
facts_for(struct facts *f, const struct verdict_case *c)
{
	memset(f, 0, sizeof(*f));
	f->client_ip = "198.51.100.7";
	f->client_name = "client.example";
	f->helo = "mail.example.net";
	f->mail_from = "user@example.org";
	outcome(&f->spf_mailfrom, c->mailfrom, "example.org");
	outcome(&f->spf_helo, c->helo, "mail.example.net");
}

/* exemption - put one exemption into the facts (and the policy lists) */
static void
exemption(struct facts *f, struct policy *p, enum who who)
{
	str err;

	str_init(&err);
	switch (who) {
	case TRUSTED_AND_AUTHED:
		f->auth_user = "alice";
		p->authenticated[CHECK_SPF] = EXEMPT_SKIP;
		/* FALLTHROUGH */
	case TRUSTED:
		f->trusted_net = "198.51.100.0/24";
		break;
	case AUTHED:
		f->auth_user = "alice";
		break;
	case FORWARDER:
		f->forwarder = "fwd.example";
		break;
	case EXEMPT_DOMAIN:
		assert_int_equal(domlist_parse("partner.example, example.org",
		    0, &p->spf_exempt_domains, &err), 0);
		break;
	case EXEMPT_SUBDOMAINS:
		assert_int_equal(domlist_parse(".example.org", 0,
		    &p->spf_exempt_domains, &err), 0);
		break;
	case NOBODY:
		break;
	}
	str_free(&err);
}

/* note_kinds - the exemption kinds a table note names (v.exempted) */
static unsigned
note_kinds(const char *note)
{
	static const struct { const char *phrase; enum exempt_kind k; } m[] = {
		{ "(trusted network", EXK_TRUSTED_NETWORK },
		{ "(authenticated sender)", EXK_AUTHENTICATED },
		{ "(trusted forwarder", EXK_TRUSTED_FORWARDER },
		{ "(exempt domain", EXK_EXEMPT_DOMAIN }
	};
	unsigned bits = 0;
	size_t i;

	for (i = 0; note != NULL && i < sizeof(m) / sizeof(m[0]); i++)
		if (strstr(note, m[i].phrase) != NULL)
			bits |= 1u << m[i].k;
	return bits;
}

static void
test_table(void **state)
{
	struct policy p;
	struct facts f;
	struct verdict v;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct verdict_case *c = &cases[i];

		policy_defaults(&p);
		p.reject_stage = c->reject_stage;
		p.trusted[CHECK_SPF] = p.authenticated[CHECK_SPF] = c->mode;
		if (c->strict) {
			p.spf_mailfrom[SPFR_SOFTFAIL] = ACT_REJECT;
			p.spf_mailfrom[SPFR_PERMERROR] = ACT_REJECT;
			p.spf_helo[SPFR_SOFTFAIL] = ACT_REJECT;
		}
		facts_for(&f, c);
		exemption(&f, &p, c->who);
		verdict_decide(&f, &p, c->stage, &v);
		if (v.action != c->action || v.decided != c->decided)
			fail_msg("%s: action %s decided %s, want %s/%s", c->name,
			    policy_action_name(v.action), policy_action_name(v.decided),
			    policy_action_name(c->action), policy_action_name(c->decided));
		if ((c->check == NULL) != (v.check == NULL) ||
		    (c->check != NULL && strcmp(c->check, v.check) != 0))
			fail_msg("%s: check %s, want %s", c->name,
			    v.check ? v.check : "-", c->check ? c->check : "-");
		if ((c->code == NULL) != (v.code == NULL) ||
		    (c->code != NULL && strcmp(c->code, v.code) != 0))
			fail_msg("%s: code %s, want %s", c->name,
			    v.code ? v.code : "-", c->code ? c->code : "-");
		if (c->code != NULL && strcmp(v.xcode, c->code[0] == '5' ?
		    "5.7.1" : "4.7.1") != 0)
			fail_msg("%s: enhanced code %s", c->name, v.xcode);
		if (c->check != NULL && v.nlines < 2)
			fail_msg("%s: only %zu reply lines", c->name, v.nlines);
		if ((c->note == NULL && v.exempt.len > 0) || (c->note != NULL &&
		    strstr(str_cstr(&v.exempt), c->note) == NULL))
			fail_msg("%s: exempt \"%s\", want \"%s\"", c->name,
			    str_cstr(&v.exempt), c->note ? c->note : "");
		/* the kinds the metrics count are the ones the note names */
		if (v.exempted != note_kinds(c->note))
			fail_msg("%s: exemption kinds %#x, want %#x", c->name,
			    v.exempted, note_kinds(c->note));
		verdict_clear(&v);
		policy_free(&p);
	}
}

/* reply - all reply lines of a verdict, joined */
static void
reply(const struct verdict *v, char *buf, size_t size)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < v->nlines; i++) {
		assert_true(strlen(v->lines[i]) <= VERDICT_LINE_MAX);
		strncat(buf, v->lines[i], size - strlen(buf) - 2);
		strcat(buf, "\n");
	}
}

static void
test_fail_text_explains(void **state)
{
	static const struct verdict_case c = { "", SPFR_FAIL, SPFR_PASS, 0,
	    STAGE_RCPT, STAGE_RCPT, 0, 0, NULL, NULL, NOBODY, 0, NULL };
	struct policy p;
	struct facts f;
	struct verdict v;
	char text[4096];

	policy_defaults(&p);
	facts_for(&f, &c);
	f.spf_mailfrom.decider = (char *)"-all";
	f.spf_mailfrom.decider_domain = (char *)"example.org";
	f.spf_mailfrom.explanation = (char *)"198.51.100.7 is not one of our "
	    "servers, see https://example.org/mail";
	verdict_decide(&f, &p, STAGE_RCPT, &v);
	reply(&v, text, sizeof(text));
	/* which domain, which IP, what the policy says, which term of the
	 * record decided, the domain's own words, what to change */
	assert_non_null(strstr(text, "SPF fail: example.org does not allow "
	    "198.51.100.7 to send mail for user@example.org"));
	assert_non_null(strstr(text, "v=spf1 ip4:203.0.113.0/24 -all"));
	assert_non_null(strstr(text, "The part that decided: \"-all\": mail "
	    "from every server the record does not list is to be refused."));
	assert_non_null(strstr(text, "example.org explains: 198.51.100.7 is "
	    "not one of our servers, see https://example.org/mail"));
	assert_non_null(strstr(text, "must add ip4:198.51.100.7"));
	assert_true(v.nlines <= 5);
	verdict_clear(&v);

	/* listed as not allowed on purpose, in an included record: adding
	 * the IP would not help, and the record that said it is named */
	f.spf_mailfrom.decider = (char *)"-ip4:198.51.100.0/24";
	f.spf_mailfrom.decider_domain = (char *)"_spf.provider.example";
	f.spf_mailfrom.explanation = NULL;
	verdict_decide(&f, &p, STAGE_RCPT, &v);
	reply(&v, text, sizeof(text));
	assert_non_null(strstr(text, "The part that decided: "
	    "\"-ip4:198.51.100.0/24\" in the record of _spf.provider.example, "
	    "which that record includes or redirects to: the record names "
	    "this server as not authorized."));
	assert_null(strstr(text, "explains"));
	assert_null(strstr(text, "must add"));
	assert_non_null(strstr(text, "send the mail through a server the SPF "
	    "record of example.org authorizes"));
	verdict_clear(&v);
	policy_free(&p);
}

static void
test_helo_and_temperror_text(void **state)
{
	static const struct verdict_case h = { "", SPFR_PASS, SPFR_FAIL, 0,
	    STAGE_RCPT, STAGE_RCPT, 0, 0, NULL, NULL, NOBODY, 0, NULL };
	static const struct verdict_case t = { "", SPFR_TEMPERROR, SPFR_PASS,
	    0, STAGE_RCPT, STAGE_RCPT, 0, 0, NULL, NULL, NOBODY, 0, NULL };
	struct policy p;
	struct facts f;
	struct verdict v;
	char text[4096];

	policy_defaults(&p);
	facts_for(&f, &h);
	verdict_decide(&f, &p, STAGE_RCPT, &v);
	reply(&v, text, sizeof(text));
	assert_non_null(strstr(text, "mail.example.net does not allow "
	    "198.51.100.7 to use it as HELO name"));
	assert_non_null(strstr(text, "greet with a name"));
	verdict_clear(&v);

	facts_for(&f, &t);
	verdict_decide(&f, &p, STAGE_RCPT, &v);
	reply(&v, text, sizeof(text));
	assert_non_null(strstr(text, "could not be completed (no reply "
	    "(timed out))"));
	assert_non_null(strstr(text, "try again later"));
	verdict_clear(&v);
	policy_free(&p);
}

static void
test_hostile_text_is_bounded_and_printable(void **state)
{
	static const struct verdict_case c = { "", SPFR_FAIL, SPFR_NONE, 0,
	    STAGE_RCPT, STAGE_RCPT, 0, 0, NULL, NULL, NOBODY, 0, NULL };
	struct policy p;
	struct facts f;
	struct verdict v;
	char big[3000];
	size_t i, j;

	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[5] = '\r';
	big[6] = '\n';
	big[7] = '%';
	big[8] = (char)0xff;
	policy_defaults(&p);
	facts_for(&f, &c);
	f.spf_mailfrom.identity = big;
	f.spf_mailfrom.domain = big;
	f.spf_mailfrom.record = big;
	f.spf_mailfrom.decider = big;
	f.spf_mailfrom.decider_domain = big + 1;
	f.spf_mailfrom.explanation = big;
	verdict_decide(&f, &p, STAGE_RCPT, &v);
	assert_true(v.nlines >= 2);
	for (i = 0; i < v.nlines; i++) {
		assert_true(strlen(v.lines[i]) <= VERDICT_LINE_MAX);
		for (j = 0; v.lines[i][j] != '\0'; j++)
			assert_true(v.lines[i][j] >= 0x20 && v.lines[i][j] < 0x7f);
	}
	verdict_clear(&v);
	policy_free(&p);
}

static void
test_names(void **state)
{
	int i;

	for (i = ACT_ACCEPT; i <= ACT_REJECT; i++)
		assert_int_equal(policy_action_parse(policy_action_name((enum action)i)), i);
	for (i = STAGE_CONNECT; i <= STAGE_EOM; i++)
		assert_int_equal(policy_stage_parse(policy_stage_name((enum stage)i)), i);
	assert_int_equal(policy_action_parse("discard"), -1);
	assert_int_equal(policy_stage_parse("body"), -1);
}

/* --- the message checks: From:, DMARC, DKIM --- */

enum tweak {
	T_NONE, T_QUARANTINE_HOLD, T_REPORT_ONLY, T_OVERRIDE, T_SIGNER,
	T_CLIENT, T_DKIM_FAIL_REJECT, T_BAD_FROM_ACCEPT, T_AUTHED, T_FORWARDER,
	T_TRUSTED_RECORD, T_WAIT
};

struct msg_case {
	const char		*name;
	int			 spf;		/* MAIL FROM result */
	int			 dkim;		/* -1 unsigned, else result */
	int			 dmarc;		/* -1 not checked, else result */
	enum dmarc_disp		 policy;
	const char		*from_error;
	enum tweak		 tweak;
	enum stage		 stage;
	enum action		 action, decided;
	const char		*check;
	const char		*note;		/* in exempt or would */
	const char		*text;		/* in the reply */
};

#define NOSIG	(-1)
#define NODMARC	(-1)
#define QN	DMARC_P_NONE
#define QQ	DMARC_P_QUARANTINE
#define QR	DMARC_P_REJECT

static const struct msg_case msg_cases[] = {
	{ "dmarc pass", SPFR_PASS, DKIMR_PASS, DMARCR_PASS, QR, NULL, T_NONE,
	    STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NULL },
	{ "SPF fail refuses even when DMARC passes", SPFR_FAIL, DKIMR_PASS,
	    DMARCR_PASS, QR, NULL, T_NONE, STAGE_EOM, ACT_REJECT, ACT_REJECT,
	    "spf-mailfrom", NULL, "SPF fail" },
	{ "wait for DMARC: SPF fail overruled", SPFR_FAIL, DKIMR_PASS,
	    DMARCR_PASS, QR, NULL, T_WAIT, STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT,
	    NULL, "spf_mailfrom=fail overruled by dmarc=pass", NULL },
	{ "wait for DMARC: nothing refused at RCPT", SPFR_FAIL, NOSIG, NODMARC,
	    QN, "x", T_WAIT, STAGE_RCPT, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL,
	    NULL },
	{ "wait for DMARC: SPF fail stands when DMARC fails", SPFR_FAIL, NOSIG,
	    DMARCR_FAIL, QN, NULL, T_WAIT, STAGE_EOM, ACT_REJECT, ACT_REJECT,
	    "spf-mailfrom", NULL, "SPF fail" },
	{ "p=reject fail", SPFR_SOFTFAIL, DKIMR_FAIL, DMARCR_FAIL, QR, NULL,
	    T_NONE, STAGE_EOM, ACT_REJECT, ACT_REJECT, "dmarc", NULL,
	    "DMARC fail: example.org asks receivers to reject" },
	{ "p=reject fail names SPF and DKIM", SPFR_PASS, DKIMR_PASS,
	    DMARCR_FAIL, QR, NULL, T_NONE, STAGE_EOM, ACT_REJECT, ACT_REJECT,
	    "dmarc", NULL, "not aligned with example.org" },
	{ "p=reject fail, fix named", SPFR_SOFTFAIL, NOSIG, DMARCR_FAIL, QR, NULL,
	    T_NONE, STAGE_EOM, ACT_REJECT, ACT_REJECT, "dmarc", NULL,
	    "sign the mail with a DKIM key of example.org (d=example.org)" },
	{ "p=quarantine: accepted, marked", SPFR_SOFTFAIL, NOSIG, DMARCR_FAIL, QQ,
	    NULL, T_NONE, STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NULL },
	{ "p=quarantine: held when configured", SPFR_SOFTFAIL, NOSIG, DMARCR_FAIL,
	    QQ, NULL, T_QUARANTINE_HOLD, STAGE_EOM, ACT_QUARANTINE,
	    ACT_QUARANTINE, "dmarc", NULL, "DMARC fail" },
	{ "quarantine waits for the end of the message", SPFR_SOFTFAIL, NOSIG,
	    DMARCR_FAIL, QQ, NULL, T_QUARANTINE_HOLD, STAGE_RCPT, ACT_ACCEPT,
	    ACT_QUARANTINE, "dmarc", NULL, NULL },
	{ "p=none fail", SPFR_SOFTFAIL, NOSIG, DMARCR_FAIL, QN, NULL, T_NONE,
	    STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NULL },
	{ "dmarc temperror", SPFR_PASS, NOSIG, DMARCR_TEMPERROR, QR, NULL,
	    T_NONE, STAGE_EOM, ACT_TEMPFAIL, ACT_TEMPFAIL, "dmarc", NULL,
	    "try again later" },
	{ "dmarc permerror accepted", SPFR_PASS, NOSIG, DMARCR_PERMERROR, QN,
	    NULL, T_NONE, STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL, NULL },
	{ "dmarc none", SPFR_FAIL, NOSIG, DMARCR_NONE, QN, NULL, T_NONE,
	    STAGE_EOM, ACT_REJECT, ACT_REJECT, "spf-mailfrom", NULL,
	    "SPF fail" },
	{ "report only: accepted, would reject", SPFR_SOFTFAIL, NOSIG,
	    DMARCR_FAIL, QR, NULL, T_REPORT_ONLY, STAGE_EOM, ACT_ACCEPT,
	    ACT_ACCEPT, NULL, "reject: dmarc=fail (p=reject)", NULL },
	{ "per-domain override", SPFR_SOFTFAIL, NOSIG, DMARCR_FAIL, QR, NULL,
	    T_OVERRIDE, STAGE_EOM, ACT_QUARANTINE, ACT_QUARANTINE, "dmarc",
	    NULL, NULL },
	{ "trusted signer: recorded", SPFR_SOFTFAIL, DKIMR_PASS, DMARCR_FAIL, QR,
	    NULL, T_SIGNER, STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT, NULL,
	    "dmarc=fail (p=reject) not enforced (trusted signer "
	    "lists.example.net)", NULL },
	{ "trusted client: recorded", SPFR_SOFTFAIL, NOSIG, DMARCR_FAIL, QR, NULL,
	    T_CLIENT, STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT, NULL,
	    "not enforced (trusted client 198.51.100.0/24)", NULL },
	{ "trusted forwarder: recorded", SPFR_PASS, NOSIG, DMARCR_FAIL, QR,
	    NULL, T_FORWARDER, STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT, NULL,
	    "not enforced (trusted forwarder fwd.example)", NULL },
	{ "authenticated: skipped", SPFR_SOFTFAIL, NOSIG, DMARCR_FAIL, QR,
	    "is missing", T_AUTHED, STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT, NULL,
	    "DMARC not checked (authenticated sender)", NULL },
	{ "bad From: refused", SPFR_PASS, NOSIG, NODMARC, QN, "appears 2 times",
	    T_NONE, STAGE_EOM, ACT_REJECT, ACT_REJECT, "from", NULL,
	    "The From: header field appears 2 times" },
	{ "bad From: beats SPF fail on a tie", SPFR_SOFTFAIL, NOSIG, NODMARC, QN,
	    "is missing", T_NONE, STAGE_EOM, ACT_REJECT, ACT_REJECT, "from",
	    NULL, "exactly one From: field" },
	{ "bad From: accepted when configured", SPFR_PASS, NOSIG, NODMARC, QN,
	    "is missing", T_BAD_FROM_ACCEPT, STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT,
	    NULL, NULL, NULL },
	{ "bad From: report only", SPFR_PASS, NOSIG, NODMARC, QN,
	    "is missing", T_REPORT_ONLY, STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT,
	    NULL, "reject: from: is missing", NULL },
	{ "bad From: trusted network recorded", SPFR_PASS, NOSIG, NODMARC, QN,
	    "is missing", T_TRUSTED_RECORD, STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT,
	    NULL, "from: is missing not enforced (trusted network", NULL },
	{ "dkim fail: recorded by default", SPFR_PASS, DKIMR_FAIL, DMARCR_PASS,
	    QR, NULL, T_NONE, STAGE_EOM, ACT_ACCEPT, ACT_ACCEPT, NULL, NULL,
	    NULL },
	{ "dkim fail refused when configured", SPFR_PASS, DKIMR_FAIL,
	    DMARCR_PASS, QR, NULL, T_DKIM_FAIL_REJECT, STAGE_EOM, ACT_REJECT,
	    ACT_REJECT, "dkim", NULL, "DKIM fail: a signature of example.org" },
	{ "reject beats quarantine", SPFR_SOFTFAIL, NOSIG, DMARCR_FAIL, QQ, NULL,
	    T_QUARANTINE_HOLD, STAGE_EOM, ACT_QUARANTINE, ACT_QUARANTINE,
	    "dmarc", NULL, NULL },
};

/* msg_facts - the facts of one message row */
static void
msg_facts(struct facts *f, struct dkim_sig *sig, const struct msg_case *c)
{
	memset(f, 0, sizeof(*f));
	f->client_ip = "198.51.100.7";
	f->client_name = "client.example";
	f->helo = "mail.example.net";
	f->mail_from = "user@example.org";
	outcome(&f->spf_mailfrom, c->spf, "example.org");
	f->message_done = 1;
	f->from_fields = c->from_error != NULL ? 0 : 1;
	f->from_error = c->from_error;
	f->from_domain = c->from_error != NULL ? NULL : "example.org";
	f->dkim.checked = 1;
	if (c->dkim != NOSIG) {
		memset(sig, 0, sizeof(*sig));
		sig->result = (enum dkim_result)c->dkim;
		sig->domain = (char *)(c->tweak == T_SIGNER ? "lists.example.net" :
		    "example.org");
		sig->selector = (char *)"s1";
		sig->reason = c->dkim == DKIMR_PASS ? NULL :
		    (char *)"the body hash does not match";
		f->dkim.sigs = sig;
		f->dkim.n = 1;
	}
	if (c->dmarc != NODMARC) {
		f->dmarc.checked = 1;
		f->dmarc.result = (enum dmarc_result)c->dmarc;
		f->dmarc.from_domain = (char *)"example.org";
		f->dmarc.record_domain = (char *)"example.org";
		f->dmarc.p = f->dmarc.published = f->dmarc.policy = c->policy;
		f->dmarc.published_tag = "p";
		f->dmarc.spf_align = c->spf == SPFR_PASS ? DMARC_ALIGN_FAIL :
		    DMARC_ALIGN_NONE;
		f->dmarc.dkim_align = c->dkim == DKIMR_PASS ? DMARC_ALIGN_FAIL :
		    DMARC_ALIGN_NONE;
		f->dmarc.reason = c->dmarc == DMARCR_PASS ? NULL :
		    (char *)"the DMARC record could not be looked up";
	}
}

static void
test_message_table(void **state)
{
	static ipaddr ip;
	struct dkim_sig sig;
	struct policy p;
	struct facts f;
	struct verdict v;
	char text[4096];
	str err;
	size_t i;

	str_init(&err);
	assert_int_equal(ipaddr_parse("198.51.100.7", &ip), 0);
	for (i = 0; i < sizeof(msg_cases) / sizeof(msg_cases[0]); i++) {
		const struct msg_case *c = &msg_cases[i];

		policy_defaults(&p);
		msg_facts(&f, &sig, c);
		f.ip = &ip;
		switch (c->tweak) {
		case T_QUARANTINE_HOLD:
			p.dmarc.fail[DMARC_P_QUARANTINE] = ACT_QUARANTINE;
			break;
		case T_REPORT_ONLY:
			p.dmarc.report_only = 1;
			break;
		case T_OVERRIDE:
			p.dmarc_overrides = calloc(1, sizeof(*p.dmarc_overrides));
			p.dmarc_overrides[0].domain = strdup("example.org");
			p.dmarc_overrides[0].actions = p.dmarc;
			p.dmarc_overrides[0].actions.fail[DMARC_P_REJECT] =
			    ACT_QUARANTINE;
			p.ndmarc_overrides = 1;
			break;
		case T_SIGNER:
			assert_int_equal(domlist_parse("lists.example.net", 0,
			    &p.dmarc_trusted_signers, &err), 0);
			break;
		case T_CLIENT:
			assert_int_equal(netlist_parse("198.51.100.0/24",
			    &p.dmarc_trusted_clients, &err), 0);
			break;
		case T_DKIM_FAIL_REJECT:
			p.dkim[DKIMR_FAIL] = ACT_REJECT;
			break;
		case T_BAD_FROM_ACCEPT:
			p.bad_from = ACT_ACCEPT;
			break;
		case T_AUTHED:
			f.auth_user = "alice";
			break;
		case T_FORWARDER:
			f.forwarder = "fwd.example";
			break;
		case T_TRUSTED_RECORD:
			f.trusted_net = "198.51.100.0/24";
			p.trusted[CHECK_DMARC] = EXEMPT_RECORD;
			break;
		case T_WAIT:
			p.spf_wait_for_dmarc = 1;
			if (c->stage != STAGE_EOM)
				f.message_done = 0;
			break;
		default:
			break;
		}
		verdict_decide(&f, &p, c->stage, &v);
		if (v.action != c->action || v.decided != c->decided)
			fail_msg("%s: action %s decided %s, want %s/%s", c->name,
			    policy_action_name(v.action), policy_action_name(v.decided),
			    policy_action_name(c->action), policy_action_name(c->decided));
		if ((c->check == NULL) != (v.check == NULL) ||
		    (c->check != NULL && strcmp(c->check, v.check) != 0))
			fail_msg("%s: check %s, want %s", c->name,
			    v.check ? v.check : "-", c->check ? c->check : "-");
		if (c->note != NULL && strstr(str_cstr(&v.exempt), c->note) ==
		    NULL && strstr(str_cstr(&v.would), c->note) == NULL)
			fail_msg("%s: notes \"%s\" / \"%s\" lack \"%s\"", c->name,
			    str_cstr(&v.exempt), str_cstr(&v.would), c->note);
		reply(&v, text, sizeof(text));
		if (c->text != NULL && strstr(text, c->text) == NULL)
			fail_msg("%s: reply \"%s\" lacks \"%s\"", c->name, text,
			    c->text);
		if (v.action == ACT_QUARANTINE && v.code != NULL)
			fail_msg("%s: a quarantine with an SMTP code", c->name);
		verdict_clear(&v);
		policy_free(&p);
	}
	str_free(&err);
}

/* which lookups a stage before the end must wait for: the reverse DNS
 * check and the HELO name's resolution only when they can refuse */
struct refuses_case {
	const char	*name;
	void		(*set)(struct policy *);
	int		 iprev;		/* policy_refuses_on_iprev */
	int		 helo_dns;	/* policy_refuses_on_helo_dns */
};

static void set_none(struct policy *p) { (void)p; }
static void set_iprev_fail(struct policy *p) { p->iprev[IPREVR_FAIL] = ACT_REJECT; }
static void set_iprev_temp(struct policy *p) { p->iprev[IPREVR_TEMPERROR] = ACT_TEMPFAIL; }
static void set_iprev_quarantine(struct policy *p) { p->iprev[IPREVR_FAIL] = ACT_QUARANTINE; }
static void set_iprev_report(struct policy *p)
{
	p->iprev[IPREVR_FAIL] = ACT_REJECT;
	p->report_only[CHECK_IPREV] = 1;
}
static void set_dnsbl_on(struct policy *p) { p->ip_checks |= 1u << CHECK_DNSBL; }
static void set_dnsbl_accept(struct policy *p)
{
	p->ip_checks |= 1u << CHECK_DNSBL;
	p->dnsbl_action = ACT_TAG;
}
static void set_dnsbl_no_generic(struct policy *p)
{
	p->ip_checks |= 1u << CHECK_DNSBL;
	p->generic_weight = 0;
}
static void set_dnsbl_temp(struct policy *p)
{
	/* the generic name's weight can turn a temperror vote into a tag */
	p->ip_checks |= 1u << CHECK_DNSBL;
	p->dnsbl_action = ACT_TAG;
	p->dnsbl_temperror = ACT_TEMPFAIL;
}
static void set_dnsbl_report(struct policy *p)
{
	p->ip_checks |= 1u << CHECK_DNSBL;
	p->report_only[CHECK_DNSBL] = 1;
}
static void set_score(struct policy *p) { policy_score_defaults(&p->score); p->score.enabled = 1; }
static void set_score_report(struct policy *p)
{
	set_score(p);
	p->score.report_only = 1;
}
static void set_helo_unresolvable(struct policy *p) { p->helo[HELOF_UNRESOLVABLE] = ACT_REJECT; }
static void set_helo_not_fqdn(struct policy *p) { p->helo[HELOF_NOT_FQDN] = ACT_REJECT; }

static const struct refuses_case refuses_cases[] = {
	{ "defaults", set_none, 0, 0 },
	{ "iprev fail rejects", set_iprev_fail, 1, 0 },
	{ "iprev temperror tempfails", set_iprev_temp, 1, 0 },
	{ "iprev fail quarantines (only at the end)", set_iprev_quarantine,
	    0, 0 },
	{ "iprev fail rejects, report only", set_iprev_report, 0, 0 },
	{ "DNS lists on: a generic name adds to a refusing score",
	    set_dnsbl_on, 1, 0 },
	{ "DNS lists that only tag", set_dnsbl_accept, 0, 0 },
	{ "DNS lists, generic_weight 0", set_dnsbl_no_generic, 0, 0 },
	{ "DNS lists that tag, temperror tempfails", set_dnsbl_temp, 1, 0 },
	{ "DNS lists in report-only", set_dnsbl_report, 0, 0 },
	{ "score model", set_score, 1, 1 },
	{ "score model, report only", set_score_report, 0, 0 },
	{ "HELO unresolvable rejects", set_helo_unresolvable, 0, 1 },
	{ "HELO not a FQDN rejects (no DNS)", set_helo_not_fqdn, 0, 0 },
};

static void
test_refuses_on(void **state)
{
	struct policy p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(refuses_cases) / sizeof(refuses_cases[0]);
	    i++) {
		policy_defaults(&p);
		refuses_cases[i].set(&p);
		if (policy_refuses_on_iprev(&p) != refuses_cases[i].iprev ||
		    policy_refuses_on_helo_dns(&p) !=
		    refuses_cases[i].helo_dns)
			fail_msg("%s: iprev %d helo_dns %d, expected %d %d",
			    refuses_cases[i].name, policy_refuses_on_iprev(&p),
			    policy_refuses_on_helo_dns(&p),
			    refuses_cases[i].iprev, refuses_cases[i].helo_dns);
		policy_free(&p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_fail_text_explains),
		cmocka_unit_test(test_helo_and_temperror_text),
		cmocka_unit_test(test_hostile_text_is_bounded_and_printable),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_message_table),
		cmocka_unit_test(test_refuses_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
