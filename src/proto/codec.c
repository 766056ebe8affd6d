/*
 * codec.c: the engine that walks the message table (messages.c) to decode
 * and encode whole messages: p9_unpack, p9_pack, p9_packed_size,
 * p9_msg_name, p9_msg_known.
 *
 * Invariants:
 *  - Decoding allocates nothing: strings and data are views into the
 *    buffer being decoded.
 *  - A message is accepted only when every byte from the header's size
 *    field to the end was consumed by its fields: short, long, or any
 *    inner length (string, data, walk count, stat size) that disagrees
 *    with the bytes present is -EPROTO, and the caller's struct is left
 *    zeroed, never half-filled.
 *  - Encoding writes nothing past cap and reports 0 when the message does
 *    not fit or cannot be represented (too many walk elements, a length
 *    without bytes, a stat over 65535 bytes, a type the dialect lacks);
 *    after a failure buf[0..cap) may hold a partial message.
 *  - p9_packed_size runs the same encoder in measuring mode, so it equals
 *    what p9_pack writes, byte for byte.
 */
#include <errno.h>
#include <string.h>

#include "p9/proto.h"
#include "proto/cursor.h"
#include "proto/table.h"

/* The member at f->off (or aux) of the record at base. */
#define AT(base, off, T) ((T *)(void *)((char *)(base) + (off)))
#define CAT(base, off, T) ((const T *)(const void *)((const char *)(base) + (off)))

const struct p9__msg *p9__msg_get(enum p9_dialect d, uint8_t type)
{
	const struct p9__msg *m = &p9__msgs[type];
	if (!p9__dialect_valid(d) || !m->name || !(m->dialects & (1u << d)))
		return NULL;
	return m;
}

const char *p9_msg_name(uint8_t type)
{
	if (p9__msgs[type].name)
		return p9__msgs[type].name;
	/* 9P numbers requests even and replies odd */
	return (type & 1) ? "R?" : "T?";
}

int p9_msg_known(enum p9_dialect d, uint8_t type)
{
	return p9__msg_get(d, type) != NULL;
}

void p9__get_stat(struct p9__rd *r, struct p9_stat *st, enum p9_dialect d)
{
	uint16_t size = p9__rd_u16(r);
	struct p9__rd sub = p9__rd_sub(r, size);
	p9__get_fields(&sub, st, p9__stat_fields, p9__stat_nfields, d);
	p9__rd_sub_end(r, &sub);
}

void p9__put_stat(struct p9__wr *w, const struct p9_stat *st, enum p9_dialect d)
{
	size_t at = p9__wr_len16_begin(w);
	p9__put_fields(w, st, p9__stat_fields, p9__stat_nfields, d);
	p9__wr_len16_end(w, at);
}

static void get_field(struct p9__rd *r, void *base, const struct p9__field *f, enum p9_dialect d)
{
	switch (f->kind) {
	case P9__K_U8:
		*AT(base, f->off, uint8_t) = p9__rd_u8(r);
		break;
	case P9__K_U16:
		*AT(base, f->off, uint16_t) = p9__rd_u16(r);
		break;
	case P9__K_U32:
		*AT(base, f->off, uint32_t) = p9__rd_u32(r);
		break;
	case P9__K_U64:
		*AT(base, f->off, uint64_t) = p9__rd_u64(r);
		break;
	case P9__K_STR:
		*AT(base, f->off, struct p9_str) = p9__rd_str(r);
		break;
	case P9__K_QID:
		*AT(base, f->off, struct p9_qid) = p9__rd_qid(r);
		break;
	case P9__K_DATA: {
		uint32_t count = p9__rd_u32(r);
		const uint8_t *data = p9__rd_take(r, count);
		*AT(base, f->off, uint32_t) = data ? count : 0;
		*AT(base, f->aux, const uint8_t *) = data;
		break;
	}
	case P9__K_WNAMES: {
		uint16_t n = p9__rd_u16(r);
		struct p9_str *a = AT(base, f->aux, struct p9_str);
		if (n > P9_MAXWELEM) {
			r->bad = true; /* the array has 16 slots: no partial walks */
			break;
		}
		*AT(base, f->off, uint16_t) = n;
		for (uint16_t i = 0; i < n; i++)
			a[i] = p9__rd_str(r);
		break;
	}
	case P9__K_WQIDS: {
		uint16_t n = p9__rd_u16(r);
		struct p9_qid *a = AT(base, f->aux, struct p9_qid);
		if (n > P9_MAXWELEM) {
			r->bad = true;
			break;
		}
		*AT(base, f->off, uint16_t) = n;
		for (uint16_t i = 0; i < n; i++)
			a[i] = p9__rd_qid(r);
		break;
	}
	case P9__K_STAT:
		p9__get_stat(r, AT(base, f->off, struct p9_stat), d);
		break;
	case P9__K_STATN: {
		/* Rstat/Twstat: n[2] around a stat that has its own size[2];
		 * both must agree with the bytes present. */
		uint16_t n = p9__rd_u16(r);
		struct p9__rd sub = p9__rd_sub(r, n);
		p9__get_stat(&sub, AT(base, f->off, struct p9_stat), d);
		p9__rd_sub_end(r, &sub);
		break;
	}
	default:
		r->bad = true; /* a table bug must not pass for a valid message */
		break;
	}
}

