/*
 * proc.c: the process on Windows: CPUs, the console's stop keys, a user
 * database of two names, the CLI's local files (see net.h).
 *
 * Windows has no SIGPIPE (a send to a gone peer just fails) and no
 * signals to stop a console program: Ctrl-C, Ctrl-Break and closing the
 * console window arrive through SetConsoleCtrlHandler, on a thread of
 * their own, where calling the stop function is safe.
 *
 * Windows accounts are SIDs, not uids, and this server never acts as
 * another Windows user: ids on the wire are numbers kept by the security
 * model. So the database knows only "root" (0) and "nobody"/"nogroup"
 * (65534); every other id shows as its number and every other name is
 * unknown. The process's own uid and gid are 65534: a p9.exe user is
 * nobody unless they say otherwise (-u).
 */
#include <windows.h>

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "platform/net.h"

#define NOBODY 65534u

unsigned p9_os_ncpu(void)
{
	DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
	return n > 0 ? (unsigned)n : 1;
}

void p9_os_no_sigpipe(void)
{
}

static void (*volatile stop_fn)(void);

static BOOL WINAPI on_console(DWORD type)
{
	switch (type) {
	case CTRL_C_EVENT:
	case CTRL_BREAK_EVENT:
	case CTRL_CLOSE_EVENT:
	case CTRL_SHUTDOWN_EVENT:
		if (stop_fn)
			stop_fn();
		return TRUE;
	default:
		return FALSE;
	}
}

int p9_os_on_stop(void (*fn)(void))
{
	stop_fn = fn;
	return SetConsoleCtrlHandler(on_console, TRUE) ? 0 : -EINVAL;
}

uint32_t p9_os_self_uid(void)
{
	return NOBODY;
}

uint32_t p9_os_self_gid(void)
{
	return NOBODY;
}

int p9_os_userdb(int kind, const char *name, uint32_t id, uint32_t *id_out, char *out, size_t cap)
{
	int group = kind == P9_OS_GROUP_BY_NAME || kind == P9_OS_GROUP_BY_ID;
	const char *nobody = group ? "nogroup" : "nobody";
	const char *n;
	uint32_t i;
	if (kind == P9_OS_USER_BY_NAME || kind == P9_OS_GROUP_BY_NAME) {
		if (strcmp(name, "root") == 0)
			i = 0;
		else if (strcmp(name, nobody) == 0)
			i = NOBODY;
		else
			return 0;
		n = name;
	} else {
		if (id == 0)
			n = "root";
		else if (id == NOBODY)
			n = nobody;
		else
			return 0;
		i = id;
	}
	if (out) {
		if (strlen(n) >= cap)
			return 0;
		strcpy(out, n);
	}
	if (id_out)
		*id_out = i;
	return 1;
}

int p9_os_local_open(const char *path, int write, uint32_t *mode)
{
	int fd = write ? _open(path, _O_WRONLY | _O_CREAT | _O_TRUNC | _O_BINARY | _O_NOINHERIT,
	                       _S_IREAD | _S_IWRITE)
	               : _open(path, _O_RDONLY | _O_BINARY | _O_NOINHERIT);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : errno == EACCES ? -EACCES : -EIO;
	/* Windows keeps no permission bits: read-only files are 0444. */
	struct _stat64 st;
	if (mode && _fstat64(fd, &st) == 0)
		*mode = (st.st_mode & _S_IWRITE) ? 0644 : 0444;
	return fd;
}

int p9_os_local_std(int write)
{
	int fd = write ? 1 : 0;
	_setmode(fd, _O_BINARY); /* no CRLF translation of file data */
	return fd;
}

ssize_t p9_os_local_read(int fd, void *buf, size_t len)
{
	int n = _read(fd, buf, len > INT_MAX ? INT_MAX : (unsigned)len);
	return n < 0 ? -EIO : n;
}

ssize_t p9_os_local_write(int fd, const void *buf, size_t len)
{
	int n = _write(fd, buf, len > INT_MAX ? INT_MAX : (unsigned)len);
	return n < 0 ? (errno == ENOSPC ? -ENOSPC : -EIO) : n;
}

int p9_os_local_close(int fd)
{
	return _close(fd) < 0 ? -EIO : 0;
}

int p9_os_local_is_terminal(int fd)
{
	return _isatty(fd) != 0;
}

int p9_os_localtime(int64_t sec, struct tm *out)
{
	__time64_t t = sec;
	return _localtime64_s(out, &t) == 0 ? 0 : -EOVERFLOW;
}
