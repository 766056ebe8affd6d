/*
 * attr.c: changing metadata (times, size) and reading a link's target, on
 * handles that may be O_PATH.
 *
 * Windows has no POSIX modes or owners: fchmod and fchown answer
 * EOPNOTSUPP (the mapped security models keep both in their own store).
 * A handle that lacks the access a change needs (an O_PATH handle of a
 * file whose ACL refused FILE_WRITE_ATTRIBUTES, a read-only handle being
 * truncated) is re-opened through itself (empty name relative to the
 * handle): the very file it is bound to, never a name a client could swap.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int p9_os_fchmod(int fd, uint32_t mode)
{
	(void)mode;
	int err = p9__fault_err(P9_OS_CALL_SETATTR);
	if (err)
		return err;
	return p9__fd_get(fd) ? -EOPNOTSUPP : -EBADF;
}

int p9_os_fchown(int fd, uint32_t uid, uint32_t gid)
{
	int err = p9__fault_err(P9_OS_CALL_SETATTR);
	if (err)
		return err;
	if (p9__fd_get(fd) == NULL)
		return -EBADF;
	/* "Change nothing" is something Windows can do. */
	return uid == UINT32_MAX && gid == UINT32_MAX ? 0 : -EOPNOTSUPP;
}

/* A time as a FILETIME tick count for FILE_BASIC_INFO: 0 leaves it. */
static int to_ticks(const struct p9_os_time *t, LARGE_INTEGER *out)
{
	out->QuadPart = 0;
	switch (t->how) {
	case P9_OS_TIME_OMIT:
		return 0;
	case P9_OS_TIME_NOW: {
		FILETIME ft;
		GetSystemTimePreciseAsFileTime(&ft);
		out->QuadPart = (LONGLONG)(((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime);
		return 0;
	}
	case P9_OS_TIME_SET:
		if (t->nsec >= 1000000000u)
			return -EINVAL;
		/* Before 1601 there is nothing to store. */
		if (t->sec < -11644473600LL || t->sec > 910692730085LL)
			return -EINVAL;
		out->QuadPart = (t->sec + 11644473600LL) * 10000000LL + t->nsec / 100;
		if (out->QuadPart == 0)
			out->QuadPart = 1; /* 0 would mean "unchanged" */
		return 0;
	default:
		return -EINVAL;
	}
}

static int set_times(HANDLE h, const struct p9_os_time t[2])
{
	FILE_BASIC_INFO bi;
	memset(&bi, 0, sizeof bi);
	int err;
	if ((err = to_ticks(&t[0], &bi.LastAccessTime)) != 0 ||
	    (err = to_ticks(&t[1], &bi.LastWriteTime)) != 0)
		return err;
	if (SetFileInformationByHandle(h, FileBasicInfo, &bi, sizeof bi))
		return 0;
	return p9__win_err(GetLastError());
}

/* The file h is bound to, again, with `access`. */
static int reopen_self(HANDLE h, ACCESS_MASK access, HANDLE *out)
{
	NTSTATUS s = p9__nt_open(h, L"", 0, access, 0, FILE_OPEN, 0, out);
	return NT_SUCCESS(s) ? 0 : p9__nt_err(s);
}

int p9_os_futimens(int fd, const struct p9_os_time t[2])
{
	int err = p9__fault_err(P9_OS_CALL_SETATTR);
	if (err)
		return err;
	struct p9__file *f = p9__fd_get(fd);
	if (f == NULL)
		return -EBADF;
	err = set_times(f->h, t);
	if (err == -EACCES) {
		HANDLE h;
		if ((err = reopen_self(f->h, FILE_WRITE_ATTRIBUTES, &h)) == 0) {
			err = set_times(h, t);
			CloseHandle(h);
		}
	}
	return err;
}

int p9_os_utimensat(int dirfd, const char *name, const struct p9_os_time t[2])
{
	int err = p9__fault_err(P9_OS_CALL_SETATTR);
	if (err)
		return err;
	struct p9__file *d;
	HANDLE h;
	if ((err = p9__open_at(dirfd, name, FILE_WRITE_ATTRIBUTES, &d, &h)) != 0)
		return err;
	err = set_times(h, t);
	CloseHandle(h);
	return err;
}

int p9_os_ftruncate(int fd, uint64_t size)
{
	int err = p9__fault_err(P9_OS_CALL_SETATTR);
	if (err)
		return err;
	struct p9__file *f = p9__fd_get(fd);
	if (f == NULL)
		return -EBADF;
	if (f->kind == P9__KIND_DIR)
		return -EISDIR;
	if (f->kind == P9__KIND_LINK || size > (uint64_t)INT64_MAX)
		return -EINVAL;
	FILE_END_OF_FILE_INFO eof;
	eof.EndOfFile.QuadPart = (LONGLONG)size;
	if (SetFileInformationByHandle(f->h, FileEndOfFileInfo, &eof, sizeof eof))
		return 0;
	err = p9__win_err(GetLastError());
	if (err == -EACCES) {
		HANDLE h;
		if ((err = reopen_self(f->h, FILE_WRITE_DATA, &h)) == 0) {
			if (!SetFileInformationByHandle(h, FileEndOfFileInfo, &eof, sizeof eof))
				err = p9__win_err(GetLastError());
			CloseHandle(h);
		}
	}
	return err;
}

/* REPARSE_DATA_BUFFER (ntifs.h), the parts read here. */
struct reparse {
	ULONG tag;
	USHORT len, reserved;
	union {
		struct {
			USHORT subst_off, subst_len, print_off, print_len;
			ULONG flags; /* SYMLINK_FLAG_RELATIVE */
			WCHAR path[1];
		} symlink;
		struct {
			USHORT subst_off, subst_len, print_off, print_len;
			WCHAR path[1];
		} mount;
		struct {
			ULONG version;
			char target[1];
		} lx;
	} u;
};

int p9__readlink_handle(HANDLE h, char *buf, size_t cap)
{
	union {
		struct reparse r;
		unsigned char bytes[16 * 1024]; /* MAXIMUM_REPARSE_DATA_BUFFER_SIZE */
	} *rb = malloc(sizeof *rb);
	if (rb == NULL)
		return -ENOMEM;
	DWORD got;
	int n = -EINVAL;
	if (!DeviceIoControl(h, FSCTL_GET_REPARSE_POINT, NULL, 0, rb, sizeof *rb, &got, NULL)) {
		n = GetLastError() == ERROR_NOT_A_REPARSE_POINT ? -EINVAL
		                                                : p9__win_err(GetLastError());
		goto out;
	}
	const WCHAR *w = NULL;
	size_t wbytes = 0;
	const unsigned char *end = rb->bytes + got;
	if (rb->r.tag == IO_REPARSE_TAG_SYMLINK) {
		w = (const WCHAR *)((const char *)rb->r.u.symlink.path + rb->r.u.symlink.print_off);
		wbytes = rb->r.u.symlink.print_len;
	} else if (rb->r.tag == IO_REPARSE_TAG_MOUNT_POINT) {
		w = (const WCHAR *)((const char *)rb->r.u.mount.path + rb->r.u.mount.print_off);
		wbytes = rb->r.u.mount.print_len;
	} else if (rb->r.tag == 0xA000001Du) { /* IO_REPARSE_TAG_LX_SYMLINK: UTF-8 */
		const char *t = rb->r.u.lx.target;
		if ((const unsigned char *)t > end)
			goto out;
		size_t len = (size_t)(end - (const unsigned char *)t);
		n = (int)(len < cap ? len : cap);
		memcpy(buf, t, (size_t)n);
		goto out;
	} else {
		goto out; /* a name surrogate we cannot read */
	}
	if ((const unsigned char *)w + wbytes > end)
		goto out;
	int m = WideCharToMultiByte(CP_UTF8, 0, w, (int)(wbytes / sizeof(WCHAR)), buf, (int)cap,
	                            NULL, NULL);
	if (m <= 0 && wbytes > 0) {
		n = GetLastError() == ERROR_INSUFFICIENT_BUFFER ? (int)cap : -EINVAL;
		goto out;
	}
	for (int i = 0; i < m; i++)
		if (buf[i] == '\\')
			buf[i] = '/';
	n = m;
out:
	free(rb);
	return n;
}

int p9_os_readlink(int fd, char *buf, size_t cap)
{
	int err = p9__fault_err(P9_OS_CALL_READ);
	if (err)
		return err;
	struct p9__file *f = p9__fd_get(fd);
	if (f == NULL)
		return -EBADF;
	if (f->kind != P9__KIND_LINK)
		return -EINVAL;
	return p9__readlink_handle(f->h, buf, cap);
}
