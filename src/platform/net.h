/*
 * net.h: sockets, the event loop, wake-ups, stopping and the user
 * database: the rest of the operating system the server, the client and
 * the commands see (platform.h has the file system).
 *
 * One file per purpose in each OS's directory, the same functions in the
 * same order: net.c (sockets and streams), poll.c (readiness and
 * wake-ups), proc.c (the process: CPUs, signals, users).
 *
 * Conventions are platform.h's: >= 0 or a negative Linux errno. A stream
 * is a small int on every OS: a descriptor on POSIX (a socket, or a pipe
 * or tty for fd: transports), a SOCKET value on Windows (kernel handle
 * values fit in 32 bits). Streams are only ever passed to the functions
 * here, never to platform.h's file calls.
 *
 * The server's hot path (p9_os_stream_read, p9_os_stream_writev,
 * p9_os_poll_arm, p9_os_poll_wait) is one direct call into the system
 * call on POSIX: no allocation, no extra system call.
 */
#ifndef P9_PLATFORM_NET_H
#define P9_PLATFORM_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* One buffer of a gathered write. Same layout as POSIX struct iovec
 * (checked in posix/net.c), so POSIX passes it through untouched. */
struct p9_iov {
	void *base;
	size_t len;
};

/* --- sockets and streams (net.c) --- */
int p9_os_net_init(void); /* once per process before any other call here; idempotent */
/* Listen (non-blocking, not inherited by children) on host:port (host ""
 * means every address; port "0" picks one) or on a unix socket path (a
 * stale socket file there is replaced). `bound` gets the address actually
 * bound, as "tcp:H:P", "tcp:[H]:P" or "unix:PATH". */
int p9_os_listen_tcp(const char *host, const char *port, char *bound, size_t boundlen);
int p9_os_listen_unix(const char *path, char *bound, size_t boundlen);
void p9_os_unix_remove(const char *path); /* the socket file, at exit */
/* A waiting connection, non-blocking and ready to serve (TCP_NODELAY);
 * -EAGAIN when none waits. `peer` gets a printable address. Out of
 * descriptors: -ECONNABORTED when a waiting connection was hung up on
 * (POSIX keeps a spare descriptor for that, so the listener does not stay
 * readable and spin), -EMFILE when even that was not possible. */
int p9_os_accept(int lfd, char *peer, size_t peerlen);
/* Connect (blocking streams, TCP_NODELAY). -ENXIO: host does not resolve. */
int p9_os_connect_tcp(const char *host, const char *port);
int p9_os_connect_unix(const char *path);
/* Make an inherited or accepted stream non-blocking. 1: a socket; 0: not
 * a socket (pipe, tty); <0: unusable (Windows takes only sockets). */
int p9_os_stream_prepare(int fd);
int p9_os_stream_is_socket(int fd); /* 1 or 0, changes nothing */
int p9_os_stream_is_unix(int fd);   /* 1: a Unix-domain socket, else 0 */
int p9_os_stream_valid(int fd);     /* 0 if fd is an open stream, else -EBADF */
int p9_os_stream_dup(int fd);       /* a second stream on the same socket */
int p9_os_stream_close(int fd);
/* End both directions of a socket now (other handles on it included):
 * a read event armed on it fires and the read sees the end. */
int p9_os_stream_shutdown(int fd);
ssize_t p9_os_stream_read(int fd, void *buf, size_t len); /* 0 at end; -EAGAIN */
/* Gathered write; never raises SIGPIPE. -EAGAIN when nothing fits. */
ssize_t p9_os_stream_writev(int fd, const struct p9_iov *iov, int n, int is_socket);
/* Wait until fd is readable (for_write 0) or writable: 0, -ETIMEDOUT
 * (timeout_ms < 0: forever). A signal does not end the wait early. */
int p9_os_stream_wait(int fd, int for_write, int timeout_ms);

