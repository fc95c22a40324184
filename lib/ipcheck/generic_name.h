/*
 * generic_name - does a client's host name look like an end-user or
 * dynamic address ("dsl-pool-17.isp.example", "192-0-2-25.cust.isp.example")
 * rather than a mail server's name? A weak signal that adds a weight to the
 * IP score, as the big receivers use it; never a verdict on its own.
 *
 *	generic_rules_create(patterns, n, ip_in_name, err) - compile the
 *		admin's patterns (POSIX extended regular expressions, matched
 *		case-insensitively against the whole name); patterns NULL:
 *		the built-in ones. ip_in_name: also flag names that contain
 *		the client address (in order or reversed, any separators,
 *		zero-padded, or as hex). NULL and err if a pattern is bad.
 *	generic_rules_free(rules)
 *	generic_name_check(rules, name, ip, why) - 1 if name looks generic
 *		for this client; why (may be NULL) gets plain words such as
 *		"contains the address 192.0.2.25" or "matches \"...\"".
 *	generic_default_patterns - the built-in patterns (keyword labels
 *		such as dyn, dsl, pool, dhcp, cable, ppp, customer, in a host
 *		part, not in the last two labels).
 */
#ifndef AUTHGATE_GENERIC_NAME_H
#define AUTHGATE_GENERIC_NAME_H

#include <stddef.h>

#include "util/ipaddr.h"
#include "util/str.h"

typedef struct generic_rules generic_rules;

extern const char *const generic_default_patterns[];

generic_rules	*generic_rules_create(const char *const *, size_t, int, str *);
void		 generic_rules_free(generic_rules *);
int		 generic_name_check(const generic_rules *, const char *,
		    const ipaddr *, str *);

#endif
