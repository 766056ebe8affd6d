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
 * The security model (passthrough, none, mapped-xattr, mapped-file) is
 * a strategy: a table of operations chosen at start-up (struct
 * local_model); docs/security-models.md describes each.
 *
 * Locks, in order: tree->lock (rwlock) guards the hash table and every
 * node's parent/name/detached; it is never held across a host call
 * except where noted. fs->meta_lock and qidmap.lock are leaves. Node
 * reference counts are atomic.
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
	int fd; /* O_PATH handle, or -1 (over the handle budget, or none needed yet) */
	uint64_t dev, ino;
	int64_t btime_sec; /* birth time (0 if the file system has none): */
	uint32_t btime_nsec; /* tells a reused inode number from the file */
	uint32_t mode; /* type bits as the client sees them (the model's file_type) */
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
	/* The model's client-visible type of a host regular file found by
	 * lookup (see local_model.file_type); NULL when it is always
	 * S_IFREG. Set once before the tree is used. */
	uint32_t (*file_type)(struct local_tree *t, int dirfd, const char *name, int fd);
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
	uint8_t xquiet; /* LOCAL_XATTR_QUIET_REMOVE: removing nothing is fine */
};

struct local_fs;

/*
 * Where a file is, for the models that keep metadata beside it: its
 * handle, and its parent's handle and name. Built from whatever the
 * caller has (a node, or a directory handle and a name); the pieces it
 * lacks are resolved on first use (p9__loc_fd, p9__loc_dir), so a model
 * that never asks costs nothing. Release with p9__loc_done.
 */
struct local_loc {
	struct local_fs *fs;
	struct local_node *node; /* or NULL (a file being created) */
	int fd; /* a handle of the file (O_PATH or open), or -1 */
	int dirfd; /* the parent's handle, or -1 */
	const char *name; /* the name in dirfd */
	/* private to loc.c */
	struct local_node *parent;
	int own_fd, dtmp, resolved;
	char namebuf[256];
};

/* Ownership, mode and device number as a mapped model stores them. */
struct local_meta {
	uint32_t have; /* LOCAL_META_* bits: which fields are set */
	uint32_t uid, gid, mode; /* mode with the S_IFMT type bits */
	uint64_t rdev; /* Linux dev_t encoding */
};
enum { LOCAL_META_UID = 1, LOCAL_META_GID = 2, LOCAL_META_MODE = 4, LOCAL_META_RDEV = 8 };

/* What a client asks of an xattr name (the model maps it). */
enum local_xattr_op { LOCAL_XATTR_GET, LOCAL_XATTR_SET };
/* xattr_map's positive answer: a remove that finds nothing succeeds. */
#define LOCAL_XATTR_QUIET_REMOVE 1

/*
 * A security model: how ownership, modes and special files are kept on
 * the host. Chosen once at start-up; operations call through it and
 * never test which model is running. Every hook is required unless
 * marked optional. Hooks return 0 or a negative errno unless noted.
 * Creation hooks leave nothing behind when they fail.
 */
struct local_model {
	const char *name;
	/* Start-up checks: a model the server cannot honour fails here
	 * with a one-line *err. Optional. */
	int (*start)(struct local_fs *fs, const char **err);
	/* Act as cred on this thread. Optional (NULL: act as the server). */
	int (*become)(struct local_fs *fs, const struct p9_cred *cred);

	/* --- creating: a name in the directory dfd, for cred, group gid --- */
	/* Create (or open: hflags are host P9_DOTL_* open flags with CREATE)
	 * a regular file; returns its open handle, and in *created whether
	 * this call made it (so a later failure may take it away again). */
	int (*create)(struct local_fs *fs, int dfd, const char *name, uint32_t hflags,
		      uint32_t mode, const struct p9_cred *cred, uint32_t gid, int *created);
	int (*mkdir)(struct local_fs *fs, int dfd, const char *name, uint32_t mode,
		     const struct p9_cred *cred, uint32_t gid);
	/* mode carries the type (S_IFCHR, ...); rdev is Linux's encoding. */
	int (*mknod)(struct local_fs *fs, int dfd, const char *name, uint32_t mode, uint64_t rdev,
		     const struct p9_cred *cred, uint32_t gid);
	int (*symlink)(struct local_fs *fs, int dfd, const char *name, const char *target,
		       const struct p9_cred *cred, uint32_t gid);

