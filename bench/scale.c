/*
 * scale.c: --scale-conns N and --scale-fids M, what a server holds for idle
 * clients, as figures (issue 6, "Scale"):
 *
 *   conns  N connections opened one after the other, each versioned and
 *          attached, then left idle; then one Tgetattr on each (all must
 *          be answered); the server's RSS (VmRSS) and descriptor count
 *          before, with all connections idle, and after they are closed,
 *          and the memory and descriptors per idle connection. With
 *          --scale-write each connection first sends one Twrite of
 *          msize - 24 bytes to wbig (its receive buffer had to grow).
 *   fids   M clones of the root fid (Twalk with no names) on one
 *          connection, a Tgetattr on the first and the last, the server's
 *          RSS before and after, and the RSS per fid.
 *
 * RSS is what the server touched, so it counts the receive buffer and the
 * structures of a connection, not the kernel's socket buffers. The client
 * raises its own RLIMIT_NOFILE to the hard limit for N sockets.
 *
 * RSS counts only the pages touched; the heap's growth (VmData) per
 * connection shows buffers held but not (yet) touched as well.
 *
 * Output: a human line and a machine line per part:
 *   SCALE part=conns write=0|1 n=... served=... rss_before_kb=... rss_idle_kb=...
 *     rss_after_kb=... kb_per_conn=... data_kb_per_conn=... fds_before=... fds_idle=...
 *     fds_after=... fds_per_conn=...
 *   SCALE part=fids n=... served=... rss_before_kb=... rss_after_kb=... bytes_per_fid=...
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"

/* A "Vm...:" figure of pid's status in KiB, or -1. */
static long vm_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			kb = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return kb;
}

static long rss_kb(pid_t pid)
{
	return vm_kb(pid, "VmRSS:");
}

