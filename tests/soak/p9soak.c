/*
 * p9soak: p9d under load for a bounded time, as a separate process on a
 * Unix socket, and a durability check.
 *
 *   p9soak --p9d PATH [--seconds N] [--conns N] [--threads N] [--valgrind]
 *   p9soak --p9d PATH --durability
 *   p9soak --p9d PATH --stall
 *
 * Soak: N connections (default 300) spread over worker threads, each
 * doing a random mix of walk, open, read, write (read back and compared),
 * create, unlink, rename, readdir, getattr, xattr and lock on files of
 * its own and in one shared directory where renames race readdirs; plus
 * Tflush storms and clients that hang up with requests in flight. At the
 * end every connection closes and the server's descriptors must be what
 * they were when idle at the start, and its RSS near that of an idle
 * point after a warm-up round. Every reply is unpacked and checked by the
 * client library (-EPROTO is an error). Errors are counted by errno; only
 * ENOENT and EEXIST (races between clients, by design) are expected.
 * P9SOAK_SECONDS overrides --seconds (10+ minutes for a long run).
 * With --valgrind the server runs under valgrind (memcheck, definite
 * leaks and every error fail its exit, which p9soak checks); its RSS is
 * then valgrind's, so the RSS check is left to the leak check.
 *
 * Durability: write files through the server (some fsynced, all
 * acknowledged), SIGKILL the server, and find every acknowledged byte in
 * the host files, then again after dropping the page cache when allowed
 * (root). What this proves: data acknowledged by Rwrite/Rfsync is in the
 * kernel (page cache or disk) when the reply leaves, so a crash of p9d
 * loses none of it. A power cut is not testable here: that needs the
 * device to honour the flush fsync sends.
 *
 * Stall: a client sends Tread 1 MiB after Tread 1 MiB for 3 s and never
 * reads a reply; the server's RSS must stay within its backlog bound, and
 * another client's getattr latency must stay sane meanwhile.
 *
 * Exit: 0 on success, 1 on a failed check, 77 when p9d cannot start.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "p9/client.h"

static const char *p9d_path;
static int under_valgrind;
static char base[256], export_dir[300], sock_addr[320];
static pid_t server;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int start_server(void)
{
	snprintf(base, sizeof(base), "/var/tmp/p9soak-XXXXXX");
	if (!mkdtemp(base))
		return -1;
	chmod(base, 0755);
	snprintf(export_dir, sizeof(export_dir), "%s/export", base);
	mkdir(export_dir, 0755);
	char sock[300];
	snprintf(sock, sizeof(sock), "%s/sock", base);
	snprintf(sock_addr, sizeof(sock_addr), "unix:%s", sock);
	server = fork();
	if (server == 0) {
		if (under_valgrind)
			execlp("valgrind", "valgrind", "-q", "--error-exitcode=9",
			       "--leak-check=full", "--errors-for-leak-kinds=definite",
			       p9d_path, "--export", export_dir, "--listen", sock_addr,
			       "--security-model", "none", (char *)NULL);
		else
			execl(p9d_path, p9d_path, "--export", export_dir, "--listen", sock_addr,
			      "--security-model", "none", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 3000; i++) { /* valgrind starts slowly */
		struct p9_client *c;
		if (p9_client_dial(sock_addr, &c) == 0) {
			p9_client_free(c);
			return 0;
		}
		if (waitpid(server, NULL, WNOHANG) == server) {
			server = 0; /* it exited: nothing to kill */
			return -1;
		}
		usleep(10000);
	}
	return -1;
}

static void remove_base(void)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd) != 0) {
		/* best effort */
	}
}

static int server_fds(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)server);
	DIR *d = opendir(path);
	int n = 0;
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 2;
}

static long server_rss_kb(void)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)server);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int connect_one(struct p9_client **c, uint32_t *root)
{
	int e = p9_client_dial(sock_addr, c);
	if (e < 0)
		return e;
	if ((e = p9_client_version(*c, 256 * 1024, "9P2000.L")) < 0 ||
	    (e = p9_client_attach(*c, "", "", 0, root, NULL)) < 0) {
		p9_client_free(*c);
		*c = NULL;
	}
	return e;
}

/* ---- soak ---- */

#define MAXERR 200
static atomic_ulong ops, errs[MAXERR], unexpected, mismatches, reconnects, flushes;
static atomic_int stop;
static int nconns = 300, nthreads = 8;

struct conn {
	struct p9_client *c;
	uint32_t root;
	int id;
};

