/*
 * thread.c: worker threads that can be pulled out of a blocking call.
 *
 * A flushed request whose worker sleeps in the host (a waiting lock, a
 * read from a slow file system) must end early. p9_os_thread_interrupt
 * sends the worker a dedicated signal whose handler does nothing and is
 * installed without SA_RESTART, so the sleeping call returns EINTR.
 *
 * Invariants:
 *  - The handler is installed once per process (pthread_once) and never
 *    changed; the signal is unblocked in each thread that called
 *    p9_os_thread_init and is only ever sent to such a thread.
 *  - Only p9_os_setlk(wait=1) lets EINTR out; every other call in this
 *    layer retries, so a stray signal costs a retry, never an error.
 *
 * The race: a signal that arrives just before the thread enters the
 * blocking call is consumed by the handler and lost, and the call then
 * sleeps. Making the check-and-sleep atomic would need pselect-style masks
 * that fcntl(F_OFD_SETLKW) does not offer, so a waiting call is bounded
 * instead (lock.c: a per-thread timer ends each wait after 100 ms with
 * EINTR), and the caller re-checks its cancel mark between waits.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>

#include "internal.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

int p9__interrupt_signal(void)
{
#ifdef SIGRTMIN
	/* Real-time signals are free for applications; SIGUSR1/2 are often
	 * taken by embedding programs or debuggers. */
	return SIGRTMIN + 3;
#else
	return SIGUSR2;
#endif
}

static void on_interrupt(int sig)
{
	(void)sig; /* its only job is to make the sleeping call return EINTR */
}

static void install(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: the point is to end the call */
	sigaction(p9__interrupt_signal(), &sa, NULL);
}

void p9_os_thread_init(void)
{
	pthread_once(&once, install);
	p9__identity_save();
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, p9__interrupt_signal());
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

void p9_os_thread_interrupt(uint64_t thread_id)
{
	/* The caller guarantees the thread is alive (workers live as long as
	 * their pool); pthread_kill on an exited thread is undefined. */
	pthread_kill((pthread_t)(uintptr_t)thread_id, p9__interrupt_signal());
}

uint64_t p9_os_thread_self(void)
{
	return (uint64_t)(uintptr_t)pthread_self();
}
