/*
 * test_net.c: the sockets, poller and wake-ups of platform/net.h, on
 * whichever OS the build is for (POSIX on Linux, win32 under Wine).
 *
 * Plain C and TAP output, no cmocka, so the same program runs in the
 * Windows build. Every check states the exact value it wants; a failed
 * check prints what it got and the program exits non-zero. Checks that
 * need something the host lacks (IPv6 on the loopback, AF_UNIX under
 * Wine) print "ok N # SKIP" with the reason.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform/net.h"

static int failures, ntests;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("#   %s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);        \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
			return -1;                                                                 \
		}                                                                                  \
	} while (0)

static void run(const char *name, int (*fn)(void))
{
	int r = fn();
	ntests++;
	if (r < 0) {
		failures++;
		printf("not ok %d - %s\n", ntests, name);
	} else if (r > 0) {
		printf("ok %d - %s # SKIP %s\n", ntests, name,
		       r == 1 ? "no IPv6 loopback on this host" : "AF_UNIX not available here");
	} else {
		printf("ok %d - %s\n", ntests, name);
	}
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* The port of a bound "tcp:H:P" / "tcp:[H]:P" string. */
static const char *port_of(const char *bound)
{
	const char *c = strrchr(bound, ':');
	return c ? c + 1 : "";
}

/* Read exactly len bytes from a non-blocking stream. */
static int read_exact(int fd, void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = p9_os_stream_read(fd, (char *)buf + got, len - got);
		if (n == -EAGAIN) {
			if (p9_os_stream_wait(fd, 0, 5000) < 0)
				return -ETIMEDOUT;
			continue;
		}
		if (n <= 0)
			return n == 0 ? -ECONNRESET : (int)n;
		got += (size_t)n;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	struct p9_iov iov = {(void *)buf, len};
	while (iov.len > 0) {
		ssize_t n = p9_os_stream_writev(fd, &iov, 1, 1);
		if (n == -EAGAIN) {
			if (p9_os_stream_wait(fd, 1, 5000) < 0)
				return -ETIMEDOUT;
			continue;
		}
		if (n < 0)
			return (int)n;
		iov.base = (char *)iov.base + n;
		iov.len -= (size_t)n;
	}
	return 0;
}

/* A connected pair through a listener on host: *srv is the accepted,
 * non-blocking end, *cli the connecting end (made non-blocking too).
 * Returns 0, 1 when host cannot be listened on (no IPv6), or -1. */
static int tcp_pair(const char *host, int *srv, int *cli)
{
	char bound[96] = "";
	int l = p9_os_listen_tcp(host, "0", bound, sizeof(bound));
	if (l < 0 && strchr(host, ':') && (l == -EADDRNOTAVAIL || l == -EAFNOSUPPORT))
		return 1;
	CHECK(l >= 0, "listen on %s: %d", host, l);
	CHECK(strncmp(bound, "tcp:", 4) == 0 && strstr(bound, host) && atoi(port_of(bound)) > 0,
	      "bound %s", bound);
	char peer[64] = "";
	CHECK(p9_os_accept(l, peer, sizeof(peer)) == -EAGAIN, "accept before connect");
	*cli = p9_os_connect_tcp(host, port_of(bound));
	CHECK(*cli >= 0, "connect: %d", *cli);
	CHECK(p9_os_stream_wait(l, 0, 5000) == 0, "listener readable");
	*srv = p9_os_accept(l, peer, sizeof(peer));
	CHECK(*srv >= 0, "accept: %d", *srv);
	CHECK(strncmp(peer, "tcp:", 4) == 0 && strstr(peer, host), "peer %s", peer);
	CHECK(p9_os_stream_prepare(*cli) == 1, "prepare: a socket");
	CHECK(p9_os_stream_is_socket(*srv) == 1, "accepted is a socket");
	CHECK(p9_os_stream_close(l) == 0, "close listener");
	return 0;
}

