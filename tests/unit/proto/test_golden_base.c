/*
 * test_golden_base.c: golden byte vectors for every message of classic
 * 9P2000, in each dialect where its layout differs (.u and .L add
 * n_uname to Tauth/Tattach, errno to Rerror, extension to Tcreate and
 * extension + numeric ids to the stat record).
 *
 * Wire bytes are written by hand from the protocol description (Plan 9's
 * intro(5), stat(5); the .u additions as the Linux client sends them);
 * the size counted by hand is in the comment above each vector.
 */
#include <errno.h>
#include <string.h>

#include "helpers.h"

/* 7 + msize 4 + version 2+8 = 21 */
static void tversion_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x15, 0x00, 0x00, 0x00, 0x64, 0xff, 0xff, /* size 21, Tversion, tag NOTAG */
		0x00, 0x20, 0x00, 0x00, /* msize 8192 */
		0x08, 0x00, '9', 'P', '2', '0', '0', '0', '.', 'L', /* version */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TVERSION,
	                      .tag = P9_NOTAG,
	                      .u.version = {.msize = 8192, .version = {"9P2000.L", 8}}};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	assert_int_equal(got.tag, P9_NOTAG);
	assert_int_equal(got.u.version.msize, 8192);
	ASSERT_VIEW(got.u.version.version, "9P2000.L", wire);
}

/* 7 + msize 4 + version 2+6 = 19 */
static void rversion_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x13, 0x00, 0x00, 0x00, 0x65, 0xff, 0xff, /* size 19, Rversion, tag NOTAG */
		0x00, 0x00, 0x01, 0x00, /* msize 65536 */
		0x06, 0x00, '9', 'P', '2', '0', '0', '0', /* version */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RVERSION,
	                      .tag = P9_NOTAG,
	                      .u.version = {.msize = 65536, .version = {"9P2000", 6}}};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	assert_int_equal(got.u.version.msize, 65536);
	ASSERT_VIEW(got.u.version.version, "9P2000", wire);
}

/* classic: 7 + afid 4 + uname 2+3 + aname 2+0 = 18 */
static void tauth_classic_matches_golden_bytes_without_n_uname(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x12, 0x00, 0x00, 0x00, 0x66, 0x01, 0x00, /* size 18, Tauth, tag 1 */
		0x0a, 0x00, 0x00, 0x00, /* afid 10 */
		0x03, 0x00, 'b', 'o', 'b', /* uname */
		0x00, 0x00, /* aname "" */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TAUTH,
	                      .tag = 1,
	                      .u.tauth = {.afid = 10,
	                                  .uname = {"bob", 3},
	                                  .aname = {"", 0},
	                                  .n_uname = 1000 /* not on the classic wire */}};
	struct p9_fcall got;
	GOLDEN(D2000, &fc, wire, &got);
	assert_int_equal(got.u.tauth.afid, 10);
	ASSERT_VIEW(got.u.tauth.uname, "bob", wire);
	ASSERT_VIEW(got.u.tauth.aname, "", wire);
	assert_int_equal(got.u.tauth.n_uname, 0xFFFFFFFFu); /* no numeric id */
}

/* .u/.L: 18 + n_uname 4 = 22 */
static void tauth_dotu_matches_golden_bytes_with_n_uname(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x16, 0x00, 0x00, 0x00, 0x66, 0x01, 0x00, /* size 22, Tauth, tag 1 */
		0x0a, 0x00, 0x00, 0x00, /* afid */
		0x03, 0x00, 'b', 'o', 'b', /* uname */
		0x00, 0x00, /* aname */
		0xe8, 0x03, 0x00, 0x00, /* n_uname 1000 */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TAUTH,
	        .tag = 1,
	        .u.tauth = {.afid = 10, .uname = {"bob", 3}, .aname = {"", 0}, .n_uname = 1000}};
	struct p9_fcall got;
	GOLDEN(DUL, &fc, wire, &got);
	assert_int_equal(got.u.tauth.afid, 10);
	ASSERT_VIEW(got.u.tauth.uname, "bob", wire);
	ASSERT_VIEW(got.u.tauth.aname, "", wire);
	assert_int_equal(got.u.tauth.n_uname, 1000);
}

