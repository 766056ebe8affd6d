/*
 * floor: the raw system calls behind each p9bench workload, in a loop, on
 * the tree p9bench --setup made, from one thread. What a 9P server spends
 * per operation above these figures is the cost of being a 9P server
 * (sockets, decoding, dispatch, threads).
 *
 *   getattr    fstat of an O_PATH descriptor of a/b/c/d/file
 *   walkstat   openat(O_PATH|O_NOFOLLOW) of a, b, c, d one at a time from
 *              the root descriptor, fstat of d, the four closes
 *   read       pread of bs (default 64 KiB) sequential over big
 *   write      pwrite of bs sequential over wbig
 *   randread   pread of 4 KiB at random aligned offsets of big
 *   randwrite  pwrite of 4 KiB at random aligned offsets of wbig
 *   create     openat(O_CREAT|O_WRONLY) in cr/, close, unlinkat
 *   readdir    open dir10k, getdents64 (64 KiB buffer) until empty, close
 *
 * With --net, each operation also moves the 9P messages a server would
 * exchange for it (the same count and sizes as p9bench's chain, e.g. one
 * 19-byte Tgetattr in and one 160-byte Rgetattr out) over a loopback TCP
 * connection, with a peer thread playing a client that keeps --depth
 * requests in flight; the measuring thread reads each window of depth
 * requests with one recv and answers it with one send, as a pipelining
 * server can. That is about the least a 9P server on a socket must do
 * per operation (fs + net); the plain figures are the file system alone
 * (fs). --depth 1 gives the ping-pong of a client with one request out.
 *
 * --stream measures the pipe a big reply travels through instead: one
 * thread sends bs-sized chunks over loopback TCP (then a Unix socket) as
 * fast as the other receives them; the MB/s is what 1 MiB Rreads over
 * that transport could reach at best (issue 6: p9d >= 90% of it).
 *
 * Output per workload: a table row, and a line
 *   FLOOR mode=fs|net workload=... ops=... us_per_op=... cpu_us_per_op=...
 * cpu is the measuring thread's own CPU time (CLOCK_THREAD_CPUTIME_ID);
 * for I/O it assumes the files are cached.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int root = -1;
static size_t bs_seq = 65536;
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t entries_per_scan;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* This thread's CPU: with --net the peer thread's must not count. */
static double cpu_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s (run p9bench --setup on this export first)\n", what,
	        strerror(errno));
	exit(1);
}

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1Dull;
}

/* State one workload keeps between iterations. */
struct ctx {
	int fd;
	off_t size, off;
	size_t bs;
	uint8_t *buf;
	uint64_t n;
};

static void op_getattr(struct ctx *x)
{
	struct stat st;
	if (fstat(x->fd, &st) < 0)
		die("fstat");
}

