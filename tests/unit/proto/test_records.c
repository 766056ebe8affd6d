/*
 * test_records.c: Rreaddir entries and 9P2000(.u) stat records, the
 * records carried in a reply's data (p9_dirent_*, p9_stat_*).
 */
#include <errno.h>
#include <string.h>

#include "helpers.h"

/* qid 13 + offset 8 + type 1 + name 2+1 = 25, then 13 + 8 + 1 + 2+2 = 26 */
/* clang-format off */
static const uint8_t two_entries[] = {
	QID2_WIRE, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x01, 0x00, '.',
	QID1_WIRE, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 'a', 'b',
};
/* clang-format on */

static void dirent_pack_matches_golden_bytes(void **state)
{
	(void)state;
	uint8_t buf[64];
	size_t pos = 0;
	struct p9_dirent a = {.qid = QID2, .offset = 1, .type = P9_DT_DIR, .name = {".", 1}};
	struct p9_dirent b = {.qid = QID1, .offset = 2, .type = P9_DT_REG, .name = {"ab", 2}};
	assert_int_equal(p9_dirent_pack(buf, sizeof(buf), &pos, &a), 0);
	assert_int_equal(pos, 25);
	assert_int_equal(p9_dirent_pack(buf, sizeof(buf), &pos, &b), 0);
	assert_int_equal(pos, sizeof(two_entries));
	assert_memory_equal(buf, two_entries, sizeof(two_entries));
}

static void dirent_unpack_reads_entries_then_reports_end(void **state)
{
	(void)state;
	size_t pos = 0;
	struct p9_dirent de;
	assert_int_equal(p9_dirent_unpack(two_entries, sizeof(two_entries), &pos, &de), 0);
	ASSERT_QID2(de.qid);
	assert_int_equal(de.offset, 1);
	assert_int_equal(de.type, P9_DT_DIR);
	ASSERT_VIEW(de.name, ".", two_entries);
	assert_int_equal(pos, 25);
	assert_int_equal(p9_dirent_unpack(two_entries, sizeof(two_entries), &pos, &de), 0);
	ASSERT_QID1(de.qid);
	assert_int_equal(de.offset, 2);
	assert_int_equal(de.type, P9_DT_REG);
	ASSERT_VIEW(de.name, "ab", two_entries);
	assert_int_equal(pos, sizeof(two_entries));
	assert_int_equal(p9_dirent_unpack(two_entries, sizeof(two_entries), &pos, &de), 1);
	assert_int_equal(pos, sizeof(two_entries));
}

static void dirent_unpack_of_empty_data_is_the_end(void **state)
{
	(void)state;
	size_t pos = 0;
	struct p9_dirent de;
	assert_int_equal(p9_dirent_unpack(NULL, 0, &pos, &de), 1);
}

static void dirent_pack_that_does_not_fit_writes_nothing(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct p9_dirent b = {.qid = QID1, .offset = 2, .type = P9_DT_REG, .name = {"ab", 2}};
	/* one byte short of the 26 the entry needs, after 10 used */
	memset(buf, 0xEE, sizeof(buf));
	size_t pos = 10;
	assert_int_equal(p9_dirent_pack(buf, 10 + 25, &pos, &b), -ENOSPC);
	assert_int_equal(pos, 10);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xEE);
	/* exactly enough */
	assert_int_equal(p9_dirent_pack(buf, 10 + 26, &pos, &b), 0);
	assert_int_equal(pos, 36);
	/* a position already past the end */
	pos = 40;
	assert_int_equal(p9_dirent_pack(buf, 36, &pos, &b), -ENOSPC);
	assert_int_equal(pos, 40);
}

static void dirent_entry_size_is_24_plus_name_length(void **state)
{
	(void)state;
	uint8_t buf[400];
	char name[255];
	memset(name, 'z', sizeof(name));
	struct p9_dirent de = {
	        .qid = QID2, .offset = 9, .type = P9_DT_LNK, .name = {name, sizeof(name)}};
	size_t pos = 0;
	assert_int_equal(p9_dirent_pack(buf, sizeof(buf), &pos, &de), 0);
	assert_int_equal(pos, 24 + 255);
}

static void dirent_cut_short_is_rejected_and_pos_kept(void **state)
{
	(void)state;
	for (size_t len = 26; len < sizeof(two_entries); len++) {
		size_t pos = 25;
		struct p9_dirent de;
		assert_int_equal(p9_dirent_unpack(two_entries, len, &pos, &de), -EPROTO);
		assert_int_equal(pos, 25);
	}
	size_t pos = 30;
	struct p9_dirent de;
	assert_int_equal(p9_dirent_unpack(two_entries, 20, &pos, &de), -EPROTO);
}

