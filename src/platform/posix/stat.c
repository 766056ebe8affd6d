/*
 * stat.c: reading metadata: fstat, fstatat (never following), fstatfs.
 *
 * On Linux statx() is used so the birth time comes along (has_btime says
 * whether the file system had one); if statx is missing (old kernel, a
 * seccomp filter answering ENOSYS) the layer falls back to fstat/fstatat
 * for the rest of the process's life.
 *
 * Invariants: struct p9_os_stat uses Linux numbering (S_IF* bits, makedev
 * encoding of dev/rdev) whatever the host.
 */
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#else
#include <sys/statvfs.h>
#endif

#include "internal.h"

/* clang-format off */
static const struct {
	mode_t host;
	uint32_t linux_no;
} types[] = {
	{S_IFREG, P9_S_IFREG},
	{S_IFDIR, P9_S_IFDIR},
	{S_IFLNK, P9_S_IFLNK},
	{S_IFIFO, P9_S_IFIFO},
	{S_IFSOCK, P9_S_IFSOCK},
	{S_IFCHR, P9_S_IFCHR},
	{S_IFBLK, P9_S_IFBLK},
};
/* clang-format on */

uint32_t p9__mode_to_linux(mode_t m)
{
	uint32_t out = (uint32_t)(m & 07777);
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if ((m & S_IFMT) == types[i].host)
			return out | types[i].linux_no;
	return out;
}

int p9__mode_from_linux(uint32_t m, mode_t *host)
{
	mode_t out = (mode_t)(m & 07777);
	if ((m & P9_S_IFMT) == 0) {
		*host = out;
		return 0;
	}
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if ((m & P9_S_IFMT) == types[i].linux_no) {
			*host = out | types[i].host;
			return 0;
		}
	return -EINVAL;
}

/* Device numbers in glibc's makedev layout, which is what Linux clients
 * split into major and minor. */
static uint64_t dev_to_linux(uint64_t major_no, uint64_t minor_no)
{
	return ((major_no & 0x00000fffull) << 8) | ((major_no & 0xfffff000ull) << 32) |
	       (minor_no & 0x000000ffull) | ((minor_no & 0xffffff00ull) << 12);
}

static void from_stat(const struct stat *s, struct p9_os_stat *st)
{
	memset(st, 0, sizeof *st);
	st->dev = dev_to_linux(major(s->st_dev), minor(s->st_dev));
	st->rdev = dev_to_linux(major(s->st_rdev), minor(s->st_rdev));
	st->ino = (uint64_t)s->st_ino;
	st->nlink = (uint64_t)s->st_nlink;
	st->size = (uint64_t)s->st_size;
	st->blksize = (uint64_t)s->st_blksize;
	st->blocks = (uint64_t)s->st_blocks;
	st->mode = p9__mode_to_linux(s->st_mode);
	st->uid = (uint32_t)s->st_uid;
	st->gid = (uint32_t)s->st_gid;
#if defined(__APPLE__)
	st->atime_sec = s->st_atimespec.tv_sec;
	st->atime_nsec = (uint32_t)s->st_atimespec.tv_nsec;
	st->mtime_sec = s->st_mtimespec.tv_sec;
	st->mtime_nsec = (uint32_t)s->st_mtimespec.tv_nsec;
	st->ctime_sec = s->st_ctimespec.tv_sec;
	st->ctime_nsec = (uint32_t)s->st_ctimespec.tv_nsec;
	st->btime_sec = s->st_birthtimespec.tv_sec;
	st->btime_nsec = (uint32_t)s->st_birthtimespec.tv_nsec;
	st->has_btime = 1;
#else
	st->atime_sec = s->st_atim.tv_sec;
	st->atime_nsec = (uint32_t)s->st_atim.tv_nsec;
	st->mtime_sec = s->st_mtim.tv_sec;
	st->mtime_nsec = (uint32_t)s->st_mtim.tv_nsec;
	st->ctime_sec = s->st_ctim.tv_sec;
	st->ctime_nsec = (uint32_t)s->st_ctim.tv_nsec;
#if defined(__FreeBSD__)
	st->btime_sec = s->st_birthtim.tv_sec;
	st->btime_nsec = (uint32_t)s->st_birthtim.tv_nsec;
	st->has_btime = s->st_birthtim.tv_sec != -1;
#endif
#endif
}

#if defined(__linux__) && defined(STATX_BTIME)
#define HAVE_STATX 1

static atomic_int no_statx;

