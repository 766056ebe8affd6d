/*
 * test_lock.c: OFD byte-range locks: two handles of one file conflict like
 * two processes, getlk reports the conflicting lock, and a waiting lock is
 * pulled out by p9_os_thread_interrupt with -EINTR.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "p9/proto.h"

static struct p9_os_lock lock_of(uint8_t type, uint64_t start, uint64_t len)
{
	struct p9_os_lock lk = {.type = type, .start = start, .length = len, .pid = 0};
	return lk;
}

static void two_handles_conflict_and_getlk_reports_the_holder(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "0123456789", 0600);
	int a = p9_os_openat(t->fd, "f", P9_DOTL_RDWR, 0);
	int b = p9_os_openat(t->fd, "f", P9_DOTL_RDWR, 0);
	assert_true(a >= 0 && b >= 0);
	struct p9_os_lock lk = lock_of(P9_LOCK_TYPE_WRLCK, 10, 20);
	assert_int_equal(p9_os_setlk(a, &lk, 0), 0);
	/* the same process, another handle: a conflict */
	struct p9_os_lock q = lock_of(P9_LOCK_TYPE_RDLCK, 0, 0);
	assert_int_equal(p9_os_getlk(b, &q), 0);
	assert_int_equal(q.type, P9_LOCK_TYPE_WRLCK);
	assert_int_equal(q.start, 10);
	assert_int_equal(q.length, 20);
	assert_int_equal(q.pid, -1);
	lk = lock_of(P9_LOCK_TYPE_RDLCK, 15, 1);
	assert_int_equal(p9_os_setlk(b, &lk, 0), -EAGAIN);
	/* outside the range: no conflict */
	lk = lock_of(P9_LOCK_TYPE_WRLCK, 30, 5);
	assert_int_equal(p9_os_setlk(b, &lk, 0), 0);
	q = lock_of(P9_LOCK_TYPE_WRLCK, 0, 10);
	assert_int_equal(p9_os_getlk(b, &q), 0);
	assert_int_equal(q.type, P9_LOCK_TYPE_UNLCK);
	/* a handle never conflicts with itself */
	q = lock_of(P9_LOCK_TYPE_WRLCK, 0, 0);
	assert_int_equal(p9_os_getlk(a, &q), 0);
	assert_int_equal(q.type, P9_LOCK_TYPE_WRLCK); /* b's lock at 30 */
	assert_int_equal(q.start, 30);
	assert_int_equal(q.length, 5);
	/* read locks share */
	lk = lock_of(P9_LOCK_TYPE_UNLCK, 0, 0);
	assert_int_equal(p9_os_setlk(a, &lk, 0), 0);
	assert_int_equal(p9_os_setlk(b, &lk, 0), 0);
	lk = lock_of(P9_LOCK_TYPE_RDLCK, 0, 0);
	assert_int_equal(p9_os_setlk(a, &lk, 0), 0);
	assert_int_equal(p9_os_setlk(b, &lk, 0), 0);
	q = lock_of(P9_LOCK_TYPE_WRLCK, 5, 1);
	assert_int_equal(p9_os_getlk(b, &q), 0);
	assert_int_equal(q.type, P9_LOCK_TYPE_RDLCK);
	assert_int_equal(q.start, 0);
	assert_int_equal(q.length, 0); /* to the end of the file */
	/* closing a handle drops only its own locks */
	p9_os_close(a);
	q = lock_of(P9_LOCK_TYPE_WRLCK, 0, 0);
	assert_int_equal(p9_os_getlk(b, &q), 0);
	assert_int_equal(q.type, P9_LOCK_TYPE_UNLCK);
	int c = p9_os_openat(t->fd, "f", P9_DOTL_RDWR, 0);
	q = lock_of(P9_LOCK_TYPE_WRLCK, 0, 0);
	assert_int_equal(p9_os_getlk(c, &q), 0);
	assert_int_equal(q.type, P9_LOCK_TYPE_RDLCK);
	p9_os_close(c);
	p9_os_close(b);
}

static void lock_arguments_are_checked(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "", 0600);
	int rd = p9_os_openat(t->fd, "f", P9_DOTL_RDONLY, 0);
	struct p9_os_lock lk = lock_of(3, 0, 0);
	assert_int_equal(p9_os_setlk(rd, &lk, 0), -EINVAL);
	assert_int_equal(p9_os_getlk(rd, &lk), -EINVAL);
	lk = lock_of(P9_LOCK_TYPE_RDLCK, (uint64_t)INT64_MAX + 1, 0);
	assert_int_equal(p9_os_setlk(rd, &lk, 0), -EINVAL);
	/* a write lock needs a handle open for writing */
	lk = lock_of(P9_LOCK_TYPE_WRLCK, 0, 0);
	assert_int_equal(p9_os_setlk(rd, &lk, 0), -EBADF);
	/* a length running past the largest offset means "to the end" */
	lk = lock_of(P9_LOCK_TYPE_RDLCK, 100, UINT64_MAX);
	assert_int_equal(p9_os_setlk(rd, &lk, 0), 0);
	int rw = p9_os_openat(t->fd, "f", P9_DOTL_RDWR, 0);
	struct p9_os_lock q = lock_of(P9_LOCK_TYPE_WRLCK, 0, 0);
	assert_int_equal(p9_os_getlk(rw, &q), 0);
	assert_int_equal(q.type, P9_LOCK_TYPE_RDLCK);
	assert_int_equal(q.start, 100);
	assert_int_equal(q.length, 0);
	p9_os_close(rw);
	/* O_PATH handles cannot lock */
	int pfd = open_path(t->fd, "f");
	lk = lock_of(P9_LOCK_TYPE_RDLCK, 0, 0);
	assert_int_equal(p9_os_setlk(pfd, &lk, 0), -EBADF);
	p9_os_close(pfd);
	p9_os_close(rd);
}

