/*
 * test_faults.c: host errors injected under the server (the platform
 * fault table, p9_os_fault_inject) reach the client as the right error,
 * leave nothing half-made behind, leak no descriptor, and the server
 * keeps answering.
 *
 * Decisions these tests pin down:
 *  - EINTR from a host call is retried inside the platform layer (a
 *    signal is not an error a client should see); only a waiting lock
 *    lets it out, for Tflush.
 *  - EMFILE/ENFILE is the client's error for that one request; the
 *    server's own handle budget (RLIMIT_NOFILE) keeps it rare, and the
 *    next request works.
 *  - A create that fails after the file was made (metadata of the mapped
 *    models) takes the file away again: no orphan file, no orphan
 *    metadata.
 *
 * P9_TEST_MODEL picks the model, as in test_escape. The run prints
 * "faults injected: N".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "platform/platform.h"

static struct harness H;
static enum p9_security_model model;
static unsigned injected;
static int fds_before;

static void inject(enum p9_os_call call, int err, unsigned skip, unsigned times)
{
	injected += times ? times : 1;
	p9_os_fault_inject(call, err, skip, times);
}

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static int setup(void **state)
{
	(void)state;
	const char *m = getenv("P9_TEST_MODEL");
	struct p9_server_config cfg;
	p9_server_config_init(&cfg);
	model = geteuid() == 0 ? P9_SM_PASSTHROUGH : P9_SM_NONE;
	if (m && strcmp(m, "none") == 0)
		model = P9_SM_NONE;
	else if (m && strcmp(m, "mapped-xattr") == 0)
		model = P9_SM_MAPPED_XATTR;
	else if (m && strcmp(m, "mapped-file") == 0)
		model = P9_SM_MAPPED_FILE;
	cfg.model = model;
	if (harness_start(&H, &cfg, 0) < 0)
		return -1;
	fds_before = count_fds();
	return 0;
}

/* After every test: no fault armed, the server answers, and every
 * descriptor the test's requests opened is closed again. */
static int teardown(void **state)
{
	(void)state;
	p9_os_fault_clear();
	struct p9_rgetattr a;
	int e = p9_client_getattr(H.c, H.root, P9_GETATTR_ALL, &a);
	int after = count_fds();
	harness_stop(&H);
	if (e != 0) {
		fprintf(stderr, "server does not answer after the faults: %d\n", e);
		return -1;
	}
	if (after != fds_before) {
		fprintf(stderr, "descriptors: %d before, %d after\n", fds_before, after);
		return -1;
	}
	return 0;
}

static uint32_t open_rw(const char *name, const char *content)
{
	assert_int_equal(harness_write_file(&H, name, content), 0);
	int64_t f = open_path(H.c, H.root, name, P9_DOTL_RDWR);
	assert_true(f >= 0);
	return (uint32_t)f;
}

/* One Twrite/Tread by hand: the count in the reply, or -ecode. */
static int64_t raw_io(uint8_t type, uint32_t fid, uint64_t off, const void *data, uint32_t count,
                      void *out)
{
	struct p9_fcall tx = { .type = type }, rx;
	if (type == P9_TWRITE) {
		tx.u.twrite.fid = fid;
		tx.u.twrite.offset = off;
		tx.u.twrite.count = count;
		tx.u.twrite.data = data;
	} else {
		tx.u.tread.fid = fid;
		tx.u.tread.offset = off;
		tx.u.tread.count = count;
	}
	assert_int_equal(p9_client_rpc(H.c, &tx, &rx), 0);
	if (rx.type == P9_RLERROR)
		return -(int64_t)rx.u.rlerror.ecode;
	if (type == P9_TWRITE)
		return rx.u.rwrite.count;
	memcpy(out, rx.u.rread.data, rx.u.rread.count);
	return rx.u.rread.count;
}

static void write_enospc_eio_edquot_reach_the_client_and_change_nothing(void **state)
{
	(void)state;
	uint32_t f = open_rw("f", "0123456789");
	const int errs[] = {-ENOSPC, -EIO, -EDQUOT, -EFBIG};
	char buf[32];
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		inject(P9_OS_CALL_WRITE, errs[i], 0, 1);
		assert_int_equal(p9_client_write(H.c, f, 2, "XXXX", 4), errs[i]);
		assert_int_equal(harness_read_file(&H, "f", buf, sizeof(buf)), 10);
		assert_string_equal(buf, "0123456789");
	}
	/* the next write works */
	assert_int_equal(p9_client_write(H.c, f, 2, "abcd", 4), 4);
	assert_int_equal(harness_read_file(&H, "f", buf, sizeof(buf)), 10);
	assert_string_equal(buf, "01abcd6789");
	p9_client_clunk(H.c, f);
}

