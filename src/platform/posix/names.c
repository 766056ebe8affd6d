/*
 * names.c: creating, linking, renaming and removing names in a directory.
 *
 * Invariants: every name is one component (p9__check_name), resolved
 * relative to a directory handle; none of these calls follows a symlink in
 * the last component (the *at() calls below never do, by definition, for
 * the name they create or remove).
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/sysmacros.h>
#endif

#include "internal.h"

int p9_os_mkdirat(int dirfd, const char *name, uint32_t mode)
{
	int err = p9__fault_err(P9_OS_CALL_NAMESPACE);
	if (err)
		return err;
	if ((err = p9__check_name(name)) != 0)
		return err;
	int r;
	P9__RETRY(r, mkdirat(dirfd, name, (mode_t)(mode & 07777)));
	return r < 0 ? p9__err(errno) : 0;
}

int p9_os_mknodat(int dirfd, const char *name, uint32_t mode, uint64_t rdev)
{
	int err = p9__fault_err(P9_OS_CALL_NAMESPACE);
	if (err)
		return err;
	if ((err = p9__check_name(name)) != 0)
		return err;
	mode_t m;
	if ((err = p9__mode_from_linux(mode, &m)) != 0)
		return err;
	/* rdev is in glibc's makedev layout (Linux numbering). */
	unsigned maj = (unsigned)(((rdev >> 8) & 0xfffu) | ((rdev >> 32) & 0xfffff000u));
	unsigned min = (unsigned)((rdev & 0xffu) | ((rdev >> 12) & 0xffffff00u));
	int r;
	P9__RETRY(r, mknodat(dirfd, name, m, makedev(maj, min)));
	return r < 0 ? p9__err(errno) : 0;
}

int p9_os_symlinkat(const char *target, int dirfd, const char *name)
{
	int err = p9__fault_err(P9_OS_CALL_NAMESPACE);
	if (err)
		return err;
	if ((err = p9__check_name(name)) != 0)
		return err;
	/* target is stored, never resolved here: any string is fine. */
	int r;
	P9__RETRY(r, symlinkat(target, dirfd, name));
	return r < 0 ? p9__err(errno) : 0;
}

int p9_os_linkat(int fd, int dirfd, const char *name)
{
	int err = p9__fault_err(P9_OS_CALL_NAMESPACE);
	if (err)
		return err;
	if ((err = p9__check_name(name)) != 0)
		return err;
	int r;
#if defined(__linux__)
	/* The magic link works unprivileged (AT_EMPTY_PATH needs
	 * CAP_DAC_READ_SEARCH before Linux 6.10) and links the handle's own
	 * inode, a symlink included: following the magic link is not
	 * following the file's symlink. */
	char path[P9__FDPATH_MAX];
	p9__fd_path(fd, path);
	P9__RETRY(r, linkat(AT_FDCWD, path, dirfd, name, AT_SYMLINK_FOLLOW));
	if (r < 0 && errno == ENOENT) {
		/* No /proc? The handle's inode directly, if we may. An
		 * unlinked file fails both ways; report the first error. */
		int first = errno, r2;
		P9__RETRY(r2, linkat(fd, "", dirfd, name, AT_EMPTY_PATH));
		if (r2 == 0)
			return 0;
		errno = first;
	}
#elif defined(AT_EMPTY_PATH)
	P9__RETRY(r, linkat(fd, "", dirfd, name, AT_EMPTY_PATH));
#else
	(void)fd;
	(void)dirfd;
	errno = ENOTSUP;
	r = -1;
#endif
	return r < 0 ? p9__err(errno) : 0;
}

int p9_os_renameat(int olddir, const char *oldname, int newdir, const char *newname)
{
	int err = p9__fault_err(P9_OS_CALL_NAMESPACE);
	if (err)
		return err;
	if ((err = p9__check_name(oldname)) != 0 || (err = p9__check_name(newname)) != 0)
		return err;
	int r;
	P9__RETRY(r, renameat(olddir, oldname, newdir, newname));
	return r < 0 ? p9__err(errno) : 0;
}

int p9_os_unlinkat(int dirfd, const char *name, int rmdir)
{
	int err = p9__fault_err(P9_OS_CALL_NAMESPACE);
	if (err)
		return err;
	if ((err = p9__check_name(name)) != 0)
		return err;
	int r;
	P9__RETRY(r, unlinkat(dirfd, name, rmdir ? AT_REMOVEDIR : 0));
	return r < 0 ? p9__err(errno) : 0;
}
