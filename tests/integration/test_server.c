/*
 * test_server.c: the server end to end through the client library, on a
 * temporary export: protocol rules, POSIX semantics, and escapes.
 *
 * Every test asserts exact results: bytes, errno values, counts. Tests
 * that need root (passthrough acting as users) are skipped with a
 * message when not root.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "platform/platform.h"

static struct harness H;

/* P9_TEST_MODEL=none runs the suite against the "none" model (and so
 * does a run that is not root). */
static int model_none(void)
{
	const char *m = getenv("P9_TEST_MODEL");
	return geteuid() != 0 || (m && strcmp(m, "none") == 0);
}

static int setup(void **state)
{
	(void)state;
	struct p9_server_config cfg;
	p9_server_config_init(&cfg);
	if (model_none())
		cfg.model = P9_SM_NONE;
	return harness_start(&H, &cfg, 0) == 0 ? 0 : -1;
}

static int setup_readonly(void **state)
{
	(void)state;
	struct p9_server_config cfg;
	p9_server_config_init(&cfg);
	cfg.readonly = 1;
	if (model_none())
		cfg.model = P9_SM_NONE;
	return harness_start(&H, &cfg, 0) == 0 ? 0 : -1;
}

/* Valgrind 3.19 does not know that F_OFD_SETLKW blocks: a thread waiting
 * in it stops the whole process. Tests of waiting locks skip there. */
static int under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");
	return p != NULL && strstr(p, "vgpreload") != NULL;
}

#define SKIP_UNDER_VALGRIND()                                                                   \
	do {                                                                                    \
		if (under_valgrind()) {                                                         \
			print_message("skipped: valgrind cannot run a waiting F_OFD_SETLKW\n");   \
			return;                                                                 \
		}                                                                               \
	} while (0)

static int count_fds(void)
{
	int n = 0;
	char path[64];
	for (int fd = 0; fd < 4096; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (access(path, F_OK) == 0)
			n++;
	}
	return n;
}

static int teardown(void **state)
{
	(void)state;
	harness_stop(&H);
	return 0;
}

/* --- protocol --- */

static void version_below_4096_is_refused(void **state)
{
	(void)state;
	struct p9_client *c;
	char addr[320];
	snprintf(addr, sizeof(addr), "unix:%s", H.sock);
	assert_int_equal(p9_client_dial(addr, &c), 0);
	assert_int_equal(p9_client_version(c, 2048, "9P2000.L"), -EPROTONOSUPPORT);
	p9_client_free(c);
}

static void version_msize_is_the_smaller(void **state)
{
	(void)state;
	struct p9_client *c;
	char addr[320];
	snprintf(addr, sizeof(addr), "unix:%s", H.sock);
	assert_int_equal(p9_client_dial(addr, &c), 0);
	assert_int_equal(p9_client_version(c, 65536, "9P2000.L"), 0);
	assert_int_equal(p9_client_msize(c), 65536);
	assert_int_equal(p9_client_version(c, 64u << 20, "9P2000.L"), 0);
	assert_int_equal(p9_client_msize(c), 1u << 20);
	p9_client_free(c);
}

static void attach_to_unknown_aname_is_refused(void **state)
{
	(void)state;
	uint32_t fid;
	assert_int_equal(p9_client_attach(H.c, "", "/etc", 0, &fid, NULL), -ENOENT);
	assert_int_equal(p9_client_attach(H.c, "", H.export_dir, 0, &fid, NULL), 0);
	assert_int_equal(p9_client_clunk(H.c, fid), 0);
}

static void unknown_message_type_gets_eopnotsupp(void **state)
{
	(void)state;
	/* size 7, type 200, tag 5 */
	const uint8_t msg[] = { 7, 0, 0, 0, 200, 5, 0 };
	uint8_t reply[64];
	assert_int_equal(p9_client_send_raw(H.c, msg, sizeof(msg)), 0);
	ssize_t n = p9_client_recv_raw(H.c, reply, sizeof(reply), 2000);
	const uint8_t want[] = { 11, 0, 0, 0, P9_RLERROR, 5, 0, EOPNOTSUPP, 0, 0, 0 };
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(reply, want, sizeof(want));
}

static void malformed_walk_gets_einval_and_connection_lives(void **state)
{
	(void)state;
	/* Twalk fid 0 newfid 1 nwname 1, a name whose length runs past the end */
	const uint8_t msg[] = { 22, 0, 0, 0, P9_TWALK, 9, 0, 0, 0, 0, 0, 1, 0, 0, 0,
				1, 0, 200, 0, 'a', 'b', 'c', 'd' };
	uint8_t bad[sizeof(msg) - 1];
	memcpy(bad, msg, sizeof(bad));
	bad[0] = sizeof(bad);
	uint8_t reply[64];
	assert_int_equal(p9_client_send_raw(H.c, bad, sizeof(bad)), 0);
	ssize_t n = p9_client_recv_raw(H.c, reply, sizeof(reply), 2000);
	const uint8_t want[] = { 11, 0, 0, 0, P9_RLERROR, 9, 0, EINVAL, 0, 0, 0 };
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(reply, want, sizeof(want));
	struct p9_rgetattr ga;
	assert_int_equal(p9_client_getattr(H.c, H.root, P9_GETATTR_ALL, &ga), 0);
}

static void walk_name_with_slash_is_einval(void **state)
{
	(void)state;
	struct p9_fcall tx = { .type = P9_TWALK }, rx;
	tx.u.twalk.fid = H.root;
	tx.u.twalk.newfid = 900;
	tx.u.twalk.nwname = 1;
	tx.u.twalk.wname[0] = p9_str_c("a/b");
	assert_int_equal(p9_client_rpc(H.c, &tx, &rx), 0);
	assert_int_equal(rx.type, P9_RLERROR);
	assert_int_equal(rx.u.rlerror.ecode, EINVAL);
}

static void clunk_of_unknown_fid_is_ebadf(void **state)
{
	(void)state;
	struct p9_fcall tx = { .type = P9_TCLUNK }, rx;
	tx.u.tclunk.fid = 4242;
	assert_int_equal(p9_client_rpc(H.c, &tx, &rx), 0);
	assert_int_equal(rx.type, P9_RLERROR);
	assert_int_equal(rx.u.rlerror.ecode, EBADF);
}

/* --- escapes --- */

static void walk_dotdot_at_root_stays(void **state)
{
	(void)state;
	struct p9_qid rootq, q;
	uint32_t f1, f2;
	struct p9_rgetattr a;
	assert_int_equal(p9_client_getattr(H.c, H.root, P9_GETATTR_ALL, &a), 0);
	rootq = a.qid;
	assert_int_equal(p9_client_walk(H.c, H.root, "..", &f1, &q), 0);
	assert_int_equal(q.path, rootq.path);
	assert_int_equal(p9_client_walk(H.c, H.root, "../../../..", &f2, &q), 0);
	assert_int_equal(q.path, rootq.path);
	p9_client_clunk(H.c, f1);
	p9_client_clunk(H.c, f2);
}

static void symlink_out_of_export_is_not_followed(void **state)
{
	(void)state;
	uint32_t fid;
	struct p9_qid q;
	assert_int_equal(symlinkat("/etc", H.exportfd, "abs"), 0);
	assert_int_equal(symlinkat("../../../../../../etc", H.exportfd, "rel"), 0);
	/* The link itself can be walked to: it is a symlink qid... */
	assert_int_equal(p9_client_walk(H.c, H.root, "abs", &fid, &q), 0);
	assert_int_equal(q.type, P9_QTSYMLINK);
	/* ...but it cannot be opened, or walked through. */
	assert_int_equal(p9_client_lopen(H.c, fid, P9_DOTL_RDONLY, NULL, NULL), -ELOOP);
	p9_client_clunk(H.c, fid);
	assert_int_equal(p9_client_walk(H.c, H.root, "abs/passwd", &fid, NULL), -ENOENT);
	assert_int_equal(p9_client_walk(H.c, H.root, "rel/passwd", &fid, NULL), -ENOENT);
	/* Creating through the link does not land outside. */
	assert_int_equal(p9_client_walk(H.c, H.root, "abs", &fid, NULL), 0);
	assert_int_equal(p9_client_lcreate(H.c, fid, "p9d-escape", P9_DOTL_WRONLY, 0644, 0, NULL,
					   NULL),
			 -ENOTDIR);
	p9_client_clunk(H.c, fid);
	assert_int_equal(access("/etc/p9d-escape", F_OK), -1);
	char buf[64];
	assert_int_equal(p9_client_walk(H.c, H.root, "rel", &fid, NULL), 0);
	assert_int_equal(p9_client_readlink(H.c, fid, buf, sizeof(buf)), 21);
	assert_string_equal(buf, "../../../../../../etc");
	p9_client_clunk(H.c, fid);
}

