/*
 * attr.c: attributes: qids, getattr, setattr, statfs.
 */
#include <errno.h>
#include <string.h>

#include "fs/local/local.h"
#include "server/core.h"

int p9__local_qid(struct local_fs *fs, const struct p9_os_stat *st, struct p9_qid *qid)
{
	uint32_t t = st->mode & P9_S_IFMT;
	qid->path = st->ino;
	if (st->dev != fs->root_dev || (st->ino >> 63)) {
		switch (fs->base.cfg->multidevs) {
		case P9_MULTIDEVS_REMAP: {
			int e = p9__qidmap_path(&fs->qidmap, fs->root_dev, st->dev, st->ino,
						&qid->path);
			if (e < 0)
				return e;
			break;
		}
		case P9_MULTIDEVS_FORBID:
			if (st->dev != fs->root_dev)
				return -ENODEV;
			break;
		default:
			if (st->dev != fs->root_dev &&
			    atomic_exchange(&fs->warned_multidev, 1) == 0)
				p9__log(0, "warning: the export spans several file systems; inode "
					   "numbers may collide in the client (use --multidevs remap)");
			break;
		}
	}
	qid->type = t == P9_S_IFDIR ? P9_QTDIR : t == P9_S_IFLNK ? P9_QTSYMLINK : P9_QTFILE;
	/* What QEMU uses: changes when the file's data changes. */
	qid->version = (uint32_t)((uint64_t)st->mtime_sec ^ (st->size << 8));
	return 0;
}

int p9__local_stat(struct local_fs *fs, struct local_node *n, int fd, struct p9_os_stat *st)
{
	int e = p9_os_fstat(fd, st);
	if (e < 0 || !fs->model->getattr)
		return e;
	struct local_loc loc;
	p9__loc_node(&loc, fs, n, fd);
	e = fs->model->getattr(fs, &loc, st);
	p9__loc_done(&loc);
	return e;
}

int p9__local_getattr(struct p9_fs *fs, struct p9_fid *fid, uint64_t mask, struct p9_rgetattr *out)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *lf = fid->priv;
	struct p9_os_stat st;
	int tmp, e;
	(void)mask; /* everything costs the same one fstat */
	int fd = p9__local_fid_fd(lfs, lf, &tmp);
	if (fd < 0)
		return fd;
	e = p9__local_stat(lfs, lf->node, fd, &st);
	p9__node_fd_done(fd, tmp);
	if (e < 0)
		return e;
	memset(out, 0, sizeof(*out));
	if ((e = p9__local_qid(lfs, &st, &out->qid)) < 0)
		return e;
	out->valid = P9_GETATTR_BASIC | (st.has_btime ? P9_GETATTR_BTIME : 0);
	out->mode = st.mode;
	out->uid = st.uid;
	out->gid = st.gid;
	out->nlink = st.nlink;
	out->rdev = st.rdev;
	out->size = st.size;
	out->blksize = st.blksize;
	out->blocks = st.blocks;
	out->atime_sec = (uint64_t)st.atime_sec;
	out->atime_nsec = st.atime_nsec;
	out->mtime_sec = (uint64_t)st.mtime_sec;
	out->mtime_nsec = st.mtime_nsec;
	out->ctime_sec = (uint64_t)st.ctime_sec;
	out->ctime_nsec = st.ctime_nsec;
	out->btime_sec = (uint64_t)st.btime_sec;
	out->btime_nsec = st.btime_nsec;
	return 0;
}

