/*
 * names.c: operations on names in directories: mkdir, symlink, mknod,
 * link, rename, unlink, remove, readlink, and the check every client
 * name passes before it reaches the host.
 */
#include <errno.h>
#include <string.h>

#include "fs/local/local.h"

int p9__local_name(struct local_fs *fs, struct p9_str s, char *out)
{
	if (s.len == 0 || s.len > 255)
		return s.len ? -ENAMETOOLONG : -EINVAL;
	if (memchr(s.s, '/', s.len) || memchr(s.s, '\0', s.len))
		return -EINVAL;
	if ((s.len == 1 && s.s[0] == '.') || (s.len == 2 && s.s[0] == '.' && s.s[1] == '.'))
		return -EINVAL;
	if (fs->model->name_visible && !fs->model->name_visible(fs, s.s, s.len))
		return -EINVAL;
	memcpy(out, s.s, s.len);
	out[s.len] = '\0';
	return 0;
}

/* The directory a fid names, as a handle. */
static int dir_fd(struct local_fs *fs, struct p9_fid *dfid, int *tmp)
{
	struct local_fid *lf = dfid->priv;
	if (lf->kind != LOCAL_FID_FILE)
		return -EBADF;
	if ((lf->node->mode & P9_S_IFMT) != P9_S_IFDIR)
		return -ENOTDIR;
	return p9__node_fd(&fs->tree, lf->node, tmp);
}

/* After the model made `name` in dfd (fd: its O_PATH handle, consumed):
 * the qid, with the type the client sees. */
static int finish_create(struct local_fs *fs, int dfd, const char *name, int fd, uint32_t type,
			 struct p9_qid *qid)
{
	struct p9_os_stat st;
	if (fd < 0)
		return fd;
	int e = p9_os_fstat(fd, &st);
	p9_os_close(fd);
	st.mode = (st.mode & ~P9_S_IFMT) | type;
	if (e == 0)
		e = p9__local_qid(fs, &st, qid);
	if (e < 0)
		fs->model->unlink(fs, dfd, name, type == P9_S_IFDIR);
	return e;
}

int p9__local_mkdir(struct p9_fs *fs, struct p9_fid *dfid, struct p9_str name, uint32_t mode,
		    uint32_t gid, struct p9_qid *qid)
{
	struct local_fs *lfs = local_of(fs);
	char nm[256];
	int tmp, e = p9__local_name(lfs, name, nm);
	if (e < 0)
		return e;
	int dfd = dir_fd(lfs, dfid, &tmp);
	if (dfd < 0)
		return dfd;
	e = finish_create(lfs, dfd, nm, lfs->model->mkdir(lfs, dfd, nm, mode, dfid->cred, gid),
			  P9_S_IFDIR, qid);
	p9__node_fd_done(dfd, tmp);
	return e;
}

int p9__local_symlink(struct p9_fs *fs, struct p9_fid *dfid, struct p9_str name,
		      struct p9_str target, uint32_t gid, struct p9_qid *qid)
{
	struct local_fs *lfs = local_of(fs);
	char nm[256], tgt[4096];
	int tmp, e = p9__local_name(lfs, name, nm);
	if (e < 0)
		return e;
	/* The target is only text kept in the link: nothing here follows it. */
	if (target.len == 0 || target.len >= sizeof(tgt) || memchr(target.s, '\0', target.len))
		return target.len ? -ENAMETOOLONG : -ENOENT;
	memcpy(tgt, target.s, target.len);
	tgt[target.len] = '\0';
	int dfd = dir_fd(lfs, dfid, &tmp);
	if (dfd < 0)
		return dfd;
	e = finish_create(lfs, dfd, nm, lfs->model->symlink(lfs, dfd, nm, tgt, dfid->cred, gid),
			  P9_S_IFLNK, qid);
	p9__node_fd_done(dfd, tmp);
	return e;
}

int p9__local_mknod(struct p9_fs *fs, struct p9_fid *dfid, struct p9_str name, uint32_t mode,
		    uint32_t major, uint32_t minor, uint32_t gid, struct p9_qid *qid)
{
	struct local_fs *lfs = local_of(fs);
	char nm[256];
	int tmp, e = p9__local_name(lfs, name, nm);
	uint32_t type = mode & P9_S_IFMT;
	if (e < 0)
		return e;
	if (type != P9_S_IFIFO && type != P9_S_IFSOCK && type != P9_S_IFCHR &&
	    type != P9_S_IFBLK && type != P9_S_IFREG)
		return -EINVAL;
	int dfd = dir_fd(lfs, dfid, &tmp);
	if (dfd < 0)
		return dfd;
	/* Linux's dev_t encoding of major:minor. */
	uint64_t rdev = ((uint64_t)(major & 0xfffff000u) << 32) | ((uint64_t)(major & 0xfffu) << 8) |
			((uint64_t)(minor & 0xffffff00u) << 12) | (minor & 0xffu);
	e = finish_create(lfs, dfd, nm,
			  lfs->model->mknod(lfs, dfd, nm, type | (mode & 07777), rdev, dfid->cred,
					    gid),
			  type, qid);
	p9__node_fd_done(dfd, tmp);
	return e;
}

