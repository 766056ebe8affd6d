/*
 * test_dialects.c: 9P2000.u and classic 9P2000 end to end, through the
 * client library's raw level, on a temporary export.
 *
 * Every reply is checked exactly: types, bytes, modes, names, and errors
 * (in .u the errno and its string; in classic the string alone, which is
 * all classic carries). Tests that need root (devices, owners) skip with
 * a message when not root.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static struct harness H;

#define DOTU "9P2000.u"
#define CLASSIC "9P2000"

static int setup(void **state)
{
	(void)state;
	struct p9_server_config cfg;
	p9_server_config_init(&cfg);
	if (geteuid() != 0)
		cfg.model = P9_SM_NONE;
	return harness_start(&H, &cfg, 0) == 0 ? 0 : -1;
}

static int setup_readonly(void **state)
{
	(void)state;
	struct p9_server_config cfg;
	p9_server_config_init(&cfg);
	cfg.readonly = 1;
	if (geteuid() != 0)
		cfg.model = P9_SM_NONE;
	return harness_start(&H, &cfg, 0) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	harness_stop(&H);
	return 0;
}

#define NEED_ROOT()                                                                                \
	do {                                                                                       \
		if (geteuid() != 0) {                                                              \
			print_message("skipped: needs root\n");                                    \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/* --- a small raw client --- */

static struct p9_client *dial(const char *version)
{
	struct p9_client *c;
	char addr[320];
	snprintf(addr, sizeof(addr), "unix:%s", H.sock);
	assert_int_equal(p9_client_dial(addr, &c), 0);
	assert_int_equal(p9_client_version(c, 65536, version), 0);
	return c;
}

static int str_eq(struct p9_str s, const char *c)
{
	return s.len == strlen(c) && memcmp(s.s, c, s.len) == 0;
}

/* The errno whose strerror text is s, or 0. */
static int errno_of_text(struct p9_str s)
{
	for (int e = 1; e < 200; e++)
		if (str_eq(s, strerror(e)))
			return e;
	return 0;
}

/*
 * Send tx; 0 when the reply has type want, else the error as -errno. An
 * Rerror must be well formed for the dialect: in .u its errno and its
 * string agree; in classic there is no errno (it decodes as 0) and the
 * string is strerror's.
 */
static int call(struct p9_client *c, struct p9_fcall *tx, struct p9_fcall *rx, uint8_t want)
{
	assert_int_equal(p9_client_rpc(c, tx, rx), 0);
	if (rx->type == want)
		return 0;
	if (rx->type != P9_RERROR) {
		print_message("unexpected %s\n", p9_msg_name(rx->type));
		fail();
	}
	int e = errno_of_text(rx->u.rerror.ename);
	assert_int_not_equal(e, 0);
	if (p9_client_dialect(c) == P9_DIALECT_2000U)
		assert_int_equal(rx->u.rerror.errnum, (uint32_t)e);
	else
		assert_int_equal(rx->u.rerror.errnum, 0);
	return -e;
}

static int u_attach(struct p9_client *c, uint32_t fid, const char *uname, uint32_t n_uname,
                    struct p9_qid *qid)
{
	struct p9_fcall tx = {.type = P9_TATTACH}, rx;
	tx.u.tattach.fid = fid;
	tx.u.tattach.afid = P9_NOFID;
	tx.u.tattach.uname = p9_str_c(uname);
	tx.u.tattach.aname = p9_str_c("");
	tx.u.tattach.n_uname = n_uname;
	int e = call(c, &tx, &rx, P9_RATTACH);
	if (e == 0 && qid)
		*qid = rx.u.rattach.qid;
	return e;
}

/* Walk path ('/'-separated, "" clones) from fid to newfid. Returns the
 * number of qids, or -errno; the last qid into *qid. */
static int u_walk(struct p9_client *c, uint32_t fid, uint32_t newfid, const char *path,
                  struct p9_qid *qid)
{
	struct p9_fcall tx = {.type = P9_TWALK}, rx;
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", path);
	tx.u.twalk.fid = fid;
	tx.u.twalk.newfid = newfid;
	for (char *s = strtok(buf, "/"); s; s = strtok(NULL, "/"))
		tx.u.twalk.wname[tx.u.twalk.nwname++] = p9_str_c(s);
	int e = call(c, &tx, &rx, P9_RWALK);
	if (e < 0)
		return e;
	if (qid && rx.u.rwalk.nwqid)
		*qid = rx.u.rwalk.wqid[rx.u.rwalk.nwqid - 1];
	return rx.u.rwalk.nwqid;
}

static int u_open(struct p9_client *c, uint32_t fid, uint8_t mode, struct p9_qid *qid)
{
	struct p9_fcall tx = {.type = P9_TOPEN}, rx;
	tx.u.topen.fid = fid;
	tx.u.topen.mode = mode;
	int e = call(c, &tx, &rx, P9_ROPEN);
	if (e == 0 && qid)
		*qid = rx.u.ropen.qid;
	return e;
}

static int u_create(struct p9_client *c, uint32_t fid, const char *name, uint32_t perm,
                    uint8_t mode, const char *ext, struct p9_qid *qid)
{
	struct p9_fcall tx = {.type = P9_TCREATE}, rx;
	tx.u.tcreate.fid = fid;
	tx.u.tcreate.name = p9_str_c(name);
	tx.u.tcreate.perm = perm;
	tx.u.tcreate.mode = mode;
	tx.u.tcreate.extension = p9_str_c(ext ? ext : "");
	int e = call(c, &tx, &rx, P9_RCREATE);
	if (e == 0 && qid)
		*qid = rx.u.ropen.qid;
	return e;
}

/* Tread: the bytes into buf; returns the count or -errno. */
static int u_read(struct p9_client *c, uint32_t fid, uint64_t off, uint32_t count, void *buf)
{
	struct p9_fcall tx = {.type = P9_TREAD}, rx;
	tx.u.tread.fid = fid;
	tx.u.tread.offset = off;
	tx.u.tread.count = count;
	int e = call(c, &tx, &rx, P9_RREAD);
	if (e < 0)
		return e;
	assert_true(rx.u.rread.count <= count);
	memcpy(buf, rx.u.rread.data, rx.u.rread.count);
	return (int)rx.u.rread.count;
}

static int u_write(struct p9_client *c, uint32_t fid, uint64_t off, const char *data)
{
	struct p9_fcall tx = {.type = P9_TWRITE}, rx;
	tx.u.twrite.fid = fid;
	tx.u.twrite.offset = off;
	tx.u.twrite.count = (uint32_t)strlen(data);
	tx.u.twrite.data = (const uint8_t *)data;
	int e = call(c, &tx, &rx, P9_RWRITE);
	return e < 0 ? e : (int)rx.u.rwrite.count;
}

static int u_fidop(struct p9_client *c, uint8_t type, uint32_t fid)
{
	struct p9_fcall tx = {.type = type}, rx;
	tx.u.tclunk.fid = fid;
	return call(c, &tx, &rx, (uint8_t)(type + 1));
}

static int u_clunk(struct p9_client *c, uint32_t fid)
{
	return u_fidop(c, P9_TCLUNK, fid);
}

static int u_remove(struct p9_client *c, uint32_t fid)
{
	return u_fidop(c, P9_TREMOVE, fid);
}

/* A stat record with its strings copied out of the reply buffer. */
struct ustat {
	struct p9_stat st;
	char name[256], uid[64], gid[64], muid[64], ext[256];
};

static void copy_str(char *out, size_t cap, struct p9_str s)
{
	assert_true(s.len < cap);
	if (s.len) /* an absent string (classic's extension) has no bytes */
		memcpy(out, s.s, s.len);
	out[s.len] = '\0';
}

static void ustat_of(struct ustat *u, const struct p9_stat *st)
{
	u->st = *st;
	copy_str(u->name, sizeof(u->name), st->name);
	copy_str(u->uid, sizeof(u->uid), st->uid);
	copy_str(u->gid, sizeof(u->gid), st->gid);
	copy_str(u->muid, sizeof(u->muid), st->muid);
	copy_str(u->ext, sizeof(u->ext), st->extension);
}

static int u_stat(struct p9_client *c, uint32_t fid, struct ustat *out)
{
	struct p9_fcall tx = {.type = P9_TSTAT}, rx;
	tx.u.tclunk.fid = fid;
	int e = call(c, &tx, &rx, P9_RSTAT);
	if (e == 0)
		ustat_of(out, &rx.u.rstat.stat);
	return e;
}

/* A stat of "don't touch" values only. */
static struct p9_stat blank(void)
{
	struct p9_stat s;
	memset(&s, 0xff, sizeof(s));
	s.name = s.uid = s.gid = s.muid = s.extension = p9_str_c("");
	return s;
}

static int u_wstat(struct p9_client *c, uint32_t fid, const struct p9_stat *st)
{
	struct p9_fcall tx = {.type = P9_TWSTAT}, rx;
	tx.u.twstat.fid = fid;
	tx.u.twstat.stat = *st;
	return call(c, &tx, &rx, P9_RWSTAT);
}

/* A client in dialect v attached as root (n_uname 0 in .u, "root" in
 * classic) to fid 0. */
