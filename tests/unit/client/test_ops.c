/*
 * test_ops.c: the client's file-level calls: the exact messages they send
 * (walk splitting, I/O chunking, readdir offsets, xattr sequences) and how
 * they read the answers (errno values, attributes).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake.h"

static void script_version(struct fake *f, uint32_t msize)
{
	fake_recv(f, m_tversion(msize, "9P2000.L"));
	fake_send(f, m_rversion(msize, "9P2000.L"));
}

static struct msg *m_tclunk(uint16_t tag, uint32_t fid)
{
	struct msg *m = m_new(P9_TCLUNK, tag);
	m_u32(m, fid);
	return m_end(m);
}

static struct msg *m_tread(uint8_t type, uint32_t fid, uint64_t off, uint32_t count)
{
	struct msg *m = m_new(type, 0);
	m_u32(m, fid);
	m_u64(m, off);
	m_u32(m, count);
	return m_end(m);
}

/* count bytes of a pattern that depends on the file offset */
static uint8_t pat(uint64_t off)
{
	return (uint8_t)(off * 7 + 3);
}

static struct msg *m_rread_pat(uint64_t off, uint32_t count)
{
	struct msg *m = m_new(P9_RREAD, 0);
	m_u32(m, count);
	for (uint32_t i = 0; i < count; i++)
		m_u8(m, pat(off + i));
	return m_end(m);
}

static void finish(struct fake *f, struct p9_client *c)
{
	p9_client_free(c);
	fake_join(f);
	fake_check(f);
	fake_free(f);
}

/* ---- attach, walk ---- */

static void attach_sends_nofid_afid_and_returns_fid(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	struct msg *t = m_new(P9_TATTACH, 0);
	m_u32(t, 0);
	m_u32(t, P9_NOFID);
	m_str(t, "alice");
	m_str(t, "/srv");
	m_u32(t, 1000);
	fake_recv(&f, m_end(t));
	struct msg *r = m_new(P9_RATTACH, 0);
	m_qid(r, P9_QTDIR, 7, 0x1122334455667788ull);
	fake_send(&f, m_end(r));
	struct p9_client *c = fake_start(&f);
	uint32_t fid = 99;
	struct p9_qid q;
	assert_int_equal(p9_client_attach(c, "alice", "/srv", 1000, &fid, &q), 0);
	assert_int_equal(fid, 0);
	assert_int_equal(q.type, P9_QTDIR);
	assert_int_equal(q.version, 7);
	assert_true(q.path == 0x1122334455667788ull);
	finish(&f, c);
}

static struct msg *m_twalk(uint16_t tag, uint32_t fid, uint32_t newfid, char names[][4], int from,
                           int n)
{
	struct msg *m = m_new(P9_TWALK, tag);
	m_u32(m, fid);
	m_u32(m, newfid);
	m_u16(m, (uint16_t)n);
	for (int i = 0; i < n; i++)
		m_str(m, names[from + i]);
	return m_end(m);
}

static struct msg *m_rwalk(int n, uint64_t path0)
{
	struct msg *m = m_new(P9_RWALK, 0);
	m_u16(m, (uint16_t)n);
	for (int i = 0; i < n; i++)
		m_qid(m, P9_QTDIR, 0, path0 + (uint64_t)i);
	return m_end(m);
}

/* 20 names "n00".."n19", and the path "/n00//n01/./n02/.../n19/" */
static void twenty_names(char names[20][4], char *path, size_t cap)
{
	size_t k = 0;
	for (int i = 0; i < 20; i++) {
		snprintf(names[i], 4, "n%02d", i);
		k += (size_t)snprintf(path + k, cap - k,
		                      i == 1   ? "//%s"
		                      : i == 2 ? "/./%s"
		                               : "/%s",
		                      names[i]);
	}
	snprintf(path + k, cap - k, "/");
}

static void walk_more_than_16_names_takes_two_twalks(void **state)
{
	(void)state;
	char names[20][4], path[256];
	twenty_names(names, path, sizeof(path));
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_twalk(0, 7, 0, names, 0, 16));
	fake_send(&f, m_rwalk(16, 100));
	fake_recv(&f, m_twalk(0, 0, 0, names, 16, 4));
	fake_send(&f, m_rwalk(4, 200));
	struct p9_client *c = fake_start(&f);
	uint32_t nf;
	struct p9_qid q;
	assert_int_equal(p9_client_walk(c, 7, path, &nf, &q), 0);
	assert_int_equal(nf, 0);
	assert_true(q.path == 203);
	finish(&f, c);
}

