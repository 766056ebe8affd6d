/*
 * workloads.c: what each slot sends, as a chain of requests per operation.
 *
 *   getattr    Tgetattr(ALL) of a/b/c/d/file on a fid walked once
 *   walkstat   Twalk root -> a/b/c/d to the slot's fid, Tgetattr, Tclunk
 *   read       Tread of bs (default msize - 24), sequential, wrapping
 *   randread   Tread of bs (default 4 KiB) at a random aligned offset
 *   write      Twrite of bs, sequential over wbig, wrapping
 *   randwrite  Twrite of bs at a random aligned offset of wbig
 *   create     Twalk (clone of cr/), Tlcreate, Tclunk, Tunlinkat; when the
 *              server answers EOPNOTSUPP to Tunlinkat (diod), Twalk to the
 *              name + Tremove instead, as the Linux client falls back
 *   readdir    Twalk to dir10k, Tlopen, Treaddir (msize - 24) until empty,
 *              Tclunk; every scan must see as many entries as the first
 *
 * Invariants: a slot's fid exists on the server exactly when fid_live is
 * set, and an operation that failed half-way clunks it before the slot is
 * reused, so no run leaks fids. An operation counts (ops, latency, bytes)
 * only if it completed without error in the measured window.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define STEP_CLEANUP 255

const uint8_t *wl_pattern;

static const char *const names[] = {
        [WL_GETATTR] = "getattr", [WL_WALKSTAT] = "walkstat", [WL_READ] = "read",
        [WL_WRITE] = "write",     [WL_RANDREAD] = "randread", [WL_RANDWRITE] = "randwrite",
        [WL_CREATE] = "create",   [WL_READDIR] = "readdir",
};

int wl_parse(const char *name, enum bench_workload *out)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum bench_workload)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *wl_name(enum bench_workload wl)
{
	return names[wl];
}

static int is_write(enum bench_workload wl)
{
	return wl == WL_WRITE || wl == WL_RANDWRITE;
}

static int is_io(enum bench_workload wl)
{
	return wl == WL_READ || wl == WL_RANDREAD || is_write(wl);
}

static int slot_fids(struct bconn *c)
{
	for (int i = 0; i < c->nslots; i++) {
		int r = p9_client_fid_new(c->cl, &c->slots[i].fid);
		if (r < 0)
			return r;
	}
	return 0;
}

static uint64_t rng_next(struct bconn *c)
{
	/* xorshift64*: cheap, and good enough to scatter offsets. */
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 0x2545F4914F6CDD1Dull;
}

int wl_prepare(struct bconn *c, const struct bench_opts *o)
{
	int r = 0;
	const char *file = NULL;
	c->rng = 0x9E3779B97F4A7C15ull * (uint64_t)(c->id + 1) ^ (uint64_t)getpid();
	switch (o->wl) {
	case WL_GETATTR:
		r = p9_client_walk(c->cl, c->root, BENCH_DEEP_FILE, &c->base, NULL);
		if (r < 0)
			bconn_fail(c, r, "walk %s: %s (run --setup first)", BENCH_DEEP_FILE,
			           strerror(-r));
		return r;
	case WL_WALKSTAT:
	case WL_READDIR:
		return slot_fids(c);
	case WL_CREATE:
		r = p9_client_walk(c->cl, c->root, BENCH_CREATE_DIR, &c->base, NULL);
		if (r < 0) {
			bconn_fail(c, r, "walk %s: %s (run --setup first)", BENCH_CREATE_DIR,
			           strerror(-r));
			return r;
		}
		return slot_fids(c);
	case WL_READ:
	case WL_RANDREAD:
		file = BENCH_READ_FILE;
		break;
	case WL_WRITE:
	case WL_RANDWRITE:
		file = BENCH_WRITE_FILE;
		break;
	}

	r = p9_client_walk(c->cl, c->root, file, &c->base, NULL);
	if (r < 0) {
		bconn_fail(c, r, "walk %s: %s (run --setup first)", file, strerror(-r));
		return r;
	}
	struct p9_rgetattr ga;
	r = p9_client_getattr(c->cl, c->base, P9_GETATTR_BASIC, &ga);
	if (r < 0) {
		bconn_fail(c, r, "getattr %s: %s", file, strerror(-r));
		return r;
	}
	c->fsize = ga.size;
	r = p9_client_lopen(c->cl, c->base, is_write(o->wl) ? P9_DOTL_WRONLY : P9_DOTL_RDONLY, NULL,
	                    NULL);
	if (r < 0) {
		bconn_fail(c, r, "open %s: %s", file, strerror(-r));
		return r;
	}
	uint32_t maxio = c->msize - P9_IOHDRSZ;
	c->bs = o->bs ? o->bs : (o->wl == WL_READ || o->wl == WL_WRITE) ? maxio : 4096;
	if (c->bs > maxio)
		c->bs = maxio;
	if (c->fsize < c->bs) {
		bconn_fail(c, -EINVAL, "%s is %llu bytes, smaller than one %u-byte I/O", file,
		           (unsigned long long)c->fsize, c->bs);
		return -EINVAL;
	}
	/* Connections start spread over the file, so sequential streams
	 * do not read the same pages in lock-step. */
	uint64_t blocks = c->fsize / c->bs;
	c->next_off = (blocks * (uint64_t)c->id / (uint64_t)o->conns) * c->bs;
	return 0;
}

