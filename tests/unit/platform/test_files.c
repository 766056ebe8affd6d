/*
 * test_files.c: handles, metadata, data and names: p9_os_openat,
 * p9_os_reopen, stat/setattr calls, pread/pwrite, and the *at() name calls.
 * Every result and errno is asserted exactly.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "helpers.h"
#include "p9/proto.h"

#define EXT4_SUPER_MAGIC 0xEF53

static const char *const bad_names[] = {"", ".", "..", "a/b", "/etc", "../x", "x/"};

static void names_dot_dotdot_empty_slash_are_einval(void **state)
{
	struct tdir *t = *state;
	struct p9_os_stat st;
	struct p9_os_time tm[2] = {{0, 0, P9_OS_TIME_NOW}, {0, 0, P9_OS_TIME_NOW}};
	mkfile(t->fd, "f", "x", 0644);
	int pfd = open_path(t->fd, "f");
	for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
		const char *n = bad_names[i];
		assert_int_equal(p9_os_openat(t->fd, n, P9_DOTL_RDONLY, 0), -EINVAL);
		assert_int_equal(p9_os_openat(t->fd, n, P9_OS_O_PATH, 0), -EINVAL);
		assert_int_equal(p9_os_openat(t->fd, n, P9_DOTL_CREATE | P9_DOTL_WRONLY, 0600),
		                 -EINVAL);
		assert_int_equal(p9_os_fstatat(t->fd, n, &st), -EINVAL);
		assert_int_equal(p9_os_utimensat(t->fd, n, tm), -EINVAL);
		assert_int_equal(p9_os_mkdirat(t->fd, n, 0700), -EINVAL);
		assert_int_equal(p9_os_mknodat(t->fd, n, P9_S_IFIFO | 0600, 0), -EINVAL);
		assert_int_equal(p9_os_symlinkat("f", t->fd, n), -EINVAL);
		assert_int_equal(p9_os_linkat(pfd, t->fd, n), -EINVAL);
		assert_int_equal(p9_os_renameat(t->fd, "f", t->fd, n), -EINVAL);
		assert_int_equal(p9_os_renameat(t->fd, n, t->fd, "g"), -EINVAL);
		assert_int_equal(p9_os_unlinkat(t->fd, n, 0), -EINVAL);
		assert_int_equal(p9_os_unlinkat(t->fd, n, 1), -EINVAL);
	}
	assert_int_equal(p9_os_openat(t->fd, NULL, P9_DOTL_RDONLY, 0), -EINVAL);
	/* Names that merely start with dots are fine. */
	assert_int_equal(p9_os_mkdirat(t->fd, "...", 0700), 0);
	assert_int_equal(p9_os_mkdirat(t->fd, ".x", 0700), 0);
	close(pfd);
}

static void openat_o_path_of_symlink_names_the_link(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "target", "data", 0644);
	assert_int_equal(symlinkat("target", t->fd, "l"), 0);
	int fd = p9_os_openat(t->fd, "l", P9_OS_O_PATH, 0);
	assert_true(fd >= 0);
	struct p9_os_stat st;
	assert_int_equal(p9_os_fstat(fd, &st), 0);
	assert_int_equal(st.mode & P9_S_IFMT, P9_S_IFLNK);
	assert_int_equal(st.size, 6);
	char buf[64];
	assert_int_equal(p9_os_readlink(fd, buf, sizeof buf), 6);
	assert_string_equal(buf, "target");
	assert_int_equal(p9_os_close(fd), 0);
}

static void openat_symlink_for_io_is_eloop(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "target", "data", 0644);
	assert_int_equal(mkdirat(t->fd, "dir", 0755), 0);
	assert_int_equal(symlinkat("target", t->fd, "l"), 0);
	assert_int_equal(symlinkat("dir", t->fd, "ld"), 0);
	assert_int_equal(symlinkat("/etc/passwd", t->fd, "escape"), 0);
	assert_int_equal(p9_os_openat(t->fd, "l", P9_DOTL_RDONLY, 0), -ELOOP);
	assert_int_equal(p9_os_openat(t->fd, "l", P9_DOTL_RDWR | P9_DOTL_TRUNC, 0), -ELOOP);
	assert_int_equal(p9_os_openat(t->fd, "escape", P9_DOTL_RDONLY, 0), -ELOOP);
	/* with O_DIRECTORY Linux says ENOTDIR: a symlink is not a directory */
	assert_int_equal(p9_os_openat(t->fd, "ld", P9_DOTL_RDONLY | P9_DOTL_DIRECTORY, 0),
	                 -ENOTDIR);
	/* O_CREAT on a dangling or planted link must not create the target. */
	assert_int_equal(symlinkat("created", t->fd, "dangling"), 0);
	assert_int_equal(p9_os_openat(t->fd, "dangling", P9_DOTL_CREATE | P9_DOTL_WRONLY, 0644),
	                 -ELOOP);
	struct p9_os_stat st;
	assert_int_equal(p9_os_fstatat(t->fd, "created", &st), -ENOENT);
	/* A client asking for O_NOFOLLOW itself changes nothing. */
	assert_int_equal(p9_os_openat(t->fd, "l", P9_DOTL_RDONLY | P9_DOTL_NOFOLLOW, 0), -ELOOP);
}