static void walk_exactly_16_names_is_one_twalk(void **state)
{
	(void)state;
	char names[20][4], path[256];
	twenty_names(names, path, sizeof(path));
	/* cut after n15 */
	*strstr(path, "/n16") = '\0';
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_twalk(0, 7, 0, names, 0, 16));
	fake_send(&f, m_rwalk(16, 100));
	struct p9_client *c = fake_start(&f);
	uint32_t nf;
	assert_int_equal(p9_client_walk(c, 7, path, &nf, NULL), 0);
	finish(&f, c);
}

static void walk_failing_in_second_round_clunks_newfid(void **state)
{
	(void)state;
	char names[20][4], path[256];
	twenty_names(names, path, sizeof(path));
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_twalk(0, 7, 0, names, 0, 16));
	fake_send(&f, m_rwalk(16, 100));
	fake_recv(&f, m_twalk(0, 0, 0, names, 16, 4));
	fake_send(&f, m_rwalk(2, 200)); /* n18 is missing */
	fake_recv(&f, m_tclunk(0, 0));
	fake_send(&f, m_empty(P9_RCLUNK, 0));
	struct p9_client *c = fake_start(&f);
	uint32_t nf = 12345, again;
	assert_int_equal(p9_client_walk(c, 7, path, &nf, NULL), -ENOENT);
	assert_int_equal(nf, 12345);
	/* the fid number went back to the pool */
	assert_int_equal(p9_client_fid_new(c, &again), 0);
	assert_int_equal(again, 0);
	finish(&f, c);
}

/* 9P says a short Rwalk creates no newfid, but diod keeps one: clunk it,
 * as the Linux client does. */
static void walk_short_first_round_clunks_newfid(void **state)
{
	(void)state;
	char names[3][4] = {"a", "b", "c"};
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_twalk(0, 7, 0, names, 0, 3));
	fake_send(&f, m_rwalk(1, 100));
	fake_recv(&f, m_tclunk(0, 0));
	fake_send(&f, m_rlerror(0, EBADF));
	struct p9_client *c = fake_start(&f);
	uint32_t nf;
	assert_int_equal(p9_client_walk(c, 7, "a/b/c", &nf, NULL), -ENOENT);
	finish(&f, c);
}

static void walk_error_in_first_round_is_exact_errno(void **state)
{
	(void)state;
	char names[1][4] = {"zz"};
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_twalk(0, 7, 0, names, 0, 1));
	fake_send(&f, m_rlerror(0, ENOENT));
	struct p9_client *c = fake_start(&f);
	uint32_t nf;
	assert_int_equal(p9_client_walk(c, 7, "zz", &nf, NULL), -ENOENT);
	finish(&f, c);
}

static void walk_empty_path_clones(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_twalk(0, 7, 0, NULL, 0, 0));
	fake_send(&f, m_rwalk(0, 0));
	fake_recv(&f, m_twalk(0, 7, 1, NULL, 0, 0));
	fake_send(&f, m_rwalk(0, 0));
	struct p9_client *c = fake_start(&f);
	uint32_t a, b;
	assert_int_equal(p9_client_walk(c, 7, "", &a, NULL), 0);
	assert_int_equal(p9_client_walk(c, 7, "/./", &b, NULL), 0);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	finish(&f, c);
}

/* ---- errors ---- */

static void rlerror_becomes_exact_negative_errno(void **state)
{
	(void)state;
	static const uint32_t codes[] = {EACCES, ENOENT, ENOTEMPTY, EXDEV, ENOSPC, ELOOP, 95};
	struct fake f;
	fake_init(&f);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		struct msg *t = m_new(P9_TLOPEN, 0);
		m_u32(t, 5);
		m_u32(t, P9_DOTL_RDWR);
		fake_recv(&f, m_end(t));
		fake_send(&f, m_rlerror(0, codes[i]));
	}
	struct p9_client *c = fake_start(&f);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		assert_int_equal(p9_client_lopen(c, 5, P9_DOTL_RDWR, NULL, NULL), -(int)codes[i]);
	finish(&f, c);
}

