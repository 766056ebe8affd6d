/*
 * harness.c: see harness.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static void *run_server(void *arg)
{
	struct harness *h = arg;
	p9_server_run(h->srv);
	return NULL;
}

static void rm_rf(const char *path)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd) != 0) {
		/* best effort */
	}
}

int harness_connect(struct harness *h, uint32_t uid, struct p9_client **c, uint32_t *root)
{
	char addr[320];
	int e;
	snprintf(addr, sizeof(addr), "unix:%s", h->sock);
	if ((e = p9_client_dial(addr, c)) < 0)
		return e;
	if ((e = p9_client_version(*c, 1u << 20, "9P2000.L")) < 0 ||
	    (e = p9_client_attach(*c, "", "", uid, root, NULL)) < 0) {
		p9_client_free(*c);
		*c = NULL;
		return e;
	}
	return 0;
}

int harness_start(struct harness *h, const struct p9_server_config *cfg, uint32_t uid)
{
	struct p9_server_config conf;
	const char *err = NULL;
	const char *tmp = getenv("P9_TEST_TMPDIR");
	char addr[320];
	int e;
	memset(h, 0, sizeof(*h));
	h->exportfd = -1;
	snprintf(h->base, sizeof(h->base), "%s/p9d-test-XXXXXX", tmp ? tmp : "/var/tmp");
	if (!mkdtemp(h->base))
		return -errno;
	chmod(h->base, 0755);
	snprintf(h->export_dir, sizeof(h->export_dir), "%s/export", h->base);
	snprintf(h->sock, sizeof(h->sock), "%s/sock", h->base);
	mkdir(h->export_dir, 0755);
	h->exportfd = open(h->export_dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (cfg)
		conf = *cfg;
	else
		p9_server_config_init(&conf);
	conf.export_path = h->export_dir;
	if (conf.threads == 0 || conf.threads > 8)
		conf.threads = 4;
	if ((e = p9_server_new(&conf, &h->srv, &err)) < 0) {
		fprintf(stderr, "harness: server: %s\n", err ? err : "?");
		goto fail;
	}
	snprintf(addr, sizeof(addr), "unix:%s", h->sock);
	if ((e = p9_server_listen(h->srv, addr, &err)) < 0)
		goto fail;
	pthread_create(&h->thread, NULL, run_server, h);
	if ((e = harness_connect(h, uid, &h->c, &h->root)) < 0) {
		p9_server_stop(h->srv);
		pthread_join(h->thread, NULL);
		goto fail;
	}
	return 0;
fail:
	if (h->srv)
		p9_server_free(h->srv);
	h->srv = NULL;
	if (h->exportfd >= 0)
		close(h->exportfd);
	rm_rf(h->base);
	return e;
}

void harness_stop(struct harness *h)
{
	p9_client_free(h->c);
	/* Let the server see the disconnect before it stops. */
	usleep(20000);
	p9_server_stop(h->srv);
	pthread_join(h->thread, NULL);
	p9_server_free(h->srv);
	close(h->exportfd);
	rm_rf(h->base);
}

int harness_write_file(struct harness *h, const char *rel, const char *data)
{
	int fd = openat(h->exportfd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
			0644);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, data, strlen(data));
	close(fd);
	return n == (ssize_t)strlen(data) ? 0 : -EIO;
}

int harness_read_file(struct harness *h, const char *rel, char *buf, size_t cap)
{
	int fd = openat(h->exportfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	return (int)n;
}

int64_t open_path(struct p9_client *c, uint32_t root, const char *path, uint32_t flags)
{
	uint32_t fid;
	int e = p9_client_walk(c, root, path, &fid, NULL);
	if (e < 0)
		return e;
	if ((e = p9_client_lopen(c, fid, flags, NULL, NULL)) < 0) {
		p9_client_clunk(c, fid);
		return e;
	}
	return fid;
}
