/*
 * messages.c: THE table of 9P messages. One entry per message type: its
 * name, the dialects that have it, and its fields in wire order. Pack,
 * unpack, packed size, name and trace format are all driven from here.
 *
 * Invariants:
 *  - The order of a message's fields is the order on the wire.
 *  - Each field names a member of the union member the header assigns to
 *    the message (T and R messages of the same shape share one), and
 *    P9__OFFSET refuses to compile when the member's C type is not the
 *    one the field kind reads or writes.
 *  - The .L messages (types 6..77) exist only in 9P2000.L; the classic
 *    messages (100..127) exist in every dialect, with their .u fields
 *    present in .u and .L (as the Linux client sends them).
 *  - Tlerror and Terror have names (for traces) but no dialect: they are
 *    illegal on the wire.
 */
#include <stddef.h>
#include <stdint.h>

#include "p9/proto.h"
#include "proto/table.h"

/*
 * offsetof(S, path), but only if S.path has type T: _Generic has no
 * branch for any other type, so a mismatch is a compile error, not a
 * silently truncated or overrun field.
 */
#define P9__OFFSET(S, path, T) _Generic(((S *)0)->path, T : offsetof(S, path))

#define FIELD(k, c, h, S, path, T, nm)                                                             \
	{                                                                                          \
		.kind = (k), .cond = (c), .fmt = (h), .off = P9__OFFSET(S, path, T), .name = (nm)  \
	}
#define FIELD2(k, S, path, T, path2, T2, nm)                                                       \
	{                                                                                          \
		.kind = (k), .cond = P9__C_ALL, .fmt = P9__FMT_DEC, .off = P9__OFFSET(S, path, T), \
		.aux = P9__OFFSET(S, path2, T2), .name = (nm)                                      \
	}

/* Message fields: member f of union member m of struct p9_fcall. */
#define MF(k, c, h, m, f, T) FIELD(k, c, h, struct p9_fcall, u.m.f, T, #f)
#define U8(m, f) MF(P9__K_U8, P9__C_ALL, P9__FMT_DEC, m, f, uint8_t)
#define U16(m, f) MF(P9__K_U16, P9__C_ALL, P9__FMT_DEC, m, f, uint16_t)
#define U32(m, f) MF(P9__K_U32, P9__C_ALL, P9__FMT_DEC, m, f, uint32_t)
#define X32(m, f) MF(P9__K_U32, P9__C_ALL, P9__FMT_HEX, m, f, uint32_t)
#define O32(m, f) MF(P9__K_U32, P9__C_ALL, P9__FMT_OCT, m, f, uint32_t)
#define U64(m, f) MF(P9__K_U64, P9__C_ALL, P9__FMT_DEC, m, f, uint64_t)
#define X64(m, f) MF(P9__K_U64, P9__C_ALL, P9__FMT_HEX, m, f, uint64_t)
#define STR(m, f) MF(P9__K_STR, P9__C_ALL, P9__FMT_DEC, m, f, struct p9_str)
#define QID(m, f) MF(P9__K_QID, P9__C_ALL, P9__FMT_DEC, m, f, struct p9_qid)
#define STATN(m, f) MF(P9__K_STATN, P9__C_ALL, P9__FMT_DEC, m, f, struct p9_stat)
#define EXT_U32(m, f) MF(P9__K_U32, P9__C_EXT, P9__FMT_DEC, m, f, uint32_t)
#define EXT_ID(m, f) MF(P9__K_U32, P9__C_EXT_ID, P9__FMT_DEC, m, f, uint32_t)
#define EXT_STR(m, f) MF(P9__K_STR, P9__C_EXT, P9__FMT_DEC, m, f, struct p9_str)
#define DATA(m)                                                                                    \
	FIELD2(P9__K_DATA, struct p9_fcall, u.m.count, uint32_t, u.m.data, const uint8_t *, "count")
