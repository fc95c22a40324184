/*
 * dkim - DKIM verification (RFC 6376, RFC 8463 ed25519, RFC 8301 limits)
 * with libopendkim as the engine and our resolver underneath (its query
 * hooks: no libresolv). Every signature of a message is judged on its
 * own; the results are facts for DMARC and the verdict engine.
 *
 *	dkim_engine_create(opts, err) - one per config: the minimum RSA key
 *		size (default 1024, RFC 8301), whether rsa-sha1 counts, the
 *		most signatures verified per message, the lookup timeout.
 *	dkim_engine_free(e)
 *	dkim_verifier_new(e, res) - one per message; its key lookups must
 *		be answered within the engine's timeout from now, or from
 *		the end of the message when that is later (they are waited
 *		for there).
 *	dkim_related(d, domain) - is d= the domain, or above or under it
 *		(any case): the author domain's signatures come first, and a
 *		MAIL FROM domain's key hints are of its own tree (or of the
 *		signature DMARC found aligned, session/hints.c).
 *	dkim_verifier_hold(v, hold) - look keys up through the
 *		transaction's hold (dns_hold.h), where lookups started before
 *		the message (dkim_keyhint.h) are waiting; it stays the
 *		caller's.
 *	dkim_verifier_header(v, name, value, len) - one header field as it
 *		arrived (value with its folding; a bare LF becomes CRLF). A
 *		DKIM-Signature field starts the lookup of its key at once,
 *		long before the body is in, held (dns_hold) until
 *		libopendkim asks for that key: one lookup, cache or not. A
 *		value holding
 *		a NUL byte is refused (-1): libopendkim reads C strings and
 *		would read past it; the message gets a message-level error
 *		and every signature of it is permerror.
 *	dkim_verifier_from(v, domain) - the author domain, once known:
 *		signatures of that domain are verified first when a message
 *		carries more than the limit.
 *	dkim_verifier_body(v, chunk, len) - body bytes (CRLF line ends);
 *		returns 0 when no more body is needed (no signature), 1 else.
 *		It never waits for a key: keys are waited for in
 *		dkim_verifier_end, so the body is hashed while they come.
 *	dkim_verifier_end(v, out) - finish and fill out with one result per
 *		signature, top-down (none at all: dkim=none).
 *	dkim_verifier_free(v)
 *	dkim_message_result(results) - the message's DKIM result, the best
 *		of its signatures (pass, then temperror, fail, policy,
 *		permerror, neutral); none when unsigned. DMARC, the verdict
 *		and the reports all mean this one when they say "dkim=".
 *	dkim_key_found(r) - does a signature with this result have its key
 *		from DNS: pass, fail and policy are only given once the key
 *		was fetched and decoded (libopendkim verifies nothing before
 *		it has the key), the others had none, could not use it or
 *		were not evaluated.
 *	dkim_results_clear(out), dkim_result_name(r)
 *
 * Result words are RFC 8601's: pass; fail (signature or body hash does
 * not verify); neutral (a signature we cannot evaluate: syntax, version,
 * expired, not verified because of the limit); policy (verifies but is
 * not acceptable here: rsa-sha1, key too small); temperror (the key
 * lookup failed temporarily); permerror (no key, revoked, unusable key).
 * A key published as a bare PKCS#1 RSAPublicKey (RFC 6376 3.6.1 words it
 * so) is handed to libopendkim as the SubjectPublicKeyInfo it expects.
 */
#ifndef AUTHGATE_DKIM_H
#define AUTHGATE_DKIM_H

#include <stddef.h>
#include <stdint.h>

#include "util/str.h"
#include "dns/dns.h"
#include "dns/dns_hold.h"

enum dkim_result {
	DKIMR_NONE, DKIMR_PASS, DKIMR_FAIL, DKIMR_NEUTRAL, DKIMR_POLICY,
	DKIMR_TEMPERROR, DKIMR_PERMERROR
};
#define DKIMR_COUNT	(DKIMR_PERMERROR + 1)

struct dkim_options {
	unsigned	 min_key_bits;
	int		 allow_sha1;
	unsigned	 max_signatures;
	int		 timeout_ms;
};

struct dkim_sig {
	enum dkim_result result;
	char		*domain;	/* d= */
	char		*selector;	/* s= */
	char		*identity;	/* i=, or NULL */
	char		*algorithm;	/* "rsa-sha256", "ed25519-sha256" */
	char		*b;		/* the first characters of b= */
	unsigned	 keybits;	/* RSA key size, 0 for ed25519/none */
	char		*reason;	/* plain words unless pass */
};

struct dkim_results {
	int		 checked;
	size_t		 n;
	struct dkim_sig	*sigs;
	char		*error;		/* message-level trouble, or NULL */
};

typedef struct dkim_engine dkim_engine;
typedef struct dkim_verifier dkim_verifier;

dkim_engine	*dkim_engine_create(const struct dkim_options *, str *);
void		 dkim_engine_free(dkim_engine *);
dkim_verifier	*dkim_verifier_new(dkim_engine *, dns_resolver *);
void		 dkim_verifier_hold(dkim_verifier *, dns_hold *);
int		 dkim_verifier_header(dkim_verifier *, const char *,
		    const char *, size_t);
void		 dkim_verifier_from(dkim_verifier *, const char *);
int		 dkim_verifier_body(dkim_verifier *, const unsigned char *,
		    size_t);
void		 dkim_verifier_end(dkim_verifier *, struct dkim_results *);
void		 dkim_verifier_free(dkim_verifier *);
void		 dkim_results_clear(struct dkim_results *);
int		 dkim_related(const char *, const char *);
enum dkim_result dkim_message_result(const struct dkim_results *);
int		 dkim_key_found(enum dkim_result);
const char	*dkim_result_name(enum dkim_result);

#endif
