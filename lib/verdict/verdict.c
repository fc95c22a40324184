/*
 * verdict - the verdict engine; see verdict.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "util/template.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "verdict/exempt.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"
#include "verdict/verdict_ip.h"
#include "verdict/verdict_reply.h"
#include "verdict/verdict_sender.h"
#include "verdict/verdict_text.h"

/* in the order that explains a tie */
enum vote_kind {
	VOTE_IPLIST, VOTE_BLOCK, VOTE_LOGIN_MAILFROM, VOTE_LOCKDOWN_MAILFROM,
	VOTE_LOGIN_FROM, VOTE_LOCKDOWN_FROM, VOTE_AUTHZ_MAILFROM,
	VOTE_AUTHZ_FROM, VOTE_FROM, VOTE_DMARC, VOTE_SPF_MAILFROM,
	VOTE_SPF_HELO, VOTE_DNSBL, VOTE_IPREV, VOTE_HELO, VOTE_DKIM, VOTE_RATE,
	VOTE_STATE, VOTE_SCORE
};
#define VOTES_MAX	24

/* one check's say in the verdict */
struct verdict_vote {
	enum vote_kind		 kind;
	const char		*check;
	enum action		 action;
};

static void	verdict_explain(const struct verdict_vote *,
		    const struct facts *, const struct policy *,
		    struct verdict *);

/* verdict_note - one note for the log, each distinct note once */
static void
verdict_note(str *notes, const char *note)
{
	if (notes->len > 0 && strstr(str_cstr(notes), note) != NULL)
		return;
	if (notes->len > 0)
		str_append(notes, "; ");
	str_append(notes, note);
}

/* verdict_exempt_bit - the v->exempted bit of an exemption's kind */
static unsigned
verdict_exempt_bit(const str *why)
{
	int kind;

	return (kind = exempt_kind_of(str_cstr(why))) >= 0 ? 1u << kind : 0;
}

/* verdict_add_vote - a vote, unless an exemption or report-only mode
 * turns it into a note */
static void
verdict_add_vote(struct verdict_vote *votes, size_t *n, enum vote_kind kind,
    const char *check, const char *what, enum action a,
    enum exempt_mode mode, const str *why, int report_only,
    struct verdict *v)
{
	str note;

	str_init(&note);
	if (a != ACT_ACCEPT && mode == EXEMPT_RECORD) {
		str_appendf(&note, "%s not enforced (%s)", what, str_cstr(why));
		verdict_note(&v->exempt, str_cstr(&note));
		v->exempted |= verdict_exempt_bit(why);
		a = ACT_ACCEPT;
	} else if (a != ACT_ACCEPT && report_only) {
		str_appendf(&note, "%s: %s", policy_action_name(a), what);
		verdict_note(&v->would, str_cstr(&note));
		a = ACT_ACCEPT;
	}
	votes[*n].kind = kind;
	votes[*n].check = check;
	votes[*n].action = a;
	(*n)++;
	str_free(&note);
}

/* checks an exemption skipped, named in one note at the end */
struct verdict_skips {
	int		 skipped[CHECK_COUNT];
	unsigned	 kinds;		/* their kinds, as v->exempted */
	str		 why;		/* the first reason */
};

/* verdict_skipped - note a check an exemption skipped */
static void
verdict_skipped(struct verdict_skips *sk, enum check c, const str *why)
{
	sk->skipped[c] = 1;
	sk->kinds |= verdict_exempt_bit(why);
	if (sk->why.len == 0)
		str_append(&sk->why, str_cstr(why));
}

/* verdict_skip_note - "SPF, DKIM, DMARC not checked (why)" */
static void
verdict_skip_note(struct verdict_skips *sk, struct verdict *v)
{
	/* in the order the checks run */
	static const struct { enum check c; const char *name; } order[] = {
		{ CHECK_IPLIST, "IP lists" }, { CHECK_DNSBL, "DNSBL" },
		{ CHECK_IPREV, "iprev" }, { CHECK_HELO, "HELO" },
		{ CHECK_SPF, "SPF" }, { CHECK_AUTHZ, "sender networks" },
		{ CHECK_DKIM, "DKIM" }, { CHECK_DMARC, "DMARC" }
	};
	str note, rest;
	size_t i;

	v->exempted |= sk->kinds;
	str_init(&note);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (sk->skipped[order[i].c])
			str_appendf(&note, "%s%s", note.len ? ", " : "",
			    order[i].name);
	if (note.len > 0) {
		str_appendf(&note, " not checked (%s)", str_cstr(&sk->why));
		/* first in the notes: it explains the most */
		str_init(&rest);
		str_append(&rest, str_cstr(&v->exempt));
		str_reset(&v->exempt);
		verdict_note(&v->exempt, str_cstr(&note));
		if (rest.len > 0)
			verdict_note(&v->exempt, str_cstr(&rest));
		str_free(&rest);
	}
	str_free(&note);
}

