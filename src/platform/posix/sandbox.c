/*
 * sandbox.c: the optional sandbox of p9d (--sandbox=namespace) and its
 * seccomp filter. Linux only; elsewhere both say -ENOTSUP.
 *
 * The namespace sandbox: new mount, pid, IPC, UTS and network namespaces
 * (the listeners are bound before, and a socket stays in the namespace
 * it was made in). The pid namespace takes a fork: the parent keeps
 * nothing (every handle closed, every capability but CAP_KILL dropped:
 * the child may run as another user) but forwards
 * SIGINT/SIGTERM/SIGHUP and exits with the child's status. The child, pid
 * 1 of its namespace, pivots into an empty read-only tmpfs that holds
 * only:
 *   /export   the export (a recursive bind, read-only with --readonly);
 *             the server's root handle is re-opened from here, so that
 *             ".." from it stops at the sandbox's root instead of
 *             climbing the host's tree through the old mount
 *   /fd       a bind of the process's own /proc/self/fd: the magic links
 *             that p9_os_reopen, the path-taking xattr calls and the
 *             O_PATH chmod/utimes need (p9__fd_path points there); no
 *             other part of /proc is visible
 *   /etc/{passwd,group,nsswitch.conf}  read-only binds, for the groups of
 *             each user (passthrough) - never the export's own files
 * The export is not the new root itself (QEMU's way) because then a
 * client could write the /etc/group the server reads.
 *
 * The filter: an allowlist of the system calls the server makes once it
 * is serving (measured with strace -f over the integration, CLI and
 * kernel-client suites; see docs/security-models.md), anything else kills
 * the process (--seccomp=kill) or is logged by the kernel (log). tgkill
 * is allowed towards the process's own threads only; socket fails with
 * EACCES (no new sockets, but glibc's nscd probe goes on to the files).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#endif
#ifdef HAVE_LIBCAPNG
#include <cap-ng.h>
#endif
#ifdef HAVE_LIBSECCOMP
#include <seccomp.h>
#endif

#include "internal.h"

#if defined(__linux__)

static volatile pid_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

/* The parent: a waiting shell around the server. Never returns. */
static void parent_wait(pid_t pid)
{
	child_pid = pid;
	struct sigaction sa = {.sa_handler = forward};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* Its copies of the listeners and the export would keep them alive
	 * (and an fd: peer would never see the end). stdio stays. */
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	syscall(SYS_close_range, 1024u, ~0u, 0u);
#ifdef HAVE_LIBCAPNG
	/* CAP_KILL alone: the child may become another user (--user). */
	capng_clear(CAPNG_SELECT_ALL);
	capng_get_caps_process();
	int kill_cap = capng_have_capability(CAPNG_PERMITTED, CAP_KILL);
	capng_clear(CAPNG_SELECT_ALL);
	if (kill_cap)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
		             CAP_KILL);
	capng_apply(CAPNG_SELECT_ALL);
#endif
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	int st;
	pid_t r;
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (r < 0)
		_exit(1);
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

static int fail(const char **err, const char *what)
{
	*err = what;
	return p9__err(errno);
}

