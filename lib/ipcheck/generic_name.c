/*
 * generic_name - end-user looking host names; see generic_name.h.
 */
#include "config.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "ipcheck/generic_name.h"

/* a keyword label of access networks, somewhere before the last two
 * labels (so "dsl.example" or "mail.customer.example" stay unflagged) */
const char *const generic_default_patterns[] = {
	"(^|[.-])(dyn|dynamic|dynip|dhcp|dsl|adsl|vdsl|xdsl|ppp|pppoe|dial|"
	"dialup|dialin|pool|cable|catv|broadband|cust|customer|client|"
	"clients|resident|residential|user|users|mobile|wireless|ftth|fttx|"
	"fttb|fiber|fibre)[0-9]*[.-].*\\.[^.]+\\.[^.]+$",
	NULL
};

struct generic_rules {
	regex_t		*re;
	char		**text;
	size_t		 n;
	int		 ip_in_name;
};

/* generic_rules_create - compile the patterns */
generic_rules *
generic_rules_create(const char *const *patterns, size_t n, int ip_in_name,
    str *err)
{
	generic_rules *r;
	char msg[200];
	size_t i;
	int rc;

	if (patterns == NULL) {
		patterns = generic_default_patterns;
		for (n = 0; patterns[n] != NULL; n++)
			;
	}
	r = mem_calloc(1, sizeof(*r));
	r->ip_in_name = ip_in_name;
	r->re = mem_calloc(n ? n : 1, sizeof(*r->re));
	r->text = mem_calloc(n ? n : 1, sizeof(*r->text));
	for (i = 0; i < n; i++) {
		rc = regcomp(&r->re[i], patterns[i],
		    REG_EXTENDED | REG_ICASE | REG_NOSUB);
		if (rc != 0) {
			regerror(rc, &r->re[i], msg, sizeof(msg));
			str_reset(err);
			str_append(err, "pattern \"");
			str_append_printable(err, patterns[i],
			    strlen(patterns[i]), 80);
			str_appendf(err, "\": %s", msg);
			r->n = i;
			generic_rules_free(r);
			return NULL;
		}
		r->text[i] = mem_strdup(patterns[i]);
		r->n = i + 1;
	}
	return r;
}

/* generic_rules_free - release compiled rules */
void
generic_rules_free(generic_rules *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		regfree(&r->re[i]);
		mem_free(r->text[i]);
	}
	mem_free(r->re);
	mem_free(r->text);
	mem_free(r);
}

#define GENERIC_MAX_RUNS	64

/* generic_digit_runs - the numbers in a name, in order; long runs are
 * kept as text for the zero-padded form */
static size_t
generic_digit_runs(const char *name, long *num, const char **start,
    size_t *len)
{
	const char *p, *q;
	size_t n;

	n = 0;
	for (p = name; *p != '\0' && n < GENERIC_MAX_RUNS; p = q) {
		if (!isdigit((unsigned char)*p)) {
			q = p + 1;
			continue;
		}
		for (q = p; isdigit((unsigned char)*q); q++)
			;
		start[n] = p;
		len[n] = (size_t)(q - p);
		num[n] = len[n] <= 4 ? strtol(p, NULL, 10) : -1;
		n++;
	}
	return n;
}

/* generic_has_ipv4 - does the name spell out the address */
static int
generic_has_ipv4(const char *name, const ipaddr *ip)
{
	const unsigned char *b = (const unsigned char *)&ip->u.v4;
	const char *start[GENERIC_MAX_RUNS];
	size_t len[GENERIC_MAX_RUNS], n, i, k;
	long num[GENERIC_MAX_RUNS];
	char pad[16], padr[16], hex[9];
	int fwd, rev;

	n = generic_digit_runs(name, num, start, len);
	for (i = 0; i + 4 <= n; i++) {
		fwd = rev = 1;
		for (k = 0; k < 4; k++) {
			if (num[i + k] != b[k])
				fwd = 0;
			if (num[i + k] != b[3 - k])
				rev = 0;
		}
		if (fwd || rev)
			return 1;
	}
	snprintf(pad, sizeof(pad), "%03u%03u%03u%03u", b[0], b[1], b[2], b[3]);
	snprintf(padr, sizeof(padr), "%03u%03u%03u%03u", b[3], b[2], b[1],
	    b[0]);
	for (i = 0; i < n; i++)
		if (len[i] == 12 && (strncmp(start[i], pad, 12) == 0 ||
		    strncmp(start[i], padr, 12) == 0))
			return 1;
	snprintf(hex, sizeof(hex), "%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
	return strstr(name, hex) != NULL;
}

/* generic_has_ipv6 - the interface half of the address as hex groups */
static int
generic_has_ipv6(const char *name, const ipaddr *ip)
{
	const unsigned char *b = ip->u.v6.s6_addr;
	char groups[64], flat[40];
	int i;

	/* "2001-db8-1-2-..." (separators) or 32 digits without any */
	snprintf(groups, sizeof(groups), "%x-%x-%x-%x",
	    (b[8] << 8) | b[9], (b[10] << 8) | b[11], (b[12] << 8) | b[13],
	    (b[14] << 8) | b[15]);
	for (i = 0; i < 16; i++)
		snprintf(flat + 2 * i, 3, "%02x", b[i]);
	if (strstr(name, flat) != NULL)
		return 1;
	/* only when the groups are not all tiny ("0-0-0-1" is too common) */
	return ((b[8] | b[9] | b[10] | b[11]) != 0) &&
	    strstr(name, groups) != NULL;
}

/* generic_name_check - does the name look like an end-user address */
int
generic_name_check(const generic_rules *r, const char *name, const ipaddr *ip,
    str *why)
{
	char text[IPADDR_STRLEN];
	str low;
	size_t i;
	int hit;

	if (r == NULL || name == NULL || name[0] == '\0')
		return 0;
	str_init(&low);
	for (i = 0; name[i] != '\0' && i < 300; i++)
		str_append_c(&low, tolower((unsigned char)name[i]));
	hit = 0;
	if (r->ip_in_name && ip != NULL && (ip->family == AF_INET ?
	    generic_has_ipv4(str_cstr(&low), ip) :
	    generic_has_ipv6(str_cstr(&low), ip))) {
		hit = 1;
		if (why != NULL) {
			ipaddr_format(ip, text);
			str_reset(why);
			str_appendf(why, "contains the address %s", text);
		}
	}
	for (i = 0; !hit && i < r->n; i++)
		if (regexec(&r->re[i], str_cstr(&low), 0, NULL, 0) == 0) {
			hit = 1;
			if (why == NULL)
				continue;
			str_reset(why);
			if (strcmp(r->text[i], generic_default_patterns[0]) ==
			    0)
				str_append(why, "has a label of an access "
				    "network (dsl, dyn, pool, ...)");
			else {
				str_append(why, "matches \"");
				str_append_printable(why, r->text[i],
				    strlen(r->text[i]), 80);
				str_append_c(why, '"');
			}
		}
	str_free(&low);
	return hit;
}