/* verdict_vote_spf - one SPF identity's vote, if its check counts */
static void
verdict_vote_spf(struct verdict_vote *votes, size_t *n, int helo,
    const struct facts *f, const struct policy *p, struct verdict *v,
    struct verdict_skips *sk)
{
	const struct spf_outcome *o = helo ? &f->spf_helo : &f->spf_mailfrom;
	enum exempt_mode mode;
	enum action a;
	str why, what, note;

	str_init(&why);
	str_init(&what);
	str_init(&note);
	mode = exempt_spf(p, f, o, &why);
	if (mode == EXEMPT_SKIP)
		verdict_skipped(sk, CHECK_SPF, &why);
	else if (o->checked) {
		str_appendf(&what, "%s=%s", helo ? "spf_helo" : "spf_mailfrom",
		    spf_result_name(o->result));
		a = (helo ? p->spf_helo : p->spf_mailfrom)[o->result];
		if (p->spf_wait_for_dmarc && a != ACT_ACCEPT) {
			/* forwarded mail fails SPF but its DKIM signature
			 * still authenticates the author: DMARC decides */
			if (!f->message_done)
				a = ACT_ACCEPT;
			else if (f->dmarc.checked &&
			    f->dmarc.result == DMARCR_PASS) {
				str_appendf(&note, "%s overruled by dmarc=pass",
				    str_cstr(&what));
				verdict_note(&v->exempt, str_cstr(&note));
				a = ACT_ACCEPT;
			}
		}
		verdict_add_vote(votes, n, helo ? VOTE_SPF_HELO :
		    VOTE_SPF_MAILFROM, helo ? "spf-helo" : "spf-mailfrom",
		    str_cstr(&what), a, mode, &why, p->report_only[CHECK_SPF], v);
	}
	str_free(&why);
	str_free(&what);
	str_free(&note);
}

/* verdict_vote_dkim - DKIM's vote (DMARC does the real work) */
static void
verdict_vote_dkim(struct verdict_vote *votes, size_t *n,
    const struct facts *f, const struct policy *p, struct verdict *v,
    struct verdict_skips *sk)
{
	enum exempt_mode mode;
	enum dkim_result r;
	str why, what;

	str_init(&why);
	str_init(&what);
	mode = exempt_check(p, f, CHECK_DKIM, &why);
	if (mode == EXEMPT_SKIP) {
		if (f->message_done)
			verdict_skipped(sk, CHECK_DKIM, &why);
	} else if (f->dkim.checked) {
		r = dkim_message_result(&f->dkim);
		str_appendf(&what, "dkim=%s", dkim_result_name(r));
		verdict_add_vote(votes, n, VOTE_DKIM, "dkim", str_cstr(&what),
		    p->dkim[r], mode, &why, p->report_only[CHECK_DKIM], v);
	}
	str_free(&why);
	str_free(&what);
}

/* verdict_vote_dmarc - the From: check's and DMARC's votes */
static void
verdict_vote_dmarc(struct verdict_vote *votes, size_t *n,
    const struct facts *f, const struct policy *p, struct verdict *v,
    struct verdict_skips *sk)
{
	const struct dmarc_actions *acts;
	const struct dmarc_outcome *o = &f->dmarc;
	enum exempt_mode mode;
	enum action a;
	str why, what;

	if (!f->message_done)
		return;
	str_init(&why);
	str_init(&what);
	mode = exempt_dmarc(p, f, &why);
	acts = policy_dmarc_actions(p, f->from_domain);
	if (mode == EXEMPT_SKIP) {
		verdict_skipped(sk, CHECK_DMARC, &why);
		goto out;
	}
	if (f->from_error != NULL) {
		str_appendf(&what, "from: %s", f->from_error);
		verdict_add_vote(votes, n, VOTE_FROM, "from", str_cstr(&what),
		    p->bad_from, mode, &why, acts->report_only ||
		    p->report_only[CHECK_DMARC], v);
	}
	if (o->checked) {
		switch (o->result) {
		case DMARCR_FAIL:
			a = acts->fail[o->policy];
			/* a trusted sealer's chain we could not check now may
			 * vouch for it: ask again later */
			if (a == ACT_REJECT && f->arc_trusted_temp)
				a = ACT_TEMPFAIL;
			break;
		case DMARCR_TEMPERROR:
			a = acts->temperror;
			break;
		case DMARCR_PERMERROR:
			a = acts->permerror;
			break;
		default:
			a = ACT_ACCEPT;
			break;
		}
		str_reset(&what);
		str_appendf(&what, "dmarc=%s", dmarc_result_name(o->result));
		if (o->result == DMARCR_FAIL)
			str_appendf(&what, " (p=%s)", dmarc_disp_name(o->policy));
		verdict_add_vote(votes, n, VOTE_DMARC, "dmarc", str_cstr(&what),
		    a, mode, &why, acts->report_only ||
		    p->report_only[CHECK_DMARC], v);
	}
out:
	str_free(&why);
	str_free(&what);
}

