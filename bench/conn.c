/*
 * conn.c: one benchmark connection: the socket, the client-library setup
 * over it, and the pipelined loop that keeps D tagged requests in flight.
 *
 * The socket is ours; the client library gets a dup of it ("fd:N") and is
 * used only before the loop starts, while nothing of ours is in flight,
 * so the two never read the stream at the same time.
 *
 * The loop: send what is queued without blocking; then, if anything is
 * still queued, wait for either direction (a server that stops reading
 * requests while its replies fill our socket must not deadlock us);
 * otherwise block in recv. Every reply is checked (size within msize, tag
 * of a slot with a request in flight, unpacks, expected type or Rlerror)
 * before the workload sees it; a reply that fails those checks ends the
 * connection, since the stream can no longer be trusted.
 *
 * Sends never copy payload: a request is packed into its slot's header
 * buffer, and a Twrite's data is a second iovec pointing at the pattern.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* How long the server may stay silent while we wait for replies: in the
 * run, and after the window (when the replies still owed are all that is
 * left, so a server that lost one is named sooner). */
#define STALL_NS (10ull * 1000000000ull)
#define DRAIN_NS (2ull * 1000000000ull)

uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void bconn_fail(struct bconn *c, int err, const char *fmt, ...)
{
	if (c->fatal)
		return;
	c->fatal = err < 0 ? err : -EPROTO;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->fatal_msg, sizeof(c->fatal_msg), fmt, ap);
	va_end(ap);
}

static int dial_tcp(const char *hostport)
{
	char buf[256];
	if (strlen(hostport) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, hostport);
	char *host = buf, *port;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close || close[1] != ':')
			return -EINVAL;
		*close = '\0';
		host = buf + 1;
		port = close + 2;
	} else {
		char *colon = strrchr(buf, ':');
		if (!colon)
			return -EINVAL;
		*colon = '\0';
		port = colon + 1;
	}
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -ENXIO;
	int r = -ECONNREFUSED;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			r = -errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			r = -errno;
			close(fd);
			continue;
		}
		/* As the Linux client does: small requests go out at once. */
		int one = 1;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		r = fd;
		break;
	}
	freeaddrinfo(res);
	return r;
}

