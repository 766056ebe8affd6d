/*
 * dir.c: directory listing by the host's own cookies.
 *
 * p9_os_dir_read seeks the directory handle to a cookie (0, or the `next`
 * of an entry returned before) and fills the buffer with raw host records
 * (Linux: struct linux_dirent64 from getdents64); p9_os_dir_next walks
 * them. The cookies are the file system's d_off values, so a listing
 * resumed from any entry continues exactly after it even if the buffer
 * sizes differ between calls (what Treaddir offsets need), and no state is
 * kept here.
 *
 * Invariants:
 *  - The seek and the read share the handle's file offset: callers must not
 *    list through the same handle from two threads at once (each fid has
 *    its own handle).
 *  - p9_os_dir_next trusts nothing in the buffer: a record that does not
 *    fit, or whose name is not NUL-terminated inside it, ends the walk.
 */
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#elif defined(__FreeBSD__)
#include <dirent.h>
#endif

#include "internal.h"

#if defined(__linux__)
/* struct linux_dirent64, by offsets: the kernel packs records on 8-byte
 * boundaries of its own buffer, but the caller's buffer may be unaligned,
 * so fields are copied out, never read in place. */
enum { OFF_INO = 0, OFF_OFF = 8, OFF_RECLEN = 16, OFF_TYPE = 18, OFF_NAME = 19 };
#elif defined(__FreeBSD__)
enum {
	OFF_INO = offsetof(struct dirent, d_fileno),
	OFF_OFF = offsetof(struct dirent, d_off),
	OFF_RECLEN = offsetof(struct dirent, d_reclen),
	OFF_TYPE = offsetof(struct dirent, d_type),
	OFF_NAME = offsetof(struct dirent, d_name),
};
#endif

ssize_t p9_os_dir_read(int dirfd, uint64_t cookie, void *buf, size_t len)
{
	int err = p9__fault_err(P9_OS_CALL_READ);
	if (err)
		return err;
	if (cookie > (uint64_t)INT64_MAX)
		return -EINVAL;
	/* The kernel takes an int-sized count. */
	if (len > INT_MAX)
		len = INT_MAX;
#if defined(__linux__) || defined(__FreeBSD__)
	off_t o;
	P9__RETRY(o, lseek(dirfd, (off_t)cookie, SEEK_SET));
	if (o < 0)
		return p9__err(errno);
	ssize_t n;
#if defined(__linux__)
	P9__RETRY(n, syscall(SYS_getdents64, dirfd, buf, len));
#else
	off_t base;
	P9__RETRY(n, getdirentries(dirfd, buf, len, &base));
#endif
	return n < 0 ? p9__err(errno) : n;
#else
	(void)dirfd;
	(void)buf;
	return -EOPNOTSUPP;
#endif
}

int p9_os_dir_next(const void *buf, size_t len, size_t *pos, struct p9_os_dirent *de)
{
#if defined(__linux__) || defined(__FreeBSD__)
	const unsigned char *p = buf;
	size_t at = *pos;
	if (at >= len || len - at < OFF_NAME + 1)
		return 0;
	uint16_t reclen;
	memcpy(&reclen, p + at + OFF_RECLEN, sizeof reclen);
	if (reclen < OFF_NAME + 1 || reclen > len - at)
		return 0;
	const char *name = (const char *)p + at + OFF_NAME;
	size_t namelen = strnlen(name, reclen - OFF_NAME);
	if (namelen == (size_t)(reclen - OFF_NAME))
		return 0; /* no NUL inside the record */
	uint64_t ino;
	int64_t off;
	memcpy(&ino, p + at + OFF_INO, sizeof ino);
	memcpy(&off, p + at + OFF_OFF, sizeof off);
	de->ino = ino;
	de->next = (uint64_t)off;
	/* DT_* numbers are Linux's on Linux and the BSDs alike. */
	de->type = p[at + OFF_TYPE];
	de->name = name;
	de->namelen = (uint16_t)namelen;
	*pos = at + reclen;
	return 1;
#else
	(void)buf;
	(void)len;
	(void)pos;
	(void)de;
	return 0;
#endif
}