static void rlerror_zero_is_eproto_not_success(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tclunk(0, 5));
	fake_send(&f, m_rlerror(0, 0));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_clunk(c, 5), -EPROTO);
	finish(&f, c);
}

static void wrong_reply_type_is_eproto(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tclunk(0, 5));
	fake_send(&f, m_empty(P9_RFSYNC, 0));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_clunk(c, 5), -EPROTO);
	finish(&f, c);
}

/* ---- read, write ---- */

static void read_chunks_at_msize_minus_24(void **state)
{
	(void)state;
	const uint32_t msize = 8192, chunk = msize - 24;
	struct fake f;
	fake_init(&f);
	script_version(&f, msize);
	uint64_t off = 100;
	size_t left = 20000;
	while (left > 0) {
		uint32_t n = left < chunk ? (uint32_t)left : chunk;
		fake_recv(&f, m_tread(P9_TREAD, 3, off, n));
		fake_send(&f, m_rread_pat(off, n));
		off += n;
		left -= n;
	}
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_version(c, msize, "9P2000.L"), 0);
	uint8_t *buf = malloc(20000);
	assert_non_null(buf);
	assert_int_equal(p9_client_read(c, 3, 100, buf, 20000), 20000);
	for (size_t i = 0; i < 20000; i++)
		if (buf[i] != pat(100 + i))
			fail_msg("byte %zu differs", i);
	free(buf);
	finish(&f, c);
}

static void read_stops_at_end_of_file(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tread(P9_TREAD, 3, 0, 100));
	fake_send(&f, m_rread_pat(0, 10));
	fake_recv(&f, m_tread(P9_TREAD, 3, 10, 90));
	fake_send(&f, m_rread_pat(10, 0));
	struct p9_client *c = fake_start(&f);
	uint8_t buf[100];
	assert_int_equal(p9_client_read(c, 3, 0, buf, sizeof(buf)), 10);
	assert_int_equal(buf[9], pat(9));
	finish(&f, c);
}

static void read_more_than_asked_is_eproto(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tread(P9_TREAD, 3, 0, 4));
	fake_send(&f, m_rread_pat(0, 5));
	struct p9_client *c = fake_start(&f);
	uint8_t buf[8];
	assert_int_equal(p9_client_read(c, 3, 0, buf, 4), -EPROTO);
	finish(&f, c);
}

static void read_uses_smaller_iounit_from_lopen(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	struct msg *t = m_new(P9_TLOPEN, 0);
	m_u32(t, 0);
	m_u32(t, P9_DOTL_RDONLY);
	fake_recv(&f, m_end(t));
	struct msg *r = m_new(P9_RLOPEN, 0);
	m_qid(r, 0, 1, 2);
	m_u32(r, 1000);
	fake_send(&f, m_end(r));
	fake_recv(&f, m_tread(P9_TREAD, 0, 0, 1000));
	fake_send(&f, m_rread_pat(0, 1000));
	fake_recv(&f, m_tread(P9_TREAD, 0, 1000, 500));
	fake_send(&f, m_rread_pat(1000, 500));
	struct p9_client *c = fake_start(&f);
	uint32_t fid, iounit;
	assert_int_equal(p9_client_fid_new(c, &fid), 0);
	assert_int_equal(p9_client_lopen(c, fid, P9_DOTL_RDONLY, NULL, &iounit), 0);
	assert_int_equal(iounit, 1000);
	uint8_t buf[1500];
	assert_int_equal(p9_client_read(c, fid, 0, buf, sizeof(buf)), 1500);
	finish(&f, c);
}

