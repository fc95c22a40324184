/*
 * dmarcrep_store - the store a configured name means; see
 * dmarcrep_store.h.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"
#include "dmarcrep/dmarcrep_store.h"

/* dmarcrep_store_find - the backend a store's scheme names */
const struct dmarcrep_backend *
dmarcrep_store_find(const char *spec, const char **rest, str *err)
{
	static const struct dmarcrep_backend *const all[] = {
		&dmarcrep_sqlite, &dmarcrep_pg
	};
	const char *colon;
	size_t i, len;

	if ((colon = strchr(spec, ':')) != NULL) {
		len = (size_t)(colon - spec);
		for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			if (strlen(all[i]->scheme) == len &&
			    strncmp(spec, all[i]->scheme, len) == 0) {
				/* a URI goes whole to the backend's library */
				*rest = strncmp(colon + 1, "//", 2) == 0 ?
				    spec : colon + 1;
				if (all[i]->check(*rest, err) != 0)
					return NULL;
				return all[i];
			}
	}
	str_appendf(err, "\"%s\" is neither sqlite:/absolute/path nor "
	    "postgresql:CONNINFO", spec);
	return NULL;
}

/* dmarcrep_store_secret - does "password=" start at s, as a keyword
 * (after the scheme's colon or a space) or a URI's query parameter;
 * its length in *len */
static int
dmarcrep_store_secret(const char *spec, const char *s, size_t *len)
{
	if (strncasecmp(s, "password=", 9) != 0 || (s > spec &&
	    !isspace((unsigned char)s[-1]) && s[-1] != ':' && s[-1] != '?' &&
	    s[-1] != '&'))
		return 0;
	*len = 9;
	return 1;
}

/* dmarcrep_store_shown - the store as logs may show it: every password
 * (a URI's user:password@, password= in either form) as "***" */
void
dmarcrep_store_shown(const char *spec, str *out)
{
	const char *s, *host, *at, *end, *colon;
	size_t len;

	s = spec;
	if ((host = strstr(spec, "://")) != NULL) {
		host += 3;
		at = strchr(host, '@');
		end = host + strcspn(host, "/?");
		if (at != NULL && at < end && (colon = memchr(host, ':',
		    (size_t)(at - host))) != NULL) {
			str_append_n(out, spec, (size_t)(colon + 1 - spec));
			str_append(out, "***");
			s = at;
		}
	}
	while (*s != '\0') {
		if (!dmarcrep_store_secret(spec, s, &len)) {
			str_append_c(out, *s++);
			continue;
		}
		str_append_n(out, s, len);
		str_append(out, "***");
		s += len;
		if (*s == '\'') {	/* a quoted value, \' escaped */
			for (s++; *s != '\0' && *s != '\''; s++)
				if (*s == '\\' && s[1] != '\0')
					s++;
			if (*s == '\'')
				s++;
		} else
			s += strcspn(s, " \t\n&");
	}
}
