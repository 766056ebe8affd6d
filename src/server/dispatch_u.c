/*
 * dispatch_u.c: 9P2000.u and classic 9P2000 on the backend that serves
 * 9P2000.L.
 *
 * The backend speaks POSIX (struct p9_fs_ops); these handlers translate:
 * Topen/Tcreate modes into Linux open flags, stat records out of getattr,
 * Twstat into setattr and rename, directory Treads into stat records built
 * from readdir plus a walk and a getattr per entry. Tversion, Tauth and
 * Tflush are dispatch.c's, the same in every dialect.
 *
 * What 9P2000 keeps per fid and 9P2000.L does not (the path the fid was
 * reached by, for a stat's name and a rename's parent; ORCLOSE; where a
 * directory read stands) hangs off the fid (f->ufid) and goes with it:
 * made when the fid is (attach, walk), freed with the fid's last
 * reference. Its path is guarded by the connection's fid_lock (a rename
 * rewrites the paths of other fids below it); its other fields by its
 * fid's lock: read under either mode, written under the write lock.
 *
 * Lock order: a fid's lock, then conn->fid_lock (a leaf).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/net.h"
#include "platform/platform.h"
#include "server/dispatch.h"

/* --- per-fid state --- */

struct p9_ufid {
	char *path; /* owned, under conn->fid_lock: names from the export root,
	             * '/'-separated; "" is the root */
	uint8_t open, isdir, orclose;
	/* Directory reads: the stream offset a continuing Tread asks for and
	 * the backend cookie it resumes at; the same for the last Tread, so
	 * that it can be asked again (its reply may have been lost to a
	 * flush). */
	uint64_t dir_next, dir_cookie, dir_prev, dir_prev_cookie;
};

void p9__ufid_free(struct p9_ufid *u)
{
	if (!u)
		return;
	free(u->path);
	free(u);
}

/* Give f (new, write-locked) its state, taking path. Returns 0 or
 * -ENOMEM (path is freed). */
static int ufid_add(struct p9_conn *c, struct p9_fid *f, char *path)
{
	struct p9_ufid *u = calloc(1, sizeof(*u));
	if (!u) {
		free(path);
		return -ENOMEM;
	}
	u->path = path;
	pthread_mutex_lock(&c->fid_lock);
	struct p9_ufid *old = f->ufid;
	f->ufid = u;
	pthread_mutex_unlock(&c->fid_lock);
	p9__ufid_free(old);
	return 0;
}

/* A copy of u's path (NULL: no memory). */
static char *ufid_path(struct p9_conn *c, struct p9_ufid *u)
{
	pthread_mutex_lock(&c->fid_lock);
	char *p = strdup(u->path);
	pthread_mutex_unlock(&c->fid_lock);
	return p;
}

static void ufid_set_path(struct p9_conn *c, struct p9_ufid *u, char *path)
{
	pthread_mutex_lock(&c->fid_lock);
	char *old = u->path;
	u->path = path;
	pthread_mutex_unlock(&c->fid_lock);
	free(old);
}

/* from was renamed to: the paths of c's fids below it follow (those of
 * other connections may go stale; a rename checks before it trusts one). */
static void paths_moved(struct p9_conn *c, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to);
	pthread_mutex_lock(&c->fid_lock);
	for (unsigned i = 0; i < c->fid_buckets; i++)
		for (struct p9_fid *f = c->fids[i]; f; f = f->hnext) {
			struct p9_ufid *u = f->ufid;
			if (!u || strncmp(u->path, from, fl) != 0 || u->path[fl] != '/')
				continue;
			size_t rest = strlen(u->path + fl);
			char *p = malloc(tl + rest + 1);
			if (!p)
				continue; /* stays stale */
			memcpy(p, to, tl);
			memcpy(p + tl, u->path + fl, rest + 1);
			free(u->path);
			u->path = p;
		}
	pthread_mutex_unlock(&c->fid_lock);
}

/* A fid of c opened ORCLOSE and not yet removed, with a reference. */
static struct p9_fid *next_orclose(struct p9_conn *c)
{
	struct p9_fid *found = NULL;
	pthread_mutex_lock(&c->fid_lock);
	for (unsigned i = 0; i < c->fid_buckets && !found; i++)
		for (struct p9_fid *f = c->fids[i]; f && !found; f = f->hnext)
			if (f->ufid && f->ufid->orclose) {
				atomic_fetch_add(&f->refs, 1);
				found = f;
			}
	pthread_mutex_unlock(&c->fid_lock);
	return found;
}

void p9__dispatch_u_reset(struct p9_conn *c)
{
	struct p9_fs *fs = c->srv->fs;
	struct p9_fid *f;
	/* Every fid is about to be clunked: ORCLOSE files go first. */
	while ((f = next_orclose(c))) {
		pthread_rwlock_wrlock(&f->lock);
		f->ufid->orclose = 0;
		if (f->priv && !c->srv->cfg.readonly &&
		    (!fs->ops->become || fs->ops->become(fs, f->cred) == 0))
			fs->ops->remove(fs, f);
		pthread_rwlock_unlock(&f->lock);
		p9__fid_put(c, f);
	}
}

/* A decimal number that fits in 32 bits, and is not ~0. */
static int parse_id(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v >= 0xFFFFFFFFu)
			return 0;
	}
	*out = (uint32_t)v;
	return 1;
}

/* A user or group name from a client: a name in the host database, or a
 * number written out (what we show for ids the database lacks). */
