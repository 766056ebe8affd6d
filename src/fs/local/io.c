/*
 * io.c: opening, creating, reading, writing and listing.
 *
 * Only regular files and directories are ever opened for I/O on the
 * host: a device node, FIFO or socket that a client (or anyone on the
 * host) placed in the export is refused with ENXIO, so a guest can never
 * reach a host device through it (CVE-2023-2861).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fs/local/local.h"

/* Flags a client may pass through to the host open. O_DIRECT is
 * dropped (QEMU does the same: its alignment rules are the host's, not
 * the client's), and so is everything about the client's own fd. */
static uint32_t host_open_flags(uint32_t fl)
{
	return fl & (3u | P9_DOTL_TRUNC | P9_DOTL_APPEND | P9_DOTL_DSYNC | P9_DOTL_SYNC |
		     P9_DOTL_DIRECTORY | P9_DOTL_LARGEFILE);
}

int p9__local_lopen(struct p9_fs *fs, struct p9_fid *fid, uint32_t flags, struct p9_qid *qid)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *lf = fid->priv;
	struct p9_os_stat st;
	int tmp, fd, e;
	if (lf->kind != LOCAL_FID_FILE || lf->fd >= 0)
		return -EBADF; /* opened already: 9P allows one open per fid */
	int nfd = p9__node_fd(&lfs->tree, lf->node, &tmp);
	if (nfd < 0)
		return nfd;
	if ((e = p9_os_fstat(nfd, &st)) < 0)
		goto out;
	/* The type the client sees: a mapped model's symlink or device is a
	 * host regular file, and must not be opened as one. */
	st.mode = (st.mode & ~P9_S_IFMT) | (lf->node->mode & P9_S_IFMT);
	switch (st.mode & P9_S_IFMT) {
	case P9_S_IFDIR:
		if ((flags & 3) != P9_DOTL_RDONLY) {
			e = -EISDIR;
			goto out;
		}
		fd = p9_os_reopen(nfd, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY);
		break;
	case P9_S_IFREG:
		if ((flags & 3) == P9_DOTL_NOACCESS) {
			e = -EINVAL;
			goto out;
		}
		fd = p9_os_reopen(nfd, host_open_flags(flags) & ~(uint32_t)P9_DOTL_DIRECTORY);
		break;
	case P9_S_IFLNK:
		e = -ELOOP;
		goto out;
	default:
		e = -ENXIO;
		goto out;
	}
	if (fd < 0) {
		e = fd;
		goto out;
	}
	lf->fd = fd;
	lf->oflags = flags;
	e = p9__local_qid(lfs, &st, qid);
out:
	p9__node_fd_done(nfd, tmp);
	return e;
}

int p9__local_lcreate(struct p9_fs *fs, struct p9_fid *fid, struct p9_str name, uint32_t flags,
		      uint32_t mode, uint32_t gid, struct p9_qid *qid)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *lf = fid->priv;
	struct p9_os_stat st;
	char nm[256];
	int tmp, fd, e;
	if (lf->kind != LOCAL_FID_FILE || lf->fd >= 0)
		return -EBADF;
	if ((lf->node->mode & P9_S_IFMT) != P9_S_IFDIR)
		return -ENOTDIR;
	if ((e = p9__local_name(lfs, name, nm)) < 0)
		return e;
	int dfd = p9__node_fd(&lfs->tree, lf->node, &tmp);
	if (dfd < 0)
		return dfd;
	uint32_t hf = (host_open_flags(flags) & ~(uint32_t)(P9_DOTL_DIRECTORY | P9_DOTL_TRUNC)) |
		      P9_DOTL_CREATE | (flags & P9_DOTL_EXCL);
	if ((hf & 3) == P9_DOTL_NOACCESS)
		hf = (hf & ~3u) | P9_DOTL_RDWR;
	int created = 0;
	fd = lfs->model->create(lfs, dfd, nm, hf, mode, fid->cred, gid, &created);
	if (fd < 0) {
		p9__node_fd_done(dfd, tmp);
		return fd;
	}
	/* The fid now names the new file. Its node gets no O_PATH handle of
	 * its own yet: while the fid is open its fd serves, and most created
	 * files are written, clunked and forgotten. The node opens a handle
	 * the first time something needs one (p9__node_fd); an unlink through
	 * us pins one first (p9__node_pin). That saves a reopen through
	 * /proc, its fstat and a close per create. */
	struct local_node *n = NULL;
	if ((e = p9_os_fstat(fd, &st)) == 0 && (e = p9__local_qid(lfs, &st, qid)) == 0 &&
	    !(n = p9__node_insert(&lfs->tree, lf->node, nm, -1, &st)))
		e = -ENOMEM;
	if (!n) {
		/* The client hears of a failure: a file this call made must
		 * not stay behind (nor, in mapped-file, its metadata). */
		p9_os_close(fd);
		if (created)
			lfs->model->unlink(lfs, dfd, nm, 0);
		p9__node_fd_done(dfd, tmp);
		return e;
	}
	p9__node_fd_done(dfd, tmp);
	p9__node_put(&lfs->tree, lf->node);
	lf->node = n;
	lf->fd = fd;
	lf->oflags = flags;
	return 0;
}

ssize_t p9__local_read(struct p9_fs *fs, struct p9_fid *fid, uint64_t off, void *buf, size_t n)
{
	struct local_fid *lf = fid->priv;
	(void)fs;
	if (lf->kind == LOCAL_FID_XATTR_READ)
		return p9__local_xattr_read(lf, off, buf, n);
	if (lf->fd < 0 || (lf->node->mode & P9_S_IFMT) == P9_S_IFDIR)
		return -EBADF;
	return p9_os_pread(lf->fd, buf, n, off);
}

