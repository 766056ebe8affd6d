/*
 * req.c: the life of one request, from its bytes to its reply.
 *
 * Every request ends in exactly one of: a reply queued on its connection,
 * or a reply dropped because a Tflush cancelled it (or the peer left).
 * A Tflush is answered only after the request it names has ended, and
 * right behind that request's reply, so a client never sees a reply after
 * the Rflush that released its tag.
 *
 * Locks: conn->lock guards the in-flight list, done, flushers, thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "server/buf.h"
#include "server/core.h"

struct p9_req *p9__req_new(struct p9_conn *c, const uint8_t *msg, size_t len, uint8_t *owned)
{
	struct p9_req *r = malloc(sizeof(*r));
	if (!r)
		return NULL;
	memset(r, 0, offsetof(struct p9_req, outbuf_small));
	if (owned) {
		r->inbuf = owned;
	} else if (len <= sizeof(r->inbuf_small)) {
		r->inbuf = r->inbuf_small;
		memcpy(r->inbuf, msg, len);
	} else {
		r->inbuf = p9__buf_get(len, &r->incap);
		if (!r->inbuf) {
			free(r);
			return NULL;
		}
		memcpy(r->inbuf, msg, len);
	}
	r->inlen = len;
	r->conn = c;
	r->out = r->outbuf_small;
	r->outcap = sizeof(r->outbuf_small);
	r->wait.req = r;
	atomic_init(&r->flushed, 0);
	atomic_fetch_add(&c->refs, 1);
	return r;
}

void p9__req_free(struct p9_req *r)
{
	struct p9_conn *c = r->conn;
	if (r->inbuf != r->inbuf_small)
		p9__buf_put(r->inbuf, r->incap);
	if (r->out != r->outbuf_small)
		p9__buf_put(r->out, r->outcap);
	if (r->pipe)
		p9__pipe_put(c->srv, r->pipe, r->pipe_left > 0);
	free(r);
	p9__conn_put(c);
}

int p9__req_reserve_out(struct p9_req *r, size_t cap)
{
	if (cap <= r->outcap)
		return 0;
	size_t got;
	uint8_t *b = p9__buf_get(cap, &got);
	if (!b)
		return -ENOMEM;
	if (r->out != r->outbuf_small)
		p9__buf_put(r->out, r->outcap);
	r->out = b;
	r->outcap = got;
	return 0;
}

static void unlink_inflight(struct p9_conn *c, struct p9_req *r)
{
	if (r->prev_inflight)
		r->prev_inflight->next_inflight = r->next_inflight;
	else
		c->inflight = r->next_inflight;
	if (r->next_inflight)
		r->next_inflight->prev_inflight = r->prev_inflight;
	c->ninflight--;
	c->reserved -= r->reserve;
}

static void abandon_one(struct p9_req *r)
{
	struct p9_conn *c = r->conn;
	struct p9_req *flushers;
	pthread_mutex_lock(&c->lock);
	unlink_inflight(c, r);
	atomic_fetch_sub(&c->nqueued, 1);
	flushers = r->flushers;
	for (struct p9_req *f = flushers; f; f = f->next_flusher)
		unlink_inflight(c, f);
	pthread_mutex_unlock(&c->lock);
	while (flushers) {
		struct p9_req *f = flushers;
		flushers = f->next_flusher;
		p9__req_free(f);
	}
	p9__req_free(r);
}

void p9__req_abandon(struct p9_req *r)
{
	struct p9_conn *c = r->conn;
	struct p9_fid *lane = r->lane; /* and with it a reference on c */
	abandon_one(r);
	while (lane && (r = p9__lane_next(c, lane)))
		abandon_one(r); /* parked behind it: never ran either */
}

/* Pack Rflush for a Tflush whose target has ended. */
static void pack_rflush(struct p9_req *f)
{
	struct p9_fcall fc = { .type = P9_RFLUSH, .tag = f->in.tag };
	f->outlen = p9_pack(f->out, f->outcap, f->conn->dialect, &fc);
}

