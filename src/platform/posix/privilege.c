/*
 * privilege.c: keep only the privilege the server needs (p9d at start).
 *
 * p9_os_confine runs once, after the export is open and the listeners are
 * bound and before any worker thread exists (glibc's setresuid and
 * capset would otherwise have to reach every thread). In order:
 *  1. the sandbox (sandbox.c), which needs CAP_SYS_ADMIN, so it comes
 *     first; with a pid namespace the process forks there;
 *  2. the user (--user): supplementary groups, gid, then uid, all three
 *     of the real, effective and saved ids; leaving uid 0 clears every
 *     capability (no PR_SET_KEEPCAPS), the bounding set is emptied before;
 *  3. otherwise the capabilities: as root, exactly the set of the model
 *     (below) in the effective and permitted sets and the bounding set,
 *     nothing inheritable or ambient; as any other user, none;
 *  4. no_new_privs, so nothing the process could exec gains privilege;
 *  5. the seccomp filter (sandbox.c), last: it forbids what 1-4 used.
 *
 * The sets, as root (CAP_* numbers; exact masks in docs/security-models.md):
 *  - passthrough (P9_OS_CAPS_USERS): CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH,
 *    FOWNER, FSETID, MKNOD act on files as the server (when a thread's
 *    fsuid goes back to 0 the kernel raises exactly these from the
 *    permitted set); SETUID and SETGID let a thread take each user's fsuid,
 *    fsgid and groups and come back (identity.c).
 *  - none (P9_OS_CAPS_FILES): the server acts as itself on files it may
 *    not own: DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, MKNOD; it
 *    never changes owners or identity.
 *  - mapped-xattr, mapped-file (P9_OS_CAPS_MAPPED): DAC_OVERRIDE,
 *    DAC_READ_SEARCH, FOWNER: owners and modes live in metadata, host
 *    files keep the server's fmode/dmode, special files are regular files.
 * Capabilities the process does not have are not asked for (a container's
 * root may lack some), so the result is the model's set at most.
 *
 * Without libcap-ng (meson: feature "libcap-ng") the capabilities stay as
 * they are and p9_os_confine says so on stderr; --user still works.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#ifdef HAVE_LIBCAPNG
#include <cap-ng.h>
#endif

#include "internal.h"

/* The --user resolved by p9_os_confine_check: written once, before
 * p9_os_confine reads it, both on the main thread. */
static struct {
	int set;
	uid_t uid;
	gid_t gid;
	gid_t groups[NGROUPS_MAX > 256 ? 256 : NGROUPS_MAX];
	int ngroups;
} target;

static int parse_id(const char *s, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || s[0] == '+' || v >= UINT32_MAX)
		return -1;
	*out = v;
	return 0;
}

int p9_os_confine_check(const struct p9_os_confine *c, const char **err)
{
	if (c->user == NULL)
		return 0;
	char name[256];
	const char *colon = strchr(c->user, ':');
	size_t n = colon ? (size_t)(colon - c->user) : strlen(c->user);
	if (n == 0 || n >= sizeof name || (colon && colon[1] == '\0')) {
		*err = "--user must be NAME or UID, optionally :GROUP";
		return -EINVAL;
	}
	memcpy(name, c->user, n);
	name[n] = '\0';
	unsigned long v;
	struct passwd *pw;
	if (parse_id(name, &v) == 0) {
		target.uid = (uid_t)v;
		pw = getpwuid(target.uid);
		target.gid = pw ? pw->pw_gid : (gid_t)v; /* unknown uid: gid = uid */
	} else if ((pw = getpwnam(name)) != NULL) {
		target.uid = pw->pw_uid;
		target.gid = pw->pw_gid;
	} else {
		*err = "--user: no such user";
		return -EINVAL;
	}
	if (target.uid == 0) {
		*err = "--user: the point is to stop being root; give another user";
		return -EINVAL;
	}
	if (colon) {
		struct group *gr;
		if (parse_id(colon + 1, &v) == 0)
			target.gid = (gid_t)v;
		else if ((gr = getgrnam(colon + 1)) != NULL)
			target.gid = gr->gr_gid;
		else {
			*err = "--user: no such group";
			return -EINVAL;
		}
	}
	/* The user's groups from the database (as login does); a GROUP given
	 * on the command line comes first and replaces the primary one. */
	target.groups[0] = target.gid;
	target.ngroups = 1;
	if (pw) {
		int cnt = (int)(sizeof target.groups / sizeof target.groups[0]);
		if (getgrouplist(pw->pw_name, target.gid, target.groups, &cnt) < 0) {
			*err = "--user: the user is in too many groups";
			return -EINVAL;
		}
		target.ngroups = cnt;
	}
	target.set = 1;
	return 0;
}

