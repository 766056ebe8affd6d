/*
 * test_errno.c: the errno table that non-Linux hosts use, compiled on
 * Linux (P9_ERRNO_FORCE_TABLE), where every entry must map a value to
 * itself: this checks the Linux numbers written in the table.
 */
#include <errno.h>

#include "helpers.h"

int p9__err_table(int host_errno);

static void table_maps_linux_errnos_to_themselves(void **state)
{
	(void)state;
	for (int e = 1; e <= 133; e++) {
		int got = p9__err_table(e);
		/* numbers the table leaves out become EIO */
		if (got != -EIO)
			assert_int_equal(got, -e);
	}
	const int must[] = {EPERM,        ENOENT,     EINTR,  EIO,       EBADF,     EAGAIN,
	                    ENOMEM,       EACCES,     EEXIST, EXDEV,     ENOTDIR,   EISDIR,
	                    EINVAL,       ENOSPC,     EROFS,  EMLINK,    ERANGE,    EDEADLK,
	                    ENAMETOOLONG, ENOLCK,     ENOSYS, ENOTEMPTY, ELOOP,     ENODATA,
	                    EOVERFLOW,    EOPNOTSUPP, ESTALE, EDQUOT,    ECANCELED, ENXIO};
	for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
		assert_int_equal(p9__err_table(must[i]), -must[i]);
	/* unknown numbers never pass through as something else */
	assert_int_equal(p9__err_table(0), -EIO);
	assert_int_equal(p9__err_table(-3), -EIO);
	assert_int_equal(p9__err_table(100000), -EIO);
}

int run_errno_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(table_maps_linux_errnos_to_themselves),
	};
	return cmocka_run_group_tests_name("platform/errno", tests, NULL, NULL);
}
