/*
 * helpers.c: the fixtures of ../helpers.h for Windows: a fresh directory
 * under %TEMP% per test, files written with kernel32 by path (so a bug in
 * the layer under test cannot hide in its own fixture), and the tree
 * removed afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "../helpers.h"
#include "wtest.h"

static char cur_path[PATH_MAX]; /* the running test's directory */
static int cur_fd = -1;

void wpath(const char *dir, const char *name, WCHAR *out, int cap)
{
	char p[PATH_MAX * 2];
	snprintf(p, sizeof p, "%s\\%s", dir, name);
	int n = MultiByteToWideChar(CP_UTF8, 0, p, -1, out, cap);
	assert_true(n > 0);
}

const char *tdir_path_of(int fd)
{
	return fd == cur_fd ? cur_path : NULL;
}

int tdir_setup(void **state)
{
	struct tdir *t = calloc(1, sizeof *t);
	if (t == NULL)
		return -1;
	char base[MAX_PATH];
	DWORD n = GetTempPathA(sizeof base, base);
	if (n == 0 || n >= sizeof base) {
		free(t);
		return -1;
	}
	/* Wine reuses small process ids: the tick count and a retry make
	 * the name fresh. */
	static LONG seq;
	int ok = 0;
	for (int i = 0; i < 100 && !ok; i++) {
		snprintf(t->path, sizeof t->path, "%sp9platform-%lu-%llu-%ld", base,
		         (unsigned long)GetCurrentProcessId(), (unsigned long long)GetTickCount64(),
		         (long)InterlockedIncrement(&seq));
		ok = CreateDirectoryA(t->path, NULL);
	}
	if (!ok) {
		print_error("tdir_setup: CreateDirectory %s: error %lu\n", t->path, GetLastError());
		free(t);
		return -1;
	}
	t->fd = p9_os_open_root(t->path);
	if (t->fd < 0) {
		print_error("tdir_setup: p9_os_open_root %s: %d\n", t->path, t->fd);
		RemoveDirectoryA(t->path);
		free(t);
		return -1;
	}
	snprintf(cur_path, sizeof cur_path, "%s", t->path);
	cur_fd = t->fd;
	*state = t;
	return 0;
}

static void rm_tree(const WCHAR *dir)
{
	WCHAR pat[MAX_PATH * 2];
	swprintf(pat, MAX_PATH * 2, L"%ls\\*", dir);
	WIN32_FIND_DATAW fd;
	HANDLE h = FindFirstFileW(pat, &fd);
	if (h != INVALID_HANDLE_VALUE) {
		do {
			if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0)
				continue;
			WCHAR p[MAX_PATH * 2];
			swprintf(p, MAX_PATH * 2, L"%ls\\%ls", dir, fd.cFileName);
			SetFileAttributesW(p, FILE_ATTRIBUTE_NORMAL);
			if ((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
			    !(fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT))
				rm_tree(p);
			else if (!DeleteFileW(p))
				RemoveDirectoryW(p);
		} while (FindNextFileW(h, &fd));
		FindClose(h);
	}
	RemoveDirectoryW(dir);
}

int tdir_teardown(void **state)
{
	struct tdir *t = *state;
	p9_os_close(t->fd);
	cur_fd = -1;
	WCHAR w[PATH_MAX];
	MultiByteToWideChar(CP_UTF8, 0, t->path, -1, w, PATH_MAX);
	rm_tree(w);
	free(t);
	return 0;
}

void mkfile(int dirfd, const char *name, const char *data, unsigned mode)
{
	const char *dir = tdir_path_of(dirfd);
	assert_non_null(dir); /* fixtures are made in the test's own directory */
	WCHAR w[PATH_MAX];
	wpath(dir, name, w, PATH_MAX);
	HANDLE h = CreateFileW(w, GENERIC_WRITE,
	                       FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
	                       CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	assert_true(h != INVALID_HANDLE_VALUE);
	DWORD put = 0, len = (DWORD)strlen(data);
	assert_true(WriteFile(h, data, len, &put, NULL) && put == len);
	CloseHandle(h);
	if ((mode & 0222) == 0)
		assert_true(SetFileAttributesW(w, FILE_ATTRIBUTE_READONLY));
}

int open_path(int dirfd, const char *name)
{
	int fd = p9_os_openat(dirfd, name, P9_OS_O_PATH, 0);
	assert_true(fd >= 0);
	return fd;
}

void stat_name(int dirfd, const char *name, struct p9_os_stat *st)
{
	assert_int_equal(p9_os_fstatat(dirfd, name, st), 0);
}

int under_valgrind(void)
{
	return 0;
}

int under_wine(void)
{
	HMODULE nt = GetModuleHandleA("ntdll.dll");
	return nt != NULL && GetProcAddress(nt, "wine_get_version") != NULL;
}