static int id_of(int group, struct p9_str s, uint32_t *id)
{
	char name[256];
	if (s.len == 0 || s.len >= sizeof(name) || memchr(s.s, '\0', s.len))
		return 0;
	memcpy(name, s.s, s.len);
	name[s.len] = '\0';
	int e = p9_os_userdb(group ? P9_OS_GROUP_BY_NAME : P9_OS_USER_BY_NAME, name, 0, id, NULL,
	                     0);
	if (e != 0)
		return e;
	return parse_id(name, id);
}

/* Names of the last ids looked up: a directory's entries mostly share
 * their owner, and each lookup reads the database. */
struct idnames {
	uint32_t uid, gid;
	int have_uid, have_gid;
	char uname[64], gname[64];
};

static const char *name_of(struct idnames *n, int group, uint32_t id)
{
	int *have = group ? &n->have_gid : &n->have_uid;
	uint32_t *cached = group ? &n->gid : &n->uid;
	char *out = group ? n->gname : n->uname;
	if (!*have || *cached != id) {
		if (p9_os_userdb(group ? P9_OS_GROUP_BY_ID : P9_OS_USER_BY_ID, NULL, id, NULL, out,
		                 64) != 1)
			snprintf(out, 64, "%u", id);
		*cached = id;
		*have = 1;
	}
	return out;
}

/* --- requests --- */

/* take() and the fid's state; NULL (nothing held) when either is missing. */
static struct p9_fid *take_u(struct dctx *x, uint32_t num, int mode, struct p9_ufid **u)
{
	struct p9_fid *f = take(x, num, mode);
	if (f && !(*u = f->ufid)) {
		release(x, f);
		f = NULL;
	}
	return f;
}

/* A fid that is not in the table, for a moment's use (a parent, a
 * directory entry); the backend's state is released by tmp_done. */
static void tmp_init(struct p9_fid *t, const struct p9_fid *like)
{
	memset(t, 0, sizeof(*t));
	t->num = P9_NOFID;
	t->cred = like->cred;
	pthread_rwlock_init(&t->lock, NULL);
	atomic_init(&t->refs, 1);
}

static void tmp_done(struct dctx *x, struct p9_fid *t)
{
	if (t->priv)
		x->fs->ops->clunk(x->fs, t);
	pthread_rwlock_destroy(&t->lock);
}

/* --- paths --- */

static const char *last_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return *path == '\0' ? "/" : s ? s + 1 : path;
}

/* path after walking names ("..": up, and the root's parent is the root). */
static char *path_walk(const char *path, unsigned n, const struct p9_str *names)
{
	size_t len = strlen(path), cap = len + 1;
	for (unsigned i = 0; i < n; i++)
		cap += (size_t)names[i].len + 1;
	char *p = malloc(cap);
	if (!p)
		return NULL;
	memcpy(p, path, len + 1);
	for (unsigned i = 0; i < n; i++) {
		if (names[i].len == 2 && memcmp(names[i].s, "..", 2) == 0) {
			char *s = strrchr(p, '/');
			len = s ? (size_t)(s - p) : 0;
		} else {
			if (len)
				p[len++] = '/';
			memcpy(p + len, names[i].s, names[i].len);
			len += names[i].len;
		}
		p[len] = '\0';
	}
	return p;
}

/* path with its last element replaced by name. */
static char *path_rename(const char *path, struct p9_str name)
{
	const char *s = strrchr(path, '/');
	size_t keep = s ? (size_t)(s - path) + 1 : 0;
	char *p = malloc(keep + name.len + 1);
	if (!p)
		return NULL;
	memcpy(p, path, keep);
	memcpy(p + keep, name.s, name.len);
	p[keep + name.len] = '\0';
	return p;
}

/* A name a client may give a new file or a rename (the backend checks
 * again; this is so that a Twstat fails before it changes anything). */
static int name_ok(struct p9_str s)
{
	if (s.len == 0 || memchr(s.s, '/', s.len) || memchr(s.s, '\0', s.len))
		return -EINVAL;
	if ((s.len == 1 && s.s[0] == '.') || (s.len == 2 && s.s[0] == '.' && s.s[1] == '.'))
		return -EINVAL;
	return s.len > 255 ? -ENAMETOOLONG : 0;
}

/* The directory holding the file f names, into the temporary *parent.
 * A directory knows its parent (".."); for other files the path is
 * walked again from the root, and must still lead to f's file. */
static int parent_of(struct dctx *x, struct p9_fid *f, const char *path, int isdir, uint64_t qpath,
                     struct p9_fid *parent)
{
	struct p9_qid qids[P9_MAXWELEM];
	struct p9_str names[P9_MAXWELEM];
	int e;
	tmp_init(parent, f);
	if (isdir) {
		struct p9_str dd = {"..", 2};
		e = x->fs->ops->walk(x->fs, f, parent, 1, &dd, qids);
		if (e == 1)
			return 0;
		e = e < 0 ? e : -ESTALE;
		goto fail;
	}
	struct p9_str none = {"", 0};
	if ((e = x->fs->ops->attach(x->fs, parent, none, qids)) < 0)
		goto fail;
	const char *p = path, *end = strrchr(p, '/');
	while (end && p < end) {
		unsigned n = 0;
		while (p < end && n < P9_MAXWELEM) {
			const char *s = memchr(p, '/', (size_t)(end - p));
			size_t l = s ? (size_t)(s - p) : (size_t)(end - p);
			names[n].s = p;
			names[n++].len = (uint16_t)l;
			p += l + (s ? 1 : 0);
		}
		e = x->fs->ops->walk(x->fs, parent, parent, n, names, qids);
		if (e != (int)n) {
			e = e < 0 ? e : -ESTALE;
			goto fail;
		}
	}
	/* Still the same file under that name? */
	struct p9_fid chk;
	struct p9_str last = p9_str_c(last_name(path));
	tmp_init(&chk, f);
	e = x->fs->ops->walk(x->fs, parent, &chk, 1, &last, qids);
	tmp_done(x, &chk);
	if (e == 1 && qids[0].path == qpath)
		return 0;
	e = e < 0 && e != -ENOENT ? e : -ESTALE;
fail:
	tmp_done(x, parent);
	return e;
}

