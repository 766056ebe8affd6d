/*
 * node.c: the tree of nodes (see local.h).
 *
 * Nodes are hashed by (parent, name). A node lives while something
 * references it: a fid, a child (through its parent pointer), or a
 * caller between lookup and put. Lookups take a reference only if the
 * count is not already zero: a node whose count reached zero is dying,
 * its last holder is about to unhash and free it, and a lookup that
 * meets it simply makes a new node.
 *
 * The host is the truth: a cached node is reused only when the name
 * still leads to the same file (dev, ino and birth time); otherwise the
 * old node is detached (its fids keep their file) and a new one is made.
 * A node's type is the one the client sees (a mapped model shows some
 * host regular files as symlinks or devices), decided when the node is
 * made; lookups report it in st->mode.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fs/local/local.h"

static unsigned hash(const struct local_node *parent, const char *name)
{
	uint64_t h = (uintptr_t)parent * 0x9E3779B97F4A7C15ull;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 0x100000001B3ull;
	return (unsigned)(h ^ (h >> 32));
}

static struct local_node *node_alloc(int fd, const struct p9_os_stat *st)
{
	struct local_node *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	atomic_init(&n->refs, 1);
	n->fd = fd;
	n->dev = st->dev;
	n->ino = st->ino;
	n->btime_sec = st->has_btime ? st->btime_sec : 0;
	n->btime_nsec = st->has_btime ? st->btime_nsec : 0;
	n->mode = st->mode;
	return n;
}

/* Is st the file n was made for? (dev, ino) alone is not enough: a file
 * system reuses a freed inode number at once, so a file replaced on the
 * host often has its predecessor's. The birth time tells them apart
 * where the file system keeps one. */
static int same_file(const struct local_node *n, const struct p9_os_stat *st)
{
	if (st->ino != n->ino || st->dev != n->dev)
		return 0;
	return !st->has_btime || (n->btime_sec == st->btime_sec && n->btime_nsec == st->btime_nsec);
}

int p9__tree_init(struct local_tree *t, int rootfd, const struct p9_os_stat *st)
{
	memset(t, 0, sizeof(*t));
	pthread_rwlock_init(&t->lock, NULL);
	t->nbuckets = 1024;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	t->root = node_alloc(rootfd, st);
	if (!t->buckets || !t->root) {
		free(t->buckets);
		free(t->root);
		return -ENOMEM;
	}
	/* Keep room for open files, sockets and temporary handles. */
	int limit = p9_os_nofile_limit();
	t->fd_budget = limit > 2048 ? limit / 2 : limit / 4;
	return 0;
}

void p9__tree_destroy(struct local_tree *t)
{
	p9__node_put(t, t->root);
	free(t->buckets);
	pthread_rwlock_destroy(&t->lock);
}

struct local_node *p9__node_ref(struct local_node *n)
{
	atomic_fetch_add(&n->refs, 1);
	return n;
}

static int ref_if_alive(struct local_node *n)
{
	int r = atomic_load(&n->refs);
	while (r > 0)
		if (atomic_compare_exchange_weak(&n->refs, &r, r + 1))
			return 1;
	return 0;
}