static void openat_create_uses_mode_and_excl(void **state)
{
	struct tdir *t = *state;
	int fd = p9_os_openat(t->fd, "new", P9_DOTL_CREATE | P9_DOTL_EXCL | P9_DOTL_WRONLY, 0640);
	assert_true(fd >= 0);
	struct p9_os_stat st;
	assert_int_equal(p9_os_fstat(fd, &st), 0);
	assert_int_equal(st.mode, P9_S_IFREG | 0640);
	assert_int_equal(st.size, 0);
	assert_int_equal(st.nlink, 1);
	assert_int_equal(st.uid, geteuid());
	/* close-on-exec always */
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	p9_os_close(fd);
	assert_int_equal(
	        p9_os_openat(t->fd, "new", P9_DOTL_CREATE | P9_DOTL_EXCL | P9_DOTL_WRONLY, 0600),
	        -EEXIST);
	/* Type bits in the mode are not the caller's to set. */
	fd = p9_os_openat(t->fd, "n2", P9_DOTL_CREATE | P9_DOTL_WRONLY, P9_S_IFDIR | 0604);
	assert_true(fd >= 0);
	assert_int_equal(p9_os_fstat(fd, &st), 0);
	assert_int_equal(st.mode, P9_S_IFREG | 0604);
	p9_os_close(fd);
}

static void openat_refuses_bad_flag_combinations(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "abc", 0644);
	assert_int_equal(p9_os_openat(t->fd, "g", P9_OS_O_PATH | P9_DOTL_CREATE, 0600), -EINVAL);
	assert_int_equal(p9_os_openat(t->fd, "f", P9_OS_O_PATH | P9_DOTL_TRUNC, 0), -EINVAL);
	assert_int_equal(p9_os_openat(t->fd, "f", P9_DOTL_NOACCESS, 0), -EINVAL);
	assert_int_equal(p9_os_openat(t->fd, "f", P9_DOTL_RDONLY | P9_DOTL_DIRECTORY, 0), -ENOTDIR);
	assert_int_equal(p9_os_openat(t->fd, "f", P9_OS_O_PATH | P9_DOTL_DIRECTORY, 0), -ENOTDIR);
	assert_int_equal(p9_os_openat(t->fd, "missing", P9_DOTL_RDONLY, 0), -ENOENT);
	/* The file is untouched by the refused O_PATH|TRUNC. */
	struct p9_os_stat st;
	stat_name(t->fd, "f", &st);
	assert_int_equal(st.size, 3);
}

static void openat_flags_reach_the_host(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "abc", 0644);
	int fd = p9_os_openat(t->fd, "f", P9_DOTL_WRONLY | P9_DOTL_APPEND, 0);
	assert_true(fd >= 0);
	/* O_APPEND: Linux appends whatever offset pwrite names. */
	assert_int_equal(p9_os_pwrite(fd, "de", 2, 0), 2);
	p9_os_close(fd);
	fd = p9_os_openat(t->fd, "f", P9_DOTL_RDONLY, 0);
	char buf[16] = {0};
	assert_int_equal(p9_os_pread(fd, buf, sizeof buf, 0), 5);
	assert_memory_equal(buf, "abcde", 5);
	assert_int_equal(p9_os_pwrite(fd, "x", 1, 0), -EBADF); /* read-only */
	p9_os_close(fd);
	fd = p9_os_openat(t->fd, "f", P9_DOTL_RDWR | P9_DOTL_TRUNC, 0);
	assert_true(fd >= 0);
	assert_int_equal(p9_os_pread(fd, buf, sizeof buf, 0), 0);
	int fl = fcntl(fd, F_GETFL);
	assert_int_equal(fl & O_ACCMODE, O_RDWR);
	p9_os_close(fd);
	fd = p9_os_openat(t->fd, "f", P9_DOTL_RDONLY | P9_DOTL_NONBLOCK, 0);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	p9_os_close(fd);
}