static struct p9_client *session(const char *v)
{
	struct p9_client *c = dial(v);
	assert_int_equal(u_attach(c, 0, "root", strcmp(v, DOTU) == 0 ? 0 : P9_NOFID, NULL), 0);
	return c;
}

static const char *const dialects[] = {DOTU, CLASSIC};

static void host_stat(const char *rel, struct stat *st)
{
	assert_int_equal(fstatat(H.exportfd, rel, st, AT_SYMLINK_NOFOLLOW), 0);
}

static int host_exists(const char *rel)
{
	struct stat st;
	return fstatat(H.exportfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* --- version --- */

static const char *negotiate(struct p9_client *c, const char *offer, char *out, size_t cap)
{
	struct p9_fcall tx = {.type = P9_TVERSION}, rx;
	tx.u.version.msize = 65536;
	tx.u.version.version = p9_str_c(offer);
	assert_int_equal(p9_client_rpc(c, &tx, &rx), 0);
	assert_int_equal(rx.type, P9_RVERSION);
	assert_int_equal(rx.u.version.msize, 65536);
	copy_str(out, cap, rx.u.version.version);
	return out;
}

static void version_strings_pick_the_dialect(void **state)
{
	(void)state;
	static const struct {
		const char *offer, *answer;
	} cases[] = {
	        {"9P2000.L", "9P2000.L"}, {"9P2000.u", "9P2000.u"}, {"9P2000", "9P2000"},
	        {"9P2000.x", "9P2000"},   {"9P2000.U", "9P2000"},   {"9P2000.", "9P2000"},
	        {"9P2000.L.x", "9P2000"}, {"9P2000.uu", "9P2000"},  {"9P2001", "unknown"},
	        {"9P2000u", "unknown"},   {"9P", "unknown"},        {"", "unknown"},
	        {"p9", "unknown"},
	};
	struct p9_client *c = dial("9P2000.L");
	char got[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		negotiate(c, cases[i].offer, got, sizeof(got));
		if (strcmp(got, cases[i].answer) != 0)
			print_message("offer \"%s\": got \"%s\"\n", cases[i].offer, got);
		assert_string_equal(got, cases[i].answer);
	}
	p9_client_free(c);
}

static void version_sets_the_wire_dialect(void **state)
{
	(void)state;
	/* The library picks the dialect from the answer; each must then
	 * work, with errors in that dialect's form. */
	static const struct {
		const char *offer;
		enum p9_dialect d;
	} cases[] = {
	        {"9P2000.u", P9_DIALECT_2000U},
	        {"9P2000", P9_DIALECT_2000},
	        {"9P2000.foo", P9_DIALECT_2000},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct p9_client *c = dial(cases[i].offer);
		assert_int_equal(p9_client_dialect(c), cases[i].d);
		assert_int_equal(u_attach(c, 0, "root", P9_NOFID, NULL), 0);
		assert_int_equal(u_walk(c, 0, 1, "no-such-file", NULL), -ENOENT);
		p9_client_free(c);
	}
}

static void dotl_messages_are_refused_in_dotu_and_classic(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		/* Tgetattr exists only in .L: pack it as .L, send it raw. */
		struct p9_fcall tx = {.type = P9_TGETATTR, .tag = 1}, rx;
		uint8_t buf[256];
		tx.u.tgetattr.fid = 0;
		tx.u.tgetattr.request_mask = P9_GETATTR_ALL;
		size_t n = p9_pack(buf, sizeof(buf), P9_DIALECT_2000L, &tx);
		assert_int_not_equal(n, 0);
		assert_int_equal(p9_client_send_raw(c, buf, n), 0);
		ssize_t got = p9_client_recv_raw(c, buf, sizeof(buf), 5000);
		assert_true(got > 0);
		assert_int_equal(p9_unpack(buf, (size_t)got, p9_client_dialect(c), &rx), 0);
		assert_int_equal(rx.type, P9_RERROR);
		assert_int_equal(rx.tag, 1);
		assert_true(str_eq(rx.u.rerror.ename, strerror(EOPNOTSUPP)));
		assert_int_equal(rx.u.rerror.errnum, i == 0 ? EOPNOTSUPP : 0);
		p9_client_free(c);
	}
}

static void auth_is_refused(void **state)
{
	(void)state;
	struct p9_client *c = dial(CLASSIC);
	struct p9_fcall tx = {.type = P9_TAUTH}, rx;
	tx.u.tauth.afid = 7;
	tx.u.tauth.uname = p9_str_c("glenda");
	tx.u.tauth.aname = p9_str_c("");
	assert_int_equal(call(c, &tx, &rx, P9_RAUTH), -EOPNOTSUPP);
	/* and an attach that names an afid is too */
	tx.type = P9_TATTACH;
	tx.u.tattach.fid = 0;
	tx.u.tattach.afid = 7;
	tx.u.tattach.uname = p9_str_c("glenda");
	tx.u.tattach.aname = p9_str_c("");
	assert_int_equal(call(c, &tx, &rx, P9_RATTACH), -EOPNOTSUPP);
	p9_client_free(c);
}

/* --- attach --- */

/* Create name as the attached user; returns the host owner. */
static uid_t owner_of_new_file(struct p9_client *c, uint32_t root, const char *name)
{
	struct stat st;
	assert_int_equal(u_walk(c, root, 50, "", NULL), 0);
	assert_int_equal(u_create(c, 50, name, 0666, P9_OWRITE, NULL, NULL), 0);
	assert_int_equal(u_clunk(c, 50), 0);
	host_stat(name, &st);
	return st.st_uid;
}

static void classic_attach_maps_uname_through_the_user_database(void **state)
{
	(void)state;
	NEED_ROOT();
	assert_int_equal(fchmod(H.exportfd, 0777), 0);
	struct p9_client *c = dial(CLASSIC);
	assert_int_equal(u_attach(c, 0, "daemon", P9_NOFID, NULL), 0);
	assert_int_equal(u_attach(c, 1, "nobody", P9_NOFID, NULL), 0);
	assert_int_equal(u_attach(c, 2, "no-such-user-here", P9_NOFID, NULL), 0);
	assert_int_equal(u_attach(c, 3, "root", P9_NOFID, NULL), 0);
	assert_int_equal(owner_of_new_file(c, 0, "by-daemon"), getpwnam("daemon")->pw_uid);
	assert_int_equal(owner_of_new_file(c, 1, "by-nobody"), 65534);
	assert_int_equal(owner_of_new_file(c, 2, "by-unknown"), 65534);
	assert_int_equal(owner_of_new_file(c, 3, "by-root"), 0);
	p9_client_free(c);
}

static void dotu_attach_prefers_n_uname_then_uname(void **state)
{
	(void)state;
	NEED_ROOT();
	assert_int_equal(fchmod(H.exportfd, 0777), 0);
	struct p9_client *c = dial(DOTU);
	assert_int_equal(u_attach(c, 0, "root", 2, NULL), 0); /* the number wins */
	assert_int_equal(u_attach(c, 1, "daemon", P9_NOFID, NULL), 0);
	assert_int_equal(u_attach(c, 2, "", P9_NOFID, NULL), 0);
	assert_int_equal(owner_of_new_file(c, 0, "by-2"), 2);
	assert_int_equal(owner_of_new_file(c, 1, "by-daemon"), getpwnam("daemon")->pw_uid);
	assert_int_equal(owner_of_new_file(c, 2, "by-nobody"), 65534);
	p9_client_free(c);
}

static void attach_to_unknown_aname_is_enoent(void **state)
{
	(void)state;
	struct p9_client *c = dial(DOTU);
	struct p9_fcall tx = {.type = P9_TATTACH}, rx;
	tx.u.tattach.fid = 0;
	tx.u.tattach.afid = P9_NOFID;
	tx.u.tattach.uname = p9_str_c("root");
	tx.u.tattach.aname = p9_str_c("/elsewhere");
	tx.u.tattach.n_uname = 0;
	assert_int_equal(call(c, &tx, &rx, P9_RATTACH), -ENOENT);
	tx.u.tattach.aname = p9_str_c(H.export_dir);
	assert_int_equal(call(c, &tx, &rx, P9_RATTACH), 0);
	p9_client_free(c);
}

/* --- walk, open, read, write, clunk --- */

static void walk_open_read_write_clunk(void **state)
{
	(void)state;
	assert_int_equal(mkdirat(H.exportfd, "d", 0755), 0);
	assert_int_equal(harness_write_file(&H, "d/f", "hello, world"), 0);
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		struct p9_qid q;
		char buf[64];
		struct stat st;
		host_stat("d/f", &st);
		assert_int_equal(u_walk(c, 0, 1, "d/f", &q), 2);
		assert_int_equal(q.type, P9_QTFILE);
		assert_int_equal(q.path, st.st_ino);
		assert_int_equal(u_walk(c, 1, 2, "", NULL), 0); /* clone */
		assert_int_equal(u_open(c, 1, P9_OREAD, &q), 0);
		assert_int_equal(q.path, st.st_ino);
		assert_int_equal(u_read(c, 1, 0, sizeof(buf), buf), 12);
		assert_memory_equal(buf, "hello, world", 12);
		assert_int_equal(u_read(c, 1, 7, 3, buf), 3);
		assert_memory_equal(buf, "wor", 3);
		assert_int_equal(u_read(c, 1, 12, sizeof(buf), buf), 0);
		assert_int_equal(u_write(c, 1, 0, "x"), -EBADF);        /* opened OREAD */
		assert_int_equal(u_open(c, 1, P9_OREAD, NULL), -EBADF); /* open once */
		assert_int_equal(u_clunk(c, 1), 0);
		assert_int_equal(u_clunk(c, 1), -EBADF);

		assert_int_equal(u_open(c, 2, P9_ORDWR, NULL), 0);
		assert_int_equal(u_write(c, 2, 0, "HELLO"), 5);
		assert_int_equal(u_read(c, 2, 0, sizeof(buf), buf), 12);
		assert_memory_equal(buf, "HELLO, world", 12);
		assert_int_equal(u_clunk(c, 2), 0);
		assert_int_equal(harness_read_file(&H, "d/f", buf, sizeof(buf)), 12);
		assert_string_equal(buf, "HELLO, world");
		assert_int_equal(harness_write_file(&H, "d/f", "hello, world"), 0);

		/* a walk that stops early says how far it got, and makes no fid */
		assert_int_equal(u_walk(c, 0, 3, "d/nothing", NULL), 1);
		assert_int_equal(u_clunk(c, 3), -EBADF);
		assert_int_equal(u_walk(c, 0, 3, "nothing", NULL), -ENOENT);
		assert_int_equal(u_walk(c, 0, 3, "d/f/x", NULL), 2); /* x: not in a directory */
		assert_int_equal(u_clunk(c, 3), -EBADF);
		/* ".." at the root stays there */
		assert_int_equal(u_walk(c, 0, 4, "..", &q), 1);
		struct stat rst;
		assert_int_equal(fstat(H.exportfd, &rst), 0);
		assert_int_equal(q.path, rst.st_ino);
		assert_int_equal(u_clunk(c, 4), 0);
		p9_client_free(c);
	}
}

