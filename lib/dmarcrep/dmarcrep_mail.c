/*
 * dmarcrep_mail - rua= destinations and the report mail; see
 * dmarcrep_mail.h.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "dmarcrep/dmarcrep_mail.h"
#include "dmarcrep/dmarcrep_report.h"

/* mail_hex - a hex digit's value, -1 if none */
static int
mail_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* mail_address - %-decode and check a mailto: address; 0 or -1 */
static int
mail_address(const char *p, size_t n, str *out)
{
	size_t i;
	int h, l, c, at;

	at = 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		if (c == '%' && i + 2 < n && (h = mail_hex(p[i + 1])) >= 0 &&
		    (l = mail_hex(p[i + 2])) >= 0) {
			c = h * 16 + l;
			i += 2;
		}
		if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' ||
		    c == ',' || c == '"' || c == '\\')
			return -1;
		if (c == '@')
			at++;
		str_append_c(out, c);
	}
	if (at != 1 || out->len < 3 || out->buf[0] == '@' ||
	    out->buf[out->len - 1] == '@')
		return -1;
	return 0;
}

/* mail_size - "10m" and alike into bytes; 0 or -1 */
static int
mail_size(const char *p, size_t n, uint64_t *bytes)
{
	uint64_t v, unit;
	size_t i;

	v = 0;
	for (i = 0; i < n && isdigit((unsigned char)p[i]); i++) {
		if (v > UINT64_MAX / 10 - 10)
			return -1;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	if (i == 0)
		return -1;
	unit = 1;
	if (i < n) {
		switch (tolower((unsigned char)p[i])) {
		case 'k': unit = 1ULL << 10; break;
		case 'm': unit = 1ULL << 20; break;
		case 'g': unit = 1ULL << 30; break;
		case 't': unit = 1ULL << 40; break;
		default: return -1;
		}
		if (++i != n)
			return -1;
	}
	if (v > UINT64_MAX / unit)
		return -1;
	*bytes = v * unit;
	return 0;
}

/* dmarcrep_rua_parse - the mailto: destinations of a rua= value */
size_t
dmarcrep_rua_parse(const char *rua, struct dmarcrep_dest *d, size_t max,
    str *err)
{
	const char *p, *end, *bang;
	size_t n, len;
	uint64_t bytes;
	str addr;

	n = 0;
	str_init(&addr);
	for (p = rua; *p != '\0' && n < max; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ",");
		while (p < end && isspace((unsigned char)*p))
			p++;
		len = (size_t)(end - p);
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		if (len == 0)
			continue;
		if (len < 7 || strncasecmp(p, "mailto:", 7) != 0) {
			str_appendf(err, "%s\"%.*s\": not a mailto: URI",
			    err->len ? "; " : "", (int)(len > 80 ? 80 : len), p);
			continue;
		}
		bang = memchr(p + 7, '!', len - 7);
		bytes = 0;
		str_reset(&addr);
		if ((bang != NULL && mail_size(bang + 1, (size_t)(p + len -
		    bang - 1), &bytes) != 0) || mail_address(p + 7,
		    (size_t)((bang != NULL ? bang : p + len) - p - 7),
		    &addr) != 0) {
			str_appendf(err, "%s\"%.*s\": not a usable mailto: URI",
			    err->len ? "; " : "", (int)(len > 80 ? 80 : len), p);
			continue;
		}
		d[n].address = mem_strdup(str_cstr(&addr));
		d[n].max_bytes = bytes;
		n++;
	}
	str_free(&addr);
	return n;
}

/* dmarcrep_dests_free - release parsed destinations */
void
dmarcrep_dests_free(struct dmarcrep_dest *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		mem_free(d[i].address);
}

/* dmarcrep_transport_check - a transport authgate-report knows */
int
dmarcrep_transport_check(const char *t, str *err)
{
	unsigned port;
	ipaddr ip;

	if (strncmp(t, "sendmail:/", 10) == 0)
		return 0;
	if (strncmp(t, "smtp:", 5) == 0 &&
	    ipaddr_parse_port(t + 5, &ip, &port) == 0)
		return 0;
	str_appendf(err, "\"%s\" is not sendmail:/path or smtp:ADDRESS:PORT",
	    t);
	return -1;
}

