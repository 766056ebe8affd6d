/*
 * model_mapped_file.c: security model mapped-file: what the client sets
 * is kept in small text files, in QEMU's format (meta.c):
 *   <dir>/.virtfs_metadata/<name>   for <dir>/<name>
 *   <root>/.virtfs_metadata_root    for the export root
 * The directory is made 0700 and the files 0600 (server-only). They are
 * reached only through the parent's handle, one component at a time,
 * never following symlinks, and never opened if not regular files.
 *
 * Metadata belongs to a name, so every name operation carries it along:
 * a hard link links the metadata file too (both names then share one
 * metadata inode, as they share the file's), a rename moves it (and
 * drops the metadata of a file the rename replaces), an unlink removes
 * it. Both names are hidden: refused with EINVAL wherever a client names
 * them (CVE-2017-7493), absent from listings.
 *
 * An unlinked file's metadata goes with its name: fids still open on it
 * see the host's owner and mode from then on.
 *
 * Locks: fs->meta_lock is held for reading while a metadata file is
 * read, and for writing while one is rewritten (in place: hard-linked
 * metadata must stay one inode) or moved. It is a leaf lock.
 */
#include <errno.h>
#include <string.h>

#include "fs/local/local.h"

#define META_MAX 512 /* QEMU's lines are at most 100 bytes; we write ~80 */

static int mf_visible(struct local_fs *fs, const char *name, size_t len)
{
	(void)fs;
	return !p9__meta_is_hidden_name(name, len);
}

/* The metadata directory in dfd, as an O_PATH handle (made if `make`). */
static int meta_dir(int dfd, int make)
{
	if (make) {
		int e = p9_os_mkdirat(dfd, LOCAL_META_DIR, 0700);
		if (e < 0 && e != -EEXIST)
			return e;
	}
	return p9_os_openat(dfd, LOCAL_META_DIR, P9_OS_O_PATH | P9_DOTL_DIRECTORY, 0);
}

/* Where loc's metadata is: 0 (dfd's metadata dir, name), 1 (the root's
 * file in dfd), or a negative errno (-ESTALE: the file has no name).
 * Resolved before meta_lock is taken: it may need the tree's lock. */
static int meta_where(struct local_loc *loc, int *dfd, const char **name)
{
	int r = p9__loc_dir(loc, dfd, name);
	return r == -ENOENT ? -ESTALE : r;
}

/* Open the metadata file with flags (P9_DOTL_*): a handle, or a negative
 * errno (-ENOENT: none stored). */
static int meta_open(int where, int dfd, const char *name, uint32_t flags)
{
	int fd;
	/* NONBLOCK: whatever sits there, opening it must not hang. */
	flags |= P9_DOTL_NONBLOCK;
	if (where == 1) {
		fd = p9_os_openat(dfd, LOCAL_META_ROOT, flags, 0600);
	} else {
		int mdir = meta_dir(dfd, (flags & P9_DOTL_CREATE) != 0);
		if (mdir < 0)
			return mdir;
		fd = p9_os_openat(mdir, name, flags, 0600);
		p9_os_close(mdir);
	}
	if (fd < 0)
		return fd;
	struct p9_os_stat st;
	int e = p9_os_fstat(fd, &st);
	if (e == 0 && (st.mode & P9_S_IFMT) != P9_S_IFREG)
		e = -EINVAL; /* not ours: never read or write it */
	if (e < 0) {
		p9_os_close(fd);
		return e;
	}
	return fd;
}

