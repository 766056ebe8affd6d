/*
 * model_passthrough.c: the security models that store what the client
 * asks for directly on the host: passthrough and none.
 *
 * passthrough: the server (root) acts, per request, as the user the
 *   client attached as: its uid, primary group and groups, for file
 *   system checks only (setfsuid/setfsgid on the calling thread). The
 *   host kernel then enforces permissions as it would for that user
 *   locally, and new files get that owner. Needs privilege: without it
 *   the model could not honour ownership, so start-up refuses.
 * none: the server acts as itself; asking for another owner is quietly
 *   ignored (QEMU's "none"), so an unprivileged server still works.
 *
 * Both: special files are real host special files (devices only where
 * the acting user may make them), names are all visible, and xattrs
 * other than user.* and POSIX ACLs are refused (security.* and
 * trusted.* would let a guest set host security labels).
 *
 * The host operations here (p9__host_*) are also what the mapped models
 * do where they store nothing of their own.
 */
#include <errno.h>
#include <string.h>

#include "fs/local/local.h"
#include "server/core.h"

/* What the host cannot do at all (Windows: modes, owners, FIFOs, devices
 * and symlinks, outside the mapped models) is refused every time, and
 * said once per kind in the log: the admin learns why, without a flood. */
enum unsupported { UNSUP_CHMOD, UNSUP_CHOWN, UNSUP_MKNOD, UNSUP_SYMLINK, UNSUP_KINDS };

static int unsupported(int e, enum unsupported kind)
{
	static atomic_int warned[UNSUP_KINDS];
	static const char *const what[UNSUP_KINDS] = {"change modes", "change owners",
						       "make FIFOs, sockets or devices",
						       "make symlinks"};
	if (e == -EOPNOTSUPP && atomic_exchange(&warned[kind], 1) == 0)
		p9__log(0, "warning: this host cannot %s: clients get EOPNOTSUPP (a mapped "
			   "security model stores them)", what[kind]);
	return e;
}

/* The identity this thread acts with right now (NULL: the server's). */
static _Thread_local const struct p9_cred *current_cred;

static int pt_start(struct local_fs *fs, const char **err)
{
	if (!fs->privileged) {
		*err = "security model passthrough needs root (to act as each user); run as root, "
		       "or use --security-model none or mapped-xattr";
		return -EPERM;
	}
	return 0;
}

static int pt_become(struct local_fs *fs, const struct p9_cred *cred)
{
	(void)fs;
	if (cred == current_cred)
		return 0; /* the common case costs nothing */
	int e = p9_os_become(cred->uid, cred->gid, cred->groups, cred->ngroups);
	if (e < 0) {
		p9_os_become_self();
		current_cred = NULL;
		return e;
	}
	current_cred = cred;
	return 0;
}

/* After a create: the group the client asked for. */
static int pt_owner(int fd, const struct p9_cred *cred, uint32_t gid)
{
	/* The file already belongs to the acting user; the group is what
	 * the client asked for (it knows about setgid directories). */
	if (gid == cred->gid || gid == (uint32_t)-1)
		return 0;
	int e = p9_os_fchown(fd, (uint32_t)-1, gid);
	return e == -EPERM ? 0 : e; /* not a member: the file keeps our group */
}

static int none_owner(int fd, const struct p9_cred *cred, uint32_t gid)
{
	(void)fd;
	(void)cred;
	(void)gid;
	return 0; /* "none" gives no owners */
}

typedef int (*owner_fn)(int fd, const struct p9_cred *cred, uint32_t gid);

int p9__host_open_create(int dfd, const char *name, uint32_t hflags, uint32_t mode, int *created)
{
	/* Exclusively first, so we know whether the file is ours to set up;
	 * an existing name is then opened through a handle, which refuses
	 * host devices and FIFOs (a create must not open one either). */
	for (int tries = 0;; tries++) {
		int fd = p9_os_openat(dfd, name, hflags | P9_DOTL_CREATE | P9_DOTL_EXCL, mode);
		*created = fd >= 0;
		if (fd != -EEXIST || (hflags & P9_DOTL_EXCL))
			return fd;
		int pfd = p9_os_openat(dfd, name, P9_OS_O_PATH, 0);
		if (pfd == -ENOENT && tries < 3)
			continue; /* it went away meanwhile: create it after all */
		if (pfd < 0)
			return pfd;
		fd = p9_os_reopen(pfd, hflags & ~(uint32_t)(P9_DOTL_CREATE | P9_DOTL_EXCL));
		p9_os_close(pfd);
		return fd;
	}
}