static void write_chunks_at_msize_minus_24(void **state)
{
	(void)state;
	const uint32_t msize = 4096, chunk = msize - 24;
	uint8_t data[10000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = pat(i);
	struct fake f;
	fake_init(&f);
	script_version(&f, msize);
	for (uint32_t off = 0; off < sizeof(data); off += chunk) {
		uint32_t n = sizeof(data) - off < chunk ? (uint32_t)sizeof(data) - off : chunk;
		struct msg *t = m_new(P9_TWRITE, 0);
		m_u32(t, 6);
		m_u64(t, 5000 + off);
		m_u32(t, n);
		m_bytes(t, data + off, n);
		fake_recv(&f, m_end(t));
		struct msg *r = m_new(P9_RWRITE, 0);
		m_u32(r, n);
		fake_send(&f, m_end(r));
	}
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_version(c, msize, "9P2000.L"), 0);
	assert_int_equal(p9_client_write(c, 6, 5000, data, sizeof(data)), (ssize_t)sizeof(data));
	finish(&f, c);
}

static void write_continues_after_short_write(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	struct msg *t = m_new(P9_TWRITE, 0);
	m_u32(t, 6);
	m_u64(t, 0);
	m_u32(t, 5);
	m_bytes(t, "hello", 5);
	fake_recv(&f, m_end(t));
	struct msg *r = m_new(P9_RWRITE, 0);
	m_u32(r, 2);
	fake_send(&f, m_end(r));
	t = m_new(P9_TWRITE, 0);
	m_u32(t, 6);
	m_u64(t, 2);
	m_u32(t, 3);
	m_bytes(t, "llo", 3);
	fake_recv(&f, m_end(t));
	r = m_new(P9_RWRITE, 0);
	m_u32(r, 3);
	fake_send(&f, m_end(r));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_write(c, 6, 0, "hello", 5), 5);
	finish(&f, c);
}

/* ---- readdir ---- */

static void m_dirent(struct msg *m, uint64_t path, uint64_t off, uint8_t type, const char *name)
{
	m_qid(m, type == P9_DT_DIR ? P9_QTDIR : 0, 0, path);
	m_u64(m, off);
	m_u8(m, type);
	m_str(m, name);
}

static struct msg *m_rreaddir(const struct msg *entries)
{
	struct msg *m = m_new(P9_RREADDIR, 0);
	m_u32(m, (uint32_t)(entries ? entries->n : 0));
	if (entries)
		m_bytes(m, entries->b, entries->n);
	return m_end(m);
}

struct seen {
	char names[8][16];
	uint64_t offs[8];
	int n;
	int stop_after;
};

static int note(void *arg, const struct p9_dirent *de)
{
	struct seen *s = arg;
	if (s->n < 8) {
		snprintf(s->names[s->n], 16, "%.*s", (int)de->name.len, de->name.s);
		s->offs[s->n] = de->offset;
	}
	s->n++;
	return s->stop_after && s->n == s->stop_after ? 42 : 0;
}

static void readdir_follows_offsets_across_replies(void **state)
{
	(void)state;
	const uint32_t msize = 8192;
	struct msg e1 = {0}, e2 = {0};
	m_dirent(&e1, 1, 1, P9_DT_DIR, ".");
	m_dirent(&e1, 2, 0x7000000000000001ull, P9_DT_REG, "a");
	m_dirent(&e2, 3, 99, P9_DT_LNK, "bb");
	struct fake f;
	fake_init(&f);
	script_version(&f, msize);
	fake_recv(&f, m_tread(P9_TREADDIR, 4, 0, msize - 24));
	fake_send(&f, m_rreaddir(&e1));
	fake_recv(&f, m_tread(P9_TREADDIR, 4, 0x7000000000000001ull, msize - 24));
	fake_send(&f, m_rreaddir(&e2));
	fake_recv(&f, m_tread(P9_TREADDIR, 4, 99, msize - 24));
	fake_send(&f, m_rreaddir(NULL));
	free(e1.b);
	free(e2.b);
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_version(c, msize, "9P2000.L"), 0);
	struct seen s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(p9_client_readdir(c, 4, 0, note, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.names[0], ".");
	assert_string_equal(s.names[1], "a");
	assert_string_equal(s.names[2], "bb");
	assert_true(s.offs[2] == 99);
	finish(&f, c);
}

static void readdir_stops_when_callback_says_so(void **state)
{
	(void)state;
	struct msg e1 = {0};
	m_dirent(&e1, 1, 1, P9_DT_REG, "x");
	m_dirent(&e1, 2, 2, P9_DT_REG, "y");
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tread(P9_TREADDIR, 4, 10, 8192 - 24));
	fake_send(&f, m_rreaddir(&e1));
	free(e1.b);
	struct p9_client *c = fake_start(&f);
	struct seen s;
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	assert_int_equal(p9_client_readdir(c, 4, 10, note, &s), 42);
	assert_int_equal(s.n, 1);
	finish(&f, c);
}

