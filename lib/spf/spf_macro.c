/*
 * spf_macro - SPF macro expansion; see spf_macro.h.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "util/ipaddr.h"
#include "util/str.h"
#include "spf/spf_macro.h"

#define SPF_EXPAND_WORK	16384	/* a domain expansion keeps only its tail */

/* spf_macro_value - the raw value of a macro letter */
static void
spf_macro_value(int letter, const struct spf_macro_env *env, str *v)
{
	char buf[IPADDR_STRLEN];
	const char *p;

	switch (letter) {
	case 's':
		str_append(v, env->sender);
		break;
	case 'l':
		str_append(v, env->local);
		break;
	case 'o':
		str_append(v, env->sender_domain);
		break;
	case 'd':
		str_append(v, env->domain);
		break;
	case 'i':
		ipaddr_nibbles(env->ip, v);
		break;
	case 'c':
		ipaddr_format(env->ip, buf);
		str_append(v, buf);
		break;
	case 'v':
		str_append(v, env->ip->family == AF_INET ? "in-addr" : "ip6");
		break;
	case 'h':
		str_append(v, env->helo);
		break;
	case 'r':
		str_append(v, env->receiver != NULL && env->receiver[0] ?
		    env->receiver : "unknown");
		break;
	case 't':
		str_appendf(v, "%ld", env->now);
		break;
	case 'p':
		p = env->validated != NULL ? env->validated(env->arg,
		    env->domain) : NULL;
		str_append(v, p != NULL ? p : "unknown");
		break;
	}
}

/* spf_macro_transform - split, reverse, keep the rightmost parts, join */
static void
spf_macro_transform(const str *value, long keep, int reverse,
    const char *delims, size_t ndelims, str *out)
{
	const char *parts[256];
	size_t lens[256], np, i, start, first;
	const char *s;
	size_t n;

	s = str_cstr(value);
	n = value->len;
	if (ndelims == 0) {
		delims = ".";
		ndelims = 1;
	}
	/* split (at most 256 parts: more would be truncated anyway) */
	for (np = 0, start = 0, i = 0; i <= n && np < 256; i++) {
		if (i == n || memchr(delims, s[i], ndelims) != NULL) {
			parts[np] = s + start;
			lens[np++] = i - start;
			start = i + 1;
		}
	}
	if (reverse)
		for (i = 0; i < np / 2; i++) {
			const char *tp = parts[i];
			size_t tl = lens[i];

			parts[i] = parts[np - 1 - i];
			lens[i] = lens[np - 1 - i];
			parts[np - 1 - i] = tp;
			lens[np - 1 - i] = tl;
		}
	first = keep > 0 && (size_t)keep < np ? np - (size_t)keep : 0;
	for (i = first; i < np; i++) {
		if (i > first)
			str_append_c(out, '.');
		str_append_n(out, parts[i], lens[i]);
	}
}

/* spf_url_escape - RFC 3986: everything but unreserved as %XX */
static void
spf_url_escape(const str *in, str *out)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < in->len; i++) {
		c = (unsigned char)in->buf[i];
		if (isalnum(c) || (c != '\0' && strchr("-._~", c) != NULL))
			str_append_c(out, (char)c);
		else
			str_appendf(out, "%%%02X", c);
	}
}

/* spf_truncate_domain - RFC 7208 7.3: drop labels from the left to 253 */
static void
spf_truncate_domain(str *out)
{
	const char *dot;
	size_t drop;

	while (out->len > 253) {
		dot = memchr(out->buf, '.', out->len);
		drop = dot != NULL ? (size_t)(dot - out->buf) + 1 :
		    out->len - 253;
		memmove(out->buf, out->buf + drop, out->len - drop);
		str_truncate(out, out->len - drop);
	}
}

/* spf_macro_expand - expand a (valid) macro-string */
void
spf_macro_expand(const char *s, size_t n, const struct spf_macro_env *env,
    int mode, str *out)
{
	size_t i, d0;
	long keep;
	int letter, upper, reverse;
	str value, part;

	str_init(&value);
	str_init(&part);
	str_append(out, "");
	for (i = 0; i < n; i++) {
		if (mode == SPF_EXPAND_DOMAIN && out->len > SPF_EXPAND_WORK) {
			/* only the rightmost 253 characters survive */
			memmove(out->buf, out->buf + out->len - 1024, 1024);
			str_truncate(out, 1024);
		}
		if (mode == SPF_EXPAND_EXPLAIN && out->len >= SPF_EXPLAIN_MAX)
			break;
		if (s[i] != '%') {
			str_append_c(out, s[i]);
			continue;
		}
		if (++i >= n)
			break;
		if (s[i] == '%') {
			str_append_c(out, '%');
			continue;
		}
		if (s[i] == '_') {
			str_append_c(out, ' ');
			continue;
		}
		if (s[i] == '-') {
			str_append(out, "%20");
			continue;
		}
		if (s[i] != '{' || ++i >= n)
			break;
		letter = tolower((unsigned char)s[i]);
		upper = isupper((unsigned char)s[i]);
		for (i++, keep = 0; i < n && isdigit((unsigned char)s[i]); i++)
			if (keep < 1000)
				keep = keep * 10 + (s[i] - '0');
		reverse = 0;
		if (i < n && (s[i] == 'r' || s[i] == 'R')) {
			reverse = 1;
			i++;
		}
		for (d0 = i; i < n && s[i] != '}'; i++)
			;
		str_reset(&value);
		spf_macro_value(letter, env, &value);
		str_reset(&part);
		spf_macro_transform(&value, keep, reverse, s + d0, i - d0,
		    &part);
		if (upper)
			spf_url_escape(&part, out);
		else
			str_append_n(out, part.buf, part.len);
	}
	if (mode == SPF_EXPAND_DOMAIN)
		spf_truncate_domain(out);
	else if (out->len > SPF_EXPLAIN_MAX)
		str_truncate(out, SPF_EXPLAIN_MAX);
	str_free(&value);
	str_free(&part);
}
