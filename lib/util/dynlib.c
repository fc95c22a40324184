/*
 * dynlib - optional libraries loaded at run time; see dynlib.h.
 */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include "util/dynlib.h"
#include "util/mem.h"
#include "util/str.h"

/* dynlib_load - dlopen() a library and resolve its functions */
void *
dynlib_load(const char *soname, const char *package,
    const struct dynlib_symbol *symbols, size_t n, str *err)
{
	void *handle, **found, *f;
	const char *why;
	size_t i;

	if ((handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		why = dlerror();
		str_appendf(err, "cannot load %s (apt-get install %s): %s",
		    soname, package, why != NULL ? why : "?");
		return NULL;
	}
	found = mem_calloc(n > 0 ? n : 1, sizeof(*found));
	for (i = 0; i < n; i++)
		if ((found[i] = dlsym(handle, symbols[i].name)) == NULL ||
		    symbols[i].size != sizeof(void *)) {
			str_appendf(err, "%s has no %s (a version too old?)",
			    soname, symbols[i].name);
			mem_free(found);
			dlclose(handle);
			return NULL;
		}
	/* POSIX lets dlsym's void * hold a function; copying its bytes
	 * into the function pointer keeps -Wpedantic quiet */
	for (i = 0; i < n; i++) {
		f = found[i];
		memcpy(symbols[i].pointer, &f, sizeof(f));
	}
	mem_free(found);
	return handle;
}