static int become_user(const char **err)
{
#ifdef HAVE_LIBCAPNG
	/* The bounding set needs CAP_SETPCAP, which goes with uid 0. */
	capng_get_caps_process();
	if (capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP)) {
		capng_clear(CAPNG_SELECT_BOUNDS);
		if (capng_apply(CAPNG_SELECT_BOUNDS) < 0) {
			*err = "cannot empty the capability bounding set";
			return -EPERM;
		}
	}
#endif
	if (setgroups((size_t)target.ngroups, target.groups) < 0 ||
	    setresgid(target.gid, target.gid, target.gid) < 0 ||
	    setresuid(target.uid, target.uid, target.uid) < 0) {
		int e = errno;
		*err = "--user: cannot change user (only root can)";
		return p9__err(e);
	}
	uid_t r, e, s;
	if (getresuid(&r, &e, &s) < 0 || r != target.uid || e != target.uid || s != target.uid) {
		*err = "--user: the user did not change";
		return -EPERM;
	}
	return 0;
}

#ifdef HAVE_LIBCAPNG
static int drop_caps(enum p9_os_caps want, const char **err)
{
	static const unsigned users[] = {CAP_CHOWN,  CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH,
	                                 CAP_FOWNER, CAP_FSETID,       CAP_SETGID,
	                                 CAP_SETUID, CAP_MKNOD};
	static const unsigned files[] = {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER,
	                                 CAP_FSETID, CAP_MKNOD};
	static const unsigned mapped[] = {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER};
	const unsigned *keep = NULL;
	size_t nkeep = 0;
	if (geteuid() == 0) {
		if (want == P9_OS_CAPS_USERS)
			keep = users, nkeep = sizeof users / sizeof users[0];
		else if (want == P9_OS_CAPS_FILES)
			keep = files, nkeep = sizeof files / sizeof files[0];
		else if (want == P9_OS_CAPS_MAPPED)
			keep = mapped, nkeep = sizeof mapped / sizeof mapped[0];
	}
	if (capng_get_caps_process() < 0) {
		*err = "cannot read the process's capabilities";
		return -EPERM;
	}
	int bounds = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	unsigned have[sizeof users / sizeof users[0]];
	size_t nhave = 0;
	for (size_t i = 0; i < nkeep; i++)
		if (capng_have_capability(CAPNG_PERMITTED, keep[i]))
			have[nhave++] = keep[i];
	capng_clear(CAPNG_SELECT_ALL);
	for (size_t i = 0; i < nhave; i++)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
		             have[i]);
	/* Without CAP_SETPCAP the bounding set cannot shrink; no_new_privs
	 * makes it moot (nothing is exec'd, nothing gains privilege). */
	if (capng_apply(bounds ? CAPNG_SELECT_ALL : CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT) < 0) {
		*err = "cannot drop capabilities";
		return -EPERM;
	}
	return 0;
}
#else
static int drop_caps(enum p9_os_caps want, const char **err)
{
	(void)want, (void)err;
	if (geteuid() == 0)
		fprintf(stderr, "p9d: built without libcap-ng: capabilities not dropped\n");
	return 0;
}
#endif

int p9_os_confine(const struct p9_os_confine *c, const char **err)
{
	int e;
	if (c->user && !target.set && (e = p9_os_confine_check(c, err)) < 0)
		return e;
	/* Load the user database's modules (glibc dlopens them at first use)
	 * while the files are reachable and the calls allowed. */
	uint32_t groups[64];
	(void)p9_os_user_groups(0, 0, groups, 64);
	if (c->sandbox == P9_OS_SANDBOX_NAMESPACE && (e = p9__sandbox_enter(c, err)) < 0)
		return e;
	if (c->user)
		e = become_user(err);
	else
		e = drop_caps(c->caps, err);
	if (e < 0)
		return e;
#ifdef HAVE_LIBCAPNG
	if (c->user && (e = drop_caps(P9_OS_CAPS_NONE, err)) < 0)
		return e;
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		*err = "cannot set no_new_privs";
		return p9__err(errno);
	}
	if (c->seccomp != P9_OS_SECCOMP_OFF && (e = p9__seccomp_load(c->seccomp, err)) < 0)
		return e;
	return 0;
}
