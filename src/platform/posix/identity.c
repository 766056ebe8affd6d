/*
 * identity.c: acting as a client's user, one thread at a time.
 *
 * A privileged server serving access=user makes each file-system call with
 * the user's credentials, so the host kernel does every permission check.
 * The credentials must be the calling thread's alone: another worker may
 * be serving another user at the same moment. Linux keeps credentials per
 * thread in the kernel, but glibc's setgroups/setresuid broadcast to all
 * threads (POSIX says ids are per process). So:
 *  - supplementary groups: the raw setgroups system call (this thread only);
 *  - fsgid, then fsuid: setfsgid/setfsuid, which only ever affect the
 *    calling thread and only file-system checks (the thread keeps its
 *    euid 0, so it can switch back).
 * Groups go first and the fsuid last because changing the fsuid from 0
 * drops the file-system capabilities (CAP_CHOWN, CAP_DAC_OVERRIDE,
 * CAP_FOWNER, ...) from the thread's effective set: that is the point, the
 * kernel then checks permissions as the user, and CAP_SETUID/CAP_SETGID,
 * which are not dropped, still allow switching back.
 *
 * Invariants:
 *  - The server's own ids and groups are saved once (pthread_once), before
 *    any thread changes them; p9_os_become_self restores exactly those.
 *  - A failed p9_os_become leaves the thread as the server, never half
 *    switched.
 *  - p9_os_is_privileged says yes only when switching really confines the
 *    thread: euid 0 (the kernel drops capabilities only when the fsuid
 *    leaves 0) and no SECBIT_NO_SETUID_FIXUP (which would keep them). It
 *    reads the calling thread's effective capabilities, so ask it as the
 *    server (at startup), not from a thread acting as a user.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>
#if defined(__linux__)
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#include "internal.h"

_Static_assert(sizeof(gid_t) == sizeof(uint32_t), "groups are passed as uint32_t arrays");

/* Written once under `once`, read-only afterwards. */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static uid_t self_uid;
static gid_t self_gid;
static gid_t *self_groups;
static size_t self_ngroups;
static int self_err; /* saving failed: become refuses, so nothing is lost */

static void save_self(void)
{
	self_uid = geteuid();
	self_gid = getegid();
	int n = getgroups(0, NULL);
	if (n < 0) {
		self_err = p9__err(errno);
		return;
	}
	if (n > 0) {
		/* Kept for the life of the process. */
		self_groups = calloc((size_t)n, sizeof *self_groups);
		if (self_groups == NULL) {
			self_err = -ENOMEM;
			return;
		}
		n = getgroups(n, self_groups);
		if (n < 0) {
			self_err = p9__err(errno);
			return;
		}
	}
	self_ngroups = (size_t)n;
}

void p9__identity_save(void)
{
	pthread_once(&once, save_self);
}

#if defined(__linux__)

static int thread_setgroups(size_t n, const gid_t *groups)
{
	long r;
#ifdef SYS_setgroups32
	r = syscall(SYS_setgroups32, n, groups); /* 32-bit ids on old ABIs */
#else
	r = syscall(SYS_setgroups, n, groups);
#endif
	return r < 0 ? p9__err(errno) : 0;
}

/* setfsuid/setfsgid report no errors; asking with an invalid id (-1)
 * changes nothing and returns the current value. */
static int thread_setids(uid_t uid, gid_t gid)
{
	setfsgid(gid);
	if ((gid_t)setfsgid((gid_t)-1) != gid)
		return -EPERM;
	setfsuid(uid);
	if ((uid_t)setfsuid((uid_t)-1) != uid)
		return -EPERM;
	return 0;
}

int p9_os_become_self(void)
{
	p9__identity_save();
	if (self_err)
		return self_err;
	/* fsuid first, the reverse of become: back at fsuid 0 the thread has
	 * its capabilities again for the rest. */
	setfsuid(self_uid);
	setfsgid(self_gid);
	int err = thread_setgroups(self_ngroups, self_groups);
	if (err)
		return err;
	if ((uid_t)setfsuid((uid_t)-1) != self_uid || (gid_t)setfsgid((gid_t)-1) != self_gid)
		return -EPERM;
	return 0;
}