/* --- stat records --- */

static uint32_t dm_mode(uint32_t m, int dotu)
{
	uint32_t dm = m & 0777;
	switch (m & P9_S_IFMT) {
	case P9_S_IFDIR:
		dm |= P9_DMDIR;
		break;
	case P9_S_IFLNK:
		dm |= dotu ? P9_DMSYMLINK : 0;
		break;
	case P9_S_IFCHR:
	case P9_S_IFBLK:
		dm |= dotu ? P9_DMDEVICE : 0;
		break;
	case P9_S_IFIFO:
		dm |= dotu ? P9_DMNAMEDPIPE : 0;
		break;
	case P9_S_IFSOCK:
		dm |= dotu ? P9_DMSOCKET : 0;
		break;
	}
	if (dotu)
		dm |= (m & 04000 ? P9_DMSETUID : 0) | (m & 02000 ? P9_DMSETGID : 0) |
		      (m & 01000 ? P9_DMSETVTX : 0);
	return dm;
}

/* Linux's dev_t encoding, as the backend reports rdev. */
static uint32_t rdev_major(uint64_t d)
{
	return (uint32_t)(((d >> 8) & 0xfffu) | ((d >> 32) & 0xfffff000u));
}

static uint32_t rdev_minor(uint64_t d)
{
	return (uint32_t)((d & 0xffu) | ((d >> 12) & 0xffffff00u));
}

#define EXT_MAX 4096

/* f's stat record under name; strings point into ids and ext[EXT_MAX]. */
static int stat_of(struct dctx *x, struct p9_fid *f, struct p9_str name, struct idnames *ids,
                   char *ext, struct p9_stat *st)
{
	struct p9_rgetattr ga;
	int e = x->fs->ops->getattr(x->fs, f, P9_GETATTR_BASIC, &ga);
	if (e < 0)
		return e;
	uint32_t type = ga.mode & P9_S_IFMT;
	memset(st, 0, sizeof(*st));
	st->qid = ga.qid;
	st->mode = dm_mode(ga.mode, x->dotu);
	st->atime = (uint32_t)ga.atime_sec;
	st->mtime = (uint32_t)ga.mtime_sec;
	st->length = type == P9_S_IFDIR ? 0 : ga.size; /* 9P: directories have length 0 */
	st->name = name;
	st->uid = st->muid = p9_str_c(name_of(ids, 0, ga.uid));
	st->gid = p9_str_c(name_of(ids, 1, ga.gid));
	st->n_uid = st->n_muid = ga.uid;
	st->n_gid = ga.gid;
	if (!x->dotu)
		return 0;
	if (type == P9_S_IFLNK) {
		ssize_t n = x->fs->ops->readlink(x->fs, f, ext, EXT_MAX);
		if (n < 0)
			return (int)n;
		st->extension.s = ext;
		st->extension.len = (uint16_t)n;
	} else if (type == P9_S_IFREG || type == P9_S_IFDIR) {
		/* Linux's v9fs takes the link count from here (QEMU sends it too) */
		int n = snprintf(ext, EXT_MAX, "HARDLINKCOUNT %llu", (unsigned long long)ga.nlink);
		st->extension.s = ext;
		st->extension.len = (uint16_t)n;
	} else if (type == P9_S_IFCHR || type == P9_S_IFBLK) {
		int n = snprintf(ext, EXT_MAX, "%c %u %u", type == P9_S_IFCHR ? 'c' : 'b',
		                 rdev_major(ga.rdev), rdev_minor(ga.rdev));
		st->extension.s = ext;
		st->extension.len = (uint16_t)n;
	}
	return 0;
}

/* --- attach, walk, clunk, remove --- */

static int aname_ok(struct dctx *x, struct p9_str aname)
{
	const char *exp = x->c->srv->cfg.export_path;
	size_t el = strlen(exp), al = aname.len;
	if (al == 0)
		return 1;
	while (al > 1 && aname.s[al - 1] == '/')
		al--;
	while (el > 1 && exp[el - 1] == '/')
		el--;
	return al == el && memcmp(aname.s, exp, al) == 0;
}

static int h_attach(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	uint32_t uid = in->u.tattach.n_uname; /* ~0 in classic: absent */
	struct p9_fid *f;
	int e;
	if (in->u.tattach.afid != P9_NOFID)
		return -EOPNOTSUPP; /* no authentication is offered */
	if (!aname_ok(x, in->u.tattach.aname))
		return -ENOENT;
	if (uid == P9_NOFID && id_of(0, in->u.tattach.uname, &uid) != 1)
		uid = 65534; /* a user the host does not know: nobody */
	const struct p9_cred *cred = p9__cred_get(x->c->srv, uid);
	char *root = strdup("");
	if (!cred || !root) {
		free(root);
		return -ENOMEM;
	}
	if ((e = p9__fid_add(x->c, in->u.tattach.fid, cred, &f)) < 0) {
		free(root);
		return e;
	}
	pthread_rwlock_wrlock(&f->lock);
	e = become(x, f);
	if (e == 0)
		e = x->fs->ops->attach(x->fs, f, in->u.tattach.aname, &x->out.u.rattach.qid);
	if (e == 0)
		e = ufid_add(x->c, f, root);
	else
		free(root);
	pthread_rwlock_unlock(&f->lock);
	if (e < 0)
		p9__fid_unhash(x->c, f);
	p9__fid_put(x->c, f);
	if (e < 0)
		return e;
	x->out.type = P9_RATTACH;
	return pack_sized(x);
}

