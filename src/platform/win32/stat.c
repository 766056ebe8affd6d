/*
 * stat.c: reading metadata: fstat, fstatat (never following), fstatfs.
 *
 * What Windows has, as Linux numbers:
 *  - ino: the file ID (FileInternalInformation, the 64-bit NTFS file
 *    reference, the same number directory listings carry); dev: the
 *    volume serial number.
 *  - times: 100 ns FILETIMEs since 1601, as seconds and nanoseconds since
 *    1970; ctime is NT's ChangeTime, btime its CreationTime.
 *  - mode: no POSIX permissions exist, so they are synthesised (p9__mode);
 *    uid and gid are 0. The mapped security models store the real ones.
 *  - blocks: the allocation size in 512-byte units.
 */
#include <string.h>

#include "internal.h"

/* Name surrogates: reparse points that stand for another name. */
#define TAG_IS_NAME_SURROGATE(t) (((t)&0x20000000u) != 0)
#define TAG_LX_SYMLINK 0xA000001Du

uint32_t p9__classify(uint32_t attributes, uint32_t reparse_tag)
{
	if ((attributes & FILE_ATTRIBUTE_REPARSE_POINT) &&
	    (reparse_tag == IO_REPARSE_TAG_SYMLINK || reparse_tag == IO_REPARSE_TAG_MOUNT_POINT ||
	     reparse_tag == TAG_LX_SYMLINK || TAG_IS_NAME_SURROGATE(reparse_tag)))
		return P9_S_IFLNK;
	return (attributes & FILE_ATTRIBUTE_DIRECTORY) ? P9_S_IFDIR : P9_S_IFREG;
}

uint32_t p9__mode(uint32_t attributes, uint32_t reparse_tag)
{
	uint32_t type = p9__classify(attributes, reparse_tag);
	if (type == P9_S_IFLNK)
		return type | 0777;
	uint32_t perm = type == P9_S_IFDIR ? 0755 : 0644;
	if (attributes & FILE_ATTRIBUTE_READONLY)
		perm &= ~0222u;
	return type | perm;
}

/* FILETIME ticks (100 ns since 1601-01-01) as Unix seconds and ns. */
static void from_filetime(int64_t t, int64_t *sec, uint32_t *nsec)
{
	const int64_t epoch = 116444736000000000LL; /* 1970-01-01 in ticks */
	int64_t u = t - epoch;
	int64_t s = u / 10000000, r = u % 10000000;
	if (r < 0) {
		r += 10000000;
		s--;
	}
	*sec = s;
	*nsec = (uint32_t)(r * 100);
}

int p9__file_id(HANDLE h, uint64_t *id)
{
	LARGE_INTEGER ix;
	IO_STATUS_BLOCK io;
	NTSTATUS s = NtQueryInformationFile(h, &io, &ix, sizeof ix, P9__FileInternalInformation);
	if (!NT_SUCCESS(s))
		return p9__nt_err(s);
	*id = (uint64_t)ix.QuadPart;
	return 0;
}

