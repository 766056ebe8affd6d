/*
 * core.h: the server's internal objects and how they relate.
 *
 *   server 1--* conn 1--* req        (requests in flight on a connection)
 *                    1--* fid        (the connection's fid table)
 *
 * Threads: every worker runs the same loop (worker.c): take a request
 * from the run queue and answer it, or wait in the poller for a connection to
 * read. The thread that reads a connection parses the messages and queues
 * them; it then runs them itself unless an idle worker is woken to share
 * the batch. So a lone request never changes threads, and a slow one
 * holds only the thread that runs it.
 *
 * Lock order: conn->lock, then server->runq_lock; fid table lock
 * (conn->fid_lock) is a leaf; tx_lock is a leaf.
 *
 * Reference counts: a conn holds one reference for being open plus one
 * per request in flight; it is freed when the last one goes. A fid holds
 * one reference for being in the table plus one per request using it.
 */
#ifndef P9_SERVER_CORE_H
#define P9_SERVER_CORE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include "fs/fs.h"
#include "p9/proto.h"
#include "p9/server.h"
#include "platform/net.h"

struct p9_server;
struct p9_conn;

/* Blocking-wait bookkeeping of one request (see fs.h). */
struct p9_wait {
	struct p9_req *req;
};

struct p9_req {
	struct p9_conn *conn;
	struct p9_req *next; /* run queue, or a fid's write lane (lane.c) */
	struct p9_req *prev_inflight, *next_inflight;
	struct p9_fcall in;
	uint8_t *inbuf; /* owned: the message bytes */
	size_t inlen;
	uint8_t *out; /* reply bytes (outbuf_small or owned buffer) */
	size_t outlen, outcap;
	struct p9_wait wait;
	struct p9_req *flushers; /* Tflush requests answered after this one */
	struct p9_req *next_flusher;
	uint64_t thread; /* thread running an interruptible wait, or 0 */
	atomic_int flushed; /* a Tflush asked to cancel this request */
	int done; /* reply queued (or dropped); under conn->lock */
	int dropped; /* reply not to be sent */
	size_t incap; /* capacity of inbuf when it is owned */
	struct p9__pipe *pipe; /* the reply is in this pipe (pipes.c), not in out */
	size_t pipe_left; /* its bytes not yet sent */
	uint32_t reserve; /* reply bytes it may add (Tread, Treaddir); in conn->reserved */
	struct p9_fid *lane; /* the write lane this request holds (lane.c), or NULL */
	struct p9_txbuf {
		struct p9_txbuf *next;
		struct p9_req *req; /* freed once written */
		size_t off;
	} tx;
	uint8_t outbuf_small[256];
	uint8_t inbuf_small[256];
};

struct p9_conn {
	struct p9_server *srv;
	int rfd, wfd; /* wfd is a dup when both are one socket: it has its own poller entry */
	int is_socket;
	int zero_copy; /* large Rreads go through a pipe (pipes.c) */
	atomic_int refs;
	enum p9_dialect dialect;
	uint32_t msize;
	int versioned; /* a Tversion was answered */

	/* receive side: owned by the one thread that holds the read event */
	uint8_t *rbuf;
	size_t rcap, rlen;

	pthread_mutex_t lock; /* inflight list, counters, flags below */
	struct p9_req *inflight;
	unsigned ninflight;
	/* Requests in the run queue not yet started: added under lock by the
	 * reader, taken off atomically by whoever starts one (see
	 * p9__req_finish for why that is enough). */
	atomic_uint nqueued;
	size_t reserved; /* reply bytes in-flight requests may still add */
	int dead; /* peer gone or protocol error: stop reading */
	int read_paused; /* too many requests in flight or too many bytes to send: no
			  * read event armed, nobody reading */
	int read_done; /* the read side's reference (being open) is dropped */
	pthread_cond_t idle_cond; /* signalled when ninflight drops */

	pthread_mutex_t tx_lock; /* tx queue and its writer */
	struct p9_txbuf *tx_head, *tx_tail;
	size_t tx_bytes; /* memory held by queued replies (see tx_cost), not bytes to send */
	int tx_armed; /* waiting for P9_OS_POLL_OUT */
	int wfd_registered; /* wfd is in the poller */

	pthread_mutex_t fid_lock;
	struct p9_fid **fids; /* hash table by number */
	unsigned fid_buckets, nfids;

	char peer[64];
	struct p9_conn *prev, *next; /* server's list, under srv->conns_lock */
};

struct p9_listener {
	int fd;
	int is_unix;
	char *unix_path; /* unlinked at exit */
	char bound[96];
};

struct p9_server {
	struct p9_server_config cfg;
	struct p9_fs *fs;
	struct p9_os_poll *poll;
	struct p9_os_wake wake; /* wakes an idle worker (one-shot) */
	struct p9_os_wake stop; /* stop: level-triggered, wakes every worker */
	atomic_int stopping;
	int stop_when_idle;

	struct p9_listener *listeners;
	unsigned nlisteners;

