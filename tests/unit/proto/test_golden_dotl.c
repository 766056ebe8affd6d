/*
 * test_golden_dotl.c: golden byte vectors for every 9P2000.L message.
 *
 * Each vector is written out by hand, field by field, from the layouts in
 * NOTES.md and the Linux client's format strings (net/9p/client.c); sizes
 * are counted by hand in the comment above each one. The harness
 * (helpers.c) checks pack, packed size, unpack, the round trip, and that
 * 9P2000 and 9P2000.u refuse the message; each test then checks every
 * decoded field.
 */
#include <errno.h>
#include <string.h>

#include "helpers.h"

/* 7 + ecode 4 = 11 */
static void rlerror_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x0b, 0x00, 0x00, 0x00, 0x07, 0x01, 0x00, /* size 11, Rlerror, tag 1 */
		0x02, 0x00, 0x00, 0x00, /* ecode ENOENT */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RLERROR, .tag = 1, .u.rlerror.ecode = 2};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.rlerror.ecode, 2);
}

/* 7 + fid 4 = 11 */
static void tstatfs_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x0b, 0x00, 0x00, 0x00, 0x08, 0x02, 0x00, /* size 11, Tstatfs, tag 2 */
		0x01, 0x00, 0x00, 0x00, /* fid */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TSTATFS, .tag = 2, .u.tclunk.fid = 1};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.tclunk.fid, 1);
}

/* 7 + type 4 + bsize 4 + 6 * 8 + namelen 4 = 67 */
static void rstatfs_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x43, 0x00, 0x00, 0x00, 0x09, 0x02, 0x00, /* size 67, Rstatfs, tag 2 */
		0x53, 0xef, 0x00, 0x00, /* type 0xef53 */
		0x00, 0x10, 0x00, 0x00, /* bsize 4096 */
		0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, /* blocks 0x100000 */
		0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, /* bfree 0x80000 */
		0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, /* bavail 0x70000 */
		0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, /* files 65536 */
		0xe8, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* ffree 65000 */
		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* fsid */
		0xff, 0x00, 0x00, 0x00, /* namelen 255 */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RSTATFS,
	                      .tag = 2,
	                      .u.rstatfs = {.type = 0xef53,
	                                    .bsize = 4096,
	                                    .blocks = 0x100000,
	                                    .bfree = 0x80000,
	                                    .bavail = 0x70000,
	                                    .files = 65536,
	                                    .ffree = 65000,
	                                    .fsid = 0x1122334455667788ull,
	                                    .namelen = 255}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.rstatfs.type, 0xef53);
	assert_int_equal(got.u.rstatfs.bsize, 4096);
	assert_int_equal(got.u.rstatfs.blocks, 0x100000);
	assert_int_equal(got.u.rstatfs.bfree, 0x80000);
	assert_int_equal(got.u.rstatfs.bavail, 0x70000);
	assert_int_equal(got.u.rstatfs.files, 65536);
	assert_int_equal(got.u.rstatfs.ffree, 65000);
	assert_int_equal(got.u.rstatfs.fsid, 0x1122334455667788ull);
	assert_int_equal(got.u.rstatfs.namelen, 255);
}

/* 7 + fid 4 + flags 4 = 15 */
static void tlopen_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x0f, 0x00, 0x00, 0x00, 0x0c, 0x03, 0x00, /* size 15, Tlopen, tag 3 */
		0x01, 0x00, 0x00, 0x00, /* fid 1 */
		0x02, 0x02, 0x00, 0x00, /* flags: O_RDWR|O_TRUNC = 01002 */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TLOPEN,
	                      .tag = 3,
	                      .u.tlopen = {.fid = 1, .flags = P9_DOTL_RDWR | P9_DOTL_TRUNC}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.tlopen.fid, 1);
	assert_int_equal(got.u.tlopen.flags, 01002);
}

/* 7 + qid 13 + iounit 4 = 24 */
static void rlopen_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x18, 0x00, 0x00, 0x00, 0x0d, 0x03, 0x00, /* size 24, Rlopen, tag 3 */
		QID1_WIRE, /* qid */
		0x00, 0x00, 0x00, 0x00, /* iounit 0 */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RLOPEN, .tag = 3, .u.ropen = {.qid = QID1, .iounit = 0}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	ASSERT_QID1(got.u.ropen.qid);
	assert_int_equal(got.u.ropen.iounit, 0);
}

