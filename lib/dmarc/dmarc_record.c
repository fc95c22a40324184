/*
 * dmarc_record - DMARC record selection and parsing; see dmarc_record.h.
 *
 * Our pass over the tag list (RFC 7489 6.4 / RFC 9989 4.7 grammar) decides
 * whether the record is usable and reads every tag. libopendmarc then
 * parses each record we accept as well; its reading of p=, sp=, adkim=,
 * aspf= and pct= must match ours. Ours is used (its known misreadings
 * are why we check first); a difference is logged at debug level.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include <opendmarc/dmarc.h>

#include "util/log.h"
#include "util/str.h"
#include "dns/dns.h"
#include "dmarc/dmarc_record.h"

#define DMARC_RECORD_MAX	4096	/* longer than any sane record */

/* dmarc_disp_name - the word for a disposition */
const char *
dmarc_disp_name(enum dmarc_disp d)
{
	switch (d) {
	case DMARC_P_NONE:
		return "none";
	case DMARC_P_QUARANTINE:
		return "quarantine";
	case DMARC_P_REJECT:
		return "reject";
	default:
		return "unset";
	}
}

/* dmarc_is_record - does a TXT string start a DMARC record */
static int
dmarc_is_record(const char *t, size_t len)
{
	size_t i;

	/* "v" [WSP] "=" [WSP] "DMARC1" [WSP] (";" / end) */
	i = 0;
	if (len < 1 || (t[0] != 'v' && t[0] != 'V'))
		return 0;
	for (i = 1; i < len && (t[i] == ' ' || t[i] == '\t'); i++)
		;
	if (i >= len || t[i++] != '=')
		return 0;
	for (; i < len && (t[i] == ' ' || t[i] == '\t'); i++)
		;
	if (len - i < 6 || strncasecmp(t + i, "DMARC1", 6) != 0)
		return 0;
	for (i += 6; i < len && (t[i] == ' ' || t[i] == '\t'); i++)
		;
	return i == len || t[i] == ';';
}

/* dmarc_record_select - the one DMARC record of a TXT set */
int
dmarc_record_select(const dns_answer *a, const char **text, size_t *len)
{
	size_t i, found;

	found = 0;
	if (a->status != DNS_OK)
		return 1;
	for (i = 0; i < a->count; i++) {
		if (a->rr[i].type != DNS_T_TXT || !dmarc_is_record(
		    a->rr[i].u.txt.data, a->rr[i].u.txt.len))
			continue;
		if (found++ == 0) {
			*text = a->rr[i].u.txt.data;
			*len = a->rr[i].u.txt.len;
		}
	}
	if (found > 1)
		return -1;
	return found == 1 ? 0 : 1;
}

/* dmarc_disp_parse - none / quarantine / reject, exactly */
static enum dmarc_disp
dmarc_disp_parse(const char *v)
{
	if (strcasecmp(v, "none") == 0)
		return DMARC_P_NONE;
	if (strcasecmp(v, "quarantine") == 0)
		return DMARC_P_QUARANTINE;
	if (strcasecmp(v, "reject") == 0)
		return DMARC_P_REJECT;
	return DMARC_P_UNSET;
}

/* dmarc_uint - a decimal number within [0, max]; -1 if not one */
static long
dmarc_uint(const char *v, long max)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)v[0]) || strlen(v) > 10)
		return -1;
	n = strtol(v, &end, 10);
	return *end == '\0' && n >= 0 && n <= max ? n : -1;
}

/* dmarc_list_ok - a ":"-separated list whose items all pass ok() */
static int
dmarc_list_ok(const char *v, int (*ok)(const char *, size_t))
{
	const char *p, *e;

	for (p = v; ; p = e + 1) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (!ok(p, (size_t)(e - p)))
			return 0;
		if (*e == '\0')
			return 1;
	}
}

/* dmarc_fo_ok - one fo= option */
static int
dmarc_fo_ok(const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n == 1 && p[0] != '\0' && strchr("01dsDS", p[0]) != NULL;
}

/* dmarc_rf_ok - one rf= format name */
static int
dmarc_rf_ok(const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return (n == 4 && strncasecmp(p, "afrf", 4) == 0) ||
	    (n == 5 && strncasecmp(p, "iodef", 5) == 0);
}

/* dmarc_has_uri - does a rua=/ruf= value hold at least one URI */
static int
dmarc_has_uri(const char *v)
{
	const char *c;

	/* RFC 3986 scheme ":" ...; reports themselves are not our job */
	c = strchr(v, ':');
	return c != NULL && c > v && isalpha((unsigned char)v[0]) &&
	    c[1] != '\0';
}