/* Open descriptors of pid, or -1. */
static long nfds(pid_t pid)
{
	char path[64];
	long n = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Let the server finish what it was doing before a sample. */
static void settle(void)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 300000000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int open_one(const struct bench_opts *o, uint32_t msize, struct p9_client **c,
                    uint32_t *root)
{
	int r = p9_client_dial(o->addr, c);
	if (r < 0)
		return r;
	if ((r = p9_client_version(*c, msize, "9P2000.L")) < 0 ||
	    (r = p9_client_attach(*c, o->uname, o->aname, o->uid, root, NULL)) < 0) {
		p9_client_free(*c);
		*c = NULL;
	}
	return r;
}

static int scale_conns(const struct bench_opts *o, int n)
{
	pid_t pid = o->server_pid;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	struct p9_client **cs = calloc((size_t)n, sizeof(*cs));
	uint32_t *roots = calloc((size_t)n, sizeof(*roots));
	if (!cs || !roots) {
		fprintf(stderr, "p9bench: out of memory\n");
		return 1;
	}
	settle();
	long rss0 = rss_kb(pid), fd0 = nfds(pid), data0 = vm_kb(pid, "VmData:");
	int opened = 0, served = 0, r = 0;
	uint8_t *data = o->scale_write ? calloc(1, o->msize) : NULL;
	for (; opened < n; opened++) {
		r = open_one(o, o->scale_write ? o->msize : 8192, &cs[opened], &roots[opened]);
		if (r == 0 && data) {
			struct p9_client *c = cs[opened];
			uint32_t f;
			uint32_t count = p9_client_msize(c) - 24;
			ssize_t w = -EIO;
			if ((r = p9_client_walk(c, roots[opened], BENCH_WRITE_FILE, &f, NULL)) ==
			    0) {
				r = p9_client_lopen(c, f, P9_DOTL_WRONLY, NULL, NULL);
				if (r == 0)
					w = p9_client_write(c, f, 0, data, count);
				p9_client_clunk(c, f);
			}
			if (r == 0 && w != (ssize_t)count)
				r = w < 0 ? (int)w : -EIO;
		}
		if (r < 0) {
			fprintf(stderr, "p9bench: scale: connection %d: %s\n", opened,
			        strerror(-r));
			if (cs[opened])
				p9_client_free(cs[opened]);
			break;
		}
	}
	free(data);
	settle();
	long rss1 = rss_kb(pid), fd1 = nfds(pid), data1 = vm_kb(pid, "VmData:");
	for (int i = 0; i < opened; i++) {
		struct p9_rgetattr ga;
		if (p9_client_getattr(cs[i], roots[i], P9_GETATTR_BASIC, &ga) == 0)
			served++;
	}
	for (int i = 0; i < opened; i++)
		p9_client_free(cs[i]);
	settle();
	long rss2 = rss_kb(pid), fd2 = nfds(pid);
	double kb_per = opened ? (double)(rss1 - rss0) / opened : 0;
	double fd_per = opened ? (double)(fd1 - fd0) / opened : 0;
	double data_per = opened ? (double)(data1 - data0) / opened : 0;
	printf("scale: %d connections%s (%d opened, %d served): server RSS %ld -> %ld KiB idle -> "
	       "%ld KiB after close (%.2f KiB per idle connection; heap %.2f KiB), fds %ld -> %ld "
	       "-> %ld (%.2f per connection)\n",
	       n, o->scale_write ? " after one big Twrite each" : "", opened, served, rss0, rss1,
	       rss2, kb_per, data_per, fd0, fd1, fd2, fd_per);
	printf("SCALE part=conns write=%d n=%d opened=%d served=%d rss_before_kb=%ld "
	       "rss_idle_kb=%ld rss_after_kb=%ld kb_per_conn=%.2f data_kb_per_conn=%.2f "
	       "fds_before=%ld fds_idle=%ld fds_after=%ld fds_per_conn=%.2f\n",
	       o->scale_write, n, opened, served, rss0, rss1, rss2, kb_per, data_per, fd0, fd1, fd2,
	       fd_per);
	fflush(stdout);
	free(cs);
	free(roots);
	return opened == n && served == n ? 0 : 1;
}

static int scale_fids(const struct bench_opts *o, int n)
{
	pid_t pid = o->server_pid;
	struct p9_client *c;
	uint32_t root, first = 0, last = 0;
	int r = open_one(o, o->msize, &c, &root);
	if (r < 0) {
		fprintf(stderr, "p9bench: scale: connect: %s\n", strerror(-r));
		return 1;
	}
	settle();
	long rss0 = rss_kb(pid);
	int made = 0, served = 0;
	for (; made < n; made++) {
		uint32_t f;
		if ((r = p9_client_walk(c, root, "", &f, NULL)) < 0) {
			fprintf(stderr, "p9bench: scale: fid %d: %s\n", made, strerror(-r));
			break;
		}
		if (made == 0)
			first = f;
		last = f;
	}
	settle();
	long rss1 = rss_kb(pid);
	struct p9_rgetattr ga;
	if (made && p9_client_getattr(c, first, P9_GETATTR_BASIC, &ga) == 0)
		served++;
	if (made && p9_client_getattr(c, last, P9_GETATTR_BASIC, &ga) == 0)
		served++;
	p9_client_free(c);
	double per = made ? (double)(rss1 - rss0) * 1024 / made : 0;
	printf("scale: %d fids on one connection (%d made, %d of 2 checked served): server RSS "
	       "%ld -> %ld KiB (%.0f bytes per fid)\n",
	       n, made, served, rss0, rss1, per);
	printf("SCALE part=fids n=%d made=%d served=%d rss_before_kb=%ld rss_after_kb=%ld "
	       "bytes_per_fid=%.0f\n",
	       n, made, served, rss0, rss1, per);
	fflush(stdout);
	return made == n && served == 2 ? 0 : 1;
}

int bench_scale(const struct bench_opts *o)
{
	int rc = 0;
	if (o->scale_conns > 0)
		rc |= scale_conns(o, o->scale_conns);
	if (o->scale_fids > 0)
		rc |= scale_fids(o, o->scale_fids);
	return rc;
}