/* 7 + aqid 13 = 20 */
static void rauth_matches_golden_bytes(void **state)
{
	(void)state;
	static const uint8_t wire[] = {0x14, 0x00, 0x00, 0x00, 0x67, 0x01, 0x00, QID2_WIRE};
	struct p9_fcall fc = {.type = P9_RAUTH, .tag = 1, .u.rauth.aqid = QID2};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	ASSERT_QID2(got.u.rauth.aqid);
}

/* classic: 7 + fid 4 + afid 4 + uname 2+6 + aname 2+1 = 26 */
static void tattach_classic_matches_golden_bytes_without_n_uname(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x1a, 0x00, 0x00, 0x00, 0x68, 0x02, 0x00, /* size 26, Tattach, tag 2 */
		0x01, 0x00, 0x00, 0x00, /* fid 1 */
		0xff, 0xff, 0xff, 0xff, /* afid NOFID */
		0x06, 0x00, 'g', 'l', 'e', 'n', 'd', 'a', /* uname */
		0x01, 0x00, '/', /* aname */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TATTACH,
	                      .tag = 2,
	                      .u.tattach = {.fid = 1,
	                                    .afid = P9_NOFID,
	                                    .uname = {"glenda", 6},
	                                    .aname = {"/", 1},
	                                    .n_uname = 0}};
	struct p9_fcall got;
	GOLDEN(D2000, &fc, wire, &got);
	assert_int_equal(got.u.tattach.fid, 1);
	assert_int_equal(got.u.tattach.afid, P9_NOFID);
	ASSERT_VIEW(got.u.tattach.uname, "glenda", wire);
	ASSERT_VIEW(got.u.tattach.aname, "/", wire);
	/* a classic client sent no uid: it must not decode as root (0) */
	assert_int_equal(got.u.tattach.n_uname, 0xFFFFFFFFu);
}

/* .u/.L: 26 + n_uname 4 = 30 */
static void tattach_dotl_matches_golden_bytes_with_n_uname(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x1e, 0x00, 0x00, 0x00, 0x68, 0x02, 0x00, /* size 30, Tattach, tag 2 */
		0x01, 0x00, 0x00, 0x00, /* fid */
		0xff, 0xff, 0xff, 0xff, /* afid */
		0x06, 0x00, 'g', 'l', 'e', 'n', 'd', 'a', /* uname */
		0x01, 0x00, '/', /* aname */
		0x00, 0x00, 0x00, 0x00, /* n_uname 0 (root) */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TATTACH,
	                      .tag = 2,
	                      .u.tattach = {.fid = 1,
	                                    .afid = P9_NOFID,
	                                    .uname = {"glenda", 6},
	                                    .aname = {"/", 1},
	                                    .n_uname = 0}};
	struct p9_fcall got;
	GOLDEN(DUL, &fc, wire, &got);
	assert_int_equal(got.u.tattach.fid, 1);
	assert_int_equal(got.u.tattach.afid, P9_NOFID);
	ASSERT_VIEW(got.u.tattach.uname, "glenda", wire);
	ASSERT_VIEW(got.u.tattach.aname, "/", wire);
	assert_int_equal(got.u.tattach.n_uname, 0);
}

/* 7 + qid 13 = 20 */
static void rattach_matches_golden_bytes(void **state)
{
	(void)state;
	static const uint8_t wire[] = {0x14, 0x00, 0x00, 0x00, 0x69, 0x02, 0x00, QID1_WIRE};
	struct p9_fcall fc = {.type = P9_RATTACH, .tag = 2, .u.rattach.qid = QID1};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	ASSERT_QID1(got.u.rattach.qid);
}

/* classic: 7 + ename 2+12 = 21 */
static void rerror_classic_matches_golden_bytes_without_errno(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x15, 0x00, 0x00, 0x00, 0x6b, 0x03, 0x00, /* size 21, Rerror, tag 3 */
		0x0c, 0x00, 'n', 'o', ' ', 's', 'u', 'c', 'h', ' ', 'f', 'i', 'l', 'e', /* ename */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RERROR,
	                      .tag = 3,
	                      .u.rerror = {.ename = {"no such file", 12}, .errnum = 2}};
	struct p9_fcall got;
	GOLDEN(D2000, &fc, wire, &got);
	ASSERT_VIEW(got.u.rerror.ename, "no such file", wire);
	assert_int_equal(got.u.rerror.errnum, 0);
}

