/*
 * helpers.h: what the platform tests share: a fresh temporary directory per
 * test, and small fixtures built with plain libc (so that a bug in the
 * layer under test cannot hide in its own fixture).
 *
 * The directory lives under $P9_TEST_TMPDIR (the build directory, set by
 * meson) or /var/tmp: /tmp may be a file system without user xattrs.
 */
#ifndef P9_TEST_PLATFORM_HELPERS_H
#define P9_TEST_PLATFORM_HELPERS_H

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "platform/platform.h"

struct tdir {
	char path[PATH_MAX];
	int fd; /* O_DIRECTORY handle of path */
};

/* cmocka setup/teardown: *state becomes a struct tdir (freed by teardown,
 * which also removes the tree). */
int tdir_setup(void **state);
int tdir_teardown(void **state);

/* Fixtures, with libc; each fails the test on error. */
void mkfile(int dirfd, const char *name, const char *data, unsigned mode);
int open_path(int dirfd, const char *name); /* O_PATH|O_NOFOLLOW handle */
void stat_name(int dirfd, const char *name, struct p9_os_stat *st);

/* Valgrind runs one thread at a time and 3.19 does not know that
 * fcntl(F_OFD_SETLKW) may block: a test that blocks there stops the whole
 * process. Such tests skip themselves under valgrind. */
int under_valgrind(void);

/* The groups of tests, one per file; each returns its failure count. */
int run_files_tests(void);
int run_dir_tests(void);
int run_xattr_tests(void);
int run_lock_tests(void);
int run_identity_tests(void);
int run_fault_tests(void);
int run_errno_tests(void);

#endif
