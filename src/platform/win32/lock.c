/*
 * lock.c: byte-range locks with open-file-description semantics, on
 * LockFileEx/UnlockFileEx.
 *
 * NT locks already belong to the handle (file object), as OFD locks do.
 * What differs, and is bridged here:
 *  - NT never merges or splits: an unlock must name exactly a range that
 *    was locked, and an exclusive lock conflicts with the same handle's own
 *    locks. So each handle keeps the list of ranges it holds in NT (locks,
 *    under its mu); a change first releases the handle's own overlapping
 *    ranges, takes the new one, then takes back the parts of the old ones
 *    outside it. If the new range cannot be had, the old ones are taken
 *    back whole. An upgrade (read to write) is therefore not atomic as it
 *    is on Linux: another handle may win the range in between, and then
 *    this handle loses its read lock there (it gets EAGAIN, as Linux would
 *    answer for the conflict).
 *  - NT locks are mandatory: I/O through other handles over a range locked
 *    against them fails (EAGAIN, io.c).
 *  - getlk can only probe other handles' locks by trying them: the
 *    conflicting lock is reported with the type found and the probed
 *    range, not the holder's exact range; parts of the range this handle
 *    holds itself are not probed.
 *  - A waiting setlk polls (LOCKFILE_FAIL_IMMEDIATELY every 5 ms) for at
 *    most one 100 ms slice, then answers EINTR, sooner when the thread is
 *    interrupted (thread.c): the contract of platform.h.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#include "p9/proto.h"

#define WAIT_SLICE_MS 100
#define POLL_MS 5

static BOOL nt_lock(HANDLE h, uint8_t type, uint64_t s, uint64_t e)
{
	OVERLAPPED ov = {0};
	ov.Offset = (DWORD)s;
	ov.OffsetHigh = (DWORD)(s >> 32);
	uint64_t n = e - s;
	DWORD fl = LOCKFILE_FAIL_IMMEDIATELY |
	           (type == P9_LOCK_TYPE_WRLCK ? LOCKFILE_EXCLUSIVE_LOCK : 0);
	return LockFileEx(h, fl, 0, (DWORD)n, (DWORD)(n >> 32), &ov);
}

static void nt_unlock(HANDLE h, uint64_t s, uint64_t e)
{
	OVERLAPPED ov = {0};
	ov.Offset = (DWORD)s;
	ov.OffsetHigh = (DWORD)(s >> 32);
	uint64_t n = e - s;
	UnlockFileEx(h, 0, (DWORD)n, (DWORD)(n >> 32), &ov);
}

static int add_range(struct p9__file *f, uint64_t s, uint64_t e, uint8_t type)
{
	if (f->nlocks == f->caplocks) {
		size_t cap = f->caplocks ? f->caplocks * 2 : 8;
		struct p9__range *r = realloc(f->locks, cap * sizeof *r);
		if (r == NULL)
			return -ENOLCK;
		f->locks = r;
		f->caplocks = cap;
	}
	f->locks[f->nlocks++] = (struct p9__range){s, e, type};
	return 0;
}

/* Take back the parts of r outside [s, e) (held by us a moment ago). */
static void keep_outside(struct p9__file *f, const struct p9__range *r, uint64_t s, uint64_t e)
{
	if (r->start < s && nt_lock(f->h, r->type, r->start, s))
		add_range(f, r->start, s, r->type);
	if (r->end > e && nt_lock(f->h, r->type, e, r->end))
		add_range(f, e, r->end, r->type);
}

/* One try: 0, -EAGAIN (held by another handle) or another error. */
static int try_set(struct p9__file *f, uint8_t type, uint64_t s, uint64_t e)
{
	/* Our own ranges that overlap [s, e) come out of the list. */
	struct p9__range *old = NULL;
	size_t nold = 0;
	for (size_t i = 0; i < f->nlocks;) {
		struct p9__range *r = &f->locks[i];
		if (r->start < e && r->end > s) {
			struct p9__range *o = realloc(old, (nold + 1) * sizeof *o);
			if (o == NULL) {
				free(old);
				return -ENOLCK;
			}
			old = o;
			old[nold++] = *r;
			f->locks[i] = f->locks[--f->nlocks];
		} else {
			i++;
		}
	}
	for (size_t i = 0; i < nold; i++)
		nt_unlock(f->h, old[i].start, old[i].end);
	int err = 0;
	if (type == P9_LOCK_TYPE_UNLCK) {
		for (size_t i = 0; i < nold; i++)
			keep_outside(f, &old[i], s, e);
	} else if (nt_lock(f->h, type, s, e)) {
		if ((err = add_range(f, s, e, type)) != 0)
			nt_unlock(f->h, s, e);
		for (size_t i = 0; i < nold; i++)
			keep_outside(f, &old[i], s, e);
	} else {
		DWORD w = GetLastError();
		err = w == ERROR_LOCK_VIOLATION || w == ERROR_LOCK_FAILED ? -EAGAIN
		                                                          : p9__win_err(w);
		for (size_t i = 0; i < nold; i++)
			if (nt_lock(f->h, old[i].type, old[i].start, old[i].end))
				add_range(f, old[i].start, old[i].end, old[i].type);
	}
	free(old);
	return err;
}