static int dial_unix(const char *path)
{
	struct sockaddr_un sun;
	if (strlen(path) == 0 || strlen(path) >= sizeof(sun.sun_path))
		return -EINVAL;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

static int dial(const char *addr)
{
	if (strncmp(addr, "tcp:", 4) == 0)
		return dial_tcp(addr + 4);
	if (strncmp(addr, "unix:", 5) == 0)
		return dial_unix(addr + 5);
	return -EINVAL;
}

int bconn_open(struct bconn *c, const struct bench_opts *o)
{
	c->fd = dial(o->addr);
	if (c->fd < 0) {
		bconn_fail(c, c->fd, "connect %s: %s", o->addr, strerror(-c->fd));
		return c->fd;
	}
	int dupfd = fcntl(c->fd, F_DUPFD_CLOEXEC, 0);
	if (dupfd < 0) {
		bconn_fail(c, -errno, "dup: %s", strerror(errno));
		return c->fatal;
	}
	char a[32];
	snprintf(a, sizeof(a), "fd:%d", dupfd);
	int r = p9_client_dial(a, &c->cl);
	if (r < 0) {
		close(dupfd);
		bconn_fail(c, r, "client: %s", strerror(-r));
		return r;
	}
	r = p9_client_version(c->cl, o->msize, "9P2000.L");
	if (r < 0) {
		bconn_fail(c, r, "Tversion: %s", strerror(-r));
		return r;
	}
	c->msize = p9_client_msize(c->cl);
	r = p9_client_attach(c->cl, o->uname, o->aname, o->uid, &c->root, NULL);
	if (r < 0) {
		bconn_fail(c, r, "Tattach aname '%s': %s", o->aname, strerror(-r));
		return r;
	}

	c->nslots = o->depth;
	c->slots = calloc((size_t)c->nslots, sizeof(*c->slots));
	c->iovcap = 4 * c->nslots + 8;
	c->iov = calloc((size_t)c->iovcap, sizeof(*c->iov));
	/* Room for several full-size replies, so the partial one at the end
	 * of a read is moved to the front only now and then. */
	c->rcap = 4 * (size_t)c->msize + 65536;
	c->rbuf = malloc(c->rcap);
	if (!c->slots || !c->iov || !c->rbuf) {
		bconn_fail(c, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	for (int i = 0; i < c->nslots; i++)
		c->slots[i].tag = (uint16_t)i;
	r = wl_prepare(c, o);
	if (r < 0 && !c->fatal)
		bconn_fail(c, r, "prepare: %s", strerror(-r));
	return r;
}

void bconn_close(struct bconn *c)
{
	p9_client_free(c->cl);
	c->cl = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->slots);
	free(c->iov);
	free(c->rbuf);
	c->slots = NULL;
	c->iov = NULL;
	c->rbuf = NULL;
}

static void push_iov(struct bconn *c, const void *p, size_t len)
{
	if (c->niov == c->iovcap) {
		int ncap = c->iovcap * 2;
		struct iovec *n = realloc(c->iov, (size_t)ncap * sizeof(*n));
		if (!n) {
			bconn_fail(c, -ENOMEM, "out of memory");
			return;
		}
		c->iov = n;
		c->iovcap = ncap;
	}
	c->iov[c->niov].iov_base = (void *)p;
	c->iov[c->niov].iov_len = len;
	c->niov++;
}

void bconn_send(struct bconn *c, struct slot *s, struct p9_fcall *fc, uint8_t rtype,
                const uint8_t *data)
{
	fc->tag = s->tag;
	size_t n;
	if (data) {
		/* Pack the header alone, then patch size and count: the
		 * payload goes out from data as a second iovec. */
		uint32_t count = fc->u.twrite.count;
		fc->u.twrite.count = 0;
		fc->u.twrite.data = s->hdr + 23;
		n = p9_pack(s->hdr, sizeof(s->hdr), P9_DIALECT_2000L, fc);
		if (n != 23) {
			bconn_fail(c, -EPROTO, "Twrite header packed to %zu bytes", n);
			return;
		}
		p9_put_u32(s->hdr, (uint32_t)n + count);
		p9_put_u32(s->hdr + 19, count);
		push_iov(c, s->hdr, n);
		push_iov(c, data, count);
	} else {
		n = p9_pack(s->hdr, sizeof(s->hdr), P9_DIALECT_2000L, fc);
		if (n == 0) {
			bconn_fail(c, -EMSGSIZE, "%s does not pack", p9_msg_name(fc->type));
			return;
		}
		push_iov(c, s->hdr, n);
	}
	s->expect = rtype;
	s->asked = fc->type;
	c->inflight++;
}

/* Send what is queued until done or the socket is full. */
static void flush(struct bconn *c)
{
	int head = 0;
	while (head < c->niov) {
		struct msghdr m;
		memset(&m, 0, sizeof(m));
		m.msg_iov = c->iov + head;
		int cnt = c->niov - head;
		m.msg_iovlen = (size_t)(cnt > IOV_MAX ? IOV_MAX : cnt);
		ssize_t n = sendmsg(c->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			bconn_fail(c, -errno, "send: %s", strerror(errno));
			return;
		}
		size_t left = (size_t)n;
		while (head < c->niov && left >= c->iov[head].iov_len) {
			left -= c->iov[head].iov_len;
			head++;
		}
		if (left > 0) {
			c->iov[head].iov_base = (uint8_t *)c->iov[head].iov_base + left;
			c->iov[head].iov_len -= left;
		}
	}
	if (head > 0) {
		memmove(c->iov, c->iov + head, (size_t)(c->niov - head) * sizeof(*c->iov));
		c->niov -= head;
	}
}

/* Check and hand on every whole reply in the receive buffer. */
static void parse(struct bconn *c)
{
	int measuring = atomic_load_explicit(&bench_phase, memory_order_relaxed) == PHASE_MEASURE;
	while (!c->fatal && c->rlen - c->rpos >= 4) {
		const uint8_t *m = c->rbuf + c->rpos;
		uint32_t size = p9_get_u32(m);
		if (size < P9_HDRSZ || size > c->msize) {
			bconn_fail(c, -EPROTO, "reply size %u outside [7, msize %u]", size,
			           c->msize);
			return;
		}
		if (c->rlen - c->rpos < size)
			break;
		uint16_t tag = p9_get_u16(m + 5);
		if (tag >= c->nslots || c->slots[tag].expect == 0) {
			bconn_fail(c, -EPROTO, "%s with tag %u, which is not in flight",
			           p9_msg_name(m[4]), tag);
			return;
		}
		struct slot *s = &c->slots[tag];
		struct p9_fcall rx;
		if (p9_unpack(m, size, P9_DIALECT_2000L, &rx) < 0) {
			bconn_fail(c, -EPROTO, "%s (tag %u, %u bytes) does not unpack",
			           p9_msg_name(m[4]), tag, size);
			return;
		}
		if (rx.type != s->expect && rx.type != P9_RLERROR) {
			bconn_fail(c, -EPROTO, "%s where %s was expected (tag %u)",
			           p9_msg_name(rx.type), p9_msg_name(s->expect), tag);
			return;
		}
		s->expect = 0;
		c->inflight--;
		if (measuring)
			c->msgs++;
		wl_reply(c, s, &rx);
		c->rpos += size;
	}
	size_t have = c->rlen - c->rpos;
	if (have == 0) {
		c->rpos = c->rlen = 0;
		return;
	}
	/* Keep room for the message in progress and for a useful recv. */
	size_t need = have >= 4 ? p9_get_u32(c->rbuf + c->rpos) : P9_HDRSZ;
	if (c->rpos + need > c->rcap || c->rcap - c->rlen < 65536) {
		memmove(c->rbuf, c->rbuf + c->rpos, have);
		c->rpos = 0;
		c->rlen = have;
	}
}

/* recv into the buffer; returns bytes, 0 when nothing came in time, or
 * -1 after a failure (recorded). */
static ssize_t receive(struct bconn *c, int flags)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, flags);
		if (n > 0) {
			c->rlen += (size_t)n;
			return n;
		}
		if (n == 0) {
			bconn_fail(c, -ECONNRESET,
			           "server closed the connection (%d requests in flight)",
			           c->inflight);
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		bconn_fail(c, -errno, "recv: %s", strerror(errno));
		return -1;
	}
}