void p9__get_fields(struct p9__rd *r, void *base, const struct p9__field *f, size_t n,
                    enum p9_dialect d)
{
	for (size_t i = 0; i < n && !r->bad; i++) {
		if (p9__cond_present(f[i].cond, d))
			get_field(r, base, &f[i], d);
		else if (f[i].cond == P9__C_EXT_ID)
			*AT(base, f[i].off, uint32_t) = 0xFFFFFFFFu;
		/* other absent fields keep the zero the caller cleared */
	}
}

static void put_field(struct p9__wr *w, const void *base, const struct p9__field *f,
                      enum p9_dialect d)
{
	switch (f->kind) {
	case P9__K_U8:
		p9__wr_u8(w, *CAT(base, f->off, uint8_t));
		break;
	case P9__K_U16:
		p9__wr_u16(w, *CAT(base, f->off, uint16_t));
		break;
	case P9__K_U32:
		p9__wr_u32(w, *CAT(base, f->off, uint32_t));
		break;
	case P9__K_U64:
		p9__wr_u64(w, *CAT(base, f->off, uint64_t));
		break;
	case P9__K_STR:
		p9__wr_str(w, *CAT(base, f->off, struct p9_str));
		break;
	case P9__K_QID:
		p9__wr_qid(w, CAT(base, f->off, struct p9_qid));
		break;
	case P9__K_DATA: {
		uint32_t count = *CAT(base, f->off, uint32_t);
		p9__wr_u32(w, count);
		p9__wr_bytes(w, *CAT(base, f->aux, uint8_t *), count);
		break;
	}
	case P9__K_WNAMES: {
		uint16_t n = *CAT(base, f->off, uint16_t);
		const struct p9_str *a = CAT(base, f->aux, struct p9_str);
		if (n > P9_MAXWELEM) {
			w->bad = true;
			break;
		}
		p9__wr_u16(w, n);
		for (uint16_t i = 0; i < n; i++)
			p9__wr_str(w, a[i]);
		break;
	}
	case P9__K_WQIDS: {
		uint16_t n = *CAT(base, f->off, uint16_t);
		const struct p9_qid *a = CAT(base, f->aux, struct p9_qid);
		if (n > P9_MAXWELEM) {
			w->bad = true;
			break;
		}
		p9__wr_u16(w, n);
		for (uint16_t i = 0; i < n; i++)
			p9__wr_qid(w, &a[i]);
		break;
	}
	case P9__K_STAT:
		p9__put_stat(w, CAT(base, f->off, struct p9_stat), d);
		break;
	case P9__K_STATN: {
		size_t at = p9__wr_len16_begin(w);
		p9__put_stat(w, CAT(base, f->off, struct p9_stat), d);
		p9__wr_len16_end(w, at);
		break;
	}
	default:
		w->bad = true;
		break;
	}
}

void p9__put_fields(struct p9__wr *w, const void *base, const struct p9__field *f, size_t n,
                    enum p9_dialect d)
{
	for (size_t i = 0; i < n && !w->bad; i++)
		if (p9__cond_present(f[i].cond, d))
			put_field(w, base, &f[i], d);
}

int p9_unpack(const uint8_t *buf, size_t len, enum p9_dialect d, struct p9_fcall *fc)
{
	if (!fc)
		return -EPROTO;
	/* Cleared first: absent fields read as their defaults, and nothing
	 * of an earlier message survives in a rejected one. */
	memset(fc, 0, sizeof(*fc));
	if (!buf || len < P9_HDRSZ || p9_get_u32(buf) != len)
		return -EPROTO;
	const struct p9__msg *m = p9__msg_get(d, buf[4]);
	if (!m)
		return -EPROTO;

	struct p9__rd r = p9__rd_init(buf, len);
	r.pos = P9_HDRSZ;
	fc->type = buf[4];
	fc->tag = p9_get_u16(buf + 5);
	p9__get_fields(&r, fc, m->fields, m->nfields, d);
	if (r.bad || r.pos != len) {
		memset(fc, 0, sizeof(*fc));
		return -EPROTO;
	}
	return 0;
}

/* Encode into w (a real buffer or a measuring one); 0 on failure. */
static size_t encode(struct p9__wr *w, enum p9_dialect d, const struct p9_fcall *fc)
{
	const struct p9__msg *m = fc ? p9__msg_get(d, fc->type) : NULL;
	if (!m)
		return 0;
	/* Header last-written but first-placed: its size is known only at
	 * the end, and data already in place after it must not be moved. */
	uint8_t *h = p9__wr_room(w, P9_HDRSZ);
	p9__put_fields(w, fc, m->fields, m->nfields, d);
	if (w->bad || (uint64_t)w->pos > UINT32_MAX)
		return 0;
	if (h) {
		p9_put_u32(h, (uint32_t)w->pos);
		h[4] = fc->type;
		p9_put_u16(h + 5, fc->tag);
	}
	return w->pos;
}

size_t p9_pack(uint8_t *buf, size_t cap, enum p9_dialect d, const struct p9_fcall *fc)
{
	if (!buf)
		return 0;
	struct p9__wr w = p9__wr_init(buf, cap);
	return encode(&w, d, fc);
}

size_t p9_packed_size(enum p9_dialect d, const struct p9_fcall *fc)
{
	struct p9__wr w = p9__wr_init(NULL, SIZE_MAX);
	return encode(&w, d, fc);
}