static void readdir_offset_that_does_not_advance_is_eproto(void **state)
{
	(void)state;
	struct msg e1 = {0};
	m_dirent(&e1, 1, 5, P9_DT_REG, "x");
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tread(P9_TREADDIR, 4, 5, 8192 - 24));
	fake_send(&f, m_rreaddir(&e1));
	free(e1.b);
	struct p9_client *c = fake_start(&f);
	struct seen s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(p9_client_readdir(c, 4, 5, note, &s), -EPROTO);
	finish(&f, c);
}

/* ---- attributes ---- */

static void getattr_decodes_every_field(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	struct msg *t = m_new(P9_TGETATTR, 0);
	m_u32(t, 2);
	m_u64(t, P9_GETATTR_ALL);
	fake_recv(&f, m_end(t));
	struct msg *r = m_new(P9_RGETATTR, 0);
	m_u64(r, P9_GETATTR_BASIC);
	m_qid(r, 0, 3, 4);
	m_u32(r, 0100644);
	m_u32(r, 1000);
	m_u32(r, 100);
	for (uint64_t v = 1; v <= 15; v++)
		m_u64(r, v * 1000 + v); /* nlink .. data_version */
	fake_send(&f, m_end(r));
	struct p9_client *c = fake_start(&f);
	struct p9_rgetattr a;
	assert_int_equal(p9_client_getattr(c, 2, P9_GETATTR_ALL, &a), 0);
	assert_true(a.valid == P9_GETATTR_BASIC);
	assert_int_equal(a.mode, 0100644);
	assert_int_equal(a.uid, 1000);
	assert_int_equal(a.gid, 100);
	assert_true(a.nlink == 1001);
	assert_true(a.size == 3003);
	assert_true(a.mtime_nsec == 9009);
	assert_true(a.data_version == 15015);
	finish(&f, c);
}

static void setattr_sends_fid_not_struct_fid(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	struct msg *t = m_new(P9_TSETATTR, 0);
	m_u32(t, 2);
	m_u32(t, P9_SETATTR_SIZE | P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET);
	m_u32(t, 0);
	m_u32(t, 0);
	m_u32(t, 0);
	m_u64(t, 12345);
	m_u64(t, 0);
	m_u64(t, 0);
	m_u64(t, 1700000000);
	m_u64(t, 123456789);
	fake_recv(&f, m_end(t));
	fake_send(&f, m_empty(P9_RSETATTR, 0));
	struct p9_client *c = fake_start(&f);
	struct p9_tsetattr sa;
	memset(&sa, 0, sizeof(sa));
	sa.fid = 999;
	sa.valid = P9_SETATTR_SIZE | P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET;
	sa.size = 12345;
	sa.mtime_sec = 1700000000;
	sa.mtime_nsec = 123456789;
	assert_int_equal(p9_client_setattr(c, 2, &sa), 0);
	finish(&f, c);
}

/* ---- xattrs ---- */

static void xattr_get_walks_reads_and_clunks(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	struct msg *t = m_new(P9_TXATTRWALK, 0);
	m_u32(t, 5);
	m_u32(t, 0);
	m_str(t, "user.k");
	fake_recv(&f, m_end(t));
	struct msg *r = m_new(P9_RXATTRWALK, 0);
	m_u64(r, 3);
	fake_send(&f, m_end(r));
	fake_recv(&f, m_tread(P9_TREAD, 0, 0, 3));
	r = m_new(P9_RREAD, 0);
	m_u32(r, 3);
	m_bytes(r, "abc", 3);
	fake_send(&f, m_end(r));
	fake_recv(&f, m_tclunk(0, 0));
	fake_send(&f, m_empty(P9_RCLUNK, 0));
	struct p9_client *c = fake_start(&f);
	char buf[8];
	assert_int_equal(p9_client_xattr_get(c, 5, "user.k", buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "abc", 3);
	finish(&f, c);
}

static void xattr_get_larger_than_buffer_is_erange(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, NULL);
	struct msg *r = m_new(P9_RXATTRWALK, 0);
	m_u64(r, 300);
	fake_send(&f, m_end(r));
	fake_recv(&f, m_tclunk(0, 0));
	fake_send(&f, m_empty(P9_RCLUNK, 0));
	struct p9_client *c = fake_start(&f);
	char buf[8];
	assert_int_equal(p9_client_xattr_get(c, 5, "user.k", buf, sizeof(buf)), -ERANGE);
	finish(&f, c);
}

