/*
 * lane.c: the writes to one fid run one after another, on one thread.
 *
 * Why: a buffered write holds the file's inode lock in the kernel, so
 * writes to one file never run side by side anyway. Spread over workers,
 * a pipelined batch of Twrites (the client writing a file sequentially)
 * makes all but one of them spin and sleep on that lock: one context
 * switch per write, 20 µs of server CPU per 64 KiB write where a single
 * thread spends 12 (docs/bench.md). So the first worker to start a Twrite
 * on a fid holds the fid's lane; a Twrite for that fid taken by another
 * worker meanwhile is parked on the lane instead of run, and the holder
 * runs it when its own write is answered, until the lane is empty.
 *
 * A parked request is still queued as far as its connection is concerned
 * (nqueued counts it), and still in flight: a Tflush of it is answered
 * when the holder reaches it, exactly as for a request waiting in the run
 * queue. Reads are not laned: they share the file and may well wait on
 * the disk in parallel.
 *
 * Invariants, under conn->fid_lock: lane_busy is set while a thread holds
 * the fid's lane; lane_head..lane_tail (linked by req->next) are the
 * parked requests, and the list is empty whenever lane_busy is clear. The
 * holder keeps a reference on the fid and on the connection.
 */
#include "server/core.h"

int p9__lane_park(struct p9_req *r)
{
	struct p9_conn *c = r->conn;
	/* Twrite is fid[4] offset[8] count[4] data in every dialect. */
	if (r->inlen < P9_HDRSZ + 4 || r->inbuf[4] != P9_TWRITE || !c->versioned)
		return 0;
	pthread_mutex_lock(&c->fid_lock);
	struct p9_fid *f = p9__fid_find_locked(c, p9_get_u32(r->inbuf + P9_HDRSZ));
	int parked = f && f->lane_busy;
	if (parked) {
		r->next = NULL;
		if (f->lane_tail)
			f->lane_tail->next = r;
		else
			f->lane_head = r;
		f->lane_tail = r;
	} else if (f) {
		f->lane_busy = 1;
		atomic_fetch_add(&f->refs, 1); /* the holder's */
		r->lane = f;
	}
	pthread_mutex_unlock(&c->fid_lock);
	/* (a parked r is the holder's from here: not to be touched) */
	if (f && !parked)
		atomic_fetch_add(&c->refs, 1);
	return parked; /* no fid: the handler answers EBADF */
}

struct p9_req *p9__lane_next(struct p9_conn *c, struct p9_fid *f)
{
	pthread_mutex_lock(&c->fid_lock);
	struct p9_req *r = f->lane_head;
	if (r) {
		f->lane_head = r->next;
		if (!f->lane_head)
			f->lane_tail = NULL;
		r->next = NULL;
		r->lane = f;
	} else {
		f->lane_busy = 0;
	}
	pthread_mutex_unlock(&c->fid_lock);
	if (!r) {
		p9__fid_put(c, f);
		p9__conn_put(c);
	}
	return r;
}
