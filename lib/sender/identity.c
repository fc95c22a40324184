/*
 * identity - who is sending and which addresses they own; see identity.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/ipaddr.h"
#include "util/linefile.h"
#include "util/mem.h"
#include "util/netlist.h"
#include "util/str.h"
#include "mail/smtp_addr.h"
#include "sender/identity.h"

#define ACCOUNT_PREFIX	"account:"
#define ACCOUNT_MAX	128
#define OWNERS_MAX	256	/* owners of one key */

/* identity_lower - a lower-case copy of n bytes */
static char *
identity_lower(const char *s, size_t n)
{
	char *c = mem_strndup(s, n);
	char *p;

	for (p = c; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return c;
}

/* identity_name_ok - a login: printable, no white space, bounded */
static int
identity_name_ok(const char *s, size_t n, const char *what, str *why)
{
	size_t i;

	if (n == 0 || n > IDENTITY_NAME_MAX) {
		str_appendf(why, "%s of %zu bytes (1 to %d)", what, n,
		    IDENTITY_NAME_MAX);
		return 0;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f) {
			str_appendf(why, "%s \"", what);
			str_append_printable(why, s, n, 64);
			str_appendf(why, "\" has a control character or space");
			return 0;
		}
	return 1;
}

/* identity_account_ok - an account name: letters, digits, . _ - @ + */
static int
identity_account_ok(const char *s, size_t n, str *why)
{
	size_t i;

	if (n == 0 || n > ACCOUNT_MAX) {
		str_appendf(why, "account name of %zu bytes (1 to %d)", n,
		    ACCOUNT_MAX);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (strchr("._-@+", s[i]) == NULL &&
		    !(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9')) {
			str_append(why, "account name \"");
			str_append_printable(why, s, n, 64);
			str_append(why, "\" may hold only letters, digits and "
			    ". _ - @ +");
			return 0;
		}
	return 1;
}

/* identity_login_add - one "login account" entry */
int
identity_login_add(struct identity_maps *m, const char *login, size_t n,
    const char *account, str *why)
{
	struct identity_login *l;
	const char *p = account;
	const char *w;
	size_t wn;

	if (!identity_name_ok(login, n, "login", why))
		return -1;
	if ((w = str_next_word(&p, &wn)) == NULL) {
		str_append(why, "login \"");
		str_append_printable(why, login, n, 64);
		str_append(why, "\" has no account after it");
		return -1;
	}
	if (!identity_account_ok(w, wn, why))
		return -1;
	if (str_next_word(&p, &wn) != NULL) {
		str_append(why, "one account per login (\"login account\")");
		return -1;
	}
	m->logins = mem_grow(m->logins, m->nlogins + 1, sizeof(*m->logins));
	l = &m->logins[m->nlogins++];
	l->login = identity_lower(login, n);
	l->account = mem_strndup(w, wn);
	l->order = m->nlogins;
	return 0;
}

/* identity_key_ok - "a@b", "@b" or "@.b" with a domain name after @ */
static int
identity_key_ok(const char *key, size_t n, str *why)
{
	const char *at = memchr(key, '@', n);
	char *domain;
	int ok;

	if (!identity_name_ok(key, n, "sender", why))
		return 0;
	if (at == NULL) {
		str_append(why, "sender \"");
		str_append_printable(why, key, n, 64);
		str_append(why, "\" is not an address (bob@example.com) or a "
		    "domain (@example.com, @.example.com)");
		return 0;
	}
	at++;
	if (at == key + 1 && at < key + n && *at == '.')
		at++;
	domain = mem_strndup(at, (size_t)(key + n - at));
	ok = smtp_is_domain(domain);
	mem_free(domain);
	if (!ok) {
		str_append(why, "sender \"");
		str_append_printable(why, key, n, 64);
		str_append(why, "\": not a domain name after @");
	}
	return ok;
}

/* identity_owner_add - one "sender owner..." entry */
int
identity_owner_add(struct identity_maps *m, const char *key, size_t n,
    const char *owners, str *why)
{
	struct identity_owner o;
	const char *p = owners;
	const char *w;
	size_t wn, an;
	int acct;

	if (!identity_key_ok(key, n, why))
		return -1;
	memset(&o, 0, sizeof(o));
	an = strlen(ACCOUNT_PREFIX);
	while ((w = str_next_word(&p, &wn)) != NULL) {
		acct = wn >= an && strncasecmp(w, ACCOUNT_PREFIX, an) == 0;
		if (acct ? !identity_account_ok(w + an, wn - an, why) :
		    !identity_name_ok(w, wn, "login", why))
			break;
		if (o.nowners == OWNERS_MAX) {
			str_appendf(why, "more than %d owners", OWNERS_MAX);
			break;
		}
		o.owners = mem_grow(o.owners, o.nowners + 1, sizeof(*o.owners));
		/* "account:" in lower case, the account name as written */
		o.owners[o.nowners] = acct ? mem_strndup(w, wn) :
		    identity_lower(w, wn);
		if (acct)
			memcpy(o.owners[o.nowners], ACCOUNT_PREFIX, an);
		o.nowners++;
	}
	if (why->len == 0 && o.nowners == 0)
		str_append(why, "no owner (a login or account:NAME) after the "
		    "sender");
	if (why->len > 0) {
		while (o.nowners > 0)
			mem_free(o.owners[--o.nowners]);
		mem_free(o.owners);
		return -1;
	}
	o.key = identity_lower(key, n);
	o.order = m->nowners;
	m->owners = mem_grow(m->owners, m->nowners + 1, sizeof(*m->owners));
	m->owners[m->nowners++] = o;
	return 0;
}

/* identity_login_line - a line of a logins file */
static int
identity_login_line(const char *key, size_t n, const char *rest, void *arg,
    str *why)
{
	return identity_login_add(arg, key, n, rest, why);
}

/* identity_owner_line - a line of an owners file */
static int
identity_owner_line(const char *key, size_t n, const char *rest, void *arg,
    str *why)
{
	return identity_owner_add(arg, key, n, rest, why);
}

/* identity_logins_file - the "login account" lines of a file */
int
identity_logins_file(struct identity_maps *m, const char *path, str *err)
{
	return linefile_read(path, identity_login_line, m, err);
}

/* identity_owners_file - the "sender owners" lines of a file */
int
identity_owners_file(struct identity_maps *m, const char *path, str *err)
{
	return linefile_read(path, identity_owner_line, m, err);
}

/* login_cmp - by login, then the order added (the first one wins) */
static int
login_cmp(const void *a, const void *b)
{
	const struct identity_login *x = a, *y = b;
	int c = strcmp(x->login, y->login);

	return c != 0 ? c : (x->order < y->order ? -1 : x->order > y->order);
}

/* owner_cmp - by key, then the order added */
static int
owner_cmp(const void *a, const void *b)
{
	const struct identity_owner *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : (x->order < y->order ? -1 : x->order > y->order);
}

/* identity_index - sort both maps for binary search; a key listed twice
 * keeps its first entry */
void
identity_index(struct identity_maps *m)
{
	if (m->nlogins > 1)
		qsort(m->logins, m->nlogins, sizeof(*m->logins), login_cmp);
	if (m->nowners > 1)
		qsort(m->owners, m->nowners, sizeof(*m->owners), owner_cmp);
}

/* identity_find_login - the first entry of a login, or NULL */
static const struct identity_login *
identity_find_login(const struct identity_maps *m, const char *login)
{
	size_t lo = 0, hi = m->nlogins, mid;
	char *key = identity_lower(login, strlen(login));
	const struct identity_login *found = NULL;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(m->logins[mid].login, key)) < 0)
			lo = mid + 1;
		else {
			if (c == 0)
				found = &m->logins[mid];
			hi = mid;
		}
	}
	mem_free(key);
	return found;
}