/* 7 + fid 4 + name 2+1 + flags 4 + mode 4 + gid 4 = 26 */
static void tlcreate_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x1a, 0x00, 0x00, 0x00, 0x0e, 0x04, 0x00, /* size 26, Tlcreate, tag 4 */
		0x01, 0x00, 0x00, 0x00, /* fid 1 */
		0x01, 0x00, 'f', /* name "f" */
		0x41, 0x00, 0x00, 0x00, /* flags: O_CREAT|O_WRONLY = 0101 */
		0xa4, 0x01, 0x00, 0x00, /* mode 0644 */
		0x64, 0x00, 0x00, 0x00, /* gid 100 */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TLCREATE,
	        .tag = 4,
	        .u.tlcreate = {
	                .fid = 1, .name = {"f", 1}, .flags = 0101, .mode = 0644, .gid = 100}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.tlcreate.fid, 1);
	ASSERT_VIEW(got.u.tlcreate.name, "f", wire);
	assert_int_equal(got.u.tlcreate.flags, 0101);
	assert_int_equal(got.u.tlcreate.mode, 0644);
	assert_int_equal(got.u.tlcreate.gid, 100);
}

/* 7 + qid 13 + iounit 4 = 24 */
static void rlcreate_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x18, 0x00, 0x00, 0x00, 0x0f, 0x04, 0x00, /* size 24, Rlcreate, tag 4 */
		QID2_WIRE, /* qid */
		0x00, 0x10, 0x00, 0x00, /* iounit 4096 */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_RLCREATE, .tag = 4, .u.ropen = {.qid = QID2, .iounit = 4096}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	ASSERT_QID2(got.u.ropen.qid);
	assert_int_equal(got.u.ropen.iounit, 4096);
}

/* 7 + fid 4 + name 2+1 + symtgt 2+4 + gid 4 = 24 */
static void tsymlink_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x18, 0x00, 0x00, 0x00, 0x10, 0x05, 0x00, /* size 24, Tsymlink, tag 5 */
		0x01, 0x00, 0x00, 0x00, /* fid 1 */
		0x01, 0x00, 'l', /* name "l" */
		0x04, 0x00, '.', '.', '/', 't', /* symtgt "../t" */
		0x64, 0x00, 0x00, 0x00, /* gid 100 */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TSYMLINK,
	        .tag = 5,
	        .u.tsymlink = {.fid = 1, .name = {"l", 1}, .symtgt = {"../t", 4}, .gid = 100}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.tsymlink.fid, 1);
	ASSERT_VIEW(got.u.tsymlink.name, "l", wire);
	ASSERT_VIEW(got.u.tsymlink.symtgt, "../t", wire);
	assert_int_equal(got.u.tsymlink.gid, 100);
}

/* 7 + qid 13 = 20 */
static void rsymlink_matches_golden_bytes(void **state)
{
	(void)state;
	static const uint8_t wire[] = {0x14, 0x00, 0x00, 0x00, 0x11, 0x05, 0x00, QID2_WIRE};
	struct p9_fcall fc = {.type = P9_RSYMLINK, .tag = 5, .u.rmknod.qid = QID2};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	ASSERT_QID2(got.u.rmknod.qid);
}

/* 7 + dfid 4 + name 2+1 + mode 4 + major 4 + minor 4 + gid 4 = 30 */
static void tmknod_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x1e, 0x00, 0x00, 0x00, 0x12, 0x06, 0x00, /* size 30, Tmknod, tag 6 */
		0x01, 0x00, 0x00, 0x00, /* dfid 1 */
		0x01, 0x00, 'n', /* name "n" */
		0xa4, 0x21, 0x00, 0x00, /* mode: S_IFCHR|0644 = 020644 */
		0x01, 0x00, 0x00, 0x00, /* major 1 */
		0x03, 0x00, 0x00, 0x00, /* minor 3 */
		0x64, 0x00, 0x00, 0x00, /* gid 100 */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TMKNOD,
	                      .tag = 6,
	                      .u.tmknod = {.dfid = 1,
	                                   .name = {"n", 1},
	                                   .mode = 020644,
	                                   .major = 1,
	                                   .minor = 3,
	                                   .gid = 100}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.tmknod.dfid, 1);
	ASSERT_VIEW(got.u.tmknod.name, "n", wire);
	assert_int_equal(got.u.tmknod.mode, 020644);
	assert_int_equal(got.u.tmknod.major, 1);
	assert_int_equal(got.u.tmknod.minor, 3);
	assert_int_equal(got.u.tmknod.gid, 100);
}

