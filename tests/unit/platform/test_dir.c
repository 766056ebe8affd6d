/*
 * test_dir.c: p9_os_dir_read / p9_os_dir_next: listings resumed from host
 * cookies see every entry exactly once, and the record walker survives
 * hostile buffers.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "p9/proto.h"

enum { NENTRIES = 1000 };

/* Lists dirfd with buffers of `bufsz` bytes, consuming at most `take`
 * entries per call (as a client whose reply filled up would), counting
 * each name in seen[]. Returns the number of dir_read calls. */
static int list_all(int dirfd, size_t bufsz, int take, int *seen, int *dots)
{
	unsigned char *buf = malloc(bufsz);
	assert_non_null(buf);
	uint64_t cookie = 0;
	int calls = 0;
	for (;;) {
		ssize_t n = p9_os_dir_read(dirfd, cookie, buf, bufsz);
		assert_true(n >= 0);
		calls++;
		assert_true(calls < 100000);
		if (n == 0)
			break;
		size_t pos = 0;
		struct p9_os_dirent de;
		int got = 0;
		while (got < take && p9_os_dir_next(buf, (size_t)n, &pos, &de) == 1) {
			got++;
			assert_int_equal(strlen(de.name), de.namelen);
			if (strcmp(de.name, ".") == 0 || strcmp(de.name, "..") == 0) {
				assert_int_equal(de.type, P9_DT_DIR);
				(*dots)++;
			} else {
				int i = atoi(de.name + 1);
				assert_true(i >= 0 && i < NENTRIES);
				seen[i]++;
				struct p9_os_stat st;
				assert_int_equal(p9_os_fstatat(dirfd, de.name, &st), 0);
				assert_int_equal(de.ino, st.ino);
				assert_int_equal(de.type, P9_DT_REG);
			}
			cookie = de.next;
		}
		assert_true(got > 0);
	}
	free(buf);
	return calls;
}

static void dir_read_lists_1000_entries_once_across_small_buffers(void **state)
{
	struct tdir *t = *state;
	assert_int_equal(mkdirat(t->fd, "big", 0755), 0);
	int bfd = openat(t->fd, "big", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	assert_true(bfd >= 0);
	for (int i = 0; i < NENTRIES; i++) {
		char name[16];
		snprintf(name, sizeof name, "e%04d", i);
		int fd = openat(bfd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		assert_true(fd >= 0);
		close(fd);
	}
	static int seen[NENTRIES];
	int dots;
	/* whole buffers, then partial consumption with tiny buffers */
	const struct {
		size_t bufsz;
		int take;
	} runs[] = {{256, 1000}, {256, 3}, {64, 1}, {4096, 7}, {65536, 1000}};
	for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
		memset(seen, 0, sizeof seen);
		dots = 0;
		int calls = list_all(bfd, runs[r].bufsz, runs[r].take, seen, &dots);
		for (int i = 0; i < NENTRIES; i++)
			assert_int_equal(seen[i], 1);
		assert_int_equal(dots, 2);
		if (runs[r].bufsz == 256)
			assert_true(calls > 10); /* really several small reads */
	}
	close(bfd);
}

static void dir_read_types_and_errors(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "", 0600);
	assert_int_equal(mkdirat(t->fd, "d", 0700), 0);
	assert_int_equal(symlinkat("f", t->fd, "l"), 0);
	assert_int_equal(mkfifoat(t->fd, "p", 0600), 0);
	int dfd = p9_os_openat(t->fd, ".", P9_DOTL_RDONLY, 0);
	assert_int_equal(dfd, -EINVAL); /* "." is refused even here */
	dfd = p9_os_reopen(t->fd, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY);
	assert_true(dfd >= 0);
	unsigned char buf[4096];
	ssize_t n = p9_os_dir_read(dfd, 0, buf, sizeof buf);
	assert_true(n > 0);
	size_t pos = 0;
	struct p9_os_dirent de;
	int found = 0;
	while (p9_os_dir_next(buf, (size_t)n, &pos, &de) == 1) {
		unsigned want = strcmp(de.name, "f") == 0   ? P9_DT_REG
		                : strcmp(de.name, "d") == 0 ? P9_DT_DIR
		                : strcmp(de.name, "l") == 0 ? P9_DT_LNK
		                : strcmp(de.name, "p") == 0 ? P9_DT_FIFO
		                                            : 0;
		if (want == 0)
			continue;
		assert_int_equal(de.type, want);
		found++;
	}
	assert_int_equal(found, 4);
	assert_int_equal(pos, (size_t)n);
	/* resuming from the last entry's cookie is the end */
	assert_int_equal(p9_os_dir_read(dfd, de.next, buf, sizeof buf), 0);
	/* a buffer too small for one entry */
	assert_int_equal(p9_os_dir_read(dfd, 0, buf, 8), -EINVAL);
	assert_int_equal(p9_os_dir_read(dfd, (uint64_t)INT64_MAX + 1, buf, sizeof buf), -EINVAL);
	p9_os_close(dfd);
	/* an O_PATH handle cannot be listed; a file is not a directory */
	int pfd = open_path(t->fd, "d");
	assert_int_equal(p9_os_dir_read(pfd, 0, buf, sizeof buf), -EBADF);
	p9_os_close(pfd);
	int ffd = openat(t->fd, "f", O_RDONLY | O_CLOEXEC);
	assert_int_equal(p9_os_dir_read(ffd, 0, buf, sizeof buf), -ENOTDIR);
	close(ffd);
}

