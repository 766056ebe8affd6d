/*
 * conn.c: one client connection: reading messages, writing replies, and
 * tearing down.
 *
 * Receive side: the connection's read event is one-shot, so exactly one
 * thread reads at a time and owns rbuf (NULL between read events when it
 * was a large one: idle connections do not hold big buffers). It cuts complete messages out,
 * turns each into a request and queues the batch; it re-arms the read
 * event only while the connection has room (fewer than max_requests in
 * flight and less than TX_LIMIT bytes waiting to be sent): a client that
 * floods requests or never reads replies is simply not read any more,
 * and nobody else notices.
 *
 * Send side: replies are queued under tx_lock and written with one
 * writev for as many as are waiting (replies to a pipelined batch leave
 * in one system call); a zero-copy Rread's data follows its header with
 * a splice from its pipe (pipes.c). When the socket is full the rest waits for an
 * writable event on wfd, a dup of the socket with its own poller entry.
 *
 * Teardown: when the peer goes, in-flight requests are cancelled like
 * Tflush would, and the last reference frees the connection, clunking
 * every fid (which closes files and releases locks).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "server/buf.h"
#include "server/core.h"

#define RBUF_INITIAL 8192
#define TX_LIMIT (4u << 20)
#define BATCH_MAX 64

/* Arm fd's one-shot event (add: its first time in the poller). */
static void arm(struct p9_conn *c, int fd, uint32_t events, int tag, int add)
{
	void *data = (void *)((uintptr_t)c | (uintptr_t)tag);
	if (add)
		p9_os_poll_add(c->srv->poll, fd, events, data);
	else
		p9_os_poll_arm(c->srv->poll, fd, events, data);
}

struct p9_conn *p9__conn_new(struct p9_server *s, int rfd, int wfd, const char *peer)
{
	struct p9_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	int sock = p9_os_stream_prepare(rfd);
	if (wfd != rfd)
		p9_os_stream_prepare(wfd);
	c->srv = s;
	c->rfd = rfd;
	c->is_socket = sock == 1;
	/* Splicing file pages into a Unix socket saves both copies (9.7
	 * against 15.7 us of server CPU per 64 KiB Rread here); into
	 * loopback TCP it cost twice as much as copying (page-sized
	 * fragments: docs/bench.md), so TCP copies. */
	c->zero_copy = c->is_socket && p9_os_stream_is_unix(rfd);
	c->wfd = wfd == rfd ? p9_os_stream_dup(rfd) : wfd;
	c->rbuf = malloc(RBUF_INITIAL);
	c->rcap = RBUF_INITIAL;
	c->msize = s->cfg.msize;
	c->dialect = P9_DIALECT_2000L;
	if (c->wfd < 0 || !c->rbuf || p9__fid_table_init(c) < 0) {
		if (c->wfd >= 0 && c->wfd != rfd)
			p9_os_stream_close(c->wfd);
		free(c->rbuf);
		free(c->fids);
		free(c);
		return NULL;
	}
	snprintf(c->peer, sizeof(c->peer), "%s", peer ? peer : "?");
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->tx_lock, NULL);
	pthread_mutex_init(&c->fid_lock, NULL);
	pthread_cond_init(&c->idle_cond, NULL);
	atomic_init(&c->refs, 1);
	atomic_init(&c->nqueued, 0);
	atomic_fetch_add(&s->nconns, 1);
	pthread_mutex_lock(&s->conns_lock);
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	pthread_mutex_unlock(&s->conns_lock);
	p9__log(1, "%s: connected", c->peer);
	arm(c, c->rfd, P9_OS_POLL_IN, P9_EV_CONN_READ, 1);
	return c;
}

static void conn_destroy(struct p9_conn *c)
{
	struct p9_server *s = c->srv;
	pthread_mutex_lock(&s->conns_lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&s->conns_lock);
	p9__dispatch_u_reset(c); /* ORCLOSE files go */
	p9__fid_clunk_all(c);
	p9_os_poll_del(s->poll, c->rfd);
	if (c->wfd_registered)
		p9_os_poll_del(s->poll, c->wfd);
	p9_os_stream_close(c->wfd);
	if (c->rfd != c->wfd)
		p9_os_stream_close(c->rfd);
	p9__log(1, "%s: disconnected", c->peer);
	p9__buf_put(c->rbuf, c->rcap);
	free(c->fids);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->tx_lock);
	pthread_mutex_destroy(&c->fid_lock);
	pthread_cond_destroy(&c->idle_cond);
	free(c);
	if (atomic_fetch_sub(&s->nconns, 1) == 1 && s->stop_when_idle)
		p9_server_stop(s);
}

