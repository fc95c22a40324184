/*
 * from_header - RFC 5322 From: parsing; see from_header.h.
 *
 * A small recursive-descent parser over the mailbox-list grammar of
 * RFC 5322 3.4 with the obsolete forms of 4.4 (obs-phrase with dots,
 * obs-route in angle brackets, CFWS around dots in local parts and
 * domains, empty list elements). RFC 6532 UTF-8 is accepted in atoms
 * and quoted strings; an internationalized domain is converted to its
 * A-label form with libidn2 so that the DMARC lookup can be asked.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <idn2.h>

#include "util/mem.h"
#include "util/str.h"
#include "mail/from_header.h"

#define FROM_COMMENT_DEPTH	32

struct fh {
	const char	*p;
	const char	*end;
	str		*err;
	int		 failed;
};

/* fh_fail - note the first error */
static int
fh_fail(struct fh *f, const char *why)
{
	if (!f->failed) {
		f->failed = 1;
		str_reset(f->err);
		str_append(f->err, why);
	}
	return -1;
}

/* fh_atext - RFC 5322 atext, plus UTF-8 bytes (RFC 6532) */
static int
fh_atext(int c)
{
	return isalnum(c) || (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c)) ||
	    c >= 0x80;
}

/* fh_peek - the next byte, 0 at the end */
static int
fh_peek(const struct fh *f)
{
	return f->p < f->end ? (unsigned char)*f->p : 0;
}

/* fh_cfws - skip folding white space and (nested) comments */
static int
fh_cfws(struct fh *f)
{
	int depth;

	for (;;) {
		while (f->p < f->end && (*f->p == ' ' || *f->p == '\t' ||
		    *f->p == '\r' || *f->p == '\n'))
			f->p++;
		if (fh_peek(f) != '(')
			return 0;
		for (depth = 0; f->p < f->end; f->p++) {
			if (*f->p == '\\') {
				if (++f->p == f->end)
					break;
			} else if (*f->p == '(') {
				if (++depth > FROM_COMMENT_DEPTH)
					return fh_fail(f, "comments nested too "
					    "deeply");
			} else if (*f->p == ')') {
				if (--depth == 0) {
					f->p++;
					break;
				}
			}
		}
		if (depth > 0)
			return fh_fail(f, "unclosed comment (missing \")\")");
	}
}

/* fh_word - an atom or a quoted string into out; 1 read, 0 none, -1 error */
static int
fh_word(struct fh *f, str *out)
{
	if (fh_peek(f) == '"') {
		for (f->p++; f->p < f->end && *f->p != '"'; f->p++) {
			if (*f->p == '\\' && f->p + 1 < f->end)
				f->p++;
			if (*f->p == '\0')
				return fh_fail(f, "NUL byte in a quoted string");
			str_append_c(out, *f->p);
		}
		if (f->p == f->end)
			return fh_fail(f, "unbalanced quotes (missing closing "
			    "\")");
		f->p++;
		return 1;
	}
	if (!fh_atext(fh_peek(f)))
		return 0;
	while (f->p < f->end && fh_atext((unsigned char)*f->p))
		str_append_c(out, *f->p++);
	return 1;
}

