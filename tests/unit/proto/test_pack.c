/*
 * test_pack.c: the encoder's contract beyond the golden vectors: bounds,
 * data already in place, what cannot be encoded; and the message names
 * and per-dialect message sets.
 */
#include <errno.h>
#include <string.h>

#include "helpers.h"

/* Every message the protocol defines: type, name, dialects. */
static const struct {
	uint8_t type;
	const char *name;
	unsigned dialects;
} known[] = {
        {6, "Tlerror", 0},          {7, "Rlerror", D2000L},       {8, "Tstatfs", D2000L},
        {9, "Rstatfs", D2000L},     {12, "Tlopen", D2000L},       {13, "Rlopen", D2000L},
        {14, "Tlcreate", D2000L},   {15, "Rlcreate", D2000L},     {16, "Tsymlink", D2000L},
        {17, "Rsymlink", D2000L},   {18, "Tmknod", D2000L},       {19, "Rmknod", D2000L},
        {20, "Trename", D2000L},    {21, "Rrename", D2000L},      {22, "Treadlink", D2000L},
        {23, "Rreadlink", D2000L},  {24, "Tgetattr", D2000L},     {25, "Rgetattr", D2000L},
        {26, "Tsetattr", D2000L},   {27, "Rsetattr", D2000L},     {30, "Txattrwalk", D2000L},
        {31, "Rxattrwalk", D2000L}, {32, "Txattrcreate", D2000L}, {33, "Rxattrcreate", D2000L},
        {40, "Treaddir", D2000L},   {41, "Rreaddir", D2000L},     {50, "Tfsync", D2000L},
        {51, "Rfsync", D2000L},     {52, "Tlock", D2000L},        {53, "Rlock", D2000L},
        {54, "Tgetlock", D2000L},   {55, "Rgetlock", D2000L},     {70, "Tlink", D2000L},
        {71, "Rlink", D2000L},      {72, "Tmkdir", D2000L},       {73, "Rmkdir", D2000L},
        {74, "Trenameat", D2000L},  {75, "Rrenameat", D2000L},    {76, "Tunlinkat", D2000L},
        {77, "Runlinkat", D2000L},  {100, "Tversion", DALL},      {101, "Rversion", DALL},
        {102, "Tauth", DALL},       {103, "Rauth", DALL},         {104, "Tattach", DALL},
        {105, "Rattach", DALL},     {106, "Terror", 0},           {107, "Rerror", DALL},
        {108, "Tflush", DALL},      {109, "Rflush", DALL},        {110, "Twalk", DALL},
        {111, "Rwalk", DALL},       {112, "Topen", DALL},         {113, "Ropen", DALL},
        {114, "Tcreate", DALL},     {115, "Rcreate", DALL},       {116, "Tread", DALL},
        {117, "Rread", DALL},       {118, "Twrite", DALL},        {119, "Rwrite", DALL},
        {120, "Tclunk", DALL},      {121, "Rclunk", DALL},        {122, "Tremove", DALL},
        {123, "Rremove", DALL},     {124, "Tstat", DALL},         {125, "Rstat", DALL},
        {126, "Twstat", DALL},      {127, "Rwstat", DALL},
};

static void msg_name_names_every_message(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_string_equal(p9_msg_name(known[i].type), known[i].name);
}

static void msg_name_of_unknown_type_is_never_null(void **state)
{
	(void)state;
	assert_string_equal(p9_msg_name(0), "T?");
	assert_string_equal(p9_msg_name(11), "R?");
	assert_string_equal(p9_msg_name(200), "T?");
	assert_string_equal(p9_msg_name(255), "R?");
	for (unsigned t = 0; t < 256; t++)
		assert_non_null(p9_msg_name((uint8_t)t));
}

