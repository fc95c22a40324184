/*
 * siphash - SipHash-2-4; see siphash.h. Written from the definition in
 * the paper: four 64-bit words of state from the key, two compression
 * rounds per 8-byte little-endian message word, the length in the top
 * byte of the last word, four finalization rounds.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "util/siphash.h"

static unsigned char siphash_key[16];
static pthread_once_t siphash_once = PTHREAD_ONCE_INIT;

/* sip_rotl - rotate a word left */
static uint64_t
sip_rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

/* sip_le64 - eight bytes as a little-endian word */
static uint64_t
sip_le64(const unsigned char *p)
{
	uint64_t v;
	int i;

	for (v = 0, i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* sip_round - one SipRound over the state */
static void
sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = sip_rotl(v[1], 13);
	v[1] ^= v[0];
	v[0] = sip_rotl(v[0], 32);
	v[2] += v[3];
	v[3] = sip_rotl(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = sip_rotl(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = sip_rotl(v[1], 17);
	v[1] ^= v[2];
	v[2] = sip_rotl(v[2], 32);
}

/* sip_compress - absorb one message word */
static void
sip_compress(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
}

/* siphash24 - the keyed hash of a byte string */
uint64_t
siphash24(const unsigned char *key, const void *data, size_t len)
{
	const unsigned char *p = data;
	unsigned char last[8];
	uint64_t k0, k1, v[4];
	size_t i, rest;

	k0 = sip_le64(key);
	k1 = sip_le64(key + 8);
	v[0] = k0 ^ 0x736f6d6570736575ULL;	/* "somepseudorandomlygeneratedbytes" */
	v[1] = k1 ^ 0x646f72616e646f6dULL;
	v[2] = k0 ^ 0x6c7967656e657261ULL;
	v[3] = k1 ^ 0x7465646279746573ULL;
	for (i = 0; i + 8 <= len; i += 8)
		sip_compress(v, sip_le64(p + i));
	rest = len - i;
	memset(last, 0, sizeof(last));
	memcpy(last, p + i, rest);
	last[7] = (unsigned char)len;
	sip_compress(v, sip_le64(last));
	v[2] ^= 0xff;
	sip_round(v);
	sip_round(v);
	sip_round(v);
	sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* siphash_draw_key - the process key, once */
static void
siphash_draw_key(void)
{
	struct timespec ts;
	uint64_t mix;
	size_t got;
	ssize_t n;

	for (got = 0; got < sizeof(siphash_key); got += (size_t)n) {
		do
			n = getrandom(siphash_key + got,
			    sizeof(siphash_key) - got, 0);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			break;
	}
	if (got == sizeof(siphash_key))
		return;
	/* no entropy source: still a key nobody outside can read off */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	mix = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
	    ((uint64_t)getpid() << 40);
	memcpy(siphash_key, &mix, sizeof(mix));
	clock_gettime(CLOCK_REALTIME, &ts);
	mix = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30);
	memcpy(siphash_key + 8, &mix, sizeof(mix));
}

/* siphash_process_key - the key of this process */
const unsigned char *
siphash_process_key(void)
{
	pthread_once(&siphash_once, siphash_draw_key);
	return siphash_key;
}
