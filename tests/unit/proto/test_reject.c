/*
 * test_reject.c: malformed input is refused whole, with exactly -EPROTO,
 * and leaves the caller's struct zeroed (ASSERT_REJECTED checks both).
 * Every bad message here is built by hand; a few are a golden vector with
 * one thing broken.
 */
#include <errno.h>
#include <string.h>

#include "helpers.h"

/* The .L message types, from the protocol (not from the code under test). */
static const uint8_t dotl_types[] = {7,  8,  9,  12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                                     22, 23, 24, 25, 26, 27, 30, 31, 32, 33, 40, 41, 50,
                                     51, 52, 53, 54, 55, 70, 71, 72, 73, 74, 75, 76, 77};
/* The classic messages, legal in every dialect (106, Terror, is not). */
static const uint8_t base_types[] = {100, 101, 102, 103, 104, 105, 107, 108, 109,
                                     110, 111, 112, 113, 114, 115, 116, 117, 118,
                                     119, 120, 121, 122, 123, 124, 125, 126, 127};

static int in(const uint8_t *set, size_t n, unsigned t)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == t)
			return 1;
	return 0;
}

/* Tclunk fid 1, the smallest message with a body. */
#define TCLUNK_BODY 0x78, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00

static void size_field_larger_than_length_is_rejected(void **state)
{
	(void)state;
	static const uint8_t m[] = {0x0c, 0x00, 0x00, 0x00, TCLUNK_BODY};
	for (unsigned d = 0; d < 3; d++)
		ASSERT_REJECTED(m, sizeof(m), d);
}

static void size_field_smaller_than_length_is_rejected(void **state)
{
	(void)state;
	static const uint8_t m[] = {0x0a, 0x00, 0x00, 0x00, TCLUNK_BODY};
	for (unsigned d = 0; d < 3; d++)
		ASSERT_REJECTED(m, sizeof(m), d);
}

static void size_field_far_beyond_length_is_rejected(void **state)
{
	(void)state;
	static const uint8_t m[] = {0xff, 0xff, 0xff, 0xff, TCLUNK_BODY};
	ASSERT_REJECTED(m, sizeof(m), P9_DIALECT_2000L);
}

static void message_shorter_than_header_is_rejected(void **state)
{
	(void)state;
	/* size fields that agree with a length under 7 */
	for (size_t len = 0; len < 7; len++) {
		uint8_t m[7] = {(uint8_t)len, 0, 0, 0, P9_RFLUSH, 0, 0};
		for (unsigned d = 0; d < 3; d++)
			ASSERT_REJECTED(m, len, d);
	}
}

static void null_buffer_is_rejected(void **state)
{
	(void)state;
	ASSERT_REJECTED(NULL, 11, P9_DIALECT_2000L);
}

static void trailing_bytes_after_body_are_rejected(void **state)
{
	(void)state;
	static const uint8_t clunk[] = {0x0c, 0x00, 0x00, 0x00, TCLUNK_BODY, 0x00};
	static const uint8_t rflush[] = {0x08, 0x00, 0x00, 0x00, 0x6d, 0x01, 0x00, 0x00};
	/* Rread whose count says 2 while 3 bytes follow */
	/* clang-format off */
	static const uint8_t rread[] = {
		0x0e, 0x00, 0x00, 0x00, 0x75, 0x01, 0x00,
		0x02, 0x00, 0x00, 0x00, 'a', 'b', 'c',
	};
	/* clang-format on */
	for (unsigned d = 0; d < 3; d++) {
		ASSERT_REJECTED(clunk, sizeof(clunk), d);
		ASSERT_REJECTED(rflush, sizeof(rflush), d);
		ASSERT_REJECTED(rread, sizeof(rread), d);
	}
}

static void body_cut_short_is_rejected(void **state)
{
	(void)state;
	/* Tclunk with a 3-byte fid */
	static const uint8_t m[] = {0x0a, 0x00, 0x00, 0x00, 0x78, 0x01, 0x00, 0x01, 0x00, 0x00};
	for (unsigned d = 0; d < 3; d++)
		ASSERT_REJECTED(m, sizeof(m), d);
}

/* Every proper prefix of a valid message, its size field made to agree. */
static void assert_every_cut_rejected(const uint8_t *wire, size_t len, enum p9_dialect d)
{
	uint8_t m[512];
	assert_true(len <= sizeof(m));
	for (size_t n = 7; n < len; n++) {
		memcpy(m, wire, n);
		p9_put_u32(m, (uint32_t)n);
		ASSERT_REJECTED(m, n, d);
	}
}

