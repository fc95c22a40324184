/*
 * arc_verify - validation of a message's ARC chain; see arc_verify.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>

#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "arc/arc_canon.h"
#include "arc/arc_chain.h"
#include "arc/arc_key.h"
#include "arc/arc_tags.h"
#include "arc/arc_verify.h"

#define ARC_KEYS_MAX		(2 * ARC_SETS_MAX)
#define ARC_PREFETCH_MAX	8	/* key lookups started as fields come */
#define ARC_HASHERS_MAX		4	/* distinct body hashes kept */

struct arc_key {
	char		*name;		/* selector._domainkey.domain */
	dns_query	*q;
	int		 done;
	EVP_PKEY	*key;
	char		*error;
	int		 temporary;
};

struct arc_hasher {
	int		 relaxed;
	const EVP_MD	*md;
	long long	 limit;
	struct arc_body	 body;
	unsigned char	 digest[EVP_MAX_MD_SIZE];
	unsigned	 len;
	int		 done;
};

struct arc_verifier {
	dns_resolver		*resolver;
	int			 keep;
	struct arc_header	*hdr;
	size_t			 nhdr, caphdr, hdr_bytes;
	int			 hdr_overflow;
	size_t			 arc_bytes;	/* of the ARC fields */
	struct arc_chain	 chain;
	enum arc_form		 form;
	str			 form_why;
	int			 eoh;
	struct arc_key		 key[ARC_KEYS_MAX];
	size_t			 nkeys;
	struct arc_hasher	 hash[ARC_HASHERS_MAX];
	size_t			 nhash;
	int			 seal_hash;	/* index of relaxed/sha256, -1 */
	/* per set, allocated for a chain of the right form only: most
	 * messages have none */
	struct arc_tags		*as, *ams;
	int			*as_ok, *ams_ok;
	str			 why;
};

static const char *const arc_field_names[] = {
	"ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results"
};

/* arc_alg - a signature algorithm we verify and sign with */
int
arc_alg(const char *name, const EVP_MD **md, int *ed25519)
{
	if (strcmp(name, "rsa-sha256") == 0) {
		*md = EVP_sha256();
		*ed25519 = 0;
		return 0;
	}
	if (strcmp(name, "ed25519-sha256") == 0) {
		*md = EVP_sha256();
		*ed25519 = 1;
		return 0;
	}
	return -1;
}

/* arc_digits - a t=, l= or x= value: 1 to 18 digits */
static int
arc_digits(const char *s)
{
	size_t n;

	n = strspn(s, "0123456789");
	return n > 0 && n <= 18 && s[n] == '\0';
}

/* arc_domain_ok - a d= value: labels of letters, digits, "-" and "_" */
static int
arc_domain_ok(const char *s)
{
	size_t label = 0;

	if (*s == '\0' || strlen(s) > DNS_NAME_MAX)
		return 0;
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
		if (++label > 63)
			return 0;
	}
	return 1;
}

/* arc_canon_pair - c= as header and body canonicalization; -1 if bad */
static int
arc_canon_pair(const char *c, int *hrelaxed, int *brelaxed)
{
	const char *slash;
	size_t hl;

	*hrelaxed = *brelaxed = 0;
	if (c == NULL)
		return 0;
	slash = strchr(c, '/');
	hl = slash != NULL ? (size_t)(slash - c) : strlen(c);
	if (hl == 7 && strncmp(c, "relaxed", 7) == 0)
		*hrelaxed = 1;
	else if (!(hl == 6 && strncmp(c, "simple", 6) == 0))
		return -1;
	if (slash == NULL)
		return 0;
	if (strcmp(slash + 1, "relaxed") == 0)
		*brelaxed = 1;
	else if (strcmp(slash + 1, "simple") != 0)
		return -1;
	return 0;
}