void p9__conn_put(struct p9_conn *c)
{
	if (atomic_fetch_sub(&c->refs, 1) == 1)
		conn_destroy(c);
}

/* Cancel everything in flight. Under c->lock. */
static void cancel_inflight(struct p9_conn *c)
{
	for (struct p9_req *r = c->inflight; r; r = r->next_inflight) {
		atomic_store(&r->flushed, 1);
		if (r->thread)
			p9_os_thread_interrupt(r->thread);
	}
}

void p9__conn_cancel_all(struct p9_conn *c)
{
	pthread_mutex_lock(&c->lock);
	cancel_inflight(c);
	pthread_mutex_unlock(&c->lock);
}

/*
 * The reference for being open belongs to the read side: the thread
 * holding the read event (which may touch c only while that reference
 * stands), or, while reading is paused, nobody. So only the reader drops
 * it, or whoever finds the read side paused; any thread may kill c.
 * (Before, a writer that hit a dead socket dropped it while a reader was
 * still at work on c: a use after free when a client hung up with
 * requests in flight.)
 */
static void put_read_side(struct p9_conn *c)
{
	pthread_mutex_lock(&c->lock);
	int mine = !c->read_done;
	c->read_done = 1;
	pthread_mutex_unlock(&c->lock);
	if (mine)
		p9__conn_put(c);
}

/* The peer is gone (or must be): cancel what is in flight, drop replies
 * waiting to be written, and wake the reader, or drop the read side's
 * reference when reading is paused. */
static void conn_kill(struct p9_conn *c)
{
	pthread_mutex_lock(&c->lock);
	if (c->dead) {
		pthread_mutex_unlock(&c->lock);
		return;
	}
	c->dead = 1;
	cancel_inflight(c);
	int parked = c->read_paused;
	c->read_paused = 0;
	pthread_mutex_unlock(&c->lock);
	/* Replies that were waiting to be written will never be read. */
	pthread_mutex_lock(&c->tx_lock);
	struct p9_txbuf *t = c->tx_head;
	c->tx_head = c->tx_tail = NULL;
	c->tx_bytes = 0;
	pthread_mutex_unlock(&c->tx_lock);
	while (t) {
		struct p9_req *r = t->req;
		t = t->next;
		p9__req_free(r);
	}
	if (parked)
		put_read_side(c);
	else if (c->is_socket)
		p9_os_stream_shutdown(c->rfd); /* an armed read event fires, and ends */
}

void p9__conn_shutdown(struct p9_conn *c)
{
	conn_kill(c);
	put_read_side(c); /* no reader any more (the workers are gone) */
}

/* Is there room to read more? Under c->lock. Replies not made yet
 * count too: a Tread may add msize bytes, and a client that asks for
 * many and reads none would otherwise make the server hold them all. */
static int has_room(struct p9_conn *c)
{
	return c->ninflight < c->srv->cfg.max_requests && c->tx_bytes + c->reserved < TX_LIMIT;
}

/* The reply bytes a request may add beyond a small reply. */
static uint32_t reply_bound(const struct p9_conn *c, const struct p9_req *r)
{
	uint8_t type = r->inbuf[4];
	if ((type != P9_TREAD && type != P9_TREADDIR) || r->inlen < 23)
		return 0;
	uint32_t count = p9_get_u32(r->inbuf + 19);
	return count < c->msize ? count : c->msize;
}

/* Does rbuf hold a whole message (or one that cannot be)? */
static int message_buffered(const struct p9_conn *c)
{
	if (c->rlen < 4)
		return 0;
	uint32_t size = p9_get_u32(c->rbuf);
	return size <= c->rlen || size < P9_HDRSZ;
}

