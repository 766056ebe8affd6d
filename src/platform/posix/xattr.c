/*
 * xattr.c: extended attributes of the file a handle (O_PATH or not) names.
 *
 * Linux's f*xattr calls refuse O_PATH handles, so every call goes through
 * "/proc/self/fd/N" with the path-following variants: the magic link leads
 * to the handle's own inode (for a symlink's handle, the symlink itself,
 * where the kernel refuses user.* with EPERM), never to a name a client
 * could swap. Linux 6.13's *xattrat(AT_EMPTY_PATH) would avoid /proc; it
 * is too new to rely on.
 *
 * Invariants: names are passed as given (the caller maps and filters
 * namespaces); flags are Linux's XATTR_CREATE (1) / XATTR_REPLACE (2).
 * Other hosts answer EOPNOTSUPP until someone maps their interfaces
 * (FreeBSD extattr_*, macOS's extra position/options arguments).
 */
#include <limits.h>
#if defined(__linux__)
#include <sys/xattr.h>
#endif

#include "internal.h"

#if defined(__linux__)

ssize_t p9_os_getxattr(int fd, const char *name, void *buf, size_t cap)
{
	int err = p9__fault_err(P9_OS_CALL_XATTR);
	if (err)
		return err;
	char path[P9__FDPATH_MAX];
	p9__fd_path(fd, path);
	ssize_t n;
	P9__RETRY(n, getxattr(path, name, buf, cap));
	return n < 0 ? p9__fd_path_err(fd, errno) : n;
}

ssize_t p9_os_listxattr(int fd, char *buf, size_t cap)
{
	int err = p9__fault_err(P9_OS_CALL_XATTR);
	if (err)
		return err;
	char path[P9__FDPATH_MAX];
	p9__fd_path(fd, path);
	ssize_t n;
	P9__RETRY(n, listxattr(path, buf, cap));
	return n < 0 ? p9__fd_path_err(fd, errno) : n;
}

int p9_os_setxattr(int fd, const char *name, const void *val, size_t len, int flags)
{
	int err = p9__fault_err(P9_OS_CALL_XATTR);
	if (err)
		return err;
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	char path[P9__FDPATH_MAX];
	p9__fd_path(fd, path);
	int r;
	P9__RETRY(r, setxattr(path, name, val, len, flags));
	return r < 0 ? p9__fd_path_err(fd, errno) : 0;
}

int p9_os_removexattr(int fd, const char *name)
{
	int err = p9__fault_err(P9_OS_CALL_XATTR);
	if (err)
		return err;
	char path[P9__FDPATH_MAX];
	p9__fd_path(fd, path);
	int r;
	P9__RETRY(r, removexattr(path, name));
	return r < 0 ? p9__fd_path_err(fd, errno) : 0;
}

#else

ssize_t p9_os_getxattr(int fd, const char *name, void *buf, size_t cap)
{
	(void)fd, (void)name, (void)buf, (void)cap;
	int err = p9__fault_err(P9_OS_CALL_XATTR);
	return err ? err : -EOPNOTSUPP;
}

ssize_t p9_os_listxattr(int fd, char *buf, size_t cap)
{
	(void)fd, (void)buf, (void)cap;
	int err = p9__fault_err(P9_OS_CALL_XATTR);
	return err ? err : -EOPNOTSUPP;
}

int p9_os_setxattr(int fd, const char *name, const void *val, size_t len, int flags)
{
	(void)fd, (void)name, (void)val, (void)len, (void)flags;
	int err = p9__fault_err(P9_OS_CALL_XATTR);
	return err ? err : -EOPNOTSUPP;
}

int p9_os_removexattr(int fd, const char *name)
{
	(void)fd, (void)name;
	int err = p9__fault_err(P9_OS_CALL_XATTR);
	return err ? err : -EOPNOTSUPP;
}

#endif