/* .u/.L: 21 + errnum 4 = 25 */
static void rerror_dotu_matches_golden_bytes_with_errno(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x19, 0x00, 0x00, 0x00, 0x6b, 0x03, 0x00, /* size 25, Rerror, tag 3 */
		0x0c, 0x00, 'n', 'o', ' ', 's', 'u', 'c', 'h', ' ', 'f', 'i', 'l', 'e', /* ename */
		0x02, 0x00, 0x00, 0x00, /* errno */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RERROR,
	                      .tag = 3,
	                      .u.rerror = {.ename = {"no such file", 12}, .errnum = 2}};
	struct p9_fcall got;
	GOLDEN(DUL, &fc, wire, &got);
	ASSERT_VIEW(got.u.rerror.ename, "no such file", wire);
	assert_int_equal(got.u.rerror.errnum, 2);
}

/* 7 + oldtag 2 = 9 */
static void tflush_matches_golden_bytes(void **state)
{
	(void)state;
	static const uint8_t wire[] = {0x09, 0x00, 0x00, 0x00, 0x6c, 0x04, 0x00, 0x05, 0x03};
	struct p9_fcall fc = {.type = P9_TFLUSH, .tag = 4, .u.tflush.oldtag = 0x0305};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	assert_int_equal(got.u.tflush.oldtag, 0x0305);
}

static void check_bodyless(uint8_t type, uint16_t tag)
{
	const uint8_t wire[7] = {0x07, 0x00, 0x00, 0x00, type, (uint8_t)tag, (uint8_t)(tag >> 8)};
	struct p9_fcall fc = {.type = type, .tag = tag};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
}

static void rflush_matches_golden_bytes(void **state)
{
	(void)state;
	check_bodyless(P9_RFLUSH, 4);
}

/* 7 + fid 4 + newfid 4 + nwname 2 + "a" 2+1 + "bc" 2+2 = 24 */
static void twalk_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x18, 0x00, 0x00, 0x00, 0x6e, 0x03, 0x00, /* size 24, Twalk, tag 3 */
		0x01, 0x00, 0x00, 0x00, /* fid 1 */
		0x02, 0x00, 0x00, 0x00, /* newfid 2 */
		0x02, 0x00, /* nwname 2 */
		0x01, 0x00, 'a', /* wname[0] */
		0x02, 0x00, 'b', 'c', /* wname[1] */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TWALK,
	        .tag = 3,
	        .u.twalk = {.fid = 1, .newfid = 2, .nwname = 2, .wname = {{"a", 1}, {"bc", 2}}}};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	assert_int_equal(got.u.twalk.fid, 1);
	assert_int_equal(got.u.twalk.newfid, 2);
	assert_int_equal(got.u.twalk.nwname, 2);
	ASSERT_VIEW(got.u.twalk.wname[0], "a", wire);
	ASSERT_VIEW(got.u.twalk.wname[1], "bc", wire);
}

/* A clone: 7 + fid 4 + newfid 4 + nwname 2 = 17 */
static void twalk_without_names_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x11, 0x00, 0x00, 0x00, 0x6e, 0x03, 0x00, /* size 17, Twalk, tag 3 */
		0x01, 0x00, 0x00, 0x00, /* fid */
		0x02, 0x00, 0x00, 0x00, /* newfid */
		0x00, 0x00, /* nwname */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TWALK, .tag = 3, .u.twalk = {.fid = 1, .newfid = 2, .nwname = 0}};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	assert_int_equal(got.u.twalk.nwname, 0);
}

/* 7 + nwqid 2 + 2 * 13 = 35 */
static void rwalk_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x23, 0x00, 0x00, 0x00, 0x6f, 0x03, 0x00, /* size 35, Rwalk, tag 3 */
		0x02, 0x00, /* nwqid */
		QID1_WIRE, /* wqid[0] */
		QID2_WIRE, /* wqid[1] */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_RWALK, .tag = 3, .u.rwalk = {.nwqid = 2, .wqid = {QID1, QID2}}};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	assert_int_equal(got.u.rwalk.nwqid, 2);
	ASSERT_QID1(got.u.rwalk.wqid[0]);
	ASSERT_QID2(got.u.rwalk.wqid[1]);
}

