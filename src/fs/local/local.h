/*
 * local.h: the local backend: a host directory, served.
 *
 * Files are never addressed by path strings. Each file a client has
 * walked to is a node in a tree that mirrors the names it was reached
 * by; a node holds an O_PATH handle of its file, opened relative to its
 * parent's handle without following symlinks. So:
 *  - a rename moves a node, and every fid below it keeps working;
 *  - an unlinked file's node keeps its handle: fids stay fully usable;
 *  - nothing a client names can lead outside the export: every name is
 *    one component, resolved from a handle we hold, never followed.
 * When handles run short (RLIMIT_NOFILE), new nodes keep no handle and
 * are resolved again from their parent on each use.
 *
 * The security model (passthrough, none; mapped-* later) is a strategy:
 * a small table of operations chosen at start-up (struct local_model).
 *
 * Locks: tree->lock (rwlock) guards the hash table and every node's
 * parent/name/detached; it is never held across a host call except
 * where noted. Node reference counts are atomic.
 */
#ifndef P9_FS_LOCAL_H
#define P9_FS_LOCAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "fs/fs.h"
#include "platform/platform.h"

struct local_node {
	struct local_node *parent; /* a reference; NULL for the root and when detached */
	char *name; /* owned; NULL when detached */
	struct local_node *hnext;
	atomic_int refs; /* 0 means dying: lookups skip it */
	int fd; /* O_PATH handle, or -1 (over the handle budget) */
	uint64_t dev, ino;
	uint32_t mode; /* type bits as resolved */
	uint8_t detached; /* unlinked or replaced on the host: only fids reach it */
	uint8_t hashed;
};

struct local_tree {
	pthread_rwlock_t lock;
	struct local_node **buckets;
	unsigned nbuckets, count;
	struct local_node *root;
	atomic_int nfds;
	int fd_budget;
};

enum local_fid_kind { LOCAL_FID_FILE, LOCAL_FID_XATTR_READ, LOCAL_FID_XATTR_WRITE };

struct local_fid {
	struct local_node *node; /* a reference */
	enum local_fid_kind kind;
	int fd; /* open file (lopen/lcreate), or -1 */
	uint32_t oflags;
	/* directories: where fd's read position stands */
	uint64_t dir_cookie;
	uint8_t *dirbuf;
	size_t dirbuf_len, dirbuf_pos;
	uint64_t dirbuf_cookie; /* cookie of the entry at dirbuf_pos */
	/* xattrs */
	char *xname;
	uint8_t *xbuf;
	uint64_t xsize, xfilled;
	uint32_t xflags;
};

struct local_fs;

struct local_model {
	const char *name;
	/* Start-up checks: a model the server cannot honour fails here. */
	int (*start)(struct local_fs *fs, const char **err);
	int (*become)(struct local_fs *fs, const struct p9_cred *cred);
	/* A file was created: give it the owner and group the client asked
	 * for. fd names it (O_PATH or open). */
	int (*post_create)(struct local_fs *fs, int fd, const struct p9_cred *cred, uint32_t gid);
	/* May a client see and use this name? (mapped-file hides its own) */
	int (*name_visible)(struct local_fs *fs, const char *name, size_t len);
	/* Which xattr names a client may use: 0 ok, or a negative errno. */
	int (*xattr_allowed)(struct local_fs *fs, const char *name, int write);
};

struct local_fs {
	struct p9_fs base;
	const struct local_model *model;
	struct local_tree tree;
	uint64_t root_dev;
	atomic_int warned_multidev;
	int privileged;
};

static inline struct local_fs *local_of(struct p9_fs *fs)
{
	return (struct local_fs *)fs;
}

/* node.c */
int p9__tree_init(struct local_tree *t, int rootfd, const struct p9_os_stat *st);
void p9__tree_destroy(struct local_tree *t);
struct local_node *p9__node_ref(struct local_node *n);
void p9__node_put(struct local_tree *t, struct local_node *n);
/* Resolve one name below dir (a directory node): returns a referenced
 * node and its current attributes. ".." stays at the root. */
int p9__node_lookup(struct local_tree *t, struct local_node *dir, const char *name,
		    struct local_node **out, struct p9_os_stat *st);
/* A handle naming n: n->fd, or a fresh one the caller closes (*tmp). */
int p9__node_fd(struct local_tree *t, struct local_node *n, int *tmp);
void p9__node_fd_done(int fd, int tmp);
/* The host renamed or removed names: keep the tree in step. */
void p9__node_moved(struct local_tree *t, struct local_node *olddir, const char *oldname,
		    struct local_node *newdir, const char *newname);
void p9__node_removed(struct local_tree *t, struct local_node *dir, const char *name);
/* Before a name is removed or replaced: make sure a node that fids use
 * holds its own handle, so they keep working afterwards. */