/* dmarc_tag - check and store one tag; -1 with err if invalid */
static int
dmarc_tag(const char *name, const char *value, enum dmarc_mode mode,
    struct dmarc_record *r, str *err)
{
	enum dmarc_disp d;
	long n;

	if (strcasecmp(name, "p") == 0 || strcasecmp(name, "sp") == 0 ||
	    (strcasecmp(name, "np") == 0 && mode == DMARC_RFC9989)) {
		d = dmarc_disp_parse(value);
		if (strcasecmp(name, "p") == 0) {
			r->p = d;
			if (d == DMARC_P_UNSET)
				r->p_invalid = 1;
			return 0;
		}
		if (d == DMARC_P_UNSET) {
			str_appendf(err, "%s=%s is not none, quarantine or "
			    "reject", name, value);
			return -1;
		}
		if (strcasecmp(name, "sp") == 0)
			r->sp = d;
		else
			r->np = d;
	} else if (strcasecmp(name, "adkim") == 0 ||
	    strcasecmp(name, "aspf") == 0) {
		if (strcasecmp(value, "r") != 0 && strcasecmp(value, "s") != 0) {
			str_appendf(err, "%s=%s is not r or s", name, value);
			return -1;
		}
		if (strcasecmp(name, "adkim") == 0)
			r->adkim = (char)tolower((unsigned char)value[0]);
		else
			r->aspf = (char)tolower((unsigned char)value[0]);
	} else if (strcasecmp(name, "fo") == 0) {
		if (!dmarc_list_ok(value, dmarc_fo_ok)) {
			str_appendf(err, "fo=%s is not a list of 0, 1, d, s",
			    value);
			return -1;
		}
	} else if (strcasecmp(name, "rua") == 0 ||
	    strcasecmp(name, "ruf") == 0) {
		if (strcasecmp(name, "rua") == 0 && dmarc_has_uri(value))
			r->has_rua = 1;
	} else if (mode == DMARC_RFC7489 && strcasecmp(name, "pct") == 0) {
		if ((n = dmarc_uint(value, 100)) < 0) {
			str_appendf(err, "pct=%s is not a number from 0 to 100",
			    value);
			return -1;
		}
		r->pct = (int)n;
	} else if (mode == DMARC_RFC7489 && strcasecmp(name, "rf") == 0) {
		if (!dmarc_list_ok(value, dmarc_rf_ok)) {
			str_appendf(err, "rf=%s is not a report format (afrf)",
			    value);
			return -1;
		}
	} else if (mode == DMARC_RFC7489 && strcasecmp(name, "ri") == 0) {
		if (dmarc_uint(value, 4294967295L) < 0) {
			str_appendf(err, "ri=%s is not a number of seconds",
			    value);
			return -1;
		}
	} else if (mode == DMARC_RFC9989 && strcasecmp(name, "psd") == 0) {
		if (strlen(value) != 1 || strchr("ynuYNU", value[0]) == NULL) {
			str_appendf(err, "psd=%s is not y, n or u", value);
			return -1;
		}
		r->psd = (char)tolower((unsigned char)value[0]);
	} else if (mode == DMARC_RFC9989 && strcasecmp(name, "t") == 0) {
		if (strlen(value) != 1 || strchr("ynYN", value[0]) == NULL) {
			str_appendf(err, "t=%s is not y or n", value);
			return -1;
		}
		r->testing = value[0] == 'y' || value[0] == 'Y';
	}
	/* any other tag is ignored (RFC 7489 6.3, RFC 9989 4.7) */
	return 0;
}

/* dmarc_trim - copy [p, e) without surrounding white space */
static void
dmarc_trim(const char *p, const char *e, str *out)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	str_reset(out);
	str_append_n(out, p, (size_t)(e - p));
}

/* dmarc_cross_check - libopendmarc's reading of the record */
static void
dmarc_cross_check(const char *text, enum dmarc_mode mode,
    struct dmarc_record *r)
{
	static u_char any_ip[] = "0.0.0.0";
	DMARC_POLICY_T *pc;
	int p, sp, adkim, aspf, pct;

	if ((pc = opendmarc_policy_connect_init(any_ip, 0)) == NULL)
		log_fatal("dmarc: out of memory");
	if (opendmarc_policy_parse_dmarc(pc, (u_char *)"record.invalid",
	    (u_char *)text) == DMARC_PARSE_OKAY && !r->p_invalid) {
		p = sp = adkim = aspf = 0;
		pct = 100;
		opendmarc_policy_fetch_p(pc, &p);
		opendmarc_policy_fetch_sp(pc, &sp);
		opendmarc_policy_fetch_adkim(pc, &adkim);
		opendmarc_policy_fetch_aspf(pc, &aspf);
		opendmarc_policy_fetch_pct(pc, &pct);
		if ("nqr"[r->p] != p || (r->sp != DMARC_P_UNSET &&
		    "nqr"[r->sp] != sp) || r->adkim != adkim ||
		    r->aspf != aspf || (mode == DMARC_RFC7489 && r->pct != pct))
			log_debug("dmarc: libopendmarc reads \"%s\" differently "
			    "(p=%c sp=%c adkim=%c aspf=%c pct=%d); ours is used",
			    text, p ? p : '-', sp ? sp : '-', adkim ? adkim : '-',
			    aspf ? aspf : '-', pct);
	}
	opendmarc_policy_connect_shutdown(pc);
}

