/*
 * harness.h: an in-process p9d on a temporary export, and a client
 * attached to it, for integration tests.
 *
 * Each test gets a fresh export directory (under $TMPDIR or /var/tmp, a
 * real file system with user xattrs, not the build tree) and a server on
 * a Unix socket inside it, run by a thread of its own. The export root
 * fid is h->root.
 */
#ifndef P9_TEST_HARNESS_H
#define P9_TEST_HARNESS_H

#include <pthread.h>
#include <stdint.h>

#include "p9/client.h"
#include "p9/server.h"

struct harness {
	char base[256]; /* temp dir holding export/ and the socket */
	char export_dir[300];
	char sock[300];
	int exportfd; /* the export, for making host-side fixtures */
	struct p9_server *srv;
	pthread_t thread;
	struct p9_client *c;
	uint32_t root;
};

/* Start a server with cfg (export_path is filled in; NULL: defaults),
 * connect, version with msize 1 MiB and attach as uid. Returns 0 or a
 * negative errno; on failure nothing is left behind. */
int harness_start(struct harness *h, const struct p9_server_config *cfg, uint32_t uid);
/* Another client to the same server, attached as uid. */
int harness_connect(struct harness *h, uint32_t uid, struct p9_client **c, uint32_t *root);
void harness_stop(struct harness *h);

/* Host-side fixtures, relative to the export (no following of links). */
int harness_write_file(struct harness *h, const char *rel, const char *data);
int harness_read_file(struct harness *h, const char *rel, char *buf, size_t cap);

/* Client helpers: walk+open, returning the open fid (or a negative errno). */
int64_t open_path(struct p9_client *c, uint32_t root, const char *path, uint32_t flags);

#endif
