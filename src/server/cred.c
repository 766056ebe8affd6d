/*
 * cred.c: who a numeric user is on this host (primary group and groups),
 * looked up once per user at attach and kept for the server's life.
 *
 * A uid the host does not know acts with gid == uid and no other groups:
 * the user-private-group convention that guests nearly always follow.
 * Entries live until the server is freed: there is one per distinct uid
 * that attached, which a client cannot inflate faster than it attaches.
 */
#include <stdlib.h>

#include "platform/platform.h"
#include "server/core.h"

struct p9_cred_entry {
	struct p9_cred_entry *next;
	struct p9_cred cred;
};

const struct p9_cred *p9__cred_get(struct p9_server *s, uint32_t uid)
{
	struct p9_cred_entry *e;
	pthread_mutex_lock(&s->cred_lock);
	for (e = s->creds; e; e = e->next)
		if (e->cred.uid == uid)
			break;
	if (!e && (e = calloc(1, sizeof(*e)))) {
		uint32_t groups[32];
		e->cred.uid = uid;
		e->cred.gid = uid;
		int n = p9_os_user_groups(uid, uid, groups, 32);
		if (n > 0) {
			/* the platform puts the primary group first */
			e->cred.gid = groups[0];
			for (int i = 0; i < n; i++)
				e->cred.groups[i] = groups[i];
			e->cred.ngroups = (uint32_t)n;
		} else {
			e->cred.groups[0] = uid;
			e->cred.ngroups = 1;
		}
		e->next = s->creds;
		s->creds = e;
	}
	pthread_mutex_unlock(&s->cred_lock);
	return e ? &e->cred : NULL;
}

void p9__cred_free_all(struct p9_server *s)
{
	while (s->creds) {
		struct p9_cred_entry *e = s->creds;
		s->creds = e->next;
		free(e);
	}
}