/* 7 + qid 13 = 20 */
static void rmknod_matches_golden_bytes(void **state)
{
	(void)state;
	static const uint8_t wire[] = {0x14, 0x00, 0x00, 0x00, 0x13, 0x06, 0x00, QID2_WIRE};
	struct p9_fcall fc = {.type = P9_RMKNOD, .tag = 6, .u.rmknod.qid = QID2};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	ASSERT_QID2(got.u.rmknod.qid);
}

/* 7 + fid 4 + dfid 4 + name 2+1 = 18 */
static void trename_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x12, 0x00, 0x00, 0x00, 0x14, 0x07, 0x00, /* size 18, Trename, tag 7 */
		0x02, 0x00, 0x00, 0x00, /* fid 2 */
		0x01, 0x00, 0x00, 0x00, /* dfid 1 */
		0x01, 0x00, 'x', /* name */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TRENAME, .tag = 7, .u.trename = {.fid = 2, .dfid = 1, .name = {"x", 1}}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.trename.fid, 2);
	assert_int_equal(got.u.trename.dfid, 1);
	ASSERT_VIEW(got.u.trename.name, "x", wire);
}

/* Replies without a body: the 7-byte header alone. */
static void check_bodyless(uint8_t type, uint16_t tag, unsigned mask)
{
	const uint8_t wire[7] = {0x07, 0x00, 0x00, 0x00, type, (uint8_t)tag, (uint8_t)(tag >> 8)};
	struct p9_fcall fc = {.type = type, .tag = tag};
	struct p9_fcall got;
	GOLDEN(mask, &fc, wire, &got);
}

static void rrename_matches_golden_bytes(void **state)
{
	(void)state;
	check_bodyless(P9_RRENAME, 7, D2000L);
}

/* 7 + fid 4 = 11 */
static void treadlink_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x0b, 0x00, 0x00, 0x00, 0x16, 0x08, 0x00, /* size 11, Treadlink, tag 8 */
		0x02, 0x00, 0x00, 0x00, /* fid */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TREADLINK, .tag = 8, .u.tclunk.fid = 2};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.tclunk.fid, 2);
}

/* 7 + target 2+4 = 13 */
static void rreadlink_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x0d, 0x00, 0x00, 0x00, 0x17, 0x08, 0x00, /* size 13, Rreadlink, tag 8 */
		0x04, 0x00, '/', 'e', 't', 'c', /* target */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RREADLINK, .tag = 8, .u.rreadlink.target = {"/etc", 4}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	ASSERT_VIEW(got.u.rreadlink.target, "/etc", wire);
}

/* 7 + fid 4 + request_mask 8 = 19 */
static void tgetattr_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x13, 0x00, 0x00, 0x00, 0x18, 0x09, 0x00, /* size 19, Tgetattr, tag 9 */
		0x02, 0x00, 0x00, 0x00, /* fid 2 */
		0xff, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* request_mask: ALL */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TGETATTR,
	                      .tag = 9,
	                      .u.tgetattr = {.fid = 2, .request_mask = P9_GETATTR_ALL}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.tgetattr.fid, 2);
	assert_int_equal(got.u.tgetattr.request_mask, 0x3fff);
}

