/*
 * dmarcrep_store - the store a configured name means; see
 * dmarcrep_store.h.
 */
#include "config.h"

#include <string.h>

#include "util/str.h"
#include "dmarcrep/dmarcrep_store.h"

/* dmarcrep_store_find - the backend a store's scheme names */
const struct dmarcrep_backend *
dmarcrep_store_find(const char *spec, const char **rest, str *err)
{
	static const struct dmarcrep_backend *const all[] = {
		&dmarcrep_sqlite
	};
	const char *colon;
	size_t i, len;

	if ((colon = strchr(spec, ':')) != NULL) {
		len = (size_t)(colon - spec);
		for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			if (strlen(all[i]->scheme) == len &&
			    strncmp(spec, all[i]->scheme, len) == 0) {
				*rest = colon + 1;
				if (strcmp(all[i]->scheme, "sqlite") == 0 &&
				    (*rest)[0] != '/')
					break;
				return all[i];
			}
	}
	str_appendf(err, "\"%s\" is not sqlite:/absolute/path", spec);
	return NULL;
}
