/*
 * pipe.c: zero-copy reads with splice(2).
 *
 * A file's pages are spliced into the pipe (references, not copies)
 * and from there to the client's socket, which takes the references
 * over. The server never touches the data, where pread + send copies it
 * twice.
 *
 * Invariants:
 *  - room is what a fill can always take: splice puts at most one page
 *    of a file into a pipe slot, so room bytes at any offset span at
 *    most room / page + 1 pages, which is the pipe's slot count.
 *  - Every pipe call is non-blocking on the pipe: a full or empty pipe is
 *    a caller's error, never a hang.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* splice, pipe2, F_SETPIPE_SZ */
#endif
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "internal.h"

int p9_os_pipe_open(struct p9_os_pipe *p, size_t want)
{
	int fds[2];
	p->rfd = p->wfd = -1;
	p->room = 0;
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return p9__err(errno);
	long page = sysconf(_SC_PAGESIZE);
	if (page <= 0)
		page = 4096;
	/* Above /proc/sys/fs/pipe-max-size (1 MiB by default) an unprivileged
	 * process gets EPERM: halve until the kernel agrees, then take what
	 * it gave (it rounds up to a power of two pages). */
	size_t need = (want / (size_t)page + 2) * (size_t)page;
	if (need > (size_t)INT_MAX / 2)
		need = (size_t)INT_MAX / 2;
	while (need > (size_t)page && fcntl(fds[1], F_SETPIPE_SZ, (int)need) < 0)
		need /= 2;
	int got = fcntl(fds[1], F_GETPIPE_SZ);
	if (got < 0) {
		int e = p9__err(errno);
		close(fds[0]);
		close(fds[1]);
		return e;
	}
	size_t slots = (size_t)got / (size_t)page;
	p->rfd = fds[0];
	p->wfd = fds[1];
	p->room = slots > 1 ? (slots - 1) * (size_t)page : 0;
	return 0;
}

void p9_os_pipe_close(struct p9_os_pipe *p)
{
	close(p->rfd);
	close(p->wfd);
	p->rfd = p->wfd = -1;
}

ssize_t p9_os_pipe_fill(struct p9_os_pipe *p, int fd, size_t len, uint64_t off)
{
	int f = p9__fault(P9_OS_CALL_READ);
	if (f < 0)
		return f;
	if (off > (uint64_t)INT64_MAX)
		return -EINVAL;
	if (f == P9_OS_FAULT_SHORT && len > 1)
		len /= 2;
	size_t got = 0;
	while (got < len) {
		loff_t o = (loff_t)(off + got);
		ssize_t r = splice(fd, &o, p->wfd, NULL, len - got, SPLICE_F_NONBLOCK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			/* Data already moved is a short read; the error comes
			 * back with the next one, as with pread. */
			if (got > 0)
				break;
			return p9__err(errno);
		}
		if (r == 0)
			break; /* end of file */
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int p9_os_pipe_drain(struct p9_os_pipe *p, void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t r = read(p->rfd, (char *)buf + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? p9__err(errno) : -EIO;
		got += (size_t)r;
	}
	return 0;
}

ssize_t p9_os_pipe_send(struct p9_os_pipe *p, int stream, size_t len)
{
	ssize_t r;
	P9__RETRY(r, splice(p->rfd, NULL, stream, NULL, len, SPLICE_F_NONBLOCK | SPLICE_F_MOVE));
	if (r < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : p9__err(errno);
	return r;
}
