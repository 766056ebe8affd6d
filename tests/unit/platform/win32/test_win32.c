/*
 * test_win32.c: the win32 platform layer on a real (or Wine's) file
 * system: relative opens, names Windows refuses, reparse points (made
 * where the host allows, and their classification on synthetic input),
 * unlink and rename of open files, hard links, locks, xattrs as streams,
 * errno numbering, and the calls Windows cannot do. Exact errnos.
 */
#include <stdio.h>
#include <string.h>

#include "../helpers.h"
#include "p9/proto.h"
#include "platform/win32/internal.h"
#include "wtest.h"

static int create(int dirfd, const char *name, const char *data)
{
	int fd = p9_os_openat(dirfd, name, P9_DOTL_CREATE | P9_DOTL_EXCL | P9_DOTL_RDWR, 0644);
	assert_true(fd >= 0);
	size_t n = strlen(data);
	assert_int_equal(p9_os_pwrite(fd, data, n, 0), (ssize_t)n);
	return fd;
}

static void read_is(int fd, const char *want)
{
	char buf[256];
	size_t n = strlen(want);
	assert_int_equal(p9_os_pread(fd, buf, sizeof buf, 0), (ssize_t)n);
	assert_memory_equal(buf, want, n);
}

static void relative_open_create_read_write_reopen(void **state)
{
	struct tdir *t = *state;
	assert_int_equal(p9_os_mkdirat(t->fd, "sub", 0755), 0);
	int d = p9_os_openat(t->fd, "sub", P9_OS_O_PATH | P9_DOTL_DIRECTORY, 0);
	assert_true(d >= 0);
	int fd = create(d, "f", "hello");
	assert_int_equal(p9_os_openat(d, "f", P9_DOTL_CREATE | P9_DOTL_EXCL | P9_DOTL_RDWR, 0600),
	                 -EEXIST);
	/* the name is in sub, not in the root */
	struct p9_os_stat st;
	assert_int_equal(p9_os_fstatat(t->fd, "f", &st), -ENOENT);
	assert_int_equal(p9_os_fstatat(d, "f", &st), 0);
	assert_int_equal(st.mode, P9_S_IFREG | 0644);
	assert_int_equal(st.size, 5);
	assert_int_equal(st.nlink, 1);
	/* reading through a fresh handle made from an O_PATH one */
	int pfd = open_path(d, "f");
	assert_int_equal(p9_os_pread(pfd, (char[4]){0}, 4, 0), -EBADF);
	int rfd = p9_os_reopen(pfd, P9_DOTL_RDONLY);
	assert_true(rfd >= 0);
	read_is(rfd, "hello");
	assert_int_equal(p9_os_pwrite(rfd, "x", 1, 0), -EBADF);
	struct p9_os_stat a, b;
	assert_int_equal(p9_os_fstat(pfd, &a), 0);
	assert_int_equal(p9_os_fstat(rfd, &b), 0);
	assert_int_equal(a.ino, b.ino);
	assert_int_equal(a.dev, b.dev);
	assert_int_equal(a.ino, st.ino);
	/* O_TRUNC, O_APPEND */
	int tfd = p9_os_openat(d, "f", P9_DOTL_WRONLY | P9_DOTL_TRUNC, 0);
	assert_true(tfd >= 0);
	assert_int_equal(p9_os_fstat(tfd, &st), 0);
	assert_int_equal(st.size, 0);
	int afd = p9_os_openat(d, "f", P9_DOTL_WRONLY | P9_DOTL_APPEND, 0);
	assert_int_equal(p9_os_pwrite(tfd, "abc", 3, 0), 3);
	assert_int_equal(p9_os_pwrite(afd, "de", 2, 0), 2); /* at the end, not at 0 */
	read_is(rfd, "abcde");
	assert_int_equal(p9_os_ftruncate(pfd, 2), 0); /* through an O_PATH handle */
	read_is(rfd, "ab");
	int sfd = p9_os_openat(d, "f", P9_DOTL_WRONLY | P9_DOTL_SYNC, 0); /* write-through */
	assert_int_equal(p9_os_pwrite(sfd, "AB", 2, 0), 2);
	assert_int_equal(p9_os_fsync(sfd, 1), 0);
	read_is(rfd, "AB");
	assert_int_equal(p9_os_close(sfd), 0);
	/* kinds */
	assert_int_equal(p9_os_openat(t->fd, "sub", P9_DOTL_RDWR, 0), -EISDIR);
	assert_int_equal(p9_os_openat(d, "f", P9_DOTL_RDONLY | P9_DOTL_DIRECTORY, 0), -ENOTDIR);
	assert_int_equal(p9_os_openat(pfd, "x", P9_OS_O_PATH, 0), -ENOTDIR);
	assert_int_equal(p9_os_openat(d, "missing", P9_DOTL_RDONLY, 0), -ENOENT);
	assert_int_equal(p9_os_openat(12345, "f", P9_DOTL_RDONLY, 0), -EBADF);
	assert_int_equal(p9_os_close(12345), -EBADF);
	int dup = p9_os_dup(rfd);
	assert_true(dup >= 0 && dup != rfd);
	read_is(dup, "AB");
	for (int *h = (int[]){dup, afd, tfd, rfd, pfd, fd, d}, i = 0; i < 7; i++)
		assert_int_equal(p9_os_close(h[i]), 0);
}

