/*
 * p9/client.h: a small 9P2000.L client, used by the p9 CLI, the tests and
 * the benchmark.
 *
 * Two levels:
 *  - raw: p9_client_rpc / p9_client_send + p9_client_wait move whole
 *    struct p9_fcall messages (the client only picks the tag), and
 *    p9_client_send_raw / p9_client_recv_raw move bytes, so tests can say
 *    anything on the wire, malformed or not;
 *  - file: one call per 9P2000.L operation on fids, each returning 0 (or a
 *    count) or a negative errno in Linux numbering, exactly as the server's
 *    Rlerror carried it. Transport failures are negative errnos too
 *    (-ECONNRESET when the server hung up, -EPROTO for a malformed reply).
 *
 * Threads: every call may be made from several threads on one client at
 * once. Replies are matched to requests by tag, whatever order the server
 * answers in.
 *
 * Memory: the client owns everything it allocates; views it hands out
 * (strings and data inside a struct p9_fcall rx, dirent names, getlock's
 * client_id) live in the calling thread's reply buffer, see p9_client_wait.
 * The library never aborts on allocation failure: the call returns -ENOMEM
 * and the connection stays usable.
 */
#ifndef P9_CLIENT_H
#define P9_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "p9/proto.h"

struct p9_client;

/* ---- connection ---------------------------------------------------- */

/*
 * Connect to addr and return a new client in *out (free with
 * p9_client_free). addr is one of
 *   "tcp:HOST:PORT"   HOST an IPv4 address, "[v6]" or a host name
 *   "unix:PATH"       a stream socket in the file system
 *   "fd:N", "fd:R,W"  already-connected descriptors; the client takes them
 *                     over and closes them in p9_client_free.
 * Returns 0, -EINVAL for a malformed address, -ENXIO for a host name that
 * does not resolve, -ENOMEM, or the errno of the failed connect.
 * For non-socket descriptors (pipes) a write after the peer closed raises
 * SIGPIPE: the program should ignore it (the p9 CLI does).
 */
int p9_client_dial(const char *addr, struct p9_client **out);

/* Close the connection and free the client. Outstanding calls in other
 * threads must have returned first. NULL is fine. */
void p9_client_free(struct p9_client *c);

/*
 * Tversion: offer msize and version ("9P2000.L"). Stores the agreed msize
 * (the smaller of ours and the server's) and dialect; all fids the client
 * knew are forgotten (a Tversion resets the session).
 * Returns 0, -EPROTONOSUPPORT when the server answers "unknown" or a
 * version we did not offer, -EPROTO for an unusable msize or a malformed
 * reply, or a transport error.
 */
int p9_client_version(struct p9_client *c, uint32_t msize, const char *version);

/* The agreed msize (before p9_client_version: 8192) and dialect (.L
 * before p9_client_version). */
uint32_t p9_client_msize(struct p9_client *c);
enum p9_dialect p9_client_dialect(struct p9_client *c);

/* ---- raw level ----------------------------------------------------- */

/*
 * Send tx and wait for its reply in rx. The client sets tx->tag (NOTAG for
 * Tversion, otherwise a free tag). Returns 0 when a reply arrived and
 * unpacked, whatever its type (an Rlerror is a reply: check rx->type), or
 * a negative errno:
 *   -EMSGSIZE   tx is larger than msize (nothing was sent);
 *   -ENOMEM     no memory to send, or to keep the reply (then it was read
 *               and dropped; the connection stays usable either way);
 *   -EPROTO     a reply that does not unpack (the connection stays
 *               usable), or one whose size field is below 7 or above
 *               msize (the stream has lost its framing: the connection
 *               is dead);
 *   -ECONNRESET the server hung up; other transport errors likewise kill
 *               the connection, and every later call gets the same error.
 *
 * rx's strings and data point into the calling thread's reply buffer for
 * this client; they stay valid until this thread's next p9_client_rpc,
 * p9_client_wait* or file-level call on the same client, or
 * p9_client_free. Other threads' calls do not disturb them.
 */
int p9_client_rpc(struct p9_client *c, struct p9_fcall *tx, struct p9_fcall *rx);

/* The two halves of p9_client_rpc: send tx under a fresh tag (returned in
 * *tag and tx->tag) and, later, wait for the reply with that tag. Any
 * thread may wait for any tag, but only one waiter per tag (-EBUSY); a
 * tag not in flight is -EINVAL. Replies that arrive for other tags are
 * kept for their waiters. send returns -EAGAIN when all 65535 tags are in
 * flight, -EBUSY for a second Tversion in flight. */
int p9_client_send(struct p9_client *c, struct p9_fcall *tx, uint16_t *tag);
int p9_client_wait(struct p9_client *c, uint16_t tag, struct p9_fcall *rx);