void p9__conn_rearm_read(struct p9_conn *c)
{
	int rearm = 0;
	pthread_mutex_lock(&c->lock);
	if (c->read_paused && !c->dead && has_room(c)) {
		c->read_paused = 0; /* the read side is ours now */
		rearm = 1;
	}
	pthread_mutex_unlock(&c->lock);
	/* Messages may wait in rbuf, cut no further when the room ran out:
	 * the socket may have nothing more to say, so no read event would
	 * come for them. With the read event not armed, rbuf is ours. */
	if (rearm && message_buffered(c))
		p9__conn_on_readable(c);
	else if (rearm)
		arm(c, c->rfd, P9_OS_POLL_IN, P9_EV_CONN_READ, 0);
}

/* Make rbuf able to hold a message of `need` bytes at its start. */
static int grow_rbuf(struct p9_conn *c, size_t need)
{
	size_t cap;
	uint8_t *b = p9__buf_get(need, &cap);
	if (!b)
		return -ENOMEM;
	memcpy(b, c->rbuf, c->rlen);
	p9__buf_put(c->rbuf, c->rcap);
	c->rbuf = b;
	c->rcap = cap;
	return 0;
}

/* Note what r's reply may add, against the bytes left to promise. */
static void take_budget(struct p9_conn *c, struct p9_req *r, size_t *budget)
{
	r->reserve = reply_bound(c, r);
	*budget = r->reserve < *budget ? *budget - r->reserve : 0;
}

/* Cut complete messages out of rbuf into requests, while *budget (reply
 * bytes the connection may still promise) lasts; at least one. Returns how many;
 * *err is set to -EPROTO when the stream cannot be a 9P stream (or
 * -ENOMEM), after the messages before that point were cut: those are
 * real requests and must still be answered or dropped like any other. */
static unsigned cut_messages(struct p9_conn *c, struct p9_req **batch, unsigned max, int *err,
			     size_t *budget)
{
	size_t pos = 0;
	unsigned n = 0;
	uint32_t limit = c->versioned ? c->msize : c->srv->cfg.msize;
	*err = 0;
	while (n < max && c->rlen - pos >= 4 && *budget > 0) {
		uint32_t size = p9_get_u32(c->rbuf + pos);
		if (size < P9_HDRSZ || size > limit) {
			*err = -EPROTO;
			break;
		}
		if (c->rlen - pos < size) {
			if (pos == 0 && size > c->rcap && grow_rbuf(c, size) < 0)
				*err = -ENOMEM;
			break;
		}
		struct p9_req *r;
		if (pos == 0 && size > 16384) {
			/* A large message (a big Twrite) keeps the receive
			 * buffer itself; the connection takes a fresh one, so
			 * the payload is never copied. */
			size_t cap;
			uint8_t *nb = p9__buf_get(c->rcap, &cap);
			if (!nb) {
				*err = -ENOMEM;
				break;
			}
			memcpy(nb, c->rbuf + size, c->rlen - size);
			r = p9__req_new(c, c->rbuf, size, c->rbuf);
			if (!r) {
				p9__buf_put(nb, cap);
				*err = -ENOMEM;
				break;
			}
			r->incap = c->rcap;
			c->rbuf = nb;
			c->rcap = cap;
			c->rlen -= size;
			batch[n++] = r;
			take_budget(c, r, budget);
			if (r->inbuf[4] == P9_TVERSION)
				break;
			continue;
		}
		r = p9__req_new(c, c->rbuf + pos, size, NULL);
		if (!r) {
			*err = -ENOMEM;
			break;
		}
		batch[n++] = r;
		pos += size;
		take_budget(c, r, budget);
		if (r->inbuf[4] == P9_TVERSION)
			break; /* a barrier: see p9__conn_on_readable */
	}
	if (pos) {
		memmove(c->rbuf, c->rbuf + pos, c->rlen - pos);
		c->rlen -= pos;
	}
	return n;
}

/* Put a batch in flight: on the connection's list, then in the run
 * queue (where this thread takes the first, see worker.c), but for the
 * Twrites parked on their fid's lane (lane.c): a batch of writes to one
 * file is one entry in the queue, and wakes no helper. */