static const char *const refused[] = {
        "",       ".",        "..",   "a/b",      "a\\b",     "a:b",         "a*b",
        "a?b",    "a\"b",     "a<b",  "a>b",      "a|b",      "tab\there",   "trail.",
        "trail ", "CON",      "con",  "PRN",      "AUX",      "NUL",         "nul.txt",
        "COM1",   "com9.log", "LPT1", "lpt9.x.y", "CON .txt", "COM\xc2\xb9", "\x7f",
};
static const char *const accepted[] = {
        "CONSOLE", "COM10", "COM0", "nul2", "LPT", "...x", ".x", "a b", "\xc3\xa9t\xc3\xa9"};

static void names_windows_cannot_store_are_einval(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "x", 0644);
	int pfd = open_path(t->fd, "f");
	struct p9_os_stat st;
	struct p9_os_time tm[2] = {{0, 0, P9_OS_TIME_NOW}, {0, 0, P9_OS_TIME_NOW}};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		const char *n = refused[i];
		print_message("refused: \"%s\"\n", n);
		assert_int_equal(p9_os_openat(t->fd, n, P9_DOTL_RDONLY, 0), -EINVAL);
		assert_int_equal(p9_os_openat(t->fd, n, P9_DOTL_CREATE | P9_DOTL_WRONLY, 0600),
		                 -EINVAL);
		assert_int_equal(p9_os_fstatat(t->fd, n, &st), -EINVAL);
		assert_int_equal(p9_os_utimensat(t->fd, n, tm), -EINVAL);
		assert_int_equal(p9_os_mkdirat(t->fd, n, 0700), -EINVAL);
		assert_int_equal(p9_os_linkat(pfd, t->fd, n), -EINVAL);
		assert_int_equal(p9_os_renameat(t->fd, "f", t->fd, n), -EINVAL);
		assert_int_equal(p9_os_renameat(t->fd, n, t->fd, "g"), -EINVAL);
		assert_int_equal(p9_os_unlinkat(t->fd, n, 0), -EINVAL);
	}
	/* Not mangled into something else: nothing was created. */
	char buf[4096];
	int dfd = p9_os_reopen(t->fd, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY);
	ssize_t n = p9_os_dir_read(dfd, 0, buf, sizeof buf);
	size_t pos = 0, count = 0;
	struct p9_os_dirent de;
	while (p9_os_dir_next(buf, (size_t)n, &pos, &de))
		count++;
	assert_int_equal(count, 3); /* ".", "..", "f" */
	for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
		print_message("accepted: \"%s\"\n", accepted[i]);
		assert_int_equal(p9_os_mkdirat(t->fd, accepted[i], 0755), 0);
		assert_int_equal(p9_os_fstatat(t->fd, accepted[i], &st), 0);
	}
	/* 255 UTF-16 units fit, 256 do not */
	char longname[300];
	memset(longname, 'a', 255);
	longname[255] = '\0';
	assert_int_equal(p9_os_mkdirat(t->fd, longname, 0755), 0);
	longname[255] = 'a';
	longname[256] = '\0';
	assert_int_equal(p9_os_mkdirat(t->fd, longname, 0755), -ENAMETOOLONG);
	assert_int_equal(p9_os_mkdirat(t->fd, "\xff\xfe", 0755), -EINVAL); /* not UTF-8 */
	p9_os_close(dfd);
	p9_os_close(pfd);
}

static void holding_directory_is_invisible_at_the_root(void **state)
{
	struct tdir *t = *state;
	struct p9_os_stat st;
	assert_int_equal(p9_os_fstatat(t->fd, P9__HOLDING_NAME, &st), -ENOENT);
	assert_int_equal(p9_os_openat(t->fd, P9__HOLDING_NAME, P9_OS_O_PATH, 0), -ENOENT);
	assert_int_equal(p9_os_openat(t->fd, P9__HOLDING_NAME, P9_DOTL_CREATE | P9_DOTL_RDWR, 0600),
	                 -EACCES);
	assert_int_equal(p9_os_mkdirat(t->fd, ".P9D-Unlinked", 0755), -EEXIST);
	/* what a dead server left there goes when the export is opened */
	WCHAR w[PATH_MAX];
	wpath(t->path, P9__HOLDING_NAME, w, PATH_MAX);
	assert_true(CreateDirectoryW(w, NULL));
	mkfile(t->fd, P9__HOLDING_NAME "\\left-over", "x", 0644);
	wpath(t->path, P9__HOLDING_NAME "\\left-over", w, PATH_MAX);
	assert_true(GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES);
	int again = p9_os_open_root(t->path);
	assert_true(again >= 0);
	assert_true(GetFileAttributesW(w) == INVALID_FILE_ATTRIBUTES);
	p9_os_close(again);
	/* below the root it is an ordinary name */
	assert_int_equal(p9_os_mkdirat(t->fd, "d", 0755), 0);
	int d = open_path(t->fd, "d");
	assert_int_equal(p9_os_mkdirat(d, P9__HOLDING_NAME, 0755), 0);
	p9_os_close(d);
}

