/*
 * setup.c: --setup, the test tree, made through 9P with the client library
 * (so it works against any server, with the server's own ownership rules):
 *
 *   a/b/c/d/file   4 KiB, for getattr and walkstat
 *   big            file_size bytes, for read and randread
 *   wbig           file_size bytes, for write and randwrite (kept apart so
 *                  the read file's pages stay clean)
 *   cr/            empty, where create makes and unlinks its files
 *   dir10k/        dir_entries empty files e00000, e00001, ...
 *
 * It is idempotent: what already exists with the right size or entry count
 * is left alone, so running it before every measurement costs a few RPCs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

static int say(const char *what, const char *name, int r)
{
	fprintf(stderr, "p9bench: setup: %s %s: %s\n", what, name, strerror(-r));
	return r;
}

/* Walk (or make) the directory name under dfid; *out gets its fid. */
static int ensure_dir(struct p9_client *c, uint32_t dfid, const char *name, uint32_t *out)
{
	int r = p9_client_walk(c, dfid, name, out, NULL);
	if (r == -ENOENT) {
		r = p9_client_mkdir(c, dfid, name, 0755, getgid(), NULL);
		if (r < 0 && r != -EEXIST)
			return say("mkdir", name, r);
		r = p9_client_walk(c, dfid, name, out, NULL);
	}
	if (r < 0)
		return say("walk", name, r);
	return 0;
}

/* name in dfid, exactly size bytes of non-zero data. */
static int ensure_file(struct p9_client *c, uint32_t dfid, const char *name, uint64_t size)
{
	uint32_t fid;
	int r = p9_client_walk(c, dfid, name, &fid, NULL);
	if (r == 0) {
		struct p9_rgetattr ga;
		r = p9_client_getattr(c, fid, P9_GETATTR_BASIC, &ga);
		if (r == 0 && ga.size == size)
			return p9_client_clunk(c, fid);
		if (r == 0)
			r = p9_client_lopen(c, fid, P9_DOTL_WRONLY | P9_DOTL_TRUNC, NULL, NULL);
		if (r < 0) {
			p9_client_clunk(c, fid);
			return say("reopen", name, r);
		}
	} else if (r == -ENOENT) {
		r = p9_client_walk(c, dfid, "", &fid, NULL);
		if (r < 0)
			return say("clone for", name, r);
		r = p9_client_lcreate(c, fid, name, P9_DOTL_WRONLY | P9_DOTL_CREATE, 0644, getgid(),
		                      NULL, NULL);
		if (r < 0) {
			p9_client_clunk(c, fid);
			return say("create", name, r);
		}
	} else {
		return say("walk", name, r);
	}

	size_t chunk = 1u << 20;
	uint8_t *buf = malloc(chunk);
	if (!buf) {
		p9_client_clunk(c, fid);
		return -ENOMEM;
	}
	for (size_t i = 0; i < chunk; i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	fprintf(stderr, "p9bench: setup: writing %s (%llu bytes)\n", name,
	        (unsigned long long)size);
	for (uint64_t off = 0; off < size;) {
		size_t n = size - off < chunk ? (size_t)(size - off) : chunk;
		ssize_t w = p9_client_write(c, fid, off, buf, n);
		if (w <= 0) {
			free(buf);
			p9_client_clunk(c, fid);
			return say("write", name, w < 0 ? (int)w : -EIO);
		}
		off += (uint64_t)w;
	}
	free(buf);
	return p9_client_clunk(c, fid);
}

static int count_entry(void *arg, const struct p9_dirent *de)
{
	if (!(de->name.len == 1 && de->name.s[0] == '.') &&
	    !(de->name.len == 2 && de->name.s[0] == '.' && de->name.s[1] == '.'))
		(*(uint64_t *)arg)++;
	return 0;
}

static int count_dir(struct p9_client *c, uint32_t dfid, uint64_t *n)
{
	uint32_t fid;
	*n = 0;
	int r = p9_client_walk(c, dfid, "", &fid, NULL);
	if (r < 0)
		return r;
	r = p9_client_lopen(c, fid, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY, NULL, NULL);
	if (r == 0)
		r = p9_client_readdir(c, fid, 0, count_entry, n);
	p9_client_clunk(c, fid);
	return r;
}

static int ensure_list_dir(struct p9_client *c, uint32_t root, uint32_t entries)
{
	uint32_t dfid;
	int r = ensure_dir(c, root, BENCH_LIST_DIR, &dfid);
	if (r < 0)
		return r;
	uint64_t have;
	r = count_dir(c, dfid, &have);
	if (r < 0) {
		p9_client_clunk(c, dfid);
		return say("list", BENCH_LIST_DIR, r);
	}
	if (have != entries) {
		fprintf(stderr, "p9bench: setup: %s has %llu entries, making %u\n", BENCH_LIST_DIR,
		        (unsigned long long)have, entries);
	}
	for (uint32_t i = 0; have != entries && i < entries; i++) {
		char name[16];
		uint32_t fid;
		snprintf(name, sizeof(name), "e%05u", i);
		r = p9_client_walk(c, dfid, "", &fid, NULL);
		if (r < 0)
			break;
		r = p9_client_lcreate(c, fid, name, P9_DOTL_WRONLY | P9_DOTL_CREATE | P9_DOTL_EXCL,
		                      0644, getgid(), NULL, NULL);
		p9_client_clunk(c, fid);
		if (r < 0 && r != -EEXIST) {
			say("create in", BENCH_LIST_DIR, r);
			break;
		}
		r = 0;
	}
	p9_client_clunk(c, dfid);
	return r;
}

int bench_setup(const struct bench_opts *o)
{
	struct p9_client *c;
	int r = p9_client_dial(o->addr, &c);
	if (r < 0)
		return say("connect", o->addr, r);
	uint32_t root, fid, dfid;
	r = p9_client_version(c, o->msize, "9P2000.L");
	if (r < 0) {
		say("Tversion", "", r);
		goto out;
	}
	r = p9_client_attach(c, o->uname, o->aname, o->uid, &root, NULL);
	if (r < 0) {
		say("Tattach", o->aname, r);
		goto out;
	}
	/* a/b/c/d, one level at a time */
	dfid = root;
	const char *parts[] = {"a", "b", "c", "d"};
	for (int i = 0; i < 4; i++) {
		r = ensure_dir(c, dfid, parts[i], &fid);
		if (dfid != root)
			p9_client_clunk(c, dfid);
		if (r < 0)
			goto out;
		dfid = fid;
	}
	r = ensure_file(c, dfid, "file", 4096);
	p9_client_clunk(c, dfid);
	if (r < 0)
		goto out;
	if ((r = ensure_file(c, root, BENCH_READ_FILE, o->file_size)) < 0)
		goto out;
	if ((r = ensure_file(c, root, BENCH_WRITE_FILE, o->file_size)) < 0)
		goto out;
	if ((r = ensure_dir(c, root, BENCH_CREATE_DIR, &fid)) < 0)
		goto out;
	p9_client_clunk(c, fid);
	r = ensure_list_dir(c, root, o->dir_entries);
out:
	p9_client_free(c);
	return r;
}