static void launch(struct p9_conn *c, struct p9_req **batch, unsigned n)
{
	pthread_mutex_lock(&c->lock);
	for (unsigned i = 0; i < n; i++) {
		struct p9_req *r = batch[i];
		r->next_inflight = c->inflight;
		r->prev_inflight = NULL;
		if (c->inflight)
			c->inflight->prev_inflight = r;
		c->inflight = r;
	}
	c->ninflight += n;
	atomic_fetch_add(&c->nqueued, n);
	for (unsigned i = 0; i < n; i++)
		c->reserved += batch[i]->reserve;
	pthread_mutex_unlock(&c->lock);
	unsigned runnable = 0;
	for (unsigned i = 0; i < n; i++)
		if (!p9__lane_park(batch[i]))
			batch[runnable++] = batch[i];
	p9__runq_push(c->srv, batch, runnable);
}

static int is_version(const struct p9_req *r)
{
	return r->inbuf[4] == P9_TVERSION;
}

void p9__conn_on_readable(struct p9_conn *c)
{
	struct p9_req *batch[BATCH_MAX];
	unsigned n;
	int eof = 0, err = 0;
	if (!c->rbuf) {
		/* released while idle: take one of the size it had */
		size_t cap;
		if (!(c->rbuf = p9__buf_get(c->rcap, &cap))) {
			p9__log(1, "%s: no memory for a receive buffer; closing", c->peer);
			p9__conn_shutdown(c);
			return;
		}
		c->rcap = cap;
	}
again:
	n = 0;
	pthread_mutex_lock(&c->lock);
	size_t used = c->tx_bytes + c->reserved;
	pthread_mutex_unlock(&c->lock);
	size_t budget = used < TX_LIMIT ? TX_LIMIT - used : 1;
	for (;;) {
		/* Cut what is buffered. A Tversion is a barrier: it is queued
		 * behind everything before it, and reading stops; the thread
		 * that runs it (it waits for those to end) reads on once the
		 * dialect and msize are set (p9__req_run), so nothing after it
		 * is cut before. It does not run here: this thread may hold
		 * other events from the same wait, one of them perhaps the
		 * wake-up that the requests before it need. */
		n += cut_messages(c, batch + n, BATCH_MAX - n, &err, &budget);
		if (n && is_version(batch[n - 1])) {
			launch(c, batch, n);
			return; /* the read side goes with the Tversion */
		}
		if (err < 0) {
			p9__log(1, "%s: not a 9P stream (%s); closing", c->peer, strerror(-err));
			eof = 1;
			break;
		}
		if (n == BATCH_MAX || budget == 0)
			break;
		if (c->rlen == c->rcap && grow_rbuf(c, c->rcap * 2) < 0) {
			eof = 1;
			break;
		}
		ssize_t got = p9_os_stream_read(c->rfd, c->rbuf + c->rlen, c->rcap - c->rlen);
		if (got == -EAGAIN)
			break;
		if (got <= 0) {
			eof = 1;
			break;
		}
		c->rlen += (size_t)got;
	}
	launch(c, batch, n);
	/* A large receive buffer (grown for big messages) goes back to the
	 * pool whenever the connection has nothing buffered: an idle
	 * connection then holds none, and a busy one gets it back from the
	 * pool with the next read event. rcap keeps its size. */
	if (!eof && c->rlen == 0 && c->rcap > RBUF_INITIAL) {
		p9__buf_put(c->rbuf, c->rcap);
		c->rbuf = NULL;
	}
	if (eof)
		conn_kill(c);
	/* Read on, pause, or (dead) let go of c: decided under the lock, so
	 * a writer killing c meanwhile finds either us or a paused side. */
	pthread_mutex_lock(&c->lock);
	if (c->dead) {
		pthread_mutex_unlock(&c->lock);
		put_read_side(c);
		return;
	}
	if (!has_room(c)) {
		c->read_paused = 1;
		pthread_mutex_unlock(&c->lock);
		return;
	}
	pthread_mutex_unlock(&c->lock);
	/* Whole messages still buffered (a batch or the budget ran out) get
	 * no read event: the socket may have nothing more. Cut them now.
	 * (Before, 65 or more requests in one write hung the connection.) */
	if (message_buffered(c))
		goto again;
	arm(c, c->rfd, P9_OS_POLL_IN, P9_EV_CONN_READ, 0);
}

/* The memory a queued reply holds, for the backlog limit: its request
 * and its buffer, which is the size the handler reserved (an Rlerror to
 * a Tread 1 MiB still holds the 1 MiB), not just the bytes to send. */
