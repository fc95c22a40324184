/*
 * spf_record - SPF record selection and strict RFC 7208 parsing; see
 * spf_record.h. The grammar (RFC 7208 section 12) in short:
 *
 *	record    = "v=spf1" *( 1*SP ( directive / modifier ) ) *SP
 *	directive = [ "+" / "-" / "?" / "~" ] mechanism
 *	modifier  = name "=" macro-string, name = ALPHA *( ALPHA / DIGIT /
 *		    "-" / "_" / "." ); redirect= and exp= take a domain-spec
 *	a / mx    = name [ ":" domain-spec ] [ "/" ip4-cidr ] [ "//" ip6-cidr ]
 *	domain-spec = macro-string domain-end, domain-end = "." toplabel
 *		    [ "." ] / macro-expand
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "spf/spf_record.h"

static const struct {
	const char	*name;
	enum spf_mech	 mech;
} spf_mechs[] = {
	{ "all", SPF_M_ALL }, { "include", SPF_M_INCLUDE }, { "a", SPF_M_A },
	{ "mx", SPF_M_MX }, { "ptr", SPF_M_PTR }, { "ip4", SPF_M_IP4 },
	{ "ip6", SPF_M_IP6 }, { "exists", SPF_M_EXISTS },
};

/* spf_mech_name - the mechanism's name */
const char *
spf_mech_name(enum spf_mech m)
{
	size_t i;

	for (i = 0; i < sizeof(spf_mechs) / sizeof(spf_mechs[0]); i++)
		if (spf_mechs[i].mech == m)
			return spf_mechs[i].name;
	return "?";
}

/* spf_record_select - the single SPF record among TXT records */
int
spf_record_select(const dns_answer *a, const char **text, size_t *len,
    str *err)
{
	const dns_rr *rr;
	size_t i, found;

	found = 0;
	for (i = 0; a->status == DNS_OK && i < a->count; i++) {
		rr = &a->rr[i];
		if (rr->u.txt.len < 6 ||
		    strncasecmp(rr->u.txt.data, "v=spf1", 6) != 0 ||
		    (rr->u.txt.len > 6 && rr->u.txt.data[6] != ' '))
			continue;
		if (found++ == 0) {
			*text = rr->u.txt.data;
			*len = rr->u.txt.len;
		}
	}
	if (found > 1) {
		str_appendf(err, "%zu SPF records for %s (there must be one)",
		    found, a->name);
		return -1;
	}
	return found == 1 ? 0 : 1;
}

/* spf_in_set - is c one of the characters of set (never the NUL that
 * ends set: strchr would find it) */
static int
spf_in_set(int c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* spf_macro_scan - validate a macro-string (or explain-string); *last
 * gets the offset just after the last macro-expand (0 if none) */
static int
spf_macro_scan(const char *s, size_t n, int explain, size_t *last)
{
	size_t i;
	long value;
	int c, digits;

	*last = 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c != '%') {
			if ((c < 0x21 || c > 0x7e) && !(c == ' ' && explain))
				return 0;
			continue;
		}
		if (++i >= n)
			return 0;		/* "%" at the end */
		if (s[i] == '%' || s[i] == '_' || s[i] == '-') {
			*last = i + 1;
			continue;
		}
		if (s[i] != '{' || ++i >= n)
			return 0;
		c = tolower((unsigned char)s[i]);
		if (!spf_in_set(c, "slodiphv") &&
		    !(explain && spf_in_set(c, "crt")))
			return 0;
		/* transformers = *DIGIT [ "r" ]; a DIGIT value must be nonzero */
		for (i++, digits = 0, value = 0; i < n &&
		    isdigit((unsigned char)s[i]); i++, digits++)
			if (value < 100000)
				value = value * 10 + (s[i] - '0');
		if (digits > 0 && value == 0)
			return 0;
		if (i < n && (s[i] == 'r' || s[i] == 'R'))
			i++;
		while (i < n && spf_in_set((unsigned char)s[i], ".-+,/_="))
			i++;
		if (i >= n || s[i] != '}')
			return 0;
		*last = i + 1;
	}
	return 1;
}

/* spf_record_macro_valid - a macro-string (or explain-string) */
int
spf_record_macro_valid(const char *s, size_t n, int explain)
{
	size_t last;

	return spf_macro_scan(s, n, explain, &last);
}

/* spf_toplabel - RFC 7208: LDH, not all-numeric, no leading/trailing '-' */
static int
spf_toplabel(const char *s, size_t n)
{
	size_t i;
	int alpha;

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	alpha = 0;
	for (i = 0; i < n; i++) {
		if (isalpha((unsigned char)s[i]))
			alpha = 1;
		else if (!isdigit((unsigned char)s[i]) && s[i] != '-')
			return 0;
	}
	return alpha;
}