/* Where a symlink can be made (a privilege, developer mode, Wine 8's
 * own rules), the layer must report it and never follow it. */
static void reparse_points_are_links_never_followed(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "target", "data", 0644);
	assert_int_equal(p9_os_mkdirat(t->fd, "dir", 0755), 0);
	WCHAR l[PATH_MAX], ld[PATH_MAX];
	wpath(t->path, "l", l, PATH_MAX);
	wpath(t->path, "ld", ld, PATH_MAX);
	DWORD unpriv = 0x2; /* SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE */
	/* Wine 8's CreateSymbolicLinkW reports success and makes nothing:
	 * what counts is whether the link is there afterwards. */
	if (!CreateSymbolicLinkW(l, L"target", unpriv) ||
	    !CreateSymbolicLinkW(ld, L"dir", SYMBOLIC_LINK_FLAG_DIRECTORY | unpriv) ||
	    GetFileAttributesW(l) == INVALID_FILE_ATTRIBUTES) {
		print_message("skipped: this host cannot make symlinks (%s); reparse points are "
		              "tested on synthetic input (next test) instead\n",
		              under_wine() ? "Wine: CreateSymbolicLinkW is a stub"
		                           : "no privilege or developer mode");
		skip();
	}
	struct p9_os_stat st;
	assert_int_equal(p9_os_fstatat(t->fd, "l", &st), 0);
	assert_int_equal(st.mode & P9_S_IFMT, P9_S_IFLNK);
	assert_int_equal(p9_os_openat(t->fd, "l", P9_DOTL_RDONLY, 0), -ELOOP);
	assert_int_equal(p9_os_openat(t->fd, "ld", P9_DOTL_RDONLY | P9_DOTL_DIRECTORY, 0),
	                 -ENOTDIR);
	int lfd = p9_os_openat(t->fd, "l", P9_OS_O_PATH, 0);
	assert_true(lfd >= 0);
	char buf[64];
	assert_int_equal(p9_os_readlink(lfd, buf, sizeof buf), 6);
	assert_memory_equal(buf, "target", 6);
	assert_int_equal(p9_os_reopen(lfd, P9_DOTL_RDONLY), -ELOOP);
	int ldfd = p9_os_openat(t->fd, "ld", P9_OS_O_PATH, 0);
	assert_int_equal(p9_os_openat(ldfd, "x", P9_OS_O_PATH, 0), -ENOTDIR);
	assert_int_equal(p9_os_unlinkat(t->fd, "ld", 0), 0); /* the link, not the dir */
	assert_int_equal(p9_os_fstatat(t->fd, "dir", &st), 0);
	p9_os_close(ldfd);
	p9_os_close(lfd);
}

static void reparse_classification_on_synthetic_input(void **state)
{
	(void)state;
	const uint32_t D = FILE_ATTRIBUTE_DIRECTORY, R = FILE_ATTRIBUTE_REPARSE_POINT;
	assert_int_equal(p9__classify(FILE_ATTRIBUTE_NORMAL, 0), P9_S_IFREG);
	assert_int_equal(p9__classify(D, 0), P9_S_IFDIR);
	assert_int_equal(p9__classify(R, IO_REPARSE_TAG_SYMLINK), P9_S_IFLNK);
	assert_int_equal(p9__classify(R | D, IO_REPARSE_TAG_SYMLINK), P9_S_IFLNK);
	assert_int_equal(p9__classify(R | D, IO_REPARSE_TAG_MOUNT_POINT), P9_S_IFLNK);
	assert_int_equal(p9__classify(R, 0xA000001Du /* LX_SYMLINK */), P9_S_IFLNK);
	assert_int_equal(p9__classify(R, 0xA0000027u /* a future name surrogate */), P9_S_IFLNK);
	/* data, not names: dedup, cloud files, WOF-compressed */
	assert_int_equal(p9__classify(R, 0x80000013u /* DEDUP */), P9_S_IFREG);
	assert_int_equal(p9__classify(R | D, 0x9000001Au /* CLOUD */), P9_S_IFDIR);
	assert_int_equal(p9__classify(R, 0x80000017u /* WOF */), P9_S_IFREG);
	/* a tag without the attribute is no reparse point */
	assert_int_equal(p9__classify(0, IO_REPARSE_TAG_SYMLINK), P9_S_IFREG);
	/* synthesised permissions */
	assert_int_equal(p9__mode(0, 0), P9_S_IFREG | 0644);
	assert_int_equal(p9__mode(FILE_ATTRIBUTE_READONLY, 0), P9_S_IFREG | 0444);
	assert_int_equal(p9__mode(D, 0), P9_S_IFDIR | 0755);
	assert_int_equal(p9__mode(D | FILE_ATTRIBUTE_READONLY, 0), P9_S_IFDIR | 0555);
	assert_int_equal(p9__mode(R, IO_REPARSE_TAG_SYMLINK), P9_S_IFLNK | 0777);
}

