/*
 * files.c: handles: the table of int handles, opening the export root,
 * opening one name in a directory, re-opening a handle with other access,
 * dup and close.
 *
 * Invariants:
 *  - p9_os_openat never follows a reparse point (FILE_OPEN_REPARSE_POINT
 *    always) and never resolves more than one component (p9__check_name).
 *    A reparse point is a symlink to the layer above: opening one for I/O
 *    answers ELOOP (Linux O_NOFOLLOW), as a directory ENOTDIR; O_PATH
 *    opens it, like O_PATH|O_NOFOLLOW.
 *  - Truncation is never part of the open (FILE_OVERWRITE would replace a
 *    reparse point's own data): the name is opened, its kind checked, and
 *    then the handle is truncated.
 *  - Every handle is opened FILE_SHARE_READ|WRITE|DELETE, so other handles
 *    never stop a rename or an unlink (POSIX behaviour).
 *  - The table (slots, free) is protected by table_mu: shared to look a
 *    handle up, exclusive to add or remove one.
 *  - p9_os_open_root is the one call that follows reparse points: its path
 *    comes from the administrator, not from a client.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#include "p9/proto.h"

static SRWLOCK table_mu = SRWLOCK_INIT;
static struct p9__file **slots;      /* protected by table_mu */
static int nslots, *free_fds, nfree; /* protected by table_mu */

int p9__fd_new(HANDLE h, uint32_t flags, uint8_t kind, struct p9__root *root, int is_root)
{
	struct p9__file *f = calloc(1, sizeof *f);
	if (f == NULL) {
		CloseHandle(h);
		return -ENOMEM;
	}
	f->h = h;
	f->flags = flags;
	f->kind = kind;
	f->is_root = (uint8_t)is_root;
	InitializeSRWLock(&f->mu);
	int fd = -EMFILE;
	AcquireSRWLockExclusive(&table_mu);
	if (nfree > 0) {
		fd = free_fds[--nfree];
	} else if (nslots < (1 << 24)) {
		int cap = nslots ? nslots * 2 : 64;
		struct p9__file **ns = realloc(slots, (size_t)cap * sizeof *ns);
		int *nf = ns ? realloc(free_fds, (size_t)cap * sizeof *nf) : NULL;
		if (ns)
			slots = ns;
		if (nf) {
			free_fds = nf;
			/* Lowest numbers first out of the stack. */
			for (int i = cap - 1; i > nslots; i--)
				free_fds[nfree++] = i;
			for (int i = nslots; i < cap; i++)
				slots[i] = NULL;
			fd = nslots;
			nslots = cap;
		} else {
			fd = -ENOMEM;
		}
	}
	if (fd >= 0)
		slots[fd] = f;
	ReleaseSRWLockExclusive(&table_mu);
	if (fd < 0) {
		CloseHandle(h);
		free(f);
		return fd;
	}
	if (root) {
		InterlockedIncrement(&root->refs);
		f->root = root;
	}
	return fd;
}

struct p9__file *p9__fd_get(int fd)
{
	struct p9__file *f = NULL;
	AcquireSRWLockShared(&table_mu);
	if (fd >= 0 && fd < nslots)
		f = slots[fd];
	ReleaseSRWLockShared(&table_mu);
	return f;
}

void p9__root_put(struct p9__root *r)
{
	if (r == NULL || InterlockedDecrement(&r->refs) != 0)
		return;
	if (r->holding)
		CloseHandle(r->holding);
	CloseHandle(r->h);
	free(r);
}

/* Device names Windows resolves in every directory, with or without an
 * extension ("nul.txt", "COM1 .log"); COM and LPT also take the
 * superscript digits 1-3 (UTF-8 C2 B9, C2 B2, C2 B3). */
static int is_device_name(const char *name)
{
	size_t n = strcspn(name, ".");
	while (n > 0 && name[n - 1] == ' ')
		n--;
	static const char *const plain[] = {"CON", "PRN", "AUX", "NUL"};
	for (size_t i = 0; i < 4; i++)
		if (n == 3 && _strnicmp(name, plain[i], 3) == 0)
			return 1;
	if (n < 4 || (_strnicmp(name, "COM", 3) != 0 && _strnicmp(name, "LPT", 3) != 0))
		return 0;
	const unsigned char *d = (const unsigned char *)name + 3;
	if (n == 4 && d[0] >= '1' && d[0] <= '9')
		return 1;
	return n == 5 && d[0] == 0xC2 && (d[1] == 0xB9 || d[1] == 0xB2 || d[1] == 0xB3);
}

