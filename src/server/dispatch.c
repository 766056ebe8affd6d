/*
 * dispatch.c: from a decoded T-message to the backend and back.
 *
 * One handler per message type, found through a table. A handler checks
 * what the protocol requires (fids exist, the export is writable, counts
 * fit in msize), takes the fid locks described in fs.h, calls the
 * backend, and packs the reply. Handlers return 0 (r->out packed), a
 * negative errno, or P9__PENDING (Tflush: answered when its target ends).
 */
#include <errno.h>
#include <string.h>

#include "platform/platform.h"
#include "server/dispatch.h"

/* --- session --- */

static int wait_others_done(struct dctx *x)
{
	struct p9_conn *c = x->c;
	/* Version aborts everything else in flight (like a flush of each). */
	p9__wait_blocking_begin(c->srv);
	pthread_mutex_lock(&c->lock);
	for (struct p9_req *o = c->inflight; o; o = o->next_inflight)
		if (o != x->r) {
			atomic_store(&o->flushed, 1);
			if (o->thread)
				p9_os_thread_interrupt(o->thread);
		}
	while (c->ninflight > 1)
		pthread_cond_wait(&c->idle_cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
	p9__wait_blocking_end(c->srv);
	return 0;
}

static int h_version(struct dctx *x)
{
	struct p9_str v = x->in->u.version.version;
	uint32_t msize = x->in->u.version.msize;
	const char *answer = "unknown";
	enum p9_dialect d = P9_DIALECT_2000L;
	/* "9P2000" with a suffix we do not know is plain 9P2000 (version(5)). */
	if (v.len >= 6 && memcmp(v.s, "9P2000", 6) == 0 && (v.len == 6 || v.s[6] == '.')) {
		if (v.len == 8 && memcmp(v.s + 6, ".L", 2) == 0) {
			answer = "9P2000.L";
			d = P9_DIALECT_2000L;
		} else if (v.len == 8 && memcmp(v.s + 6, ".u", 2) == 0) {
			answer = "9P2000.u";
			d = P9_DIALECT_2000U;
		} else {
			answer = "9P2000";
			d = P9_DIALECT_2000;
		}
	}
	if (msize < P9_MIN_MSIZE) {
		p9__log(1, "%s: refusing msize %u (< %u)", x->c->peer, msize, P9_MIN_MSIZE);
		answer = "unknown";
	}
	wait_others_done(x);
	p9__dispatch_u_reset(x->c);
	p9__fid_clunk_all(x->c);
	if (msize > x->c->srv->cfg.msize)
		msize = x->c->srv->cfg.msize;
	if (strcmp(answer, "unknown") != 0) {
		x->c->msize = msize;
		x->c->dialect = d;
		x->c->versioned = 1;
		p9__log(1, "%s: %s, msize %u", x->c->peer, answer, msize);
	} else {
		x->c->versioned = 0;
	}
	x->out.type = P9_RVERSION;
	x->out.u.version.msize = msize;
	x->out.u.version.version = p9_str_c(answer);
	return pack(x);
}

static int aname_ok(struct dctx *x, struct p9_str aname)
{
	const char *exp = x->c->srv->cfg.export_path;
	size_t el = strlen(exp);
	if (aname.len == 0)
		return 1;
	/* the export path, with or without trailing slashes */
	size_t al = aname.len;
	while (al > 1 && aname.s[al - 1] == '/')
		al--;
	while (el > 1 && exp[el - 1] == '/')
		el--;
	return al == el && memcmp(aname.s, exp, al) == 0;
}

static int h_attach(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	uint32_t uid = in->u.tattach.n_uname;
	struct p9_fid *f;
	int e;
	if (in->u.tattach.afid != P9_NOFID)
		return -EOPNOTSUPP; /* no authentication is offered */
	if (!aname_ok(x, in->u.tattach.aname)) {
		p9__log(1, "%s: attach to unknown aname %.*s refused", x->c->peer,
			(int)in->u.tattach.aname.len, in->u.tattach.aname.s);
		return -ENOENT;
	}
	if (uid == P9_NOFID)
		uid = 65534; /* no numeric user given: nobody */
	const struct p9_cred *cred = p9__cred_get(x->c->srv, uid);
	if (!cred)
		return -ENOMEM;
	if ((e = p9__fid_add(x->c, in->u.tattach.fid, cred, &f)) < 0)
		return e;
	pthread_rwlock_wrlock(&f->lock);
	e = x->fs->ops->become ? x->fs->ops->become(x->fs, cred) : 0;
	if (e == 0)
		e = x->fs->ops->attach(x->fs, f, in->u.tattach.aname, &x->out.u.rattach.qid);
	pthread_rwlock_unlock(&f->lock);
	if (e < 0) {
		p9__fid_unhash(x->c, f);
		p9__fid_put(x->c, f);
		return e;
	}
	p9__fid_put(x->c, f);
	x->out.type = P9_RATTACH;
	return pack(x);
}

static int h_auth(struct dctx *x)
{
	(void)x;
	return -EOPNOTSUPP;
}

static int h_flush(struct dctx *x)
{
	struct p9_conn *c = x->c;
	uint16_t oldtag = x->in->u.tflush.oldtag;
	struct p9_req *t;
	pthread_mutex_lock(&c->lock);
	for (t = c->inflight; t; t = t->next_inflight)
		if (t != x->r && !t->done && p9_get_u16(t->inbuf + 5) == oldtag)
			break;
	if (t) {
		atomic_store(&t->flushed, 1);
		x->r->next_flusher = t->flushers;
		t->flushers = x->r;
		if (t->thread)
			p9_os_thread_interrupt(t->thread);
	}
	pthread_mutex_unlock(&c->lock);
	if (t)
		return P9__PENDING;
	x->out.type = P9_RFLUSH;
	return pack(x);
}

/* --- fids --- */

static int h_walk(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	uint32_t fidn = in->u.twalk.fid, newn = in->u.twalk.newfid;
	struct p9_fid *f, *nf = NULL;
	int e;
	if (fidn == newn) {
		if (!(f = take(x, fidn, WR)))
			return -EBADF;
		nf = f;
	} else {
		if (!(f = take(x, fidn, RD)))
			return -EBADF;
		if ((e = p9__fid_add(x->c, newn, f->cred, &nf)) < 0) {
			release(x, f);
			return e;
		}
		pthread_rwlock_wrlock(&nf->lock);
	}
	e = become(x, f);
	if (e == 0)
		e = x->fs->ops->walk(x->fs, f, nf, in->u.twalk.nwname, in->u.twalk.wname,
				     x->out.u.rwalk.wqid);
	int complete = e >= 0 && (unsigned)e == in->u.twalk.nwname;
	if (nf != f) {
		pthread_rwlock_unlock(&nf->lock);
		if (!complete)
			p9__fid_unhash(x->c, nf);
		p9__fid_put(x->c, nf);
	}
	release(x, f);
	if (e < 0)
		return e;
	x->out.type = P9_RWALK;
	x->out.u.rwalk.nwqid = (uint16_t)e;
	return pack(x);
}

static int h_clunk(struct dctx *x)
{
	struct p9_fid *f = take(x, x->in->u.tclunk.fid, WR);
	int e = 0;
	if (!f) {
		/* a half-made fid is still in the table: drop it */
		struct p9_fid *g = p9__fid_get(x->c, x->in->u.tclunk.fid);
		if (!g)
			return -EBADF;
		p9__fid_unhash(x->c, g);
		p9__fid_put(x->c, g);
		x->out.type = P9_RCLUNK;
		return pack(x);
	}
	if (x->fs->ops->flush_fid) {
		e = become(x, f);
		if (e == 0)
			e = x->fs->ops->flush_fid(x->fs, f);
	}
	pthread_rwlock_unlock(&f->lock);
	p9__fid_unhash(x->c, f);
	p9__fid_put(x->c, f);
	if (e < 0)
		return e;
	x->out.type = P9_RCLUNK;
	return pack(x);
}

static int h_remove(struct dctx *x)
{
	struct p9_fid *f = take(x, x->in->u.tclunk.fid, WR);
	int e;
	if (!f)
		return -EBADF;
	e = readonly(x) ? -EROFS : become(x, f);
	if (e == 0)
		e = x->fs->ops->remove(x->fs, f);
	/* The fid is clunked even when the remove fails (9P says so). */
	pthread_rwlock_unlock(&f->lock);
	p9__fid_unhash(x->c, f);
	p9__fid_put(x->c, f);
	if (e < 0)
		return e;
	x->out.type = x->in->type == P9_TREMOVE ? P9_RREMOVE : P9_RCLUNK;
	return pack(x);
}

/* --- files --- */

static int h_lopen(struct dctx *x)
{
	uint32_t fl = x->in->u.tlopen.flags;
	struct p9_fid *f;
	int e;
	if (readonly(x) && ((fl & 3) != P9_DOTL_RDONLY || (fl & P9_DOTL_TRUNC)))
		return -EROFS;
	if (!(f = take(x, x->in->u.tlopen.fid, WR)))
		return -EBADF;
	e = become(x, f);
	if (e == 0)
		e = x->fs->ops->lopen(x->fs, f, fl, &x->out.u.ropen.qid);
	release(x, f);
	if (e < 0)
		return e;
	x->out.type = P9_RLOPEN;
	x->out.u.ropen.iounit = 0; /* 0: the client uses msize - 24 */
	return pack(x);
}

static int h_lcreate(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	struct p9_fid *f;
	int e;
	if (readonly(x))
		return -EROFS;
	if (!(f = take(x, in->u.tlcreate.fid, WR)))
		return -EBADF;
	e = become(x, f);
	if (e == 0)
		e = x->fs->ops->lcreate(x->fs, f, in->u.tlcreate.name, in->u.tlcreate.flags,
					in->u.tlcreate.mode, in->u.tlcreate.gid,
					&x->out.u.ropen.qid);
	release(x, f);
	if (e < 0)
		return e;
	x->out.type = P9_RLCREATE;
	x->out.u.ropen.iounit = 0;
	return pack(x);
}

static int h_read(struct dctx *x)
{
	uint32_t count = x->in->u.tread.count;
	uint32_t max = x->c->msize - P9_RREAD_HDRSZ;
	struct p9_fid *f;
	ssize_t n;
	int e;
	if (count > max)
		count = max;
	if ((e = p9__req_reserve_out(x->r, P9_RREAD_HDRSZ + (size_t)count)) < 0)
		return e;
	int dir = x->in->type == P9_TREADDIR;
	if (!(f = take(x, x->in->u.tread.fid, dir ? WR : RD)))
		return -EBADF;
	e = become(x, f);
	if (e < 0)
		n = e;
	else if (dir)
		n = x->fs->ops->readdir(x->fs, f, x->in->u.tread.offset,
					x->r->out + P9_RREAD_HDRSZ, count);
	else
		n = p9__read_reply(x->r, x->fs, f, x->in->u.tread.offset, count);
	release(x, f);
	if (n < 0)
		return (int)n;
	x->out.type = dir ? P9_RREADDIR : P9_RREAD;
	x->out.u.rread.count = (uint32_t)n;
	x->out.u.rread.data = x->r->out + P9_RREAD_HDRSZ; /* already in place */
	return pack(x);
}

/* Twrite: the same in every dialect. */
int p9__h_write(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	struct p9_fid *f;
	ssize_t n;
	if (readonly(x))
		return -EROFS;
	if (!(f = take(x, in->u.twrite.fid, RD)))
		return -EBADF;
	n = become(x, f);
	if (n == 0)
		n = x->fs->ops->write(x->fs, f, in->u.twrite.offset, in->u.twrite.data,
				      in->u.twrite.count);
	release(x, f);
	if (n < 0)
		return (int)n;
	x->out.type = P9_RWRITE;
	x->out.u.rwrite.count = (uint32_t)n;
	return pack(x);
}

static int h_getattr(struct dctx *x)
{
	struct p9_fid *f;
	int e;
	if (!(f = take(x, x->in->u.tgetattr.fid, RD)))
		return -EBADF;
	e = become(x, f);
	if (e == 0)
		e = x->fs->ops->getattr(x->fs, f, x->in->u.tgetattr.request_mask,
					&x->out.u.rgetattr);
	release(x, f);
	if (e < 0)
		return e;
	x->out.type = P9_RGETATTR;
	return pack(x);
}

static int h_setattr(struct dctx *x)
{
	struct p9_fid *f;
	int e;
	if (readonly(x))
		return -EROFS;
	if (!(f = take(x, x->in->u.tsetattr.fid, RD)))
		return -EBADF;
	e = become(x, f);
	if (e == 0)
		e = x->fs->ops->setattr(x->fs, f, &x->in->u.tsetattr);
	release(x, f);
	if (e < 0)
		return e;
	x->out.type = P9_RSETATTR;
	return pack(x);
}

static int h_statfs(struct dctx *x)
{
	struct p9_fid *f;
	int e;
	if (!(f = take(x, x->in->u.tclunk.fid, RD)))
		return -EBADF;
	e = become(x, f);
	if (e == 0)
		e = x->fs->ops->statfs(x->fs, f, &x->out.u.rstatfs);
	release(x, f);
	if (e < 0)
		return e;
	x->out.type = P9_RSTATFS;
	return pack(x);
}

static int h_fsync(struct dctx *x)
{
	struct p9_fid *f;
	int e;
	if (!(f = take(x, x->in->u.tfsync.fid, RD)))
		return -EBADF;
	e = become(x, f);
	if (e == 0)
		e = x->fs->ops->fsync(x->fs, f, x->in->u.tfsync.datasync != 0);
	release(x, f);
	if (e < 0)
		return e;
	x->out.type = P9_RFSYNC;
	return pack(x);
}

static int h_readlink(struct dctx *x)
{
	struct p9_fid *f;
	ssize_t n;
	int e;
	/* The target goes at its final place: after size/type/tag/len. */
	if ((e = p9__req_reserve_out(x->r, P9_HDRSZ + 2 + 4096)) < 0)
		return e;
	if (!(f = take(x, x->in->u.tclunk.fid, RD)))
		return -EBADF;
	n = become(x, f);
	if (n == 0)
		n = x->fs->ops->readlink(x->fs, f, (char *)x->r->out + P9_HDRSZ + 2, 4096);
	release(x, f);
	if (n < 0)
		return (int)n;
	x->out.type = P9_RREADLINK;
	x->out.u.rreadlink.target.s = (const char *)x->r->out + P9_HDRSZ + 2;
	x->out.u.rreadlink.target.len = (uint16_t)n;
	/* p9_pack copies strings with memmove, so an in-place target is fine. */
	return pack(x);
}

/* --- names --- */

static int h_mkdir(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	struct p9_fid *d;
	int e;
	if (readonly(x))
		return -EROFS;
	if (!(d = take(x, in->u.tmkdir.dfid, RD)))
		return -EBADF;
	e = become(x, d);
	if (e == 0)
		e = x->fs->ops->mkdir(x->fs, d, in->u.tmkdir.name, in->u.tmkdir.mode,
				      in->u.tmkdir.gid, &x->out.u.rmknod.qid);
	release(x, d);
	if (e < 0)
		return e;
	x->out.type = P9_RMKDIR;
	return pack(x);
}

static int h_symlink(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	struct p9_fid *d;
	int e;
	if (readonly(x))
		return -EROFS;
	if (!(d = take(x, in->u.tsymlink.fid, RD)))
		return -EBADF;
	e = become(x, d);
	if (e == 0)
		e = x->fs->ops->symlink(x->fs, d, in->u.tsymlink.name, in->u.tsymlink.symtgt,
					in->u.tsymlink.gid, &x->out.u.rmknod.qid);
	release(x, d);
	if (e < 0)
		return e;
	x->out.type = P9_RSYMLINK;
	return pack(x);
}

static int h_mknod(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	struct p9_fid *d;
	int e;
	if (readonly(x))
		return -EROFS;
	if (!(d = take(x, in->u.tmknod.dfid, RD)))
		return -EBADF;
	e = become(x, d);
	if (e == 0)
		e = x->fs->ops->mknod(x->fs, d, in->u.tmknod.name, in->u.tmknod.mode,
				      in->u.tmknod.major, in->u.tmknod.minor, in->u.tmknod.gid,
				      &x->out.u.rmknod.qid);
	release(x, d);
	if (e < 0)
		return e;
	x->out.type = P9_RMKNOD;
	return pack(x);
}

/* Take two fids that may be one; returns 0 or -EBADF. */
static int take2(struct dctx *x, uint32_t a, uint32_t b, struct p9_fid **fa, struct p9_fid **fb)
{
	*fa = take(x, a, RD);
	if (!*fa)
		return -EBADF;
	if (a == b) {
		*fb = *fa;
		return 0;
	}
	*fb = take(x, b, RD);
	if (!*fb) {
		release(x, *fa);
		return -EBADF;
	}
	return 0;
}

static void release2(struct dctx *x, struct p9_fid *fa, struct p9_fid *fb)
{
	if (fb != fa)
		release(x, fb);
	release(x, fa);
}

static int h_link(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	struct p9_fid *d, *f;
	int e;
	if (readonly(x))
		return -EROFS;
	if ((e = take2(x, in->u.tlink.dfid, in->u.tlink.fid, &d, &f)) < 0)
		return e;
	e = become(x, d);
	if (e == 0)
		e = x->fs->ops->link(x->fs, d, f, in->u.tlink.name);
	release2(x, d, f);
	if (e < 0)
		return e;
	x->out.type = P9_RLINK;
	return pack(x);
}

static int h_rename(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	struct p9_fid *f, *d;
	int e;
	if (readonly(x))
		return -EROFS;
	if ((e = take2(x, in->u.trename.fid, in->u.trename.dfid, &f, &d)) < 0)
		return e;
	e = become(x, f);
	if (e == 0)
		e = x->fs->ops->rename(x->fs, f, d, in->u.trename.name);
	release2(x, f, d);
	if (e < 0)
		return e;
	x->out.type = P9_RRENAME;
	return pack(x);
}

static int h_renameat(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	struct p9_fid *od, *nd;
	int e;
	if (readonly(x))
		return -EROFS;
	if ((e = take2(x, in->u.trenameat.olddirfid, in->u.trenameat.newdirfid, &od, &nd)) < 0)
		return e;
	e = become(x, od);
	if (e == 0)
		e = x->fs->ops->renameat(x->fs, od, in->u.trenameat.oldname, nd,
					 in->u.trenameat.newname);
	release2(x, od, nd);
	if (e < 0)
		return e;
	x->out.type = P9_RRENAMEAT;
	return pack(x);
}

static int h_unlinkat(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	struct p9_fid *d;
	int e;
	if (readonly(x))
		return -EROFS;
	if (in->u.tunlinkat.flags & ~P9_AT_REMOVEDIR)
		return -EINVAL;
	if (!(d = take(x, in->u.tunlinkat.dirfid, RD)))
		return -EBADF;
	e = become(x, d);
	if (e == 0)
		e = x->fs->ops->unlinkat(x->fs, d, in->u.tunlinkat.name, in->u.tunlinkat.flags);
	release(x, d);
	if (e < 0)
		return e;
	x->out.type = P9_RUNLINKAT;
	return pack(x);
}

/* --- locks --- */

static int h_lock(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	struct p9_lockreq lk = { .type = in->u.tlock.type, .flags = in->u.tlock.flags,
				 .start = in->u.tlock.start, .length = in->u.tlock.length,
				 .proc_id = in->u.tlock.proc_id,
				 .client_id = in->u.tlock.client_id };
	struct p9_fid *f;
	int e;
	if (lk.type > P9_LOCK_TYPE_UNLCK)
		return -EINVAL;
	if (!(f = take(x, in->u.tlock.fid, RD)))
		return -EBADF;
	e = become(x, f);
	if (e == 0)
		e = x->fs->ops->lock(x->fs, f, &lk, &x->r->wait);
	release(x, f);
	if (e < 0)
		return e;
	x->out.type = P9_RLOCK;
	x->out.u.rlock.status = (uint8_t)e;
	return pack(x);
}

static int h_getlock(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	struct p9_lockreq lk = { .type = in->u.tgetlock.type, .start = in->u.tgetlock.start,
				 .length = in->u.tgetlock.length,
				 .proc_id = in->u.tgetlock.proc_id,
				 .client_id = in->u.tgetlock.client_id };
	struct p9_fid *f;
	int e;
	if (lk.type > P9_LOCK_TYPE_UNLCK)
		return -EINVAL;
	if (!(f = take(x, in->u.tgetlock.fid, RD)))
		return -EBADF;
	e = become(x, f);
	if (e == 0)
		e = x->fs->ops->getlock(x->fs, f, &lk);
	release(x, f);
	if (e < 0)
		return e;
	x->out.type = P9_RGETLOCK;
	x->out.u.rgetlock.type = lk.type;
	x->out.u.rgetlock.start = lk.start;
	x->out.u.rgetlock.length = lk.length;
	x->out.u.rgetlock.proc_id = lk.proc_id;
	x->out.u.rgetlock.client_id = in->u.tgetlock.client_id;
	return pack(x);
}

/* --- xattrs --- */

static int h_xattrwalk(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	struct p9_fid *f, *nf;
	int e;
	if (!(f = take(x, in->u.txattrwalk.fid, RD)))
		return -EBADF;
	if ((e = p9__fid_add(x->c, in->u.txattrwalk.newfid, f->cred, &nf)) < 0) {
		release(x, f);
		return e;
	}
	pthread_rwlock_wrlock(&nf->lock);
	e = become(x, f);
	if (e == 0)
		e = x->fs->ops->xattrwalk(x->fs, f, nf, in->u.txattrwalk.name,
					  &x->out.u.rxattrwalk.size);
	pthread_rwlock_unlock(&nf->lock);
	if (e < 0)
		p9__fid_unhash(x->c, nf);
	p9__fid_put(x->c, nf);
	release(x, f);
	if (e < 0)
		return e;
	x->out.type = P9_RXATTRWALK;
	return pack(x);
}

static int h_xattrcreate(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	struct p9_fid *f;
	int e;
	if (readonly(x))
		return -EROFS;
	if (!(f = take(x, in->u.txattrcreate.fid, WR)))
		return -EBADF;
	e = become(x, f);
	if (e == 0)
		e = x->fs->ops->xattrcreate(x->fs, f, in->u.txattrcreate.name,
					    in->u.txattrcreate.attr_size,
					    in->u.txattrcreate.flags);
	release(x, f);
	if (e < 0)
		return e;
	x->out.type = P9_RXATTRCREATE;
	return pack(x);
}

/* --- the table --- */

typedef int (*handler_fn)(struct dctx *x);

static const handler_fn handlers[256] = {
	[P9_TVERSION] = h_version,   [P9_TAUTH] = h_auth,
	[P9_TATTACH] = h_attach,     [P9_TFLUSH] = h_flush,
	[P9_TWALK] = h_walk,	     [P9_TCLUNK] = h_clunk,
	[P9_TREMOVE] = h_remove,     [P9_TREAD] = h_read,
	[P9_TWRITE] = p9__h_write,	     [P9_TSTATFS] = h_statfs,
	[P9_TLOPEN] = h_lopen,	     [P9_TLCREATE] = h_lcreate,
	[P9_TSYMLINK] = h_symlink,   [P9_TMKNOD] = h_mknod,
	[P9_TRENAME] = h_rename,     [P9_TREADLINK] = h_readlink,
	[P9_TGETATTR] = h_getattr,   [P9_TSETATTR] = h_setattr,
	[P9_TXATTRWALK] = h_xattrwalk, [P9_TXATTRCREATE] = h_xattrcreate,
	[P9_TREADDIR] = h_read,	     [P9_TFSYNC] = h_fsync,
	[P9_TLOCK] = h_lock,	     [P9_TGETLOCK] = h_getlock,
	[P9_TLINK] = h_link,	     [P9_TMKDIR] = h_mkdir,
	[P9_TRENAMEAT] = h_renameat, [P9_TUNLINKAT] = h_unlinkat,
};

/* 9P2000.u and classic 9P2000 share the session messages above; the
 * others are dispatch_u.c's. */
static int h_dialect_u(struct dctx *x)
{
	x->dotu = x->c->dialect == P9_DIALECT_2000U;
	return p9__dispatch_u(x);
}

static handler_fn handler_of(const struct p9_conn *c, uint8_t type)
{
	if (c->dialect == P9_DIALECT_2000L || type == P9_TVERSION || type == P9_TAUTH ||
	    type == P9_TFLUSH)
		return handlers[type];
	return p9__dispatch_u_has(type) ? h_dialect_u : NULL;
}

/* Requests that run to the end even when flushed before they start:
 * their effect is the client's only way to release a fid. */
static int runs_when_flushed(uint8_t type)
{
	return type == P9_TCLUNK || type == P9_TREMOVE || type == P9_TFLUSH;
}

void p9__dispatch(struct p9_req *r)
{
	struct p9_conn *c = r->conn;
	struct dctx x = { .r = r, .c = c, .fs = c->srv->fs, .in = &r->in };
	handler_fn h = handler_of(c, r->inbuf[4]);
	int e;
	/* The header is there (the reader checked the size); the tag is
	 * what an error reply needs even when the body is garbage. */
	r->in.type = r->inbuf[4];
	r->in.tag = p9_get_u16(r->inbuf + 5);
	if (p9_unpack(r->inbuf, r->inlen, c->dialect, &r->in) < 0) {
		r->in.type = r->inbuf[4];
		r->in.tag = p9_get_u16(r->inbuf + 5);
		p9__log(2, "%s: malformed %s (tag %u, %u bytes)", c->peer,
			p9_msg_name(r->in.type), r->in.tag, (unsigned)r->inlen); /* %zu: not msvcrt's */
		e = h ? -EINVAL : -EOPNOTSUPP;
	} else if (!h) {
		e = -EOPNOTSUPP;
	} else if (!c->versioned && r->in.type != P9_TVERSION) {
		e = -EPROTO; /* Tversion must come first */
	} else if (atomic_load(&r->flushed) && !runs_when_flushed(r->in.type)) {
		e = -EINTR;
	} else {
		if (p9__log_level >= 3) {
			char line[256];
			p9_format(line, sizeof(line), &r->in);
			p9__log(3, "%s: -> %s", c->peer, line);
		}
		e = h(&x);
	}
	p9__req_respond(r, e);
}
