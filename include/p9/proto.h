/*
 * p9/proto.h: the 9P wire protocol (9P2000, 9P2000.u, 9P2000.L) as C types,
 * and the codec that turns bytes into them and back.
 *
 * Invariants:
 *  - A decoded message never owns memory: strings and data are views into
 *    the buffer that was decoded, valid only while that buffer lives.
 *  - Every length on the wire is checked against the bytes that arrived;
 *    a malformed message is rejected as a whole (-EPROTO), never half-read.
 *  - Numbers on the wire are little-endian; in these structs they are host
 *    order.
 */
#ifndef P9_PROTO_H
#define P9_PROTO_H

#include <stddef.h>
#include <stdint.h>

/* Which dialect a connection speaks; it changes a few message layouts. */
enum p9_dialect {
	P9_DIALECT_2000 = 0, /* classic Plan 9 */
	P9_DIALECT_2000U = 1, /* Unix extensions: n_uname, errno, stat ext. */
	P9_DIALECT_2000L = 2, /* Linux: the T/Rl* messages, Rlerror */
};

#define P9_HDRSZ 7u /* size[4] type[1] tag[2] */
#define P9_IOHDRSZ 24u /* room a client leaves for Tread/Twrite headers */
#define P9_RREAD_HDRSZ 11u /* size[4] type[1] tag[2] count[4] */
#define P9_NOTAG 0xFFFFu
#define P9_NOFID 0xFFFFFFFFu
#define P9_MAXWELEM 16u
#define P9_MIN_MSIZE 4096u

enum p9_msg_type {
	P9_TLERROR = 6, /* illegal: never sent */
	P9_RLERROR = 7,
	P9_TSTATFS = 8,
	P9_RSTATFS = 9,
	P9_TLOPEN = 12,
	P9_RLOPEN = 13,
	P9_TLCREATE = 14,
	P9_RLCREATE = 15,
	P9_TSYMLINK = 16,
	P9_RSYMLINK = 17,
	P9_TMKNOD = 18,
	P9_RMKNOD = 19,
	P9_TRENAME = 20,
	P9_RRENAME = 21,
	P9_TREADLINK = 22,
	P9_RREADLINK = 23,
	P9_TGETATTR = 24,
	P9_RGETATTR = 25,
	P9_TSETATTR = 26,
	P9_RSETATTR = 27,
	P9_TXATTRWALK = 30,
	P9_RXATTRWALK = 31,
	P9_TXATTRCREATE = 32,
	P9_RXATTRCREATE = 33,
	P9_TREADDIR = 40,
	P9_RREADDIR = 41,
	P9_TFSYNC = 50,
	P9_RFSYNC = 51,
	P9_TLOCK = 52,
	P9_RLOCK = 53,
	P9_TGETLOCK = 54,
	P9_RGETLOCK = 55,
	P9_TLINK = 70,
	P9_RLINK = 71,
	P9_TMKDIR = 72,
	P9_RMKDIR = 73,
	P9_TRENAMEAT = 74,
	P9_RRENAMEAT = 75,
	P9_TUNLINKAT = 76,
	P9_RUNLINKAT = 77,
	P9_TVERSION = 100,
	P9_RVERSION = 101,
	P9_TAUTH = 102,
	P9_RAUTH = 103,
	P9_TATTACH = 104,
	P9_RATTACH = 105,
	P9_TERROR = 106, /* illegal: never sent */
	P9_RERROR = 107,
	P9_TFLUSH = 108,
	P9_RFLUSH = 109,
	P9_TWALK = 110,
	P9_RWALK = 111,
	P9_TOPEN = 112,
	P9_ROPEN = 113,
	P9_TCREATE = 114,
	P9_RCREATE = 115,
	P9_TREAD = 116,
	P9_RREAD = 117,
	P9_TWRITE = 118,
	P9_RWRITE = 119,
	P9_TCLUNK = 120,
	P9_RCLUNK = 121,
	P9_TREMOVE = 122,
	P9_RREMOVE = 123,
	P9_TSTAT = 124,
	P9_RSTAT = 125,
	P9_TWSTAT = 126,
	P9_RWSTAT = 127,
};

/* qid.type bits */
enum {
	P9_QTDIR = 0x80,
	P9_QTAPPEND = 0x40,
	P9_QTEXCL = 0x20,
	P9_QTMOUNT = 0x10,
	P9_QTAUTH = 0x08,
	P9_QTTMP = 0x04,
	P9_QTSYMLINK = 0x02,
	P9_QTLINK = 0x01,
	P9_QTFILE = 0x00,
};

