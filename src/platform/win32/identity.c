/*
 * identity.c: acting as the client's user. Windows has no per-thread
 * fsuid: a thread could impersonate a Windows account with a logon token,
 * but 9P carries Unix uids that name no account here. So p9d on Windows
 * is never privileged (passthrough's "become" is refused, and the server
 * keeps to the models that need none), and user_groups knows nothing but
 * the primary group it was given.
 */
#include "internal.h"

int p9_os_become(uint32_t uid, uint32_t gid, const uint32_t *groups, size_t ngroups)
{
	(void)uid, (void)gid, (void)groups, (void)ngroups;
	return -ENOTSUP;
}

int p9_os_become_self(void)
{
	return 0; /* never anyone else */
}

int p9_os_user_groups(uint32_t uid, uint32_t gid, uint32_t *groups, size_t cap)
{
	(void)uid; /* no user database that knows Unix uids */
	if (cap == 0)
		return -ERANGE;
	groups[0] = gid;
	return 1;
}

int p9_os_is_privileged(void)
{
	return 0;
}
