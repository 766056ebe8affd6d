/*
 * test_mapped.c: the mapped security models (mapped-xattr, mapped-file)
 * and multidevs=remap, end to end through the client library, checking
 * what the client sees and the exact bytes left on the host (QEMU's
 * formats, see docs/security-models.md).
 *
 * The mapped models exist to run a server without privilege, so that is
 * how they are tested: started as root (as under meson test), the
 * process first runs the tests that need root (mounting tmpfs file
 * systems for multidevs, in a mount namespace of its own), then drops
 * for good to uid/gid 65534 and runs the mapped-model groups; started
 * as another user it skips the root part.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static struct harness H;
static enum p9_security_model MODEL;
static int XATTR; /* MODEL == P9_SM_MAPPED_XATTR */
static uint32_t FMODE = 0600, DMODE = 0700;

#define ME 1000u /* the attaching user: never the server's uid */

static int start(uint32_t fmode, uint32_t dmode)
{
	struct p9_server_config cfg;
	p9_server_config_init(&cfg);
	cfg.model = MODEL;
	cfg.fmode = FMODE = fmode;
	cfg.dmode = DMODE = dmode;
	return harness_start(&H, &cfg, ME) == 0 ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	return start(0600, 0700);
}

static int setup_modes(void **state)
{
	(void)state;
	return start(0640, 0750);
}

static int teardown(void **state)
{
	(void)state;
	harness_stop(&H);
	return 0;
}

/* --- helpers --- */