static void stat_times_and_readonly(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "ro", "abc", 0444);
	struct p9_os_stat st;
	stat_name(t->fd, "ro", &st);
	assert_int_equal(st.mode, P9_S_IFREG | 0444);
	assert_int_equal(p9_os_openat(t->fd, "ro", P9_DOTL_WRONLY, 0), -EACCES);
	int fd = create(t->fd, "f", "x");
	struct p9_os_time tm[2] = {{1000000000, 123456700, P9_OS_TIME_SET},
	                           {-86400, 100, P9_OS_TIME_SET}};
	assert_int_equal(p9_os_futimens(fd, tm), 0);
	assert_int_equal(p9_os_fstat(fd, &st), 0);
	assert_int_equal(st.atime_sec, 1000000000);
	assert_int_equal(st.atime_nsec, 123456700);
	assert_int_equal(st.mtime_sec, -86400); /* before 1970 is fine on NT */
	assert_int_equal(st.mtime_nsec, 100);
	assert_int_equal(st.has_btime, 1);
	/* OMIT leaves, utimensat by name */
	struct p9_os_time tm2[2] = {{0, 0, P9_OS_TIME_OMIT}, {5, 0, P9_OS_TIME_SET}};
	assert_int_equal(p9_os_utimensat(t->fd, "f", tm2), 0);
	stat_name(t->fd, "f", &st);
	assert_int_equal(st.atime_sec, 1000000000);
	assert_int_equal(st.mtime_sec, 5);
	struct p9_os_time bad[2] = {{0, 1000000000u, P9_OS_TIME_SET}, {0, 0, P9_OS_TIME_OMIT}};
	assert_int_equal(p9_os_futimens(fd, bad), -EINVAL);
	struct p9_os_statfs sfs;
	assert_int_equal(p9_os_fstatfs(fd, &sfs), 0);
	assert_true(sfs.bsize > 0 && sfs.blocks > 0 && sfs.bavail <= sfs.blocks);
	assert_int_equal(sfs.namelen, 255);
	p9_os_close(fd);
}

static void unlink_while_open_keeps_the_handle(void **state)
{
	struct tdir *t = *state;
	int fd = create(t->fd, "f", "data");
	int pfd = open_path(t->fd, "f");
	struct p9_os_stat before, st;
	assert_int_equal(p9_os_fstat(fd, &before), 0);
	assert_int_equal(p9_os_unlinkat(t->fd, "f", 0), 0);
	/* the name is gone at once ... */
	assert_int_equal(p9_os_fstatat(t->fd, "f", &st), -ENOENT);
	assert_int_equal(p9_os_unlinkat(t->fd, "f", 0), -ENOENT);
	/* ... and may be used again while the old file lives on */
	int nfd = create(t->fd, "f", "new");
	read_is(fd, "data");
	assert_int_equal(p9_os_pwrite(fd, "DATA", 4, 0), 4);
	read_is(fd, "DATA");
	read_is(nfd, "new");
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.ino, before.ino);
	assert_int_equal(before.nlink, 1);
	/* 0, as on Linux, where NT reports the delete pending; Wine never
	 * does (the file's holding-directory name still counts there). */
	assert_int_equal(st.nlink, under_wine() ? 1 : 0);
	/* the root's listing shows the new f once and nothing else */
	int dfd = p9_os_reopen(t->fd, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY);
	char buf[4096];
	ssize_t n = p9_os_dir_read(dfd, 0, buf, sizeof buf);
	assert_true(n > 0);
	size_t pos = 0, count = 0;
	struct p9_os_dirent de;
	while (p9_os_dir_next(buf, (size_t)n, &pos, &de)) {
		assert_string_not_equal(de.name, P9__HOLDING_NAME);
		count++;
	}
	assert_int_equal(count, 3);
	/* directories too: rmdir of an open empty directory */
	assert_int_equal(p9_os_mkdirat(t->fd, "d", 0755), 0);
	int dd = p9_os_openat(t->fd, "d", P9_DOTL_RDONLY | P9_DOTL_DIRECTORY, 0);
	assert_true(dd >= 0);
	mkfile(t->fd, "x", "", 0644);
	assert_int_equal(p9_os_renameat(t->fd, "x", dd, "x"), 0);
	assert_int_equal(p9_os_unlinkat(t->fd, "d", 1), -ENOTEMPTY);
	assert_int_equal(p9_os_unlinkat(dd, "x", 0), 0);
	assert_int_equal(p9_os_unlinkat(t->fd, "d", 0), -EISDIR);
	assert_int_equal(p9_os_unlinkat(t->fd, "f", 1), -ENOTDIR);
	assert_int_equal(p9_os_unlinkat(t->fd, "d", 1), 0);
	assert_int_equal(p9_os_fstatat(t->fd, "d", &st), -ENOENT);
	assert_int_equal(p9_os_mkdirat(t->fd, "d", 0755), 0);
	p9_os_close(dd);
	p9_os_close(dfd);
	p9_os_close(nfd);
	p9_os_close(pfd);
	p9_os_close(fd);
	/* after the last close nothing is left in the holding directory */
	WCHAR w[PATH_MAX];
	wpath(t->path, P9__HOLDING_NAME "\\*", w, PATH_MAX);
	WIN32_FIND_DATAW fdata;
	HANDLE fh = FindFirstFileW(w, &fdata);
	int left = 0;
	if (fh != INVALID_HANDLE_VALUE) {
		do
			left += wcscmp(fdata.cFileName, L".") != 0 &&
			        wcscmp(fdata.cFileName, L"..") != 0;
		while (FindNextFileW(fh, &fdata));
		FindClose(fh);
	}
	assert_int_equal(left, 0);
}