#define WNAMES(m, n, a)                                                                            \
	FIELD2(P9__K_WNAMES, struct p9_fcall, u.m.n, uint16_t, u.m.a, struct p9_str *, #n)
#define WQIDS(m, n, a)                                                                             \
	FIELD2(P9__K_WQIDS, struct p9_fcall, u.m.n, uint16_t, u.m.a, struct p9_qid *, #n)

#define FIELDS(...)                                                                                \
	(const struct p9__field[])                                                                 \
	{                                                                                          \
		__VA_ARGS__                                                                        \
	}
#define MSG(t, nm, dial, ...)                                                                      \
	[t] = {.name = (nm),                                                                       \
	       .dialects = (dial),                                                                 \
	       .nfields = sizeof(FIELDS(__VA_ARGS__)) / sizeof(struct p9__field),                  \
	       .fields = FIELDS(__VA_ARGS__)}
#define MSG0(t, nm, dial) [t] = {.name = (nm), .dialects = (dial), .nfields = 0, .fields = NULL}

#define ALL P9__D_ALL
#define DOTL P9__D_2000L

const struct p9__msg p9__msgs[256] = {
        /* 9P2000.L */
        MSG0(P9_TLERROR, "Tlerror", 0),
        MSG(P9_RLERROR, "Rlerror", DOTL, U32(rlerror, ecode)),
        MSG(P9_TSTATFS, "Tstatfs", DOTL, U32(tclunk, fid)),
        MSG(P9_RSTATFS, "Rstatfs", DOTL, U32(rstatfs, type), U32(rstatfs, bsize),
            U64(rstatfs, blocks), U64(rstatfs, bfree), U64(rstatfs, bavail), U64(rstatfs, files),
            U64(rstatfs, ffree), X64(rstatfs, fsid), U32(rstatfs, namelen)),
        MSG(P9_TLOPEN, "Tlopen", DOTL, U32(tlopen, fid), O32(tlopen, flags)),
        MSG(P9_RLOPEN, "Rlopen", DOTL, QID(ropen, qid), U32(ropen, iounit)),
        MSG(P9_TLCREATE, "Tlcreate", DOTL, U32(tlcreate, fid), STR(tlcreate, name),
            O32(tlcreate, flags), O32(tlcreate, mode), U32(tlcreate, gid)),
        MSG(P9_RLCREATE, "Rlcreate", DOTL, QID(ropen, qid), U32(ropen, iounit)),
        MSG(P9_TSYMLINK, "Tsymlink", DOTL, U32(tsymlink, fid), STR(tsymlink, name),
            STR(tsymlink, symtgt), U32(tsymlink, gid)),
        MSG(P9_RSYMLINK, "Rsymlink", DOTL, QID(rmknod, qid)),
        MSG(P9_TMKNOD, "Tmknod", DOTL, U32(tmknod, dfid), STR(tmknod, name), O32(tmknod, mode),
            U32(tmknod, major), U32(tmknod, minor), U32(tmknod, gid)),
        MSG(P9_RMKNOD, "Rmknod", DOTL, QID(rmknod, qid)),
        MSG(P9_TRENAME, "Trename", DOTL, U32(trename, fid), U32(trename, dfid), STR(trename, name)),
        MSG0(P9_RRENAME, "Rrename", DOTL),
        MSG(P9_TREADLINK, "Treadlink", DOTL, U32(tclunk, fid)),
        MSG(P9_RREADLINK, "Rreadlink", DOTL, STR(rreadlink, target)),
        MSG(P9_TGETATTR, "Tgetattr", DOTL, U32(tgetattr, fid), X64(tgetattr, request_mask)),
        MSG(P9_RGETATTR, "Rgetattr", DOTL, X64(rgetattr, valid), QID(rgetattr, qid),
            O32(rgetattr, mode), U32(rgetattr, uid), U32(rgetattr, gid), U64(rgetattr, nlink),
            U64(rgetattr, rdev), U64(rgetattr, size), U64(rgetattr, blksize), U64(rgetattr, blocks),
            U64(rgetattr, atime_sec), U64(rgetattr, atime_nsec), U64(rgetattr, mtime_sec),
            U64(rgetattr, mtime_nsec), U64(rgetattr, ctime_sec), U64(rgetattr, ctime_nsec),
            U64(rgetattr, btime_sec), U64(rgetattr, btime_nsec), U64(rgetattr, gen),
            U64(rgetattr, data_version)),
        MSG(P9_TSETATTR, "Tsetattr", DOTL, U32(tsetattr, fid), X32(tsetattr, valid),
            O32(tsetattr, mode), U32(tsetattr, uid), U32(tsetattr, gid), U64(tsetattr, size),
            U64(tsetattr, atime_sec), U64(tsetattr, atime_nsec), U64(tsetattr, mtime_sec),
            U64(tsetattr, mtime_nsec)),
        MSG0(P9_RSETATTR, "Rsetattr", DOTL),
        MSG(P9_TXATTRWALK, "Txattrwalk", DOTL, U32(txattrwalk, fid), U32(txattrwalk, newfid),
            STR(txattrwalk, name)),
        MSG(P9_RXATTRWALK, "Rxattrwalk", DOTL, U64(rxattrwalk, size)),
        MSG(P9_TXATTRCREATE, "Txattrcreate", DOTL, U32(txattrcreate, fid), STR(txattrcreate, name),
            U64(txattrcreate, attr_size), X32(txattrcreate, flags)),
        MSG0(P9_RXATTRCREATE, "Rxattrcreate", DOTL),
        MSG(P9_TREADDIR, "Treaddir", DOTL, U32(tread, fid), U64(tread, offset), U32(tread, count)),
        MSG(P9_RREADDIR, "Rreaddir", DOTL, DATA(rread)),
        MSG(P9_TFSYNC, "Tfsync", DOTL, U32(tfsync, fid), U32(tfsync, datasync)),
        MSG0(P9_RFSYNC, "Rfsync", DOTL),
        MSG(P9_TLOCK, "Tlock", DOTL, U32(tlock, fid), U8(tlock, type), X32(tlock, flags),
            U64(tlock, start), U64(tlock, length), U32(tlock, proc_id), STR(tlock, client_id)),
        MSG(P9_RLOCK, "Rlock", DOTL, U8(rlock, status)),
        MSG(P9_TGETLOCK, "Tgetlock", DOTL, U32(tgetlock, fid), U8(tgetlock, type),
            U64(tgetlock, start), U64(tgetlock, length), U32(tgetlock, proc_id),
            STR(tgetlock, client_id)),
        MSG(P9_RGETLOCK, "Rgetlock", DOTL, U8(rgetlock, type), U64(rgetlock, start),
            U64(rgetlock, length), U32(rgetlock, proc_id), STR(rgetlock, client_id)),
        MSG(P9_TLINK, "Tlink", DOTL, U32(tlink, dfid), U32(tlink, fid), STR(tlink, name)),
        MSG0(P9_RLINK, "Rlink", DOTL),
        MSG(P9_TMKDIR, "Tmkdir", DOTL, U32(tmkdir, dfid), STR(tmkdir, name), O32(tmkdir, mode),
            U32(tmkdir, gid)),
        MSG(P9_RMKDIR, "Rmkdir", DOTL, QID(rmknod, qid)),
        MSG(P9_TRENAMEAT, "Trenameat", DOTL, U32(trenameat, olddirfid), STR(trenameat, oldname),
            U32(trenameat, newdirfid), STR(trenameat, newname)),
        MSG0(P9_RRENAMEAT, "Rrenameat", DOTL),
        MSG(P9_TUNLINKAT, "Tunlinkat", DOTL, U32(tunlinkat, dirfid), STR(tunlinkat, name),
            X32(tunlinkat, flags)),
        MSG0(P9_RUNLINKAT, "Runlinkat", DOTL),

        /* 9P2000, with the .u extensions marked EXT */
        MSG(P9_TVERSION, "Tversion", ALL, U32(version, msize), STR(version, version)),
        MSG(P9_RVERSION, "Rversion", ALL, U32(version, msize), STR(version, version)),
        MSG(P9_TAUTH, "Tauth", ALL, U32(tauth, afid), STR(tauth, uname), STR(tauth, aname),
            EXT_ID(tauth, n_uname)),
        MSG(P9_RAUTH, "Rauth", ALL, QID(rauth, aqid)),
        MSG(P9_TATTACH, "Tattach", ALL, U32(tattach, fid), U32(tattach, afid), STR(tattach, uname),
            STR(tattach, aname), EXT_ID(tattach, n_uname)),
        MSG(P9_RATTACH, "Rattach", ALL, QID(rattach, qid)),
        MSG0(P9_TERROR, "Terror", 0),
        MSG(P9_RERROR, "Rerror", ALL, STR(rerror, ename), EXT_U32(rerror, errnum)),
        MSG(P9_TFLUSH, "Tflush", ALL, U16(tflush, oldtag)),
        MSG0(P9_RFLUSH, "Rflush", ALL),
        MSG(P9_TWALK, "Twalk", ALL, U32(twalk, fid), U32(twalk, newfid),
            WNAMES(twalk, nwname, wname)),
        MSG(P9_RWALK, "Rwalk", ALL, WQIDS(rwalk, nwqid, wqid)),
        MSG(P9_TOPEN, "Topen", ALL, U32(topen, fid), U8(topen, mode)),
        MSG(P9_ROPEN, "Ropen", ALL, QID(ropen, qid), U32(ropen, iounit)),
        MSG(P9_TCREATE, "Tcreate", ALL, U32(tcreate, fid), STR(tcreate, name), X32(tcreate, perm),
            U8(tcreate, mode), EXT_STR(tcreate, extension)),
        MSG(P9_RCREATE, "Rcreate", ALL, QID(ropen, qid), U32(ropen, iounit)),
        MSG(P9_TREAD, "Tread", ALL, U32(tread, fid), U64(tread, offset), U32(tread, count)),
        MSG(P9_RREAD, "Rread", ALL, DATA(rread)),
        MSG(P9_TWRITE, "Twrite", ALL, U32(twrite, fid), U64(twrite, offset), DATA(twrite)),
        MSG(P9_RWRITE, "Rwrite", ALL, U32(rwrite, count)),
        MSG(P9_TCLUNK, "Tclunk", ALL, U32(tclunk, fid)),
        MSG0(P9_RCLUNK, "Rclunk", ALL),
        MSG(P9_TREMOVE, "Tremove", ALL, U32(tclunk, fid)),
        MSG0(P9_RREMOVE, "Rremove", ALL),
        MSG(P9_TSTAT, "Tstat", ALL, U32(tclunk, fid)),
        MSG(P9_RSTAT, "Rstat", ALL, STATN(rstat, stat)),
        MSG(P9_TWSTAT, "Twstat", ALL, U32(twstat, fid), STATN(twstat, stat)),
        MSG0(P9_RWSTAT, "Rwstat", ALL),
};

/* Stat record fields, over struct p9_stat (after the record's size[2]). */
#define SF(k, c, h, f, T) FIELD(k, c, h, struct p9_stat, f, T, #f)
const struct p9__field p9__stat_fields[] = {
        SF(P9__K_U16, P9__C_ALL, P9__FMT_DEC, type, uint16_t),
        SF(P9__K_U32, P9__C_ALL, P9__FMT_DEC, dev, uint32_t),
        SF(P9__K_QID, P9__C_ALL, P9__FMT_DEC, qid, struct p9_qid),
        SF(P9__K_U32, P9__C_ALL, P9__FMT_HEX, mode, uint32_t),
        SF(P9__K_U32, P9__C_ALL, P9__FMT_DEC, atime, uint32_t),
        SF(P9__K_U32, P9__C_ALL, P9__FMT_DEC, mtime, uint32_t),
        SF(P9__K_U64, P9__C_ALL, P9__FMT_DEC, length, uint64_t),
        SF(P9__K_STR, P9__C_ALL, P9__FMT_DEC, name, struct p9_str),
        SF(P9__K_STR, P9__C_ALL, P9__FMT_DEC, uid, struct p9_str),
        SF(P9__K_STR, P9__C_ALL, P9__FMT_DEC, gid, struct p9_str),
        SF(P9__K_STR, P9__C_ALL, P9__FMT_DEC, muid, struct p9_str),
        SF(P9__K_STR, P9__C_EXT, P9__FMT_DEC, extension, struct p9_str),
        SF(P9__K_U32, P9__C_EXT_ID, P9__FMT_DEC, n_uid, uint32_t),
        SF(P9__K_U32, P9__C_EXT_ID, P9__FMT_DEC, n_gid, uint32_t),
        SF(P9__K_U32, P9__C_EXT_ID, P9__FMT_DEC, n_muid, uint32_t),
};
const size_t p9__stat_nfields = sizeof(p9__stat_fields) / sizeof(p9__stat_fields[0]);

/* Rreaddir entry fields, over struct p9_dirent: qid[13] offset[8] type[1] name[s]. */
#define DF(k, f, T) FIELD(k, P9__C_ALL, P9__FMT_DEC, struct p9_dirent, f, T, #f)
const struct p9__field p9__dirent_fields[] = {
        DF(P9__K_QID, qid, struct p9_qid),
        DF(P9__K_U64, offset, uint64_t),
        DF(P9__K_U8, type, uint8_t),
        DF(P9__K_STR, name, struct p9_str),
};
const size_t p9__dirent_nfields = sizeof(p9__dirent_fields) / sizeof(p9__dirent_fields[0]);