/* 7 + valid 8 + qid 13 + mode/uid/gid 12 + 15 * 8 = 160 */
static void rgetattr_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0xa0, 0x00, 0x00, 0x00, 0x19, 0x09, 0x00, /* size 160, Rgetattr, tag 9 */
		0xff, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* valid BASIC */
		QID1_WIRE, /* qid */
		0xed, 0x41, 0x00, 0x00, /* mode 040755 */
		0xe8, 0x03, 0x00, 0x00, /* uid 1000 */
		0x64, 0x00, 0x00, 0x00, /* gid 100 */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* nlink 2 */
		0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* rdev 0x103 */
		0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* size 4096 */
		0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* blksize 512 */
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* blocks 8 */
		0x00, 0xf1, 0x53, 0x65, 0x00, 0x00, 0x00, 0x00, /* atime_sec 0x6553f100 */
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* atime_nsec 1 */
		0x01, 0xf1, 0x53, 0x65, 0x00, 0x00, 0x00, 0x00, /* mtime_sec */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* mtime_nsec 2 */
		0x02, 0xf1, 0x53, 0x65, 0x00, 0x00, 0x00, 0x00, /* ctime_sec */
		0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* ctime_nsec 3 */
		0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* btime_sec 4 */
		0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* btime_nsec 5 */
		0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* gen 6 */
		0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, /* data_version */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RGETATTR,
	                      .tag = 9,
	                      .u.rgetattr = {.valid = P9_GETATTR_BASIC,
	                                     .qid = QID1,
	                                     .mode = 040755,
	                                     .uid = 1000,
	                                     .gid = 100,
	                                     .nlink = 2,
	                                     .rdev = 0x103,
	                                     .size = 4096,
	                                     .blksize = 512,
	                                     .blocks = 8,
	                                     .atime_sec = 0x6553f100,
	                                     .atime_nsec = 1,
	                                     .mtime_sec = 0x6553f101,
	                                     .mtime_nsec = 2,
	                                     .ctime_sec = 0x6553f102,
	                                     .ctime_nsec = 3,
	                                     .btime_sec = 4,
	                                     .btime_nsec = 5,
	                                     .gen = 6,
	                                     .data_version = 0x8000000000000007ull}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	const struct p9_rgetattr *a = &got.u.rgetattr;
	assert_int_equal(a->valid, 0x7ff);
	ASSERT_QID1(a->qid);
	assert_int_equal(a->mode, 040755);
	assert_int_equal(a->uid, 1000);
	assert_int_equal(a->gid, 100);
	assert_int_equal(a->nlink, 2);
	assert_int_equal(a->rdev, 0x103);
	assert_int_equal(a->size, 4096);
	assert_int_equal(a->blksize, 512);
	assert_int_equal(a->blocks, 8);
	assert_int_equal(a->atime_sec, 0x6553f100);
	assert_int_equal(a->atime_nsec, 1);
	assert_int_equal(a->mtime_sec, 0x6553f101);
	assert_int_equal(a->mtime_nsec, 2);
	assert_int_equal(a->ctime_sec, 0x6553f102);
	assert_int_equal(a->ctime_nsec, 3);
	assert_int_equal(a->btime_sec, 4);
	assert_int_equal(a->btime_nsec, 5);
	assert_int_equal(a->gen, 6);
	assert_int_equal(a->data_version, 0x8000000000000007ull);
}

/* 7 + fid/valid/mode/uid/gid 5 * 4 + size/atime/mtime 5 * 8 = 67 */
static void tsetattr_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x43, 0x00, 0x00, 0x00, 0x1a, 0x0a, 0x00, /* size 67, Tsetattr, tag 10 */
		0x02, 0x00, 0x00, 0x00, /* fid 2 */
		0xb9, 0x01, 0x00, 0x00, /* valid MODE|SIZE|ATIME|MTIME|ATIME_SET|MTIME_SET */
		0x80, 0x01, 0x00, 0x00, /* mode 0600 */
		0xe9, 0x03, 0x00, 0x00, /* uid 1001 */
		0x65, 0x00, 0x00, 0x00, /* gid 101 */
		0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* size 100 */
		0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* atime_sec 5 */
		0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* atime_nsec 6 */
		0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* mtime_sec 7 */
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* mtime_nsec 8 */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TSETATTR,
	                      .tag = 10,
	                      .u.tsetattr = {.fid = 2,
	                                     .valid = P9_SETATTR_MODE | P9_SETATTR_SIZE |
	                                              P9_SETATTR_ATIME | P9_SETATTR_MTIME |
	                                              P9_SETATTR_ATIME_SET | P9_SETATTR_MTIME_SET,
	                                     .mode = 0600,
	                                     .uid = 1001,
	                                     .gid = 101,
	                                     .size = 100,
	                                     .atime_sec = 5,
	                                     .atime_nsec = 6,
	                                     .mtime_sec = 7,
	                                     .mtime_nsec = 8}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	const struct p9_tsetattr *s = &got.u.tsetattr;
	assert_int_equal(s->fid, 2);
	assert_int_equal(s->valid, 0x1b9);
	assert_int_equal(s->mode, 0600);
	assert_int_equal(s->uid, 1001);
	assert_int_equal(s->gid, 101);
	assert_int_equal(s->size, 100);
	assert_int_equal(s->atime_sec, 5);
	assert_int_equal(s->atime_nsec, 6);
	assert_int_equal(s->mtime_sec, 7);
	assert_int_equal(s->mtime_nsec, 8);
}