int p9_os_become(uint32_t uid, uint32_t gid, const uint32_t *groups, size_t ngroups)
{
	p9__identity_save();
	if (self_err)
		return self_err;
	/* -1 would mean "unchanged" to the kernel: the thread would stay
	 * root while the caller believes it is someone else. */
	if (uid == UINT32_MAX || gid == UINT32_MAX)
		return -EINVAL;
	if (ngroups > (size_t)NGROUPS_MAX || (ngroups && groups == NULL))
		return -EINVAL;
	int err = thread_setgroups(ngroups, (const gid_t *)groups);
	if (!err)
		err = thread_setids((uid_t)uid, (gid_t)gid);
	if (err)
		(void)p9_os_become_self();
	return err;
}

int p9_os_is_privileged(void)
{
	p9__identity_save();
	if (geteuid() != 0)
		return 0;
	int bits = prctl(PR_GET_SECUREBITS);
	if (bits < 0 || (bits & SECBIT_NO_SETUID_FIXUP))
		return 0;
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return 0;
	const uint32_t need = (1u << CAP_CHOWN) | (1u << CAP_DAC_OVERRIDE) | (1u << CAP_FOWNER) |
	                      (1u << CAP_SETUID) | (1u << CAP_SETGID);
	return (data[0].effective & need) == need;
}

#else

/* No per-thread credentials (FreeBSD; macOS's pthread_setugid_np could
 * do it): refuse, so a server cannot believe it is confined when it is
 * not. */
int p9_os_become_self(void)
{
	return 0;
}

int p9_os_become(uint32_t uid, uint32_t gid, const uint32_t *groups, size_t ngroups)
{
	(void)uid, (void)gid, (void)groups, (void)ngroups;
	return -ENOTSUP;
}

int p9_os_is_privileged(void)
{
	return 0;
}

#endif

int p9_os_user_groups(uint32_t uid, uint32_t gid, uint32_t *groups, size_t cap)
{
	if (cap == 0)
		return -ERANGE;
	long sz = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t bufsz = sz > 0 ? (size_t)sz : 1024;
	char *buf = NULL;
	struct passwd pw, *res = NULL;
	int rc;
	for (;;) {
		char *nb = realloc(buf, bufsz);
		if (nb == NULL) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		rc = getpwuid_r((uid_t)uid, &pw, buf, bufsz, &res);
		if (rc != ERANGE || bufsz >= (size_t)1 << 20)
			break;
		bufsz *= 2;
	}
	if (res == NULL && (rc == 0 || rc == ENOENT || rc == ESRCH)) {
		/* No such user: the primary group alone. */
		free(buf);
		groups[0] = gid;
		return 1;
	}
	if (res == NULL) {
		/* The user database failed: no list at all rather than one
		 * that may lack groups. */
		free(buf);
		return p9__err(rc);
	}
	/* The user database, not the caller, knows the primary group. */
	gid = (uint32_t)pw.pw_gid;
	int n = cap > (size_t)INT_MAX ? INT_MAX : (int)cap;
	/* A list cut short is refused rather than returned: dropping a group
	 * can grant access (a file mode like 0604 denies the group). */
#if defined(__APPLE__)
	rc = getgrouplist(pw.pw_name, (int)gid, (int *)groups, &n);
#else
	rc = getgrouplist(pw.pw_name, (gid_t)gid, (gid_t *)groups, &n);
#endif
	free(buf);
	if (rc < 0)
		return -ERANGE;
	/* getgrouplist includes the primary group; put it first. */
	for (int i = 1; i < n; i++)
		if (groups[i] == gid) {
			groups[i] = groups[0];
			groups[0] = gid;
			break;
		}
	return n;
}
