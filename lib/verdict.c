/*
 * verdict - the verdict engine; see verdict.h.
 */
#include "config.h"

#include <string.h>

#include "dkim.h"
#include "dmarc.h"
#include "exempt.h"
#include "facts.h"
#include "mem.h"
#include "policy.h"
#include "verdict.h"

enum vote_kind {
	VOTE_FROM, VOTE_DMARC, VOTE_SPF_MAILFROM, VOTE_SPF_HELO, VOTE_DKIM
};

/* one check's say in the verdict */
struct verdict_vote {
	enum vote_kind		 kind;
	const char		*check;
	enum action		 action;
};

/* verdict_clear - release what a verdict holds */
void
verdict_clear(struct verdict *v)
{
	size_t i;

	for (i = 0; i < v->nlines; i++)
		mem_free(v->lines[i]);
	str_free(&v->exempt);
	str_free(&v->would);
	memset(v, 0, sizeof(*v));
}

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
		a = ACT_ACCEPT;
	} else if (a != ACT_ACCEPT && report_only) {
		str_appendf(&note, "%s: %s", action_name(a), what);
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
	str		 why;		/* the first reason */
};

/* verdict_skipped - note a check an exemption skipped */
static void
verdict_skipped(struct verdict_skips *sk, enum check c, const str *why)
{
	sk->skipped[c] = 1;
	if (sk->why.len == 0)
		str_append(&sk->why, str_cstr(why));
}

/* verdict_skip_note - "SPF, DKIM, DMARC not checked (why)" */
static void
verdict_skip_note(struct verdict_skips *sk, struct verdict *v)
{
	static const char *const names[CHECK_COUNT] = { "SPF", "DKIM", "DMARC" };
	str note, rest;
	int c;

	str_init(&note);
	for (c = 0; c < CHECK_COUNT; c++)
		if (sk->skipped[c])
			str_appendf(&note, "%s%s", note.len ? ", " : "", names[c]);
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
		    str_cstr(&what), a, mode, &why, 0, v);
	}
	str_free(&why);
	str_free(&what);
	str_free(&note);
}

/* verdict_dkim_result - the message's DKIM result */
enum dkim_result
verdict_dkim_result(const struct dkim_results *r)
{
	static const enum dkim_result rank[] = {
		DKIMR_PASS, DKIMR_TEMPERROR, DKIMR_FAIL, DKIMR_POLICY,
		DKIMR_PERMERROR, DKIMR_NEUTRAL
	};
	size_t i, j;

	for (i = 0; i < sizeof(rank) / sizeof(rank[0]); i++)
		for (j = 0; j < r->n; j++)
			if (r->sigs[j].result == rank[i])
				return rank[i];
	return DKIMR_NONE;
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
		r = verdict_dkim_result(&f->dkim);
		str_appendf(&what, "dkim=%s", dkim_result_name(r));
		verdict_add_vote(votes, n, VOTE_DKIM, "dkim", str_cstr(&what),
		    p->dkim[r], mode, &why, 0, v);
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
		    p->bad_from, mode, &why, acts->report_only, v);
	}
	if (o->checked) {
		switch (o->result) {
		case DMARCR_FAIL:
			a = acts->fail[o->policy];
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
		    a, mode, &why, acts->report_only, v);
	}
out:
	str_free(&why);
	str_free(&what);
}

/* verdict_explain - the reply lines of the deciding vote */
static void
verdict_explain(const struct verdict_vote *win, const struct facts *f,
    struct verdict *v)
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
	}
}

/* verdict_decide - facts + policy + stage -> verdict */
void
verdict_decide(const struct facts *f, const struct policy *p,
    enum stage stage, struct verdict *v)
{
	struct verdict_vote votes[8];
	const struct verdict_vote *win;
	struct verdict_skips sk;
	size_t n, i;

	memset(v, 0, sizeof(*v));
	memset(&sk, 0, sizeof(sk));
	str_init(&v->exempt);
	str_init(&v->would);
	str_init(&sk.why);
	n = 0;
	verdict_vote_dmarc(votes, &n, f, p, v, &sk);
	verdict_vote_spf(votes, &n, 0, f, p, v, &sk);
	verdict_vote_spf(votes, &n, 1, f, p, v, &sk);
	verdict_vote_dkim(votes, &n, f, p, v, &sk);
	verdict_skip_note(&sk, v);
	str_free(&sk.why);
	win = NULL;
	for (i = 0; i < n; i++)
		if (votes[i].action != ACT_ACCEPT &&
		    (win == NULL || votes[i].action > win->action))
			win = &votes[i];
	v->decided = win != NULL ? win->action : ACT_ACCEPT;
	v->action = stage >= p->reject_stage ? v->decided : ACT_ACCEPT;
	if (v->action == ACT_QUARANTINE && stage != STAGE_EOM)
		v->action = ACT_ACCEPT;	/* only a whole message can be held */
	if (win == NULL)
		return;
	v->check = win->check;
	if (v->decided == ACT_REJECT) {
		v->code = "550";
		v->xcode = "5.7.1";
	} else if (v->decided == ACT_TEMPFAIL) {
		v->code = "451";
		v->xcode = "4.7.1";
	}
	verdict_explain(win, f, v);
}