static void xattr_set_answer_is_the_clunks(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_twalk(0, 5, 0, NULL, 0, 0));
	fake_send(&f, m_rwalk(0, 0));
	struct msg *t = m_new(P9_TXATTRCREATE, 0);
	m_u32(t, 0);
	m_str(t, "user.k");
	m_u64(t, 3);
	m_u32(t, 1);
	fake_recv(&f, m_end(t));
	fake_send(&f, m_empty(P9_RXATTRCREATE, 0));
	t = m_new(P9_TWRITE, 0);
	m_u32(t, 0);
	m_u64(t, 0);
	m_u32(t, 3);
	m_bytes(t, "xyz", 3);
	fake_recv(&f, m_end(t));
	struct msg *r = m_new(P9_RWRITE, 0);
	m_u32(r, 3);
	fake_send(&f, m_end(r));
	fake_recv(&f, m_tclunk(0, 0));
	fake_send(&f, m_rlerror(0, ENOSPC));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_xattr_set(c, 5, "user.k", "xyz", 3, 1), -ENOSPC);
	finish(&f, c);
}

static void xattr_remove_is_size_zero_create_without_write(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_twalk(0, 5, 0, NULL, 0, 0));
	fake_send(&f, m_rwalk(0, 0));
	struct msg *t = m_new(P9_TXATTRCREATE, 0);
	m_u32(t, 0);
	m_str(t, "user.k");
	m_u64(t, 0);
	m_u32(t, 0);
	fake_recv(&f, m_end(t));
	fake_send(&f, m_empty(P9_RXATTRCREATE, 0));
	fake_recv(&f, m_tclunk(0, 0));
	fake_send(&f, m_empty(P9_RCLUNK, 0));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_xattr_remove(c, 5, "user.k"), 0);
	finish(&f, c);
}

/* ---- names, locks ---- */

static void renameat_and_unlinkat_bytes(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	struct msg *t = m_new(P9_TRENAMEAT, 0);
	m_u32(t, 1);
	m_str(t, "old");
	m_u32(t, 2);
	m_str(t, "new");
	fake_recv(&f, m_end(t));
	fake_send(&f, m_rlerror(0, EXDEV));
	t = m_new(P9_TUNLINKAT, 0);
	m_u32(t, 1);
	m_str(t, "d");
	m_u32(t, P9_AT_REMOVEDIR);
	fake_recv(&f, m_end(t));
	fake_send(&f, m_empty(P9_RUNLINKAT, 0));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_renameat(c, 1, "old", 2, "new"), -EXDEV);
	assert_int_equal(p9_client_unlinkat(c, 1, "d", P9_AT_REMOVEDIR), 0);
	finish(&f, c);
}

static void getlock_returns_the_conflict(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	struct msg *t = m_new(P9_TGETLOCK, 0);
	m_u32(t, 3);
	m_u8(t, P9_LOCK_TYPE_WRLCK);
	m_u64(t, 10);
	m_u64(t, 20);
	m_u32(t, 42);
	m_str(t, "me");
	fake_recv(&f, m_end(t));
	struct msg *r = m_new(P9_RGETLOCK, 0);
	m_u8(r, P9_LOCK_TYPE_RDLCK);
	m_u64(r, 0);
	m_u64(r, 100);
	m_u32(r, 7);
	m_str(r, "other");
	fake_send(&f, m_end(r));
	struct p9_client *c = fake_start(&f);
	struct p9_client_lock lk = {.type = P9_LOCK_TYPE_WRLCK,
	                            .start = 10,
	                            .length = 20,
	                            .proc_id = 42,
	                            .client_id = p9_str_c("me")};
	struct p9_client_lock out;
	assert_int_equal(p9_client_getlock(c, 3, &lk, &out), 0);
	assert_int_equal(out.type, P9_LOCK_TYPE_RDLCK);
	assert_true(out.length == 100);
	assert_int_equal(out.proc_id, 7);
	assert_int_equal(out.client_id.len, 5);
	assert_memory_equal(out.client_id.s, "other", 5);
	finish(&f, c);
}

