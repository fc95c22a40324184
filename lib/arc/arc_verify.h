/*
 * arc_verify - validation of a message's ARC chain (RFC 8617 5.2) as the
 * message streams in. Each signer key lookup starts when its ARC-Seal or
 * ARC-Message-Signature field arrives; the body is hashed only when the
 * header holds a chain of the right form (or when a seal will be added).
 *
 *	arc_verifier_new(resolver, keep) - a verifier for one message; with
 *		keep, every header field and the relaxed SHA-256 body hash
 *		are kept even without a chain (arc_seal needs them).
 *	arc_verifier_header(v, name, value, len) - every header field, in
 *		order; value as in the message after the colon.
 *	arc_verifier_body(v, bytes, n) - body bytes; 0 when no more are
 *		needed.
 *	arc_verifier_end(v, deadline, result) - validate: the chain's form
 *		(arc_chain), the newest ARC-Message-Signature (step 5), every
 *		ARC-Seal newest first (step 7), and the oldest instance whose
 *		ARC-Message-Signature still verifies (step 6). Key lookups
 *		that have not answered by the deadline fail the chain.
 *		result points into v (valid until arc_verifier_free).
 *	arc_verifier_free(v)
 *
 *	arc_sig_check(tags, kind, why) - the tags an ARC-Seal (ARC_SEAL) or
 *		ARC-Message-Signature (ARC_AMS) must have, with values of the
 *		right form (an h= of at most ARC_H_MAX names); 0, or -1 and
 *		why.
 * Hostile chains are bounded: at most ARC_FIELDS_BYTES_MAX bytes of ARC
 * fields and ARC_HEADER_MAX of header are looked at, more fail the chain.
 *	arc_alg(name, &md, &ed25519) - "rsa-sha256" or "ed25519-sha256"; -1
 *		for any other (rsa-sha1 is refused, RFC 8301).
 *
 * Shared with arc_seal: struct arc_header (a kept field),
 * arc_seal_input(out, aar, ams, as, last) (one set as an ARC-Seal covers
 * it: the three fields in relaxed form, the seal's b= left out when it is
 * the seal being signed) and arc_ams_input(headers, n, h, name, value,
 * relaxed, out) (what an ARC-Message-Signature covers: the fields h=
 * names, each taken from the bottom up, then the signature field itself
 * without its b= value).
 */
#ifndef AUTHGATE_ARC_VERIFY_H
#define AUTHGATE_ARC_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "util/str.h"
#include "dns/dns.h"
#include "arc/arc_chain.h"
#include "arc/arc_tags.h"

#define ARC_HEADER_MAX		(1024 * 1024)	/* bytes of header kept */
#define ARC_HEADER_FIELDS_MAX	2000
#define ARC_FIELDS_BYTES_MAX	(128 * 1024)	/* of all ARC fields: each
						 * seal hashes the sets below
						 * it again */
#define ARC_H_MAX		128	/* names in one AMS h= */

enum arc_cv {
	ARC_CV_NONE, ARC_CV_PASS, ARC_CV_FAIL
};

struct arc_set_info {
	unsigned	 instance;
	const char	*sealer;	/* the ARC-Seal's d=, "" if none */
	const char	*aar;		/* the ARC-Authentication-Results
					 * value after "i=N;" */
	int		 body_limited;	/* its AMS has l=: text may have
					 * been added below what it signed */
};

struct arc_result {
	enum arc_cv		 cv;
	unsigned		 n;		/* sets in the chain */
	unsigned		 oldest_pass;	/* 0: every AMS verified */
	const char		*why;		/* fail: which rule, in words */
	int			 temporary;	/* fail: a key lookup failed for
						 * now (DNS), not the chain */
	unsigned		 top;		/* highest instance seen */
	int			 sealable;	/* a new set may be added */
	struct arc_set_info	 set[ARC_SETS_MAX];
};

struct arc_header {
	char	*name;
	char	*value;
	size_t	 len;
};

typedef struct arc_verifier arc_verifier;

arc_verifier	*arc_verifier_new(dns_resolver *, int);
void		 arc_verifier_header(arc_verifier *, const char *,
		    const char *, size_t);
int		 arc_verifier_body(arc_verifier *, const unsigned char *,
		    size_t);
void		 arc_verifier_end(arc_verifier *, int64_t,
		    struct arc_result *);
void		 arc_verifier_free(arc_verifier *);

/* for arc_seal */
const struct arc_header *arc_verifier_headers(const arc_verifier *,
		    size_t *);
int		 arc_verifier_body_hash(const arc_verifier *,
		    const unsigned char **, unsigned *);
const struct arc_chain *arc_verifier_chain(const arc_verifier *);
int		 arc_sig_check(const struct arc_tags *, enum arc_kind, str *);
int		 arc_alg(const char *, const EVP_MD **, int *);
void		 arc_seal_input(str *, const char *, const char *,
		    const char *, int);
void		 arc_ams_input(const struct arc_header *, size_t,
		    const char *, const char *, const char *, int, str *);

#endif
