/*
 * dial.h: the client's only contact with the operating system's sockets
 * and descriptors. dial.c implements it for POSIX; a Windows port swaps in
 * its own file with the same functions, and nothing else changes.
 *
 * A connection is a pair of descriptors (the same one twice for a socket)
 * that the client owns from p9__conn_dial until p9__conn_close. The read
 * and write calls move whole buffers and are not thread-safe on their own:
 * rpc.c lets one reader and one writer in at a time.
 */
#ifndef P9_CLIENT_DIAL_H
#define P9_CLIENT_DIAL_H

#include <stddef.h>

struct p9__conn {
	int rfd, wfd;
	int wsock; /* wfd is a socket: write with MSG_NOSIGNAL */
};

/* Parse addr ("tcp:HOST:PORT", "unix:PATH", "fd:N", "fd:R,W") and connect.
 * Returns 0 or a negative errno (-EINVAL: malformed address, -ENXIO: host
 * name does not resolve). */
int p9__conn_dial(const char *addr, struct p9__conn *cn);

/* Close both descriptors (once, when they are the same). */
void p9__conn_close(struct p9__conn *cn);

/* Read exactly len bytes. timeout_ms (< 0: forever) bounds only the wait
 * for the first byte, so a timeout never splits a message; returns 0,
 * -ETIMEDOUT (nothing consumed), -ECONNRESET at end of stream, or another
 * negative errno. */
int p9__conn_read(struct p9__conn *cn, void *buf, size_t len, int timeout_ms);

/* Write exactly len bytes. Returns 0 or a negative errno (-EPIPE when the
 * peer is gone). */
int p9__conn_write(struct p9__conn *cn, const void *buf, size_t len);

#endif
