/*
 * test_headers - the header fields we add (A-R, Received-SPF) and the
 * per-message summary log line, built from facts; plus the string and
 * logging helpers they rest on.
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

#include <jansson.h>

#include "util/log.h"
#include "util/str.h"
#include "mail/authres.h"
#include "spf/spf.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"
#include "report/headers.h"
#include "report/summary.h"

/* spf - fill an outcome */
static void
spf(struct spf_outcome *o, enum spf_result r, const char *domain,
    const char *identity, const char *reason)
{
	memset(o, 0, sizeof(*o));
	o->checked = 1;
	o->result = r;
	o->domain = (char *)domain;
	o->identity = (char *)identity;
	o->reason = (char *)reason;
}

/* base - facts of a plain transaction */
static void
base(struct facts *f)
{
	memset(f, 0, sizeof(*f));
	f->client_ip = "192.0.2.10";
	f->client_name = "mail.example.org";
	f->helo = "mail.example.org";
	f->mail_from = "user@example.org";
}

/* unfolded - the value with folds turned back into single spaces */
static const char *
unfolded(const str *in)
{
	static char buf[4096];
	size_t i, j;

	for (i = j = 0; i < in->len && j + 1 < sizeof(buf); i++) {
		if (in->buf[i] == '\n') {
			while (i + 1 < in->len && (in->buf[i + 1] == '\t' ||
			    in->buf[i + 1] == ' '))
				i++;
			buf[j++] = ' ';
		} else
			buf[j++] = in->buf[i];
	}
	buf[j] = '\0';
	return buf;
}

static void
test_authres_header(void **state)
{
	struct policy p;
	struct facts f;
	str out;

	policy_defaults(&p);
	str_init(&out);
	base(&f);
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_string_equal(str_cstr(&out), "mx.example.net; none");

	str_reset(&out);
	spf(&f.spf_mailfrom, SPFR_PASS, "example.org", "user@example.org",
	    NULL);
	spf(&f.spf_helo, SPFR_NONE, "mail.example.org",
	    "postmaster@mail.example.org", NULL);
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_string_equal(str_cstr(&out), "mx.example.net;\n"
	    "\tspf=pass smtp.mailfrom=example.org;\n"
	    "\tspf=none smtp.helo=mail.example.org");

	str_reset(&out);
	spf(&f.spf_mailfrom, SPFR_TEMPERROR, "example.org", "user@example.org",
	    "no reply for example.org/TXT (timed out, 2 tries)");
	memset(&f.spf_helo, 0, sizeof(f.spf_helo));
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_non_null(strstr(str_cstr(&out), "spf=temperror"));
	/* folded before the long reason to stay within 78 columns */
	assert_non_null(strstr(str_cstr(&out), "\n\t reason=\"no reply for "
	    "example.org/TXT (timed out, 2 tries)\""));
	assert_non_null(strstr(str_cstr(&out), "smtp.mailfrom=example.org"));

	/* a malformed sender has no domain: the address as given */
	str_reset(&out);
	spf(&f.spf_mailfrom, SPFR_NONE, "", "<broken@example.org",
	    "unbalanced angle brackets");
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_non_null(strstr(unfolded(&out), "spf=none reason=\"unbalanced "
	    "angle brackets\" smtp.mailfrom=\"<broken@example.org\""));

	str_reset(&out);
	f.mail_from = "";
	spf(&f.spf_mailfrom, SPFR_PASS, "mail.example.org",
	    "postmaster@mail.example.org", NULL);
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_non_null(strstr(unfolded(&out), "spf=pass (null sender, checked "
	    "as postmaster@HELO) smtp.mailfrom=mail.example.org"));
	str_free(&out);
	policy_free(&p);
}