static int roundtrip(const char *host)
{
	int s, c, r = tcp_pair(host, &s, &c);
	if (r != 0)
		return r;
	char buf[16] = "";
	CHECK(p9_os_stream_read(s, buf, sizeof(buf)) == -EAGAIN, "nothing yet");
	CHECK(write_all(c, "hello", 5) == 0, "client write");
	CHECK(read_exact(s, buf, 5) == 0 && memcmp(buf, "hello", 5) == 0, "got %.5s", buf);
	CHECK(write_all(s, "world!", 6) == 0, "server write");
	CHECK(read_exact(c, buf, 6) == 0 && memcmp(buf, "world!", 6) == 0, "got %.6s", buf);
	/* The peer's close reads as end of stream. */
	CHECK(p9_os_stream_close(c) == 0, "close client");
	CHECK(p9_os_stream_wait(s, 0, 5000) == 0, "readable at close");
	ssize_t n = p9_os_stream_read(s, buf, sizeof(buf));
	CHECK(n == 0 || n == -ECONNRESET, "read after peer close: %d", (int)n);
	CHECK(p9_os_stream_close(s) == 0, "close server");
	return 0;
}

static int tcp4_roundtrip(void)
{
	return roundtrip("127.0.0.1");
}

static int tcp6_roundtrip(void)
{
	return roundtrip("::1");
}

static int errors_are_linux_errnos(void)
{
	char bound[96];
	int l = p9_os_listen_tcp("127.0.0.1", "0", bound, sizeof(bound));
	CHECK(l >= 0, "listen: %d", l);
	char again[96];
	int l2 = p9_os_listen_tcp("127.0.0.1", port_of(bound), again, sizeof(again));
	CHECK(l2 == -EADDRINUSE, "second listen on %s: %d, want %d", bound, l2, -EADDRINUSE);
	CHECK(p9_os_stream_close(l) == 0, "close");
	/* Nobody listens there any more. */
	int c = p9_os_connect_tcp("127.0.0.1", port_of(bound));
	CHECK(c == -ECONNREFUSED, "connect to a closed port: %d, want %d", c, -ECONNREFUSED);
	CHECK(p9_os_connect_tcp("no-such-host.invalid", "564") == -ENXIO, "unresolvable host");
	CHECK(p9_os_listen_tcp("no-such-host.invalid", "0", bound, sizeof(bound)) == -ENXIO,
	      "unresolvable listen host");
	CHECK(p9_os_stream_valid(l) == -EBADF, "a closed stream is not valid");
	return 0;
}

enum { TAG_A = 1, TAG_B = 2, TAG_WAKE = 3 };

static int poller_one_shot(void)
{
	struct p9_os_poll *p;
	struct p9_os_poll_event ev[8];
	int s, c;
	CHECK(p9_os_poll_new(&p) == 0, "poll_new");
	CHECK(tcp_pair("127.0.0.1", &s, &c) == 0, "pair");
	CHECK(p9_os_poll_add(p, s, P9_OS_POLL_IN, (void *)(uintptr_t)TAG_A) == 0, "add");
	CHECK(p9_os_poll_wait(p, ev, 8, 0) == 0, "no event before data");
	CHECK(write_all(c, "x", 1) == 0, "write");
	int n = p9_os_poll_wait(p, ev, 8, 5000);
	CHECK(n == 1 && ev[0].data == (void *)(uintptr_t)TAG_A && (ev[0].events & P9_OS_POLL_IN),
	      "n=%d data=%p events=%x", n, n > 0 ? ev[0].data : NULL, n > 0 ? ev[0].events : 0);
	/* One-shot: still readable, but not reported until re-armed. */
	CHECK(write_all(c, "y", 1) == 0, "write");
	CHECK(p9_os_poll_wait(p, ev, 8, 200) == 0, "disarmed after delivery");
	CHECK(p9_os_poll_arm(p, s, P9_OS_POLL_IN, (void *)(uintptr_t)TAG_B) == 0, "re-arm");
	n = p9_os_poll_wait(p, ev, 8, 5000);
	CHECK(n == 1 && ev[0].data == (void *)(uintptr_t)TAG_B, "re-armed with new data: n=%d", n);
	char buf[2];
	CHECK(read_exact(s, buf, 2) == 0 && memcmp(buf, "xy", 2) == 0, "bytes");
	/* Armed with nothing to read: quiet; a removed stream never reports. */
	CHECK(p9_os_poll_arm(p, s, P9_OS_POLL_IN, (void *)(uintptr_t)TAG_A) == 0, "re-arm");
	CHECK(p9_os_poll_wait(p, ev, 8, 100) == 0, "nothing to read");
	CHECK(p9_os_poll_del(p, s) == 0, "del");
	CHECK(write_all(c, "z", 1) == 0, "write");
	CHECK(p9_os_poll_wait(p, ev, 8, 200) == 0, "removed");
	p9_os_poll_free(p);
	p9_os_stream_close(s);
	p9_os_stream_close(c);
	return 0;
}