static void open_modes_map_to_open_flags(void **state)
{
	(void)state;
	assert_int_equal(mkdirat(H.exportfd, "dir", 0755), 0);
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		char buf[64];
		assert_int_equal(harness_write_file(&H, "f", "0123456789"), 0);
		/* OTRUNC empties */
		assert_int_equal(u_walk(c, 0, 1, "f", NULL), 1);
		assert_int_equal(u_open(c, 1, P9_OWRITE | P9_OTRUNC, NULL), 0);
		assert_int_equal(u_read(c, 1, 0, sizeof(buf), buf), -EBADF); /* write-only */
		assert_int_equal(u_write(c, 1, 0, "ab"), 2);
		assert_int_equal(u_clunk(c, 1), 0);
		assert_int_equal(harness_read_file(&H, "f", buf, sizeof(buf)), 2);
		/* OEXEC reads */
		assert_int_equal(u_walk(c, 0, 1, "f", NULL), 1);
		assert_int_equal(u_open(c, 1, P9_OEXEC, NULL), 0);
		assert_int_equal(u_read(c, 1, 0, sizeof(buf), buf), 2);
		assert_int_equal(u_write(c, 1, 0, "x"), -EBADF);
		assert_int_equal(u_clunk(c, 1), 0);
		/* OAPPEND (.u): writes land at the end whatever the offset */
		if (i == 0) {
			assert_int_equal(u_walk(c, 0, 1, "f", NULL), 1);
			assert_int_equal(u_open(c, 1, P9_OWRITE | P9_OAPPEND, NULL), 0);
			assert_int_equal(u_write(c, 1, 0, "cd"), 2);
			assert_int_equal(u_clunk(c, 1), 0);
			assert_int_equal(harness_read_file(&H, "f", buf, sizeof(buf)), 4);
			assert_string_equal(buf, "abcd");
		}
		/* directories open for reading only */
		assert_int_equal(u_walk(c, 0, 1, "dir", NULL), 1);
		assert_int_equal(u_open(c, 1, P9_OWRITE, NULL), -EISDIR);
		assert_int_equal(u_open(c, 1, P9_ORDWR, NULL), -EISDIR);
		assert_int_equal(u_write(c, 1, 0, "x"), -EBADF);
		assert_int_equal(u_read(c, 1, 0, sizeof(buf), buf), -EBADF); /* not open */
		assert_int_equal(u_open(c, 1, P9_OREAD, NULL), 0);
		assert_int_equal(u_write(c, 1, 0, "x"), -EBADF);
		/* an open fid is not walked in place, but can be cloned */
		assert_int_equal(u_walk(c, 1, 1, "..", NULL), -EBADF);
		assert_int_equal(u_walk(c, 1, 2, "", NULL), 0);
		assert_int_equal(u_clunk(c, 2), 0);
		assert_int_equal(u_clunk(c, 1), 0);
		p9_client_free(c);
	}
}

/* --- create --- */

static void create_file_and_directory(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		char name[32], buf[64];
		struct p9_qid q;
		struct stat st;
		/* a file: the fid is the new file, open as asked */
		snprintf(name, sizeof(name), "file%d", i);
		assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
		assert_int_equal(u_create(c, 1, name, 0640, P9_ORDWR, NULL, &q), 0);
		assert_int_equal(q.type, P9_QTFILE);
		host_stat(name, &st);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_mode & 07777, 0640);
		assert_int_equal(q.path, st.st_ino);
		assert_int_equal(u_write(c, 1, 0, "data"), 4);
		assert_int_equal(u_read(c, 1, 0, sizeof(buf), buf), 4);
		assert_int_equal(u_open(c, 1, P9_OREAD, NULL), -EBADF); /* open already */
		assert_int_equal(u_walk(c, 1, 1, "..", NULL), -EBADF);  /* so not walked */
		struct ustat us;
		assert_int_equal(u_stat(c, 1, &us), 0);
		assert_string_equal(us.name, name);
		assert_int_equal(u_clunk(c, 1), 0);
		assert_int_equal(harness_read_file(&H, name, buf, sizeof(buf)), 4);
		assert_string_equal(buf, "data");
		/* creating an existing name fails */
		assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
		assert_int_equal(u_create(c, 1, name, 0640, P9_ORDWR, NULL, NULL), -EEXIST);
		/* a directory: the fid is the new directory, open for reading */
		snprintf(name, sizeof(name), "dir%d", i);
		assert_int_equal(u_create(c, 1, name, P9_DMDIR | 0750, P9_OREAD, NULL, &q), 0);
		assert_int_equal(q.type, P9_QTDIR);
		host_stat(name, &st);
		assert_true(S_ISDIR(st.st_mode));
		assert_int_equal(st.st_mode & 07777, 0750);
		assert_int_equal(q.path, st.st_ino);
		assert_int_equal(u_read(c, 1, 0, 4096, buf), 0); /* empty */
		assert_int_equal(u_walk(c, 1, 1, "..", NULL), -EBADF);
		assert_int_equal(u_stat(c, 1, &us), 0);
		assert_string_equal(us.name, name);
		assert_int_equal(us.st.mode, P9_DMDIR | 0750);
		/* an open fid creates nothing */
		assert_int_equal(u_create(c, 1, "x", 0644, P9_OREAD, NULL, NULL), -EBADF);
		assert_int_equal(u_clunk(c, 1), 0);
		/* a directory is never created open for writing */
		assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
		assert_int_equal(u_create(c, 1, "wd", P9_DMDIR | 0755, P9_OWRITE, NULL, NULL),
		                 -EISDIR);
		assert_false(host_exists("wd"));
		/* names that are not one component */
		assert_int_equal(u_create(c, 1, "a/b", 0644, P9_OREAD, NULL, NULL), -EINVAL);
		assert_int_equal(u_create(c, 1, "..", 0644, P9_OREAD, NULL, NULL), -EINVAL);
		assert_int_equal(u_create(c, 1, ".", 0644, P9_OREAD, NULL, NULL), -EINVAL);
		assert_int_equal(u_create(c, 1, "", 0644, P9_OREAD, NULL, NULL), -EINVAL);
		/* in a file, nothing */
		assert_int_equal(u_walk(c, 0, 2, "file0", NULL), 1);
		assert_int_equal(u_create(c, 2, "x", 0644, P9_OREAD, NULL, NULL), -ENOTDIR);
		assert_int_equal(u_clunk(c, 2), 0);
		assert_int_equal(u_clunk(c, 1), 0);
		p9_client_free(c);
	}
}

