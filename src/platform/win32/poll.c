/*
 * poll.c: readiness and wake-ups on Windows: WSAPoll with one-shot
 * registrations kept here, and loopback socket pairs as wake-ups (see
 * net.h).
 *
 * Why WSAPoll: it is the one readiness call Windows has for any number of
 * sockets that works the same on every version and under Wine, so it is
 * the one that can be tested here. Windows has no epoll: the fast way is
 * IOCP with AFD poll requests (what wepoll and libuv do), which needs
 * undocumented ntdll structures; it can replace this file later without
 * touching the server.
 *
 * How: WSAPoll takes its set of sockets as an array and cannot be told
 * about a change while it waits, so one thread at a time (the poller) runs
 * it over the armed registrations plus `intr`, a wake-up of the poller's
 * own; other waiters queue on `cond` behind it. Arming, adding or removing
 * a registration while the poller is inside WSAPoll signals `intr`, so the
 * poller comes back and waits again with the new set. When WSAPoll
 * reports a socket, the poller disarms its one-shot registration before
 * handing the event out, under the lock, so no other waiter can get it.
 *
 * Locks: p->lock protects everything in struct p9_os_poll; it is never
 * held across WSAPoll.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform/net.h"

struct reg {
	int fd;
	uint32_t events; /* P9_OS_POLL_IN/OUT; 0 when disarmed */
	int level;
	void *data;
};

struct p9_os_poll {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* a waiter may become the poller */
	struct reg *regs;
	size_t nregs, cap;
	int busy;       /* a thread is the poller */
	int in_wsapoll; /* ... and is inside WSAPoll: changes must signal intr */
	struct p9_os_wake intr;
	WSAPOLLFD *pfds; /* the poller's arrays, only it touches them */
	size_t pcap;
};

static SOCKET sock_of(int fd)
{
	return (SOCKET)(uintptr_t)(unsigned)fd;
}

static int fd_of(SOCKET s)
{
	return (int)(unsigned)(uintptr_t)s;
}

int p9_os_poll_new(struct p9_os_poll **out)
{
	struct p9_os_poll *p = calloc(1, sizeof(*p));
	int e;
	if (!p)
		return -ENOMEM;
	if ((e = p9_os_net_init()) < 0 || (e = p9_os_wake_init(&p->intr)) < 0) {
		free(p);
		return e;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	*out = p;
	return 0;
}

void p9_os_poll_free(struct p9_os_poll *p)
{
	if (!p)
		return;
	p9_os_wake_close(&p->intr);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p->regs);
	free(p->pfds);
	free(p);
}

static struct reg *find(struct p9_os_poll *p, int fd)
{
	for (size_t i = 0; i < p->nregs; i++)
		if (p->regs[i].fd == fd)
			return &p->regs[i];
	return NULL;
}

/* The set changed: make a poller inside WSAPoll look again. Under lock. */
static void changed(struct p9_os_poll *p)
{
	if (p->in_wsapoll)
		p9_os_wake_signal(&p->intr);
}

int p9_os_poll_add(struct p9_os_poll *p, int fd, uint32_t events, void *data)
{
	int e = 0;
	pthread_mutex_lock(&p->lock);
	if (find(p, fd)) {
		e = -EEXIST;
	} else if (p->nregs == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct reg *r = realloc(p->regs, cap * sizeof(*r));
		if (!r)
			e = -ENOMEM;
		else {
			p->regs = r;
			p->cap = cap;
		}
	}
	if (e == 0) {
		struct reg *r = &p->regs[p->nregs++];
		r->fd = fd;
		r->events = events & (P9_OS_POLL_IN | P9_OS_POLL_OUT);
		r->level = (events & P9_OS_POLL_LEVEL) != 0;
		r->data = data;
		changed(p);
	}
	pthread_mutex_unlock(&p->lock);
	return e;
}

int p9_os_poll_arm(struct p9_os_poll *p, int fd, uint32_t events, void *data)
{
	int e = 0;
	pthread_mutex_lock(&p->lock);
	struct reg *r = find(p, fd);
	if (!r) {
		e = -ENOENT;
	} else {
		r->events = events & (P9_OS_POLL_IN | P9_OS_POLL_OUT);
		r->level = (events & P9_OS_POLL_LEVEL) != 0;
		r->data = data;
		changed(p);
	}
	pthread_mutex_unlock(&p->lock);
	return e;
}

int p9_os_poll_del(struct p9_os_poll *p, int fd)
{
	int e = 0;
	pthread_mutex_lock(&p->lock);
	struct reg *r = find(p, fd);
	if (!r) {
		e = -ENOENT;
	} else {
		*r = p->regs[--p->nregs];
		changed(p);
	}
	pthread_mutex_unlock(&p->lock);
	return e;
}

static int64_t now_ms(void)
{
	return (int64_t)GetTickCount64();
}

/* Become the poller; 0, or -ETIMEDOUT when the deadline passes first.
 * Under lock. */
static int become_poller(struct p9_os_poll *p, int64_t deadline)
{
	while (p->busy) {
		if (deadline < 0) {
			pthread_cond_wait(&p->cond, &p->lock);
			continue;
		}
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)(left / 1000);
		ts.tv_nsec += (long)(left % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->cond, &p->lock, &ts);
	}
	p->busy = 1;
	return 0;
}