	pthread_mutex_t runq_lock;
	struct p9_req *runq_head, *runq_tail;
	atomic_int nidle; /* workers waiting in the poller */
	atomic_int nblocked; /* workers in a long wait */
	atomic_int nworkers;
	pthread_mutex_t threads_lock; /* nlive */
	pthread_cond_t threads_cond; /* signalled when a worker exits */
	int nlive;

	atomic_int nconns;
	pthread_mutex_t conns_lock; /* conns list */
	struct p9_conn *conns;

	pthread_mutex_t cred_lock;
	struct p9_cred_entry *creds;

	pthread_mutex_t pipes_lock; /* pipes_free */
	struct p9__pipe *pipes_free; /* pipes.c: for zero-copy Rreads */

	char errbuf[256];
};

/* Poller user data tags: the low bits of the pointer say what it is. */
enum { P9_EV_CONN_READ = 0, P9_EV_CONN_WRITE = 1, P9_EV_LISTENER = 2, P9_EV_WAKE = 3 };

/* worker.c */
void p9__runq_push(struct p9_server *s, struct p9_req **reqs, unsigned n);
int p9__worker_start(struct p9_server *s);
void p9__wait_blocking_begin(struct p9_server *s);
void p9__wait_blocking_end(struct p9_server *s);

/* lane.c: a Twrite taken while another on its fid runs is parked (1),
 * else it may run now, holding the fid's lane if it is a Twrite; the
 * holder then takes the parked ones with p9__lane_next until NULL. */
int p9__lane_park(struct p9_req *r);
struct p9_req *p9__lane_next(struct p9_conn *c, struct p9_fid *f);

/* pipes.c */
struct p9_fs;
struct p9_fid;
void p9__pipes_init(struct p9_server *s);
void p9__pipes_free(struct p9_server *s);
void p9__pipe_put(struct p9_server *s, struct p9__pipe *p, int holds_data);
ssize_t p9__pipe_send(struct p9__pipe *p, int stream, size_t len); /* -EAGAIN: full */
/* Read for an Rread into r: through a pipe when it pays (then r->pipe is
 * set and r->out has no data), else into r->out + P9_RREAD_HDRSZ. */
ssize_t p9__read_reply(struct p9_req *r, struct p9_fs *fs, struct p9_fid *f, uint64_t off,
		       uint32_t count);

/* conn.c */
struct p9_conn *p9__conn_new(struct p9_server *s, int rfd, int wfd, const char *peer);
void p9__conn_on_readable(struct p9_conn *c);
void p9__conn_on_writable(struct p9_conn *c);
void p9__conn_put(struct p9_conn *c);
void p9__conn_send(struct p9_conn *c, struct p9_req *r); /* queue r's reply */
void p9__conn_flush_tx(struct p9_conn *c);
void p9__conn_rearm_read(struct p9_conn *c);
void p9__conn_shutdown(struct p9_conn *c); /* at p9_server_free: kill, drop the read side */
void p9__conn_cancel_all(struct p9_conn *c); /* interrupt every request in flight */

/* req.c */
struct p9_req *p9__req_new(struct p9_conn *c, const uint8_t *msg, size_t len, uint8_t *owned);
void p9__req_free(struct p9_req *r);
void p9__req_abandon(struct p9_req *r); /* never ran: unlink and free, with its lane (shutdown) */
void p9__req_run(struct p9_req *r); /* dispatch and answer */
void p9__req_finish(struct p9_req *r); /* reply is packed in r->out, or r->dropped */
#define P9__PENDING 1 /* a handler's answer: the reply will come later */
void p9__req_respond(struct p9_req *r, int err); /* 0: r->out packed; <0: error */
int p9__req_reserve_out(struct p9_req *r, size_t cap);

/* fid.c */
int p9__fid_table_init(struct p9_conn *c);
struct p9_fid *p9__fid_get(struct p9_conn *c, uint32_t num); /* +1 ref, or NULL */
struct p9_fid *p9__fid_find_locked(struct p9_conn *c, uint32_t num); /* no ref; under fid_lock */
int p9__fid_add(struct p9_conn *c, uint32_t num, const struct p9_cred *cred, struct p9_fid **out);
void p9__fid_put(struct p9_conn *c, struct p9_fid *f);
int p9__fid_unhash(struct p9_conn *c, struct p9_fid *f); /* drops the table's ref */
void p9__fid_clunk_all(struct p9_conn *c);

/* dispatch.c */
void p9__dispatch(struct p9_req *r);

/* dispatch_u.c: 9P2000.u and classic 9P2000 (all but Tversion/Tauth/Tflush) */
int p9__dispatch_u_has(uint8_t type); /* the dialects have a handler for type */
/* Remove c's ORCLOSE files: before its fids are clunked, with no other
 * request in flight. */
void p9__dispatch_u_reset(struct p9_conn *c);
void p9__ufid_free(struct p9_ufid *u); /* a fid's dialect state */

/* cred.c */
const struct p9_cred *p9__cred_get(struct p9_server *s, uint32_t uid);
void p9__cred_free_all(struct p9_server *s);

/* log.c */
void p9__log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void p9__log_set_level(int level);
extern int p9__log_level;

#endif