/* 7 + fid 4 + mode 1 = 12 */
static void topen_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x0c, 0x00, 0x00, 0x00, 0x70, 0x05, 0x00, /* size 12, Topen, tag 5 */
		0x05, 0x00, 0x00, 0x00, /* fid */
		0x12, /* mode */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TOPEN, .tag = 5, .u.topen = {.fid = 5, .mode = P9_ORDWR | P9_OTRUNC}};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	assert_int_equal(got.u.topen.fid, 5);
	assert_int_equal(got.u.topen.mode, 0x12);
}

/* 7 + qid 13 + iounit 4 = 24 */
static void ropen_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x18, 0x00, 0x00, 0x00, 0x71, 0x05, 0x00, /* size 24, Ropen, tag 5 */
		QID1_WIRE, /* qid */
		0xe8, 0x1f, 0x00, 0x00, /* iounit 8168 */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_ROPEN, .tag = 5, .u.ropen = {.qid = QID1, .iounit = 8168}};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	ASSERT_QID1(got.u.ropen.qid);
	assert_int_equal(got.u.ropen.iounit, 8168);
}

/* classic: 7 + fid 4 + name 2+3 + perm 4 + mode 1 = 21 */
static void tcreate_classic_matches_golden_bytes_without_extension(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x15, 0x00, 0x00, 0x00, 0x72, 0x06, 0x00, /* size 21, Tcreate, tag 6 */
		0x05, 0x00, 0x00, 0x00, /* fid */
		0x03, 0x00, 'n', 'e', 'w', /* name */
		0xed, 0x01, 0x00, 0x80, /* perm */
		0x00, /* mode: OREAD */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TCREATE,
	                      .tag = 6,
	                      .u.tcreate = {.fid = 5,
	                                    .name = {"new", 3},
	                                    .perm = P9_DMDIR | 0755,
	                                    .mode = P9_OREAD,
	                                    .extension = {"tgt", 3} /* not on the wire */}};
	struct p9_fcall got;
	GOLDEN(D2000, &fc, wire, &got);
	assert_int_equal(got.u.tcreate.fid, 5);
	ASSERT_VIEW(got.u.tcreate.name, "new", wire);
	assert_int_equal(got.u.tcreate.perm, 0x800001ed);
	assert_int_equal(got.u.tcreate.mode, 0);
	assert_int_equal(got.u.tcreate.extension.len, 0);
}

/* .u/.L: 21 + extension 2+3 = 26 */
static void tcreate_dotu_matches_golden_bytes_with_extension(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x1a, 0x00, 0x00, 0x00, 0x72, 0x06, 0x00, /* size 26, Tcreate, tag 6 */
		0x05, 0x00, 0x00, 0x00, /* fid */
		0x03, 0x00, 'n', 'e', 'w', /* name */
		0xed, 0x01, 0x00, 0x80, /* perm */
		0x00, /* mode */
		0x03, 0x00, 't', 'g', 't', /* extension */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TCREATE,
	                      .tag = 6,
	                      .u.tcreate = {.fid = 5,
	                                    .name = {"new", 3},
	                                    .perm = P9_DMDIR | 0755,
	                                    .mode = P9_OREAD,
	                                    .extension = {"tgt", 3}}};
	struct p9_fcall got;
	GOLDEN(DUL, &fc, wire, &got);
	assert_int_equal(got.u.tcreate.fid, 5);
	ASSERT_VIEW(got.u.tcreate.name, "new", wire);
	assert_int_equal(got.u.tcreate.perm, 0x800001ed);
	assert_int_equal(got.u.tcreate.mode, 0);
	ASSERT_VIEW(got.u.tcreate.extension, "tgt", wire);
}

/* 7 + qid 13 + iounit 4 = 24 */
static void rcreate_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x18, 0x00, 0x00, 0x00, 0x73, 0x06, 0x00, /* size 24, Rcreate, tag 6 */
		QID2_WIRE, /* qid */
		0x00, 0x00, 0x00, 0x00, /* iounit */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RCREATE, .tag = 6, .u.ropen = {.qid = QID2}};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	ASSERT_QID2(got.u.ropen.qid);
	assert_int_equal(got.u.ropen.iounit, 0);
}

