/*
 * xattr.c: extended attributes as NTFS alternate data streams: the
 * attribute "user.x" of a file is its stream "file:user.x", read and
 * written whole. This is what the mapped-xattr security model stores its
 * metadata in.
 *
 * Invariants:
 *  - Streams are opened relative to the file's own handle (name ":user.x"
 *    with RootDirectory = the handle), never through a path.
 *  - A volume without named streams (FAT, Wine's) answers EOPNOTSUPP: the
 *    volume's FILE_NAMED_STREAMS flag is asked every time, not assumed
 *    (Wine would otherwise create a plain file called "file:user.x").
 *  - Names a stream cannot carry (':', '\\', '/', control characters) are
 *    EINVAL; a missing attribute is ENODATA; flags are Linux's
 *    XATTR_CREATE (1) / XATTR_REPLACE (2).
 *  - Links (reparse points) carry no attributes: EPERM to set, as Linux
 *    answers for user.* on a symlink.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ST_NOT_FOUND ((NTSTATUS)0xC0000034L)

static int has_streams(HANDLE h)
{
	DWORD fl = 0;
	if (!GetVolumeInformationByHandleW(h, NULL, 0, NULL, NULL, &fl, NULL, 0))
		return 0;
	return (fl & FILE_NAMED_STREAMS) != 0;
}

/* ":name" as UTF-16 in w; its length, or a negative errno. */
static int stream_name(const char *name, WCHAR *w, int cap)
{
	if (name == NULL || name[0] == '\0')
		return -EINVAL;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == ':' || *p == '\\' || *p == '/')
			return -EINVAL;
	w[0] = L':';
	int n = p9__wname(name, w + 1, cap - 1);
	return n < 0 ? (n == -ENAMETOOLONG ? -ERANGE : n) : n + 1;
}

static struct p9__file *xattr_file(int fd, int *err)
{
	struct p9__file *f = p9__fd_get(fd);
	*err = f == NULL ? -EBADF : !has_streams(f->h) ? -EOPNOTSUPP : 0;
	return *err ? NULL : f;
}

static int open_stream(struct p9__file *f, const char *name, ACCESS_MASK acc, ULONG disp, HANDLE *h)
{
	WCHAR w[P9__WNAME_MAX + 1];
	int n = stream_name(name, w, P9__WNAME_MAX + 1);
	if (n < 0)
		return n;
	NTSTATUS s = p9__nt_open(f->h, w, n, acc, FILE_ATTRIBUTE_NORMAL, disp,
	                         FILE_NON_DIRECTORY_FILE, h);
	if (NT_SUCCESS(s))
		return 0;
	return s == ST_NOT_FOUND ? -ENODATA : p9__nt_err(s);
}

ssize_t p9_os_getxattr(int fd, const char *name, void *buf, size_t cap)
{
	int err = p9__fault_err(P9_OS_CALL_XATTR);
	if (err)
		return err;
	struct p9__file *f = xattr_file(fd, &err);
	if (f == NULL)
		return err;
	if (f->kind == P9__KIND_LINK)
		return -ENODATA;
	HANDLE h;
	if ((err = open_stream(f, name, FILE_READ_DATA | FILE_READ_ATTRIBUTES, FILE_OPEN, &h)) != 0)
		return err;
	LARGE_INTEGER size;
	ssize_t r;
	if (!GetFileSizeEx(h, &size)) {
		r = p9__win_err(GetLastError());
	} else if (size.QuadPart > 65536) {
		r = -E2BIG; /* Linux's XATTR_SIZE_MAX */
	} else if (cap == 0) {
		r = (ssize_t)size.QuadPart;
	} else if ((uint64_t)size.QuadPart > cap) {
		r = -ERANGE;
	} else {
		DWORD got = 0;
		OVERLAPPED ov = {0};
		r = ReadFile(h, buf, (DWORD)size.QuadPart, &got, &ov) ||
		                    GetLastError() == ERROR_HANDLE_EOF
		            ? (ssize_t)got
		            : p9__win_err(GetLastError());
	}
	CloseHandle(h);
	return r;
}