static void open_root_follows_admin_path_and_needs_a_dir(void **state)
{
	struct tdir *t = *state;
	char p[PATH_MAX + 16];
	mkfile(t->fd, "f", "", 0644);
	assert_int_equal(mkdirat(t->fd, "d", 0755), 0);
	assert_int_equal(symlinkat("d", t->fd, "ld"), 0);
	snprintf(p, sizeof p, "%s/ld", t->path);
	int fd = p9_os_open_root(p);
	assert_true(fd >= 0);
	struct p9_os_stat a, b;
	assert_int_equal(p9_os_fstat(fd, &a), 0);
	stat_name(t->fd, "d", &b);
	assert_int_equal(a.ino, b.ino);
	assert_int_equal(a.mode & P9_S_IFMT, P9_S_IFDIR);
	p9_os_close(fd);
	snprintf(p, sizeof p, "%s/f", t->path);
	assert_int_equal(p9_os_open_root(p), -ENOTDIR);
	snprintf(p, sizeof p, "%s/missing", t->path);
	assert_int_equal(p9_os_open_root(p), -ENOENT);
	assert_int_equal(p9_os_open_root(""), -ENOENT);
}

static void reopen_unlinked_file_still_reads_its_data(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "hello", 0600);
	int pfd = p9_os_openat(t->fd, "f", P9_OS_O_PATH, 0);
	assert_true(pfd >= 0);
	assert_int_equal(p9_os_unlinkat(t->fd, "f", 0), 0);
	int fd = p9_os_reopen(pfd, P9_DOTL_RDONLY);
	assert_true(fd >= 0);
	char buf[16] = {0};
	assert_int_equal(p9_os_pread(fd, buf, sizeof buf, 0), 5);
	assert_string_equal(buf, "hello");
	p9_os_close(fd);
	fd = p9_os_reopen(pfd, P9_DOTL_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(p9_os_pwrite(fd, "J", 1, 0), 1);
	assert_int_equal(p9_os_pread(fd, buf, sizeof buf, 0), 5);
	assert_string_equal(buf, "Jello");
	struct p9_os_stat st;
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.nlink, 0);
	assert_int_equal(p9_os_ftruncate(pfd, 2), 0); /* O_PATH handle, unlinked */
	assert_int_equal(p9_os_fstat(fd, &st), 0);
	assert_int_equal(st.size, 2);
	p9_os_close(fd);
	p9_os_close(pfd);
}

static void reopen_follows_renames(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "abc", 0600);
	int pfd = open_path(t->fd, "f");
	assert_int_equal(p9_os_renameat(t->fd, "f", t->fd, "g"), 0);
	mkfile(t->fd, "f", "other", 0600); /* a new file under the old name */
	int fd = p9_os_reopen(pfd, P9_DOTL_RDONLY);
	assert_true(fd >= 0);
	char buf[16] = {0};
	assert_int_equal(p9_os_pread(fd, buf, sizeof buf, 0), 3);
	assert_string_equal(buf, "abc");
	p9_os_close(fd);
	p9_os_close(pfd);
}

static void reopen_fifo_is_enxio_and_does_not_block(void **state)
{
	struct tdir *t = *state;
	assert_int_equal(p9_os_mknodat(t->fd, "p", P9_S_IFIFO | 0600, 0), 0);
	struct p9_os_stat st;
	stat_name(t->fd, "p", &st);
	assert_int_equal(st.mode, P9_S_IFIFO | 0600);
	int pfd = p9_os_openat(t->fd, "p", P9_OS_O_PATH, 0);
	assert_true(pfd >= 0);
	alarm(10); /* a blocking open of a FIFO would hang here */
	assert_int_equal(p9_os_reopen(pfd, P9_DOTL_RDONLY), -ENXIO);
	assert_int_equal(p9_os_reopen(pfd, P9_DOTL_WRONLY), -ENXIO);
	assert_int_equal(p9_os_reopen(pfd, P9_DOTL_RDWR | P9_DOTL_NONBLOCK), -ENXIO);
	alarm(0);
	p9_os_close(pfd);
}

