/*
 * names.c: creating, linking, renaming and removing names in a directory.
 *
 * Invariants: every name is one component (p9__at), resolved relative to
 * a directory HANDLE and opened with FILE_OPEN_REPARSE_POINT, so none of
 * these calls follows a reparse point in the name it creates or removes.
 *
 * POSIX semantics: an unlinked or renamed-over file that is still open
 * must lose its name at once and keep working through its handles.
 * Windows 10 1709+ NTFS does that itself (FILE_DISPOSITION_POSIX_SEMANTICS,
 * FILE_RENAME_POSIX_SEMANTICS), and those are tried first. Where NT lacks
 * them (older Windows, FAT, Wine), a file that someone else holds open is
 * first renamed into the export's hidden holding directory
 * (.p9d-unlinked at the export root) and then marked delete-on-close: the
 * name is free at once, and NT deletes the file when its last handle
 * closes (process exit included). Until then the file keeps that extra
 * name, so a hard-linked file's nlink drops only at the last close. The
 * fallback's rename-over is two steps (the target leaves, then the source
 * moves), not atomic.
 *
 * Symlinks, FIFOs, sockets and device nodes cannot be made here:
 * -EOPNOTSUPP (the mapped security models keep them as files); mknod of a
 * regular file can.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "p9/proto.h"

#define ST_ACCESS_DENIED ((NTSTATUS)0xC0000022L)
#define ST_OBJECT_NAME_NOT_FOUND ((NTSTATUS)0xC0000034L)

/* NT answers these for an information class it does not implement. */
static int unsupported(NTSTATUS s)
{
	return s == (NTSTATUS)0xC0000002L || s == (NTSTATUS)0xC0000003L ||
	       s == (NTSTATUS)0xC000000DL || s == (NTSTATUS)0xC00000BBL;
}

int p9_os_mkdirat(int dirfd, const char *name, uint32_t mode)
{
	(void)mode;
	int err = p9__fault_err(P9_OS_CALL_NAMESPACE);
	if (err)
		return err;
	struct p9__file *d;
	WCHAR w[P9__WNAME_MAX];
	int wlen;
	if ((err = p9__at(dirfd, name, &d, w, &wlen)) != 0)
		return err == -ENOENT ? -EEXIST : err;
	HANDLE h;
	NTSTATUS s = p9__nt_open(d->h, w, wlen, FILE_LIST_DIRECTORY, FILE_ATTRIBUTE_NORMAL,
	                         FILE_CREATE, FILE_DIRECTORY_FILE, &h);
	if (!NT_SUCCESS(s))
		return p9__nt_err(s);
	CloseHandle(h);
	return 0;
}

int p9_os_mknodat(int dirfd, const char *name, uint32_t mode, uint64_t rdev)
{
	(void)rdev;
	int err = p9__fault_err(P9_OS_CALL_NAMESPACE);
	if (err)
		return err;
	/* A regular file is something NT can make (the mapped models keep
	 * every other node type in one); FIFOs, sockets, devices it cannot. */
	uint32_t type = mode & P9_S_IFMT;
	if (type != 0 && type != P9_S_IFREG)
		return -EOPNOTSUPP;
	int fd = p9_os_openat(dirfd, name, P9_DOTL_WRONLY | P9_DOTL_CREATE | P9_DOTL_EXCL, mode);
	return fd < 0 ? fd : p9_os_close(fd);
}

int p9_os_symlinkat(const char *target, int dirfd, const char *name)
{
	/* CreateSymbolicLink needs a privilege or developer mode, and a
	 * Windows symlink's target would be resolved by Windows, not by the
	 * client: the mapped models store symlinks as files instead. */
	(void)target, (void)dirfd, (void)name;
	int err = p9__fault_err(P9_OS_CALL_NAMESPACE);
	return err ? err : -EOPNOTSUPP;
}

/* FILE_RENAME_INFORMATION(_EX) and FILE_LINK_INFORMATION share a layout:
 * a flags word (a BOOLEAN ReplaceIfExists in the classic ones), the
 * directory handle, and the name. */
struct name_info {
	ULONG flags;
	HANDLE root;
	ULONG len;
	WCHAR name[P9__WNAME_MAX];
};