/* An empty file or directory at `at` with `src` bound on it, read-only. */
static int bind_ro(const char *src, const char *at, int dir)
{
	if (dir ? mkdir(at, 0755) < 0 : mknod(at, S_IFREG | 0444, 0) < 0)
		return -1;
	if (mount(src, at, NULL, MS_BIND, NULL) < 0)
		return -1;
	return mount(NULL, at, NULL,
	             MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static int same_file(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int p9__sandbox_enter(const struct p9_os_confine *c, const char **err)
{
	if (p9__root_fd < 0 || c->export_path == NULL) {
		*err = "the sandbox needs the export open first";
		return -EINVAL;
	}
	if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET) < 0)
		return fail(err, "--sandbox=namespace: cannot make namespaces (it needs root)");
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return fail(err, "--sandbox=namespace: fork");
	if (pid > 0)
		parent_wait(pid);

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail(err, "--sandbox=namespace: cannot make the mounts private");
	/* A handle of the export in this namespace (a bind's source must be
	 * here), checked to be the directory the server opened. */
	int exp = open(c->export_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (exp < 0 || !same_file(exp, p9__root_fd)) {
		*err = "--sandbox=namespace: the export changed";
		return -ESTALE;
	}
	char src[P9__FDPATH_MAX];
	snprintf(src, sizeof src, "/proc/self/fd/%d", exp);
	if (mount("p9d-sandbox", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	          "mode=0755,size=64k") < 0)
		return fail(err, "--sandbox=namespace: cannot mount a tmpfs on /tmp");
	if (mkdir("/tmp/export", 0755) < 0 ||
	    mount(src, "/tmp/export", NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail(err, "--sandbox=namespace: cannot bind the export");
	if (c->readonly &&
	    mount(NULL, "/tmp/export", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		return fail(err, "--sandbox=namespace: cannot make the export read-only");
	close(exp);
	if (bind_ro("/proc/self/fd", "/tmp/fd", 1) < 0)
		return fail(err, "--sandbox=namespace: cannot bind /proc/self/fd");
	if (mkdir("/tmp/etc", 0755) < 0)
		return fail(err, "--sandbox=namespace: mkdir");
	static const char *const etc[] = {"passwd", "group", "nsswitch.conf"};
	for (size_t i = 0; i < sizeof etc / sizeof etc[0]; i++) {
		char from[64], to[64];
		struct stat st;
		snprintf(from, sizeof from, "/etc/%s", etc[i]);
		snprintf(to, sizeof to, "/tmp/etc/%s", etc[i]);
		if (stat(from, &st) == 0 && S_ISREG(st.st_mode) && bind_ro(from, to, 0) < 0)
			return fail(err, "--sandbox=namespace: cannot bind the user database");
	}
	if (chdir("/tmp") < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return fail(err, "--sandbox=namespace: pivot_root");
	if (mount(NULL, "/", NULL,
	          MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return fail(err, "--sandbox=namespace: cannot make the root read-only");
	int nfd = open("/export", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (nfd < 0 || !same_file(nfd, p9__root_fd) || dup3(nfd, p9__root_fd, O_CLOEXEC) < 0) {
		*err = "--sandbox=namespace: cannot re-open the export inside";
		return -ESTALE;
	}
	close(nfd);
	p9__set_fd_dir("/fd");
	return 0;
}

#else

int p9__sandbox_enter(const struct p9_os_confine *c, const char **err)
{
	(void)c;
	*err = "--sandbox=namespace: Linux only";
	return -ENOTSUP;
}

#endif

#if defined(__linux__) && defined(HAVE_LIBSECCOMP)

/* Every call the server makes once it serves: what strace -f saw after
 * p9_os_confine over the kernel-client and CLI suites, plus the calls of
 * paths those runs may miss (waiting locks: timer_*, rt_sigreturn; the
 * logs: write; realloc: mremap; exit; a connection killed while its
 * reader waits: shutdown) and the names another glibc or
 * architecture uses for the same functions (clone, epoll_pwait, ppoll,
 * fchmodat2, renameat2, fstat), and zero-copy reads' calls (pipes.c:
 * getsockname for each connection, splice, and pipe2 when a pipe left
 * holding data is replaced). Names this architecture lacks are skipped.
 * Kept sorted. */
/* clang-format off */
static const char *const allowed[] = {
	"accept4", "brk", "chmod", "clock_gettime", "clone", "clone3", "close", "dup",
	"epoll_ctl", "epoll_pwait", "epoll_wait", "exit", "exit_group", "fchmod", "fchmodat",
	"fchmodat2", "fchown", "fchownat", "fcntl", "fdatasync", "fstat", "fstatfs", "fsync",
	"ftruncate", "futex", "getdents64", "getegid", "geteuid", "getgid", "getpid", "getrandom",
	"getsockname", "getsockopt", "gettid", "getuid", "getxattr", "linkat", "listxattr",
	"lseek", "madvise", "mkdirat", "mknodat", "mmap", "mprotect", "mremap", "munmap",
	"newfstatat", "openat", "pipe2", "poll", "ppoll", "pread64", "pwrite64", "read",
	"readlinkat", "removexattr", "renameat", "renameat2", "restart_syscall", "rseq",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sendmsg", "set_robust_list",
	"setfsgid", "setfsuid", "setgroups", "setsockopt", "setxattr", "shutdown", "splice",
	"statx", "symlinkat", "timer_create", "timer_delete", "timer_settime", "truncate",
	"unlink", "unlinkat", "utimensat", "write", "writev",
};
/* clang-format on */

/* A sanitizer's runtime makes calls of its own (sched_getaffinity, and
 * ptrace for the leak check at exit): in such builds kill becomes log. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) ||                         \
        __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif

int p9__seccomp_load(enum p9_os_seccomp mode, const char **err)
{
#ifdef SANITIZED
	if (mode == P9_OS_SECCOMP_KILL) {
		fprintf(stderr, "p9d: sanitizer build: --seccomp=kill logs instead\n");
		mode = P9_OS_SECCOMP_LOG;
	}
#endif
	scmp_filter_ctx ctx =
	        seccomp_init(mode == P9_OS_SECCOMP_LOG ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS);
	if (ctx == NULL) {
		*err = "seccomp: out of memory";
		return -ENOMEM;
	}
	int e = 0;
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0] && e == 0; i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);
		if (nr != __NR_SCMP_ERROR)
			e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	/* The user database first asks nscd over a unix socket: a refusal
	 * sends it to the files, without handing out a socket. */
	if (e == 0)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 0);
	/* Interrupting a worker (thread.c): our own threads only. */
	if (e == 0)
		e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
		                     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	if (e == 0)
		e = seccomp_load(ctx);
	seccomp_release(ctx);
	if (e < 0)
		*err = "seccomp: cannot load the filter";
	return e;
}

#else

int p9__seccomp_load(enum p9_os_seccomp mode, const char **err)
{
	(void)mode;
	*err = "built without libseccomp: use --seccomp=off";
	return -ENOTSUP;
}

#endif
