/*
 * server.c: creating, running and stopping a server.
 *
 * p9_server_run starts the worker threads and then waits for the stop
 * event; the workers do all the serving (worker.c). Stopping wakes every
 * worker through a level-triggered eventfd that stays readable, waits
 * for them to leave, then closes what is left.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "platform/platform.h"
#include "server/buf.h"
#include "server/core.h"
#include "transport/transport.h"

void p9_server_config_init(struct p9_server_config *cfg)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	memset(cfg, 0, sizeof(*cfg));
	cfg->model = P9_SM_PASSTHROUGH;
	cfg->multidevs = P9_MULTIDEVS_WARN;
	cfg->fmode = 0600;
	cfg->dmode = 0700;
	cfg->msize = 1u << 20;
	cfg->threads = ncpu > 2 ? (unsigned)ncpu * 2 : 4;
	cfg->max_fids = 1u << 20;
	cfg->max_requests = 1024;
	cfg->max_connections = 4096;
}

int p9_server_new(const struct p9_server_config *cfg, struct p9_server **out, const char **err)
{
	struct p9_server *s = calloc(1, sizeof(*s));
	int e;
	if (!s) {
		*err = "out of memory";
		return -ENOMEM;
	}
	s->cfg = *cfg;
	if (s->cfg.msize < P9_MIN_MSIZE) {
		free(s);
		*err = "msize must be at least 4096";
		return -EINVAL;
	}
	if (s->cfg.threads == 0)
		s->cfg.threads = 4;
	p9__log_set_level(cfg->trace ? 3 : cfg->verbose);
	/* A client that resets its connection must not kill us with SIGPIPE
	 * on a pipe transport (sockets use MSG_NOSIGNAL). */
	signal(SIGPIPE, SIG_IGN);
	p9_os_nofile_limit();
	p9__buf_pool_init(s->cfg.msize + 4096);
	pthread_mutex_init(&s->runq_lock, NULL);
	pthread_mutex_init(&s->threads_lock, NULL);
	pthread_cond_init(&s->threads_cond, NULL);
	pthread_mutex_init(&s->cred_lock, NULL);
	pthread_mutex_init(&s->conns_lock, NULL);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->stopfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->epfd < 0 || s->wakefd < 0 || s->stopfd < 0) {
		*err = "cannot create event descriptors";
		e = -errno;
		goto fail;
	}
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT,
				  .data.ptr = (void *)((uintptr_t)s | P9_EV_WAKE) };
	epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->wakefd, &ev);
	struct epoll_event sev = { .events = EPOLLIN,
				   .data.ptr = (void *)((uintptr_t)&s->stopfd | P9_EV_WAKE) };
	epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->stopfd, &sev);
	if ((e = p9_local_new(&s->cfg, &s->fs, err)) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	if (s->epfd >= 0)
		close(s->epfd);
	if (s->wakefd >= 0)
		close(s->wakefd);
	if (s->stopfd >= 0)
		close(s->stopfd);
	free(s);
	return e;
}

int p9_server_listen(struct p9_server *s, const char *addrstr, const char **err)
{
	struct p9_addr a;
	int e = p9__addr_parse(addrstr, &a, err);
	if (e < 0)
		return e;
	if (a.kind == P9_ADDR_FD) {
		if ((e = p9_server_add_conn(s, a.rfd, a.wfd)) < 0)
			*err = "cannot serve that descriptor";
		return e;
	}
	struct p9_listener *nl = realloc(s->listeners, (s->nlisteners + 1) * sizeof(*nl));
	if (!nl) {
		*err = "out of memory";
		return -ENOMEM;
	}
	s->listeners = nl;
	struct p9_listener *l = &nl[s->nlisteners];
	memset(l, 0, sizeof(*l));
	l->fd = p9__listen(&a, l->bound, sizeof(l->bound), err);
	if (l->fd < 0)
		return l->fd;
	if (a.kind == P9_ADDR_UNIX) {
		l->is_unix = 1;
		l->unix_path = strdup(a.path);
	}
	s->nlisteners++;
	p9__log(1, "listening on %s", l->bound);
	return 0;
}