/* identity_find_owner - the first entry of a key, or NULL */
static const struct identity_owner *
identity_find_owner(const struct identity_maps *m, const char *key)
{
	size_t lo = 0, hi = m->nowners, mid;
	const struct identity_owner *found = NULL;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(m->owners[mid].key, key)) < 0)
			lo = mid + 1;
		else {
			if (c == 0)
				found = &m->owners[mid];
			hi = mid;
		}
	}
	return found;
}

/* identity_resolve - login, account and how the account was found */
void
identity_resolve(const struct identity_maps *m, const netlist *clients,
    const char *login, const ipaddr *ip, struct sender_identity *out)
{
	const struct identity_login *l;
	const struct netlist_entry *e;

	memset(out, 0, sizeof(*out));
	if (login != NULL && login[0] != '\0') {
		out->login = login;
		if ((l = identity_find_login(m, login)) != NULL) {
			out->account = l->account;
			out->via = "login";
		}
		return;
	}
	if (ip != NULL && clients != NULL &&
	    (e = netlist_lookup(clients, ip)) != NULL && e->text != NULL) {
		out->account = e->text;
		out->via = e->cidr;
	}
}

/* identity_lookup_owner - the most specific key that lists an address:
 * the address, "@domain", then "@.parent" from the nearest parent up */