/* 7 + fid 4 + offset 8 + count 4 = 23 */
static void tread_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x17, 0x00, 0x00, 0x00, 0x74, 0x07, 0x00, /* size 23, Tread, tag 7 */
		0x07, 0x00, 0x00, 0x00, /* fid 7 */
		0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* offset: 4 GiB */
		0x00, 0x10, 0x00, 0x00, /* count 4096 */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_TREAD,
	                      .tag = 7,
	                      .u.tread = {.fid = 7, .offset = 0x100000000ull, .count = 4096}};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	assert_int_equal(got.u.tread.fid, 7);
	assert_int_equal(got.u.tread.offset, 0x100000000ull);
	assert_int_equal(got.u.tread.count, 4096);
}

/* 7 + count 4 + 5 = 16 */
static void rread_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x10, 0x00, 0x00, 0x00, 0x75, 0x07, 0x00, /* size 16, Rread, tag 7 */
		0x05, 0x00, 0x00, 0x00, /* count */
		'h', 'e', 'l', 'l', 'o', /* data */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RREAD,
	                      .tag = 7,
	                      .u.rread = {.count = 5, .data = (const uint8_t *)"hello"}};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	assert_int_equal(got.u.rread.count, 5);
	assert_ptr_equal(got.u.rread.data, wire + 11);
}

/* 7 + count 4 = 11: end of file */
static void rread_empty_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x0b, 0x00, 0x00, 0x00, 0x75, 0x07, 0x00, /* size 11, Rread, tag 7 */
		0x00, 0x00, 0x00, 0x00, /* count */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RREAD, .tag = 7, .u.rread = {.count = 0, .data = NULL}};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	assert_int_equal(got.u.rread.count, 0);
}

/* 7 + fid 4 + offset 8 + count 4 + 3 = 26 */
static void twrite_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x1a, 0x00, 0x00, 0x00, 0x76, 0x08, 0x00, /* size 26, Twrite, tag 8 */
		0x07, 0x00, 0x00, 0x00, /* fid */
		0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* offset 10 */
		0x03, 0x00, 0x00, 0x00, /* count */
		'a', 'b', 'c', /* data */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TWRITE,
	        .tag = 8,
	        .u.twrite = {.fid = 7, .offset = 10, .count = 3, .data = (const uint8_t *)"abc"}};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	assert_int_equal(got.u.twrite.fid, 7);
	assert_int_equal(got.u.twrite.offset, 10);
	assert_int_equal(got.u.twrite.count, 3);
	assert_ptr_equal(got.u.twrite.data, wire + 23);
}

/* 7 + count 4 = 11 */
static void rwrite_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x0b, 0x00, 0x00, 0x00, 0x77, 0x08, 0x00, /* size 11, Rwrite, tag 8 */
		0x03, 0x00, 0x00, 0x00, /* count */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RWRITE, .tag = 8, .u.rwrite.count = 3};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	assert_int_equal(got.u.rwrite.count, 3);
}

/* Tclunk, Tremove, Tstat: 7 + fid 4 = 11 */
static void check_fid_only(uint8_t type)
{
	const uint8_t wire[] = {0x0b, 0x00, 0x00, 0x00, type, 0x09, 0x00, 0x44, 0x33, 0x22, 0x11};
	struct p9_fcall fc = {.type = type, .tag = 9, .u.tclunk.fid = 0x11223344};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	assert_int_equal(got.u.tclunk.fid, 0x11223344);
}

static void tclunk_matches_golden_bytes(void **state)
{
	(void)state;
	check_fid_only(P9_TCLUNK);
}

static void rclunk_matches_golden_bytes(void **state)
{
	(void)state;
	check_bodyless(P9_RCLUNK, 9);
}

static void tremove_matches_golden_bytes(void **state)
{
	(void)state;
	check_fid_only(P9_TREMOVE);
}

static void rremove_matches_golden_bytes(void **state)
{
	(void)state;
	check_bodyless(P9_RREMOVE, 9);
}

static void tstat_matches_golden_bytes(void **state)
{
	(void)state;
	check_fid_only(P9_TSTAT);
}

