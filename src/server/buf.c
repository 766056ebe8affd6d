/*
 * buf.c: a pool of large buffers (receive buffers, Rread replies).
 *
 * Large buffers are what glibc serves with mmap: a fresh one costs a
 * system call and a page fault per 4 KiB on first touch. Keeping a few
 * warm ones around makes a 1 MiB read cost one copy, not 256 faults.
 * Buffers of one size class (the server's msize plus slack) are pooled;
 * others go to malloc.
 */
#include <pthread.h>
#include <stdlib.h>

#include "server/buf.h"

#define POOL_MAX 64

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static void *pool[POOL_MAX]; /* under pool_lock */
static unsigned npool; /* under pool_lock */
static size_t pool_size; /* set once before any use */

void p9__buf_pool_init(size_t size)
{
	pool_size = size;
}

void *p9__buf_get(size_t size, size_t *cap)
{
	if (size <= pool_size && size > pool_size / 4) {
		void *b = NULL;
		pthread_mutex_lock(&pool_lock);
		if (npool)
			b = pool[--npool];
		pthread_mutex_unlock(&pool_lock);
		if (!b)
			b = malloc(pool_size);
		*cap = b ? pool_size : 0;
		return b;
	}
	*cap = size;
	return malloc(size);
}

void p9__buf_put(void *b, size_t cap)
{
	if (!b)
		return;
	if (cap == pool_size) {
		pthread_mutex_lock(&pool_lock);
		if (npool < POOL_MAX) {
			pool[npool++] = b;
			b = NULL;
		}
		pthread_mutex_unlock(&pool_lock);
	}
	free(b);
}

void p9__buf_pool_drain(void)
{
	pthread_mutex_lock(&pool_lock);
	while (npool)
		free(pool[--npool]);
	pthread_mutex_unlock(&pool_lock);
}
