/*
 * helpers.c: temporary directories and fixtures for the platform tests.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

static const char *base_dir(void)
{
	const char *b = getenv("P9_TEST_TMPDIR");
	return b && *b ? b : "/var/tmp";
}

int tdir_setup(void **state)
{
	struct tdir *t = calloc(1, sizeof *t);
	if (t == NULL)
		return -1;
	snprintf(t->path, sizeof t->path, "%s/p9platform-XXXXXX", base_dir());
	if (mkdtemp(t->path) == NULL) {
		free(t);
		return -1;
	}
	/* Tests chmod their own subdirectories; the root must be reachable
	 * by other users for the identity tests. */
	chmod(t->path, 0755);
	t->fd = open(t->path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (t->fd < 0) {
		rmdir(t->path);
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

int tdir_teardown(void **state)
{
	struct tdir *t = *state;
	close(t->fd);
	nftw(t->path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

void mkfile(int dirfd, const char *name, const char *data, unsigned mode)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	size_t len = strlen(data);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

int open_path(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

void stat_name(int dirfd, const char *name, struct p9_os_stat *st)
{
	assert_int_equal(p9_os_fstatat(dirfd, name, st), 0);
}

int under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");
	return p != NULL && strstr(p, "vgpreload") != NULL;
}