/* Classic/.u open modes and permission bits (Topen, Tcreate, stat.mode). */
enum {
	P9_OREAD = 0,
	P9_OWRITE = 1,
	P9_ORDWR = 2,
	P9_OEXEC = 3,
	P9_OTRUNC = 0x10,
	P9_ORCLOSE = 0x40,
	P9_OAPPEND = 0x80, /* .u */
	P9_OEXCL = 0x1000, /* .u */
};
#define P9_DMDIR 0x80000000u
#define P9_DMAPPEND 0x40000000u
#define P9_DMEXCL 0x20000000u
#define P9_DMMOUNT 0x10000000u
#define P9_DMAUTH 0x08000000u
#define P9_DMTMP 0x04000000u
#define P9_DMSYMLINK 0x02000000u /* .u */
#define P9_DMLINK 0x01000000u /* .u */
#define P9_DMDEVICE 0x00800000u /* .u */
#define P9_DMNAMEDPIPE 0x00200000u /* .u */
#define P9_DMSOCKET 0x00100000u /* .u */
#define P9_DMSETUID 0x00080000u /* .u */
#define P9_DMSETGID 0x00040000u /* .u */
#define P9_DMSETVTX 0x00010000u /* .u */

/* Tlopen/Tlcreate flags: Linux open(2) numbering, whatever the host. */
enum {
	P9_DOTL_RDONLY = 00000000,
	P9_DOTL_WRONLY = 00000001,
	P9_DOTL_RDWR = 00000002,
	P9_DOTL_NOACCESS = 00000003,
	P9_DOTL_CREATE = 00000100,
	P9_DOTL_EXCL = 00000200,
	P9_DOTL_NOCTTY = 00000400,
	P9_DOTL_TRUNC = 00001000,
	P9_DOTL_APPEND = 00002000,
	P9_DOTL_NONBLOCK = 00004000,
	P9_DOTL_DSYNC = 00010000,
	P9_DOTL_FASYNC = 00020000,
	P9_DOTL_DIRECT = 00040000,
	P9_DOTL_LARGEFILE = 00100000,
	P9_DOTL_DIRECTORY = 00200000,
	P9_DOTL_NOFOLLOW = 00400000,
	P9_DOTL_NOATIME = 01000000,
	P9_DOTL_CLOEXEC = 02000000,
	P9_DOTL_SYNC = 04000000,
};

/* Tgetattr request_mask / Rgetattr valid */
#define P9_GETATTR_MODE 0x00000001ull
#define P9_GETATTR_NLINK 0x00000002ull
#define P9_GETATTR_UID 0x00000004ull
#define P9_GETATTR_GID 0x00000008ull
#define P9_GETATTR_RDEV 0x00000010ull
#define P9_GETATTR_ATIME 0x00000020ull
#define P9_GETATTR_MTIME 0x00000040ull
#define P9_GETATTR_CTIME 0x00000080ull
#define P9_GETATTR_INO 0x00000100ull
#define P9_GETATTR_SIZE 0x00000200ull
#define P9_GETATTR_BLOCKS 0x00000400ull
#define P9_GETATTR_BTIME 0x00000800ull
#define P9_GETATTR_GEN 0x00001000ull
#define P9_GETATTR_DATA_VERSION 0x00002000ull
#define P9_GETATTR_BASIC 0x000007ffull
#define P9_GETATTR_ALL 0x00003fffull

/* Tsetattr valid */
#define P9_SETATTR_MODE 0x00000001u
#define P9_SETATTR_UID 0x00000002u
#define P9_SETATTR_GID 0x00000004u
#define P9_SETATTR_SIZE 0x00000008u
#define P9_SETATTR_ATIME 0x00000010u
#define P9_SETATTR_MTIME 0x00000020u
#define P9_SETATTR_CTIME 0x00000040u
#define P9_SETATTR_ATIME_SET 0x00000080u
#define P9_SETATTR_MTIME_SET 0x00000100u

/* Tlock / Tgetlock */
enum { P9_LOCK_TYPE_RDLCK = 0, P9_LOCK_TYPE_WRLCK = 1, P9_LOCK_TYPE_UNLCK = 2 };
enum { P9_LOCK_FLAGS_BLOCK = 1, P9_LOCK_FLAGS_RECLAIM = 2 };
enum {
	P9_LOCK_SUCCESS = 0,
	P9_LOCK_BLOCKED = 1,
	P9_LOCK_ERROR = 2,
	P9_LOCK_GRACE = 3,
};

