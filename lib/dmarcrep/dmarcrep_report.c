/*
 * dmarcrep_report - joining rows and writing the aggregate report; see
 * dmarcrep_report.h.
 *
 * Rows join when everything the report shows of them is equal: source
 * IP, disposition, aligned DKIM and SPF, override reason and comment,
 * the identifiers and every authentication result. The key is those
 * fields joined by a separator no field holds (0x1f), in a hash table
 * of chains.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "util/ipaddr.h"
#include "util/mem.h"
#include "util/str.h"
#include "dmarcrep/dmarcrep.h"
#include "dmarcrep/dmarcrep_report.h"

#define REPORT_BUCKETS	4096

struct report_record {
	struct report_record	*next;		/* in the bucket */
	struct report_record	*order;		/* in the order first seen */
	char			*key;
	unsigned long		 count;
	struct dmarcrep_row	*row;		/* the first of them */
};

struct dmarcrep_report {
	char			*domain;
	char			*record;	/* the record as last seen */
	unsigned long		 messages;
	size_t			 nrecords;
	struct report_record	*first, *last;
	struct report_record	*bucket[REPORT_BUCKETS];
};

/* dmarcrep_report_new - an empty report for a policy domain */
dmarcrep_report *
dmarcrep_report_new(const char *domain)
{
	dmarcrep_report *rep;

	rep = mem_calloc(1, sizeof(*rep));
	rep->domain = mem_strdup(domain);
	return rep;
}

/* dmarcrep_report_free - the report and its records */
void
dmarcrep_report_free(dmarcrep_report *rep)
{
	struct report_record *rr, *next;

	if (rep == NULL)
		return;
	for (rr = rep->first; rr != NULL; rr = next) {
		next = rr->order;
		mem_free(rr->key);
		dmarcrep_row_free(rr->row);
		mem_free(rr);
	}
	mem_free(rep->domain);
	mem_free(rep->record);
	mem_free(rep);
}

/* report_field - one field of a join key */
static void
report_field(str *key, const char *v)
{
	str_append(key, v != NULL ? v : "");
	str_append_c(key, 0x1f);
}

/* report_key - what the report shows of a row */
static void
report_key(const struct dmarcrep_row *r, str *key)
{
	size_t i;

	report_field(key, r->source_ip);
	report_field(key, r->disposition);
	report_field(key, r->dkim_aligned);
	report_field(key, r->spf_aligned);
	report_field(key, r->override);
	report_field(key, r->override_comment);
	report_field(key, r->envelope_to);
	report_field(key, r->envelope_from);
	report_field(key, r->header_from);
	report_field(key, r->spf_domain);
	report_field(key, r->spf_scope);
	report_field(key, r->spf_result);
	for (i = 0; i < r->ndkim; i++) {
		report_field(key, r->dkim[i].domain);
		report_field(key, r->dkim[i].selector);
		report_field(key, r->dkim[i].result);
		report_field(key, r->dkim[i].human);
	}
}

/* report_hash - FNV-1a of a key (our own rows: no flooding concern) */
static size_t
report_hash(const char *key)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ULL;
	return (size_t)(h % REPORT_BUCKETS);
}

/* report_copy - a row's copy that the report keeps */
static struct dmarcrep_row *
report_copy(const struct dmarcrep_row *r)
{
	struct dmarcrep_row *c;
	size_t i;

#define REPORT_DUP(f)	c->f = r->f != NULL ? mem_strdup(r->f) : NULL
	c = dmarcrep_row_new();
	c->time = r->time;
	REPORT_DUP(source_ip);
	REPORT_DUP(header_from);
	REPORT_DUP(envelope_from);
	REPORT_DUP(envelope_to);
	REPORT_DUP(result);
	REPORT_DUP(disposition);
	REPORT_DUP(override);
	REPORT_DUP(override_comment);
	REPORT_DUP(dkim_aligned);
	REPORT_DUP(spf_aligned);
	REPORT_DUP(spf_domain);
	REPORT_DUP(spf_result);
	REPORT_DUP(spf_scope);
#undef REPORT_DUP
	for (i = 0; i < r->ndkim; i++)
		dmarcrep_row_add_dkim(c, r->dkim[i].domain,
		    r->dkim[i].selector, r->dkim[i].result, r->dkim[i].human);
	return c;
}

/* dmarcrep_report_add - count a row, joined with its equals */
void
dmarcrep_report_add(dmarcrep_report *rep, const struct dmarcrep_row *r)
{
	struct report_record *rr;
	size_t b;
	str key;

	str_init(&key);
	report_key(r, &key);
	b = report_hash(str_cstr(&key));
	for (rr = rep->bucket[b]; rr != NULL; rr = rr->next)
		if (strcmp(rr->key, str_cstr(&key)) == 0)
			break;
	if (rr == NULL) {
		rr = mem_calloc(1, sizeof(*rr));
		rr->key = str_steal(&key);
		rr->row = report_copy(r);
		rr->next = rep->bucket[b];
		rep->bucket[b] = rr;
		if (rep->last != NULL)
			rep->last->order = rr;
		else
			rep->first = rr;
		rep->last = rr;
		rep->nrecords++;
	}
	rr->count++;
	rep->messages++;
	if (r->record != NULL) {
		mem_free(rep->record);
		rep->record = mem_strdup(r->record);
	}
	str_free(&key);
}