static void msg_known_matches_the_protocol_in_every_dialect(void **state)
{
	(void)state;
	for (unsigned t = 0; t < 256; t++) {
		unsigned want = 0;
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (known[i].type == t)
				want = known[i].dialects;
		for (unsigned d = 0; d < 3; d++)
			assert_int_equal(p9_msg_known(d, (uint8_t)t), (want >> d) & 1);
	}
	assert_int_equal(p9_msg_known((enum p9_dialect)3, P9_TVERSION), 0);
}

/* Tclunk fid 1 and its bytes. */
static const struct p9_fcall tclunk_fc = {.type = P9_TCLUNK, .tag = 1, .u.tclunk.fid = 1};
static const uint8_t tclunk_wire[] = {0x0b, 0, 0, 0, 0x78, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00};

static void pack_never_writes_past_cap(void **state)
{
	(void)state;
	uint8_t buf[32];
	for (size_t cap = 0; cap <= sizeof(tclunk_wire); cap++) {
		memset(buf, 0xEE, sizeof(buf));
		size_t n = p9_pack(buf, cap, P9_DIALECT_2000L, &tclunk_fc);
		assert_int_equal(n, cap == sizeof(tclunk_wire) ? sizeof(tclunk_wire) : 0);
		for (size_t i = cap; i < sizeof(buf); i++)
			assert_int_equal(buf[i], 0xEE);
	}
}

static void pack_into_null_buffer_returns_zero(void **state)
{
	(void)state;
	assert_int_equal(p9_pack(NULL, 64, P9_DIALECT_2000L, &tclunk_fc), 0);
	uint8_t buf[64];
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000L, NULL), 0);
}

static void rread_data_already_in_place_is_kept(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x10, 0x00, 0x00, 0x00, 0x75, 0x07, 0x00, /* size 16, Rread, tag 7 */
		0x05, 0x00, 0x00, 0x00, /* count */
		'h', 'e', 'l', 'l', 'o', /* data */
	};
	/* clang-format on */
	uint8_t buf[64];
	memset(buf, 0xEE, sizeof(buf));
	memcpy(buf + P9_RREAD_HDRSZ, "hello", 5); /* as a backend read it */
	struct p9_fcall fc = {
	        .type = P9_RREAD, .tag = 7, .u.rread = {.count = 5, .data = buf + P9_RREAD_HDRSZ}};
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000L, &fc), sizeof(wire));
	assert_memory_equal(buf, wire, sizeof(wire));
}

static void rreaddir_data_already_in_place_is_kept(void **state)
{
	(void)state;
	uint8_t buf[64];
	size_t pos = P9_RREAD_HDRSZ;
	struct p9_dirent de = {.qid = QID2, .offset = 1, .type = P9_DT_DIR, .name = {".", 1}};
	assert_int_equal(p9_dirent_pack(buf, sizeof(buf), &pos, &de), 0);
	struct p9_fcall fc = {.type = P9_RREADDIR,
	                      .tag = 13,
	                      .u.rread = {.count = (uint32_t)(pos - P9_RREAD_HDRSZ),
	                                  .data = buf + P9_RREAD_HDRSZ}};
	/* clang-format off */
	static const uint8_t wire[] = {
		0x24, 0x00, 0x00, 0x00, 0x29, 0x0d, 0x00, /* size 36, Rreaddir, tag 13 */
		0x19, 0x00, 0x00, 0x00, /* count */
		QID2_WIRE, /* qid */
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* offset */
		0x04, /* type */
		0x01, 0x00, '.', /* name */
	};
	/* clang-format on */
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000L, &fc), sizeof(wire));
	assert_memory_equal(buf, wire, sizeof(wire));
}

static void twrite_data_already_in_place_is_kept(void **state)
{
	(void)state;
	/* clang-format off */
	static const uint8_t wire[] = {
		0x1a, 0x00, 0x00, 0x00, 0x76, 0x08, 0x00, /* size 26, Twrite, tag 8 */
		0x07, 0x00, 0x00, 0x00, /* fid */
		0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* offset */
		0x03, 0x00, 0x00, 0x00, /* count */
		'a', 'b', 'c', /* data */
	};
	/* clang-format on */
	uint8_t buf[64];
	memset(buf, 0xEE, sizeof(buf));
	memcpy(buf + 23, "abc", 3);
	struct p9_fcall fc = {.type = P9_TWRITE,
	                      .tag = 8,
	                      .u.twrite = {.fid = 7, .offset = 10, .count = 3, .data = buf + 23}};
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000, &fc), sizeof(wire));
	assert_memory_equal(buf, wire, sizeof(wire));
}

