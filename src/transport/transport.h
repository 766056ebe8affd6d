/*
 * transport.h: byte streams between a client and the server.
 *
 * Addresses are strings: "tcp:HOST:PORT" (IPv4, "[v6]" or a host name),
 * "unix:PATH", "fd:N" or "fd:R,W" (an already-connected stream such as
 * stdin/stdout or a socket handed over by a service manager).
 * Every transport ends as a pair of non-blocking descriptors read and
 * written with p9__stream_read / p9__stream_writev, so the server core
 * does not care which one it serves.
 */
#ifndef P9_TRANSPORT_H
#define P9_TRANSPORT_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

enum p9_addr_kind { P9_ADDR_TCP, P9_ADDR_UNIX, P9_ADDR_FD };

struct p9_addr {
	enum p9_addr_kind kind;
	char host[256]; /* tcp: without brackets */
	char port[16];
	char path[108]; /* unix */
	int rfd, wfd; /* fd */
};

/* Parse addr; returns 0 or -EINVAL with *err set. */
int p9__addr_parse(const char *addr, struct p9_addr *out, const char **err);

/* Open a listening socket for a tcp: or unix: address (non-blocking,
 * close-on-exec). `bound` gets the address actually bound (port 0 is
 * resolved). Returns the fd or a negative errno with *err set. */
int p9__listen(const struct p9_addr *a, char *bound, size_t boundlen, const char **err);

/* Accept one connection (non-blocking); -EAGAIN when none is waiting.
 * `peer` gets a printable peer address. */
int p9__accept(int lfd, char *peer, size_t peerlen);

/* Make an inherited or accepted descriptor ready for the server. Returns
 * 1 if it is a socket, 0 if not (a pipe or a tty), or a negative errno. */
int p9__stream_prepare(int fd);

ssize_t p9__stream_read(int fd, void *buf, size_t len);
ssize_t p9__stream_writev(int fd, const struct iovec *iov, int n, int is_socket);

#endif
