/*
 * arc_tags - a DKIM tag-list; see arc_tags.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/str.h"
#include "arc/arc_tags.h"

/* arc_fws - folding white space */
static int
arc_fws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* arc_tag_name_ok - ALPHA *ALNUMPUNC */
static int
arc_tag_name_ok(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return 0;
	for (s++; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* arc_tags_parse - split and check a tag-list */
int
arc_tags_parse(struct arc_tags *t, const char *value, str *why)
{
	char *p, *end, *eq, *ns, *ne, *vs, *ve, *c;
	size_t i;
	int last;

	memset(t, 0, sizeof(*t));
	t->buf = mem_strdup(value);
	for (p = t->buf, last = 0; !last; p = end + 1) {
		end = p + strcspn(p, ";");
		last = *end == '\0';
		*end = '\0';
		for (ns = p; arc_fws(*ns); ns++)
			;
		if (*ns == '\0') {
			if (last && t->n > 0)
				break;		/* a final ";" */
			str_append(why, "an empty element in the tag list");
			return -1;
		}
		if ((eq = strchr(ns, '=')) == NULL) {
			str_append(why, "a tag without \"=\"");
			return -1;
		}
		for (ne = eq; ne > ns && arc_fws(ne[-1]); ne--)
			;
		*ne = '\0';
		for (vs = eq + 1; arc_fws(*vs); vs++)
			;
		for (ve = vs + strlen(vs); ve > vs && arc_fws(ve[-1]); ve--)
			;
		*ve = '\0';
		if (!arc_tag_name_ok(ns)) {
			str_append(why, "a tag name that is not a name: ");
			str_append_printable(why, ns, strlen(ns), 40);
			return -1;
		}
		for (c = vs; *c != '\0'; c++)
			if (!arc_fws(*c) && (*c < 0x21 || *c > 0x7e)) {
				str_appendf(why, "a byte 0x%02x in the value "
				    "of %s=", (unsigned char)*c, ns);
				return -1;
			}
		for (i = 0; i < t->n; i++)
			if (strcmp(t->t[i].name, ns) == 0) {
				str_appendf(why, "the tag %s= twice", ns);
				return -1;
			}
		if (t->n == ARC_TAGS_MAX) {
			str_appendf(why, "more than %d tags", ARC_TAGS_MAX);
			return -1;
		}
		t->t[t->n].name = ns;
		t->t[t->n].value = vs;
		t->n++;
	}
	return 0;
}

/* arc_tags_get - one tag's value */
const char *
arc_tags_get(const struct arc_tags *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->t[i].name, name) == 0)
			return t->t[i].value;
	return NULL;
}

/* arc_tags_free - release the copy */
void
arc_tags_free(struct arc_tags *t)
{
	mem_free(t->buf);
	memset(t, 0, sizeof(*t));
}

/* arc_tags_list_has - a colon-separated list names word */
int
arc_tags_list_has(const char *list, const char *word, int icase)
{
	const char *p, *end, *s, *e;
	size_t wl;

	wl = strlen(word);
	for (p = list; ; p = end + 1) {
		end = p + strcspn(p, ":");
		for (s = p; s < end && arc_fws(*s); s++)
			;
		for (e = end; e > s && arc_fws(e[-1]); e--)
			;
		if ((size_t)(e - s) == wl && (icase ? strncasecmp(s, word,
		    wl) : strncmp(s, word, wl)) == 0)
			return 1;
		if (*end == '\0')
			return 0;
	}
}