static void rename_over_an_open_file(void **state)
{
	struct tdir *t = *state;
	int a = create(t->fd, "a", "AAA");
	int b = create(t->fd, "b", "BB");
	assert_int_equal(p9_os_renameat(t->fd, "a", t->fd, "b"), 0);
	struct p9_os_stat st;
	assert_int_equal(p9_os_fstatat(t->fd, "a", &st), -ENOENT);
	int nb = p9_os_openat(t->fd, "b", P9_DOTL_RDONLY, 0);
	assert_true(nb >= 0);
	read_is(nb, "AAA");
	read_is(b, "BB"); /* the replaced file lives on through its handle */
	read_is(a, "AAA");
	/* kinds, as Linux answers */
	assert_int_equal(p9_os_mkdirat(t->fd, "d", 0755), 0);
	assert_int_equal(p9_os_mkdirat(t->fd, "e", 0755), 0);
	assert_int_equal(p9_os_renameat(t->fd, "b", t->fd, "d"), -EISDIR);
	assert_int_equal(p9_os_renameat(t->fd, "d", t->fd, "b"), -ENOTDIR);
	mkfile(t->fd, "x", "", 0644);
	int e = open_path(t->fd, "e");
	assert_int_equal(p9_os_renameat(t->fd, "x", e, "x"), 0);
	assert_int_equal(p9_os_renameat(t->fd, "d", t->fd, "e"), -ENOTEMPTY);
	assert_int_equal(p9_os_unlinkat(e, "x", 0), 0);
	assert_int_equal(p9_os_renameat(t->fd, "d", t->fd, "e"), 0); /* over an empty dir */
	assert_int_equal(p9_os_fstatat(t->fd, "d", &st), -ENOENT);
	/* a file renamed onto itself (another name of it) stays */
	assert_int_equal(p9_os_linkat(nb, t->fd, "b2"), 0);
	assert_int_equal(p9_os_renameat(t->fd, "b", t->fd, "b2"), 0);
	assert_int_equal(p9_os_fstatat(t->fd, "b", &st), 0);
	assert_int_equal(p9_os_renameat(t->fd, "missing", t->fd, "z"), -ENOENT);
	p9_os_close(e);
	p9_os_close(nb);
	p9_os_close(b);
	p9_os_close(a);
}

/* Handles opened below a directory before it was renamed still stat
 * (Wine answers volume queries by the stale name: not used for stat). */
static void stat_below_a_renamed_directory(void **state)
{
	struct tdir *t = *state;
	struct p9_os_stat st, st2;
	assert_int_equal(p9_os_mkdirat(t->fd, "d1", 0755), 0);
	int a = p9_os_openat(t->fd, "d1", P9_OS_O_PATH, 0);
	assert_true(a >= 0);
	assert_int_equal(p9_os_mkdirat(a, "sub", 0755), 0);
	int s = p9_os_openat(a, "sub", P9_OS_O_PATH, 0);
	assert_true(s >= 0);
	int f = create(s, "f", "abc");
	assert_int_equal(p9_os_fstat(f, &st), 0);
	assert_int_equal(p9_os_renameat(t->fd, "d1", t->fd, "d2"), 0);
	assert_int_equal(p9_os_fstat(f, &st2), 0);
	assert_int_equal(st2.ino, st.ino);
	assert_int_equal(st2.dev, st.dev);
	assert_int_equal(p9_os_fstatat(s, "f", &st2), 0);
	assert_int_equal(st2.ino, st.ino);
	assert_int_equal(st2.size, 3);
	assert_int_equal(p9_os_fstatat(a, "sub", &st2), 0);
	assert_int_equal(st2.mode & P9_S_IFMT, P9_S_IFDIR);
	struct p9_os_statfs sf;
	assert_int_equal(p9_os_fstatfs(s, &sf), 0);
	/* and reopen (what Tlopen does with a walked fid) */
	int fp = p9_os_openat(s, "f", P9_OS_O_PATH, 0);
	assert_true(fp >= 0);
	assert_int_equal(p9_os_renameat(t->fd, "d2", t->fd, "d3"), 0);
	int r = p9_os_reopen(fp, P9_DOTL_RDONLY);
	assert_true(r >= 0);
	read_is(r, "abc");
	p9_os_close(r);
	p9_os_close(fp);
	p9_os_close(f);
	p9_os_close(s);
	p9_os_close(a);
}