static void send_walk(struct bconn *c, struct slot *s, uint32_t from, const char *path)
{
	struct p9_fcall tx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TWALK;
	tx.u.twalk.fid = from;
	tx.u.twalk.newfid = s->fid;
	const char *p = path;
	while (*p && tx.u.twalk.nwname < P9_MAXWELEM) {
		size_t n = strcspn(p, "/");
		tx.u.twalk.wname[tx.u.twalk.nwname].s = p;
		tx.u.twalk.wname[tx.u.twalk.nwname].len = (uint16_t)n;
		tx.u.twalk.nwname++;
		p += n;
		if (*p == '/')
			p++;
	}
	bconn_send(c, s, &tx, P9_RWALK, NULL);
}

static void send_fid(struct bconn *c, struct slot *s, uint8_t type, uint8_t rtype)
{
	struct p9_fcall tx;
	memset(&tx, 0, sizeof(tx));
	tx.type = type;
	tx.u.tclunk.fid = s->fid;
	bconn_send(c, s, &tx, rtype, NULL);
}

static void send_getattr(struct bconn *c, struct slot *s, uint32_t fid)
{
	struct p9_fcall tx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TGETATTR;
	tx.u.tgetattr.fid = fid;
	tx.u.tgetattr.request_mask = P9_GETATTR_ALL;
	bconn_send(c, s, &tx, P9_RGETATTR, NULL);
}

static void send_readdir(struct bconn *c, struct slot *s)
{
	struct p9_fcall tx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TREADDIR;
	tx.u.tread.fid = s->fid;
	tx.u.tread.offset = s->offset;
	tx.u.tread.count = c->msize - P9_IOHDRSZ;
	bconn_send(c, s, &tx, P9_RREADDIR, NULL);
}

static void send_io(struct bconn *c, struct slot *s)
{
	enum bench_workload wl = bench_opt.wl;
	if (wl == WL_RANDREAD || wl == WL_RANDWRITE) {
		s->offset = (rng_next(c) % (c->fsize / c->bs)) * c->bs;
	} else {
		if (c->next_off + c->bs > c->fsize)
			c->next_off = 0;
		s->offset = c->next_off;
		c->next_off += c->bs;
	}
	s->count = c->bs;
	struct p9_fcall tx;
	memset(&tx, 0, sizeof(tx));
	if (is_write(wl)) {
		tx.type = P9_TWRITE;
		tx.u.twrite.fid = c->base;
		tx.u.twrite.offset = s->offset;
		tx.u.twrite.count = s->count;
		bconn_send(c, s, &tx, P9_RWRITE, wl_pattern);
	} else {
		tx.type = P9_TREAD;
		tx.u.tread.fid = c->base;
		tx.u.tread.offset = s->offset;
		tx.u.tread.count = s->count;
		bconn_send(c, s, &tx, P9_RREAD, NULL);
	}
}

