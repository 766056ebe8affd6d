/*
 * rpc.c: tags, sending, and matching replies to waiters.
 *
 * There is no reader thread: a waiter whose reply has not arrived becomes
 * the reader if nobody else is (c->reading), reads one message, files it
 * under its tag, and lets go, so another waiter may take over; the others
 * sleep on c->cond. Any reply can thus arrive in any order and still reach
 * its own waiter. A transport error kills the connection (c->dead) for
 * everyone, since a stream that lost a byte has no message boundaries.
 * A reply that cannot be stored for want of memory is read and dropped and
 * its waiter gets -ENOMEM: the stream stays in step.
 *
 * Tags are handed out lowest first, so a single-threaded caller always
 * uses tag 0 and tests can predict the bytes on the wire.
 *
 * Why no reader thread is needed: a reply can only be pending for a
 * request whose sender has finished sending it, and a sender that uses
 * p9_client_rpc is then waiting, hence reading. So the server never sits
 * on an unread reply while we block writing to it. A caller that pipelines
 * p9_client_send without waiting must keep its sends smaller than what
 * the socket buffers hold, or wait in another thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/internal.h"

static struct p9__slot *slot_of(struct p9_client *c, uint16_t tag)
{
	if (tag == P9_NOTAG)
		return &c->notag;
	return tag < c->nslots ? &c->slots[tag] : NULL;
}

/* Lowest free tag; grows the table. Called with lock held. */
static int tag_alloc(struct p9_client *c, uint16_t *tag)
{
	for (uint32_t t = 0; t < c->nslots; t++) {
		if (c->slots[t].state == P9__SLOT_FREE && !c->slots[t].filling) {
			*tag = (uint16_t)t;
			return 0;
		}
	}
	if (c->nslots >= P9_NOTAG)
		return -EAGAIN;
	uint32_t n = c->nslots ? c->nslots * 2 : 16;
	if (n > P9_NOTAG)
		n = P9_NOTAG;
	struct p9__slot *s = realloc(c->slots, n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memset(s + c->nslots, 0, (n - c->nslots) * sizeof(*s));
	*tag = (uint16_t)c->nslots;
	c->slots = s;
	c->nslots = n;
	return 0;
}

static void slot_release(struct p9__slot *s)
{
	s->state = P9__SLOT_FREE;
	s->waiting = 0;
	s->err = 0;
	s->len = 0;
}

/* The calling thread's reply buffer entry, created on first use. Called
 * with lock held. */
static struct p9__rbuf *rbuf_self(struct p9_client *c)
{
	pthread_t self = pthread_self();
	for (size_t i = 0; i < c->nrbufs; i++)
		if (pthread_equal(c->rbufs[i].owner, self))
			return &c->rbufs[i];
	struct p9__rbuf *r = realloc(c->rbufs, (c->nrbufs + 1) * sizeof(*r));
	if (!r)
		return NULL;
	c->rbufs = r;
	r = &c->rbufs[c->nrbufs++];
	r->owner = self;
	r->buf = NULL;
	r->cap = 0;
	return r;
}

void p9__client_kill(struct p9_client *c, int err)
{
	pthread_mutex_lock(&c->lock);
	if (!c->dead)
		c->dead = err;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

void p9__rpc_free(struct p9_client *c)
{
	for (uint32_t t = 0; t < c->nslots; t++)
		free(c->slots[t].buf);
	free(c->slots);
	free(c->notag.buf);
	for (size_t i = 0; i < c->nrbufs; i++)
		free(c->rbufs[i].buf);
	free(c->rbufs);
	free(c->txbuf);
}

/* ---- deadlines ---- */

static void deadline_set(struct timespec *d, int timeout_ms)
{
	clock_gettime(CLOCK_MONOTONIC, d);
	d->tv_sec += timeout_ms / 1000;
	d->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (d->tv_nsec >= 1000000000L) {
		d->tv_sec++;
		d->tv_nsec -= 1000000000L;
	}
}

/* Milliseconds left (>= 0), or -1 for no deadline. */
static int deadline_left(const struct timespec *d)
{
	if (!d)
		return -1;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ms =
	        (long long)(d->tv_sec - now.tv_sec) * 1000 + (d->tv_nsec - now.tv_nsec) / 1000000L;
	if (ms < 0)
		return 0;
	return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

/* Sleep on cond; -ETIMEDOUT past the deadline. Called with lock held. */
static int cond_sleep(struct p9_client *c, const struct timespec *d)
{
	if (!d) {
		pthread_cond_wait(&c->cond, &c->lock);
		return 0;
	}
	return pthread_cond_timedwait(&c->cond, &c->lock, d) == ETIMEDOUT ? -ETIMEDOUT : 0;
}

/* ---- reading ---- */

/* Consume n bytes nobody wants. */
static int discard(struct p9_client *c, size_t n)
{
	uint8_t junk[512];
	while (n > 0) {
		size_t k = n < sizeof(junk) ? n : sizeof(junk);
		int r = p9__conn_read(&c->conn, junk, k, -1);
		if (r < 0)
			return r;
		n -= k;
	}
	return 0;
}

/* Read one message and file it under its tag. Called by the thread that
 * owns the reading side, without lock. Returns 0, -ETIMEDOUT (nothing
 * consumed) or a fatal error. */
static int read_one(struct p9_client *c, int timeout_ms)
{
	uint8_t hdr[P9_HDRSZ];
	int r = p9__conn_read(&c->conn, hdr, sizeof(hdr), timeout_ms);
	if (r < 0)
		return r;
	uint32_t size = p9_get_u32(hdr);
	uint16_t tag = p9_get_u16(hdr + 5);

	pthread_mutex_lock(&c->lock);
	uint32_t max = c->recv_max;
	struct p9__slot *s = slot_of(c, tag);
	int mine = size >= P9_HDRSZ && size <= max && s && s->state == P9__SLOT_SENT && !s->filling;
	uint8_t *buf = NULL;
	size_t cap = 0;
	if (mine) {
		buf = s->buf;
		cap = s->cap;
		s->buf = NULL;
		s->cap = 0;
		s->filling = 1;
	}
	pthread_mutex_unlock(&c->lock);

	if (size < P9_HDRSZ || size > max)
		return -EPROTO;
	if (!mine)
		return discard(c, size - P9_HDRSZ);

	int err = 0;
	if (cap < size) {
		uint8_t *nb = realloc(buf, size);
		if (nb) {
			buf = nb;
			cap = size;
		} else {
			err = -ENOMEM;
		}
	}
	if (err == 0) {
		memcpy(buf, hdr, P9_HDRSZ);
		r = p9__conn_read(&c->conn, buf + P9_HDRSZ, size - P9_HDRSZ, -1);
	} else {
		r = discard(c, size - P9_HDRSZ);
	}

	pthread_mutex_lock(&c->lock);
	s = slot_of(c, tag); /* the table may have moved */
	s->buf = buf;
	s->cap = cap;
	s->filling = 0;
	/* Forgotten meanwhile: the reply goes nowhere. */
	if (r == 0 && s->state == P9__SLOT_SENT) {
		s->state = P9__SLOT_DONE;
		s->len = size;
		s->err = err;
		s->seq = ++c->seq;
	}
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	return r;
}

/* ---- sending ---- */

int p9_client_send(struct p9_client *c, struct p9_fcall *tx, uint16_t *tag)
{
	uint16_t t = P9_NOTAG;
	int r = 0;

	pthread_mutex_lock(&c->lock);
	if (c->dead) {
		r = c->dead;
	} else if (tx->type == P9_TVERSION) {
		if (c->notag.state != P9__SLOT_FREE || c->notag.filling)
			r = -EBUSY;
	} else {
		r = tag_alloc(c, &t);
	}
	if (r < 0) {
		pthread_mutex_unlock(&c->lock);
		return r;
	}
	struct p9__slot *s = slot_of(c, t);
	s->state = P9__SLOT_SENT;
	uint32_t msize = c->msize;
	enum p9_dialect d = c->dialect;
	if (tx->type == P9_TVERSION && tx->u.version.msize > c->recv_max)
		c->recv_max = tx->u.version.msize; /* the Rversion may use it */
	pthread_mutex_unlock(&c->lock);

	tx->tag = t;
	size_t size = p9_packed_size(d, tx);
	if (size == 0)
		r = -EINVAL;
	else if (size > msize && tx->type != P9_TVERSION)
		r = -EMSGSIZE;
	if (r == 0) {
		pthread_mutex_lock(&c->wlock);
		if (c->txcap < size) {
			uint8_t *nb = realloc(c->txbuf, size);
			if (nb) {
				c->txbuf = nb;
				c->txcap = size;
			} else {
				r = -ENOMEM;
			}
		}
		if (r == 0 && p9_pack(c->txbuf, c->txcap, d, tx) != size)
			r = -EINVAL;
		if (r == 0) {
			r = p9__conn_write(&c->conn, c->txbuf, size);
			if (r < 0)
				p9__client_kill(c, r);
		}
		pthread_mutex_unlock(&c->wlock);
	}
	if (r < 0) {
		pthread_mutex_lock(&c->lock);
		slot_release(slot_of(c, t));
		pthread_mutex_unlock(&c->lock);
		return r;
	}
	if (tag)
		*tag = t;
	return 0;
}

int p9_client_send_raw(struct p9_client *c, const void *bytes, size_t len)
{
	pthread_mutex_lock(&c->wlock);
	pthread_mutex_lock(&c->lock);
	int r = c->dead;
	pthread_mutex_unlock(&c->lock);
	if (r == 0) {
		r = p9__conn_write(&c->conn, bytes, len);
		if (r < 0)
			p9__client_kill(c, r);
	}
	pthread_mutex_unlock(&c->wlock);
	return r;
}

/* ---- waiting ---- */

int p9_client_wait_timed(struct p9_client *c, uint16_t tag, struct p9_fcall *rx, int timeout_ms,
                         uint64_t *seq)
{
	struct timespec dl, *d = NULL;
	if (timeout_ms >= 0) {
		deadline_set(&dl, timeout_ms);
		d = &dl;
	}

	pthread_mutex_lock(&c->lock);
	struct p9__slot *s = slot_of(c, tag);
	if (!s || s->state == P9__SLOT_FREE) {
		pthread_mutex_unlock(&c->lock);
		return -EINVAL;
	}
	if (s->waiting) {
		pthread_mutex_unlock(&c->lock);
		return -EBUSY;
	}
	s->waiting = 1;

	int r = 0;
	for (;;) {
		s = slot_of(c, tag);
		if (s->state == P9__SLOT_DONE)
			break;
		if (c->dead) {
			r = c->dead;
			slot_release(s);
			pthread_mutex_unlock(&c->lock);
			return r;
		}
		if (!c->reading) {
			c->reading = 1;
			pthread_mutex_unlock(&c->lock);
			r = read_one(c, deadline_left(d));
			pthread_mutex_lock(&c->lock);
			c->reading = 0;
			pthread_cond_broadcast(&c->cond);
			if (r < 0 && r != -ETIMEDOUT && !c->dead)
				c->dead = r;
		} else {
			r = cond_sleep(c, d);
		}
		if (r == -ETIMEDOUT) {
			s = slot_of(c, tag);
			if (s->state == P9__SLOT_DONE)
				break;
			s->waiting = 0;
			pthread_mutex_unlock(&c->lock);
			return -ETIMEDOUT;
		}
	}

	struct p9__rbuf *rb = rbuf_self(c);
	if (!rb) {
		/* Keep the reply: a later wait may find the memory. */
		s->waiting = 0;
		pthread_mutex_unlock(&c->lock);
		return -ENOMEM;
	}
	uint8_t *buf = s->buf;
	size_t cap = s->cap, len = s->len;
	int err = s->err;
	if (seq)
		*seq = s->seq;
	s->buf = rb->buf;
	s->cap = rb->cap;
	rb->buf = buf;
	rb->cap = cap;
	slot_release(s);
	enum p9_dialect dialect = c->dialect;
	pthread_mutex_unlock(&c->lock);

	if (err)
		return err;
	if (p9_unpack(buf, len, dialect, rx) < 0)
		return -EPROTO;
	return 0;
}

int p9_client_wait(struct p9_client *c, uint16_t tag, struct p9_fcall *rx)
{
	return p9_client_wait_timed(c, tag, rx, -1, NULL);
}

int p9_client_rpc(struct p9_client *c, struct p9_fcall *tx, struct p9_fcall *rx)
{
	uint16_t tag;
	int r = p9_client_send(c, tx, &tag);
	if (r < 0)
		return r;
	return p9_client_wait(c, tag, rx);
}

void p9_client_forget(struct p9_client *c, uint16_t tag)
{
	pthread_mutex_lock(&c->lock);
	struct p9__slot *s = slot_of(c, tag);
	if (s && !s->waiting)
		slot_release(s);
	pthread_mutex_unlock(&c->lock);
}

ssize_t p9_client_recv_raw(struct p9_client *c, uint8_t *buf, size_t cap, int timeout_ms)
{
	struct timespec dl, *d = NULL;
	if (timeout_ms >= 0) {
		deadline_set(&dl, timeout_ms);
		d = &dl;
	}
	pthread_mutex_lock(&c->lock);
	while (c->reading && !c->dead) {
		if (cond_sleep(c, d) == -ETIMEDOUT) {
			pthread_mutex_unlock(&c->lock);
			return -ETIMEDOUT;
		}
	}
	if (c->dead) {
		int e = c->dead;
		pthread_mutex_unlock(&c->lock);
		return e;
	}
	c->reading = 1;
	uint32_t max = c->recv_max;
	pthread_mutex_unlock(&c->lock);

	uint8_t hdr[P9_HDRSZ];
	ssize_t ret;
	int r = p9__conn_read(&c->conn, hdr, sizeof(hdr), deadline_left(d));
	uint32_t size = r == 0 ? p9_get_u32(hdr) : 0;
	if (r < 0) {
		ret = r;
	} else if (size < P9_HDRSZ || size > max) {
		ret = r = -EPROTO;
	} else if (size > cap) {
		r = discard(c, size - P9_HDRSZ);
		ret = r < 0 ? r : -EMSGSIZE;
	} else {
		memcpy(buf, hdr, P9_HDRSZ);
		r = p9__conn_read(&c->conn, buf + P9_HDRSZ, size - P9_HDRSZ, -1);
		ret = r < 0 ? r : (ssize_t)size;
	}

	pthread_mutex_lock(&c->lock);
	c->reading = 0;
	if (r < 0 && r != -ETIMEDOUT && !c->dead)
		c->dead = r;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	return ret;
}