static void reopen_device_is_enxio(void **state)
{
	struct tdir *t = *state;
	if (geteuid() != 0) {
		print_message("skipped: mknod of a device needs root\n");
		skip();
	}
	/* /dev/null's numbers, Linux encoding (1, 3) */
	uint64_t rdev = (1u << 8) | 3u;
	assert_int_equal(p9_os_mknodat(t->fd, "null", P9_S_IFCHR | 0666, rdev), 0);
	struct p9_os_stat st;
	stat_name(t->fd, "null", &st);
	assert_int_equal(st.mode, P9_S_IFCHR | 0666);
	assert_int_equal(st.rdev, rdev);
	int pfd = open_path(t->fd, "null");
	assert_int_equal(p9_os_reopen(pfd, P9_DOTL_RDWR), -ENXIO);
	p9_os_close(pfd);
	/* The largest numbers Linux keeps (12-bit major, 20-bit minor)
	 * round-trip through the encoding. */
	uint64_t big =
	        ((uint64_t)0xabc << 8) | (0xfedcb & 0xff) | ((uint64_t)(0xfedcb & ~0xffu) << 12);
	assert_int_equal(p9_os_mknodat(t->fd, "blk", P9_S_IFBLK | 0600, big), 0);
	stat_name(t->fd, "blk", &st);
	assert_int_equal(st.rdev, big);
	struct stat hs;
	assert_int_equal(fstatat(t->fd, "blk", &hs, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(major(hs.st_rdev), 0xabc);
	assert_int_equal(minor(hs.st_rdev), 0xfedcb);
}

static void reopen_symlink_is_eloop_and_dirs_open_read_only(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "abc", 0600);
	assert_int_equal(symlinkat("f", t->fd, "l"), 0);
	int lfd = p9_os_openat(t->fd, "l", P9_OS_O_PATH, 0);
	assert_int_equal(p9_os_reopen(lfd, P9_DOTL_RDONLY), -ELOOP);
	p9_os_close(lfd);
	assert_int_equal(mkdirat(t->fd, "d", 0755), 0);
	int dfd = p9_os_openat(t->fd, "d", P9_OS_O_PATH | P9_DOTL_DIRECTORY, 0);
	assert_true(dfd >= 0);
	int fd = p9_os_reopen(dfd, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY);
	assert_true(fd >= 0);
	p9_os_close(fd);
	assert_int_equal(p9_os_reopen(dfd, P9_DOTL_WRONLY), -EISDIR);
	p9_os_close(dfd);
}

static void reopen_truncates_and_ignores_create_excl(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "abcdef", 0600);
	int pfd = open_path(t->fd, "f");
	int fd = p9_os_reopen(pfd, P9_DOTL_RDONLY | P9_DOTL_CREATE | P9_DOTL_EXCL);
	assert_true(fd >= 0);
	p9_os_close(fd);
	fd = p9_os_reopen(pfd, P9_DOTL_WRONLY | P9_DOTL_TRUNC);
	assert_true(fd >= 0);
	struct p9_os_stat st;
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.size, 0);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	p9_os_close(fd);
	assert_int_equal(p9_os_reopen(pfd, P9_DOTL_NOACCESS), -EINVAL);
	p9_os_close(pfd);
	assert_int_equal(p9_os_reopen(pfd, P9_DOTL_RDONLY), -EBADF);
}

