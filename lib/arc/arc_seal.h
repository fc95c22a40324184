/*
 * arc_seal - adding our ARC set to a message (RFC 8617 5.1): the
 * ARC-Authentication-Results with our own results, an
 * ARC-Message-Signature over the header fields named and the body, and
 * an ARC-Seal over the whole chain, signed with rsa-sha256 or
 * ed25519-sha256 (RFC 8463).
 *
 *	arc_seal_key_load(path, &key, why) - a PEM private key file (RSA of
 *		at least 1024 bits, or Ed25519); 0, or -1 and why.
 *	arc_seal_key_pem(text, len, &key, why) - the same from PEM text.
 *	arc_seal(params, verifier, result, out, why) - the three fields of
 *		the next set, given the message as the verifier kept it
 *		(arc_verifier_new with keep) and its validation result: the
 *		new seal says cv=none when there was no chain, pass or fail
 *		as validated. Returns 1 and the fields in out, 0 when no set
 *		may be added (the newest seal already says cv=fail, 50 sets
 *		are there, or a key lookup failed for now so the chain's
 *		status is not known: why says which), -1 and why on an
 *		error.
 *		The fields are values for a header field of that name,
 *		folded with LF + tab; add them above every other field, the
 *		ARC-Seal on top.
 */
#ifndef AUTHGATE_ARC_SEAL_H
#define AUTHGATE_ARC_SEAL_H

#include <openssl/evp.h>

#include "util/str.h"
#include "arc/arc_verify.h"

struct arc_seal_params {
	EVP_PKEY	*key;
	const char	*domain;	/* d= */
	const char	*selector;	/* s= */
	const char	*headers;	/* names to sign, colon-separated;
					 * each is signed as often as it
					 * occurs, absent ones are left out */
	const char	*authserv_id;
	const char	*results;	/* our A-R results after the
					 * authserv-id: "spf=pass ...; dkim=" */
	long long	 t;		/* signing time */
};

struct arc_sealed {
	unsigned	 instance;
	str		 aar, ams, as;
};

int	arc_seal_key_load(const char *, EVP_PKEY **, str *);
int	arc_seal_key_pem(const char *, size_t, EVP_PKEY **, str *);
int	arc_seal(const struct arc_seal_params *, const arc_verifier *,
	    const struct arc_result *, struct arc_sealed *, str *);
void	arc_sealed_free(struct arc_sealed *);

#endif