static void dir_next_refuses_malformed_records(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "a", "", 0600);
	int dfd = p9_os_reopen(t->fd, P9_DOTL_RDONLY);
	assert_true(dfd >= 0);
	unsigned char raw[4096];
	ssize_t n = p9_os_dir_read(dfd, 0, raw, sizeof raw);
	assert_true(n > 0);
	p9_os_close(dfd);

	/* the same records at an odd address walk the same (no aligned
	 * loads of the caller's buffer) */
	unsigned char *odd = malloc((size_t)n + 1);
	assert_non_null(odd);
	memcpy(odd + 1, raw, (size_t)n);
	size_t p1 = 0, p2 = 0;
	struct p9_os_dirent a, b;
	int count = 0;
	while (p9_os_dir_next(raw, (size_t)n, &p1, &a) == 1) {
		assert_int_equal(p9_os_dir_next(odd + 1, (size_t)n, &p2, &b), 1);
		assert_int_equal(a.ino, b.ino);
		assert_int_equal(a.next, b.next);
		assert_string_equal(a.name, b.name);
		count++;
	}
	assert_int_equal(count, 3);
	assert_int_equal(p9_os_dir_next(odd + 1, (size_t)n, &p2, &b), 0);
	free(odd);

	/* a length cut inside the first record: nothing */
	size_t pos = 0;
	struct p9_os_dirent de;
	assert_int_equal(p9_os_dir_next(raw, 20, &pos, &de), 0);
	assert_int_equal(pos, 0);
	assert_int_equal(p9_os_dir_next(raw, 0, &pos, &de), 0);
	/* reclen 0 would loop forever; reclen past the end would overrun */
	unsigned char bad[64];
	memcpy(bad, raw, sizeof bad);
	uint16_t rl = 0;
	memcpy(bad + 16, &rl, sizeof rl);
	assert_int_equal(p9_os_dir_next(bad, sizeof bad, &pos, &de), 0);
	rl = 65000;
	memcpy(bad + 16, &rl, sizeof rl);
	assert_int_equal(p9_os_dir_next(bad, sizeof bad, &pos, &de), 0);
	/* a name without its NUL inside the record */
	memcpy(bad, raw, sizeof bad);
	uint16_t real;
	memcpy(&real, bad + 16, sizeof real);
	assert_true(real <= sizeof bad);
	memset(bad + 19, 'x', real - 19);
	assert_int_equal(p9_os_dir_next(bad, sizeof bad, &pos, &de), 0);
	assert_int_equal(pos, 0);
	/* past the end */
	pos = (size_t)n + 5;
	assert_int_equal(p9_os_dir_next(raw, (size_t)n, &pos, &de), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tdir_setup, tdir_teardown)

int run_dir_tests(void)
{
	const struct CMUnitTest tests[] = {
	        T(dir_read_lists_1000_entries_once_across_small_buffers),
	        T(dir_read_types_and_errors),
	        T(dir_next_refuses_malformed_records),
	};
	return cmocka_run_group_tests_name("platform/dir", tests, NULL, NULL);
}
