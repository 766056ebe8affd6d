/*
 * transport.h: byte streams between a client and the server.
 *
 * Addresses are strings: "tcp:HOST:PORT" (IPv4, "[v6]" or a host name),
 * "unix:PATH", "fd:N" or "fd:R,W" (an already-connected stream such as
 * stdin/stdout or a socket handed over by a service manager).
 * Every transport ends as a pair of non-blocking streams read and written
 * with p9_os_stream_read / p9_os_stream_writev (platform/net.h), so the
 * server core does not care which one it serves.
 */
#ifndef P9_TRANSPORT_H
#define P9_TRANSPORT_H

#include <stddef.h>

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

#endif
