/*
 * fid.c: a connection's fid table.
 *
 * A chained hash table keyed by fid number, under conn->fid_lock (a
 * leaf lock: nothing else is taken while it is held). Lookups return the
 * fid with a reference; the table holds one reference of its own. The
 * backend's state is released by whoever drops the last reference, so a
 * fid clunked while another request still uses it stays valid for that
 * request (the use-after-free that CVE-2021-20181 was).
 */
#include <errno.h>
#include <stdlib.h>

#include "server/core.h"

#define INITIAL_BUCKETS 16u

static unsigned bucket(const struct p9_conn *c, uint32_t num)
{
	return (num * 2654435761u) & (c->fid_buckets - 1);
}

int p9__fid_table_init(struct p9_conn *c)
{
	c->fids = calloc(INITIAL_BUCKETS, sizeof(*c->fids));
	c->fid_buckets = INITIAL_BUCKETS;
	return c->fids ? 0 : -ENOMEM;
}

struct p9_fid *p9__fid_find_locked(struct p9_conn *c, uint32_t num)
{
	struct p9_fid *f;
	for (f = c->fids[bucket(c, num)]; f; f = f->hnext)
		if (f->num == num)
			break;
	return f;
}

struct p9_fid *p9__fid_get(struct p9_conn *c, uint32_t num)
{
	pthread_mutex_lock(&c->fid_lock);
	struct p9_fid *f = p9__fid_find_locked(c, num);
	if (f)
		atomic_fetch_add(&f->refs, 1);
	pthread_mutex_unlock(&c->fid_lock);
	return f;
}

/* Double the table when chains get long. Under fid_lock; on allocation
 * failure the table just stays slower. */
static void grow(struct p9_conn *c)
{
	unsigned nb = c->fid_buckets * 2;
	struct p9_fid **t = calloc(nb, sizeof(*t));
	if (!t)
		return;
	for (unsigned i = 0; i < c->fid_buckets; i++) {
		struct p9_fid *f = c->fids[i], *next;
		for (; f; f = next) {
			next = f->hnext;
			unsigned b = (f->num * 2654435761u) & (nb - 1);
			f->hnext = t[b];
			t[b] = f;
		}
	}
	free(c->fids);
	c->fids = t;
	c->fid_buckets = nb;
}

int p9__fid_add(struct p9_conn *c, uint32_t num, const struct p9_cred *cred, struct p9_fid **out)
{
	if (num == P9_NOFID)
		return -EBADF;
	struct p9_fid *f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->num = num;
	f->cred = cred;
	pthread_rwlock_init(&f->lock, NULL);
	atomic_init(&f->refs, 2); /* the table's and the caller's */
	pthread_mutex_lock(&c->fid_lock);
	for (struct p9_fid *g = c->fids[bucket(c, num)]; g; g = g->hnext)
		if (g->num == num) {
			pthread_mutex_unlock(&c->fid_lock);
			pthread_rwlock_destroy(&f->lock);
			free(f);
			return -EBADF; /* fid in use */
		}
	if (c->nfids >= c->srv->cfg.max_fids) {
		pthread_mutex_unlock(&c->fid_lock);
		pthread_rwlock_destroy(&f->lock);
		free(f);
		return -EMFILE;
	}
	if (c->nfids >= c->fid_buckets * 2)
		grow(c);
	unsigned b = bucket(c, num);
	f->hnext = c->fids[b];
	c->fids[b] = f;
	c->nfids++;
	pthread_mutex_unlock(&c->fid_lock);
	*out = f;
	return 0;
}

void p9__fid_put(struct p9_conn *c, struct p9_fid *f)
{
	if (atomic_fetch_sub(&f->refs, 1) != 1)
		return;
	struct p9_fs *fs = c->srv->fs;
	if (f->priv)
		fs->ops->clunk(fs, f);
	p9__ufid_free(f->ufid);
	pthread_rwlock_destroy(&f->lock);
	free(f);
}

int p9__fid_unhash(struct p9_conn *c, struct p9_fid *f)
{
	int found = 0;
	pthread_mutex_lock(&c->fid_lock);
	for (struct p9_fid **pp = &c->fids[bucket(c, f->num)]; *pp; pp = &(*pp)->hnext)
		if (*pp == f) {
			*pp = f->hnext;
			c->nfids--;
			found = 1;
			break;
		}
	pthread_mutex_unlock(&c->fid_lock);
	if (found)
		p9__fid_put(c, f);
	return found ? 0 : -EBADF;
}

void p9__fid_clunk_all(struct p9_conn *c)
{
	/* Take the whole table at once, then release outside the lock:
	 * releasing closes files and may take time. */
	struct p9_fid *list = NULL;
	pthread_mutex_lock(&c->fid_lock);
	for (unsigned i = 0; i < c->fid_buckets; i++) {
		while (c->fids[i]) {
			struct p9_fid *f = c->fids[i];
			c->fids[i] = f->hnext;
			f->hnext = list;
			list = f;
		}
	}
	c->nfids = 0;
	pthread_mutex_unlock(&c->fid_lock);
	while (list) {
		struct p9_fid *f = list;
		list = f->hnext;
		p9__fid_put(c, f);
	}
}