static void dup_and_close(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "abc", 0600);
	int pfd = open_path(t->fd, "f");
	int d = p9_os_dup(pfd);
	assert_true(d >= 0 && d != pfd);
	assert_int_equal(fcntl(d, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	struct p9_os_stat a, b;
	assert_int_equal(p9_os_fstat(pfd, &a), 0);
	assert_int_equal(p9_os_fstat(d, &b), 0);
	assert_int_equal(a.ino, b.ino);
	assert_int_equal(a.dev, b.dev);
	assert_int_equal(p9_os_close(d), 0);
	assert_int_equal(p9_os_close(d), -EBADF);
	assert_int_equal(p9_os_dup(d), -EBADF);
	p9_os_close(pfd);
}

static void stat_reports_exact_fields(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "0123456789", 0641);
	assert_int_equal(symlinkat("f", t->fd, "l"), 0);
	struct p9_os_stat st;
	struct stat hs;
	stat_name(t->fd, "f", &st);
	assert_int_equal(fstatat(t->fd, "f", &hs, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.mode, P9_S_IFREG | 0641);
	assert_int_equal(st.size, 10);
	assert_int_equal(st.ino, hs.st_ino);
	assert_int_equal(st.dev, hs.st_dev);
	assert_int_equal(st.nlink, 1);
	assert_int_equal(st.uid, hs.st_uid);
	assert_int_equal(st.gid, hs.st_gid);
	assert_int_equal(st.blocks, hs.st_blocks);
	assert_int_equal(st.blksize, hs.st_blksize);
	assert_int_equal(st.mtime_sec, hs.st_mtim.tv_sec);
	assert_int_equal(st.mtime_nsec, hs.st_mtim.tv_nsec);
	assert_int_equal(st.ctime_nsec, hs.st_ctim.tv_nsec);
	assert_int_equal(st.atime_nsec, hs.st_atim.tv_nsec);
	/* fstatat never follows */
	stat_name(t->fd, "l", &st);
	assert_int_equal(st.mode & P9_S_IFMT, P9_S_IFLNK);
	assert_int_equal(st.size, 1);
	assert_int_equal(p9_os_fstatat(t->fd, "missing", &st), -ENOENT);
	assert_int_equal(p9_os_fstat(-1, &st), -EBADF);
	/* ext4 keeps birth times; statx reports them */
	struct statfs sfs;
	assert_int_equal(fstatfs(t->fd, &sfs), 0);
	if (sfs.f_type == EXT4_SUPER_MAGIC) {
		stat_name(t->fd, "f", &st);
		assert_int_equal(st.has_btime, 1);
		assert_true(st.btime_sec > 0 && st.btime_sec <= st.ctime_sec);
	} else {
		print_message("note: not ext4, birth time not asserted\n");
	}
}

static void fstatfs_matches_the_host(void **state)
{
	struct tdir *t = *state;
	struct p9_os_statfs st;
	struct statfs hs;
	assert_int_equal(p9_os_fstatfs(t->fd, &st), 0);
	assert_int_equal(fstatfs(t->fd, &hs), 0);
	assert_int_equal(st.type, (uint32_t)hs.f_type);
	assert_int_equal(st.bsize, (uint32_t)hs.f_bsize);
	assert_int_equal(st.namelen, (uint32_t)hs.f_namelen);
	assert_int_equal(st.blocks, hs.f_blocks);
	assert_int_equal(st.files, hs.f_files);
	uint32_t w[2];
	memcpy(w, &hs.f_fsid, sizeof w);
	assert_int_equal(st.fsid, (uint64_t)w[0] | (uint64_t)w[1] << 32);
	/* O_PATH handles work too */
	int pfd = open_path(t->fd, ".");
	assert_int_equal(p9_os_fstatfs(pfd, &st), 0);
	assert_int_equal(st.type, (uint32_t)hs.f_type);
	p9_os_close(pfd);
}

static void fchmod_works_on_o_path_and_refuses_symlinks(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "", 0600);
	assert_int_equal(symlinkat("f", t->fd, "l"), 0);
	int pfd = open_path(t->fd, "f");
	assert_int_equal(p9_os_fchmod(pfd, 0751), 0);
	struct p9_os_stat st;
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.mode, P9_S_IFREG | 0751);
	/* only permission bits; a type in the argument changes nothing */
	assert_int_equal(p9_os_fchmod(pfd, P9_S_IFDIR | 04755), 0);
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.mode, P9_S_IFREG | 04755);
	int lfd = open_path(t->fd, "l");
	assert_int_equal(p9_os_fchmod(lfd, 0777), -EOPNOTSUPP);
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.mode, P9_S_IFREG | 04755); /* target untouched */
	p9_os_close(lfd);
	p9_os_close(pfd);
}

static void fchown_never_follows(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "", 0600);
	assert_int_equal(symlinkat("f", t->fd, "l"), 0);
	int pfd = open_path(t->fd, "f");
	int lfd = open_path(t->fd, "l");
	struct p9_os_stat st;
	/* to ourselves: allowed for anyone */
	assert_int_equal(p9_os_fchown(pfd, geteuid(), getegid()), 0);
	if (geteuid() != 0) {
		print_message("skipped: chown to other users needs root\n");
		p9_os_close(lfd);
		p9_os_close(pfd);
		skip();
	}
	assert_int_equal(p9_os_fchown(pfd, 65534, 65534), 0);
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.uid, 65534);
	assert_int_equal(st.gid, 65534);
	assert_int_equal(p9_os_fchown(pfd, UINT32_MAX, 1234), 0); /* -1 keeps */
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.uid, 65534);
	assert_int_equal(st.gid, 1234);
	assert_int_equal(p9_os_fchown(lfd, 4321, 4321), 0);
	assert_int_equal(p9_os_fstat(lfd, &st), 0);
	assert_int_equal(st.uid, 4321);
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.uid, 65534); /* the target kept its owner */
	p9_os_close(lfd);
	p9_os_close(pfd);
}

