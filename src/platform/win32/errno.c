/*
 * errno.c: Windows errors in Linux numbering, what 9P2000.L carries.
 *
 * One table: NTSTATUS codes (from the Nt* calls) and Win32 error codes
 * (from kernel32) side by side, each with its Linux errno. An NTSTATUS the
 * table lacks goes through RtlNtStatusToDosError and is looked up again as
 * a Win32 error; what is still unknown becomes EIO, so a client never sees
 * a number that means something else on Linux.
 *
 * The E* names are Linux's numbers in this build (linux_errno.h).
 */
#include "internal.h"

enum { NT, WIN };

/* clang-format off */
static const struct {
	uint8_t kind;
	uint32_t code;
	int linux_no;
} table[] = {
	{NT, 0xC0000022, EACCES},       /* ACCESS_DENIED */
	{NT, 0xC0000034, ENOENT},       /* OBJECT_NAME_NOT_FOUND */
	{NT, 0xC000003A, ENOENT},       /* OBJECT_PATH_NOT_FOUND */
	{NT, 0xC0000033, EINVAL},       /* OBJECT_NAME_INVALID */
	{NT, 0xC0000035, EEXIST},       /* OBJECT_NAME_COLLISION */
	{NT, 0xC0000056, ENOENT},       /* DELETE_PENDING: the name is going */
	{NT, 0xC0000043, EBUSY},        /* SHARING_VIOLATION */
	{NT, 0xC0000054, EAGAIN},       /* FILE_LOCK_CONFLICT */
	{NT, 0xC0000055, EAGAIN},       /* LOCK_NOT_GRANTED */
	{NT, 0xC000007E, ENOLCK},       /* RANGE_NOT_LOCKED */
	{NT, 0xC0000101, ENOTEMPTY},    /* DIRECTORY_NOT_EMPTY */
	{NT, 0xC0000103, ENOTDIR},      /* NOT_A_DIRECTORY */
	{NT, 0xC00000BA, EISDIR},       /* FILE_IS_A_DIRECTORY */
	{NT, 0xC00000D4, EXDEV},        /* NOT_SAME_DEVICE */
	{NT, 0xC000007F, ENOSPC},       /* DISK_FULL */
	{NT, 0xC0000044, EDQUOT},       /* QUOTA_EXCEEDED */
	{NT, 0xC00000A2, EROFS},        /* MEDIA_WRITE_PROTECTED */
	{NT, 0xC000009A, ENOMEM},       /* INSUFFICIENT_RESOURCES */
	{NT, 0xC0000017, ENOMEM},       /* NO_MEMORY */
	{NT, 0xC0000008, EBADF},        /* INVALID_HANDLE */
	{NT, 0xC000000D, EINVAL},       /* INVALID_PARAMETER */
	{NT, 0xC0000003, EOPNOTSUPP},   /* INVALID_INFO_CLASS */
	{NT, 0xC0000002, EOPNOTSUPP},   /* NOT_IMPLEMENTED */
	{NT, 0xC00000BB, EOPNOTSUPP},   /* NOT_SUPPORTED */
	{NT, 0xC0000010, EOPNOTSUPP},   /* INVALID_DEVICE_REQUEST */
	{NT, 0xC0000106, ENAMETOOLONG}, /* NAME_TOO_LONG */
	{NT, 0xC0000161, EMLINK},       /* TOO_MANY_LINKS */
	{NT, 0xC0000279, ELOOP},        /* IO_REPARSE_TAG_NOT_HANDLED */
	{NT, 0xC0000120, EINTR},        /* CANCELLED */
	{NT, 0xC000000F, ENOENT},       /* NO_SUCH_FILE */
	{NT, 0xC0000024, EBADF},        /* OBJECT_TYPE_MISMATCH */
	{NT, 0xC0000121, EBUSY},        /* CANNOT_DELETE */
	{NT, 0xC0000061, EPERM},        /* PRIVILEGE_NOT_HELD */
	{NT, 0xC000019C, EIO},          /* FILE_CORRUPT_ERROR */
	{WIN, ERROR_FILE_NOT_FOUND, ENOENT},
	{WIN, ERROR_PATH_NOT_FOUND, ENOENT},
	{WIN, ERROR_TOO_MANY_OPEN_FILES, EMFILE},
	{WIN, ERROR_ACCESS_DENIED, EACCES},
	{WIN, ERROR_INVALID_HANDLE, EBADF},
	{WIN, ERROR_NOT_ENOUGH_MEMORY, ENOMEM},
	{WIN, ERROR_OUTOFMEMORY, ENOMEM},
	{WIN, ERROR_INVALID_DRIVE, ENOENT},
	{WIN, ERROR_NOT_SAME_DEVICE, EXDEV},
	{WIN, ERROR_WRITE_PROTECT, EROFS},
	{WIN, ERROR_SHARING_VIOLATION, EBUSY},
	{WIN, ERROR_LOCK_VIOLATION, EAGAIN},
	{WIN, ERROR_HANDLE_DISK_FULL, ENOSPC},
	{WIN, ERROR_DISK_FULL, ENOSPC},
	{WIN, ERROR_NOT_SUPPORTED, EOPNOTSUPP},
	{WIN, ERROR_INVALID_FUNCTION, EOPNOTSUPP},
	{WIN, ERROR_CALL_NOT_IMPLEMENTED, EOPNOTSUPP},
	{WIN, ERROR_FILE_EXISTS, EEXIST},
	{WIN, ERROR_ALREADY_EXISTS, EEXIST},
	{WIN, ERROR_INVALID_PARAMETER, EINVAL},
	{WIN, ERROR_INVALID_NAME, EINVAL},
	{WIN, ERROR_BAD_PATHNAME, EINVAL},
	{WIN, ERROR_FILENAME_EXCED_RANGE, ENAMETOOLONG},
	{WIN, ERROR_BUFFER_OVERFLOW, ENAMETOOLONG},
	{WIN, ERROR_INSUFFICIENT_BUFFER, ERANGE},
	{WIN, ERROR_MORE_DATA, ERANGE},
	{WIN, ERROR_DIR_NOT_EMPTY, ENOTEMPTY},
	{WIN, ERROR_DIRECTORY, ENOTDIR},
	{WIN, ERROR_NOT_LOCKED, ENOLCK},
	{WIN, ERROR_LOCK_FAILED, EAGAIN},
	{WIN, ERROR_TOO_MANY_LINKS, EMLINK},
	{WIN, ERROR_CANT_RESOLVE_FILENAME, ELOOP},
	{WIN, ERROR_NEGATIVE_SEEK, EINVAL},
	{WIN, ERROR_OPERATION_ABORTED, EINTR},
	{WIN, ERROR_PRIVILEGE_NOT_HELD, EPERM},
	{WIN, ERROR_DELETE_PENDING, ENOENT},
	{WIN, ERROR_BUSY, EBUSY},
	{WIN, 1295 /* ERROR_DISK_QUOTA_EXCEEDED */, EDQUOT},
	{WIN, ERROR_EA_LIST_INCONSISTENT, EINVAL},
	{WIN, ERROR_NOACCESS, EFAULT},
	{WIN, ERROR_CRC, EIO},
};
/* clang-format on */

static int lookup(int kind, uint32_t code, int *out)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].kind == kind && table[i].code == code) {
			*out = -table[i].linux_no;
			return 1;
		}
	return 0;
}

int p9__win_err(DWORD err)
{
	int r;
	return lookup(WIN, (uint32_t)err, &r) ? r : -EIO;
}

int p9__nt_err(NTSTATUS st)
{
	int r;
	if (lookup(NT, (uint32_t)st, &r))
		return r;
	return p9__win_err(RtlNtStatusToDosError(st));
}