struct worker {
	int first, count;
	struct conn *conns;
	unsigned seed;
};

/* Count an outcome; only ENOENT and EEXIST are expected. */
static __thread int cur_op;
static void note(int e)
{
	atomic_fetch_add(&ops, 1);
	if (e >= 0)
		return;
	int en = -e;
	atomic_fetch_add(&errs[en < MAXERR ? en : 0], 1);
	if (en != ENOENT && en != EEXIST) {
		if (atomic_fetch_add(&unexpected, 1) < 10)
			fprintf(stderr, "p9soak: unexpected error %d (%s) in operation %d\n", en,
			        strerror(en), cur_op);
	}
}

static void fill(uint8_t *buf, size_t n, unsigned key)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)((i * 31 + key) ^ (i >> 7));
}

static int dir_of(struct conn *cn, uint32_t *d)
{
	char name[32];
	snprintf(name, sizeof(name), "c%d", cn->id);
	return p9_client_walk(cn->c, cn->root, name, d, NULL);
}

static int count_entry(void *arg, const struct p9_dirent *de)
{
	(*(int *)arg)++;
	(void)de;
	return 0;
}

static void one_op(struct conn *cn, unsigned *seed)
{
	static __thread uint8_t wbuf[65536], rbuf[65536];
	struct p9_client *c = cn->c;
	unsigned r = (unsigned)rand_r(seed);
	int k = (int)(r >> 8) % 4;
	char name[32];
	uint32_t d, f;
	int e;
	snprintf(name, sizeof(name), "f%d", k);
	const char *only = getenv("P9SOAK_ONLY");
	if (only)
		r = r / 12 * 12 + (unsigned)atoi(only);
	cur_op = (int)(r % 12);
	switch (r % 12) {
	case 0: /* create + write + read back */
	case 1: {
		if ((e = dir_of(cn, &d)) < 0)
			return note(e);
		e = p9_client_lcreate(c, d, name, P9_DOTL_RDWR, 0644, 0, NULL, NULL);
		if (e < 0) {
			p9_client_clunk(c, d);
			return note(e);
		}
		size_t n = 1 + (r >> 4) % sizeof(wbuf);
		uint64_t off = (r >> 12) % 100000;
		fill(wbuf, n, r);
		ssize_t w = p9_client_write(c, d, off, wbuf, n);
		if (w == (ssize_t)n) {
			ssize_t got = p9_client_read(c, d, off, rbuf, n);
			if (got != (ssize_t)n || memcmp(rbuf, wbuf, n) != 0)
				atomic_fetch_add(&mismatches, 1);
			note(got < 0 ? (int)got : 0);
		} else {
			note(w < 0 ? (int)w : -EIO);
		}
		p9_client_clunk(c, d);
		return;
	}
	case 2: /* unlink */
		if ((e = dir_of(cn, &d)) < 0)
			return note(e);
		note(p9_client_unlinkat(c, d, name, 0));
		p9_client_clunk(c, d);
		return;
	case 3: { /* getattr + xattr */
		snprintf(name, sizeof(name), "c%d/f%d", cn->id, k);
		if ((e = p9_client_walk(c, cn->root, name, &f, NULL)) < 0)
			return note(e);
		struct p9_rgetattr a;
		note(p9_client_getattr(c, f, P9_GETATTR_ALL, &a));
		char v[16];
		snprintf(v, sizeof(v), "v%u", r);
		e = p9_client_xattr_set(c, f, "user.soak", v, strlen(v), 0);
		note(e);
		if (e == 0) {
			char back[16];
			ssize_t n = p9_client_xattr_get(c, f, "user.soak", back, sizeof(back));
			if (n != (ssize_t)strlen(v) || memcmp(back, v, (size_t)n) != 0)
				atomic_fetch_add(&mismatches, 1);
		}
		p9_client_clunk(c, f);
		return;
	}
	case 4: { /* lock and unlock */
		snprintf(name, sizeof(name), "c%d/f%d", cn->id, k);
		if ((e = p9_client_walk(c, cn->root, name, &f, NULL)) < 0)
			return note(e);
		if ((e = p9_client_lopen(c, f, P9_DOTL_RDWR, NULL, NULL)) == 0) {
			struct p9_client_lock lk = {.type = P9_LOCK_TYPE_WRLCK,
			                            .client_id = p9_str_c("soak")};
			uint8_t st;
			e = p9_client_lock(c, f, &lk, &st);
			if (e == 0 && st != P9_LOCK_SUCCESS)
				e = -EAGAIN;
			lk.type = P9_LOCK_TYPE_UNLCK;
			if (e == 0)
				e = p9_client_lock(c, f, &lk, &st);
		}
		note(e);
		p9_client_clunk(c, f);
		return;
	}
	case 5: /* shared: create racing renames and unlinks */
		if ((e = p9_client_walk(c, cn->root, "shared", &d, NULL)) < 0)
			return note(e);
		snprintf(name, sizeof(name), "s%u", (r >> 4) % 16);
		e = p9_client_lcreate(c, d, name, P9_DOTL_RDWR | P9_DOTL_EXCL, 0644, 0, NULL, NULL);
		note(e);
		p9_client_clunk(c, d);
		return;
	case 6: { /* shared: rename */
		char to[32];
		if ((e = p9_client_walk(c, cn->root, "shared", &d, NULL)) < 0)
			return note(e);
		snprintf(name, sizeof(name), "s%u", (r >> 4) % 16);
		snprintf(to, sizeof(to), "s%u", (r >> 9) % 16);
		note(p9_client_renameat(c, d, name, d, to));
		p9_client_clunk(c, d);
		return;
	}
	case 7: { /* shared: readdir while others rename */
		int64_t o;
		if ((e = p9_client_walk(c, cn->root, "shared", &d, NULL)) < 0)
			return note(e);
		if ((e = p9_client_lopen(c, d, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY, NULL, NULL)) ==
		    0) {
			int n = 0;
			e = p9_client_readdir(c, d, 0, count_entry, &n);
			if (e == 0 && (n < 2 || n > 2 + 16))
				atomic_fetch_add(&mismatches, 1);
		}
		note(e);
		p9_client_clunk(c, d);
		(void)o;
		return;
	}
	case 8: /* shared: unlink */
		if ((e = p9_client_walk(c, cn->root, "shared", &d, NULL)) < 0)
			return note(e);
		snprintf(name, sizeof(name), "s%u", (r >> 4) % 16);
		note(p9_client_unlinkat(c, d, name, 0));
		p9_client_clunk(c, d);
		return;
	case 9: { /* Tflush storm: 16 reads, each flushed */
		snprintf(name, sizeof(name), "c%d", cn->id);
		if ((e = p9_client_walk(c, cn->root, name, &d, NULL)) < 0)
			return note(e);
		e = p9_client_lcreate(c, d, "storm", P9_DOTL_RDWR, 0644, 0, NULL, NULL);
		if (e < 0) {
			p9_client_clunk(c, d);
			return note(e);
		}
		uint16_t tags[16];
		int sent = 0;
		for (int i = 0; i < 16; i++, sent++) {
			struct p9_fcall tx = { .type = P9_TREAD };
			tx.u.tread.fid = d;
			tx.u.tread.count = 65536;
			if (p9_client_send(c, &tx, &tags[i]) < 0)
				break;
		}
		for (int i = 0; i < sent; i++) {
			struct p9_fcall rx;
			note(p9_client_flush(c, tags[i]));
			atomic_fetch_add(&flushes, 1);
			/* the reply came before the Rflush, or never comes */
			if (p9_client_wait_timed(c, tags[i], &rx, 0, NULL) == -ETIMEDOUT)
				p9_client_forget(c, tags[i]);
		}
		p9_client_clunk(c, d);
		return;
	}
	case 10: { /* hang up with requests in flight, come back */
		if ((r >> 20) % 4)
			break; /* less often than the rest */
		snprintf(name, sizeof(name), "c%d", cn->id);
		if (p9_client_walk(c, cn->root, name, &d, NULL) == 0) {
			struct p9_fcall tx = { .type = P9_TREADDIR };
			uint16_t tag;
			tx.u.tread.fid = d;
			tx.u.tread.count = 8192;
			p9_client_send(c, &tx, &tag);
			struct p9_fcall w = { .type = P9_TWALK };
			w.u.twalk.fid = d;
			w.u.twalk.newfid = d + 1000;
			p9_client_send(c, &w, &tag);
		}
		p9_client_free(c);
		cn->c = NULL;
		e = connect_one(&cn->c, &cn->root);
		atomic_fetch_add(&reconnects, 1);
		note(e);
		return;
	}
	default: { /* walks with ".." */
		char path[64];
		snprintf(path, sizeof(path), "c%d/../shared/../c%d/f%d", cn->id, cn->id, k);
		e = p9_client_walk(c, cn->root, path, &f, NULL);
		if (e == 0)
			p9_client_clunk(c, f);
		note(e);
		return;
	}
	}
}