int p9__check_name(const char *name)
{
	if (name == NULL || name[0] == '\0')
		return -EINVAL;
	if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
		return -EINVAL;
	/* EINVAL, as QEMU answers for names its host cannot store: the name
	 * is refused, never mapped to some other name. */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f || strchr("/\\:*?\"<>|", *p))
			return -EINVAL;
	size_t len = strlen(name);
	if (name[len - 1] == '.' || name[len - 1] == ' ')
		return -EINVAL;
	if (is_device_name(name))
		return -EINVAL;
	return 0;
}

int p9__wname(const char *name, WCHAR *w, int cap)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name, -1, w, cap);
	if (n <= 0)
		return GetLastError() == ERROR_INSUFFICIENT_BUFFER ? -ENAMETOOLONG : -EINVAL;
	if (n - 1 > 255)
		return -ENAMETOOLONG;
	return n - 1; /* without the NUL */
}

NTSTATUS p9__nt_open(HANDLE dir, const WCHAR *w, int wlen, ACCESS_MASK access, ULONG attrs,
                     ULONG disposition, ULONG options, HANDLE *out)
{
	IO_STATUS_BLOCK io;
	return p9__nt_open_io(dir, w, wlen, access, attrs, disposition, options, out, &io);
}

NTSTATUS p9__nt_open_io(HANDLE dir, const WCHAR *w, int wlen, ACCESS_MASK access, ULONG attrs,
                        ULONG disposition, ULONG options, HANDLE *out, IO_STATUS_BLOCK *io)
{
	UNICODE_STRING us;
	us.Buffer = (WCHAR *)w;
	us.Length = us.MaximumLength = (USHORT)(wlen * sizeof(WCHAR));
	OBJECT_ATTRIBUTES oa;
	InitializeObjectAttributes(&oa, &us, OBJ_CASE_INSENSITIVE, dir, NULL);
	*out = NULL;
	return NtCreateFile(out, access | SYNCHRONIZE, &oa, io, NULL, attrs,
	                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, disposition,
	                    options | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_REPARSE_POINT, NULL,
	                    0);
}

int p9__at(int dirfd, const char *name, struct p9__file **dir, WCHAR *w, int *wlen)
{
	struct p9__file *d = p9__fd_get(dirfd);
	if (d == NULL)
		return -EBADF;
	if (d->kind != P9__KIND_DIR)
		return -ENOTDIR;
	int err = p9__check_name(name);
	if (err)
		return err;
	if (d->is_root && _stricmp(name, P9__HOLDING_NAME) == 0)
		return -ENOENT;
	int n = p9__wname(name, w, P9__WNAME_MAX);
	if (n < 0)
		return n;
	*wlen = n;
	*dir = d;
	return 0;
}

int p9__open_at(int dirfd, const char *name, ACCESS_MASK access, struct p9__file **dir,
                HANDLE *out)
{
	WCHAR w[P9__WNAME_MAX];
	int wlen;
	int err = p9__at(dirfd, name, dir, w, &wlen);
	if (err)
		return err;
	NTSTATUS s = p9__nt_open((*dir)->h, w, wlen, access, 0, FILE_OPEN, 0, out);
	return NT_SUCCESS(s) ? 0 : p9__nt_err(s);
}

int p9__query_kind(HANDLE h, uint8_t *kind)
{
	uint32_t attrs;
	return p9__query_kind_attrs(h, kind, &attrs);
}

int p9__query_kind_attrs(HANDLE h, uint8_t *kind, uint32_t *attrs)
{
	FILE_ATTRIBUTE_TAG_INFO ti;
	if (!GetFileInformationByHandleEx(h, FileAttributeTagInfo, &ti, sizeof ti))
		return p9__win_err(GetLastError());
	uint32_t t = p9__classify(ti.FileAttributes, ti.ReparseTag);
	*kind = t == P9_S_IFDIR ? P9__KIND_DIR : t == P9_S_IFLNK ? P9__KIND_LINK : P9__KIND_FILE;
	*attrs = ti.FileAttributes;
	return 0;
}

/* The access an open asks for. O_PATH: attributes only (plus listing,
 * which directories need to be read and costs nothing on a file). */
