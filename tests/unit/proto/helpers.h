/*
 * helpers.h: what the proto unit tests share: the golden-vector harness,
 * assertions on decoded views, a few fixed qids with their wire bytes.
 *
 * The wire bytes in these tests are written out by hand from the protocol
 * description (NOTES.md, the header's layouts, the Linux client's format
 * strings); they are never produced by the code under test.
 */
#ifndef P9_TEST_PROTO_HELPERS_H
#define P9_TEST_PROTO_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four above first */
#include <cmocka.h>

#include "p9/proto.h"

#define D2000 (1u << P9_DIALECT_2000)
#define D2000U (1u << P9_DIALECT_2000U)
#define D2000L (1u << P9_DIALECT_2000L)
#define DUL (D2000U | D2000L)
#define DALL (D2000 | D2000U | D2000L)

/* QID1: a directory. */
#define QID1                                                                                       \
	{                                                                                          \
		.type = 0x80, .version = 0x01020304, .path = 0x1112131415161718ull                 \
	}
#define QID1_WIRE 0x80, 0x04, 0x03, 0x02, 0x01, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11
/* QID2: a plain file. */
#define QID2                                                                                       \
	{                                                                                          \
		.type = 0x00, .version = 7, .path = 0x2a                                           \
	}
#define QID2_WIRE 0x00, 0x07, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00

/*
 * The golden check, in every dialect of `mask`: fc packs to exactly wire
 * (and not into one byte less), p9_packed_size agrees, wire unpacks with
 * fc's type and tag, and the decode packs back to the same bytes. Types
 * 6..77 (the .L messages) must be refused by the dialects without them.
 * *out receives the decode in the last dialect of the mask, for the
 * caller's field-by-field assertions. With P9_CORPUS_DIR set, the wire is
 * also saved there as a fuzzing seed.
 */
#define GOLDEN(mask, fc, wire, out)                                                                \
	golden_at(__FILE__, __LINE__, (mask), (fc), (wire), sizeof(wire), (out))
void golden_at(const char *file, int line, unsigned mask, const struct p9_fcall *fc,
               const uint8_t *wire, size_t len, struct p9_fcall *out);

/* s has the content want and is a view into wire[0..len) (not a copy). */
#define ASSERT_VIEW(s, want, wire)                                                                 \
	assert_view_at(__FILE__, __LINE__, (s), (want), (wire), sizeof(wire))
void assert_view_at(const char *file, int line, struct p9_str s, const char *want,
                    const uint8_t *wire, size_t len);

#define ASSERT_QID(q, t, v, p) assert_qid_at(__FILE__, __LINE__, (q), (t), (v), (p))
void assert_qid_at(const char *file, int line, struct p9_qid q, uint8_t type, uint32_t version,
                   uint64_t path);
#define ASSERT_QID1(q) ASSERT_QID((q), 0x80, 0x01020304, 0x1112131415161718ull)
#define ASSERT_QID2(q) ASSERT_QID((q), 0x00, 7, 0x2a)

/* Unpacking buf[0..len) must fail with exactly -EPROTO in dialect d. */
#define ASSERT_REJECTED(buf, len, d) assert_rejected_at(__FILE__, __LINE__, (buf), (len), (d))
void assert_rejected_at(const char *file, int line, const uint8_t *buf, size_t len,
                        enum p9_dialect d);

/* The groups, each a cmocka group run from main.c. */
int run_golden_dotl_tests(void);
int run_golden_base_tests(void);
int run_reject_tests(void);
int run_pack_tests(void);
int run_records_tests(void);
int run_format_tests(void);

#endif