static void *soak_worker(void *arg)
{
	struct worker *w = arg;
	while (!atomic_load(&stop)) {
		struct conn *cn = &w->conns[w->first + rand_r(&w->seed) % w->count];
		if (!cn->c) {
			note(connect_one(&cn->c, &cn->root));
			continue;
		}
		one_op(cn, &w->seed);
	}
	return NULL;
}

static int run_round(struct conn *conns, double seconds)
{
	pthread_t t[64];
	struct worker w[64];
	int per = nconns / nthreads;
	for (int i = 0; i < nconns; i++) {
		conns[i].id = i;
		int e = connect_one(&conns[i].c, &conns[i].root);
		if (e < 0) {
			fprintf(stderr, "p9soak: connection %d: %s\n", i, strerror(-e));
			return -1;
		}
	}
	atomic_store(&stop, 0);
	for (int i = 0; i < nthreads; i++) {
		w[i] = (struct worker){.first = i * per,
		                       .count = i == nthreads - 1 ? nconns - i * per : per,
		                       .conns = conns,
		                       .seed = (unsigned)(i * 7919 + 1)};
		pthread_create(&t[i], NULL, soak_worker, &w[i]);
	}
	double end = now_s() + seconds;
	while (now_s() < end && waitpid(server, NULL, WNOHANG) == 0)
		usleep(100000);
	atomic_store(&stop, 1);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < nconns; i++) {
		p9_client_free(conns[i].c);
		conns[i].c = NULL;
	}
	return 0;
}