static int h_walk(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	uint32_t fidn = in->u.twalk.fid, newn = in->u.twalk.newfid;
	unsigned n = in->u.twalk.nwname;
	struct p9_fid *f, *nf = NULL;
	struct p9_ufid *u;
	char *np;
	int e;
	if (!(f = take_u(x, fidn, fidn == newn ? WR : RD, &u)))
		return -EBADF;
	/* An open fid keeps its file: walking it in place would not. */
	if (fidn == newn && n > 0 && u->open) {
		release(x, f);
		return -EBADF;
	}
	pthread_mutex_lock(&x->c->fid_lock);
	np = path_walk(u->path, n, in->u.twalk.wname);
	pthread_mutex_unlock(&x->c->fid_lock);
	if (!np) {
		release(x, f);
		return -ENOMEM;
	}
	if (fidn == newn) {
		nf = f;
	} else if ((e = p9__fid_add(x->c, newn, f->cred, &nf)) < 0) {
		free(np);
		release(x, f);
		return e;
	} else {
		pthread_rwlock_wrlock(&nf->lock);
	}
	e = become(x, f);
	if (e == 0)
		e = x->fs->ops->walk(x->fs, f, nf, n, in->u.twalk.wname, x->out.u.rwalk.wqid);
	int complete = e >= 0 && (unsigned)e == n;
	if (complete && nf == f && n > 0) {
		ufid_set_path(x->c, u, np);
	} else if (complete && nf != f) {
		if (ufid_add(x->c, nf, np) < 0) {
			complete = 0;
			e = -ENOMEM;
		}
	} else {
		free(np);
	}
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
	return pack_sized(x);
}

/* Tclunk, and Tremove: the fid goes either way (9P says so even when the
 * remove fails). An ORCLOSE fid is removed at its clunk. */
static int h_clunk(struct dctx *x)
{
	int rm = x->in->type == P9_TREMOVE;
	struct p9_fid *f = take(x, x->in->u.tclunk.fid, WR);
	int e = 0;
	if (!f) {
		/* a half-made fid is still in the table: drop it */
		struct p9_fid *g = p9__fid_get(x->c, x->in->u.tclunk.fid);
		if (!g)
			return -EBADF;
		p9__fid_unhash(x->c, g);
		p9__fid_put(x->c, g);
		if (rm)
			return -EBADF;
		x->out.type = P9_RCLUNK;
		return pack_sized(x);
	}
	struct p9_ufid *u = f->ufid;
	if (rm || (u && u->orclose)) {
		e = readonly(x) ? -EROFS : become(x, f);
		if (e == 0)
			e = x->fs->ops->remove(x->fs, f);
		if (!rm) {
			if (e < 0)
				p9__log(2, "%s: ORCLOSE remove of fid %u: %s", x->c->peer, f->num,
				        strerror(-e));
			e = 0; /* the clunk itself succeeded */
		}
	} else if (x->fs->ops->flush_fid) {
		e = become(x, f);
		if (e == 0)
			e = x->fs->ops->flush_fid(x->fs, f);
	}
	pthread_rwlock_unlock(&f->lock);
	p9__fid_unhash(x->c, f);
	p9__fid_put(x->c, f);
	if (e < 0)
		return e;
	x->out.type = rm ? P9_RREMOVE : P9_RCLUNK;
	return pack_sized(x);
}

/* --- open, create --- */

/* Topen/Tcreate mode -> Linux open flags. OEXEC reads; OEXCL (0x1000)
 * cannot travel in the 8-bit mode, and a create is exclusive anyway. */
static uint32_t open_flags(uint8_t mode, int dotu)
{
	static const uint32_t acc[4] = {P9_DOTL_RDONLY, P9_DOTL_WRONLY, P9_DOTL_RDWR,
	                                P9_DOTL_RDONLY};
	uint32_t fl = acc[mode & 3];
	if (mode & P9_OTRUNC)
		fl |= P9_DOTL_TRUNC;
	if (dotu && (mode & P9_OAPPEND))
		fl |= P9_DOTL_APPEND;
	return fl;
}

static int writes(uint8_t mode)
{
	return (mode & 3) == P9_OWRITE || (mode & 3) == P9_ORDWR || (mode & P9_OTRUNC) ||
	       (mode & P9_ORCLOSE);
}

static void opened(struct p9_ufid *u, const struct p9_qid *qid, uint8_t mode)
{
	u->open = 1;
	u->isdir = (qid->type & P9_QTDIR) != 0;
	u->orclose = (mode & P9_ORCLOSE) != 0;
	u->dir_next = u->dir_cookie = u->dir_prev = u->dir_prev_cookie = 0;
}

