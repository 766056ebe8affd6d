/*
 * main.c: runs every group of the client unit tests.
 */
#include <signal.h>
#include <stdio.h>

#include "fake.h"

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	/* Tests hang up on the client on purpose; a write to a closed pipe
	 * must be an error, not the end of the test binary. */
	signal(SIGPIPE, SIG_IGN);
	int failed = 0;
	failed += run_rpc_tests();
	failed += run_ops_tests();
	failed += run_dial_tests();
#ifdef P9_TEST_FAULTS
	failed += run_nomem_tests();
#endif
	return failed ? 1 : 0;
}
