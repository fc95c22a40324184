/*
 * verdict_reply - the reply a verdict carries; see verdict_reply.h.
 */
#include "config.h"

#include <string.h>

#include "util/mem.h"
#include "util/str.h"
#include "verdict/verdict_reply.h"

/* verdict_add_line - append one reply line */
void
verdict_add_line(struct verdict *v, const char *text)
{
	str line;

	if (v->nlines >= VERDICT_MAX_LINES)
		return;
	str_init(&line);
	str_append_printable(&line, text, strlen(text), VERDICT_LINE_MAX);
	v->lines[v->nlines++] = str_steal(&line);
}

/* verdict_aside - append " (why)" when a check left a reason, bounded */
void
verdict_aside(str *s, const char *why, size_t max)
{
	if (why == NULL)
		return;
	str_append(s, " (");
	str_append_printable(s, why, strlen(why), max);
	str_append_c(s, ')');
}

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