static void rsetattr_matches_golden_bytes(void **state)
{
	(void)state;
	check_bodyless(P9_RSETATTR, 10, D2000L);
}

/* 7 + fid 4 + newfid 4 + name 2+6 = 23 */
static void txattrwalk_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x17, 0x00, 0x00, 0x00, 0x1e, 0x0b, 0x00, /* size 23, Txattrwalk, tag 11 */
		0x02, 0x00, 0x00, 0x00, /* fid 2 */
		0x03, 0x00, 0x00, 0x00, /* newfid 3 */
		0x06, 0x00, 'u', 's', 'e', 'r', '.', 'a', /* name */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TXATTRWALK,
	                      .tag = 11,
	                      .u.txattrwalk = {.fid = 2, .newfid = 3, .name = {"user.a", 6}}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.txattrwalk.fid, 2);
	assert_int_equal(got.u.txattrwalk.newfid, 3);
	ASSERT_VIEW(got.u.txattrwalk.name, "user.a", wire);
}

/* 7 + size 8 = 15 */
static void rxattrwalk_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x0f, 0x00, 0x00, 0x00, 0x1f, 0x0b, 0x00, /* size 15, Rxattrwalk, tag 11 */
		0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* size */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RXATTRWALK, .tag = 11, .u.rxattrwalk.size = 10};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.rxattrwalk.size, 10);
}

/* 7 + fid 4 + name 2+6 + attr_size 8 + flags 4 = 31 */
static void txattrcreate_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x1f, 0x00, 0x00, 0x00, 0x20, 0x0c, 0x00, /* size 31, Txattrcreate, tag 12 */
		0x03, 0x00, 0x00, 0x00, /* fid 3 */
		0x06, 0x00, 'u', 's', 'e', 'r', '.', 'a', /* name */
		0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* attr_size */
		0x01, 0x00, 0x00, 0x00, /* flags: XATTR_CREATE */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TXATTRCREATE,
	        .tag = 12,
	        .u.txattrcreate = {.fid = 3, .name = {"user.a", 6}, .attr_size = 5, .flags = 1}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.txattrcreate.fid, 3);
	ASSERT_VIEW(got.u.txattrcreate.name, "user.a", wire);
	assert_int_equal(got.u.txattrcreate.attr_size, 5);
	assert_int_equal(got.u.txattrcreate.flags, 1);
}

static void rxattrcreate_matches_golden_bytes(void **state)
{
	(void)state;
	check_bodyless(P9_RXATTRCREATE, 12, D2000L);
}

/* 7 + fid 4 + offset 8 + count 4 = 23 */
static void treaddir_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x17, 0x00, 0x00, 0x00, 0x28, 0x0d, 0x00, /* size 23, Treaddir, tag 13 */
		0x02, 0x00, 0x00, 0x00, /* fid 2 */
		0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* offset 42 */
		0xe8, 0x1f, 0x00, 0x00, /* count 8168 */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TREADDIR, .tag = 13, .u.tread = {.fid = 2, .offset = 42, .count = 8168}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.tread.fid, 2);
	assert_int_equal(got.u.tread.offset, 42);
	assert_int_equal(got.u.tread.count, 8168);
}

/* 7 + count 4 + one entry (qid 13 + offset 8 + type 1 + name 2+1 = 25) = 36 */
static void rreaddir_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x24, 0x00, 0x00, 0x00, 0x29, 0x0d, 0x00, /* size 36, Rreaddir, tag 13 */
		0x19, 0x00, 0x00, 0x00, /* count 25 */
		QID2_WIRE, /* qid */
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* offset 1 */
		0x04, /* type: DT_DIR */
		0x01, 0x00, '.', /* name */
	};
	/* clang-format on */
	/* clang-format off */
	static const uint8_t entry[25] = {
		QID2_WIRE, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x04, 0x01, 0x00, '.',
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_RREADDIR, .tag = 13, .u.rread = {.count = 25, .data = entry}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.rread.count, 25);
	assert_ptr_equal(got.u.rread.data, wire + 11); /* a view, not a copy */
}