/* verdict_ip_mode - the exemption mode of a connect-stage check; a
 * skipped one that is enabled goes into the "not checked" note */
static enum exempt_mode
verdict_ip_mode(const struct facts *f, const struct policy *p,
    enum check c, str *why, struct verdict_skips *sk)
{
	enum exempt_mode mode;

	mode = exempt_check(p, f, c, why);
	if (mode == EXEMPT_SKIP && (p->ip_checks & (1u << c)) && f->ip != NULL)
		verdict_skipped(sk, c, why);
	return mode;
}

/* verdict_dnsbl_score - the DNS list score with the generic-name signal */
int
verdict_dnsbl_score(const struct facts *f, const struct policy *p)
{
	int score = f->dnsbl.score;

	if (f->iprev.checked && f->iprev.generic &&
	    exempt_check(p, f, CHECK_IPREV, NULL) != EXEMPT_SKIP)
		score += p->generic_weight;
	return score;
}

/* verdict_vote_ip - the connect-stage checks' votes: the admin's deny
 * lists, DNS lists, reverse DNS, HELO */
static void
verdict_vote_ip(struct verdict_vote *votes, size_t *n,
    const struct facts *f, const struct policy *p, struct verdict *v,
    struct verdict_skips *sk)
{
	enum exempt_mode mode;
	enum action a;
	str why, what;
	size_t i;
	int score, temp, h;

	str_init(&why);
	str_init(&what);
	if (f->iplist.list != NULL && !f->iplist.list->allow &&
	    (mode = verdict_ip_mode(f, p, CHECK_IPLIST, &why, sk)) !=
	    EXEMPT_SKIP) {
		str_appendf(&what, "ip_list=%s", f->iplist.list->name);
		verdict_add_vote(votes, n, VOTE_IPLIST, "ip_list",
		    str_cstr(&what), (enum action)f->iplist.list->action, mode,
		    &why, p->report_only[CHECK_IPLIST], v);
	}
	if ((mode = verdict_ip_mode(f, p, CHECK_DNSBL, &why, sk)) !=
	    EXEMPT_SKIP && f->dnsbl.checked) {
		score = verdict_dnsbl_score(f, p);
		for (temp = 0, i = 0; i < f->dnsbl.n; i++)
			if (f->dnsbl.r[i].status == DNSBL_TEMPERROR)
				temp = 1;
		str_reset(&what);
		a = ACT_ACCEPT;
		if (score >= p->dnsbl_threshold) {
			str_appendf(&what, "dnsbl score %d", score);
			a = p->dnsbl_action;
		} else if (temp) {
			/* a list that did not answer might have said more */
			str_append(&what, "dnsbl=temperror");
			a = p->dnsbl_temperror;
		}
		if (what.len > 0)
			verdict_add_vote(votes, n, VOTE_DNSBL, "dnsbl",
			    str_cstr(&what), a, mode, &why,
			    p->report_only[CHECK_DNSBL], v);
	}
	if ((mode = verdict_ip_mode(f, p, CHECK_IPREV, &why, sk)) !=
	    EXEMPT_SKIP && f->iprev.checked) {
		str_reset(&what);
		str_appendf(&what, "iprev=%s", iprev_result_name(f->iprev.result));
		verdict_add_vote(votes, n, VOTE_IPREV, "iprev", str_cstr(&what),
		    p->iprev[f->iprev.result], mode, &why,
		    p->report_only[CHECK_IPREV], v);
	}
	if ((mode = verdict_ip_mode(f, p, CHECK_HELO, &why, sk)) !=
	    EXEMPT_SKIP && f->helo_check.checked) {
		/* the strongest fact speaks */
		for (a = ACT_ACCEPT, h = -1, i = 0; i < HELOF_COUNT; i++)
			if ((f->helo_check.facts & (1u << i)) &&
			    (h < 0 || p->helo[i] > a)) {
				a = p->helo[i];
				h = (int)i;
			}
		if (h >= 0) {
			str_reset(&what);
			str_appendf(&what, "helo=%s",
			    helo_fact_name((enum helo_fact)h));
			verdict_add_vote(votes, n, VOTE_HELO, "helo",
			    str_cstr(&what), a, mode, &why,
			    p->report_only[CHECK_HELO], v);
		}
	}
	str_free(&why);
	str_free(&what);
}

