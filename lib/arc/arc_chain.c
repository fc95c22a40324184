/*
 * arc_chain - the ARC sets of a message and the form of the chain; see
 * arc_chain.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/str.h"
#include "arc/arc_chain.h"

static const char *const arc_names[] = {
	"ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results"
};

/* arc_chain_init - no field yet */
void
arc_chain_init(struct arc_chain *c)
{
	memset(c, 0, sizeof(*c));
}

/* arc_chain_clear - forget the fields */
void
arc_chain_clear(struct arc_chain *c)
{
	size_t i;

	for (i = 0; i < c->nfields; i++)
		mem_free(c->field[i].value);
	arc_chain_init(c);
}

/* arc_chain_field - keep an ARC field */
int
arc_chain_field(struct arc_chain *c, const char *name, const char *value)
{
	size_t k;

	for (k = 0; k < sizeof(arc_names) / sizeof(arc_names[0]); k++)
		if (strcasecmp(name, arc_names[k]) == 0)
			break;
	if (k == sizeof(arc_names) / sizeof(arc_names[0]))
		return 0;
	if (c->nfields == ARC_FIELDS_MAX) {
		c->overflow = 1;
		return 1;
	}
	c->field[c->nfields].kind = (enum arc_kind)k;
	c->field[c->nfields].value = mem_strdup(value);
	c->nfields++;
	return 1;
}

/* arc_wsp - folding white space */
static int
arc_wsp(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* arc_tag - the value of a tag in a tag-list (RFC 6376 3.2: names and
 * values case-sensitive), trimmed, into out; the number of times it is
 * there. With first_only, only the first element is read
 * (ARC-Authentication-Results: "i=N; authserv-id; results"). */
static int
arc_tag(const char *v, const char *tag, int first_only, str *out)
{
	const char *p, *end, *eq, *ne, *vs, *ve;
	size_t tlen;
	int n;

	tlen = strlen(tag);
	n = 0;
	for (p = v; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		end = p + strcspn(p, ";");
		while (p < end && arc_wsp(*p))
			p++;
		if (p == end) {		/* empty: a trailing ";" */
			if (first_only)
				return n;
			continue;
		}
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL) {
			if (first_only)
				return n;
			continue;
		}
		for (ne = eq; ne > p && arc_wsp(ne[-1]); ne--)
			;
		if ((size_t)(ne - p) == tlen && strncmp(p, tag, tlen) == 0) {
			for (vs = eq + 1; vs < end && arc_wsp(*vs); vs++)
				;
			for (ve = end; ve > vs && arc_wsp(ve[-1]); ve--)
				;
			if (n++ == 0) {
				str_reset(out);
				str_append_n(out, vs, (size_t)(ve - vs));
			}
		}
		if (first_only)
			return n;
	}
	return n;
}

/* arc_instance - an i= value: 1..ARC_SETS_MAX, digits only; 0 if not */
static unsigned
arc_instance(const char *s)
{
	unsigned v;

	if (*s == '\0' || strlen(s) > 3)
		return 0;
	for (v = 0; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (unsigned)(*s - '0');
	}
	return v >= 1 && v <= ARC_SETS_MAX ? v : 0;
}

/* arc_chain_form - steps 1 to 4 of RFC 8617 5.2 */
enum arc_form
arc_chain_form(struct arc_chain *c, str *why)
{
	const struct arc_field *f;
	const struct arc_field **slot;
	struct arc_set *s;
	unsigned i, top;
	size_t k;
	str v;
	int n;

	memset(c->set, 0, sizeof(c->set));
	c->n = 0;
	if (c->nfields == 0 && !c->overflow)
		return ARC_NONE;
	if (c->overflow) {
		str_appendf(why, "more than %d ARC sets", ARC_SETS_MAX);
		return ARC_FAIL;
	}
	str_init(&v);
	top = 0;
	for (k = 0; k < c->nfields; k++) {
		f = &c->field[k];
		n = arc_tag(f->value, "i", f->kind == ARC_AAR, &v);
		if (n != 1 || (i = arc_instance(str_cstr(&v))) == 0) {
			str_appendf(why, "an %s field with %s", arc_names[
			    f->kind], n == 0 ? "no i= tag" : n > 1 ?
			    "i= twice" : "an i= not in 1..50");
			goto fail;
		}
		s = &c->set[i - 1];
		s->instance = i;
		slot = f->kind == ARC_SEAL ? &s->seal : f->kind == ARC_AMS ?
		    &s->ams : &s->aar;
		if (*slot != NULL) {
			str_appendf(why, "two %s fields with i=%u",
			    arc_names[f->kind], i);
			goto fail;
		}
		*slot = f;
		if (f->kind == ARC_SEAL) {
			if (arc_tag(f->value, "cv", 0, &v) != 1 || v.len == 0 ||
			    v.len >= sizeof(s->cv)) {
				str_appendf(why, "the ARC-Seal with i=%u has "
				    "no single cv= of none, pass or fail", i);
				goto fail;
			}
			memcpy(s->cv, str_cstr(&v), v.len + 1);
		}
		if (i > top)
			top = i;
	}
	for (i = 1; i <= top; i++) {
		s = &c->set[i - 1];
		if (s->seal == NULL || s->ams == NULL || s->aar == NULL) {
			str_appendf(why, "ARC set i=%u lacks its %s", i,
			    s->seal == NULL ? arc_names[ARC_SEAL] :
			    s->ams == NULL ? arc_names[ARC_AMS] :
			    arc_names[ARC_AAR]);
			goto fail;
		}
	}
	if (strcmp(c->set[top - 1].cv, "fail") == 0) {
		str_appendf(why, "the newest ARC-Seal (i=%u) says cv=fail",
		    top);
		goto fail;
	}
	for (i = 1; i <= top; i++)
		if (strcmp(c->set[i - 1].cv, i == 1 ? "none" : "pass") != 0) {
			str_appendf(why, "the ARC-Seal with i=%u says cv=%s, "
			    "not %s", i, c->set[i - 1].cv, i == 1 ? "none" :
			    "pass");
			goto fail;
		}
	c->n = top;
	str_free(&v);
	return ARC_FORM_OK;
fail:
	str_free(&v);
	return ARC_FAIL;
}

/* arc_chain_top - the highest instance named and its seal's cv= */
unsigned
arc_chain_top(const struct arc_chain *c, int *newest_fail)
{
	const struct arc_field *f;
	unsigned i, top;
	size_t k;
	str v;

	str_init(&v);
	top = 0;
	*newest_fail = 0;
	for (k = 0; k < c->nfields; k++) {
		f = &c->field[k];
		if (arc_tag(f->value, "i", f->kind == ARC_AAR, &v) != 1 ||
		    (i = arc_instance(str_cstr(&v))) == 0 || i < top)
			continue;
		if (i > top)
			*newest_fail = 0;
		top = i;
		if (f->kind == ARC_SEAL && arc_tag(f->value, "cv", 0, &v) >= 1 &&
		    strcmp(str_cstr(&v), "fail") == 0)
			*newest_fail = 1;
	}
	str_free(&v);
	return top;
}
