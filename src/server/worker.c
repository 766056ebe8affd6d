/*
 * worker.c: the worker threads and the run queue.
 *
 * Every worker runs the same loop: answer a queued request if there is
 * one, else wait in the poller. Whoever receives a connection's read event
 * parses its messages and queues them; because the reader then takes from
 * the queue first, a lone request is answered on the thread that read it
 * (no hand-off), and an idle worker is woken only when a batch holds more
 * than one request.
 *
 * A worker about to wait for something unbounded (a blocking lock) says
 * so with p9__wait_blocking_begin; if that leaves too few workers free,
 * another is started, so waits cannot starve the pool.
 *
 * Locks: runq_lock protects runq_head/tail; threads_lock protects
 * threads[].
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "platform/net.h"
#include "platform/platform.h"
#include "server/core.h"
#include "transport/transport.h"

#define MAX_EXTRA_WORKERS 256

static void wake_one(struct p9_server *s)
{
	p9_os_wake_signal(&s->wake);
}

void p9__runq_push(struct p9_server *s, struct p9_req **reqs, unsigned n)
{
	if (n == 0)
		return;
	pthread_mutex_lock(&s->runq_lock);
	for (unsigned i = 0; i < n; i++) {
		reqs[i]->next = NULL;
		if (s->runq_tail)
			s->runq_tail->next = reqs[i];
		else
			s->runq_head = reqs[i];
		s->runq_tail = reqs[i];
	}
	pthread_mutex_unlock(&s->runq_lock);
	/* The caller will take one itself; wake a helper for the rest. */
	if (n > 1 && atomic_load_explicit(&s->nidle, memory_order_relaxed) > 0)
		wake_one(s);
}

static void runq_wake(struct p9_server *s)
{
	if (atomic_load_explicit(&s->nidle, memory_order_relaxed) > 0)
		wake_one(s);
}

/* A client hung up on for want of resources: said once at the default
 * level, then only with -v. */
static void refusing(struct p9_server *s, const char *why)
{
	static atomic_int said;
	(void)s;
	p9__log(atomic_exchange(&said, 1) ? 1 : 0,
		"%s: refusing new connections until some close (raise RLIMIT_NOFILE?)", why);
}

static int runq_empty(struct p9_server *s)
{
	pthread_mutex_lock(&s->runq_lock);
	int empty = s->runq_head == NULL;
	pthread_mutex_unlock(&s->runq_lock);
	return empty;
}

static struct p9_req *runq_pop(struct p9_server *s, int *more)
{
	struct p9_req *r;
	pthread_mutex_lock(&s->runq_lock);
	r = s->runq_head;
	if (r) {
		s->runq_head = r->next;
		if (!s->runq_head)
			s->runq_tail = NULL;
		r->next = NULL;
	}
	*more = s->runq_head != NULL;
	pthread_mutex_unlock(&s->runq_lock);
	return r;
}

static void handle_event(struct p9_server *s, const struct p9_os_poll_event *ev)
{
	uintptr_t u = (uintptr_t)ev->data;
	void *p = (void *)(u & ~(uintptr_t)3);
	switch (u & 3) {
	case P9_EV_CONN_READ:
		p9__conn_on_readable(p);
		break;
	case P9_EV_CONN_WRITE:
		p9__conn_on_writable(p);
		break;
	case P9_EV_LISTENER: {
		struct p9_listener *l = p;
		for (;;) {
			char peer[64];
			int fd = p9_os_accept(l->fd, peer, sizeof(peer));
			if (fd == -ECONNABORTED) {
				/* out of descriptors: that client was hung up on
				 * (a waiting one would make the listener spin) */
				refusing(s, "out of file descriptors");
				continue;
			}
			if (fd < 0)
				break;
			/* Past the cap a new client is hung up on at once:
			 * those already served keep all they had. */
			if ((unsigned)atomic_load(&s->nconns) >= s->cfg.max_connections) {
				p9__log(1, "%s: refused: %u connections already", peer,
					s->cfg.max_connections);
				p9_os_stream_close(fd);
				continue;
			}
			if (!p9__conn_new(s, fd, fd, peer)) {
				p9_os_stream_close(fd);
				refusing(s, "out of file descriptors or memory");
			}
		}
		p9_os_poll_arm(s->poll, l->fd, P9_OS_POLL_IN, ev->data);
		break;
	}
	case P9_EV_WAKE:
		if (p == (void *)s) {
			p9_os_wake_drain(&s->wake);
			p9_os_poll_arm(s->poll, s->wake.rfd, P9_OS_POLL_IN, ev->data);
		}
		break;
	}
}

