/*
 * lock.c: byte-range locks with open-file-description semantics (Linux OFD
 * locks): a lock belongs to the handle, so two fids of one process conflict
 * like two processes would, and closing one handle drops only its locks.
 *
 * Invariants:
 *  - l_pid is 0 going in (the kernel insists for OFD locks) and reported as
 *    -1 coming out: a host pid means nothing to a client.
 *  - Only a waiting p9_os_setlk surfaces EINTR; that is how a flushed Tlock
 *    gets out of F_OFD_SETLKW (p9_os_thread_interrupt).
 *  - A range whose end overflows off_t is taken as "to the end of the
 *    file", which is what a client asking for it means.
 *  - Hosts without OFD locks answer ENOLCK rather than fall back to
 *    process-owned POSIX locks, whose semantics would silently differ.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#include "p9/proto.h"

#if defined(F_OFD_SETLK)

static int to_flock(const struct p9_os_lock *lk, struct flock *fl)
{
	memset(fl, 0, sizeof *fl);
	switch (lk->type) {
	case P9_LOCK_TYPE_RDLCK:
		fl->l_type = F_RDLCK;
		break;
	case P9_LOCK_TYPE_WRLCK:
		fl->l_type = F_WRLCK;
		break;
	case P9_LOCK_TYPE_UNLCK:
		fl->l_type = F_UNLCK;
		break;
	default:
		return -EINVAL;
	}
	if (lk->start > (uint64_t)INT64_MAX)
		return -EINVAL;
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)lk->start;
	fl->l_len = lk->length > (uint64_t)INT64_MAX - lk->start ? 0 : (off_t)lk->length;
	fl->l_pid = 0;
	return 0;
}

#if defined(__linux__)
/* A waiting F_OFD_SETLKW is bounded by a per-thread timer that sends the
 * interrupt signal after WAIT_SLICE_MS: an interrupt lost just before the
 * wait began (see thread.c) then costs at most one slice, because the
 * caller re-checks whether it was cancelled and waits again. */
#define WAIT_SLICE_MS 100
static _Thread_local timer_t wait_timer;
static _Thread_local int have_timer;

static void arm_wait_timer(int on)
{
	if (!have_timer) {
		struct sigevent sev = { 0 };
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = p9__interrupt_signal();
		sev._sigev_un._tid = gettid(); /* sigev_notify_thread_id */
		if (timer_create(CLOCK_MONOTONIC, &sev, &wait_timer) < 0)
			return; /* unbounded waits: still correct, less prompt */
		have_timer = 1;
	}
	struct itimerspec its = { 0 };
	if (on)
		its.it_value.tv_nsec = WAIT_SLICE_MS * 1000000L;
	timer_settime(wait_timer, 0, &its, NULL);
}
#else
static void arm_wait_timer(int on)
{
	(void)on;
}
#endif

int p9_os_setlk(int fd, const struct p9_os_lock *lk, int wait)
{
	int err = p9__fault_err(P9_OS_CALL_LOCK);
	if (err)
		return err;
	struct flock fl;
	if ((err = to_flock(lk, &fl)) != 0)
		return err;
	int r;
	if (wait) {
		arm_wait_timer(1);
		r = fcntl(fd, F_OFD_SETLKW, &fl);
		int saved = errno;
		arm_wait_timer(0);
		errno = saved;
	} else {
		P9__RETRY(r, fcntl(fd, F_OFD_SETLK, &fl));
		/* POSIX allows either for "held by someone else". */
		if (r < 0 && errno == EACCES)
			errno = EAGAIN;
	}
	return r < 0 ? p9__err(errno) : 0;
}

int p9_os_getlk(int fd, struct p9_os_lock *lk)
{
	int err = p9__fault_err(P9_OS_CALL_LOCK);
	if (err)
		return err;
	struct flock fl;
	if ((err = to_flock(lk, &fl)) != 0)
		return err;
	int r;
	P9__RETRY(r, fcntl(fd, F_OFD_GETLK, &fl));
	if (r < 0)
		return p9__err(errno);
	lk->pid = -1;
	if (fl.l_type == F_UNLCK) {
		lk->type = P9_LOCK_TYPE_UNLCK;
		return 0;
	}
	lk->type = fl.l_type == F_WRLCK ? P9_LOCK_TYPE_WRLCK : P9_LOCK_TYPE_RDLCK;
	lk->start = (uint64_t)fl.l_start;
	lk->length = (uint64_t)fl.l_len;
	return 0;
}

#else

#if defined(__linux__)
/* A waiting F_OFD_SETLKW is bounded by a per-thread timer that sends the
 * interrupt signal after WAIT_SLICE_MS: an interrupt lost just before the
 * wait began (see thread.c) then costs at most one slice, because the
 * caller re-checks whether it was cancelled and waits again. */
#define WAIT_SLICE_MS 100
static _Thread_local timer_t wait_timer;
static _Thread_local int have_timer;

static void arm_wait_timer(int on)
{
	if (!have_timer) {
		struct sigevent sev = { 0 };
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = p9__interrupt_signal();
		sev._sigev_un._tid = gettid(); /* sigev_notify_thread_id */
		if (timer_create(CLOCK_MONOTONIC, &sev, &wait_timer) < 0)
			return; /* unbounded waits: still correct, less prompt */
		have_timer = 1;
	}
	struct itimerspec its = { 0 };
	if (on)
		its.it_value.tv_nsec = WAIT_SLICE_MS * 1000000L;
	timer_settime(wait_timer, 0, &its, NULL);
}
#else
static void arm_wait_timer(int on)
{
	(void)on;
}
#endif

int p9_os_setlk(int fd, const struct p9_os_lock *lk, int wait)
{
	(void)fd, (void)lk, (void)wait;
	int err = p9__fault_err(P9_OS_CALL_LOCK);
	return err ? err : -ENOLCK;
}

int p9_os_getlk(int fd, struct p9_os_lock *lk)
{
	(void)fd, (void)lk;
	int err = p9__fault_err(P9_OS_CALL_LOCK);
	return err ? err : -ENOLCK;
}

#endif