static ssize_t read_all(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	while (got < cap) {
		ssize_t n = p9_os_pread(fd, buf + got, cap - got, got);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int mf_load(struct local_fs *fs, struct local_loc *loc, struct local_meta *m)
{
	char buf[META_MAX];
	int dfd, fd;
	const char *name;
	memset(m, 0, sizeof(*m));
	int where = meta_where(loc, &dfd, &name);
	if (where < 0)
		return 0;
	pthread_rwlock_rdlock(&fs->meta_lock);
	fd = meta_open(where, dfd, name, P9_DOTL_RDONLY);
	ssize_t n = fd < 0 ? fd : read_all(fd, buf, sizeof(buf));
	pthread_rwlock_unlock(&fs->meta_lock);
	if (fd >= 0)
		p9_os_close(fd);
	/* Nothing stored, or nothing we can read (as QEMU): the host's
	 * attributes. */
	if (n > 0)
		p9__meta_parse(buf, (size_t)n, m);
	return 0;
}

static int mf_store(struct local_fs *fs, struct local_loc *loc, const struct local_meta *m)
{
	char buf[META_MAX];
	struct local_meta old;
	int dfd;
	const char *name;
	int where = meta_where(loc, &dfd, &name);
	if (where < 0)
		return where == -ESTALE ? -ENOENT : where;
	pthread_rwlock_wrlock(&fs->meta_lock);
	int fd = meta_open(where, dfd, name, P9_DOTL_RDWR | P9_DOTL_CREATE);
	ssize_t n = fd < 0 ? fd : read_all(fd, buf, sizeof(buf));
	if (n >= 0) {
		/* The fields not given keep what was stored (QEMU's merge). */
		p9__meta_parse(buf, (size_t)n, &old);
		if (m->have & LOCAL_META_UID)
			old.uid = m->uid;
		if (m->have & LOCAL_META_GID)
			old.gid = m->gid;
		if (m->have & LOCAL_META_MODE)
			old.mode = m->mode;
		if (m->have & LOCAL_META_RDEV)
			old.rdev = m->rdev;
		old.have |= m->have;
		size_t len = p9__meta_format(&old, buf, sizeof(buf));
		/* Only the server may read it, whatever made it (QEMU too);
		 * a host without POSIX modes (Windows) has none to narrow. */
		n = p9_os_fchmod(fd, 0600);
		if (n == -EOPNOTSUPP)
			n = 0;
		if (n == 0)
			n = p9_os_pwrite(fd, buf, len, 0);
		if (n == (ssize_t)len)
			n = p9_os_ftruncate(fd, len);
		else if (n >= 0)
			n = -EIO;
	}
	pthread_rwlock_unlock(&fs->meta_lock);
	if (fd >= 0)
		p9_os_close(fd);
	return (int)n;
}

/* After the host link: link the metadata file too. */
static int mf_link(struct local_fs *fs, struct local_loc *old, int ndfd, const char *nname)
{
	int odfd, e = p9__host_link(fs, old, ndfd, nname);
	const char *oname;
	if (e < 0)
		return e;
	if (p9__loc_dir(old, &odfd, &oname) != 0)
		return 0; /* an unlinked file has no metadata to share */
	pthread_rwlock_wrlock(&fs->meta_lock);
	int omdir = meta_dir(odfd, 0);
	int ofd = omdir < 0 ? omdir : p9_os_openat(omdir, oname, P9_OS_O_PATH, 0);
	int nmdir = meta_dir(ndfd, ofd >= 0);
	if (nmdir >= 0) {
		/* Whatever metadata the new name has is stale: the name did
		 * not exist a moment ago. */
		e = p9_os_unlinkat(nmdir, nname, 0);
		e = e == -ENOENT ? 0 : e;
		if (e == 0 && ofd >= 0)
			e = p9_os_linkat(ofd, nmdir, nname);
	} else if (ofd >= 0) {
		e = nmdir;
	}
	pthread_rwlock_unlock(&fs->meta_lock);
	if (ofd >= 0)
		p9_os_close(ofd);
	if (omdir >= 0)
		p9_os_close(omdir);
	if (nmdir >= 0)
		p9_os_close(nmdir);
	if (e < 0)
		p9_os_unlinkat(ndfd, nname, 0); /* no half-made link */
	return e;
}

/* A directory about to be removed holds its own (empty) metadata
 * directory: remove that first, or the rmdir could never succeed. */
static int drop_inner_meta(int dfd, const char *name)
{
	int sub = p9_os_openat(dfd, name, P9_OS_O_PATH | P9_DOTL_DIRECTORY, 0);
	if (sub < 0)
		return sub;
	int e = p9_os_unlinkat(sub, LOCAL_META_DIR, 1);
	p9_os_close(sub);
	return e == -ENOENT ? 0 : e;
}

/* Move the metadata with the name, or drop the replaced file's if the
 * renamed one had none. */
static int mf_rename(struct local_fs *fs, int odfd, const char *oname, int ndfd, const char *nname)
{
	struct p9_os_stat st;
	pthread_rwlock_wrlock(&fs->meta_lock);
	/* A directory being replaced must look empty to the host too. */
	drop_inner_meta(ndfd, nname);
	int e = p9_os_renameat(odfd, oname, ndfd, nname);
	if (e < 0) {
		pthread_rwlock_unlock(&fs->meta_lock);
		return e;
	}
	int omdir = meta_dir(odfd, 0);
	int has = omdir >= 0 && p9_os_fstatat(omdir, oname, &st) == 0;
	int nmdir = meta_dir(ndfd, has);
	if (has)
		e = nmdir < 0 ? nmdir : p9_os_renameat(omdir, oname, nmdir, nname);
	else if (nmdir >= 0 && (e = p9_os_unlinkat(nmdir, nname, 0)) == -ENOENT)
		e = 0;
	if (e < 0)
		p9_os_renameat(ndfd, nname, odfd, oname); /* as QEMU: undo */
	pthread_rwlock_unlock(&fs->meta_lock);
	if (omdir >= 0)
		p9_os_close(omdir);
	if (nmdir >= 0)
		p9_os_close(nmdir);
	return e;
}

static int mf_unlink(struct local_fs *fs, int dfd, const char *name, int rmdir)
{
	int e;
	pthread_rwlock_wrlock(&fs->meta_lock);
	if (rmdir && (e = drop_inner_meta(dfd, name)) < 0)
		goto out;
	/* The name first, then its metadata: a failed unlink keeps both. */
	if ((e = p9_os_unlinkat(dfd, name, rmdir)) < 0)
		goto out;
	int mdir = meta_dir(dfd, 0);
	if (mdir >= 0) {
		p9_os_unlinkat(mdir, name, 0); /* none is fine too */
		p9_os_close(mdir);
	}
out:
	pthread_rwlock_unlock(&fs->meta_lock);
	return e;
}

const struct local_model p9__model_mapped_file = {
	.name = "mapped-file",
	.create = p9__mapped_create,
	.mkdir = p9__mapped_mkdir,
	.mknod = p9__mapped_mknod,
	.symlink = p9__mapped_symlink,
	.getattr = p9__mapped_getattr,
	.file_type = p9__mapped_file_type,
	.chown = p9__mapped_chown,
	.chmod = p9__mapped_chmod,
	.readlink = p9__mapped_readlink,
	.link = mf_link,
	.rename = mf_rename,
	.unlink = mf_unlink,
	.name_visible = mf_visible,
	.dirent_type = p9__mapped_dirent_type,
	.xattr_map = p9__host_xattr_map,
	.xattr_list = p9__host_xattr_list,
	.meta_load = mf_load,
	.meta_store = mf_store,
};