/* Open an O_PATH handle of a file just made, run the owner step, and on
 * failure take the file away again. Returns the handle. */
static int finish(owner_fn owner, int dfd, const char *name, int isdir, const struct p9_cred *cred,
		  uint32_t gid)
{
	int fd = p9_os_openat(dfd, name, P9_OS_O_PATH, 0);
	int e = fd < 0 ? fd : owner(fd, cred, gid);
	if (e < 0) {
		if (fd >= 0)
			p9_os_close(fd);
		p9_os_unlinkat(dfd, name, isdir);
		return e;
	}
	return fd;
}

static int create_as(owner_fn owner, int dfd, const char *name, uint32_t hflags, uint32_t mode,
		     const struct p9_cred *cred, uint32_t gid, int *created)
{
	int e;
	int fd = p9__host_open_create(dfd, name, hflags, mode & 07777, created);
	if (fd < 0 || !*created)
		return fd;
	if ((e = owner(fd, cred, gid)) < 0) {
		p9_os_close(fd);
		p9_os_unlinkat(dfd, name, 0);
		return e;
	}
	return fd;
}

static int mkdir_as(owner_fn owner, int dfd, const char *name, uint32_t mode,
		    const struct p9_cred *cred, uint32_t gid)
{
	int e = p9_os_mkdirat(dfd, name, mode & 07777);
	return e < 0 ? e : finish(owner, dfd, name, 1, cred, gid);
}

static int mknod_as(owner_fn owner, int dfd, const char *name, uint32_t mode, uint64_t rdev,
		    const struct p9_cred *cred, uint32_t gid)
{
	int e = unsupported(p9_os_mknodat(dfd, name, mode, rdev), UNSUP_MKNOD);
	return e < 0 ? e : finish(owner, dfd, name, 0, cred, gid);
}

static int symlink_as(owner_fn owner, int dfd, const char *name, const char *target,
		      const struct p9_cred *cred, uint32_t gid)
{
	int e = unsupported(p9_os_symlinkat(target, dfd, name), UNSUP_SYMLINK);
	return e < 0 ? e : finish(owner, dfd, name, 0, cred, gid);
}

/* The table entries: the same steps, with each model's owner step. */
static int pt_create(struct local_fs *fs, int dfd, const char *name, uint32_t hflags, uint32_t mode,
		     const struct p9_cred *cred, uint32_t gid, int *created)
{
	(void)fs;
	return create_as(pt_owner, dfd, name, hflags, mode, cred, gid, created);
}

static int pt_mkdir(struct local_fs *fs, int dfd, const char *name, uint32_t mode,
		    const struct p9_cred *cred, uint32_t gid)
{
	(void)fs;
	return mkdir_as(pt_owner, dfd, name, mode, cred, gid);
}

static int pt_mknod(struct local_fs *fs, int dfd, const char *name, uint32_t mode, uint64_t rdev,
		    const struct p9_cred *cred, uint32_t gid)
{
	(void)fs;
	return mknod_as(pt_owner, dfd, name, mode, rdev, cred, gid);
}

static int pt_symlink(struct local_fs *fs, int dfd, const char *name, const char *target,
		      const struct p9_cred *cred, uint32_t gid)
{
	(void)fs;
	return symlink_as(pt_owner, dfd, name, target, cred, gid);
}

static int none_create(struct local_fs *fs, int dfd, const char *name, uint32_t hflags,
		       uint32_t mode, const struct p9_cred *cred, uint32_t gid, int *created)
{
	(void)fs;
	return create_as(none_owner, dfd, name, hflags, mode, cred, gid, created);
}

static int none_mkdir(struct local_fs *fs, int dfd, const char *name, uint32_t mode,
		      const struct p9_cred *cred, uint32_t gid)
{
	(void)fs;
	return mkdir_as(none_owner, dfd, name, mode, cred, gid);
}

static int none_mknod(struct local_fs *fs, int dfd, const char *name, uint32_t mode, uint64_t rdev,
		      const struct p9_cred *cred, uint32_t gid)
{
	(void)fs;
	return mknod_as(none_owner, dfd, name, mode, rdev, cred, gid);
}

static int none_symlink(struct local_fs *fs, int dfd, const char *name, const char *target,
			const struct p9_cred *cred, uint32_t gid)
{
	(void)fs;
	return symlink_as(none_owner, dfd, name, target, cred, gid);
}

