/*
 * p9/server.h: embedding the p9d server.
 *
 * A server exports one host directory through one backend and serves any
 * number of connections on any number of listeners. p9_server_run blocks
 * the calling thread until p9_server_stop (async-signal-safe) is called.
 */
#ifndef P9_SERVER_H
#define P9_SERVER_H

#include <stddef.h>
#include <stdint.h>

enum p9_security_model {
	P9_SM_PASSTHROUGH,
	P9_SM_NONE,
	P9_SM_MAPPED_XATTR,
	P9_SM_MAPPED_FILE,
};

enum p9_multidevs {
	P9_MULTIDEVS_WARN,
	P9_MULTIDEVS_FORBID,
	P9_MULTIDEVS_REMAP,
};

struct p9_server_config {
	const char *export_path;
	enum p9_security_model model;
	enum p9_multidevs multidevs;
	int readonly;
	uint32_t fmode, dmode; /* mapped models: modes of new files/dirs */
	uint32_t msize; /* largest message we accept (default 1 MiB) */
	unsigned threads; /* worker threads (default: 2 per CPU, at least 4) */
	uint32_t max_fids; /* per connection */
	uint32_t max_requests; /* outstanding per connection before we stop reading */
	unsigned max_connections;
	int verbose; /* 0 errors, 1 info, 2 debug */
	int trace; /* log every message */
};

/* Fill cfg with the defaults. */
void p9_server_config_init(struct p9_server_config *cfg);

struct p9_server;

/* Returns 0 or a negative errno; *err gets a one-line reason on failure
 * (static or owned by the server; valid until p9_server_free). */
int p9_server_new(const struct p9_server_config *cfg, struct p9_server **out, const char **err);

/* Listen on "tcp:HOST:PORT", "unix:PATH" or serve "fd:N" / "fd:R,W" (an
 * already-connected stream). */
int p9_server_listen(struct p9_server *s, const char *addr, const char **err);

/* Serve one already-connected stream (rfd may equal wfd). */
int p9_server_add_conn(struct p9_server *s, int rfd, int wfd);

/* Run until p9_server_stop. Returns 0. */
int p9_server_run(struct p9_server *s);

/* Ask p9_server_run to return. Async-signal-safe. */
void p9_server_stop(struct p9_server *s);

/* Connections not yet fully closed (their fids released). */
unsigned p9_server_connections(struct p9_server *s);

/* With "fd:" listeners only: stop when every connection has closed. */
void p9_server_stop_when_idle(struct p9_server *s, int on);

void p9_server_free(struct p9_server *s);

/* The first bound address of the last listener, e.g. "tcp:127.0.0.1:40123"
 * after listening on port 0. */
const char *p9_server_bound_addr(struct p9_server *s);

#endif