static void read_eio_reaches_the_client_and_the_next_read_works(void **state)
{
	(void)state;
	uint32_t f = open_rw("f", "payload");
	char buf[32] = {0};
	inject(P9_OS_CALL_READ, -EIO, 0, 1);
	assert_int_equal(p9_client_read(H.c, f, 0, buf, sizeof(buf)), -EIO);
	assert_int_equal(p9_client_read(H.c, f, 0, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "payload");
	/* the same on a directory listing and a readlink */
	int64_t d = open_path(H.c, H.root, "", P9_DOTL_RDONLY | P9_DOTL_DIRECTORY);
	assert_true(d >= 0);
	inject(P9_OS_CALL_READ, -EIO, 0, 1);
	struct p9_fcall tx = { .type = P9_TREADDIR }, rx;
	tx.u.tread.fid = (uint32_t)d;
	tx.u.tread.count = 4096;
	assert_int_equal(p9_client_rpc(H.c, &tx, &rx), 0);
	assert_int_equal(rx.type, P9_RLERROR);
	assert_int_equal(rx.u.rlerror.ecode, EIO);
	assert_int_equal(p9_client_rpc(H.c, &tx, &rx), 0);
	assert_int_equal(rx.type, P9_RREADDIR);
	assert_true(rx.u.rread.count > 0);
	p9_client_clunk(H.c, (uint32_t)d);
	p9_client_clunk(H.c, f);
}

static void short_writes_and_reads_show_the_short_count_with_the_right_bytes(void **state)
{
	(void)state;
	uint32_t f = open_rw("f", "");
	char buf[128] = {0};
	inject(P9_OS_CALL_WRITE, P9_OS_FAULT_SHORT, 0, 1);
	assert_int_equal(raw_io(P9_TWRITE, f, 0, "abcdefghij", 10, NULL), 5);
	assert_int_equal(harness_read_file(&H, "f", buf, sizeof(buf)), 5);
	assert_string_equal(buf, "abcde");
	/* the client library carries on from the short count */
	inject(P9_OS_CALL_WRITE, P9_OS_FAULT_SHORT, 0, 3);
	assert_int_equal(p9_client_write(H.c, f, 5, "fghijklmnop", 11), 11);
	assert_int_equal(harness_read_file(&H, "f", buf, sizeof(buf)), 16);
	assert_string_equal(buf, "abcdefghijklmnop");
	inject(P9_OS_CALL_READ, P9_OS_FAULT_SHORT, 0, 1);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(raw_io(P9_TREAD, f, 2, NULL, 10, buf), 5);
	assert_string_equal(buf, "cdefg");
	inject(P9_OS_CALL_READ, P9_OS_FAULT_SHORT, 0, 4);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(p9_client_read(H.c, f, 0, buf, 16), 16);
	assert_string_equal(buf, "abcdefghijklmnop");
	p9_client_clunk(H.c, f);
}

static void eintr_is_retried_and_never_reaches_the_client(void **state)
{
	(void)state;
	uint32_t f = open_rw("f", "0123456789");
	char buf[32] = {0};
	inject(P9_OS_CALL_WRITE, -EINTR, 0, 5);
	assert_int_equal(p9_client_write(H.c, f, 0, "ABC", 3), 3);
	inject(P9_OS_CALL_READ, -EINTR, 0, 5);
	assert_int_equal(p9_client_read(H.c, f, 0, buf, sizeof(buf)), 10);
	assert_string_equal(buf, "ABC3456789");
	inject(P9_OS_CALL_OPEN, -EINTR, 0, 3);
	int64_t g = open_path(H.c, H.root, "f", P9_DOTL_RDONLY);
	assert_true(g >= 0);
	inject(P9_OS_CALL_FSYNC, -EINTR, 0, 2);
	assert_int_equal(p9_client_fsync(H.c, f, 0), 0);
	inject(P9_OS_CALL_NAMESPACE, -EINTR, 0, 2);
	assert_int_equal(p9_client_mkdir(H.c, H.root, "d", 0755, 0, NULL), 0);
	inject(P9_OS_CALL_STAT, -EINTR, 0, 2);
	struct p9_rgetattr a;
	assert_int_equal(p9_client_getattr(H.c, f, P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.size, 10);
	p9_client_clunk(H.c, (uint32_t)g);
	p9_client_clunk(H.c, f);
}

static void emfile_on_open_and_walk_is_that_requests_error(void **state)
{
	(void)state;
	assert_int_equal(harness_write_file(&H, "f", "x"), 0);
	assert_int_equal(mkdirat(H.exportfd, "d", 0755), 0);
	uint32_t fid;
	/* walk to a name not yet known: the server opens a handle for it */
	inject(P9_OS_CALL_OPEN, -EMFILE, 0, 1);
	assert_int_equal(p9_client_walk(H.c, H.root, "d", &fid, NULL), -EMFILE);
	assert_int_equal(p9_client_walk(H.c, H.root, "d", &fid, NULL), 0);
	p9_client_clunk(H.c, fid);
	assert_int_equal(p9_client_walk(H.c, H.root, "f", &fid, NULL), 0);
	inject(P9_OS_CALL_OPEN, -ENFILE, 0, 1);
	assert_int_equal(p9_client_lopen(H.c, fid, P9_DOTL_RDONLY, NULL, NULL), -ENFILE);
	/* the fid is still a walked, unopened fid: opening again works */
	assert_int_equal(p9_client_lopen(H.c, fid, P9_DOTL_RDONLY, NULL, NULL), 0);
	char c;
	assert_int_equal(p9_client_read(H.c, fid, 0, &c, 1), 1);
	p9_client_clunk(H.c, fid);
	/* a create whose open fails leaves no file */
	uint32_t d;
	assert_int_equal(p9_client_walk(H.c, H.root, "d", &d, NULL), 0);
	inject(P9_OS_CALL_OPEN, -EMFILE, 0, 1);
	assert_int_equal(p9_client_lcreate(H.c, d, "new", P9_DOTL_RDWR, 0644, 0, NULL, NULL),
	                 -EMFILE);
	assert_int_equal(faccessat(H.exportfd, "d/new", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	p9_client_clunk(H.c, d);
}

/* Entries of a host directory, metadata included. */
static int host_entries(const char *rel)
{
	int fd = openat(H.exportfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	DIR *dir = fdopendir(fd);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(dir);
	return n;
}

/* mkdir, create, symlink and mknod failing at each host call they make
 * (the first, then every later one in turn) leave the directory as it
 * was: nothing made, no metadata. */
static void enospc_in_any_step_of_a_create_leaves_nothing_behind(void **state)
{
	(void)state;
	assert_int_equal(mkdirat(H.exportfd, "d", 0755), 0);
	/* make the metadata directory exist in mapped-file, so "as it was"
	 * is stable: one file made and removed through the client */
	uint32_t d;
	assert_int_equal(p9_client_walk(H.c, H.root, "d", &d, NULL), 0);
	assert_int_equal(p9_client_mknod(H.c, d, "seed", S_IFREG | 0644, 0, 0, 0, NULL), 0);
	assert_int_equal(p9_client_unlinkat(H.c, d, "seed", 0), 0);
	int base = host_entries("d"), meta = host_entries("d/.virtfs_metadata");
	const enum p9_os_call calls[] = {P9_OS_CALL_NAMESPACE, P9_OS_CALL_OPEN,    P9_OS_CALL_WRITE,
	                                 P9_OS_CALL_XATTR,     P9_OS_CALL_SETATTR, P9_OS_CALL_STAT};
	int failures = 0;
	for (int op = 0; op < 4; op++) {
		for (size_t k = 0; k < sizeof(calls) / sizeof(calls[0]); k++) {
			for (unsigned skip = 0; skip < 3; skip++) {
				int e;
				inject(calls[k], -ENOSPC, skip, 1);
				if (op == 0) {
					e = p9_client_mkdir(H.c, d, "x", 0755, 0, NULL);
				} else if (op == 1) {
					uint32_t c;
					assert_int_equal(p9_client_walk(H.c, d, "", &c, NULL), 0);
					e = p9_client_lcreate(H.c, c, "x", P9_DOTL_RDWR, 0644, 0,
					                      NULL, NULL);
					p9_client_clunk(H.c, c);
				} else if (op == 2) {
					e = p9_client_symlink(H.c, d, "x", "target", 0, NULL);
				} else {
					e = p9_client_mknod(H.c, d, "x", S_IFIFO | 0644, 0, 0, 0,
					                    NULL);
				}
				p9_os_fault_clear();
				if (e == 0) {
					/* the fault hit nothing on this path: it is made */
					assert_int_equal(
					        p9_client_unlinkat(H.c, d, "x",
					                           op == 0 ? P9_AT_REMOVEDIR : 0),
					        0);
				} else {
					assert_int_equal(e, -ENOSPC);
					failures++;
				}
				if (host_entries("d") != base ||
				    host_entries("d/.virtfs_metadata") != meta)
					fail_msg("op %d, call %zu failing after %u: left %d+%d "
					         "entries (answer %d)",
					         op, k, skip, host_entries("d") - base,
					         host_entries("d/.virtfs_metadata") - meta, e);
			}
		}
	}
	assert_true(failures >= 4);
	print_message("creates failed part-way: %d, each left nothing behind\n", failures);
	p9_client_clunk(H.c, d);
}

static void fsync_eio_reaches_the_client(void **state)
{
	(void)state;
	uint32_t f = open_rw("f", "x");
	inject(P9_OS_CALL_FSYNC, -EIO, 0, 1);
	assert_int_equal(p9_client_fsync(H.c, f, 0), -EIO);
	inject(P9_OS_CALL_FSYNC, -EIO, 0, 1);
	assert_int_equal(p9_client_fsync(H.c, f, 1), -EIO);
	assert_int_equal(p9_client_fsync(H.c, f, 0), 0);
	p9_client_clunk(H.c, f);
}

static void every_kind_of_fault_on_every_request_keeps_the_server_alive(void **state)
{
	(void)state;
	/* a small workload run with each call kind failing every time: each
	 * request gets an answer (an error or not), nothing hangs */
	const int errs[] = {-EIO, -ENOSPC, -EACCES, -ENOMEM, P9_OS_FAULT_SHORT};
	int answered = 0;
	for (int k = 0; k < P9_OS_NCALLS; k++) {
		for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
			uint32_t d, f;
			char buf[16];
			inject((enum p9_os_call)k, errs[i], 0, 0);
			int e = p9_client_walk(H.c, H.root, "", &d, NULL);
			if (e == 0) {
				e = p9_client_lcreate(H.c, d, "w", P9_DOTL_RDWR, 0644, 0, NULL,
				                      NULL);
				if (e == 0) {
					p9_client_write(H.c, d, 0, "data", 4);
					p9_client_read(H.c, d, 0, buf, sizeof(buf));
					p9_client_fsync(H.c, d, 0);
				}
				p9_client_clunk(H.c, d);
			}
			if (p9_client_walk(H.c, H.root, "w", &f, NULL) == 0) {
				struct p9_rgetattr a;
				p9_client_getattr(H.c, f, P9_GETATTR_ALL, &a);
				p9_client_xattr_set(H.c, f, "user.k", "v", 1, 0);
				p9_client_clunk(H.c, f);
			}
			p9_client_mkdir(H.c, H.root, "m", 0755, 0, NULL);
			p9_client_unlinkat(H.c, H.root, "m", P9_AT_REMOVEDIR);
			p9_client_unlinkat(H.c, H.root, "w", 0);
			p9_os_fault_clear();
			struct p9_rgetattr a;
			assert_int_equal(p9_client_getattr(H.c, H.root, P9_GETATTR_ALL, &a), 0);
			answered++;
			/* leftovers from a half-failed round are cleaned up now */
			p9_client_unlinkat(H.c, H.root, "m", P9_AT_REMOVEDIR);
			p9_client_unlinkat(H.c, H.root, "w", 0);
		}
	}
	assert_int_equal(answered, P9_OS_NCALLS * 5);
}

static int print_totals(void **state)
{
	(void)state;
	printf("faults injected: %u\n", injected);
	return 0;
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(write_enospc_eio_edquot_reach_the_client_and_change_nothing),
	        T(read_eio_reaches_the_client_and_the_next_read_works),
	        T(short_writes_and_reads_show_the_short_count_with_the_right_bytes),
	        T(eintr_is_retried_and_never_reaches_the_client),
	        T(emfile_on_open_and_walk_is_that_requests_error),
	        T(enospc_in_any_step_of_a_create_leaves_nothing_behind),
	        T(fsync_eio_reaches_the_client),
	        T(every_kind_of_fault_on_every_request_keeps_the_server_alive),
	};
	setvbuf(stdout, NULL, _IONBF, 0);
	return cmocka_run_group_tests_name("faults", tests, NULL, print_totals);
}
