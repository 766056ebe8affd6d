/*
 * thread.c: worker threads that can be pulled out of a blocking call.
 *
 * No signals here: p9_os_thread_interrupt sets the thread's flag (read by
 * a waiting p9_os_setlk between its tries, lock.c) and cancels the
 * thread's synchronous I/O (CancelSynchronousIo), which makes a blocked
 * ReadFile/WriteFile fail with ERROR_OPERATION_ABORTED (EINTR).
 *
 * Invariants:
 *  - A thread id is the Win32 thread id; its flag lives in `flags` from
 *    p9_os_thread_init until the process ends (workers live as long as
 *    their pool, and ids are only reused after a thread has exited).
 *  - A flag set before the thread starts to wait is not lost: the waiter
 *    reads (and clears) it at the top of every slice.
 */
#include <stdlib.h>

#include "internal.h"

#define MAX_THREADS 1024

static SRWLOCK mu = SRWLOCK_INIT;
static struct {
	DWORD id;
	volatile LONG flag;
} flags[MAX_THREADS]; /* protected by mu (id); flag is atomic */
static int nflags;    /* protected by mu */

static volatile LONG *flag_of(DWORD id, int add)
{
	volatile LONG *f = NULL;
	if (add)
		AcquireSRWLockExclusive(&mu);
	else
		AcquireSRWLockShared(&mu);
	for (int i = 0; i < nflags && !f; i++)
		if (flags[i].id == id)
			f = &flags[i].flag;
	if (!f && add && nflags < MAX_THREADS) {
		flags[nflags].id = id;
		flags[nflags].flag = 0;
		f = &flags[nflags++].flag;
	}
	if (add)
		ReleaseSRWLockExclusive(&mu);
	else
		ReleaseSRWLockShared(&mu);
	return f;
}

void p9_os_thread_init(void)
{
	flag_of(GetCurrentThreadId(), 1);
}

void p9_os_thread_interrupt(uint64_t thread_id)
{
	volatile LONG *f = flag_of((DWORD)thread_id, 0);
	if (f)
		InterlockedExchange(f, 1);
	HANDLE t = OpenThread(THREAD_TERMINATE, FALSE, (DWORD)thread_id);
	if (t) {
		CancelSynchronousIo(t);
		CloseHandle(t);
	}
}

uint64_t p9_os_thread_self(void)
{
	return GetCurrentThreadId();
}

int p9__interrupted(void)
{
	volatile LONG *f = flag_of(GetCurrentThreadId(), 0);
	return f != NULL && InterlockedExchange(f, 0) != 0;
}
