/*
 * arc_key - a signer's public key from its DKIM key record; see arc_key.h.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "util/mem.h"
#include "util/siphash.h"
#include "util/str.h"
#include "arc/arc_key.h"
#include "arc/arc_tags.h"

/* arc_base64_decode - base64 with white space inside into bytes */
int
arc_base64_decode(const char *text, size_t len, str *out)
{
	str clean;
	size_t i, pad;
	int n;

	str_init(&clean);
	str_append(&clean, "");
	for (i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' &&
		    text[i] != '\n')
			str_append_c(&clean, text[i]);
	str_reset(out);
	str_append(out, "");
	if (clean.len == 0 || clean.len % 4 != 0) {
		str_free(&clean);
		return -1;
	}
	pad = 0;
	if (clean.buf[clean.len - 1] == '=')
		pad++;
	if (clean.buf[clean.len - 2] == '=')
		pad++;
	/* "=" only as padding at the end */
	if (memchr(clean.buf, '=', clean.len - pad) != NULL) {
		str_free(&clean);
		return -1;
	}
	str_truncate(out, 0);
	for (i = 0; i < clean.len / 4 * 3 + 1; i++)
		str_append_c(out, 0);
	n = EVP_DecodeBlock((unsigned char *)out->buf,
	    (const unsigned char *)clean.buf, (int)clean.len);
	str_free(&clean);
	if (n < 0 || (size_t)n < pad)
		return -1;
	str_truncate(out, (size_t)n - pad);
	return 0;
}

/* arc_key_parse - a key record into a key */
int
arc_key_parse(const char *record, size_t len, EVP_PKEY **key, str *why)
{
	struct arc_tags t;
	const char *v, *k, *p;
	const unsigned char *der;
	str rec, bytes;
	int ret = -1;

	*key = NULL;
	str_init(&rec);
	str_init(&bytes);
	if (memchr(record, '\0', len) != NULL) {
		str_append(why, "the key record holds a NUL byte");
		str_free(&rec);
		return -1;
	}
	str_append_n(&rec, record, len);
	if (arc_tags_parse(&t, str_cstr(&rec), why) != 0) {
		str_append(why, " (in the key record)");
		goto done;
	}
	if ((v = arc_tags_get(&t, "v")) != NULL &&
	    (strcmp(v, "DKIM1") != 0 || strcmp(t.t[0].name, "v") != 0)) {
		str_append(why, "the key record's v= is not DKIM1 first");
		goto done;
	}
	if ((v = arc_tags_get(&t, "h")) != NULL &&
	    !arc_tags_list_has(v, "sha256", 0)) {
		str_append(why, "the key record's h= does not allow sha256");
		goto done;
	}
	if ((v = arc_tags_get(&t, "s")) != NULL &&
	    !arc_tags_list_has(v, "email", 0) &&
	    !arc_tags_list_has(v, "*", 0)) {
		str_append(why, "the key record's s= is not for email");
		goto done;
	}
	k = arc_tags_get(&t, "k");
	if (k == NULL)
		k = "rsa";
	if ((p = arc_tags_get(&t, "p")) == NULL) {
		str_append(why, "the key record has no p=");
		goto done;
	}
	if (*p == '\0') {
		str_append(why, "the key is revoked (empty p=)");
		goto done;
	}
	if (arc_base64_decode(p, strlen(p), &bytes) != 0) {
		str_append(why, "the key record's p= is not base64");
		goto done;
	}
	der = (const unsigned char *)bytes.buf;
	if (strcmp(k, "rsa") == 0) {
		*key = d2i_PUBKEY(NULL, &der, (long)bytes.len);
		if (*key == NULL) {
			/* some publish the bare RSAPublicKey */
			der = (const unsigned char *)bytes.buf;
			*key = d2i_PublicKey(EVP_PKEY_RSA, NULL, &der,
			    (long)bytes.len);
		}
		if (*key == NULL || EVP_PKEY_base_id(*key) != EVP_PKEY_RSA) {
			str_append(why, "the key record's p= is not an RSA "
			    "key");
			goto done;
		}
		if (EVP_PKEY_bits(*key) < ARC_RSA_MIN_BITS) {
			str_appendf(why, "the RSA key has %d bits, fewer than "
			    "%d (RFC 8301)", EVP_PKEY_bits(*key),
			    ARC_RSA_MIN_BITS);
			goto done;
		}
		if (EVP_PKEY_bits(*key) > ARC_RSA_MAX_BITS) {
			str_appendf(why, "the RSA key has %d bits, more than "
			    "%d", EVP_PKEY_bits(*key), ARC_RSA_MAX_BITS);
			goto done;
		}
	} else if (strcmp(k, "ed25519") == 0) {
		if (bytes.len != 32) {
			str_append(why, "the Ed25519 key is not 32 bytes");
			goto done;
		}
		*key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
		    der, 32);
		if (*key == NULL) {
			str_append(why, "the Ed25519 key cannot be read");
			goto done;
		}
	} else {
		str_append(why, "the key record's k= is neither rsa nor "
		    "ed25519");
		goto done;
	}
	ret = 0;
done:
	if (ret != 0 && *key != NULL) {
		EVP_PKEY_free(*key);
		*key = NULL;
	}
	arc_tags_free(&t);
	str_free(&rec);
	str_free(&bytes);
	return ret;
}

#define ARC_KEY_CACHE	64	/* slots; a new key takes its slot's place */

static struct {
	char		*record;
	size_t		 len;
	EVP_PKEY	*key;
} arc_key_cache[ARC_KEY_CACHE];
static pthread_mutex_t arc_key_lock = PTHREAD_MUTEX_INITIALIZER;

/* arc_key_cached - a parsed key, from the cache when the same record was
 * parsed before */
int
arc_key_cached(const char *record, size_t len, EVP_PKEY **key, str *why)
{
	size_t slot;

	slot = (size_t)(siphash24(siphash_process_key(), record, len) %
	    ARC_KEY_CACHE);
	(void)pthread_mutex_lock(&arc_key_lock);
	if (arc_key_cache[slot].key != NULL &&
	    arc_key_cache[slot].len == len &&
	    memcmp(arc_key_cache[slot].record, record, len) == 0) {
		*key = arc_key_cache[slot].key;
		(void)EVP_PKEY_up_ref(*key);
		(void)pthread_mutex_unlock(&arc_key_lock);
		return 0;
	}
	(void)pthread_mutex_unlock(&arc_key_lock);
	/* parsed outside the lock: other threads need not wait for it */
	if (arc_key_parse(record, len, key, why) != 0)
		return -1;
	(void)pthread_mutex_lock(&arc_key_lock);
	EVP_PKEY_free(arc_key_cache[slot].key);
	mem_free(arc_key_cache[slot].record);
	arc_key_cache[slot].record = mem_memdup(record, len);
	arc_key_cache[slot].len = len;
	arc_key_cache[slot].key = *key;
	(void)EVP_PKEY_up_ref(*key);
	(void)pthread_mutex_unlock(&arc_key_lock);
	return 0;
}