/* verdict_vote_authz - per-domain authorized sender networks */
static void
verdict_vote_authz(struct verdict_vote *votes, size_t *n,
    const struct facts *f, const struct policy *p, struct verdict *v,
    struct verdict_skips *sk)
{
	const struct authz_outcome *o[2] = { &f->authz_mailfrom,
	    &f->authz_from };
	enum exempt_mode mode;
	str why, what;
	int i;

	str_init(&why);
	str_init(&what);
	mode = verdict_ip_mode(f, p, CHECK_AUTHZ, &why, sk);
	for (i = 0; i < 2 && mode != EXEMPT_SKIP; i++) {
		if (!o[i]->checked || o[i]->allowed)
			continue;
		str_reset(&what);
		str_appendf(&what, "sender_networks %s=%s", i ? "from" :
		    "mailfrom", o[i]->domain);
		verdict_add_vote(votes, n, i ? VOTE_AUTHZ_FROM :
		    VOTE_AUTHZ_MAILFROM, "sender_networks", str_cstr(&what),
		    p->authz, mode, &why, p->report_only[CHECK_AUTHZ], v);
	}
	str_free(&why);
	str_free(&what);
}

/* verdict_vote_lockdown - the domain lockdown records' votes */
static void
verdict_vote_lockdown(struct verdict_vote *votes, size_t *n,
    const struct facts *f, const struct policy *p, struct verdict *v)
{
	const struct lockdown_outcome *o[2] = { &f->lockdown_mailfrom,
	    &f->lockdown_from };
	enum exempt_mode mode;
	str why, what;
	int i;

	str_init(&why);
	str_init(&what);
	mode = exempt_check(p, f, CHECK_LOCKDOWN, &why);
	for (i = 0; i < 2 && mode != EXEMPT_SKIP; i++) {
		if (!o[i]->checked || o[i]->result == LOCKDOWNR_NONE ||
		    o[i]->result == LOCKDOWNR_PASS)
			continue;
		str_reset(&what);
		str_appendf(&what, "lockdown %s=%s", i ? "from" : "mailfrom",
		    lockdown_result_name(o[i]->result));
		verdict_add_vote(votes, n, i ? VOTE_LOCKDOWN_FROM :
		    VOTE_LOCKDOWN_MAILFROM, "lockdown", str_cstr(&what),
		    p->lockdown[o[i]->result], mode, &why,
		    p->report_only[CHECK_LOCKDOWN], v);
	}
	str_free(&why);
	str_free(&what);
}

/* verdict_vote_login - a login using a sender it does not own */
static void
verdict_vote_login(struct verdict_vote *votes, size_t *n,
    const struct facts *f, const struct policy *p, struct verdict *v)
{
	const struct binding_outcome *o[2] = { &f->login_mailfrom,
	    &f->login_from };
	enum exempt_mode mode;
	str why, what;
	int i;

	str_init(&why);
	str_init(&what);
	mode = exempt_check(p, f, CHECK_SENDER_LOGIN, &why);
	for (i = 0; i < 2 && mode != EXEMPT_SKIP; i++) {
		if (!o[i]->checked || o[i]->allowed)
			continue;
		str_reset(&what);
		str_appendf(&what, "sender_login %s=mismatch", i ? "from" :
		    "mailfrom");
		verdict_add_vote(votes, n, i ? VOTE_LOGIN_FROM :
		    VOTE_LOGIN_MAILFROM, "sender_login", str_cstr(&what),
		    p->sender_login, mode, &why,
		    p->report_only[CHECK_SENDER_LOGIN], v);
	}
	str_free(&why);
	str_free(&what);
}

/* verdict_vote_limits - a block in force, a rate limit reached, or the
 * store that keeps them failing */
static void
verdict_vote_limits(struct verdict_vote *votes, size_t *n,
    const struct facts *f, const struct policy *p, struct verdict *v)
{
	const struct limit_outcome *o = &f->limits;
	enum exempt_mode mode;
	str why, what;

	if (!o->checked)
		return;
	str_init(&why);
	str_init(&what);
	if (o->blocked && (mode = exempt_check(p, f, CHECK_BLOCK, &why)) !=
	    EXEMPT_SKIP) {
		str_appendf(&what, "block=%s", o->block_key);
		verdict_add_vote(votes, n, VOTE_BLOCK, "block", str_cstr(&what),
		    p->block, mode, &why, p->report_only[CHECK_BLOCK], v);
	}
	str_reset(&why);
	if ((o->over || o->rcpt_over) && (mode = exempt_check(p, f,
	    CHECK_RATE, &why)) != EXEMPT_SKIP) {
		str_reset(&what);
		str_appendf(&what, "rate=%s", o->rate_key);
		verdict_add_vote(votes, n, VOTE_RATE, "rate", str_cstr(&what),
		    p->rate, mode, &why, p->report_only[CHECK_RATE], v);
	}
	str_reset(&why);
	if (o->store_error && (mode = exempt_check(p, f, CHECK_RATE, &why)) !=
	    EXEMPT_SKIP)
		verdict_add_vote(votes, n, VOTE_STATE, "state", "state=error",
		    p->state_error, mode, &why, p->report_only[CHECK_RATE], v);
	str_free(&why);
	str_free(&what);
}

