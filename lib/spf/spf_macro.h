/*
 * spf_macro - SPF macro expansion (RFC 7208 section 7), done by us:
 * libspf2 truncates wrongly (%{d2}) and mangles explanations, so the
 * records it sees never contain a macro.
 *
 *	spf_macro_expand(spec, len, env, mode, out) - expand a macro-string
 *		(SPF_EXPAND_DOMAIN: a domain-spec, then truncated from the left
 *		to 253 characters as section 7.3 says) or an explain-string
 *		(SPF_EXPAND_EXPLAIN: c, r, t allowed, result bounded). The
 *		string must already be valid (spf_record_macro_valid).
 * Uppercase macro letters are URL-escaped (RFC 3986 unreserved kept).
 * %{p} asks env->validated(), which does its DNS lookups only when the
 * macro is really used.
 */
#ifndef AUTHGATE_SPF_MACRO_H
#define AUTHGATE_SPF_MACRO_H

#include <stddef.h>

#include "util/ipaddr.h"
#include "util/str.h"

#define SPF_EXPAND_DOMAIN	0
#define SPF_EXPAND_EXPLAIN	1
#define SPF_EXPLAIN_MAX		1024	/* bytes of an explanation */

struct spf_macro_env {
	const char	*sender;	/* s: local@domain */
	const char	*local;		/* l */
	const char	*sender_domain;	/* o */
	const char	*domain;	/* d: the current domain */
	const ipaddr	*ip;		/* i, c, v */
	const char	*helo;		/* h */
	const char	*receiver;	/* r */
	long		 now;		/* t */
	const char	*(*validated)(void *, const char *);	/* p */
	void		*arg;
};

void	spf_macro_expand(const char *, size_t, const struct spf_macro_env *,
	    int, str *);

#endif