/* 7 + fid 4 + datasync 4 = 15 */
static void tfsync_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x0f, 0x00, 0x00, 0x00, 0x32, 0x0e, 0x00, /* size 15, Tfsync, tag 14 */
		0x02, 0x00, 0x00, 0x00, /* fid */
		0x01, 0x00, 0x00, 0x00, /* datasync */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TFSYNC, .tag = 14, .u.tfsync = {.fid = 2, .datasync = 1}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.tfsync.fid, 2);
	assert_int_equal(got.u.tfsync.datasync, 1);
}

static void rfsync_matches_golden_bytes(void **state)
{
	(void)state;
	check_bodyless(P9_RFSYNC, 14, D2000L);
}

/* 7 + fid 4 + type 1 + flags 4 + start 8 + length 8 + proc_id 4 + client_id 2+4 = 42 */
static void tlock_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x2a, 0x00, 0x00, 0x00, 0x34, 0x0f, 0x00, /* size 42, Tlock, tag 15 */
		0x02, 0x00, 0x00, 0x00, /* fid 2 */
		0x01, /* type: WRLCK */
		0x01, 0x00, 0x00, 0x00, /* flags: BLOCK */
		0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* start 100 */
		0xc8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* length 200 */
		0x92, 0x10, 0x00, 0x00, /* proc_id 4242 */
		0x04, 0x00, 'h', 'o', 's', 't', /* client_id */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TLOCK,
	                      .tag = 15,
	                      .u.tlock = {.fid = 2,
	                                  .type = P9_LOCK_TYPE_WRLCK,
	                                  .flags = P9_LOCK_FLAGS_BLOCK,
	                                  .start = 100,
	                                  .length = 200,
	                                  .proc_id = 4242,
	                                  .client_id = {"host", 4}}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.tlock.fid, 2);
	assert_int_equal(got.u.tlock.type, P9_LOCK_TYPE_WRLCK);
	assert_int_equal(got.u.tlock.flags, P9_LOCK_FLAGS_BLOCK);
	assert_int_equal(got.u.tlock.start, 100);
	assert_int_equal(got.u.tlock.length, 200);
	assert_int_equal(got.u.tlock.proc_id, 4242);
	ASSERT_VIEW(got.u.tlock.client_id, "host", wire);
}

/* 7 + status 1 = 8 */
static void rlock_matches_golden_bytes(void **state)
{
	(void)state;
	static const uint8_t wire[] = {0x08, 0x00, 0x00, 0x00, 0x35, 0x0f, 0x00, 0x01};
	struct p9_fcall fc = {.type = P9_RLOCK, .tag = 15, .u.rlock.status = P9_LOCK_BLOCKED};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.rlock.status, P9_LOCK_BLOCKED);
}

/* 7 + fid 4 + type 1 + start 8 + length 8 + proc_id 4 + client_id 2+1 = 35 */
static void tgetlock_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x23, 0x00, 0x00, 0x00, 0x36, 0x10, 0x00, /* size 35, Tgetlock, tag 16 */
		0x02, 0x00, 0x00, 0x00, /* fid 2 */
		0x00, /* type: RDLCK */
		0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* start 10 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* length 0 */
		0x07, 0x00, 0x00, 0x00, /* proc_id 7 */
		0x01, 0x00, 'h', /* client_id */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TGETLOCK,
	                      .tag = 16,
	                      .u.tgetlock = {.fid = 2,
	                                     .type = P9_LOCK_TYPE_RDLCK,
	                                     .start = 10,
	                                     .length = 0,
	                                     .proc_id = 7,
	                                     .client_id = {"h", 1}}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.tgetlock.fid, 2);
	assert_int_equal(got.u.tgetlock.type, P9_LOCK_TYPE_RDLCK);
	assert_int_equal(got.u.tgetlock.start, 10);
	assert_int_equal(got.u.tgetlock.length, 0);
	assert_int_equal(got.u.tgetlock.proc_id, 7);
	ASSERT_VIEW(got.u.tgetlock.client_id, "h", wire);
}