static int open_access(uint32_t flags, ACCESS_MASK *acc)
{
	if (flags & P9_OS_O_PATH) {
		if (flags & (P9_DOTL_CREATE | P9_DOTL_EXCL | P9_DOTL_TRUNC))
			return -EINVAL;
		*acc = FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES;
		return 0;
	}
	ACCESS_MASK a = FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES;
	/* O_APPEND: FILE_APPEND_DATA without FILE_WRITE_DATA makes NT put
	 * every write at the end of the file, whatever its offset. */
	ACCESS_MASK wr =
	        (flags & P9_DOTL_APPEND) ? FILE_APPEND_DATA : FILE_WRITE_DATA | FILE_APPEND_DATA;
	switch (flags & 3u) {
	case P9_DOTL_RDONLY:
		a |= FILE_READ_DATA;
		break;
	case P9_DOTL_WRONLY:
		a |= wr;
		break;
	case P9_DOTL_RDWR:
		a |= FILE_READ_DATA | wr;
		break;
	default:
		return -EINVAL;
	}
	if (flags & P9_DOTL_TRUNC)
		a |= FILE_WRITE_DATA;
	*acc = a;
	return 0;
}

/* Open with acc, and without FILE_WRITE_ATTRIBUTES if that is what was
 * refused (a file whose ACL allows reading only can still be opened). */
static NTSTATUS open_try(HANDLE dir, const WCHAR *w, int wlen, ACCESS_MASK acc, ULONG disp,
                         ULONG opts, HANDLE *h, IO_STATUS_BLOCK *io)
{
	NTSTATUS st = p9__nt_open_io(dir, w, wlen, acc, FILE_ATTRIBUTE_NORMAL, disp, opts, h, io);
	if (st == (NTSTATUS)0xC0000022L /* ACCESS_DENIED */ && (acc & FILE_WRITE_ATTRIBUTES) &&
	    !(acc & (FILE_WRITE_DATA | FILE_APPEND_DATA)))
		st = p9__nt_open_io(dir, w, wlen, acc & ~(ACCESS_MASK)FILE_WRITE_ATTRIBUTES,
		                    FILE_ATTRIBUTE_NORMAL, disp, opts, h, io);
	return st;
}

/* After an open: refuse what Linux would refuse for this kind of file,
 * truncate if asked, and make the handle number. */
static int finish_open(HANDLE h, uint32_t flags, struct p9__root *root, int is_root, int created)
{
	uint8_t kind;
	uint32_t attrs;
	int err = p9__query_kind_attrs(h, &kind, &attrs);
	/* NT refuses write access to a read-only file, except to whoever
	 * holds the backup privilege or runs Wine as root: refuse it here so
	 * every host answers alike. A file created read-only by this very
	 * open may be written (Linux's O_CREAT with mode 0444 can). */
	if (!err && (attrs & FILE_ATTRIBUTE_READONLY) && !created && !(flags & P9_OS_O_PATH) &&
	    ((flags & 3u) != P9_DOTL_RDONLY || (flags & P9_DOTL_TRUNC)))
		err = -EACCES;
	if (!err && (flags & P9_DOTL_DIRECTORY) && kind != P9__KIND_DIR)
		err = -ENOTDIR;
	if (!err && kind == P9__KIND_LINK && !(flags & P9_OS_O_PATH))
		err = -ELOOP;
	if (!err && kind == P9__KIND_DIR && !(flags & P9_OS_O_PATH) &&
	    (flags & 3u) != P9_DOTL_RDONLY)
		err = -EISDIR;
	if (!err && (flags & P9_DOTL_TRUNC) && !(flags & P9_OS_O_PATH)) {
		FILE_END_OF_FILE_INFO eof;
		eof.EndOfFile.QuadPart = 0;
		if (!SetFileInformationByHandle(h, FileEndOfFileInfo, &eof, sizeof eof))
			err = p9__win_err(GetLastError());
	}
	if (err) {
		CloseHandle(h);
		return err;
	}
	return p9__fd_new(h, flags, kind, root, is_root);
}

/* Files left in the holding directory by a server that died between
 * moving them there and marking them delete-on-close: delete them (each
 * is deleted when nothing holds it any more). Best effort: an export
 * must open even when this fails. */