static const struct identity_owner *
identity_lookup_owner(const struct identity_maps *m, const char *address,
    const char *domain)
{
	const struct identity_owner *o;
	const char *d;
	str key;

	str_init(&key);
	str_append(&key, address);
	if ((o = identity_find_owner(m, str_cstr(&key))) == NULL) {
		str_reset(&key);
		str_appendf(&key, "@%s", domain);
		o = identity_find_owner(m, str_cstr(&key));
	}
	for (d = domain; o == NULL && d != NULL; d = strchr(d + 1, '.')) {
		str_reset(&key);
		str_appendf(&key, "@.%s", *d == '.' ? d + 1 : d);
		o = identity_find_owner(m, str_cstr(&key));
	}
	str_free(&key);
	return o;
}

/* identity_owns - does the owner entry name this sender */
static int
identity_owns(const struct identity_owner *o, const struct sender_identity *w)
{
	size_t i, an = strlen(ACCOUNT_PREFIX);

	for (i = 0; i < o->nowners; i++) {
		if (strncmp(o->owners[i], ACCOUNT_PREFIX, an) == 0) {
			if (w->account != NULL &&
			    strcmp(o->owners[i] + an, w->account) == 0)
				return 1;
		} else if (w->login != NULL &&
		    strcasecmp(o->owners[i], w->login) == 0)
			return 1;
	}
	return 0;
}

/* identity_owned - may this sender use local@domain */
void
identity_owned(const struct identity_maps *m,
    const struct sender_identity *who, const char *local, const char *domain,
    struct binding_outcome *out)
{
	const struct identity_owner *o;
	size_t i;
	str addr;

	memset(out, 0, sizeof(*out));
	if ((who->login == NULL && who->account == NULL) || domain == NULL ||
	    domain[0] == '\0')
		return;
	out->checked = 1;
	str_init(&addr);
	str_appendf(&addr, "%s@%s", local != NULL ? local : "", domain);
	for (i = 0; i < addr.len; i++)
		if (addr.buf[i] >= 'A' && addr.buf[i] <= 'Z')
			addr.buf[i] = (char)(addr.buf[i] - 'A' + 'a');
	o = identity_lookup_owner(m, str_cstr(&addr), domain);
	out->address = str_steal(&addr);
	if (o == NULL) {
		out->allowed = m->unowned_ok;
		return;
	}
	out->allowed = identity_owns(o, who);
	out->key = mem_strdup(o->key);
	str_init(&addr);
	for (i = 0; i < o->nowners; i++)
		str_appendf(&addr, "%s%s", i ? ", " : "", o->owners[i]);
	out->owners = str_steal(&addr);
}

/* identity_may_use - the keys this sender owns, for the explanation */
void
identity_may_use(const struct identity_maps *m,
    const struct sender_identity *who, str *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < m->nowners; i++) {
		if (i > 0 && strcmp(m->owners[i].key, m->owners[i - 1].key) == 0)
			continue;	/* a later duplicate never counts */
		if (!identity_owns(&m->owners[i], who))
			continue;
		if (n++ == max) {
			str_append(out, ", ...");
			return;
		}
		str_appendf(out, "%s%s", n > 1 ? ", " : "", m->owners[i].key);
	}
}

/* binding_outcome_clear - release an outcome's strings */
void
binding_outcome_clear(struct binding_outcome *o)
{
	mem_free(o->address);
	mem_free(o->key);
	mem_free(o->owners);
	memset(o, 0, sizeof(*o));
}

/* identity_maps_free - release the maps */
void
identity_maps_free(struct identity_maps *m)
{
	size_t i, j;

	for (i = 0; i < m->nlogins; i++) {
		mem_free(m->logins[i].login);
		mem_free(m->logins[i].account);
	}
	for (i = 0; i < m->nowners; i++) {
		for (j = 0; j < m->owners[i].nowners; j++)
			mem_free(m->owners[i].owners[j]);
		mem_free(m->owners[i].owners);
		mem_free(m->owners[i].key);
	}
	mem_free(m->logins);
	mem_free(m->owners);
	memset(m, 0, sizeof(*m));
}
