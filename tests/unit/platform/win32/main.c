/*
 * main.c: the platform unit tests of the Windows build: the OS-neutral
 * group shared with Linux (../test_fault.c) and the win32 groups.
 */
#include <stdio.h>

#include "../helpers.h"
#include "wtest.h"

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (under_wine())
		printf("note: running under Wine; tests of what Wine lacks say so and skip\n");
	int failed = 0;
	failed += run_fault_tests();
	failed += run_win32_tests();
	failed += run_win32_dir_tests();
	return failed ? 1 : 0;
}
