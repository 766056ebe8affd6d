/*
 * dir.c: directory listing with stable cookies.
 *
 * NT has no directory offsets to seek to (NtQueryDirectoryFile can only
 * restart), so a listing is a snapshot: reading from cookie 0 lists the
 * whole directory into the handle's snapshot (names already UTF-8, types
 * already Linux's), and cookie n is "entry n of that snapshot". A listing
 * resumed from any entry's `next` continues exactly after it whatever the
 * buffer sizes, and it is complete and duplicate-free even while entries
 * are created and deleted: every name that existed for the whole listing
 * appears once (POSIX leaves names created or removed meanwhile
 * unspecified). Reading from 0 again takes a new snapshot (rewinddir).
 *
 * Invariants:
 *  - The snapshot belongs to the handle and is protected by its mu; each
 *    fid lists through its own handle.
 *  - The holding directory of unlinked files is left out of its export
 *    root's listing; names that are not valid UTF-16 (unpaired surrogates)
 *    are left out too: no client could name them.
 *  - Records in the caller's buffer are ours (below); p9_os_dir_next
 *    trusts nothing in them.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct snapent {
	uint64_t ino;
	uint32_t name_off; /* into names */
	uint16_t namelen;
	uint8_t type;
};

struct p9__dirsnap {
	struct snapent *e;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
};

void p9__dirsnap_free(struct p9__dirsnap *s)
{
	if (s == NULL)
		return;
	free(s->e);
	free(s->names);
	free(s);
}

static uint8_t dt_of(uint32_t attributes, uint32_t tag)
{
	switch (p9__classify(attributes, tag)) {
	case P9_S_IFDIR:
		return 4; /* DT_DIR */
	case P9_S_IFLNK:
		return 10; /* DT_LNK */
	default:
		return 8; /* DT_REG */
	}
}

static int snap_add(struct p9__dirsnap *s, const FILE_ID_BOTH_DIR_INFORMATION *d, int is_root)
{
	char name[4 * 256];
	int n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, d->FileName,
	                            (int)(d->FileNameLength / sizeof(WCHAR)), name, sizeof name - 1,
	                            NULL, NULL);
	if (n <= 0)
		return 0; /* not nameable in UTF-8: left out */
	name[n] = '\0';
	if (is_root && _stricmp(name, P9__HOLDING_NAME) == 0)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct snapent *e = realloc(s->e, cap * sizeof *e);
		if (e == NULL)
			return -ENOMEM;
		s->e = e;
		s->cap = cap;
	}
	if (s->names_len + (size_t)n + 1 > s->names_cap) {
		size_t cap = s->names_cap ? s->names_cap * 2 : 4096;
		while (cap < s->names_len + (size_t)n + 1)
			cap *= 2;
		char *nn = realloc(s->names, cap);
		if (nn == NULL)
			return -ENOMEM;
		s->names = nn;
		s->names_cap = cap;
	}
	struct snapent *e = &s->e[s->n++];
	e->ino = (uint64_t)d->FileId.QuadPart;
	e->name_off = (uint32_t)s->names_len;
	e->namelen = (uint16_t)n;
	/* For a reparse point, EaSize holds its tag. */
	e->type = dt_of(d->FileAttributes, d->EaSize);
	memcpy(s->names + s->names_len, name, (size_t)n + 1);
	s->names_len += (size_t)n + 1;
	return 0;
}

