/*
 * fs.h: what a backend gives the server core.
 *
 * The core owns fids (numbers, reference counts, the table) and the
 * protocol; a backend owns what a fid names. Each operation receives the
 * fids it acts on, already looked up and referenced for the duration of
 * the call, and returns 0 (or a count) or a negative Linux errno.
 *
 * A fid's backend state lives in fid->priv; the backend sets it in attach,
 * walk (on newfid) and xattrwalk, and releases it in clunk, which the core
 * calls exactly once per fid that got state, even when the fid dies with
 * its connection.
 */
#ifndef P9_FS_H
#define P9_FS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "p9/proto.h"
#include "p9/server.h"

struct p9_os_pipe;

/* Who a request acts for: resolved once at attach, shared by every fid
 * walked from that attach, freed with the server. */
struct p9_cred {
	uint32_t uid, gid;
	uint32_t ngroups;
	uint32_t groups[32];
};

/*
 * The core holds fid->lock for reading around every operation that uses
 * a fid, and for writing around the ones that change what it is (walk in
 * place, lopen, lcreate, xattrwalk/xattrcreate, clunk, remove), so a
 * backend never sees priv change under it. priv is released (ops->clunk)
 * when the last reference goes, after every request using it finished.
 */
struct p9_fid {
	uint32_t num;
	const struct p9_cred *cred;
	void *priv; /* backend state */
	pthread_rwlock_t lock;
	atomic_int refs; /* core: one for the table, one per request */
	struct p9_fid *hnext; /* core: hash chain, under conn->fid_lock */
	struct p9_ufid *ufid; /* core: 9P2000.u/classic state, freed with the fid */
	struct p9_req *lane_head, *lane_tail; /* core: parked Twrites (lane.c) */
	int lane_busy; /* core: a thread runs this fid's writes */
};

struct p9_lockreq {
	uint8_t type; /* P9_LOCK_TYPE_* */
	uint32_t flags;
	uint64_t start, length;
	uint32_t proc_id;
	struct p9_str client_id;
};

/* Hooks a backend may call while it waits for something that can take
 * forever (a blocking lock): the core keeps enough threads running and
 * lets Tflush interrupt the wait. Between begin and end, a blocking call
 * returns -EINTR when the request is flushed. */
struct p9_wait;
int p9_wait_begin(struct p9_wait *w); /* -EINTR if already flushed */
void p9_wait_end(struct p9_wait *w);
int p9_wait_cancelled(struct p9_wait *w); /* flushed, or the client left */

struct p9_fs;

struct p9_fs_ops {
	/* Act as cred for the operations that follow on this thread. */
	int (*become)(struct p9_fs *fs, const struct p9_cred *cred);
	int (*attach)(struct p9_fs *fs, struct p9_fid *fid, struct p9_str aname, struct p9_qid *qid);
	/* Walk n names from fid; newfid gets the result when all n succeed
	 * (newfid may be fid itself). Returns the number of qids filled (>= 1
	 * when n >= 1), or a negative errno when the first name fails. n == 0
	 * clones fid. */
	int (*walk)(struct p9_fs *fs, struct p9_fid *fid, struct p9_fid *newfid, unsigned n,
		    const struct p9_str *names, struct p9_qid *qids);
	void (*clunk)(struct p9_fs *fs, struct p9_fid *fid);
	int (*getattr)(struct p9_fs *fs, struct p9_fid *fid, uint64_t mask, struct p9_rgetattr *out);
	int (*setattr)(struct p9_fs *fs, struct p9_fid *fid, const struct p9_tsetattr *in);
	int (*lopen)(struct p9_fs *fs, struct p9_fid *fid, uint32_t flags, struct p9_qid *qid);
	int (*lcreate)(struct p9_fs *fs, struct p9_fid *fid, struct p9_str name, uint32_t flags,
		       uint32_t mode, uint32_t gid, struct p9_qid *qid);
	ssize_t (*read)(struct p9_fs *fs, struct p9_fid *fid, uint64_t off, void *buf, size_t n);
	ssize_t (*write)(struct p9_fs *fs, struct p9_fid *fid, uint64_t off, const void *buf,
			 size_t n);
	/* Optional: read as read does, but into a kernel pipe (zero-copy,
	 * platform.h); -ENOTSUP when this fid cannot, and the core calls
	 * read instead. */
	ssize_t (*read_pipe)(struct p9_fs *fs, struct p9_fid *fid, uint64_t off,
			     struct p9_os_pipe *p, size_t n);
	/* Pack Rreaddir entries into buf[0..cap); returns the bytes used. */
	ssize_t (*readdir)(struct p9_fs *fs, struct p9_fid *fid, uint64_t off, uint8_t *buf,
			   size_t cap);
	int (*mkdir)(struct p9_fs *fs, struct p9_fid *dfid, struct p9_str name, uint32_t mode,
		     uint32_t gid, struct p9_qid *qid);
	int (*symlink)(struct p9_fs *fs, struct p9_fid *dfid, struct p9_str name,
		       struct p9_str target, uint32_t gid, struct p9_qid *qid);
	int (*mknod)(struct p9_fs *fs, struct p9_fid *dfid, struct p9_str name, uint32_t mode,
		     uint32_t major, uint32_t minor, uint32_t gid, struct p9_qid *qid);
	/* Returns the target's length; buf is not NUL-terminated. */
	ssize_t (*readlink)(struct p9_fs *fs, struct p9_fid *fid, char *buf, size_t cap);
	int (*link)(struct p9_fs *fs, struct p9_fid *dfid, struct p9_fid *fid, struct p9_str name);
	int (*rename)(struct p9_fs *fs, struct p9_fid *fid, struct p9_fid *dfid, struct p9_str name);
	int (*renameat)(struct p9_fs *fs, struct p9_fid *olddir, struct p9_str oldname,
			struct p9_fid *newdir, struct p9_str newname);
	int (*unlinkat)(struct p9_fs *fs, struct p9_fid *dfid, struct p9_str name, uint32_t flags);
	int (*remove)(struct p9_fs *fs, struct p9_fid *fid);
	int (*fsync)(struct p9_fs *fs, struct p9_fid *fid, int datasync);
	int (*statfs)(struct p9_fs *fs, struct p9_fid *fid, struct p9_rstatfs *out);
	/* Returns a P9_LOCK_* status or a negative errno. */
	int (*lock)(struct p9_fs *fs, struct p9_fid *fid, const struct p9_lockreq *lk,
		    struct p9_wait *w);
	int (*getlock)(struct p9_fs *fs, struct p9_fid *fid, struct p9_lockreq *lk);
	int (*xattrwalk)(struct p9_fs *fs, struct p9_fid *fid, struct p9_fid *newfid,
			 struct p9_str name, uint64_t *size);
	int (*xattrcreate)(struct p9_fs *fs, struct p9_fid *fid, struct p9_str name,
			   uint64_t size, uint32_t flags);
	/* Called when a fid is clunked by the client (before clunk), so an
	 * xattr write can be applied and its error reported. */
	int (*flush_fid)(struct p9_fs *fs, struct p9_fid *fid);
	void (*destroy)(struct p9_fs *fs);
};

struct p9_fs {
	const struct p9_fs_ops *ops;
	const struct p9_server_config *cfg;
};

/* The local (host directory) backend. */
int p9_local_new(const struct p9_server_config *cfg, struct p9_fs **out, const char **err);

#endif