static void
test_received_spf(void **state)
{
	struct policy p;
	struct facts f;
	str out;

	policy_defaults(&p);
	str_init(&out);
	base(&f);
	assert_int_equal(headers_received_spf(&f, &p, "mx.example.net", &out), -1);
	spf(&f.spf_mailfrom, SPFR_FAIL, "example.org", "user@example.org",
	    NULL);
	assert_int_equal(headers_received_spf(&f, &p, "mx.example.net", &out), 0);
	assert_string_equal(str_cstr(&out), "fail (mx.example.net: domain of "
	    "user@example.org does not designate 192.0.2.10 as permitted "
	    "sender)\n\tclient-ip=192.0.2.10;\n\tenvelope-from="
	    "\"user@example.org\";\n\thelo=mail.example.org;\n"
	    "\treceiver=mx.example.net;\n\tidentity=mailfrom;");
	str_reset(&out);
	spf(&f.spf_mailfrom, SPFR_PERMERROR, "example.org", "user@example.org",
	    "two \"SPF\" records");
	headers_received_spf(&f, &p, "mx.example.net", &out);
	assert_non_null(strstr(str_cstr(&out),
	    "problem=\"two \\\"SPF\\\" records\";"));
	str_free(&out);
	policy_free(&p);
}

static void
test_exemptions_show(void **state)
{
	struct authres_parsed parsed;
	struct policy p;
	struct facts f;
	struct verdict v;
	str out, err;

	policy_defaults(&p);
	str_init(&out);
	str_init(&err);
	base(&f);
	f.trusted_net = "127.0.0.0/8";
	spf(&f.spf_helo, SPFR_FAIL, "mail.example.org",
	    "postmaster@mail.example.org", NULL);
	/* skipped: no result, a comment says why, and the field still
	 * parses strictly (the comment sits where RFC 8601 allows CFWS) */
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_string_equal(str_cstr(&out), "mx.example.net; (SPF not "
	    "checked: trusted network 127.0.0.0/8) none");
	assert_int_equal(authres_parse(str_cstr(&out), out.len, 0, &parsed,
	    &err), 0);
	assert_int_equal(parsed.nres, 0);
	authres_parsed_free(&parsed);
	assert_int_equal(headers_received_spf(&f, &p, "mx.example.net", &out),
	    -1);

	/* recorded only: the result is there, with why it did not refuse */
	str_reset(&out);
	p.trusted[CHECK_SPF] = EXEMPT_RECORD;
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_non_null(strstr(unfolded(&out), "spf=fail (not enforced: "
	    "trusted network 127.0.0.0/8) smtp.helo=mail.example.org"));
	verdict_decide(&f, &p, STAGE_RCPT, &v);
	assert_int_equal(v.action, ACT_ACCEPT);
	str_reset(&out);
	summary_format(&f, &v, STAGE_RCPT, "Q1", 1, 1, &out);
	assert_non_null(strstr(str_cstr(&out), " exempt=\"spf_helo=fail not "
	    "enforced (trusted network 127.0.0.0/8)\" verdict=accept"));
	verdict_clear(&v);

	/* a pass needs no excuse: no comment */
	str_reset(&out);
	spf(&f.spf_helo, SPFR_PASS, "mail.example.org",
	    "postmaster@mail.example.org", NULL);
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_null(strstr(str_cstr(&out), "not enforced"));

	/* an authenticated sender with the default policy: skipped */
	str_reset(&out);
	f.trusted_net = NULL;
	f.auth_user = "alice";
	verdict_decide(&f, &p, STAGE_RCPT, &v);
	summary_format(&f, &v, STAGE_RCPT, "Q2", 1, 1, &out);
	assert_non_null(strstr(str_cstr(&out), " exempt=\"SPF not checked "
	    "(authenticated sender)\""));
	/* the login name is not published in the header */
	str_reset(&out);
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_null(strstr(str_cstr(&out), "alice"));
	verdict_clear(&v);
	str_free(&out);
	str_free(&err);
	policy_free(&p);
}

