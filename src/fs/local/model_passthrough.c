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
 */
#include <errno.h>
#include <string.h>

#include "fs/local/local.h"

/* The identity this thread acts with right now (NULL: the server's). */
static _Thread_local const struct p9_cred *current_cred;

static int pt_start(struct local_fs *fs, const char **err)
{
	if (!fs->privileged) {
		*err = "security model passthrough needs root (to act as each user); run as root, "
		       "or use --security-model none";
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

static int post_create(struct local_fs *fs, int fd, const struct p9_cred *cred, uint32_t gid)
{
	(void)fs;
	/* The file already belongs to the acting user; the group is what
	 * the client asked for (it knows about setgid directories). */
	if (gid == cred->gid || gid == (uint32_t)-1)
		return 0;
	int e = p9_os_fchown(fd, (uint32_t)-1, gid);
	return e == -EPERM ? 0 : e; /* not a member: the file keeps our group */
}

static int none_post_create(struct local_fs *fs, int fd, const struct p9_cred *cred, uint32_t gid)
{
	(void)fs;
	(void)cred;
	(void)gid;
	(void)fd;
	return 0; /* "none" gives no owners */
}

static int xattr_allowed(struct local_fs *fs, const char *name, int write)
{
	(void)fs;
	(void)write;
	if (strncmp(name, "user.", 5) == 0)
		return 0;
	if (strcmp(name, "system.posix_acl_access") == 0 ||
	    strcmp(name, "system.posix_acl_default") == 0)
		return fs->base.cfg->model == P9_SM_NONE ? -EOPNOTSUPP : 0;
	return -EOPNOTSUPP;
}

const struct local_model p9__model_passthrough = {
	.name = "passthrough",
	.start = pt_start,
	.become = pt_become,
	.post_create = post_create,
	.xattr_allowed = xattr_allowed,
};

const struct local_model p9__model_none = {
	.name = "none",
	.post_create = none_post_create,
	.xattr_allowed = xattr_allowed,
};