static void op_walkstat(struct ctx *x)
{
	static const char *const p[] = {"a", "b", "c", "d"};
	int fd = root;
	(void)x;
	for (int i = 0; i < 4; i++) {
		int nfd = openat(fd, p[i], O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		if (nfd < 0)
			die("openat");
		if (fd != root)
			close(fd);
		fd = nfd;
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		die("fstat");
	close(fd);
}

static off_t next_off(struct ctx *x, int random)
{
	if (random)
		return (off_t)(rnd() % (uint64_t)(x->size / (off_t)x->bs)) * (off_t)x->bs;
	if (x->off + (off_t)x->bs > x->size)
		x->off = 0;
	off_t o = x->off;
	x->off += (off_t)x->bs;
	return o;
}

static void io(struct ctx *x, int wr, int random)
{
	off_t o = next_off(x, random);
	ssize_t n = wr ? pwrite(x->fd, x->buf, x->bs, o) : pread(x->fd, x->buf, x->bs, o);
	if (n != (ssize_t)x->bs)
		die(wr ? "pwrite" : "pread");
}

static void op_read(struct ctx *x)
{
	io(x, 0, 0);
}
static void op_write(struct ctx *x)
{
	io(x, 1, 0);
}
static void op_randread(struct ctx *x)
{
	io(x, 0, 1);
}
static void op_randwrite(struct ctx *x)
{
	io(x, 1, 1);
}

static void op_create(struct ctx *x)
{
	char name[48];
	snprintf(name, sizeof(name), "floor.%d.%llu", (int)getpid(), (unsigned long long)x->n++);
	int fd = openat(x->fd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		die("openat O_CREAT");
	close(fd);
	if (unlinkat(x->fd, name, 0) < 0)
		die("unlinkat");
}

static void op_readdir(struct ctx *x)
{
	int fd = openat(root, "dir10k", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		die("open dir10k");
	uint64_t n = 0;
	for (;;) {
		long got = syscall(SYS_getdents64, fd, x->buf, 65536);
		if (got < 0)
			die("getdents64");
		if (got == 0)
			break;
		for (long pos = 0; pos < got;) {
			uint16_t reclen;
			memcpy(&reclen, x->buf + pos + 16, sizeof(reclen));
			pos += reclen;
			n++;
		}
	}
	close(fd);
	entries_per_scan = n;
}

/* The sizes of one 9P message exchange: request in, reply out. */
struct msg {
	size_t req, rep;
};
#define MAX_MSGS 64

struct wl {
	const char *name;
	void (*op)(struct ctx *);
	const char *file; /* opened before the loop, relative to the root */
	int flags;
	int io;             /* 1: read, 2: write (message sizes follow bs) */
	struct msg msgs[6]; /* p9bench's chain; readdir's is computed */
	int nmsgs;
};

#define DIR_REF (O_PATH | O_DIRECTORY)

/* Sizes as p9bench's chains pack them: Tgetattr 19 / Rgetattr 160, Twalk
 * of a/b/c/d 29 / Rwalk 61, Tclunk 11 / Rclunk 7, create names of about 20 bytes. */
static const struct wl wls[] = {
        {"getattr", op_getattr, "a/b/c/d/file", O_PATH, 0, {{19, 160}}, 1},
        {"walkstat", op_walkstat, NULL, 0, 0, {{29, 61}, {19, 160}, {11, 7}}, 3},
        {"read", op_read, "big", O_RDONLY, 1, {{23, 11}}, 1},
        {"write", op_write, "wbig", O_WRONLY, 2, {{23, 11}}, 1},
        {"randread", op_randread, "big", O_RDONLY, 1, {{23, 11}}, 1},
        {"randwrite", op_randwrite, "wbig", O_WRONLY, 2, {{23, 11}}, 1},
        {"create", op_create, "cr", DIR_REF, 0, {{17, 9}, {44, 24}, {11, 7}, {36, 7}}, 4},
        {"readdir", op_readdir, NULL, 0, 0, {{0, 0}}, 0},
};

/* --net: the socket pair and the peer thread that plays the client. */
struct net {
	int fd;      /* our end (the server's) */
	int peer_fd; /* the client's end */
	const struct msg *msgs;
	int nmsgs, depth;
	int pos, pending; /* server side: next message, messages not yet moved */
	uint8_t *buf;
	size_t bufsz;
	pthread_t th;
};

static int send_full(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int recv_full(int fd, uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t r = recv(fd, p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* The client: send a window of depth requests with one send, read the
 * depth replies with one recv, again, until the server end shuts down.
 * Windows in lock-step keep each side to one wake-up per window, which
 * is the best case for the server side being measured. */
static void *peer_main(void *arg)
{
	struct net *n = arg;
	int pos = 0;
	for (;;) {
		size_t req = 0, rep = 0;
		for (int k = 0; k < n->depth; k++) {
			const struct msg *m = &n->msgs[(pos + k) % n->nmsgs];
			req += m->req;
			rep += m->rep;
		}
		pos = (pos + n->depth) % n->nmsgs;
		if (send_full(n->peer_fd, n->buf, req) < 0 ||
		    recv_full(n->peer_fd, n->buf, rep) < 0)
			return NULL;
	}
}

static void net_open(struct net *n)
{
	int one = 1;
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) < 0)
		die("loopback listen");
	n->peer_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (n->peer_fd < 0 || connect(n->peer_fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("loopback connect");
	n->fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (n->fd < 0)
		die("loopback accept");
	close(l);
	setsockopt(n->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(n->peer_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (pthread_create(&n->th, NULL, peer_main, n) != 0)
		die("pthread_create");
}

static void net_close(struct net *n)
{
	shutdown(n->fd, SHUT_RDWR);
	pthread_join(n->th, NULL);
	close(n->fd);
	close(n->peer_fd);
}

/*
 * One operation's messages, server side, batched as a pipelining server
 * can: every depth messages (the peer's whole window) are read with one
 * recv and answered with one send, so a message costs fs work plus
 * 2/depth system calls and its bytes. With depth 1 it is ping-pong.
 */
static void net_op(struct net *n, uint8_t *buf)
{
	for (int i = 0; i < n->nmsgs; i++) {
		n->pending++;
		if (n->pending < n->depth)
			continue;
		size_t req = 0, rep = 0;
		for (int k = 0; k < n->depth; k++) {
			const struct msg *m = &n->msgs[(n->pos + k) % n->nmsgs];
			req += m->req;
			rep += m->rep;
		}
		n->pos = (n->pos + n->depth) % n->nmsgs;
		n->pending = 0;
		if (req > n->bufsz || rep > n->bufsz)
			die("batch larger than the buffer");
		if (recv_full(n->fd, buf, req) < 0 || send_full(n->fd, buf, rep) < 0)
			die("loopback transfer");
	}
}

/* The chain of one operation, with I/O and readdir sizes filled in. */
static int chain(const struct wl *w, size_t bs, uint64_t entries, size_t msize, struct msg *out)
{
	int k = 0;
	if (w->nmsgs > 0) {
		for (k = 0; k < w->nmsgs; k++) {
			out[k] = w->msgs[k];
			if (w->io == 1)
				out[k].rep += bs;
			if (w->io == 2)
				out[k].req += bs;
		}
		return k;
	}
	/* readdir: Twalk dir10k / Rwalk, Tlopen / Rlopen, Treaddirs of
	 * msize - 24 holding 30-byte entries (e00000), the empty one, and
	 * Tclunk / Rclunk. */
	out[k++] = (struct msg){24, 22};
	out[k++] = (struct msg){15, 24};
	size_t per = (msize - 24) / 30, left = (size_t)entries;
	while (left > 0 && k < MAX_MSGS - 2) {
		size_t e = left < per ? left : per;
		out[k++] = (struct msg){23, 11 + e * 30};
		left -= e;
	}
	out[k++] = (struct msg){23, 11};
	out[k++] = (struct msg){11, 7};
	return k;
}

static void run(const struct wl *w, double seconds, int header, int net_depth, size_t msize)
{
	struct ctx x;
	memset(&x, 0, sizeof(x));
	x.fd = -1;
	size_t iomax = bs_seq > msize ? bs_seq : msize;
	/* with --net a batch of depth messages moves through one buffer */
	size_t bufsz = (iomax + 4096) * (size_t)(net_depth > 0 ? net_depth : 1);
	x.buf = malloc(bufsz);
	uint8_t *nbuf = malloc(bufsz);
	if (!x.buf || !nbuf)
		die("malloc");
	memset(x.buf, 0x5a, bufsz);
	memset(nbuf, 0x5a, bufsz);
	x.bs = strncmp(w->name, "rand", 4) == 0 ? 4096 : bs_seq;
	if (w->file) {
		x.fd = openat(root, w->file, w->flags | O_CLOEXEC);
		if (x.fd < 0)
			die(w->file);
		struct stat st;
		if (fstat(x.fd, &st) < 0)
			die("fstat");
		x.size = st.st_size;
	}
	entries_per_scan = 0;
	w->op(&x); /* readdir learns its entry count here */

	struct msg msgs[MAX_MSGS];
	struct net n;
	memset(&n, 0, sizeof(n));
	if (net_depth > 0) {
		n.msgs = msgs;
		n.nmsgs = chain(w, x.bs, entries_per_scan, msize, msgs);
		n.depth = net_depth;
		n.buf = malloc(bufsz);
		n.bufsz = bufsz;
		if (!n.buf)
			die("malloc");
		net_open(&n);
	}
	/* A short warm-up, so the first, cold iterations do not count. */
	uint64_t warm_end = now_ns() + 100000000ull;
	while (now_ns() < warm_end) {
		w->op(&x);
		if (net_depth)
			net_op(&n, nbuf);
	}
	uint64_t ops = 0, t0 = now_ns(), end = t0 + (uint64_t)(seconds * 1e9), t;
	double c0 = cpu_us();
	do {
		w->op(&x);
		if (net_depth)
			net_op(&n, nbuf);
		ops++;
	} while ((t = now_ns()) < end);
	double c1 = cpu_us();
	if (net_depth) {
		net_close(&n);
		free(n.buf);
	}
	double wall_us = (double)(t - t0) / 1e3 / (double)ops;
	double cpu = (c1 - c0) / (double)ops;
	const char *mode = net_depth ? "net" : "fs";
	size_t bs = w->io ? x.bs : 0;
	if (header)
		printf("%-4s %-10s %10s %12s %14s %8s\n", "mode", "workload", "ops", "us/op",
		       "cpu(us/op)", "bs");
	printf("%-4s %-10s %10llu %12.3f %14.3f %8zu\n", mode, w->name, (unsigned long long)ops,
	       wall_us, cpu, bs);
	printf("FLOOR mode=%s workload=%s ops=%llu us_per_op=%.3f cpu_us_per_op=%.3f bs=%zu "
	       "msgs_per_op=%d depth=%d entries_per_scan=%llu\n",
	       mode, w->name, (unsigned long long)ops, wall_us, cpu, bs, net_depth ? n.nmsgs : 0,
	       net_depth, (unsigned long long)entries_per_scan);
	fflush(stdout);
	if (x.fd >= 0)
		close(x.fd);
	free(x.buf);
	free(nbuf);
}

/* --stream: the sender thread, until the receiver shuts the socket down. */
static void *stream_send(void *arg)
{
	struct net *n = arg;
	while (send_full(n->peer_fd, n->buf, n->bufsz) == 0)
		;
	return NULL;
}

static void stream(const char *transport, double seconds)
{
	struct net n;
	memset(&n, 0, sizeof(n));
	if (strcmp(transport, "tcp") == 0) {
		int one = 1;
		struct sockaddr_in a;
		socklen_t alen = sizeof(a);
		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
		    getsockname(l, (struct sockaddr *)&a, &alen) < 0)
			die("loopback listen");
		n.peer_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (n.peer_fd < 0 || connect(n.peer_fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			die("loopback connect");
		n.fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		if (n.fd < 0)
			die("loopback accept");
		close(l);
		setsockopt(n.peer_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	} else {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			die("socketpair");
		n.fd = sv[0];
		n.peer_fd = sv[1];
	}
	n.bufsz = bs_seq;
	n.buf = malloc(bs_seq);
	uint8_t *rbuf = malloc(bs_seq);
	if (!n.buf || !rbuf)
		die("malloc");
	memset(n.buf, 0x5a, bs_seq);
	memset(rbuf, 0, bs_seq);
	if (pthread_create(&n.th, NULL, stream_send, &n) != 0)
		die("pthread_create");
	uint64_t warm_end = now_ns() + 100000000ull, bytes = 0, t;
	while (now_ns() < warm_end)
		if (recv_full(n.fd, rbuf, bs_seq) < 0)
			die("stream recv");
	uint64_t t0 = now_ns(), end = t0 + (uint64_t)(seconds * 1e9);
	do {
		if (recv_full(n.fd, rbuf, bs_seq) < 0)
			die("stream recv");
		bytes += bs_seq;
	} while ((t = now_ns()) < end);
	shutdown(n.fd, SHUT_RDWR);
	pthread_join(n.th, NULL);
	close(n.fd);
	close(n.peer_fd);
	free(n.buf);
	free(rbuf);
	double mbs = (double)bytes / ((double)(t - t0) / 1e9) / 1e6;
	printf("stream %-4s bs %zu: %.0f MB/s\n", transport, bs_seq, mbs);
	printf("STREAM transport=%s bs=%zu mb_per_s=%.1f\n", transport, bs_seq, mbs);
	fflush(stdout);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: floor --dir EXPORT [-t SECONDS] [--bs N] [--net [--depth D]]\n"
	           "             [--msize N] [WORKLOAD...]\n"
	           "Time the raw system calls of each p9bench workload on the tree\n"
	           "p9bench --setup made (default: every workload, 1 s each).\n"
	           "  --bs N      sequential read/write size (default 65536)\n"
	           "  --net       also move the workload's 9P messages over loopback TCP\n"
	           "  --depth D   requests the peer keeps in flight with --net (default 8)\n"
	           "  --msize N   msize for readdir's message count with --net (default 65536)\n"
	           "  --both      each workload twice: fs alone, then with --net\n"
	           "  --stream    instead: one-way stream of bs chunks over loopback TCP\n"
	           "              and a Unix socket (MB/s), the ceiling for big reads\n");
}

int main(int argc, char **argv)
{
	enum { OPT_NET = 256, OPT_DEPTH, OPT_MSIZE, OPT_BOTH, OPT_STREAM };
	static const struct option opts[] = {
	        {"dir", required_argument, 0, 'D'},
	        {"bs", required_argument, 0, 'b'},
	        {"net", no_argument, 0, OPT_NET},
	        {"both", no_argument, 0, OPT_BOTH},
	        {"stream", no_argument, 0, OPT_STREAM},
	        {"depth", required_argument, 0, OPT_DEPTH},
	        {"msize", required_argument, 0, OPT_MSIZE},
	        {"help", no_argument, 0, 'h'},
	        {0, 0, 0, 0},
	};
	const char *dir = NULL;
	double seconds = 1;
	int net = 0, both = 0, depth = 8, streams = 0;
	size_t msize = 65536;
	char *end;
	int ch;
	while ((ch = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			dir = optarg;
			break;
		case 't':
			seconds = strtod(optarg, &end);
			if (*end || !(seconds > 0 && seconds <= 600)) {
				fprintf(stderr, "floor: bad duration %s\n", optarg);
				return 2;
			}
			break;
		case 'b':
			bs_seq = strtoul(optarg, &end, 0);
			if (*end || bs_seq == 0 || bs_seq > (64u << 20)) {
				fprintf(stderr, "floor: bad I/O size %s\n", optarg);
				return 2;
			}
			break;
		case OPT_NET:
			net = 1;
			break;
		case OPT_BOTH:
			both = 1;
			break;
		case OPT_STREAM:
			streams = 1;
			break;
		case OPT_DEPTH:
			depth = (int)strtol(optarg, &end, 10);
			if (*end || depth < 1 || depth > 1024) {
				fprintf(stderr, "floor: bad depth %s\n", optarg);
				return 2;
			}
			break;
		case OPT_MSIZE:
			msize = strtoul(optarg, &end, 0);
			if (*end || msize < 4096 || msize > (64u << 20)) {
				fprintf(stderr, "floor: bad msize %s\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (streams) {
		stream("tcp", seconds);
		stream("unix", seconds);
		return 0;
	}
	if (!dir) {
		usage(stderr);
		return 2;
	}
	root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		die(dir);
	size_t nw = sizeof(wls) / sizeof(wls[0]);
	const struct wl *todo[sizeof(wls) / sizeof(wls[0])];
	size_t ntodo = 0;
	if (optind == argc) {
		for (size_t i = 0; i < nw; i++)
			todo[ntodo++] = &wls[i];
	}
	for (int a = optind; a < argc; a++) {
		size_t i;
		for (i = 0; i < nw && strcmp(argv[a], wls[i].name) != 0; i++)
			;
		if (i == nw) {
			fprintf(stderr, "floor: unknown workload %s\n", argv[a]);
			return 2;
		}
		if (ntodo < nw)
			todo[ntodo++] = &wls[i];
	}
	int header = 1;
	for (size_t i = 0; i < ntodo; i++) {
		if (both || !net) {
			run(todo[i], seconds, header, 0, msize);
			header = 0;
		}
		if (both || net) {
			run(todo[i], seconds, header, depth, msize);
			header = 0;
		}
	}
	return 0;
}