/* conn.c's arrangement: read events on the socket, write events on a
 * dup of it, each with its own registration. */
static int poller_dup_read_and_write(void)
{
	struct p9_os_poll *p;
	struct p9_os_poll_event ev[8];
	int s, c;
	CHECK(p9_os_poll_new(&p) == 0, "poll_new");
	CHECK(tcp_pair("127.0.0.1", &s, &c) == 0, "pair");
	int w = p9_os_stream_dup(s);
	CHECK(w >= 0 && w != s, "dup: %d", w);
	CHECK(p9_os_poll_add(p, s, P9_OS_POLL_IN, (void *)(uintptr_t)TAG_A) == 0, "add read");
	CHECK(p9_os_poll_add(p, w, P9_OS_POLL_OUT, (void *)(uintptr_t)TAG_B) == 0, "add write");
	int n = p9_os_poll_wait(p, ev, 8, 5000);
	CHECK(n == 1 && ev[0].data == (void *)(uintptr_t)TAG_B && (ev[0].events & P9_OS_POLL_OUT),
	      "only the write side is ready: n=%d", n);
	CHECK(write_all(w, "via dup", 7) == 0, "write on the dup");
	char buf[8];
	CHECK(read_exact(c, buf, 7) == 0 && memcmp(buf, "via dup", 7) == 0, "bytes");
	CHECK(write_all(c, "r", 1) == 0, "write");
	n = p9_os_poll_wait(p, ev, 8, 5000);
	CHECK(n == 1 && ev[0].data == (void *)(uintptr_t)TAG_A, "read side: n=%d", n);
	CHECK(p9_os_poll_del(p, w) == 0 && p9_os_stream_close(w) == 0, "close the dup");
	CHECK(write_all(s, "still", 5) == 0, "the original still works");
	CHECK(read_exact(c, buf, 5) == 0 && memcmp(buf, "still", 5) == 0, "bytes");
	p9_os_poll_free(p);
	p9_os_stream_close(s);
	p9_os_stream_close(c);
	return 0;
}

struct waiter {
	struct p9_os_poll *p;
	int n;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	struct p9_os_poll_event ev[8];
	w->n = p9_os_poll_wait(w->p, ev, 8, 1500);
	return NULL;
}

/* Two threads wait; one event arrives: exactly one of them gets it. */
static int poller_one_waiter_per_event(void)
{
	struct p9_os_poll *p;
	int s, c;
	CHECK(p9_os_poll_new(&p) == 0, "poll_new");
	CHECK(tcp_pair("127.0.0.1", &s, &c) == 0, "pair");
	CHECK(p9_os_poll_add(p, s, P9_OS_POLL_IN, (void *)(uintptr_t)TAG_A) == 0, "add");
	struct waiter w1 = {p, -1}, w2 = {p, -1};
	pthread_t t1, t2;
	pthread_create(&t1, NULL, wait_thread, &w1);
	pthread_create(&t2, NULL, wait_thread, &w2);
	sleep_ms(100);
	CHECK(write_all(c, "1", 1) == 0, "write");
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	CHECK(w1.n + w2.n == 1 && w1.n >= 0 && w2.n >= 0, "events %d + %d, want 1", w1.n, w2.n);
	p9_os_poll_free(p);
	p9_os_stream_close(s);
	p9_os_stream_close(c);
	return 0;
}

struct later {
	struct p9_os_wake *w;
	struct p9_os_poll *p;
	int fd;
	int ms;
};

static void *signal_later(void *arg)
{
	struct later *l = arg;
	sleep_ms(l->ms);
	if (l->w)
		p9_os_wake_signal(l->w);
	else
		p9_os_poll_arm(l->p, l->fd, P9_OS_POLL_IN, (void *)(uintptr_t)TAG_B);
	return NULL;
}