static void
test_dkim_dmarc_results(void **state)
{
	struct authres_parsed parsed;
	struct dkim_sig sigs[2];
	struct policy p;
	struct facts f;
	str out, err;
	const char *u;

	policy_defaults(&p);
	str_init(&out);
	str_init(&err);
	base(&f);
	spf(&f.spf_mailfrom, SPFR_PASS, "example.org", "user@example.org",
	    NULL);
	memset(sigs, 0, sizeof(sigs));
	sigs[0].result = DKIMR_PASS;
	sigs[0].domain = (char *)"example.org";
	sigs[0].selector = (char *)"s2048";
	sigs[0].identity = (char *)"@example.org";
	sigs[0].algorithm = (char *)"rsa-sha256";
	sigs[0].b = (char *)"AbCdEf+/1234";
	sigs[0].keybits = 2048;
	sigs[1].result = DKIMR_FAIL;
	sigs[1].domain = (char *)"esp.example";
	sigs[1].selector = (char *)"k1";
	sigs[1].algorithm = (char *)"ed25519-sha256";
	sigs[1].b = (char *)"ZZZZZZZZZZZZ";
	sigs[1].reason = (char *)"the body hash does not match";
	f.dkim.checked = 1;
	f.dkim.sigs = sigs;
	f.dkim.n = 2;
	f.message_done = 1;
	f.from_domain = "example.org";
	f.dmarc.checked = 1;
	f.dmarc.result = DMARCR_PASS;
	f.dmarc.from_domain = (char *)"example.org";
	f.dmarc.p = f.dmarc.published = f.dmarc.policy = DMARC_P_REJECT;
	f.dmarc.published_tag = "p";
	f.dmarc.spf_align = DMARC_ALIGN_PASS;
	f.dmarc.dkim_align = DMARC_ALIGN_PASS;
	headers_authres(&f, &p, "mx.example.net", &out);
	u = unfolded(&out);
	assert_non_null(strstr(u, "dkim=pass (2048-bit key) header.d=example.org "
	    "header.i=@example.org header.s=s2048 header.a=rsa-sha256 "
	    "header.b=\"AbCdEf+/1234\";"));
	assert_non_null(strstr(u, "dkim=fail (ed25519 key) reason=\"the body "
	    "hash does not match\" header.d=esp.example header.s=k1 "
	    "header.a=ed25519-sha256 header.b=ZZZZZZZZZZZZ;"));
	assert_non_null(strstr(u, "dmarc=pass (p=reject; SPF aligned, DKIM "
	    "aligned) header.from=example.org policy.dmarc=none"));
	/* what we write, our strict parser reads */
	if (authres_parse(str_cstr(&out), out.len, 0, &parsed, &err) != 0)
		fail_msg("%s: %s", str_cstr(&out), str_cstr(&err));
	assert_int_equal(parsed.nres, 4);
	authres_parsed_free(&parsed);

	/* a failure held in quarantine says so */
	str_reset(&out);
	f.dmarc.result = DMARCR_FAIL;
	f.dmarc.p = f.dmarc.published = f.dmarc.policy = DMARC_P_QUARANTINE;
	f.dmarc.spf_align = DMARC_ALIGN_FAIL;
	f.dmarc.dkim_align = DMARC_ALIGN_NONE;
	p.dmarc.fail[DMARC_P_QUARANTINE] = ACT_QUARANTINE;
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_non_null(strstr(unfolded(&out), "dmarc=fail (p=quarantine; SPF "
	    "not aligned, DKIM did not pass) header.from=example.org "
	    "policy.dmarc=quarantine"));
	/* report only: delivered, the header says so */
	str_reset(&out);
	p.dmarc.report_only = 1;
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_non_null(strstr(unfolded(&out), "report only) "
	    "header.from=example.org policy.dmarc=none"));

	/* an unusable From: accepted anyway */
	str_reset(&out);
	f.from_domain = NULL;
	f.from_error = "appears 2 times";
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_non_null(strstr(unfolded(&out), "dmarc=permerror reason=\"From: "
	    "appears 2 times\""));
	str_free(&out);
	str_free(&err);
	policy_free(&p);
}

