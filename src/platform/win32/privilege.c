/*
 * privilege.c: confinement on Windows: nothing to drop.
 *
 * A Windows process has no capabilities to shed, no setuid to another
 * user and no namespaces or seccomp; the server runs with the rights of
 * the account that started it. Asking for any of it is refused at start
 * (exit 2, a clear message), never silently ignored.
 */
#include <errno.h>

#include "internal.h"

int p9_os_confine_check(const struct p9_os_confine *c, const char **err)
{
	if (c->user) {
		*err = "--user is not available on Windows (run p9d.exe as that account)";
		return -ENOTSUP;
	}
	if (c->sandbox != P9_OS_SANDBOX_NONE) {
		*err = "--sandbox is not available on Windows";
		return -ENOTSUP;
	}
	if (c->seccomp != P9_OS_SECCOMP_OFF) {
		*err = "--seccomp is not available on Windows";
		return -ENOTSUP;
	}
	return 0;
}

int p9_os_confine(const struct p9_os_confine *c, const char **err)
{
	return p9_os_confine_check(c, err);
}
