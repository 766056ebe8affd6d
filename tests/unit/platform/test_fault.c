/*
 * test_fault.c: the fault table: exact skip/times counting, SHORT, clear,
 * and that each kind reaches the calls it names.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "helpers.h"
#include "p9/proto.h"

static int fault_teardown(void **state)
{
	p9_os_fault_clear();
	return tdir_teardown(state);
}

static void write_fault_fires_times_after_skip(void **state)
{
	struct tdir *t = *state;
	int fd = p9_os_openat(t->fd, "f", P9_DOTL_CREATE | P9_DOTL_RDWR, 0600);
	assert_true(fd >= 0);
	p9_os_fault_inject(P9_OS_CALL_WRITE, -ENOSPC, 2, 3);
	assert_int_equal(p9_os_pwrite(fd, "a", 1, 0), 1);
	assert_int_equal(p9_os_pwrite(fd, "b", 1, 1), 1);
	assert_int_equal(p9_os_pwrite(fd, "c", 1, 2), -ENOSPC);
	assert_int_equal(p9_os_pwrite(fd, "c", 1, 2), -ENOSPC);
	assert_int_equal(p9_os_pwrite(fd, "c", 1, 2), -ENOSPC);
	assert_int_equal(p9_os_pwrite(fd, "c", 1, 2), 1);
	assert_int_equal(p9_os_pwrite(fd, "d", 1, 3), 1);
	/* the failed writes wrote nothing */
	char buf[8];
	assert_int_equal(p9_os_pread(fd, buf, sizeof buf, 0), 4);
	assert_memory_equal(buf, "abcd", 4);
	/* other kinds were never affected */
	struct p9_os_stat st;
	assert_int_equal(p9_os_fstat(fd, &st), 0);
	p9_os_close(fd);
}

static void times_zero_is_forever_and_clear_resets(void **state)
{
	struct tdir *t = *state;
	int fd = p9_os_openat(t->fd, "f", P9_DOTL_CREATE | P9_DOTL_RDWR, 0600);
	p9_os_fault_inject(P9_OS_CALL_WRITE, -EIO, 0, 0);
	for (int i = 0; i < 50; i++)
		assert_int_equal(p9_os_pwrite(fd, "a", 1, 0), -EIO);
	p9_os_fault_clear();
	assert_int_equal(p9_os_pwrite(fd, "a", 1, 0), 1);
	/* re-injecting restarts the count */
	p9_os_fault_inject(P9_OS_CALL_WRITE, -EDQUOT, 1, 1);
	assert_int_equal(p9_os_pwrite(fd, "a", 1, 0), 1);
	p9_os_fault_inject(P9_OS_CALL_WRITE, -EDQUOT, 1, 1);
	assert_int_equal(p9_os_pwrite(fd, "a", 1, 0), 1);
	assert_int_equal(p9_os_pwrite(fd, "a", 1, 0), -EDQUOT);
	assert_int_equal(p9_os_pwrite(fd, "a", 1, 0), 1);
	/* err 0 disarms one kind */
	p9_os_fault_inject(P9_OS_CALL_WRITE, -EIO, 0, 0);
	p9_os_fault_inject(P9_OS_CALL_WRITE, 0, 0, 0);
	assert_int_equal(p9_os_pwrite(fd, "a", 1, 0), 1);
	/* a positive errno is taken as its negation */
	p9_os_fault_inject(P9_OS_CALL_WRITE, EROFS, 0, 1);
	assert_int_equal(p9_os_pwrite(fd, "a", 1, 0), -EROFS);
	p9_os_close(fd);
}

