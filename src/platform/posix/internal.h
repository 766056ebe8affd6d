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

#include "platform/common/fault.h"

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
