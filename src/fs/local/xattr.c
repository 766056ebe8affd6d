/*
 * xattr.c: extended attributes through xattr fids.
 *
 * Txattrwalk reads the whole value (or the name list) into the new fid,
 * and Treads copy from there; Txattrcreate turns a fid into a buffer that
 * Twrites fill and Tclunk applies (size 0: remove). Values are bounded
 * by XATTR_MAX (Linux's own limit), so a client cannot make us allocate
 * more than that per fid.
 *
 * Which names a client may use, and under which host name each is kept,
 * is the model's call (xattr_map); listings show what xattr_list makes
 * of the host's names. Symlinks carry no xattrs a client can see:
 * the host calls that take a handle would act on the link's target.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fs/local/local.h"

#define XATTR_MAX 65536u

static int is_link(const struct local_fid *lf)
{
	return (lf->node->mode & P9_S_IFMT) == P9_S_IFLNK;
}

/* The names a client sees, as the model maps them (never longer than
 * the host's, so the list is rewritten in place). Returns the new
 * length. */
static size_t filter_list(struct local_fs *fs, char *list, size_t len)
{
	size_t out = 0;
	for (size_t i = 0; i < len;) {
		size_t n = strnlen(list + i, len - i);
		char name[256];
		if (n && n < sizeof(name) && list[i + n] == '\0' &&
		    fs->model->xattr_list(fs, list + i, name) == 1) {
			size_t m = strlen(name);
			if (m <= n) {
				memmove(list + out, name, m + 1);
				out += m + 1;
			}
		}
		i += n + 1;
	}
	return out;
}

int p9__local_xattrwalk(struct p9_fs *fs, struct p9_fid *fid, struct p9_fid *newfid,
			struct p9_str name, uint64_t *size)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *lf = fid->priv;
	char nm[256], host[256];
	ssize_t n;
	int tmp, e;
	if (lf->kind != LOCAL_FID_FILE)
		return -EBADF;
	if (name.len >= sizeof(nm) || memchr(name.s, '\0', name.len))
		return -ERANGE;
	memcpy(nm, name.s, name.len);
	nm[name.len] = '\0';
	if (name.len && (e = lfs->model->xattr_map(lfs, nm, LOCAL_XATTR_GET, host)) < 0)
		return e;
	uint8_t *buf = malloc(XATTR_MAX);
	if (!buf)
		return -ENOMEM;
	int fd = p9__local_fid_fd(lfs, lf, &tmp);
	if (fd < 0) {
		free(buf);
		return fd;
	}
	if (is_link(lf))
		n = name.len ? -ENODATA : 0;
	else if (name.len)
		n = p9_os_getxattr(fd, host, buf, XATTR_MAX);
	else
		n = p9_os_listxattr(fd, (char *)buf, XATTR_MAX);
	p9__node_fd_done(fd, tmp);
	if (n >= 0 && !name.len)
		n = (ssize_t)filter_list(lfs, (char *)buf, (size_t)n);
	if (n < 0) {
		free(buf);
		return (int)n;
	}
	struct local_fid *x = p9__local_fid_new(p9__node_ref(lf->node));
	if (!x) {
		p9__node_put(&lfs->tree, lf->node);
		free(buf);
		return -ENOMEM;
	}
	x->kind = LOCAL_FID_XATTR_READ;
	x->xbuf = buf;
	x->xsize = (uint64_t)n;
	newfid->priv = x;
	*size = (uint64_t)n;
	return 0;
}

int p9__local_xattrcreate(struct p9_fs *fs, struct p9_fid *fid, struct p9_str name, uint64_t size,
			  uint32_t flags)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *lf = fid->priv;
	int e;
	if (lf->kind != LOCAL_FID_FILE || lf->fd >= 0)
		return -EBADF;
	if (name.len == 0 || name.len > 255 || memchr(name.s, '\0', name.len))
		return -EINVAL;
	if (size > XATTR_MAX)
		return -E2BIG;
	if (flags & ~3u) /* XATTR_CREATE 1, XATTR_REPLACE 2 */
		return -EINVAL;
	char cnm[256], host[256];
	memcpy(cnm, name.s, name.len);
	cnm[name.len] = '\0';
	if ((e = lfs->model->xattr_map(lfs, cnm, LOCAL_XATTR_SET, host)) < 0)
		return e;
	if (is_link(lf))
		return -EPERM; /* Linux allows no user xattrs on symlinks */
	char *nm = strdup(host);
	if (!nm)
		return -ENOMEM;
	uint8_t *buf = size ? malloc(size) : NULL;
	if (size && !buf) {
		free(nm);
		return -ENOMEM;
	}
	lf->kind = LOCAL_FID_XATTR_WRITE;
	lf->xname = nm;
	lf->xbuf = buf;
	lf->xsize = size;
	lf->xfilled = 0;
	lf->xflags = flags;
	lf->xquiet = e == LOCAL_XATTR_QUIET_REMOVE;
	return 0;
}

ssize_t p9__local_xattr_read(struct local_fid *lf, uint64_t off, void *buf, size_t n)
{
	if (off >= lf->xsize)
		return 0;
	if (n > lf->xsize - off)
		n = (size_t)(lf->xsize - off);
	memcpy(buf, lf->xbuf + off, n);
	return (ssize_t)n;
}

ssize_t p9__local_xattr_write(struct local_fid *lf, uint64_t off, const void *buf, size_t n)
{
	/* Writes must fill the value in order, without gaps or overrun. */
	if (off != lf->xfilled || n > lf->xsize - lf->xfilled)
		return -EINVAL;
	memcpy(lf->xbuf + off, buf, n);
	lf->xfilled += n;
	return (ssize_t)n;
}

int p9__local_xattr_flush(struct p9_fs *fs, struct p9_fid *fid)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *lf = fid->priv;
	int tmp, e;
	if (lf->kind != LOCAL_FID_XATTR_WRITE)
		return 0;
	if (lf->xfilled != lf->xsize)
		return -EINVAL;
	int fd = p9__node_fd(&lfs->tree, lf->node, &tmp);
	if (fd < 0)
		return fd;
	/* Size 0 is a removal, whatever the flags: Linux's removexattr reaches
	 * the client as a set of NULL with XATTR_REPLACE (QEMU agrees: an
	 * empty value cannot be set through 9P). */
	if (lf->xsize == 0) {
		e = p9_os_removexattr(fd, lf->xname);
		if (e == -ENODATA && lf->xquiet)
			e = 0;
	} else {
		e = p9_os_setxattr(fd, lf->xname, lf->xbuf, (size_t)lf->xsize, (int)lf->xflags);
	}
	p9__node_fd_done(fd, tmp);
	return e;
}