/* The stat both Rstat vectors carry (the .u fields travel only in .u/.L). */
static struct p9_stat dir_stat(void)
{
	struct p9_stat st = {.type = 0,
	                     .dev = 0,
	                     .qid = QID1,
	                     .mode = P9_DMDIR | 0755,
	                     .atime = 0x5f5e1000,
	                     .mtime = 0x5f5e1001,
	                     .length = 0x1234,
	                     .name = {"d", 1},
	                     .uid = {"u", 1},
	                     .gid = {"g", 1},
	                     .muid = {"m", 1},
	                     .extension = {"x", 1},
	                     .n_uid = 1000,
	                     .n_gid = 100,
	                     .n_muid = 1000};
	return st;
}

/*
 * classic: stat body = type 2 + dev 4 + qid 13 + mode 4 + atime 4 + mtime 4
 * + length 8 + 4 strings of 2+1 = 51; record = size 2 + 51 = 53;
 * Rstat = 7 + n 2 + 53 = 62.
 */
static void rstat_classic_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x3e, 0x00, 0x00, 0x00, 0x7d, 0x0a, 0x00, /* size 62, Rstat, tag 10 */
		0x35, 0x00, /* n 53 */
		0x33, 0x00, /* size 51 */
		0x00, 0x00, /* type */
		0x00, 0x00, 0x00, 0x00, /* dev */
		QID1_WIRE, /* qid */
		0xed, 0x01, 0x00, 0x80, /* mode */
		0x00, 0x10, 0x5e, 0x5f, /* atime */
		0x01, 0x10, 0x5e, 0x5f, /* mtime */
		0x34, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* length */
		0x01, 0x00, 'd', /* name */
		0x01, 0x00, 'u', /* uid */
		0x01, 0x00, 'g', /* gid */
		0x01, 0x00, 'm', /* muid */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RSTAT, .tag = 10, .u.rstat.stat = dir_stat()};
	struct p9_fcall got;
	GOLDEN(D2000, &fc, wire, &got);
	const struct p9_stat *st = &got.u.rstat.stat;
	assert_int_equal(st->type, 0);
	assert_int_equal(st->dev, 0);
	ASSERT_QID1(st->qid);
	assert_int_equal(st->mode, 0x800001ed);
	assert_int_equal(st->atime, 0x5f5e1000);
	assert_int_equal(st->mtime, 0x5f5e1001);
	assert_int_equal(st->length, 0x1234);
	ASSERT_VIEW(st->name, "d", wire);
	ASSERT_VIEW(st->uid, "u", wire);
	ASSERT_VIEW(st->gid, "g", wire);
	ASSERT_VIEW(st->muid, "m", wire);
	assert_int_equal(st->extension.len, 0);
	assert_int_equal(st->n_uid, 0xFFFFFFFFu);
	assert_int_equal(st->n_gid, 0xFFFFFFFFu);
	assert_int_equal(st->n_muid, 0xFFFFFFFFu);
}

/* .u/.L: body 51 + extension 2+1 + n_uid/n_gid/n_muid 12 = 66;
 * record 68; Rstat = 7 + 2 + 68 = 77. */
static void rstat_dotu_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x4d, 0x00, 0x00, 0x00, 0x7d, 0x0a, 0x00, /* size 77, Rstat, tag 10 */
		0x44, 0x00, /* n 68 */
		0x42, 0x00, /* size 66 */
		0x00, 0x00, /* type */
		0x00, 0x00, 0x00, 0x00, /* dev */
		QID1_WIRE, /* qid */
		0xed, 0x01, 0x00, 0x80, /* mode */
		0x00, 0x10, 0x5e, 0x5f, /* atime */
		0x01, 0x10, 0x5e, 0x5f, /* mtime */
		0x34, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* length */
		0x01, 0x00, 'd', /* name */
		0x01, 0x00, 'u', /* uid */
		0x01, 0x00, 'g', /* gid */
		0x01, 0x00, 'm', /* muid */
		0x01, 0x00, 'x', /* extension */
		0xe8, 0x03, 0x00, 0x00, /* n_uid 1000 */
		0x64, 0x00, 0x00, 0x00, /* n_gid 100 */
		0xe8, 0x03, 0x00, 0x00, /* n_muid 1000 */
	};
	/* clang-format on */
	struct p9_fcall fc = {.type = P9_RSTAT, .tag = 10, .u.rstat.stat = dir_stat()};
	struct p9_fcall got;
	GOLDEN(DUL, &fc, wire, &got);
	const struct p9_stat *st = &got.u.rstat.stat;
	ASSERT_QID1(st->qid);
	assert_int_equal(st->mode, 0x800001ed);
	assert_int_equal(st->length, 0x1234);
	ASSERT_VIEW(st->name, "d", wire);
	ASSERT_VIEW(st->muid, "m", wire);
	ASSERT_VIEW(st->extension, "x", wire);
	assert_int_equal(st->n_uid, 1000);
	assert_int_equal(st->n_gid, 100);
	assert_int_equal(st->n_muid, 1000);
}

