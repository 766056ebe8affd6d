/*
 * proc.c: the process on POSIX: CPUs, signals, the user database, the
 * CLI's local files (see net.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/net.h"

unsigned p9_os_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

void p9_os_no_sigpipe(void)
{
	signal(SIGPIPE, SIG_IGN);
}

static void (*stop_fn)(void);

static void on_signal(int sig)
{
	(void)sig;
	if (stop_fn)
		stop_fn();
}

int p9_os_on_stop(void (*fn)(void))
{
	struct sigaction sa = {.sa_handler = on_signal};
	stop_fn = fn;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return -errno;
	return 0;
}

uint32_t p9_os_self_uid(void)
{
	return (uint32_t)getuid();
}

uint32_t p9_os_self_gid(void)
{
	return (uint32_t)getgid();
}

int p9_os_userdb(int kind, const char *name, uint32_t id, uint32_t *id_out, char *out, size_t cap)
{
	char stackbuf[2048];
	char *buf = stackbuf;
	size_t len = sizeof(stackbuf);
	int e, found = 0;
	for (;;) {
		struct passwd pw, *pr = NULL;
		struct group gr, *gres = NULL;
		const char *n = NULL;
		uint32_t i = 0;
		switch (kind) {
		case P9_OS_USER_BY_NAME:
			e = getpwnam_r(name, &pw, buf, len, &pr);
			break;
		case P9_OS_USER_BY_ID:
			e = getpwuid_r((uid_t)id, &pw, buf, len, &pr);
			break;
		case P9_OS_GROUP_BY_NAME:
			e = getgrnam_r(name, &gr, buf, len, &gres);
			break;
		default:
			e = getgrgid_r((gid_t)id, &gr, buf, len, &gres);
			break;
		}
		if (e == ERANGE && len < (1u << 20)) {
			if (buf != stackbuf)
				free(buf);
			len *= 4;
			if (!(buf = malloc(len)))
				return -ENOMEM;
			continue;
		}
		if (e == 0 && pr) {
			n = pr->pw_name;
			i = (uint32_t)pr->pw_uid;
		} else if (e == 0 && gres) {
			n = gres->gr_name;
			i = (uint32_t)gres->gr_gid;
		}
		if (n && (!out || strlen(n) < cap)) {
			if (out)
				strcpy(out, n);
			if (id_out)
				*id_out = i;
			found = 1;
		}
		break;
	}
	if (buf != stackbuf)
		free(buf);
	return found;
}

int p9_os_local_open(const char *path, int write, uint32_t *mode)
{
	int fd = write ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)
	               : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (mode && fstat(fd, &st) == 0)
		*mode = (uint32_t)st.st_mode & 07777;
	return fd;
}

int p9_os_local_std(int write)
{
	return write ? STDOUT_FILENO : STDIN_FILENO;
}

ssize_t p9_os_local_read(int fd, void *buf, size_t len)
{
	ssize_t n;
	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

ssize_t p9_os_local_write(int fd, const void *buf, size_t len)
{
	ssize_t n;
	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

int p9_os_local_close(int fd)
{
	return close(fd) < 0 ? -errno : 0;
}

int p9_os_local_is_terminal(int fd)
{
	return isatty(fd);
}

int p9_os_localtime(int64_t sec, struct tm *out)
{
	time_t t = (time_t)sec;
	return localtime_r(&t, out) ? 0 : -EOVERFLOW;
}
