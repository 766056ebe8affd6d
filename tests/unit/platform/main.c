/*
 * main.c: runs every group of the platform unit tests.
 *
 * umask 0 so that modes passed to the layer read back exactly.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "helpers.h"

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	umask(0);
	int failed = 0;
	failed += run_errno_tests();
	failed += run_fault_tests();
	failed += run_files_tests();
	failed += run_dir_tests();
	failed += run_xattr_tests();
	failed += run_lock_tests();
	failed += run_identity_tests();
	return failed ? 1 : 0;
}