ssize_t p9__local_readlink(struct p9_fs *fs, struct p9_fid *fid, char *buf, size_t cap)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *lf = fid->priv;
	int tmp;
	if ((lf->node->mode & P9_S_IFMT) != P9_S_IFLNK)
		return -EINVAL;
	int fd = p9__node_fd(&lfs->tree, lf->node, &tmp);
	if (fd < 0)
		return fd;
	struct local_loc loc;
	p9__loc_node(&loc, lfs, lf->node, fd);
	ssize_t n = lfs->model->readlink(lfs, &loc, buf, cap);
	p9__loc_done(&loc);
	p9__node_fd_done(fd, tmp);
	return n;
}

int p9__local_link(struct p9_fs *fs, struct p9_fid *dfid, struct p9_fid *fid, struct p9_str name)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *lf = fid->priv;
	char nm[256];
	int dtmp, tmp, e = p9__local_name(lfs, name, nm);
	if (e < 0)
		return e;
	if ((lf->node->mode & P9_S_IFMT) == P9_S_IFDIR)
		return -EPERM;
	int dfd = dir_fd(lfs, dfid, &dtmp);
	if (dfd < 0)
		return dfd;
	int fd = p9__node_fd(&lfs->tree, lf->node, &tmp);
	if (fd >= 0) {
		struct local_loc loc;
		p9__loc_node(&loc, lfs, lf->node, fd);
		e = lfs->model->link(lfs, &loc, dfd, nm);
		p9__loc_done(&loc);
	} else {
		e = fd;
	}
	p9__node_fd_done(fd, tmp);
	p9__node_fd_done(dfd, dtmp);
	return e;
}

static int do_rename(struct local_fs *fs, struct local_node *od, const char *oname,
		     struct local_node *nd, const char *nname)
{
	int otmp, ntmp, e;
	int ofd = p9__node_fd(&fs->tree, od, &otmp);
	if (ofd < 0)
		return ofd;
	int nfd = p9__node_fd(&fs->tree, nd, &ntmp);
	if (nfd < 0) {
		p9__node_fd_done(ofd, otmp);
		return nfd;
	}
	/* Fids of a file about to be replaced must keep their file. */
	p9__node_pin(&fs->tree, nd, nname);
	e = fs->model->rename(fs, ofd, oname, nfd, nname);
	if (e == 0)
		p9__node_moved(&fs->tree, od, oname, nd, nname);
	p9__node_fd_done(nfd, ntmp);
	p9__node_fd_done(ofd, otmp);
	return e;
}

int p9__local_rename(struct p9_fs *fs, struct p9_fid *fid, struct p9_fid *dfid, struct p9_str name)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *lf = fid->priv, *dlf = dfid->priv;
	struct local_node *parent;
	char oname[256], nname[256];
	int e = p9__local_name(lfs, name, nname);
	if (e < 0)
		return e;
	if ((dlf->node->mode & P9_S_IFMT) != P9_S_IFDIR)
		return -ENOTDIR;
	if ((e = p9__node_where(&lfs->tree, lf->node, &parent, oname, sizeof(oname))) < 0)
		return lf->node == lfs->tree.root ? -EBUSY : e;
	e = do_rename(lfs, parent, oname, dlf->node, nname);
	p9__node_put(&lfs->tree, parent);
	return e;
}

int p9__local_renameat(struct p9_fs *fs, struct p9_fid *olddir, struct p9_str oldname,
		       struct p9_fid *newdir, struct p9_str newname)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *od = olddir->priv, *nd = newdir->priv;
	char oname[256], nname[256];
	int e;
	if ((e = p9__local_name(lfs, oldname, oname)) < 0 ||
	    (e = p9__local_name(lfs, newname, nname)) < 0)
		return e;
	if ((od->node->mode & P9_S_IFMT) != P9_S_IFDIR || (nd->node->mode & P9_S_IFMT) != P9_S_IFDIR)
		return -ENOTDIR;
	return do_rename(lfs, od->node, oname, nd->node, nname);
}

static int do_unlink(struct local_fs *fs, struct local_node *dir, const char *name, int rmdir)
{
	int tmp, e;
	int dfd = p9__node_fd(&fs->tree, dir, &tmp);
	if (dfd < 0)
		return dfd;
	p9__node_pin(&fs->tree, dir, name);
	e = fs->model->unlink(fs, dfd, name, rmdir);
	if (e == 0)
		p9__node_removed(&fs->tree, dir, name);
	p9__node_fd_done(dfd, tmp);
	return e;
}

int p9__local_unlinkat(struct p9_fs *fs, struct p9_fid *dfid, struct p9_str name, uint32_t flags)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *d = dfid->priv;
	char nm[256];
	int e = p9__local_name(lfs, name, nm);
	if (e < 0)
		return e;
	if ((d->node->mode & P9_S_IFMT) != P9_S_IFDIR)
		return -ENOTDIR;
	return do_unlink(lfs, d->node, nm, (flags & P9_AT_REMOVEDIR) != 0);
}

int p9__local_remove(struct p9_fs *fs, struct p9_fid *fid)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *lf = fid->priv;
	struct local_node *parent;
	char name[256];
	int e = p9__node_where(&lfs->tree, lf->node, &parent, name, sizeof(name));
	if (e < 0)
		return lf->node == lfs->tree.root ? -EBUSY : e;
	e = do_unlink(lfs, parent, name, (lf->node->mode & P9_S_IFMT) == P9_S_IFDIR);
	p9__node_put(&lfs->tree, parent);
	return e;
}
