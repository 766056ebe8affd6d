/*
 * internal.h: the client's state, shared by the files of src/client.
 *
 * Lock order: wlock before lock (a writer that fails marks the connection
 * dead under lock while still holding wlock). Nothing else nests.
 *
 * Tags: slots[t] is the state of tag t, notag that of NOTAG (Tversion).
 * A slot goes FREE -> SENT (p9_client_send) -> DONE (a reader stored the
 * reply in slot->buf) -> FREE (its waiter took the reply). The reader takes
 * slot->buf out of the slot while it fills it (filling = 1), so it can
 * read without the lock; slot->buf belongs to the slot again afterwards.
 *
 * Reply buffers: when a waiter takes a reply it swaps buffers with its
 * thread's entry in rbufs, so a reply stays valid until the same thread
 * takes the next one, and buffers are recycled instead of reallocated.
 * Entries of threads that have exited stay until p9_client_free.
 */
#ifndef P9_CLIENT_INTERNAL_H
#define P9_CLIENT_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "client/dial.h"
#include "p9/client.h"
#include "p9/proto.h"

#define P9__DEFAULT_MSIZE 8192u

enum { P9__SLOT_FREE, P9__SLOT_SENT, P9__SLOT_DONE };

struct p9__slot {
	uint8_t state;
	uint8_t waiting; /* a thread is in p9_client_wait for this tag */
	uint8_t filling; /* a reader is reading the reply into buf */
	int err;         /* the reply arrived but could not be kept (-ENOMEM) */
	uint8_t *buf;    /* owned by the slot; the reply when DONE */
	size_t cap, len;
	uint64_t seq; /* arrival number of the reply */
};

struct p9__rbuf {
	pthread_t owner;
	uint8_t *buf; /* owned here: the owner's last reply */
	size_t cap;
};

struct p9__fidinfo {
	uint8_t used;
	uint32_t iounit; /* from Tlopen/Tlcreate; 0: none */
};

struct p9_client {
	struct p9__conn conn;

	pthread_mutex_t lock;
	pthread_cond_t cond; /* broadcast: a reply stored, reader left, dead */
	/* protected by lock: */
	uint32_t msize;    /* agreed (or the default before Tversion) */
	uint32_t recv_max; /* largest reply accepted (msize offered) */
	enum p9_dialect dialect;
	int dead;     /* 0, or the transport error that ended the connection */
	int reading;  /* a thread owns the reading side */
	uint64_t seq; /* replies read so far */
	struct p9__slot *slots;
	uint32_t nslots;
	struct p9__slot notag;
	struct p9__rbuf *rbufs;
	size_t nrbufs;
	struct p9__fidinfo *fids;
	uint32_t nfids;
	uint32_t fid_lo; /* no free fid below this */

	pthread_mutex_t wlock;
	/* protected by wlock: */
	uint8_t *txbuf;
	size_t txcap;
};

/* rpc.c */
/* Fail every call from now on with err (a negative errno). Takes lock. */
void p9__client_kill(struct p9_client *c, int err);
/* Free what rpc.c allocated (slots, reply buffers). */
void p9__rpc_free(struct p9_client *c);

/* call.c: p9_client_rpc, then the reply type checked: returns 0 when rx is
 * of type rtype, the negated errno of an Rlerror (or Rerror), -EPROTO for
 * any other reply, or the rpc's own error. */
int p9__call(struct p9_client *c, struct p9_fcall *tx, struct p9_fcall *rx, uint8_t rtype);
/* The largest Tread/Twrite/Treaddir count for fid: its iounit, or msize -
 * 24 when it has none or a larger one. */
uint32_t p9__io_chunk(struct p9_client *c, uint32_t fid);

/* walk.c: Tclunk of fid, leaving the fid table alone. Used where a reply
 * that would have created fid may have been lost (-ENOMEM): the server
 * then has the fid, or answers the Tclunk with an error. */
int p9__clunk_wire(struct p9_client *c, uint32_t fid);

/* fid.c */
void p9__fid_set_iounit(struct p9_client *c, uint32_t fid, uint32_t iounit);
uint32_t p9__fid_iounit(struct p9_client *c, uint32_t fid);
void p9__fids_reset(struct p9_client *c);
void p9__fids_free(struct p9_client *c);

#endif
