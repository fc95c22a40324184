/*
 * smtp_addr - envelope address parsing; see smtp_addr.h.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "mail/smtp_addr.h"

/* smtp_addr_clear - release the strings */
void
smtp_addr_clear(struct smtp_addr *a)
{
	mem_free(a->address);
	mem_free(a->local);
	mem_free(a->domain);
	a->address = a->local = a->domain = NULL;
	a->null = 0;
	a->error = NULL;
}

/* smtp_is_domain - a host name with at least two labels: letters,
 * digits, "-" and "_", labels of 1 to 63, at most 253 in all */
int
smtp_is_domain(const char *name)
{
	size_t len, label, i;
	int dots;
	ipaddr ip;

	if (name == NULL || name[0] == '[' || ipaddr_parse(name, &ip) == 0)
		return 0;
	len = strlen(name);
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > DNS_NAME_MAX)
		return 0;
	for (i = 0, label = 0, dots = 0; i < len; i++) {
		if (name[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
			dots++;
		} else if (isalnum((unsigned char)name[i]) || name[i] == '-' ||
		    name[i] == '_') {
			if (++label > 63)
				return 0;
		} else
			return 0;
	}
	return label > 0 && dots > 0;
}

/* smtp_local_ok - a local part as an MTA takes it in MAIL FROM: a quoted
 * string, or atext and dots (dots anywhere: MTAs take "a..b"), 8-bit
 * bytes allowed (SMTPUTF8); no unquoted space, comma or other special */
static int
smtp_local_ok(const char *p, size_t len)
{
	size_t i;
	unsigned char c;

	if (len == 0)
		return 0;
	if (p[0] == '"')
		return len >= 2 && p[len - 1] == '"';
	for (i = 0; i < len; i++) {
		c = (unsigned char)p[i];
		if (!isalnum(c) && c < 0x80 &&
		    strchr(".!#$%&'*+-/=?^_`{|}~", c) == NULL)
			return 0;
	}
	return 1;
}

/* smtp_addr_fail - record an error, keep a printable copy */
static int
smtp_addr_fail(struct smtp_addr *a, const char *text, size_t len,
    const char *why)
{
	str s;

	str_init(&s);
	str_append_printable(&s, text, len, SMTP_PATH_MAX);
	mem_free(a->address);
	a->address = str_steal(&s);
	a->error = why;
	return -1;
}

/* smtp_addr_parse - parse an envelope address argument */
int
smtp_addr_parse(const char *arg, struct smtp_addr *a)
{
	const char *p, *end, *at, *colon;
	const char *why;
	size_t len, i;
	str norm;
	int quoted;

	memset(a, 0, sizeof(*a));
	p = arg;
	while (*p == ' ' || *p == '\t')
		p++;
	len = strlen(p);
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return smtp_addr_fail(a, p, len,
			    "control characters in address");
	if (len > 0 && p[0] == '<') {
		if (len < 2 || p[len - 1] != '>')
			return smtp_addr_fail(a, p, len,
			    "unbalanced angle brackets");
		p++;
		len -= 2;
	} else if (len > 0 && p[len - 1] == '>')
		return smtp_addr_fail(a, p, len, "unbalanced angle brackets");
	end = p + len;
	if (len == 0) {
		a->null = 1;
		a->address = mem_strdup("");
		a->local = mem_strdup("");
		a->domain = mem_strdup("");
		return 0;
	}
	if (len > SMTP_PATH_MAX)
		return smtp_addr_fail(a, p, len, "address longer than 256 bytes");
	/* drop an RFC 5321 source route: "@a,@b:user@domain" */
	if (*p == '@') {
		colon = memchr(p, ':', len);
		if (colon == NULL)
			return smtp_addr_fail(a, p, len, "malformed source route");
		p = colon + 1;
		len = (size_t)(end - p);
	}
	/* the domain starts after the last @ outside a quoted local part */
	at = NULL;
	quoted = 0;
	for (i = 0; i < len; i++) {
		if (p[i] == '\\' && quoted && i + 1 < len)
			i++;
		else if (p[i] == '"')
			quoted = !quoted;
		else if (p[i] == '@' && !quoted)
			at = p + i;
	}
	a->address = mem_strndup(p, len);
	if (quoted)
		return smtp_addr_fail(a, p, len, "unbalanced quotes in address");
	if (at == NULL)
		return smtp_addr_fail(a, p, len, "address has no domain");
	a->local = mem_strndup(p, (size_t)(at - p));
	if (!smtp_local_ok(p, (size_t)(at - p)))
		a->warning = "malformed local part in address";
	str_init(&norm);
	str_append_n(&norm, at + 1, (size_t)(end - at - 1));
	if (norm.len > 0 && norm.buf[0] == '[') {
		/* address literal: valid SMTP, but no domain to check */
		a->domain = str_steal(&norm);
		return 0;
	}
	a->domain = str_steal(&norm);
	str_init(&norm);
	if (!smtp_is_domain(a->domain) && strchr(a->domain, '.') != NULL) {
		str_free(&norm);
		return smtp_addr_fail(a, p, len, "malformed domain in address");
	}
	if (dns_name_normalize(a->domain, &norm, &why) != 0) {
		str_free(&norm);
		return smtp_addr_fail(a, p, len, "malformed domain in address");
	}
	mem_free(a->domain);
	a->domain = str_steal(&norm);
	return 0;
}