/* spf_domain_spec_valid - macro-string followed by domain-end */
int
spf_domain_spec_valid(const char *s, size_t n)
{
	size_t last, end, dot;

	if (n == 0 || !spf_macro_scan(s, n, 0, &last))
		return 0;
	if (last == n)
		return 1;		/* domain-end = macro-expand */
	/* domain-end = "." toplabel [ "." ], the toplabel after any macro */
	end = s[n - 1] == '.' ? n - 1 : n;
	for (dot = end; dot > last && s[dot - 1] != '.'; dot--)
		;
	if (dot <= last || dot == 0)
		return 0;
	return spf_toplabel(s + dot, end - dot);
}

/* spf_cidr - "/" digits: value in 0..max, no leading zero; -1 if bad */
static int
spf_cidr(const char *s, size_t n, int max)
{
	size_t i;
	int v;

	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0, v = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* spf_ip4 - an ip4-network: four qnums without leading zeros */
static int
spf_ip4(const char *s, size_t n, struct in_addr *out)
{
	char buf[16];
	size_t i, digits;
	int parts;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	for (i = 0, parts = 1, digits = 0; i < n; i++) {
		if (s[i] == '.') {
			if (digits == 0)
				return -1;
			parts++;
			digits = 0;
		} else if (isdigit((unsigned char)s[i])) {
			if (digits > 0 && s[i - digits] == '0')
				return -1;		/* leading zero */
			digits++;
		} else
			return -1;
	}
	if (parts != 4 || digits == 0)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET, buf, out) == 1 ? 0 : -1;
}

/* spf_ip6 - an ip6-network in any RFC 4291 text form */
static int
spf_ip6(const char *s, size_t n, struct in6_addr *out)
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1 ? 0 : -1;
}

/* spf_dual_cidr - take [ "/" ip4 ] [ "//" ip6 ] off the end of a/mx */
static int
spf_dual_cidr(const char *s, size_t *n, int *c4, int *c6)
{
	size_t i;

	*c4 = *c6 = -1;
	for (i = *n; i > 0 && isdigit((unsigned char)s[i - 1]); i--)
		;
	if (i >= 2 && i < *n && s[i - 1] == '/' && s[i - 2] == '/') {
		if ((*c6 = spf_cidr(s + i, *n - i, 128)) < 0)
			return -1;
		*n = i - 2;
		for (i = *n; i > 0 && isdigit((unsigned char)s[i - 1]); i--)
			;
	}
	if (i >= 1 && i < *n && s[i - 1] == '/') {
		if ((*c4 = spf_cidr(s + i, *n - i, 32)) < 0)
			return -1;
		*n = i - 1;
	}
	return 0;
}

/* spf_fail - record a parse error naming the term */
static int
spf_fail(str *err, const char *term, size_t n, const char *why)
{
	str_append(err, why);
	if (term != NULL) {
		str_append(err, " in \"");
		str_append_printable(err, term, n, 80);
		str_append_c(err, '"');
	}
	return -1;
}

/* spf_parse_modifier - name=value; 1 if it was one, 0 if not, -1 error */
static int
spf_parse_modifier(const char *t, size_t n, struct spf_record *rec, str *err)
{
	const char *eq;
	size_t nl, i;
	char **slot;

	if ((eq = memchr(t, '=', n)) == NULL)
		return 0;
	nl = (size_t)(eq - t);
	for (i = 0; i < nl; i++)
		if (t[i] == ':' || t[i] == '/')
			return 0;	/* "exists:a=b": a mechanism */
	if (nl == 0 || !isalpha((unsigned char)t[0]))
		return spf_fail(err, t, n, "invalid modifier name");
	for (i = 1; i < nl; i++)
		if (!isalnum((unsigned char)t[i]) && !spf_in_set((unsigned char)t[i], "-_."))
			return spf_fail(err, t, n, "invalid modifier name");
	slot = NULL;
	if (nl == 8 && strncasecmp(t, "redirect", 8) == 0)
		slot = &rec->redirect;
	else if (nl == 3 && strncasecmp(t, "exp", 3) == 0)
		slot = &rec->exp;
	if (slot == NULL) {
		/* RFC 7208 6: unknown modifiers are ignored, but must parse */
		if (!spf_record_macro_valid(eq + 1, n - nl - 1, 0))
			return spf_fail(err, t, n, "invalid macro in modifier");
		return 1;
	}
	if (*slot != NULL)
		return spf_fail(err, t, n, "modifier given twice");
	if (!spf_domain_spec_valid(eq + 1, n - nl - 1))
		return spf_fail(err, t, n, "invalid domain-spec");
	*slot = mem_strndup(eq + 1, n - nl - 1);
	return 1;
}

/* spf_take_spec - ":domain-spec" after a mechanism name into term->spec */
static int
spf_take_spec(struct spf_term *term, const char *rest, size_t rn)
{
	if (rn < 2 || rest[0] != ':' ||
	    !spf_domain_spec_valid(rest + 1, rn - 1))
		return -1;
	term->spec = mem_strndup(rest + 1, rn - 1);
	return 0;
}