static void directory_swapped_for_symlink_keeps_the_directory(void **state)
{
	(void)state;
	uint32_t d;
	char buf[64];
	assert_int_equal(mkdirat(H.exportfd, "d", 0755), 0);
	assert_int_equal(p9_client_walk(H.c, H.root, "d", &d, NULL), 0);
	/* On the host, between two operations: d becomes a link outside. */
	assert_int_equal(renameat(H.exportfd, "d", H.exportfd, "d.moved"), 0);
	assert_int_equal(symlinkat("/tmp", H.exportfd, "d"), 0);
	assert_int_equal(p9_client_lcreate(H.c, d, "swapped", P9_DOTL_WRONLY, 0644, 0, NULL, NULL),
			 0);
	assert_int_equal(p9_client_write(H.c, d, 0, "inside", 6), 6);
	p9_client_clunk(H.c, d);
	assert_int_equal(access("/tmp/swapped", F_OK), -1);
	assert_int_equal(harness_read_file(&H, "d.moved/swapped", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "inside");
	/* A new walk sees the symlink, and stops there. */
	assert_int_equal(p9_client_walk(H.c, H.root, "d/swapped", &d, NULL), -ENOENT);
}

static void host_fifo_and_device_are_never_opened(void **state)
{
	(void)state;
	assert_int_equal(mkfifoat(H.exportfd, "fifo", 0666), 0);
	assert_int_equal(open_path(H.c, H.root, "fifo", P9_DOTL_RDONLY), -ENXIO);
	assert_int_equal(open_path(H.c, H.root, "fifo", P9_DOTL_WRONLY), -ENXIO);
	if (geteuid() == 0) {
		assert_int_equal(mknodat(H.exportfd, "null", S_IFCHR | 0666, makedev(1, 3)), 0);
		assert_int_equal(open_path(H.c, H.root, "null", P9_DOTL_RDWR), -ENXIO);
	}
}

static void names_dot_dotdot_empty_are_refused_for_create(void **state)
{
	(void)state;
	uint32_t d;
	assert_int_equal(p9_client_walk(H.c, H.root, "", &d, NULL), 0);
	assert_int_equal(p9_client_lcreate(H.c, d, "..", P9_DOTL_WRONLY, 0644, 0, NULL, NULL),
			 -EINVAL);
	assert_int_equal(p9_client_lcreate(H.c, d, ".", P9_DOTL_WRONLY, 0644, 0, NULL, NULL),
			 -EINVAL);
	assert_int_equal(p9_client_lcreate(H.c, d, "", P9_DOTL_WRONLY, 0644, 0, NULL, NULL),
			 -EINVAL);
	assert_int_equal(p9_client_mkdir(H.c, H.root, "..", 0755, 0, NULL), -EINVAL);
	assert_int_equal(p9_client_renameat(H.c, H.root, "..", H.root, "x"), -EINVAL);
	assert_int_equal(p9_client_unlinkat(H.c, H.root, "..", P9_AT_REMOVEDIR), -EINVAL);
	char longname[300];
	memset(longname, 'a', 256);
	longname[256] = '\0';
	assert_int_equal(p9_client_mkdir(H.c, H.root, longname, 0755, 0, NULL), -ENAMETOOLONG);
	p9_client_clunk(H.c, d);
}

/* --- files --- */

static void create_write_read_exact_bytes(void **state)
{
	(void)state;
	uint32_t f;
	char buf[64] = { 0 };
	assert_int_equal(p9_client_walk(H.c, H.root, "", &f, NULL), 0);
	assert_int_equal(p9_client_lcreate(H.c, f, "hello", P9_DOTL_RDWR, 0640, 0, NULL, NULL), 0);
	assert_int_equal(p9_client_write(H.c, f, 0, "hello, world", 12), 12);
	assert_int_equal(p9_client_write(H.c, f, 7, "WORLD", 5), 5);
	assert_int_equal(p9_client_read(H.c, f, 0, buf, sizeof(buf)), 12);
	assert_string_equal(buf, "hello, WORLD");
	assert_int_equal(p9_client_read(H.c, f, 12, buf, sizeof(buf)), 0);
	p9_client_clunk(H.c, f);
	assert_int_equal(harness_read_file(&H, "hello", buf, sizeof(buf)), 12);
	assert_string_equal(buf, "hello, WORLD");
	struct stat st;
	assert_int_equal(fstatat(H.exportfd, "hello", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0640);
}

static void large_file_round_trips(void **state)
{
	(void)state;
	size_t len = 5u << 20;
	uint8_t *data = malloc(len), *back = malloc(len);
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 2654435761u >> 13);
	uint32_t f;
	assert_int_equal(p9_client_walk(H.c, H.root, "", &f, NULL), 0);
	assert_int_equal(p9_client_lcreate(H.c, f, "big", P9_DOTL_RDWR, 0600, 0, NULL, NULL), 0);
	assert_int_equal(p9_client_write(H.c, f, 0, data, len), (ssize_t)len);
	assert_int_equal(p9_client_read(H.c, f, 0, back, len), (ssize_t)len);
	assert_memory_equal(back, data, len);
	p9_client_clunk(H.c, f);
	free(data);
	free(back);
}

/* --- zero-copy reads (server/pipes.c): large Treads over this Unix
 * socket go through a kernel pipe; every way such a reply can end must
 * give the bytes a plain read gives. --- */

#define ZC_LEN 1200000u

static uint8_t zc_byte(size_t i)
{
	return (uint8_t)((i * 2654435761u) >> 11);
}

/* A host file of ZC_LEN known bytes, made without the server. */
static void zc_fixture(const char *name)
{
	uint8_t *d = malloc(ZC_LEN);
	assert_non_null(d);
	for (size_t i = 0; i < ZC_LEN; i++)
		d[i] = zc_byte(i);
	int fd = openat(H.exportfd, name, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, d, ZC_LEN), (ssize_t)ZC_LEN);
	close(fd);
	free(d);
}

static void assert_zc_bytes(const uint8_t *b, uint64_t off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != zc_byte(off + i)) {
			print_message("byte %zu of a read at %llu differs\n", i,
				      (unsigned long long)off);
			fail();
		}
}