/* fh_domain_ok - validate and normalize a domain in place; NULL if fine */
static const char *
fh_domain_ok(str *d)
{
	char *ascii;
	size_t i, label;
	int dots, rc;

	if (d->len > 0 && d->buf[d->len - 1] == '.')
		str_truncate(d, d->len - 1);
	if (d->len == 0)
		return "empty domain";
	for (i = 0; i < d->len; i++)
		if ((unsigned char)d->buf[i] >= 0x80)
			break;
	if (i < d->len) {
		/* an internationalized domain: its A-label form */
		rc = idn2_to_ascii_8z(d->buf, &ascii, IDN2_NONTRANSITIONAL);
		if (rc != IDN2_OK)
			return "an internationalized domain that is not valid "
			    "IDNA";
		str_reset(d);
		str_append(d, ascii);
		idn2_free(ascii);
	}
	if (d->len > 253)
		return "domain longer than 253 characters";
	for (i = 0, label = 0, dots = 0; i < d->len; i++) {
		d->buf[i] = (char)tolower((unsigned char)d->buf[i]);
		if (d->buf[i] == '.') {
			if (label == 0)
				return "domain with an empty label";
			label = 0;
			dots++;
		} else if (isalnum((unsigned char)d->buf[i]) ||
		    d->buf[i] == '-' || d->buf[i] == '_') {
			if (++label > 63)
				return "domain label longer than 63 characters";
		} else
			return "domain with characters a domain name cannot have";
	}
	if (label == 0)
		return "domain with an empty label";
	if (dots == 0)
		return "domain that is not fully qualified (one label)";
	return NULL;
}

/* fh_domain - the domain after "@" */
static int
fh_domain(struct fh *f, str *dom)
{
	const char *why;
	int rc;

	if (fh_cfws(f) != 0)
		return -1;
	if (fh_peek(f) == '[')
		return fh_fail(f, "an address literal ([...]) instead of a "
		    "domain");
	for (;;) {
		if ((rc = fh_word(f, dom)) < 0)
			return -1;
		if (rc == 0 || dom->len == 0)
			return fh_fail(f, "address without a domain after \"@\"");
		if (fh_cfws(f) != 0)
			return -1;
		if (fh_peek(f) != '.')
			break;
		str_append_c(dom, '.');
		f->p++;
		if (fh_cfws(f) != 0)
			return -1;
		if (fh_peek(f) == '.')
			return fh_fail(f, "domain with an empty label");
		if (!fh_atext(fh_peek(f)))
			break;		/* trailing dot */
	}
	if ((why = fh_domain_ok(dom)) != NULL)
		return fh_fail(f, why);
	return 0;
}

/* fh_local - a local part: word *("." word) */
static int
fh_local(struct fh *f, str *local)
{
	int rc;

	for (;;) {
		if (fh_cfws(f) != 0)
			return -1;
		if ((rc = fh_word(f, local)) < 0)
			return -1;
		if (rc == 0)
			return fh_fail(f, "address without a local part");
		if (fh_cfws(f) != 0)
			return -1;
		if (fh_peek(f) != '.')
			return 0;
		str_append_c(local, '.');
		f->p++;
	}
}

/* fh_angle - "<" [obs-route] addr-spec ">" */
static int
fh_angle(struct fh *f, str *local, str *dom)
{
	f->p++;		/* "<" */
	if (fh_cfws(f) != 0)
		return -1;
	if (fh_peek(f) == '@') {
		/* obs-route: "@a.example,@b.example:" - skipped */
		while (f->p < f->end && *f->p != ':' && *f->p != '>')
			f->p++;
		if (fh_peek(f) != ':')
			return fh_fail(f, "malformed source route in <...>");
		f->p++;
	}
	if (fh_peek(f) == '>')
		return fh_fail(f, "empty address <>");
	if (fh_local(f, local) != 0)
		return -1;
	if (fh_peek(f) != '@')
		return fh_fail(f, "address without \"@domain\"");
	f->p++;
	if (fh_domain(f, dom) != 0)
		return -1;
	if (fh_cfws(f) != 0)
		return -1;
	if (fh_peek(f) != '>')
		return fh_fail(f, "unbalanced angle brackets (missing \">\")");
	f->p++;
	return 0;
}

