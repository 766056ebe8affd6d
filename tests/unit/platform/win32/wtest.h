/*
 * wtest.h: what the Windows platform tests add to ../helpers.h.
 */
#ifndef P9_TEST_PLATFORM_WTEST_H
#define P9_TEST_PLATFORM_WTEST_H

#include <windows.h>

void wpath(const char *dir, const char *name, WCHAR *out, int cap); /* dir\name, UTF-16 */
const char *tdir_path_of(int fd); /* the test directory's path, if fd is its handle */
int under_wine(void);

int run_win32_tests(void);
int run_win32_dir_tests(void);

#endif
