/*
 * client.c: a client's life: dial, version negotiation, free.
 *
 * The client owns its descriptors, buffers and locks; p9_client_free
 * releases them all. Version negotiation is the only thing that changes
 * msize and dialect, and it forgets all fids, because the server has just
 * clunked them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/internal.h"

int p9_client_dial(const char *addr, struct p9_client **out)
{
	*out = NULL;
	struct p9_client *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	pthread_condattr_t ca;
	if (pthread_condattr_init(&ca) != 0) {
		free(c);
		return -ENOMEM;
	}
	/* Timed waits measure a duration: keep them immune to clock steps. */
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	int ok = pthread_cond_init(&c->cond, &ca) == 0;
	pthread_condattr_destroy(&ca);
	if (!ok) {
		free(c);
		return -ENOMEM;
	}
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		pthread_cond_destroy(&c->cond);
		free(c);
		return -ENOMEM;
	}
	if (pthread_mutex_init(&c->wlock, NULL) != 0) {
		pthread_mutex_destroy(&c->lock);
		pthread_cond_destroy(&c->cond);
		free(c);
		return -ENOMEM;
	}
	c->msize = P9__DEFAULT_MSIZE;
	c->recv_max = P9__DEFAULT_MSIZE;
	c->dialect = P9_DIALECT_2000L;
	int r = p9__conn_dial(addr, &c->conn);
	if (r < 0) {
		c->conn.rfd = c->conn.wfd = -1; /* not ours to close */
		p9_client_free(c);
		return r;
	}
	*out = c;
	return 0;
}

void p9_client_free(struct p9_client *c)
{
	if (!c)
		return;
	p9__conn_close(&c->conn);
	p9__rpc_free(c);
	p9__fids_free(c);
	pthread_mutex_destroy(&c->wlock);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	free(c);
}

static int str_eq(struct p9_str s, const char *c)
{
	return strlen(c) == s.len && memcmp(s.s, c, s.len) == 0;
}

int p9_client_version(struct p9_client *c, uint32_t msize, const char *version)
{
	static const struct {
		const char *name;
		enum p9_dialect d;
	} known[] = {
	        {"9P2000.L", P9_DIALECT_2000L},
	        {"9P2000.u", P9_DIALECT_2000U},
	        {"9P2000", P9_DIALECT_2000},
	};
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TVERSION;
	tx.u.version.msize = msize;
	tx.u.version.version = p9_str_c(version ? version : "9P2000.L");
	int r = p9_client_rpc(c, &tx, &rx);
	if (r < 0)
		return r;
	if (rx.type == P9_RLERROR && rx.u.rlerror.ecode != 0 && rx.u.rlerror.ecode < 4096)
		return -(int)rx.u.rlerror.ecode;
	if (rx.type != P9_RVERSION)
		return -EPROTO;

	/* The server may answer with an older dialect our offer names as a
	 * prefix ("9P2000" for "9P2000.L"), never with another one. */
	struct p9_str got = rx.u.version.version;
	struct p9_str offered = tx.u.version.version;
	int dialect = -1;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (str_eq(got, known[i].name)) {
			dialect = (int)known[i].d;
			break;
		}
	}
	if (dialect < 0 || got.len > offered.len || memcmp(got.s, offered.s, got.len) != 0)
		return -EPROTONOSUPPORT;

	uint32_t agreed = rx.u.version.msize < msize ? rx.u.version.msize : msize;
	if (agreed <= P9_IOHDRSZ)
		return -EPROTO;
	pthread_mutex_lock(&c->lock);
	c->msize = agreed;
	c->recv_max = agreed;
	c->dialect = (enum p9_dialect)dialect;
	pthread_mutex_unlock(&c->lock);
	p9__fids_reset(c);
	return 0;
}

uint32_t p9_client_msize(struct p9_client *c)
{
	pthread_mutex_lock(&c->lock);
	uint32_t m = c->msize;
	pthread_mutex_unlock(&c->lock);
	return m;
}

enum p9_dialect p9_client_dialect(struct p9_client *c)
{
	pthread_mutex_lock(&c->lock);
	enum p9_dialect d = c->dialect;
	pthread_mutex_unlock(&c->lock);
	return d;
}
