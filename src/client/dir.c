/*
 * dir.c: directories: listing them, and the calls that make, link, rename
 * and unlink names in them.
 *
 * A listing copies each Rreaddir's entries out of the reply buffer before
 * calling back, so the callback may make calls of its own (ls -l stats
 * every entry) without pulling the entries from under the loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client/internal.h"

int p9_client_readdir(struct p9_client *c, uint32_t fid, uint64_t offset,
                      int (*fn)(void *arg, const struct p9_dirent *de), void *arg)
{
	uint32_t chunk = p9_client_msize(c) - P9_IOHDRSZ;
	uint8_t *copy = malloc(chunk);
	if (!copy)
		return -ENOMEM;
	int r;
	for (;;) {
		struct p9_fcall tx, rx;
		memset(&tx, 0, sizeof(tx));
		tx.type = P9_TREADDIR;
		tx.u.tread.fid = fid;
		tx.u.tread.offset = offset;
		tx.u.tread.count = chunk;
		r = p9__call(c, &tx, &rx, P9_RREADDIR);
		if (r < 0)
			break;
		uint32_t n = rx.u.rread.count;
		if (n > chunk) {
			r = -EPROTO;
			break;
		}
		if (n == 0)
			break;
		memcpy(copy, rx.u.rread.data, n);
		size_t pos = 0;
		uint64_t next = offset;
		struct p9_dirent de;
		while ((r = p9_dirent_unpack(copy, n, &pos, &de)) == 0) {
			r = fn(arg, &de);
			if (r != 0)
				goto out;
			next = de.offset;
		}
		/* Entries that do not parse, or a last offset that would ask
		 * for the same entries again, would loop forever. */
		if (r < 0 || next == offset) {
			r = -EPROTO;
			break;
		}
		r = 0;
		offset = next;
	}
out:
	free(copy);
	return r;
}

/* Tmkdir, Tsymlink and Tmknod answer with a qid alone. */
static int make(struct p9_client *c, struct p9_fcall *tx, uint8_t rtype, struct p9_qid *qid)
{
	struct p9_fcall rx;
	int r = p9__call(c, tx, &rx, rtype);
	if (r == 0 && qid)
		*qid = rx.u.rmknod.qid;
	return r;
}

int p9_client_mkdir(struct p9_client *c, uint32_t dfid, const char *name, uint32_t mode,
                    uint32_t gid, struct p9_qid *qid)
{
	struct p9_fcall tx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TMKDIR;
	tx.u.tmkdir.dfid = dfid;
	tx.u.tmkdir.name = p9_str_c(name);
	tx.u.tmkdir.mode = mode;
	tx.u.tmkdir.gid = gid;
	return make(c, &tx, P9_RMKDIR, qid);
}

int p9_client_symlink(struct p9_client *c, uint32_t dfid, const char *name, const char *target,
                      uint32_t gid, struct p9_qid *qid)
{
	struct p9_fcall tx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TSYMLINK;
	tx.u.tsymlink.fid = dfid;
	tx.u.tsymlink.name = p9_str_c(name);
	tx.u.tsymlink.symtgt = p9_str_c(target);
	tx.u.tsymlink.gid = gid;
	return make(c, &tx, P9_RSYMLINK, qid);
}

int p9_client_mknod(struct p9_client *c, uint32_t dfid, const char *name, uint32_t mode,
                    uint32_t major, uint32_t minor, uint32_t gid, struct p9_qid *qid)
{
	struct p9_fcall tx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TMKNOD;
	tx.u.tmknod.dfid = dfid;
	tx.u.tmknod.name = p9_str_c(name);
	tx.u.tmknod.mode = mode;
	tx.u.tmknod.major = major;
	tx.u.tmknod.minor = minor;
	tx.u.tmknod.gid = gid;
	return make(c, &tx, P9_RMKNOD, qid);
}

ssize_t p9_client_readlink(struct p9_client *c, uint32_t fid, char *buf, size_t cap)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TREADLINK;
	tx.u.tclunk.fid = fid;
	int r = p9__call(c, &tx, &rx, P9_RREADLINK);
	if (r < 0)
		return r;
	size_t n = rx.u.rreadlink.target.len;
	if (n >= cap)
		return -ENAMETOOLONG;
	memcpy(buf, rx.u.rreadlink.target.s, n);
	buf[n] = '\0';
	return (ssize_t)n;
}

int p9_client_link(struct p9_client *c, uint32_t dfid, uint32_t fid, const char *name)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TLINK;
	tx.u.tlink.dfid = dfid;
	tx.u.tlink.fid = fid;
	tx.u.tlink.name = p9_str_c(name);
	return p9__call(c, &tx, &rx, P9_RLINK);
}

int p9_client_rename(struct p9_client *c, uint32_t fid, uint32_t dfid, const char *name)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TRENAME;
	tx.u.trename.fid = fid;
	tx.u.trename.dfid = dfid;
	tx.u.trename.name = p9_str_c(name);
	return p9__call(c, &tx, &rx, P9_RRENAME);
}

int p9_client_renameat(struct p9_client *c, uint32_t olddfid, const char *oldname, uint32_t newdfid,
                       const char *newname)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TRENAMEAT;
	tx.u.trenameat.olddirfid = olddfid;
	tx.u.trenameat.oldname = p9_str_c(oldname);
	tx.u.trenameat.newdirfid = newdfid;
	tx.u.trenameat.newname = p9_str_c(newname);
	return p9__call(c, &tx, &rx, P9_RRENAMEAT);
}

int p9_client_unlinkat(struct p9_client *c, uint32_t dfid, const char *name, uint32_t flags)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TUNLINKAT;
	tx.u.tunlinkat.dirfid = dfid;
	tx.u.tunlinkat.name = p9_str_c(name);
	tx.u.tunlinkat.flags = flags;
	return p9__call(c, &tx, &rx, P9_RUNLINKAT);
}