static void short_halves_reads_and_writes(void **state)
{
	struct tdir *t = *state;
	int fd = p9_os_openat(t->fd, "f", P9_DOTL_CREATE | P9_DOTL_RDWR, 0600);
	p9_os_fault_inject(P9_OS_CALL_WRITE, P9_OS_FAULT_SHORT, 0, 0);
	assert_int_equal(p9_os_pwrite(fd, "0123456789", 10, 0), 5);
	assert_int_equal(p9_os_pwrite(fd, "56789", 5, 5), 2);
	assert_int_equal(p9_os_pwrite(fd, "789", 3, 7), 1);
	assert_int_equal(p9_os_pwrite(fd, "89", 2, 8), 1);
	assert_int_equal(p9_os_pwrite(fd, "9", 1, 9), 1); /* at least one byte */
	assert_int_equal(p9_os_pwrite(fd, "", 0, 10), 0);
	p9_os_fault_clear();
	p9_os_fault_inject(P9_OS_CALL_READ, P9_OS_FAULT_SHORT, 1, 1);
	char buf[16];
	assert_int_equal(p9_os_pread(fd, buf, 10, 0), 10);
	assert_int_equal(p9_os_pread(fd, buf, 10, 0), 5);
	assert_memory_equal(buf, "01234", 5);
	assert_int_equal(p9_os_pread(fd, buf, 10, 0), 10);
	assert_memory_equal(buf, "0123456789", 10);
	/* SHORT means nothing to calls that move no data */
	p9_os_fault_inject(P9_OS_CALL_STAT, P9_OS_FAULT_SHORT, 0, 0);
	struct p9_os_stat st;
	assert_int_equal(p9_os_fstat(fd, &st), 0);
	assert_int_equal(st.size, 10);
	p9_os_close(fd);
}