/* 7 + type 1 + start 8 + length 8 + proc_id 4 + client_id 2+1 = 31 */
static void rgetlock_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x1f, 0x00, 0x00, 0x00, 0x37, 0x10, 0x00, /* size 31, Rgetlock, tag 16 */
		0x02, /* type: UNLCK */
		0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* start 10 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* length 0 */
		0x07, 0x00, 0x00, 0x00, /* proc_id 7 */
		0x01, 0x00, 'h', /* client_id */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RGETLOCK,
	                      .tag = 16,
	                      .u.rgetlock = {.type = P9_LOCK_TYPE_UNLCK,
	                                     .start = 10,
	                                     .length = 0,
	                                     .proc_id = 7,
	                                     .client_id = {"h", 1}}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.rgetlock.type, P9_LOCK_TYPE_UNLCK);
	assert_int_equal(got.u.rgetlock.start, 10);
	assert_int_equal(got.u.rgetlock.length, 0);
	assert_int_equal(got.u.rgetlock.proc_id, 7);
	ASSERT_VIEW(got.u.rgetlock.client_id, "h", wire);
}

/* 7 + dfid 4 + fid 4 + name 2+2 = 19 */
static void tlink_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x13, 0x00, 0x00, 0x00, 0x46, 0x11, 0x00, /* size 19, Tlink, tag 17 */
		0x01, 0x00, 0x00, 0x00, /* dfid 1 */
		0x02, 0x00, 0x00, 0x00, /* fid 2 */
		0x02, 0x00, 'h', 'l', /* name */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TLINK, .tag = 17, .u.tlink = {.dfid = 1, .fid = 2, .name = {"hl", 2}}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.tlink.dfid, 1);
	assert_int_equal(got.u.tlink.fid, 2);
	ASSERT_VIEW(got.u.tlink.name, "hl", wire);
}

static void rlink_matches_golden_bytes(void **state)
{
	(void)state;
	check_bodyless(P9_RLINK, 17, D2000L);
}

/* 7 + dfid 4 + name 2+1 + mode 4 + gid 4 = 22 */
static void tmkdir_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x16, 0x00, 0x00, 0x00, 0x48, 0x12, 0x00, /* size 22, Tmkdir, tag 18 */
		0x01, 0x00, 0x00, 0x00, /* dfid 1 */
		0x01, 0x00, 'd', /* name */
		0xed, 0x01, 0x00, 0x00, /* mode 0755 */
		0x64, 0x00, 0x00, 0x00, /* gid 100 */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TMKDIR,
	                      .tag = 18,
	                      .u.tmkdir = {.dfid = 1, .name = {"d", 1}, .mode = 0755, .gid = 100}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.tmkdir.dfid, 1);
	ASSERT_VIEW(got.u.tmkdir.name, "d", wire);
	assert_int_equal(got.u.tmkdir.mode, 0755);
	assert_int_equal(got.u.tmkdir.gid, 100);
}

/* 7 + qid 13 = 20 */
static void rmkdir_matches_golden_bytes(void **state)
{
	(void)state;
	static const uint8_t wire[] = {0x14, 0x00, 0x00, 0x00, 0x49, 0x12, 0x00, QID1_WIRE};
	struct p9_fcall fc = {.type = P9_RMKDIR, .tag = 18, .u.rmknod.qid = QID1};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	ASSERT_QID1(got.u.rmknod.qid);
}

/* 7 + olddirfid 4 + oldname 2+1 + newdirfid 4 + newname 2+1 = 21 */
static void trenameat_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x15, 0x00, 0x00, 0x00, 0x4a, 0x13, 0x00, /* size 21, Trenameat, tag 19 */
		0x01, 0x00, 0x00, 0x00, /* olddirfid */
		0x01, 0x00, 'a', /* oldname */
		0x02, 0x00, 0x00, 0x00, /* newdirfid */
		0x01, 0x00, 'b', /* newname */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TRENAMEAT,
	        .tag = 19,
	        .u.trenameat = {
	                .olddirfid = 1, .oldname = {"a", 1}, .newdirfid = 2, .newname = {"b", 1}}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.trenameat.olddirfid, 1);
	ASSERT_VIEW(got.u.trenameat.oldname, "a", wire);
	assert_int_equal(got.u.trenameat.newdirfid, 2);
	ASSERT_VIEW(got.u.trenameat.newname, "b", wire);
}

