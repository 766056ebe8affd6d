/*
 * attr.c: changing metadata (mode, owner, times, size) and reading a
 * symlink, on handles that may be O_PATH.
 *
 * Linux refuses fchmod/futimens/ftruncate on O_PATH handles, so those go
 * through "/proc/self/fd/N": the path is ours (never client input) and the
 * magic link leads to the very inode the handle is bound to, so there is no
 * window in which a rename could swap the file. Permission checks apply to
 * the calling thread's fsuid as for any path call.
 *
 * Invariants: nothing here follows a symlink the client could have planted:
 * fchown and utimensat use AT_SYMLINK_NOFOLLOW, fchmod refuses a handle of
 * a symlink, and the /proc magic link stops at the handle's own inode.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int p9_os_fchmod(int fd, uint32_t mode)
{
	int err = p9__fault_err(P9_OS_CALL_SETATTR);
	if (err)
		return err;
	int r;
	struct stat st;
	P9__RETRY(r, fstat(fd, &st));
	if (r < 0)
		return p9__err(errno);
	/* Linux would change a symlink's (meaningless) mode through the
	 * magic link; fchmodat(AT_SYMLINK_NOFOLLOW) answers EOPNOTSUPP for
	 * symlinks, and so do we. */
	if (S_ISLNK(st.st_mode))
		return -EOPNOTSUPP;
#if defined(__linux__)
	char path[P9__FDPATH_MAX];
	p9__fd_path(fd, path);
	P9__RETRY(r, chmod(path, (mode_t)(mode & 07777)));
#else
	P9__RETRY(r, fchmod(fd, (mode_t)(mode & 07777)));
#endif
	return r < 0 ? p9__fd_path_err(fd, errno) : 0;
}

int p9_os_fchown(int fd, uint32_t uid, uint32_t gid)
{
	int err = p9__fault_err(P9_OS_CALL_SETATTR);
	if (err)
		return err;
	int r;
#ifdef AT_EMPTY_PATH
	/* Acts on the handle's own inode (a symlink stays a symlink). */
	P9__RETRY(r, fchownat(fd, "", (uid_t)uid, (gid_t)gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
#else
	P9__RETRY(r, fchown(fd, (uid_t)uid, (gid_t)gid));
#endif
	return r < 0 ? p9__err(errno) : 0;
}

static int to_timespec(const struct p9_os_time t[2], struct timespec ts[2])
{
	for (int i = 0; i < 2; i++) {
		switch (t[i].how) {
		case P9_OS_TIME_OMIT:
			ts[i].tv_sec = 0;
			ts[i].tv_nsec = UTIME_OMIT;
			break;
		case P9_OS_TIME_NOW:
			ts[i].tv_sec = 0;
			ts[i].tv_nsec = UTIME_NOW;
			break;
		case P9_OS_TIME_SET:
			if (t[i].nsec >= 1000000000u)
				return -EINVAL;
			/* time_t is 64-bit wherever this builds; a 32-bit
			 * one would need a range check here. */
			ts[i].tv_sec = (time_t)t[i].sec;
			ts[i].tv_nsec = (long)t[i].nsec;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

int p9_os_futimens(int fd, const struct p9_os_time t[2])
{
	int err = p9__fault_err(P9_OS_CALL_SETATTR);
	if (err)
		return err;
	struct timespec ts[2];
	if ((err = to_timespec(t, ts)) != 0)
		return err;
	int r;
#if defined(__linux__)
	char path[P9__FDPATH_MAX];
	p9__fd_path(fd, path);
	P9__RETRY(r, utimensat(AT_FDCWD, path, ts, 0));
#else
	P9__RETRY(r, futimens(fd, ts));
#endif
	return r < 0 ? p9__fd_path_err(fd, errno) : 0;
}

int p9_os_utimensat(int dirfd, const char *name, const struct p9_os_time t[2])
{
	int err = p9__fault_err(P9_OS_CALL_SETATTR);
	if (err)
		return err;
	if ((err = p9__check_name(name)) != 0)
		return err;
	struct timespec ts[2];
	if ((err = to_timespec(t, ts)) != 0)
		return err;
	int r;
	P9__RETRY(r, utimensat(dirfd, name, ts, AT_SYMLINK_NOFOLLOW));
	return r < 0 ? p9__err(errno) : 0;
}

int p9_os_ftruncate(int fd, uint64_t size)
{
	int err = p9__fault_err(P9_OS_CALL_SETATTR);
	if (err)
		return err;
	if (size > (uint64_t)INT64_MAX)
		return -EINVAL;
	int r;
	P9__RETRY(r, ftruncate(fd, (off_t)size));
#if defined(__linux__)
	/* An O_PATH handle (Tsetattr on a fid that was never opened):
	 * truncate by the magic link, which checks write permission the way
	 * truncate(2) on the name would. truncate(2) itself refuses
	 * everything but regular files (EISDIR/EINVAL), so no special file is
	 * touched. */
	if (r < 0 && errno == EBADF) {
		char path[P9__FDPATH_MAX];
		p9__fd_path(fd, path);
		P9__RETRY(r, truncate(path, (off_t)size));
	}
#endif
	return r < 0 ? p9__fd_path_err(fd, errno) : 0;
}

int p9_os_readlink(int fd, char *buf, size_t cap)
{
	int err = p9__fault_err(P9_OS_CALL_READ);
	if (err)
		return err;
	if (cap == 0)
		return -ENAMETOOLONG;
	ssize_t n;
	/* readlinkat(fd, "") reads the link an O_PATH handle names. On a
	 * handle of anything else Linux says ENOENT (there is no lookup that
	 * could miss); readlink(2)'s answer for "not a symlink" is EINVAL. */
	P9__RETRY(n, readlinkat(fd, "", buf, cap));
	if (n < 0)
		return errno == ENOENT ? -EINVAL : p9__err(errno);
	/* A full buffer may be a truncated target: never hand out half a
	 * path. Otherwise NUL-terminate for convenience. */
	if ((size_t)n >= cap || n > INT32_MAX)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return (int)n;
}