static void classic_create_permissions_are_bounded_by_the_directory(void **state)
{
	(void)state;
	assert_int_equal(mkdirat(H.exportfd, "d", 0750), 0);
	assert_int_equal(fchmodat(H.exportfd, "d", 0750, 0), 0);
	struct p9_client *c = session(CLASSIC);
	struct stat st;
	/* Plan 9: file perm & (~0666 | dir & 0666), dir perm & (~0777 | dir & 0777) */
	assert_int_equal(u_walk(c, 0, 1, "d", NULL), 1);
	assert_int_equal(u_create(c, 1, "f", 0666, P9_OREAD, NULL, NULL), 0);
	assert_int_equal(u_clunk(c, 1), 0);
	host_stat("d/f", &st);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(u_walk(c, 0, 1, "d", NULL), 1);
	assert_int_equal(u_create(c, 1, "sub", P9_DMDIR | 0777, P9_OREAD, NULL, NULL), 0);
	assert_int_equal(u_clunk(c, 1), 0);
	host_stat("d/sub", &st);
	assert_int_equal(st.st_mode & 07777, 0750);
	p9_client_free(c);
	/* .u takes the mode as sent: the client applied its umask */
	c = session(DOTU);
	assert_int_equal(u_walk(c, 0, 1, "d", NULL), 1);
	assert_int_equal(u_create(c, 1, "g", 0666, P9_OREAD, NULL, NULL), 0);
	assert_int_equal(u_clunk(c, 1), 0);
	host_stat("d/g", &st);
	assert_int_equal(st.st_mode & 07777, 0666);
	p9_client_free(c);
}

static void dotu_create_special_files(void **state)
{
	(void)state;
	struct p9_client *c = session(DOTU);
	struct p9_qid q;
	struct stat st, st2;
	char target[64];
	struct ustat us;
	/* symlink: the extension is the target */
	assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
	assert_int_equal(u_create(c, 1, "ln", P9_DMSYMLINK | 0777, P9_OREAD, "some/where", &q), 0);
	assert_int_equal(q.type, P9_QTSYMLINK);
	host_stat("ln", &st);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(q.path, st.st_ino);
	ssize_t n = readlinkat(H.exportfd, "ln", target, sizeof(target));
	assert_int_equal(n, 10);
	assert_memory_equal(target, "some/where", 10);
	assert_int_equal(u_stat(c, 1, &us), 0); /* the fid names the link */
	assert_string_equal(us.name, "ln");
	assert_string_equal(us.ext, "some/where");
	assert_int_equal(us.st.mode, P9_DMSYMLINK | 0777);
	assert_int_equal(u_clunk(c, 1), 0);
	/* named pipe */
	assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
	assert_int_equal(u_create(c, 1, "fifo", P9_DMNAMEDPIPE | 0620, P9_OREAD, "", &q), 0);
	host_stat("fifo", &st);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0620);
	assert_int_equal(q.path, st.st_ino);
	assert_int_equal(u_stat(c, 1, &us), 0);
	assert_int_equal(us.st.mode, P9_DMNAMEDPIPE | 0620);
	assert_string_equal(us.ext, "");
	assert_int_equal(u_clunk(c, 1), 0);
	/* socket */
	assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
	assert_int_equal(u_create(c, 1, "sock", P9_DMSOCKET | 0600, P9_OREAD, "", NULL), 0);
	host_stat("sock", &st);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(u_stat(c, 1, &us), 0);
	assert_int_equal(us.st.mode, P9_DMSOCKET | 0600);
	assert_int_equal(u_clunk(c, 1), 0);
	/* hard link: the extension is the fid of the file */
	assert_int_equal(harness_write_file(&H, "orig", "x"), 0);
	assert_int_equal(u_walk(c, 0, 2, "orig", NULL), 1);
	assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
	assert_int_equal(u_create(c, 1, "hard", P9_DMLINK | 0644, P9_OREAD, "2", &q), 0);
	host_stat("orig", &st);
	host_stat("hard", &st2);
	assert_int_equal(st.st_ino, st2.st_ino);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(q.path, st.st_ino);
	assert_int_equal(u_stat(c, 1, &us), 0);
	assert_string_equal(us.name, "hard");
	assert_string_equal(us.ext, "HARDLINKCOUNT 2");
	assert_int_equal(u_clunk(c, 1), 0);
	/* as Linux's v9fs writes it: "%d\n" */
	assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
	assert_int_equal(u_create(c, 1, "hard1", P9_DMLINK | 0644, P9_OREAD, "2\n", NULL), 0);
	host_stat("hard1", &st2);
	assert_int_equal(st.st_ino, st2.st_ino);
	assert_int_equal(u_clunk(c, 1), 0);
	assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
	assert_int_equal(u_create(c, 1, "hard2", P9_DMLINK | 0644, P9_OREAD, "77", NULL), -EBADF);
	assert_int_equal(u_create(c, 1, "hard2", P9_DMLINK | 0644, P9_OREAD, "x", NULL), -EINVAL);
	assert_false(host_exists("hard2"));
	assert_int_equal(u_clunk(c, 2), 0);
	/* devices (need the right to make them) */
	if (geteuid() == 0) {
		assert_int_equal(u_create(c, 1, "null", P9_DMDEVICE | 0666, P9_OREAD, "c 1 3", &q),
		                 0);
		host_stat("null", &st);
		assert_true(S_ISCHR(st.st_mode));
		assert_int_equal(major(st.st_rdev), 1);
		assert_int_equal(minor(st.st_rdev), 3);
		assert_int_equal(st.st_mode & 07777, 0666);
		assert_int_equal(u_stat(c, 1, &us), 0);
		assert_int_equal(us.st.mode, P9_DMDEVICE | 0666);
		assert_string_equal(us.ext, "c 1 3");
		/* it is never opened on the host */
		assert_int_equal(u_open(c, 1, P9_OREAD, NULL), -ENXIO);
		assert_int_equal(u_clunk(c, 1), 0);
		assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
		assert_int_equal(
		        u_create(c, 1, "blk", P9_DMDEVICE | 0600, P9_OREAD, "b 259 65536", NULL),
		        0);
		host_stat("blk", &st);
		assert_true(S_ISBLK(st.st_mode));
		assert_int_equal(major(st.st_rdev), 259);
		assert_int_equal(minor(st.st_rdev), 65536);
		assert_int_equal(u_stat(c, 1, &us), 0);
		assert_string_equal(us.ext, "b 259 65536");
		assert_int_equal(u_clunk(c, 1), 0);
		assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
	} else {
		print_message("device nodes skipped: needs root\n");
	}
	assert_int_equal(u_create(c, 1, "bad", P9_DMDEVICE | 0666, P9_OREAD, "x 1 3", NULL),
	                 -EINVAL);
	assert_int_equal(u_create(c, 1, "bad", P9_DMDEVICE | 0666, P9_OREAD, "c 1", NULL), -EINVAL);
	assert_false(host_exists("bad"));
	assert_int_equal(u_clunk(c, 1), 0);
	p9_client_free(c);
	/* Classic has no such bits: the same request makes a file. */
	c = session(CLASSIC);
	assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
	assert_int_equal(u_create(c, 1, "plain", P9_DMSYMLINK | 0644, P9_OREAD, NULL, &q), 0);
	assert_int_equal(q.type, P9_QTFILE);
	host_stat("plain", &st);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(u_clunk(c, 1), 0);
	p9_client_free(c);
}

/* --- directory reads --- */

struct listing {
	char names[600][64];
	unsigned n;
	size_t smallest, largest; /* record sizes seen */
};

/* Parse one Rread of a directory: whole records only. Returns how many. */
static unsigned parse_records(struct p9_client *c, const uint8_t *data, size_t len,
                              struct listing *l)
{
	size_t pos = 0, at = 0;
	unsigned k = 0;
	struct p9_stat st;
	int e;
	while ((e = p9_stat_unpack(data, len, &pos, p9_client_dialect(c), &st)) == 0) {
		assert_true(l->n < 600);
		copy_str(l->names[l->n++], sizeof(l->names[0]), st.name);
		size_t sz = pos - at;
		if (!l->smallest || sz < l->smallest)
			l->smallest = sz;
		if (sz > l->largest)
			l->largest = sz;
		at = pos;
		k++;
	}
	assert_int_equal(e, 1); /* ended exactly at the end: nothing split */
	assert_int_equal(pos, len);
	return k;
}

/* Read the whole directory (open fid) with count; every reply's offset
 * is the previous one plus its count. */
static void read_all(struct p9_client *c, uint32_t fid, uint32_t count, struct listing *l,
                     unsigned *replies, unsigned *max_per_reply)
{
	static uint8_t buf[70000];
	uint64_t off = 0;
	memset(l, 0, sizeof(*l));
	*replies = 0;
	*max_per_reply = 0;
	for (;;) {
		int n = u_read(c, fid, off, count, buf);
		assert_true(n >= 0);
		if (n == 0)
			break;
		unsigned k = parse_records(c, buf, (size_t)n, l);
		assert_true(k >= 1);
		if (k > *max_per_reply)
			*max_per_reply = k;
		(*replies)++;
		off += (uint64_t)n;
	}
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void sort_listing(struct listing *l)
{
	qsort(l->names, l->n, sizeof(l->names[0]), name_cmp);
}

static void dir_read_returns_exactly_the_entries(void **state)
{
	(void)state;
	assert_int_equal(mkdirat(H.exportfd, "d", 0755), 0);
	assert_int_equal(harness_write_file(&H, "d/a", "1"), 0);
	assert_int_equal(harness_write_file(&H, "d/bb", "22"), 0);
	assert_int_equal(mkdirat(H.exportfd, "d/sub", 0755), 0);
	assert_int_equal(symlinkat("a", H.exportfd, "d/ln"), 0);
	assert_int_equal(mkfifoat(H.exportfd, "d/fifo", 0644), 0);
	static const char *const want[] = {"a", "bb", "fifo", "ln", "sub"};
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		struct listing l;
		unsigned replies, most;
		assert_int_equal(u_walk(c, 0, 1, "d", NULL), 1);
		assert_int_equal(u_open(c, 1, P9_OREAD, NULL), 0);
		read_all(c, 1, 65536 - 24, &l, &replies, &most);
		sort_listing(&l);
		assert_int_equal(l.n, 5);
		for (unsigned k = 0; k < 5; k++)
			assert_string_equal(l.names[k], want[k]);
		assert_int_equal(replies, 1);
		/* offset 0 starts again */
		read_all(c, 1, 65536 - 24, &l, &replies, &most);
		assert_int_equal(l.n, 5);
		assert_int_equal(u_clunk(c, 1), 0);
		/* an empty directory reads as nothing */
		assert_int_equal(u_walk(c, 0, 1, "d/sub", NULL), 2);
		assert_int_equal(u_open(c, 1, P9_OREAD, NULL), 0);
		uint8_t buf[512];
		assert_int_equal(u_read(c, 1, 0, sizeof(buf), buf), 0);
		assert_int_equal(u_clunk(c, 1), 0);
		p9_client_free(c);
	}
}