ssize_t p9_os_listxattr(int fd, char *buf, size_t cap)
{
	int err = p9__fault_err(P9_OS_CALL_XATTR);
	if (err)
		return err;
	struct p9__file *f = xattr_file(fd, &err);
	if (f == NULL)
		return err;
	size_t bsz = 16 * 1024;
	void *info = NULL;
	NTSTATUS s;
	for (;;) {
		void *ni = realloc(info, bsz);
		if (ni == NULL) {
			free(info);
			return -ENOMEM;
		}
		info = ni;
		IO_STATUS_BLOCK io;
		s = NtQueryInformationFile(f->h, &io, info, (ULONG)bsz, P9__FileStreamInformation);
		if (s != (NTSTATUS)0x80000005L /* BUFFER_OVERFLOW */ || bsz >= (1u << 24))
			break;
		bsz *= 2;
	}
	if (!NT_SUCCESS(s)) {
		free(info);
		return p9__nt_err(s);
	}
	/* FILE_STREAM_INFORMATION: next (u32), name length (u32), sizes
	 * (2 x i64), then ":name:$DATA" in UTF-16; "::$DATA" is the file's
	 * own data. */
	size_t out = 0;
	const unsigned char *p = info;
	for (;;) {
		ULONG next, wlen;
		memcpy(&next, p, sizeof next);
		memcpy(&wlen, p + 4, sizeof wlen);
		const WCHAR *w = (const WCHAR *)(p + 24);
		int wn = (int)(wlen / sizeof(WCHAR));
		if (wn > 7 && w[0] == L':' && wcsncmp(w + wn - 6, L":$DATA", 6) == 0) {
			char name[1024];
			int n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, w + 1, wn - 7,
			                            name, sizeof name, NULL, NULL);
			if (n > 0) {
				if (cap && out + (size_t)n + 1 > cap) {
					free(info);
					return -ERANGE;
				}
				if (cap) {
					memcpy(buf + out, name, (size_t)n);
					buf[out + (size_t)n] = '\0';
				}
				out += (size_t)n + 1;
			}
		}
		if (next == 0)
			break;
		p += next;
	}
	free(info);
	return (ssize_t)out;
}

int p9_os_setxattr(int fd, const char *name, const void *val, size_t len, int flags)
{
	int err = p9__fault_err(P9_OS_CALL_XATTR);
	if (err)
		return err;
	struct p9__file *f = xattr_file(fd, &err);
	if (f == NULL)
		return err;
	if (f->kind == P9__KIND_LINK)
		return -EPERM;
	if ((flags & ~3) != 0 || flags == 3)
		return -EINVAL;
	if (len > 65536)
		return -E2BIG;
	ULONG disp = flags == 1 ? FILE_CREATE : flags == 2 ? FILE_OPEN : FILE_OPEN_IF;
	HANDLE h;
	if ((err = open_stream(f, name, FILE_WRITE_DATA | FILE_READ_ATTRIBUTES, disp, &h)) != 0)
		return err;
	FILE_END_OF_FILE_INFO eof;
	eof.EndOfFile.QuadPart = (LONGLONG)len;
	DWORD put = 0;
	OVERLAPPED ov = {0};
	if (!SetFileInformationByHandle(h, FileEndOfFileInfo, &eof, sizeof eof) ||
	    (len && (!WriteFile(h, val, (DWORD)len, &put, &ov) || put != len)))
		err = p9__win_err(GetLastError());
	CloseHandle(h);
	return err;
}

int p9_os_removexattr(int fd, const char *name)
{
	int err = p9__fault_err(P9_OS_CALL_XATTR);
	if (err)
		return err;
	struct p9__file *f = xattr_file(fd, &err);
	if (f == NULL)
		return err;
	if (f->kind == P9__KIND_LINK)
		return -EPERM;
	HANDLE h;
	if ((err = open_stream(f, name, DELETE, FILE_OPEN, &h)) != 0)
		return err;
	FILE_DISPOSITION_INFO di = {TRUE};
	if (!SetFileInformationByHandle(h, FileDispositionInfo, &di, sizeof di))
		err = p9__win_err(GetLastError());
	CloseHandle(h);
	return err;
}
