/*
 * test_dir.c: directory listings on Windows: 10,000 entries listed
 * completely and once each, resumed from every cookie with small buffers,
 * while another thread creates and deletes names; the time the listing
 * takes is printed (compare with tests/unit/platform/dirbench.c on Linux).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../helpers.h"
#include "p9/proto.h"
#include "wtest.h"

#define N 10000

struct churn {
	int dirfd;
	volatile LONG stop;
	int rounds;
};

/* Create and delete names the listing must not depend on. */
static void *churn(void *arg)
{
	struct churn *c = arg;
	char name[32];
	while (!c->stop) {
		snprintf(name, sizeof name, "tmp-%d", c->rounds % 50);
		int fd = p9_os_openat(c->dirfd, name, P9_DOTL_CREATE | P9_DOTL_WRONLY, 0644);
		if (fd >= 0)
			p9_os_close(fd);
		snprintf(name, sizeof name, "tmp-%d", (c->rounds + 25) % 50);
		p9_os_unlinkat(c->dirfd, name, 0);
		c->rounds++;
	}
	return NULL;
}

/* List dfd from cookie 0 with a buffer of len bytes; marks seen[i] for
 * "e<i>"; returns the number of stable entries, fails on a duplicate. */
static int list_all(int dfd, size_t len, unsigned char *seen)
{
	char *buf = malloc(len);
	assert_non_null(buf);
	uint64_t cookie = 0;
	int stable = 0, dots = 0;
	for (;;) {
		ssize_t n = p9_os_dir_read(dfd, cookie, buf, len);
		assert_true(n >= 0);
		if (n == 0)
			break;
		size_t pos = 0;
		struct p9_os_dirent de;
		int got = 0;
		while (p9_os_dir_next(buf, (size_t)n, &pos, &de)) {
			got++;
			cookie = de.next;
			if (de.name[0] == 'e') {
				int i = atoi(de.name + 1);
				assert_true(i >= 0 && i < N);
				assert_int_equal(seen[i], 0); /* never twice */
				seen[i] = 1;
				assert_int_equal(de.type, P9_DT_REG);
				assert_true(de.ino != 0);
				stable++;
			} else if (strcmp(de.name, ".") == 0 || strcmp(de.name, "..") == 0) {
				assert_int_equal(de.type, P9_DT_DIR);
				dots++;
			} else {
				assert_int_equal(strncmp(de.name, "tmp-", 4), 0);
			}
		}
		assert_true(got > 0);
	}
	free(buf);
	assert_int_equal(dots, 2);
	return stable;
}

static void ten_thousand_entries_complete_under_churn(void **state)
{
	struct tdir *t = *state;
	assert_int_equal(p9_os_mkdirat(t->fd, "big", 0755), 0);
	int d = p9_os_openat(t->fd, "big", P9_OS_O_PATH | P9_DOTL_DIRECTORY, 0);
	assert_true(d >= 0);
	char name[32];
	LARGE_INTEGER f, a, b, c0;
	QueryPerformanceFrequency(&f);
	QueryPerformanceCounter(&c0);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "e%d", i);
		int fd =
		        p9_os_openat(d, name, P9_DOTL_CREATE | P9_DOTL_EXCL | P9_DOTL_WRONLY, 0644);
		assert_true(fd >= 0);
		p9_os_close(fd);
	}
	int dfd = p9_os_reopen(d, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY);
	assert_true(dfd >= 0);
	unsigned char *seen = calloc(N, 1);
	QueryPerformanceCounter(&a);
	print_message("creating %d files: %.0f ms\n", N,
	              (double)(a.QuadPart - c0.QuadPart) * 1000.0 / (double)f.QuadPart);
	QueryPerformanceCounter(&a);
	assert_int_equal(list_all(dfd, 32768, seen), N);
	QueryPerformanceCounter(&b);
	double ms = (double)(b.QuadPart - a.QuadPart) * 1000.0 / (double)f.QuadPart;
	print_message("listing %d entries (32 KiB buffers): %.1f ms\n", N, ms);
	/* under churn, with small buffers: many resumes from cookies */
	struct churn c = {d, 0, 0};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, churn, &c), 0);
	for (int round = 0; round < 3; round++) {
		memset(seen, 0, N);
		assert_int_equal(list_all(dfd, round == 0 ? 300 : 4096, seen), N);
	}
	c.stop = 1;
	assert_int_equal(pthread_join(th, NULL), 0);
	print_message("churn: %d create/delete rounds during the listings\n", c.rounds);
	assert_true(c.rounds > 0);
	/* a buffer too small for one entry */
	char tiny[8];
	assert_int_equal(p9_os_dir_read(dfd, 0, tiny, sizeof tiny), -EINVAL);
	/* a cookie past the end */
	assert_int_equal(p9_os_dir_read(dfd, N + 100, tiny, sizeof tiny), 0);
	/* O_PATH handles and files are not listed */
	assert_int_equal(p9_os_dir_read(d, 0, tiny, sizeof tiny), -EBADF);
	free(seen);
	p9_os_close(dfd);
	p9_os_close(d);
}

static void dir_next_trusts_nothing(void **state)
{
	(void)state;
	unsigned char buf[64];
	memset(buf, 'x', sizeof buf);
	size_t pos = 0;
	struct p9_os_dirent de;
	uint16_t rl = 40;
	memcpy(buf, &rl, 2);
	assert_int_equal(p9_os_dir_next(buf, sizeof buf, &pos, &de), 0); /* no NUL */
	rl = 200;
	memcpy(buf, &rl, 2);
	assert_int_equal(p9_os_dir_next(buf, sizeof buf, &pos, &de), 0); /* past the end */
	rl = 3;
	memcpy(buf, &rl, 2);
	assert_int_equal(p9_os_dir_next(buf, sizeof buf, &pos, &de), 0); /* too short */
	rl = 24;
	memcpy(buf, &rl, 2);
	buf[22] = '\0';
	assert_int_equal(p9_os_dir_next(buf, sizeof buf, &pos, &de), 1);
	assert_int_equal(de.namelen, 2);
	assert_int_equal(pos, 24);
}

int run_win32_dir_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(ten_thousand_entries_complete_under_churn,
	                                        tdir_setup, tdir_teardown),
	        cmocka_unit_test(dir_next_trusts_nothing),
	};
	return cmocka_run_group_tests_name("platform/win32 dir", tests, NULL, NULL);
}