/* arc_sig_check - the tags of an ARC-Seal or ARC-Message-Signature */
int
arc_sig_check(const struct arc_tags *t, enum arc_kind kind, str *why)
{
	static const char *const need_as[] = {
		"a", "b", "cv", "d", "i", "s", NULL
	};
	static const char *const need_ams[] = {
		"a", "b", "bh", "d", "h", "i", "s", NULL
	};
	const char *const *need;
	const char *v;
	const EVP_MD *md;
	int ed, hr, br;
	str bytes;

	need = kind == ARC_SEAL ? need_as : need_ams;
	for (; *need != NULL; need++)
		if ((v = arc_tags_get(t, *need)) == NULL || *v == '\0') {
			str_appendf(why, "%s %s=", v == NULL ? "no" : "an empty",
			    *need);
			return -1;
		}
	v = arc_tags_get(t, "a");
	if (arc_alg(v, &md, &ed) != 0) {
		str_append(why, "a= ");
		str_append_printable(why, v, strlen(v), 40);
		str_append(why, strcmp(v, "rsa-sha1") == 0 ?
		    " (SHA-1 is not allowed, RFC 8301)" :
		    " is not rsa-sha256 or ed25519-sha256");
		return -1;
	}
	if (!arc_domain_ok(arc_tags_get(t, "d"))) {
		str_append(why, "a d= that is not a domain");
		return -1;
	}
	if ((v = arc_tags_get(t, "t")) != NULL && !arc_digits(v)) {
		str_append(why, "a t= that is not a number");
		return -1;
	}
	str_init(&bytes);
	v = arc_tags_get(t, "b");
	if (arc_base64_decode(v, strlen(v), &bytes) != 0) {
		str_append(why, "a b= that is not base64");
		str_free(&bytes);
		return -1;
	}
	if (kind == ARC_AMS) {
		v = arc_tags_get(t, "bh");
		if (arc_base64_decode(v, strlen(v), &bytes) != 0 ||
		    bytes.len != (size_t)EVP_MD_get_size(md)) {
			str_append(why, "a bh= that is not a base64 hash");
			str_free(&bytes);
			return -1;
		}
	}
	str_free(&bytes);
	if (kind == ARC_SEAL) {
		if (arc_tags_get(t, "h") != NULL) {
			str_append(why, "an h= (an ARC-Seal has none, RFC 8617 "
			    "4.1.3)");
			return -1;
		}
		return 0;
	}
	if (arc_canon_pair(arc_tags_get(t, "c"), &hr, &br) != 0) {
		str_append(why, "a c= that is not simple or relaxed");
		return -1;
	}
	if ((v = arc_tags_get(t, "l")) != NULL && !arc_digits(v)) {
		str_append(why, "an l= that is not a number");
		return -1;
	}
	v = arc_tags_get(t, "h");
	{
		const char *c;
		unsigned names = 1;

		for (c = v; *c != '\0'; c++)
			names += *c == ':';
		if (names > ARC_H_MAX) {
			str_appendf(why, "an h= of more than %d fields",
			    ARC_H_MAX);
			return -1;
		}
	}
	if (arc_tags_list_has(v, "arc-seal", 1)) {
		str_append(why, "an h= that names ARC-Seal (RFC 8617 4.1.2)");
		return -1;
	}
	if (!arc_tags_list_has(v, "from", 1)) {
		str_append(why, "an h= without From (RFC 6376 5.4)");
		return -1;
	}
	return 0;
}

/* arc_seal_input - one ARC set as an ARC-Seal covers it */
void
arc_seal_input(str *out, const char *aar, const char *ams, const char *as,
    int last)
{
	str stripped;

	arc_canon_header(out, arc_field_names[ARC_AAR], aar, strlen(aar), 1,
	    1);
	arc_canon_header(out, arc_field_names[ARC_AMS], ams, strlen(ams), 1,
	    1);
	if (!last) {
		arc_canon_header(out, arc_field_names[ARC_SEAL], as,
		    strlen(as), 1, 1);
		return;
	}
	str_init(&stripped);
	arc_canon_strip_b(as, &stripped);
	arc_canon_header(out, arc_field_names[ARC_SEAL], stripped.buf,
	    stripped.len, 1, 0);
	str_free(&stripped);
}