#define P9_AT_REMOVEDIR 0x200u

/* Linux d_type values carried in Rreaddir entries. */
enum {
	P9_DT_UNKNOWN = 0,
	P9_DT_FIFO = 1,
	P9_DT_CHR = 2,
	P9_DT_DIR = 4,
	P9_DT_BLK = 6,
	P9_DT_REG = 8,
	P9_DT_LNK = 10,
	P9_DT_SOCK = 12,
};

/* A counted string: a view, not NUL-terminated, not owned. */
struct p9_str {
	const char *s;
	uint16_t len;
};

struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

/* The 9P2000(.u) stat record, used by Tstat/Rstat/Twstat and by Tread of a
 * directory in those dialects. The .u fields are ignored in plain 9P2000. */
struct p9_stat {
	uint16_t type;
	uint32_t dev;
	struct p9_qid qid;
	uint32_t mode;
	uint32_t atime;
	uint32_t mtime;
	uint64_t length;
	struct p9_str name, uid, gid, muid;
	struct p9_str extension; /* .u */
	uint32_t n_uid, n_gid, n_muid; /* .u */
};

struct p9_rgetattr {
	uint64_t valid;
	struct p9_qid qid;
	uint32_t mode, uid, gid;
	uint64_t nlink, rdev, size, blksize, blocks;
	uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec;
	uint64_t ctime_sec, ctime_nsec, btime_sec, btime_nsec;
	uint64_t gen, data_version;
};

struct p9_tsetattr {
	uint32_t fid, valid, mode, uid, gid;
	uint64_t size, atime_sec, atime_nsec, mtime_sec, mtime_nsec;
};

struct p9_rstatfs {
	uint32_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree, fsid;
	uint32_t namelen;
};

/* One message. `type` selects the union member; members are named after
 * the message (lower case). T and R messages of the same shape share a
 * member where the protocol gives them the same fields. */
struct p9_fcall {
	uint8_t type;
	uint16_t tag;
	union {
		struct { uint32_t msize; struct p9_str version; } version; /* T+R */
		struct { uint32_t afid; struct p9_str uname, aname; uint32_t n_uname; } tauth;
		struct { struct p9_qid aqid; } rauth;
		struct { uint32_t fid, afid; struct p9_str uname, aname; uint32_t n_uname; } tattach;
		struct { struct p9_qid qid; } rattach;
		struct { struct p9_str ename; uint32_t errnum; } rerror;
		struct { uint32_t ecode; } rlerror;
		struct { uint16_t oldtag; } tflush;
		struct { uint32_t fid, newfid; uint16_t nwname; struct p9_str wname[P9_MAXWELEM]; } twalk;
		struct { uint16_t nwqid; struct p9_qid wqid[P9_MAXWELEM]; } rwalk;
		struct { uint32_t fid; uint8_t mode; } topen;
		struct { struct p9_qid qid; uint32_t iounit; } ropen; /* Ropen, Rcreate, Rlopen, Rlcreate */
		struct { uint32_t fid; struct p9_str name; uint32_t perm; uint8_t mode; struct p9_str extension; } tcreate;
		struct { uint32_t fid; uint64_t offset; uint32_t count; } tread; /* Tread, Treaddir */
		struct { uint32_t count; const uint8_t *data; } rread; /* Rread, Rreaddir */
		struct { uint32_t fid; uint64_t offset; uint32_t count; const uint8_t *data; } twrite;
		struct { uint32_t count; } rwrite;
		struct { uint32_t fid; } tclunk; /* Tclunk, Tremove, Tstat, Tstatfs, Treadlink */
		struct { struct p9_stat stat; } rstat;
		struct { uint32_t fid; struct p9_stat stat; } twstat;
		struct p9_rstatfs rstatfs;
		struct { uint32_t fid, flags; } tlopen;
		struct { uint32_t fid; struct p9_str name; uint32_t flags, mode, gid; } tlcreate;
		struct { uint32_t fid; struct p9_str name, symtgt; uint32_t gid; } tsymlink;
		struct { struct p9_qid qid; } rmknod; /* Rsymlink, Rmknod, Rmkdir */
		struct { uint32_t dfid; struct p9_str name; uint32_t mode, major, minor, gid; } tmknod;
		struct { uint32_t fid, dfid; struct p9_str name; } trename;
		struct { struct p9_str target; } rreadlink;
		struct { uint32_t fid; uint64_t request_mask; } tgetattr;
		struct p9_rgetattr rgetattr;
		struct p9_tsetattr tsetattr;
		struct { uint32_t fid, newfid; struct p9_str name; } txattrwalk;
		struct { uint64_t size; } rxattrwalk;
		struct { uint32_t fid; struct p9_str name; uint64_t attr_size; uint32_t flags; } txattrcreate;
		struct { uint32_t fid, datasync; } tfsync;
		struct { uint32_t fid; uint8_t type; uint32_t flags; uint64_t start, length; uint32_t proc_id; struct p9_str client_id; } tlock;
		struct { uint8_t status; } rlock;
		struct { uint32_t fid; uint8_t type; uint64_t start, length; uint32_t proc_id; struct p9_str client_id; } tgetlock;
		struct { uint8_t type; uint64_t start, length; uint32_t proc_id; struct p9_str client_id; } rgetlock;
		struct { uint32_t dfid, fid; struct p9_str name; } tlink;
		struct { uint32_t dfid; struct p9_str name; uint32_t mode, gid; } tmkdir;
		struct { uint32_t olddirfid; struct p9_str oldname; uint32_t newdirfid; struct p9_str newname; } trenameat;
		struct { uint32_t dirfid; struct p9_str name; uint32_t flags; } tunlinkat;
	} u;
};

