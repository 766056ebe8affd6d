/*
 * pipe_none.c: zero-copy reads where the host has no splice (Windows, and
 * POSIX systems other than Linux): every call is -ENOSYS and the server
 * copies, as it would anyway. (Windows' TransmitFile sends a file range,
 * but a reply's count must be known before its header is sent, and the
 * header must be in the same stream.)
 */
#include <errno.h>

#include "platform/platform.h"

int p9_os_pipe_open(struct p9_os_pipe *p, size_t want)
{
	(void)want;
	p->rfd = p->wfd = -1;
	p->room = 0;
	return -ENOSYS;
}

void p9_os_pipe_close(struct p9_os_pipe *p)
{
	(void)p;
}

ssize_t p9_os_pipe_fill(struct p9_os_pipe *p, int fd, size_t len, uint64_t off)
{
	(void)p, (void)fd, (void)len, (void)off;
	return -ENOSYS;
}

int p9_os_pipe_drain(struct p9_os_pipe *p, void *buf, size_t len)
{
	(void)p, (void)buf, (void)len;
	return -ENOSYS;
}

ssize_t p9_os_pipe_send(struct p9_os_pipe *p, int stream, size_t len)
{
	(void)p, (void)stream, (void)len;
	return -ENOSYS;
}