static void
test_summary_line(void **state)
{
	struct policy p;
	struct facts f;
	struct verdict v;
	str out;

	str_init(&out);
	base(&f);
	spf(&f.spf_mailfrom, SPFR_FAIL, "example.org", "user@example.org",
	    NULL);
	spf(&f.spf_helo, SPFR_PASS, "mail.example.org",
	    "postmaster@mail.example.org", NULL);
	policy_defaults(&p);
	verdict_decide(&f, &p, STAGE_RCPT, &v);
	summary_format(&f, &v, STAGE_RCPT, "4XbQk2", 2, 3, &out);
	assert_non_null(strstr(str_cstr(&out), "4XbQk2: client=mail.example.org"
	    "[192.0.2.10] helo=mail.example.org from=<user@example.org> "
	    "rcpts=2 spf_mailfrom=fail(example.org) "
	    "spf_helo=pass(mail.example.org) verdict=reject 550 5.7.1 "
	    "(spf-mailfrom) stage=rcpt time=3ms reply=\"SPF fail: "));
	verdict_clear(&v);

	/* a refusal still pending is visible too */
	str_reset(&out);
	verdict_decide(&f, &p, STAGE_MAIL, &v);
	summary_format(&f, &v, STAGE_MAIL, NULL, 0, 1, &out);
	assert_non_null(strstr(str_cstr(&out), "NOQUEUE: "));
	assert_non_null(strstr(str_cstr(&out), "verdict=accept (pending reject "
	    "by spf-mailfrom) stage=mail"));
	verdict_clear(&v);

	/* hostile client data stays on one printable line */
	str_reset(&out);
	f.helo = "evil\r\nhelo\x01";
	f.mail_from = "a\nb@example.org";
	verdict_decide(&f, &p, STAGE_EOM, &v);
	summary_format(&f, &v, STAGE_EOM, "Q", 1, 1, &out);
	assert_null(strchr(str_cstr(&out), '\n'));
	assert_null(strchr(str_cstr(&out), '\r'));
	assert_non_null(strstr(str_cstr(&out), "helo=evil??helo?"));

	/* log_format = json: one valid JSON object, hostile bytes made
	 * printable (8-bit, quotes, backslashes, control characters) */
	str_reset(&out);
	f.helo = "ev\"il\\\xff\xfe\r\n";
	summary_json(&f, &v, STAGE_EOM, "Q", 1, 7, &out);
	assert_null(strchr(str_cstr(&out), '\n'));
	{
		json_error_t jerr;
		json_t *o, *vd;
		const unsigned char *c;

		for (c = (const unsigned char *)str_cstr(&out); *c; c++)
			if (*c >= 0x80 || *c < 0x20)
				fail_msg("byte %#x in %s", *c, str_cstr(&out));
		if ((o = json_loads(str_cstr(&out), 0, &jerr)) == NULL)
			fail_msg("not JSON (%s): %s", jerr.text, str_cstr(&out));
		assert_string_equal(json_string_value(json_object_get(o,
		    "queue_id")), "Q");
		assert_string_equal(json_string_value(json_object_get(o,
		    "client_ip")), "192.0.2.10");
		assert_non_null(strstr(json_string_value(json_object_get(o,
		    "helo")), "ev\"il\\"));
		assert_string_equal(json_string_value(json_object_get(
		    json_object_get(o, "spf_mailfrom"), "result")), "fail");
		vd = json_object_get(o, "verdict");
		assert_string_equal(json_string_value(json_object_get(vd,
		    "action")), "reject");
		assert_string_equal(json_string_value(json_object_get(vd,
		    "code")), "550");
		assert_string_equal(json_string_value(json_object_get(vd,
		    "check")), "spf-mailfrom");
		assert_true(json_array_size(json_object_get(vd, "reply")) >= 2);
		assert_int_equal(json_integer_value(json_object_get(o,
		    "time_ms")), 7);
		assert_null(json_object_get(o, "dkim"));	/* did not run */
		assert_null(json_object_get(o, "dns_wait_ms"));	/* unmeasured */
		json_decref(o);
	}

	/* the waits: stages of 1 ms or more in the text, all measured ones
	 * in JSON */
	{
		int64_t waits[STAGE_COUNT] = { 0 };
		json_error_t jerr;
		json_t *o, *w;

		waits[STAGE_CONNECT] = 400;	/* under 1 ms: not in the text */
		waits[STAGE_RCPT] = 12300;
		waits[STAGE_EOM] = 2600;
		f.dns_wait_us = waits;
		f.dns_wait_stages = (1u << STAGE_CONNECT) | (1u << STAGE_RCPT) |
		    (1u << STAGE_EOM);
		str_reset(&out);
		summary_format(&f, &v, STAGE_EOM, "Q", 1, 20, &out);
		assert_non_null(strstr(str_cstr(&out),
		    " time=20ms dns_wait=rcpt:12ms,eom:3ms"));
		assert_null(strstr(str_cstr(&out), "connect:"));
		str_reset(&out);
		summary_json(&f, &v, STAGE_EOM, "Q", 1, 20, &out);
		if ((o = json_loads(str_cstr(&out), 0, &jerr)) == NULL)
			fail_msg("not JSON (%s): %s", jerr.text, str_cstr(&out));
		w = json_object_get(o, "dns_wait_ms");
		assert_int_equal(json_integer_value(json_object_get(w, "rcpt")),
		    12);
		assert_int_equal(json_integer_value(json_object_get(w,
		    "connect")), 0);
		assert_null(json_object_get(w, "mail"));
		json_decref(o);
		f.dns_wait_us = NULL;
		f.dns_wait_stages = 0;
	}
	verdict_clear(&v);
	str_free(&out);
	policy_free(&p);
}