static void futimens_sets_exact_nanoseconds(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "", 0600);
	int pfd = open_path(t->fd, "f");
	struct p9_os_time tm[2] = {{1000, 123456789, P9_OS_TIME_SET},
	                           {2000, 987654321, P9_OS_TIME_SET}};
	assert_int_equal(p9_os_futimens(pfd, tm), 0);
	struct p9_os_stat st;
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.atime_sec, 1000);
	assert_int_equal(st.atime_nsec, 123456789);
	assert_int_equal(st.mtime_sec, 2000);
	assert_int_equal(st.mtime_nsec, 987654321);
	/* OMIT keeps, NOW is now */
	struct p9_os_time tm2[2] = {{0, 0, P9_OS_TIME_OMIT}, {0, 0, P9_OS_TIME_NOW}};
	time_t before = time(NULL);
	assert_int_equal(p9_os_futimens(pfd, tm2), 0);
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.atime_sec, 1000);
	assert_int_equal(st.atime_nsec, 123456789);
	assert_true(st.mtime_sec >= before - 1 && st.mtime_sec <= time(NULL) + 1);
	/* pre-1970 times are representable */
	struct p9_os_time tm3[2] = {{-86400, 5, P9_OS_TIME_SET}, {0, 0, P9_OS_TIME_OMIT}};
	assert_int_equal(p9_os_futimens(pfd, tm3), 0);
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.atime_sec, -86400);
	assert_int_equal(st.atime_nsec, 5);
	struct p9_os_time bad[2] = {{1, 1000000000u, P9_OS_TIME_SET}, {0, 0, P9_OS_TIME_OMIT}};
	assert_int_equal(p9_os_futimens(pfd, bad), -EINVAL);
	struct p9_os_time bad2[2] = {{1, 0, 7}, {0, 0, P9_OS_TIME_OMIT}};
	assert_int_equal(p9_os_futimens(pfd, bad2), -EINVAL);
	p9_os_close(pfd);
}

static void utimensat_on_symlink_changes_the_link(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "", 0600);
	assert_int_equal(symlinkat("f", t->fd, "l"), 0);
	struct p9_os_stat before, st;
	stat_name(t->fd, "f", &before);
	struct p9_os_time tm[2] = {{5000, 1, P9_OS_TIME_SET}, {6000, 2, P9_OS_TIME_SET}};
	assert_int_equal(p9_os_utimensat(t->fd, "l", tm), 0);
	stat_name(t->fd, "l", &st);
	assert_int_equal(st.mtime_sec, 6000);
	assert_int_equal(st.mtime_nsec, 2);
	assert_int_equal(st.atime_sec, 5000);
	stat_name(t->fd, "f", &st);
	assert_int_equal(st.mtime_sec, before.mtime_sec);
	assert_int_equal(st.mtime_nsec, before.mtime_nsec);
	assert_int_equal(st.atime_sec, before.atime_sec);
	/* Through an O_PATH handle of the link: also the link, never the
	 * target. */
	int lfd = open_path(t->fd, "l");
	struct p9_os_time tm2[2] = {{7000, 3, P9_OS_TIME_SET}, {8000, 4, P9_OS_TIME_SET}};
	int r = p9_os_futimens(lfd, tm2);
	assert_true(r == 0 || r == -ELOOP);
	stat_name(t->fd, "f", &st);
	assert_int_equal(st.mtime_sec, before.mtime_sec);
	assert_int_equal(st.mtime_nsec, before.mtime_nsec);
	p9_os_close(lfd);
	assert_int_equal(p9_os_utimensat(t->fd, "missing", tm), -ENOENT);
}

static void ftruncate_on_o_path_and_never_through_a_symlink(void **state)
{
	struct tdir *t = *state;
	mkfile(t->fd, "f", "0123456789", 0600);
	assert_int_equal(symlinkat("f", t->fd, "l"), 0);
	assert_int_equal(mkdirat(t->fd, "d", 0700), 0);
	int pfd = open_path(t->fd, "f");
	struct p9_os_stat st;
	assert_int_equal(p9_os_ftruncate(pfd, 4), 0);
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.size, 4);
	int fd = p9_os_reopen(pfd, P9_DOTL_RDWR);
	assert_int_equal(p9_os_ftruncate(fd, 100000), 0);
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.size, 100000);
	assert_int_equal(p9_os_ftruncate(fd, UINT64_MAX), -EINVAL);
	p9_os_close(fd);
	int lfd = open_path(t->fd, "l");
	assert_int_equal(p9_os_ftruncate(lfd, 0), -EINVAL);
	assert_int_equal(p9_os_fstat(pfd, &st), 0);
	assert_int_equal(st.size, 100000); /* the target is untouched */
	p9_os_close(lfd);
	int dfd = open_path(t->fd, "d");
	assert_int_equal(p9_os_ftruncate(dfd, 0), -EISDIR);
	p9_os_close(dfd);
	p9_os_close(pfd);
}