static void dir_read_small_count_never_splits_a_record(void **state)
{
	(void)state;
	assert_int_equal(mkdirat(H.exportfd, "d", 0755), 0);
	/* names of many lengths, so records differ in size */
	for (int k = 1; k <= 40; k++) {
		char rel[80] = "d/";
		memset(rel + 2, 'a' + k % 26, (size_t)k);
		snprintf(rel + 2 + k, sizeof(rel) - 2 - (size_t)k, "%d", k);
		assert_int_equal(harness_write_file(&H, rel, "x"), 0);
	}
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		struct listing all, part;
		unsigned replies, most;
		assert_int_equal(u_walk(c, 0, 1, "d", NULL), 1);
		assert_int_equal(u_open(c, 1, P9_OREAD, NULL), 0);
		read_all(c, 1, 65000, &all, &replies, &most);
		assert_int_equal(all.n, 40);
		assert_int_equal(replies, 1);
		/* Records of 40 sizes; the fixed part is 61 bytes in .u, 47
		 * in classic, plus the strings. */
		assert_int_equal(all.largest - all.smallest, 40);
		assert_true(2 * all.smallest - 1 >= all.largest);
		/* Room for one record but never two: each reply holds one. */
		uint32_t counts[] = {(uint32_t)all.largest, (uint32_t)(2 * all.smallest - 1), 1000};
		for (size_t k = 0; k < 3; k++) {
			read_all(c, 1, counts[k], &part, &replies, &most);
			assert_int_equal(part.n, 40);
			if (k < 2) {
				assert_int_equal(replies, 40);
				assert_int_equal(most, 1);
			} else {
				assert_true(replies > 1 && replies < 40);
			}
			sort_listing(&part);
			sort_listing(&all);
			for (unsigned j = 0; j < 40; j++)
				assert_string_equal(part.names[j], all.names[j]);
		}
		/* Too small for any record: an error, as in Plan 9. */
		uint8_t buf[64];
		assert_int_equal(u_read(c, 1, 0, 20, buf), -EINVAL);
		assert_int_equal(u_clunk(c, 1), 0);
		p9_client_free(c);
	}
}

static void dir_read_offsets_continue_repeat_or_restart(void **state)
{
	(void)state;
	assert_int_equal(mkdirat(H.exportfd, "d", 0755), 0);
	char rel[32];
	for (int k = 0; k < 300; k++) {
		snprintf(rel, sizeof(rel), "d/entry%03d", k);
		assert_int_equal(harness_write_file(&H, rel, ""), 0);
	}
	struct p9_client *c = session(DOTU);
	static uint8_t a[8192], b[8192];
	struct listing l = {.n = 0};
	assert_int_equal(u_walk(c, 0, 1, "d", NULL), 1);
	assert_int_equal(u_open(c, 1, P9_OREAD, NULL), 0);
	int n1 = u_read(c, 1, 0, 1000, a);
	assert_true(n1 > 0 && n1 <= 1000);
	int n2 = u_read(c, 1, (uint64_t)n1, 1000, b);
	assert_true(n2 > 0);
	/* the last reply again: the same bytes */
	uint8_t again[1000];
	assert_int_equal(u_read(c, 1, (uint64_t)n1, 1000, again), n2);
	assert_memory_equal(again, b, (size_t)n2);
	/* an offset in the middle of nowhere: refused */
	assert_int_equal(u_read(c, 1, 5, 1000, again), -EINVAL);
	assert_int_equal(u_read(c, 1, (uint64_t)(n1 + n2 + 1), 1000, again), -EINVAL);
	/* 0 starts again: the first reply again */
	assert_int_equal(u_read(c, 1, 0, 1000, again), n1);
	assert_memory_equal(again, a, (size_t)n1);
	/* and the whole listing has every entry once */
	unsigned replies, most;
	read_all(c, 1, 8000, &l, &replies, &most);
	assert_int_equal(l.n, 300);
	sort_listing(&l);
	for (int k = 0; k < 300; k++) {
		snprintf(rel, sizeof(rel), "entry%03d", k);
		assert_string_equal(l.names[k], rel);
	}
	assert_int_equal(u_clunk(c, 1), 0);
	p9_client_free(c);
}

static void dir_read_without_search_permission_shows_the_listing(void **state)
{
	(void)state;
	NEED_ROOT();
	assert_int_equal(mkdirat(H.exportfd, "d", 0755), 0);
	assert_int_equal(harness_write_file(&H, "d/file", "x"), 0);
	assert_int_equal(mkdirat(H.exportfd, "d/sub", 0755), 0);
	assert_int_equal(fchmodat(H.exportfd, "d", 0744, 0), 0); /* others: r, no x */
	struct stat fst, sst;
	host_stat("d/file", &fst);
	host_stat("d/sub", &sst);
	struct p9_client *c = dial(DOTU);
	assert_int_equal(u_attach(c, 0, "", 1, NULL), 0); /* uid 1: not the owner */
	assert_int_equal(u_walk(c, 0, 1, "d", NULL), 1);
	assert_int_equal(u_open(c, 1, P9_OREAD, NULL), 0);
	assert_int_equal(u_walk(c, 1, 2, "file", NULL), -EACCES);
	uint8_t buf[4096];
	int n = u_read(c, 1, 0, sizeof(buf), buf);
	assert_true(n > 0);
	size_t pos = 0;
	struct p9_stat st;
	unsigned seen = 0;
	while (p9_stat_unpack(buf, (size_t)n, &pos, P9_DIALECT_2000U, &st) == 0) {
		/* what the listing knows: name, qid, directory or not; no owner */
		assert_int_equal(st.uid.len, 0);
		assert_int_equal(st.n_uid, P9_NOFID);
		assert_int_equal(st.length, 0);
		if (str_eq(st.name, "file")) {
			assert_int_equal(st.qid.path, fst.st_ino);
			assert_int_equal(st.mode, 0);
			seen |= 1;
		} else if (str_eq(st.name, "sub")) {
			assert_int_equal(st.qid.path, sst.st_ino);
			assert_int_equal(st.qid.type, P9_QTDIR);
			assert_int_equal(st.mode, P9_DMDIR);
			seen |= 2;
		} else {
			fail();
		}
	}
	assert_int_equal(seen, 3);
	assert_int_equal(pos, (size_t)n);
	p9_client_free(c);
}

/* --- stat --- */