/* iprev and the DNS lists in the A-R field and the log line */
static void
test_ip_facts(void **state)
{
	struct dnsbl_listing sbl = { .category = (char *)"SBL", .weight = 3 };
	struct dnsbl_listing wl = { .category = (char *)"dnswl-high",
	    .weight = -3, .class = DNSBL_ALLOW };
	struct dnsbl_zone zen = { .name = (char *)"zen.example",
	    .listings = &sbl, .nlistings = 1 };
	struct dnsbl_zone dnswl = { .name = (char *)"wl.example",
	    .listings = &wl, .nlistings = 1 };
	struct dnsbl_zone slow = { .name = (char *)"slow.example" };
	struct dnsbl_result r[3];
	struct policy p;
	struct facts f;
	struct verdict v;
	ipaddr ip;
	str out;

	(void)state;
	str_init(&out);
	base(&f);
	ipaddr_parse("192.0.2.10", &ip);
	f.ip = &ip;
	policy_defaults(&p);
	p.ip_checks |= 1u << CHECK_DNSBL;
	f.iprev.checked = 1;
	f.iprev.result = IPREVR_PASS;
	f.iprev.name = (char *)"mail.example.org";
	memset(r, 0, sizeof(r));
	r[0].zone = &zen;
	r[0].status = DNSBL_LISTED;
	r[0].hits = 1;
	r[0].weight = 3;
	r[0].codes = (char *)"127.0.0.2";
	r[0].txt = (char *)"see https://zen.example/q/192.0.2.10";
	r[1].zone = &dnswl;
	r[1].status = DNSBL_LISTED;
	r[1].hits = 1;
	r[1].weight = -3;
	r[1].codes = (char *)"127.0.10.3";
	r[2].zone = &slow;
	r[2].status = DNSBL_TEMPERROR;
	r[2].error = (char *)"no answer in time";
	f.dnsbl.checked = 1;
	f.dnsbl.r = r;
	f.dnsbl.n = 3;
	f.dnsbl.score = 0;
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_string_equal(unfolded(&out), "mx.example.net; "
	    "dnsbl=fail (SBL, +3) dns.zone=zen.example policy.ip=127.0.0.2 "
	    "policy.txt=\"see https://zen.example/q/192.0.2.10\"; "
	    "dnswl=pass (dnswl-high, -3) dns.zone=wl.example "
	    "policy.ip=127.0.10.3; "
	    "dnsbl=temperror reason=\"no answer in time\" "
	    "dns.zone=slow.example; "
	    "iprev=pass (mail.example.org) policy.iprev=192.0.2.10");
	verdict_decide(&f, &p, STAGE_RCPT, &v);
	str_reset(&out);
	summary_format(&f, &v, STAGE_RCPT, "Q1", 1, 2, &out);
	assert_non_null(strstr(str_cstr(&out), " dnsbl=zen.example:127.0.0.2"
	    "(SBL +3),wl.example:127.0.10.3(dnswl-high -3),slow.example:"
	    "temperror dnsbl_score=0 iprev=pass(mail.example.org) "));
	assert_non_null(strstr(str_cstr(&out), "verdict=accept"));
	/* the same as JSON: the lists as an array, the score a number */
	str_reset(&out);
	summary_json(&f, &v, STAGE_RCPT, "Q1", 1, 2, &out);
	{
		json_error_t jerr;
		json_t *o, *l;

		if ((o = json_loads(str_cstr(&out), 0, &jerr)) == NULL)
			fail_msg("not JSON (%s): %s", jerr.text, str_cstr(&out));
		l = json_object_get(o, "dnsbl");
		assert_int_equal(json_array_size(l), 3);
		assert_string_equal(json_string_value(json_object_get(
		    json_array_get(l, 0), "zone")), "zen.example");
		assert_string_equal(json_string_value(json_array_get(
		    json_object_get(json_array_get(l, 0), "categories"), 0)),
		    "SBL");
		assert_string_equal(json_string_value(json_object_get(
		    json_array_get(l, 2), "status")), "temperror");
		assert_int_equal(json_integer_value(json_object_get(o,
		    "dnsbl_score")), 0);
		assert_string_equal(json_string_value(json_object_get(
		    json_object_get(o, "iprev"), "name")), "mail.example.org");
		json_decref(o);
	}
	verdict_clear(&v);

	/* listed enough: refused, and an exemption shows as not enforced */
	f.dnsbl.n = 1;
	f.dnsbl.score = 3;
	f.exempt_rcpt = 1;
	f.exempt_rcpt_name = "postmaster";
	str_reset(&out);
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_non_null(strstr(unfolded(&out), "dnsbl=fail (SBL, +3) "
	    "(not enforced: mail to postmaster) dns.zone=zen.example"));
	/* nothing listed: no dnsbl result at all */
	r[0].status = DNSBL_NOT_LISTED;
	f.exempt_rcpt = 0;
	str_reset(&out);
	headers_authres(&f, &p, "mx.example.net", &out);
	assert_null(strstr(unfolded(&out), "dnsbl"));
	assert_non_null(strstr(unfolded(&out), "iprev=pass"));
	/* skipped for an authenticated sender, and said so */
	f.auth_user = "u";
	str_reset(&out);
	headers_authres(&f, &p, "mx.example.net", &out);
	if (strstr(unfolded(&out), "(DNSBL, iprev, SPF not checked: "
	    "authenticated sender) none") == NULL)
		fail_msg("got %s", unfolded(&out));
	policy_free(&p);
	str_free(&out);
}

