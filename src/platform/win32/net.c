/*
 * net.c: sockets and streams on Windows, through Winsock 2 (see net.h).
 *
 * A stream is a SOCKET value carried in an int: kernel handle values fit
 * in 32 bits (Windows keeps them so for 32-bit processes). Only sockets
 * are streams here: an fd:N transport names an inherited SOCKET handle
 * value, and anything that is not a socket (a pipe, a console) is refused
 * with -ENOTSUP, because the event loop (poll.c) waits with WSAPoll, which
 * knows only sockets.
 *
 * Nothing is inherited by child processes (WSA_FLAG_NO_HANDLE_INHERIT,
 * the CLOEXEC of Windows). Sends never raise anything: Windows has no
 * SIGPIPE, a send to a peer that is gone fails with WSAECONNRESET.
 *
 * AF_UNIX exists from Windows 10 1803 (afunix.h); where it does not (old
 * Windows, Wine) socket() fails with WSAEAFNOSUPPORT, reported as
 * -EAFNOSUPPORT.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <afunix.h>
#include <windows.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "platform/net.h"

/* Winsock errors in Linux numbering (E* names are Linux numbers in the
 * Windows build: see linux_errno.h). */
static int wsa_errno(int w)
{
	switch (w) {
	case WSAEWOULDBLOCK:
	case WSAEINPROGRESS:
		return -EAGAIN;
	case WSAEINTR:
		return -EINTR;
	case WSAEBADF:
	case WSAENOTSOCK:
		return -EBADF;
	case WSAEACCES:
		return -EACCES;
	case WSAEFAULT:
		return -EFAULT;
	case WSAEINVAL:
		return -EINVAL;
	case WSAEMFILE:
		return -EMFILE;
	case WSAEMSGSIZE:
		return -EMSGSIZE;
	case WSAEPROTONOSUPPORT:
	case WSAESOCKTNOSUPPORT:
		return -EPROTONOSUPPORT;
	case WSAEOPNOTSUPP:
		return -EOPNOTSUPP;
	case WSAEPFNOSUPPORT:
	case WSAEAFNOSUPPORT:
		return -EAFNOSUPPORT;
	case WSAEADDRINUSE:
		return -EADDRINUSE;
	case WSAEADDRNOTAVAIL:
		return -EADDRNOTAVAIL;
	case WSAENETDOWN:
		return -ENETDOWN;
	case WSAENETUNREACH:
		return -ENETUNREACH;
	case WSAENETRESET:
		return -ENETRESET;
	case WSAECONNABORTED:
		return -ECONNABORTED;
	case WSAECONNRESET:
		return -ECONNRESET;
	case WSAENOBUFS:
		return -ENOBUFS;
	case WSAEISCONN:
		return -EISCONN;
	case WSAENOTCONN:
		return -ENOTCONN;
	case WSAESHUTDOWN:
		return -EPIPE;
	case WSAETIMEDOUT:
		return -ETIMEDOUT;
	case WSAECONNREFUSED:
		return -ECONNREFUSED;
	case WSAEHOSTDOWN:
	case WSAEHOSTUNREACH:
		return -EHOSTUNREACH;
	case WSAENAMETOOLONG:
		return -ENAMETOOLONG;
	case WSA_NOT_ENOUGH_MEMORY:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

static int last_err(void)
{
	return wsa_errno(WSAGetLastError());
}

static SOCKET sock_of(int fd)
{
	return (SOCKET)(uintptr_t)(unsigned)fd;
}

static int fd_of(SOCKET s)
{
	return (int)(unsigned)(uintptr_t)s;
}

static INIT_ONCE init_once = INIT_ONCE_STATIC_INIT;
static int init_result;

static BOOL CALLBACK startup(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
	WSADATA d;
	int e = WSAStartup(MAKEWORD(2, 2), &d);
	(void)once;
	(void)param;
	(void)ctx;
	init_result = e ? wsa_errno(e) : 0;
	return TRUE;
}

int p9_os_net_init(void)
{
	InitOnceExecuteOnce(&init_once, startup, NULL, NULL);
	return init_result;
}

/* A new socket, not inherited by children. */
static SOCKET new_socket(int family, int type, int proto)
{
	return WSASocketW(family, type, proto, NULL, 0,
	                  WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
}

static int set_nonblocking(SOCKET s)
{
	u_long on = 1;
	return ioctlsocket(s, FIONBIO, &on) == SOCKET_ERROR ? last_err() : 0;
}

static void no_delay(SOCKET s)
{
	BOOL one = TRUE;
	(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one));
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
	SOCKET s = INVALID_SOCKET;
	int e = -EADDRNOTAVAIL;
	BOOL one = TRUE;
	if (getaddrinfo(host[0] ? host : NULL, port, &hints, &res) != 0)
		return -ENXIO;
	for (ai = res; ai; ai = ai->ai_next) {
		s = new_socket(ai->ai_family, ai->ai_socktype, 0);
		if (s == INVALID_SOCKET) {
			e = last_err();
			continue;
		}
		/* Not SO_REUSEADDR: on Windows that lets another program
		 * take over a port in use. This one forbids it. */
		setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&one, sizeof(one));
		if (bind(s, ai->ai_addr, (int)ai->ai_addrlen) != 0 || listen(s, 1024) != 0)
			e = last_err();
		else if ((e = set_nonblocking(s)) == 0)
			break;
		closesocket(s);
		s = INVALID_SOCKET;
	}
	freeaddrinfo(res);
	if (s == INVALID_SOCKET)
		return e;
	struct sockaddr_storage ss;
	int sl = sizeof(ss);
	if (getsockname(s, (struct sockaddr *)&ss, &sl) == 0)
		format_sockaddr((struct sockaddr *)&ss, bound, boundlen);
	return fd_of(s);
}

/* Is path an AF_UNIX socket file (a reparse point of that tag)? */
static int is_unix_socket_file(const char *path)
{
	WIN32_FIND_DATAA fd;
	HANDLE h = FindFirstFileA(path, &fd);
	if (h == INVALID_HANDLE_VALUE)
		return 0;
	FindClose(h);
	return (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) &&
	       fd.dwReserved0 == IO_REPARSE_TAG_AF_UNIX;
}

int p9_os_listen_unix(const char *path, char *bound, size_t boundlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	SOCKET s = new_socket(AF_UNIX, SOCK_STREAM, 0);
	if (s == INVALID_SOCKET)
		return last_err(); /* -EAFNOSUPPORT before Windows 10 1803, and on Wine */
	strcpy(sun.sun_path, path);
	/* A stale socket from a previous run is replaced; anything else is not. */
	if (is_unix_socket_file(path))
		DeleteFileA(path);
	if (bind(s, (struct sockaddr *)&sun, sizeof(sun)) != 0 || listen(s, 1024) != 0 ||
	    set_nonblocking(s) < 0) {
		int e = last_err();
		closesocket(s);
		return e;
	}
	snprintf(bound, boundlen, "unix:%s", path);
	return fd_of(s);
}

void p9_os_unix_remove(const char *path)
{
	if (is_unix_socket_file(path))
		DeleteFileA(path);
}

int p9_os_accept(int lfd, char *peer, size_t peerlen)
{
	struct sockaddr_storage ss;
	int sl = sizeof(ss);
	SOCKET s = accept(sock_of(lfd), (struct sockaddr *)&ss, &sl);
	if (s == INVALID_SOCKET)
		return last_err();
	/* accept() copies the listener's attributes, inheritance included:
	 * make sure it is off. */
	SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
	format_sockaddr((struct sockaddr *)&ss, peer, peerlen);
	int e = p9_os_stream_prepare(fd_of(s));
	if (e < 0) {
		closesocket(s);
		return e;
	}
	return fd_of(s);
}

int p9_os_connect_tcp(const char *host, const char *port)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	int g = getaddrinfo(host, port, &hints, &res);
	if (g != 0)
		return g == EAI_MEMORY ? -ENOMEM : -ENXIO;
	/* Try every address the name has; report the last failure. */
	int r = -ECONNREFUSED;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		SOCKET s = new_socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (s == INVALID_SOCKET) {
			r = last_err();
			continue;
		}
		if (connect(s, ai->ai_addr, (int)ai->ai_addrlen) != 0) {
			r = last_err();
			closesocket(s);
			continue;
		}
		no_delay(s);
		r = fd_of(s);
		break;
	}
	freeaddrinfo(res);
	return r;
}