const char *p9_server_bound_addr(struct p9_server *s)
{
	return s->nlisteners ? s->listeners[s->nlisteners - 1].bound : "";
}

int p9_server_add_conn(struct p9_server *s, int rfd, int wfd)
{
	char peer[32];
	snprintf(peer, sizeof(peer), "fd:%d", rfd);
	/* A descriptor that is not open cannot be served. */
	if (fcntl(rfd, F_GETFD) < 0 || fcntl(wfd, F_GETFD) < 0)
		return -EBADF;
	return p9__conn_new(s, rfd, wfd, peer) ? 0 : -ENOMEM;
}

unsigned p9_server_connections(struct p9_server *s)
{
	return (unsigned)atomic_load(&s->nconns);
}

void p9_server_stop_when_idle(struct p9_server *s, int on)
{
	s->stop_when_idle = on;
}

void p9_server_stop(struct p9_server *s)
{
	uint64_t one = 1;
	atomic_store(&s->stopping, 1);
	if (write(s->stopfd, &one, sizeof(one)) < 0) {
		/* already signalled */
	}
}

/* Interrupt every request in flight on every connection, so that
 * workers in long waits come back. */
static void cancel_everything(struct p9_server *s)
{
	pthread_mutex_lock(&s->conns_lock);
	for (struct p9_conn *c = s->conns; c; c = c->next)
		p9__conn_cancel_all(c);
	pthread_mutex_unlock(&s->conns_lock);
}

int p9_server_run(struct p9_server *s)
{
	/* Listeners are armed here, not in listen, so that a listener added
	 * before the workers exist is not served by nobody. */
	for (unsigned i = 0; i < s->nlisteners; i++) {
		struct epoll_event ev = {
			.events = EPOLLIN | EPOLLONESHOT,
			.data.ptr = (void *)((uintptr_t)&s->listeners[i] | P9_EV_LISTENER)
		};
		epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->listeners[i].fd, &ev);
	}
	for (unsigned i = 0; i < s->cfg.threads; i++)
		if (p9__worker_start(s) < 0 && i == 0)
			return -EAGAIN;
	struct pollfd pfd = { .fd = s->stopfd, .events = POLLIN };
	while (poll(&pfd, 1, -1) <= 0) {
		/* EINTR: a signal (perhaps the one that stops us) */
	}
	/* Workers see the stop event (it stays readable) and leave at their
	 * next turn; one in a long wait is interrupted. A signal can land
	 * just before the wait it was meant for, so repeat until all left. */
	pthread_mutex_lock(&s->threads_lock);
	while (s->nlive > 0) {
		pthread_mutex_unlock(&s->threads_lock);
		cancel_everything(s);
		pthread_mutex_lock(&s->threads_lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 50 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		if (s->nlive > 0)
			pthread_cond_timedwait(&s->threads_cond, &s->threads_lock, &until);
	}
	pthread_mutex_unlock(&s->threads_lock);
	return 0;
}

void p9_server_free(struct p9_server *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->nlisteners; i++) {
		close(s->listeners[i].fd);
		if (s->listeners[i].unix_path) {
			unlink(s->listeners[i].unix_path);
			free(s->listeners[i].unix_path);
		}
	}
	free(s->listeners);
	/* The workers are gone: requests never started are dropped, and
	 * every connection is closed (fids clunked, files closed). */
	while (s->runq_head) {
		struct p9_req *r = s->runq_head;
		s->runq_head = r->next;
		p9__req_abandon(r);
	}
	s->runq_tail = NULL;
	for (;;) {
		pthread_mutex_lock(&s->conns_lock);
		struct p9_conn *c = s->conns;
		while (c && c->read_done)
			c = c->next;
		pthread_mutex_unlock(&s->conns_lock);
		if (!c)
			break;
		p9__conn_shutdown(c);
	}
	if (s->fs)
		s->fs->ops->destroy(s->fs);
	p9__cred_free_all(s);
	close(s->epfd);
	close(s->wakefd);
	close(s->stopfd);
	p9__buf_pool_drain();
	free(s);
}