/* spf_parse_directive - [qualifier] mechanism */
static int
spf_parse_directive(const char *t, size_t n, struct spf_term *term, str *err)
{
	const char *p, *rest;
	size_t nl, i, rn, tn;

	memset(term, 0, sizeof(*term));
	term->cidr4 = term->cidr6 = -1;
	term->text = mem_strndup(t, n);
	tn = n;			/* the whole term, for messages */
	p = t;
	term->qualifier = '+';
	if (n > 0 && spf_in_set((unsigned char)*p, "+-?~")) {
		term->qualifier = *p++;
		n--;
	}
	for (nl = 0; nl < n && p[nl] != ':' && p[nl] != '/'; nl++)
		;
	for (i = 0; i < sizeof(spf_mechs) / sizeof(spf_mechs[0]); i++)
		if (strlen(spf_mechs[i].name) == nl &&
		    strncasecmp(p, spf_mechs[i].name, nl) == 0)
			break;
	if (i == sizeof(spf_mechs) / sizeof(spf_mechs[0]))
		return spf_fail(err, t, tn, "unknown mechanism");
	term->mech = spf_mechs[i].mech;
	rest = p + nl;
	rn = n - nl;

	switch (term->mech) {
	case SPF_M_ALL:
		if (rn != 0)
			return spf_fail(err, t, tn, "\"all\" takes no argument");
		return 0;
	case SPF_M_INCLUDE:
	case SPF_M_EXISTS:
		if (spf_take_spec(term, rest, rn) != 0)
			return spf_fail(err, t, tn, "invalid or missing domain");
		return 0;
	case SPF_M_PTR:
		if (rn != 0 && spf_take_spec(term, rest, rn) != 0)
			return spf_fail(err, t, tn, "invalid domain");
		return 0;
	case SPF_M_A:
	case SPF_M_MX:
		if (spf_dual_cidr(rest, &rn, &term->cidr4, &term->cidr6) != 0)
			return spf_fail(err, t, tn, "invalid CIDR length");
		if (rn != 0 && spf_take_spec(term, rest, rn) != 0)
			return spf_fail(err, t, tn, "invalid domain");
		return 0;
	case SPF_M_IP4:
	case SPF_M_IP6:
		if (rn < 2 || rest[0] != ':')
			return spf_fail(err, t, tn, "missing address");
		rest++;
		rn--;
		for (i = rn; i > 0 && rest[i - 1] != '/'; i--)
			;
		if (i > 0) {
			if (i >= 2 && rest[i - 2] == '/')
				return spf_fail(err, t, tn, "invalid CIDR length");
			term->prefix = spf_cidr(rest + i, rn - i,
			    term->mech == SPF_M_IP4 ? 32 : 128);
			if (term->prefix < 0)
				return spf_fail(err, t, tn, "invalid CIDR length");
			rn = i - 1;
		} else
			term->prefix = term->mech == SPF_M_IP4 ? 32 : 128;
		term->net.family = term->mech == SPF_M_IP4 ? AF_INET : AF_INET6;
		if ((term->mech == SPF_M_IP4 &&
		    spf_ip4(rest, rn, &term->net.u.v4) != 0) ||
		    (term->mech == SPF_M_IP6 &&
		    spf_ip6(rest, rn, &term->net.u.v6) != 0))
			return spf_fail(err, t, tn, "invalid address");
		return 0;
	}
	return -1;
}

/* spf_record_parse - parse and validate a whole record */
int
spf_record_parse(const char *text, size_t len, struct spf_record *rec,
    str *err)
{
	struct spf_term term;
	size_t i, start;
	int rc;

	memset(rec, 0, sizeof(*rec));
	if (len > SPF_RECORD_MAX)
		return spf_fail(err, NULL, 0, "record too long");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c > 0x7e) {
			str_appendf(err, "invalid character 0x%02x at offset "
			    "%zu of the record", c, i);
			return -1;
		}
	}
	if (len < 6 || strncasecmp(text, "v=spf1", 6) != 0 ||
	    (len > 6 && text[6] != ' '))
		return spf_fail(err, NULL, 0, "not an SPF record");
	for (i = 6; i < len; ) {
		while (i < len && text[i] == ' ')
			i++;
		if (i >= len)
			break;
		for (start = i; i < len && text[i] != ' '; i++)
			;
		rc = spf_parse_modifier(text + start, i - start, rec, err);
		if (rc < 0)
			goto fail;
		if (rc > 0)
			continue;
		if (spf_parse_directive(text + start, i - start, &term, err)
		    != 0) {
			mem_free(term.spec);
			mem_free(term.text);
			goto fail;
		}
		if (term.mech == SPF_M_ALL)
			rec->has_all = 1;
		rec->terms = mem_grow(rec->terms, rec->nterms,
		    sizeof(*rec->terms));
		rec->terms[rec->nterms++] = term;
	}
	return 0;
fail:
	spf_record_free(rec);
	return -1;
}

/* spf_record_free - release a parsed record */
void
spf_record_free(struct spf_record *rec)
{
	size_t i;

	for (i = 0; i < rec->nterms; i++) {
		mem_free(rec->terms[i].spec);
		mem_free(rec->terms[i].text);
	}
	mem_free(rec->terms);
	mem_free(rec->redirect);
	mem_free(rec->exp);
	memset(rec, 0, sizeof(*rec));
}