static void stat_fields_are_exact(void **state)
{
	(void)state;
	assert_int_equal(harness_write_file(&H, "f", "12345"), 0);
	assert_int_equal(fchmodat(H.exportfd, "f", 0640, 0), 0);
	struct timespec ts[2] = {{1000000, 0}, {2000000, 0}};
	assert_int_equal(utimensat(H.exportfd, "f", ts, 0), 0);
	uid_t uid = 0;
	gid_t gid = 0;
	if (geteuid() == 0) {
		uid = 1;
		gid = 2;
		assert_int_equal(fchownat(H.exportfd, "f", uid, gid, 0), 0);
	} else {
		uid = geteuid();
		gid = getegid();
	}
	char uname[64], gname[64];
	struct passwd *pw = getpwuid(uid);
	struct group *gr = getgrgid(gid);
	snprintf(uname, sizeof(uname), "%s", pw ? pw->pw_name : "?");
	snprintf(gname, sizeof(gname), "%s", gr ? gr->gr_name : "?");
	struct stat hst;
	host_stat("f", &hst);
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		struct ustat us;
		assert_int_equal(u_walk(c, 0, 1, "f", NULL), 1);
		assert_int_equal(u_stat(c, 1, &us), 0);
		assert_int_equal(us.st.type, 0);
		assert_int_equal(us.st.dev, 0);
		assert_int_equal(us.st.qid.type, P9_QTFILE);
		assert_int_equal(us.st.qid.path, hst.st_ino);
		assert_int_equal(us.st.mode, 0640);
		assert_int_equal(us.st.atime, 1000000);
		assert_int_equal(us.st.mtime, 2000000);
		assert_int_equal(us.st.length, 5);
		assert_string_equal(us.name, "f");
		assert_string_equal(us.uid, uname);
		assert_string_equal(us.gid, gname);
		assert_string_equal(us.muid, uname);
		/* .u: what Linux reads the link count from */
		assert_string_equal(us.ext, i == 0 ? "HARDLINKCOUNT 1" : "");
		if (i == 0) {
			assert_int_equal(us.st.n_uid, uid);
			assert_int_equal(us.st.n_gid, gid);
			assert_int_equal(us.st.n_muid, uid);
		} else {
			assert_int_equal(us.st.n_uid, P9_NOFID); /* not on the wire */
		}
		/* the same record in the directory's listing */
		uint8_t buf[4096];
		assert_int_equal(u_walk(c, 0, 2, "", NULL), 0);
		assert_int_equal(u_open(c, 2, P9_OREAD, NULL), 0);
		int n = u_read(c, 2, 0, sizeof(buf), buf);
		size_t pos = 0;
		struct p9_stat st;
		int found = 0;
		while (p9_stat_unpack(buf, (size_t)n, &pos, p9_client_dialect(c), &st) == 0)
			if (str_eq(st.name, "f")) {
				found = 1;
				assert_int_equal(st.mode, 0640);
				assert_int_equal(st.length, 5);
				assert_int_equal(st.mtime, 2000000);
				assert_int_equal(st.qid.path, hst.st_ino);
				assert_true(str_eq(st.uid, uname));
				assert_true(str_eq(st.gid, gname));
			}
		assert_true(found);
		assert_int_equal(u_clunk(c, 2), 0);
		assert_int_equal(u_clunk(c, 1), 0);
		p9_client_free(c);
	}
}

static void stat_of_root_directory_symlink_and_setuid(void **state)
{
	(void)state;
	assert_int_equal(mkdirat(H.exportfd, "d", 0705), 0);
	assert_int_equal(fchmodat(H.exportfd, "d", 0705, 0), 0);
	assert_int_equal(harness_write_file(&H, "d/x", "abc"), 0);
	assert_int_equal(symlinkat("d/x", H.exportfd, "ln"), 0);
	assert_int_equal(harness_write_file(&H, "suid", ""), 0);
	assert_int_equal(fchmodat(H.exportfd, "suid", 04755, 0), 0);
	struct stat rst;
	assert_int_equal(fstat(H.exportfd, &rst), 0);
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		struct ustat us;
		assert_int_equal(u_stat(c, 0, &us), 0);
		assert_string_equal(us.name, "/");
		assert_int_equal(us.st.qid.type, P9_QTDIR);
		assert_int_equal(us.st.qid.path, rst.st_ino);
		assert_int_equal(us.st.mode, P9_DMDIR | (rst.st_mode & 0777));
		assert_int_equal(us.st.length, 0);
		assert_int_equal(u_walk(c, 0, 1, "d", NULL), 1);
		assert_int_equal(u_stat(c, 1, &us), 0);
		assert_string_equal(us.name, "d");
		assert_int_equal(us.st.mode, P9_DMDIR | 0705);
		assert_int_equal(us.st.length, 0); /* 9P: directories have no length */
		assert_string_equal(us.ext, i == 0 ? "HARDLINKCOUNT 2" : "");
		/* names follow walks, ".." included */
		assert_int_equal(u_walk(c, 1, 2, "x/../x", NULL), 1); /* "..": x is no directory */
		assert_int_equal(u_clunk(c, 2), -EBADF);
		assert_int_equal(u_walk(c, 1, 2, "../d/x", NULL), 3);
		assert_int_equal(u_stat(c, 2, &us), 0);
		assert_string_equal(us.name, "x");
		assert_int_equal(u_walk(c, 2, 3, "", NULL), 0);
		assert_int_equal(u_stat(c, 3, &us), 0);
		assert_string_equal(us.name, "x");
		assert_int_equal(u_walk(c, 1, 4, "..", NULL), 1);
		assert_int_equal(u_stat(c, 4, &us), 0);
		assert_string_equal(us.name, "/");
		for (uint32_t k = 1; k <= 4; k++)
			assert_int_equal(u_clunk(c, k), 0);
		assert_int_equal(u_walk(c, 0, 1, "ln", NULL), 1);
		assert_int_equal(u_stat(c, 1, &us), 0);
		assert_string_equal(us.name, "ln");
		assert_int_equal(us.st.length, 3);
		if (i == 0) {
			assert_int_equal(us.st.mode, P9_DMSYMLINK | 0777);
			assert_int_equal(us.st.qid.type, P9_QTSYMLINK);
			assert_string_equal(us.ext, "d/x");
		} else {
			assert_int_equal(us.st.mode, 0777);
		}
		assert_int_equal(u_clunk(c, 1), 0);
		assert_int_equal(u_walk(c, 0, 1, "suid", NULL), 1);
		assert_int_equal(u_stat(c, 1, &us), 0);
		assert_int_equal(us.st.mode, i == 0 ? (P9_DMSETUID | 0755) : 0755);
		assert_int_equal(u_clunk(c, 1), 0);
		p9_client_free(c);
	}
}

static void stat_of_unknown_owner_is_its_number(void **state)
{
	(void)state;
	NEED_ROOT();
	assert_int_equal(harness_write_file(&H, "f", ""), 0);
	assert_int_equal(fchownat(H.exportfd, "f", 4242, 4343, 0), 0);
	struct p9_client *c = session(DOTU);
	struct ustat us;
	assert_int_equal(u_walk(c, 0, 1, "f", NULL), 1);
	assert_int_equal(u_stat(c, 1, &us), 0);
	assert_string_equal(us.uid, "4242");
	assert_string_equal(us.gid, "4343");
	assert_int_equal(us.st.n_uid, 4242);
	assert_int_equal(us.st.n_gid, 4343);
	/* and such a number is understood back */
	struct p9_stat ws = blank();
	ws.uid = p9_str_c("4242");
	ws.gid = p9_str_c("4343");
	assert_int_equal(u_wstat(c, 1, &ws), 0);
	ws.uid = p9_str_c("4243");
	assert_int_equal(u_wstat(c, 1, &ws), -EPERM);
	p9_client_free(c);
}

/* --- wstat --- */

static void wstat_renames_chmods_truncates_and_sets_times(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		struct stat st;
		struct ustat us;
		assert_int_equal(mkdirat(H.exportfd, "d", 0755), 0);
		assert_int_equal(harness_write_file(&H, "d/old", "0123456789"), 0);
		assert_int_equal(u_walk(c, 0, 1, "d/old", NULL), 2);
		struct p9_stat ws = blank();
		ws.name = p9_str_c("new");
		assert_int_equal(u_wstat(c, 1, &ws), 0);
		assert_false(host_exists("d/old"));
		host_stat("d/new", &st);
		assert_int_equal(st.st_size, 10);
		assert_int_equal(u_stat(c, 1, &us), 0);
		assert_string_equal(us.name, "new");
		/* the fid still names the file */
		assert_int_equal(u_open(c, 1, P9_ORDWR, NULL), 0);
		ws = blank();
		ws.mode = 0600;
		assert_int_equal(u_wstat(c, 1, &ws), 0);
		host_stat("d/new", &st);
		assert_int_equal(st.st_mode & 07777, 0600);
		ws = blank();
		ws.length = 4;
		assert_int_equal(u_wstat(c, 1, &ws), 0);
		host_stat("d/new", &st);
		assert_int_equal(st.st_size, 4);
		ws = blank();
		ws.mtime = 12345678;
		ws.atime = 23456789;
		assert_int_equal(u_wstat(c, 1, &ws), 0);
		host_stat("d/new", &st);
		assert_int_equal(st.st_mtim.tv_sec, 12345678);
		assert_int_equal(st.st_mtim.tv_nsec, 0);
		assert_int_equal(st.st_atim.tv_sec, 23456789);
		/* several at once */
		ws = blank();
		ws.name = p9_str_c("newer");
		ws.mode = 0644;
		ws.length = 0;
		ws.mtime = 1;
		assert_int_equal(u_wstat(c, 1, &ws), 0);
		host_stat("d/newer", &st);
		assert_int_equal(st.st_mode & 07777, 0644);
		assert_int_equal(st.st_size, 0);
		assert_int_equal(st.st_mtim.tv_sec, 1);
		assert_int_equal(u_stat(c, 1, &us), 0);
		assert_string_equal(us.name, "newer");
		/* a directory renames too */
		assert_int_equal(u_walk(c, 0, 2, "d", NULL), 1);
		ws = blank();
		ws.name = p9_str_c("e");
		assert_int_equal(u_wstat(c, 2, &ws), 0);
		assert_true(host_exists("e/newer"));
		assert_int_equal(u_stat(c, 2, &us), 0);
		assert_string_equal(us.name, "e");
		ws = blank();
		ws.mode = P9_DMDIR | 0700;
		assert_int_equal(u_wstat(c, 2, &ws), 0);
		host_stat("e", &st);
		assert_int_equal(st.st_mode & 07777, 0700);
		/* the file in it renames again, through its new parent */
		ws = blank();
		ws.name = p9_str_c("last");
		assert_int_equal(u_wstat(c, 1, &ws), 0);
		assert_true(host_exists("e/last"));
		assert_int_equal(u_clunk(c, 1), 0);
		assert_int_equal(u_clunk(c, 2), 0);
		assert_int_equal(unlinkat(H.exportfd, "e/last", 0), 0);
		assert_int_equal(unlinkat(H.exportfd, "e", AT_REMOVEDIR), 0);
		p9_client_free(c);
	}
}

