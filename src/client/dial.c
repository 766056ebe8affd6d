/*
 * dial.c: POSIX sockets and descriptors for the client (see dial.h).
 *
 * Descriptors may arrive non-blocking (an inherited fd:N); reads and writes
 * therefore poll on EAGAIN instead of assuming blocking I/O. Everything we
 * open ourselves is close-on-exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "client/dial.h"

static int is_socket(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

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
	if (fcntl((int)v, F_GETFD) < 0)
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
	cn->wsock = is_socket(cn->wfd);
	return 0;
}

static int dial_unix(const char *path, struct p9__conn *cn)
{
	struct sockaddr_un sun;
	size_t n = strlen(path);
	if (n == 0)
		return -EINVAL;
	if (n >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, n);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		if (errno == EINTR)
			continue;
		int e = errno;
		close(fd);
		return -e;
	}
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
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	int g = getaddrinfo(host, port, &hints, &res);
	free(buf);
	if (g != 0) {
		if (g == EAI_MEMORY)
			return -ENOMEM;
		if (g == EAI_SYSTEM && errno != 0)
			return -errno;
		return -ENXIO;
	}
	/* Try every address the name has; report the last failure. */
	r = -ECONNREFUSED;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			r = -errno;
			continue;
		}
		int rc;
		do
			rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
		while (rc < 0 && errno == EINTR);
		if (rc < 0) {
			r = -errno;
			close(fd);
			continue;
		}
		/* Requests are small and latency-bound: do not let Nagle hold
		 * a Twalk back waiting for the previous reply's ACK. */
		int one = 1;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		cn->rfd = cn->wfd = fd;
		cn->wsock = 1;
		r = 0;
		break;
	}
	freeaddrinfo(res);
	return r;
}

int p9__conn_dial(const char *addr, struct p9__conn *cn)
{
	cn->rfd = cn->wfd = -1;
	cn->wsock = 0;
	if (!addr)
		return -EINVAL;
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
		close(cn->rfd);
	if (cn->wfd >= 0 && cn->wfd != cn->rfd)
		close(cn->wfd);
	cn->rfd = cn->wfd = -1;
}

static int wait_fd(int fd, short ev, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = ev};
	for (;;) {
		int n = poll(&p, 1, timeout_ms);
		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

int p9__conn_read(struct p9__conn *cn, void *buf, size_t len, int timeout_ms)
{
	uint8_t *p = buf;
	size_t got = 0;
	if (timeout_ms >= 0 && len > 0) {
		int r = wait_fd(cn->rfd, POLLIN, timeout_ms);
		if (r < 0)
			return r;
	}
	while (got < len) {
		ssize_t n = read(cn->rfd, p + got, len - got);
		if (n > 0) {
			got += (size_t)n;
		} else if (n == 0) {
			return -ECONNRESET;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			int r = wait_fd(cn->rfd, POLLIN, -1);
			if (r < 0)
				return r;
		} else if (errno != EINTR) {
			return -errno;
		}
	}
	return 0;
}

int p9__conn_write(struct p9__conn *cn, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t done = 0;
	while (done < len) {
		ssize_t n;
		if (cn->wsock)
			n = send(cn->wfd, p + done, len - done, MSG_NOSIGNAL);
		else
			n = write(cn->wfd, p + done, len - done);
		if (n >= 0) {
			done += (size_t)n;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			int r = wait_fd(cn->wfd, POLLOUT, -1);
			if (r < 0)
				return r;
		} else if (errno != EINTR) {
			return -errno;
		}
	}
	return 0;
}
