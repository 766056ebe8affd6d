/*
 * files.c: handles: opening the export root, opening one name in a
 * directory, re-opening an O_PATH handle for I/O, dup and close.
 *
 * Invariants:
 *  - Every handle is O_CLOEXEC (the daemon may spawn helpers).
 *  - p9_os_openat never follows a symlink in `name` (O_NOFOLLOW always), and
 *    never resolves more than one component (p9__check_name).
 *  - p9_os_reopen never opens a FIFO, socket or device on the host for I/O
 *    (CVE-2023-2861): the type check is on the inode the handle is bound to,
 *    which cannot change under us, so it is free of races.
 *  - p9_os_open_root is the one call that follows symlinks: its path comes
 *    from the administrator, not from a client.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#include "p9/proto.h"

/* Host systems without O_PATH (macOS) get a read-only handle instead: it
 * needs read permission, but still never follows the last component. */
#ifdef O_PATH
#define HOST_O_PATH O_PATH
#else
#define HOST_O_PATH O_RDONLY
#endif

int p9__check_name(const char *name)
{
	if (name == NULL || name[0] == '\0' || strchr(name, '/') != NULL)
		return -EINVAL;
	if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
		return -EINVAL;
	return 0;
}

/* Flags passed through one for one; the Linux numbers are the P9_DOTL_*
 * values, the host's are its own. O_NOCTTY, O_CLOEXEC and O_NOFOLLOW are
 * not here because they are always set; FASYNC is dropped (there is no
 * process to signal); O_LARGEFILE is implied on 64-bit hosts. Unknown bits
 * are ignored, as open(2) ignores them. */
/* clang-format off */
static const struct {
	uint32_t dotl;
	int host;
} flag_map[] = {
	{P9_DOTL_CREATE, O_CREAT},
	{P9_DOTL_EXCL, O_EXCL},
	{P9_DOTL_TRUNC, O_TRUNC},
	{P9_DOTL_APPEND, O_APPEND},
	{P9_DOTL_NONBLOCK, O_NONBLOCK},
#ifdef O_DSYNC
	{P9_DOTL_DSYNC, O_DSYNC},
#endif
#ifdef O_DIRECT
	{P9_DOTL_DIRECT, O_DIRECT},
#endif
	{P9_DOTL_DIRECTORY, O_DIRECTORY},
#ifdef O_NOATIME
	{P9_DOTL_NOATIME, O_NOATIME},
#endif
	{P9_DOTL_SYNC, O_SYNC},
};
/* clang-format on */

int p9__open_flags(uint32_t flags, int *host)
{
	int h = O_CLOEXEC | O_NOCTTY;
	if (flags & P9_OS_O_PATH) {
		/* O_PATH ignores every flag but these; refusing the rest
		 * catches a caller that meant to create or truncate. */
		if (flags & (P9_DOTL_CREATE | P9_DOTL_EXCL | P9_DOTL_TRUNC))
			return -EINVAL;
		h = O_CLOEXEC | HOST_O_PATH;
		if (flags & P9_DOTL_DIRECTORY)
			h |= O_DIRECTORY;
		*host = h;
		return 0;
	}
	switch (flags & 3u) {
	case P9_DOTL_RDONLY:
		h |= O_RDONLY;
		break;
	case P9_DOTL_WRONLY:
		h |= O_WRONLY;
		break;
	case P9_DOTL_RDWR:
		h |= O_RDWR;
		break;
	default:
		/* Linux's access mode 3 ("ioctl only") has no portable
		 * meaning and no use over 9P. */
		return -EINVAL;
	}
	for (size_t i = 0; i < sizeof flag_map / sizeof flag_map[0]; i++)
		if (flags & flag_map[i].dotl)
			h |= flag_map[i].host;
	*host = h;
	return 0;
}

int p9__root_fd = -1;
static const char *fd_dir = "/proc/self/fd";

void p9__set_fd_dir(const char *dir)
{
	fd_dir = dir;
}

void p9__fd_path(int fd, char *buf)
{
	snprintf(buf, P9__FDPATH_MAX, "%s/%d", fd_dir, fd);
}

int p9__fd_path_err(int fd, int host_errno)
{
	if (host_errno == ENOENT && fcntl(fd, F_GETFD) < 0 && errno == EBADF)
		return -EBADF;
	return p9__err(host_errno);
}

int p9_os_open_root(const char *host_path)
{
	int err = p9__fault_err(P9_OS_CALL_OPEN);
	if (err)
		return err;
	if (host_path == NULL || host_path[0] == '\0')
		return -ENOENT;
	int fd;
	P9__RETRY(fd, open(host_path, O_DIRECTORY | O_RDONLY | O_CLOEXEC));
	if (fd >= 0)
		p9__root_fd = fd;
	return fd < 0 ? p9__err(errno) : fd;
}

int p9_os_openat(int dirfd, const char *name, uint32_t flags, uint32_t mode)
{
	int err = p9__fault_err(P9_OS_CALL_OPEN);
	if (err)
		return err;
	if ((err = p9__check_name(name)) != 0)
		return err;
	int host;
	if ((err = p9__open_flags(flags, &host)) != 0)
		return err;
	host |= O_NOFOLLOW;
	int fd;
	/* The mode is always passed: O_CREAT with a garbage mode from the
	 * stack is how files end up world-writable. */
	P9__RETRY(fd, openat(dirfd, name, host, (mode_t)(mode & 07777)));
	return fd < 0 ? p9__err(errno) : fd;
}

int p9_os_reopen(int fd, uint32_t flags)
{
	int err = p9__fault_err(P9_OS_CALL_OPEN);
	if (err)
		return err;
	/* Re-opening never creates: the file exists, the caller holds it. */
	flags &= ~(uint32_t)(P9_DOTL_CREATE | P9_DOTL_EXCL | P9_DOTL_NOCTTY);
	int host;
	if ((err = p9__open_flags(flags, &host)) != 0)
		return err;
	struct stat st;
	int r;
	P9__RETRY(r, fstat(fd, &st));
	if (r < 0)
		return p9__err(errno);
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return -ENXIO;
	int nfd;
#if defined(__linux__)
	/* Through the magic link, not the file's name: works for renamed
	 * and unlinked files, and permission is checked against the calling
	 * thread's fsuid like any open. O_NOFOLLOW must not be set here: the
	 * magic link itself is a symlink, and it is ours, not a client's. */
	char path[P9__FDPATH_MAX];
	p9__fd_path(fd, path);
	P9__RETRY(nfd, open(path, host));
	if (nfd < 0)
		return p9__fd_path_err(fd, errno);
#elif defined(O_EMPTY_PATH)
	/* FreeBSD 13+: the same thing without /proc. */
	P9__RETRY(nfd, openat(fd, "", host | O_EMPTY_PATH));
#else
	(void)host;
	errno = ENOTSUP;
	nfd = -1;
#endif
	return nfd < 0 ? p9__err(errno) : nfd;
}

int p9_os_dup(int fd)
{
	int err = p9__fault_err(P9_OS_CALL_OPEN);
	if (err)
		return err;
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return nfd < 0 ? p9__err(errno) : nfd;
}

int p9_os_close(int fd)
{
	/* Not retried on EINTR: Linux (and the BSDs) have released the fd
	 * by then, and a retry could close a handle another thread just got.
	 * An EINTR therefore counts as closed. No fault kind covers close:
	 * callers cannot do anything useful with its failure. */
	if (close(fd) == 0 || errno == EINTR)
		return 0;
	return p9__err(errno);
}
