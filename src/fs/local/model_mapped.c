/*
 * model_mapped.c: what mapped-xattr and mapped-file share. Both run the
 * server as itself (no privilege needed) and keep what the client set,
 * owner, group, mode with its type, device number, as metadata beside
 * the file (the model's meta_load/meta_store), never on the host file:
 *  - new files and directories get the host modes fmode/dmode (defaults
 *    0600/0700, QEMU's), so the server can always reach them again;
 *  - a symlink is a regular file holding the target; a device node,
 *    FIFO or socket is an empty regular file; their type (and rdev) live
 *    only in the metadata, so the host never holds a device a client
 *    made;
 *  - a file with no metadata (made on the host) shows its host owner
 *    and mode.
 * Which fields a create stores is QEMU's: uid, gid (when given), mode,
 * and rdev for mknod only.
 */
#include <errno.h>
#include <string.h>

#include "fs/local/local.h"

/* What a create stores besides the mode: the attaching user, and the
 * group the client asked for (when it asked). */
static void set_owner(struct local_meta *m, const struct p9_cred *cred, uint32_t gid)
{
	m->uid = cred->uid;
	m->gid = gid;
	m->have |= LOCAL_META_UID | LOCAL_META_MODE | (gid != (uint32_t)-1 ? LOCAL_META_GID : 0);
}

/* Store m for a file just made; on failure take it away (through the
 * model, so mapped-file's partial metadata goes too). Returns an O_PATH
 * handle of it. */
static int store_new(struct local_fs *fs, int dfd, const char *name, int isdir,
		     struct local_meta *m, const struct p9_cred *cred, uint32_t gid)
{
	struct local_loc loc;
	set_owner(m, cred, gid);
	p9__loc_at(&loc, fs, dfd, name, -1);
	int e = fs->model->meta_store(fs, &loc, m);
	int fd = e < 0 ? e : p9__loc_fd(&loc);
	if (fd >= 0 && fd == loc.own_fd)
		loc.own_fd = -1; /* the caller's now */
	p9__loc_done(&loc);
	if (fd < 0)
		fs->model->unlink(fs, dfd, name, isdir);
	return fd;
}

int p9__mapped_create(struct local_fs *fs, int dfd, const char *name, uint32_t hflags,
		      uint32_t mode, const struct p9_cred *cred, uint32_t gid, int *created)
{
	int fd = p9__host_open_create(dfd, name, hflags, fs->fmode, created);
	if (fd < 0 || !*created)
		return fd; /* an existing file keeps its metadata */
	struct local_meta m = { .mode = P9_S_IFREG | (mode & 07777) };
	struct local_loc loc;
	set_owner(&m, cred, gid);
	p9__loc_at(&loc, fs, dfd, name, fd);
	int e = fs->model->meta_store(fs, &loc, &m);
	p9__loc_done(&loc);
	if (e < 0) {
		p9_os_close(fd);
		fs->model->unlink(fs, dfd, name, 0);
		return e;
	}
	return fd;
}

int p9__mapped_mkdir(struct local_fs *fs, int dfd, const char *name, uint32_t mode,
		     const struct p9_cred *cred, uint32_t gid)
{
	int e = p9_os_mkdirat(dfd, name, fs->dmode);
	if (e < 0)
		return e;
	struct local_meta m = { .mode = P9_S_IFDIR | (mode & 07777) };
	return store_new(fs, dfd, name, 1, &m, cred, gid);
}

int p9__mapped_mknod(struct local_fs *fs, int dfd, const char *name, uint32_t mode, uint64_t rdev,
		     const struct p9_cred *cred, uint32_t gid)
{
	int e = p9_os_mknodat(dfd, name, P9_S_IFREG | fs->fmode, 0);
	if (e < 0)
		return e;
	struct local_meta m = { .have = LOCAL_META_RDEV, .mode = mode, .rdev = rdev };
	return store_new(fs, dfd, name, 0, &m, cred, gid);
}

int p9__mapped_symlink(struct local_fs *fs, int dfd, const char *name, const char *target,
		       const struct p9_cred *cred, uint32_t gid)
{
	size_t len = strlen(target);
	int fd = p9_os_openat(dfd, name, P9_DOTL_RDWR | P9_DOTL_CREATE | P9_DOTL_EXCL, fs->fmode);
	if (fd < 0)
		return fd;
	ssize_t n = p9_os_pwrite(fd, target, len, 0);
	p9_os_close(fd);
	if (n != (ssize_t)len) {
		fs->model->unlink(fs, dfd, name, 0);
		return n < 0 ? (int)n : -EIO;
	}
	struct local_meta m = { .mode = P9_S_IFLNK | 0777 };
	return store_new(fs, dfd, name, 0, &m, cred, gid);
}

int p9__mapped_getattr(struct local_fs *fs, struct local_loc *loc, struct p9_os_stat *st)
{
	struct local_meta m;
	int e = fs->model->meta_load(fs, loc, &m);
	if (e < 0)
		return e;
	p9__meta_apply(&m, st);
	return 0;
}

uint32_t p9__mapped_file_type(struct local_fs *fs, int dirfd, const char *name, int fd)
{
	struct local_meta m;
	struct local_loc loc;
	p9__loc_at(&loc, fs, dirfd, name, fd);
	int e = fs->model->meta_load(fs, &loc, &m);
	p9__loc_done(&loc);
	return e < 0 ? P9_S_IFREG : p9__meta_type(&m, P9_S_IFREG);
}

int p9__mapped_chown(struct local_fs *fs, struct local_loc *loc, uint32_t uid, uint32_t gid)
{
	struct local_meta m = { .uid = uid, .gid = gid };
	if (uid != (uint32_t)-1)
		m.have |= LOCAL_META_UID;
	if (gid != (uint32_t)-1)
		m.have |= LOCAL_META_GID;
	return m.have ? fs->model->meta_store(fs, loc, &m) : 0;
}

int p9__mapped_chmod(struct local_fs *fs, struct local_loc *loc, uint32_t mode)
{
	/* The type is the file's, whatever the request carries: a chmod
	 * must not turn a file into a device. */
	uint32_t type = loc->node ? loc->node->mode & P9_S_IFMT : P9_S_IFREG;
	struct local_meta m = { .have = LOCAL_META_MODE, .mode = type | (mode & 07777) };
	return fs->model->meta_store(fs, loc, &m);
}

ssize_t p9__mapped_readlink(struct local_fs *fs, struct local_loc *loc, char *buf, size_t cap)
{
	struct p9_os_stat st;
	(void)fs;
	int fd = p9__loc_fd(loc);
	if (fd < 0)
		return fd;
	int e = p9_os_fstat(fd, &st);
	if (e < 0)
		return e;
	/* A real symlink someone made on the host is still read as one. */
	if ((st.mode & P9_S_IFMT) == P9_S_IFLNK)
		return p9_os_readlink(fd, buf, cap);
	int rfd = p9_os_reopen(fd, P9_DOTL_RDONLY);
	if (rfd < 0)
		return rfd;
	ssize_t n = p9_os_pread(rfd, buf, cap, 0);
	p9_os_close(rfd);
	return n;
}

uint8_t p9__mapped_dirent_type(uint8_t host_type)
{
	/* A host regular file may be a symlink or device to the client:
	 * only a stat can tell, so say "unknown" (QEMU says that for every
	 * entry). Every other host type is what the client sees. */
	return host_type == P9_DT_REG ? P9_DT_UNKNOWN : host_type;
}
