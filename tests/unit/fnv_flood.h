/*
 * fnv_flood - names that all land in one bucket of a table hashed with
 * the FNV-1a of type and name that the DNS cache used before SipHash:
 * the attack a sender could mount with four steering characters at the
 * end of a name (meet in the middle over the invertible FNV steps). The
 * tests and the flood benchmark use them to show that the keyed hash
 * spreads such names like any others.
 *
 *	fnv_flood_names(n, bits, type, prefix) - n distinct names
 *		"<prefix><i>-xxxx" whose old hash has the low bits zero (all
 *		in bucket 0 of a 2^bits table); free with fnv_flood_free.
 *	fnv_flood_old_hash(name, type) - that old hash.
 */
#ifndef AUTHGATE_TEST_FNV_FLOOD_H
#define AUTHGATE_TEST_FNV_FLOOD_H

#include <stddef.h>

char		**fnv_flood_names(size_t, unsigned, int, const char *);
void		 fnv_flood_free(char **, size_t);
unsigned	 fnv_flood_old_hash(const char *, int);

#endif
