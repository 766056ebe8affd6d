/*
 * server.c: creating, running and stopping a server.
 *
 * p9_server_run starts the worker threads and then waits for the stop
 * event; the workers do all the serving (worker.c). Stopping wakes every
 * worker through a level-triggered wake-up that stays readable, waits
 * for them to leave, then closes what is left.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform/net.h"
#include "platform/platform.h"
#include "server/buf.h"
#include "server/core.h"
#include "transport/transport.h"

void p9_server_config_init(struct p9_server_config *cfg)
{
	unsigned ncpu = p9_os_ncpu();
	memset(cfg, 0, sizeof(*cfg));
	cfg->model = P9_SM_PASSTHROUGH;
	cfg->multidevs = P9_MULTIDEVS_WARN;
	cfg->fmode = 0600;
	cfg->dmode = 0700;
	cfg->msize = 1u << 20;
	cfg->threads = ncpu > 2 ? ncpu * 2 : 4;
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
	p9_os_no_sigpipe();
	p9_os_nofile_limit();
	p9__buf_pool_init(s->cfg.msize + 4096);
	pthread_mutex_init(&s->runq_lock, NULL);
	pthread_mutex_init(&s->threads_lock, NULL);
	pthread_cond_init(&s->threads_cond, NULL);
	pthread_mutex_init(&s->cred_lock, NULL);
	pthread_mutex_init(&s->conns_lock, NULL);
	s->wake.rfd = s->wake.wfd = s->stop.rfd = s->stop.wfd = -1; /* for the fail path */
	if ((e = p9_os_net_init()) < 0 || (e = p9_os_poll_new(&s->poll)) < 0 ||
	    (e = p9_os_wake_init(&s->wake)) < 0 || (e = p9_os_wake_init(&s->stop)) < 0 ||
	    (e = p9_os_poll_add(s->poll, s->wake.rfd, P9_OS_POLL_IN,
	                        (void *)((uintptr_t)s | P9_EV_WAKE))) < 0 ||
	    (e = p9_os_poll_add(s->poll, s->stop.rfd, P9_OS_POLL_IN | P9_OS_POLL_LEVEL,
	                        (void *)((uintptr_t)&s->stop | P9_EV_WAKE))) < 0) {
		*err = "cannot create the event loop";
		goto fail;
	}
	if ((e = p9_local_new(&s->cfg, &s->fs, err)) < 0)
		goto fail;
	p9__pipes_init(s); /* now, while pipes as large as msize are allowed */
	*out = s;
	return 0;
fail:
	p9_os_poll_free(s->poll);
	p9_os_wake_close(&s->wake);
	p9_os_wake_close(&s->stop);
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
	if (p9_os_stream_valid(rfd) < 0 || p9_os_stream_valid(wfd) < 0)
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
	atomic_store(&s->stopping, 1);
	p9_os_wake_signal(&s->stop);
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
		p9_os_poll_add(s->poll, s->listeners[i].fd, P9_OS_POLL_IN,
		               (void *)((uintptr_t)&s->listeners[i] | P9_EV_LISTENER));
	}
	for (unsigned i = 0; i < s->cfg.threads; i++)
		if (p9__worker_start(s) < 0 && i == 0)
			return -EAGAIN;
	p9_os_stream_wait(s->stop.rfd, 0, -1);
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
		p9_os_poll_del(s->poll, s->listeners[i].fd);
		p9_os_stream_close(s->listeners[i].fd);
		if (s->listeners[i].unix_path) {
			p9_os_unix_remove(s->listeners[i].unix_path);
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
	p9__pipes_free(s);
	p9_os_poll_free(s->poll);
	p9_os_wake_close(&s->wake);
	p9_os_wake_close(&s->stop);
	p9__buf_pool_drain();
	free(s);
}
