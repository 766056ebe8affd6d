/*
 * p9bench: a 9P2000.L load generator. C connections, one thread each, keep
 * D tagged requests in flight per connection (conn.c) running one
 * workload (workloads.c) for a warm-up and then a measured window; it
 * reports throughput, latency percentiles and, given the server's pid,
 * the server's CPU time and context switches per operation.
 *
 * Output: one human table row per run on stdout, and one line
 *   RESULT server=... workload=... c=.. d=.. ops=.. ops_per_s=.. ...
 * that scripts (bench/compare) parse. Diagnostics go to stderr.
 *
 * Exit status: 0 when every operation succeeded, 1 when some failed or a
 * connection broke (the figures are still printed), 2 for a bad command
 * line.
 *
 * Every run is bounded: the loop gives up on a server that stays silent
 * for 10 s, and the main thread gives up on the threads 15 s after the
 * window.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

struct bench_opts bench_opt;
atomic_int bench_phase;

static void usage(FILE *f)
{
	fprintf(f, "usage: p9bench --addr ADDR [--setup] [--workload W] [options]\n"
	           "Measure a 9P2000.L server.\n"
	           "\n"
	           "  -a, --addr ADDR          tcp:HOST:PORT or unix:PATH (required)\n"
	           "  -w, --workload W         getattr walkstat read write randread randwrite\n"
	           "                           create readdir\n"
	           "  -c N                     connections, one thread each (default 1)\n"
	           "  -d N                     requests in flight per connection (default 1)\n"
	           "  -t SECONDS               measured window (default 3)\n"
	           "      --warmup SECONDS     before the window (default 0.5)\n"
	           "  -m, --msize N            msize to offer (default 65536)\n"
	           "      --bs N               I/O size (default msize-24 for read/write,\n"
	           "                           4096 for randread/randwrite)\n"
	           "  -p, --server-pid PID     report the server's CPU and context switches\n"
	           "      --label NAME         server= in the RESULT line (default server)\n"
	           "      --aname PATH         attach name (default empty)\n"
	           "      --uname NAME         attach user name (default: the caller's)\n"
	           "      --uid N              attach n_uname (default: the caller's uid)\n"
	           "      --setup              create the test tree first (idempotent)\n"
	           "      --file-size BYTES    size of big and wbig (default 256M; K/M/G)\n"
	           "      --dir-entries N      entries of dir10k (default 10000)\n"
	           "      --header             print the table header first\n"
	           "      --scale-conns N      N idle attached connections: the server's\n"
	           "                           RSS and fds per connection (with -p)\n"
	           "      --scale-fids N       N fids on one connection: RSS per fid\n"
	           "      --scale-write        --scale-conns: one msize-24 Twrite to wbig\n"
	           "                           on each connection before it idles\n"
	           "  -h, --help               this text\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || s[0] == '-')
		return -1;
	switch (*end) {
	case 'K':
	case 'k':
		v <<= 10;
		end++;
		break;
	case 'M':
	case 'm':
		v <<= 20;
		end++;
		break;
	case 'G':
	case 'g':
		v <<= 30;
		end++;
		break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static int parse_pos(const char *s, uint64_t max, uint64_t *out)
{
	return parse_u64(s, out) == 0 && *out > 0 && *out <= max ? 0 : -1;
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "p9bench: bad %s: %s\nTry 'p9bench --help'.\n", what, arg);
	return 2;
}

static int parse_args(int argc, char **argv, struct bench_opts *o)
{
	enum {
		OPT_WARMUP = 256,
		OPT_BS,
		OPT_LABEL,
		OPT_ANAME,
		OPT_UNAME,
		OPT_UID,
		OPT_SETUP,
		OPT_FSIZE,
		OPT_DENT,
		OPT_HEADER,
		OPT_SCONNS,
		OPT_SFIDS,
		OPT_SWRITE,
	};
	static const struct option opts[] = {
	        {"addr", required_argument, 0, 'a'},
	        {"workload", required_argument, 0, 'w'},
	        {"msize", required_argument, 0, 'm'},
	        {"server-pid", required_argument, 0, 'p'},
	        {"warmup", required_argument, 0, OPT_WARMUP},
	        {"bs", required_argument, 0, OPT_BS},
	        {"label", required_argument, 0, OPT_LABEL},
	        {"aname", required_argument, 0, OPT_ANAME},
	        {"uname", required_argument, 0, OPT_UNAME},
	        {"uid", required_argument, 0, OPT_UID},
	        {"setup", no_argument, 0, OPT_SETUP},
	        {"file-size", required_argument, 0, OPT_FSIZE},
	        {"dir-entries", required_argument, 0, OPT_DENT},
	        {"header", no_argument, 0, OPT_HEADER},
	        {"scale-conns", required_argument, 0, OPT_SCONNS},
	        {"scale-fids", required_argument, 0, OPT_SFIDS},
	        {"scale-write", no_argument, 0, OPT_SWRITE},
	        {"help", no_argument, 0, 'h'},
	        {0, 0, 0, 0},
	};
	o->aname = "";
	o->label = "server";
	o->uid = (uint32_t)getuid();
	o->conns = 1;
	o->depth = 1;
	o->seconds = 3;
	o->warmup = 0.5;
	o->msize = 65536;
	o->file_size = 256ull << 20;
	o->dir_entries = 10000;
	int uid_set = 0;
	uint64_t v;
	char *end;
	int ch;
	while ((ch = getopt_long(argc, argv, "a:w:c:d:t:m:p:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			o->addr = optarg;
			break;
		case 'w':
			if (wl_parse(optarg, &o->wl) < 0)
				return bad("workload", optarg);
			o->have_wl = 1;
			break;
		case 'c':
			if (parse_pos(optarg, 1024, &v) < 0)
				return bad("connection count", optarg);
			o->conns = (int)v;
			break;
		case 'd':
			if (parse_pos(optarg, 4096, &v) < 0)
				return bad("depth", optarg);
			o->depth = (int)v;
			break;
		case 't':
			o->seconds = strtod(optarg, &end);
			if (*end || !(o->seconds > 0 && o->seconds <= 3600))
				return bad("duration", optarg);
			break;
		case OPT_WARMUP:
			o->warmup = strtod(optarg, &end);
			if (*end || !(o->warmup >= 0 && o->warmup <= 600))
				return bad("warm-up", optarg);
			break;
		case 'm':
			if (parse_pos(optarg, 1u << 30, &v) < 0 || v < P9_MIN_MSIZE)
				return bad("msize", optarg);
			o->msize = (uint32_t)v;
			break;
		case OPT_BS:
			if (parse_pos(optarg, 1u << 30, &v) < 0)
				return bad("I/O size", optarg);
			o->bs = (uint32_t)v;
			break;
		case 'p':
			if (parse_pos(optarg, 1u << 30, &v) < 0)
				return bad("pid", optarg);
			o->server_pid = (pid_t)v;
			break;
		case OPT_LABEL:
			o->label = optarg;
			break;
		case OPT_ANAME:
			o->aname = optarg;
			break;
		case OPT_UNAME:
			o->uname = optarg;
			break;
		case OPT_UID:
			if (parse_u64(optarg, &v) < 0 || v > 0xFFFFFFFEu)
				return bad("uid", optarg);
			o->uid = (uint32_t)v;
			uid_set = 1;
			break;
		case OPT_SETUP:
			o->setup = 1;
			break;
		case OPT_FSIZE:
			if (parse_pos(optarg, 1ull << 40, &o->file_size) < 0)
				return bad("file size", optarg);
			break;
		case OPT_DENT:
			if (parse_pos(optarg, 1000000, &v) < 0)
				return bad("entry count", optarg);
			o->dir_entries = (uint32_t)v;
			break;
		case OPT_HEADER:
			o->header = 1;
			break;
		case OPT_SCONNS:
			if (parse_pos(optarg, 1000000, &v) < 0)
				return bad("connection count", optarg);
			o->scale_conns = (int)v;
			break;
		case OPT_SFIDS:
			if (parse_pos(optarg, 10000000, &v) < 0)
				return bad("fid count", optarg);
			o->scale_fids = (int)v;
			break;
		case OPT_SWRITE:
			o->scale_write = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc)
		return bad("argument", argv[optind]);
	if (!o->addr) {
		fprintf(stderr, "p9bench: --addr is required\n");
		usage(stderr);
		return 2;
	}
	if (!o->setup && !o->have_wl && !o->scale_conns && !o->scale_fids) {
		fprintf(stderr, "p9bench: nothing to do: give --workload and/or --setup\n");
		return 2;
	}
	if (!o->uname) {
		struct passwd *pw = getpwuid(uid_set ? (uid_t)o->uid : getuid());
		o->uname = pw ? strdup(pw->pw_name) : "nobody";
	}
	return 0;
}

static void *conn_main(void *arg)
{
	bconn_run(arg);
	return NULL;
}

static void sleep_s(double s)
{
	struct timespec ts = {.tv_sec = (time_t)s,
	                      .tv_nsec = (long)((s - (double)(time_t)s) * 1e9)};
	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

static double cpu_self_us(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

int main(int argc, char **argv)
{
	struct bench_opts *o = &bench_opt;
	int r = parse_args(argc, argv, o);
	if (r)
		return r;
	signal(SIGPIPE, SIG_IGN);

	if (o->setup) {
		if (bench_setup(o) < 0)
			return 1;
		if (!o->have_wl && !o->scale_conns && !o->scale_fids)
			return 0;
	}
	if (o->scale_conns || o->scale_fids) {
		if (!o->server_pid)
			fprintf(stderr, "p9bench: --scale-* without -p: no server figures\n");
		return bench_scale(o);
	}

	struct bconn *cs = calloc((size_t)o->conns, sizeof(*cs));
	pthread_t *th = calloc((size_t)o->conns, sizeof(*th));
	uint8_t *pattern = malloc(o->msize);
	if (!cs || !th || !pattern) {
		fprintf(stderr, "p9bench: out of memory\n");
		return 1;
	}
	for (uint32_t i = 0; i < o->msize; i++)
		pattern[i] = (uint8_t)(i * 131 + 7);
	wl_pattern = pattern;

	atomic_store(&bench_phase, PHASE_WARM);
	for (int i = 0; i < o->conns; i++) {
		cs[i].id = i;
		cs[i].fd = -1;
		if (bconn_open(&cs[i], o) < 0) {
			fprintf(stderr, "p9bench: connection %d: %s\n", i, cs[i].fatal_msg);
			return 1;
		}
	}
	for (int i = 0; i < o->conns; i++) {
		if (pthread_create(&th[i], NULL, conn_main, &cs[i]) != 0) {
			fprintf(stderr, "p9bench: cannot start thread %d\n", i);
			return 1;
		}
	}

	sleep_s(o->warmup);
	struct srv_sample s0 = {0}, s1 = {0};
	if (o->server_pid)
		srv_sample_read(o->server_pid, &s0);
	double cpu0 = cpu_self_us();
	uint64_t t0 = now_ns();
	atomic_store(&bench_phase, PHASE_MEASURE);
	sleep_s(o->seconds);
	atomic_store(&bench_phase, PHASE_STOP);
	uint64_t t1 = now_ns();
	double cpu1 = cpu_self_us();
	if (o->server_pid)
		srv_sample_read(o->server_pid, &s1);

	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 15;
	for (int i = 0; i < o->conns; i++) {
		if (pthread_timedjoin_np(th[i], NULL, &dl) != 0) {
			fprintf(stderr,
			        "p9bench: connection %d did not finish within 15 s of the "
			        "window's end; giving up\n",
			        i);
			fflush(stdout);
			_exit(1);
		}
	}

	/* Sum the connections. */
	struct hist *lat = calloc(1, sizeof(*lat));
	uint64_t ops = 0, msgs = 0, bytes = 0, entries = 0, errors = 0, lost = 0;
	int fatal = 0, use_remove = 0;
	uint32_t msize = cs[0].msize, bs = cs[0].bs;
	uint64_t per_scan = cs[0].expect_entries;
	for (int i = 0; i < o->conns; i++) {
		struct bconn *c = &cs[i];
		ops += c->ops;
		msgs += c->msgs;
		bytes += c->bytes;
		entries += c->entries;
		errors += c->errors;
		lost += c->lost;
		use_remove |= c->use_remove;
		if (lat)
			hist_merge(lat, &c->lat);
		if (c->errors)
			fprintf(stderr, "p9bench: connection %d: %llu errors, first: %s: %s\n", i,
			        (unsigned long long)c->errors, c->first_err_what,
			        strerror(c->first_err));
		if (c->fatal) {
			fprintf(stderr, "p9bench: connection %d: %s\n", i, c->fatal_msg);
			fatal = 1;
		}
		bconn_close(c);
	}

	double secs = (double)(t1 - t0) / 1e9;
	double ops_s = (double)ops / secs;
	double mb_s = (double)bytes / secs / 1e6;
	double ent_s = (double)entries / secs;
	double p50 = lat ? hist_quantile(lat, 0.50) / 1e3 : 0;
	double p99 = lat ? hist_quantile(lat, 0.99) / 1e3 : 0;
	double tck = (double)sysconf(_SC_CLK_TCK);
	double srv_us = -1, cpu_op = -1, csw_op = -1, flt_op = -1, srv_pct = -1;
	if (s0.ok && s1.ok) {
		srv_us = (double)(s1.ticks - s0.ticks) / tck * 1e6;
		srv_pct = srv_us / (secs * 1e6) * 100;
		if (ops) {
			cpu_op = srv_us / (double)ops;
			csw_op = (double)(s1.csw - s0.csw) / (double)ops;
			flt_op = (double)(s1.minflt - s0.minflt) / (double)ops;
		}
	}
	double cli_op = ops ? (cpu1 - cpu0) / (double)ops : -1;
	const char *wl = wl_name(o->wl);
	int is_dir = o->wl == WL_READDIR;
	int is_io = o->wl == WL_READ || o->wl == WL_WRITE || o->wl == WL_RANDREAD ||
	            o->wl == WL_RANDWRITE;
	char rate[32] = "-";
	if (is_dir)
		snprintf(rate, sizeof(rate), "%.0f ent/s", ent_s);
	else if (is_io)
		snprintf(rate, sizeof(rate), "%.1f MB/s", mb_s);

	if (o->header)
		printf("%-10s %-9s %4s %4s %7s %10s %14s %9s %9s %10s %7s %6s %6s\n", "server",
		       "workload", "c", "d", "msize", "ops/s", "rate", "p50(us)", "p99(us)",
		       "cpu(us/op)", "csw/op", "srv%", "errors");
	printf("%-10s %-9s %4d %4d %7u %10.0f %14s %9.1f %9.1f %10.2f %7.2f %6.0f %6llu\n",
	       o->label, wl, o->conns, o->depth, msize, ops_s, rate, p50, p99, cpu_op, csw_op,
	       srv_pct, (unsigned long long)errors);
	printf("RESULT server=%s workload=%s c=%d d=%d msize=%u bs=%u secs=%.3f ops=%llu "
	       "ops_per_s=%.1f mb_per_s=%.2f entries_per_s=%.0f entries_per_scan=%llu "
	       "p50_us=%.1f p99_us=%.1f cpu_us_per_op=%.3f csw_per_op=%.3f srv_cpu_pct=%.1f "
	       "cli_cpu_us_per_op=%.3f msgs_per_op=%.2f unlink=%s errors=%llu lost=%llu fatal=%d "
	       "faults_per_op=%.3f\n",
	       o->label, wl, o->conns, o->depth, msize, is_io ? bs : 0, secs,
	       (unsigned long long)ops, ops_s, mb_s, ent_s,
	       (unsigned long long)(is_dir ? per_scan : 0), p50, p99, cpu_op, csw_op, srv_pct,
	       cli_op, ops ? (double)msgs / (double)ops : 0,
	       o->wl != WL_CREATE ? "-"
	       : use_remove       ? "remove"
	                          : "unlinkat",
	       (unsigned long long)errors, (unsigned long long)lost, fatal, flt_op);
	fflush(stdout);
	free(lat);
	free(cs);
	free(th);
	free(pattern);
	return errors || fatal ? 1 : 0;
}
