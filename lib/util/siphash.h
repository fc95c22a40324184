/*
 * siphash - SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit
 * hash for tables whose keys come from outside. With a secret random key
 * nobody can compute names that land in one bucket, which an unkeyed
 * hash (FNV-1a) let anyone do with a few steering characters.
 *
 *	siphash24(key, data, len) - the hash of len bytes under a 16-byte
 *		key.
 *	siphash_process_key() - a 16-byte key drawn from getrandom() once
 *		per process (from the clock and PID if that fails, which
 *		still differs per process).
 */
#ifndef AUTHGATE_SIPHASH_H
#define AUTHGATE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t	 siphash24(const unsigned char *, const void *, size_t);
const unsigned char *siphash_process_key(void);

#endif