void wl_start(struct bconn *c, struct slot *s)
{
	s->busy = 1;
	s->failed = 0;
	s->step = 0;
	s->t0 = now_ns();
	switch (bench_opt.wl) {
	case WL_GETATTR:
		send_getattr(c, s, c->base);
		break;
	case WL_WALKSTAT:
		send_walk(c, s, c->root, BENCH_DEEP_DIR);
		break;
	case WL_READ:
	case WL_RANDREAD:
	case WL_WRITE:
	case WL_RANDWRITE:
		send_io(c, s);
		break;
	case WL_CREATE:
		snprintf(s->name, sizeof(s->name), "c%d.%d.%u.%llu", (int)getpid(), c->id,
		         (unsigned)s->tag, (unsigned long long)s->seq++);
		send_walk(c, s, c->base, ""); /* a clone: Tlcreate turns it into the file */
		break;
	case WL_READDIR:
		s->entries = 0;
		s->offset = 0;
		send_walk(c, s, c->root, BENCH_LIST_DIR);
		break;
	}
}

/* The operation is over (well or not): count it, start the next. */
static void finish(struct bconn *c, struct slot *s)
{
	if (!s->failed &&
	    atomic_load_explicit(&bench_phase, memory_order_relaxed) == PHASE_MEASURE) {
		c->ops++;
		hist_add(&c->lat, now_ns() - s->t0);
		if (is_io(bench_opt.wl))
			c->bytes += s->count;
		c->entries += s->entries;
	}
	s->busy = 0;
	if (atomic_load_explicit(&bench_phase, memory_order_relaxed) != PHASE_STOP)
		wl_start(c, s);
}

/* Record an error; clunk the slot's fid if it has one, then finish. */
static void fail(struct bconn *c, struct slot *s, int err, const char *what)
{
	c->errors++;
	if (!c->first_err) {
		c->first_err = err ? err : EPROTO;
		snprintf(c->first_err_what, sizeof(c->first_err_what), "%s", what);
	}
	s->failed = 1;
	if (s->fid_live) {
		s->step = STEP_CLEANUP;
		send_fid(c, s, P9_TCLUNK, P9_RCLUNK);
		return;
	}
	finish(c, s);
}

static void readdir_reply(struct bconn *c, struct slot *s, const struct p9_fcall *rx)
{
	uint32_t n = rx->u.rread.count;
	if (n == 0) {
		if (c->expect_entries == 0)
			c->expect_entries = s->entries;
		if (s->entries != c->expect_entries) {
			fail(c, s, EIO, "readdir: entry count changed between scans");
			return;
		}
		s->step = 3;
		send_fid(c, s, P9_TCLUNK, P9_RCLUNK);
		return;
	}
	if (n > c->msize - P9_IOHDRSZ) {
		fail(c, s, EPROTO, "Rreaddir larger than asked");
		return;
	}
	size_t pos = 0;
	uint64_t last = s->offset;
	struct p9_dirent de;
	int r;
	while ((r = p9_dirent_unpack(rx->u.rread.data, n, &pos, &de)) == 0) {
		s->entries++;
		last = de.offset;
	}
	if (r < 0 || last == s->offset) {
		fail(c, s, EPROTO, "Rreaddir entries malformed or not advancing");
		return;
	}
	s->offset = last;
	send_readdir(c, s);
}