/*
 * Decode one whole message (header included) from buf[0..len).
 * The size field must equal len. Returns 0, or -EPROTO for anything
 * malformed (short, long, bad string length, too many walk elements,
 * unknown or illegal type, a type the dialect does not have). Allocates
 * nothing: fc's strings and data point into buf.
 */
int p9_unpack(const uint8_t *buf, size_t len, enum p9_dialect d, struct p9_fcall *fc);

/*
 * Encode fc into buf[0..cap). Returns the message size, or 0 when it does
 * not fit. Rread/Rreaddir/Twrite data may already sit at its final place
 * in buf (buf + 11, or buf + 23 for Twrite): then it is not copied.
 */
size_t p9_pack(uint8_t *buf, size_t cap, enum p9_dialect d, const struct p9_fcall *fc);

/* The size a message will take when packed (0 for an unknown type). */
size_t p9_packed_size(enum p9_dialect d, const struct p9_fcall *fc);

/* "Twalk", "Rlerror", ...; "T?" style fallback for unknown types. Never NULL. */
const char *p9_msg_name(uint8_t type);

/* Does this dialect have this message type? */
int p9_msg_known(enum p9_dialect d, uint8_t type);

/* One line describing fc for the trace log, written into out (always
 * NUL-terminated when cap > 0). Returns the length written. */
size_t p9_format(char *out, size_t cap, const struct p9_fcall *fc);

/*
 * Rreaddir entries: qid[13] offset[8] type[1] name[s].
 * p9_dirent_pack appends one entry at buf[*pos..cap); returns 0, or
 * -ENOSPC (nothing written) when it does not fit.
 * p9_dirent_unpack reads the entry at data[*pos..len); returns 0 and
 * advances *pos, 1 at the end, or -EPROTO.
 */
struct p9_dirent {
	struct p9_qid qid;
	uint64_t offset;
	uint8_t type;
	struct p9_str name;
};
int p9_dirent_pack(uint8_t *buf, size_t cap, size_t *pos, const struct p9_dirent *de);
int p9_dirent_unpack(const uint8_t *data, size_t len, size_t *pos, struct p9_dirent *de);

/* 9P2000(.u) stat records inside Rread of a directory. Same conventions. */
int p9_stat_pack(uint8_t *buf, size_t cap, size_t *pos, enum p9_dialect d, const struct p9_stat *st);
int p9_stat_unpack(const uint8_t *data, size_t len, size_t *pos, enum p9_dialect d, struct p9_stat *st);

/* Little helpers over raw little-endian bytes, used by the codec and by
 * code that patches headers in place. */
static inline void p9_put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}
static inline uint32_t p9_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void p9_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline uint16_t p9_get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* A p9_str from a NUL-terminated C string (length truncated at 65535). */
static inline struct p9_str p9_str_c(const char *s)
{
	size_t n = 0;
	while (s[n] && n < 0xFFFF)
		n++;
	struct p9_str r = { s, (uint16_t)n };
	return r;
}

#endif
