/*
 * poll.c: readiness and wake-ups on Linux: epoll with EPOLLONESHOT, and
 * an eventfd (see net.h).
 *
 * The flags are epoll's own numbers, so arming and waiting translate
 * nothing on the hot path; one-shot is the default and LEVEL drops it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "platform/net.h"

_Static_assert(P9_OS_POLL_IN == EPOLLIN && P9_OS_POLL_OUT == EPOLLOUT, "poll flags are epoll's");

struct p9_os_poll {
	int epfd;
};

int p9_os_poll_new(struct p9_os_poll **out)
{
	struct p9_os_poll *p = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (p->epfd < 0) {
		int e = -errno;
		free(p);
		return e;
	}
	*out = p;
	return 0;
}

void p9_os_poll_free(struct p9_os_poll *p)
{
	if (!p)
		return;
	close(p->epfd);
	free(p);
}

static int ctl(struct p9_os_poll *p, int op, int fd, uint32_t events, void *data)
{
	/* IN includes the peer's half-close (EPOLLRDHUP): the reader then
	 * reads 0 and tears the connection down. */
	uint32_t ev = events & (EPOLLIN | EPOLLOUT);
	if (ev & EPOLLIN)
		ev |= EPOLLRDHUP;
	if (!(events & P9_OS_POLL_LEVEL))
		ev |= EPOLLONESHOT;
	struct epoll_event e = {.events = ev, .data.ptr = data};
	return epoll_ctl(p->epfd, op, fd, &e) < 0 ? -errno : 0;
}

int p9_os_poll_add(struct p9_os_poll *p, int fd, uint32_t events, void *data)
{
	return ctl(p, EPOLL_CTL_ADD, fd, events, data);
}

int p9_os_poll_arm(struct p9_os_poll *p, int fd, uint32_t events, void *data)
{
	return ctl(p, EPOLL_CTL_MOD, fd, events, data);
}

int p9_os_poll_del(struct p9_os_poll *p, int fd)
{
	return epoll_ctl(p->epfd, EPOLL_CTL_DEL, fd, NULL) < 0 ? -errno : 0;
}

int p9_os_poll_wait(struct p9_os_poll *p, struct p9_os_poll_event *ev, int max, int timeout_ms)
{
	struct epoll_event evs[64];
	if (max > 64)
		max = 64;
	int n = epoll_wait(p->epfd, evs, max, timeout_ms);
	if (n < 0)
		return 0; /* EINTR */
	for (int i = 0; i < n; i++) {
		ev[i].events = evs[i].events & (EPOLLIN | EPOLLOUT);
		if (evs[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			ev[i].events |= P9_OS_POLL_IN;
		ev[i].data = evs[i].data.ptr;
	}
	return n;
}

int p9_os_wake_init(struct p9_os_wake *w)
{
	w->rfd = w->wfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return w->rfd < 0 ? -errno : 0;
}

void p9_os_wake_signal(struct p9_os_wake *w)
{
	uint64_t one = 1;
	if (write(w->wfd, &one, sizeof(one)) < 0) {
		/* the counter is saturated: the wake-up is pending anyway */
	}
}

void p9_os_wake_drain(struct p9_os_wake *w)
{
	uint64_t v;
	if (read(w->rfd, &v, sizeof(v)) < 0) {
		/* another thread drained it */
	}
}

void p9_os_wake_close(struct p9_os_wake *w)
{
	if (w->rfd >= 0)
		close(w->rfd);
	w->rfd = w->wfd = -1;
}
