/*
 * test_hints - what one message teaches the next of its MAIL FROM
 * domain, table-driven: the keys of its own tree's signatures whose key
 * passed, or, from a client SPF passed, was found though it failed
 * (fail, policy; never permerror, temperror, neutral); a sibling's key
 * and another author domain only when SPF passed for the MAIL FROM
 * domain and DMARC found it aligned with the author (the key only of the
 * aligned signature that passed, the author only below the MAIL FROM
 * domain's organization's own records); never a third party's names;
 * nothing for the null sender.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dkim/dkim.h"
#include "dkim/dkim_keyhint.h"
#include "dmarc/dmarc.h"
#include "session/hints.h"
#include "verdict/facts.h"

/* one signature of the message: d=, s=, its result */
struct sig_case {
	const char		*d;
	const char		*s;
	enum dkim_result	 result;
};

struct hint_case {
	const char		*what;
	const char		*mail_domain;	/* NULL: the null sender */
	enum spf_result		 spf;
	const char		*spf_domain;	/* whose SPF result it is;
						 * NULL: mail_domain */
	const char		*from;		/* author domain; NULL: no
						 * DMARC check */
	enum dmarc_align	 spf_align, dkim_align;
	const char		*aligned_d;	/* DMARC's dkim_domain */
	struct sig_case		 sigs[3];	/* up to a NULL d= */
	const char		*keys[3];	/* the hinted keys, newest
						 * first, up to NULL */
	const char		*authors[2];	/* the hinted authors */
};

static const struct hint_case cases[] = {
	{ "own domain, passed", "shop.example", SPFR_NONE, NULL,
	  "shop.example", DMARC_ALIGN_NONE, DMARC_ALIGN_PASS, "shop.example",
	  { { "shop.example", "s", DKIMR_PASS } },
	  { "s._domainkey.shop.example" }, { NULL } },
	{ "own tree, SPF passed: keys found though the signature failed",
	  "bounce.shop.example", SPFR_PASS, NULL, "shop.example",
	  DMARC_ALIGN_PASS, DMARC_ALIGN_NONE, NULL,
	  { { "shop.example", "s", DKIMR_FAIL }, { "bounce.shop.example",
	    "b", DKIMR_POLICY } },
	  { "s._domainkey.shop.example", "b._domainkey.bounce.shop.example" },
	  { NULL } },
	{ "own tree, SPF failed: only what passed (made-up failing "
	  "signatures push nothing out)",
	  "shop.example", SPFR_FAIL, NULL, "shop.example",
	  DMARC_ALIGN_NONE, DMARC_ALIGN_PASS, "shop.example",
	  { { "shop.example", "old", DKIMR_FAIL }, { "shop.example", "s",
	    DKIMR_PASS }, { "shop.example", "k1", DKIMR_POLICY } },
	  { "s._domainkey.shop.example" }, { NULL } },
	{ "own domain, no key (permerror), temperror, neutral: nothing",
	  "shop.example", SPFR_PASS, NULL, "shop.example",
	  DMARC_ALIGN_PASS, DMARC_ALIGN_NONE, NULL,
	  { { "shop.example", "a", DKIMR_PERMERROR }, { "shop.example", "b",
	    DKIMR_TEMPERROR }, { "shop.example", "c", DKIMR_NEUTRAL } },
	  { NULL }, { NULL } },
	{ "sibling of one organization: its aligned key, the author",
	  "bounce.org.example", SPFR_PASS, NULL, "news.org.example",
	  DMARC_ALIGN_PASS, DMARC_ALIGN_PASS, "mail.org.example",
	  { { "mail.org.example", "s", DKIMR_PASS }, { "esp.example", "s",
	    DKIMR_PASS } },
	  { "s._domainkey.mail.org.example" }, { "news.org.example" } },
	{ "sibling: only the aligned signature that passed, not its "
	  "failing other selector",
	  "bounce.org.example", SPFR_PASS, NULL, "org.example",
	  DMARC_ALIGN_PASS, DMARC_ALIGN_PASS, "mail.org.example",
	  { { "mail.org.example", "old", DKIMR_FAIL }, { "mail.org.example",
	    "s", DKIMR_PASS } },
	  { "s._domainkey.mail.org.example" }, { NULL } },
	{ "sibling, but SPF did not pass: nothing of other domains",
	  "bounce.org.example", SPFR_SOFTFAIL, NULL, "news.org.example",
	  DMARC_ALIGN_NONE, DMARC_ALIGN_PASS, "mail.org.example",
	  { { "mail.org.example", "s", DKIMR_PASS } }, { NULL }, { NULL } },
	{ "SPF passed for another domain (the HELO name): nothing of others",
	  "bounce.org.example", SPFR_PASS, "mx.org.example", "news.org.example",
	  DMARC_ALIGN_PASS, DMARC_ALIGN_PASS, "mail.org.example",
	  { { "mail.org.example", "s", DKIMR_PASS } }, { NULL }, { NULL } },
	{ "SPF passed, not aligned with the author (an ESP): its own key",
	  "esp.example", SPFR_PASS, NULL, "customer.example",
	  DMARC_ALIGN_FAIL, DMARC_ALIGN_PASS, "customer.example",
	  { { "customer.example", "s", DKIMR_PASS }, { "esp.example", "e",
	    DKIMR_PASS } },
	  { "e._domainkey.esp.example" }, { NULL } },
	{ "aligned by SPF, no signature aligned: DMARC's passing d= of "
	  "a third party is not noted",
	  "bounce.org.example", SPFR_PASS, NULL, "news.org.example",
	  DMARC_ALIGN_PASS, DMARC_ALIGN_FAIL, "esp.example",
	  { { "esp.example", "s", DKIMR_PASS } }, { NULL },
	  { "news.org.example" } },
	{ "an aligned signature's key failed temporarily: not noted",
	  "bounce.org.example", SPFR_PASS, NULL, "news.org.example",
	  DMARC_ALIGN_PASS, DMARC_ALIGN_TEMP, "mail.org.example",
	  { { "mail.org.example", "s", DKIMR_TEMPERROR } }, { NULL },
	  { "news.org.example" } },
	{ "the author is above the MAIL FROM domain: its prefetch asks it",
	  "bounce.org.example", SPFR_PASS, NULL, "org.example",
	  DMARC_ALIGN_PASS, DMARC_ALIGN_NONE, NULL,
	  { { NULL, NULL, DKIMR_NONE } }, { NULL }, { NULL } },
	{ "the author is the MAIL FROM domain: no author hint",
	  "org.example", SPFR_PASS, NULL, "org.example",
	  DMARC_ALIGN_PASS, DMARC_ALIGN_NONE, NULL,
	  { { NULL, NULL, DKIMR_NONE } }, { NULL }, { NULL } },
	{ "the author is under the MAIL FROM domain: noted",
	  "org.example", SPFR_PASS, NULL, "news.org.example",
	  DMARC_ALIGN_PASS, DMARC_ALIGN_NONE, NULL,
	  { { NULL, NULL, DKIMR_NONE } }, { NULL }, { "news.org.example" } },
	{ "no DMARC check: own tree only",
	  "bounce.org.example", SPFR_PASS, NULL, NULL,
	  DMARC_ALIGN_NONE, DMARC_ALIGN_NONE, NULL,
	  { { "mail.org.example", "s", DKIMR_PASS }, { "org.example", "s",
	    DKIMR_PASS } },
	  { "s._domainkey.org.example" }, { NULL } },
	{ "the null sender: nothing", NULL, SPFR_PASS, NULL, "org.example",
	  DMARC_ALIGN_PASS, DMARC_ALIGN_PASS, "org.example",
	  { { "org.example", "s", DKIMR_PASS } }, { NULL }, { NULL } },
};

