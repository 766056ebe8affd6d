/*
 * dispatch.h: what the handlers of every dialect share.
 *
 * dispatch.c answers 9P2000.L and the session messages of every dialect;
 * dispatch_u.c answers 9P2000.u and classic 9P2000. Both work on one
 * request context and take fids the same way: a fid is looked up with a
 * reference and its lock (read or write, as fs.h says the operation
 * needs), and released exactly once.
 *
 * The helpers are inline: they sit on the path of every request.
 */
#ifndef P9_SERVER_DISPATCH_H
#define P9_SERVER_DISPATCH_H

#include <errno.h>

#include "server/core.h"

#define RD 0
#define WR 1

/* One request being handled. */
struct dctx {
	struct p9_req *r;
	struct p9_conn *c;
	struct p9_fs *fs;
	const struct p9_fcall *in;
	struct p9_fcall out; /* the reply, packed by pack() */
	int dotu;            /* dispatch_u.c: 9P2000.u, not classic */
};

/* Look up a fid and lock it; NULL when the client never made it. */
static inline struct p9_fid *take(struct dctx *x, uint32_t num, int mode)
{
	struct p9_fid *f = p9__fid_get(x->c, num);
	if (!f)
		return NULL;
	if (mode == WR)
		pthread_rwlock_wrlock(&f->lock);
	else
		pthread_rwlock_rdlock(&f->lock);
	if (!f->priv) {
		/* a newfid whose walk has not finished, or failed */
		pthread_rwlock_unlock(&f->lock);
		p9__fid_put(x->c, f);
		return NULL;
	}
	return f;
}

static inline void release(struct dctx *x, struct p9_fid *f)
{
	if (!f)
		return;
	pthread_rwlock_unlock(&f->lock);
	p9__fid_put(x->c, f);
}

/* Act as the user the fid was attached by (a no-op but in passthrough). */
static inline int become(struct dctx *x, const struct p9_fid *f)
{
	return x->fs->ops->become ? x->fs->ops->become(x->fs, f->cred) : 0;
}

static inline int readonly(const struct dctx *x)
{
	return x->c->srv->cfg.readonly;
}

/* Pack x->out into the request's reply buffer, which is big enough for
 * every reply but Rread (reserved by its handler) and Rstat (use
 * pack_sized). */
static inline int pack(struct dctx *x)
{
	x->out.tag = x->in->tag;
	x->r->outlen = p9_pack(x->r->out, x->r->outcap, x->c->dialect, &x->out);
	return x->r->outlen ? 0 : -ENOMEM;
}

/* pack() for a reply of any size up to msize. */
static inline int pack_sized(struct dctx *x)
{
	x->out.tag = x->in->tag;
	size_t need = p9_packed_size(x->c->dialect, &x->out);
	if (need == 0 || need > x->c->msize)
		return -EMSGSIZE;
	int e = p9__req_reserve_out(x->r, need);
	return e < 0 ? e : pack(x);
}

/* Handlers that are the same in every dialect (dispatch.c). */
int p9__h_write(struct dctx *x);

/* dispatch_u.c */
int p9__dispatch_u(struct dctx *x); /* like a dispatch.c handler: 0, -errno */

#endif