struct waiter {
	int fd;
	atomic_int started;
	atomic_int done;
	atomic_uint_fast64_t id;
	int result;
};

static void *wait_for_lock(void *arg)
{
	struct waiter *w = arg;
	p9_os_thread_init();
	atomic_store(&w->id, p9_os_thread_self());
	atomic_store(&w->started, 1);
	struct p9_os_lock lk = lock_of(P9_LOCK_TYPE_WRLCK, 0, 0);
	w->result = p9_os_setlk(w->fd, &lk, 1);
	atomic_store(&w->done, 1);
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void skip_under_valgrind(void)
{
	if (under_valgrind()) {
		print_message("skipped: under valgrind a blocked F_OFD_SETLKW stops every "
		              "thread\n");
		skip();
	}
}

static void waiting_lock_is_interrupted_with_eintr(void **state)
{
	struct tdir *t = *state;
	skip_under_valgrind();
	mkfile(t->fd, "f", "", 0600);
	int a = p9_os_openat(t->fd, "f", P9_DOTL_RDWR, 0);
	struct p9_os_lock lk = lock_of(P9_LOCK_TYPE_WRLCK, 0, 0);
	assert_int_equal(p9_os_setlk(a, &lk, 0), 0);
	struct waiter w = {.fd = p9_os_openat(t->fd, "f", P9_DOTL_RDWR, 0)};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, wait_for_lock, &w), 0);
	while (!atomic_load(&w.started))
		sleep_ms(1);
	sleep_ms(50);
	assert_int_equal(atomic_load(&w.done), 0); /* really blocked */
	/* An interrupt that lands before the thread sleeps is lost (see
	 * thread.c): resend until the call returns, as a flush would. */
	int sent = 0;
	while (!atomic_load(&w.done)) {
		p9_os_thread_interrupt(atomic_load(&w.id));
		sent++;
		assert_true(sent < 2000);
		sleep_ms(5);
	}
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(w.result, -EINTR);
	/* the holder still holds; after it lets go, the lock is free */
	struct p9_os_lock q = lock_of(P9_LOCK_TYPE_WRLCK, 0, 0);
	assert_int_equal(p9_os_getlk(w.fd, &q), 0);
	assert_int_equal(q.type, P9_LOCK_TYPE_WRLCK);
	lk = lock_of(P9_LOCK_TYPE_UNLCK, 0, 0);
	assert_int_equal(p9_os_setlk(a, &lk, 0), 0);
	lk = lock_of(P9_LOCK_TYPE_WRLCK, 0, 0);
	assert_int_equal(p9_os_setlk(w.fd, &lk, 1), 0);
	p9_os_close(w.fd);
	p9_os_close(a);
}

static void *unlock_later(void *arg)
{
	int fd = *(int *)arg;
	sleep_ms(50);
	struct p9_os_lock lk = lock_of(P9_LOCK_TYPE_UNLCK, 0, 0);
	p9_os_setlk(fd, &lk, 0);
	return NULL;
}

static void waiting_lock_gets_the_lock_when_released(void **state)
{
	struct tdir *t = *state;
	skip_under_valgrind();
	mkfile(t->fd, "f", "", 0600);
	int a = p9_os_openat(t->fd, "f", P9_DOTL_RDWR, 0);
	int b = p9_os_openat(t->fd, "f", P9_DOTL_RDWR, 0);
	struct p9_os_lock lk = lock_of(P9_LOCK_TYPE_WRLCK, 0, 0);
	assert_int_equal(p9_os_setlk(a, &lk, 0), 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, unlock_later, &a), 0);
	p9_os_thread_init();
	/* A wait lasts one slice (~100 ms) at most and then says EINTR, as
	 * the contract allows: the caller asks again. On a loaded machine
	 * the unlock may come several slices late. */
	int e, slices = 0;
	while ((e = p9_os_setlk(b, &lk, 1)) == -EINTR && slices < 100)
		slices++;
	assert_int_equal(e, 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	p9_os_close(a);
	p9_os_close(b);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tdir_setup, tdir_teardown)

int run_lock_tests(void)
{
	const struct CMUnitTest tests[] = {
	        T(two_handles_conflict_and_getlk_reports_the_holder),
	        T(lock_arguments_are_checked),
	        T(waiting_lock_is_interrupted_with_eintr),
	        T(waiting_lock_gets_the_lock_when_released),
	};
	return cmocka_run_group_tests_name("platform/lock", tests, NULL, NULL);
}