static int set_times(struct local_fs *fs, struct local_fid *lf, int fd,
		     const struct p9_tsetattr *in)
{
	struct p9_os_time t[2] = { { 0 }, { 0 } };
	if (in->valid & P9_SETATTR_ATIME) {
		t[0].how = (in->valid & P9_SETATTR_ATIME_SET) ? P9_OS_TIME_SET : P9_OS_TIME_NOW;
		t[0].sec = (int64_t)in->atime_sec;
		t[0].nsec = (uint32_t)in->atime_nsec;
	}
	if (in->valid & P9_SETATTR_MTIME) {
		t[1].how = (in->valid & P9_SETATTR_MTIME_SET) ? P9_OS_TIME_SET : P9_OS_TIME_NOW;
		t[1].sec = (int64_t)in->mtime_sec;
		t[1].nsec = (uint32_t)in->mtime_nsec;
	}
	if ((t[0].how == P9_OS_TIME_SET && t[0].nsec >= 1000000000u) ||
	    (t[1].how == P9_OS_TIME_SET && t[1].nsec >= 1000000000u))
		return -EINVAL;
	if ((lf->node->mode & P9_S_IFMT) != P9_S_IFLNK)
		return p9_os_futimens(fd, t);
	/* A symlink's own times: by name from its parent, never followed. */
	struct local_node *parent;
	char name[256];
	int e = p9__node_where(&fs->tree, lf->node, &parent, name, sizeof(name));
	if (e < 0)
		return e;
	int tmp, pfd = p9__node_fd(&fs->tree, parent, &tmp);
	e = pfd < 0 ? pfd : p9_os_utimensat(pfd, name, t);
	p9__node_fd_done(pfd, tmp);
	p9__node_put(&fs->tree, parent);
	return e;
}

static int truncate_fid(struct local_fid *lf, int fd, uint64_t size)
{
	/* An fid opened for writing truncates through its own file (this is
	 * how ftruncate of an unlinked file works); otherwise open the file
	 * for writing, as the user, just for this. */
	if (lf->fd >= 0 && (lf->oflags & 3) != P9_DOTL_RDONLY)
		return p9_os_ftruncate(lf->fd, size);
	if ((lf->node->mode & P9_S_IFMT) != P9_S_IFREG)
		return (lf->node->mode & P9_S_IFMT) == P9_S_IFDIR ? -EISDIR : -EINVAL;
	int wfd = p9_os_reopen(fd, P9_DOTL_WRONLY);
	if (wfd < 0)
		return wfd;
	int e = p9_os_ftruncate(wfd, size);
	p9_os_close(wfd);
	return e;
}

int p9__local_setattr(struct p9_fs *fs, struct p9_fid *fid, const struct p9_tsetattr *in)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *lf = fid->priv;
	struct local_loc loc;
	int tmp, e = 0;
	if (lf->kind != LOCAL_FID_FILE)
		return -EBADF;
	int fd = p9__local_fid_fd(lfs, lf, &tmp);
	if (fd < 0)
		return fd;
	p9__loc_node(&loc, lfs, lf->node, fd);
	/* Size first, so that explicit times win over the truncate's; owner
	 * before mode, so that a chown does not clear set-id bits the same
	 * request asks for. Owner and mode are the model's to keep. */
	if (in->valid & P9_SETATTR_SIZE)
		e = truncate_fid(lf, fd, in->size);
	if (e == 0 && (in->valid & (P9_SETATTR_UID | P9_SETATTR_GID))) {
		uint32_t uid = (in->valid & P9_SETATTR_UID) ? in->uid : (uint32_t)-1;
		uint32_t gid = (in->valid & P9_SETATTR_GID) ? in->gid : (uint32_t)-1;
		e = lfs->model->chown(lfs, &loc, uid, gid);
	}
	if (e == 0 && (in->valid & P9_SETATTR_MODE))
		e = lfs->model->chmod(lfs, &loc, in->mode);
	if (e == 0 && (in->valid & (P9_SETATTR_ATIME | P9_SETATTR_MTIME)))
		e = set_times(lfs, lf, fd, in);
	p9__loc_done(&loc);
	p9__node_fd_done(fd, tmp);
	return e;
}

int p9__local_statfs(struct p9_fs *fs, struct p9_fid *fid, struct p9_rstatfs *out)
{
	struct local_fs *lfs = local_of(fs);
	struct p9_os_statfs st;
	int tmp, e;
	int fd = p9__local_fid_fd(lfs, fid->priv, &tmp);
	if (fd < 0)
		return fd;
	e = p9_os_fstatfs(fd, &st);
	p9__node_fd_done(fd, tmp);
	if (e < 0)
		return e;
	out->type = st.type;
	out->bsize = st.bsize;
	out->blocks = st.blocks;
	out->bfree = st.bfree;
	out->bavail = st.bavail;
	out->files = st.files;
	out->ffree = st.ffree;
	out->fsid = st.fsid;
	out->namelen = st.namelen;
	return 0;
}