/* The handle and the range [*s, *e) a request names. */
static struct p9__file *lock_args(int fd, const struct p9_os_lock *lk, uint64_t *s, uint64_t *e,
                                  int *err)
{
	struct p9__file *f = p9__fd_get(fd);
	*err = 0;
	if (f == NULL || (f->flags & P9_OS_O_PATH) || f->kind != P9__KIND_FILE)
		*err = -EBADF;
	else if (lk->type > P9_LOCK_TYPE_UNLCK || lk->start > (uint64_t)INT64_MAX)
		*err = -EINVAL;
	else if (lk->type == P9_LOCK_TYPE_WRLCK && (f->flags & 3u) == P9_DOTL_RDONLY)
		*err = -EBADF; /* as fcntl: a write lock needs a writable handle */
	else if (lk->type == P9_LOCK_TYPE_RDLCK && (f->flags & 3u) == P9_DOTL_WRONLY)
		*err = -EBADF;
	if (*err)
		return NULL;
	*s = lk->start;
	/* length 0, or an end past what NT counts: to the end of the file. */
	*e = lk->length == 0 || lk->length > UINT64_MAX - lk->start ? UINT64_MAX
	                                                            : lk->start + lk->length;
	return f;
}

int p9_os_setlk(int fd, const struct p9_os_lock *lk, int wait)
{
	int err = p9__fault_err(P9_OS_CALL_LOCK);
	if (err)
		return err;
	uint64_t s, e;
	struct p9__file *f = lock_args(fd, lk, &s, &e, &err);
	if (f == NULL)
		return err;
	if (s == e)
		return 0;
	ULONGLONG until = GetTickCount64() + WAIT_SLICE_MS;
	for (;;) {
		AcquireSRWLockExclusive(&f->mu);
		err = try_set(f, lk->type, s, e);
		ReleaseSRWLockExclusive(&f->mu);
		if (err != -EAGAIN || !wait)
			return err;
		if (p9__interrupted() || GetTickCount64() >= until)
			return -EINTR;
		Sleep(POLL_MS);
	}
}

int p9_os_getlk(int fd, struct p9_os_lock *lk)
{
	int err = p9__fault_err(P9_OS_CALL_LOCK);
	if (err)
		return err;
	uint64_t s, e;
	struct p9__file *f = lock_args(fd, lk, &s, &e, &err);
	if (f == NULL)
		return err;
	uint8_t want = lk->type;
	lk->pid = -1;
	if (want == P9_LOCK_TYPE_UNLCK)
		return -EINVAL;
	AcquireSRWLockExclusive(&f->mu);
	/* Probe the parts of [s, e) this handle does not hold, in order. */
	uint64_t at = s;
	int found = 0;
	while (at < e && !found) {
		uint64_t end = e, skip_to = at;
		for (size_t i = 0; i < f->nlocks; i++) {
			const struct p9__range *r = &f->locks[i];
			if (r->start <= at && r->end > at && r->end > skip_to)
				skip_to = r->end; /* ours: not probed */
			else if (r->start > at && r->start < end)
				end = r->start;
		}
		if (skip_to > at) {
			at = skip_to;
			continue;
		}
		if (nt_lock(f->h, want, at, end)) {
			nt_unlock(f->h, at, end);
		} else {
			found = 1;
			uint8_t held = P9_LOCK_TYPE_WRLCK;
			if (want == P9_LOCK_TYPE_WRLCK &&
			    nt_lock(f->h, P9_LOCK_TYPE_RDLCK, at, end)) {
				nt_unlock(f->h, at, end);
				held = P9_LOCK_TYPE_RDLCK;
			}
			lk->type = held;
			lk->start = at;
			lk->length = end == UINT64_MAX ? 0 : end - at;
		}
		at = end;
	}
	ReleaseSRWLockExclusive(&f->mu);
	if (!found)
		lk->type = P9_LOCK_TYPE_UNLCK;
	return 0;
}

void p9__locks_drop(struct p9__file *f)
{
	for (size_t i = 0; i < f->nlocks; i++)
		nt_unlock(f->h, f->locks[i].start, f->locks[i].end);
	free(f->locks);
	f->locks = NULL;
	f->nlocks = f->caplocks = 0;
}