static void readlink_exact_and_never_truncated(void **state)
{
	struct tdir *t = *state;
	assert_int_equal(symlinkat("some/where", t->fd, "l"), 0);
	int lfd = open_path(t->fd, "l");
	char buf[64];
	memset(buf, 'Z', sizeof buf);
	assert_int_equal(p9_os_readlink(lfd, buf, sizeof buf), 10);
	assert_string_equal(buf, "some/where");
	assert_int_equal(p9_os_readlink(lfd, buf, 11), 10);
	assert_int_equal(p9_os_readlink(lfd, buf, 10), -ENAMETOOLONG);
	assert_int_equal(p9_os_readlink(lfd, buf, 0), -ENAMETOOLONG);
	p9_os_close(lfd);
	mkfile(t->fd, "f", "", 0600);
	int pfd = open_path(t->fd, "f");
	assert_int_equal(p9_os_readlink(pfd, buf, sizeof buf), -EINVAL);
	p9_os_close(pfd);
}

static void pread_pwrite_at_offsets(void **state)
{
	struct tdir *t = *state;
	int fd = p9_os_openat(t->fd, "f", P9_DOTL_CREATE | P9_DOTL_RDWR, 0600);
	assert_true(fd >= 0);
	assert_int_equal(p9_os_pwrite(fd, "hello", 5, 10), 5);
	char buf[32];
	memset(buf, 'x', sizeof buf);
	assert_int_equal(p9_os_pread(fd, buf, sizeof buf, 0), 15);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0\0\0hello", 15);
	assert_int_equal(p9_os_pread(fd, buf, sizeof buf, 15), 0);
	assert_int_equal(p9_os_pread(fd, buf, sizeof buf, 1000), 0);
	assert_int_equal(p9_os_pread(fd, buf, 3, 11), 3);
	assert_memory_equal(buf, "ell", 3);
	assert_int_equal(p9_os_pread(fd, buf, sizeof buf, (uint64_t)INT64_MAX + 1), -EINVAL);
	assert_int_equal(p9_os_pwrite(fd, buf, 1, UINT64_MAX), -EINVAL);
	assert_int_equal(p9_os_fsync(fd, 0), 0);
	assert_int_equal(p9_os_fsync(fd, 1), 0);
	p9_os_close(fd);
	int pfd = open_path(t->fd, "f");
	assert_int_equal(p9_os_pread(pfd, buf, 1, 0), -EBADF);
	assert_int_equal(p9_os_fsync(pfd, 0), -EBADF);
	p9_os_close(pfd);
	assert_int_equal(mkdirat(t->fd, "d", 0700), 0);
	int dfd = p9_os_openat(t->fd, "d", P9_DOTL_RDONLY, 0);
	assert_int_equal(p9_os_pread(dfd, buf, 1, 0), -EISDIR);
	p9_os_close(dfd);
}