static int too_many_workers(struct p9_server *s)
{
	int active = atomic_load(&s->nworkers) - atomic_load(&s->nblocked);
	return active > (int)s->cfg.threads;
}

static void *worker_main(void *arg)
{
	struct p9_server *s = arg;
	p9_os_thread_init();
	while (!atomic_load_explicit(&s->stopping, memory_order_relaxed)) {
		int more;
		struct p9_req *r = runq_pop(s, &more);
		if (r) {
			if (more && atomic_load_explicit(&s->nidle, memory_order_relaxed) > 0)
				wake_one(s);
			p9__req_run(r);
			continue;
		}
		/* A worker started for a long wait retires when it is spare. */
		if (too_many_workers(s)) {
			int n = atomic_fetch_sub(&s->nworkers, 1);
			if (n - 1 - atomic_load(&s->nblocked) >= (int)s->cfg.threads)
				break;
			atomic_fetch_add(&s->nworkers, 1);
		}
		struct p9_os_poll_event evs[8];
		atomic_fetch_add(&s->nidle, 1);
		/* Look again now that we count as idle: a request pushed since
		 * runq_pop, by a thread that then saw nidle == 0 and woke
		 * nobody, would otherwise wait for the next event, or forever
		 * when its pusher waits for it (a Tversion draining the queue). */
		if (!runq_empty(s)) {
			atomic_fetch_sub(&s->nidle, 1);
			continue;
		}
		int n = p9_os_poll_wait(s->poll, evs, 8, -1);
		atomic_fetch_sub(&s->nidle, 1);
		for (int i = 0; i < n; i++)
			handle_event(s, &evs[i]);
	}
	pthread_mutex_lock(&s->threads_lock);
	s->nlive--;
	pthread_cond_broadcast(&s->threads_cond);
	pthread_mutex_unlock(&s->threads_lock);
	return NULL;
}

int p9__worker_start(struct p9_server *s)
{
	pthread_t t;
	pthread_attr_t at;
	int e;
	pthread_mutex_lock(&s->threads_lock);
	if (atomic_load(&s->nworkers) >= (int)(s->cfg.threads + MAX_EXTRA_WORKERS)) {
		pthread_mutex_unlock(&s->threads_lock);
		return -EAGAIN;
	}
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 256 * 1024);
	atomic_fetch_add(&s->nworkers, 1);
	e = pthread_create(&t, &at, worker_main, s);
	pthread_attr_destroy(&at);
	if (e) {
		atomic_fetch_sub(&s->nworkers, 1);
		pthread_mutex_unlock(&s->threads_lock);
		return -e;
	}
	pthread_detach(t);
	s->nlive++;
	pthread_mutex_unlock(&s->threads_lock);
	return 0;
}

void p9__wait_blocking_begin(struct p9_server *s)
{
	atomic_fetch_add(&s->nblocked, 1);
	if (atomic_load(&s->nworkers) - atomic_load(&s->nblocked) < (int)s->cfg.threads)
		p9__worker_start(s);
	/* A lone request pushed by this thread was left in the queue for
	 * this thread to take (p9__runq_push woke nobody for it), and the
	 * wait may be for it (a Tversion waits for the requests before it):
	 * whatever is queued, an idle worker takes it now. */
	if (!runq_empty(s))
		runq_wake(s);
}

void p9__wait_blocking_end(struct p9_server *s)
{
	atomic_fetch_sub(&s->nblocked, 1);
}
