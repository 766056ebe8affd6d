/*
 * stats.c: the latency histogram and the server's counters from /proc.
 *
 * The server's CPU comes from /proc/PID/stat (utime + stime, fields 14 and
 * 15, in clock ticks), which includes threads that have exited. Context
 * switches exist only per thread (/proc/PID/task/TID/status), so they are
 * summed over the threads alive at the moment of reading: a server that
 * ends threads inside the window under-reports them, one that keeps a
 * fixed pool (diod, p9d) does not.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static unsigned bucket(uint64_t v)
{
	if (v < (1u << HIST_HB))
		return (unsigned)v;
	unsigned e = 63u - (unsigned)__builtin_clzll(v); /* >= HIST_HB */
	unsigned shift = e - HIST_HB;
	return ((shift + 1u) << HIST_HB) + (unsigned)((v >> shift) - (1u << HIST_HB));
}

/* The middle of bucket i's range. */
static double bucket_mid(unsigned i)
{
	if (i < (1u << HIST_HB))
		return (double)i;
	unsigned shift = (i >> HIST_HB) - 1u;
	uint64_t lo = ((uint64_t)(1u << HIST_HB) + (i & ((1u << HIST_HB) - 1u))) << shift;
	return (double)lo + (double)(1ull << shift) / 2.0;
}

void hist_add(struct hist *h, uint64_t ns)
{
	h->n[bucket(ns)]++;
	h->count++;
}

void hist_merge(struct hist *into, const struct hist *from)
{
	for (unsigned i = 0; i < HIST_N; i++)
		into->n[i] += from->n[i];
	into->count += from->count;
}

double hist_quantile(const struct hist *h, double q)
{
	if (h->count == 0)
		return 0;
	uint64_t want = (uint64_t)(q * (double)h->count);
	if (want >= h->count)
		want = h->count - 1;
	uint64_t seen = 0;
	for (unsigned i = 0; i < HIST_N; i++) {
		seen += h->n[i];
		if (seen > want)
			return bucket_mid(i);
	}
	return 0;
}

static int read_file(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return 0;
}

void srv_sample_read(pid_t pid, struct srv_sample *s)
{
	char path[64], buf[4096];
	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return;
	/* comm (field 2) may hold spaces and parentheses: count fields from
	 * the last ')', which ends it. Field 3 follows it. */
	char *p = strrchr(buf, ')');
	if (!p)
		return;
	p++;
	unsigned long long ut = 0, st = 0;
	int field = 2;
	char *save = NULL;
	for (char *tok = strtok_r(p, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		field++;
		if (field == 10)
			s->minflt = strtoull(tok, NULL, 10);
		if (field == 14)
			ut = strtoull(tok, NULL, 10);
		if (field == 15) {
			st = strtoull(tok, NULL, 10);
			break;
		}
	}
	if (field != 15)
		return;
	s->ticks = ut + st;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char tpath[300];
		snprintf(tpath, sizeof(tpath), "/proc/%d/task/%s/status", (int)pid, de->d_name);
		if (read_file(tpath, buf, sizeof(buf)) < 0)
			continue; /* the thread just ended */
		const char *keys[] = {"voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"};
		for (int k = 0; k < 2; k++) {
			char *q = strstr(buf, keys[k]);
			/* "voluntary" is a suffix of "nonvoluntary": insist on a
			 * line start. */
			while (q && q != buf && q[-1] != '\n')
				q = strstr(q + 1, keys[k]);
			if (q)
				s->csw += strtoull(q + strlen(keys[k]), NULL, 10);
		}
	}
	closedir(d);
	s->ok = 1;
}