static int h_open(struct dctx *x)
{
	uint8_t mode = x->in->u.topen.mode;
	struct p9_fid *f;
	struct p9_ufid *u;
	int e;
	if (readonly(x) && writes(mode))
		return -EROFS;
	if (!(f = take_u(x, x->in->u.topen.fid, WR, &u)))
		return -EBADF;
	e = u->open ? -EBADF : become(x, f);
	if (e == 0)
		e = x->fs->ops->lopen(x->fs, f, open_flags(mode, x->dotu), &x->out.u.ropen.qid);
	if (e == 0)
		opened(u, &x->out.u.ropen.qid, mode);
	release(x, f);
	if (e < 0)
		return e;
	x->out.type = P9_ROPEN;
	x->out.u.ropen.iounit = 0; /* 0: the client uses msize - 24 */
	return pack_sized(x);
}

/* "c 1 3" / "b 8 0" -> type and numbers. */
static int parse_dev(struct p9_str ext, uint32_t *type, uint32_t *major, uint32_t *minor)
{
	char s[64], c, end;
	unsigned ma, mi;
	if (ext.len == 0 || ext.len >= sizeof(s))
		return -EINVAL;
	memcpy(s, ext.s, ext.len);
	s[ext.len] = '\0';
	if (sscanf(s, "%c %u %u%c", &c, &ma, &mi, &end) != 3 || (c != 'c' && c != 'b'))
		return -EINVAL;
	*type = c == 'c' ? P9_S_IFCHR : P9_S_IFBLK;
	*major = ma;
	*minor = mi;
	return 0;
}

/* Tcreate with DMLINK: a hard link named name in the directory dfid to
 * the file of the fid numbered in ext. Both fids are taken for reading
 * (as Tlink's are), so two crossed requests cannot deadlock. */
static int create_link(struct dctx *x, uint32_t dfidn, struct p9_str name, struct p9_str ext)
{
	char s[16];
	uint32_t target;
	struct p9_fid *d, *f;
	int e;
	size_t len = ext.len;
	/* Linux writes "%d\n" */
	while (len > 0 && (ext.s[len - 1] == '\n' || ext.s[len - 1] == ' '))
		len--;
	if (len == 0 || len >= sizeof(s))
		return -EINVAL;
	memcpy(s, ext.s, len);
	s[len] = '\0';
	if (!parse_id(s, &target))
		return -EINVAL;
	if (!(d = take(x, dfidn, RD)))
		return -EBADF;
	if (target == dfidn || !(f = take(x, target, RD))) {
		release(x, d);
		return target == dfidn ? -EPERM : -EBADF; /* a directory cannot be linked */
	}
	e = become(x, d);
	if (e == 0)
		e = x->fs->ops->link(x->fs, d, f, name);
	release(x, f);
	release(x, d);
	return e;
}

static int h_create(struct dctx *x)
{
	const struct p9_fcall *in = x->in;
	struct p9_str name = in->u.tcreate.name;
	uint32_t perm = in->u.tcreate.perm;
	uint8_t mode = in->u.tcreate.mode;
	struct p9_rgetattr dir;
	struct p9_qid *qid = &x->out.u.ropen.qid;
	struct p9_fid *f;
	struct p9_ufid *u;
	int e;
	if (readonly(x))
		return -EROFS;
	if ((e = name_ok(name)) < 0)
		return e;
	if (x->dotu && (perm & P9_DMLINK)) {
		/* Needs two fids; the created name is walked to below. */
		if ((e = create_link(x, in->u.tcreate.fid, name, in->u.tcreate.extension)) < 0)
			return e;
	}
	if (!(f = take_u(x, in->u.tcreate.fid, WR, &u)))
		return -EBADF;
	e = u->open ? -EBADF : become(x, f);
	if (e == 0)
		e = x->fs->ops->getattr(x->fs, f, P9_GETATTR_BASIC, &dir);
	if (e == 0 && (dir.mode & P9_S_IFMT) != P9_S_IFDIR)
		e = -ENOTDIR;
	if (e < 0)
		goto out;

	uint32_t bits = perm & 0777;
	if (x->dotu)
		bits |= (perm & P9_DMSETUID ? 04000 : 0) | (perm & P9_DMSETGID ? 02000 : 0) |
		        (perm & P9_DMSETVTX ? 01000 : 0);
	else /* Plan 9: the directory's permissions bound the new file's */
		bits &= (perm & P9_DMDIR) ? (~0777u | (dir.mode & 0777))
		                          : (~0666u | (dir.mode & 0666));
	/* The group: Plan 9 takes the directory's; Unix the creator's, or the
	 * directory's when it is set-group-id. */
	uint32_t gid = !x->dotu || (dir.mode & 02000) ? dir.gid : f->cred->gid;
	pthread_mutex_lock(&x->c->fid_lock);
	char *np = path_walk(u->path, 1, &name);
	pthread_mutex_unlock(&x->c->fid_lock);
	if (!np) {
		e = -ENOMEM;
		goto out;
	}
	int isfile = 0;  /* lcreate: made and opened */
	int special = 1; /* neither a regular file nor a directory: never opened */
	if (perm & P9_DMDIR) {
		if ((mode & 3) == P9_OWRITE || (mode & 3) == P9_ORDWR || (mode & P9_OTRUNC))
			e = -EISDIR;
		else
			e = x->fs->ops->mkdir(x->fs, f, name, bits, gid, qid);
		special = 0;
	} else if (x->dotu && (perm & P9_DMSYMLINK)) {
		e = x->fs->ops->symlink(x->fs, f, name, in->u.tcreate.extension, gid, qid);
	} else if (x->dotu && (perm & P9_DMLINK)) {
		e = 0; /* made above */
	} else if (x->dotu && (perm & (P9_DMDEVICE | P9_DMNAMEDPIPE | P9_DMSOCKET))) {
		uint32_t type = P9_S_IFIFO, major = 0, minor = 0;
		if (perm & P9_DMDEVICE)
			e = parse_dev(in->u.tcreate.extension, &type, &major, &minor);
		else if (perm & P9_DMSOCKET)
			type = P9_S_IFSOCK;
		if (e == 0)
			e = x->fs->ops->mknod(x->fs, f, name, type | bits, major, minor, gid, qid);
	} else {
		e = x->fs->ops->lcreate(x->fs, f, name, open_flags(mode, x->dotu) | P9_DOTL_EXCL,
		                        bits, gid, qid);
		isfile = 1;
		special = 0;
	}
	if (e == 0 && !isfile) {
		/* The fid moves to the new file; a directory is opened too. A
		 * special file never is (the backend refuses host devices). */
		struct p9_qid wq;
		e = x->fs->ops->walk(x->fs, f, f, 1, &name, &wq);
		e = e == 1 ? 0 : e < 0 ? e : -ENOENT;
		if (e == 0 && !special) /* the directory */
			e = x->fs->ops->lopen(x->fs, f, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY, qid);
		else if (e == 0)
			*qid = wq;
	}
	if (e == 0) {
		ufid_set_path(x->c, u, np);
		if (special)
			u->orclose = (mode & P9_ORCLOSE) != 0;
		else
			opened(u, qid, mode);
	} else {
		free(np);
	}
out:
	release(x, f);
	if (e < 0)
		return e;
	x->out.type = P9_RCREATE;
	x->out.u.ropen.iounit = 0;
	return pack_sized(x);
}

