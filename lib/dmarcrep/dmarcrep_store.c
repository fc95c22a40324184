/*
 * dmarcrep_store - the store a configured name means; see
 * dmarcrep_store.h.
 */
#include "config.h"

#include <string.h>

#include "util/str.h"
#include "dmarcrep/dmarcrep_store.h"

/* dmarcrep_store_backend - the backend of a spec's scheme, and what it
 * is given */
static const struct dmarcrep_backend *
dmarcrep_store_backend(const char *spec, const char **rest)
{
	static const struct dmarcrep_backend *const all[] = {
		&dmarcrep_sqlite, &dmarcrep_pg
	};
	const char *colon;
	size_t i, len;

	if ((colon = strchr(spec, ':')) == NULL)
		return NULL;
	len = (size_t)(colon - spec);
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strlen(all[i]->scheme) == len &&
		    strncmp(spec, all[i]->scheme, len) == 0) {
			*rest = all[i]->takes_uri &&
			    strncmp(colon + 1, "//", 2) == 0 ? spec : colon + 1;
			return all[i];
		}
	return NULL;
}

/* dmarcrep_store_find - the backend a store's scheme names, checked */
const struct dmarcrep_backend *
dmarcrep_store_find(const char *spec, const char **rest, str *err)
{
	const struct dmarcrep_backend *b;

	if ((b = dmarcrep_store_backend(spec, rest)) == NULL) {
		str_append(err, "a store is sqlite:/absolute/path or "
		    "postgresql:CONNINFO (or a postgresql:// URI), not ");
		if (strchr(spec, ':') != NULL)
			str_appendf(err, "a \"%.*s:\" one", (int)strcspn(spec,
			    ":"), spec);
		else
			str_append(err, "a name without a scheme");
		return NULL;
	}
	return b->check(*rest, err) == 0 ? b : NULL;
}

/* dmarcrep_store_shown - the store as logs may show it */
void
dmarcrep_store_shown(const char *spec, str *out)
{
	const struct dmarcrep_backend *b;
	const char *rest;

	if ((b = dmarcrep_store_backend(spec, &rest)) != NULL)
		b->shown(rest, out);
	else
		str_append(out, "(a store of no known kind)");
}