static void every_truncation_of_a_message_is_rejected(void **state)
{
	(void)state;
	/* Tlock: numbers of every width and a trailing string */
	/* clang-format off */
	static const uint8_t tlock[] = {
		0x2a, 0x00, 0x00, 0x00, 0x34, 0x0f, 0x00, /* size 42, Tlock, tag 15 */
		0x02, 0x00, 0x00, 0x00, /* fid */
		0x01, /* type */
		0x01, 0x00, 0x00, 0x00, /* flags */
		0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* start */
		0xc8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* length */
		0x92, 0x10, 0x00, 0x00, /* proc_id */
		0x04, 0x00, 'h', 'o', 's', 't', /* client_id */
	};
	/* clang-format on */
	/* Twalk with two names */
	/* clang-format off */
	static const uint8_t twalk[] = {
		0x18, 0x00, 0x00, 0x00, 0x6e, 0x03, 0x00, /* size 24, Twalk, tag 3 */
		0x01, 0x00, 0x00, 0x00, /* fid */
		0x02, 0x00, 0x00, 0x00, /* newfid */
		0x02, 0x00, /* nwname */
		0x01, 0x00, 'a', /* wname[0] */
		0x02, 0x00, 'b', 'c', /* wname[1] */
	};
	/* clang-format on */
	/* Rstat, classic */
	/* clang-format off */
	static const uint8_t rstat[] = {
		0x3e, 0x00, 0x00, 0x00, 0x7d, 0x0a, 0x00, /* size 62, Rstat, tag 10 */
		0x35, 0x00, /* n */
		0x33, 0x00, /* size */
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
	assert_every_cut_rejected(tlock, sizeof(tlock), P9_DIALECT_2000L);
	assert_every_cut_rejected(twalk, sizeof(twalk), P9_DIALECT_2000);
	assert_every_cut_rejected(rstat, sizeof(rstat), P9_DIALECT_2000);
}

static void string_running_past_end_is_rejected(void **state)
{
	(void)state;
	/* Treadlink-shaped Rreadlink: target length 5, 1 byte present */
	static const uint8_t m[] = {0x0a, 0x00, 0x00, 0x00, 0x17, 0x01, 0x00, 0x05, 0x00, 'x'};
	ASSERT_REJECTED(m, sizeof(m), P9_DIALECT_2000L);
	/* Tversion with a 0xffff-long version in a 13-byte message */
	/* clang-format off */
	static const uint8_t v[] = {
		0x0d, 0x00, 0x00, 0x00, 0x64, 0xff, 0xff,
		0x00, 0x20, 0x00, 0x00, 0xff, 0xff,
	};
	/* clang-format on */
	for (unsigned d = 0; d < 3; d++)
		ASSERT_REJECTED(v, sizeof(v), d);
}

static void walk_name_running_past_end_is_rejected(void **state)
{
	(void)state;
	/* nwname 2, second name claims 9 bytes, 2 present */
	/* clang-format off */
	static const uint8_t m[] = {
		0x18, 0x00, 0x00, 0x00, 0x6e, 0x03, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 'a',
		0x09, 0x00, 'b', 'c',
	};
	/* clang-format on */
	ASSERT_REJECTED(m, sizeof(m), P9_DIALECT_2000L);
}

/* Twalk fid 1 newfid 2 with n names "x" into m; returns the length. */
static size_t build_twalk(uint8_t *m, unsigned n)
{
	size_t len = 7 + 4 + 4 + 2 + 3 * (size_t)n;
	/* clang-format off */
	const uint8_t head[] = {
		0, 0, 0, 0, 0x6e, 0x03, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, (uint8_t)n, 0x00,
	};
	/* clang-format on */
	memcpy(m, head, sizeof(head));
	p9_put_u32(m, (uint32_t)len);
	for (unsigned i = 0; i < n; i++) {
		m[17 + 3 * i] = 0x01;
		m[18 + 3 * i] = 0x00;
		m[19 + 3 * i] = 'x';
	}
	return len;
}

static void twalk_with_16_names_is_accepted(void **state)
{
	(void)state;
	uint8_t m[128];
	size_t len = build_twalk(m, 16);
	struct p9_fcall fc;
	assert_int_equal(p9_unpack(m, len, P9_DIALECT_2000L, &fc), 0);
	assert_int_equal(fc.u.twalk.nwname, 16);
	assert_int_equal(fc.u.twalk.wname[15].len, 1);
	assert_ptr_equal(fc.u.twalk.wname[15].s, (const char *)m + len - 1);
}

static void twalk_more_than_16_names_is_rejected(void **state)
{
	(void)state;
	uint8_t m[128];
	size_t len = build_twalk(m, 17);
	for (unsigned d = 0; d < 3; d++)
		ASSERT_REJECTED(m, len, d);
	/* a count of 17 with no names behind it, and the largest count */
	/* clang-format off */
	static const uint8_t bare[] = {
		0x11, 0x00, 0x00, 0x00, 0x6e, 0x03, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x11, 0x00,
	};
	/* clang-format on */
	/* clang-format off */
	static const uint8_t huge[] = {
		0x11, 0x00, 0x00, 0x00, 0x6e, 0x03, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0xff, 0xff,
	};
	/* clang-format on */
	ASSERT_REJECTED(bare, sizeof(bare), P9_DIALECT_2000L);
	ASSERT_REJECTED(huge, sizeof(huge), P9_DIALECT_2000L);
}

/* Rwalk with n copies of QID2 into m; returns the length. */
static size_t build_rwalk(uint8_t *m, unsigned n)
{
	static const uint8_t q[13] = {QID2_WIRE};
	size_t len = 7 + 2 + 13 * (size_t)n;
	const uint8_t head[] = {0, 0, 0, 0, 0x6f, 0x03, 0x00, (uint8_t)n, 0x00};
	memcpy(m, head, sizeof(head));
	p9_put_u32(m, (uint32_t)len);
	for (unsigned i = 0; i < n; i++)
		memcpy(m + 9 + 13 * i, q, 13);
	return len;
}

static void rwalk_with_16_qids_is_accepted(void **state)
{
	(void)state;
	uint8_t m[256];
	size_t len = build_rwalk(m, 16);
	struct p9_fcall fc;
	assert_int_equal(p9_unpack(m, len, P9_DIALECT_2000, &fc), 0);
	assert_int_equal(fc.u.rwalk.nwqid, 16);
	ASSERT_QID2(fc.u.rwalk.wqid[15]);
}

static void rwalk_more_than_16_qids_is_rejected(void **state)
{
	(void)state;
	uint8_t m[256];
	size_t len = build_rwalk(m, 17);
	for (unsigned d = 0; d < 3; d++)
		ASSERT_REJECTED(m, len, d);
}

static void rread_count_past_end_is_rejected(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t m[] = {
		0x10, 0x00, 0x00, 0x00, 0x75, 0x07, 0x00,
		0x06, 0x00, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o',
	};
	/* clang-format on */
	/* clang-format off */
	static const uint8_t huge[] = {
		0x10, 0x00, 0x00, 0x00, 0x75, 0x07, 0x00,
		0xff, 0xff, 0xff, 0xff, 'h', 'e', 'l', 'l', 'o',
	};
	/* clang-format on */
	for (unsigned d = 0; d < 3; d++) {
		ASSERT_REJECTED(m, sizeof(m), d);
		ASSERT_REJECTED(huge, sizeof(huge), d);
	}
}

static void rreaddir_count_past_end_is_rejected(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t m[] = {
		0x0c, 0x00, 0x00, 0x00, 0x29, 0x07, 0x00,
		0x19, 0x00, 0x00, 0x00, 0x00,
	};
	/* clang-format on */
	ASSERT_REJECTED(m, sizeof(m), P9_DIALECT_2000L);
}

static void twrite_count_past_end_is_rejected(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t m[] = {
		0x1a, 0x00, 0x00, 0x00, 0x76, 0x08, 0x00,
		0x07, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
		0x00, 0x00, 0x00, 'a', 'b', 'c',
	};
	/* clang-format on */
	for (unsigned d = 0; d < 3; d++)
		ASSERT_REJECTED(m, sizeof(m), d);
}

static void unknown_types_are_rejected(void **state)
{
	(void)state;
	for (unsigned t = 0; t < 256; t++) {
		if (in(dotl_types, sizeof(dotl_types), t) || in(base_types, sizeof(base_types), t))
			continue;
		/* a header plus a generous zero body: only the type can fail it */
		uint8_t m[64] = {64, 0, 0, 0, (uint8_t)t, 1, 0};
		for (unsigned d = 0; d < 3; d++)
			ASSERT_REJECTED(m, sizeof(m), d);
	}
}

static void tlerror_is_rejected_in_every_dialect(void **state)
{
	(void)state;
	static const uint8_t m[] = {0x07, 0x00, 0x00, 0x00, 0x06, 0x01, 0x00};
	static const uint8_t body[] = {0x0b, 0x00, 0x00, 0x00, 0x06, 0x01, 0x00, 2, 0, 0, 0};
	for (unsigned d = 0; d < 3; d++) {
		ASSERT_REJECTED(m, sizeof(m), d);
		ASSERT_REJECTED(body, sizeof(body), d);
	}
}

static void terror_is_rejected_in_every_dialect(void **state)
{
	(void)state;
	static const uint8_t m[] = {0x07, 0x00, 0x00, 0x00, 0x6a, 0x01, 0x00};
	/* clang-format off */
	static const uint8_t body[] = {
		0x0b, 0x00, 0x00, 0x00, 0x6a, 0x01, 0x00,
		0x02, 0x00, 'n', 'o',
	};
	/* clang-format on */
	for (unsigned d = 0; d < 3; d++) {
		ASSERT_REJECTED(m, sizeof(m), d);
		ASSERT_REJECTED(body, sizeof(body), d);
	}
}

static void dotl_messages_are_rejected_in_2000_and_2000u(void **state)
{
	(void)state;
	/* Tlopen fid 1 flags 0 and Rlerror 2: valid in .L, refused elsewhere */
	/* clang-format off */
	static const uint8_t tlopen[] = {
		0x0f, 0x00, 0x00, 0x00, 0x0c, 0x01, 0x00, /* size 15, Tlopen, tag 1 */
		0x01, 0x00, 0x00, 0x00, /* fid */
		0x00, 0x00, 0x00, 0x00, /* flags */
	};
	/* clang-format on */
	static const uint8_t rlerror[] = {0x0b, 0x00, 0x00, 0x00, 0x07, 0x01, 0x00, 2, 0, 0, 0};
	struct p9_fcall fc;
	assert_int_equal(p9_unpack(tlopen, sizeof(tlopen), P9_DIALECT_2000L, &fc), 0);
	assert_int_equal(p9_unpack(rlerror, sizeof(rlerror), P9_DIALECT_2000L, &fc), 0);
	ASSERT_REJECTED(tlopen, sizeof(tlopen), P9_DIALECT_2000);
	ASSERT_REJECTED(tlopen, sizeof(tlopen), P9_DIALECT_2000U);
	ASSERT_REJECTED(rlerror, sizeof(rlerror), P9_DIALECT_2000);
	ASSERT_REJECTED(rlerror, sizeof(rlerror), P9_DIALECT_2000U);
	/* and every .L type, whatever its body */
	for (size_t i = 0; i < sizeof(dotl_types); i++) {
		uint8_t m[64] = {64, 0, 0, 0, dotl_types[i], 1, 0};
		ASSERT_REJECTED(m, sizeof(m), P9_DIALECT_2000);
		ASSERT_REJECTED(m, sizeof(m), P9_DIALECT_2000U);
	}
}

static void base_messages_decode_in_every_dialect(void **state)
{
	(void)state;
	/* Tclunk, a classic message, in .L as much as in 9P2000 */
	static const uint8_t m[] = {0x0b, 0x00, 0x00, 0x00, TCLUNK_BODY};
	struct p9_fcall fc;
	for (unsigned d = 0; d < 3; d++) {
		assert_int_equal(p9_unpack(m, sizeof(m), d, &fc), 0);
		assert_int_equal(fc.u.tclunk.fid, 1);
	}
}

static void invalid_dialect_is_rejected(void **state)
{
	(void)state;
	static const uint8_t m[] = {0x0b, 0x00, 0x00, 0x00, TCLUNK_BODY};
	ASSERT_REJECTED(m, sizeof(m), (enum p9_dialect)3);
}

static void stat_size_larger_than_record_is_rejected(void **state)
{
	(void)state;
	/* Rstat classic with the record's size 52 where 51 bytes follow */
	/* clang-format off */
	static const uint8_t m[] = {
		0x3e, 0x00, 0x00, 0x00, 0x7d, 0x0a, 0x00, /* size 62, Rstat, tag 10 */
		0x35, 0x00, /* n */
		0x34, 0x00, /* size */
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
	ASSERT_REJECTED(m, sizeof(m), P9_DIALECT_2000);
}

static void stat_size_smaller_than_record_is_rejected(void **state)
{
	(void)state;
	/* size 50 where the fields take 51 */
	/* clang-format off */
	static const uint8_t m[] = {
		0x3e, 0x00, 0x00, 0x00, 0x7d, 0x0a, 0x00, /* size 62, Rstat, tag 10 */
		0x35, 0x00, /* n */
		0x32, 0x00, /* size */
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
	ASSERT_REJECTED(m, sizeof(m), P9_DIALECT_2000);
}

static void rstat_outer_length_disagreeing_with_stat_is_rejected(void **state)
{
	(void)state;
	/* n 54 around a 53-byte record, one spare byte at the end */
	/* clang-format off */
	static const uint8_t m[] = {
		0x3f, 0x00, 0x00, 0x00, 0x7d, 0x0a, 0x00,
		0x36, 0x00, 0x33, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, QID1_WIRE, 0xed,
		0x01, 0x00, 0x80, 0x00, 0x10, 0x5e, 0x5f, 0x01, 0x10, 0x5e, 0x5f, 0x34, 0x12,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 'd', 0x01, 0x00, 'u', 0x01,
		0x00, 'g', 0x01, 0x00, 'm', 0x00,
	};
	/* clang-format on */
	ASSERT_REJECTED(m, sizeof(m), P9_DIALECT_2000);
}

static void dotu_stat_is_rejected_in_classic_dialect(void **state)
{
	(void)state;
	/* the .u Rstat golden vector: classic fields leave 15 bytes unread */
	/* clang-format off */
	static const uint8_t m[] = {
		0x4d, 0x00, 0x00, 0x00, 0x7d, 0x0a, 0x00, /* size 77, Rstat, tag 10 */
		0x44, 0x00, /* n */
		0x42, 0x00, /* size */
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
		0xe8, 0x03, 0x00, 0x00, /* n_uid */
		0x64, 0x00, 0x00, 0x00, /* n_gid */
		0xe8, 0x03, 0x00, 0x00, /* n_muid */
	};
	/* clang-format on */
	ASSERT_REJECTED(m, sizeof(m), P9_DIALECT_2000);
}

static void classic_tattach_is_rejected_in_dotu_and_dotl(void **state)
{
	(void)state;
	/* no n_uname: the .u/.L decoder runs out of bytes */
	/* clang-format off */
	static const uint8_t m[] = {
		0x1a, 0x00, 0x00, 0x00, 0x68, 0x02, 0x00, /* size 26, Tattach, tag 2 */
		0x01, 0x00, 0x00, 0x00, /* fid */
		0xff, 0xff, 0xff, 0xff, /* afid */
		0x06, 0x00, 'g', 'l', 'e', 'n', 'd', 'a', /* uname */
		0x01, 0x00, '/', /* aname */
	};
	/* clang-format on */
	ASSERT_REJECTED(m, sizeof(m), P9_DIALECT_2000U);
	ASSERT_REJECTED(m, sizeof(m), P9_DIALECT_2000L);
}

int run_reject_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(size_field_larger_than_length_is_rejected),
	        cmocka_unit_test(size_field_smaller_than_length_is_rejected),
	        cmocka_unit_test(size_field_far_beyond_length_is_rejected),
	        cmocka_unit_test(message_shorter_than_header_is_rejected),
	        cmocka_unit_test(null_buffer_is_rejected),
	        cmocka_unit_test(trailing_bytes_after_body_are_rejected),
	        cmocka_unit_test(body_cut_short_is_rejected),
	        cmocka_unit_test(every_truncation_of_a_message_is_rejected),
	        cmocka_unit_test(string_running_past_end_is_rejected),
	        cmocka_unit_test(walk_name_running_past_end_is_rejected),
	        cmocka_unit_test(twalk_with_16_names_is_accepted),
	        cmocka_unit_test(twalk_more_than_16_names_is_rejected),
	        cmocka_unit_test(rwalk_with_16_qids_is_accepted),
	        cmocka_unit_test(rwalk_more_than_16_qids_is_rejected),
	        cmocka_unit_test(rread_count_past_end_is_rejected),
	        cmocka_unit_test(rreaddir_count_past_end_is_rejected),
	        cmocka_unit_test(twrite_count_past_end_is_rejected),
	        cmocka_unit_test(unknown_types_are_rejected),
	        cmocka_unit_test(tlerror_is_rejected_in_every_dialect),
	        cmocka_unit_test(terror_is_rejected_in_every_dialect),
	        cmocka_unit_test(dotl_messages_are_rejected_in_2000_and_2000u),
	        cmocka_unit_test(base_messages_decode_in_every_dialect),
	        cmocka_unit_test(invalid_dialect_is_rejected),
	        cmocka_unit_test(stat_size_larger_than_record_is_rejected),
	        cmocka_unit_test(stat_size_smaller_than_record_is_rejected),
	        cmocka_unit_test(rstat_outer_length_disagreeing_with_stat_is_rejected),
	        cmocka_unit_test(dotu_stat_is_rejected_in_classic_dialect),
	        cmocka_unit_test(classic_tattach_is_rejected_in_dotu_and_dotl),
	};
	return cmocka_run_group_tests_name("rejection", tests, NULL, NULL);
}