/* count - the non-NULL names of a list */
static size_t
count(const char *const *names, size_t max)
{
	size_t n = 0;

	while (n < max && names[n] != NULL)
		n++;
	return n;
}

/* run_case - one message's facts noted, the hints compared */
static void
run_case(const struct hint_case *c)
{
	struct dkim_sig sigs[3];
	struct facts f;
	char keys[DKIM_KEYHINT_PER_DOMAIN][DKIM_KEYHINT_NAME_MAX];
	struct dns_hint_name authors[HINTS_AUTHORS_PER_DOMAIN];
	size_t i, n, want;
	const char *key_of = c->mail_domain != NULL ? c->mail_domain :
	    "null.example";

	hints_reset();
	memset(&f, 0, sizeof(f));
	memset(sigs, 0, sizeof(sigs));
	f.spf_mailfrom.checked = 1;
	f.spf_mailfrom.result = c->spf;
	f.spf_mailfrom.domain = (char *)(c->spf_domain != NULL ?
	    c->spf_domain : key_of);
	for (n = 0; n < 3 && c->sigs[n].d != NULL; n++) {
		sigs[n].domain = (char *)c->sigs[n].d;
		sigs[n].selector = (char *)c->sigs[n].s;
		sigs[n].result = c->sigs[n].result;
	}
	f.dkim.checked = 1;
	f.dkim.n = n;
	f.dkim.sigs = sigs;
	if (c->from != NULL) {
		f.dmarc.checked = 1;
		f.dmarc.from_domain = (char *)c->from;
		f.dmarc.spf_align = c->spf_align;
		f.dmarc.dkim_align = c->dkim_align;
		f.dmarc.dkim_domain = (char *)c->aligned_d;
	}
	hints_note(c->mail_domain, &f);

	want = count(c->keys, 3);
	n = dkim_keyhint_recall(key_of, keys, DKIM_KEYHINT_PER_DOMAIN);
	if (n != want)
		fail_msg("%s: %zu keys hinted, want %zu", c->what, n, want);
	for (i = 0; i < n; i++)
		if (strcmp(keys[i], c->keys[i]) != 0)
			fail_msg("%s: key %zu is %s, want %s", c->what, i,
			    keys[i], c->keys[i]);
	want = count(c->authors, 2);
	n = hints_authors(key_of, authors, HINTS_AUTHORS_PER_DOMAIN);
	if (n != want)
		fail_msg("%s: %zu authors hinted, want %zu", c->what, n, want);
	for (i = 0; i < n; i++)
		if (strcmp(authors[i].name, c->authors[i]) != 0)
			fail_msg("%s: author %zu is %s, want %s", c->what, i,
			    authors[i].name, c->authors[i]);
}

/* the table */
static void
test_hints_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/* dkim_key_found: the results judged with the key in hand */
static void
test_key_found(void **state)
{
	static const struct {
		enum dkim_result r;
		int found;
	} t[] = {
		{ DKIMR_NONE, 0 }, { DKIMR_PASS, 1 }, { DKIMR_FAIL, 1 },
		{ DKIMR_NEUTRAL, 0 }, { DKIMR_POLICY, 1 },
		{ DKIMR_TEMPERROR, 0 }, { DKIMR_PERMERROR, 0 },
	};
	size_t i;

	(void)state;
	assert_int_equal(sizeof(t) / sizeof(t[0]), DKIMR_COUNT);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (dkim_key_found(t[i].r) != t[i].found)
			fail_msg("%s: key found %d, want %d",
			    dkim_result_name(t[i].r), !t[i].found, t[i].found);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hints_table),
		cmocka_unit_test(test_key_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
