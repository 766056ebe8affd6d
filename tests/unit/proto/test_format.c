/*
 * test_format.c: the one-line trace (p9_format): its exact text, escaping
 * of client bytes, and that it never overruns its buffer.
 */
#include <string.h>

#include "helpers.h"

static void expect_line(const struct p9_fcall *fc, const char *want)
{
	char out[512];
	size_t n = p9_format(out, sizeof(out), fc);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void format_twalk_shows_fids_and_names(void **state)
{
	(void)state;
	struct p9_fcall fc = {
	        .type = P9_TWALK,
	        .tag = 3,
	        .u.twalk = {.fid = 1, .newfid = 2, .nwname = 2, .wname = {{"a", 1}, {"b", 1}}}};
	expect_line(&fc, "Twalk tag 3 fid 1 newfid 2 nwname 2 \"a\" \"b\"");
}

static void format_rwalk_shows_qids(void **state)
{
	(void)state;
	struct p9_fcall fc = {.type = P9_RWALK, .tag = 3, .u.rwalk = {.nwqid = 1, .wqid = {QID1}}};
	expect_line(&fc, "Rwalk tag 3 nwqid 1 (type 0x80 ver 16909060 path 0x1112131415161718)");
}

static void format_rlerror_shows_ecode(void **state)
{
	(void)state;
	struct p9_fcall fc = {.type = P9_RLERROR, .tag = 9, .u.rlerror.ecode = 2};
	expect_line(&fc, "Rlerror tag 9 ecode 2");
}

static void format_shows_modes_in_octal_and_masks_in_hex(void **state)
{
	(void)state;
	struct p9_fcall fc = {.type = P9_TMKDIR,
	                      .tag = 1,
	                      .u.tmkdir = {.dfid = 1, .name = {"d", 1}, .mode = 0755, .gid = 100}};
	expect_line(&fc, "Tmkdir tag 1 dfid 1 name \"d\" mode 0755 gid 100");
	struct p9_fcall ga = {.type = P9_TGETATTR,
	                      .tag = 2,
	                      .u.tgetattr = {.fid = 4, .request_mask = P9_GETATTR_ALL}};
	expect_line(&ga, "Tgetattr tag 2 fid 4 request_mask 0x3fff");
}

static void format_shows_data_count_not_payload(void **state)
{
	(void)state;
	struct p9_fcall fc = {.type = P9_RREAD,
	                      .tag = 7,
	                      .u.rread = {.count = 5, .data = (const uint8_t *)"hello"}};
	expect_line(&fc, "Rread tag 7 count 5");
}

static void format_escapes_non_printable_bytes(void **state)
{
	(void)state;
	struct p9_fcall fc = {
	        .type = P9_RREADLINK, .tag = 1, .u.rreadlink.target = {"a\n\"\\\x01\xff", 6}};
	expect_line(&fc, "Rreadlink tag 1 target \"a\\x0a\\\"\\\\\\x01\\xff\"");
}

static void format_cuts_long_strings_with_a_marker(void **state)
{
	(void)state;
	char name[100];
	memset(name, 'a', sizeof(name));
	struct p9_fcall fc = {
	        .type = P9_RREADLINK, .tag = 1, .u.rreadlink.target = {name, sizeof(name)}};
	char want[128] = "Rreadlink tag 1 target \"";
	memset(want + strlen(want), 'a', 64);
	strcpy(want + 24 + 64, "\"...");
	expect_line(&fc, want);
}

static void format_omits_dotu_fields_left_at_their_defaults(void **state)
{
	(void)state;
	/* a classic Tattach decodes with n_uname "none" */
	/* clang-format off */
	static const uint8_t wire[] = {
		0x1a, 0x00, 0x00, 0x00, 0x68, 0x02, 0x00, /* size 26, Tattach, tag 2 */
		0x01, 0x00, 0x00, 0x00, /* fid */
		0xff, 0xff, 0xff, 0xff, /* afid */
		0x06, 0x00, 'g', 'l', 'e', 'n', 'd', 'a', /* uname */
		0x01, 0x00, '/', /* aname */
	};
	/* clang-format on */
	struct p9_fcall fc;
	assert_int_equal(p9_unpack(wire, sizeof(wire), P9_DIALECT_2000, &fc), 0);
	expect_line(&fc, "Tattach tag 2 fid 1 afid 4294967295 uname \"glenda\" aname \"/\"");
	fc.u.tattach.n_uname = 1000;
	expect_line(&fc, "Tattach tag 2 fid 1 afid 4294967295 uname \"glenda\" aname \"/\" "
	                 "n_uname 1000");
}

static void format_of_bodyless_and_unknown_messages(void **state)
{
	(void)state;
	struct p9_fcall rclunk = {.type = P9_RCLUNK, .tag = 5};
	expect_line(&rclunk, "Rclunk tag 5");
	struct p9_fcall unknown = {.type = 200, .tag = 1};
	expect_line(&unknown, "T? (type 200) tag 1");
}

static void format_shows_stat_fields(void **state)
{
	(void)state;
	struct p9_fcall fc = {.type = P9_RSTAT,
	                      .tag = 1,
	                      .u.rstat.stat = {.qid = QID2,
	                                       .mode = 0644,
	                                       .length = 3,
	                                       .name = {"f", 1},
	                                       .uid = {"u", 1},
	                                       .n_uid = 0xFFFFFFFF,
	                                       .n_gid = 0xFFFFFFFF,
	                                       .n_muid = 0xFFFFFFFF}};
	expect_line(&fc,
	            "Rstat tag 1 stat { type 0 dev 0 qid (type 0x0 ver 7 path 0x2a) mode 0x1a4 "
	            "atime 0 mtime 0 length 3 name \"f\" uid \"u\" gid \"\" muid \"\" }");
}

static void format_never_overruns_its_buffer(void **state)
{
	(void)state;
	struct p9_fcall fc = {
	        .type = P9_TWALK,
	        .tag = 3,
	        .u.twalk = {.fid = 1, .newfid = 2, .nwname = 2, .wname = {{"a", 1}, {"b", 1}}}};
	char out[64];
	for (size_t cap = 1; cap < 48; cap++) {
		memset(out, 'Z', sizeof(out));
		size_t n = p9_format(out, cap, &fc);
		assert_true(n < cap);
		assert_int_equal(out[n], '\0');
		assert_int_equal(strlen(out), n);
		for (size_t i = cap; i < sizeof(out); i++)
			assert_int_equal(out[i], 'Z');
	}
	memset(out, 'Z', sizeof(out));
	assert_int_equal(p9_format(out, 0, &fc), 0);
	assert_int_equal(out[0], 'Z');
	/* a short buffer holds a prefix of the full line */
	assert_int_equal(p9_format(out, 11, &fc), 10);
	assert_string_equal(out, "Twalk tag ");
}

int run_format_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(format_twalk_shows_fids_and_names),
	        cmocka_unit_test(format_rwalk_shows_qids),
	        cmocka_unit_test(format_rlerror_shows_ecode),
	        cmocka_unit_test(format_shows_modes_in_octal_and_masks_in_hex),
	        cmocka_unit_test(format_shows_data_count_not_payload),
	        cmocka_unit_test(format_escapes_non_printable_bytes),
	        cmocka_unit_test(format_cuts_long_strings_with_a_marker),
	        cmocka_unit_test(format_omits_dotu_fields_left_at_their_defaults),
	        cmocka_unit_test(format_of_bodyless_and_unknown_messages),
	        cmocka_unit_test(format_shows_stat_fields),
	        cmocka_unit_test(format_never_overruns_its_buffer),
	};
	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
