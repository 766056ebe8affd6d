/*
 * dirbench.c: how long listing a directory takes through the platform
 * layer (p9_os_dir_read/dir_next with 32 KiB buffers, the backend's
 * size), built for Linux and for Windows so both list the very same
 * directory (Wine sees / as Z:\). Not a test: it prints a figure.
 *
 *   dirbench DIR [entries [rounds]]
 *
 * DIR must exist; files e0..e<entries-1> are created in it when missing.
 * Prints the entries seen per listing and the median time of `rounds`
 * listings from cookie 0.
 */
#include <pthread.h> /* clock_gettime on mingw (winpthreads) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "p9/proto.h"
#include "platform/platform.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: dirbench DIR [entries [rounds]]\n");
		return 2;
	}
	int n = argc > 2 ? atoi(argv[2]) : 10000, rounds = argc > 3 ? atoi(argv[3]) : 11;
	if (rounds < 1 || rounds > 1000)
		rounds = 11;
	int root = p9_os_open_root(argv[1]);
	if (root < 0) {
		fprintf(stderr, "dirbench: %s: error %d\n", argv[1], root);
		return 1;
	}
	char name[32];
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "e%d", i);
		struct p9_os_stat st;
		if (p9_os_fstatat(root, name, &st) == 0)
			continue;
		int fd = p9_os_openat(root, name, P9_DOTL_CREATE | P9_DOTL_WRONLY, 0644);
		if (fd < 0) {
			fprintf(stderr, "dirbench: create %s: error %d\n", name, fd);
			return 1;
		}
		p9_os_close(fd);
	}
	int dfd = p9_os_reopen(root, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY);
	static char buf[32768];
	double *ms = calloc((size_t)rounds, sizeof *ms);
	long seen = 0;
	for (int r = 0; r < rounds && dfd >= 0 && ms; r++) {
		double t0 = now_ms();
		uint64_t cookie = 0;
		seen = 0;
		for (;;) {
			ssize_t got = p9_os_dir_read(dfd, cookie, buf, sizeof buf);
			if (got <= 0)
				break;
			size_t pos = 0;
			struct p9_os_dirent de;
			while (p9_os_dir_next(buf, (size_t)got, &pos, &de)) {
				cookie = de.next;
				seen++;
			}
		}
		ms[r] = now_ms() - t0;
	}
	if (dfd < 0 || ms == NULL)
		return 1;
	qsort(ms, (size_t)rounds, sizeof *ms, cmp);
	printf("dirbench: %ld entries, median of %d listings: %.2f ms (min %.2f, max %.2f)\n", seen,
	       rounds, ms[rounds / 2], ms[0], ms[rounds - 1]);
	free(ms);
	p9_os_close(dfd);
	p9_os_close(root);
	return 0;
}
