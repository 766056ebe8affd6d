/*
 * xattr.c: extended attributes, which 9P2000.L reaches through a fid of
 * their own: Txattrwalk makes one that reads the value (or the name list),
 * Txattrcreate turns a fresh clone into one that collects the new value
 * in Twrites and applies it at Tclunk. Each call clunks its fid before it
 * returns, so nothing leaks on any path.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "client/internal.h"

ssize_t p9_client_xattr_get(struct p9_client *c, uint32_t fid, const char *name, void *buf,
                            size_t cap)
{
	uint32_t nf;
	int r = p9_client_fid_new(c, &nf);
	if (r < 0)
		return r;
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TXATTRWALK;
	tx.u.txattrwalk.fid = fid;
	tx.u.txattrwalk.newfid = nf;
	tx.u.txattrwalk.name = p9_str_c(name);
	r = p9__call(c, &tx, &rx, P9_RXATTRWALK);
	if (r < 0) {
		if (r == -ENOMEM) /* the reply may have come and been lost */
			(void)p9__clunk_wire(c, nf);
		p9_client_fid_release(c, nf);
		return r;
	}
	uint64_t size = rx.u.rxattrwalk.size;
	ssize_t got;
	if (size > SSIZE_MAX)
		got = -E2BIG;
	else if (cap == 0)
		got = (ssize_t)size;
	else if (size > cap)
		got = -ERANGE;
	else
		got = p9_client_read(c, nf, 0, buf, (size_t)size);
	(void)p9_client_clunk(c, nf);
	return got;
}

ssize_t p9_client_xattr_list(struct p9_client *c, uint32_t fid, char *buf, size_t cap)
{
	return p9_client_xattr_get(c, fid, "", buf, cap);
}

int p9_client_xattr_set(struct p9_client *c, uint32_t fid, const char *name, const void *value,
                        size_t size, uint32_t flags)
{
	uint32_t nf;
	/* Txattrcreate changes what its fid is: never do that to the
	 * caller's. */
	int r = p9_client_walk(c, fid, "", &nf, NULL);
	if (r < 0)
		return r;
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TXATTRCREATE;
	tx.u.txattrcreate.fid = nf;
	tx.u.txattrcreate.name = p9_str_c(name);
	tx.u.txattrcreate.attr_size = size;
	tx.u.txattrcreate.flags = flags;
	r = p9__call(c, &tx, &rx, P9_RXATTRCREATE);
	if (r == 0 && size > 0) {
		ssize_t w = p9_client_write(c, nf, 0, value, size);
		if (w < 0)
			r = (int)w;
		else if ((size_t)w != size)
			r = -EIO;
	}
	int rc = p9_client_clunk(c, nf);
	return r < 0 ? r : rc;
}

int p9_client_xattr_remove(struct p9_client *c, uint32_t fid, const char *name)
{
	return p9_client_xattr_set(c, fid, name, NULL, 0, 0);
}