static void hard_links_share_the_file(void **state)
{
	struct tdir *t = *state;
	int fd = create(t->fd, "f", "one");
	int pfd = open_path(t->fd, "f");
	assert_int_equal(p9_os_mkdirat(t->fd, "d", 0755), 0);
	int d = open_path(t->fd, "d");
	assert_int_equal(p9_os_linkat(pfd, d, "g"), 0);
	assert_int_equal(p9_os_linkat(pfd, d, "g"), -EEXIST);
	assert_int_equal(p9_os_linkat(d, t->fd, "dlink"), -EPERM);
	struct p9_os_stat a, b;
	stat_name(t->fd, "f", &a);
	stat_name(d, "g", &b);
	assert_int_equal(a.ino, b.ino);
	assert_int_equal(b.nlink, 2);
	int g = p9_os_openat(d, "g", P9_DOTL_RDWR, 0);
	assert_int_equal(p9_os_pwrite(g, "TWO", 3, 0), 3);
	read_is(fd, "TWO");
	/* Closed first: without POSIX delete an open file keeps a name in
	 * the holding directory (and its link count) until its last close. */
	p9_os_close(g);
	p9_os_close(pfd);
	p9_os_close(fd);
	assert_int_equal(p9_os_unlinkat(t->fd, "f", 0), 0);
	stat_name(d, "g", &b);
	assert_int_equal(b.nlink, 1);
	p9_os_close(d);
}

static void locks_per_handle_with_bounded_waits(void **state)
{
	struct tdir *t = *state;
	int h1 = create(t->fd, "f", "0123456789");
	int h2 = p9_os_openat(t->fd, "f", P9_DOTL_RDWR, 0);
	int ro = p9_os_openat(t->fd, "f", P9_DOTL_RDONLY, 0);
	struct p9_os_lock wr = {P9_LOCK_TYPE_WRLCK, 0, 100, 0};
	struct p9_os_lock rd = {P9_LOCK_TYPE_RDLCK, 0, 100, 0};
	struct p9_os_lock un = {P9_LOCK_TYPE_UNLCK, 0, 100, 0};
	assert_int_equal(p9_os_setlk(h1, &wr, 0), 0);
	assert_int_equal(p9_os_setlk(h1, &wr, 0), 0); /* again: our own */
	assert_int_equal(p9_os_setlk(h2, &rd, 0), -EAGAIN);
	struct p9_os_lock q = {P9_LOCK_TYPE_RDLCK, 10, 5, 0};
	assert_int_equal(p9_os_getlk(h2, &q), 0);
	assert_int_equal(q.type, P9_LOCK_TYPE_WRLCK);
	assert_int_equal(q.pid, -1);
	q = (struct p9_os_lock){P9_LOCK_TYPE_WRLCK, 0, 100, 0};
	assert_int_equal(p9_os_getlk(h1, &q), 0); /* own locks never conflict */
	assert_int_equal(q.type, P9_LOCK_TYPE_UNLCK);
	/* a wait ends with EINTR after one slice */
	ULONGLONG t0 = GetTickCount64();
	assert_int_equal(p9_os_setlk(h2, &wr, 1), -EINTR);
	ULONGLONG ms = GetTickCount64() - t0;
	print_message("one wait slice: %llu ms\n", ms);
	assert_true(ms >= 90 && ms < 2000);
	/* an interrupt (even one sent before the wait) ends it at once */
	p9_os_thread_init();
	p9_os_thread_interrupt(p9_os_thread_self());
	t0 = GetTickCount64();
	assert_int_equal(p9_os_setlk(h2, &wr, 1), -EINTR);
	ms = GetTickCount64() - t0;
	print_message("interrupted wait: %llu ms\n", ms);
	assert_true(ms < 90);
	t0 = GetTickCount64(); /* the interrupt was used up */
	assert_int_equal(p9_os_setlk(h2, &wr, 1), -EINTR);
	assert_true(GetTickCount64() - t0 >= 90);
	/* partial unlock splits the range */
	struct p9_os_lock mid = {P9_LOCK_TYPE_UNLCK, 40, 20, 0};
	assert_int_equal(p9_os_setlk(h1, &mid, 0), 0);
	struct p9_os_lock m2 = {P9_LOCK_TYPE_WRLCK, 40, 20, 0};
	struct p9_os_lock lo = {P9_LOCK_TYPE_WRLCK, 0, 10, 0};
	struct p9_os_lock hi = {P9_LOCK_TYPE_RDLCK, 90, 10, 0};
	assert_int_equal(p9_os_setlk(h2, &lo, 0), -EAGAIN);
	assert_int_equal(p9_os_setlk(h2, &hi, 0), -EAGAIN);
	assert_int_equal(p9_os_setlk(h2, &m2, 0), 0);
	/* downgrade to read: h2 may then read-lock what h1 holds */
	assert_int_equal(p9_os_setlk(h1, &(struct p9_os_lock){P9_LOCK_TYPE_RDLCK, 0, 40, 0}, 0), 0);
	assert_int_equal(p9_os_setlk(h2, &(struct p9_os_lock){P9_LOCK_TYPE_RDLCK, 0, 40, 0}, 0), 0);
	assert_int_equal(p9_os_setlk(h2, &(struct p9_os_lock){P9_LOCK_TYPE_WRLCK, 0, 40, 0}, 0),
	                 -EAGAIN);
	/* unlock everything; then h2 gets the whole file (length 0) */
	assert_int_equal(p9_os_setlk(h1, &un, 0), 0);
	assert_int_equal(p9_os_setlk(h2, &un, 0), 0);
	struct p9_os_lock all = {P9_LOCK_TYPE_WRLCK, 0, 0, 0};
	assert_int_equal(p9_os_setlk(h2, &all, 0), 0);
	assert_int_equal(
	        p9_os_setlk(h1, &(struct p9_os_lock){P9_LOCK_TYPE_RDLCK, 1000000, 1, 0}, 0),
	        -EAGAIN);
	/* a write lock needs a writable handle; O_PATH handles lock nothing */
	assert_int_equal(p9_os_setlk(ro, &wr, 0), -EBADF);
	int pfd = open_path(t->fd, "f");
	assert_int_equal(p9_os_setlk(pfd, &rd, 0), -EBADF);
	/* closing a handle drops its locks */
	assert_int_equal(p9_os_close(h2), 0);
	assert_int_equal(p9_os_setlk(h1, &all, 0), 0);
	p9_os_close(pfd);
	p9_os_close(ro);
	p9_os_close(h1);
}

