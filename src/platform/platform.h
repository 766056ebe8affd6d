/*
 * platform.h: the operating system, behind one interface.
 *
 * Everything that knows which OS it runs on lives in src/platform/<os>/,
 * one implementation per OS, the same functions in the same order
 * (posix/ now, win32/ later). Nothing outside this layer includes an OS
 * header for file-system work or tests _WIN32.
 *
 * Conventions:
 *  - Every function returns >= 0 on success or a negative errno in Linux
 *    numbering (what 9P2000.L carries); host errors are translated here,
 *    once.
 *  - Handles are small ints on every OS ("fd" below); win32 maps them to
 *    HANDLEs in a table of its own.
 *  - `name` arguments are one path component that the caller has already
 *    checked (no '/', not "", ".", ".."). Nothing here follows a symlink in
 *    the last component, and nothing here takes a path built from client
 *    input.
 *  - Open flags are P9_DOTL_* (Linux open(2) numbering) plus P9_OS_O_PATH.
 *  - Every call that touches the host goes through the fault table
 *    (p9_os_fault_inject), so tests can make any of them fail.
 */
#ifndef P9_PLATFORM_H
#define P9_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A handle that only names a file (Linux O_PATH): no I/O, but usable as
 * the base of *at() calls and for metadata. */
#define P9_OS_O_PATH 0x40000000u

/* File types in p9_os_stat.mode: Linux S_IF* numbering on every OS. */
#define P9_S_IFMT 0170000u
#define P9_S_IFSOCK 0140000u
#define P9_S_IFLNK 0120000u
#define P9_S_IFREG 0100000u
#define P9_S_IFBLK 0060000u
#define P9_S_IFDIR 0040000u
#define P9_S_IFCHR 0020000u
#define P9_S_IFIFO 0010000u

struct p9_os_stat {
	uint64_t dev, ino, nlink, rdev, size, blksize, blocks;
	uint32_t mode, uid, gid;
	int64_t atime_sec, mtime_sec, ctime_sec, btime_sec;
	uint32_t atime_nsec, mtime_nsec, ctime_nsec, btime_nsec;
	uint8_t has_btime;
};

struct p9_os_statfs {
	uint32_t type, bsize, namelen;
	uint64_t blocks, bfree, bavail, files, ffree, fsid;
};

/* A time to set: UTIME_NOW/OMIT are expressed with these flags. */
struct p9_os_time {
	int64_t sec;
	uint32_t nsec;
	uint8_t how; /* P9_OS_TIME_SET, _NOW or _OMIT */
};
enum { P9_OS_TIME_OMIT = 0, P9_OS_TIME_SET = 1, P9_OS_TIME_NOW = 2 };

struct p9_os_dirent {
	uint64_t ino;
	uint64_t next; /* cookie to seek to for the entry after this one */
	uint8_t type; /* P9_DT_* */
	const char *name; /* NUL-terminated, inside the caller's buffer */
	uint16_t namelen;
};

/* Byte-range lock, open-file-description semantics (owned by the handle,
 * not the process), Linux F_RDLCK/F_WRLCK/F_UNLCK numbering in type. */
struct p9_os_lock {
	uint8_t type; /* 0 rd, 1 wr, 2 unlock: the 9P numbering */
	uint64_t start, length; /* length 0: to the end of the file */
	int32_t pid; /* for GETLK answers; -1 for OFD locks */
};

/* --- handles --- */
int p9_os_open_root(const char *host_path); /* the admin's export path */
int p9_os_openat(int dirfd, const char *name, uint32_t flags, uint32_t mode);
/* Open the file `fd` names (an O_PATH handle) again with real access,
 * without going through its name: works for renamed and unlinked files. */
int p9_os_reopen(int fd, uint32_t flags);
int p9_os_dup(int fd);
int p9_os_close(int fd);