static void rread_data_overlapping_its_place_is_moved(void **state)
{
	(void)state;
	/* payload two bytes past its final place, overlapping it */
	uint8_t buf[64];
	memset(buf, 0xEE, sizeof(buf));
	memcpy(buf + P9_RREAD_HDRSZ + 2, "0123456789", 10);
	struct p9_fcall fc = {.type = P9_RREAD,
	                      .tag = 1,
	                      .u.rread = {.count = 10, .data = buf + P9_RREAD_HDRSZ + 2}};
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000L, &fc), 21);
	assert_memory_equal(buf + P9_RREAD_HDRSZ, "0123456789", 10);
	assert_int_equal(p9_get_u32(buf + 7), 10);
}

static void rreadlink_target_already_in_place_is_kept(void **state)
{
	(void)state;
	/* the server reads a link straight into its reply buffer */
	uint8_t buf[32];
	memcpy(buf + P9_HDRSZ + 2, "/etc", 4);
	struct p9_fcall fc = {.type = P9_RREADLINK,
	                      .tag = 8,
	                      .u.rreadlink.target = {(const char *)buf + P9_HDRSZ + 2, 4}};
	/* clang-format off */
	static const uint8_t wire[] = {
		0x0d, 0x00, 0x00, 0x00, 0x17, 0x08, 0x00, /* size 13, Rreadlink, tag 8 */
		0x04, 0x00, '/', 'e', 't', 'c', /* target */
	};
	/* clang-format on */
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000L, &fc), sizeof(wire));
	assert_memory_equal(buf, wire, sizeof(wire));
}

static void pack_refuses_data_count_without_data(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct p9_fcall fc = {.type = P9_RREAD, .tag = 1, .u.rread = {.count = 5, .data = NULL}};
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000L, &fc), 0);
	assert_int_equal(p9_packed_size(P9_DIALECT_2000L, &fc), 0);
}

static void pack_refuses_string_length_without_bytes(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct p9_fcall fc = {.type = P9_RREADLINK, .tag = 1, .u.rreadlink.target = {NULL, 3}};
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000L, &fc), 0);
}

static void pack_refuses_twalk_with_more_than_16_names(void **state)
{
	(void)state;
	uint8_t buf[256];
	struct p9_fcall fc = {
	        .type = P9_TWALK, .tag = 1, .u.twalk = {.fid = 1, .newfid = 2, .nwname = 17}};
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000L, &fc), 0);
	assert_int_equal(p9_packed_size(P9_DIALECT_2000L, &fc), 0);
}

static void pack_refuses_rwalk_with_more_than_16_qids(void **state)
{
	(void)state;
	uint8_t buf[512];
	struct p9_fcall fc = {.type = P9_RWALK, .tag = 1, .u.rwalk = {.nwqid = 17}};
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000L, &fc), 0);
}

static void pack_refuses_types_the_dialect_lacks(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct p9_fcall rlerror = {.type = P9_RLERROR, .tag = 1, .u.rlerror.ecode = 2};
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000, &rlerror), 0);
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000U, &rlerror), 0);
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000L, &rlerror), 11);
	struct p9_fcall tlerror = {.type = P9_TLERROR, .tag = 1};
	struct p9_fcall terror = {.type = P9_TERROR, .tag = 1};
	struct p9_fcall unknown = {.type = 200, .tag = 1};
	for (unsigned d = 0; d < 3; d++) {
		assert_int_equal(p9_pack(buf, sizeof(buf), d, &tlerror), 0);
		assert_int_equal(p9_pack(buf, sizeof(buf), d, &terror), 0);
		assert_int_equal(p9_pack(buf, sizeof(buf), d, &unknown), 0);
		assert_int_equal(p9_packed_size(d, &unknown), 0);
	}
	assert_int_equal(p9_pack(buf, sizeof(buf), (enum p9_dialect)7, &tclunk_fc), 0);
}