ssize_t p9__local_read_pipe(struct p9_fs *fs, struct p9_fid *fid, uint64_t off,
			    struct p9_os_pipe *p, size_t n)
{
	struct local_fid *lf = fid->priv;
	(void)fs;
	if (lf->kind == LOCAL_FID_XATTR_READ || lf->fd < 0 ||
	    (lf->node->mode & P9_S_IFMT) == P9_S_IFDIR)
		return -ENOTSUP; /* read says what is wrong, if anything */
	return p9_os_pipe_fill(p, lf->fd, n, off);
}

ssize_t p9__local_write(struct p9_fs *fs, struct p9_fid *fid, uint64_t off, const void *buf,
			size_t n)
{
	struct local_fid *lf = fid->priv;
	(void)fs;
	if (lf->kind == LOCAL_FID_XATTR_WRITE)
		return p9__local_xattr_write(lf, off, buf, n);
	if (lf->fd < 0 || (lf->oflags & 3) == P9_DOTL_RDONLY)
		return -EBADF;
	return p9_os_pwrite(lf->fd, buf, n, off);
}

int p9__local_fsync(struct p9_fs *fs, struct p9_fid *fid, int datasync)
{
	struct local_fid *lf = fid->priv;
	(void)fs;
	if (lf->fd < 0)
		return -EBADF;
	return p9_os_fsync(lf->fd, datasync);
}

#define DIRBUF_SIZE 32768

/* Refill lf->dirbuf with host entries starting at cookie. */
static int dir_fill(struct local_fid *lf, uint64_t cookie)
{
	if (!lf->dirbuf && !(lf->dirbuf = malloc(DIRBUF_SIZE)))
		return -ENOMEM;
	ssize_t n = p9_os_dir_read(lf->fd, cookie, lf->dirbuf, DIRBUF_SIZE);
	if (n < 0)
		return (int)n;
	lf->dirbuf_len = (size_t)n;
	lf->dirbuf_pos = 0;
	lf->dirbuf_cookie = cookie;
	return 0;
}

/* With multidevs=remap an entry's qid path must be the one a walk gives:
 * that needs its device (a mount point's inode is the mounted root's),
 * so each entry is looked at. "." and ".." come from the nodes. */
static int entry_qid_path(struct local_fs *fs, struct local_fid *lf,
			  const struct p9_os_dirent *de, uint64_t *path)
{
	struct p9_os_stat st;
	struct p9_qid q;
	int tmp, e;
	if (fs->base.cfg->multidevs != P9_MULTIDEVS_REMAP) {
		*path = de->ino;
		return 0;
	}
	if (de->namelen <= 2 && de->name[0] == '.' && (de->namelen == 1 || de->name[1] == '.')) {
		struct local_node *n;
		if (de->namelen == 1)
			n = p9__node_ref(lf->node);
		else if ((e = p9__node_lookup(&fs->tree, lf->node, "..", &n, &st)) < 0)
			return e;
		int fd = p9__node_fd(&fs->tree, n, &tmp);
		e = fd < 0 ? fd : p9_os_fstat(fd, &st);
		p9__node_fd_done(fd, tmp);
		p9__node_put(&fs->tree, n);
	} else {
		e = p9_os_fstatat(lf->fd, de->name, &st);
	}
	if (e < 0) { /* gone meanwhile: it was on this directory's device */
		st.dev = lf->node->dev;
		st.ino = de->ino;
	}
	if ((e = p9__local_qid(fs, &st, &q)) < 0)
		return e;
	*path = q.path;
	return 0;
}

ssize_t p9__local_readdir(struct p9_fs *fs, struct p9_fid *fid, uint64_t off, uint8_t *buf,
			  size_t cap)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *lf = fid->priv;
	size_t pos = 0;
	int e;
	if (lf->fd < 0 || (lf->node->mode & P9_S_IFMT) != P9_S_IFDIR)
		return -EBADF;
	/* Continue from the buffered entries when the client continues
	 * where the last reply ended (it always does); else read afresh. */
	if (!lf->dirbuf || lf->dirbuf_cookie != off || lf->dirbuf_pos >= lf->dirbuf_len)
		if ((e = dir_fill(lf, off)) < 0)
			return e;
	for (;;) {
		struct p9_os_dirent de;
		size_t at = lf->dirbuf_pos;
		if (!p9_os_dir_next(lf->dirbuf, lf->dirbuf_len, &at, &de)) {
			if (lf->dirbuf_len == 0)
				break; /* the end of the directory */
			if ((e = dir_fill(lf, lf->dirbuf_cookie)) < 0)
				return pos ? (ssize_t)pos : e;
			continue;
		}
		if (lfs->model->name_visible &&
		    !lfs->model->name_visible(lfs, de.name, de.namelen)) {
			lf->dirbuf_pos = at;
			lf->dirbuf_cookie = de.next;
			continue;
		}
		uint8_t type = lfs->model->dirent_type(de.type);
		struct p9_dirent d = {
			.qid = { .type = type == P9_DT_DIR ? P9_QTDIR
					 : type == P9_DT_LNK ? P9_QTSYMLINK
							     : P9_QTFILE },
			.offset = de.next,
			.type = type,
			.name = { de.name, de.namelen },
		};
		if ((e = entry_qid_path(lfs, lf, &de, &d.qid.path)) < 0)
			return pos ? (ssize_t)pos : e;
		if (p9_dirent_pack(buf, cap, &pos, &d) < 0)
			break; /* full: this entry starts the next reply */
		lf->dirbuf_pos = at;
		lf->dirbuf_cookie = de.next;
	}
	return (ssize_t)pos;
}