static void zero_copy_reads_give_exact_bytes(void **state)
{
	(void)state;
	static const struct {
		uint64_t off;
		uint32_t count, want;
	} cases[] = {
		{0, 65536, 65536},          /* page-aligned */
		{1, 65536, 65536},          /* one byte in: one page more in the pipe */
		{4095, 100000, 100000},     /* ends mid-page */
		{1150000, 65536, 50000},    /* crosses the end: short */
		{1199999, 20000, 1},        /* the last byte */
		{5, 1048565, 1048565},      /* msize - 11: more than a 1 MiB pipe takes */
		{160000, 1048565, 1040000}, /* the same, crossing the end */
		{ZC_LEN, 65536, 0},         /* at the end */
		{ZC_LEN + 4096, 65536, 0},  /* past it */
		{1000, 16384, 16384},       /* the smallest that goes by pipe */
		{1000, 16383, 16383},       /* the largest that is copied */
	};
	zc_fixture("zc");
	int64_t f = open_path(H.c, H.root, "zc", P9_DOTL_RDONLY);
	assert_true(f >= 0);
	uint8_t *b = malloc(1u << 20);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		memset(b, 0xee, 1u << 20);
		ssize_t n = p9_client_read(H.c, (uint32_t)f, cases[k].off, b, cases[k].count);
		assert_int_equal(n, cases[k].want);
		assert_zc_bytes(b, cases[k].off, (size_t)n);
	}
	/* A host error and a short host read reach the client as they are,
	 * and leave the pipe clean for the next read. */
	p9_os_fault_inject(P9_OS_CALL_READ, -EIO, 0, 1);
	assert_int_equal(p9_client_read(H.c, (uint32_t)f, 0, b, 65536), -EIO);
	/* (one Tread by hand: p9_client_read would ask for the rest) */
	struct p9_fcall tx = { .type = P9_TREAD }, rx;
	tx.u.tread.fid = (uint32_t)f;
	tx.u.tread.offset = 8192;
	tx.u.tread.count = 65536;
	p9_os_fault_inject(P9_OS_CALL_READ, P9_OS_FAULT_SHORT, 0, 1);
	assert_int_equal(p9_client_rpc(H.c, &tx, &rx), 0);
	assert_int_equal(rx.type, P9_RREAD);
	assert_int_equal(rx.u.rread.count, 32768);
	assert_zc_bytes(rx.u.rread.data, 8192, 32768);
	p9_os_fault_clear();
	for (int round = 0; round < 20; round++) {
		assert_int_equal(p9_client_read(H.c, (uint32_t)f, 777 * round, b, 65536), 65536);
		assert_zc_bytes(b, 777 * round, 65536);
	}
	p9_client_clunk(H.c, (uint32_t)f);
	/* Reading a file opened for writing only is EBADF, pipe or not. */
	f = open_path(H.c, H.root, "zc", P9_DOTL_WRONLY);
	assert_true(f >= 0);
	assert_int_equal(p9_client_read(H.c, (uint32_t)f, 0, b, 65536), -EBADF);
	p9_client_clunk(H.c, (uint32_t)f);
	free(b);
}

/* 48 Treads of 64 KiB sent at once, on a connection that reads nothing
 * until all are sent: more replies than pipes (the rest are copied) and
 * more bytes than the socket holds (splices stop half-way, EAGAIN, and
 * go on when the client reads). Then the same burst on a connection that
 * hangs up without reading: its pipes go with it, and reads still work. */
static void zc_burst(struct p9_client *c, uint32_t fid, uint8_t *out, size_t *n)
{
	*n = 0;
	for (uint16_t t = 0; t < 48; t++) {
		struct p9_fcall r = { .type = P9_TREAD, .tag = (uint16_t)(100 + t) };
		r.u.tread.fid = fid;
		r.u.tread.offset = (uint64_t)t * 4099u;
		r.u.tread.count = 65536;
		*n += p9_pack(out + *n, 48 * 32 - *n, P9_DIALECT_2000L, &r);
	}
	assert_int_equal(p9_client_send_raw(c, out, *n), 0);
}

static void zero_copy_replies_survive_full_sockets_and_hangups(void **state)
{
	(void)state;
	zc_fixture("zc");
	uint8_t out[48 * 32];
	uint8_t *in = malloc(65536 + 64);
	size_t n;
	int seen[48] = {0};
	struct p9_client *c;
	uint32_t root;
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(harness_connect(&H, 0, &c, &root), 0);
		int64_t f = open_path(c, root, "zc", P9_DOTL_RDONLY);
		assert_true(f >= 0);
		zc_burst(c, (uint32_t)f, out, &n);
		if (pass == 1) {
			p9_client_free(c); /* hang up with replies queued */
			break;
		}
		usleep(200000); /* let the server fill the socket and stall */
		for (int i = 0; i < 48; i++) {
			ssize_t r = p9_client_recv_raw(c, in, 65536 + 64, 5000);
			assert_int_equal(r, 11 + 65536);
			assert_int_equal(in[4], P9_RREAD);
			uint16_t tag = (uint16_t)(in[5] | in[6] << 8);
			assert_true(tag >= 100 && tag < 148);
			assert_int_equal(seen[tag - 100]++, 0);
			uint32_t count = (uint32_t)in[7] | (uint32_t)in[8] << 8 |
					 (uint32_t)in[9] << 16 | (uint32_t)in[10] << 24;
			assert_int_equal(count, 65536);
			assert_zc_bytes(in + 11, (uint64_t)(tag - 100) * 4099u, 65536);
		}
		p9_client_free(c);
	}
	for (int i = 0; i < 200 && p9_server_connections(H.srv) > 1; i++)
		usleep(10000);
	int64_t f = open_path(H.c, H.root, "zc", P9_DOTL_RDONLY);
	assert_true(f >= 0);
	for (int i = 0; i < 16; i++) {
		assert_int_equal(p9_client_read(H.c, (uint32_t)f, 4099u * i, in, 65536), 65536);
		assert_zc_bytes(in, 4099u * i, 65536);
	}
	p9_client_clunk(H.c, (uint32_t)f);
	free(in);
}

static void append_mode_appends(void **state)
{
	(void)state;
	char buf[32];
	assert_int_equal(harness_write_file(&H, "log", "one\n"), 0);
	int64_t f = open_path(H.c, H.root, "log", P9_DOTL_WRONLY | P9_DOTL_APPEND);
	assert_true(f >= 0);
	assert_int_equal(p9_client_write(H.c, (uint32_t)f, 0, "two\n", 4), 4);
	p9_client_clunk(H.c, (uint32_t)f);
	assert_int_equal(harness_read_file(&H, "log", buf, sizeof(buf)), 8);
	assert_string_equal(buf, "one\ntwo\n");
}

