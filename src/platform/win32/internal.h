/*
 * internal.h: what the files of the win32 platform layer share, and nothing
 * else (never included outside src/platform/win32/).
 *
 * Handles: the int "fd" of platform.h is an index into a table of struct
 * p9__file (files.c), each owning one NT file HANDLE. A P9_OS_O_PATH handle
 * has no data access (attributes only, plus directory listing for a
 * directory, so it can be a RootDirectory and be listed).
 *
 * Invariants:
 *  - Every name reaches NT as one UTF-16 component relative to a directory
 *    HANDLE (OBJECT_ATTRIBUTES.RootDirectory), opened with
 *    FILE_OPEN_REPARSE_POINT: no reparse point (symlink, junction, mount
 *    point) is ever followed. p9__check_name refuses what Windows cannot
 *    store or would reinterpret ("..", ':' streams, device names, trailing
 *    dot or space) with EINVAL, before any conversion: never mangled.
 *  - p9__nt_err / p9__win_err (errno.c) are the only places a host error
 *    becomes a returned value, in Linux numbering (linux_errno.h).
 *  - A struct p9__file lives from p9__fd_new to p9_os_close; callers never
 *    use a handle number after closing it (as with POSIX fds), so a pointer
 *    from p9__fd_get stays valid while the caller uses the number.
 *  - Every handle made under an export root holds a reference to its
 *    struct p9__root (the holding directory for unlinked open files).
 */
#ifndef P9_PLATFORM_WIN32_INTERNAL_H
#define P9_PLATFORM_WIN32_INTERNAL_H

#include "linux_errno.h"

#include <stdint.h>
#include <windows.h>
#include <winternl.h>

#include "platform/common/fault.h"
#include "platform/platform.h"

/* Not in mingw's winternl.h. */
NTSTATUS NTAPI NtQueryDirectoryFile(HANDLE, HANDLE, PVOID, PVOID, PIO_STATUS_BLOCK, PVOID, ULONG,
                                    FILE_INFORMATION_CLASS, BOOLEAN, PUNICODE_STRING, BOOLEAN);
#define P9__FileDispositionInformationEx ((FILE_INFORMATION_CLASS)64)
#define P9__FileRenameInformationEx ((FILE_INFORMATION_CLASS)65)
#define P9__FileStreamInformation ((FILE_INFORMATION_CLASS)22)
#define P9__FileInternalInformation ((FILE_INFORMATION_CLASS)6)
#define P9__FileFsVolumeInformation ((FS_INFORMATION_CLASS)1)
#define P9__FileFsFullSizeInformation ((FS_INFORMATION_CLASS)7)
#define P9__FileFsAttributeInformation ((FS_INFORMATION_CLASS)5)

enum p9__kind { P9__KIND_FILE, P9__KIND_DIR, P9__KIND_LINK };

/* The export a handle came from: its root directory and, made on first
 * need, the holding directory for files unlinked while open. Reference
 * counted (refs); freed with the last handle. */
struct p9__root {
	LONG refs;
	HANDLE h;        /* the root directory, duplicated: owned here */
	SRWLOCK mu;      /* protects holding */
	HANDLE holding;  /* .p9d-unlinked, or NULL until needed */
	LONG seq;        /* unique names inside holding */
	uint32_t serial; /* its volume, which holds the whole export */
};
#define P9__HOLDING_NAME ".p9d-unlinked"

struct p9__range {
	uint64_t start, end; /* [start, end) */
	uint8_t type;        /* 0 rd, 1 wr */
};

struct p9__dirsnap; /* dir.c */

struct p9__file {
	HANDLE h;
	uint32_t flags;           /* P9_DOTL_* and P9_OS_O_PATH as opened */
	uint8_t kind;             /* enum p9__kind, fixed at open */
	uint8_t is_root;          /* this handle is its export's root directory */
	struct p9__root *root;    /* a reference, or NULL */
	SRWLOCK mu;               /* protects snap and locks */
	struct p9__dirsnap *snap; /* dir.c: the listing being read */
	struct p9__range *locks;  /* lock.c: ranges this handle holds */
	size_t nlocks, caplocks;
};