/*
 * p9_client_wait with a limit and an arrival stamp. timeout_ms < 0 waits
 * forever; on -ETIMEDOUT the tag stays in flight (wait again, or forget
 * it). *seq (if not NULL) gets the reply's arrival number on this
 * connection (1, 2, ...), so a test can check which of two replies came
 * first: wait for both, compare the numbers.
 */
int p9_client_wait_timed(struct p9_client *c, uint16_t tag, struct p9_fcall *rx, int timeout_ms,
                         uint64_t *seq);

/* Give up on a tag in flight without its reply (after its Rflush, when a
 * server may have dropped the reply). A reply that still arrives for it
 * later is discarded, unless the tag was reused by then: forget a tag
 * only when the protocol says no reply can follow. */
void p9_client_forget(struct p9_client *c, uint16_t tag);

/* Write len bytes to the connection as they are (one call, not
 * interleaved with other writers). Returns 0 or a negative errno. */
int p9_client_send_raw(struct p9_client *c, const void *bytes, size_t len);

/*
 * Read one whole message (size[4] first) from the connection into
 * buf[0..cap), bypassing tag matching. Returns its size, -ETIMEDOUT when
 * nothing arrived within timeout_ms (< 0: forever), -EMSGSIZE when it did
 * not fit (the message was read and dropped), -EPROTO when its size field
 * is below 7 or above msize, or a transport error. Do not mix with waiters
 * in other threads: whoever reads first gets the message.
 */
ssize_t p9_client_recv_raw(struct p9_client *c, uint8_t *buf, size_t cap, int timeout_ms);

/* ---- fids ----------------------------------------------------------- */

/* Pick an unused fid number (lowest first) and mark it used. Returns 0 or
 * -ENOMEM. */
int p9_client_fid_new(struct p9_client *c, uint32_t *fid);

/* Mark fid unused without telling the server (p9_client_clunk and
 * p9_client_remove do this themselves). */
void p9_client_fid_release(struct p9_client *c, uint32_t fid);

/* ---- file level (9P2000.L) ------------------------------------------ */

/* Tattach with afid NOFID, to a fid the client picks (*fid). qid may be
 * NULL. */
int p9_client_attach(struct p9_client *c, const char *uname, const char *aname, uint32_t n_uname,
                     uint32_t *fid, struct p9_qid *qid);

/*
 * Walk from fid along path to a fid the client picks (*newfid). path is
 * split at '/'; empty and "." components are dropped (so "", "/" and "."
 * clone fid), ".." is sent as is. Longer paths take several Twalks of at
 * most 16 names. qid (may be NULL) gets the last element's qid (zeroed
 * for a clone). A walk that stops early is -ENOENT and leaves no new
 * fid (newfid is clunked if the server might have made it).
 */
int p9_client_walk(struct p9_client *c, uint32_t fid, const char *path, uint32_t *newfid,
                   struct p9_qid *qid);

/* The same to a newfid the caller chose (it may equal fid: then a walk
 * that fails after its first 16 names has already moved fid). */
int p9_client_walk_to(struct p9_client *c, uint32_t fid, uint32_t newfid, const char *path,
                      struct p9_qid *qid);

/* Tclunk / Tremove. Either way the fid is gone afterwards (the protocol
 * says so even when they fail) and is released. */
int p9_client_clunk(struct p9_client *c, uint32_t fid);
int p9_client_remove(struct p9_client *c, uint32_t fid);

/* Tlopen: flags are P9_DOTL_*. qid and iounit may be NULL. The iounit is
 * remembered for p9_client_read/write on this fid. */
int p9_client_lopen(struct p9_client *c, uint32_t fid, uint32_t flags, struct p9_qid *qid,
                    uint32_t *iounit);

/* Tlcreate: create name in the directory fid; fid then is the new, open
 * file. */
int p9_client_lcreate(struct p9_client *c, uint32_t fid, const char *name, uint32_t flags,
                      uint32_t mode, uint32_t gid, struct p9_qid *qid, uint32_t *iounit);

/*
 * Read up to count bytes at offset into buf, in Treads of at most the fid's
 * iounit (or msize - 24 when it has none or a larger one), until count
 * bytes arrived or a Tread returned nothing. Returns the bytes read
 * (0 at end of file) or a negative errno (bytes already read are then
 * lost to the caller: the error wins, as in the Linux client).
 */
ssize_t p9_client_read(struct p9_client *c, uint32_t fid, uint64_t offset, void *buf, size_t count);

/* Write count bytes at offset, chunked like p9_client_read. Returns the
 * bytes written (short only when the server accepted nothing more) or a
 * negative errno. */
ssize_t p9_client_write(struct p9_client *c, uint32_t fid, uint64_t offset, const void *buf,
                        size_t count);