void wl_reply(struct bconn *c, struct slot *s, const struct p9_fcall *rx)
{
	uint8_t rtype = rx->type;
	if (s->step == STEP_CLEANUP) {
		s->fid_live = 0; /* a clunk ends the fid even when it fails */
		finish(c, s);
		return;
	}
	if (rtype == P9_RLERROR) {
		int e = (int)rx->u.rlerror.ecode;
		if (s->asked == P9_TCLUNK || s->asked == P9_TREMOVE)
			s->fid_live = 0; /* gone even when they fail */
		if (s->asked == P9_TUNLINKAT && e == EOPNOTSUPP) {
			c->use_remove = 1;
			s->step = 4;
			send_walk(c, s, c->base, s->name);
			return;
		}
		char what[48];
		snprintf(what, sizeof(what), "%s: %s", wl_name(bench_opt.wl),
		         p9_msg_name(s->asked));
		fail(c, s, e, what);
		return;
	}

	switch (bench_opt.wl) {
	case WL_GETATTR:
		finish(c, s);
		return;
	case WL_WALKSTAT:
		if (s->step == 0) {
			if (rx->u.rwalk.nwqid != 4) {
				fail(c, s, ENOENT, "walkstat: walk stopped early");
				return;
			}
			s->fid_live = 1;
			s->step = 1;
			send_getattr(c, s, s->fid);
		} else if (s->step == 1) {
			s->step = 2;
			send_fid(c, s, P9_TCLUNK, P9_RCLUNK);
		} else {
			s->fid_live = 0;
			finish(c, s);
		}
		return;
	case WL_READ:
	case WL_RANDREAD:
		if (rx->u.rread.count != s->count) {
			fail(c, s, EIO, "short Rread");
			return;
		}
		finish(c, s);
		return;
	case WL_WRITE:
	case WL_RANDWRITE:
		if (rx->u.rwrite.count != s->count) {
			fail(c, s, EIO, "short Rwrite");
			return;
		}
		finish(c, s);
		return;
	case WL_CREATE: {
		struct p9_fcall tx;
		memset(&tx, 0, sizeof(tx));
		switch (s->step) {
		case 0: /* Rwalk: the clone */
			s->fid_live = 1;
			s->step = 1;
			tx.type = P9_TLCREATE;
			tx.u.tlcreate.fid = s->fid;
			tx.u.tlcreate.name = p9_str_c(s->name);
			tx.u.tlcreate.flags = P9_DOTL_WRONLY | P9_DOTL_CREATE;
			tx.u.tlcreate.mode = 0644;
			tx.u.tlcreate.gid = getgid();
			bconn_send(c, s, &tx, P9_RLCREATE, NULL);
			return;
		case 1: /* Rlcreate */
			s->step = 2;
			send_fid(c, s, P9_TCLUNK, P9_RCLUNK);
			return;
		case 2: /* Rclunk */
			s->fid_live = 0;
			if (c->use_remove) {
				s->step = 4;
				send_walk(c, s, c->base, s->name);
				return;
			}
			s->step = 3;
			tx.type = P9_TUNLINKAT;
			tx.u.tunlinkat.dirfid = c->base;
			tx.u.tunlinkat.name = p9_str_c(s->name);
			tx.u.tunlinkat.flags = 0;
			bconn_send(c, s, &tx, P9_RUNLINKAT, NULL);
			return;
		case 4: /* Rwalk to the name */
			if (rx->u.rwalk.nwqid != 1) {
				fail(c, s, ENOENT, "create: walk to the new file failed");
				return;
			}
			s->fid_live = 1;
			s->step = 5;
			send_fid(c, s, P9_TREMOVE, P9_RREMOVE);
			return;
		case 5: /* Rremove */
			s->fid_live = 0;
			finish(c, s);
			return;
		default: /* 3: Runlinkat */
			finish(c, s);
			return;
		}
	}
	case WL_READDIR:
		switch (s->step) {
		case 0:
			if (rx->u.rwalk.nwqid != 1) {
				fail(c, s, ENOENT, "readdir: walk failed");
				return;
			}
			s->fid_live = 1;
			s->step = 1;
			struct p9_fcall tx;
			memset(&tx, 0, sizeof(tx));
			tx.type = P9_TLOPEN;
			tx.u.tlopen.fid = s->fid;
			tx.u.tlopen.flags = P9_DOTL_RDONLY | P9_DOTL_DIRECTORY;
			bconn_send(c, s, &tx, P9_RLOPEN, NULL);
			return;
		case 1:
			s->step = 2;
			send_readdir(c, s);
			return;
		case 2:
			readdir_reply(c, s, rx);
			return;
		default:
			s->fid_live = 0;
			finish(c, s);
			return;
		}
	}
}
