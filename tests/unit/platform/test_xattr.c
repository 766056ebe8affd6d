/*
 * test_xattr.c: extended attributes through O_PATH handles, and never
 * through a symlink's handle to its target.
 *
 * Skipped (with the reason printed) where the test directory's file system
 * has no user xattrs.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "helpers.h"

static int no_user_xattrs(struct tdir *t)
{
	mkfile(t->fd, "probe", "", 0600);
	int fd = openat(t->fd, "probe", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	int r = fsetxattr(fd, "user.probe", "1", 1, 0);
	int e = errno;
	close(fd);
	unlinkat(t->fd, "probe", 0);
	if (r == 0)
		return 0;
	print_message("skipped: %s has no user xattrs (%s)\n", t->path, strerror(e));
	return 1;
}

static void xattr_set_get_list_remove_on_o_path(void **state)
{
	struct tdir *t = *state;
	if (no_user_xattrs(t))
		skip();
	mkfile(t->fd, "f", "", 0600);
	int pfd = p9_os_openat(t->fd, "f", P9_OS_O_PATH, 0);
	assert_true(pfd >= 0);
	char buf[256];
	assert_int_equal(p9_os_getxattr(pfd, "user.test", buf, sizeof buf), -ENODATA);
	assert_int_equal(p9_os_setxattr(pfd, "user.test", "value1", 6, 0), 0);
	assert_int_equal(p9_os_getxattr(pfd, "user.test", NULL, 0), 6); /* size query */
	assert_int_equal(p9_os_getxattr(pfd, "user.test", buf, sizeof buf), 6);
	assert_memory_equal(buf, "value1", 6);
	assert_int_equal(p9_os_getxattr(pfd, "user.test", buf, 3), -ERANGE);
	/* XATTR_CREATE (1) on an existing name; XATTR_REPLACE (2) on a
	 * missing one */
	assert_int_equal(p9_os_setxattr(pfd, "user.test", "x", 1, 1), -EEXIST);
	assert_int_equal(p9_os_setxattr(pfd, "user.other", "x", 1, 2), -ENODATA);
	assert_int_equal(p9_os_setxattr(pfd, "user.test", "v2", 2, 2), 0);
	assert_int_equal(p9_os_setxattr(pfd, "user.test", "x", 1, 4), -EINVAL);
	assert_int_equal(p9_os_setxattr(pfd, "user.empty", "", 0, 0), 0);
	assert_int_equal(p9_os_getxattr(pfd, "user.empty", buf, sizeof buf), 0);

	ssize_t n = p9_os_listxattr(pfd, NULL, 0);
	assert_true(n > 0);
	char list[512];
	assert_true((size_t)n <= sizeof list);
	assert_int_equal(p9_os_listxattr(pfd, list, sizeof list), n);
	int have_test = 0, have_empty = 0;
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(list + i) + 1) {
		have_test += strcmp(list + i, "user.test") == 0;
		have_empty += strcmp(list + i, "user.empty") == 0;
	}
	assert_int_equal(have_test, 1);
	assert_int_equal(have_empty, 1);
	assert_int_equal(p9_os_listxattr(pfd, list, 1), -ERANGE);

	/* what the host sees, through an ordinary fd */
	int fd = openat(t->fd, "f", O_RDONLY | O_CLOEXEC);
	assert_int_equal(fgetxattr(fd, "user.test", buf, sizeof buf), 2);
	assert_memory_equal(buf, "v2", 2);

	assert_int_equal(p9_os_removexattr(pfd, "user.test"), 0);
	assert_int_equal(p9_os_removexattr(pfd, "user.test"), -ENODATA);
	assert_int_equal(p9_os_getxattr(pfd, "user.test", buf, sizeof buf), -ENODATA);
	assert_int_equal(fgetxattr(fd, "user.test", buf, sizeof buf), -1);
	close(fd);
	/* works on an unlinked file, through its handle */
	assert_int_equal(unlinkat(t->fd, "f", 0), 0);
	assert_int_equal(p9_os_setxattr(pfd, "user.gone", "g", 1, 0), 0);
	assert_int_equal(p9_os_getxattr(pfd, "user.gone", buf, sizeof buf), 1);
	p9_os_close(pfd);
	assert_int_equal(p9_os_getxattr(pfd, "user.gone", buf, sizeof buf), -EBADF);
}

static void xattr_on_symlink_handle_never_reaches_the_target(void **state)
{
	struct tdir *t = *state;
	if (no_user_xattrs(t))
		skip();
	mkfile(t->fd, "f", "", 0600);
	assert_int_equal(symlinkat("f", t->fd, "l"), 0);
	int fd = openat(t->fd, "f", O_RDONLY | O_CLOEXEC);
	assert_int_equal(fsetxattr(fd, "user.secret", "s", 1, 0), 0);
	int lfd = open_path(t->fd, "l");
	char buf[64];
	/* Linux allows no user.* on symlinks: ENODATA reading, EPERM
	 * writing; the target's attribute is never seen or changed. */
	assert_int_equal(p9_os_getxattr(lfd, "user.secret", buf, sizeof buf), -ENODATA);
	assert_int_equal(p9_os_setxattr(lfd, "user.new", "n", 1, 0), -EPERM);
	assert_int_equal(p9_os_removexattr(lfd, "user.secret"), -EPERM);
	ssize_t n = p9_os_listxattr(lfd, buf, sizeof buf);
	assert_true(n >= 0);
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
		assert_string_not_equal(buf + i, "user.secret");
	assert_int_equal(fgetxattr(fd, "user.new", buf, sizeof buf), -1);
	assert_int_equal(errno, ENODATA);
	assert_int_equal(fgetxattr(fd, "user.secret", buf, sizeof buf), 1);
	close(fd);
	p9_os_close(lfd);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tdir_setup, tdir_teardown)

int run_xattr_tests(void)
{
	const struct CMUnitTest tests[] = {
	        T(xattr_set_get_list_remove_on_o_path),
	        T(xattr_on_symlink_handle_never_reaches_the_target),
	};
	return cmocka_run_group_tests_name("platform/xattr", tests, NULL, NULL);
}
