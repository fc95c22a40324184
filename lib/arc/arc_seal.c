/*
 * arc_seal - adding our ARC set to a message; see arc_seal.h.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "util/mem.h"
#include "util/str.h"
#include "arc/arc_key.h"
#include "arc/arc_seal.h"
#include "arc/arc_verify.h"

#define ARC_KEY_FILE_MAX	(64 * 1024)

/* arc_seal_key_pem - a private key from PEM text */
int
arc_seal_key_pem(const char *text, size_t len, EVP_PKEY **key, str *why)
{
	BIO *bio;
	int type;

	*key = NULL;
	if ((bio = BIO_new_mem_buf(text, (int)len)) == NULL) {
		str_append(why, "out of memory");
		return -1;
	}
	*key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (*key == NULL) {
		str_append(why, "not a PEM private key (an unencrypted "
		    "\"PRIVATE KEY\" or \"RSA PRIVATE KEY\" block)");
		return -1;
	}
	type = EVP_PKEY_base_id(*key);
	if (type != EVP_PKEY_RSA && type != EVP_PKEY_ED25519) {
		str_append(why, "neither an RSA nor an Ed25519 key");
		goto bad;
	}
	if (type == EVP_PKEY_RSA && EVP_PKEY_bits(*key) < ARC_RSA_MIN_BITS) {
		str_appendf(why, "an RSA key of %d bits, fewer than %d "
		    "(RFC 8301)", EVP_PKEY_bits(*key), ARC_RSA_MIN_BITS);
		goto bad;
	}
	return 0;
bad:
	EVP_PKEY_free(*key);
	*key = NULL;
	return -1;
}

/* arc_seal_key_load - a private key from a PEM file */
int
arc_seal_key_load(const char *path, EVP_PKEY **key, str *why)
{
	char buf[4096];
	size_t n;
	FILE *f;
	str text;
	int ret;

	*key = NULL;
	if ((f = fopen(path, "r")) == NULL) {
		str_appendf(why, "%s: %s", path, strerror(errno));
		return -1;
	}
	str_init(&text);
	str_append(&text, "");
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 &&
	    text.len <= ARC_KEY_FILE_MAX)
		str_append_n(&text, buf, n);
	(void)fclose(f);
	if (text.len > ARC_KEY_FILE_MAX) {
		str_appendf(why, "%s: over %d bytes, not a key", path,
		    ARC_KEY_FILE_MAX);
		ret = -1;
	} else
		ret = arc_seal_key_pem(text.buf, text.len, key, why);
	str_free(&text);
	return ret;
}

/* arc_seal_sign - base64 of the signature over data */
static int
arc_seal_sign(EVP_PKEY *key, const str *data, str *out, str *why)
{
	EVP_MD_CTX *ctx;
	unsigned char digest[EVP_MAX_MD_SIZE], *sig, *b64;
	unsigned dlen;
	size_t siglen;
	int ok, ed;

	ed = EVP_PKEY_base_id(key) == EVP_PKEY_ED25519;
	ctx = EVP_MD_CTX_new();
	siglen = 0;
	sig = NULL;
	if (ed) {
		/* RFC 8463: Ed25519 signs the SHA-256 hash of the data */
		dlen = 0;
		ok = EVP_Digest(data->buf, data->len, digest, &dlen,
		    EVP_sha256(), NULL) == 1 &&
		    EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) == 1 &&
		    EVP_DigestSign(ctx, NULL, &siglen, digest, dlen) == 1 &&
		    (sig = mem_alloc(siglen)) != NULL &&
		    EVP_DigestSign(ctx, sig, &siglen, digest, dlen) == 1;
	} else
		ok = EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL,
		    key) == 1 &&
		    EVP_DigestSign(ctx, NULL, &siglen,
		    (const unsigned char *)data->buf, data->len) == 1 &&
		    (sig = mem_alloc(siglen)) != NULL &&
		    EVP_DigestSign(ctx, sig, &siglen,
		    (const unsigned char *)data->buf, data->len) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		mem_free(sig);
		str_append(why, "the signing failed in OpenSSL");
		return -1;
	}
	b64 = mem_alloc(4 * ((siglen + 2) / 3) + 1);
	(void)EVP_EncodeBlock(b64, sig, (int)siglen);
	str_append(out, (const char *)b64);
	mem_free(b64);
	mem_free(sig);
	return 0;
}

/* arc_seal_h - the h= list: each name (separated by ":", "," or white
 * space) as often as the message has it */
static void
arc_seal_h(const char *names, const struct arc_header *hdr, size_t nhdr,
    str *h)
{
	const char *w;
	size_t len, k;

	for (w = names; *w != '\0'; w += len) {
		w += strspn(w, ":, \t\r\n");
		len = strcspn(w, ":, \t\r\n");
		for (k = 0; k < nhdr && len > 0; k++)
			if (strlen(hdr[k].name) == len &&
			    strncasecmp(hdr[k].name, w, len) == 0) {
				if (h->len > 0)
					str_append_c(h, ':');
				str_append_n(h, w, len);
			}
	}
}

