/*
 * io.c: reading and writing at an offset, and flushing.
 *
 * Handles are synchronous (FILE_SYNCHRONOUS_IO_NONALERT); an OVERLAPPED
 * with the offset makes ReadFile/WriteFile positional, so concurrent
 * callers never share a file position. A handle opened O_APPEND has
 * FILE_APPEND_DATA without FILE_WRITE_DATA: NT puts its writes at the end
 * whatever the offset (Linux's pwrite on O_APPEND does the same).
 *
 * Windows byte-range locks are mandatory: a read or write through another
 * handle that overlaps a range locked against it fails with EAGAIN, where
 * Linux's advisory locks would let it through.
 */
#include <limits.h>

#include "internal.h"

#include "p9/proto.h"

/* The length to ask the host for, after faults; or a negative errno. */
static ssize_t io_len(enum p9_os_call call, size_t len, uint64_t off)
{
	int f = p9__fault(call);
	if (f < 0)
		return f;
	if (off > (uint64_t)INT64_MAX)
		return -EINVAL;
	if (len > 0x7ffff000u) /* what one ReadFile moves at most: DWORD, as Linux caps */
		len = 0x7ffff000u;
	if (f == P9_OS_FAULT_SHORT && len > 1)
		len /= 2;
	return (ssize_t)len;
}

/* The handle, if it was opened for this direction (EBADF otherwise, as
 * read(2) on an O_WRONLY fd answers). */
static struct p9__file *data_handle(int fd, uint32_t refused_mode, int *err)
{
	struct p9__file *f = p9__fd_get(fd);
	if (f == NULL || (f->flags & P9_OS_O_PATH) || (f->flags & 3u) == refused_mode)
		*err = -EBADF;
	else
		*err = f->kind == P9__KIND_DIR ? -EISDIR : 0;
	return *err ? NULL : f;
}

ssize_t p9_os_pread(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n = io_len(P9_OS_CALL_READ, len, off);
	if (n < 0)
		return n;
	int err;
	struct p9__file *f = data_handle(fd, P9_DOTL_WRONLY, &err);
	if (f == NULL)
		return err;
	OVERLAPPED ov = {0};
	ov.Offset = (DWORD)off;
	ov.OffsetHigh = (DWORD)(off >> 32);
	DWORD got = 0;
	if (!ReadFile(f->h, buf, (DWORD)n, &got, &ov)) {
		DWORD e = GetLastError();
		return e == ERROR_HANDLE_EOF ? 0 : p9__win_err(e);
	}
	return (ssize_t)got;
}

ssize_t p9_os_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	ssize_t n = io_len(P9_OS_CALL_WRITE, len, off);
	if (n < 0)
		return n;
	int err;
	struct p9__file *f = data_handle(fd, P9_DOTL_RDONLY, &err);
	if (f == NULL)
		return err;
	OVERLAPPED ov = {0};
	ov.Offset = (DWORD)off;
	ov.OffsetHigh = (DWORD)(off >> 32);
	DWORD put = 0;
	if (!WriteFile(f->h, buf, (DWORD)n, &put, &ov))
		return p9__win_err(GetLastError());
	return (ssize_t)put;
}

int p9_os_fsync(int fd, int datasync)
{
	(void)datasync; /* NT has one flush: the stronger promise */
	int err = p9__fault_err(P9_OS_CALL_FSYNC);
	if (err)
		return err;
	struct p9__file *f = p9__fd_get(fd);
	if (f == NULL)
		return -EBADF;
	if (FlushFileBuffers(f->h))
		return 0;
	err = p9__win_err(GetLastError());
	/* Linux fsyncs read-only and O_PATH-less directory handles happily;
	 * NT wants write access to flush. Nothing of ours is unwritten then. */
	return err == -EACCES ? 0 : err;
}