/* one result's part of the score */
struct score_part {
	enum vote_kind	 kind;
	int		 points;
	char		 what[80];
};

#define SCORE_PARTS	16

/* score_add - note a result's points (nothing for 0) */
static void
score_add(struct score_part *parts, size_t *n, int *total,
    enum vote_kind kind, int points, const char *what)
{
	if (points == 0 || *n >= SCORE_PARTS)
		return;
	parts[*n].kind = kind;
	parts[*n].points = points;
	snprintf(parts[*n].what, sizeof(parts[*n].what), "%s", what);
	(*n)++;
	*total += points;
}

/* verdict_score_parts - the results that count for the score model:
 * those of checks no exemption touches */
static int
verdict_score_parts(const struct facts *f, const struct policy *p,
    struct score_part *parts, size_t *n)
{
	const struct score_policy *sc = &p->score;
	char what[80];
	int total = 0, i;

	*n = 0;
	if (f->spf_mailfrom.checked && exempt_spf(p, f, &f->spf_mailfrom,
	    NULL) == EXEMPT_CHECK) {
		snprintf(what, sizeof(what), "spf_mailfrom=%s",
		    spf_result_name(f->spf_mailfrom.result));
		score_add(parts, n, &total, VOTE_SPF_MAILFROM,
		    sc->spf_mailfrom[f->spf_mailfrom.result], what);
	}
	if (f->spf_helo.checked && exempt_spf(p, f, &f->spf_helo, NULL) ==
	    EXEMPT_CHECK) {
		snprintf(what, sizeof(what), "spf_helo=%s",
		    spf_result_name(f->spf_helo.result));
		score_add(parts, n, &total, VOTE_SPF_HELO,
		    sc->spf_helo[f->spf_helo.result], what);
	}
	if (f->dnsbl.checked && exempt_check(p, f, CHECK_DNSBL, NULL) ==
	    EXEMPT_CHECK && f->dnsbl.score > 0) {
		snprintf(what, sizeof(what), "dnsbl score %d", f->dnsbl.score);
		score_add(parts, n, &total, VOTE_DNSBL, sc->dnsbl *
		    f->dnsbl.score, what);
	}
	if (f->iprev.checked && exempt_check(p, f, CHECK_IPREV, NULL) ==
	    EXEMPT_CHECK) {
		snprintf(what, sizeof(what), "iprev=%s",
		    iprev_result_name(f->iprev.result));
		score_add(parts, n, &total, VOTE_IPREV,
		    sc->iprev[f->iprev.result], what);
	}
	if (f->helo_check.checked && exempt_check(p, f, CHECK_HELO, NULL) ==
	    EXEMPT_CHECK)
		for (i = 0; i < HELOF_COUNT; i++)
			if (f->helo_check.facts & (1u << i)) {
				snprintf(what, sizeof(what), "helo=%s",
				    helo_fact_name((enum helo_fact)i));
				score_add(parts, n, &total, VOTE_HELO,
				    sc->helo[i], what);
			}
	if (f->dkim.checked && exempt_check(p, f, CHECK_DKIM, NULL) ==
	    EXEMPT_CHECK) {
		enum dkim_result r = dkim_message_result(&f->dkim);

		snprintf(what, sizeof(what), "dkim=%s", dkim_result_name(r));
		score_add(parts, n, &total, VOTE_DKIM, sc->dkim[r], what);
	}
	if (f->message_done && f->dmarc.checked &&
	    f->dmarc.result == DMARCR_FAIL && exempt_dmarc(p, f, NULL) ==
	    EXEMPT_CHECK)
		score_add(parts, n, &total, VOTE_DMARC, sc->dmarc_fail,
		    "dmarc=fail");
	return total;
}

/* verdict_score_action - the strictest action whose threshold the
 * total reaches */
static enum action
verdict_score_action(const struct score_policy *sc, int total)
{
	int a;

	for (a = ACT_REJECT; a > ACT_ACCEPT; a--)
		if (sc->threshold[a] > 0 && total >= sc->threshold[a])
			return (enum action)a;
	return ACT_ACCEPT;
}

