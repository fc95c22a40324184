/*
 * verdict - the verdict engine; see verdict.h.
 */
#include "config.h"

#include <string.h>

#include "exempt.h"
#include "facts.h"
#include "mem.h"
#include "policy.h"
#include "verdict.h"

/* one check's say in the verdict */
struct verdict_vote {
	const char		*check;
	enum action		 action;
	const struct spf_outcome *spf;
	int			 helo;
};

/* verdict_clear - release what a verdict holds */
void
verdict_clear(struct verdict *v)
{
	size_t i;

	for (i = 0; i < v->nlines; i++)
		mem_free(v->lines[i]);
	str_free(&v->exempt);
	memset(v, 0, sizeof(*v));
}

/* verdict_note - one exemption for the log, each distinct note once */
static void
verdict_note(str *notes, const char *note)
{
	if (notes->len > 0 && strstr(str_cstr(notes), note) != NULL)
		return;
	if (notes->len > 0)
		str_append(notes, "; ");
	str_append(notes, note);
}

/* verdict_vote_spf - one SPF identity's vote, if its check counts */
static void
verdict_vote_spf(struct verdict_vote *votes, size_t *n, const char *check,
    const char *key, const struct facts *f, const struct spf_outcome *o,
    const struct policy *p, const enum action *actions, int helo,
    str *notes)
{
	enum exempt_mode mode;
	str why, note;

	str_init(&why);
	str_init(&note);
	mode = exempt_spf(p, f, o, &why);
	if (mode == EXEMPT_SKIP) {
		str_appendf(&note, "SPF not checked (%s)", str_cstr(&why));
		verdict_note(notes, str_cstr(&note));
	} else if (o->checked) {
		votes[*n].check = check;
		votes[*n].action = actions[o->result];
		votes[*n].spf = o;
		votes[*n].helo = helo;
		if (mode == EXEMPT_RECORD && votes[*n].action != ACT_ACCEPT) {
			str_appendf(&note, "%s=%s not enforced (%s)", key,
			    spf_result_name(o->result), str_cstr(&why));
			verdict_note(notes, str_cstr(&note));
			votes[*n].action = ACT_ACCEPT;
		}
		(*n)++;
	}
	str_free(&note);
	str_free(&why);
}

/* verdict_collect - every available check result, in the fixed order */
static size_t
verdict_collect(const struct facts *f, const struct policy *p,
    struct verdict_vote *votes, str *notes)
{
	size_t n;

	n = 0;
	verdict_vote_spf(votes, &n, "spf-mailfrom", "spf_mailfrom", f,
	    &f->spf_mailfrom, p, p->spf_mailfrom, 0, notes);
	verdict_vote_spf(votes, &n, "spf-helo", "spf_helo", f, &f->spf_helo,
	    p, p->spf_helo, 1, notes);
	return n;
}

/* verdict_decide - facts + policy + stage -> verdict */
void
verdict_decide(const struct facts *f, const struct policy *p,
    enum stage stage, struct verdict *v)
{
	struct verdict_vote votes[2];
	const struct verdict_vote *win;
	size_t n, i;

	memset(v, 0, sizeof(*v));
	str_init(&v->exempt);
	n = verdict_collect(f, p, votes, &v->exempt);
	win = NULL;
	for (i = 0; i < n; i++)
		if (votes[i].action != ACT_ACCEPT &&
		    (win == NULL || votes[i].action > win->action))
			win = &votes[i];
	v->decided = win != NULL ? win->action : ACT_ACCEPT;
	v->action = stage >= p->reject_stage ? v->decided : ACT_ACCEPT;
	if (win == NULL)
		return;
	v->check = win->check;
	if (v->decided == ACT_REJECT) {
		v->code = "550";
		v->xcode = "5.7.1";
	} else {
		v->code = "451";
		v->xcode = "4.7.1";
	}
	verdict_explain_spf(win->spf, win->helo, f->client_ip, v);
}