/* arc_ams_input - what an ARC-Message-Signature covers */
void
arc_ams_input(const struct arc_header *hdr, size_t nhdr, const char *h,
    const char *name, const char *value, int relaxed, str *out)
{
	const char *p, *end, *s, *e;
	unsigned char *used;
	size_t k, nl;
	str stripped;

	used = mem_calloc(nhdr > 0 ? nhdr : 1, 1);
	for (p = h; ; p = end + 1) {
		end = p + strcspn(p, ":");
		for (s = p; s < end && strchr(" \t\r\n", *s) != NULL; s++)
			;
		for (e = end; e > s && strchr(" \t\r\n", e[-1]) != NULL; e--)
			;
		nl = (size_t)(e - s);
		/* the lowest field of that name not used yet; a name with
		 * none left adds nothing (RFC 6376 5.4.2) */
		for (k = nhdr; nl > 0 && k-- > 0; )
			if (!used[k] && strlen(hdr[k].name) == nl &&
			    strncasecmp(hdr[k].name, s, nl) == 0) {
				used[k] = 1;
				arc_canon_header(out, hdr[k].name, hdr[k].value,
				    hdr[k].len, relaxed, 1);
				break;
			}
		if (*end == '\0')
			break;
	}
	mem_free(used);
	str_init(&stripped);
	arc_canon_strip_b(value, &stripped);
	arc_canon_header(out, name, stripped.buf, stripped.len, relaxed, 0);
	str_free(&stripped);
}

/* arc_verifier_new - a verifier for one message */
arc_verifier *
arc_verifier_new(dns_resolver *resolver, int keep)
{
	arc_verifier *v;

	v = mem_calloc(1, sizeof(*v));
	v->resolver = resolver != NULL ? dns_resolver_ref(resolver) : NULL;
	v->keep = keep;
	v->seal_hash = -1;
	arc_chain_init(&v->chain);
	str_init(&v->form_why);
	str_init(&v->why);
	return v;
}

/* arc_key_slot - the lookup of a key name, started if it is new */
static struct arc_key *
arc_key_slot(arc_verifier *v, const char *selector, const char *domain)
{
	struct arc_key *k;
	str name;
	size_t i;

	str_init(&name);
	str_appendf(&name, "%s._domainkey.%s", selector, domain);
	for (i = 0; i < v->nkeys; i++)
		if (strcasecmp(v->key[i].name, str_cstr(&name)) == 0) {
			str_free(&name);
			return &v->key[i];
		}
	if (v->nkeys == ARC_KEYS_MAX || v->resolver == NULL) {
		str_free(&name);
		return NULL;
	}
	k = &v->key[v->nkeys++];
	k->name = str_steal(&name);
	k->q = dns_query_start(v->resolver, k->name, DNS_T_TXT);
	return k;
}

/* arc_prefetch - start the key lookup of a signature field */
static void
arc_prefetch(arc_verifier *v, const char *value)
{
	struct arc_tags t;
	const char *s, *d;
	str why;

	if (v->nkeys >= ARC_PREFETCH_MAX)
		return;
	str_init(&why);
	if (arc_tags_parse(&t, value, &why) == 0 &&
	    (s = arc_tags_get(&t, "s")) != NULL && *s != '\0' &&
	    (d = arc_tags_get(&t, "d")) != NULL && arc_domain_ok(d))
		(void)arc_key_slot(v, s, d);
	arc_tags_free(&t);
	str_free(&why);
}

/* arc_verifier_header - keep one header field */
void
arc_verifier_header(arc_verifier *v, const char *name, const char *value,
    size_t len)
{
	struct arc_header *h;
	int arc;

	if (v->eoh)
		return;
	arc = strncasecmp(name, "ARC-", 4) == 0 &&
	    arc_chain_field(&v->chain, name, value) &&
	    !v->chain.overflow;
	if (arc) {
		v->arc_bytes += len;
		v->chain.field[v->chain.nfields - 1].hdr = v->nhdr;
		if (v->chain.field[v->chain.nfields - 1].kind != ARC_AAR)
			arc_prefetch(v, value);
	}
	if (v->hdr_overflow || v->nhdr == ARC_HEADER_FIELDS_MAX ||
	    v->hdr_bytes + len > ARC_HEADER_MAX) {
		v->hdr_overflow = 1;
		return;
	}
	if (v->nhdr == v->caphdr) {
		v->caphdr = v->caphdr ? 2 * v->caphdr : 32;
		v->hdr = mem_realloc(v->hdr, v->caphdr * sizeof(*v->hdr));
	}
	h = &v->hdr[v->nhdr++];
	h->name = mem_strdup(name);
	h->value = mem_alloc(len + 1);
	memcpy(h->value, value, len);
	h->value[len] = '\0';
	h->len = len;
	v->hdr_bytes += len + strlen(name);
}