static size_t tx_cost(const struct p9_req *r)
{
	return sizeof(*r) + (r->out != r->outbuf_small ? r->outcap : 0) + r->pipe_left;
}

/* The bytes of a queued reply still to send: its buffer, then, when it
 * went zero-copy (pipes.c), its pipe. */
static size_t tx_left(const struct p9_txbuf *t)
{
	return t->req->outlen - t->off + t->req->pipe_left;
}

static void tx_advance(struct p9_txbuf *t, size_t n)
{
	size_t mem = t->req->outlen - t->off;
	size_t m = n < mem ? n : mem;
	t->off += m;
	t->req->pipe_left -= n - m;
}

/* Write what can go in one system call from the head of the queue: the
 * buffers of a run of replies with one writev (up to and including the
 * first that has a pipe), or the head's pipe with one splice. */
static ssize_t tx_write(struct p9_conn *c)
{
	struct p9_txbuf *t = c->tx_head;
	if (t->off == t->req->outlen)
		return p9__pipe_send(t->req->pipe, c->wfd, t->req->pipe_left);
	struct p9_iov iov[BATCH_MAX];
	int n = 0;
	for (; t && n < BATCH_MAX; t = t->next) {
		iov[n].base = t->req->out + t->off;
		iov[n].len = t->req->outlen - t->off;
		n++;
		if (t->req->pipe_left > 0)
			break;
	}
	return p9_os_stream_writev(c->wfd, iov, n, c->is_socket);
}

void p9__conn_send(struct p9_conn *c, struct p9_req *r)
{
	struct p9_txbuf *t = &r->tx;
	t->next = NULL;
	t->req = r;
	t->off = 0;
	/* A piped Rread was packed as if all its data were in out: the
	 * tail is in the pipe instead. */
	r->outlen -= r->pipe_left;
	pthread_mutex_lock(&c->tx_lock);
	if (c->dead) {
		pthread_mutex_unlock(&c->tx_lock);
		p9__req_free(r);
		return;
	}
	if (c->tx_tail)
		c->tx_tail->next = t;
	else
		c->tx_head = t;
	c->tx_tail = t;
	c->tx_bytes += tx_cost(r);
	pthread_mutex_unlock(&c->tx_lock);
}

void p9__conn_flush_tx(struct p9_conn *c)
{
	struct p9_txbuf *done = NULL, **donetail = &done;
	int dead = 0;
	/* Freeing written replies drops their references on c: keep c alive
	 * until we are done with it. */
	atomic_fetch_add(&c->refs, 1);
	pthread_mutex_lock(&c->tx_lock);
	while (c->tx_head && !c->tx_armed) {
		ssize_t w = tx_write(c);
		if (w == -EAGAIN) {
			c->tx_armed = 1;
			atomic_fetch_add(&c->refs, 1);
			arm(c, c->wfd, P9_OS_POLL_OUT, P9_EV_CONN_WRITE, !c->wfd_registered);
			c->wfd_registered = 1;
			break;
		}
		if (w <= 0) {
			dead = 1; /* 0: a stream that takes nothing will not take more */
			break;
		}
		while (w > 0) {
			struct p9_txbuf *t = c->tx_head;
			size_t left = tx_left(t);
			if ((size_t)w < left) {
				size_t before = t->req->pipe_left;
				tx_advance(t, (size_t)w);
				c->tx_bytes -= before - t->req->pipe_left;
				break;
			}
			w -= (ssize_t)left;
			c->tx_bytes -= tx_cost(t->req);
			tx_advance(t, left);
			c->tx_head = t->next;
			if (!c->tx_head)
				c->tx_tail = NULL;
			t->next = NULL;
			*donetail = t;
			donetail = &t->next;
		}
	}
	pthread_mutex_unlock(&c->tx_lock);
	while (done) {
		struct p9_req *r = done->req;
		done = done->next;
		p9__req_free(r);
	}
	if (dead)
		conn_kill(c);
	else
		p9__conn_rearm_read(c);
	p9__conn_put(c);
}

void p9__conn_on_writable(struct p9_conn *c)
{
	pthread_mutex_lock(&c->tx_lock);
	c->tx_armed = 0;
	pthread_mutex_unlock(&c->tx_lock);
	p9__conn_flush_tx(c);
	p9__conn_put(c); /* the reference taken when the event was armed */
}
