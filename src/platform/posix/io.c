/*
 * io.c: moving data: pread, pwrite, fsync.
 *
 * Positional I/O only: several requests on one handle run on different
 * workers at once, and a shared file offset would make them race.
 *
 * Invariants: a fault of kind P9_OS_FAULT_SHORT moves half the bytes asked
 * for (at least one), to exercise callers' short-count paths.
 */
#include <limits.h>
#include <stdint.h>
#include <unistd.h>

#include "internal.h"

/* The length to ask the host for, after faults; or a negative errno. */
static ssize_t io_len(enum p9_os_call call, size_t len, uint64_t off)
{
	int f = p9__fault(call);
	if (f < 0)
		return f;
	if (off > (uint64_t)INT64_MAX)
		return -EINVAL;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	if (f == P9_OS_FAULT_SHORT && len > 1)
		len /= 2;
	return (ssize_t)len;
}

ssize_t p9_os_pread(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n = io_len(P9_OS_CALL_READ, len, off);
	if (n < 0)
		return n;
	ssize_t r;
	P9__RETRY(r, pread(fd, buf, (size_t)n, (off_t)off));
	return r < 0 ? p9__err(errno) : r;
}

ssize_t p9_os_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	ssize_t n = io_len(P9_OS_CALL_WRITE, len, off);
	if (n < 0)
		return n;
	ssize_t r;
	P9__RETRY(r, pwrite(fd, buf, (size_t)n, (off_t)off));
	return r < 0 ? p9__err(errno) : r;
}

int p9_os_fsync(int fd, int datasync)
{
	int err = p9__fault_err(P9_OS_CALL_FSYNC);
	if (err)
		return err;
	int r;
#if defined(__APPLE__)
	(void)datasync; /* no fdatasync; fsync is the stronger promise */
	P9__RETRY(r, fsync(fd));
#else
	P9__RETRY(r, datasync ? fdatasync(fd) : fsync(fd));
#endif
	return r < 0 ? p9__err(errno) : 0;
}