static int snap_take(struct p9__file *f, struct p9__dirsnap **out)
{
	struct p9__dirsnap *s = calloc(1, sizeof *s);
	enum { CHUNK = 64 * 1024 };
	void *buf = malloc(CHUNK);
	int err = 0;
	if (s == NULL || buf == NULL) {
		err = -ENOMEM;
		goto fail;
	}
	BOOLEAN restart = TRUE;
	for (;;) {
		IO_STATUS_BLOCK io;
		NTSTATUS st =
		        NtQueryDirectoryFile(f->h, NULL, NULL, NULL, &io, buf, CHUNK,
		                             FileIdBothDirectoryInformation, FALSE, NULL, restart);
		restart = FALSE;
		if (st == (NTSTATUS)0x80000006L /* NO_MORE_FILES */)
			break;
		if (!NT_SUCCESS(st)) {
			err = p9__nt_err(st);
			goto fail;
		}
		if (io.Information == 0)
			break;
		const unsigned char *p = buf;
		for (;;) {
			const FILE_ID_BOTH_DIR_INFORMATION *d = (const void *)p;
			if ((err = snap_add(s, d, f->is_root)) != 0)
				goto fail;
			if (d->NextEntryOffset == 0)
				break;
			p += d->NextEntryOffset;
		}
	}
	free(buf);
	*out = s;
	return 0;
fail:
	free(buf);
	p9__dirsnap_free(s);
	return err;
}

/* Our record: reclen (u16), type (u8), pad, ino (u64), next (u64), name,
 * NUL; each record padded to 8 bytes. */
enum { OFF_RECLEN = 0, OFF_TYPE = 2, OFF_INO = 4, OFF_NEXT = 12, OFF_NAME = 20 };

ssize_t p9_os_dir_read(int dirfd, uint64_t cookie, void *buf, size_t len)
{
	int err = p9__fault_err(P9_OS_CALL_READ);
	if (err)
		return err;
	struct p9__file *f = p9__fd_get(dirfd);
	if (f == NULL || (f->flags & P9_OS_O_PATH))
		return -EBADF;
	if (f->kind != P9__KIND_DIR)
		return -ENOTDIR;
	if (cookie > (uint64_t)INT64_MAX)
		return -EINVAL;
	AcquireSRWLockExclusive(&f->mu);
	if (cookie == 0 || f->snap == NULL) {
		struct p9__dirsnap *s = NULL;
		if ((err = snap_take(f, &s)) != 0) {
			ReleaseSRWLockExclusive(&f->mu);
			return err;
		}
		p9__dirsnap_free(f->snap);
		f->snap = s;
	}
	const struct p9__dirsnap *s = f->snap;
	unsigned char *out = buf;
	size_t at = 0;
	for (uint64_t i = cookie; i < s->n; i++) {
		const struct snapent *e = &s->e[i];
		size_t rec = ((size_t)OFF_NAME + e->namelen + 1 + 7) & ~(size_t)7;
		if (rec > len - at) {
			if (at == 0)
				err = -EINVAL; /* not even one entry fits (getdents64) */
			break;
		}
		uint16_t rl = (uint16_t)rec;
		uint64_t next = i + 1;
		memset(out + at, 0, rec);
		memcpy(out + at + OFF_RECLEN, &rl, sizeof rl);
		out[at + OFF_TYPE] = e->type;
		memcpy(out + at + OFF_INO, &e->ino, sizeof e->ino);
		memcpy(out + at + OFF_NEXT, &next, sizeof next);
		memcpy(out + at + OFF_NAME, s->names + e->name_off, e->namelen);
		at += rec;
	}
	ReleaseSRWLockExclusive(&f->mu);
	return err ? err : (ssize_t)at;
}

int p9_os_dir_next(const void *buf, size_t len, size_t *pos, struct p9_os_dirent *de)
{
	const unsigned char *p = buf;
	size_t at = *pos;
	if (at >= len || len - at < OFF_NAME + 1)
		return 0;
	uint16_t reclen;
	memcpy(&reclen, p + at + OFF_RECLEN, sizeof reclen);
	if (reclen < OFF_NAME + 1 || reclen > len - at)
		return 0;
	const char *name = (const char *)p + at + OFF_NAME;
	size_t namelen = strnlen(name, reclen - OFF_NAME);
	if (namelen == (size_t)(reclen - OFF_NAME))
		return 0; /* no NUL inside the record */
	memcpy(&de->ino, p + at + OFF_INO, sizeof de->ino);
	memcpy(&de->next, p + at + OFF_NEXT, sizeof de->next);
	de->type = p[at + OFF_TYPE];
	de->name = name;
	de->namelen = (uint16_t)namelen;
	*pos = at + reclen;
	return 1;
}