int p9_os_connect_unix(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	size_t n = strlen(path);
	if (n == 0)
		return -EINVAL;
	if (n >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, n);
	SOCKET s = new_socket(AF_UNIX, SOCK_STREAM, 0);
	if (s == INVALID_SOCKET)
		return last_err();
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		int e = last_err();
		closesocket(s);
		return e;
	}
	return fd_of(s);
}

int p9_os_stream_prepare(int fd)
{
	if (!p9_os_stream_is_socket(fd))
		return -ENOTSUP; /* pipes and consoles: WSAPoll cannot wait for them */
	int e = set_nonblocking(sock_of(fd));
	if (e < 0)
		return e;
	SetHandleInformation((HANDLE)sock_of(fd), HANDLE_FLAG_INHERIT, 0);
	no_delay(sock_of(fd)); /* fails harmlessly on AF_UNIX */
	return 1;
}

int p9_os_stream_is_socket(int fd)
{
	int type, tl = sizeof(type);
	return getsockopt(sock_of(fd), SOL_SOCKET, SO_TYPE, (char *)&type, &tl) == 0;
}

int p9_os_stream_is_unix(int fd)
{
	struct sockaddr_storage a;
	int al = sizeof(a);
	return getsockname(sock_of(fd), (struct sockaddr *)&a, &al) == 0 && a.ss_family == AF_UNIX;
}