/* mail_base64 - base64 in lines of 76 characters, CRLF ends */
static void
mail_base64(const unsigned char *p, size_t n, str *out)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, col;
	unsigned v;

	col = 0;
	for (i = 0; i < n; i += 3) {
		v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		str_append_c(out, b64[(v >> 18) & 63]);
		str_append_c(out, b64[(v >> 12) & 63]);
		str_append_c(out, i + 1 < n ? b64[(v >> 6) & 63] : '=');
		str_append_c(out, i + 2 < n ? b64[v & 63] : '=');
		if ((col += 4) == 76) {
			str_append(out, "\r\n");
			col = 0;
		}
	}
	if (col > 0)
		str_append(out, "\r\n");
}

/* dmarcrep_mail_date - a Unix time as an RFC 5322 date, in UTC */
void
dmarcrep_mail_date(int64_t date, char when[DMARCREP_DATE_LEN])
{
	time_t t = (time_t)date;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, DMARCREP_DATE_LEN, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

/* dmarcrep_report_mail - the mail that carries a report */
void
dmarcrep_report_mail(const dmarcrep_report *rep,
    const struct dmarcrep_meta *m, const char *to, const char *filename,
    const str *gz, int64_t date, str *out)
{
	char when[DMARCREP_DATE_LEN], boundary[64];

	dmarcrep_mail_date(date, when);
	snprintf(boundary, sizeof(boundary), "=_authgate_%lld_%zu",
	    (long long)date, gz->len);
	str_appendf(out, "From: %s\r\nTo: %s\r\nDate: %s\r\n", m->email, to,
	    when);
	str_appendf(out, "Subject: Report Domain: %s Submitter: %s "
	    "Report-ID: <%s!%s!%lld>\r\n", dmarcrep_report_domain(rep),
	    m->receiver, m->receiver, dmarcrep_report_domain(rep),
	    (long long)m->begin);
	str_appendf(out, "Message-ID: <%lld.%s.dmarc@%s>\r\n", (long long)date,
	    dmarcrep_report_domain(rep), m->receiver);
	str_appendf(out, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
	    "boundary=\"%s\"\r\n\r\n", boundary);
	str_appendf(out, "This is a DMARC aggregate report (RFC 7489).\r\n"
	    "\r\n--%s\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n",
	    boundary);
	str_appendf(out, "DMARC aggregate report from %s for %s: %lu "
	    "messages, %lld to %lld (UTC, Unix time).\r\n\r\n", m->org_name,
	    dmarcrep_report_domain(rep), dmarcrep_report_messages(rep),
	    (long long)m->begin, (long long)m->end - 1);
	str_appendf(out, "--%s\r\nContent-Type: application/gzip; "
	    "name=\"%s\"\r\nContent-Disposition: attachment; "
	    "filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
	    boundary, filename, filename);
	mail_base64((const unsigned char *)gz->buf, gz->len, out);
	str_appendf(out, "\r\n--%s--\r\n", boundary);
}

/* mail_crlf - text with "\n" line ends as CRLF lines, a line that would
 * look like the boundary defused, ending in CRLF */
static void
mail_crlf(const char *text, const char *boundary, str *out)
{
	const char *p, *nl;
	size_t blen, len;

	blen = strlen(boundary);
	for (p = text; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len >= 2 + blen && p[0] == '-' && p[1] == '-' &&
		    strncmp(p + 2, boundary, blen) == 0)
			str_append_c(out, ' ');	/* a continuation line now */
		str_append_n(out, p, len);
		str_append(out, "\r\n");
	}
}

/* mail_is_7bit - fit for 7bit as it is: ASCII, no bare CR, no line
 * over 998 octets (RFC 5322 2.1.1) */