/* verdict_vote_score - the score model's vote */
static void
verdict_vote_score(struct verdict_vote *votes, size_t *n,
    const struct facts *f, const struct policy *p, struct verdict *v)
{
	struct score_part parts[SCORE_PARTS];
	size_t nparts;
	enum action a;
	str what, why;
	int total;

	if (!p->score.enabled)
		return;
	total = verdict_score_parts(f, p, parts, &nparts);
	if ((a = verdict_score_action(&p->score, total)) == ACT_ACCEPT)
		return;
	str_init(&what);
	str_init(&why);
	str_appendf(&what, "score %d", total);
	verdict_add_vote(votes, n, VOTE_SCORE, "score", str_cstr(&what), a,
	    EXEMPT_CHECK, &why, p->score.report_only, v);
	str_free(&what);
	str_free(&why);
}

/* verdict_explain_score - the sum, its parts, and the words of the part
 * that weighs most */
static void
verdict_explain_score(const struct facts *f, const struct policy *p,
    enum action a, struct verdict *v)
{
	struct score_part parts[SCORE_PARTS];
	struct verdict_vote top;
	size_t nparts, i, best;
	int total;
	str s;

	total = verdict_score_parts(f, p, parts, &nparts);
	str_init(&s);
	str_appendf(&s, "The checks of this message add up to %d points, and "
	    "%d is the limit to %s it:", total, p->score.threshold[a],
	    policy_action_name(a));
	for (best = 0, i = 0; i < nparts; i++) {
		str_appendf(&s, "%s %s %+d", i ? "," : "", parts[i].what,
		    parts[i].points);
		if (parts[i].points > parts[best].points)
			best = i;
	}
	str_append_c(&s, '.');
	verdict_add_line(v, str_cstr(&s));
	str_free(&s);
	if (nparts > 0 && parts[best].kind == VOTE_DNSBL)
		/* the listing itself, whatever the list threshold */
		verdict_explain_dnsbl_listing(f, f->dnsbl.score,
		    p->dnsbl_threshold, v);
	else if (nparts > 0) {
		memset(&top, 0, sizeof(top));
		top.kind = parts[best].kind;
		verdict_explain(&top, f, p, v);
	}
}

/* the macros of the admin's reply templates (text options) */
const char *const verdict_text_macros[] = {
	"ip", "helo", "sender", "check", "result", "domain", "record", "url",
	"list", "login", "account", "until", NULL
};

/* verdict_template - the admin's words for a refusal by this vote, with
 * the macros filled in from the facts; 0 if there is no template */
