/*
 * meta.c: the mapped models' on-disk formats, as QEMU's 9p-local.c
 * writes them, so one export can move between QEMU and p9d:
 *  - mapped-xattr: user.virtfs.uid, .gid, .mode as 4-byte little-endian
 *    values and user.virtfs.rdev as 8 bytes;
 *  - mapped-file: text lines "virtfs.uid=%d", "virtfs.gid=%d",
 *    "virtfs.mode=%d", "virtfs.rdev=%d", in that order, only the fields
 *    that were ever set.
 * Pure functions: no host calls, so the unit tests check exact bytes.
 *
 * Which type a stored mode may give: only a host regular file can be
 * shown as a symlink, device, FIFO or socket (that is how the mapped
 * models store those). A host directory is always a directory, and a
 * host symlink or device (made on the host, not by a client) keeps its
 * type whatever is stored: the server walks and opens by the host type,
 * so it must never disagree with what the client is told.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/local/local.h"

void p9__meta_le32(uint32_t v, uint8_t out[4])
{
	for (int i = 0; i < 4; i++)
		out[i] = (uint8_t)(v >> (8 * i));
}

void p9__meta_le64(uint64_t v, uint8_t out[8])
{
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(v >> (8 * i));
}

/* QEMU prints C ints: ids and modes as their 32-bit two's complement
 * ("%d" of an int, so uid 4294967294 is "-2"). A device number that
 * does not fit 32 bits (major >= 4096 or minor >= 2^20), which QEMU
 * would truncate, is printed whole: QEMU's atoi still reads its low 32
 * bits, and we read all of it. */
static int put(char *buf, size_t cap, size_t *len, const char *key, uint64_t v, int wide)
{
	int n;
	if (wide && v > 0xffffffffu)
		n = snprintf(buf + *len, cap - *len, "virtfs.%s=%llu\n", key, (unsigned long long)v);
	else
		n = snprintf(buf + *len, cap - *len, "virtfs.%s=%d\n", key, (int32_t)(uint32_t)v);
	if (n < 0 || (size_t)n >= cap - *len)
		return -1;
	*len += (size_t)n;
	return 0;
}

size_t p9__meta_format(const struct local_meta *m, char *buf, size_t cap)
{
	size_t len = 0;
	if (cap == 0)
		return 0;
	buf[0] = '\0';
	if (((m->have & LOCAL_META_UID) && put(buf, cap, &len, "uid", m->uid, 0) < 0) ||
	    ((m->have & LOCAL_META_GID) && put(buf, cap, &len, "gid", m->gid, 0) < 0) ||
	    ((m->have & LOCAL_META_MODE) && put(buf, cap, &len, "mode", m->mode, 0) < 0) ||
	    ((m->have & LOCAL_META_RDEV) && put(buf, cap, &len, "rdev", m->rdev, 1) < 0))
		return 0;
	return len;
}

/* atoi's reading: leading blanks, a sign, digits; anything after is
 * ignored. -1 is what QEMU uses for "not set", so it reads as unset. */
static int number(const char *s, const char *end, long long *v)
{
	char tmp[32];
	size_t n = (size_t)(end - s);
	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	char *stop;
	*v = strtoll(tmp, &stop, 10);
	return stop != tmp && *v != -1;
}

void p9__meta_parse(const char *buf, size_t len, struct local_meta *m)
{
	static const struct {
		const char *key;
		uint32_t bit;
	} keys[] = {
		{ "virtfs.uid=", LOCAL_META_UID },
		{ "virtfs.gid=", LOCAL_META_GID },
		{ "virtfs.mode=", LOCAL_META_MODE },
		{ "virtfs.rdev=", LOCAL_META_RDEV },
	};
	memset(m, 0, sizeof(*m));
	for (const char *p = buf, *end = buf + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t kl = strlen(keys[i].key);
			long long v;
			if ((size_t)(eol - p) <= kl || memcmp(p, keys[i].key, kl) != 0 ||
			    !number(p + kl, eol, &v))
				continue;
			m->have |= keys[i].bit;
			switch (keys[i].bit) {
			case LOCAL_META_UID:
				m->uid = (uint32_t)v;
				break;
			case LOCAL_META_GID:
				m->gid = (uint32_t)v;
				break;
			case LOCAL_META_MODE:
				m->mode = (uint32_t)v;
				break;
			default:
				/* A negative number is QEMU's int of a 32-bit dev_t. */
				m->rdev = v < 0 ? (uint64_t)(uint32_t)v : (uint64_t)v;
				break;
			}
		}
		p = eol + 1;
	}
}

uint32_t p9__meta_type(const struct local_meta *m, uint32_t host_type)
{
	if (!(m->have & LOCAL_META_MODE) || host_type != P9_S_IFREG)
		return host_type;
	switch (m->mode & P9_S_IFMT) {
	case P9_S_IFLNK:
	case P9_S_IFCHR:
	case P9_S_IFBLK:
	case P9_S_IFIFO:
	case P9_S_IFSOCK:
		return m->mode & P9_S_IFMT;
	default:
		return host_type;
	}
}

void p9__meta_apply(const struct local_meta *m, struct p9_os_stat *st)
{
	if (m->have & LOCAL_META_UID)
		st->uid = m->uid;
	if (m->have & LOCAL_META_GID)
		st->gid = m->gid;
	if (m->have & LOCAL_META_MODE)
		st->mode = p9__meta_type(m, st->mode & P9_S_IFMT) | (m->mode & 07777);
	if (m->have & LOCAL_META_RDEV)
		st->rdev = m->rdev;
}

int p9__meta_is_hidden_name(const char *name, size_t len)
{
	return (len == sizeof(LOCAL_META_DIR) - 1 && memcmp(name, LOCAL_META_DIR, len) == 0) ||
	       (len == sizeof(LOCAL_META_ROOT) - 1 && memcmp(name, LOCAL_META_ROOT, len) == 0);
}
