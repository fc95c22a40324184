/*
 * mem - allocation wrappers that never return NULL.
 *
 * mem_alloc(size), mem_calloc(n, size), mem_realloc(ptr, size),
 * mem_strdup(s), mem_strndup(s, n), mem_memdup(p, n) allocate like their
 * libc namesakes; mem_free(ptr) releases. On out-of-memory they log and
 * terminate the process (log_fatal), so callers never handle NULL and no
 * error path is left half-done. A size of zero is treated as one byte.
 *
 * mem_grow(ptr, n, size) - room for element n (0-based) of an array of
 * size-byte elements that holds n now and only ever grows by appending
 * through mem_grow: its capacity is the power of two at or above its count
 * (at least 4), so it is reallocated only when n reaches one. Appending
 * n elements costs O(n), where a realloc per element copied O(n^2).
 */
#ifndef AUTHGATE_MEM_H
#define AUTHGATE_MEM_H

#include <stddef.h>

void	*mem_alloc(size_t);
void	*mem_calloc(size_t, size_t);
void	*mem_realloc(void *, size_t);
void	*mem_grow(void *, size_t, size_t);
char	*mem_strdup(const char *);
char	*mem_strndup(const char *, size_t);
void	*mem_memdup(const void *, size_t);
void	 mem_free(void *);

#endif
