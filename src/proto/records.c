/*
 * records.c: the records that travel inside a message's data: Rreaddir
 * entries (p9_dirent_*) and 9P2000(.u) stat records in the Rread of a
 * directory (p9_stat_*). Their layouts live in the table (messages.c).
 *
 * Invariants:
 *  - A pack either appends the whole record and advances *pos, or writes
 *    nothing at all (it measures first), so a caller filling a reply can
 *    stop at the first record that does not fit and send what it has.
 *  - An unpack reads one record strictly within data[*pos..len): a record
 *    cut short, or a stat whose size[2] disagrees with its fields, is
 *    -EPROTO and *pos does not move.
 */
#include <errno.h>
#include <string.h>

#include "p9/proto.h"
#include "proto/cursor.h"
#include "proto/table.h"

int p9_dirent_pack(uint8_t *buf, size_t cap, size_t *pos, const struct p9_dirent *de)
{
	if (!buf || !pos || !de)
		return -EINVAL;
	struct p9__wr m = p9__wr_init(NULL, SIZE_MAX);
	p9__put_fields(&m, de, p9__dirent_fields, p9__dirent_nfields, P9_DIALECT_2000L);
	if (m.bad)
		return -EINVAL; /* a name length without name bytes */
	if (*pos > cap || m.pos > cap - *pos)
		return -ENOSPC;
	struct p9__wr w = p9__wr_init(buf + *pos, cap - *pos);
	p9__put_fields(&w, de, p9__dirent_fields, p9__dirent_nfields, P9_DIALECT_2000L);
	*pos += w.pos;
	return 0;
}

int p9_dirent_unpack(const uint8_t *data, size_t len, size_t *pos, struct p9_dirent *de)
{
	if (!pos || !de)
		return -EPROTO;
	memset(de, 0, sizeof(*de));
	if (*pos == len)
		return 1;
	if (!data || *pos > len)
		return -EPROTO;
	struct p9__rd r = p9__rd_init(data + *pos, len - *pos);
	p9__get_fields(&r, de, p9__dirent_fields, p9__dirent_nfields, P9_DIALECT_2000L);
	if (r.bad) {
		memset(de, 0, sizeof(*de));
		return -EPROTO;
	}
	*pos += r.pos;
	return 0;
}

int p9_stat_pack(uint8_t *buf, size_t cap, size_t *pos, enum p9_dialect d, const struct p9_stat *st)
{
	if (!buf || !pos || !st || !p9__dialect_valid(d))
		return -EINVAL;
	struct p9__wr m = p9__wr_init(NULL, SIZE_MAX);
	p9__put_stat(&m, st, d);
	if (m.bad)
		return -EINVAL; /* over 65535 bytes, or a length without bytes */
	if (*pos > cap || m.pos > cap - *pos)
		return -ENOSPC;
	struct p9__wr w = p9__wr_init(buf + *pos, cap - *pos);
	p9__put_stat(&w, st, d);
	*pos += w.pos;
	return 0;
}

int p9_stat_unpack(const uint8_t *data, size_t len, size_t *pos, enum p9_dialect d,
                   struct p9_stat *st)
{
	if (!pos || !st)
		return -EPROTO;
	memset(st, 0, sizeof(*st));
	if (*pos == len)
		return 1;
	if (!data || *pos > len || !p9__dialect_valid(d))
		return -EPROTO;
	struct p9__rd r = p9__rd_init(data + *pos, len - *pos);
	p9__get_stat(&r, st, d);
	if (r.bad) {
		memset(st, 0, sizeof(*st));
		return -EPROTO;
	}
	*pos += r.pos;
	return 0;
}