/* fh_mailbox - name-addr or addr-spec */
static int
fh_mailbox(struct fh *f, str *local, str *dom)
{
	str words;
	int rc, nwords, dots_only, prev_dot;

	/* collect the leading words: a display name (before "<") or the
	 * local part (before "@") */
	str_init(&words);
	nwords = 0;
	dots_only = 1;
	prev_dot = 0;
	for (;;) {
		if (fh_cfws(f) != 0)
			goto fail;
		if (fh_peek(f) == '.') {
			str_append_c(&words, '.');
			f->p++;
			prev_dot = 1;
			continue;
		}
		if ((rc = fh_word(f, &words)) < 0)
			goto fail;
		if (rc == 0)
			break;
		if (nwords > 0 && !prev_dot)
			dots_only = 0;	/* two words without a dot between */
		prev_dot = 0;
		nwords++;
		if (fh_cfws(f) != 0)
			goto fail;
		if (fh_peek(f) != '.' && fh_peek(f) != '@' &&
		    fh_peek(f) != '<')
			str_append_c(&words, ' ');
	}
	switch (fh_peek(f)) {
	case '<':
		str_free(&words);
		return fh_angle(f, local, dom);
	case '@':
		if (nwords == 0) {
			fh_fail(f, "address without a local part");
			goto fail;
		}
		if (!dots_only) {
			fh_fail(f, "words before an address that is not in "
			    "<angle brackets>");
			goto fail;
		}
		str_append(local, str_cstr(&words));
		str_free(&words);
		f->p++;
		return fh_domain(f, dom);
	case ':':
		fh_fail(f, "group syntax (\"name: ...;\"), which From does not "
		    "allow");
		goto fail;
	case '>':
		fh_fail(f, "unbalanced angle brackets (\">\" without \"<\")");
		goto fail;
	case 0:
		fh_fail(f, nwords ? "a name without an <address>" :
		    "no address");
		goto fail;
	default:
		fh_fail(f, "characters that do not belong in an address");
		goto fail;
	}
fail:
	str_free(&words);
	return -1;
}

/* from_list_clear - release a list */
void
from_list_clear(struct from_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		mem_free(l->v[i].local);
		mem_free(l->v[i].domain);
	}
	mem_free(l->v);
	memset(l, 0, sizeof(*l));
}

/* from_header_parse - the mailboxes of a From: value */
int
from_header_parse(const char *value, size_t len, struct from_list *l,
    str *err)
{
	struct fh f;
	str local, dom;

	memset(l, 0, sizeof(*l));
	if (memchr(value, '\0', len) != NULL) {
		str_reset(err);
		str_append(err, "NUL byte in the field");
		return -1;
	}
	f.p = value;
	f.end = value + len;
	f.err = err;
	f.failed = 0;
	for (;;) {
		if (fh_cfws(&f) != 0)
			break;
		if (fh_peek(&f) == ',') {	/* obs-mbox-list: empty element */
			f.p++;
			continue;
		}
		if (fh_peek(&f) == 0)
			break;
		if (l->n >= FROM_MAX_MAILBOXES) {
			fh_fail(&f, "more than 64 addresses");
			break;
		}
		str_init(&local);
		str_init(&dom);
		if (fh_mailbox(&f, &local, &dom) != 0) {
			str_free(&local);
			str_free(&dom);
			break;
		}
		l->v = mem_grow(l->v, l->n, sizeof(*l->v));
		l->v[l->n].local = str_steal(&local);
		l->v[l->n].domain = str_steal(&dom);
		l->n++;
		if (fh_cfws(&f) != 0)
			break;
		if (fh_peek(&f) == ',') {
			f.p++;
			continue;
		}
		if (fh_peek(&f) != 0)
			fh_fail(&f, fh_peek(&f) == '>' ? "unbalanced angle "
			    "brackets (\">\" without \"<\")" : "characters "
			    "after the address");
		break;
	}
	if (!f.failed && l->n == 0)
		fh_fail(&f, "the field is empty (no address)");
	if (f.failed) {
		from_list_clear(l);
		return -1;
	}
	return 0;
}

/* from_list_domain - the domain all mailboxes share, or NULL */
const char *
from_list_domain(const struct from_list *l)
{
	size_t i;

	if (l->n == 0)
		return NULL;
	for (i = 1; i < l->n; i++)
		if (strcmp(l->v[i].domain, l->v[0].domain) != 0)
			return NULL;
	return l->v[0].domain;
}
