/*
 * main.c: runs every group of the wire codec's unit tests.
 *
 * P9_CORPUS_DIR=dir makes the golden tests also write each vector there,
 * one file per vector: that is how tests/fuzz/corpus/decode/ is seeded.
 */
#include <stdio.h>

#include "helpers.h"

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int failed = 0;
	failed += run_golden_base_tests();
	failed += run_golden_dotl_tests();
	failed += run_reject_tests();
	failed += run_pack_tests();
	failed += run_records_tests();
	failed += run_format_tests();
	return failed ? 1 : 0;
}
