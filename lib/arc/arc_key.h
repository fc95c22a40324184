/*
 * arc_key - the public key of a signer, from its DKIM key record
 * (RFC 6376 3.6.1) at selector._domainkey.domain, under the rules of
 * RFC 8301 (RSA keys of at least 1024 bits, no SHA-1) and RFC 8463
 * (Ed25519 keys).
 *
 *	arc_key_parse(record, len, &key, why) - 0 and a key (EVP_PKEY_free
 *		it) for a usable record; -1 and why in words for one that is
 *		not: a v= other than DKIM1 or not first, an unknown k=, an
 *		h= without sha256, an s= without "email" or "*", an empty p=
 *		(revoked), a p= that is not base64 of a key, an RSA key
 *		under 1024 bits or over 8192 (whose checks would only cost
 *		time: RFC 8301 asks verifiers for 4096 at most).
 *	arc_key_cached(record, len, &key, why) - the same through a small
 *		process-wide cache of parsed keys (OpenSSL 3 takes some 130 us
 *		to decode an RSA key, more than verifying with it; sealers
 *		are few): key is a new reference, EVP_PKEY_free it.
 *		Thread-safe.
 *	arc_base64_decode(text, len, out) - base64 with folding white space
 *		inside (as in b=, bh= and p=) into bytes; -1 if it is not.
 */
#ifndef AUTHGATE_ARC_KEY_H
#define AUTHGATE_ARC_KEY_H

#include <stddef.h>
#include <openssl/evp.h>

#include "util/str.h"

#define ARC_RSA_MIN_BITS	1024	/* RFC 8301 3.2 */
#define ARC_RSA_MAX_BITS	8192	/* larger keys only cost the verifier */

int	arc_key_parse(const char *, size_t, EVP_PKEY **, str *);
int	arc_key_cached(const char *, size_t, EVP_PKEY **, str *);
int	arc_base64_decode(const char *, size_t, str *);

#endif