static void unlinked_open_file_stays_usable(void **state)
{
	(void)state;
	uint32_t f;
	char buf[32] = { 0 };
	struct p9_rgetattr a;
	assert_int_equal(p9_client_walk(H.c, H.root, "", &f, NULL), 0);
	assert_int_equal(p9_client_lcreate(H.c, f, "gone", P9_DOTL_RDWR, 0600, 0, NULL, NULL), 0);
	assert_int_equal(p9_client_write(H.c, f, 0, "still here", 10), 10);
	assert_int_equal(p9_client_unlinkat(H.c, H.root, "gone", 0), 0);
	assert_int_equal(faccessat(H.exportfd, "gone", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	/* the name can be made again at once */
	assert_int_equal(harness_write_file(&H, "gone", "new"), 0);
	assert_int_equal(p9_client_read(H.c, f, 0, buf, sizeof(buf)), 10);
	assert_string_equal(buf, "still here");
	assert_int_equal(p9_client_write(H.c, f, 10, "!", 1), 1);
	assert_int_equal(p9_client_getattr(H.c, f, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.nlink, 0);
	assert_int_equal(a.size, 11);
	struct p9_tsetattr sa = { .valid = P9_SETATTR_SIZE, .size = 5 };
	assert_int_equal(p9_client_setattr(H.c, f, &sa), 0);
	assert_int_equal(p9_client_getattr(H.c, f, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.size, 5);
	assert_int_equal(p9_client_fsync(H.c, f, 0), 0);
	p9_client_clunk(H.c, f);
	assert_int_equal(harness_read_file(&H, "gone", buf, sizeof(buf)), 3);
	assert_string_equal(buf, "new");
}

/* A created file's node has no handle of its own until one is needed:
 * a clone of the create's fid (not open itself) must still reach the
 * file after an unlink and after a rename through 9P. */
static void clone_of_created_fid_survives_unlink_and_rename(void **state)
{
	(void)state;
	uint32_t f, g, f2, g2;
	struct p9_rgetattr a;
	assert_int_equal(p9_client_walk(H.c, H.root, "", &f, NULL), 0);
	assert_int_equal(p9_client_lcreate(H.c, f, "made", P9_DOTL_RDWR, 0600, 0, NULL, NULL), 0);
	assert_int_equal(p9_client_write(H.c, f, 0, "abc", 3), 3);
	assert_int_equal(p9_client_walk(H.c, f, "", &g, NULL), 0);
	assert_int_equal(p9_client_unlinkat(H.c, H.root, "made", 0), 0);
	assert_int_equal(harness_write_file(&H, "made", "other file"), 0);
	assert_int_equal(p9_client_getattr(H.c, g, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.nlink, 0);
	assert_int_equal(a.size, 3);
	p9_client_clunk(H.c, g);
	p9_client_clunk(H.c, f);

	assert_int_equal(p9_client_walk(H.c, H.root, "", &f2, NULL), 0);
	assert_int_equal(p9_client_lcreate(H.c, f2, "r1", P9_DOTL_RDWR, 0600, 0, NULL, NULL), 0);
	assert_int_equal(p9_client_write(H.c, f2, 0, "12345", 5), 5);
	assert_int_equal(p9_client_walk(H.c, f2, "", &g2, NULL), 0);
	p9_client_clunk(H.c, f2);
	assert_int_equal(p9_client_renameat(H.c, H.root, "r1", H.root, "r2"), 0);
	assert_int_equal(p9_client_getattr(H.c, g2, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.nlink, 1);
	assert_int_equal(a.size, 5);
	/* the handle is kept now: a rename on the host does not lose it */
	assert_int_equal(renameat(H.exportfd, "r2", H.exportfd, "r3"), 0);
	assert_int_equal(p9_client_getattr(H.c, g2, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.size, 5);
	p9_client_clunk(H.c, g2);
}

static void rename_keeps_fids_below_valid(void **state)
{
	(void)state;
	char buf[32] = { 0 };
	assert_int_equal(mkdirat(H.exportfd, "a", 0755), 0);
	assert_int_equal(mkdirat(H.exportfd, "a/b", 0755), 0);
	assert_int_equal(harness_write_file(&H, "a/b/f", "data"), 0);
	int64_t f = open_path(H.c, H.root, "a/b/f", P9_DOTL_RDWR);
	uint32_t walked;
	assert_true(f >= 0);
	assert_int_equal(p9_client_walk(H.c, H.root, "a/b", &walked, NULL), 0);
	assert_int_equal(p9_client_renameat(H.c, H.root, "a", H.root, "z"), 0);
	assert_int_equal(p9_client_read(H.c, (uint32_t)f, 0, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "data");
	/* A fid that was only walked still works too: create below it. */
	assert_int_equal(p9_client_mkdir(H.c, walked, "sub", 0755, 0, NULL), 0);
	assert_int_equal(faccessat(H.exportfd, "z/b/sub", F_OK, AT_SYMLINK_NOFOLLOW), 0);
	/* And Tremove of a fid walked before the rename removes the right file. */
	uint32_t victim;
	assert_int_equal(p9_client_walk(H.c, walked, "sub", &victim, NULL), 0);
	assert_int_equal(p9_client_renameat(H.c, H.root, "z", H.root, "y"), 0);
	assert_int_equal(p9_client_remove(H.c, victim), 0);
	assert_int_equal(faccessat(H.exportfd, "y/b/sub", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	p9_client_clunk(H.c, (uint32_t)f);
	p9_client_clunk(H.c, walked);
}

static void rename_over_existing_open_file(void **state)
{
	(void)state;
	char buf[32] = { 0 };
	assert_int_equal(harness_write_file(&H, "old", "OLD"), 0);
	assert_int_equal(harness_write_file(&H, "new", "NEW"), 0);
	int64_t f = open_path(H.c, H.root, "old", P9_DOTL_RDONLY);
	assert_true(f >= 0);
	assert_int_equal(p9_client_renameat(H.c, H.root, "new", H.root, "old"), 0);
	assert_int_equal(p9_client_read(H.c, (uint32_t)f, 0, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "OLD");
	p9_client_clunk(H.c, (uint32_t)f);
	assert_int_equal(harness_read_file(&H, "old", buf, sizeof(buf)), 3);
	assert_string_equal(buf, "NEW");
}

static void rmdir_of_nonempty_is_enotempty(void **state)
{
	(void)state;
	assert_int_equal(p9_client_mkdir(H.c, H.root, "full", 0755, 0, NULL), 0);
	assert_int_equal(harness_write_file(&H, "full/x", "x"), 0);
	assert_int_equal(p9_client_unlinkat(H.c, H.root, "full", P9_AT_REMOVEDIR), -ENOTEMPTY);
	assert_int_equal(p9_client_unlinkat(H.c, H.root, "full", 0), -EISDIR);
	assert_int_equal(unlinkat(H.exportfd, "full/x", 0), 0);
	assert_int_equal(p9_client_unlinkat(H.c, H.root, "full", P9_AT_REMOVEDIR), 0);
	assert_int_equal(p9_client_unlinkat(H.c, H.root, "full", P9_AT_REMOVEDIR), -ENOENT);
}

static void symlink_readlink_and_hard_links(void **state)
{
	(void)state;
	char buf[64];
	uint32_t f, l;
	struct p9_qid q;
	struct p9_rgetattr a;
	assert_int_equal(p9_client_symlink(H.c, H.root, "ln", "target/x", 0, &q), 0);
	assert_int_equal(q.type, P9_QTSYMLINK);
	assert_int_equal(p9_client_walk(H.c, H.root, "ln", &l, NULL), 0);
	assert_int_equal(p9_client_readlink(H.c, l, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "target/x");
	p9_client_clunk(H.c, l);
	assert_int_equal(harness_write_file(&H, "orig", "o"), 0);
	assert_int_equal(p9_client_walk(H.c, H.root, "orig", &f, NULL), 0);
	assert_int_equal(p9_client_link(H.c, H.root, f, "second"), 0);
	assert_int_equal(p9_client_getattr(H.c, f, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.nlink, 2);
	assert_int_equal(p9_client_link(H.c, H.root, f, "second"), -EEXIST);
	p9_client_clunk(H.c, f);
}

static void setattr_mode_owner_and_nanosecond_times(void **state)
{
	(void)state;
	uint32_t f;
	struct p9_rgetattr a;
	assert_int_equal(harness_write_file(&H, "t", "t"), 0);
	assert_int_equal(p9_client_walk(H.c, H.root, "t", &f, NULL), 0);
	struct p9_tsetattr sa = { .valid = P9_SETATTR_MODE | P9_SETATTR_ATIME |
					   P9_SETATTR_ATIME_SET | P9_SETATTR_MTIME |
					   P9_SETATTR_MTIME_SET,
				  .mode = 04751,
				  .atime_sec = 1000000000,
				  .atime_nsec = 123456789,
				  .mtime_sec = 1200000000,
				  .mtime_nsec = 987654321 };
	assert_int_equal(p9_client_setattr(H.c, f, &sa), 0);
	assert_int_equal(p9_client_getattr(H.c, f, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.mode, S_IFREG | 04751);
	assert_int_equal(a.atime_sec, 1000000000);
	assert_int_equal(a.atime_nsec, 123456789);
	assert_int_equal(a.mtime_sec, 1200000000);
	assert_int_equal(a.mtime_nsec, 987654321);
	sa.valid = P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET;
	sa.mtime_nsec = 1000000000; /* out of range */
	assert_int_equal(p9_client_setattr(H.c, f, &sa), -EINVAL);
	if (geteuid() == 0) { /* none: root chowns too; passthrough: as root */
		sa.valid = P9_SETATTR_UID | P9_SETATTR_GID;
		sa.uid = 1234;
		sa.gid = 5678;
		assert_int_equal(p9_client_setattr(H.c, f, &sa), 0);
		assert_int_equal(p9_client_getattr(H.c, f, P9_GETATTR_ALL, &a), 0);
		assert_int_equal(a.uid, 1234);
		assert_int_equal(a.gid, 5678);
	}
	sa.valid = P9_SETATTR_SIZE;
	sa.size = 100000;
	assert_int_equal(p9_client_setattr(H.c, f, &sa), 0);
	assert_int_equal(p9_client_getattr(H.c, f, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.size, 100000);
	p9_client_clunk(H.c, f);
}

static int count_entry(void *arg, const struct p9_dirent *de)
{
	unsigned *seen = arg;
	unsigned n;
	char name[32];
	/* names are views, not NUL-terminated */
	snprintf(name, sizeof(name), "%.*s", (int)de->name.len, de->name.s);
	if (de->name.len > 1 && name[0] == 'e' && sscanf(name + 1, "%u", &n) == 1) {
		if (n < 100000)
			seen[n]++;
		seen[100000]++;
	} else {
		seen[100001]++; /* "." and ".." */
	}
	return 0;
}

static void readdir_lists_100000_entries_once_each(void **state)
{
	(void)state;
	unsigned *seen = calloc(100002, sizeof(*seen));
	assert_int_equal(mkdirat(H.exportfd, "many", 0755), 0);
	int dfd = openat(H.exportfd, "many", O_DIRECTORY | O_RDONLY);
	for (unsigned i = 0; i < 100000; i++) {
		char name[16];
		snprintf(name, sizeof(name), "e%u", i);
		int fd = openat(dfd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		assert_true(fd >= 0);
		close(fd);
	}
	close(dfd);
	int64_t d = open_path(H.c, H.root, "many", P9_DOTL_RDONLY);
	assert_true(d >= 0);
	assert_int_equal(p9_client_readdir(H.c, (uint32_t)d, 0, count_entry, seen), 0);
	assert_int_equal(seen[100000], 100000);
	assert_int_equal(seen[100001], 2);
	for (unsigned i = 0; i < 100000; i++)
		if (seen[i] != 1)
			fail_msg("entry e%u seen %u times", i, seen[i]);
	p9_client_clunk(H.c, (uint32_t)d);
	free(seen);
}

static void xattrs_user_set_get_list_remove(void **state)
{
	(void)state;
	uint32_t f;
	char buf[256];
	assert_int_equal(harness_write_file(&H, "x", "x"), 0);
	assert_int_equal(p9_client_walk(H.c, H.root, "x", &f, NULL), 0);
	int e = p9_client_xattr_set(H.c, f, "user.color", "blue", 4, 0);
	if (e == -EOPNOTSUPP) {
		print_message("skipped: the test file system has no user xattrs\n");
		p9_client_clunk(H.c, f);
		return;
	}
	assert_int_equal(e, 0);
	assert_int_equal(p9_client_xattr_get(H.c, f, "user.color", buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "blue", 4);
	ssize_t n = p9_client_xattr_list(H.c, f, buf, sizeof(buf));
	assert_int_equal(n, 11);
	assert_memory_equal(buf, "user.color", 11);
	assert_int_equal(p9_client_xattr_set(H.c, f, "user.color", "red", 3, 1 /* CREATE */),
			 -EEXIST);
	assert_int_equal(p9_client_xattr_remove(H.c, f, "user.color"), 0);
	assert_int_equal(p9_client_xattr_get(H.c, f, "user.color", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(p9_client_xattr_set(H.c, f, "security.evil", "x", 1, 0), -EOPNOTSUPP);
	assert_int_equal(p9_client_xattr_set(H.c, f, "trusted.evil", "x", 1, 0), -EOPNOTSUPP);
	assert_int_equal(p9_client_xattr_get(H.c, f, "security.selinux", buf, sizeof(buf)),
			 -EOPNOTSUPP);
	p9_client_clunk(H.c, f);
}

static void locks_conflict_between_fids(void **state)
{
	(void)state;
	assert_int_equal(harness_write_file(&H, "lk", "lock me"), 0);
	int64_t a = open_path(H.c, H.root, "lk", P9_DOTL_RDWR);
	int64_t b = open_path(H.c, H.root, "lk", P9_DOTL_RDWR);
	assert_true(a >= 0 && b >= 0);
	struct p9_client_lock wr = { .type = P9_LOCK_TYPE_WRLCK, .start = 0, .length = 10,
				     .proc_id = 1, .client_id = p9_str_c("test") };
	struct p9_client_lock out;
	uint8_t st;
	assert_int_equal(p9_client_lock(H.c, (uint32_t)a, &wr, &st), 0);
	assert_int_equal(st, P9_LOCK_SUCCESS);
	assert_int_equal(p9_client_lock(H.c, (uint32_t)b, &wr, &st), 0);
	assert_int_equal(st, P9_LOCK_BLOCKED);
	assert_int_equal(p9_client_getlock(H.c, (uint32_t)b, &wr, &out), 0);
	assert_int_equal(out.type, P9_LOCK_TYPE_WRLCK);
	assert_int_equal(out.start, 0);
	assert_int_equal(out.length, 10);
	/* Linux asks with type UNLCK, meaning "anything held here?" */
	struct p9_client_lock any = wr;
	any.type = P9_LOCK_TYPE_UNLCK;
	assert_int_equal(p9_client_getlock(H.c, (uint32_t)b, &any, &out), 0);
	assert_int_equal(out.type, P9_LOCK_TYPE_WRLCK);
	/* A range that does not overlap is free. */
	struct p9_client_lock other = wr;
	other.start = 10;
	assert_int_equal(p9_client_lock(H.c, (uint32_t)b, &other, &st), 0);
	assert_int_equal(st, P9_LOCK_SUCCESS);
	/* Closing the holder releases its lock. */
	p9_client_clunk(H.c, (uint32_t)a);
	assert_int_equal(p9_client_lock(H.c, (uint32_t)b, &wr, &st), 0);
	assert_int_equal(st, P9_LOCK_SUCCESS);
	p9_client_clunk(H.c, (uint32_t)b);
}

static void flush_cancels_a_blocking_lock(void **state)
{
	(void)state;
	SKIP_UNDER_VALGRIND();
	assert_int_equal(harness_write_file(&H, "lk2", "x"), 0);
	int64_t a = open_path(H.c, H.root, "lk2", P9_DOTL_RDWR);
	int64_t b = open_path(H.c, H.root, "lk2", P9_DOTL_RDWR);
	struct p9_client_lock wr = { .type = P9_LOCK_TYPE_WRLCK, .proc_id = 1,
				     .client_id = p9_str_c("test") };
	uint8_t st;
	assert_int_equal(p9_client_lock(H.c, (uint32_t)a, &wr, &st), 0);
	assert_int_equal(st, P9_LOCK_SUCCESS);
	struct p9_fcall tx = { .type = P9_TLOCK }, rx;
	tx.u.tlock.fid = (uint32_t)b;
	tx.u.tlock.type = P9_LOCK_TYPE_WRLCK;
	tx.u.tlock.flags = P9_LOCK_FLAGS_BLOCK;
	tx.u.tlock.client_id = p9_str_c("test");
	uint16_t tag;
	assert_int_equal(p9_client_send(H.c, &tx, &tag), 0);
	/* It waits: no reply within 300 ms. */
	assert_int_equal(p9_client_wait_timed(H.c, tag, &rx, 300, NULL), -ETIMEDOUT);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(p9_client_flush(H.c, tag), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	assert_true(ms < 1000);
	/* The cancelled Tlock was answered before Rflush or not at all. */
	assert_int_equal(p9_client_wait_timed(H.c, tag, &rx, 100, NULL), -ETIMEDOUT);
	p9_client_forget(H.c, tag);
	/* The lock was not taken: once a lets go, b gets it without waiting. */
	p9_client_clunk(H.c, (uint32_t)a);
	assert_int_equal(p9_client_lock(H.c, (uint32_t)b, &wr, &st), 0);
	assert_int_equal(st, P9_LOCK_SUCCESS);
	p9_client_clunk(H.c, (uint32_t)b);
}

static void blocking_lock_is_granted_when_released(void **state)
{
	(void)state;
	SKIP_UNDER_VALGRIND();
	assert_int_equal(harness_write_file(&H, "lk3", "x"), 0);
	int64_t a = open_path(H.c, H.root, "lk3", P9_DOTL_RDWR);
	int64_t b = open_path(H.c, H.root, "lk3", P9_DOTL_RDWR);
	struct p9_client_lock wr = { .type = P9_LOCK_TYPE_WRLCK, .proc_id = 1,
				     .client_id = p9_str_c("test") };
	uint8_t st;
	assert_int_equal(p9_client_lock(H.c, (uint32_t)a, &wr, &st), 0);
	struct p9_fcall tx = { .type = P9_TLOCK }, rx;
	tx.u.tlock.fid = (uint32_t)b;
	tx.u.tlock.type = P9_LOCK_TYPE_WRLCK;
	tx.u.tlock.flags = P9_LOCK_FLAGS_BLOCK;
	tx.u.tlock.client_id = p9_str_c("test");
	uint16_t tag;
	assert_int_equal(p9_client_send(H.c, &tx, &tag), 0);
	assert_int_equal(p9_client_wait_timed(H.c, tag, &rx, 200, NULL), -ETIMEDOUT);
	/* Other requests are served meanwhile. */
	struct p9_rgetattr ga;
	assert_int_equal(p9_client_getattr(H.c, H.root, P9_GETATTR_ALL, &ga), 0);
	p9_client_clunk(H.c, (uint32_t)a);
	assert_int_equal(p9_client_wait_timed(H.c, tag, &rx, 3000, NULL), 0);
	assert_int_equal(rx.type, P9_RLOCK);
	assert_int_equal(rx.u.rlock.status, P9_LOCK_SUCCESS);
	p9_client_clunk(H.c, (uint32_t)b);
}

static void hundred_thousand_fids_on_one_connection(void **state)
{
	(void)state;
	/* Fids that were only walked hold no host descriptor. */
	assert_int_equal(mkdirat(H.exportfd, "deep", 0755), 0);
	for (uint32_t i = 0; i < 100000; i++) {
		struct p9_fcall tx = { .type = P9_TWALK }, rx;
		tx.u.twalk.fid = H.root;
		tx.u.twalk.newfid = 10000 + i;
		tx.u.twalk.nwname = 1;
		tx.u.twalk.wname[0] = p9_str_c("deep");
		assert_int_equal(p9_client_rpc(H.c, &tx, &rx), 0);
		if (rx.type != P9_RWALK)
			fail_msg("walk %u: Rlerror %u", i, rx.u.rlerror.ecode);
	}
	struct p9_rgetattr a;
	assert_int_equal(p9_client_getattr(H.c, 10000 + 99999, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.mode & S_IFMT, S_IFDIR);
}

static void disconnect_releases_every_fd(void **state)
{
	(void)state;
	struct p9_client *c;
	uint32_t root;
	int before = count_fds();
	assert_int_equal(mkdirat(H.exportfd, "fds", 0755), 0);
	assert_int_equal(harness_connect(&H, 0, &c, &root), 0);
	for (int i = 0; i < 50; i++) {
		char name[32];
		uint32_t f;
		snprintf(name, sizeof(name), "f%d", i);
		assert_int_equal(p9_client_walk(c, root, "fds", &f, NULL), 0);
		assert_int_equal(p9_client_lcreate(c, f, name, P9_DOTL_RDWR, 0644, 0, NULL, NULL), 0);
		struct p9_client_lock wr = { .type = P9_LOCK_TYPE_WRLCK,
					     .client_id = p9_str_c("t") };
		uint8_t st;
		assert_int_equal(p9_client_lock(c, f, &wr, &st), 0);
	}
	int during = count_fds();
	assert_true(during >= before + 50);
	p9_client_free(c);
	int after = during;
	for (int i = 0; i < 100 && after != before; i++) {
		usleep(20000);
		after = count_fds();
	}
	assert_int_equal(after, before);
	/* and the locks went with the files */
	int64_t f = open_path(H.c, H.root, "fds/f0", P9_DOTL_RDWR);
	struct p9_client_lock wr = { .type = P9_LOCK_TYPE_WRLCK, .client_id = p9_str_c("t") };
	uint8_t st;
	assert_int_equal(p9_client_lock(H.c, (uint32_t)f, &wr, &st), 0);
	assert_int_equal(st, P9_LOCK_SUCCESS);
	p9_client_clunk(H.c, (uint32_t)f);
}

static void version_again_clunks_every_fid(void **state)
{
	(void)state;
	assert_int_equal(harness_write_file(&H, "v", "v"), 0);
	int64_t f = open_path(H.c, H.root, "v", P9_DOTL_RDWR);
	assert_true(f >= 0);
	struct p9_fcall tx = { .type = P9_TVERSION }, rx;
	tx.u.version.msize = 65536;
	tx.u.version.version = p9_str_c("9P2000.L");
	assert_int_equal(p9_client_rpc(H.c, &tx, &rx), 0);
	assert_int_equal(rx.type, P9_RVERSION);
	assert_int_equal(rx.u.version.msize, 65536);
	struct p9_fcall g = { .type = P9_TGETATTR };
	g.u.tgetattr.fid = (uint32_t)f;
	g.u.tgetattr.request_mask = P9_GETATTR_ALL;
	assert_int_equal(p9_client_rpc(H.c, &g, &rx), 0);
	assert_int_equal(rx.type, P9_RLERROR);
	assert_int_equal(rx.u.rlerror.ecode, EBADF);
}

static void flush_of_unknown_tag_answers_at_once(void **state)
{
	(void)state;
	assert_int_equal(p9_client_flush(H.c, 777), 0);
}

static void version_and_attach_pipelined_in_one_write(void **state)
{
	(void)state;
	struct p9_client *c;
	char addr[320];
	uint8_t buf[256], reply[256];
	snprintf(addr, sizeof(addr), "unix:%s", H.sock);
	assert_int_equal(p9_client_dial(addr, &c), 0);
	struct p9_fcall v = { .type = P9_TVERSION, .tag = P9_NOTAG };
	v.u.version.msize = 8192;
	v.u.version.version = p9_str_c("9P2000.L");
	size_t n = p9_pack(buf, sizeof(buf), P9_DIALECT_2000L, &v);
	struct p9_fcall a = { .type = P9_TATTACH, .tag = 1 };
	a.u.tattach.fid = 7;
	a.u.tattach.afid = P9_NOFID;
	a.u.tattach.uname = p9_str_c("");
	a.u.tattach.aname = p9_str_c("");
	n += p9_pack(buf + n, sizeof(buf) - n, P9_DIALECT_2000L, &a);
	/* The attach is only valid once the version took effect: a server
	 * must not run it beside the version. */
	assert_int_equal(p9_client_send_raw(c, buf, n), 0);
	assert_true(p9_client_recv_raw(c, reply, sizeof(reply), 2000) > 0);
	assert_int_equal(reply[4], P9_RVERSION);
	assert_true(p9_client_recv_raw(c, reply, sizeof(reply), 2000) > 0);
	assert_int_equal(reply[4], P9_RATTACH);
	p9_client_free(c);
}

/* Pipelined bursts on several connections are all answered promptly. A
 * reply queued just after another request of its batch had written the
 * connection's queue used to wait for the next request: at the end of a
 * burst, for ever. A race, but a wide one: the unfixed server failed
 * here in 6 runs of 6 (and p9bench saw it as lost=N). */
struct burst {
	struct p9_client *c;
	uint32_t root;
	unsigned rounds;
	int failed;
};

static void *burst_main(void *arg)
{
	struct burst *b = arg;
	uint8_t out[8 * 32], in[512];
	size_t n = 0;
	for (uint16_t t = 1; t <= 8; t++) {
		struct p9_fcall g = { .type = P9_TGETATTR, .tag = t };
		g.u.tgetattr.fid = b->root;
		g.u.tgetattr.request_mask = P9_GETATTR_BASIC;
		n += p9_pack(out + n, sizeof(out) - n, P9_DIALECT_2000L, &g);
	}
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (p9_client_send_raw(b->c, out, n) < 0) {
			b->failed = 1;
			return NULL;
		}
		for (int i = 0; i < 8; i++) {
			ssize_t r = p9_client_recv_raw(b->c, in, sizeof(in), 2000);
			if (r <= 0 || in[4] != P9_RGETATTR) {
				b->failed = r == -ETIMEDOUT ? 2 : 1;
				return NULL;
			}
		}
		b->rounds++;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 < 1500);
	return NULL;
}

static void pipelined_bursts_are_all_answered(void **state)
{
	(void)state;
	struct burst b[4];
	pthread_t t[4];
	memset(b, 0, sizeof(b));
	for (int i = 0; i < 4; i++)
		assert_int_equal(harness_connect(&H, 0, &b[i].c, &b[i].root), 0);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, burst_main, &b[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++) {
		if (b[i].failed)
			print_message("connection %d: %s after %u bursts\n", i,
			              b[i].failed == 2 ? "a reply never came" : "failed",
			              b[i].rounds);
		assert_int_equal(b[i].failed, 0);
		assert_true(b[i].rounds > 0);
		p9_client_free(b[i].c);
	}
}

static void messages_before_version_are_refused(void **state)
{
	(void)state;
	struct p9_client *c;
	char addr[320];
	snprintf(addr, sizeof(addr), "unix:%s", H.sock);
	assert_int_equal(p9_client_dial(addr, &c), 0);
	uint32_t fid;
	assert_int_equal(p9_client_attach(c, "", "", 0, &fid, NULL), -EPROTO);
	p9_client_free(c);
}

static void passthrough_acts_as_the_attached_user(void **state)
{
	(void)state;
	if (model_none()) {
		print_message("skipped: needs root and passthrough\n");
		return;
	}
	struct p9_client *c;
	uint32_t root, f;
	struct p9_rgetattr a;
	assert_int_equal(mkdirat(H.exportfd, "closed", 0755), 0);
	assert_int_equal(mkdirat(H.exportfd, "open", 0777), 0);
	assert_int_equal(harness_write_file(&H, "secret", "s"), 0);
	assert_int_equal(fchmodat(H.exportfd, "secret", 0600, 0), 0);
	assert_int_equal(harness_connect(&H, 65534, &c, &root), 0);
	assert_int_equal(p9_client_mkdir(c, root, "closed-sub", 0755, 0, NULL), -EACCES);
	assert_int_equal(open_path(c, root, "secret", P9_DOTL_RDONLY), -EACCES);
	assert_int_equal(p9_client_walk(c, root, "open", &f, NULL), 0);
	assert_int_equal(p9_client_lcreate(c, f, "mine", P9_DOTL_WRONLY, 0644, 65534, NULL, NULL),
			 0);
	assert_int_equal(p9_client_getattr(c, f, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.uid, 65534);
	p9_client_clunk(c, f);
	/* The root client next to it is still root. */
	assert_int_equal(open_path(H.c, H.root, "secret", P9_DOTL_RDONLY) >= 0, 1);
	p9_client_free(c);
}

/* --- read-only exports --- */

static void readonly_export_refuses_every_change(void **state)
{
	(void)state;
	uint32_t f;
	assert_int_equal(harness_write_file(&H, "ro", "ro"), 0);
	assert_int_equal(p9_client_walk(H.c, H.root, "", &f, NULL), 0);
	assert_int_equal(p9_client_lcreate(H.c, f, "n", P9_DOTL_WRONLY, 0644, 0, NULL, NULL), -EROFS);
	p9_client_clunk(H.c, f);
	assert_int_equal(p9_client_mkdir(H.c, H.root, "n", 0755, 0, NULL), -EROFS);
	assert_int_equal(p9_client_symlink(H.c, H.root, "n", "x", 0, NULL), -EROFS);
	assert_int_equal(p9_client_unlinkat(H.c, H.root, "ro", 0), -EROFS);
	assert_int_equal(p9_client_renameat(H.c, H.root, "ro", H.root, "n"), -EROFS);
	assert_int_equal(open_path(H.c, H.root, "ro", P9_DOTL_WRONLY), -EROFS);
	assert_int_equal(open_path(H.c, H.root, "ro", P9_DOTL_RDONLY | P9_DOTL_TRUNC), -EROFS);
	int64_t r = open_path(H.c, H.root, "ro", P9_DOTL_RDONLY);
	assert_true(r >= 0);
	struct p9_tsetattr sa = { .valid = P9_SETATTR_MODE, .mode = 0777 };
	assert_int_equal(p9_client_setattr(H.c, (uint32_t)r, &sa), -EROFS);
	assert_int_equal(p9_client_xattr_set(H.c, (uint32_t)r, "user.a", "b", 1, 0), -EROFS);
	char buf[8];
	assert_int_equal(p9_client_read(H.c, (uint32_t)r, 0, buf, sizeof(buf)), 2);
	p9_client_clunk(H.c, (uint32_t)r);
}

/* A flushed request's reply, if it is sent at all, comes before the
 * Rflush, never after (the client reuses the tag once Rflush arrived).
 * Regression: a request finishing just as its Tflush ran could have its
 * reply queued behind the Rflush. Checked on the wire, in storms of
 * pipelined Tread + Tflush. */
static void flushed_replies_never_follow_their_rflush(void **state)
{
	(void)state;
	static uint8_t data[65536];
	int fd = openat(H.exportfd, "f", O_WRONLY | O_CREAT, 0644);
	assert_int_equal(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
	close(fd);
	int64_t f = open_path(H.c, H.root, "f", P9_DOTL_RDONLY);
	assert_true(f >= 0);
	static uint8_t out[32 * 64], in[70000];
	int late = 0, rreads = 0;
	for (int round = 0; round < 300; round++) {
		size_t n = 0;
		for (uint16_t i = 0; i < 16; i++) {
			struct p9_fcall tx = { .type = P9_TREAD, .tag = (uint16_t)(1000 + i) };
			tx.u.tread.fid = (uint32_t)f;
			tx.u.tread.count = 65536;
			n += p9_pack(out + n, sizeof(out) - n, P9_DIALECT_2000L, &tx);
			struct p9_fcall fl = { .type = P9_TFLUSH, .tag = (uint16_t)(2000 + i) };
			fl.u.tflush.oldtag = (uint16_t)(1000 + i);
			n += p9_pack(out + n, sizeof(out) - n, P9_DIALECT_2000L, &fl);
		}
		assert_int_equal(p9_client_send_raw(H.c, out, n), 0);
		int flushed[16] = {0}, nflush = 0;
		while (nflush < 16) {
			ssize_t got = p9_client_recv_raw(H.c, in, sizeof(in), 5000);
			assert_true(got >= 7);
			uint16_t tag = (uint16_t)(in[5] | in[6] << 8);
			if (in[4] == P9_RFLUSH) {
				assert_true(tag >= 2000 && tag < 2016);
				flushed[tag - 2000] = 1;
				nflush++;
			} else {
				assert_true(tag >= 1000 && tag < 1016);
				rreads++;
				if (flushed[tag - 1000])
					late++;
			}
		}
		/* nothing may follow the last Rflush */
		assert_int_equal(p9_client_recv_raw(H.c, in, sizeof(in), 20), -ETIMEDOUT);
		assert_int_equal(late, 0);
	}
	print_message("%d replies came before their Rflush, none after\n", rreads);
	p9_client_clunk(H.c, (uint32_t)f);
}

/*
 * Twrites to one fid run one after another on one thread, in the order
 * they came (src/server/lane.c). 24 pipelined writes of 32 KiB, all at
 * offset 0, each of its own byte: every one is answered, and the file
 * holds the last one's bytes. (Spread over workers, any of them could
 * land last.)
 */
#define LANE_N 24
#define LANE_LEN 32768u

static size_t pack_lane_write(uint8_t *out, size_t cap, uint32_t fid, uint16_t tag, uint8_t fill)
{
	static uint8_t data[LANE_LEN];
	memset(data, fill, sizeof(data));
	struct p9_fcall tx = { .type = P9_TWRITE, .tag = tag };
	tx.u.twrite.fid = fid;
	tx.u.twrite.count = LANE_LEN;
	tx.u.twrite.data = data;
	return p9_pack(out, cap, P9_DIALECT_2000L, &tx);
}

/* The host file "lane" holds LANE_LEN bytes of fill. */
static void assert_lane_file(uint8_t fill)
{
	static uint8_t b[LANE_LEN + 1];
	int fd = openat(H.exportfd, "lane", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, b, sizeof(b)), (ssize_t)LANE_LEN);
	close(fd);
	for (size_t i = 0; i < LANE_LEN; i++)
		if (b[i] != fill) {
			print_message("byte %zu is %u, not %u\n", i, b[i], fill);
			fail();
		}
}

static void pipelined_writes_to_one_fid_land_in_order(void **state)
{
	(void)state;
	static uint8_t out[LANE_N * (LANE_LEN + 32)], in[64];
	assert_int_equal(harness_write_file(&H, "lane", ""), 0);
	int64_t f = open_path(H.c, H.root, "lane", P9_DOTL_WRONLY);
	assert_true(f >= 0);
	for (int round = 0; round < 20; round++) {
		size_t n = 0;
		for (int i = 0; i < LANE_N; i++)
			n += pack_lane_write(out + n, sizeof(out) - n, (uint32_t)f, (uint16_t)(10 + i),
					     (uint8_t)(round * LANE_N + i + 1));
		assert_int_equal(p9_client_send_raw(H.c, out, n), 0);
		int seen[LANE_N] = {0};
		for (int i = 0; i < LANE_N; i++) {
			assert_int_equal(p9_client_recv_raw(H.c, in, sizeof(in), 5000), 11);
			assert_int_equal(in[4], P9_RWRITE);
			uint16_t tag = (uint16_t)(in[5] | in[6] << 8);
			assert_true(tag >= 10 && tag < 10 + LANE_N);
			assert_int_equal(seen[tag - 10]++, 0);
			assert_int_equal(p9_get_u32(in + 7), LANE_LEN);
		}
		assert_lane_file((uint8_t)(round * LANE_N + LANE_N));
	}
	p9_client_clunk(H.c, (uint32_t)f);
}

/* A Tclunk sent behind a burst of writes on its fid: the clunk is not
 * laned, so it lands somewhere in the burst. The writes before it succeed
 * and those after it find no fid: the successes are a prefix of the burst,
 * the file holds the last success, and the fid's file is closed once the
 * lane lets it go (no descriptor left behind). */
static void clunk_behind_a_burst_of_writes(void **state)
{
	(void)state;
	static uint8_t out[LANE_N * (LANE_LEN + 32) + 64], in[64];
	assert_int_equal(harness_write_file(&H, "lane", ""), 0);
	int fds_before = count_fds();
	for (int round = 0; round < 20; round++) {
		int64_t f = open_path(H.c, H.root, "lane", P9_DOTL_WRONLY);
		assert_true(f >= 0);
		size_t n = 0;
		for (int i = 0; i < LANE_N; i++)
			n += pack_lane_write(out + n, sizeof(out) - n, (uint32_t)f, (uint16_t)(10 + i),
					     (uint8_t)(i + 1));
		struct p9_fcall cl = { .type = P9_TCLUNK, .tag = 9 };
		cl.u.tclunk.fid = (uint32_t)f;
		n += p9_pack(out + n, sizeof(out) - n, P9_DIALECT_2000L, &cl);
		assert_int_equal(p9_client_send_raw(H.c, out, n), 0);
		int ok[LANE_N] = {0}, clunked = 0;
		for (int i = 0; i < LANE_N + 1; i++) {
			ssize_t got = p9_client_recv_raw(H.c, in, sizeof(in), 5000);
			uint16_t tag = (uint16_t)(in[5] | in[6] << 8);
			if (tag == 9) {
				assert_int_equal(got, 7);
				assert_int_equal(in[4], P9_RCLUNK);
				clunked++;
				continue;
			}
			assert_true(tag >= 10 && tag < 10 + LANE_N);
			if (in[4] == P9_RWRITE) {
				assert_int_equal(got, 11);
				assert_int_equal(p9_get_u32(in + 7), LANE_LEN);
				ok[tag - 10] = 1;
			} else {
				assert_int_equal(got, 11);
				assert_int_equal(in[4], P9_RLERROR);
				assert_int_equal(p9_get_u32(in + 7), EBADF);
				ok[tag - 10] = -1;
			}
		}
		assert_int_equal(clunked, 1);
		int last = 0;
		for (int i = 0; i < LANE_N; i++) {
			assert_int_not_equal(ok[i], 0);
			if (ok[i] == 1) {
				assert_int_equal(last, i); /* no success after a failure */
				last = i + 1;
			}
		}
		if (last)
			assert_lane_file((uint8_t)last);
		p9_client_fid_release(H.c, (uint32_t)f);
	}
	for (int i = 0; i < 100 && count_fds() != fds_before; i++)
		usleep(10000);
	assert_int_equal(count_fds(), fds_before);
}

/* Regression: a client hanging up with replies still to write made the
 * writer drop the connection's last reference while a reader was still
 * at work on it (a use after free, found by the soak test under ASan).
 * Many clients hang up mid-request; the server keeps serving. */
static void hangups_with_requests_in_flight_are_harmless(void **state)
{
	(void)state;
	static uint8_t data[65536];
	int fd = openat(H.exportfd, "f", O_WRONLY | O_CREAT, 0644);
	assert_int_equal(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
	close(fd);
	for (int i = 0; i < 300; i++) {
		struct p9_client *c;
		uint32_t root;
		assert_int_equal(harness_connect(&H, 0, &c, &root), 0);
		int64_t f = open_path(c, root, "f", P9_DOTL_RDONLY);
		assert_true(f >= 0);
		uint16_t tag;
		for (int k = 0; k < 8; k++) {
			struct p9_fcall tx = { .type = P9_TREAD };
			tx.u.tread.fid = (uint32_t)f;
			tx.u.tread.count = 65536;
			assert_int_equal(p9_client_send(c, &tx, &tag), 0);
		}
		struct p9_fcall fl = { .type = P9_TFLUSH };
		fl.u.tflush.oldtag = tag;
		p9_client_send(c, &fl, &tag);
		if (i % 2)
			usleep(100);
		p9_client_free(c);
	}
	struct p9_rgetattr a;
	assert_int_equal(p9_client_getattr(H.c, H.root, P9_GETATTR_ALL, &a), 0);
	for (int i = 0; i < 200 && p9_server_connections(H.srv) > 1; i++)
		usleep(10000);
	assert_int_equal(p9_server_connections(H.srv), 1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	if (getenv("P9_TEST_FILTER"))
		cmocka_set_test_filter(getenv("P9_TEST_FILTER"));
	const struct CMUnitTest tests[] = {
		T(version_below_4096_is_refused),
		T(version_msize_is_the_smaller),
		T(attach_to_unknown_aname_is_refused),
		T(unknown_message_type_gets_eopnotsupp),
		T(malformed_walk_gets_einval_and_connection_lives),
		T(walk_name_with_slash_is_einval),
		T(clunk_of_unknown_fid_is_ebadf),
		T(walk_dotdot_at_root_stays),
		T(symlink_out_of_export_is_not_followed),
		T(directory_swapped_for_symlink_keeps_the_directory),
		T(host_fifo_and_device_are_never_opened),
		T(names_dot_dotdot_empty_are_refused_for_create),
		T(create_write_read_exact_bytes),
		T(large_file_round_trips),
		T(zero_copy_reads_give_exact_bytes),
		T(zero_copy_replies_survive_full_sockets_and_hangups),
		T(append_mode_appends),
		T(unlinked_open_file_stays_usable),
		T(clone_of_created_fid_survives_unlink_and_rename),
		T(rename_keeps_fids_below_valid),
		T(rename_over_existing_open_file),
		T(rmdir_of_nonempty_is_enotempty),
		T(symlink_readlink_and_hard_links),
		T(setattr_mode_owner_and_nanosecond_times),
		T(readdir_lists_100000_entries_once_each),
		T(xattrs_user_set_get_list_remove),
		T(locks_conflict_between_fids),
		T(flush_cancels_a_blocking_lock),
		T(blocking_lock_is_granted_when_released),
		T(hundred_thousand_fids_on_one_connection),
		T(passthrough_acts_as_the_attached_user),
		T(disconnect_releases_every_fd),
		T(version_again_clunks_every_fid),
		T(flush_of_unknown_tag_answers_at_once),
		T(messages_before_version_are_refused),
		T(version_and_attach_pipelined_in_one_write),
		T(pipelined_bursts_are_all_answered),
		T(flushed_replies_never_follow_their_rflush),
		T(pipelined_writes_to_one_fid_land_in_order),
		T(clunk_behind_a_burst_of_writes),
		T(hangups_with_requests_in_flight_are_harmless),
		cmocka_unit_test_setup_teardown(readonly_export_refuses_every_change,
						setup_readonly, teardown),
	};
	return cmocka_run_group_tests_name("server", tests, NULL, NULL);
}