static void rrenameat_matches_golden_bytes(void **state)
{
	(void)state;
	check_bodyless(P9_RRENAMEAT, 19, D2000L);
}

/* 7 + dirfid 4 + name 2+1 + flags 4 = 18 */
static void tunlinkat_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x12, 0x00, 0x00, 0x00, 0x4c, 0x14, 0x00, /* size 18, Tunlinkat, tag 20 */
		0x01, 0x00, 0x00, 0x00, /* dirfid */
		0x01, 0x00, 'd', /* name */
		0x00, 0x02, 0x00, 0x00, /* flags */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TUNLINKAT,
	        .tag = 20,
	        .u.tunlinkat = {.dirfid = 1, .name = {"d", 1}, .flags = P9_AT_REMOVEDIR}};
	struct p9_fcall got;
	GOLDEN(D2000L, &fc, wire, &got);
	assert_int_equal(got.u.tunlinkat.dirfid, 1);
	ASSERT_VIEW(got.u.tunlinkat.name, "d", wire);
	assert_int_equal(got.u.tunlinkat.flags, 0x200);
}

static void runlinkat_matches_golden_bytes(void **state)
{
	(void)state;
	check_bodyless(P9_RUNLINKAT, 20, D2000L);
}

int run_golden_dotl_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(rlerror_matches_golden_bytes),
	        cmocka_unit_test(tstatfs_matches_golden_bytes),
	        cmocka_unit_test(rstatfs_matches_golden_bytes),
	        cmocka_unit_test(tlopen_matches_golden_bytes),
	        cmocka_unit_test(rlopen_matches_golden_bytes),
	        cmocka_unit_test(tlcreate_matches_golden_bytes),
	        cmocka_unit_test(rlcreate_matches_golden_bytes),
	        cmocka_unit_test(tsymlink_matches_golden_bytes),
	        cmocka_unit_test(rsymlink_matches_golden_bytes),
	        cmocka_unit_test(tmknod_matches_golden_bytes),
	        cmocka_unit_test(rmknod_matches_golden_bytes),
	        cmocka_unit_test(trename_matches_golden_bytes),
	        cmocka_unit_test(rrename_matches_golden_bytes),
	        cmocka_unit_test(treadlink_matches_golden_bytes),
	        cmocka_unit_test(rreadlink_matches_golden_bytes),
	        cmocka_unit_test(tgetattr_matches_golden_bytes),
	        cmocka_unit_test(rgetattr_matches_golden_bytes),
	        cmocka_unit_test(tsetattr_matches_golden_bytes),
	        cmocka_unit_test(rsetattr_matches_golden_bytes),
	        cmocka_unit_test(txattrwalk_matches_golden_bytes),
	        cmocka_unit_test(rxattrwalk_matches_golden_bytes),
	        cmocka_unit_test(txattrcreate_matches_golden_bytes),
	        cmocka_unit_test(rxattrcreate_matches_golden_bytes),
	        cmocka_unit_test(treaddir_matches_golden_bytes),
	        cmocka_unit_test(rreaddir_matches_golden_bytes),
	        cmocka_unit_test(tfsync_matches_golden_bytes),
	        cmocka_unit_test(rfsync_matches_golden_bytes),
	        cmocka_unit_test(tlock_matches_golden_bytes),
	        cmocka_unit_test(rlock_matches_golden_bytes),
	        cmocka_unit_test(tgetlock_matches_golden_bytes),
	        cmocka_unit_test(rgetlock_matches_golden_bytes),
	        cmocka_unit_test(tlink_matches_golden_bytes),
	        cmocka_unit_test(rlink_matches_golden_bytes),
	        cmocka_unit_test(tmkdir_matches_golden_bytes),
	        cmocka_unit_test(rmkdir_matches_golden_bytes),
	        cmocka_unit_test(trenameat_matches_golden_bytes),
	        cmocka_unit_test(rrenameat_matches_golden_bytes),
	        cmocka_unit_test(tunlinkat_matches_golden_bytes),
	        cmocka_unit_test(runlinkat_matches_golden_bytes),
	};
	return cmocka_run_group_tests_name("golden 9P2000.L", tests, NULL, NULL);
}