/* arc_hasher_for - the body hash for c=, a= and l=, set up (with
 * create, before the body) or found; -1 when there is none */
static int
arc_hasher_for(arc_verifier *v, int relaxed, const EVP_MD *md,
    long long limit, int create)
{
	size_t i;

	for (i = 0; i < v->nhash; i++)
		if (v->hash[i].relaxed == relaxed && v->hash[i].md == md &&
		    v->hash[i].limit == limit)
			return (int)i;
	if (!create || v->nhash == ARC_HASHERS_MAX)
		return -1;
	if (arc_body_init(&v->hash[v->nhash].body, relaxed, md, limit) != 0)
		return -1;
	v->hash[v->nhash].relaxed = relaxed;
	v->hash[v->nhash].md = md;
	v->hash[v->nhash].limit = limit;
	return (int)v->nhash++;
}

/* arc_ams_hasher - the body hash an AMS needs (created, with create);
 * -1 if none */
static int
arc_ams_hasher(arc_verifier *v, const struct arc_tags *t, int create)
{
	const char *l;
	const EVP_MD *md;
	int hr, br, ed;

	if (arc_alg(arc_tags_get(t, "a"), &md, &ed) != 0 ||
	    arc_canon_pair(arc_tags_get(t, "c"), &hr, &br) != 0)
		return -1;
	l = arc_tags_get(t, "l");
	return arc_hasher_for(v, br, md, l != NULL ?
	    strtoll(l, NULL, 10) : -1, create);
}

/* arc_eoh - the header is complete: check the chain's form, parse the
 * signatures and set up the body hashes they need */
static void
arc_eoh(arc_verifier *v)
{
	const struct arc_set *s;
	size_t i;
	str why;

	if (v->eoh)
		return;
	v->eoh = 1;
	v->form = arc_chain_form(&v->chain, &v->form_why);
	if (v->keep)
		v->seal_hash = arc_hasher_for(v, 1, EVP_sha256(), -1, 1);
	if (v->form != ARC_FORM_OK)
		return;
	v->as = mem_calloc(v->chain.n, sizeof(*v->as));
	v->ams = mem_calloc(v->chain.n, sizeof(*v->ams));
	v->as_ok = mem_calloc(v->chain.n, sizeof(*v->as_ok));
	v->ams_ok = mem_calloc(v->chain.n, sizeof(*v->ams_ok));
	str_init(&why);
	for (i = v->chain.n; i-- > 0; ) {
		s = &v->chain.set[i];
		str_reset(&why);
		v->as_ok[i] = arc_tags_parse(&v->as[i], s->seal->value,
		    &why) == 0 && arc_sig_check(&v->as[i], ARC_SEAL, &why) == 0;
		str_reset(&why);
		v->ams_ok[i] = arc_tags_parse(&v->ams[i], s->ams->value,
		    &why) == 0 && arc_sig_check(&v->ams[i], ARC_AMS, &why) == 0;
		if (v->ams_ok[i])
			(void)arc_ams_hasher(v, &v->ams[i], 1);
	}
	str_free(&why);
}

/* arc_verifier_body - hash body bytes when some hash is wanted */
int
arc_verifier_body(arc_verifier *v, const unsigned char *p, size_t n)
{
	size_t i;

	arc_eoh(v);
	for (i = 0; i < v->nhash; i++)
		arc_body_update(&v->hash[i].body, p, n);
	return v->nhash > 0;
}

/* arc_hash_done - finish every body hash */
static void
arc_hash_done(arc_verifier *v)
{
	size_t i;

	for (i = 0; i < v->nhash; i++)
		if (!v->hash[i].done) {
			arc_body_final(&v->hash[i].body, v->hash[i].digest,
			    &v->hash[i].len);
			v->hash[i].done = 1;
		}
}