static void sweep_holding(HANDLE root)
{
	static const WCHAR hn[] = L"" P9__HOLDING_NAME;
	HANDLE hold;
	NTSTATUS s = p9__nt_open(root, hn, (int)(sizeof hn / sizeof hn[0]) - 1,
	                         FILE_LIST_DIRECTORY | FILE_TRAVERSE, 0, FILE_OPEN,
	                         FILE_DIRECTORY_FILE, &hold);
	if (!NT_SUCCESS(s))
		return;
	enum { CHUNK = 16 * 1024 };
	void *buf = malloc(CHUNK);
	BOOLEAN restart = TRUE;
	IO_STATUS_BLOCK io;
	while (buf &&
	       NT_SUCCESS(NtQueryDirectoryFile(hold, NULL, NULL, NULL, &io, buf, CHUNK,
	                                       FileIdBothDirectoryInformation, FALSE, NULL,
	                                       restart)) &&
	       io.Information > 0) {
		restart = FALSE;
		const unsigned char *p = buf;
		for (;;) {
			const FILE_ID_BOTH_DIR_INFORMATION *d = (const void *)p;
			int n = (int)(d->FileNameLength / sizeof(WCHAR));
			int dot = n == 1 && d->FileName[0] == L'.';
			int dotdot = n == 2 && d->FileName[0] == L'.' && d->FileName[1] == L'.';
			HANDLE h;
			if (!dot && !dotdot &&
			    NT_SUCCESS(p9__nt_open(hold, d->FileName, n, DELETE, 0, FILE_OPEN, 0,
			                           &h))) {
				FILE_DISPOSITION_INFORMATION di = {TRUE};
				IO_STATUS_BLOCK dio;
				NtSetInformationFile(h, &dio, &di, sizeof di,
				                     FileDispositionInformation);
				CloseHandle(h);
			}
			if (d->NextEntryOffset == 0)
				break;
			p += d->NextEntryOffset;
		}
	}
	free(buf);
	CloseHandle(hold);
}

int p9_os_open_root(const char *host_path)
{
	int err = p9__fault_err(P9_OS_CALL_OPEN);
	if (err)
		return err;
	if (host_path == NULL || host_path[0] == '\0')
		return -ENOENT;
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, host_path, -1, NULL, 0);
	if (n <= 0)
		return -EINVAL;
	WCHAR *w = malloc((size_t)n * sizeof *w);
	if (w == NULL)
		return -ENOMEM;
	MultiByteToWideChar(CP_UTF8, 0, host_path, -1, w, n);
	/* BACKUP_SEMANTICS: the only way CreateFile opens a directory. */
	HANDLE h = CreateFileW(w,
	                       FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES |
	                               FILE_WRITE_ATTRIBUTES | SYNCHRONIZE,
	                       FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
	                       OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return p9__win_err(GetLastError());
	uint8_t kind;
	if ((err = p9__query_kind(h, &kind)) != 0 || kind != P9__KIND_DIR) {
		CloseHandle(h);
		return err ? err : -ENOTDIR;
	}
	struct p9__root *r = calloc(1, sizeof *r);
	HANDLE self = GetCurrentProcess();
	if (r == NULL || !DuplicateHandle(self, h, self, &r->h, 0, FALSE, DUPLICATE_SAME_ACCESS)) {
		free(r);
		CloseHandle(h);
		return -ENOMEM;
	}
	InitializeSRWLock(&r->mu);
	r->refs = 0;
	BY_HANDLE_FILE_INFORMATION bi;
	if (GetFileInformationByHandle(h, &bi))
		r->serial = bi.dwVolumeSerialNumber;
	sweep_holding(h);
	int fd = p9__fd_new(h, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY, P9__KIND_DIR, r, 1);
	if (fd < 0) {
		CloseHandle(r->h);
		free(r);
	}
	return fd;
}

int p9_os_openat(int dirfd, const char *name, uint32_t flags, uint32_t mode)
{
	(void)mode; /* no POSIX modes here: the mapped models keep them */
	int err = p9__fault_err(P9_OS_CALL_OPEN);
	if (err)
		return err;
	struct p9__file *d;
	WCHAR w[P9__WNAME_MAX];
	int wlen;
	if ((err = p9__at(dirfd, name, &d, w, &wlen)) != 0) {
		/* Creating the holding directory's name at the root is
		 * refused: it exists, though nobody sees it. */
		if (err == -ENOENT && (flags & P9_DOTL_CREATE))
			err = -EACCES;
		return err;
	}
	ACCESS_MASK acc;
	if ((err = open_access(flags, &acc)) != 0)
		return err;
	ULONG disp = FILE_OPEN, opts = 0;
	if (flags & P9_DOTL_CREATE) {
		disp = (flags & P9_DOTL_EXCL) ? FILE_CREATE : FILE_OPEN_IF;
		opts |= FILE_NON_DIRECTORY_FILE;
	}
	if (flags & P9_DOTL_DIRECTORY)
		opts |= FILE_DIRECTORY_FILE;
	if (flags & (P9_DOTL_SYNC | P9_DOTL_DSYNC))
		opts |= FILE_WRITE_THROUGH;
	HANDLE h;
	IO_STATUS_BLOCK io;
	NTSTATUS st = open_try(d->h, w, wlen, acc, disp, opts, &h, &io);
	if (!NT_SUCCESS(st))
		return p9__nt_err(st);
	return finish_open(h, flags, d->root, 0, io.Information == FILE_CREATED);
}

