/*
 * errno.c: host errno values in Linux numbering, what 9P2000.L carries.
 *
 * On Linux this is the identity. Elsewhere a table names each host errno
 * by its symbol and gives its Linux number; a host errno the table lacks
 * becomes EIO, so a client never sees a number that means something else
 * on Linux.
 *
 * The table is also compiled on Linux by the unit tests
 * (P9_ERRNO_FORCE_TABLE renames the function), where every entry must map
 * to itself: that checks the Linux numbers written here.
 */
#include <errno.h>
#include <stddef.h>

#include "internal.h"

#if defined(__linux__) && !defined(P9_ERRNO_FORCE_TABLE)

int p9__err(int host_errno)
{
	return host_errno > 0 ? -host_errno : -EIO;
}

#else

#ifdef P9_ERRNO_FORCE_TABLE
int p9__err_table(int host_errno);
#define p9__err p9__err_table
#endif

enum { LINUX_EIO = 5 };

/* Linear search: this runs only on error paths. Entries whose symbol the
 * host lacks are left out; duplicates (EWOULDBLOCK == EAGAIN) are harmless
 * because the first match wins and both map to the same number. */
/* clang-format off */
static const struct {
	int host, linux_no;
} table[] = {
	{EPERM, 1},
	{ENOENT, 2},
	{ESRCH, 3},
	{EINTR, 4},
	{EIO, 5},
	{ENXIO, 6},
	{E2BIG, 7},
	{ENOEXEC, 8},
	{EBADF, 9},
	{ECHILD, 10},
	{EAGAIN, 11},
	{EWOULDBLOCK, 11},
	{ENOMEM, 12},
	{EACCES, 13},
	{EFAULT, 14},
#ifdef ENOTBLK
	{ENOTBLK, 15},
#endif
	{EBUSY, 16},
	{EEXIST, 17},
	{EXDEV, 18},
	{ENODEV, 19},
	{ENOTDIR, 20},
	{EISDIR, 21},
	{EINVAL, 22},
	{ENFILE, 23},
	{EMFILE, 24},
	{ENOTTY, 25},
	{ETXTBSY, 26},
	{EFBIG, 27},
	{ENOSPC, 28},
	{ESPIPE, 29},
	{EROFS, 30},
	{EMLINK, 31},
	{EPIPE, 32},
	{EDOM, 33},
	{ERANGE, 34},
	{EDEADLK, 35},
	{ENAMETOOLONG, 36},
	{ENOLCK, 37},
	{ENOSYS, 38},
	{ENOTEMPTY, 39},
	{ELOOP, 40},
	{ENOMSG, 42},
	{EIDRM, 43},
#ifdef ENOSTR
	{ENOSTR, 60},
#endif
#ifdef ENODATA
	{ENODATA, 61},
#endif
#ifdef ENOATTR
	{ENOATTR, 61}, /* BSD's missing-xattr error is Linux's ENODATA */
#endif
#ifdef ETIME
	{ETIME, 62},
#endif
#ifdef ENOSR
	{ENOSR, 63},
#endif
	{ENOLINK, 67},
	{EPROTO, 71},
	{EMULTIHOP, 72},
	{EBADMSG, 74},
	{EOVERFLOW, 75},
	{EILSEQ, 84},
#ifdef EUSERS
	{EUSERS, 87},
#endif
	{ENOTSOCK, 88},
	{EDESTADDRREQ, 89},
	{EMSGSIZE, 90},
	{EPROTOTYPE, 91},
	{ENOPROTOOPT, 92},
	{EPROTONOSUPPORT, 93},
#ifdef ESOCKTNOSUPPORT
	{ESOCKTNOSUPPORT, 94},
#endif
	{EOPNOTSUPP, 95},
	{ENOTSUP, 95},
#ifdef EPFNOSUPPORT
	{EPFNOSUPPORT, 96},
#endif
	{EAFNOSUPPORT, 97},
	{EADDRINUSE, 98},
	{EADDRNOTAVAIL, 99},
	{ENETDOWN, 100},
	{ENETUNREACH, 101},
	{ENETRESET, 102},
	{ECONNABORTED, 103},
	{ECONNRESET, 104},
	{ENOBUFS, 105},
	{EISCONN, 106},
	{ENOTCONN, 107},
#ifdef ESHUTDOWN
	{ESHUTDOWN, 108},
#endif
#ifdef ETOOMANYREFS
	{ETOOMANYREFS, 109},
#endif
	{ETIMEDOUT, 110},
	{ECONNREFUSED, 111},
#ifdef EHOSTDOWN
	{EHOSTDOWN, 112},
#endif
	{EHOSTUNREACH, 113},
	{EALREADY, 114},
	{EINPROGRESS, 115},
	{ESTALE, 116},
	{EDQUOT, 122},
	{ECANCELED, 125},
	{EOWNERDEAD, 130},
	{ENOTRECOVERABLE, 131},
};
/* clang-format on */

int p9__err(int host_errno)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].host == host_errno)
			return -table[i].linux_no;
	return -LINUX_EIO;
}

#endif