static void wstat_dont_touch_values_change_nothing(void **state)
{
	(void)state;
	assert_int_equal(harness_write_file(&H, "f", "abcdef"), 0);
	assert_int_equal(fchmodat(H.exportfd, "f", 0604, 0), 0);
	struct timespec ts[2] = {{111, 5}, {222, 7}};
	assert_int_equal(utimensat(H.exportfd, "f", ts, 0), 0);
	struct stat before, after;
	host_stat("f", &before);
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		struct ustat us;
		assert_int_equal(u_walk(c, 0, 1, "f", NULL), 1);
		/* all "don't touch": a sync, nothing else */
		struct p9_stat ws = blank();
		assert_int_equal(u_wstat(c, 1, &ws), 0);
		assert_int_equal(u_open(c, 1, P9_OREAD, NULL), 0);
		assert_int_equal(u_wstat(c, 1, &ws), 0);
		/* the whole record sent back unchanged: nothing changes either */
		assert_int_equal(u_stat(c, 1, &us), 0);
		us.st.name = p9_str_c(us.name);
		us.st.uid = p9_str_c(us.uid);
		us.st.gid = p9_str_c(us.gid);
		us.st.muid = p9_str_c("someone-else"); /* muid is ignored */
		us.st.extension = p9_str_c(us.ext);
		assert_int_equal(u_wstat(c, 1, &us.st), 0);
		host_stat("f", &after);
		assert_int_equal(after.st_mode, before.st_mode);
		assert_int_equal(after.st_size, before.st_size);
		assert_int_equal(after.st_uid, before.st_uid);
		assert_int_equal(after.st_gid, before.st_gid);
		assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
		assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
		assert_int_equal(after.st_atim.tv_sec, before.st_atim.tv_sec);
		assert_int_equal(after.st_atim.tv_nsec, before.st_atim.tv_nsec);
		assert_int_equal(after.st_ino, before.st_ino);
		/* one field: only that one */
		ws = blank();
		ws.mode = 0606;
		assert_int_equal(u_wstat(c, 1, &ws), 0);
		host_stat("f", &after);
		assert_int_equal(after.st_mode & 07777, 0606);
		assert_int_equal(after.st_size, 6);
		assert_int_equal(after.st_mtim.tv_sec, 222);
		assert_int_equal(after.st_mtim.tv_nsec, 7);
		assert_int_equal(fchmodat(H.exportfd, "f", 0604, 0), 0);
		assert_int_equal(u_clunk(c, 1), 0);
		p9_client_free(c);
	}
}

static void wstat_refusals_change_nothing(void **state)
{
	(void)state;
	assert_int_equal(harness_write_file(&H, "f", "abcdef"), 0);
	assert_int_equal(harness_write_file(&H, "other", "o"), 0);
	assert_int_equal(fchmodat(H.exportfd, "f", 0644, 0), 0);
	assert_int_equal(mkdirat(H.exportfd, "d", 0755), 0);
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		struct stat st;
		assert_int_equal(u_walk(c, 0, 1, "f", NULL), 1);
		/* the owner: EPERM, and the mode asked alongside stays */
		struct p9_stat ws = blank();
		ws.mode = 0600;
		ws.length = 1;
		ws.uid = p9_str_c("daemon");
		assert_int_equal(u_wstat(c, 1, &ws), -EPERM);
		if (i == 0) {
			ws = blank();
			ws.mode = 0600;
			ws.n_uid = 1;
			assert_int_equal(u_wstat(c, 1, &ws), -EPERM);
		}
		/* the owner "to itself" is fine */
		ws = blank();
		ws.uid = p9_str_c(geteuid() == 0 ? "root" : getpwuid(geteuid())->pw_name);
		assert_int_equal(u_wstat(c, 1, &ws), 0);
		/* a file cannot become a directory */
		ws = blank();
		ws.mode = P9_DMDIR | 0600;
		assert_int_equal(u_wstat(c, 1, &ws), -EINVAL);
		/* nor change its qid, type or dev */
		ws = blank();
		ws.mode = 0600;
		ws.qid.path = 12345;
		assert_int_equal(u_wstat(c, 1, &ws), -EINVAL);
		ws = blank();
		ws.mode = 0600;
		ws.dev = 7;
		assert_int_equal(u_wstat(c, 1, &ws), -EINVAL);
		/* a name that is not one component */
		ws = blank();
		ws.mode = 0600;
		ws.name = p9_str_c("a/b");
		assert_int_equal(u_wstat(c, 1, &ws), -EINVAL);
		ws.name = p9_str_c("..");
		assert_int_equal(u_wstat(c, 1, &ws), -EINVAL);
		/* an unknown group */
		ws = blank();
		ws.mode = 0600;
		ws.gid = p9_str_c("no-such-group-here");
		assert_int_equal(u_wstat(c, 1, &ws), -EINVAL);
		/* Classic renames never replace; .u ones do (below). */
		if (i == 1) {
			ws = blank();
			ws.mode = 0600;
			ws.name = p9_str_c("other");
			assert_int_equal(u_wstat(c, 1, &ws), -EEXIST);
		}
		host_stat("f", &st);
		assert_int_equal(st.st_mode & 07777, 0644);
		assert_int_equal(st.st_size, 6);
		assert_true(host_exists("other"));
		/* a directory has no length to set, and the root no name */
		assert_int_equal(u_walk(c, 0, 2, "d", NULL), 1);
		ws = blank();
		ws.length = 10;
		assert_int_equal(u_wstat(c, 2, &ws), -EISDIR);
		ws = blank();
		ws.mode = 0700; /* without DMDIR */
		assert_int_equal(u_wstat(c, 2, &ws), -EINVAL);
		ws = blank();
		ws.name = p9_str_c("root");
		assert_int_equal(u_wstat(c, 0, &ws), -EBUSY);
		assert_int_equal(u_clunk(c, 2), 0);
		assert_int_equal(u_clunk(c, 1), 0);
		p9_client_free(c);
	}
	/* .u: a rename replaces, as rename(2) does */
	struct p9_client *c = session(DOTU);
	char buf[16];
	assert_int_equal(u_walk(c, 0, 1, "f", NULL), 1);
	struct p9_stat ws = blank();
	ws.name = p9_str_c("other");
	assert_int_equal(u_wstat(c, 1, &ws), 0);
	assert_false(host_exists("f"));
	assert_int_equal(harness_read_file(&H, "other", buf, sizeof(buf)), 6);
	assert_int_equal(u_clunk(c, 1), 0);
	p9_client_free(c);
}

static void wstat_rename_through_a_stale_path_is_estale(void **state)
{
	(void)state;
	assert_int_equal(mkdirat(H.exportfd, "d", 0755), 0);
	assert_int_equal(mkdirat(H.exportfd, "x", 0755), 0);
	assert_int_equal(harness_write_file(&H, "d/f", "f"), 0);
	assert_int_equal(harness_write_file(&H, "x/f", "impostor"), 0);
	struct p9_client *a = session(DOTU), *b = session(DOTU);
	struct ustat us;
	assert_int_equal(u_walk(a, 0, 1, "d/f", NULL), 2);
	/* Another client moves the directory, and puts another "d/f" there:
	 * a's idea of where f is is now wrong. */
	assert_int_equal(u_walk(b, 0, 1, "d", NULL), 1);
	struct p9_stat ws = blank();
	ws.name = p9_str_c("e");
	assert_int_equal(u_wstat(b, 1, &ws), 0);
	assert_int_equal(u_walk(b, 0, 2, "x", NULL), 1);
	ws.name = p9_str_c("d");
	assert_int_equal(u_wstat(b, 2, &ws), 0);
	/* a rename through the stale path moves nothing */
	ws = blank();
	ws.name = p9_str_c("g");
	assert_int_equal(u_wstat(a, 1, &ws), -ESTALE);
	assert_true(host_exists("e/f"));
	assert_true(host_exists("d/f"));
	assert_false(host_exists("e/g"));
	assert_false(host_exists("d/g"));
	/* the fid itself still names its file */
	assert_int_equal(u_stat(a, 1, &us), 0);
	assert_string_equal(us.name, "f");
	assert_int_equal(us.st.length, 1);
	p9_client_free(b);
	p9_client_free(a);
}

