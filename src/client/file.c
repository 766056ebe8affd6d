/*
 * file.c: opening, reading, writing and attributes of one fid.
 *
 * Reads and writes are split into Tread/Twrite of at most the fid's iounit
 * (or msize - 24, the room the header leaves), one at a time: simple, and
 * the order of bytes on the server is the order of the caller's buffer.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "client/internal.h"

static void open_done(struct p9_client *c, uint32_t fid, const struct p9_fcall *rx,
                      struct p9_qid *qid, uint32_t *iounit)
{
	p9__fid_set_iounit(c, fid, rx->u.ropen.iounit);
	if (qid)
		*qid = rx->u.ropen.qid;
	if (iounit)
		*iounit = rx->u.ropen.iounit;
}

int p9_client_lopen(struct p9_client *c, uint32_t fid, uint32_t flags, struct p9_qid *qid,
                    uint32_t *iounit)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TLOPEN;
	tx.u.tlopen.fid = fid;
	tx.u.tlopen.flags = flags;
	int r = p9__call(c, &tx, &rx, P9_RLOPEN);
	if (r == 0)
		open_done(c, fid, &rx, qid, iounit);
	return r;
}

int p9_client_lcreate(struct p9_client *c, uint32_t fid, const char *name, uint32_t flags,
                      uint32_t mode, uint32_t gid, struct p9_qid *qid, uint32_t *iounit)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TLCREATE;
	tx.u.tlcreate.fid = fid;
	tx.u.tlcreate.name = p9_str_c(name);
	tx.u.tlcreate.flags = flags;
	tx.u.tlcreate.mode = mode;
	tx.u.tlcreate.gid = gid;
	int r = p9__call(c, &tx, &rx, P9_RLCREATE);
	if (r == 0)
		open_done(c, fid, &rx, qid, iounit);
	return r;
}

ssize_t p9_client_read(struct p9_client *c, uint32_t fid, uint64_t offset, void *buf, size_t count)
{
	uint8_t *out = buf;
	uint32_t chunk = p9__io_chunk(c, fid);
	size_t done = 0;
	if (count > SSIZE_MAX)
		count = SSIZE_MAX;
	while (done < count) {
		size_t want = count - done < chunk ? count - done : chunk;
		struct p9_fcall tx, rx;
		memset(&tx, 0, sizeof(tx));
		tx.type = P9_TREAD;
		tx.u.tread.fid = fid;
		tx.u.tread.offset = offset + done;
		tx.u.tread.count = (uint32_t)want;
		int r = p9__call(c, &tx, &rx, P9_RREAD);
		if (r < 0)
			return r;
		if (rx.u.rread.count > want)
			return -EPROTO;
		if (rx.u.rread.count == 0)
			break;
		memcpy(out + done, rx.u.rread.data, rx.u.rread.count);
		done += rx.u.rread.count;
	}
	return (ssize_t)done;
}

ssize_t p9_client_write(struct p9_client *c, uint32_t fid, uint64_t offset, const void *buf,
                        size_t count)
{
	const uint8_t *in = buf;
	uint32_t chunk = p9__io_chunk(c, fid);
	size_t done = 0;
	if (count > SSIZE_MAX)
		count = SSIZE_MAX;
	/* A zero-length write still goes out once: it is how a caller asks
	 * the server whether the fid is writable at all. */
	do {
		size_t n = count - done < chunk ? count - done : chunk;
		struct p9_fcall tx, rx;
		memset(&tx, 0, sizeof(tx));
		tx.type = P9_TWRITE;
		tx.u.twrite.fid = fid;
		tx.u.twrite.offset = offset + done;
		tx.u.twrite.count = (uint32_t)n;
		tx.u.twrite.data = in + done;
		int r = p9__call(c, &tx, &rx, P9_RWRITE);
		if (r < 0)
			return r;
		if (rx.u.rwrite.count > n)
			return -EPROTO;
		if (rx.u.rwrite.count == 0)
			break;
		done += rx.u.rwrite.count;
	} while (done < count);
	return (ssize_t)done;
}

int p9_client_fsync(struct p9_client *c, uint32_t fid, int datasync)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TFSYNC;
	tx.u.tfsync.fid = fid;
	tx.u.tfsync.datasync = datasync ? 1 : 0;
	return p9__call(c, &tx, &rx, P9_RFSYNC);
}

int p9_client_getattr(struct p9_client *c, uint32_t fid, uint64_t mask, struct p9_rgetattr *out)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TGETATTR;
	tx.u.tgetattr.fid = fid;
	tx.u.tgetattr.request_mask = mask;
	int r = p9__call(c, &tx, &rx, P9_RGETATTR);
	if (r == 0)
		*out = rx.u.rgetattr;
	return r;
}

int p9_client_setattr(struct p9_client *c, uint32_t fid, const struct p9_tsetattr *sa)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TSETATTR;
	tx.u.tsetattr = *sa;
	tx.u.tsetattr.fid = fid;
	return p9__call(c, &tx, &rx, P9_RSETATTR);
}

int p9_client_statfs(struct p9_client *c, uint32_t fid, struct p9_rstatfs *out)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TSTATFS;
	tx.u.tclunk.fid = fid;
	int r = p9__call(c, &tx, &rx, P9_RSTATFS);
	if (r == 0)
		*out = rx.u.rstatfs;
	return r;
}
