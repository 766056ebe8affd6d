/*
 * qidmap.c: qid paths for exports that span several file systems
 * (multidevs=remap): unique across devices, stable while the server
 * runs, free on the export root's device.
 *
 *   root device, inode < 2^63:  path = inode (no table, no lock)
 *   otherwise, by group:        1 | 0 | group[22] | inode & (2^40 - 1)
 *   once 2^22 groups are used:  1 | 1 | sequence[62]
 * A group is (device, inode >> 40): file systems number inodes densely
 * from small values, so a device almost always needs one group (ext4,
 * tmpfs, btrfs subvolumes; XFS a few). Only file systems with scattered
 * 64-bit inode numbers (some NFS servers) can use the groups up, and
 * then each new file gets a sequence number from the full table: 2^62
 * of them will not run out. Both tables only grow, so a path once given
 * is never given to another file. QEMU does the same with variable-
 * length suffixes; fixed fields keep the arithmetic obvious.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fs/local/local.h"

#define LOW_BITS 40
#define GROUP_BITS 22
#define REMAPPED (1ull << 63)
#define FULL (1ull << 62)

struct local_qidmap_ent {
	uint64_t dev, key; /* key: inode >> LOW_BITS, or the inode (full) */
	uint64_t value; /* group number, or sequence number */
	uint8_t used;
};

int p9__qidmap_init(struct local_qidmap *m)
{
	memset(m, 0, sizeof(*m));
	return -pthread_rwlock_init(&m->lock, NULL);
}

void p9__qidmap_destroy(struct local_qidmap *m)
{
	free(m->groups);
	free(m->full);
	pthread_rwlock_destroy(&m->lock);
}

static uint64_t mix(uint64_t dev, uint64_t key)
{
	uint64_t h = (dev * 0x9E3779B97F4A7C15ull) ^ (key + 0x632BE59BD9B4E019ull);
	h ^= h >> 31;
	h *= 0xBF58476D1CE4E5B9ull;
	return h ^ (h >> 29);
}

/* Open addressing, linear probing; cap is a power of two or 0. */
static struct local_qidmap_ent *find(struct local_qidmap_ent *t, uint64_t cap, uint64_t dev,
				     uint64_t key)
{
	if (!cap)
		return NULL;
	for (uint64_t i = mix(dev, key) & (cap - 1);; i = (i + 1) & (cap - 1)) {
		if (!t[i].used || (t[i].dev == dev && t[i].key == key))
			return &t[i];
	}
}

/* Under the write lock: make room for one more entry (load <= 1/2). */
static int grow(struct local_qidmap_ent **t, uint64_t *cap, uint64_t n)
{
	if ((n + 1) * 2 <= *cap)
		return 0;
	uint64_t ncap = *cap ? *cap * 2 : 64;
	struct local_qidmap_ent *nt = calloc(ncap, sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	for (uint64_t i = 0; i < *cap; i++)
		if ((*t)[i].used)
			*find(nt, ncap, (*t)[i].dev, (*t)[i].key) = (*t)[i];
	free(*t);
	*t = nt;
	*cap = ncap;
	return 0;
}

/* Under the write lock. */
static int insert(struct local_qidmap_ent **t, uint64_t *cap, uint64_t *n, uint64_t dev,
		  uint64_t key, uint64_t value)
{
	int e = grow(t, cap, *n);
	if (e < 0)
		return e;
	struct local_qidmap_ent *s = find(*t, *cap, dev, key);
	*s = (struct local_qidmap_ent){ .dev = dev, .key = key, .value = value, .used = 1 };
	(*n)++;
	return 0;
}

static uint64_t compose(uint64_t group, uint64_t ino)
{
	return REMAPPED | (group << LOW_BITS) | (ino & ((1ull << LOW_BITS) - 1));
}

int p9__qidmap_path(struct local_qidmap *m, uint64_t root_dev, uint64_t dev, uint64_t ino,
		    uint64_t *path)
{
	if (dev == root_dev && !(ino & REMAPPED)) {
		*path = ino;
		return 0;
	}
	uint64_t hi = ino >> LOW_BITS;
	struct local_qidmap_ent *s;
	int e = 0;
	pthread_rwlock_rdlock(&m->lock);
	s = find(m->groups, m->groups_cap, dev, hi);
	if (s && s->used) {
		*path = compose(s->value, ino);
		pthread_rwlock_unlock(&m->lock);
		return 0;
	}
	s = find(m->full, m->full_cap, dev, ino);
	if (s && s->used) {
		*path = REMAPPED | FULL | s->value;
		pthread_rwlock_unlock(&m->lock);
		return 0;
	}
	pthread_rwlock_unlock(&m->lock);

	pthread_rwlock_wrlock(&m->lock);
	/* Someone may have added it meanwhile: look again. */
	if ((s = find(m->groups, m->groups_cap, dev, hi)) && s->used) {
		*path = compose(s->value, ino);
	} else if ((s = find(m->full, m->full_cap, dev, ino)) && s->used) {
		*path = REMAPPED | FULL | s->value;
	} else if (m->ngroups < (1ull << GROUP_BITS)) {
		uint64_t g = m->ngroups;
		if ((e = insert(&m->groups, &m->groups_cap, &m->ngroups, dev, hi, g)) == 0)
			*path = compose(g, ino);
	} else if (m->nfull < FULL) {
		uint64_t seq = m->nfull;
		if ((e = insert(&m->full, &m->full_cap, &m->nfull, dev, ino, seq)) == 0)
			*path = REMAPPED | FULL | seq;
	} else {
		e = -ENFILE;
	}
	pthread_rwlock_unlock(&m->lock);
	return e;
}
