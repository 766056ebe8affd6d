/*
 * limits.c: process resource limits. Windows has no RLIMIT_NOFILE: the
 * handle table (files.c) grows to 16M entries and NT's per-process handle
 * limit is ~16M too, so that is the answer.
 */
#include "internal.h"

int p9_os_nofile_limit(void)
{
	return 1 << 24;
}