/* Under the write lock. */
static void unhash(struct local_tree *t, struct local_node *n)
{
	if (!n->hashed)
		return;
	struct local_node **pp = &t->buckets[hash(n->parent, n->name) & (t->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == n) {
			*pp = n->hnext;
			break;
		}
	n->hashed = 0;
	t->count--;
}

/* Under the write lock. */
static void rehash_if_needed(struct local_tree *t)
{
	if (t->count < t->nbuckets * 2)
		return;
	unsigned nb = t->nbuckets * 2;
	struct local_node **b = calloc(nb, sizeof(*b));
	if (!b)
		return;
	for (unsigned i = 0; i < t->nbuckets; i++)
		for (struct local_node *n = t->buckets[i], *next; n; n = next) {
			next = n->hnext;
			unsigned h = hash(n->parent, n->name) & (nb - 1);
			n->hnext = b[h];
			b[h] = n;
		}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = nb;
}

/* Under the write lock. */
static void hash_in(struct local_tree *t, struct local_node *n)
{
	rehash_if_needed(t);
	unsigned h = hash(n->parent, n->name) & (t->nbuckets - 1);
	n->hnext = t->buckets[h];
	t->buckets[h] = n;
	n->hashed = 1;
	t->count++;
}

void p9__node_put(struct local_tree *t, struct local_node *n)
{
	while (n && atomic_fetch_sub(&n->refs, 1) == 1) {
		struct local_node *parent;
		pthread_rwlock_wrlock(&t->lock);
		unhash(t, n);
		parent = n->parent;
		pthread_rwlock_unlock(&t->lock);
		if (n->fd >= 0) {
			p9_os_close(n->fd);
			atomic_fetch_sub(&t->nfds, 1);
		}
		free(n->name);
		free(n);
		n = parent; /* the child's reference on its parent goes too */
	}
}

/* Under a lock: find a live node for (dir, name) and reference it. */
static struct local_node *find(struct local_tree *t, struct local_node *dir, const char *name)
{
	unsigned h = hash(dir, name) & (t->nbuckets - 1);
	for (struct local_node *n = t->buckets[h]; n; n = n->hnext)
		if (n->parent == dir && strcmp(n->name, name) == 0 && ref_if_alive(n))
			return n;
	return NULL;
}

int p9__node_fd(struct local_tree *t, struct local_node *n, int *tmp)
{
	*tmp = 0;
	if (n->fd >= 0)
		return n->fd;
	/* No handle (over budget, or made by a create): open it again from
	 * the parent, by name, and check it is still the same file. */
	struct local_node *parent;
	char name[256];
	int e = p9__node_where(t, n, &parent, name, sizeof(name));
	if (e < 0)
		return -ESTALE;
	int ptmp, pfd = p9__node_fd(t, parent, &ptmp);
	int fd = pfd < 0 ? pfd : p9_os_openat(pfd, name, P9_OS_O_PATH, 0);
	p9__node_fd_done(pfd, ptmp);
	p9__node_put(t, parent);
	if (fd < 0)
		return fd == -ENOENT ? -ESTALE : fd;
	struct p9_os_stat st;
	if (p9_os_fstat(fd, &st) < 0 || !same_file(n, &st)) {
		p9_os_close(fd);
		return -ESTALE;
	}
	/* A node made without a handle (a create) keeps the one it needed,
	 * budget permitting; over budget it stays temporary. */
	if (atomic_fetch_add(&t->nfds, 1) < t->fd_budget) {
		int kept = fd;
		pthread_rwlock_wrlock(&t->lock);
		if (n->fd < 0) {
			n->fd = fd;
			fd = -1;
		}
		pthread_rwlock_unlock(&t->lock);
		if (fd < 0)
			return kept;
		atomic_fetch_sub(&t->nfds, 1); /* another thread kept one first */
		*tmp = 1;
		return fd;
	}
	atomic_fetch_sub(&t->nfds, 1);
	*tmp = 1;
	return fd;
}

void p9__node_fd_done(int fd, int tmp)
{
	if (tmp && fd >= 0)
		p9_os_close(fd);
}

int p9__node_where(struct local_tree *t, struct local_node *n, struct local_node **parent,
		   char *name, size_t cap)
{
	int e = -ENOENT;
	pthread_rwlock_rdlock(&t->lock);
	if (n->parent && n->name && !n->detached && strlen(n->name) < cap) {
		strcpy(name, n->name);
		*parent = p9__node_ref(n->parent);
		e = 0;
	}
	pthread_rwlock_unlock(&t->lock);
	return e;
}

/* Open a handle for a new node if the budget allows. */
static int keep_handle(struct local_tree *t, int fd)
{
	if (atomic_fetch_add(&t->nfds, 1) < t->fd_budget)
		return fd;
	atomic_fetch_sub(&t->nfds, 1);
	p9_os_close(fd);
	return -1;
}

struct local_node *p9__node_insert(struct local_tree *t, struct local_node *dir, const char *name,
				   int fd, const struct p9_os_stat *st)
{
	struct local_node *n = node_alloc(-1, st);
	char *nm = strdup(name);
	if (!n || !nm) {
		free(n);
		free(nm);
		if (fd >= 0)
			p9_os_close(fd);
		return NULL;
	}
	n->fd = fd >= 0 ? keep_handle(t, fd) : -1;
	n->name = nm;
	pthread_rwlock_wrlock(&t->lock);
	/* A node already there under this name is not this file any more. */
	struct local_node *old = find(t, dir, name);
	if (old) {
		unhash(t, old);
		old->detached = 1;
	}
	n->parent = p9__node_ref(dir);
	hash_in(t, n);
	pthread_rwlock_unlock(&t->lock);
	if (old)
		p9__node_put(t, old);
	return n;
}

int p9__node_lookup(struct local_tree *t, struct local_node *dir, const char *name,
		    struct local_node **out, struct p9_os_stat *st)
{
	int tmp, e;
	if (strcmp(name, "..") == 0) {
		struct local_node *up;
		pthread_rwlock_rdlock(&t->lock);
		up = dir->parent && !dir->detached ? dir->parent : dir;
		p9__node_ref(up);
		pthread_rwlock_unlock(&t->lock);
		int fd = p9__node_fd(t, up, &tmp);
		e = fd < 0 ? fd : p9_os_fstat(fd, st);
		p9__node_fd_done(fd, tmp);
		if (e < 0) {
			p9__node_put(t, up);
			return e;
		}
		st->mode = (st->mode & ~P9_S_IFMT) | (up->mode & P9_S_IFMT);
		*out = up;
		return 0;
	}
	int dfd = p9__node_fd(t, dir, &tmp);
	if (dfd < 0)
		return dfd;
	pthread_rwlock_rdlock(&t->lock);
	struct local_node *n = find(t, dir, name);
	pthread_rwlock_unlock(&t->lock);
	if (n) {
		/* Known name: one stat says whether it is still the same file. */
		e = p9_os_fstatat(dfd, name, st);
		if (e == 0 && same_file(n, st)) {
			p9__node_fd_done(dfd, tmp);
			st->mode = (st->mode & ~P9_S_IFMT) | (n->mode & P9_S_IFMT);
			*out = n;
			return 0;
		}
		p9__node_put(t, n);
		if (e < 0) {
			p9__node_fd_done(dfd, tmp);
			return e;
		}
	}
	int fd = p9_os_openat(dfd, name, P9_OS_O_PATH, 0);
	if (fd >= 0 && (e = p9_os_fstat(fd, st)) < 0) {
		p9_os_close(fd);
		fd = e;
	}
	/* The model may show a host regular file as another type (the
	 * mapped models' symlinks and device nodes). */
	if (fd >= 0 && t->file_type && (st->mode & P9_S_IFMT) == P9_S_IFREG)
		st->mode = (st->mode & ~P9_S_IFMT) | t->file_type(t, dfd, name, fd);
	p9__node_fd_done(dfd, tmp);
	if (fd < 0)
		return fd;
	n = p9__node_insert(t, dir, name, fd, st);
	if (!n)
		return -ENOMEM;
	*out = n;
	return 0;
}

void p9__node_pin(struct local_tree *t, struct local_node *dir, const char *name)
{
	pthread_rwlock_rdlock(&t->lock);
	struct local_node *n = find(t, dir, name);
	pthread_rwlock_unlock(&t->lock);
	if (!n)
		return;
	if (n->fd < 0) {
		int tmp, fd = p9__node_fd(t, n, &tmp);
		/* Pinned handles are over budget by design: fids need them. */
		if (fd >= 0 && tmp) {
			pthread_rwlock_wrlock(&t->lock);
			if (n->fd < 0) {
				n->fd = fd;
				fd = -1;
				atomic_fetch_add(&t->nfds, 1);
			}
			pthread_rwlock_unlock(&t->lock);
			if (fd >= 0)
				p9_os_close(fd);
		}
	}
	p9__node_put(t, n);
}

void p9__node_removed(struct local_tree *t, struct local_node *dir, const char *name)
{
	pthread_rwlock_wrlock(&t->lock);
	struct local_node *n = find(t, dir, name);
	if (n) {
		unhash(t, n);
		n->detached = 1;
	}
	pthread_rwlock_unlock(&t->lock);
	if (n)
		p9__node_put(t, n);
}

void p9__node_moved(struct local_tree *t, struct local_node *olddir, const char *oldname,
		    struct local_node *newdir, const char *newname)
{
	char *nm = strdup(newname);
	struct local_node *victim, *n, *oldparent = NULL;
	pthread_rwlock_wrlock(&t->lock);
	victim = find(t, newdir, newname);
	if (victim) {
		unhash(t, victim);
		victim->detached = 1;
	}
	n = find(t, olddir, oldname);
	if (n) {
		unhash(t, n);
		if (nm) {
			free(n->name);
			n->name = nm;
			nm = NULL;
			oldparent = n->parent;
			n->parent = p9__node_ref(newdir);
			hash_in(t, n);
		} else {
			n->detached = 1; /* out of memory: forget where it is */
		}
	}
	pthread_rwlock_unlock(&t->lock);
	free(nm);
	if (victim)
		p9__node_put(t, victim);
	if (n)
		p9__node_put(t, n);
	if (oldparent)
		p9__node_put(t, oldparent);
}