static void
test_str(void **state)
{
	char *p;
	str s;

	str_init(&s);
	assert_string_equal(str_cstr(&s), "");
	str_append(&s, "abc");
	str_append_c(&s, 'd');
	str_appendf(&s, "%d-%s", 42, "x");
	assert_string_equal(str_cstr(&s), "abcd42-x");
	str_truncate(&s, 2);
	assert_string_equal(str_cstr(&s), "ab");
	str_truncate(&s, 10);
	assert_int_equal(s.len, 2);
	str_reset(&s);
	str_append_printable(&s, "a\tb\x80" "c", 5, 100);
	assert_string_equal(str_cstr(&s), "a?b?c");
	str_reset(&s);
	str_append_printable(&s, "0123456789", 10, 8);
	assert_string_equal(str_cstr(&s), "01234...");
	p = str_steal(&s);
	assert_string_equal(p, "01234...");
	assert_null(s.buf);
	free(p);
	/* config list words */
	{
		const char *list = " a, b\tccc,,", *w;
		size_t n;

		w = str_next_word(&list, &n);
		assert_true(w != NULL && n == 1 && *w == 'a');
		w = str_next_word(&list, &n);
		assert_true(w != NULL && n == 1 && *w == 'b');
		w = str_next_word(&list, &n);
		assert_true(w != NULL && n == 3 && strncmp(w, "ccc", 3) == 0);
		assert_null(str_next_word(&list, &n));
		assert_null(str_next_word(&list, &n));
	}
	/* growth across many appends */
	for (int i = 0; i < 10000; i++)
		str_append(&s, "0123456789");
	assert_int_equal(s.len, 100000);
	str_free(&s);
}

static char last_line[256];
static int last_level;

static void
hook(int level, const char *line)
{
	last_level = level;
	snprintf(last_line, sizeof(last_line), "%s", line);
}

static void
test_log(void **state)
{
	log_open("test", 1, LOG_MAIL);
	log_set_hook(hook);
	log_set_level(LOG_INFO);
	log_warn("two\nlines %d", 2);
	assert_int_equal(last_level, LOG_WARNING);
	assert_string_equal(last_line, "two lines 2");
	last_line[0] = '\0';
	log_debug("hidden");
	assert_string_equal(last_line, "");
	log_set_hook(NULL);
	assert_int_equal(log_facility_parse("local7"), LOG_LOCAL7);
	assert_int_equal(log_facility_parse("nope"), -1);
	assert_int_equal(log_level_parse("warning"), LOG_WARNING);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_authres_header),
		cmocka_unit_test(test_received_spf),
		cmocka_unit_test(test_exemptions_show),
		cmocka_unit_test(test_dkim_dmarc_results),
		cmocka_unit_test(test_summary_line),
		cmocka_unit_test(test_ip_facts),
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