/*
 * Treaddir on the open directory fid from offset (0: the start) until the
 * server returns no more, calling fn for each entry. The entry (and its
 * name, not NUL-terminated) is valid during the call only; fn may make
 * other calls on the client. fn returns 0 to go on; anything else stops
 * the listing and is returned. Returns 0, fn's value, or a negative errno.
 */
int p9_client_readdir(struct p9_client *c, uint32_t fid, uint64_t offset,
                      int (*fn)(void *arg, const struct p9_dirent *de), void *arg);

int p9_client_getattr(struct p9_client *c, uint32_t fid, uint64_t mask, struct p9_rgetattr *out);

/* Tsetattr with sa's fields (sa->fid is ignored: fid is used). */
int p9_client_setattr(struct p9_client *c, uint32_t fid, const struct p9_tsetattr *sa);

int p9_client_mkdir(struct p9_client *c, uint32_t dfid, const char *name, uint32_t mode,
                    uint32_t gid, struct p9_qid *qid);
int p9_client_symlink(struct p9_client *c, uint32_t dfid, const char *name, const char *target,
                      uint32_t gid, struct p9_qid *qid);
int p9_client_mknod(struct p9_client *c, uint32_t dfid, const char *name, uint32_t mode,
                    uint32_t major, uint32_t minor, uint32_t gid, struct p9_qid *qid);

/* Treadlink: the target, NUL-terminated, into buf[0..cap). Returns its
 * length, or -ENAMETOOLONG when it does not fit. */
ssize_t p9_client_readlink(struct p9_client *c, uint32_t fid, char *buf, size_t cap);

/* Tlink: a new name in dfid for the file fid. */
int p9_client_link(struct p9_client *c, uint32_t dfid, uint32_t fid, const char *name);

/* Trename: move the file fid to name in dfid. */
int p9_client_rename(struct p9_client *c, uint32_t fid, uint32_t dfid, const char *name);
int p9_client_renameat(struct p9_client *c, uint32_t olddfid, const char *oldname, uint32_t newdfid,
                       const char *newname);

/* Tunlinkat: flags 0 or P9_AT_REMOVEDIR. */
int p9_client_unlinkat(struct p9_client *c, uint32_t dfid, const char *name, uint32_t flags);

int p9_client_fsync(struct p9_client *c, uint32_t fid, int datasync);
int p9_client_statfs(struct p9_client *c, uint32_t fid, struct p9_rstatfs *out);

/* Tlock / Tgetlock arguments. client_id is a view (p9_str_c("host")). */
struct p9_client_lock {
	uint8_t type;   /* P9_LOCK_TYPE_* */
	uint32_t flags; /* Tlock only: P9_LOCK_FLAGS_* */
	uint64_t start, length;
	uint32_t proc_id;
	struct p9_str client_id;
};

/* Tlock: *status gets P9_LOCK_SUCCESS, _BLOCKED, _ERROR or _GRACE; the
 * caller retries a BLOCKED blocking lock if it wants to. */
int p9_client_lock(struct p9_client *c, uint32_t fid, const struct p9_client_lock *lk,
                   uint8_t *status);

/* Tgetlock: *out gets the conflicting lock (type UNLCK when none); its
 * client_id is a view into this thread's reply buffer. */
int p9_client_getlock(struct p9_client *c, uint32_t fid, const struct p9_client_lock *lk,
                      struct p9_client_lock *out);

/*
 * Extended attributes through Txattrwalk + Tread (get, list with name ""),
 * and Txattrcreate + Twrite + Tclunk (set; the server applies the value at
 * the clunk, so its answer to the clunk is the answer). Each uses one
 * temporary fid and clunks it.
 * get/list: with cap 0 return the size only; -ERANGE when the value is
 * larger than cap; else the bytes stored into buf. list stores the names
 * NUL-separated, as listxattr(2) does.
 * set: flags are XATTR_CREATE (1) / XATTR_REPLACE (2) or 0. remove is a set
 * of size 0, which is how 9P2000.L spells removexattr.
 */
ssize_t p9_client_xattr_get(struct p9_client *c, uint32_t fid, const char *name, void *buf,
                            size_t cap);
ssize_t p9_client_xattr_list(struct p9_client *c, uint32_t fid, char *buf, size_t cap);
int p9_client_xattr_set(struct p9_client *c, uint32_t fid, const char *name, const void *value,
                        size_t size, uint32_t flags);
int p9_client_xattr_remove(struct p9_client *c, uint32_t fid, const char *name);

/* Tflush of oldtag; returns once Rflush arrived. The request under oldtag
 * still has its own waiter (or should be forgotten). */
int p9_client_flush(struct p9_client *c, uint16_t oldtag);

#endif