	/* --- attributes --- */
	/* st holds the host's attributes of loc's file: turn them into what
	 * the client sees. Optional (NULL: the host's are the client's). */
	int (*getattr)(struct local_fs *fs, struct local_loc *loc, struct p9_os_stat *st);
	/* The type (S_IF*) a client sees for a host regular file just found
	 * as name in dirfd (fd its handle). Optional (NULL: S_IFREG). */
	uint32_t (*file_type)(struct local_fs *fs, int dirfd, const char *name, int fd);
	/* uid or gid (uint32_t)-1: leave as is. */
	int (*chown)(struct local_fs *fs, struct local_loc *loc, uint32_t uid, uint32_t gid);
	int (*chmod)(struct local_fs *fs, struct local_loc *loc, uint32_t mode);
	/* A symlink's target into buf; returns its length. */
	ssize_t (*readlink)(struct local_fs *fs, struct local_loc *loc, char *buf, size_t cap);

	/* --- names --- */
	/* A new name nname in ndfd for old's file (never a directory). */
	int (*link)(struct local_fs *fs, struct local_loc *old, int ndfd, const char *nname);
	int (*rename)(struct local_fs *fs, int odfd, const char *oname, int ndfd,
		      const char *nname);
	int (*unlink)(struct local_fs *fs, int dfd, const char *name, int rmdir);
	/* May a client see and use this name? Optional (NULL: all are). */
	int (*name_visible)(struct local_fs *fs, const char *name, size_t len);
	/* The DT_* type a listing reports for a host entry's type. */
	uint8_t (*dirent_type)(uint8_t host_type);

	/* --- extended attributes --- */
	/* The host name (into host[256]) for a client's name: >= 0 (maybe
	 * LOCAL_XATTR_QUIET_REMOVE), or a negative errno to answer with. */
	int (*xattr_map)(struct local_fs *fs, const char *name, enum local_xattr_op op,
			 char *host);
	/* The name a client sees for a host name in a listing (into
	 * out[256]): 1, or 0 to hide it. */
	int (*xattr_list)(struct local_fs *fs, const char *host, char *out);

	/* --- the mapped models' metadata store (NULL in the others) --- */
	/* Read what is stored; nothing stored is m->have == 0, not an error. */
	int (*meta_load)(struct local_fs *fs, struct local_loc *loc, struct local_meta *m);
	/* Store the fields set in m->have, keeping the others. */
	int (*meta_store)(struct local_fs *fs, struct local_loc *loc, const struct local_meta *m);
};

/*
 * multidevs=remap: qid paths unique across devices (qidmap.c). Files on
 * the export root's device keep qid.path = inode (below 2^63); others get
 * bit 63 set and either a group index for (device, inode >> 40) above
 * the inode's low 40 bits (bit 62 clear), or a sequence number from a
 * full (device, inode) table (bit 62 set) once 2^22 groups are used.
 * Entries are never removed, so a file keeps its qid path while the
 * server runs.
 */
struct local_qidmap {
	pthread_rwlock_t lock; /* guards everything below */
	struct local_qidmap_ent *groups, *full; /* open addressing */
	uint64_t ngroups, groups_cap, nfull, full_cap;
};

