/*
 * bench.h: what the files of p9bench share: the options, one pipelined
 * connection (struct bconn) and its request slots, the latency histogram
 * and the server's /proc counters.
 *
 * Threads: one thread per connection owns its struct bconn entirely; the
 * only shared state is the phase word (bench_phase), written by the main
 * thread and read by the connection threads, and the options, which are
 * read-only once the threads start. Counters are summed by the main thread
 * after the threads are joined, so nothing needs a lock.
 *
 * Tags: slot i of a connection always uses tag i, and a slot has at most
 * one request in flight, so a reply's tag names its slot directly and a
 * tag can never be in use twice.
 */
#ifndef P9BENCH_H
#define P9BENCH_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "p9/client.h"
#include "p9/proto.h"

enum bench_workload {
	WL_GETATTR,
	WL_WALKSTAT,
	WL_READ,
	WL_WRITE,
	WL_RANDREAD,
	WL_RANDWRITE,
	WL_CREATE,
	WL_READDIR,
};

/* Names in the export that --setup creates and the workloads use. */
#define BENCH_DEEP_DIR "a/b/c/d"
#define BENCH_DEEP_FILE "a/b/c/d/file"
#define BENCH_READ_FILE "big"
#define BENCH_WRITE_FILE "wbig"
#define BENCH_CREATE_DIR "cr"
#define BENCH_LIST_DIR "dir10k"

struct bench_opts {
	const char *addr;
	const char *aname;
	const char *uname;
	const char *label; /* server= in the RESULT line */
	uint32_t uid;
	enum bench_workload wl;
	int have_wl;
	int conns, depth;
	double seconds, warmup;
	uint32_t msize; /* offered; each connection keeps what was agreed */
	uint32_t bs;    /* I/O size; 0: msize - 24 (sequential) or 4096 (random) */
	uint64_t file_size;
	uint32_t dir_entries;
	pid_t server_pid;
	int setup;
	int header;                               /* print the human table's header line */
	int scale_conns, scale_fids, scale_write; /* --scale-* (scale.c) */
};

extern struct bench_opts bench_opt;

/* scale.c: the --scale-* figures; 0 when every check passed. */
int bench_scale(const struct bench_opts *o);

/* 0 warm-up, 1 measured window, 2 stop: start no new operation. */
enum { PHASE_WARM, PHASE_MEASURE, PHASE_STOP };
extern atomic_int bench_phase;

/*
 * Latency histogram in nanoseconds, log-linear: values below 2^HB are
 * exact, above that each power of two is cut into 2^HB buckets, so a
 * percentile is off by at most 1/2^HB (under 2%) whatever the range.
 */
#define HIST_HB 6
#define HIST_N ((64 - HIST_HB + 1) << HIST_HB)
struct hist {
	uint64_t n[HIST_N];
	uint64_t count;
};
void hist_add(struct hist *h, uint64_t ns);
void hist_merge(struct hist *into, const struct hist *from);
/* The value (ns) below which a fraction q of the samples lie. */
double hist_quantile(const struct hist *h, double q);

/* The server's counters from /proc: CPU in clock ticks (utime + stime of
 * the whole process, exited threads included) and context switches summed
 * over its live threads, and minor page faults. ok is 0 when /proc could not be read. */
struct srv_sample {
	int ok;
	uint64_t ticks;
	uint64_t csw;
	uint64_t minflt; /* minor page faults (field 10): buffers faulted in */
};
void srv_sample_read(pid_t pid, struct srv_sample *s);

/* One request slot: a chain of requests (one operation) in progress. */
struct slot {
	uint16_t tag;
	uint8_t expect;   /* R-type awaited; 0: nothing in flight */
	uint8_t asked;    /* T-type of the last request sent */
	uint8_t step;     /* position in the workload's chain */
	uint8_t busy;     /* an operation is in progress */
	uint8_t fid_live; /* fid exists on the server and must be clunked */
	uint8_t failed;   /* the operation hit an error: do not count it */
	uint32_t fid;
	uint64_t t0;      /* operation start, ns */
	uint64_t offset;  /* I/O offset, or the directory offset of a scan */
	uint32_t count;   /* I/O count asked for */
	uint64_t entries; /* entries seen in this scan */
	uint64_t seq;     /* create: names made by this slot so far */
	char name[64];    /* create: the name in flight */
	uint8_t hdr[512]; /* the packed request; iov points here */
};

struct bconn {
	int id;
	int fd;               /* our socket, used raw once setup is done */
	struct p9_client *cl; /* the same socket (a dup) for setup */
	uint32_t msize;
	uint32_t root;  /* attached fid */
	uint32_t base;  /* the workload's fixed fid (file, directory) */
	uint64_t fsize; /* size of the I/O file */
	uint32_t bs;
	int use_remove;    /* the server refused Tunlinkat: Twalk + Tremove */
	uint64_t next_off; /* sequential I/O position */
	uint64_t rng;
	uint64_t expect_entries; /* readdir: what the first scan saw */

	struct slot *slots;
	int nslots;
	int inflight;

	/* send queue: iovecs into slot headers and the write pattern */
	struct iovec *iov;
	int niov, iovcap;

	/* receive buffer: bytes [rpos, rlen) are unparsed */
	uint8_t *rbuf;
	size_t rcap, rpos, rlen;

	/* counted in the measured window only */
	uint64_t ops, msgs, bytes, entries;
	uint64_t errors; /* all phases */
	int first_err;   /* first Rlerror errno, for the report */
	char first_err_what[48];
	struct hist lat;

	uint64_t lost; /* replies never received when the connection gave up */
	int fatal;     /* negative errno: the connection is unusable */
	char fatal_msg[160];
};

/* conn.c: the socket and the pipelined loop. */
int bconn_open(struct bconn *c, const struct bench_opts *o);
void bconn_close(struct bconn *c);
/* Queue fc (tag and packing done here) for slot s, expecting rtype. With
 * data, fc must be a Twrite whose payload is data[0..count): it is sent
 * from there, not copied. */
void bconn_send(struct bconn *c, struct slot *s, struct p9_fcall *fc, uint8_t rtype,
                const uint8_t *data);
/* Run the workload until the phase is STOP and every slot is idle. */
void bconn_run(struct bconn *c);
void bconn_fail(struct bconn *c, int err, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* workloads.c */
int wl_parse(const char *name, enum bench_workload *out);
const char *wl_name(enum bench_workload wl);
/* Fids and files for the workload, through the client library. */
int wl_prepare(struct bconn *c, const struct bench_opts *o);
void wl_start(struct bconn *c, struct slot *s);
/* A reply (already checked: tag, size, unpacked) for slot s. */
void wl_reply(struct bconn *c, struct slot *s, const struct p9_fcall *rx);
extern const uint8_t *wl_pattern; /* write payload, msize bytes */

/* setup.c */
int bench_setup(const struct bench_opts *o);

uint64_t now_ns(void);

#endif