/* clang-format off */
/* The classic record: size 2 + 51 (see test_golden_base.c for the count). */
#define STAT_CLASSIC_WIRE \
	0x33, 0x00, /* size 51 */ \
	0x00, 0x00, /* type */ \
	0x00, 0x00, 0x00, 0x00, /* dev */ \
	QID1_WIRE, \
	0xed, 0x01, 0x00, 0x80, /* mode DMDIR|0755 */ \
	0x00, 0x10, 0x5e, 0x5f, /* atime */ \
	0x01, 0x10, 0x5e, 0x5f, /* mtime */ \
	0x34, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* length 0x1234 */ \
	0x01, 0x00, 'd', 0x01, 0x00, 'u', 0x01, 0x00, 'g', 0x01, 0x00, 'm' /* name uid gid muid */
static const uint8_t stat_classic[] = { STAT_CLASSIC_WIRE };
/* The .u record: size 2 + 66. */
static const uint8_t stat_dotu[] = {
	0x42, 0x00, /* size 66 */
	0x00, 0x00, /* type */
	0x00, 0x00, 0x00, 0x00, /* dev */
	QID1_WIRE,
	0xed, 0x01, 0x00, 0x80, /* mode DMDIR|0755 */
	0x00, 0x10, 0x5e, 0x5f, /* atime */
	0x01, 0x10, 0x5e, 0x5f, /* mtime */
	0x34, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* length 0x1234 */
	0x01, 0x00, 'd', 0x01, 0x00, 'u', 0x01, 0x00, 'g', 0x01, 0x00, 'm', /* name uid gid muid */
	0x01, 0x00, 'x', /* extension */
	0xe8, 0x03, 0x00, 0x00, /* n_uid 1000 */
	0x64, 0x00, 0x00, 0x00, /* n_gid 100 */
	0xe8, 0x03, 0x00, 0x00, /* n_muid 1000 */
};
/* clang-format on */

static struct p9_stat dir_stat(void)
{
	struct p9_stat st = {.qid = QID1,
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

static void stat_pack_matches_golden_bytes_in_each_dialect(void **state)
{
	(void)state;
	uint8_t buf[256];
	struct p9_stat st = dir_stat();
	size_t pos = 0;
	assert_int_equal(p9_stat_pack(buf, sizeof(buf), &pos, P9_DIALECT_2000, &st), 0);
	assert_int_equal(pos, sizeof(stat_classic));
	assert_memory_equal(buf, stat_classic, sizeof(stat_classic));
	pos = 0;
	assert_int_equal(p9_stat_pack(buf, sizeof(buf), &pos, P9_DIALECT_2000U, &st), 0);
	assert_int_equal(pos, sizeof(stat_dotu));
	assert_memory_equal(buf, stat_dotu, sizeof(stat_dotu));
}

static void stat_unpack_reads_records_in_sequence_then_reports_end(void **state)
{
	(void)state;
	uint8_t data[2 * sizeof(stat_dotu)];
	memcpy(data, stat_dotu, sizeof(stat_dotu));
	memcpy(data + sizeof(stat_dotu), stat_dotu, sizeof(stat_dotu));
	size_t pos = 0;
	struct p9_stat st;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(p9_stat_unpack(data, sizeof(data), &pos, P9_DIALECT_2000U, &st),
		                 0);
		ASSERT_QID1(st.qid);
		assert_int_equal(st.mode, 0x800001ed);
		assert_int_equal(st.atime, 0x5f5e1000);
		assert_int_equal(st.mtime, 0x5f5e1001);
		assert_int_equal(st.length, 0x1234);
		ASSERT_VIEW(st.name, "d", data);
		ASSERT_VIEW(st.uid, "u", data);
		ASSERT_VIEW(st.gid, "g", data);
		ASSERT_VIEW(st.muid, "m", data);
		ASSERT_VIEW(st.extension, "x", data);
		assert_int_equal(st.n_uid, 1000);
		assert_int_equal(st.n_gid, 100);
		assert_int_equal(st.n_muid, 1000);
		assert_int_equal(pos, (size_t)(i + 1) * sizeof(stat_dotu));
	}
	assert_int_equal(p9_stat_unpack(data, sizeof(data), &pos, P9_DIALECT_2000U, &st), 1);
}

static void stat_unpack_classic_has_no_numeric_ids(void **state)
{
	(void)state;
	size_t pos = 0;
	struct p9_stat st;
	assert_int_equal(
	        p9_stat_unpack(stat_classic, sizeof(stat_classic), &pos, P9_DIALECT_2000, &st), 0);
	assert_int_equal(pos, sizeof(stat_classic));
	ASSERT_VIEW(st.muid, "m", stat_classic);
	assert_int_equal(st.extension.len, 0);
	assert_int_equal(st.n_uid, 0xFFFFFFFFu);
	assert_int_equal(st.n_gid, 0xFFFFFFFFu);
	assert_int_equal(st.n_muid, 0xFFFFFFFFu);
}

static void stat_record_of_the_other_dialect_is_rejected(void **state)
{
	(void)state;
	size_t pos = 0;
	struct p9_stat st;
	assert_int_equal(p9_stat_unpack(stat_dotu, sizeof(stat_dotu), &pos, P9_DIALECT_2000, &st),
	                 -EPROTO);
	assert_int_equal(pos, 0);
	assert_int_equal(
	        p9_stat_unpack(stat_classic, sizeof(stat_classic), &pos, P9_DIALECT_2000U, &st),
	        -EPROTO);
	assert_int_equal(pos, 0);
}

static void stat_record_cut_short_is_rejected(void **state)
{
	(void)state;
	for (size_t len = 1; len < sizeof(stat_classic); len++) {
		size_t pos = 0;
		struct p9_stat st;
		assert_int_equal(p9_stat_unpack(stat_classic, len, &pos, P9_DIALECT_2000, &st),
		                 -EPROTO);
		assert_int_equal(pos, 0);
	}
}

static void stat_pack_that_does_not_fit_writes_nothing(void **state)
{
	(void)state;
	uint8_t buf[128];
	memset(buf, 0xEE, sizeof(buf));
	struct p9_stat st = dir_stat();
	size_t pos = 4;
	assert_int_equal(
	        p9_stat_pack(buf, 4 + sizeof(stat_classic) - 1, &pos, P9_DIALECT_2000, &st),
	        -ENOSPC);
	assert_int_equal(pos, 4);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xEE);
}

