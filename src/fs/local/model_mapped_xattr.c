/*
 * model_mapped_xattr.c: security model mapped-xattr (alias "mapped"):
 * what the client sets is kept in the file's own user xattrs, in QEMU's
 * format (meta.c): user.virtfs.uid, .gid, .mode (4 bytes, little-endian)
 * and .rdev (8 bytes). The xattrs travel with the inode, so links,
 * renames and unlinks need nothing extra.
 *
 * Clients cannot read (ENODATA), write or remove (EACCES) anything under
 * user.virtfs., nor see it listed: that is where their ownership lives.
 * POSIX ACLs a client sets are stored as user.virtfs.system.posix_acl_*
 * (the server does not enforce them; the client does), and the host's
 * own ACLs are not shown.
 */
#include <errno.h>
#include <string.h>

#include "fs/local/local.h"

#define VIRTFS "user.virtfs."
#define VIRTFS_LEN (sizeof(VIRTFS) - 1)
#define ACL_PREFIX "system.posix_acl_"

static int mx_start(struct local_fs *fs, const char **err)
{
	uint8_t v[4];
	ssize_t n = p9_os_getxattr(fs->tree.root->fd, LOCAL_XATTR_UID, v, sizeof(v));
	if (n == -EOPNOTSUPP) {
		*err = "security model mapped-xattr needs user extended attributes, and the "
		       "export's file system has none (use --security-model mapped-file)";
		return (int)n;
	}
	return 0;
}

/* Read one stored field: 1 when present with its exact size. Anything
 * else (absent, another size, unreadable) leaves the host's value. */
static int get(int fd, const char *name, uint8_t *buf, size_t size)
{
	return p9_os_getxattr(fd, name, buf, size) == (ssize_t)size;
}

static uint64_t le(const uint8_t *b, size_t size)
{
	uint64_t v = 0;
	for (size_t i = size; i-- > 0;)
		v = (v << 8) | b[i];
	return v;
}

static int mx_load(struct local_fs *fs, struct local_loc *loc, struct local_meta *m)
{
	uint8_t b[8];
	(void)fs;
	memset(m, 0, sizeof(*m));
	int fd = p9__loc_fd(loc);
	if (fd < 0)
		return fd;
	if (get(fd, LOCAL_XATTR_UID, b, 4)) {
		m->uid = (uint32_t)le(b, 4);
		m->have |= LOCAL_META_UID;
	}
	if (get(fd, LOCAL_XATTR_GID, b, 4)) {
		m->gid = (uint32_t)le(b, 4);
		m->have |= LOCAL_META_GID;
	}
	if (get(fd, LOCAL_XATTR_MODE, b, 4)) {
		m->mode = (uint32_t)le(b, 4);
		m->have |= LOCAL_META_MODE;
	}
	if (get(fd, LOCAL_XATTR_RDEV, b, 8)) {
		m->rdev = le(b, 8);
		m->have |= LOCAL_META_RDEV;
	}
	return 0;
}

static int mx_store(struct local_fs *fs, struct local_loc *loc, const struct local_meta *m)
{
	uint8_t b[8];
	int e = 0;
	(void)fs;
	int fd = p9__loc_fd(loc);
	if (fd < 0)
		return fd;
	/* Each field is its own xattr: no read-modify-write, no lock. */
	if (e == 0 && (m->have & LOCAL_META_UID)) {
		p9__meta_le32(m->uid, b);
		e = p9_os_setxattr(fd, LOCAL_XATTR_UID, b, 4, 0);
	}
	if (e == 0 && (m->have & LOCAL_META_GID)) {
		p9__meta_le32(m->gid, b);
		e = p9_os_setxattr(fd, LOCAL_XATTR_GID, b, 4, 0);
	}
	if (e == 0 && (m->have & LOCAL_META_MODE)) {
		p9__meta_le32(m->mode, b);
		e = p9_os_setxattr(fd, LOCAL_XATTR_MODE, b, 4, 0);
	}
	if (e == 0 && (m->have & LOCAL_META_RDEV)) {
		p9__meta_le64(m->rdev, b);
		e = p9_os_setxattr(fd, LOCAL_XATTR_RDEV, b, 8, 0);
	}
	return e;
}

/* A lookup needs only the type: one xattr, not four. */
static uint32_t mx_file_type(struct local_fs *fs, int dirfd, const char *name, int fd)
{
	uint8_t b[4];
	(void)fs, (void)dirfd, (void)name;
	struct local_meta m = { 0 };
	if (get(fd, LOCAL_XATTR_MODE, b, 4)) {
		m.mode = (uint32_t)le(b, 4);
		m.have = LOCAL_META_MODE;
	}
	return p9__meta_type(&m, P9_S_IFREG);
}

static int mx_xattr_map(struct local_fs *fs, const char *name, enum local_xattr_op op, char *host)
{
	(void)fs;
	if (strncmp(name, VIRTFS, VIRTFS_LEN) == 0)
		return op == LOCAL_XATTR_GET ? -ENODATA : -EACCES;
	if (strncmp(name, "user.", 5) == 0) {
		strcpy(host, name);
		return 0;
	}
	if (strcmp(name, ACL_PREFIX "access") == 0 || strcmp(name, ACL_PREFIX "default") == 0) {
		if (strlen(name) + VIRTFS_LEN >= 256)
			return -ERANGE;
		strcpy(host, VIRTFS);
		strcpy(host + VIRTFS_LEN, name);
		/* Removing an ACL that is not there is no error (QEMU). */
		return LOCAL_XATTR_QUIET_REMOVE;
	}
	return -EOPNOTSUPP;
}

static int mx_xattr_list(struct local_fs *fs, const char *host, char *out)
{
	(void)fs;
	if (strncmp(host, VIRTFS ACL_PREFIX, VIRTFS_LEN + sizeof(ACL_PREFIX) - 1) == 0) {
		strcpy(out, host + VIRTFS_LEN);
		return 1;
	}
	if (strncmp(host, VIRTFS, VIRTFS_LEN) == 0 || strncmp(host, "user.", 5) != 0)
		return 0;
	strcpy(out, host);
	return 1;
}

const struct local_model p9__model_mapped_xattr = {
	.name = "mapped-xattr",
	.start = mx_start,
	.create = p9__mapped_create,
	.mkdir = p9__mapped_mkdir,
	.mknod = p9__mapped_mknod,
	.symlink = p9__mapped_symlink,
	.getattr = p9__mapped_getattr,
	.file_type = mx_file_type,
	.chown = p9__mapped_chown,
	.chmod = p9__mapped_chmod,
	.readlink = p9__mapped_readlink,
	.link = p9__host_link,
	.rename = p9__host_rename,
	.unlink = p9__host_unlink,
	.dirent_type = p9__mapped_dirent_type,
	.xattr_map = mx_xattr_map,
	.xattr_list = mx_xattr_list,
	.meta_load = mx_load,
	.meta_store = mx_store,
};