int p9_os_poll_wait(struct p9_os_poll *p, struct p9_os_poll_event *ev, int max, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	int n = 0;
	pthread_mutex_lock(&p->lock);
	if (become_poller(p, deadline) < 0) {
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	while (n == 0) {
		/* The armed set, intr first. */
		if (p->pcap < p->nregs + 1) {
			WSAPOLLFD *np = realloc(p->pfds, (p->nregs + 1) * sizeof(*np));
			if (!np)
				break;
			p->pfds = np;
			p->pcap = p->nregs + 1;
		}
		ULONG cnt = 0;
		p->pfds[cnt++] = (WSAPOLLFD){.fd = sock_of(p->intr.rfd), .events = POLLRDNORM};
		for (size_t i = 0; i < p->nregs; i++) {
			short want = 0;
			if (p->regs[i].events & P9_OS_POLL_IN)
				want |= POLLRDNORM;
			if (p->regs[i].events & P9_OS_POLL_OUT)
				want |= POLLWRNORM;
			if (want)
				p->pfds[cnt++] =
				        (WSAPOLLFD){.fd = sock_of(p->regs[i].fd), .events = want};
		}
		int wait_ms = -1;
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();
			wait_ms = left > 0 ? (int)left : 0;
		}
		p->in_wsapoll = 1;
		pthread_mutex_unlock(&p->lock);
		int r = WSAPoll(p->pfds, cnt, wait_ms);
		pthread_mutex_lock(&p->lock);
		p->in_wsapoll = 0;
		if (r < 0)
			break; /* a socket closed under us: the caller waits again */
		if (p->pfds[0].revents)
			p9_os_wake_drain(&p->intr);
		/* Hand out what is still registered and armed (a registration
		 * removed meanwhile is not reported; one re-armed meanwhile
		 * may get a spurious event, which readers answer with EAGAIN). */
		for (ULONG i = 1; i < cnt && n < max; i++) {
			short re = p->pfds[i].revents;
			if (!re)
				continue;
			struct reg *g = find(p, fd_of(p->pfds[i].fd));
			if (!g || !g->events)
				continue;
			uint32_t got = 0;
			if (re & (POLLRDNORM | POLLHUP | POLLERR | POLLNVAL))
				got |= g->events & P9_OS_POLL_IN;
			if (re & (POLLWRNORM | POLLHUP | POLLERR | POLLNVAL))
				got |= g->events & P9_OS_POLL_OUT;
			if (!got)
				continue;
			ev[n].events = got;
			ev[n].data = g->data;
			n++;
			if (!g->level)
				g->events = 0;
		}
		if (deadline >= 0 && now_ms() >= deadline)
			break;
	}
	p->busy = 0;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return n;
}

/* A wake-up is a connected pair of loopback TCP sockets: Windows has no
 * eventfd, and WSAPoll waits only for sockets. The pair is made through a
 * listener on 127.0.0.1 port 0 that lives only while it is made, and the
 * accepted end must be our own connecting end, so that another local
 * program cannot slip in. */
int p9_os_wake_init(struct p9_os_wake *w)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	struct sockaddr_in mine, peer;
	int al = sizeof(a), ml = sizeof(mine), pl = sizeof(peer), e;
	SOCKET l, c = INVALID_SOCKET, s = INVALID_SOCKET;
	u_long on = 1;
	w->rfd = w->wfd = -1;
	if ((e = p9_os_net_init()) < 0)
		return e;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = WSASocketW(AF_INET, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
	if (l == INVALID_SOCKET)
		return -EMFILE;
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(l, 1) != 0 ||
	    getsockname(l, (struct sockaddr *)&a, &al) != 0)
		goto fail;
	c = WSASocketW(AF_INET, SOCK_STREAM, 0, NULL, 0,
	               WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
	if (c == INVALID_SOCKET || connect(c, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(c, (struct sockaddr *)&mine, &ml) != 0)
		goto fail;
	s = accept(l, (struct sockaddr *)&peer, &pl);
	if (s == INVALID_SOCKET || peer.sin_port != mine.sin_port ||
	    peer.sin_addr.s_addr != mine.sin_addr.s_addr)
		goto fail;
	closesocket(l);
	SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
	BOOL one = TRUE;
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one));
	ioctlsocket(s, FIONBIO, &on);
	ioctlsocket(c, FIONBIO, &on);
	w->rfd = fd_of(s);
	w->wfd = fd_of(c);
	return 0;
fail:
	closesocket(l);
	if (c != INVALID_SOCKET)
		closesocket(c);
	if (s != INVALID_SOCKET)
		closesocket(s);
	return -EMFILE;
}

void p9_os_wake_signal(struct p9_os_wake *w)
{
	/* A full buffer means wake-ups are pending anyway. */
	send(sock_of(w->wfd), "w", 1, 0);
}

void p9_os_wake_drain(struct p9_os_wake *w)
{
	char buf[256];
	while (recv(sock_of(w->rfd), buf, sizeof(buf), 0) > 0) {
		/* until it would block */
	}
}

void p9_os_wake_close(struct p9_os_wake *w)
{
	if (w->rfd >= 0)
		closesocket(sock_of(w->rfd));
	if (w->wfd >= 0 && w->wfd != w->rfd)
		closesocket(sock_of(w->wfd));
	w->rfd = w->wfd = -1;
}