static int pt_chown(struct local_fs *fs, struct local_loc *loc, uint32_t uid, uint32_t gid)
{
	(void)fs;
	int fd = p9__loc_fd(loc);
	return fd < 0 ? fd : unsupported(p9_os_fchown(fd, uid, gid), UNSUP_CHOWN);
}

static int none_chown(struct local_fs *fs, struct local_loc *loc, uint32_t uid, uint32_t gid)
{
	int e = pt_chown(fs, loc, uid, gid);
	return e == -EPERM ? 0 : e; /* "none": ownership is not ours to give */
}

static int pt_chmod(struct local_fs *fs, struct local_loc *loc, uint32_t mode)
{
	(void)fs;
	if (loc->node && (loc->node->mode & P9_S_IFMT) == P9_S_IFLNK)
		return -EOPNOTSUPP; /* Linux has no modes on symlinks */
	int fd = p9__loc_fd(loc);
	return fd < 0 ? fd : unsupported(p9_os_fchmod(fd, mode & 07777), UNSUP_CHMOD);
}

static ssize_t pt_readlink(struct local_fs *fs, struct local_loc *loc, char *buf, size_t cap)
{
	(void)fs;
	int fd = p9__loc_fd(loc);
	return fd < 0 ? fd : p9_os_readlink(fd, buf, cap);
}

int p9__host_link(struct local_fs *fs, struct local_loc *old, int ndfd, const char *nname)
{
	(void)fs;
	int fd = p9__loc_fd(old);
	return fd < 0 ? fd : p9_os_linkat(fd, ndfd, nname);
}

int p9__host_rename(struct local_fs *fs, int odfd, const char *oname, int ndfd, const char *nname)
{
	(void)fs;
	return p9_os_renameat(odfd, oname, ndfd, nname);
}

int p9__host_unlink(struct local_fs *fs, int dfd, const char *name, int rmdir)
{
	(void)fs;
	return p9_os_unlinkat(dfd, name, rmdir);
}

static uint8_t host_dirent_type(uint8_t t)
{
	return t; /* the platform reports Linux DT_* values */
}

static int is_acl(const char *name)
{
	return strcmp(name, "system.posix_acl_access") == 0 ||
	       strcmp(name, "system.posix_acl_default") == 0;
}

int p9__host_xattr_map(struct local_fs *fs, const char *name, enum local_xattr_op op, char *host)
{
	(void)fs;
	(void)op;
	if (strncmp(name, "user.", 5) != 0 && !is_acl(name))
		return -EOPNOTSUPP;
	strcpy(host, name); /* the caller checked it fits in 256 */
	return 0;
}

int p9__host_xattr_list(struct local_fs *fs, const char *host, char *out)
{
	char tmp[256];
	if (strlen(host) >= sizeof(tmp) || p9__host_xattr_map(fs, host, LOCAL_XATTR_GET, tmp) < 0)
		return 0;
	strcpy(out, host);
	return 1;
}

/* "none" acts as the server, whose ACLs a client must not change. */
static int none_xattr_map(struct local_fs *fs, const char *name, enum local_xattr_op op, char *host)
{
	return is_acl(name) ? -EOPNOTSUPP : p9__host_xattr_map(fs, name, op, host);
}

static int none_xattr_list(struct local_fs *fs, const char *host, char *out)
{
	return is_acl(host) ? 0 : p9__host_xattr_list(fs, host, out);
}

const struct local_model p9__model_passthrough = {
	.name = "passthrough",
	.start = pt_start,
	.become = pt_become,
	.create = pt_create,
	.mkdir = pt_mkdir,
	.mknod = pt_mknod,
	.symlink = pt_symlink,
	.chown = pt_chown,
	.chmod = pt_chmod,
	.readlink = pt_readlink,
	.link = p9__host_link,
	.rename = p9__host_rename,
	.unlink = p9__host_unlink,
	.dirent_type = host_dirent_type,
	.xattr_map = p9__host_xattr_map,
	.xattr_list = p9__host_xattr_list,
};

const struct local_model p9__model_none = {
	.name = "none",
	.create = none_create,
	.mkdir = none_mkdir,
	.mknod = none_mknod,
	.symlink = none_symlink,
	.chown = none_chown,
	.chmod = pt_chmod,
	.readlink = pt_readlink,
	.link = p9__host_link,
	.rename = p9__host_rename,
	.unlink = p9__host_unlink,
	.dirent_type = host_dirent_type,
	.xattr_map = none_xattr_map,
	.xattr_list = none_xattr_list,
};
