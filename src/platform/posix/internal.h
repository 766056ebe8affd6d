/*
 * internal.h: what the files of the POSIX platform layer share, and nothing
 * else (never included outside src/platform/posix/).
 *
 * Invariants:
 *  - p9__err() is the only place a host errno becomes a returned value, so
 *    every error leaving this layer is a negative Linux errno.
 *  - p9__fault() costs one relaxed atomic load when no fault is armed; every
 *    wrapper that touches the host calls it first.
 *  - p9__check_name() is a second line of defence: the caller already
 *    refused these names, but a name that could climb out of a directory
 *    must never reach an *at() call even if some caller forgets.
 */
#ifndef P9_PLATFORM_POSIX_INTERNAL_H
#define P9_PLATFORM_POSIX_INTERNAL_H

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/stat.h>

#include "platform/platform.h"

/* Retry a call that reports failure as -1/errno while it fails with EINTR.
 * Used by every call that must not surface EINTR (all but a waiting
 * p9_os_setlk): the interrupt signal has no SA_RESTART, so a worker that is
 * signalled while in a slow call would otherwise see spurious EINTRs. */
#define P9__RETRY(r, expr)                                                                         \
	do                                                                                         \
		(r) = (expr);                                                                      \
	while ((r) == -1 && errno == EINTR)

/* errno.c: a host errno (positive) as a negative Linux errno. */
int p9__err(int host_errno);

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
	int f = p9__fault_hit(call);
	/* An injected EINTR is a host call interrupted by a signal, retried
	 * like a real one (P9__RETRY), except by waiting locks: only they
	 * let EINTR out. */
	while (f == -EINTR && call != P9_OS_CALL_LOCK)
		f = p9__fault_hit(call);
	return f;
}

/* A fault result as a wrapper's return value: SHORT means "go ahead" for
 * every call that moves no data. */
static inline int p9__fault_err(enum p9_os_call call)
{
	int f = p9__fault(call);
	return f < 0 ? f : 0;
}

/* files.c */
int p9__check_name(const char *name);
/* Host open(2) flags for P9_DOTL_* flags (plus P9_OS_O_PATH), or -EINVAL.
 * Adds O_CLOEXEC|O_NOCTTY always; the caller adds O_NOFOLLOW where due. */
int p9__open_flags(uint32_t flags, int *host);
/* "/proc/self/fd/N" for fd, the way to reach the file an O_PATH handle
 * names with calls that refuse O_PATH handles. buf holds at least
 * P9__FDPATH_MAX bytes. Linux only. */
#define P9__FDPATH_MAX 32
void p9__fd_path(int fd, char *buf);
/* The error of a call through p9__fd_path: ENOENT there means the handle
 * is not open (EBADF, as the f*() call would say), unless the handle is
 * fine and /proc is what is missing. */
int p9__fd_path_err(int fd, int host_errno);

/* stat.c: host file type bits as Linux S_IF* numbering and back (the same
 * numbers on every POSIX system we know, but said once, here). */
uint32_t p9__mode_to_linux(mode_t m);
int p9__mode_from_linux(uint32_t m, mode_t *host);

/* identity.c: save the server's own ids and groups (once); also called
 * from p9_os_thread_init, so they are saved before any worker switches. */
void p9__identity_save(void);

int p9__interrupt_signal(void); /* thread.c */

#endif