/* dmarcrep_report_domain - the policy domain */
const char *
dmarcrep_report_domain(const dmarcrep_report *rep)
{
	return rep->domain;
}

/* dmarcrep_report_messages - evaluations counted */
unsigned long
dmarcrep_report_messages(const dmarcrep_report *rep)
{
	return rep->messages;
}

/* dmarcrep_report_records - records after joining */
size_t
dmarcrep_report_records(const dmarcrep_report *rep)
{
	return rep->nrecords;
}

/* dmarcrep_report_tag - one tag's value in the record as last seen */
int
dmarcrep_report_tag(const dmarcrep_report *rep, const char *tag, str *out)
{
	str_reset(out);
	if (rep->record == NULL)
		return -1;
	return dmarcrep_record_tag(rep->record, tag, out);
}

/* dmarcrep_record_tag - one tag's value in a record's text */
int
dmarcrep_record_tag(const char *record, const char *tag, str *out)
{
	const char *p, *end, *eq, *v, *ve;
	size_t tlen;

	str_reset(out);
	tlen = strlen(tag);
	for (p = record; *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ";");
		while (p < end && isspace((unsigned char)*p))
			p++;
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
			continue;
		ve = eq;
		while (ve > p && isspace((unsigned char)ve[-1]))
			ve--;
		if ((size_t)(ve - p) != tlen || strncasecmp(p, tag, tlen) != 0)
			continue;
		for (v = eq + 1; v < end && isspace((unsigned char)*v); v++)
			;
		for (ve = end; ve > v && isspace((unsigned char)ve[-1]); ve--)
			;
		str_append_n(out, v, (size_t)(ve - v));
		return 0;
	}
	return -1;
}

/* xml_text - text with the five XML specials escaped; control bytes
 * and 8-bit bytes (our rows hold printable ASCII) become '?' */
static void
xml_text(str *out, const char *v)
{
	const unsigned char *p;

	for (p = (const unsigned char *)(v != NULL ? v : ""); *p; p++)
		switch (*p) {
		case '&': str_append(out, "&amp;"); break;
		case '<': str_append(out, "&lt;"); break;
		case '>': str_append(out, "&gt;"); break;
		case '"': str_append(out, "&quot;"); break;
		case '\'': str_append(out, "&apos;"); break;
		default:
			str_append_c(out, *p < 0x20 || *p >= 0x7f ? '?' : *p);
		}
}

/* xml_el - <name>text</name> on a line of its own */
static void
xml_el(str *out, int depth, const char *name, const char *v)
{
	str_appendf(out, "%*s<%s>", depth * 2, "", name);
	xml_text(out, v);
	str_appendf(out, "</%s>\n", name);
}

/* report_word - a published word, lower-cased; def when not one of
 * words */
static const char *
report_word(const dmarcrep_report *rep, const char *tag,
    const char *const *words, const char *def, str *buf)
{
	size_t i;

	if (dmarcrep_report_tag(rep, tag, buf) != 0)
		return def;
	for (i = 0; words[i] != NULL; i++)
		if (strcasecmp(str_cstr(buf), words[i]) == 0)
			return words[i];
	return def;
}

/* report_policy - <policy_published> from the record as last seen */
static void
report_policy(const dmarcrep_report *rep, str *out)
{
	static const char *const disp[] = { "none", "quarantine", "reject",
	    NULL };
	static const char *const align[] = { "r", "s", NULL };
	const char *p, *sp;
	char pct[32];
	str buf;
	long n;

	str_init(&buf);
	str_append(out, "  <policy_published>\n");
	xml_el(out, 2, "domain", rep->domain);
	xml_el(out, 2, "adkim", report_word(rep, "adkim", align, "r", &buf));
	xml_el(out, 2, "aspf", report_word(rep, "aspf", align, "r", &buf));
	p = report_word(rep, "p", disp, "none", &buf);
	xml_el(out, 2, "p", p);
	sp = report_word(rep, "sp", disp, p, &buf);
	xml_el(out, 2, "sp", sp);
	n = 100;
	if (dmarcrep_report_tag(rep, "pct", &buf) == 0 && buf.len > 0 &&
	    strspn(str_cstr(&buf), "0123456789") == buf.len && buf.len < 4)
		n = strtol(str_cstr(&buf), NULL, 10);
	snprintf(pct, sizeof(pct), "%ld", n > 100 ? 100 : n);
	xml_el(out, 2, "pct", pct);
	if (dmarcrep_report_tag(rep, "fo", &buf) != 0 || buf.len == 0)
		str_append(&buf, "0");
	xml_el(out, 2, "fo", str_cstr(&buf));
	str_append(out, "  </policy_published>\n");
	str_free(&buf);
}

