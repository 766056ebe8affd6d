/*
 * fid.c: fid numbers, chosen by the client, lowest free first.
 *
 * fids[n] says whether fid n is in use and the iounit its open returned;
 * fid_lo is a lower bound for the first free one, so allocation does not
 * rescan the busy prefix. Fids the caller made up itself (beyond nfids)
 * are simply unknown here: they have no iounit. All under c->lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client/internal.h"

int p9_client_fid_new(struct p9_client *c, uint32_t *fid)
{
	pthread_mutex_lock(&c->lock);
	uint32_t f = c->fid_lo;
	while (f < c->nfids && c->fids[f].used)
		f++;
	if (f == c->nfids) {
		/* NOFID is not a fid; stop well short of it. */
		if (c->nfids >= 0x80000000u) {
			pthread_mutex_unlock(&c->lock);
			return -EMFILE;
		}
		uint32_t n = c->nfids ? c->nfids * 2 : 32;
		struct p9__fidinfo *nf = realloc(c->fids, n * sizeof(*nf));
		if (!nf) {
			pthread_mutex_unlock(&c->lock);
			return -ENOMEM;
		}
		memset(nf + c->nfids, 0, (n - c->nfids) * sizeof(*nf));
		c->fids = nf;
		c->nfids = n;
	}
	c->fids[f].used = 1;
	c->fids[f].iounit = 0;
	c->fid_lo = f + 1;
	pthread_mutex_unlock(&c->lock);
	*fid = f;
	return 0;
}

void p9_client_fid_release(struct p9_client *c, uint32_t fid)
{
	pthread_mutex_lock(&c->lock);
	if (fid < c->nfids) {
		c->fids[fid].used = 0;
		c->fids[fid].iounit = 0;
		if (fid < c->fid_lo)
			c->fid_lo = fid;
	}
	pthread_mutex_unlock(&c->lock);
}

void p9__fid_set_iounit(struct p9_client *c, uint32_t fid, uint32_t iounit)
{
	pthread_mutex_lock(&c->lock);
	if (fid < c->nfids)
		c->fids[fid].iounit = iounit;
	pthread_mutex_unlock(&c->lock);
}

uint32_t p9__fid_iounit(struct p9_client *c, uint32_t fid)
{
	pthread_mutex_lock(&c->lock);
	uint32_t io = fid < c->nfids ? c->fids[fid].iounit : 0;
	pthread_mutex_unlock(&c->lock);
	return io;
}

void p9__fids_reset(struct p9_client *c)
{
	pthread_mutex_lock(&c->lock);
	if (c->nfids)
		memset(c->fids, 0, c->nfids * sizeof(*c->fids));
	c->fid_lo = 0;
	pthread_mutex_unlock(&c->lock);
}

void p9__fids_free(struct p9_client *c)
{
	free(c->fids);
	c->fids = NULL;
	c->nfids = 0;
}
