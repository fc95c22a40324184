/*
 * domlist - domain name lists; see domlist.h.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/str.h"
#include "mail/domlist.h"
#include "mail/smtp_addr.h"

/* domlist_parse - read a list of domains */
int
domlist_parse(const char *text, int flags, domlist *list, str *err)
{
	const char *p, *w;
	size_t n, i;
	char *name;

	memset(list, 0, sizeof(*list));
	p = text;
	while ((w = str_next_word(&p, &n)) != NULL) {
		name = mem_strndup(w, n);
		for (i = 0; i < n; i++)
			name[i] = (char)tolower((unsigned char)name[i]);
		if (n > 1 && name[n - 1] == '.')
			name[n - 1] = '\0';
		if ((name[0] == '.' && (flags & DOMLIST_EXACT)) ||
		    !smtp_is_domain(name[0] == '.' ? name + 1 : name)) {
			str_reset(err);
			str_append_c(err, '"');
			str_append_printable(err, w, n, 80);
			str_append(err, name[0] == '.' && (flags & DOMLIST_EXACT) ?
			    "\" must be a domain name without a leading dot" :
			    "\" is not a domain name (at least two labels; "
			    ".example.com for every name below example.com)");
			mem_free(name);
			domlist_free(list);
			return -1;
		}
		list->v = mem_grow(list->v, list->n, sizeof(char *));
		list->v[list->n++] = name;
	}
	return 0;
}

/* domlist_match - the entry matching name, or NULL */
const char *
domlist_match(const domlist *list, const char *name)
{
	size_t i, nl, el;
	const char *e;

	if (name == NULL)
		return NULL;
	nl = strlen(name);
	if (nl > 0 && name[nl - 1] == '.')
		nl--;
	for (i = 0; i < list->n; i++) {
		e = list->v[i];
		el = strlen(e);
		if (e[0] == '.') {
			/* below it: name ends in ".example.com", longer */
			if (nl > el && strncasecmp(name + nl - el, e, el) == 0)
				return e;
		} else if (nl == el && strncasecmp(name, e, el) == 0)
			return e;
	}
	return NULL;
}

/* domlist_free - release a list */
void
domlist_free(domlist *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		mem_free(list->v[i]);
	mem_free(list->v);
	memset(list, 0, sizeof(*list));
}
