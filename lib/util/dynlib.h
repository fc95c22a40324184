/*
 * dynlib - a shared library loaded with dlopen() when an option asks for
 * it, rather than linked: for the optional parts (the metrics listener,
 * the PostgreSQL store) whose libraries bring in dozens of others and
 * megabytes of memory a daemon that does not use them should not pay.
 *
 *	dynlib_load(soname, package, symbols, n, err) - load the library
 *		(RTLD_LOCAL) and fill in every symbol's function pointer; the
 *		handle, or NULL and why in err (naming the Debian package to
 *		install). All symbols or none: on a missing one the library
 *		is closed again and the pointers are left untouched.
 *	DYNLIB_SYMBOL(name, pointer) - one entry of symbols: the library's
 *		function name and the address of the pointer that receives
 *		it.
 */
#ifndef AUTHGATE_DYNLIB_H
#define AUTHGATE_DYNLIB_H

#include <stddef.h>

#include "util/str.h"

struct dynlib_symbol {
	const char	*name;
	void		*pointer;	/* where the function pointer goes */
	size_t		 size;		/* of that pointer */
};

#define DYNLIB_SYMBOL(name, pointer) \
	{ (name), (void *)(pointer), sizeof(*(pointer)) }

void	*dynlib_load(const char *, const char *,
	    const struct dynlib_symbol *, size_t, str *);

#endif
