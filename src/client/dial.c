/*
 * dial.c: sockets and descriptors for the client (see dial.h), through
 * the platform layer (platform/net.h).
 *
 * Descriptors may arrive non-blocking (an inherited fd:N); reads and writes
 * therefore poll on EAGAIN instead of assuming blocking I/O. Everything we
 * open ourselves is close-on-exec.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/dial.h"
#include "platform/net.h"

/* A descriptor number: decimal digits only, and it must be open. */
static int parse_fd(const char *s, const char **end, int *fd)
{
	long v = 0;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p - '0');
		if (v > INT_MAX)
			return -EINVAL;
		p++;
	}
	if (p9_os_stream_valid((int)v) < 0)
		return -EBADF;
	*fd = (int)v;
	*end = p;
	return 0;
}

static int dial_fd(const char *spec, struct p9__conn *cn)
{
	const char *end;
	int r = parse_fd(spec, &end, &cn->rfd);
	if (r < 0)
		return r;
	if (*end == ',') {
		r = parse_fd(end + 1, &end, &cn->wfd);
		if (r < 0)
			return r;
	} else {
		cn->wfd = cn->rfd;
	}
	if (*end != '\0')
		return -EINVAL;
	cn->wsock = p9_os_stream_is_socket(cn->wfd);
	return 0;
}

static int dial_unix(const char *path, struct p9__conn *cn)
{
	int fd = p9_os_connect_unix(path);
	if (fd < 0)
		return fd;
	cn->rfd = cn->wfd = fd;
	cn->wsock = 1;
	return 0;
}

/* "HOST:PORT" or "[V6]:PORT" into host and port (both NUL-terminated,
 * pointing into buf). */
static int split_hostport(char *buf, char **host, char **port)
{
	char *colon;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close || close[1] != ':')
			return -EINVAL;
		*close = '\0';
		*host = buf + 1;
		colon = close + 1;
	} else {
		colon = strrchr(buf, ':');
		if (!colon)
			return -EINVAL;
		*host = buf;
	}
	*colon = '\0';
	*port = colon + 1;
	if (**host == '\0' || **port == '\0' || strspn(*port, "0123456789") != strlen(*port) ||
	    strlen(*port) > 5 || atoi(*port) > 65535)
		return -EINVAL;
	return 0;
}

static int dial_tcp(const char *hostport, struct p9__conn *cn)
{
	char *buf = strdup(hostport);
	char *host, *port;
	if (!buf)
		return -ENOMEM;
	int r = split_hostport(buf, &host, &port);
	if (r < 0) {
		free(buf);
		return r;
	}
	int fd = p9_os_connect_tcp(host, port);
	free(buf);
	if (fd < 0)
		return fd;
	cn->rfd = cn->wfd = fd;
	cn->wsock = 1;
	return 0;
}

int p9__conn_dial(const char *addr, struct p9__conn *cn)
{
	cn->rfd = cn->wfd = -1;
	cn->wsock = 0;
	if (!addr)
		return -EINVAL;
	int r = p9_os_net_init();
	if (r < 0)
		return r;
	if (strncmp(addr, "tcp:", 4) == 0)
		return dial_tcp(addr + 4, cn);
	if (strncmp(addr, "unix:", 5) == 0)
		return dial_unix(addr + 5, cn);
	if (strncmp(addr, "fd:", 3) == 0)
		return dial_fd(addr + 3, cn);
	return -EINVAL;
}

void p9__conn_close(struct p9__conn *cn)
{
	if (cn->rfd >= 0)
		p9_os_stream_close(cn->rfd);
	if (cn->wfd >= 0 && cn->wfd != cn->rfd)
		p9_os_stream_close(cn->wfd);
	cn->rfd = cn->wfd = -1;
}

int p9__conn_read(struct p9__conn *cn, void *buf, size_t len, int timeout_ms)
{
	uint8_t *p = buf;
	size_t got = 0;
	if (timeout_ms >= 0 && len > 0) {
		int r = p9_os_stream_wait(cn->rfd, 0, timeout_ms);
		if (r < 0)
			return r;
	}
	while (got < len) {
		ssize_t n = p9_os_stream_read(cn->rfd, p + got, len - got);
		if (n > 0) {
			got += (size_t)n;
		} else if (n == 0) {
			return -ECONNRESET;
		} else if (n == -EAGAIN) {
			int r = p9_os_stream_wait(cn->rfd, 0, -1);
			if (r < 0)
				return r;
		} else {
			return (int)n;
		}
	}
	return 0;
}

int p9__conn_write(struct p9__conn *cn, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t done = 0;
	while (done < len) {
		struct p9_iov iov = {(void *)(p + done), len - done};
		ssize_t n = p9_os_stream_writev(cn->wfd, &iov, 1, cn->wsock);
		if (n >= 0) {
			done += (size_t)n;
		} else if (n == -EAGAIN) {
			int r = p9_os_stream_wait(cn->wfd, 1, -1);
			if (r < 0)
				return r;
		} else {
			return (int)n;
		}
	}
	return 0;
}