/* --- metadata --- */
int p9_os_fstat(int fd, struct p9_os_stat *st);
int p9_os_fstatat(int dirfd, const char *name, struct p9_os_stat *st); /* no follow */
int p9_os_fstatfs(int fd, struct p9_os_statfs *st);
int p9_os_fchmod(int fd, uint32_t mode); /* fd may be O_PATH */
int p9_os_fchown(int fd, uint32_t uid, uint32_t gid); /* -1 keeps; never follows */
int p9_os_futimens(int fd, const struct p9_os_time t[2]); /* fd may be O_PATH, not a symlink */
int p9_os_utimensat(int dirfd, const char *name, const struct p9_os_time t[2]); /* no follow */
int p9_os_ftruncate(int fd, uint64_t size);
int p9_os_readlink(int fd, char *buf, size_t cap); /* fd: O_PATH handle of a symlink; returns length */

/* --- data --- */
ssize_t p9_os_pread(int fd, void *buf, size_t len, uint64_t off);
ssize_t p9_os_pwrite(int fd, const void *buf, size_t len, uint64_t off);
int p9_os_fsync(int fd, int datasync);

/* --- zero-copy reads (pipe.c) ---
 * A kernel pipe that carries a reply from a file to a stream without the
 * data passing through user memory (Linux splice: the pipe holds
 * references to the file's cached pages, the stream takes them over).
 * Where the host has no such thing every call is -ENOSYS and callers
 * copy instead. A pipe is used by one thread at a time. */
struct p9_os_pipe {
	int rfd, wfd;
	size_t room; /* file bytes one fill can always take, whatever the offset */
};
/* A pipe with room for at least `want` file bytes if the host allows it
 * (less otherwise: check room). */
int p9_os_pipe_open(struct p9_os_pipe *p, size_t want);
void p9_os_pipe_close(struct p9_os_pipe *p);
/* Move up to len bytes of file fd at off into the pipe (len <= room);
 * fewer at end of file. A fault of kind READ applies, as to pread. */
ssize_t p9_os_pipe_fill(struct p9_os_pipe *p, int fd, size_t len, uint64_t off);
/* Copy len bytes out of the pipe into buf (a reply that goes by copy
 * after all). */
int p9_os_pipe_drain(struct p9_os_pipe *p, void *buf, size_t len);
/* Send up to len bytes from the pipe to a non-blocking stream: the count
 * sent, or -EAGAIN when the stream is full. */
ssize_t p9_os_pipe_send(struct p9_os_pipe *p, int stream, size_t len);

/* --- names in a directory --- */
int p9_os_mkdirat(int dirfd, const char *name, uint32_t mode);
int p9_os_mknodat(int dirfd, const char *name, uint32_t mode, uint64_t rdev);
int p9_os_symlinkat(const char *target, int dirfd, const char *name);
int p9_os_linkat(int fd, int dirfd, const char *name); /* new name for the file fd names */
int p9_os_renameat(int olddir, const char *oldname, int newdir, const char *newname);
int p9_os_unlinkat(int dirfd, const char *name, int rmdir);

/* --- directories --- */
/* Fill buf with raw entries starting at cookie (0 = start). Returns bytes
 * filled (0 at the end); walk them with p9_os_dir_next. */
ssize_t p9_os_dir_read(int dirfd, uint64_t cookie, void *buf, size_t len);
/* Next entry in a buffer from p9_os_dir_read: 1 and *de filled, 0 at the end. */
int p9_os_dir_next(const void *buf, size_t len, size_t *pos, struct p9_os_dirent *de);

/* --- extended attributes (fd may be O_PATH) --- */
ssize_t p9_os_getxattr(int fd, const char *name, void *buf, size_t cap);
ssize_t p9_os_listxattr(int fd, char *buf, size_t cap);
int p9_os_setxattr(int fd, const char *name, const void *val, size_t len, int flags);
int p9_os_removexattr(int fd, const char *name);

/* --- locks (OFD semantics) --- */
/* wait: may sleep, but at most ~100 ms a call: -EINTR when interrupted or
 * when the slice ends, so the caller checks for cancellation and calls
 * again. */