/* Wait until the server's descriptors settle at want (connections are
 * torn down asynchronously). */
static int settle_fds(int want)
{
	int n = server_fds();
	for (int i = 0; i < 300 && n != want; i++) {
		usleep(20000);
		n = server_fds();
	}
	return n;
}

static int soak(double seconds)
{
	char path[400];
	struct conn *conns = calloc((size_t)nconns, sizeof(*conns));
	snprintf(path, sizeof(path), "%s/shared", export_dir);
	mkdir(path, 0755);
	for (int i = 0; i < nconns; i++) {
		snprintf(path, sizeof(path), "%s/c%d", export_dir, i);
		mkdir(path, 0755);
	}
	usleep(200000);
	int fds0 = server_fds();
	long rss0 = server_rss_kb();
	/* a warm-up round, then the measured round */
	double warm = seconds / 6 < 5 ? seconds / 6 : 5;
	if (run_round(conns, warm) < 0)
		return 1;
	int fds1 = settle_fds(fds0);
	long rss1 = server_rss_kb();
	double t0 = now_s();
	unsigned long ops0 = atomic_load(&ops);
	if (run_round(conns, seconds - warm) < 0)
		return 1;
	double dt = now_s() - t0;
	unsigned long nops = atomic_load(&ops) - ops0;
	int fds2 = settle_fds(fds0);
	usleep(300000);
	long rss2 = server_rss_kb();
	int alive = waitpid(server, NULL, WNOHANG) == 0;
	printf("soak: %d connections (%lu reconnects after hanging up mid-request), %lu operations "
	       "in %.0f s, %.0f ops/s, %lu flushes\n",
	       nconns, atomic_load(&reconnects), nops, dt, nops / dt, atomic_load(&flushes));
	printf("soak: errors by errno:");
	for (int i = 0; i < MAXERR; i++)
		if (atomic_load(&errs[i]))
			printf(" %s %lu",
			       i == ENOENT   ? "ENOENT"
			       : i == EEXIST ? "EEXIST"
			                     : strerror(i),
			       atomic_load(&errs[i]));
	printf("; unexpected %lu; data mismatches %lu\n", atomic_load(&unexpected),
	       atomic_load(&mismatches));
	printf("soak: server descriptors idle %d, after warm-up %d, at the end %d; RSS idle %ld "
	       "KiB, after warm-up %ld KiB, at the end %ld KiB\n",
	       fds0, fds1, fds2, rss0, rss1, rss2);
	int bad = 0;
	if (!alive) {
		printf("FAIL: the server died\n");
		bad = 1;
	}
	if (atomic_load(&unexpected) || atomic_load(&mismatches)) {
		printf("FAIL: unexpected errors or data mismatches\n");
		bad = 1;
	}
	if (fds1 != fds0 || fds2 != fds0) {
		printf("FAIL: server descriptors leaked\n");
		bad = 1;
	}
	/* RSS: the second idle point may not be far above the first (a
	 * leak grows with the operations; allocator caches do not) */
	if (!under_valgrind && rss2 > rss1 + 32 * 1024 && rss2 > rss1 * 3 / 2) {
		printf("FAIL: server RSS grew from %ld to %ld KiB\n", rss1, rss2);
		bad = 1;
	}
	if (nops < 1000) {
		printf("FAIL: only %lu operations\n", nops);
		bad = 1;
	}
	free(conns);
	return bad;
}

