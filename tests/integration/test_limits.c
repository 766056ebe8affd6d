/*
 * test_limits.c: the server under a small RLIMIT_NOFILE.
 *
 * With only 256 descriptors, a client still walks to 3,000 distinct files
 * and keeps a fid on each: nodes past the handle budget keep no handle
 * and are opened again from their parent on each use. Every fid must
 * still work, including after its directory was renamed, and an unlinked
 * file's fid must keep its file.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define NFILES 3000

static struct harness H;

static int setup(void **state)
{
	(void)state;
	struct rlimit rl = { 256, 256 };
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	struct p9_server_config cfg;
	p9_server_config_init(&cfg);
	cfg.model = P9_SM_NONE;
	return harness_start(&H, &cfg, 0) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	harness_stop(&H);
	return 0;
}

static void thousands_of_fids_under_256_descriptors(void **state)
{
	(void)state;
	char name[64], buf[64];
	assert_int_equal(mkdirat(H.exportfd, "d", 0755), 0);
	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "d/f%d", i);
		snprintf(buf, sizeof(buf), "content %d", i);
		assert_int_equal(harness_write_file(&H, name, buf), 0);
	}
	uint32_t *fids = calloc(NFILES, sizeof(*fids));
	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "d/f%d", i);
		assert_int_equal(p9_client_walk(H.c, H.root, name, &fids[i], NULL), 0);
	}
	/* Every fid still names its own file, even after the directory moved. */
	assert_int_equal(p9_client_renameat(H.c, H.root, "d", H.root, "moved"), 0);
	for (int i = 0; i < NFILES; i += 7) {
		struct p9_rgetattr a;
		char want[64];
		assert_int_equal(p9_client_getattr(H.c, fids[i], P9_GETATTR_ALL, &a), 0);
		snprintf(want, sizeof(want), "content %d", i);
		assert_int_equal(a.size, strlen(want));
		assert_int_equal(p9_client_lopen(H.c, fids[i], P9_DOTL_RDONLY, NULL, NULL), 0);
		memset(buf, 0, sizeof(buf));
		assert_int_equal(p9_client_read(H.c, fids[i], 0, buf, sizeof(buf)), strlen(want));
		assert_string_equal(buf, want);
		assert_int_equal(p9_client_clunk(H.c, fids[i]), 0);
		fids[i] = 0;
	}
	/* A file unlinked on the client side keeps its fid working. */
	assert_int_equal(p9_client_unlinkat(H.c, H.root, "moved", 0), -EISDIR);
	uint32_t dir;
	assert_int_equal(p9_client_walk(H.c, H.root, "moved", &dir, NULL), 0);
	assert_int_equal(p9_client_unlinkat(H.c, dir, "f2999", 0), 0);
	struct p9_rgetattr a;
	assert_int_equal(p9_client_getattr(H.c, fids[2999], P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.nlink, 0);
	assert_int_equal(p9_client_lopen(H.c, fids[2999], P9_DOTL_RDONLY, NULL, NULL), 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(p9_client_read(H.c, fids[2999], 0, buf, sizeof(buf)), 12);
	assert_string_equal(buf, "content 2999");
	/* A file replaced on the host: a fid with a handle keeps the old
	 * file; one past the budget (no handle) is stale, never silently
	 * the new file. */
	assert_int_equal(unlinkat(H.exportfd, "moved/f1", 0), 0);
	assert_int_equal(harness_write_file(&H, "moved/f1", "impostor"), 0);
	assert_int_equal(p9_client_getattr(H.c, fids[1], P9_GETATTR_ALL, &a), 0);
	assert_int_equal(a.nlink, 0);
	assert_int_equal(a.size, 9);
	assert_int_equal(unlinkat(H.exportfd, "moved/f2000", 0), 0);
	assert_int_equal(harness_write_file(&H, "moved/f2000", "impostor"), 0);
	assert_int_equal(p9_client_getattr(H.c, fids[2000], P9_GETATTR_ALL, &a), -ESTALE);
	free(fids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(thousands_of_fids_under_256_descriptors, setup,
						teardown),
	};
	return cmocka_run_group_tests_name("limits", tests, NULL, NULL);
}