/* --- readiness and wake-ups (poll.c) --- */
/* A poller that many threads may wait in at once. Registrations are
 * one-shot: once a stream's event is delivered (to one waiter), it
 * reports nothing more until re-armed with p9_os_poll_arm, so exactly one
 * thread handles a stream at a time. P9_OS_POLL_LEVEL registrations stay
 * armed and wake every waiter (the stop event). */
#define P9_OS_POLL_IN 0x1u  /* readable, or the peer has gone */
#define P9_OS_POLL_OUT 0x4u /* writable */
#define P9_OS_POLL_LEVEL 0x100u
struct p9_os_poll_event {
	uint32_t events;
	void *data;
};
struct p9_os_poll;
int p9_os_poll_new(struct p9_os_poll **out);
void p9_os_poll_free(struct p9_os_poll *p);
int p9_os_poll_add(struct p9_os_poll *p, int fd, uint32_t events, void *data);
int p9_os_poll_arm(struct p9_os_poll *p, int fd, uint32_t events, void *data); /* re-arm */
int p9_os_poll_del(struct p9_os_poll *p, int fd); /* before closing fd */
/* Up to max events (max <= 64); timeout_ms < 0 waits forever. Returns the
 * count, 0 on timeout or interruption. */
int p9_os_poll_wait(struct p9_os_poll *p, struct p9_os_poll_event *ev, int max, int timeout_ms);

/* A wake-up: rfd (registered in a poller, or waited on with
 * p9_os_stream_wait) turns readable after p9_os_wake_signal, from any
 * thread, and stays so until p9_os_wake_drain. POSIX: one eventfd
 * (rfd == wfd); Windows: a connected loopback socket pair. */
struct p9_os_wake {
	int rfd, wfd;
};
int p9_os_wake_init(struct p9_os_wake *w);
void p9_os_wake_signal(struct p9_os_wake *w);
void p9_os_wake_drain(struct p9_os_wake *w);
void p9_os_wake_close(struct p9_os_wake *w);

/* --- the process (proc.c) --- */
unsigned p9_os_ncpu(void); /* online CPUs, at least 1 */
/* Writes to a stream whose peer is gone fail with -EPIPE instead of
 * killing the process (SIGPIPE ignored; nothing to do on Windows). */
void p9_os_no_sigpipe(void);
/* Call fn (async-signal-safe work only) when the user asks the process to
 * stop: SIGINT/SIGTERM, or Ctrl-C/Ctrl-Break/console close on Windows. */
int p9_os_on_stop(void (*fn)(void));
/* The server's own uid and gid (the client's default identity). */
uint32_t p9_os_self_uid(void);
uint32_t p9_os_self_gid(void);
/* The host's user database. Look up a name (into *id) or an id (its name
 * into out[cap]). Returns 1 found, 0 not found, or a negative errno.
 * Windows has no uids: "root" is 0, "nobody"/"nogroup" 65534, nothing
 * else is found (ids then show as numbers). */
enum { P9_OS_USER_BY_NAME, P9_OS_USER_BY_ID, P9_OS_GROUP_BY_NAME, P9_OS_GROUP_BY_ID };
int p9_os_userdb(int kind, const char *name, uint32_t id, uint32_t *id_out, char *out, size_t cap);

/* --- local files and standard streams: the CLI's files, the log (proc.c) --- */
/* Files the user names on the p9 command line (the user's own input,
 * never a client's), moved as raw bytes: no text-mode translation on
 * Windows. Opening for reading gives the file's permission bits in *mode;
 * for writing creates (0666 before the umask) or truncates. */
int p9_os_local_open(const char *path, int write, uint32_t *mode);
int p9_os_local_std(int write);                          /* stdin (0) or stdout (1), made binary */
ssize_t p9_os_local_read(int fd, void *buf, size_t len); /* 0 at the end */
ssize_t p9_os_local_write(int fd, const void *buf, size_t len); /* some bytes */
int p9_os_local_close(int fd);
int p9_os_local_is_terminal(int fd);
int p9_os_localtime(int64_t sec, struct tm *out); /* 0, or -EOVERFLOW */

#endif