int p9_os_setlk(int fd, const struct p9_os_lock *lk, int wait);
int p9_os_getlk(int fd, struct p9_os_lock *lk); /* in: the lock wanted; out: a conflicting one or type 2 */

/* --- identity of the calling thread (passthrough as root) --- */
int p9_os_become(uint32_t uid, uint32_t gid, const uint32_t *groups, size_t ngroups);
int p9_os_become_self(void); /* back to the server's own identity */
/* The user's groups, its primary group (from the user database; gid
 * when the user is unknown) first. Returns the count. */
int p9_os_user_groups(uint32_t uid, uint32_t gid, uint32_t *groups, size_t cap);
int p9_os_is_privileged(void); /* may chown and act as other users */

/* --- threads --- */
/* Make the calling thread's blocking calls interruptible by
 * p9_os_thread_interrupt (which makes them fail with -EINTR). */
void p9_os_thread_init(void);
void p9_os_thread_interrupt(uint64_t thread_id);
uint64_t p9_os_thread_self(void);
int p9_os_nofile_limit(void); /* raise RLIMIT_NOFILE to its hard limit; returns it */

/* --- confinement (p9d, once: after the export is open and the listeners
 * bound, before the first worker thread; privilege.c, sandbox.c) ---
 * win32: p9_os_confine returns -ENOTSUP unless everything is off. */
enum p9_os_caps {
	P9_OS_CAPS_NONE, /* keep no capability */
	P9_OS_CAPS_FILES, /* as root: act on any file as the server (none) */
	P9_OS_CAPS_MAPPED, /* as root: fewer (mapped models) */
	P9_OS_CAPS_USERS, /* as root: act as each user too (passthrough) */
};
enum p9_os_sandbox { P9_OS_SANDBOX_NONE, P9_OS_SANDBOX_NAMESPACE };
enum p9_os_seccomp { P9_OS_SECCOMP_KILL, P9_OS_SECCOMP_LOG, P9_OS_SECCOMP_OFF };
struct p9_os_confine {
	enum p9_os_caps caps; /* what to keep when started as root */
	const char *user; /* NAME|UID[:GROUP] to become, or NULL */
	enum p9_os_sandbox sandbox;
	enum p9_os_seccomp seccomp; /* with the sandbox only */
	const char *export_path; /* what the sandbox shows (the open export) */
	int readonly; /* the sandbox mounts the export read-only */
};
/* Resolve c->user now (the user database may be out of reach later):
 * 0, or -EINVAL with *err set. */
int p9_os_confine_check(const struct p9_os_confine *c, const char **err);
/* Drop what the server does not need. With the namespace sandbox the
 * calling process forks: the parent waits and never returns (it exits
 * with the child's status), the child returns confined. 0, or a negative
 * errno with *err set (then the caller must exit). */
int p9_os_confine(const struct p9_os_confine *c, const char **err);

/* --- fault injection (tests) --- */
enum p9_os_call {
	P9_OS_CALL_OPEN, /* open_root, openat, reopen, dup */
	P9_OS_CALL_STAT, /* fstat, fstatat, fstatfs */
	P9_OS_CALL_SETATTR, /* fchmod, fchown, futimens, utimensat, ftruncate */
	P9_OS_CALL_READ, /* pread, readlink, dir_read */
	P9_OS_CALL_WRITE, /* pwrite */
	P9_OS_CALL_FSYNC,
	P9_OS_CALL_NAMESPACE, /* mkdirat, mknodat, symlinkat, linkat, renameat, unlinkat */
	P9_OS_CALL_XATTR,
	P9_OS_CALL_LOCK,
	P9_OS_NCALLS
};
/* Make the next calls of a kind fail: after `skip` calls pass, `times`
 * calls (0 = forever) return err (a negative Linux errno). err ==
 * P9_OS_FAULT_SHORT instead makes reads and writes move half the bytes. */
#define P9_OS_FAULT_SHORT 1
void p9_os_fault_inject(enum p9_os_call call, int err, unsigned skip, unsigned times);
void p9_os_fault_clear(void);

#endif