static int
verdict_template(const struct verdict_vote *win, const struct facts *f,
    const struct policy *p, struct verdict *v)
{
	const struct spf_outcome *spf = NULL;
	const char *text = NULL, *result = NULL, *domain = NULL;
	const char *record = NULL, *list = NULL;
	const struct lockdown_outcome *ld;
	const struct dnsbl_result *lead = NULL;	/* the listing that speaks */
	struct template_var vars[12];
	size_t i;
	str out, url, until;

	switch (win->kind) {
	case VOTE_SPF_MAILFROM:
	case VOTE_SPF_HELO:
		spf = win->kind == VOTE_SPF_HELO ? &f->spf_helo :
		    &f->spf_mailfrom;
		text = p->text[CHECK_SPF];
		result = spf_result_name(spf->result);
		domain = spf->domain;
		record = spf->record;
		break;
	case VOTE_DMARC:
		text = p->text[CHECK_DMARC];
		result = dmarc_result_name(f->dmarc.result);
		domain = f->dmarc.from_domain;
		record = f->dmarc.record;
		break;
	case VOTE_DKIM:
		text = p->text[CHECK_DKIM];
		result = dkim_result_name(dkim_message_result(&f->dkim));
		domain = f->dkim.n > 0 ? f->dkim.sigs[0].domain : NULL;
		break;
	case VOTE_IPREV:
		text = p->text[CHECK_IPREV];
		result = iprev_result_name(f->iprev.result);
		domain = f->iprev.name;
		break;
	case VOTE_HELO:
		text = p->text[CHECK_HELO];
		domain = f->helo;
		for (i = 0; i < HELOF_COUNT; i++)
			if (f->helo_check.facts & (1u << i)) {
				result = helo_fact_name((enum helo_fact)i);
				break;
			}
		break;
	case VOTE_DNSBL:
		text = p->text[CHECK_DNSBL];
		result = "listed";
		for (i = 0; i < f->dnsbl.n; i++)
			if (f->dnsbl.r[i].status == DNSBL_LISTED &&
			    f->dnsbl.r[i].weight > 0) {
				lead = &f->dnsbl.r[i];
				list = lead->zone->name;
				break;
			}
		break;
	case VOTE_SCORE:
		text = p->score_text;
		result = "score";
		break;
	case VOTE_LOCKDOWN_MAILFROM:
	case VOTE_LOCKDOWN_FROM:
		ld = win->kind == VOTE_LOCKDOWN_FROM ? &f->lockdown_from :
		    &f->lockdown_mailfrom;
		text = p->text[CHECK_LOCKDOWN];
		result = lockdown_result_name(ld->result);
		domain = ld->domain;
		record = ld->record;
		break;
	case VOTE_LOGIN_MAILFROM:
	case VOTE_LOGIN_FROM:
		text = p->text[CHECK_SENDER_LOGIN];
		result = "mismatch";
		domain = win->kind == VOTE_LOGIN_FROM ? f->login_from.address :
		    f->login_mailfrom.address;
		break;
	case VOTE_BLOCK:
		text = p->text[CHECK_BLOCK];
		result = "blocked";
		list = f->limits.block_key;
		break;
	case VOTE_RATE:
		text = p->text[CHECK_RATE];
		result = "rate";
		list = f->limits.rate_key;
		break;
	default:
		break;
	}
	if (text == NULL)
		return 0;
	str_init(&out);
	str_init(&url);
	str_init(&until);
	if (win->kind == VOTE_BLOCK)
		verdict_time(f->limits.block.until, &until);
	else if (win->kind == VOTE_RATE)
		verdict_time(f->limits.retry_ms, &until);
	if (lead != NULL && lead->zone->url != NULL) {
		struct template_var uv[2] = { { "ip", f->client_ip },
		    { "zone", list } };

		template_expand(lead->zone->url, uv, 2, &url);
	}
	vars[0] = (struct template_var){ "ip", f->client_ip };
	vars[1] = (struct template_var){ "helo", f->helo };
	vars[2] = (struct template_var){ "sender", f->mail_from };
	vars[3] = (struct template_var){ "check", win->check };
	vars[4] = (struct template_var){ "result", result };
	vars[5] = (struct template_var){ "domain", domain };
	vars[6] = (struct template_var){ "record", record };
	vars[7] = (struct template_var){ "url", url.len ? str_cstr(&url) :
	    NULL };
	vars[8] = (struct template_var){ "list", list };
	vars[9] = (struct template_var){ "login", f->sender.login };
	vars[10] = (struct template_var){ "account", f->sender.account };
	vars[11] = (struct template_var){ "until", until.len ?
	    str_cstr(&until) : NULL };
	template_expand(text, vars, 12, &out);
	verdict_add_line(v, str_cstr(&out));
	str_free(&out);
	str_free(&url);
	str_free(&until);
	return 1;
}

/* verdict_explain - the reply lines of the deciding vote */
static void
verdict_explain(const struct verdict_vote *win, const struct facts *f,
    const struct policy *p, struct verdict *v)
{
	switch (win->kind) {
	case VOTE_FROM:
		verdict_explain_from(f, v);
		break;
	case VOTE_DMARC:
		verdict_explain_dmarc(f, v);
		break;
	case VOTE_SPF_MAILFROM:
		verdict_explain_spf(&f->spf_mailfrom, 0, f->client_ip, v);
		break;
	case VOTE_SPF_HELO:
		verdict_explain_spf(&f->spf_helo, 1, f->client_ip, v);
		break;
	case VOTE_DKIM:
		verdict_explain_dkim(f, v);
		break;
	case VOTE_IPLIST:
		verdict_explain_iplist(f, v);
		break;
	case VOTE_AUTHZ_MAILFROM:
		verdict_explain_authz(&f->authz_mailfrom, 0, f, v);
		break;
	case VOTE_AUTHZ_FROM:
		verdict_explain_authz(&f->authz_from, 1, f, v);
		break;
	case VOTE_DNSBL:
		verdict_explain_dnsbl(f, verdict_dnsbl_score(f, p),
		    p->dnsbl_threshold, v);
		break;
	case VOTE_IPREV:
		verdict_explain_iprev(f, v);
		break;
	case VOTE_HELO:
		verdict_explain_helo(f, p, v);
		break;
	case VOTE_SCORE:
		verdict_explain_score(f, p, win->action, v);
		break;
	case VOTE_LOCKDOWN_MAILFROM:
		verdict_explain_lockdown(&f->lockdown_mailfrom, 0, f, v);
		break;
	case VOTE_LOCKDOWN_FROM:
		verdict_explain_lockdown(&f->lockdown_from, 1, f, v);
		break;
	case VOTE_LOGIN_MAILFROM:
		verdict_explain_login(&f->login_mailfrom, 0, f, v);
		break;
	case VOTE_LOGIN_FROM:
		verdict_explain_login(&f->login_from, 1, f, v);
		break;
	case VOTE_BLOCK:
		verdict_explain_block(f, v);
		break;
	case VOTE_RATE:
		verdict_explain_rate(f, v);
		break;
	case VOTE_STATE:
		verdict_explain_state(f, v);
		break;
	}
}