static void stat_pack_over_65535_bytes_is_invalid(void **state)
{
	(void)state;
	static char big[0xFFFF];
	static uint8_t buf[0x20000];
	struct p9_stat st = {.name = {big, 0xFFFF}};
	size_t pos = 0;
	assert_int_equal(p9_stat_pack(buf, sizeof(buf), &pos, P9_DIALECT_2000, &st), -EINVAL);
	assert_int_equal(pos, 0);
}

/* 9P2000 reads a directory as stat records in Rread: 7 + count 4 + 2 * 53 = 117 */
static void rread_of_a_directory_carries_stat_records(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x75, 0x00, 0x00, 0x00, 0x75, 0x01, 0x00,
		0x6a, 0x00, 0x00, 0x00, /* count 106 */
		STAT_CLASSIC_WIRE, STAT_CLASSIC_WIRE,
	};
	/* clang-format on */
	uint8_t data[106];
	size_t pos = 0;
	struct p9_stat st = dir_stat();
	assert_int_equal(p9_stat_pack(data, sizeof(data), &pos, P9_DIALECT_2000, &st), 0);
	assert_int_equal(p9_stat_pack(data, sizeof(data), &pos, P9_DIALECT_2000, &st), 0);
	assert_int_equal(pos, sizeof(data));
	struct p9_fcall fc = {.type = P9_RREAD, .tag = 1, .u.rread = {.count = 106, .data = data}};
	struct p9_fcall got;
	GOLDEN(DALL, &fc, wire, &got);
	pos = 0;
	struct p9_stat a, b;
	assert_int_equal(
	        p9_stat_unpack(got.u.rread.data, got.u.rread.count, &pos, P9_DIALECT_2000, &a), 0);
	assert_int_equal(
	        p9_stat_unpack(got.u.rread.data, got.u.rread.count, &pos, P9_DIALECT_2000, &b), 0);
	ASSERT_VIEW(a.name, "d", wire);
	ASSERT_VIEW(b.muid, "m", wire);
	assert_int_equal(
	        p9_stat_unpack(got.u.rread.data, got.u.rread.count, &pos, P9_DIALECT_2000, &b), 1);
}

int run_records_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(dirent_pack_matches_golden_bytes),
	        cmocka_unit_test(dirent_unpack_reads_entries_then_reports_end),
	        cmocka_unit_test(dirent_unpack_of_empty_data_is_the_end),
	        cmocka_unit_test(dirent_pack_that_does_not_fit_writes_nothing),
	        cmocka_unit_test(dirent_entry_size_is_24_plus_name_length),
	        cmocka_unit_test(dirent_cut_short_is_rejected_and_pos_kept),
	        cmocka_unit_test(stat_pack_matches_golden_bytes_in_each_dialect),
	        cmocka_unit_test(stat_unpack_reads_records_in_sequence_then_reports_end),
	        cmocka_unit_test(stat_unpack_classic_has_no_numeric_ids),
	        cmocka_unit_test(stat_record_of_the_other_dialect_is_rejected),
	        cmocka_unit_test(stat_record_cut_short_is_rejected),
	        cmocka_unit_test(stat_pack_that_does_not_fit_writes_nothing),
	        cmocka_unit_test(stat_pack_over_65535_bytes_is_invalid),
	        cmocka_unit_test(rread_of_a_directory_carries_stat_records),
	};
	return cmocka_run_group_tests_name("records", tests, NULL, NULL);
}
