/*
 * net.c: sockets and streams on POSIX (see net.h).
 *
 * Everything opened here is close-on-exec; everything the server serves is
 * non-blocking. TCP sockets get TCP_NODELAY because 9P is request/response
 * and Nagle would hold small messages back for a round trip.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "platform/net.h"

/* p9_iov is passed to writev/sendmsg as it is. */
_Static_assert(sizeof(struct p9_iov) == sizeof(struct iovec) &&
                       offsetof(struct p9_iov, base) == offsetof(struct iovec, iov_base) &&
                       offsetof(struct p9_iov, len) == offsetof(struct iovec, iov_len),
               "p9_iov must match struct iovec");

int p9_os_net_init(void)
{
	return 0;
}

static void format_sockaddr(const struct sockaddr *sa, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?", port[8] = "0";
	if (sa->sa_family == AF_UNIX) {
		snprintf(out, len, "unix");
		return;
	}
	getnameinfo(sa,
	            sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                                      : sizeof(struct sockaddr_in),
	            host, sizeof(host), port, sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV);
	if (sa->sa_family == AF_INET6)
		snprintf(out, len, "tcp:[%s]:%s", host, port);
	else
		snprintf(out, len, "tcp:%s:%s", host, port);
}

int p9_os_listen_tcp(const char *host, const char *port, char *bound, size_t boundlen)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
	                         .ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res, *ai;
	int fd = -1, e = -EADDRNOTAVAIL, one = 1;
	if (getaddrinfo(host[0] ? host : NULL, port, &hints, &res) != 0)
		return -ENXIO;
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
	if (fd < 0)
		return e;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		format_sockaddr((struct sockaddr *)&ss, bound, boundlen);
	return fd;
}

int p9_os_listen_unix(const char *path, char *bound, size_t boundlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct stat st;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strcpy(sun.sun_path, path);
	/* A stale socket from a previous run is replaced; anything else is not. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 1024) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	snprintf(bound, boundlen, "unix:%s", path);
	return fd;
}

void p9_os_unix_remove(const char *path)
{
	unlink(path);
}

/* A descriptor held in reserve for when the process has none left: a
 * pending connection that cannot be accepted keeps the listener readable,
 * and the poller would report it again and again (a busy loop). Giving up
 * the spare lets us accept that connection and hang up on it at once. */
static pthread_mutex_t spare_lock = PTHREAD_MUTEX_INITIALIZER;
static int spare_fd = -1; /* under spare_lock */

/* "/" names something in every sandbox, and holds nothing open. Opened
 * at the first accept, never before: in the sandbox that is its own root,
 * while a handle kept from before would be a way out to the host's. */
static void spare_open(void)
{
	pthread_mutex_lock(&spare_lock);
	if (spare_fd < 0)
		spare_fd = open("/", O_PATH | O_CLOEXEC);
	pthread_mutex_unlock(&spare_lock);
}

static int refuse_one(int lfd)
{
	int dropped = 0;
	pthread_mutex_lock(&spare_lock);
	if (spare_fd >= 0) {
		close(spare_fd);
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			dropped = 1;
		}
		spare_fd = open("/", O_PATH | O_CLOEXEC);
	}
	pthread_mutex_unlock(&spare_lock);
	return dropped;
}

int p9_os_accept(int lfd, char *peer, size_t peerlen)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	spare_open();
	int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0 && (errno == EMFILE || errno == ENFILE))
		return refuse_one(lfd) ? -ECONNABORTED : -EMFILE;
	if (fd < 0)
		return -errno;
	format_sockaddr((struct sockaddr *)&ss, peer, peerlen);
	p9_os_stream_prepare(fd);
	return fd;
}

static void no_delay(int fd)
{
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int p9_os_connect_tcp(const char *host, const char *port)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	int g = getaddrinfo(host, port, &hints, &res);
	if (g != 0) {
		if (g == EAI_MEMORY)
			return -ENOMEM;
		if (g == EAI_SYSTEM && errno != 0)
			return -errno;
		return -ENXIO;
	}
	/* Try every address the name has; report the last failure. */
	int r = -ECONNREFUSED;
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
		no_delay(fd);
		r = fd;
		break;
	}
	freeaddrinfo(res);
	return r;
}

int p9_os_connect_unix(const char *path)
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
	return fd;
}

int p9_os_stream_prepare(int fd)
{
	int type;
	socklen_t tl = sizeof(type);
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	if (fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0)
		return 0;
	no_delay(fd);
	return 1;
}

int p9_os_stream_is_socket(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

int p9_os_stream_is_unix(int fd)
{
	struct sockaddr_storage a;
	socklen_t al = sizeof(a);
	return getsockname(fd, (struct sockaddr *)&a, &al) == 0 && a.ss_family == AF_UNIX;
}

int p9_os_stream_valid(int fd)
{
	return fcntl(fd, F_GETFD) < 0 ? -EBADF : 0;
}

int p9_os_stream_dup(int fd)
{
	int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return d < 0 ? -errno : d;
}

int p9_os_stream_close(int fd)
{
	return close(fd) < 0 ? -errno : 0;
}

int p9_os_stream_shutdown(int fd)
{
	return shutdown(fd, SHUT_RDWR) < 0 ? -errno : 0;
}

ssize_t p9_os_stream_read(int fd, void *buf, size_t len)
{
	ssize_t n;
	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? (errno == EWOULDBLOCK ? -EAGAIN : -errno) : n;
}

ssize_t p9_os_stream_writev(int fd, const struct p9_iov *iov, int n, int is_socket)
{
	ssize_t r;
	do {
		if (is_socket) {
			/* MSG_NOSIGNAL: a client that resets the connection must
			 * not kill the server with SIGPIPE. */
			struct msghdr mh = {.msg_iov = (struct iovec *)iov,
			                    .msg_iovlen = (size_t)n};
			r = sendmsg(fd, &mh, MSG_NOSIGNAL);
		} else {
			r = writev(fd, (const struct iovec *)iov, n);
		}
	} while (r < 0 && errno == EINTR);
	return r < 0 ? (errno == EWOULDBLOCK ? -EAGAIN : -errno) : r;
}

int p9_os_stream_wait(int fd, int for_write, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = for_write ? POLLOUT : POLLIN};
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