/* A wstat that only renames: every number "don't touch" (~0), strings
 * empty but the name. */
static struct p9_stat rename_stat(void)
{
	struct p9_stat st = {.type = 0xFFFF,
	                     .dev = 0xFFFFFFFF,
	                     .qid = {.type = 0xFF, .version = 0xFFFFFFFF, .path = ~0ull},
	                     .mode = 0xFFFFFFFF,
	                     .atime = 0xFFFFFFFF,
	                     .mtime = 0xFFFFFFFF,
	                     .length = ~0ull,
	                     .name = {"new", 3},
	                     .n_uid = 0xFFFFFFFF,
	                     .n_gid = 0xFFFFFFFF,
	                     .n_muid = 0xFFFFFFFF};
	return st;
}

/* classic: body 39 + name 2+3 + uid/gid/muid 3 * 2 = 50; record 52;
 * Twstat = 7 + fid 4 + n 2 + 52 = 65. */
static void twstat_classic_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x41, 0x00, 0x00, 0x00, 0x7e, 0x0b, 0x00, /* size 65, Twstat, tag 11 */
		0x07, 0x00, 0x00, 0x00, /* fid 7 */
		0x34, 0x00, /* n 52 */
		0x32, 0x00, /* size 50 */
		0xff, 0xff, /* type */
		0xff, 0xff, 0xff, 0xff, /* dev */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* qid */
		0xff, 0xff, 0xff, 0xff, /* mode */
		0xff, 0xff, 0xff, 0xff, /* atime */
		0xff, 0xff, 0xff, 0xff, /* mtime */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* length */
		0x03, 0x00, 'n', 'e', 'w', /* name */
		0x00, 0x00, /* uid */
		0x00, 0x00, /* gid */
		0x00, 0x00, /* muid */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TWSTAT, .tag = 11, .u.twstat = {.fid = 7, .stat = rename_stat()}};
	struct p9_fcall got;
	GOLDEN(D2000, &fc, wire, &got);
	assert_int_equal(got.u.twstat.fid, 7);
	const struct p9_stat *st = &got.u.twstat.stat;
	assert_int_equal(st->type, 0xFFFF);
	assert_int_equal(st->dev, 0xFFFFFFFF);
	ASSERT_QID(st->qid, 0xFF, 0xFFFFFFFF, ~0ull);
	assert_int_equal(st->mode, 0xFFFFFFFF);
	assert_int_equal(st->atime, 0xFFFFFFFF);
	assert_int_equal(st->mtime, 0xFFFFFFFF);
	assert_int_equal(st->length, ~0ull);
	ASSERT_VIEW(st->name, "new", wire);
	ASSERT_VIEW(st->uid, "", wire);
	ASSERT_VIEW(st->gid, "", wire);
	ASSERT_VIEW(st->muid, "", wire);
}