static void every_kind_reaches_its_calls(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "abc", 0600);
	int fd = p9_os_openat(t->fd, "f", P9_DOTL_RDWR, 0);
	int pfd = open_path(t->fd, "f");
	/* The fault fires before the handle is looked at: readlink needs no
	 * symlink here (so this test runs where none can be made). */
	int lfd = pfd;
	int dfd = p9_os_reopen(t->fd, P9_DOTL_RDONLY);
	assert_true(fd >= 0 && dfd >= 0);
	const int E = -ENOTRECOVERABLE; /* a value no real call here returns */
	char buf[64];
	struct p9_os_stat st;
	struct p9_os_statfs sfs;
	struct p9_os_time tm[2] = {{0, 0, P9_OS_TIME_OMIT}, {0, 0, P9_OS_TIME_OMIT}};
	struct p9_os_lock lk = {.type = P9_LOCK_TYPE_RDLCK};

	p9_os_fault_inject(P9_OS_CALL_OPEN, E, 0, 0);
	assert_int_equal(p9_os_open_root(t->path), E);
	assert_int_equal(p9_os_openat(t->fd, "f", P9_DOTL_RDONLY, 0), E);
	assert_int_equal(p9_os_reopen(pfd, P9_DOTL_RDONLY), E);
	assert_int_equal(p9_os_dup(pfd), E);
	p9_os_fault_clear();

	p9_os_fault_inject(P9_OS_CALL_STAT, E, 0, 0);
	assert_int_equal(p9_os_fstat(fd, &st), E);
	assert_int_equal(p9_os_fstatat(t->fd, "f", &st), E);
	assert_int_equal(p9_os_fstatfs(fd, &sfs), E);
	p9_os_fault_clear();

	p9_os_fault_inject(P9_OS_CALL_SETATTR, E, 0, 0);
	assert_int_equal(p9_os_fchmod(pfd, 0600), E);
	assert_int_equal(p9_os_fchown(pfd, UINT32_MAX, UINT32_MAX), E);
	assert_int_equal(p9_os_futimens(pfd, tm), E);
	assert_int_equal(p9_os_utimensat(t->fd, "f", tm), E);
	assert_int_equal(p9_os_ftruncate(fd, 0), E);
	p9_os_fault_clear();

	p9_os_fault_inject(P9_OS_CALL_READ, E, 0, 0);
	assert_int_equal(p9_os_pread(fd, buf, 1, 0), E);
	assert_int_equal(p9_os_readlink(lfd, buf, sizeof buf), E);
	assert_int_equal(p9_os_dir_read(dfd, 0, buf, sizeof buf), E);
	p9_os_fault_clear();

	p9_os_fault_inject(P9_OS_CALL_WRITE, E, 0, 0);
	assert_int_equal(p9_os_pwrite(fd, "x", 1, 0), E);
	p9_os_fault_clear();

	p9_os_fault_inject(P9_OS_CALL_FSYNC, E, 0, 0);
	assert_int_equal(p9_os_fsync(fd, 0), E);
	assert_int_equal(p9_os_fsync(fd, 1), E);
	p9_os_fault_clear();

	p9_os_fault_inject(P9_OS_CALL_NAMESPACE, E, 0, 0);
	assert_int_equal(p9_os_mkdirat(t->fd, "d", 0700), E);
	assert_int_equal(p9_os_mknodat(t->fd, "p", P9_S_IFIFO | 0600, 0), E);
	assert_int_equal(p9_os_symlinkat("x", t->fd, "s"), E);
	assert_int_equal(p9_os_linkat(pfd, t->fd, "g"), E);
	assert_int_equal(p9_os_renameat(t->fd, "f", t->fd, "g"), E);
	assert_int_equal(p9_os_unlinkat(t->fd, "f", 0), E);
	p9_os_fault_clear();
	assert_int_equal(p9_os_fstatat(t->fd, "f", &st), 0); /* nothing happened */
	assert_int_equal(p9_os_fstatat(t->fd, "g", &st), -ENOENT);

	p9_os_fault_inject(P9_OS_CALL_XATTR, E, 0, 0);
	assert_int_equal(p9_os_getxattr(pfd, "user.a", buf, sizeof buf), E);
	assert_int_equal(p9_os_listxattr(pfd, buf, sizeof buf), E);
	assert_int_equal(p9_os_setxattr(pfd, "user.a", "1", 1, 0), E);
	assert_int_equal(p9_os_removexattr(pfd, "user.a"), E);
	p9_os_fault_clear();

	p9_os_fault_inject(P9_OS_CALL_LOCK, E, 0, 0);
	assert_int_equal(p9_os_setlk(fd, &lk, 0), E);
	assert_int_equal(p9_os_setlk(fd, &lk, 1), E);
	assert_int_equal(p9_os_getlk(fd, &lk), E);
	p9_os_fault_clear();

	/* out-of-range kinds are ignored */
	p9_os_fault_inject(P9_OS_NCALLS, E, 0, 0);
	p9_os_fault_inject((enum p9_os_call) - 1, E, 0, 0);
	assert_int_equal(p9_os_fsync(fd, 0), 0);

	p9_os_close(dfd);
	p9_os_close(pfd);
	p9_os_close(fd);
}

/* Many threads racing through an armed slot: exactly `times` failures. */
struct racer {
	int fd;
	atomic_int *fails;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	for (int i = 0; i < 1000; i++)
		if (p9_os_pwrite(r->fd, "x", 1, 0) == -ENOSPC)
			atomic_fetch_add(r->fails, 1);
	return NULL;
}

static void fault_counts_are_exact_under_threads(void **state)
{
	struct tdir *t = *state;
	int fd = p9_os_openat(t->fd, "f", P9_DOTL_CREATE | P9_DOTL_RDWR, 0600);
	atomic_int fails = 0;
	struct racer r = {fd, &fails};
	p9_os_fault_inject(P9_OS_CALL_WRITE, -ENOSPC, 100, 777);
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, race, &r), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_int_equal(atomic_load(&fails), 777);
	p9_os_close(fd);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tdir_setup, fault_teardown)

int run_fault_tests(void)
{
	const struct CMUnitTest tests[] = {
	        T(write_fault_fires_times_after_skip),   T(times_zero_is_forever_and_clear_resets),
	        T(short_halves_reads_and_writes),        T(every_kind_reaches_its_calls),
	        T(fault_counts_are_exact_under_threads),
	};
	return cmocka_run_group_tests_name("platform/fault", tests, NULL, NULL);
}
