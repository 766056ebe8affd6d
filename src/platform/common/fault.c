/*
 * fault.c: the fault table, so tests can make any kind of host call fail
 * (after SQLite's swappable system-call table).
 *
 * Invariants:
 *  - A slot is armed iff its err is non-zero. p9_os_fault_inject disarms
 *    the slot, writes skip/times/count, then arms it with a release store,
 *    so a caller that sees err != 0 (and then loads with acquire) sees the
 *    matching counters.
 *  - Every call that sees the slot armed takes a ticket (count); ticket n
 *    fails iff skip <= n and (times == 0 or n < skip + times). Tickets make
 *    the "exactly `times` failures" promise hold under concurrent callers.
 *  - A slot that has used up its failures disarms itself, so the hot path
 *    goes back to one relaxed load.
 */
#include <stdatomic.h>

#include "platform/common/fault.h"

struct p9__fault p9__faults[P9_OS_NCALLS];

int p9__fault_hit(enum p9_os_call call)
{
	struct p9__fault *f = &p9__faults[call];
	int err = atomic_load_explicit(&f->err, memory_order_acquire);
	if (err == 0)
		return 0;
	uint64_t skip = atomic_load_explicit(&f->skip, memory_order_relaxed);
	uint64_t times = atomic_load_explicit(&f->times, memory_order_relaxed);
	uint64_t n = atomic_fetch_add_explicit(&f->count, 1, memory_order_relaxed);
	if (n < skip)
		return 0;
	if (times != 0 && n >= skip + times) {
		/* Used up: disarm, unless someone re-armed it meanwhile. */
		atomic_compare_exchange_strong_explicit(&f->err, &err, 0, memory_order_relaxed,
		                                        memory_order_relaxed);
		return 0;
	}
	return err;
}

void p9_os_fault_inject(enum p9_os_call call, int err, unsigned skip, unsigned times)
{
	if ((unsigned)call >= P9_OS_NCALLS)
		return;
	/* The contract asks for a negative errno; a positive one other than
	 * SHORT is taken to mean its negation rather than returned as a
	 * "success" that no caller expects. */
	if (err > P9_OS_FAULT_SHORT)
		err = -err;
	struct p9__fault *f = &p9__faults[call];
	atomic_store_explicit(&f->err, 0, memory_order_relaxed);
	atomic_store_explicit(&f->skip, skip, memory_order_relaxed);
	atomic_store_explicit(&f->times, times, memory_order_relaxed);
	atomic_store_explicit(&f->count, 0, memory_order_relaxed);
	atomic_store_explicit(&f->err, err, memory_order_release);
}

void p9_os_fault_clear(void)
{
	for (int i = 0; i < P9_OS_NCALLS; i++)
		atomic_store_explicit(&p9__faults[i].err, 0, memory_order_release);
}