static NTSTATUS set_name(HANDLE h, FILE_INFORMATION_CLASS cls, ULONG flags, HANDLE dir,
                         const WCHAR *w, int wlen)
{
	struct name_info ni;
	memset(&ni, 0, sizeof ni);
	ni.flags = flags;
	ni.root = dir;
	ni.len = (ULONG)wlen * sizeof(WCHAR);
	memcpy(ni.name, w, ni.len);
	IO_STATUS_BLOCK io;
	/* The whole struct: Wine wants at least sizeof(FILE_RENAME_INFORMATION),
	 * NT at least the name's end; FileNameLength says where it ends. */
	return NtSetInformationFile(h, &io, &ni, sizeof ni, cls);
}

static NTSTATUS set_delete(HANDLE h, BOOLEAN on)
{
	FILE_DISPOSITION_INFORMATION di = {on};
	IO_STATUS_BLOCK io;
	return NtSetInformationFile(h, &io, &di, sizeof di, FileDispositionInformation);
}

/* The export's holding directory, made on first use. */
static int holding(struct p9__root *r, HANDLE *out)
{
	if (r == NULL)
		return -EBUSY;
	int err = 0;
	AcquireSRWLockExclusive(&r->mu);
	if (r->holding == NULL) {
		static const WCHAR hn[] = L"" P9__HOLDING_NAME;
		NTSTATUS s = p9__nt_open(r->h, hn, (int)(sizeof hn / sizeof hn[0]) - 1,
		                         FILE_LIST_DIRECTORY | FILE_TRAVERSE, FILE_ATTRIBUTE_HIDDEN,
		                         FILE_OPEN_IF, FILE_DIRECTORY_FILE, &r->holding);
		if (!NT_SUCCESS(s)) {
			r->holding = NULL;
			err = p9__nt_err(s);
		}
	}
	*out = r->holding;
	ReleaseSRWLockExclusive(&r->mu);
	return err;
}

int p9__unlink_handle(struct p9__file *dir, HANDLE h)
{
	/* Permission and emptiness first: a directory that is not empty, or
	 * a file we may not delete, must stay where it is. */
	NTSTATUS s = set_delete(h, TRUE);
	if (!NT_SUCCESS(s))
		return p9__nt_err(s);
	set_delete(h, FALSE);
	HANDLE hold;
	int err = holding(dir->root, &hold);
	if (err)
		return err;
	WCHAR w[40];
	int n = swprintf(w, 40, L"%08lx-%08lx", (unsigned long)GetCurrentProcessId(),
	                 (unsigned long)InterlockedIncrement(&dir->root->seq));
	s = set_name(h, FileRenameInformation, 0, hold, w, n);
	if (!NT_SUCCESS(s))
		return p9__nt_err(s);
	s = set_delete(h, TRUE);
	return NT_SUCCESS(s) ? 0 : p9__nt_err(s);
}

/* Remove the name h was opened by (h has DELETE access). */
static int remove_open(struct p9__file *d, HANDLE h)
{
	ULONG flags = 0x1 | 0x2 | 0x10; /* DELETE | POSIX_SEMANTICS | IGNORE_READONLY_ATTRIBUTE */
	IO_STATUS_BLOCK io;
	NTSTATUS s = NtSetInformationFile(h, &io, &flags, sizeof flags,
	                                  P9__FileDispositionInformationEx);
	if (NT_SUCCESS(s))
		return 0;
	if (!unsupported(s))
		return p9__nt_err(s);
	return p9__unlink_handle(d, h);
}

/* Open a name for removal. (Whether others hold the file cannot be told:
 * handles with attribute access only take no part in NT's sharing
 * checks, so even a share-nothing open succeeds beside them. Hence the
 * holding directory for every removal when POSIX delete is missing.) */
#define OPEN_DELETE_ACCESS (DELETE | FILE_READ_ATTRIBUTES)
static NTSTATUS open_delete(HANDLE dir, const WCHAR *w, int wlen, HANDLE *h)
{
	return p9__nt_open(dir, w, wlen, OPEN_DELETE_ACCESS, 0, FILE_OPEN, 0, h);
}