/* arc_key_get - the key of a signature, waiting until the deadline */
static EVP_PKEY *
arc_key_get(arc_verifier *v, const struct arc_tags *t, int64_t deadline,
    str *why, int *temporary)
{
	struct arc_key *k;
	dns_answer *a;
	size_t i;
	str err;

	k = arc_key_slot(v, arc_tags_get(t, "s"), arc_tags_get(t, "d"));
	if (k == NULL) {
		str_append(why, "too many signing keys to look up");
		return NULL;
	}
	if (!k->done) {
		k->done = 1;
		a = dns_query_wait(k->q, deadline);
		dns_query_free(k->q);
		k->q = NULL;
		str_init(&err);
		if (a->status == DNS_TEMPFAIL || a->status == DNS_ERROR) {
			str_appendf(&err, "the key lookup of %s failed: %s",
			    k->name, a->error != NULL ? a->error :
			    dns_status_name(a->status));
			k->temporary = a->status == DNS_TEMPFAIL;
		} else if (a->status != DNS_OK || a->count == 0)
			str_appendf(&err, "there is no key at %s", k->name);
		else {
			for (i = 0; i < a->count; i++) {
				if (a->rr[i].type != DNS_T_TXT)
					continue;
				str_reset(&err);
				if (arc_key_cached(a->rr[i].u.txt.data,
				    a->rr[i].u.txt.len, &k->key, &err) == 0)
					break;
			}
			if (k->key == NULL && err.len == 0)
				str_appendf(&err, "there is no key at %s",
				    k->name);
		}
		if (k->key == NULL)
			k->error = str_steal(&err);
		str_free(&err);
		dns_answer_unref(a);
	}
	if (k->key == NULL) {
		str_append(why, k->error);
		*temporary = k->temporary;
	}
	return k->key;
}

/* arc_sig_verify - a signature over data with key */
static int
arc_sig_verify(EVP_PKEY *key, const char *alg, const char *b,
    const str *data, str *why)
{
	EVP_MD_CTX *ctx;
	const EVP_MD *md;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned dlen;
	str sig;
	int ed, ok;

	if (arc_alg(alg, &md, &ed) != 0) {
		str_append(why, "an unknown a=");
		return -1;
	}
	if ((EVP_PKEY_base_id(key) == EVP_PKEY_ED25519) != ed) {
		str_append(why, "the key's type does not match a=");
		return -1;
	}
	str_init(&sig);
	(void)arc_base64_decode(b, strlen(b), &sig);
	ctx = EVP_MD_CTX_new();
	if (ed) {
		/* RFC 8463: Ed25519 signs the SHA-256 hash of the data */
		dlen = 0;
		(void)EVP_Digest(data->buf, data->len, digest, &dlen, md,
		    NULL);
		ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1 &&
		    EVP_DigestVerify(ctx, (const unsigned char *)sig.buf,
		    sig.len, digest, dlen) == 1;
	} else
		ok = EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1 &&
		    EVP_DigestVerify(ctx, (const unsigned char *)sig.buf,
		    sig.len, (const unsigned char *)data->buf, data->len) == 1;
	EVP_MD_CTX_free(ctx);
	str_free(&sig);
	if (!ok)
		str_append(why, "the signature does not verify");
	return ok ? 0 : -1;
}