/* ---- durability ---- */

#define DFILES 16
static int durability(void)
{
	struct p9_client *c;
	uint32_t root;
	static uint8_t data[DFILES][1 << 18];
	size_t len[DFILES];
	int fsynced[DFILES];
	if (connect_one(&c, &root) < 0)
		return 1;
	unsigned seed = 12345;
	size_t acked = 0;
	for (int i = 0; i < DFILES; i++) {
		char name[32];
		uint32_t f;
		snprintf(name, sizeof(name), "d%d", i);
		len[i] = 1 + (size_t)rand_r(&seed) % sizeof(data[i]);
		fill(data[i], len[i], (unsigned)i * 977);
		if (p9_client_walk(c, root, "", &f, NULL) < 0 ||
		    p9_client_lcreate(c, f, name, P9_DOTL_RDWR, 0644, 0, NULL, NULL) < 0)
			return 1;
		/* in pieces, at increasing offsets, as a client would */
		for (size_t off = 0; off < len[i];) {
			size_t n = 1 + (size_t)rand_r(&seed) % 40000;
			if (n > len[i] - off)
				n = len[i] - off;
			if (p9_client_write(c, f, off, data[i] + off, n) != (ssize_t)n) {
				printf("FAIL: write not acknowledged\n");
				return 1;
			}
			off += n;
		}
		acked += len[i];
		fsynced[i] = i % 2 == 0;
		if (fsynced[i] && p9_client_fsync(c, f, i % 4 == 2) != 0) {
			printf("FAIL: fsync\n");
			return 1;
		}
		/* no clunk: the server dies with the files open */
	}
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	p9_client_free(c);
	int bad = 0;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			sync();
			int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
			if (fd < 0 || write(fd, "3\n", 2) != 2) {
				printf("durability: page cache not dropped (%s): second pass "
				       "skipped\n",
				       strerror(errno));
				if (fd >= 0)
					close(fd);
				break;
			}
			close(fd);
		}
		for (int i = 0; i < DFILES; i++) {
			char path[400];
			static uint8_t back[1 << 18];
			snprintf(path, sizeof(path), "%s/d%d", export_dir, i);
			int fd = open(path, O_RDONLY);
			ssize_t n = fd < 0 ? -1 : read(fd, back, sizeof(back));
			if (fd >= 0)
				close(fd);
			if (n != (ssize_t)len[i] || memcmp(back, data[i], len[i]) != 0) {
				printf("FAIL: d%d (%s): %zd of %zu bytes match\n", i,
				       fsynced[i] ? "fsynced" : "acknowledged", n, len[i]);
				bad = 1;
			}
		}
		printf("durability: after SIGKILL%s: %d files, %zu acknowledged bytes (half of "
		       "the files fsynced) %s\n",
		       pass ? " and a dropped page cache" : "", DFILES, acked,
		       bad ? "NOT all found" : "all found, byte for byte");
	}
	return bad;
}

/* ---- stalled reader ---- */

static int send_fc(int s, struct p9_fcall *fc)
{
	uint8_t msg[256];
	size_t n = p9_pack(msg, sizeof(msg), P9_DIALECT_2000L, fc);
	return n > 0 && write(s, msg, n) == (ssize_t)n ? 0 : -1;
}