/* files.c */
/* A new handle number owning h (closed on failure); root gets a reference. */
int p9__fd_new(HANDLE h, uint32_t flags, uint8_t kind, struct p9__root *root, int is_root);
struct p9__file *p9__fd_get(int fd); /* NULL: not an open handle */
void p9__root_put(struct p9__root *r);
int p9__check_name(const char *name);
/* name as UTF-16 (no NUL) in w (cap WCHARs): its length, or -EINVAL. */
int p9__wname(const char *name, WCHAR *w, int cap);
#define P9__WNAME_MAX 256 /* NTFS's 255 UTF-16 units, plus one */
/* Open (or create) one name relative to dir with NtCreateFile, never
 * following a reparse point. */
NTSTATUS p9__nt_open(HANDLE dir, const WCHAR *w, int wlen, ACCESS_MASK access, ULONG attrs,
                     ULONG disposition, ULONG options, HANDLE *out);
/* The directory a name is looked up in: the slot of dirfd, checked to be
 * a directory (ENOTDIR for a file or a reparse point), and the name
 * checked and converted. -ENOENT for the holding directory's name at an
 * export root (it is not there, as far as clients know). */
int p9__at(int dirfd, const char *name, struct p9__file **dir, WCHAR *w, int *wlen);
/* p9__at, then open the existing entry itself (never what it points to)
 * for access: a handle to close, and its directory for dir. */
int p9__open_at(int dirfd, const char *name, ACCESS_MASK access, struct p9__file **dir,
                HANDLE *out);
/* The same, with the IO_STATUS_BLOCK (Information: FILE_CREATED, ...). */
NTSTATUS p9__nt_open_io(HANDLE dir, const WCHAR *w, int wlen, ACCESS_MASK access, ULONG attrs,
                        ULONG disposition, ULONG options, HANDLE *out, IO_STATUS_BLOCK *io);
/* The kind of an open handle (attributes and reparse tag). */
int p9__query_kind(HANDLE h, uint8_t *kind);
int p9__query_kind_attrs(HANDLE h, uint8_t *kind, uint32_t *attrs);

/* stat.c: the file ID (FileInternalInformation). Not from
 * GetFileInformationByHandle: Wine answers that (a volume query) by the
 * name a handle was opened under, which a rename of a directory above it
 * makes stale, and then fails. */
int p9__file_id(HANDLE h, uint64_t *id);

/* errno.c */
int p9__nt_err(NTSTATUS st);
int p9__win_err(DWORD err);

/* stat.c: a file's type from its attributes and reparse tag: P9_S_IFLNK
 * for every name surrogate (symlink, junction, mount point, WSL symlink),
 * P9_S_IFDIR or P9_S_IFREG otherwise (other reparse points, such as
 * deduplicated or cloud files, are their data, not links). */
uint32_t p9__classify(uint32_t attributes, uint32_t reparse_tag);
/* The whole mode shown for a file: its type and synthesised permission
 * bits (0755 directories, 0644 files, 0777 links; the read-only attribute
 * clears the write bits). */
uint32_t p9__mode(uint32_t attributes, uint32_t reparse_tag);

/* attr.c: a reparse point's target as a UTF-8 path with '/' separators;
 * returns its length (truncated to cap, like readlink). */
int p9__readlink_handle(HANDLE h, char *buf, size_t cap);

/* names.c: unlink by moving into the holding directory (when NT lacks
 * POSIX delete), for `h` opened with DELETE access. */
int p9__unlink_handle(struct p9__file *dir, HANDLE h);

/* lock.c */
void p9__locks_drop(struct p9__file *f); /* on close: release everything */

/* dir.c */
void p9__dirsnap_free(struct p9__dirsnap *s);

/* thread.c: whether the calling thread was interrupted (and clear it). */
int p9__interrupted(void);

#endif
