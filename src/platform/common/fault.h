/*
 * fault.h: the fault table every platform layer shares (common/fault.c),
 * included by each layer's internal.h and nothing else.
 *
 * Invariant: p9__fault() costs one relaxed atomic load when no fault is
 * armed; every wrapper that touches the host calls it first.
 */
#ifndef P9_PLATFORM_COMMON_FAULT_H
#define P9_PLATFORM_COMMON_FAULT_H

#include <stdatomic.h>

#include "platform/platform.h"

/* fault.c: the table, one slot per enum p9_os_call. `err` is the armed
 * error (0: none); it is written last by p9_os_fault_inject (release) so
 * that a thread that sees it armed also sees skip/times/count. */
struct p9__fault {
	atomic_int err;
	atomic_uint skip, times;
	atomic_uint_fast64_t count; /* calls seen since armed */
};
extern struct p9__fault p9__faults[P9_OS_NCALLS];
int p9__fault_hit(enum p9_os_call call);

/* 0: go ahead; a negative Linux errno: fail with it; P9_OS_FAULT_SHORT:
 * a read or write should move half the bytes (others ignore it). */
static inline int p9__fault(enum p9_os_call call)
{
	if (atomic_load_explicit(&p9__faults[call].err, memory_order_relaxed) == 0)
		return 0;
	return p9__fault_hit(call);
}

/* A fault result as a wrapper's return value: SHORT means "go ahead" for
 * every call that moves no data. */
static inline int p9__fault_err(enum p9_os_call call)
{
	int f = p9__fault(call);
	return f < 0 ? f : 0;
}

#endif
