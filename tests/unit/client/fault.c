/*
 * fault.c: allocation failures on demand, for the client's ENOMEM paths.
 *
 * The test binary is linked with -Wl,--wrap=malloc,realloc,calloc, so every
 * call from the client library (and from these tests) lands here first.
 * Failures are armed per thread: the fake server thread keeps allocating
 * normally while the thread under test runs out of memory.
 */
#include <stddef.h>
#include <stdlib.h>

#include "fake.h"

void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_calloc(size_t k, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_calloc(size_t k, size_t n);

/* -1: never fail; k >= 0: k more allocations succeed, then all fail */
static _Thread_local long budget = -1;

void fault_after(long k)
{
	budget = k;
}

void fault_off(void)
{
	budget = -1;
}

static int denied(void)
{
	if (budget < 0)
		return 0;
	if (budget == 0)
		return 1;
	budget--;
	return 0;
}

void *__wrap_malloc(size_t n)
{
	return denied() ? NULL : __real_malloc(n);
}

void *__wrap_realloc(void *p, size_t n)
{
	return denied() ? NULL : __real_realloc(p, n);
}

void *__wrap_calloc(size_t k, size_t n)
{
	return denied() ? NULL : __real_calloc(k, n);
}
