/*
 * buf.c: pools of large buffers (receive buffers, Rread replies).
 *
 * Large buffers are what glibc serves with mmap, or carves from the top
 * of a thread's heap and gives back with madvise when freed: either way
 * a fresh one costs a system call and a page fault per 4 KiB on first
 * touch. Keeping warm ones around makes a read cost one copy, not 16
 * faults per 64 KiB. There is a pool per size class: the server's msize
 * plus slack (anything above a quarter of it), and powers of two from
 * 16 KiB up to that quarter (a 64 KiB client on a 1 MiB server uses
 * those). Smaller buffers go to malloc, whose small bins stay warm.
 *
 * Invariant: a pooled buffer of class k holds at least class_size(k)
 * bytes; p9__buf_put pools a buffer only when its cap is a class size,
 * which only p9__buf_get hands out for pooled sizes.
 */
#include <pthread.h>
#include <stdlib.h>

#include "server/buf.h"

#define POOL_MAX 64        /* buffers kept per class */
#define MIN_CLASS_SHIFT 14 /* 16 KiB */
#define NCLASS 8           /* 16 KiB .. 1 MiB, then the msize class */

struct pool {
	void *b[POOL_MAX];
	unsigned n;
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pool pools[NCLASS + 1]; /* under pool_lock; [NCLASS]: msize */
static size_t pool_size;              /* set once before any use */

void p9__buf_pool_init(size_t size)
{
	pool_size = size;
}

/* The class of a request for size bytes and its buffer size, or -1. */
static int class_of(size_t size, size_t *csize)
{
	if (size <= pool_size && size > pool_size / 4) {
		*csize = pool_size;
		return NCLASS;
	}
	if (size > pool_size / 4 || size <= (size_t)1 << (MIN_CLASS_SHIFT - 1))
		return -1;
	for (int k = 0; k < NCLASS; k++) {
		size_t cs = (size_t)1 << (MIN_CLASS_SHIFT + k);
		if (size <= cs) {
			*csize = cs;
			return k;
		}
	}
	return -1;
}

/* The class whose buffers have exactly cap bytes, or -1. */
static int class_of_cap(size_t cap)
{
	if (cap == pool_size)
		return NCLASS;
	size_t cs;
	int k = class_of(cap, &cs);
	return k >= 0 && k < NCLASS && cs == cap ? k : -1;
}

void *p9__buf_get(size_t size, size_t *cap)
{
	size_t cs;
	int k = class_of(size, &cs);
	if (k < 0) {
		*cap = size;
		return malloc(size);
	}
	void *b = NULL;
	pthread_mutex_lock(&pool_lock);
	if (pools[k].n)
		b = pools[k].b[--pools[k].n];
	pthread_mutex_unlock(&pool_lock);
	if (!b)
		b = malloc(cs);
	*cap = b ? cs : 0;
	return b;
}

void p9__buf_put(void *b, size_t cap)
{
	if (!b)
		return;
	int k = class_of_cap(cap);
	if (k >= 0) {
		pthread_mutex_lock(&pool_lock);
		if (pools[k].n < POOL_MAX) {
			pools[k].b[pools[k].n++] = b;
			b = NULL;
		}
		pthread_mutex_unlock(&pool_lock);
	}
	free(b);
}

void p9__buf_pool_drain(void)
{
	pthread_mutex_lock(&pool_lock);
	for (int k = 0; k <= NCLASS; k++)
		while (pools[k].n)
			free(pools[k].b[--pools[k].n]);
	pthread_mutex_unlock(&pool_lock);
}