/* root: the export h belongs to (its volume serial is dev), or NULL. */
static int stat_handle(HANDLE h, const struct p9__root *root, struct p9_os_stat *st)
{
	FILE_BASIC_INFO basic;
	FILE_STANDARD_INFO std;
	uint64_t id = 0;
	if (!GetFileInformationByHandleEx(h, FileBasicInfo, &basic, sizeof basic) ||
	    !GetFileInformationByHandleEx(h, FileStandardInfo, &std, sizeof std))
		return p9__win_err(GetLastError());
	int err = p9__file_id(h, &id);
	if (err)
		return err;
	uint32_t serial;
	if (root) {
		serial = root->serial;
	} else {
		BY_HANDLE_FILE_INFORMATION bi;
		if (!GetFileInformationByHandle(h, &bi))
			return p9__win_err(GetLastError());
		serial = bi.dwVolumeSerialNumber;
	}
	uint32_t tag = 0, attrs = basic.FileAttributes;
	if (attrs & FILE_ATTRIBUTE_REPARSE_POINT) {
		FILE_ATTRIBUTE_TAG_INFO ti;
		if (!GetFileInformationByHandleEx(h, FileAttributeTagInfo, &ti, sizeof ti))
			return p9__win_err(GetLastError());
		tag = ti.ReparseTag;
	}
	memset(st, 0, sizeof *st);
	st->dev = serial;
	st->ino = id;
	st->nlink = std.NumberOfLinks;
	/* Unlinked while open (delete pending, in the holding directory when
	 * NT lacks POSIX delete): the name it keeps until its last close is
	 * no link a client can see. */
	if (std.DeletePending && st->nlink > 0)
		st->nlink--;
	st->size = (uint64_t)std.EndOfFile.QuadPart;
	st->blksize = 4096;
	st->blocks = ((uint64_t)std.AllocationSize.QuadPart + 511) / 512;
	st->mode = p9__mode(attrs, tag);
	from_filetime(basic.LastAccessTime.QuadPart, &st->atime_sec, &st->atime_nsec);
	from_filetime(basic.LastWriteTime.QuadPart, &st->mtime_sec, &st->mtime_nsec);
	from_filetime(basic.ChangeTime.QuadPart, &st->ctime_sec, &st->ctime_nsec);
	from_filetime(basic.CreationTime.QuadPart, &st->btime_sec, &st->btime_nsec);
	st->has_btime = 1;
	if ((st->mode & P9_S_IFMT) == P9_S_IFLNK) {
		/* A link's size is its target's length, as on Linux. */
		char buf[1024];
		int n = p9__readlink_handle(h, buf, sizeof buf);
		st->size = n > 0 ? (uint64_t)n : 0;
	}
	return 0;
}

int p9_os_fstat(int fd, struct p9_os_stat *st)
{
	int err = p9__fault_err(P9_OS_CALL_STAT);
	if (err)
		return err;
	struct p9__file *f = p9__fd_get(fd);
	if (f == NULL)
		return -EBADF;
	return stat_handle(f->h, f->root, st);
}

int p9_os_fstatat(int dirfd, const char *name, struct p9_os_stat *st)
{
	int err = p9__fault_err(P9_OS_CALL_STAT);
	if (err)
		return err;
	struct p9__file *d;
	HANDLE h;
	if ((err = p9__open_at(dirfd, name, FILE_READ_ATTRIBUTES, &d, &h)) != 0)
		return err;
	err = stat_handle(h, d->root, st);
	CloseHandle(h);
	return err;
}

int p9_os_fstatfs(int fd, struct p9_os_statfs *st)
{
	int err = p9__fault_err(P9_OS_CALL_STAT);
	if (err)
		return err;
	struct p9__file *f = p9__fd_get(fd);
	if (f == NULL)
		return -EBADF;
	struct {
		LARGE_INTEGER total, caller_avail, actual_avail;
		ULONG sectors_per_unit, bytes_per_sector;
	} full;
	IO_STATUS_BLOCK io;
	NTSTATUS s = NtQueryVolumeInformationFile(f->h, &io, &full, sizeof full,
	                                          P9__FileFsFullSizeInformation);
	if (!NT_SUCCESS(s))
		return p9__nt_err(s);
	memset(st, 0, sizeof *st);
	st->type = 0x5346544e; /* Linux's NTFS_SB_MAGIC: what the volume most likely is */
	st->bsize = full.sectors_per_unit * full.bytes_per_sector;
	st->namelen = 255;
	st->blocks = (uint64_t)full.total.QuadPart;
	st->bfree = (uint64_t)full.actual_avail.QuadPart;
	st->bavail = (uint64_t)full.caller_avail.QuadPart;
	if (f->root) {
		st->fsid = f->root->serial;
	} else {
		BY_HANDLE_FILE_INFORMATION bi;
		if (!GetFileInformationByHandle(f->h, &bi))
			return p9__win_err(GetLastError());
		st->fsid = bi.dwVolumeSerialNumber;
	}
	return 0;
}