static void names_create_link_rename_remove(void **state)
{
	struct tdir *t = *state;
	struct p9_os_stat st, st2;
	assert_int_equal(p9_os_mkdirat(t->fd, "d", 0751), 0);
	stat_name(t->fd, "d", &st);
	assert_int_equal(st.mode, P9_S_IFDIR | 0751);
	assert_int_equal(p9_os_mkdirat(t->fd, "d", 0751), -EEXIST);
	assert_int_equal(p9_os_mknodat(t->fd, "p", P9_S_IFIFO | 0640, 0), 0);
	assert_int_equal(p9_os_mknodat(t->fd, "r", P9_S_IFREG | 0640, 0), 0);
	stat_name(t->fd, "r", &st);
	assert_int_equal(st.mode, P9_S_IFREG | 0640);
	assert_int_equal(p9_os_mknodat(t->fd, "bad", 0170000 | 0640, 0), -EINVAL);
	assert_int_equal(p9_os_mknodat(t->fd, "bad", 0030000 | 0640, 0), -EINVAL);
	assert_int_equal(p9_os_symlinkat("../../etc/passwd", t->fd, "s"), 0);
	stat_name(t->fd, "s", &st);
	assert_int_equal(st.mode & P9_S_IFMT, P9_S_IFLNK);
	assert_int_equal(st.size, 16);
	assert_int_equal(p9_os_symlinkat("x", t->fd, "s"), -EEXIST);

	mkfile(t->fd, "f", "abc", 0600);
	int pfd = open_path(t->fd, "f");
	assert_int_equal(p9_os_linkat(pfd, t->fd, "f2"), 0);
	stat_name(t->fd, "f2", &st);
	assert_int_equal(st.nlink, 2);
	stat_name(t->fd, "f", &st2);
	assert_int_equal(st.ino, st2.ino);
	assert_int_equal(p9_os_linkat(pfd, t->fd, "f2"), -EEXIST);
	/* a hard link to a symlink handle links the symlink itself */
	int sfd = open_path(t->fd, "s");
	assert_int_equal(p9_os_linkat(sfd, t->fd, "s2"), 0);
	stat_name(t->fd, "s2", &st);
	assert_int_equal(st.mode & P9_S_IFMT, P9_S_IFLNK);
	assert_int_equal(st.nlink, 2);
	p9_os_close(sfd);
	/* an unlinked file cannot be given a name again */
	assert_int_equal(unlinkat(t->fd, "f", 0), 0);
	assert_int_equal(unlinkat(t->fd, "f2", 0), 0);
	assert_int_equal(p9_os_linkat(pfd, t->fd, "back"), -ENOENT);
	p9_os_close(pfd);

	assert_int_equal(p9_os_renameat(t->fd, "r", t->fd, "r2"), 0);
	assert_int_equal(p9_os_fstatat(t->fd, "r", &st), -ENOENT);
	stat_name(t->fd, "r2", &st);
	int sub = p9_os_openat(t->fd, "d", P9_OS_O_PATH | P9_DOTL_DIRECTORY, 0);
	assert_true(sub >= 0);
	assert_int_equal(p9_os_renameat(t->fd, "r2", sub, "moved"), 0);
	stat_name(sub, "moved", &st2);
	assert_int_equal(st.ino, st2.ino);
	assert_int_equal(p9_os_renameat(t->fd, "missing", t->fd, "x"), -ENOENT);

	assert_int_equal(p9_os_unlinkat(t->fd, "d", 0), -EISDIR);
	assert_int_equal(p9_os_unlinkat(t->fd, "d", 1), -ENOTEMPTY);
	assert_int_equal(p9_os_unlinkat(sub, "moved", 1), -ENOTDIR);
	assert_int_equal(p9_os_unlinkat(sub, "moved", 0), 0);
	assert_int_equal(p9_os_unlinkat(t->fd, "d", 1), 0);
	assert_int_equal(p9_os_unlinkat(t->fd, "d", 1), -ENOENT);
	/* unlinking a symlink removes the link, not its target */
	assert_int_equal(p9_os_unlinkat(t->fd, "s", 0), 0);
	p9_os_close(sub);
}

static void *self_thread(void *arg)
{
	*(uint64_t *)arg = p9_os_thread_self();
	return NULL;
}

static void process_and_thread_basics(void **state)
{
	(void)state;
	int lim = p9_os_nofile_limit();
	struct rlimit rl;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(rl.rlim_cur, rl.rlim_max);
	assert_int_equal((rlim_t)lim, rl.rlim_max);
	assert_int_equal(p9_os_thread_self(), (uint64_t)pthread_self());
	uint64_t other = 0;
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, self_thread, &other), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(other, (uint64_t)th);
	assert_true(other != p9_os_thread_self());
	assert_int_equal(p9_os_is_privileged(), geteuid() == 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tdir_setup, tdir_teardown)

int run_files_tests(void)
{
	const struct CMUnitTest tests[] = {
	        T(names_dot_dotdot_empty_slash_are_einval),
	        T(openat_o_path_of_symlink_names_the_link),
	        T(openat_symlink_for_io_is_eloop),
	        T(openat_create_uses_mode_and_excl),
	        T(openat_refuses_bad_flag_combinations),
	        T(openat_flags_reach_the_host),
	        T(open_root_follows_admin_path_and_needs_a_dir),
	        T(reopen_unlinked_file_still_reads_its_data),
	        T(reopen_follows_renames),
	        T(reopen_fifo_is_enxio_and_does_not_block),
	        T(reopen_device_is_enxio),
	        T(reopen_symlink_is_eloop_and_dirs_open_read_only),
	        T(reopen_truncates_and_ignores_create_excl),
	        T(dup_and_close),
	        T(stat_reports_exact_fields),
	        T(fstatfs_matches_the_host),
	        T(fchmod_works_on_o_path_and_refuses_symlinks),
	        T(fchown_never_follows),
	        T(futimens_sets_exact_nanoseconds),
	        T(utimensat_on_symlink_changes_the_link),
	        T(ftruncate_on_o_path_and_never_through_a_symlink),
	        T(readlink_exact_and_never_truncated),
	        T(pread_pwrite_at_offsets),
	        T(names_create_link_rename_remove),
	        cmocka_unit_test(process_and_thread_basics),
	};
	return cmocka_run_group_tests_name("platform/files", tests, NULL, NULL);
}