struct local_fs {
	struct p9_fs base;
	const struct local_model *model;
	struct local_tree tree;
	uint64_t root_dev;
	atomic_int warned_multidev;
	int privileged;
	uint32_t fmode, dmode; /* mapped models: host modes of new files, dirs */
	/* mapped-file: held for writing while a metadata file is rewritten
	 * or moved, for reading while one is read. */
	pthread_rwlock_t meta_lock;
	struct local_qidmap qidmap; /* multidevs=remap */
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

/* attr.c */
int p9__local_qid(struct local_fs *fs, const struct p9_os_stat *st, struct p9_qid *qid);
/* fstat of fd (a handle of node n) as the client sees it: the model's
 * getattr applied. */
int p9__local_stat(struct local_fs *fs, struct local_node *n, int fd, struct p9_os_stat *st);

/* qidmap.c (multidevs=remap) */
int p9__qidmap_init(struct local_qidmap *m);
void p9__qidmap_destroy(struct local_qidmap *m);
/* The qid path for (dev, ino); -ENFILE only if 2^62 files were seen. */
int p9__qidmap_path(struct local_qidmap *m, uint64_t root_dev, uint64_t dev, uint64_t ino,
		    uint64_t *path);

/* loc.c */
void p9__loc_node(struct local_loc *loc, struct local_fs *fs, struct local_node *n, int fd);
void p9__loc_at(struct local_loc *loc, struct local_fs *fs, int dirfd, const char *name, int fd);
/* A handle of the file (opened O_PATH from the parent if need be). */
int p9__loc_fd(struct local_loc *loc);
/* Its parent's handle and name: 0; 1 when the file is the export root
 * (dirfd is then the root itself, name NULL); -ENOENT when it has no
 * name any more (unlinked). */
int p9__loc_dir(struct local_loc *loc, int *dirfd, const char **name);
void p9__loc_done(struct local_loc *loc);

/* meta.c: the mapped models' formats (pure functions) */
#define LOCAL_XATTR_UID "user.virtfs.uid"
#define LOCAL_XATTR_GID "user.virtfs.gid"
#define LOCAL_XATTR_MODE "user.virtfs.mode"
#define LOCAL_XATTR_RDEV "user.virtfs.rdev"
#define LOCAL_META_DIR ".virtfs_metadata"
#define LOCAL_META_ROOT ".virtfs_metadata_root"
void p9__meta_le32(uint32_t v, uint8_t out[4]);
void p9__meta_le64(uint64_t v, uint8_t out[8]);
/* A metadata file's text for m (QEMU's: "virtfs.uid=%d\n" ... in that
 * order, only the fields set). Returns its length (< cap), or 0 if it
 * does not fit. */
size_t p9__meta_format(const struct local_meta *m, char *buf, size_t cap);
/* Parse a metadata file's text (unknown lines are ignored). */
void p9__meta_parse(const char *buf, size_t len, struct local_meta *m);
/* Lay m over host attributes st (see docs/security-models.md for which
 * types a stored mode may give a host file). */
void p9__meta_apply(const struct local_meta *m, struct p9_os_stat *st);
/* The type a client sees for a host file of type host_type with m. */
uint32_t p9__meta_type(const struct local_meta *m, uint32_t host_type);
/* Is name (len bytes) one of mapped-file's own? */
int p9__meta_is_hidden_name(const char *name, size_t len);

/* models */
extern const struct local_model p9__model_passthrough;
extern const struct local_model p9__model_none;
extern const struct local_model p9__model_mapped_xattr;
extern const struct local_model p9__model_mapped_file;
/* model_passthrough.c: host behaviour the mapped models share. */
/* Create name exclusively (*created = 1) or, unless hflags has EXCL,
 * open the regular file already there (*created = 0). Returns the open
 * handle. */
int p9__host_open_create(int dfd, const char *name, uint32_t hflags, uint32_t mode, int *created);
int p9__host_rename(struct local_fs *fs, int odfd, const char *oname, int ndfd, const char *nname);
int p9__host_unlink(struct local_fs *fs, int dfd, const char *name, int rmdir);
int p9__host_link(struct local_fs *fs, struct local_loc *old, int ndfd, const char *nname);
int p9__host_xattr_map(struct local_fs *fs, const char *name, enum local_xattr_op op, char *host);
int p9__host_xattr_list(struct local_fs *fs, const char *host, char *out);
/* model_mapped.c: what both mapped models do, through meta_load/store. */
int p9__mapped_create(struct local_fs *fs, int dfd, const char *name, uint32_t hflags,
		      uint32_t mode, const struct p9_cred *cred, uint32_t gid, int *created);
int p9__mapped_mkdir(struct local_fs *fs, int dfd, const char *name, uint32_t mode,
		     const struct p9_cred *cred, uint32_t gid);
int p9__mapped_mknod(struct local_fs *fs, int dfd, const char *name, uint32_t mode, uint64_t rdev,
		     const struct p9_cred *cred, uint32_t gid);
int p9__mapped_symlink(struct local_fs *fs, int dfd, const char *name, const char *target,
		       const struct p9_cred *cred, uint32_t gid);
int p9__mapped_getattr(struct local_fs *fs, struct local_loc *loc, struct p9_os_stat *st);
uint32_t p9__mapped_file_type(struct local_fs *fs, int dirfd, const char *name, int fd);
int p9__mapped_chown(struct local_fs *fs, struct local_loc *loc, uint32_t uid, uint32_t gid);
int p9__mapped_chmod(struct local_fs *fs, struct local_loc *loc, uint32_t mode);
ssize_t p9__mapped_readlink(struct local_fs *fs, struct local_loc *loc, char *buf, size_t cap);
uint8_t p9__mapped_dirent_type(uint8_t host_type);

/* per-area operation tables filled in by each file */
extern const struct p9_fs_ops p9__local_ops;
int p9__local_getattr(struct p9_fs *fs, struct p9_fid *fid, uint64_t mask, struct p9_rgetattr *out);
int p9__local_setattr(struct p9_fs *fs, struct p9_fid *fid, const struct p9_tsetattr *in);
int p9__local_statfs(struct p9_fs *fs, struct p9_fid *fid, struct p9_rstatfs *out);
int p9__local_lopen(struct p9_fs *fs, struct p9_fid *fid, uint32_t flags, struct p9_qid *qid);
int p9__local_lcreate(struct p9_fs *fs, struct p9_fid *fid, struct p9_str name, uint32_t flags,
		      uint32_t mode, uint32_t gid, struct p9_qid *qid);
ssize_t p9__local_read(struct p9_fs *fs, struct p9_fid *fid, uint64_t off, void *buf, size_t n);
ssize_t p9__local_read_pipe(struct p9_fs *fs, struct p9_fid *fid, uint64_t off,
			    struct p9_os_pipe *p, size_t n);
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