#define ST_NO_SUCH_FILE ((NTSTATUS)0xC000000FL)
#define ST_NAME_NOT_FOUND ((NTSTATUS)0xC0000034L)
#define ST_PATH_NOT_FOUND ((NTSTATUS)0xC000003AL)
#define ST_TYPE_MISMATCH ((NTSTATUS)0xC0000024L)

int p9_os_reopen(int fd, uint32_t flags)
{
	int err = p9__fault_err(P9_OS_CALL_OPEN);
	if (err)
		return err;
	flags &= ~(uint32_t)(P9_DOTL_CREATE | P9_DOTL_EXCL | P9_DOTL_NOCTTY);
	struct p9__file *f = p9__fd_get(fd);
	if (f == NULL)
		return -EBADF;
	if (f->kind == P9__KIND_LINK)
		return -ELOOP;
	ACCESS_MASK acc;
	if ((err = open_access(flags, &acc)) != 0)
		return err;
	/* An empty name relative to the handle opens the very file it is
	 * bound to, whatever it is called now. */
	HANDLE h;
	IO_STATUS_BLOCK io;
	ULONG opts = (flags & P9_DOTL_DIRECTORY) ? FILE_DIRECTORY_FILE : 0;
	if (flags & (P9_DOTL_SYNC | P9_DOTL_DSYNC))
		opts |= FILE_WRITE_THROUGH;
	NTSTATUS st = open_try(f->h, L"", 0, acc, FILE_OPEN, opts, &h, &io);
	uint64_t id;
	if ((st == ST_NO_SUCH_FILE || st == ST_NAME_NOT_FOUND || st == ST_PATH_NOT_FOUND ||
	     st == ST_TYPE_MISMATCH) &&
	    f->root && p9__file_id(f->h, &id) == 0) {
		/* Wine resolves that empty name by the name the handle was
		 * opened under, gone when a directory above was renamed: open
		 * the same file by its ID on the export's volume instead. */
		UNICODE_STRING us = {8, 8, (WCHAR *)&id};
		OBJECT_ATTRIBUTES oa;
		InitializeObjectAttributes(&oa, &us, 0, f->root->h, NULL);
		st = NtCreateFile(&h, acc | SYNCHRONIZE, &oa, &io, NULL, FILE_ATTRIBUTE_NORMAL,
		                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, FILE_OPEN,
		                  opts | FILE_OPEN_BY_FILE_ID | FILE_SYNCHRONOUS_IO_NONALERT |
		                          FILE_OPEN_REPARSE_POINT,
		                  NULL, 0);
		uint64_t id2;
		if (NT_SUCCESS(st) && (p9__file_id(h, &id2) != 0 || id2 != id)) {
			CloseHandle(h);
			return -ESTALE;
		}
	}
	if (!NT_SUCCESS(st))
		return p9__nt_err(st);
	return finish_open(h, flags, f->root, f->is_root, 0);
}

int p9_os_dup(int fd)
{
	int err = p9__fault_err(P9_OS_CALL_OPEN);
	if (err)
		return err;
	struct p9__file *f = p9__fd_get(fd);
	if (f == NULL)
		return -EBADF;
	HANDLE self = GetCurrentProcess(), h;
	if (!DuplicateHandle(self, f->h, self, &h, 0, FALSE, DUPLICATE_SAME_ACCESS))
		return p9__win_err(GetLastError());
	return p9__fd_new(h, f->flags, f->kind, f->root, f->is_root);
}

int p9_os_close(int fd)
{
	AcquireSRWLockExclusive(&table_mu);
	struct p9__file *f = fd >= 0 && fd < nslots ? slots[fd] : NULL;
	if (f) {
		slots[fd] = NULL;
		free_fds[nfree++] = fd;
	}
	ReleaseSRWLockExclusive(&table_mu);
	if (f == NULL)
		return -EBADF;
	p9__locks_drop(f);
	p9__dirsnap_free(f->snap);
	CloseHandle(f->h);
	p9__root_put(f->root);
	free(f);
	return 0;
}