void p9__req_finish(struct p9_req *r)
{
	struct p9_conn *c = r->conn;
	struct p9_req *flushers;
	/* Sending (or dropping) r may free it and with it its reference on
	 * c; ours keeps c until the end of this function. */
	atomic_fetch_add(&c->refs, 1);
	pthread_mutex_lock(&c->lock);
	unlink_inflight(c, r);
	r->done = 1;
	flushers = r->flushers;
	r->flushers = NULL;
	for (struct p9_req *f = flushers; f; f = f->next_flusher) {
		unlink_inflight(c, f);
		f->done = 1;
	}
	pthread_cond_broadcast(&c->idle_cond);
	/* The replies join the tx queue before c->lock is let go: a Tflush
	 * that finds r done answers at once, and its Rflush must come after
	 * r's reply, never before it (lock order: c->lock, then tx_lock). */
	if (r->dropped)
		p9__req_free(r);
	else
		p9__conn_send(c, r);
	while (flushers) {
		struct p9_req *f = flushers;
		flushers = f->next_flusher;
		pack_rflush(f);
		p9__conn_send(c, f);
	}
	/* Replies to a pipelined batch leave together: the request that
	 * empties the connection's queue writes them all. The queue is
	 * looked at after our replies are in the tx queue: looked at
	 * earlier, a request still queued then could run, send and flush
	 * before our replies were queued, leaving them unsent. (A request
	 * leaves the queue with an atomic decrement, outside c->lock: one
	 * that we count here will start later, and look after us.) */
	int more_queued = atomic_load(&c->nqueued) > 0;
	pthread_mutex_unlock(&c->lock);
	if (!more_queued)
		p9__conn_flush_tx(c);
	p9__conn_put(c);
}

/* Pack an error reply in the connection's dialect. */
static void pack_error(struct p9_req *r, int err)
{
	struct p9_fcall fc = { .tag = r->in.tag };
	if (r->pipe) { /* data read for a reply that will not carry it */
		p9__pipe_put(r->conn->srv, r->pipe, 1);
		r->pipe = NULL;
		r->pipe_left = 0;
	}
	if (r->conn->dialect == P9_DIALECT_2000L) {
		fc.type = P9_RLERROR;
		fc.u.rlerror.ecode = (uint32_t)-err;
	} else {
		fc.type = P9_RERROR;
		fc.u.rerror.ename = p9_str_c(strerror(-err));
		fc.u.rerror.errnum = (uint32_t)-err;
	}
	r->outlen = p9_pack(r->out, r->outcap, r->conn->dialect, &fc);
}

/* Called by dispatch with the handler's outcome: 0 with r->out packed, a
 * negative errno, or P9__PENDING (a Tflush waiting for its target). */
void p9__req_respond(struct p9_req *r, int err)
{
	if (err == P9__PENDING)
		return;
	if (err == -EINTR && atomic_load(&r->flushed))
		r->dropped = 1; /* cancelled: the Rflush says so */
	else if (err < 0)
		pack_error(r, err);
	if (!r->dropped && p9__log_level >= 3) {
		struct p9_fcall fc;
		char line[256];
		if (p9_unpack(r->out, r->outlen, r->conn->dialect, &fc) == 0) {
			p9_format(line, sizeof(line), &fc);
			p9__log(3, "%s: <- %s", r->conn->peer, line);
		}
	}
	p9__req_finish(r);
}

void p9__req_run(struct p9_req *r)
{
	struct p9_conn *c = r->conn;
	struct p9_fid *lane = r->lane; /* r may be freed once answered */
	do {
		int barrier = r->inbuf[4] == P9_TVERSION;
		atomic_fetch_sub(&c->nqueued, 1);
		p9__dispatch(r);
		/* A Tversion holds the read side (see p9__conn_on_readable), and
		 * with it the reference that keeps c: read on from where it stopped. */
		if (barrier)
			p9__conn_on_readable(c);
	} while (lane && (r = p9__lane_next(c, lane)));
}

int p9_wait_begin(struct p9_wait *w)
{
	struct p9_req *r = w->req;
	struct p9_conn *c = r->conn;
	pthread_mutex_lock(&c->lock);
	if (atomic_load(&r->flushed)) {
		pthread_mutex_unlock(&c->lock);
		return -EINTR;
	}
	r->thread = p9_os_thread_self();
	pthread_mutex_unlock(&c->lock);
	/* Replies held back for this batch (see p9__req_finish) must not
	 * wait for a wait that may never end. */
	p9__conn_flush_tx(c);
	p9__wait_blocking_begin(c->srv);
	return 0;
}

void p9_wait_end(struct p9_wait *w)
{
	struct p9_req *r = w->req;
	struct p9_conn *c = r->conn;
	pthread_mutex_lock(&c->lock);
	r->thread = 0;
	pthread_mutex_unlock(&c->lock);
	p9__wait_blocking_end(c->srv);
}

int p9_wait_cancelled(struct p9_wait *w)
{
	return atomic_load(&w->req->flushed);
}