/* dmarc_seen - note a tag name; 1 if it was seen before */
static int
dmarc_seen(str *seen, const char *name)
{
	str key;
	size_t i;
	int dup;

	str_init(&key);
	str_appendf(&key, ";%s;", name);
	for (i = 0; i < key.len; i++)
		key.buf[i] = (char)tolower((unsigned char)key.buf[i]);
	dup = strstr(str_cstr(seen), str_cstr(&key)) != NULL;
	if (!dup)
		str_append(seen, str_cstr(&key) + 1);
	str_free(&key);
	return dup;
}

/* dmarc_name_ok - a tag name: letters, digits, "_" */
static int
dmarc_name_ok(const str *name)
{
	size_t i;

	if (name->len == 0)
		return 0;
	for (i = 0; i < name->len; i++)
		if (!isalnum((unsigned char)name->buf[i]) &&
		    name->buf[i] != '_')
			return 0;
	return 1;
}

/* dmarc_record_parse - check and read a record */
int
dmarc_record_parse(const char *text, size_t len, enum dmarc_mode mode,
    struct dmarc_record *r, str *err)
{
	const char *p, *e, *eq;
	str name, value, seen, copy;
	int rc;

	memset(r, 0, sizeof(*r));
	r->p = r->sp = r->np = DMARC_P_UNSET;
	r->adkim = r->aspf = 'r';
	r->pct = 100;
	r->psd = 'u';
	str_reset(err);
	if (len == 0 || len > DMARC_RECORD_MAX || memchr(text, '\0', len)) {
		str_append(err, len == 0 ? "empty record" : len >
		    DMARC_RECORD_MAX ? "record longer than 4096 bytes" :
		    "NUL byte in the record");
		return -1;
	}
	if (!dmarc_is_record(text, len)) {
		str_append(err, "the record does not start with v=DMARC1");
		return -1;
	}
	str_init(&name);
	str_init(&value);
	str_init(&seen);
	str_init(&copy);
	str_append_n(&copy, text, len);
	str_append(&seen, ";v;");
	rc = 0;
	/* the tags after v=DMARC1, ";"-separated, empty ones allowed */
	for (p = strchr(str_cstr(&copy), ';'); p != NULL && rc == 0;
	    p = *e == ';' ? e : NULL) {
		p++;
		if ((e = strchr(p, ';')) == NULL)
			e = p + strlen(p);
		dmarc_trim(p, e, &value);
		if (value.len == 0)
			continue;
		if ((eq = memchr(p, '=', (size_t)(e - p))) == NULL) {
			str_appendf(err, "\"%s\" is not tag=value",
			    str_cstr(&value));
			rc = -1;
			break;
		}
		dmarc_trim(p, eq, &name);
		dmarc_trim(eq + 1, e, &value);
		if (!dmarc_name_ok(&name)) {
			str_appendf(err, "\"%s\" is not a tag name",
			    str_cstr(&name));
			rc = -1;
		} else if (dmarc_seen(&seen, str_cstr(&name))) {
			/* which one would count? */
			str_appendf(err, "tag %s given twice", str_cstr(&name));
			rc = -1;
		} else
			rc = dmarc_tag(str_cstr(&name), str_cstr(&value), mode,
			    r, err);
	}
	if (rc == 0 && r->p == DMARC_P_UNSET) {
		/* RFC 7489 6.6.3 step 6, RFC 9989 4.7: without a valid p=,
		 * a record with a reporting address counts as p=none */
		r->p_invalid = 1;
		if (r->has_rua)
			r->p = DMARC_P_NONE;
		else {
			str_append(err, strstr(str_cstr(&seen), ";p;") ?
			    "p= is not none, quarantine or reject" :
			    "no p= tag");
			str_append(err, ", and no rua= that would make the "
			    "record count as p=none");
			rc = -1;
		}
	}
	if (rc == 0)
		dmarc_cross_check(str_cstr(&copy), mode, r);
	str_free(&name);
	str_free(&value);
	str_free(&seen);
	str_free(&copy);
	return rc;
}
