/*
 * lock.c: real byte-range locks for Tlock/Tgetlock.
 *
 * Each open fid has its own host open file, and locks are taken with
 * open-file-description semantics on it: two clients (or two processes of
 * one client, which open the file through different fids) conflict as
 * two local processes would, and closing the fid releases its locks.
 *
 * A blocking lock waits on the host inside p9_wait_begin/end, so a
 * Tflush (or the client leaving) interrupts the wait, and the server
 * keeps enough other threads running meanwhile.
 */
#include <errno.h>

#include "fs/local/local.h"

int p9__local_lock(struct p9_fs *fs, struct p9_fid *fid, const struct p9_lockreq *lk,
		   struct p9_wait *w)
{
	struct local_fid *lf = fid->priv;
	struct p9_os_lock l = { .type = lk->type, .start = lk->start, .length = lk->length };
	int e;
	(void)fs;
	if (lf->fd < 0)
		return -EBADF;
	e = p9_os_setlk(lf->fd, &l, 0);
	if (e == 0)
		return P9_LOCK_SUCCESS;
	if (e != -EAGAIN && e != -EACCES)
		return e;
	if (!(lk->flags & P9_LOCK_FLAGS_BLOCK))
		return P9_LOCK_BLOCKED;
	if ((e = p9_wait_begin(w)) < 0)
		return e;
	do
		e = p9_os_setlk(lf->fd, &l, 1);
	while (e == -EINTR && !p9_wait_cancelled(w));
	p9_wait_end(w);
	if (e == 0)
		return P9_LOCK_SUCCESS;
	return e;
}

int p9__local_getlock(struct p9_fs *fs, struct p9_fid *fid, struct p9_lockreq *lk)
{
	struct local_fid *lf = fid->priv;
	struct p9_os_lock l = { .type = lk->type, .start = lk->start, .length = lk->length };
	int e;
	(void)fs;
	if (lf->fd < 0)
		return -EBADF;
	/* Linux's client asks with type UNLCK (it has already tested its own
	 * locks and means "is anything held here?"): test as a write lock,
	 * which every other lock conflicts with. */
	if (l.type == P9_LOCK_TYPE_UNLCK)
		l.type = P9_LOCK_TYPE_WRLCK;
	if ((e = p9_os_getlk(lf->fd, &l)) < 0)
		return e;
	lk->type = l.type;
	if (l.type != P9_LOCK_TYPE_UNLCK) {
		lk->start = l.start;
		lk->length = l.length;
		/* OFD locks have no owning process; say "someone else". */
		lk->proc_id = l.pid > 0 ? (uint32_t)l.pid : 0;
	}
	return 0;
}