static void xattrs_are_streams_or_unsupported(void **state)
{
	struct tdir *t = *state;
	int fd = create(t->fd, "f", "x");
	int pfd = open_path(t->fd, "f");
	char buf[64];
	int r = p9_os_setxattr(pfd, "user.a", "12345", 5, 0);
	if (r == -EOPNOTSUPP) {
		print_message("note: this volume has no named streams%s: every xattr call must "
		              "answer EOPNOTSUPP\n",
		              under_wine() ? " (Wine)" : "");
		assert_int_equal(p9_os_getxattr(pfd, "user.a", buf, sizeof buf), -EOPNOTSUPP);
		assert_int_equal(p9_os_listxattr(pfd, buf, sizeof buf), -EOPNOTSUPP);
		assert_int_equal(p9_os_removexattr(pfd, "user.a"), -EOPNOTSUPP);
		/* and no file called "f:user.a" appeared instead */
		WCHAR w[PATH_MAX];
		wpath(t->path, "f:user.a", w, PATH_MAX);
		assert_true(GetFileAttributesW(w) == INVALID_FILE_ATTRIBUTES);
		print_message("skipped: stream round trips need NTFS\n");
		p9_os_close(pfd);
		p9_os_close(fd);
		skip();
	}
	assert_int_equal(r, 0);
	assert_int_equal(p9_os_getxattr(pfd, "user.a", NULL, 0), 5);
	assert_int_equal(p9_os_getxattr(pfd, "user.a", buf, sizeof buf), 5);
	assert_memory_equal(buf, "12345", 5);
	assert_int_equal(p9_os_getxattr(pfd, "user.a", buf, 2), -ERANGE);
	assert_int_equal(p9_os_setxattr(pfd, "user.a", "z", 1, 1), -EEXIST);
	assert_int_equal(p9_os_setxattr(pfd, "user.b", "z", 1, 2), -ENODATA);
	assert_int_equal(p9_os_setxattr(pfd, "user.a", "z", 1, 2), 0);
	assert_int_equal(p9_os_getxattr(pfd, "user.a", buf, sizeof buf), 1);
	assert_int_equal(p9_os_setxattr(pfd, "user.b", "", 0, 0), 0);
	assert_int_equal(p9_os_listxattr(pfd, NULL, 0), 14);
	assert_int_equal(p9_os_listxattr(pfd, buf, sizeof buf), 14);
	assert_memory_equal(buf, "user.a\0user.b\0", 14);
	assert_int_equal(p9_os_setxattr(pfd, "a:b", "", 0, 0), -EINVAL);
	assert_int_equal(p9_os_removexattr(pfd, "user.a"), 0);
	assert_int_equal(p9_os_removexattr(pfd, "user.a"), -ENODATA);
	assert_int_equal(p9_os_getxattr(pfd, "user.a", buf, sizeof buf), -ENODATA);
	read_is(fd, "x"); /* the file's own data never moved */
	p9_os_close(pfd);
	p9_os_close(fd);
}

