/*
 * test_identity.c: p9_os_become / p9_os_become_self act on the calling
 * thread only, and the kernel then checks permissions as that user.
 * Needs root (skipped otherwise, with the reason printed).
 */
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "p9/proto.h"

#define NOBODY 65534u
#define GROUP 12345u

struct dirs {
	int priv;   /* root:root 0700 */
	int pub;    /* root:root 0777 */
	int grp;    /* root:GROUP 0770 */
	int secret; /* O_PATH of a root:root 0600 file */
	pthread_barrier_t become_done, main_done;
	int failures; /* assertions in the worker can't longjmp across threads */
};

#define CHECK(d, cond)                                                                             \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			print_error("worker check failed: %s (line %d)\n", #cond, __LINE__);       \
			(d)->failures++;                                                           \
		}                                                                                  \
	} while (0)

static int make_dir(int parent, const char *name, unsigned mode, gid_t gid)
{
	assert_int_equal(mkdirat(parent, name, mode), 0);
	assert_int_equal(fchownat(parent, name, 0, gid, 0), 0);
	assert_int_equal(fchmodat(parent, name, mode, 0), 0);
	int fd = openat(parent, name, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static void *worker(void *arg)
{
	struct dirs *d = arg;
	p9_os_thread_init();
	const uint32_t groups[] = {NOBODY};
	CHECK(d, p9_os_become(NOBODY, NOBODY, groups, 1) == 0);
	CHECK(d, p9_os_openat(d->priv, "x", P9_DOTL_CREATE | P9_DOTL_WRONLY, 0600) == -EACCES);
	CHECK(d, p9_os_mkdirat(d->priv, "x", 0700) == -EACCES);
	/* re-opening a handle checks permission as the user too */
	CHECK(d, p9_os_reopen(d->secret, P9_DOTL_RDONLY) == -EACCES);
	int fd = p9_os_openat(d->pub, "mine", P9_DOTL_CREATE | P9_DOTL_WRONLY, 0644);
	CHECK(d, fd >= 0);
	struct p9_os_stat st;
	CHECK(d, p9_os_fstat(fd, &st) == 0 && st.uid == NOBODY && st.gid == NOBODY);
	/* chmod of someone else's file is refused (CAP_FOWNER is gone) */
	CHECK(d, p9_os_fchmod(d->secret, 0666) == -EPERM);
	p9_os_close(fd);
	CHECK(d, p9_os_openat(d->grp, "g", P9_DOTL_CREATE | P9_DOTL_WRONLY, 0600) == -EACCES);
	/* the thread's own group list, not the process's */
	gid_t got[4];
	CHECK(d, getgroups(4, got) == 1 && got[0] == NOBODY);

	/* let the main thread check that it is still root meanwhile */
	pthread_barrier_wait(&d->become_done);
	pthread_barrier_wait(&d->main_done);

	const uint32_t g2[] = {NOBODY, GROUP};
	CHECK(d, p9_os_become(NOBODY, NOBODY, g2, 2) == 0);
	fd = p9_os_openat(d->grp, "g", P9_DOTL_CREATE | P9_DOTL_WRONLY, 0600);
	CHECK(d, fd >= 0);
	p9_os_close(fd);
	/* switching user to user directly works (CAP_SETUID is kept) */
	CHECK(d, p9_os_become(1000, 1000, NULL, 0) == 0);
	CHECK(d, p9_os_openat(d->grp, "h", P9_DOTL_CREATE | P9_DOTL_WRONLY, 0600) == -EACCES);
	CHECK(d, getgroups(0, NULL) == 0);

	CHECK(d, p9_os_become_self() == 0);
	fd = p9_os_openat(d->priv, "root", P9_DOTL_CREATE | P9_DOTL_WRONLY, 0600);
	CHECK(d, fd >= 0);
	CHECK(d, p9_os_fstat(fd, &st) == 0 && st.uid == 0 && st.gid == 0);
	p9_os_close(fd);
	CHECK(d, p9_os_fchmod(d->secret, 0600) == 0);
	fd = p9_os_reopen(d->secret, P9_DOTL_RDONLY);
	CHECK(d, fd >= 0);
	p9_os_close(fd);

	/* an id of -1 would silently keep root: refused, thread unchanged */
	CHECK(d, p9_os_become(UINT32_MAX, NOBODY, NULL, 0) == -EINVAL);
	CHECK(d, p9_os_become(NOBODY, UINT32_MAX, NULL, 0) == -EINVAL);
	fd = p9_os_openat(d->priv, "root2", P9_DOTL_CREATE | P9_DOTL_WRONLY, 0600);
	CHECK(d, fd >= 0);
	p9_os_close(fd);
	return NULL;
}

static void become_is_per_thread_and_become_self_restores(void **state)
{
	struct tdir *t = *state;
	if (geteuid() != 0) {
		print_message("skipped: acting as other users needs root\n");
		assert_true(p9_os_become(NOBODY, NOBODY, NULL, 0) < 0);
		skip();
	}
	gid_t before[64];
	int nbefore = getgroups(64, before);
	assert_true(nbefore >= 0);
	struct dirs d = {0};
	d.priv = make_dir(t->fd, "priv", 0700, 0);
	d.pub = make_dir(t->fd, "pub", 0777, 0);
	d.grp = make_dir(t->fd, "grp", 0770, GROUP);
	mkfile(d.priv, "secret", "s", 0600);
	d.secret = open_path(d.priv, "secret");
	pthread_barrier_init(&d.become_done, NULL, 2);
	pthread_barrier_init(&d.main_done, NULL, 2);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, worker, &d), 0);
	pthread_barrier_wait(&d.become_done);
	/* the worker is "nobody" now; this thread is still root */
	int fd = p9_os_openat(d.priv, "main", P9_DOTL_CREATE | P9_DOTL_WRONLY, 0600);
	assert_true(fd >= 0);
	struct p9_os_stat st;
	assert_int_equal(p9_os_fstat(fd, &st), 0);
	assert_int_equal(st.uid, 0);
	p9_os_close(fd);
	gid_t now[64];
	assert_int_equal(getgroups(64, now), nbefore);
	assert_memory_equal(now, before, (size_t)nbefore * sizeof(gid_t));
	pthread_barrier_wait(&d.main_done);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(d.failures, 0);
	struct p9_os_stat mine;
	stat_name(d.pub, "mine", &mine);
	assert_int_equal(mine.uid, NOBODY);
	assert_int_equal(mine.gid, NOBODY);
	pthread_barrier_destroy(&d.become_done);
	pthread_barrier_destroy(&d.main_done);
	close(d.secret);
	close(d.priv);
	close(d.pub);
	close(d.grp);
}

static void user_groups_lists_or_falls_back(void **state)
{
	(void)state;
	uint32_t g[256];
	int n = p9_os_user_groups(0, 0, g, 256);
	assert_true(n >= 1);
	int has0 = 0;
	for (int i = 0; i < n; i++)
		has0 |= g[i] == 0;
	assert_true(has0);
	/* no such user: the primary group alone */
	n = p9_os_user_groups(3999999, 4242, g, 256);
	assert_int_equal(n, 1);
	assert_int_equal(g[0], 4242);
	assert_int_equal(p9_os_user_groups(0, 0, g, 0), -ERANGE);
	/* root's list is whatever the host's getgrouplist says */
	gid_t host[256];
	int hn = 256;
	assert_true(getgrouplist("root", 0, host, &hn) >= 0);
	n = p9_os_user_groups(0, 0, g, 256);
	assert_int_equal(n, hn);
	for (int i = 0; i < n; i++)
		assert_int_equal(g[i], host[i]);
}

int run_identity_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(become_is_per_thread_and_become_self_restores,
	                                        tdir_setup, tdir_teardown),
	        cmocka_unit_test(user_groups_lists_or_falls_back),
	};
	return cmocka_run_group_tests_name("platform/identity", tests, NULL, NULL);
}