/* verdict_xcode - the enhanced status code: 5.7.1 / 4.7.1, or with
 * policy->rfc7372_codes the code RFC 7372 gives the deciding check:
 * X.7.20 no passing DKIM signature, X.7.23 SPF validation failed, X.7.24
 * SPF validation error (temperror, permerror), X.7.25 reverse DNS
 * validation failed, X.7.26 multiple authentication checks failed
 * (DMARC) */
static const char *
verdict_xcode(const struct verdict_vote *win, const struct facts *f,
    const struct policy *p, enum action a)
{
	const struct spf_outcome *o;
	int temp = a == ACT_TEMPFAIL;

	if (!p->rfc7372_codes)
		return temp ? "4.7.1" : "5.7.1";
	switch (win->kind) {
	case VOTE_SPF_MAILFROM:
	case VOTE_SPF_HELO:
		o = win->kind == VOTE_SPF_HELO ? &f->spf_helo : &f->spf_mailfrom;
		if (o->result == SPFR_TEMPERROR || o->result == SPFR_PERMERROR)
			return temp ? "4.7.24" : "5.7.24";
		return temp ? "4.7.23" : "5.7.23";
	case VOTE_IPREV:
		return temp ? "4.7.25" : "5.7.25";
	case VOTE_DMARC:
		if (f->dmarc.result == DMARCR_FAIL)
			return temp ? "4.7.26" : "5.7.26";
		break;
	case VOTE_DKIM:
		if (dkim_message_result(&f->dkim) != DKIMR_TEMPERROR)
			return temp ? "4.7.20" : "5.7.20";
		break;
	default:
		break;
	}
	return temp ? "4.7.1" : "5.7.1";
}

/* verdict_decide - facts + policy + stage -> verdict */
void
verdict_decide(const struct facts *f, const struct policy *p,
    enum stage stage, struct verdict *v)
{
	struct verdict_vote votes[VOTES_MAX];
	const struct verdict_vote *win;
	struct verdict_skips sk;
	size_t n, i;

	memset(v, 0, sizeof(*v));
	memset(&sk, 0, sizeof(sk));
	str_init(&v->exempt);
	str_init(&v->would);
	str_init(&sk.why);
	n = 0;
	verdict_vote_ip(votes, &n, f, p, v, &sk);
	verdict_vote_authz(votes, &n, f, p, v, &sk);
	verdict_vote_lockdown(votes, &n, f, p, v);
	verdict_vote_login(votes, &n, f, p, v);
	verdict_vote_limits(votes, &n, f, p, v);
	verdict_vote_dmarc(votes, &n, f, p, v, &sk);
	verdict_vote_spf(votes, &n, 0, f, p, v, &sk);
	verdict_vote_spf(votes, &n, 1, f, p, v, &sk);
	verdict_vote_dkim(votes, &n, f, p, v, &sk);
	verdict_vote_score(votes, &n, f, p, v);
	verdict_skip_note(&sk, v);
	str_free(&sk.why);
	win = NULL;
	for (i = 0; i < n; i++)
		if (votes[i].action != ACT_ACCEPT && (win == NULL ||
		    votes[i].action > win->action || (votes[i].action ==
		    win->action && votes[i].kind < win->kind)))
			win = &votes[i];
	v->decided = win != NULL ? win->action : ACT_ACCEPT;
	v->action = stage >= p->reject_stage ? v->decided : ACT_ACCEPT;
	if ((v->action == ACT_QUARANTINE || v->action == ACT_TAG) &&
	    stage != STAGE_EOM)
		v->action = ACT_ACCEPT;	/* only a whole message is held or
					 * marked */
	if (win == NULL)
		return;
	v->check = win->check;
	if (v->decided == ACT_REJECT) {
		v->code = "550";
		v->xcode = verdict_xcode(win, f, p, ACT_REJECT);
	} else if (v->decided == ACT_TEMPFAIL) {
		/* 450 for reverse DNS, as Postfix's reject_unknown_client_
		 * hostname answers a lookup that failed for now */
		v->code = win->kind == VOTE_IPREV ? "450" : "451";
		v->xcode = verdict_xcode(win, f, p, ACT_TEMPFAIL);
	}
	if (!verdict_template(win, f, p, v))
		verdict_explain(win, f, p, v);
}