/* arc_ams_verify - one ARC-Message-Signature: body hash and signature */
static int
arc_ams_verify(arc_verifier *v, unsigned i, int64_t deadline, str *why,
    int *temporary)
{
	const struct arc_tags *t = &v->ams[i - 1];
	const struct arc_set *s = &v->chain.set[i - 1];
	struct arc_hasher *h;
	EVP_PKEY *key;
	str bh, data;
	int hr, br, k, ret;

	/* only a hash made while the body came: none can be made now */
	k = arc_ams_hasher(v, t, 0);
	if (k < 0 || !v->hash[k].done) {
		str_append(why, "its body hash was not computed");
		return -1;
	}
	h = &v->hash[k];
	str_init(&bh);
	(void)arc_base64_decode(arc_tags_get(t, "bh"),
	    strlen(arc_tags_get(t, "bh")), &bh);
	if (bh.len != h->len || memcmp(bh.buf, h->digest, h->len) != 0) {
		str_append(why, "the body hash does not match (the body was "
		    "changed)");
		str_free(&bh);
		return -1;
	}
	str_free(&bh);
	if ((key = arc_key_get(v, t, deadline, why, temporary)) == NULL)
		return -1;
	(void)arc_canon_pair(arc_tags_get(t, "c"), &hr, &br);
	str_init(&data);
	arc_ams_input(v->hdr, v->nhdr, arc_tags_get(t, "h"),
	    v->hdr[s->ams->hdr].name, s->ams->value, hr, &data);
	ret = arc_sig_verify(key, arc_tags_get(t, "a"), arc_tags_get(t, "b"),
	    &data, why);
	str_free(&data);
	return ret;
}

/* arc_as_verify - one ARC-Seal over the sets up to its own */
static int
arc_as_verify(arc_verifier *v, unsigned i, int64_t deadline, str *why,
    int *temporary)
{
	const struct arc_tags *t = &v->as[i - 1];
	EVP_PKEY *key;
	unsigned j;
	str data;
	int ret;

	if ((key = arc_key_get(v, t, deadline, why, temporary)) == NULL)
		return -1;
	str_init(&data);
	for (j = 1; j <= i; j++)
		arc_seal_input(&data, v->chain.set[j - 1].aar->value,
		    v->chain.set[j - 1].ams->value,
		    v->chain.set[j - 1].seal->value, j == i);
	ret = arc_sig_verify(key, arc_tags_get(t, "a"), arc_tags_get(t, "b"),
	    &data, why);
	str_free(&data);
	return ret;
}