static void what_windows_cannot_do_is_enotsup(void **state)
{
	struct tdir *t = *state;
	struct p9_os_stat st;
	int pfd = create(t->fd, "f", "");
	assert_int_equal(p9_os_symlinkat("f", t->fd, "l"), -EOPNOTSUPP);
	assert_int_equal(p9_os_mknodat(t->fd, "p", P9_S_IFIFO | 0600, 0), -EOPNOTSUPP);
	assert_int_equal(p9_os_mknodat(t->fd, "c", P9_S_IFCHR | 0600, 0x0103), -EOPNOTSUPP);
	assert_int_equal(p9_os_fstatat(t->fd, "p", &st), -ENOENT);
	/* A regular file it can make (the mapped models' mknod does). */
	assert_int_equal(p9_os_mknodat(t->fd, "r", P9_S_IFREG | 0600, 0), 0);
	assert_int_equal(p9_os_fstatat(t->fd, "r", &st), 0);
	assert_int_equal(st.mode & P9_S_IFMT, P9_S_IFREG);
	assert_int_equal(st.size, 0);
	assert_int_equal(p9_os_mknodat(t->fd, "r", P9_S_IFREG | 0600, 0), -EEXIST);
	assert_int_equal(p9_os_fchmod(pfd, 0600), -EOPNOTSUPP);
	assert_int_equal(p9_os_fchown(pfd, 1000, 1000), -EOPNOTSUPP);
	assert_int_equal(p9_os_fchown(pfd, UINT32_MAX, UINT32_MAX), 0);
	assert_int_equal(p9_os_become(1000, 1000, NULL, 0), -ENOTSUP);
	assert_int_equal(p9_os_become_self(), 0);
	assert_int_equal(p9_os_is_privileged(), 0);
	uint32_t g[4];
	assert_int_equal(p9_os_user_groups(1000, 77, g, 4), 1);
	assert_int_equal(g[0], 77);
	assert_int_equal(p9_os_user_groups(1000, 77, g, 0), -ERANGE);
	assert_true(p9_os_nofile_limit() > 1024);
	p9_os_close(pfd);
}

static void errors_are_linux_numbers(void **state)
{
	(void)state;
	/* The E* names are Linux's numbers in this build (linux_errno.h). */
	assert_int_equal(ENOTEMPTY, 39);
	assert_int_equal(ELOOP, 40);
	assert_int_equal(EOPNOTSUPP, 95);
	assert_int_equal(ENODATA, 61);
	assert_int_equal(p9__nt_err((NTSTATUS)0xC0000034L), -2);  /* OBJECT_NAME_NOT_FOUND */
	assert_int_equal(p9__nt_err((NTSTATUS)0xC0000101L), -39); /* DIRECTORY_NOT_EMPTY */
	assert_int_equal(p9__nt_err((NTSTATUS)0xC0000035L), -17); /* OBJECT_NAME_COLLISION */
	assert_int_equal(p9__nt_err((NTSTATUS)0xC0000056L), -2);  /* DELETE_PENDING */
	assert_int_equal(p9__nt_err((NTSTATUS)0xC0000103L), -20); /* NOT_A_DIRECTORY */
	assert_int_equal(p9__nt_err((NTSTATUS)0xC00000BAL), -21); /* FILE_IS_A_DIRECTORY */
	assert_int_equal(p9__nt_err((NTSTATUS)0xC0000002L), -95); /* NOT_IMPLEMENTED */
	/* through RtlNtStatusToDosError: STATUS_OBJECT_PATH_SYNTAX_BAD */
	assert_int_equal(p9__nt_err((NTSTATUS)0xC000003BL), -22);
	assert_int_equal(p9__win_err(ERROR_DIR_NOT_EMPTY), -39);
	assert_int_equal(p9__win_err(ERROR_LOCK_VIOLATION), -11);
	assert_int_equal(p9__win_err(ERROR_FILENAME_EXCED_RANGE), -36);
	assert_int_equal(p9__win_err(99999), -5); /* unknown: EIO */
}

#define T(f) cmocka_unit_test_setup_teardown(f, tdir_setup, tdir_teardown)

int run_win32_tests(void)
{
	const struct CMUnitTest tests[] = {
	        T(relative_open_create_read_write_reopen),
	        T(names_windows_cannot_store_are_einval),
	        T(holding_directory_is_invisible_at_the_root),
	        T(reparse_points_are_links_never_followed),
	        cmocka_unit_test(reparse_classification_on_synthetic_input),
	        T(stat_times_and_readonly),
	        T(unlink_while_open_keeps_the_handle),
	        T(rename_over_an_open_file),
	        T(hard_links_share_the_file),
	        T(locks_per_handle_with_bounded_waits),
	        T(xattrs_are_streams_or_unsupported),
	        T(stat_below_a_renamed_directory),
	        T(what_windows_cannot_do_is_enotsup),
	        cmocka_unit_test(errors_are_linux_numbers),
	};
	return cmocka_run_group_tests_name("platform/win32", tests, NULL, NULL);
}