static void readlink_too_long_for_buffer(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	for (int i = 0; i < 2; i++) {
		struct msg *t = m_new(P9_TREADLINK, 0);
		m_u32(t, 3);
		fake_recv(&f, m_end(t));
		struct msg *r = m_new(P9_RREADLINK, 0);
		m_str(r, "../target");
		fake_send(&f, m_end(r));
	}
	struct p9_client *c = fake_start(&f);
	char buf[16];
	assert_int_equal(p9_client_readlink(c, 3, buf, sizeof(buf)), 9);
	assert_string_equal(buf, "../target");
	assert_int_equal(p9_client_readlink(c, 3, buf, 9), -ENAMETOOLONG);
	finish(&f, c);
}

/* ---- fids ---- */

static void fids_are_lowest_free_first_and_reset_by_version(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	script_version(&f, 8192);
	struct p9_client *c = fake_start(&f);
	uint32_t a, b, d;
	assert_int_equal(p9_client_fid_new(c, &a), 0);
	assert_int_equal(p9_client_fid_new(c, &b), 0);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	p9_client_fid_release(c, a);
	assert_int_equal(p9_client_fid_new(c, &d), 0);
	assert_int_equal(d, 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(p9_client_fid_new(c, &d), 0);
	assert_int_equal(d, 101);
	assert_int_equal(p9_client_version(c, 8192, "9P2000.L"), 0);
	assert_int_equal(p9_client_fid_new(c, &d), 0);
	assert_int_equal(d, 0);
	finish(&f, c);
}

int run_ops_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(attach_sends_nofid_afid_and_returns_fid),
	        cmocka_unit_test(walk_more_than_16_names_takes_two_twalks),
	        cmocka_unit_test(walk_exactly_16_names_is_one_twalk),
	        cmocka_unit_test(walk_failing_in_second_round_clunks_newfid),
	        cmocka_unit_test(walk_short_first_round_clunks_newfid),
	        cmocka_unit_test(walk_error_in_first_round_is_exact_errno),
	        cmocka_unit_test(walk_empty_path_clones),
	        cmocka_unit_test(rlerror_becomes_exact_negative_errno),
	        cmocka_unit_test(rlerror_zero_is_eproto_not_success),
	        cmocka_unit_test(wrong_reply_type_is_eproto),
	        cmocka_unit_test(read_chunks_at_msize_minus_24),
	        cmocka_unit_test(read_stops_at_end_of_file),
	        cmocka_unit_test(read_more_than_asked_is_eproto),
	        cmocka_unit_test(read_uses_smaller_iounit_from_lopen),
	        cmocka_unit_test(write_chunks_at_msize_minus_24),
	        cmocka_unit_test(write_continues_after_short_write),
	        cmocka_unit_test(readdir_follows_offsets_across_replies),
	        cmocka_unit_test(readdir_stops_when_callback_says_so),
	        cmocka_unit_test(readdir_offset_that_does_not_advance_is_eproto),
	        cmocka_unit_test(getattr_decodes_every_field),
	        cmocka_unit_test(setattr_sends_fid_not_struct_fid),
	        cmocka_unit_test(xattr_get_walks_reads_and_clunks),
	        cmocka_unit_test(xattr_get_larger_than_buffer_is_erange),
	        cmocka_unit_test(xattr_set_answer_is_the_clunks),
	        cmocka_unit_test(xattr_remove_is_size_zero_create_without_write),
	        cmocka_unit_test(renameat_and_unlinkat_bytes),
	        cmocka_unit_test(getlock_returns_the_conflict),
	        cmocka_unit_test(readlink_too_long_for_buffer),
	        cmocka_unit_test(fids_are_lowest_free_first_and_reset_by_version),
	};
	return cmocka_run_group_tests_name("client_ops", tests, NULL, NULL);
}