static void pack_refuses_stat_over_65535_bytes(void **state)
{
	(void)state;
	static char big[0xFFFF];
	memset(big, 'n', sizeof(big));
	struct p9_fcall fc = {.type = P9_RSTAT,
	                      .tag = 1,
	                      .u.rstat.stat = {.name = {big, 0xFFFF}, .uid = {"u", 1}}};
	assert_int_equal(p9_packed_size(P9_DIALECT_2000, &fc), 0);
	static uint8_t buf[0x20000];
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000, &fc), 0);
	/* just under the limit is fine: 39 fixed + name 2+65480 + 3 * 2 = 65527 */
	fc.u.rstat.stat.name.len = 65480;
	fc.u.rstat.stat.uid.len = 0;
	assert_int_equal(p9_packed_size(P9_DIALECT_2000, &fc), 7 + 2 + 2 + 65527);
}

static void packed_size_equals_bytes_packed_for_a_large_write(void **state)
{
	(void)state;
	static uint8_t payload[100000];
	static uint8_t buf[100100];
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	struct p9_fcall fc = {
	        .type = P9_TWRITE,
	        .tag = 1,
	        .u.twrite = {.fid = 3, .offset = 0, .count = sizeof(payload), .data = payload}};
	size_t n = p9_packed_size(P9_DIALECT_2000L, &fc);
	assert_int_equal(n, 23 + sizeof(payload));
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000L, &fc), n);
	assert_memory_equal(buf + 23, payload, sizeof(payload));
	struct p9_fcall got;
	assert_int_equal(p9_unpack(buf, n, P9_DIALECT_2000L, &got), 0);
	assert_int_equal(got.u.twrite.count, sizeof(payload));
	assert_ptr_equal(got.u.twrite.data, buf + 23);
}

static void pack_writes_header_size_type_and_tag(void **state)
{
	(void)state;
	uint8_t buf[32];
	assert_int_equal(p9_pack(buf, sizeof(buf), P9_DIALECT_2000, &tclunk_fc), 11);
	assert_memory_equal(buf, tclunk_wire, sizeof(tclunk_wire));
}

int run_pack_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(msg_name_names_every_message),
	        cmocka_unit_test(msg_name_of_unknown_type_is_never_null),
	        cmocka_unit_test(msg_known_matches_the_protocol_in_every_dialect),
	        cmocka_unit_test(pack_never_writes_past_cap),
	        cmocka_unit_test(pack_into_null_buffer_returns_zero),
	        cmocka_unit_test(pack_writes_header_size_type_and_tag),
	        cmocka_unit_test(rread_data_already_in_place_is_kept),
	        cmocka_unit_test(rreaddir_data_already_in_place_is_kept),
	        cmocka_unit_test(twrite_data_already_in_place_is_kept),
	        cmocka_unit_test(rread_data_overlapping_its_place_is_moved),
	        cmocka_unit_test(rreadlink_target_already_in_place_is_kept),
	        cmocka_unit_test(pack_refuses_data_count_without_data),
	        cmocka_unit_test(pack_refuses_string_length_without_bytes),
	        cmocka_unit_test(pack_refuses_twalk_with_more_than_16_names),
	        cmocka_unit_test(pack_refuses_rwalk_with_more_than_16_qids),
	        cmocka_unit_test(pack_refuses_types_the_dialect_lacks),
	        cmocka_unit_test(pack_refuses_stat_over_65535_bytes),
	        cmocka_unit_test(packed_size_equals_bytes_packed_for_a_large_write),
	};
	return cmocka_run_group_tests_name("pack and message set", tests, NULL, NULL);
}