/* arc_seal - the three fields of our ARC set */
int
arc_seal(const struct arc_seal_params *p, const arc_verifier *v,
    const struct arc_result *r, struct arc_sealed *out, str *why)
{
	const struct arc_header *hdr;
	const struct arc_chain *chain;
	const unsigned char *bh;
	unsigned char *bh64;
	unsigned bhlen, i, j;
	size_t nhdr;
	const char *alg, *cv;
	str h, data, sig, ams_nob, as_nob;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	str_init(&out->aar);
	str_init(&out->ams);
	str_init(&out->as);
	if (!r->sealable) {
		str_append(why, r->top >= ARC_SETS_MAX ? "the message has 50 "
		    "ARC sets already" : "the newest ARC-Seal says cv=fail");
		return 0;
	}
	if (r->cv == ARC_CV_FAIL && r->temporary) {
		/* cv=fail would break the chain for good over a DNS hiccup */
		str_appendf(why, "the chain could not be checked now (%s)",
		    r->why);
		return 0;
	}
	if (arc_verifier_body_hash(v, &bh, &bhlen) != 0) {
		str_append(why, "the body hash was not kept");
		return -1;
	}
	hdr = arc_verifier_headers(v, &nhdr);
	chain = arc_verifier_chain(v);
	i = r->top + 1;
	out->instance = i;
	alg = EVP_PKEY_base_id(p->key) == EVP_PKEY_ED25519 ?
	    "ed25519-sha256" : "rsa-sha256";
	cv = r->cv == ARC_CV_NONE ? "none" : r->cv == ARC_CV_PASS ? "pass" :
	    "fail";
	str_init(&h);
	str_init(&data);
	str_init(&sig);
	str_init(&ams_nob);
	str_init(&as_nob);
	arc_seal_h(p->headers, hdr, nhdr, &h);
	if (h.len == 0) {
		str_append(why, "the message has none of the header fields "
		    "to sign");
		goto done;
	}
	str_appendf(&out->aar, "i=%u; %s;\n\t%s", i, p->authserv_id,
	    p->results);

	/* the ARC-Message-Signature */
	bh64 = mem_alloc(4 * ((bhlen + 2) / 3) + 1);
	(void)EVP_EncodeBlock(bh64, bh, (int)bhlen);
	str_appendf(&ams_nob, "a=%s; b=; bh=%s;\n\tc=relaxed/relaxed; d=%s; "
	    "h=%s; i=%u;\n\ts=%s; t=%lld", alg, (const char *)bh64, p->domain,
	    str_cstr(&h), i, p->selector, p->t);
	mem_free(bh64);
	arc_ams_input(hdr, nhdr, str_cstr(&h), "ARC-Message-Signature",
	    str_cstr(&ams_nob), 1, &data);
	if (arc_seal_sign(p->key, &data, &sig, why) != 0)
		goto done;
	/* b= on one line of its own: a fold inside it would stay in the
	 * relaxed form later seals cover as a space (the ValiMail suite's
	 * signatures are over unfolded values) */
	str_appendf(&out->ams, "a=%s;\n\tb=%s", alg, str_cstr(&sig));
	str_appendf(&out->ams, ";\n\tbh=%s", strstr(str_cstr(&ams_nob),
	    "bh=") + 3);

	/* the ARC-Seal: over every set when the chain passed (or there
	 * was none), over our own set alone when it failed: a broken
	 * chain is not vouched for (RFC 8617 5.1.1) */
	str_appendf(&as_nob, "a=%s; b=; cv=%s; d=%s; i=%u; s=%s;\n\tt=%lld",
	    alg, cv, p->domain, i, p->selector, p->t);
	str_reset(&data);
	if (r->cv == ARC_CV_PASS)
		for (j = 1; j < i; j++)
			arc_seal_input(&data, chain->set[j - 1].aar->value,
			    chain->set[j - 1].ams->value,
			    chain->set[j - 1].seal->value, 0);
	arc_seal_input(&data, str_cstr(&out->aar), str_cstr(&out->ams),
	    str_cstr(&as_nob), 1);
	str_reset(&sig);
	if (arc_seal_sign(p->key, &data, &sig, why) != 0)
		goto done;
	str_appendf(&out->as, "a=%s;\n\tb=%s", alg, str_cstr(&sig));
	str_appendf(&out->as, ";\n\tcv=%s; d=%s; i=%u; s=%s;\n\tt=%lld", cv,
	    p->domain, i, p->selector, p->t);
	ret = 1;
done:
	if (ret != 1)
		arc_sealed_free(out);
	str_free(&h);
	str_free(&data);
	str_free(&sig);
	str_free(&ams_nob);
	str_free(&as_nob);
	return ret;
}

/* arc_sealed_free - release the fields */
void
arc_sealed_free(struct arc_sealed *s)
{
	str_free(&s->aar);
	str_free(&s->ams);
	str_free(&s->as);
}