/* Name what the silent server owes us, for the report. */
static void stalled(struct bconn *c, int stopping, uint64_t secs)
{
	char owed[80] = "";
	size_t len = 0;
	for (int i = 0; i < c->nslots && len + 24 < sizeof(owed); i++) {
		struct slot *s = &c->slots[i];
		if (s->expect)
			len += (size_t)snprintf(owed + len, sizeof(owed) - len, " %s/tag %u",
			                        p9_msg_name(s->asked), s->tag);
	}
	c->lost = (uint64_t)c->inflight;
	bconn_fail(c, -ETIMEDOUT,
	           "no reply for %d s%s; in flight:%s; %zu bytes unparsed, %d iovecs unsent",
	           (int)(secs), stopping ? " after the window" : "", owed, c->rlen - c->rpos,
	           c->niov);
}

void bconn_run(struct bconn *c)
{
	/* recv wakes up now and then, so a silent server is noticed. */
	struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
	(void)setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	for (int i = 0; i < c->nslots && !c->fatal; i++)
		wl_start(c, &c->slots[i]);
	uint64_t last = now_ns();
	while (!c->fatal) {
		if (c->niov > 0)
			flush(c);
		if (c->fatal)
			break;
		if (c->inflight == 0)
			break; /* every slot idle: only after the stop */
		ssize_t n;
		if (c->niov > 0) {
			struct pollfd p = {.fd = c->fd, .events = POLLIN | POLLOUT};
			if (poll(&p, 1, 200) < 0 && errno != EINTR) {
				bconn_fail(c, -errno, "poll: %s", strerror(errno));
				break;
			}
			n = (p.revents & (POLLIN | POLLERR | POLLHUP)) ? receive(c, MSG_DONTWAIT)
			                                               : 0;
		} else {
			n = receive(c, 0);
		}
		if (n < 0)
			break;
		uint64_t t = now_ns();
		if (n == 0) {
			int stopping = atomic_load(&bench_phase) == PHASE_STOP;
			uint64_t limit = stopping ? DRAIN_NS : STALL_NS;
			if (t - last > limit)
				stalled(c, stopping, limit / 1000000000ull);
			continue;
		}
		last = t;
		parse(c);
	}
}