/* arc_aar_text - an AAR value after its "i=N;" */
static const char *
arc_aar_text(const char *value)
{
	const char *p;

	if ((p = strchr(value, ';')) == NULL)
		return "";
	for (p++; *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'; p++)
		;
	return p;
}

/* arc_sig_problem - why the tags of a set's AS or AMS are not usable */
static void
arc_sig_problem(const arc_verifier *v, unsigned i, enum arc_kind kind,
    str *why)
{
	struct arc_tags t;
	const struct arc_set *s = &v->chain.set[i - 1];

	str_appendf(why, "the %s with i=%u has ", arc_field_names[kind], i);
	if (arc_tags_parse(&t, kind == ARC_SEAL ? s->seal->value :
	    s->ams->value, why) == 0)
		(void)arc_sig_check(&t, kind, why);
	arc_tags_free(&t);
}

/* arc_verifier_end - validate the chain */
void
arc_verifier_end(arc_verifier *v, int64_t deadline, struct arc_result *r)
{
	str why;
	unsigned i, n;
	int newest_fail;

	memset(r, 0, sizeof(*r));
	arc_eoh(v);
	arc_hash_done(v);
	str_reset(&v->why);
	str_append(&v->why, "");
	r->top = arc_chain_top(&v->chain, &newest_fail);
	/* a chain a seal of ours may extend (RFC 8617 5.1): not one whose
	 * newest seal already says it failed, nor one with no room left */
	r->sealable = !newest_fail && r->top < ARC_SETS_MAX &&
	    !v->chain.overflow;
	r->why = str_cstr(&v->why);
	if (v->form == ARC_NONE) {
		r->cv = ARC_CV_NONE;
		return;
	}
	r->cv = ARC_CV_FAIL;
	if (v->form == ARC_FAIL) {
		str_append(&v->why, str_cstr(&v->form_why));
		goto done;
	}
	if (v->hdr_overflow) {
		str_appendf(&v->why, "the header is over %d bytes or %d "
		    "fields", ARC_HEADER_MAX, ARC_HEADER_FIELDS_MAX);
		goto done;
	}
	if (v->arc_bytes > ARC_FIELDS_BYTES_MAX) {
		str_appendf(&v->why, "the ARC fields are over %d bytes",
		    ARC_FIELDS_BYTES_MAX);
		goto done;
	}
	n = (unsigned)v->chain.n;
	r->n = n;
	for (i = 1; i <= n; i++) {
		r->set[i - 1].instance = i;
		r->set[i - 1].sealer = v->as_ok[i - 1] ?
		    arc_tags_get(&v->as[i - 1], "d") : "";
		r->set[i - 1].aar = arc_aar_text(v->chain.set[i - 1].aar->value);
		r->set[i - 1].body_limited = v->ams_ok[i - 1] &&
		    arc_tags_get(&v->ams[i - 1], "l") != NULL;
	}
	str_init(&why);
	/* step 5: the newest AMS */
	if (!v->ams_ok[n - 1]) {
		arc_sig_problem(v, n, ARC_AMS, &v->why);
		goto fail;
	}
	if (arc_ams_verify(v, n, deadline, &why, &r->temporary) != 0) {
		str_appendf(&v->why, "the %s with i=%u does not verify: %s",
		    arc_field_names[ARC_AMS], n, str_cstr(&why));
		goto fail;
	}
	/* step 7: every seal, newest first */
	for (i = n; i >= 1; i--) {
		if (!v->as_ok[i - 1]) {
			arc_sig_problem(v, i, ARC_SEAL, &v->why);
			goto fail;
		}
		str_reset(&why);
		if (arc_as_verify(v, i, deadline, &why, &r->temporary) != 0) {
			str_appendf(&v->why, "the %s with i=%u does not "
			    "verify: %s", arc_field_names[ARC_SEAL], i,
			    str_cstr(&why));
			goto fail;
		}
	}
	/* step 6: the oldest AMS that still verifies, going down from the
	 * newest; 0 when all of them do */
	r->oldest_pass = 0;
	for (i = n - 1; i >= 1; i--) {
		int temporary = 0;

		str_reset(&why);
		if (!v->ams_ok[i - 1] ||
		    arc_ams_verify(v, i, deadline, &why, &temporary) != 0) {
			r->oldest_pass = i + 1;
			break;
		}
	}
	r->cv = ARC_CV_PASS;
	r->temporary = 0;
fail:
	str_free(&why);
done:
	r->why = str_cstr(&v->why);
}

/* arc_verifier_headers - the fields kept, for arc_seal */
const struct arc_header *
arc_verifier_headers(const arc_verifier *v, size_t *n)
{
	*n = v->hdr_overflow ? 0 : v->nhdr;
	return v->hdr;
}

/* arc_verifier_body_hash - the relaxed SHA-256 body hash, for arc_seal;
 * -1 when it was not kept */
int
arc_verifier_body_hash(const arc_verifier *v, const unsigned char **digest,
    unsigned *len)
{
	if (v->seal_hash < 0 || !v->hash[v->seal_hash].done)
		return -1;
	*digest = v->hash[v->seal_hash].digest;
	*len = v->hash[v->seal_hash].len;
	return 0;
}

/* arc_verifier_chain - the ARC fields seen, for arc_seal */
const struct arc_chain *
arc_verifier_chain(const arc_verifier *v)
{
	return &v->chain;
}

/* arc_verifier_free - release everything */
void
arc_verifier_free(arc_verifier *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nhdr; i++) {
		mem_free(v->hdr[i].name);
		mem_free(v->hdr[i].value);
	}
	mem_free(v->hdr);
	for (i = 0; i < v->nkeys; i++) {
		if (v->key[i].q != NULL)
			dns_query_free(v->key[i].q);
		EVP_PKEY_free(v->key[i].key);
		mem_free(v->key[i].name);
		mem_free(v->key[i].error);
	}
	for (i = 0; i < v->nhash; i++)
		arc_body_free(&v->hash[i].body);
	for (i = 0; v->as != NULL && i < v->chain.n; i++) {
		arc_tags_free(&v->as[i]);
		arc_tags_free(&v->ams[i]);
	}
	mem_free(v->as);
	mem_free(v->ams);
	mem_free(v->as_ok);
	mem_free(v->ams_ok);
	arc_chain_clear(&v->chain);
	str_free(&v->form_why);
	str_free(&v->why);
	if (v->resolver != NULL)
		dns_resolver_unref(v->resolver);
	mem_free(v);
}
