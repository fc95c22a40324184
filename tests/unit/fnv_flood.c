/*
 * fnv_flood - names colliding under the old unkeyed hash; see fnv_flood.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fnv_flood.h"

#define FNV_PRIME	16777619u
#define FNV_BASIS	2166136261u

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
#define ALPHA	(sizeof(alphabet) - 1)

/* fnv_flood_old_hash - FNV-1a over type and name */
unsigned
fnv_flood_old_hash(const char *name, int type)
{
	unsigned h;

	h = (FNV_BASIS ^ (unsigned)type) * FNV_PRIME;
	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * FNV_PRIME;
	return h;
}

/* inverse - the inverse of an odd number modulo 2^32 (Newton) */
static unsigned
inverse(unsigned a)
{
	unsigned x = a;
	int i;

	for (i = 0; i < 5; i++)
		x *= 2 - a * x;
	return x;
}

/* fnv_flood_names - n names in bucket 0 of a 2^bits table */
char **
fnv_flood_names(size_t n, unsigned bits, int type, const char *prefix)
{
	unsigned mask, pinv, h, need, *stamp, *pair, gen;
	size_t i, a, b, c, d, got;
	char head[128], **out;
	int found;

	mask = (1u << bits) - 1;
	pinv = inverse(FNV_PRIME);
	stamp = calloc((size_t)mask + 1, sizeof(*stamp));
	pair = calloc((size_t)mask + 1, sizeof(*pair));
	out = calloc(n, sizeof(*out));
	if (stamp == NULL || pair == NULL || out == NULL)
		abort();
	for (i = 0, got = 0, gen = 0; got < n && i < 4 * n + 16; i++) {
		snprintf(head, sizeof(head), "%s%zu-", prefix, i);
		h = fnv_flood_old_hash(head, type);
		/* forwards: every state after two more characters */
		gen++;
		for (a = 0; a < ALPHA; a++)
			for (b = 0; b < ALPHA; b++) {
				unsigned s = (((h ^ (unsigned char)alphabet[a]) *
				    FNV_PRIME) ^ (unsigned char)alphabet[b]) *
				    FNV_PRIME;

				stamp[s & mask] = gen;
				pair[s & mask] = (unsigned)(a * ALPHA + b);
			}
		/* backwards from 0: the state two characters must reach */
		for (found = 0, c = 0; c < ALPHA && !found; c++)
			for (d = 0; d < ALPHA && !found; d++) {
				need = ((((0u * pinv) ^ (unsigned char)alphabet[d]) *
				    pinv) ^ (unsigned char)alphabet[c]) & mask;
				if (stamp[need] != gen)
					continue;
				out[got] = malloc(strlen(head) + 5);
				if (out[got] == NULL)
					abort();
				sprintf(out[got], "%s%c%c%c%c", head,
				    alphabet[pair[need] / ALPHA],
				    alphabet[pair[need] % ALPHA], alphabet[c],
				    alphabet[d]);
				got++;
				found = 1;
			}
	}
	free(stamp);
	free(pair);
	if (got < n)
		abort();
	return out;
}

/* fnv_flood_free - release the names */
void
fnv_flood_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