void p9__node_pin(struct local_tree *t, struct local_node *dir, const char *name);
/* The parent and name of n right now (copied into name[256]); -ENOENT
 * when n is the root or detached. Returns the parent referenced. */
int p9__node_where(struct local_tree *t, struct local_node *n, struct local_node **parent,
		   char *name, size_t cap);
/* A node for a file just created in dir under name, whose handle is fd
 * (consumed). */
struct local_node *p9__node_insert(struct local_tree *t, struct local_node *dir, const char *name,
				   int fd, const struct p9_os_stat *st);

/* names.c: a client's name as one safe host component (NUL-terminated
 * copy in out[256]); -EINVAL for "", ".", "..", '/' or NUL inside. */
int p9__local_name(struct local_fs *fs, struct p9_str s, char *out);

/* qid.c */
int p9__local_qid(struct local_fs *fs, const struct p9_os_stat *st, struct p9_qid *qid);

/* models */
extern const struct local_model p9__model_passthrough;
extern const struct local_model p9__model_none;

/* per-area operation tables filled in by each file */
extern const struct p9_fs_ops p9__local_ops;
int p9__local_getattr(struct p9_fs *fs, struct p9_fid *fid, uint64_t mask, struct p9_rgetattr *out);
int p9__local_setattr(struct p9_fs *fs, struct p9_fid *fid, const struct p9_tsetattr *in);
int p9__local_statfs(struct p9_fs *fs, struct p9_fid *fid, struct p9_rstatfs *out);
int p9__local_lopen(struct p9_fs *fs, struct p9_fid *fid, uint32_t flags, struct p9_qid *qid);
int p9__local_lcreate(struct p9_fs *fs, struct p9_fid *fid, struct p9_str name, uint32_t flags,
		      uint32_t mode, uint32_t gid, struct p9_qid *qid);
ssize_t p9__local_read(struct p9_fs *fs, struct p9_fid *fid, uint64_t off, void *buf, size_t n);
ssize_t p9__local_write(struct p9_fs *fs, struct p9_fid *fid, uint64_t off, const void *buf,
			size_t n);
ssize_t p9__local_readdir(struct p9_fs *fs, struct p9_fid *fid, uint64_t off, uint8_t *buf,
			  size_t cap);
int p9__local_fsync(struct p9_fs *fs, struct p9_fid *fid, int datasync);
int p9__local_mkdir(struct p9_fs *fs, struct p9_fid *dfid, struct p9_str name, uint32_t mode,
		    uint32_t gid, struct p9_qid *qid);
int p9__local_symlink(struct p9_fs *fs, struct p9_fid *dfid, struct p9_str name,
		      struct p9_str target, uint32_t gid, struct p9_qid *qid);
int p9__local_mknod(struct p9_fs *fs, struct p9_fid *dfid, struct p9_str name, uint32_t mode,
		    uint32_t major, uint32_t minor, uint32_t gid, struct p9_qid *qid);
ssize_t p9__local_readlink(struct p9_fs *fs, struct p9_fid *fid, char *buf, size_t cap);
int p9__local_link(struct p9_fs *fs, struct p9_fid *dfid, struct p9_fid *fid, struct p9_str name);
int p9__local_rename(struct p9_fs *fs, struct p9_fid *fid, struct p9_fid *dfid, struct p9_str name);
int p9__local_renameat(struct p9_fs *fs, struct p9_fid *olddir, struct p9_str oldname,
		       struct p9_fid *newdir, struct p9_str newname);
int p9__local_unlinkat(struct p9_fs *fs, struct p9_fid *dfid, struct p9_str name, uint32_t flags);
int p9__local_remove(struct p9_fs *fs, struct p9_fid *fid);
int p9__local_lock(struct p9_fs *fs, struct p9_fid *fid, const struct p9_lockreq *lk,
		   struct p9_wait *w);
int p9__local_getlock(struct p9_fs *fs, struct p9_fid *fid, struct p9_lockreq *lk);
int p9__local_xattrwalk(struct p9_fs *fs, struct p9_fid *fid, struct p9_fid *newfid,
			struct p9_str name, uint64_t *size);
int p9__local_xattrcreate(struct p9_fs *fs, struct p9_fid *fid, struct p9_str name, uint64_t size,
			  uint32_t flags);
int p9__local_xattr_flush(struct p9_fs *fs, struct p9_fid *fid);
ssize_t p9__local_xattr_read(struct local_fid *lf, uint64_t off, void *buf, size_t n);
ssize_t p9__local_xattr_write(struct local_fid *lf, uint64_t off, const void *buf, size_t n);

/* fid helpers */
struct local_fid *p9__local_fid_new(struct local_node *node);
void p9__local_fid_free(struct local_tree *t, struct local_fid *lf);
/* The handle to use for metadata of a fid: its open file if it has one
 * (which works after unlink), else its node's handle. */
int p9__local_fid_fd(struct local_fs *fs, struct local_fid *lf, int *tmp);

#endif