/* report_record - one <record> */
static void
report_record(const struct report_record *rr, str *out)
{
	const struct dmarcrep_row *r = rr->row;
	char count[32], ip[IPADDR_STRLEN];
	ipaddr addr;
	size_t i;

	snprintf(count, sizeof(count), "%lu", rr->count);
	str_append(out, "  <record>\n    <row>\n");
	/* the schema's IPv6 pattern has no "::": all eight groups */
	if (ipaddr_parse(r->source_ip, &addr) == 0)
		ipaddr_format_full(&addr, ip);
	else
		snprintf(ip, sizeof(ip), "%s", r->source_ip);
	xml_el(out, 3, "source_ip", ip);
	xml_el(out, 3, "count", count);
	str_append(out, "      <policy_evaluated>\n");
	xml_el(out, 4, "disposition", r->disposition);
	xml_el(out, 4, "dkim", r->dkim_aligned);
	xml_el(out, 4, "spf", r->spf_aligned);
	if (r->override != NULL) {
		str_append(out, "        <reason>\n");
		xml_el(out, 5, "type", r->override);
		if (r->override_comment != NULL)
			xml_el(out, 5, "comment", r->override_comment);
		str_append(out, "        </reason>\n");
	}
	str_append(out, "      </policy_evaluated>\n    </row>\n"
	    "    <identifiers>\n");
	if (r->envelope_to != NULL)
		xml_el(out, 3, "envelope_to", r->envelope_to);
	xml_el(out, 3, "envelope_from", r->envelope_from);
	xml_el(out, 3, "header_from", r->header_from);
	str_append(out, "    </identifiers>\n    <auth_results>\n");
	for (i = 0; i < r->ndkim; i++) {
		str_append(out, "      <dkim>\n");
		xml_el(out, 4, "domain", r->dkim[i].domain);
		if (r->dkim[i].selector != NULL)
			xml_el(out, 4, "selector", r->dkim[i].selector);
		xml_el(out, 4, "result", r->dkim[i].result);
		if (r->dkim[i].human != NULL)
			xml_el(out, 4, "human_result", r->dkim[i].human);
		str_append(out, "      </dkim>\n");
	}
	/* the schema wants one SPF result: without a domain (no MAIL FROM
	 * and no HELO result) the From: domain with none */
	str_append(out, "      <spf>\n");
	xml_el(out, 4, "domain", r->spf_domain != NULL ? r->spf_domain :
	    r->header_from);
	xml_el(out, 4, "scope", r->spf_scope != NULL ? r->spf_scope : "mfrom");
	xml_el(out, 4, "result", r->spf_domain != NULL && r->spf_result !=
	    NULL ? r->spf_result : "none");
	str_append(out, "      </spf>\n    </auth_results>\n  </record>\n");
}

/* dmarcrep_report_xml - the whole report */
void
dmarcrep_report_xml(const dmarcrep_report *rep,
    const struct dmarcrep_meta *m, str *out)
{
	const struct report_record *rr;
	char num[32];
	str id;

	str_init(&id);
	str_appendf(&id, "%s!%s!%lld", m->receiver, rep->domain,
	    (long long)m->begin);
	str_append(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<feedback>\n  <version>1.0</version>\n  <report_metadata>\n");
	xml_el(out, 2, "org_name", m->org_name);
	xml_el(out, 2, "email", m->email);
	if (m->extra_contact != NULL && m->extra_contact[0] != '\0')
		xml_el(out, 2, "extra_contact_info", m->extra_contact);
	xml_el(out, 2, "report_id", str_cstr(&id));
	str_append(out, "    <date_range>\n");
	snprintf(num, sizeof(num), "%lld", (long long)m->begin);
	xml_el(out, 3, "begin", num);
	snprintf(num, sizeof(num), "%lld", (long long)m->end - 1);
	xml_el(out, 3, "end", num);
	str_append(out, "    </date_range>\n  </report_metadata>\n");
	report_policy(rep, out);
	for (rr = rep->first; rr != NULL; rr = rr->order)
		report_record(rr, out);
	str_append(out, "</feedback>\n");
	str_free(&id);
}

/* dmarcrep_report_filename - RFC 7489 7.2.1.1 */
void
dmarcrep_report_filename(const dmarcrep_report *rep,
    const struct dmarcrep_meta *m, str *out)
{
	str_appendf(out, "%s!%s!%lld!%lld.xml.gz", m->receiver, rep->domain,
	    (long long)m->begin, (long long)m->end - 1);
}

/* dmarcrep_gzip - compress into a gzip stream */
int
dmarcrep_gzip(const char *in, size_t len, str *out, str *err)
{
	unsigned char buf[16384];
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	/* 15 + 16: a gzip header and trailer, not zlib's */
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		str_append(err, "gzip: cannot start");
		return -1;
	}
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		rc = deflate(&z, Z_FINISH);
		if (rc == Z_STREAM_ERROR) {
			deflateEnd(&z);
			str_append(err, "gzip: compression failed");
			return -1;
		}
		str_append_n(out, (const char *)buf, sizeof(buf) - z.avail_out);
	} while (rc != Z_STREAM_END);
	deflateEnd(&z);
	return 0;
}