int p9_os_unlinkat(int dirfd, const char *name, int rmdir)
{
	int err = p9__fault_err(P9_OS_CALL_NAMESPACE);
	if (err)
		return err;
	struct p9__file *d;
	HANDLE h;
	if ((err = p9__open_at(dirfd, name, OPEN_DELETE_ACCESS, &d, &h)) != 0)
		return err;
	uint8_t kind;
	if ((err = p9__query_kind(h, &kind)) == 0) {
		if (rmdir && kind != P9__KIND_DIR)
			err = -ENOTDIR;
		else if (!rmdir && kind == P9__KIND_DIR)
			err = -EISDIR;
	}
	if (!err)
		err = remove_open(d, h);
	CloseHandle(h);
	return err;
}

int p9_os_linkat(int fd, int dirfd, const char *name)
{
	int err = p9__fault_err(P9_OS_CALL_NAMESPACE);
	if (err)
		return err;
	struct p9__file *f = p9__fd_get(fd);
	if (f == NULL)
		return -EBADF;
	struct p9__file *d;
	WCHAR w[P9__WNAME_MAX];
	int wlen;
	if ((err = p9__at(dirfd, name, &d, w, &wlen)) != 0)
		return err == -ENOENT ? -EEXIST : err;
	if (f->kind == P9__KIND_DIR)
		return -EPERM; /* Linux: no hard links to directories */
	NTSTATUS s = set_name(f->h, FileLinkInformation, 0, d->h, w, wlen);
	return NT_SUCCESS(s) ? 0 : p9__nt_err(s);
}

int p9_os_renameat(int olddir, const char *oldname, int newdir, const char *newname)
{
	int err = p9__fault_err(P9_OS_CALL_NAMESPACE);
	if (err)
		return err;
	struct p9__file *od, *nd;
	WCHAR ow[P9__WNAME_MAX], nw[P9__WNAME_MAX];
	int owlen, nwlen;
	if ((err = p9__at(olddir, oldname, &od, ow, &owlen)) != 0)
		return err;
	if ((err = p9__at(newdir, newname, &nd, nw, &nwlen)) != 0)
		return err == -ENOENT ? -EACCES : err;
	HANDLE h;
	NTSTATUS s = open_delete(od->h, ow, owlen, &h);
	if (!NT_SUCCESS(s))
		return p9__nt_err(s);
	uint8_t kind, tkind = 0;
	if ((err = p9__query_kind(h, &kind)) != 0)
		goto out;
	/* What is at the new name decides what Linux would answer. */
	HANDLE t;
	s = open_delete(nd->h, nw, nwlen, &t);
	int target = NT_SUCCESS(s);
	if (!target && s != ST_OBJECT_NAME_NOT_FOUND) {
		err = p9__nt_err(s);
		goto out;
	}
	if (target) {
		uint64_t a, b; /* one volume: the export's */
		int same = 0;
		if ((err = p9__query_kind(t, &tkind)) == 0 && p9__file_id(h, &a) == 0 &&
		    p9__file_id(t, &b) == 0)
			same = a == b;
		/* Not held across the rename: opened alone, it would stop it. */
		CloseHandle(t);
		if (same)
			goto out; /* the same file: rename(2) does nothing */
		if (!err && kind == P9__KIND_DIR && tkind != P9__KIND_DIR)
			err = -ENOTDIR;
		else if (!err && kind != P9__KIND_DIR && tkind == P9__KIND_DIR)
			err = -EISDIR;
		if (err)
			goto out;
	}
	/* POSIX rename first: replaces even an open file, atomically. No
	 * rename of NT's replaces a directory, so an (empty) directory at the
	 * new name always goes the two-step way below. */
	if (!target || tkind != P9__KIND_DIR) {
		s = set_name(h, P9__FileRenameInformationEx, 0x1 | 0x2 | 0x40, nd->h, nw, nwlen);
		if (NT_SUCCESS(s) || !unsupported(s)) {
			err = NT_SUCCESS(s) ? 0 : p9__nt_err(s);
			goto out;
		}
	}
	/* Without it NT cannot replace a directory or an open file: the
	 * target leaves first (checked empty), then the source moves. */
	if (target) {
		s = open_delete(nd->h, nw, nwlen, &t);
		if (!NT_SUCCESS(s)) {
			err = p9__nt_err(s);
			goto out;
		}
		err = remove_open(nd, t);
		CloseHandle(t);
		if (err)
			goto out;
	}
	s = set_name(h, FileRenameInformation, 0, nd->h, nw, nwlen);
	err = NT_SUCCESS(s) ? 0 : p9__nt_err(s);
out:
	CloseHandle(h);
	return err;
}