static int wake_from_another_thread(void)
{
	struct p9_os_poll *p;
	struct p9_os_wake w;
	struct p9_os_poll_event ev[8];
	CHECK(p9_os_poll_new(&p) == 0, "poll_new");
	CHECK(p9_os_wake_init(&w) == 0, "wake_init");
	CHECK(p9_os_poll_add(p, w.rfd, P9_OS_POLL_IN, (void *)(uintptr_t)TAG_WAKE) == 0, "add");
	CHECK(p9_os_poll_wait(p, ev, 8, 50) == 0, "quiet before the signal");
	struct later l = {&w, NULL, -1, 100};
	pthread_t t;
	pthread_create(&t, NULL, signal_later, &l);
	int n = p9_os_poll_wait(p, ev, 8, 5000);
	pthread_join(t, NULL);
	CHECK(n == 1 && ev[0].data == (void *)(uintptr_t)TAG_WAKE, "woken: n=%d", n);
	/* Several signals, one drain: quiet again once re-armed. */
	p9_os_wake_signal(&w);
	p9_os_wake_signal(&w);
	p9_os_wake_drain(&w);
	CHECK(p9_os_poll_arm(p, w.rfd, P9_OS_POLL_IN, (void *)(uintptr_t)TAG_WAKE) == 0, "re-arm");
	CHECK(p9_os_poll_wait(p, ev, 8, 100) == 0, "drained");
	/* A level registration (the stop event) stays readable for everyone. */
	struct p9_os_wake stop;
	CHECK(p9_os_wake_init(&stop) == 0, "stop init");
	CHECK(p9_os_poll_add(p, stop.rfd, P9_OS_POLL_IN | P9_OS_POLL_LEVEL,
	                     (void *)(uintptr_t)TAG_A) == 0,
	      "add level");
	p9_os_wake_signal(&stop);
	for (int i = 0; i < 3; i++) {
		n = p9_os_poll_wait(p, ev, 8, 5000);
		CHECK(n == 1 && ev[0].data == (void *)(uintptr_t)TAG_A, "level, round %d: n=%d", i,
		      n);
	}
	CHECK(p9_os_stream_wait(stop.rfd, 0, 0) == 0, "stop readable to a plain wait");
	p9_os_poll_del(p, stop.rfd);
	p9_os_wake_close(&stop);
	p9_os_wake_close(&w);
	p9_os_poll_free(p);
	return 0;
}

/* A registration armed by another thread while a waiter is already
 * inside the poller is seen by that waiter. */
static int arm_while_waiting(void)
{
	struct p9_os_poll *p;
	struct p9_os_poll_event ev[8];
	int s, c;
	CHECK(p9_os_poll_new(&p) == 0, "poll_new");
	CHECK(tcp_pair("127.0.0.1", &s, &c) == 0, "pair");
	CHECK(write_all(c, "ready", 5) == 0, "data waits already");
	CHECK(p9_os_poll_add(p, s, P9_OS_POLL_IN, (void *)(uintptr_t)TAG_A) == 0, "add");
	CHECK(p9_os_poll_wait(p, ev, 8, 5000) == 1, "first delivery disarms");
	struct later l = {NULL, p, s, 100};
	pthread_t t;
	pthread_create(&t, NULL, signal_later, &l);
	int n = p9_os_poll_wait(p, ev, 8, 5000);
	pthread_join(t, NULL);
	CHECK(n == 1 && ev[0].data == (void *)(uintptr_t)TAG_B, "armed meanwhile: n=%d", n);
	p9_os_poll_free(p);
	p9_os_stream_close(s);
	p9_os_stream_close(c);
	return 0;
}

/* Three buffers in one gathered write arrive as exactly their bytes, in
 * order, short writes resumed where they stopped. */
static int writev_three_buffers(void)
{
	static uint8_t a[7], b[65536 + 13], d[131072], want[sizeof(a) + sizeof(b) + sizeof(d)],
	        got[sizeof(want)];
	size_t total = sizeof(want), sent = 0, recvd = 0;
	int s, c, calls = 0;
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (uint8_t)(0xA0 + i);
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i * 13 + (i >> 8));
	memcpy(want, a, sizeof(a));
	memcpy(want + sizeof(a), b, sizeof(b));
	memcpy(want + sizeof(a) + sizeof(b), d, sizeof(d));
	CHECK(tcp_pair("127.0.0.1", &s, &c) == 0, "pair");
	while (recvd < total) {
		if (sent < total) {
			struct p9_iov iov[3] = {{a, sizeof(a)}, {b, sizeof(b)}, {d, sizeof(d)}};
			size_t skip = sent;
			int i = 0;
			while (skip >= iov[i].len) {
				skip -= iov[i].len;
				i++;
			}
			iov[i].base = (uint8_t *)iov[i].base + skip;
			iov[i].len -= skip;
			ssize_t w = p9_os_stream_writev(s, iov + i, 3 - i, 1);
			CHECK(w > 0 || w == -EAGAIN, "writev: %d", (int)w);
			if (w > 0) {
				sent += (size_t)w;
				calls++;
			}
		}
		ssize_t r = p9_os_stream_read(c, got + recvd, total - recvd);
		CHECK(r > 0 || r == -EAGAIN, "read: %d", (int)r);
		if (r > 0)
			recvd += (size_t)r;
		else if (sent == total)
			CHECK(p9_os_stream_wait(c, 0, 5000) == 0, "wait for the rest");
	}
	CHECK(sent == total && recvd == total, "sent %zu recvd %zu", sent, recvd);
	CHECK(memcmp(got, want, total) == 0, "the bytes differ");
	CHECK(calls >= 1, "calls %d", calls);
	printf("# %zu bytes in %d writev calls\n", total, calls);
	p9_os_stream_close(s);
	p9_os_stream_close(c);
	return 0;
}

