/*
 * socket.c: listening, accepting and stream I/O on POSIX descriptors.
 *
 * Every descriptor handed to the server is non-blocking and close-on-exec;
 * TCP sockets get TCP_NODELAY because 9P is request/response and Nagle
 * would hold small replies back for a round trip.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "transport/transport.h"

static void format_sockaddr(const struct sockaddr *sa, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?", port[8] = "0";
	if (sa->sa_family == AF_UNIX) {
		snprintf(out, len, "unix");
		return;
	}
	getnameinfo(sa, sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						  : sizeof(struct sockaddr_in),
		    host, sizeof(host), port, sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV);
	if (sa->sa_family == AF_INET6)
		snprintf(out, len, "tcp:[%s]:%s", host, port);
	else
		snprintf(out, len, "tcp:%s:%s", host, port);
}

static int listen_tcp(const struct p9_addr *a, char *bound, size_t boundlen, const char **err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res, *ai;
	int fd = -1, e = -EADDRNOTAVAIL, one = 1;
	if (getaddrinfo(a->host[0] ? a->host : NULL, a->port, &hints, &res) != 0) {
		*err = "cannot resolve the listen address";
		return -EINVAL;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			e = -errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1024) == 0)
			break;
		e = -errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		*err = e == -EADDRINUSE ? "address already in use" : "cannot listen on that address";
		return e;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		format_sockaddr((struct sockaddr *)&ss, bound, boundlen);
	return fd;
}

static int listen_unix(const struct p9_addr *a, char *bound, size_t boundlen, const char **err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*err = "cannot create a unix socket";
		return -errno;
	}
	strcpy(sun.sun_path, a->path);
	/* A stale socket from a previous run is replaced; anything else is not. */
	if (lstat(a->path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(a->path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 1024) < 0) {
		int e = -errno;
		close(fd);
		*err = e == -EADDRINUSE ? "socket path already in use" : "cannot listen on that socket path";
		return e;
	}
	snprintf(bound, boundlen, "unix:%s", a->path);
	return fd;
}

int p9__listen(const struct p9_addr *a, char *bound, size_t boundlen, const char **err)
{
	if (a->kind == P9_ADDR_TCP)
		return listen_tcp(a, bound, boundlen, err);
	if (a->kind == P9_ADDR_UNIX)
		return listen_unix(a, bound, boundlen, err);
	*err = "not a listening address";
	return -EINVAL;
}

int p9__stream_prepare(int fd)
{
	int one = 1, type;
	socklen_t tl = sizeof(type);
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	if (fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0)
		return 0;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 1;
}

int p9__accept(int lfd, char *peer, size_t peerlen)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return -errno;
	format_sockaddr((struct sockaddr *)&ss, peer, peerlen);
	p9__stream_prepare(fd);
	return fd;
}

ssize_t p9__stream_read(int fd, void *buf, size_t len)
{
	ssize_t n;
	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

ssize_t p9__stream_writev(int fd, const struct iovec *iov, int n, int is_socket)
{
	ssize_t r;
	do {
		if (is_socket) {
			/* MSG_NOSIGNAL: a client that resets the connection must
			 * not kill the server with SIGPIPE. */
			struct msghdr mh = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)n };
			r = sendmsg(fd, &mh, MSG_NOSIGNAL);
		} else {
			r = writev(fd, iov, n);
		}
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}
