/*
 * mem - allocation wrappers that never return NULL; see mem.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/mem.h"

/* mem_oom - out of memory: nothing sensible can continue */
static void
mem_oom(size_t size)
{
	log_fatal("out of memory allocating %zu bytes", size);
}

/* mem_alloc - malloc that never returns NULL */
void *
mem_alloc(size_t size)
{
	void *p;

	if ((p = malloc(size ? size : 1)) == NULL)
		mem_oom(size);
	return p;
}

/* mem_calloc - calloc that never returns NULL */
void *
mem_calloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		mem_oom(n * size);
	return p;
}

/* mem_realloc - realloc that never returns NULL */
void *
mem_realloc(void *ptr, size_t size)
{
	void *p;

	if ((p = realloc(ptr, size ? size : 1)) == NULL)
		mem_oom(size);
	return p;
}

/* mem_grow - room for one more element, doubling the capacity */
void *
mem_grow(void *ptr, size_t n, size_t size)
{
	size_t cap;

	if (ptr != NULL && (n < 4 || (n & (n - 1)) != 0))
		return ptr;		/* below the capacity n implies */
	cap = n < 4 ? 4 : 2 * n;
	if (cap > (size_t)-1 / size)
		log_fatal("out of memory (array of %zu elements)", n);
	return mem_realloc(ptr, cap * size);
}

/* mem_strdup - copy a string; NULL stays NULL */
char *
mem_strdup(const char *s)
{
	return s == NULL ? NULL : mem_memdup(s, strlen(s) + 1);
}

/* mem_strndup - copy at most n bytes of a string, always terminated */
char *
mem_strndup(const char *s, size_t n)
{
	size_t len;
	char *p;

	if (s == NULL)
		return NULL;
	for (len = 0; len < n && s[len] != '\0'; len++)
		;
	p = mem_alloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* mem_memdup - copy a block of memory */
void *
mem_memdup(const void *src, size_t n)
{
	void *p;

	p = mem_alloc(n);
	if (n > 0)
		memcpy(p, src, n);
	return p;
}

/* mem_free - release memory from the functions above */
void
mem_free(void *ptr)
{
	free(ptr);
}