static int unix_socket(void)
{
	const char *path = "p9-test-net.sock";
	char bound[160];
	int l = p9_os_listen_unix(path, bound, sizeof(bound));
	if (l == -EAFNOSUPPORT)
		return 2;
	CHECK(l >= 0, "listen: %d", l);
	CHECK(strcmp(bound, "unix:p9-test-net.sock") == 0, "bound %s", bound);
	int c = p9_os_connect_unix(path);
	CHECK(c >= 0, "connect: %d", c);
	char peer[64];
	CHECK(p9_os_stream_wait(l, 0, 5000) == 0, "readable");
	int s = p9_os_accept(l, peer, sizeof(peer));
	CHECK(s >= 0 && strcmp(peer, "unix") == 0, "accept %d %s", s, peer);
	CHECK(write_all(c, "unix!", 5) == 0, "write");
	char buf[5];
	CHECK(read_exact(s, buf, 5) == 0 && memcmp(buf, "unix!", 5) == 0, "bytes");
	p9_os_stream_close(s);
	p9_os_stream_close(c);
	p9_os_stream_close(l);
	/* A stale socket file is replaced by the next listener. */
	l = p9_os_listen_unix(path, bound, sizeof(bound));
	CHECK(l >= 0, "listen again over the stale socket: %d", l);
	p9_os_stream_close(l);
	p9_os_unix_remove(path);
	CHECK(p9_os_connect_unix(path) < 0, "removed");
	CHECK(p9_os_connect_unix("") == -EINVAL, "empty path");
	return 0;
}

static int user_database(void)
{
	uint32_t id = 12345;
	char name[64] = "";
	CHECK(p9_os_userdb(P9_OS_USER_BY_NAME, "root", 0, &id, NULL, 0) == 1 && id == 0,
	      "root is uid %u", id);
	CHECK(p9_os_userdb(P9_OS_USER_BY_ID, NULL, 0, NULL, name, sizeof(name)) == 1 &&
	              strcmp(name, "root") == 0,
	      "uid 0 is %s", name);
	CHECK(p9_os_userdb(P9_OS_USER_BY_NAME, "no-such-user-p9d", 0, &id, NULL, 0) == 0,
	      "unknown user");
	CHECK(p9_os_userdb(P9_OS_USER_BY_ID, NULL, 0, NULL, name, 2) == 0, "name too long for out");
	CHECK(p9_os_ncpu() >= 1, "ncpu");
	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("TAP version 13\n1..11\n");
	if (p9_os_net_init() < 0 || p9_os_net_init() < 0) {
		printf("Bail out! net_init\n");
		return 1;
	}
	p9_os_no_sigpipe();
	run("tcp4_listen_connect_send_recv", tcp4_roundtrip);
	run("tcp6_listen_connect_send_recv", tcp6_roundtrip);
	run("errors_are_linux_errnos", errors_are_linux_errnos);
	run("poller_one_shot_rearm_del", poller_one_shot);
	run("poller_dup_read_and_write", poller_dup_read_and_write);
	run("poller_one_waiter_per_event", poller_one_waiter_per_event);
	run("wake_from_another_thread", wake_from_another_thread);
	run("arm_while_waiting", arm_while_waiting);
	run("writev_three_buffers_exact_bytes", writev_three_buffers);
	run("unix_socket", unix_socket);
	run("user_database", user_database);
	return failures ? 1 : 0;
}
