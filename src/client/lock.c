/*
 * lock.c: POSIX byte-range locks (Tlock, Tgetlock) and Tflush.
 *
 * The client does not retry a BLOCKED lock itself: whether and how often
 * to ask again is the caller's policy (the Linux client sleeps and
 * retries), and a test needs to see the BLOCKED answer as it came.
 */
#include <string.h>

#include "client/internal.h"

int p9_client_lock(struct p9_client *c, uint32_t fid, const struct p9_client_lock *lk,
                   uint8_t *status)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TLOCK;
	tx.u.tlock.fid = fid;
	tx.u.tlock.type = lk->type;
	tx.u.tlock.flags = lk->flags;
	tx.u.tlock.start = lk->start;
	tx.u.tlock.length = lk->length;
	tx.u.tlock.proc_id = lk->proc_id;
	tx.u.tlock.client_id = lk->client_id;
	int r = p9__call(c, &tx, &rx, P9_RLOCK);
	if (r == 0 && status)
		*status = rx.u.rlock.status;
	return r;
}

int p9_client_getlock(struct p9_client *c, uint32_t fid, const struct p9_client_lock *lk,
                      struct p9_client_lock *out)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TGETLOCK;
	tx.u.tgetlock.fid = fid;
	tx.u.tgetlock.type = lk->type;
	tx.u.tgetlock.start = lk->start;
	tx.u.tgetlock.length = lk->length;
	tx.u.tgetlock.proc_id = lk->proc_id;
	tx.u.tgetlock.client_id = lk->client_id;
	int r = p9__call(c, &tx, &rx, P9_RGETLOCK);
	if (r == 0) {
		memset(out, 0, sizeof(*out));
		out->type = rx.u.rgetlock.type;
		out->start = rx.u.rgetlock.start;
		out->length = rx.u.rgetlock.length;
		out->proc_id = rx.u.rgetlock.proc_id;
		out->client_id = rx.u.rgetlock.client_id;
	}
	return r;
}

int p9_client_flush(struct p9_client *c, uint16_t oldtag)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TFLUSH;
	tx.u.tflush.oldtag = oldtag;
	return p9__call(c, &tx, &rx, P9_RFLUSH);
}