static struct stat host_stat(const char *rel)
{
	struct stat st;
	if (fstatat(H.exportfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
		fail_msg("host stat %s: %s", rel, strerror(errno));
	return st;
}

static int host_exists(const char *rel)
{
	struct stat st;
	return fstatat(H.exportfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static ssize_t host_xattr(const char *rel, const char *name, void *buf, size_t cap)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s", H.export_dir, rel);
	ssize_t n = lgetxattr(path, name, buf, cap);
	return n < 0 ? -errno : n;
}

/* The metadata file of dir/name as text ("" when there is none). */
static const char *meta_text(const char *dir, const char *name)
{
	static char buf[512];
	char rel[300];
	if (dir)
		snprintf(rel, sizeof(rel), "%s/.virtfs_metadata/%s", dir, name);
	else
		snprintf(rel, sizeof(rel), ".virtfs_metadata/%s", name);
	if (harness_read_file(&H, rel, buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	return buf;
}

static void assert_le32_xattr(const char *rel, const char *name, uint32_t v)
{
	uint8_t b[8];
	const uint8_t want[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
				  (uint8_t)(v >> 24) };
	assert_int_equal(host_xattr(rel, name, b, sizeof(b)), 4);
	assert_memory_equal(b, want, 4);
}

static struct p9_rgetattr attrs(const char *path)
{
	uint32_t f;
	struct p9_rgetattr a;
	if (p9_client_walk(H.c, H.root, path, &f, NULL) < 0)
		fail_msg("walk %s", path);
	assert_int_equal(p9_client_getattr(H.c, f, P9_GETATTR_ALL, &a), 0);
	p9_client_clunk(H.c, f);
	return a;
}

static void set_owner(const char *path, uint32_t uid, uint32_t gid)
{
	uint32_t f;
	struct p9_tsetattr sa = { .valid = P9_SETATTR_UID | P9_SETATTR_GID, .uid = uid, .gid = gid };
	assert_int_equal(p9_client_walk(H.c, H.root, path, &f, NULL), 0);
	assert_int_equal(p9_client_setattr(H.c, f, &sa), 0);
	p9_client_clunk(H.c, f);
}

static void create(const char *name, uint32_t mode, uint32_t gid)
{
	uint32_t f;
	assert_int_equal(p9_client_walk(H.c, H.root, "", &f, NULL), 0);
	assert_int_equal(p9_client_lcreate(H.c, f, name, P9_DOTL_RDWR, mode, gid, NULL, NULL), 0);
	p9_client_clunk(H.c, f);
}

/* --- both models --- */

static void server_runs_unprivileged(void **state)
{
	(void)state;
	if (geteuid() == 0)
		print_message("note: running as root (could not drop privileges)\n");
	else
		assert_int_equal(host_stat(".").st_uid, geteuid());
}

static void create_stores_owner_and_mode_not_on_host(void **state)
{
	(void)state;
	create("f", 0640, 100);
	struct p9_rgetattr a = attrs("f");
	assert_int_equal(a.uid, ME);
	assert_int_equal(a.gid, 100);
	assert_int_equal(a.mode, S_IFREG | 0640);
	/* On the host: the server's file, fmode. */
	struct stat st = host_stat("f");
	assert_int_equal(st.st_uid, geteuid());
	assert_int_equal(st.st_mode, S_IFREG | 0600);
	if (XATTR) {
		assert_le32_xattr("f", "user.virtfs.uid", ME);
		assert_le32_xattr("f", "user.virtfs.gid", 100);
		assert_le32_xattr("f", "user.virtfs.mode", S_IFREG | 0640);
		uint8_t b[8];
		assert_int_equal(host_xattr("f", "user.virtfs.rdev", b, sizeof(b)), -ENODATA);
	} else {
		assert_string_equal(meta_text(NULL, "f"),
				    "virtfs.uid=1000\nvirtfs.gid=100\nvirtfs.mode=33184\n");
		assert_int_equal(host_stat(".virtfs_metadata").st_mode, S_IFDIR | 0700);
		assert_int_equal(host_stat(".virtfs_metadata/f").st_mode, S_IFREG | 0600);
	}
}

static void chown_to_any_ids_is_stored(void **state)
{
	(void)state;
	create("f", 0644, 0);
	set_owner("f", 4242, 4343);
	struct p9_rgetattr a = attrs("f");
	assert_int_equal(a.uid, 4242);
	assert_int_equal(a.gid, 4343);
	assert_int_equal(host_stat("f").st_uid, geteuid());
	if (XATTR) {
		assert_le32_xattr("f", "user.virtfs.uid", 4242);
		assert_le32_xattr("f", "user.virtfs.gid", 4343);
	} else {
		assert_string_equal(meta_text(NULL, "f"),
				    "virtfs.uid=4242\nvirtfs.gid=4343\nvirtfs.mode=33188\n");
	}
	/* Root, and a uid above 2^31 (QEMU's text has it negative). */
	set_owner("f", 0, 4294967294u);
	a = attrs("f");
	assert_int_equal(a.uid, 0);
	assert_int_equal(a.gid, 4294967294u);
	if (!XATTR)
		assert_string_equal(meta_text(NULL, "f"),
				    "virtfs.uid=0\nvirtfs.gid=-2\nvirtfs.mode=33188\n");
}

static void chmod_is_stored_not_applied(void **state)
{
	(void)state;
	uint32_t f;
	create("m", 0644, 0);
	assert_int_equal(p9_client_walk(H.c, H.root, "m", &f, NULL), 0);
	struct p9_tsetattr sa = { .valid = P9_SETATTR_MODE, .mode = 04751 };
	assert_int_equal(p9_client_setattr(H.c, f, &sa), 0);
	/* A type in the request does not change the file's type. */
	sa.mode = S_IFCHR | 0751;
	assert_int_equal(p9_client_setattr(H.c, f, &sa), 0);
	struct p9_rgetattr a;
	assert_int_equal(p9_client_getattr(H.c, f, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.mode, S_IFREG | 0751);
	p9_client_clunk(H.c, f);
	assert_int_equal(host_stat("m").st_mode, S_IFREG | 0600);
	if (XATTR)
		assert_le32_xattr("m", "user.virtfs.mode", S_IFREG | 0751);
	else
		assert_string_equal(meta_text(NULL, "m"),
				    "virtfs.uid=1000\nvirtfs.gid=0\nvirtfs.mode=33257\n");
}

static void mknod_makes_regular_files_with_type_and_rdev(void **state)
{
	(void)state;
	struct p9_qid q;
	struct {
		const char *name;
		uint32_t type, major, minor;
	} nodes[] = {
		{ "chr", S_IFCHR, 10, 200 },
		{ "blk", S_IFBLK, 8, 1 },
		{ "fifo", S_IFIFO, 0, 0 },
		{ "sock", S_IFSOCK, 0, 0 },
	};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(p9_client_mknod(H.c, H.root, nodes[i].name, nodes[i].type | 0620,
						 nodes[i].major, nodes[i].minor, 5, &q),
				 0);
		assert_int_equal(q.type, P9_QTFILE);
		struct p9_rgetattr a = attrs(nodes[i].name);
		uint64_t rdev = makedev(nodes[i].major, nodes[i].minor);
		assert_int_equal(a.mode, nodes[i].type | 0620);
		assert_int_equal(a.rdev, rdev);
		assert_int_equal(a.uid, ME);
		assert_int_equal(a.gid, 5);
		/* The host holds an empty regular file, never a device. */
		struct stat st = host_stat(nodes[i].name);
		assert_int_equal(st.st_mode, S_IFREG | 0600);
		assert_int_equal(st.st_size, 0);
		if (XATTR) {
			uint8_t b[16], want[8];
			for (int k = 0; k < 8; k++)
				want[k] = (uint8_t)(rdev >> (8 * k));
			assert_int_equal(host_xattr(nodes[i].name, "user.virtfs.rdev", b, sizeof(b)),
					 8);
			assert_memory_equal(b, want, 8);
			assert_le32_xattr(nodes[i].name, "user.virtfs.mode", nodes[i].type | 0620);
		} else {
			char want[128];
			snprintf(want, sizeof(want),
				 "virtfs.uid=1000\nvirtfs.gid=5\nvirtfs.mode=%u\nvirtfs.rdev=%u\n",
				 nodes[i].type | 0620, (unsigned)rdev);
			assert_string_equal(meta_text(NULL, nodes[i].name), want);
		}
	}
	assert_int_equal(host_stat("chr").st_rdev, 0);
	/* Special files are never opened, even though they are regular on
	 * the host. */
	assert_int_equal(open_path(H.c, H.root, "chr", P9_DOTL_RDWR), -ENXIO);
	assert_int_equal(open_path(H.c, H.root, "fifo", P9_DOTL_RDONLY), -ENXIO);
}

static void symlink_is_a_regular_file_holding_the_target(void **state)
{
	(void)state;
	struct p9_qid q;
	uint32_t l;
	char buf[64];
	assert_int_equal(p9_client_symlink(H.c, H.root, "ln", "target/x", 7, &q), 0);
	assert_int_equal(q.type, P9_QTSYMLINK);
	assert_int_equal(p9_client_walk(H.c, H.root, "ln", &l, &q), 0);
	assert_int_equal(q.type, P9_QTSYMLINK);
	assert_int_equal(p9_client_readlink(H.c, l, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "target/x");
	struct p9_rgetattr a;
	assert_int_equal(p9_client_getattr(H.c, l, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.mode, S_IFLNK | 0777);
	assert_int_equal(a.size, 8);
	assert_int_equal(a.uid, ME);
	assert_int_equal(a.gid, 7);
	assert_int_equal(p9_client_lopen(H.c, l, P9_DOTL_RDONLY, NULL, NULL), -ELOOP);
	p9_client_clunk(H.c, l);
	struct stat st = host_stat("ln");
	assert_int_equal(st.st_mode, S_IFREG | 0600);
	assert_int_equal(harness_read_file(&H, "ln", buf, sizeof(buf)), 8);
	assert_string_equal(buf, "target/x");
	if (XATTR)
		assert_le32_xattr("ln", "user.virtfs.mode", S_IFLNK | 0777);
	else
		assert_string_equal(meta_text(NULL, "ln"),
				    "virtfs.uid=1000\nvirtfs.gid=7\nvirtfs.mode=41471\n");
}

static void hard_link_of_a_symlink_shares_its_metadata(void **state)
{
	(void)state;
	uint32_t l;
	char buf[64];
	struct p9_qid q;
	assert_int_equal(p9_client_symlink(H.c, H.root, "ln", "/abs/target", 0, NULL), 0);
	assert_int_equal(p9_client_mkdir(H.c, H.root, "d", 0755, 0, NULL), 0);
	uint32_t d;
	assert_int_equal(p9_client_walk(H.c, H.root, "d", &d, NULL), 0);
	assert_int_equal(p9_client_walk(H.c, H.root, "ln", &l, NULL), 0);
	assert_int_equal(p9_client_link(H.c, d, l, "ln2"), 0);
	p9_client_clunk(H.c, d);
	struct p9_rgetattr a;
	assert_int_equal(p9_client_getattr(H.c, l, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.nlink, 2);
	p9_client_clunk(H.c, l);
	assert_int_equal(p9_client_walk(H.c, H.root, "d/ln2", &l, &q), 0);
	assert_int_equal(q.type, P9_QTSYMLINK);
	assert_int_equal(p9_client_readlink(H.c, l, buf, sizeof(buf)), 11);
	assert_string_equal(buf, "/abs/target");
	p9_client_clunk(H.c, l);
	/* One file, one owner: a chown through one name shows through the
	 * other (mapped-file: the metadata files are one inode too). */
	set_owner("d/ln2", 31, 32);
	a = attrs("ln");
	assert_int_equal(a.uid, 31);
	assert_int_equal(a.gid, 32);
	if (!XATTR)
		assert_int_equal(host_stat(".virtfs_metadata/ln").st_ino,
				 host_stat("d/.virtfs_metadata/ln2").st_ino);
}

static void rename_carries_metadata(void **state)
{
	(void)state;
	uint32_t l;
	char buf[64];
	struct p9_qid q;
	assert_int_equal(p9_client_mkdir(H.c, H.root, "d", 0755, 0, NULL), 0);
	struct p9_rgetattr a = attrs("d");
	assert_int_equal(a.mode, S_IFDIR | 0755);
	assert_int_equal(host_stat("d").st_mode, S_IFDIR | 0700);
	assert_int_equal(p9_client_symlink(H.c, H.root, "s", "t", 0, NULL), 0);
	uint32_t d;
	assert_int_equal(p9_client_walk(H.c, H.root, "d", &d, NULL), 0);
	assert_int_equal(p9_client_renameat(H.c, H.root, "s", d, "s2"), 0);
	assert_int_equal(p9_client_walk(H.c, H.root, "d/s2", &l, &q), 0);
	assert_int_equal(q.type, P9_QTSYMLINK);
	assert_int_equal(p9_client_readlink(H.c, l, buf, sizeof(buf)), 1);
	p9_client_clunk(H.c, l);
	if (!XATTR) {
		assert_false(host_exists(".virtfs_metadata/s"));
		assert_string_equal(meta_text("d", "s2"),
				    "virtfs.uid=1000\nvirtfs.gid=0\nvirtfs.mode=41471\n");
	}
	/* Trename of a fid moves it back. */
	assert_int_equal(p9_client_walk(H.c, H.root, "d/s2", &l, NULL), 0);
	assert_int_equal(p9_client_rename(H.c, l, H.root, "s3"), 0);
	p9_client_clunk(H.c, l);
	assert_int_equal(p9_client_walk(H.c, H.root, "s3", &l, &q), 0);
	assert_int_equal(q.type, P9_QTSYMLINK);
	p9_client_clunk(H.c, l);
	if (!XATTR) {
		assert_false(host_exists("d/.virtfs_metadata/s2"));
		assert_true(host_exists(".virtfs_metadata/s3"));
	}
	/* A file made on the host (no metadata) renamed over one with
	 * metadata does not inherit the replaced file's. */
	assert_int_equal(harness_write_file(&H, "hostfile", "h"), 0);
	assert_int_equal(p9_client_renameat(H.c, H.root, "hostfile", H.root, "s3"), 0);
	assert_int_equal(p9_client_walk(H.c, H.root, "s3", &l, &q), 0);
	assert_int_equal(q.type, P9_QTFILE);
	assert_int_equal(p9_client_getattr(H.c, l, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.uid, geteuid());
	assert_int_equal(a.mode, S_IFREG | 0644);
	p9_client_clunk(H.c, l);
	if (!XATTR)
		assert_false(host_exists(".virtfs_metadata/s3"));
	p9_client_clunk(H.c, d);
}

static void rename_of_a_directory_over_an_empty_one(void **state)
{
	(void)state;
	assert_int_equal(p9_client_mkdir(H.c, H.root, "a", 0755, 0, NULL), 0);
	assert_int_equal(p9_client_mkdir(H.c, H.root, "b", 0711, 0, NULL), 0);
	/* b had an entry once: it may keep an (empty) metadata directory. */
	uint32_t b;
	assert_int_equal(p9_client_walk(H.c, H.root, "b", &b, NULL), 0);
	assert_int_equal(p9_client_mkdir(H.c, b, "x", 0755, 0, NULL), 0);
	assert_int_equal(p9_client_unlinkat(H.c, b, "x", P9_AT_REMOVEDIR), 0);
	p9_client_clunk(H.c, b);
	assert_int_equal(p9_client_renameat(H.c, H.root, "a", H.root, "b"), 0);
	assert_int_equal(attrs("b").mode, S_IFDIR | 0755);
}

static void unlink_removes_metadata(void **state)
{
	(void)state;
	create("x", 0644, 0);
	assert_int_equal(p9_client_mkdir(H.c, H.root, "dd", 0755, 0, NULL), 0);
	uint32_t dd;
	assert_int_equal(p9_client_walk(H.c, H.root, "dd", &dd, NULL), 0);
	assert_int_equal(p9_client_lcreate(H.c, dd, "y", P9_DOTL_RDWR, 0644, 0, NULL, NULL), 0);
	p9_client_clunk(H.c, dd);
	assert_int_equal(p9_client_unlinkat(H.c, H.root, "dd", P9_AT_REMOVEDIR), -ENOTEMPTY);
	if (!XATTR) {
		assert_true(host_exists("dd/.virtfs_metadata/y"));
		assert_true(host_exists(".virtfs_metadata/dd"));
	}
	assert_int_equal(p9_client_walk(H.c, H.root, "dd", &dd, NULL), 0);
	assert_int_equal(p9_client_unlinkat(H.c, dd, "y", 0), 0);
	p9_client_clunk(H.c, dd);
	if (!XATTR)
		assert_false(host_exists("dd/.virtfs_metadata/y"));
	assert_int_equal(p9_client_unlinkat(H.c, H.root, "dd", P9_AT_REMOVEDIR), 0);
	assert_false(host_exists("dd"));
	uint32_t f;
	assert_int_equal(p9_client_walk(H.c, H.root, "x", &f, NULL), 0);
	assert_int_equal(p9_client_remove(H.c, f), 0);
	assert_false(host_exists("x"));
	if (!XATTR) {
		assert_false(host_exists(".virtfs_metadata/x"));
		assert_false(host_exists(".virtfs_metadata/dd"));
	}
}

static void host_made_files_show_host_owner_and_mode(void **state)
{
	(void)state;
	assert_int_equal(harness_write_file(&H, "h", "host"), 0);
	assert_int_equal(fchmodat(H.exportfd, "h", 0640, 0), 0);
	assert_int_equal(mkdirat(H.exportfd, "hd", 0751), 0);
	struct p9_rgetattr a = attrs("h");
	assert_int_equal(a.uid, geteuid());
	assert_int_equal(a.gid, getegid());
	assert_int_equal(a.mode, S_IFREG | 0640);
	a = attrs("hd");
	assert_int_equal(a.mode, S_IFDIR | 0751);
	/* A real symlink made on the host is still a symlink. */
	assert_int_equal(symlinkat("somewhere", H.exportfd, "hl"), 0);
	uint32_t l;
	char buf[32];
	assert_int_equal(p9_client_walk(H.c, H.root, "hl", &l, NULL), 0);
	assert_int_equal(p9_client_readlink(H.c, l, buf, sizeof(buf)), 9);
	assert_string_equal(buf, "somewhere");
	p9_client_clunk(H.c, l);
}

static void metadata_written_by_qemu_is_read(void **state)
{
	(void)state;
	uint32_t l;
	char buf[32];
	struct p9_qid q;
	assert_int_equal(harness_write_file(&H, "q", "a/b"), 0);
	if (XATTR) {
		char path[600];
		snprintf(path, sizeof(path), "%s/q", H.export_dir);
		const uint8_t mode[4] = { 0xff, 0xa1, 0, 0 }; /* S_IFLNK | 0777 */
		const uint8_t uid[4] = { 0xfe, 0xff, 0xff, 0xff };
		assert_int_equal(lsetxattr(path, "user.virtfs.mode", mode, 4, 0), 0);
		assert_int_equal(lsetxattr(path, "user.virtfs.uid", uid, 4, 0), 0);
	} else {
		assert_int_equal(mkdirat(H.exportfd, ".virtfs_metadata", 0700), 0);
		assert_int_equal(
			harness_write_file(&H, ".virtfs_metadata/q", "virtfs.uid=-2\nvirtfs.mode=41471\n"),
			0);
	}
	assert_int_equal(p9_client_walk(H.c, H.root, "q", &l, &q), 0);
	assert_int_equal(q.type, P9_QTSYMLINK);
	assert_int_equal(p9_client_readlink(H.c, l, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "a/b");
	struct p9_rgetattr a;
	assert_int_equal(p9_client_getattr(H.c, l, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.uid, 4294967294u);
	assert_int_equal(a.gid, getegid()); /* not stored: the host's */
	assert_int_equal(a.mode, S_IFLNK | 0777);
	p9_client_clunk(H.c, l);
}

static void create_of_an_existing_name_keeps_its_metadata(void **state)
{
	(void)state;
	uint32_t f;
	create("e", 0644, 0);
	set_owner("e", 55, 56);
	assert_int_equal(p9_client_walk(H.c, H.root, "", &f, NULL), 0);
	assert_int_equal(p9_client_lcreate(H.c, f, "e", P9_DOTL_RDWR, 0600, 0, NULL, NULL), 0);
	p9_client_clunk(H.c, f);
	struct p9_rgetattr a = attrs("e");
	assert_int_equal(a.uid, 55);
	assert_int_equal(a.mode, S_IFREG | 0644);
	assert_int_equal(p9_client_walk(H.c, H.root, "", &f, NULL), 0);
	assert_int_equal(p9_client_lcreate(H.c, f, "e", P9_DOTL_RDWR | P9_DOTL_EXCL, 0600, 0, NULL,
					   NULL),
			 -EEXIST);
	p9_client_clunk(H.c, f);
	/* An existing host FIFO is never opened (nor waited on) by a create. */
	assert_int_equal(mkfifoat(H.exportfd, "hostfifo", 0666), 0);
	assert_int_equal(p9_client_walk(H.c, H.root, "", &f, NULL), 0);
	assert_int_equal(p9_client_lcreate(H.c, f, "hostfifo", P9_DOTL_RDONLY, 0600, 0, NULL, NULL),
			 -ENXIO);
	p9_client_clunk(H.c, f);
}

struct listing {
	unsigned seen;
	int bad;
};

static int check_entry(void *arg, const struct p9_dirent *de)
{
	struct listing *l = arg;
	char name[64];
	snprintf(name, sizeof(name), "%.*s", (int)de->name.len, de->name.s);
	if (strncmp(name, ".virtfs", 7) == 0) {
		l->bad = 1;
		return 0;
	}
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	uint32_t f;
	struct p9_qid q;
	if (p9_client_walk(H.c, H.root, name, &f, &q) < 0)
		return -1;
	p9_client_clunk(H.c, f);
	if (q.path != de->qid.path)
		l->bad = 2;
	uint8_t want = strcmp(name, "sub") == 0 ? P9_DT_DIR : P9_DT_UNKNOWN;
	if (de->type != want)
		l->bad = 3;
	l->seen++;
	return 0;
}

static void listing_reports_qids_and_hides_metadata(void **state)
{
	(void)state;
	assert_int_equal(p9_client_mkdir(H.c, H.root, "sub", 0755, 0, NULL), 0);
	create("file", 0644, 0);
	assert_int_equal(p9_client_symlink(H.c, H.root, "ln", "x", 0, NULL), 0);
	set_owner("", 123, 456); /* mapped-file: .virtfs_metadata_root too */
	if (!XATTR) {
		assert_true(host_exists(".virtfs_metadata"));
		assert_true(host_exists(".virtfs_metadata_root"));
	}
	int64_t d = open_path(H.c, H.root, "", P9_DOTL_RDONLY);
	assert_true(d >= 0);
	struct listing l = { 0, 0 };
	assert_int_equal(p9_client_readdir(H.c, (uint32_t)d, 0, check_entry, &l), 0);
	p9_client_clunk(H.c, (uint32_t)d);
	assert_int_equal(l.bad, 0);
	assert_int_equal(l.seen, 3);
}

static void root_metadata_is_kept(void **state)
{
	(void)state;
	set_owner("", 123, 456);
	struct p9_rgetattr a = attrs("");
	assert_int_equal(a.uid, 123);
	assert_int_equal(a.gid, 456);
	assert_int_equal(a.mode & S_IFMT, S_IFDIR);
	if (XATTR) {
		assert_le32_xattr(".", "user.virtfs.uid", 123);
	} else {
		char buf[128];
		assert_int_equal(harness_read_file(&H, ".virtfs_metadata_root", buf, sizeof(buf)),
				 30);
		assert_string_equal(buf, "virtfs.uid=123\nvirtfs.gid=456\n");
		assert_int_equal(host_stat(".virtfs_metadata_root").st_mode, S_IFREG | 0600);
	}
}

static void unlinked_open_file_stays_usable(void **state)
{
	(void)state;
	uint32_t f;
	char buf[16] = { 0 };
	assert_int_equal(p9_client_walk(H.c, H.root, "", &f, NULL), 0);
	assert_int_equal(p9_client_lcreate(H.c, f, "gone", P9_DOTL_RDWR, 0644, 0, NULL, NULL), 0);
	assert_int_equal(p9_client_write(H.c, f, 0, "data", 4), 4);
	assert_int_equal(p9_client_unlinkat(H.c, H.root, "gone", 0), 0);
	assert_int_equal(p9_client_read(H.c, f, 0, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "data");
	struct p9_rgetattr a;
	assert_int_equal(p9_client_getattr(H.c, f, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.nlink, 0);
	p9_client_clunk(H.c, f);
}

static void fmode_and_dmode_are_the_host_modes(void **state)
{
	(void)state;
	create("f", 0644, 0);
	assert_int_equal(p9_client_mkdir(H.c, H.root, "d", 0755, 0, NULL), 0);
	assert_int_equal(p9_client_symlink(H.c, H.root, "l", "f", 0, NULL), 0);
	assert_int_equal(p9_client_mknod(H.c, H.root, "p", S_IFIFO | 0644, 0, 0, 0, NULL), 0);
	assert_int_equal(host_stat("f").st_mode, S_IFREG | 0640);
	assert_int_equal(host_stat("d").st_mode, S_IFDIR | 0750);
	assert_int_equal(host_stat("l").st_mode, S_IFREG | 0640);
	assert_int_equal(host_stat("p").st_mode, S_IFREG | 0640);
	/* What the client asked for is what it sees. */
	assert_int_equal(attrs("f").mode, S_IFREG | 0644);
	assert_int_equal(attrs("d").mode, S_IFDIR | 0755);
}

/* --- mapped-xattr only --- */

static void user_virtfs_is_out_of_reach(void **state)
{
	(void)state;
	uint32_t f;
	char buf[256];
	create("f", 0644, 0);
	assert_int_equal(p9_client_walk(H.c, H.root, "f", &f, NULL), 0);
	assert_int_equal(p9_client_xattr_get(H.c, f, "user.virtfs.uid", buf, sizeof(buf)),
			 -ENODATA);
	assert_int_equal(p9_client_xattr_set(H.c, f, "user.virtfs.uid", "\0\0\0\0", 4, 0), -EACCES);
	assert_int_equal(p9_client_xattr_set(H.c, f, "user.virtfs.new", "x", 1, 0), -EACCES);
	assert_int_equal(p9_client_xattr_remove(H.c, f, "user.virtfs.mode"), -EACCES);
	assert_int_equal(p9_client_xattr_set(H.c, f, "user.color", "blue", 4, 0), 0);
	ssize_t n = p9_client_xattr_list(H.c, f, buf, sizeof(buf));
	assert_int_equal(n, 11);
	assert_memory_equal(buf, "user.color", 11);
	p9_client_clunk(H.c, f);
	/* Untouched on the host. */
	assert_le32_xattr("f", "user.virtfs.uid", ME);
}

static void posix_acls_are_stored_under_user_virtfs(void **state)
{
	(void)state;
	uint32_t f;
	char buf[256];
	/* An ACL blob: version 2, one ACL_USER_OBJ rw- entry. */
	const uint8_t acl[12] = { 2, 0, 0, 0, 1, 0, 6, 0, 0xff, 0xff, 0xff, 0xff };
	create("f", 0644, 0);
	assert_int_equal(p9_client_walk(H.c, H.root, "f", &f, NULL), 0);
	assert_int_equal(p9_client_xattr_set(H.c, f, "system.posix_acl_access", acl, 12, 0), 0);
	assert_int_equal(host_xattr("f", "user.virtfs.system.posix_acl_access", buf, sizeof(buf)),
			 12);
	assert_memory_equal(buf, acl, 12);
	assert_int_equal(host_xattr("f", "system.posix_acl_access", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(p9_client_xattr_get(H.c, f, "system.posix_acl_access", buf, sizeof(buf)),
			 12);
	assert_memory_equal(buf, acl, 12);
	ssize_t n = p9_client_xattr_list(H.c, f, buf, sizeof(buf));
	assert_int_equal(n, 24);
	assert_memory_equal(buf, "system.posix_acl_access", 24);
	assert_int_equal(p9_client_xattr_remove(H.c, f, "system.posix_acl_access"), 0);
	/* Removing an ACL that is not there is no error (QEMU). */
	assert_int_equal(p9_client_xattr_remove(H.c, f, "system.posix_acl_access"), 0);
	assert_int_equal(p9_client_xattr_get(H.c, f, "system.posix_acl_access", buf, sizeof(buf)),
			 -ENODATA);
	assert_int_equal(p9_client_xattr_set(H.c, f, "security.evil", "x", 1, 0), -EOPNOTSUPP);
	p9_client_clunk(H.c, f);
}

static void start_without_user_xattrs_fails_clearly(void **state)
{
	(void)state;
	struct p9_server_config cfg;
	struct p9_server *s = NULL;
	const char *err = NULL;
	p9_server_config_init(&cfg);
	cfg.model = P9_SM_MAPPED_XATTR;
	cfg.export_path = "/proc"; /* no user xattrs there */
	assert_int_equal(p9_server_new(&cfg, &s, &err), -EOPNOTSUPP);
	assert_non_null(err);
	assert_non_null(strstr(err, "user extended attributes"));
}

/* --- mapped-file only --- */

static void metadata_names_are_refused(void **state)
{
	(void)state;
	uint32_t f;
	create("f", 0644, 0);
	set_owner("", 1, 1);
	assert_true(host_exists(".virtfs_metadata"));
	const char *names[] = { ".virtfs_metadata", ".virtfs_metadata_root" };
	for (int i = 0; i < 2; i++) {
		const char *n = names[i];
		assert_int_equal(p9_client_walk(H.c, H.root, n, &f, NULL), -EINVAL);
		assert_int_equal(p9_client_walk(H.c, H.root, "", &f, NULL), 0);
		assert_int_equal(p9_client_lcreate(H.c, f, n, P9_DOTL_RDWR, 0644, 0, NULL, NULL),
				 -EINVAL);
		p9_client_clunk(H.c, f);
		assert_int_equal(p9_client_mkdir(H.c, H.root, n, 0755, 0, NULL), -EINVAL);
		assert_int_equal(p9_client_symlink(H.c, H.root, n, "x", 0, NULL), -EINVAL);
		assert_int_equal(p9_client_mknod(H.c, H.root, n, S_IFIFO | 0644, 0, 0, 0, NULL),
				 -EINVAL);
		assert_int_equal(p9_client_renameat(H.c, H.root, n, H.root, "stolen"), -EINVAL);
		assert_int_equal(p9_client_renameat(H.c, H.root, "f", H.root, n), -EINVAL);
		assert_int_equal(p9_client_unlinkat(H.c, H.root, n, 0), -EINVAL);
		assert_int_equal(p9_client_unlinkat(H.c, H.root, n, P9_AT_REMOVEDIR), -EINVAL);
		assert_int_equal(p9_client_walk(H.c, H.root, "f", &f, NULL), 0);
		assert_int_equal(p9_client_link(H.c, H.root, f, n), -EINVAL);
		p9_client_clunk(H.c, f);
	}
	assert_true(host_exists(".virtfs_metadata/f"));
}

static void user_virtfs_xattrs_are_plain_in_mapped_file(void **state)
{
	(void)state;
	uint32_t f;
	char buf[16];
	create("f", 0644, 0);
	assert_int_equal(p9_client_walk(H.c, H.root, "f", &f, NULL), 0);
	assert_int_equal(p9_client_xattr_set(H.c, f, "user.virtfs.uid", "abcd", 4, 0), 0);
	assert_int_equal(p9_client_xattr_get(H.c, f, "user.virtfs.uid", buf, sizeof(buf)), 4);
	p9_client_clunk(H.c, f);
	/* ...and mean nothing: the owner is the metadata file's. */
	assert_int_equal(attrs("f").uid, ME);
}

/* --- multidevs (root, before privileges are dropped) --- */

static int mounted;

static int setup_remap(void **state)
{
	(void)state;
	struct p9_server_config cfg;
	p9_server_config_init(&cfg);
	cfg.multidevs = P9_MULTIDEVS_REMAP;
	mounted = 0;
	return harness_start(&H, &cfg, 0) == 0 ? 0 : -1;
}

static int teardown_remap(void **state)
{
	char p[400];
	for (int i = 0; i < mounted; i++) {
		snprintf(p, sizeof(p), "%s/%c", H.export_dir, 'a' + i);
		umount2(p, MNT_DETACH);
	}
	return teardown(state);
}

struct remap_listing {
	uint64_t want[4];
	const char *names[4];
	int n, matched, bad;
};

static int match_entry(void *arg, const struct p9_dirent *de)
{
	struct remap_listing *l = arg;
	for (int i = 0; i < l->n; i++)
		if (de->name.len == strlen(l->names[i]) &&
		    memcmp(de->name.s, l->names[i], de->name.len) == 0) {
			if (de->qid.path == l->want[i])
				l->matched++;
			else
				l->bad++;
		}
	return 0;
}

static void remap_gives_colliding_inodes_distinct_qids(void **state)
{
	(void)state;
	char p[400];
	for (int i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/%c", H.export_dir, 'a' + i);
		assert_int_equal(mkdir(p, 0755), 0);
		if (mount("p9d-test", p, "tmpfs", 0, "size=1m") < 0) {
			print_message("skipped: cannot mount tmpfs here (%s)\n", strerror(errno));
			skip();
		}
		mounted++;
	}
	assert_int_equal(harness_write_file(&H, "a/f", "a"), 0);
	assert_int_equal(harness_write_file(&H, "b/f", "b"), 0);
	assert_int_equal(harness_write_file(&H, "top", "t"), 0);
	struct stat fa = host_stat("a/f"), fb = host_stat("b/f"), ra = host_stat("a"),
		    rb = host_stat("b"), top = host_stat("top");
	if (fa.st_ino != fb.st_ino || ra.st_ino != rb.st_ino) {
		print_message("skipped: these tmpfs mounts number inodes differently\n");
		skip();
	}
	assert_int_not_equal(fa.st_dev, fb.st_dev);
	struct p9_qid qa, qb, qra, qrb, qtop, again;
	uint32_t f;
	assert_int_equal(p9_client_walk(H.c, H.root, "a/f", &f, &qa), 0);
	p9_client_clunk(H.c, f);
	assert_int_equal(p9_client_walk(H.c, H.root, "b/f", &f, &qb), 0);
	p9_client_clunk(H.c, f);
	assert_int_equal(p9_client_walk(H.c, H.root, "a", &f, &qra), 0);
	p9_client_clunk(H.c, f);
	assert_int_equal(p9_client_walk(H.c, H.root, "b", &f, &qrb), 0);
	p9_client_clunk(H.c, f);
	assert_int_equal(p9_client_walk(H.c, H.root, "top", &f, &qtop), 0);
	p9_client_clunk(H.c, f);
	assert_int_not_equal(qa.path, qb.path);
	assert_int_not_equal(qra.path, qrb.path);
	/* The export's own device costs nothing: the inode is the path. */
	assert_int_equal(qtop.path, top.st_ino);
	assert_true(qa.path >> 63);
	/* Stable: the same answer again, and from getattr. */
	assert_int_equal(p9_client_walk(H.c, H.root, "b/f", &f, &again), 0);
	struct p9_rgetattr ga;
	assert_int_equal(p9_client_getattr(H.c, f, P9_GETATTR_ALL, &ga), 0);
	p9_client_clunk(H.c, f);
	assert_int_equal(again.path, qb.path);
	assert_int_equal(ga.qid.path, qb.path);
	/* Listings carry the same paths: mount points included. */
	struct remap_listing l = { .want = { qra.path, qrb.path, qtop.path },
				   .names = { "a", "b", "top" },
				   .n = 3 };
	int64_t d = open_path(H.c, H.root, "", P9_DOTL_RDONLY);
	assert_int_equal(p9_client_readdir(H.c, (uint32_t)d, 0, match_entry, &l), 0);
	p9_client_clunk(H.c, (uint32_t)d);
	assert_int_equal(l.bad, 0);
	assert_int_equal(l.matched, 3);
	struct remap_listing lb = { .want = { qb.path, qrb.path }, .names = { "f", "." }, .n = 2 };
	d = open_path(H.c, H.root, "b", P9_DOTL_RDONLY);
	assert_int_equal(p9_client_readdir(H.c, (uint32_t)d, 0, match_entry, &lb), 0);
	p9_client_clunk(H.c, (uint32_t)d);
	assert_int_equal(lb.bad, 0);
	assert_int_equal(lb.matched, 2);
}

/* --- running --- */

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

static int use_xattr(void **state)
{
	(void)state;
	MODEL = P9_SM_MAPPED_XATTR;
	XATTR = 1;
	return 0;
}

static int use_file(void **state)
{
	(void)state;
	MODEL = P9_SM_MAPPED_FILE;
	XATTR = 0;
	return 0;
}

/* Into a private mount namespace, so test mounts vanish with us. */
static int own_mounts(void)
{
	return unshare(CLONE_NEWNS) == 0 && mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == 0;
}

static int drop_privileges(void)
{
	const uid_t nobody = 65534;
	return setgroups(0, NULL) == 0 && setresgid(nobody, nobody, nobody) == 0 &&
	       setresuid(nobody, nobody, nobody) == 0;
}

int main(void)
{
	const struct CMUnitTest remap[] = {
		cmocka_unit_test_setup_teardown(remap_gives_colliding_inodes_distinct_qids,
						setup_remap, teardown_remap),
	};
#define COMMON                                                                                     \
	T(server_runs_unprivileged), T(create_stores_owner_and_mode_not_on_host),                  \
		T(chown_to_any_ids_is_stored), T(chmod_is_stored_not_applied),                     \
		T(mknod_makes_regular_files_with_type_and_rdev),                                   \
		T(symlink_is_a_regular_file_holding_the_target),                                   \
		T(hard_link_of_a_symlink_shares_its_metadata), T(rename_carries_metadata),         \
		T(rename_of_a_directory_over_an_empty_one), T(unlink_removes_metadata),            \
		T(host_made_files_show_host_owner_and_mode), T(metadata_written_by_qemu_is_read),  \
		T(create_of_an_existing_name_keeps_its_metadata),                                  \
		T(listing_reports_qids_and_hides_metadata), T(root_metadata_is_kept),              \
		T(unlinked_open_file_stays_usable),                                                \
		cmocka_unit_test_setup_teardown(fmode_and_dmode_are_the_host_modes, setup_modes,   \
						teardown)
	const struct CMUnitTest xattr[] = {
		COMMON,
		T(user_virtfs_is_out_of_reach),
		T(posix_acls_are_stored_under_user_virtfs),
		cmocka_unit_test(start_without_user_xattrs_fails_clearly),
	};
	const struct CMUnitTest file[] = {
		COMMON,
		T(metadata_names_are_refused),
		T(user_virtfs_xattrs_are_plain_in_mapped_file),
	};
	int failed = 0;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (geteuid() == 0) {
		if (own_mounts())
			failed += cmocka_run_group_tests_name("multidevs", remap, NULL, NULL);
		else
			printf("multidevs: skipped (no mount namespace: %s)\n", strerror(errno));
		if (!drop_privileges()) {
			fprintf(stderr, "cannot drop privileges: %s\n", strerror(errno));
			return 1;
		}
	} else {
		printf("multidevs: skipped (needs root to mount tmpfs)\n");
	}
	failed += cmocka_run_group_tests_name("mapped-xattr", xattr, use_xattr, NULL);
	failed += cmocka_run_group_tests_name("mapped-file", file, use_file, NULL);
	return failed ? 1 : 0;
}