static int stall(void)
{
	char path[400];
	static uint8_t big[1 << 20];
	snprintf(path, sizeof(path), "%s/big", export_dir);
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || write(fd, big, sizeof(big)) != (ssize_t)sizeof(big))
		return 1;
	close(fd);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *sp = sock_addr + 5; /* after "unix:" */
	if (strlen(sp) >= sizeof(sa.sun_path))
		return 1;
	memcpy(sa.sun_path, sp, strlen(sp) + 1);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return 1;
	struct p9_fcall fc = { .type = P9_TVERSION, .tag = P9_NOTAG };
	fc.u.version.msize = (1u << 20) + 4096;
	fc.u.version.version = p9_str_c("9P2000.L");
	send_fc(s, &fc);
	fc = (struct p9_fcall){ .type = P9_TATTACH, .tag = 1 };
	fc.u.tattach.afid = P9_NOFID;
	send_fc(s, &fc);
	fc = (struct p9_fcall){ .type = P9_TWALK, .tag = 2 };
	fc.u.twalk.newfid = 1;
	fc.u.twalk.nwname = 1;
	fc.u.twalk.wname[0] = p9_str_c("big");
	send_fc(s, &fc);
	fc = (struct p9_fcall){ .type = P9_TLOPEN, .tag = 3 };
	fc.u.tlopen.fid = 1;
	send_fc(s, &fc);
	usleep(200000);
	long rss0 = server_rss_kb();
	fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
	unsigned sent = 0;
	double t0 = now_s();
	while (now_s() - t0 < 3) {
		fc = (struct p9_fcall){ .type = P9_TREAD, .tag = (uint16_t)(4 + sent % 60000) };
		fc.u.tread.fid = 1;
		fc.u.tread.count = 1u << 20;
		if (send_fc(s, &fc) < 0) {
			usleep(20000);
			continue;
		}
		sent++;
	}
	long rss1 = server_rss_kb();
	struct p9_client *c;
	uint32_t root;
	double worst = 0;
	if (connect_one(&c, &root) < 0)
		return 1;
	for (int i = 0; i < 200; i++) {
		struct p9_rgetattr a;
		double t = now_s();
		if (p9_client_getattr(c, root, P9_GETATTR_ALL, &a) < 0)
			return 1;
		if (now_s() - t > worst)
			worst = now_s() - t;
	}
	p9_client_free(c);
	long rss2 = server_rss_kb();
	/* what the stalled client was answered: Rversion, Rattach, Rwalk,
	 * Rlopen, then Rread or Rlerror */
	fcntl(s, F_SETFL, fcntl(s, F_GETFL) & ~O_NONBLOCK);
	char types[64] = "";
	for (int i = 0; i < 5; i++) {
		uint8_t h[7];
		if (recv(s, h, 7, MSG_WAITALL) != 7)
			break;
		uint32_t size = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 |
				(uint32_t)h[3] << 24;
		static uint8_t skip[1 << 20];
		if (size > 7 && size - 7 <= sizeof(skip) && recv(s, skip, size - 7, MSG_WAITALL) < 0)
			break;
		snprintf(types + strlen(types), sizeof(types) - strlen(types), " %u", h[4]);
	}
	printf("stall: first replies (types):%s\n", types);
	close(s);
	printf("stall: %u Tread 1 MiB sent, never read; server RSS %ld KiB before, %ld KiB after, "
	       "%ld KiB after another client's 200 getattrs (worst %.1f ms)\n",
	       sent, rss0, rss1, rss2, worst * 1e3);
	/* the 4 MiB backlog, a reply being made, and buffers: not 1 MiB a Tread */
	return sent < 50 || rss2 > rss0 + 24 * 1024 || worst > 0.5;
}

int main(int argc, char **argv)
{
	double seconds = 60;
	int durable = 0, stalled = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--p9d") && i + 1 < argc)
			p9d_path = argv[++i];
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--conns") && i + 1 < argc)
			nconns = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			nthreads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--durability"))
			durable = 1;
		else if (!strcmp(argv[i], "--stall"))
			stalled = 1;
		else if (!strcmp(argv[i], "--long"))
			seconds = 600;
		else if (!strcmp(argv[i], "--valgrind"))
			under_valgrind = 1;
		else {
			fprintf(stderr,
			        "usage: p9soak --p9d PATH [--seconds N | --long] [--conns N] "
			        "[--threads N] [--valgrind] [--durability | --stall]\n");
			return 2;
		}
	}
	if (getenv("P9SOAK_SECONDS"))
		seconds = atof(getenv("P9SOAK_SECONDS"));
	if (!p9d_path || seconds < 2 || nconns < 1 || nthreads < 1 || nthreads > 64 ||
	    nthreads > nconns) {
		fprintf(stderr, "p9soak: bad arguments\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (start_server() < 0) {
		printf("p9soak: cannot start %s\n", p9d_path);
		if (server > 0)
			kill(server, SIGKILL);
		remove_base();
		return 77;
	}
	int bad = durable ? durability() : stalled ? stall() : soak(seconds);
	if (!durable) {
		kill(server, SIGTERM);
		int st;
		waitpid(server, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("FAIL: p9d did not exit cleanly (status 0x%x)\n", st);
			bad = 1;
		}
	}
	remove_base();
	printf("%s\n", bad ? "FAIL" : "PASS");
	return bad;
}