int p9_os_stream_valid(int fd)
{
	return p9_os_stream_is_socket(fd) ? 0 : -EBADF;
}

/* A second SOCKET for the same connection, so that the poller can wait
 * for reading on one and writing on the other (see conn.c). */
int p9_os_stream_dup(int fd)
{
	WSAPROTOCOL_INFOW info;
	if (WSADuplicateSocketW(sock_of(fd), GetCurrentProcessId(), &info) != 0)
		return last_err();
	SOCKET s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0,
	                      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
	if (s == INVALID_SOCKET)
		return last_err();
	set_nonblocking(s);
	return fd_of(s);
}

int p9_os_stream_close(int fd)
{
	return closesocket(sock_of(fd)) != 0 ? last_err() : 0;
}

int p9_os_stream_shutdown(int fd)
{
	return shutdown(sock_of(fd), SD_BOTH) != 0 ? last_err() : 0;
}

ssize_t p9_os_stream_read(int fd, void *buf, size_t len)
{
	int n = recv(sock_of(fd), buf, len > INT_MAX ? INT_MAX : (int)len, 0);
	return n == SOCKET_ERROR ? last_err() : n;
}

ssize_t p9_os_stream_writev(int fd, const struct p9_iov *iov, int n, int is_socket)
{
	WSABUF bufs[64];
	DWORD sent = 0;
	(void)is_socket; /* every stream is a socket here */
	if (n > 64)
		n = 64; /* a short write: the caller sends the rest */
	for (int i = 0; i < n; i++) {
		bufs[i].buf = iov[i].base;
		bufs[i].len = iov[i].len > 0x7fffffffu ? 0x7fffffffu : (ULONG)iov[i].len;
	}
	if (WSASend(sock_of(fd), bufs, (DWORD)n, &sent, 0, NULL, NULL) != 0)
		return last_err();
	return (ssize_t)sent;
}

int p9_os_stream_wait(int fd, int for_write, int timeout_ms)
{
	WSAPOLLFD p = {.fd = sock_of(fd), .events = for_write ? POLLWRNORM : POLLRDNORM};
	int n = WSAPoll(&p, 1, timeout_ms < 0 ? -1 : timeout_ms);
	if (n > 0)
		return 0;
	if (n == 0)
		return -ETIMEDOUT;
	return last_err();
}
