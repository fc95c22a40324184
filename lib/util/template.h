/*
 * template - reply texts the admin writes in the config, with macros
 * filled in per client: "%{ip} is listed in %{zone}; see %{url}".
 *
 *	template_check(text, names, err) - is every %{name} in text one of
 *		names (a NULL-terminated list), and is the text printable
 *		ASCII of at most TEMPLATE_MAX bytes? 0, or -1 with err saying
 *		what is wrong (the config loader adds file:line).
 *	template_expand(text, vars, nvars, out) - append text with each
 *		%{name} replaced by its value (a macro without a value, or a
 *		NULL value, becomes ""); "%%" is a literal "%". Values are
 *		untrusted (DNS TXT data): made printable and bounded to
 *		TEMPLATE_VALUE_MAX bytes each.
 * Pure: no I/O.
 */
#ifndef AUTHGATE_TEMPLATE_H
#define AUTHGATE_TEMPLATE_H

#include <stddef.h>

#include "util/str.h"

#define TEMPLATE_MAX		400
#define TEMPLATE_VALUE_MAX	200

struct template_var {
	const char	*name;
	const char	*value;
};

int	template_check(const char *, const char *const *, str *);
void	template_expand(const char *, const struct template_var *, size_t,
	    str *);

#endif