static void wstat_group_by_name_and_number(void **state)
{
	(void)state;
	NEED_ROOT();
	assert_int_equal(harness_write_file(&H, "f", ""), 0);
	const char *bin = getgrgid(2)->gr_name;
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		struct stat st;
		struct ustat us;
		assert_int_equal(fchownat(H.exportfd, "f", 0, 0, 0), 0);
		assert_int_equal(u_walk(c, 0, 1, "f", NULL), 1);
		struct p9_stat ws = blank();
		ws.gid = p9_str_c(bin);
		assert_int_equal(u_wstat(c, 1, &ws), 0);
		host_stat("f", &st);
		assert_int_equal(st.st_gid, 2);
		assert_int_equal(u_stat(c, 1, &us), 0);
		assert_string_equal(us.gid, bin);
		ws = blank();
		ws.gid = p9_str_c("1");
		assert_int_equal(u_wstat(c, 1, &ws), 0);
		host_stat("f", &st);
		assert_int_equal(st.st_gid, 1);
		if (i == 0) {
			ws = blank();
			ws.n_gid = 4444;
			assert_int_equal(u_wstat(c, 1, &ws), 0);
			host_stat("f", &st);
			assert_int_equal(st.st_gid, 4444);
		}
		assert_int_equal(u_clunk(c, 1), 0);
		p9_client_free(c);
	}
}

/* --- ORCLOSE, remove --- */

static void orclose_removes_at_clunk(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		/* created with ORCLOSE */
		assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
		assert_int_equal(u_create(c, 1, "tmp", 0600, P9_ORDWR | P9_ORCLOSE, NULL, NULL), 0);
		assert_int_equal(u_write(c, 1, 0, "x"), 1);
		assert_true(host_exists("tmp"));
		assert_int_equal(u_clunk(c, 1), 0);
		assert_false(host_exists("tmp"));
		/* opened with ORCLOSE */
		assert_int_equal(harness_write_file(&H, "old", "y"), 0);
		assert_int_equal(u_walk(c, 0, 1, "old", NULL), 1);
		assert_int_equal(u_walk(c, 0, 2, "old", NULL), 1);
		assert_int_equal(u_open(c, 1, P9_OREAD | P9_ORCLOSE, NULL), 0);
		assert_int_equal(u_clunk(c, 2), 0); /* another fid: nothing happens */
		assert_true(host_exists("old"));
		assert_int_equal(u_clunk(c, 1), 0);
		assert_false(host_exists("old"));
		/* a directory made with ORCLOSE */
		assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
		assert_int_equal(
		        u_create(c, 1, "tdir", P9_DMDIR | 0700, P9_OREAD | P9_ORCLOSE, NULL, NULL),
		        0);
		assert_true(host_exists("tdir"));
		assert_int_equal(u_clunk(c, 1), 0);
		assert_false(host_exists("tdir"));
		/* a new Tversion clunks every fid: ORCLOSE ones are removed */
		assert_int_equal(harness_write_file(&H, "v", "z"), 0);
		assert_int_equal(u_walk(c, 0, 1, "v", NULL), 1);
		assert_int_equal(u_open(c, 1, P9_OREAD | P9_ORCLOSE, NULL), 0);
		assert_int_equal(p9_client_version(c, 65536, dialects[i]), 0);
		assert_false(host_exists("v"));
		/* the fids are gone with it */
		assert_int_equal(u_clunk(c, 0), -EBADF);
		/* a connection that goes away removes its ORCLOSE files too */
		assert_int_equal(u_attach(c, 0, "root", 0, NULL), 0);
		assert_int_equal(harness_write_file(&H, "w", "z"), 0);
		assert_int_equal(u_walk(c, 0, 1, "w", NULL), 1);
		assert_int_equal(u_open(c, 1, P9_OREAD | P9_ORCLOSE, NULL), 0);
		p9_client_free(c);
		for (int t = 0; t < 200 && host_exists("w"); t++)
			usleep(10000); /* the server notices the hang-up on its own time */
		assert_false(host_exists("w"));
	}
}

static void remove_removes_and_clunks(void **state)
{
	(void)state;
	assert_int_equal(mkdirat(H.exportfd, "d", 0755), 0);
	assert_int_equal(harness_write_file(&H, "d/f", ""), 0);
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		assert_int_equal(u_walk(c, 0, 1, "d", NULL), 1);
		assert_int_equal(u_remove(c, 1), -ENOTEMPTY);
		assert_int_equal(u_clunk(c, 1), -EBADF); /* clunked anyway */
		assert_int_equal(u_walk(c, 0, 1, "d/f", NULL), 2);
		assert_int_equal(u_remove(c, 1), 0);
		assert_false(host_exists("d/f"));
		assert_int_equal(u_clunk(c, 1), -EBADF);
		assert_int_equal(u_walk(c, 0, 1, "d", NULL), 1);
		assert_int_equal(u_remove(c, 1), 0);
		assert_false(host_exists("d"));
		assert_int_equal(u_remove(c, 1), -EBADF);
		assert_int_equal(u_remove(c, 0), -EBUSY); /* not the root */
		assert_int_equal(mkdirat(H.exportfd, "d", 0755), 0);
		assert_int_equal(harness_write_file(&H, "d/f", ""), 0);
		p9_client_free(c);
	}
}

/* --- errors, read-only --- */

static void errors_carry_errno_in_dotu_and_text_in_classic(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		struct p9_fcall tx = {.type = P9_TWALK}, rx;
		tx.u.twalk.fid = 0;
		tx.u.twalk.newfid = 1;
		tx.u.twalk.nwname = 1;
		tx.u.twalk.wname[0] = p9_str_c("missing");
		assert_int_equal(p9_client_rpc(c, &tx, &rx), 0);
		assert_int_equal(rx.type, P9_RERROR);
		assert_true(str_eq(rx.u.rerror.ename, "No such file or directory"));
		assert_int_equal(rx.u.rerror.errnum, i == 0 ? ENOENT : 0);
		tx.type = P9_TCLUNK;
		tx.u.tclunk.fid = 99;
		assert_int_equal(p9_client_rpc(c, &tx, &rx), 0);
		assert_int_equal(rx.type, P9_RERROR);
		assert_true(str_eq(rx.u.rerror.ename, "Bad file descriptor"));
		assert_int_equal(rx.u.rerror.errnum, i == 0 ? EBADF : 0);
		p9_client_free(c);
	}
}

static void readonly_export_refuses_changes(void **state)
{
	(void)state;
	assert_int_equal(harness_write_file(&H, "f", "abc"), 0);
	for (int i = 0; i < 2; i++) {
		struct p9_client *c = session(dialects[i]);
		char buf[8];
		assert_int_equal(u_walk(c, 0, 1, "", NULL), 0);
		assert_int_equal(u_create(c, 1, "n", 0644, P9_OWRITE, NULL, NULL), -EROFS);
		assert_int_equal(u_walk(c, 0, 2, "f", NULL), 1);
		assert_int_equal(u_open(c, 2, P9_OWRITE, NULL), -EROFS);
		assert_int_equal(u_open(c, 2, P9_OREAD | P9_OTRUNC, NULL), -EROFS);
		assert_int_equal(u_open(c, 2, P9_OREAD | P9_ORCLOSE, NULL), -EROFS);
		struct p9_stat ws = blank();
		ws.mode = 0600;
		assert_int_equal(u_wstat(c, 2, &ws), -EROFS);
		ws = blank();
		assert_int_equal(u_wstat(c, 2, &ws), 0); /* a sync changes nothing */
		assert_int_equal(u_open(c, 2, P9_OREAD, NULL), 0);
		assert_int_equal(u_read(c, 2, 0, sizeof(buf), buf), 3);
		assert_int_equal(u_write(c, 2, 0, "x"), -EROFS);
		assert_int_equal(u_walk(c, 0, 3, "f", NULL), 1);
		assert_int_equal(u_remove(c, 3), -EROFS);
		assert_true(host_exists("f"));
		assert_int_equal(u_clunk(c, 2), 0);
		assert_int_equal(u_clunk(c, 1), 0);
		p9_client_free(c);
	}
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	const struct CMUnitTest tests[] = {
	        T(version_strings_pick_the_dialect),
	        T(version_sets_the_wire_dialect),
	        T(dotl_messages_are_refused_in_dotu_and_classic),
	        T(auth_is_refused),
	        T(classic_attach_maps_uname_through_the_user_database),
	        T(dotu_attach_prefers_n_uname_then_uname),
	        T(attach_to_unknown_aname_is_enoent),
	        T(walk_open_read_write_clunk),
	        T(open_modes_map_to_open_flags),
	        T(create_file_and_directory),
	        T(classic_create_permissions_are_bounded_by_the_directory),
	        T(dotu_create_special_files),
	        T(dir_read_returns_exactly_the_entries),
	        T(dir_read_small_count_never_splits_a_record),
	        T(dir_read_offsets_continue_repeat_or_restart),
	        T(dir_read_without_search_permission_shows_the_listing),
	        T(stat_fields_are_exact),
	        T(stat_of_root_directory_symlink_and_setuid),
	        T(stat_of_unknown_owner_is_its_number),
	        T(wstat_renames_chmods_truncates_and_sets_times),
	        T(wstat_dont_touch_values_change_nothing),
	        T(wstat_refusals_change_nothing),
	        T(wstat_rename_through_a_stale_path_is_estale),
	        T(wstat_group_by_name_and_number),
	        T(orclose_removes_at_clunk),
	        T(remove_removes_and_clunks),
	        T(errors_carry_errno_in_dotu_and_text_in_classic),
	        cmocka_unit_test_setup_teardown(readonly_export_refuses_changes, setup_readonly,
	                                        teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