static int
mail_is_7bit(const char *p)
{
	size_t col;

	for (col = 0; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x80 || (*p == '\r' && p[1] != '\n') ||
		    ++col > 998)
			return 0;
		if (*p == '\n')
			col = 0;
	}
	return 1;
}

/* mail_qp - text with "\n" line ends as quoted-printable (RFC 2045
 * 6.7): 8-bit and control bytes, '=' and trailing space encoded, lines
 * soft-broken before 76 */
static void
mail_qp(const char *p, str *out)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;
	size_t col;
	int enc;

	for (col = 0; *p != '\0'; p++) {
		c = (unsigned char)*p;
		if (c == '\n' || (c == '\r' && p[1] == '\n')) {
			if (c == '\r')
				p++;
			str_append(out, "\r\n");
			col = 0;
			continue;
		}
		enc = c >= 0x7f || c == '=' || (c < 0x20 && c != '\t') ||
		    ((c == ' ' || c == '\t') && (p[1] == '\n' || p[1] == '\r' ||
		    p[1] == '\0'));
		if (col + (enc ? 3 : 1) > 75) {
			str_append(out, "=\r\n");
			col = 0;
		}
		if (enc) {
			str_append_c(out, '=');
			str_append_c(out, hex[c >> 4]);
			str_append_c(out, hex[c & 15]);
			col += 3;
		} else {
			str_append_c(out, (char)c);
			col++;
		}
	}
	if (col > 0)
		str_append(out, "\r\n");
}

/* dmarcrep_failure_mail - the mail that carries a failure report */
void
dmarcrep_failure_mail(const struct dmarcrep_meta *m,
    const struct dmarcrep_failure *f, const char *to, int64_t date, str *out)
{
	char when[DMARCREP_DATE_LEN], arrived[64], boundary[96];
	time_t t;
	struct tm tm;

	dmarcrep_mail_date(date, when);
	t = (time_t)f->time;
	gmtime_r(&t, &tm);
	strftime(arrived, sizeof(arrived), "%Y-%m-%d %H:%M:%S UTC", &tm);
	snprintf(boundary, sizeof(boundary), "=_authgate_failure_%lld_%lld",
	    (long long)f->id, (long long)date);
	str_appendf(out, "From: %s\r\nTo: %s\r\nDate: %s\r\n", m->email, to,
	    when);
	str_appendf(out, "Subject: DMARC failure report for %s from %s\r\n",
	    f->policy_domain, f->source_ip);
	str_appendf(out, "Message-ID: <%lld.%lld.dmarc-failure@%s>\r\n",
	    (long long)f->id, (long long)date, m->receiver);
	str_appendf(out, "MIME-Version: 1.0\r\nContent-Type: multipart/report; "
	    "report-type=feedback-report;\r\n\tboundary=\"%s\"\r\n\r\n",
	    boundary);
	str_appendf(out, "This is a DMARC failure report (RFC 7489 section "
	    "7.3, RFC 6591).\r\n\r\n--%s\r\nContent-Type: text/plain; "
	    "charset=us-ascii\r\n\r\n", boundary);
	str_appendf(out, "A message from %s that claims to come from %s "
	    "failed authentication at %s on %s.\r\nOnly its header fields "
	    "are included, never its body.\r\n\r\n", f->source_ip,
	    f->policy_domain, m->receiver, arrived);
	str_appendf(out, "--%s\r\nContent-Type: message/feedback-report\r\n"
	    "\r\n", boundary);
	mail_crlf(f->feedback, boundary, out);
	/* 7bit when it is, else quoted-printable: 8-bit bytes (UTF-8
	 * subjects), bare CRs and long lines travel any transport */
	str_appendf(out, "\r\n--%s\r\nContent-Type: text/rfc822-headers\r\n"
	    "Content-Transfer-Encoding: %s\r\n\r\n", boundary,
	    mail_is_7bit(f->headers) ? "7bit" : "quoted-printable");
	if (mail_is_7bit(f->headers))
		mail_crlf(f->headers, boundary, out);
	else
		mail_qp(f->headers, out);
	str_appendf(out, "\r\n--%s--\r\n", boundary);
}