/* .u/.L: body 50 + extension 2 + ids 12 = 64; record 66; 7 + 4 + 2 + 66 = 79 */
static void twstat_dotu_matches_golden_bytes(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x4f, 0x00, 0x00, 0x00, 0x7e, 0x0b, 0x00, /* size 79, Twstat, tag 11 */
		0x07, 0x00, 0x00, 0x00, /* fid 7 */
		0x42, 0x00, /* n 66 */
		0x40, 0x00, /* size 64 */
		0xff, 0xff, /* type */
		0xff, 0xff, 0xff, 0xff, /* dev */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* qid */
		0xff, 0xff, 0xff, 0xff, /* mode */
		0xff, 0xff, 0xff, 0xff, /* atime */
		0xff, 0xff, 0xff, 0xff, /* mtime */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* length */
		0x03, 0x00, 'n', 'e', 'w', /* name */
		0x00, 0x00, /* uid */
		0x00, 0x00, /* gid */
		0x00, 0x00, /* muid */
		0x00, 0x00, /* extension "" */
		0xff, 0xff, 0xff, 0xff, /* n_uid */
		0xff, 0xff, 0xff, 0xff, /* n_gid */
		0xff, 0xff, 0xff, 0xff, /* n_muid */
	};
	/* clang-format on */
	struct p9_fcall fc = {
	        .type = P9_TWSTAT, .tag = 11, .u.twstat = {.fid = 7, .stat = rename_stat()}};
	struct p9_fcall got;
	GOLDEN(DUL, &fc, wire, &got);
	assert_int_equal(got.u.twstat.fid, 7);
	const struct p9_stat *st = &got.u.twstat.stat;
	ASSERT_VIEW(st->name, "new", wire);
	assert_int_equal(st->extension.len, 0);
	assert_int_equal(st->n_uid, 0xFFFFFFFF);
	assert_int_equal(st->n_gid, 0xFFFFFFFF);
	assert_int_equal(st->n_muid, 0xFFFFFFFF);
}

static void rwstat_matches_golden_bytes(void **state)
{
	(void)state;
	check_bodyless(P9_RWSTAT, 11);
}

int run_golden_base_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(tversion_matches_golden_bytes),
	        cmocka_unit_test(rversion_matches_golden_bytes),
	        cmocka_unit_test(tauth_classic_matches_golden_bytes_without_n_uname),
	        cmocka_unit_test(tauth_dotu_matches_golden_bytes_with_n_uname),
	        cmocka_unit_test(rauth_matches_golden_bytes),
	        cmocka_unit_test(tattach_classic_matches_golden_bytes_without_n_uname),
	        cmocka_unit_test(tattach_dotl_matches_golden_bytes_with_n_uname),
	        cmocka_unit_test(rattach_matches_golden_bytes),
	        cmocka_unit_test(rerror_classic_matches_golden_bytes_without_errno),
	        cmocka_unit_test(rerror_dotu_matches_golden_bytes_with_errno),
	        cmocka_unit_test(tflush_matches_golden_bytes),
	        cmocka_unit_test(rflush_matches_golden_bytes),
	        cmocka_unit_test(twalk_matches_golden_bytes),
	        cmocka_unit_test(twalk_without_names_matches_golden_bytes),
	        cmocka_unit_test(rwalk_matches_golden_bytes),
	        cmocka_unit_test(topen_matches_golden_bytes),
	        cmocka_unit_test(ropen_matches_golden_bytes),
	        cmocka_unit_test(tcreate_classic_matches_golden_bytes_without_extension),
	        cmocka_unit_test(tcreate_dotu_matches_golden_bytes_with_extension),
	        cmocka_unit_test(rcreate_matches_golden_bytes),
	        cmocka_unit_test(tread_matches_golden_bytes),
	        cmocka_unit_test(rread_matches_golden_bytes),
	        cmocka_unit_test(rread_empty_matches_golden_bytes),
	        cmocka_unit_test(twrite_matches_golden_bytes),
	        cmocka_unit_test(rwrite_matches_golden_bytes),
	        cmocka_unit_test(tclunk_matches_golden_bytes),
	        cmocka_unit_test(rclunk_matches_golden_bytes),
	        cmocka_unit_test(tremove_matches_golden_bytes),
	        cmocka_unit_test(rremove_matches_golden_bytes),
	        cmocka_unit_test(tstat_matches_golden_bytes),
	        cmocka_unit_test(rstat_classic_matches_golden_bytes),
	        cmocka_unit_test(rstat_dotu_matches_golden_bytes),
	        cmocka_unit_test(twstat_classic_matches_golden_bytes),
	        cmocka_unit_test(twstat_dotu_matches_golden_bytes),
	        cmocka_unit_test(rwstat_matches_golden_bytes),
	};
	return cmocka_run_group_tests_name("golden 9P2000 / 9P2000.u", tests, NULL, NULL);
}