/* --- read, write --- */

/* Stat records of the directory f from the backend's cookie *cookie into
 * buf[0..cap): whole records only. Returns the bytes used; *cookie moves
 * past the entries sent. */
static ssize_t read_dir(struct dctx *x, struct p9_fid *f, uint64_t *cookie, uint8_t *buf,
                        size_t cap)
{
	/* An Rreaddir entry is smaller than its stat record, so a listing
	 * of cap bytes holds every entry this reply can take (and few more,
	 * which the next Tread reads again). */
	size_t scap = cap < 4096 ? 4096 : cap > 65536 ? 65536 : cap;
	uint8_t *scratch = malloc(scap);
	char *ext = malloc(EXT_MAX);
	struct idnames ids = {0};
	size_t pos = 0;
	int full = 0;
	ssize_t e = 0;
	if (!scratch || !ext) {
		e = -ENOMEM;
		goto out;
	}
	while (!full) {
		ssize_t n = x->fs->ops->readdir(x->fs, f, *cookie, scratch, scap);
		if (n <= 0) {
			e = n;
			break;
		}
		size_t at = 0;
		struct p9_dirent de;
		if (p9_dirent_unpack(scratch, (size_t)n, &at, &de) != 0) {
			e = -EIO; /* the backend listed nothing we can read */
			break;
		}
		for (int more = 1; more;
		     more = p9_dirent_unpack(scratch, (size_t)n, &at, &de) == 0) {
			if ((de.name.len == 1 && de.name.s[0] == '.') ||
			    (de.name.len == 2 && memcmp(de.name.s, "..", 2) == 0)) {
				*cookie = de.offset;
				continue;
			}
			struct p9_fid t;
			struct p9_qid q;
			struct p9_stat st;
			tmp_init(&t, f);
			int w = x->fs->ops->walk(x->fs, f, &t, 1, &de.name, &q);
			if (w == 1)
				w = stat_of(x, &t, de.name, &ids, ext, &st);
			if (w == -ENOENT) {
				/* gone since the listing: not an entry any more */
				tmp_done(x, &t);
				*cookie = de.offset;
				continue;
			}
			if (w < 0) {
				/* listed but not reachable (no search permission):
				 * what the listing itself says */
				memset(&st, 0, sizeof(st));
				st.qid = de.qid;
				st.mode = de.type == P9_DT_DIR ? P9_DMDIR : 0;
				st.name = de.name;
				st.uid = st.gid = st.muid = st.extension = p9_str_c("");
				st.n_uid = st.n_gid = st.n_muid = P9_NOFID;
			}
			int p = p9_stat_pack(buf, cap, &pos, x->c->dialect, &st);
			tmp_done(x, &t);
			if (p < 0) {
				full = 1;
				break;
			}
			*cookie = de.offset;
		}
	}
	/* Not even one record fits: Plan 9 says so with an error too. */
	if (e == 0 && full && pos == 0)
		e = -EINVAL;
out:
	free(scratch);
	free(ext);
	return e < 0 && pos == 0 ? e : (ssize_t)pos;
}

