/*
 * test_models.c: the local backend's security-model strategies without a
 * server: the mapped models' on-disk encodings (exact bytes and text, as
 * QEMU writes them), the rules for which type stored metadata may give,
 * which names are hidden, how each model maps xattr names, and the
 * multidevs=remap qid map.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fs/local/local.h"

/* glibc's dev_t layout, which is also Linux's new_encode_dev. */
static uint64_t mkdev(uint64_t major, uint64_t minor)
{
	return ((major & 0xfffff000u) << 32) | ((major & 0xfffu) << 8) |
	       ((minor & 0xffffff00u) << 12) | (minor & 0xffu);
}

/* --- mapped-xattr values --- */

static void xattr_values_are_little_endian(void **state)
{
	(void)state;
	uint8_t b4[4], b8[8];
	p9__meta_le32(1000, b4);
	assert_memory_equal(b4, ((uint8_t[]){ 0xe8, 0x03, 0x00, 0x00 }), 4);
	p9__meta_le32(0100644, b4); /* S_IFREG | 0644 = 0x81a4 */
	assert_memory_equal(b4, ((uint8_t[]){ 0xa4, 0x81, 0x00, 0x00 }), 4);
	p9__meta_le32(4294967294u, b4);
	assert_memory_equal(b4, ((uint8_t[]){ 0xfe, 0xff, 0xff, 0xff }), 4);
	p9__meta_le64(mkdev(10, 200), b8); /* 0x0ac8 */
	assert_memory_equal(b8, ((uint8_t[]){ 0xc8, 0x0a, 0, 0, 0, 0, 0, 0 }), 8);
	p9__meta_le64(0x0102030405060708ull, b8);
	assert_memory_equal(b8, ((uint8_t[]){ 8, 7, 6, 5, 4, 3, 2, 1 }), 8);
}

/* --- mapped-file text --- */