static void from_statx(const struct statx *s, struct p9_os_stat *st)
{
	memset(st, 0, sizeof *st);
	st->dev = dev_to_linux(s->stx_dev_major, s->stx_dev_minor);
	st->rdev = dev_to_linux(s->stx_rdev_major, s->stx_rdev_minor);
	st->ino = s->stx_ino;
	st->nlink = s->stx_nlink;
	st->size = s->stx_size;
	st->blksize = s->stx_blksize;
	st->blocks = s->stx_blocks;
	st->mode = s->stx_mode; /* Linux numbering already */
	st->uid = s->stx_uid;
	st->gid = s->stx_gid;
	st->atime_sec = s->stx_atime.tv_sec;
	st->atime_nsec = s->stx_atime.tv_nsec;
	st->mtime_sec = s->stx_mtime.tv_sec;
	st->mtime_nsec = s->stx_mtime.tv_nsec;
	st->ctime_sec = s->stx_ctime.tv_sec;
	st->ctime_nsec = s->stx_ctime.tv_nsec;
	if (s->stx_mask & STATX_BTIME) {
		st->btime_sec = s->stx_btime.tv_sec;
		st->btime_nsec = s->stx_btime.tv_nsec;
		st->has_btime = 1;
	}
}

/* 1: done (r holds the result); 0: statx is unavailable, use stat. */
static int try_statx(int dirfd, const char *name, int flags, struct p9_os_stat *st, int *r)
{
	if (atomic_load_explicit(&no_statx, memory_order_relaxed))
		return 0;
	struct statx sx;
	int rc;
	P9__RETRY(rc, statx(dirfd, name, flags | AT_SYMLINK_NOFOLLOW | AT_STATX_SYNC_AS_STAT,
	                    STATX_BASIC_STATS | STATX_BTIME, &sx));
	if (rc < 0 && errno == ENOSYS) {
		atomic_store_explicit(&no_statx, 1, memory_order_relaxed);
		return 0;
	}
	if (rc < 0)
		*r = p9__err(errno);
	else {
		from_statx(&sx, st);
		*r = 0;
	}
	return 1;
}
#endif

int p9_os_fstat(int fd, struct p9_os_stat *st)
{
	int err = p9__fault_err(P9_OS_CALL_STAT);
	if (err)
		return err;
	int r;
#ifdef HAVE_STATX
	/* AT_EMPTY_PATH: fstat's meaning, and it accepts O_PATH handles. */
	if (try_statx(fd, "", AT_EMPTY_PATH, st, &r))
		return r;
#endif
	struct stat s;
	P9__RETRY(r, fstat(fd, &s));
	if (r < 0)
		return p9__err(errno);
	from_stat(&s, st);
	return 0;
}

int p9_os_fstatat(int dirfd, const char *name, struct p9_os_stat *st)
{
	int err = p9__fault_err(P9_OS_CALL_STAT);
	if (err)
		return err;
	if ((err = p9__check_name(name)) != 0)
		return err;
	int r;
#ifdef HAVE_STATX
	if (try_statx(dirfd, name, 0, st, &r))
		return r;
#endif
	struct stat s;
	P9__RETRY(r, fstatat(dirfd, name, &s, AT_SYMLINK_NOFOLLOW));
	if (r < 0)
		return p9__err(errno);
	from_stat(&s, st);
	return 0;
}

int p9_os_fstatfs(int fd, struct p9_os_statfs *st)
{
	int err = p9__fault_err(P9_OS_CALL_STAT);
	if (err)
		return err;
	int r;
	memset(st, 0, sizeof *st);
#if defined(__linux__)
	struct statfs s;
	P9__RETRY(r, fstatfs(fd, &s));
	if (r < 0)
		return p9__err(errno);
	/* Linux's statfs(2) ABI: f_fsid is two 32-bit words, the first the
	 * low half (what the Linux 9p client does with it). */
	uint32_t w[2];
	memcpy(w, &s.f_fsid, sizeof w);
	st->type = (uint32_t)s.f_type;
	st->bsize = (uint32_t)s.f_bsize;
	st->namelen = (uint32_t)s.f_namelen;
	st->blocks = (uint64_t)s.f_blocks;
	st->bfree = (uint64_t)s.f_bfree;
	st->bavail = (uint64_t)s.f_bavail;
	st->files = (uint64_t)s.f_files;
	st->ffree = (uint64_t)s.f_ffree;
	st->fsid = (uint64_t)w[0] | ((uint64_t)w[1] << 32);
#else
	/* Elsewhere the type numbers mean nothing to a Linux client: 0. */
	struct statvfs s;
	P9__RETRY(r, fstatvfs(fd, &s));
	if (r < 0)
		return p9__err(errno);
	st->bsize = (uint32_t)(s.f_frsize ? s.f_frsize : s.f_bsize);
	st->namelen = (uint32_t)s.f_namemax;
	st->blocks = (uint64_t)s.f_blocks;
	st->bfree = (uint64_t)s.f_bfree;
	st->bavail = (uint64_t)s.f_bavail;
	st->files = (uint64_t)s.f_files;
	st->ffree = (uint64_t)s.f_ffree;
	st->fsid = (uint64_t)s.f_fsid;
#endif
	return 0;
}