static int h_read(struct dctx *x)
{
	uint32_t count = x->in->u.tread.count;
	uint64_t off = x->in->u.tread.offset;
	uint32_t max = x->c->msize - P9_RREAD_HDRSZ;
	struct p9_fid *f;
	struct p9_ufid *u;
	ssize_t n;
	int e;
	if (count > max)
		count = max;
	if ((e = p9__req_reserve_out(x->r, P9_RREAD_HDRSZ + (size_t)count)) < 0)
		return e;
	if (!(f = take_u(x, x->in->u.tread.fid, RD, &u)))
		return -EBADF;
	if (u->isdir) {
		/* a directory read moves the fid's position: one at a time */
		release(x, f);
		if (!(f = take_u(x, x->in->u.tread.fid, WR, &u)))
			return -EBADF;
	}
	n = become(x, f);
	if (n < 0) {
		/* nothing */
	} else if (u->isdir && u->open) {
		/* Offsets in a directory are positions in the stream of
		 * records: 0 starts again, the end of the last reply goes on
		 * (and the last one may be asked again); others cannot be
		 * found without reading from the start, and 9P forbids them. */
		uint64_t cookie = 0;
		if (off == u->dir_next && off != 0)
			cookie = u->dir_cookie;
		else if (off == u->dir_prev && off != 0)
			cookie = u->dir_prev_cookie;
		if (off != 0 && off != u->dir_next && off != u->dir_prev) {
			n = -EINVAL;
		} else {
			uint64_t start = cookie;
			n = read_dir(x, f, &cookie, x->r->out + P9_RREAD_HDRSZ, count);
			if (n >= 0) {
				u->dir_prev = off;
				u->dir_prev_cookie = start;
				u->dir_next = off + (uint64_t)n;
				u->dir_cookie = cookie;
			}
		}
	} else {
		n = p9__read_reply(x->r, x->fs, f, off, count);
	}
	release(x, f);
	if (n < 0)
		return (int)n;
	x->out.type = P9_RREAD;
	x->out.u.rread.count = (uint32_t)n;
	x->out.u.rread.data = x->r->out + P9_RREAD_HDRSZ; /* already in place */
	/* fits: the room was reserved above */
	return pack_sized(x);
}

/* --- stat, wstat --- */

static int h_stat(struct dctx *x)
{
	struct p9_fid *f;
	struct p9_ufid *u;
	struct idnames ids = {0};
	char *ext = malloc(EXT_MAX), *path = NULL;
	int e;
	if (!ext)
		return -ENOMEM;
	if (!(f = take_u(x, x->in->u.tclunk.fid, RD, &u))) {
		free(ext);
		return -EBADF;
	}
	e = (path = ufid_path(x->c, u)) ? become(x, f) : -ENOMEM;
	if (e == 0)
		e = stat_of(x, f, p9_str_c(last_name(path)), &ids, ext, &x->out.u.rstat.stat);
	if (e == 0) {
		x->out.type = P9_RSTAT;
		e = pack_sized(x); /* the record points into ids, ext and path */
	}
	release(x, f);
	free(path);
	free(ext);
	return e;
}

static int str_is(struct p9_str s, const char *c)
{
	return s.len == strlen(c) && memcmp(s.s, c, s.len) == 0;
}

/* Every field "don't touch": 9P's way to ask for a sync. (Classic
 * decodes the .u fields as ~0 and "".) */
static int untouched(const struct p9_stat *s)
{
	return s->type == 0xFFFF && s->dev == ~0u && s->qid.type == 0xFF && s->qid.version == ~0u &&
	       s->qid.path == ~0ull && s->mode == ~0u && s->atime == ~0u && s->mtime == ~0u &&
	       s->length == ~0ull && !s->name.len && !s->uid.len && !s->gid.len && !s->muid.len &&
	       !s->extension.len && s->n_uid == ~0u && s->n_gid == ~0u && s->n_muid == ~0u;
}

/* setattr for the fields of sa->valid, back to cur's values. */
static void undo_setattr(struct dctx *x, struct p9_fid *f, const struct p9_tsetattr *sa,
                         const struct p9_rgetattr *cur)
{
	struct p9_tsetattr back = {.valid = sa->valid & ~P9_SETATTR_SIZE};
	if (!back.valid)
		return;
	back.mode = cur->mode & 07777;
	back.gid = cur->gid;
	back.atime_sec = cur->atime_sec;
	back.atime_nsec = cur->atime_nsec;
	back.mtime_sec = cur->mtime_sec;
	back.mtime_nsec = cur->mtime_nsec;
	x->fs->ops->setattr(x->fs, f, &back);
}

/*
 * Twstat: what may change is the name (within its directory), the
 * permission bits, the times, the length and the group; the owner only
 * "to itself". Everything is checked before anything changes; then the
 * reversible changes go first (attributes, then the rename) and the
 * truncation last, and a failure undoes what was done before it.
 */