static void metadata_text_is_qemus(void **state)
{
	(void)state;
	char buf[512];
	struct local_meta m = { .have = LOCAL_META_UID | LOCAL_META_GID | LOCAL_META_MODE,
				.uid = 1000,
				.gid = 100,
				.mode = 0100644 };
	const char *want = "virtfs.uid=1000\nvirtfs.gid=100\nvirtfs.mode=33188\n";
	assert_int_equal(p9__meta_format(&m, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
	m.have |= LOCAL_META_RDEV;
	m.mode = 0020620;
	m.rdev = mkdev(10, 200);
	want = "virtfs.uid=1000\nvirtfs.gid=100\nvirtfs.mode=8592\nvirtfs.rdev=2760\n";
	assert_int_equal(p9__meta_format(&m, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

static void metadata_text_has_only_the_fields_set(void **state)
{
	(void)state;
	char buf[64];
	struct local_meta m = { .have = LOCAL_META_MODE, .mode = 040755 };
	assert_int_equal(p9__meta_format(&m, buf, sizeof(buf)), 18);
	assert_string_equal(buf, "virtfs.mode=16877\n");
	m.have = 0;
	assert_int_equal(p9__meta_format(&m, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static void metadata_text_prints_ids_as_c_ints(void **state)
{
	(void)state;
	char buf[128];
	/* QEMU's "%d" of an int: uid 4294967294 is -2, and a dev_t with
	 * bit 31 set (minor 0x80000) is negative. */
	struct local_meta m = { .have = LOCAL_META_UID | LOCAL_META_RDEV,
				.uid = 4294967294u,
				.rdev = mkdev(0, 0x80000) };
	assert_int_equal(m.rdev, 0x80000000u);
	p9__meta_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "virtfs.uid=-2\nvirtfs.rdev=-2147483648\n");
	/* ...and reads them back as the same unsigned numbers. */
	struct local_meta back;
	p9__meta_parse(buf, strlen(buf), &back);
	assert_int_equal(back.have, LOCAL_META_UID | LOCAL_META_RDEV);
	assert_int_equal(back.uid, 4294967294u);
	assert_int_equal(back.rdev, 0x80000000u);
}

static void metadata_text_keeps_device_numbers_above_32_bits(void **state)
{
	(void)state;
	char buf[128];
	struct local_meta m = { .have = LOCAL_META_RDEV, .rdev = mkdev(5000, 1u << 21) };
	assert_true(m.rdev > 0xffffffffu);
	p9__meta_format(&m, buf, sizeof(buf));
	char want[64];
	snprintf(want, sizeof(want), "virtfs.rdev=%llu\n", (unsigned long long)m.rdev);
	assert_string_equal(buf, want);
	struct local_meta back;
	p9__meta_parse(buf, strlen(buf), &back);
	assert_int_equal(back.rdev, m.rdev);
}

static void metadata_text_that_does_not_fit_is_refused(void **state)
{
	(void)state;
	char buf[20];
	struct local_meta m = { .have = LOCAL_META_UID | LOCAL_META_GID, .uid = 1, .gid = 2 };
	assert_int_equal(p9__meta_format(&m, buf, sizeof(buf)), 0);
}

static void metadata_parse_reads_what_qemu_reads(void **state)
{
	(void)state;
	struct local_meta m;
	/* Any order, junk lines ignored, no final newline. */
	const char *text = "junk\nvirtfs.mode=41471\nvirtfs.gid=5\n\nvirtfs.uid=7";
	p9__meta_parse(text, strlen(text), &m);
	assert_int_equal(m.have, LOCAL_META_UID | LOCAL_META_GID | LOCAL_META_MODE);
	assert_int_equal(m.uid, 7);
	assert_int_equal(m.gid, 5);
	assert_int_equal(m.mode, 0120777);
	/* -1 is QEMU's "not set"; a non-number is nothing; atoi stops at
	 * the first non-digit. */
	text = "virtfs.uid=-1\nvirtfs.gid=abc\nvirtfs.mode=420xyz\nvirtfs.rdevil=3\n";
	p9__meta_parse(text, strlen(text), &m);
	assert_int_equal(m.have, LOCAL_META_MODE);
	assert_int_equal(m.mode, 420);
	/* The length bounds the parse: nothing past it is read. */
	text = "virtfs.uid=12345";
	p9__meta_parse(text, 13, &m);
	assert_int_equal(m.have, LOCAL_META_UID);
	assert_int_equal(m.uid, 12);
	p9__meta_parse("", 0, &m);
	assert_int_equal(m.have, 0);
}

static void metadata_round_trips(void **state)
{
	(void)state;
	struct local_meta m = { .have = 15, .uid = 0, .gid = 65534, .mode = 0060640,
				.rdev = mkdev(8, 1) }, back;
	char buf[256];
	size_t n = p9__meta_format(&m, buf, sizeof(buf));
	p9__meta_parse(buf, n, &back);
	assert_memory_equal(&back, &m, sizeof(m));
}

/* --- what stored metadata may make of a host file --- */

static void stored_type_applies_to_host_regular_files_only(void **state)
{
	(void)state;
	struct local_meta m = { .have = LOCAL_META_MODE, .mode = P9_S_IFLNK | 0777 };
	assert_int_equal(p9__meta_type(&m, P9_S_IFREG), P9_S_IFLNK);
	assert_int_equal(p9__meta_type(&m, P9_S_IFDIR), P9_S_IFDIR);
	m.mode = P9_S_IFCHR | 0600;
	assert_int_equal(p9__meta_type(&m, P9_S_IFREG), P9_S_IFCHR);
	assert_int_equal(p9__meta_type(&m, P9_S_IFLNK), P9_S_IFLNK);
	/* A host regular file never becomes a directory. */
	m.mode = P9_S_IFDIR | 0755;
	assert_int_equal(p9__meta_type(&m, P9_S_IFREG), P9_S_IFREG);
	/* A mode without type bits keeps the host's type. */
	m.mode = 0644;
	assert_int_equal(p9__meta_type(&m, P9_S_IFREG), P9_S_IFREG);
	m.have = 0;
	m.mode = P9_S_IFLNK | 0777;
	assert_int_equal(p9__meta_type(&m, P9_S_IFREG), P9_S_IFREG);
}

static void stored_fields_override_host_attributes(void **state)
{
	(void)state;
	struct p9_os_stat st = { .mode = P9_S_IFREG | 0600, .uid = 65534, .gid = 65534, .rdev = 0 };
	struct local_meta m = { .have = LOCAL_META_UID | LOCAL_META_MODE | LOCAL_META_RDEV,
				.uid = 0,
				.mode = P9_S_IFBLK | 04660,
				.rdev = mkdev(8, 1) };
	p9__meta_apply(&m, &st);
	assert_int_equal(st.uid, 0);
	assert_int_equal(st.gid, 65534); /* not stored: the host's */
	assert_int_equal(st.mode, P9_S_IFBLK | 04660);
	assert_int_equal(st.rdev, mkdev(8, 1));
	struct p9_os_stat dir = { .mode = P9_S_IFDIR | 0700 };
	m.mode = P9_S_IFREG | 0755;
	p9__meta_apply(&m, &dir);
	assert_int_equal(dir.mode, P9_S_IFDIR | 0755);
}

/* --- hidden names (mapped-file) --- */

static void metadata_names_are_hidden_and_only_they(void **state)
{
	(void)state;
	const struct local_model *mf = &p9__model_mapped_file;
	assert_false(mf->name_visible(NULL, ".virtfs_metadata", 16));
	assert_false(mf->name_visible(NULL, ".virtfs_metadata_root", 21));
	/* Lengths count, not NUL terminators (names are views). */
	assert_true(mf->name_visible(NULL, ".virtfs_metadata_root", 16 + 1));
	assert_false(mf->name_visible(NULL, ".virtfs_metadataXYZ", 16));
	assert_true(mf->name_visible(NULL, ".virtfs_metadat", 15));
	assert_true(mf->name_visible(NULL, "virtfs_metadata", 15));
	assert_true(mf->name_visible(NULL, ".virtfs_metadata2", 17));
	assert_true(mf->name_visible(NULL, ".VIRTFS_METADATA", 16));
	/* The other models hide nothing. */
	assert_null(p9__model_passthrough.name_visible);
	assert_null(p9__model_none.name_visible);
	assert_null(p9__model_mapped_xattr.name_visible);
}

/* --- xattr names --- */

static int map(const struct local_model *mo, const char *name, enum local_xattr_op op, char *host)
{
	strcpy(host, "untouched");
	return mo->xattr_map(NULL, name, op, host);
}

static void mapped_xattr_guards_user_virtfs(void **state)
{
	(void)state;
	const struct local_model *mx = &p9__model_mapped_xattr;
	char host[256];
	assert_int_equal(map(mx, "user.virtfs.uid", LOCAL_XATTR_GET, host), -ENODATA);
	assert_int_equal(map(mx, "user.virtfs.uid", LOCAL_XATTR_SET, host), -EACCES);
	assert_int_equal(map(mx, "user.virtfs.anything", LOCAL_XATTR_GET, host), -ENODATA);
	assert_int_equal(map(mx, "user.virtfs.system.posix_acl_access", LOCAL_XATTR_SET, host),
			 -EACCES);
	assert_int_equal(map(mx, "user.color", LOCAL_XATTR_SET, host), 0);
	assert_string_equal(host, "user.color");
	assert_int_equal(map(mx, "user.virtfsx", LOCAL_XATTR_GET, host), 0);
	assert_int_equal(map(mx, "system.posix_acl_access", LOCAL_XATTR_SET, host),
			 LOCAL_XATTR_QUIET_REMOVE);
	assert_string_equal(host, "user.virtfs.system.posix_acl_access");
	assert_int_equal(map(mx, "system.posix_acl_default", LOCAL_XATTR_GET, host),
			 LOCAL_XATTR_QUIET_REMOVE);
	assert_string_equal(host, "user.virtfs.system.posix_acl_default");
	assert_int_equal(map(mx, "system.posix_acl_other", LOCAL_XATTR_GET, host), -EOPNOTSUPP);
	assert_int_equal(map(mx, "security.selinux", LOCAL_XATTR_GET, host), -EOPNOTSUPP);
	assert_int_equal(map(mx, "trusted.overlay.opaque", LOCAL_XATTR_SET, host), -EOPNOTSUPP);
}

static int list(const struct local_model *mo, const char *host, char *out)
{
	strcpy(out, "untouched");
	return mo->xattr_list(NULL, host, out);
}

static void mapped_xattr_lists_what_clients_set(void **state)
{
	(void)state;
	const struct local_model *mx = &p9__model_mapped_xattr;
	char out[256];
	assert_int_equal(list(mx, "user.virtfs.uid", out), 0);
	assert_int_equal(list(mx, "user.virtfs.rdev", out), 0);
	assert_int_equal(list(mx, "user.color", out), 1);
	assert_string_equal(out, "user.color");
	assert_int_equal(list(mx, "user.virtfs.system.posix_acl_access", out), 1);
	assert_string_equal(out, "system.posix_acl_access");
	assert_int_equal(list(mx, "user.virtfs.system.posix_acl_default", out), 1);
	assert_string_equal(out, "system.posix_acl_default");
	/* The host's own ACLs and labels are not the client's. */
	assert_int_equal(list(mx, "system.posix_acl_access", out), 0);
	assert_int_equal(list(mx, "security.selinux", out), 0);
}

static void host_models_pass_user_and_acls(void **state)
{
	(void)state;
	char host[256], out[256];
	const struct local_model *pass[] = { &p9__model_passthrough, &p9__model_mapped_file };
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(map(pass[i], "user.virtfs.uid", LOCAL_XATTR_GET, host), 0);
		assert_string_equal(host, "user.virtfs.uid");
		assert_int_equal(map(pass[i], "system.posix_acl_access", LOCAL_XATTR_SET, host), 0);
		assert_string_equal(host, "system.posix_acl_access");
		assert_int_equal(map(pass[i], "security.x", LOCAL_XATTR_GET, host), -EOPNOTSUPP);
		assert_int_equal(map(pass[i], "trusted.x", LOCAL_XATTR_SET, host), -EOPNOTSUPP);
		assert_int_equal(list(pass[i], "system.posix_acl_default", out), 1);
		assert_int_equal(list(pass[i], "security.selinux", out), 0);
	}
	/* "none" acts as the server: no ACLs. */
	const struct local_model *none = &p9__model_none;
	assert_int_equal(map(none, "system.posix_acl_access", LOCAL_XATTR_SET, host), -EOPNOTSUPP);
	assert_int_equal(map(none, "user.a", LOCAL_XATTR_SET, host), 0);
	assert_int_equal(list(none, "system.posix_acl_access", out), 0);
	assert_int_equal(list(none, "user.a", out), 1);
}

static void mapped_listings_report_regular_files_as_unknown(void **state)
{
	(void)state;
	const struct local_model *mapped[] = { &p9__model_mapped_xattr, &p9__model_mapped_file };
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(mapped[i]->dirent_type(P9_DT_REG), P9_DT_UNKNOWN);
		assert_int_equal(mapped[i]->dirent_type(P9_DT_DIR), P9_DT_DIR);
		assert_int_equal(mapped[i]->dirent_type(P9_DT_LNK), P9_DT_LNK);
	}
	assert_int_equal(p9__model_passthrough.dirent_type(P9_DT_REG), P9_DT_REG);
	assert_int_equal(p9__model_none.dirent_type(P9_DT_FIFO), P9_DT_FIFO);
}

static void every_model_fills_its_required_hooks(void **state)
{
	(void)state;
	const struct local_model *all[] = { &p9__model_passthrough, &p9__model_none,
					    &p9__model_mapped_xattr, &p9__model_mapped_file };
	for (size_t i = 0; i < 4; i++) {
		const struct local_model *m = all[i];
		assert_non_null(m->name);
		assert_non_null(m->create);
		assert_non_null(m->mkdir);
		assert_non_null(m->mknod);
		assert_non_null(m->symlink);
		assert_non_null(m->chown);
		assert_non_null(m->chmod);
		assert_non_null(m->readlink);
		assert_non_null(m->link);
		assert_non_null(m->rename);
		assert_non_null(m->unlink);
		assert_non_null(m->dirent_type);
		assert_non_null(m->xattr_map);
		assert_non_null(m->xattr_list);
		/* The mapped models keep metadata; the others keep none. */
		int mapped = i >= 2;
		assert_int_equal(m->meta_load != NULL, mapped);
		assert_int_equal(m->meta_store != NULL, mapped);
		assert_int_equal(m->getattr != NULL, mapped);
		assert_int_equal(m->file_type != NULL, mapped);
	}
}

/* --- multidevs=remap --- */

static void remap_keeps_root_device_inodes(void **state)
{
	(void)state;
	struct local_qidmap m;
	uint64_t p;
	assert_int_equal(p9__qidmap_init(&m), 0);
	assert_int_equal(p9__qidmap_path(&m, 42, 42, 123456, &p), 0);
	assert_int_equal(p, 123456);
	assert_int_equal(m.ngroups, 0); /* no table was touched */
	/* An inode with bit 63 set goes through the table like another
	 * device's, so it cannot meet one of theirs. */
	uint64_t other;
	assert_int_equal(p9__qidmap_path(&m, 42, 42, (1ull << 63) | 5, &p), 0);
	assert_int_equal(m.ngroups, 1);
	assert_int_equal(p9__qidmap_path(&m, 42, 43, 5, &other), 0);
	assert_true(p >> 63);
	assert_true(other >> 63);
	assert_int_not_equal(p, other);
	p9__qidmap_destroy(&m);
}

static void remap_separates_colliding_inodes(void **state)
{
	(void)state;
	struct local_qidmap m;
	uint64_t root, a, b, a2, b2;
	assert_int_equal(p9__qidmap_init(&m), 0);
	assert_int_equal(p9__qidmap_path(&m, 1, 1, 2, &root), 0);
	assert_int_equal(p9__qidmap_path(&m, 1, 7, 2, &a), 0);
	assert_int_equal(p9__qidmap_path(&m, 1, 8, 2, &b), 0);
	assert_int_not_equal(root, a);
	assert_int_not_equal(root, b);
	assert_int_not_equal(a, b);
	/* Same answer every time; neighbours share their device's group. */
	assert_int_equal(p9__qidmap_path(&m, 1, 7, 2, &a2), 0);
	assert_int_equal(a2, a);
	assert_int_equal(p9__qidmap_path(&m, 1, 8, 3, &b2), 0);
	assert_int_equal(b2, b + 1);
	assert_int_equal(m.ngroups, 2);
	/* Far-apart inodes of one device take another group. */
	assert_int_equal(p9__qidmap_path(&m, 1, 7, (5ull << 40) | 2, &a2), 0);
	assert_int_not_equal(a2, a);
	assert_int_equal(m.ngroups, 3);
	p9__qidmap_destroy(&m);
}

static void remap_falls_back_to_a_full_table(void **state)
{
	(void)state;
	struct local_qidmap m;
	uint64_t early, p1, p2, again;
	assert_int_equal(p9__qidmap_init(&m), 0);
	assert_int_equal(p9__qidmap_path(&m, 1, 9, 77, &early), 0);
	/* Pretend every group is taken (filling 2^22 for real would cost
	 * a quarter GiB). */
	m.ngroups = 1ull << 22;
	assert_int_equal(p9__qidmap_path(&m, 1, 10, 77, &p1), 0);
	assert_int_equal(p9__qidmap_path(&m, 1, 10, 78, &p2), 0);
	assert_int_equal(p1, (3ull << 62) | 0);
	assert_int_equal(p2, (3ull << 62) | 1);
	assert_int_equal(p9__qidmap_path(&m, 1, 10, 77, &again), 0);
	assert_int_equal(again, p1);
	/* Groups made before still answer. */
	assert_int_equal(p9__qidmap_path(&m, 1, 9, 77, &again), 0);
	assert_int_equal(again, early);
	/* Thousands of entries: the table grows and keeps every one. */
	for (uint64_t i = 0; i < 5000; i++)
		assert_int_equal(p9__qidmap_path(&m, 1, 11, i << 41, &p1), 0);
	for (uint64_t i = 0; i < 5000; i++) {
		assert_int_equal(p9__qidmap_path(&m, 1, 11, i << 41, &p1), 0);
		assert_int_equal(p1, (3ull << 62) | (2 + i));
	}
	p9__qidmap_destroy(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(xattr_values_are_little_endian),
		cmocka_unit_test(metadata_text_is_qemus),
		cmocka_unit_test(metadata_text_has_only_the_fields_set),
		cmocka_unit_test(metadata_text_prints_ids_as_c_ints),
		cmocka_unit_test(metadata_text_keeps_device_numbers_above_32_bits),
		cmocka_unit_test(metadata_text_that_does_not_fit_is_refused),
		cmocka_unit_test(metadata_parse_reads_what_qemu_reads),
		cmocka_unit_test(metadata_round_trips),
		cmocka_unit_test(stored_type_applies_to_host_regular_files_only),
		cmocka_unit_test(stored_fields_override_host_attributes),
		cmocka_unit_test(metadata_names_are_hidden_and_only_they),
		cmocka_unit_test(mapped_xattr_guards_user_virtfs),
		cmocka_unit_test(mapped_xattr_lists_what_clients_set),
		cmocka_unit_test(host_models_pass_user_and_acls),
		cmocka_unit_test(mapped_listings_report_regular_files_as_unknown),
		cmocka_unit_test(every_model_fills_its_required_hooks),
		cmocka_unit_test(remap_keeps_root_device_inodes),
		cmocka_unit_test(remap_separates_colliding_inodes),
		cmocka_unit_test(remap_falls_back_to_a_full_table),
	};
	return cmocka_run_group_tests_name("fs_models", tests, NULL, NULL);
}