static int h_wstat(struct dctx *x)
{
	const struct p9_stat *ws = &x->in->u.twstat.stat;
	struct p9_rgetattr cur;
	struct p9_tsetattr sa = {0}, size = {0};
	struct p9_fid *f, parent;
	struct p9_ufid *u;
	int e, have_parent = 0, renaming = 0;
	char *np = NULL, *path;
	if (!(f = take_u(x, x->in->u.twstat.fid, WR, &u)))
		return -EBADF;
	if (!(path = ufid_path(x->c, u))) {
		release(x, f);
		return -ENOMEM;
	}
	if ((e = become(x, f)) < 0 ||
	    (e = x->fs->ops->getattr(x->fs, f, P9_GETATTR_BASIC, &cur)) < 0)
		goto out;
	if (untouched(ws)) {
		e = u->open ? x->fs->ops->fsync(x->fs, f, 0) : 0;
		goto out;
	}
	int isdir = (cur.mode & P9_S_IFMT) == P9_S_IFDIR;
	uint64_t len = isdir ? 0 : cur.size;

	/* Fields that never change: "don't touch" or the value they have. */
	e = -EINVAL;
	if ((ws->type != 0xFFFF && ws->type != 0) || (ws->dev != ~0u && ws->dev != 0) ||
	    (ws->qid.type != 0xFF && ws->qid.type != cur.qid.type) ||
	    (ws->qid.path != ~0ull && ws->qid.path != cur.qid.path))
		goto out;
	if (ws->mode != ~0u) {
		if (!(ws->mode & P9_DMDIR) != !isdir)
			goto out; /* a file cannot become a directory, nor back */
		uint32_t bits = ws->mode & 0777;
		if (x->dotu)
			bits |= (ws->mode & P9_DMSETUID ? 04000 : 0) |
			        (ws->mode & P9_DMSETGID ? 02000 : 0) |
			        (ws->mode & P9_DMSETVTX ? 01000 : 0);
		else /* bits a classic client cannot see stay */
			bits |= cur.mode & 07000;
		if (bits != (cur.mode & 07777)) {
			sa.valid |= P9_SETATTR_MODE;
			sa.mode = bits;
		}
	}
	if (ws->mtime != ~0u && ws->mtime != (uint32_t)cur.mtime_sec) {
		sa.valid |= P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET;
		sa.mtime_sec = ws->mtime;
	}
	if (ws->atime != ~0u && ws->atime != (uint32_t)cur.atime_sec) {
		sa.valid |= P9_SETATTR_ATIME | P9_SETATTR_ATIME_SET;
		sa.atime_sec = ws->atime;
	}
	if (ws->length != ~0ull && ws->length != len) {
		if (isdir) {
			e = -EISDIR;
			goto out;
		}
		size.valid = P9_SETATTR_SIZE;
		size.size = ws->length;
	}
	/* The owner: only "no change" is allowed. */
	uint32_t id;
	e = -EPERM;
	if (x->dotu && ws->n_uid != ~0u && ws->n_uid != cur.uid)
		goto out;
	if (ws->uid.len && (id_of(0, ws->uid, &id) != 1 || id != cur.uid))
		goto out;
	/* The group: .u's number, else the name. */
	id = ~0u;
	if (x->dotu && ws->n_gid != ~0u) {
		id = ws->n_gid;
	} else if (ws->gid.len && id_of(1, ws->gid, &id) != 1) {
		e = -EINVAL; /* no such group */
		goto out;
	}
	if (id != ~0u && id != cur.gid) {
		sa.valid |= P9_SETATTR_GID;
		sa.gid = id;
	}
	/* The name: a rename within the directory. */
	if (ws->name.len && !str_is(ws->name, last_name(path))) {
		if ((e = name_ok(ws->name)) < 0)
			goto out;
		if (!path[0]) {
			e = -EBUSY; /* the root keeps its name */
			goto out;
		}
		renaming = 1;
	}
	if (readonly(x) && (sa.valid || size.valid || renaming)) {
		e = -EROFS;
		goto out;
	}
	if (renaming) {
		if (!(np = path_rename(path, ws->name))) {
			e = -ENOMEM;
			goto out;
		}
		if ((e = parent_of(x, f, path, isdir, cur.qid.path, &parent)) < 0)
			goto out;
		have_parent = 1;
		if (!x->dotu) {
			/* Plan 9 renames never replace a file; Unix ones do. */
			struct p9_fid chk;
			struct p9_qid q;
			tmp_init(&chk, f);
			e = x->fs->ops->walk(x->fs, &parent, &chk, 1, &ws->name, &q);
			tmp_done(x, &chk);
			if (e != -ENOENT) {
				e = e < 0 ? e : -EEXIST;
				goto out;
			}
		}
	}

	/* Now change things. Explicit times go with the truncate, which
	 * the backend does first: they win over the times it sets. */
	if (size.valid) {
		size.valid |= sa.valid & (P9_SETATTR_ATIME | P9_SETATTR_ATIME_SET |
		                          P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET);
		size.atime_sec = sa.atime_sec;
		size.mtime_sec = sa.mtime_sec;
		sa.valid &= ~(P9_SETATTR_ATIME | P9_SETATTR_ATIME_SET | P9_SETATTR_MTIME |
		              P9_SETATTR_MTIME_SET);
	}
	e = 0;
	if (sa.valid && (e = x->fs->ops->setattr(x->fs, f, &sa)) < 0) {
		undo_setattr(x, f, &sa, &cur);
		goto out;
	}
	if (renaming && (e = x->fs->ops->rename(x->fs, f, &parent, ws->name)) < 0) {
		undo_setattr(x, f, &sa, &cur);
		goto out;
	}
	if (size.valid && (e = x->fs->ops->setattr(x->fs, f, &size)) < 0) {
		if (renaming) {
			struct p9_str old = p9_str_c(last_name(path));
			x->fs->ops->rename(x->fs, f, &parent, old);
		}
		undo_setattr(x, f, &sa, &cur);
		goto out;
	}
	if (renaming) {
		if (isdir)
			paths_moved(x->c, path, np);
		ufid_set_path(x->c, u, np);
		np = NULL;
	}
out:
	if (have_parent)
		tmp_done(x, &parent);
	free(np);
	free(path);
	release(x, f);
	if (e < 0)
		return e;
	x->out.type = P9_RWSTAT;
	return pack_sized(x);
}

/* --- the table --- */

typedef int (*uhandler_fn)(struct dctx *x);

static const uhandler_fn uhandlers[256] = {
        [P9_TATTACH] = h_attach, [P9_TWALK] = h_walk,    [P9_TOPEN] = h_open,
        [P9_TCREATE] = h_create, [P9_TREAD] = h_read,    [P9_TWRITE] = p9__h_write,
        [P9_TCLUNK] = h_clunk,   [P9_TREMOVE] = h_clunk, [P9_TSTAT] = h_stat,
        [P9_TWSTAT] = h_wstat,
};

int p9__dispatch_u_has(uint8_t type)
{
	return uhandlers[type] != NULL;
}

int p9__dispatch_u(struct dctx *x)
{
	return uhandlers[x->in->type](x);
}
