/*
 * cursor.h: bounded little-endian readers and writers for the codec.
 *
 * Invariants:
 *  - A cursor never touches a byte outside [0, len) (reader) or
 *    [0, cap) (writer): every step checks the room left first.
 *  - Overflow latches: once `bad` is set, every further step is a no-op
 *    that yields zeroes, so a caller decodes or encodes a whole record and
 *    checks `bad` once at the end instead of after every field.
 *  - A reader never allocates; strings and data it yields point into the
 *    buffer it reads.
 *  - A writer whose buffer is NULL measures: it advances `pos` exactly as a
 *    real write would, so one encoder serves both p9_pack and
 *    p9_packed_size and the two cannot disagree.
 */
#ifndef P9_PROTO_CURSOR_H
#define P9_PROTO_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "p9/proto.h"

struct p9__rd {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	bool bad;
};

struct p9__wr {
	uint8_t *buf; /* NULL: measure only */
	size_t cap;
	size_t pos;
	bool bad;
};

static inline struct p9__rd p9__rd_init(const uint8_t *buf, size_t len)
{
	struct p9__rd r = {buf, len, 0, false};
	return r;
}

/* The next n bytes, or NULL (and the latch set) when fewer remain. */
static inline const uint8_t *p9__rd_take(struct p9__rd *r, size_t n)
{
	if (r->bad || n > r->len - r->pos) {
		r->bad = true;
		return NULL;
	}
	const uint8_t *p = r->buf + r->pos;
	r->pos += n;
	return p;
}

static inline uint8_t p9__rd_u8(struct p9__rd *r)
{
	const uint8_t *p = p9__rd_take(r, 1);
	return p ? p[0] : 0;
}

static inline uint16_t p9__rd_u16(struct p9__rd *r)
{
	const uint8_t *p = p9__rd_take(r, 2);
	return p ? p9_get_u16(p) : 0;
}

static inline uint32_t p9__rd_u32(struct p9__rd *r)
{
	const uint8_t *p = p9__rd_take(r, 4);
	return p ? p9_get_u32(p) : 0;
}

static inline uint64_t p9__rd_u64(struct p9__rd *r)
{
	const uint8_t *p = p9__rd_take(r, 8);
	return p ? (uint64_t)p9_get_u32(p) | (uint64_t)p9_get_u32(p + 4) << 32 : 0;
}

/* A string view; on overflow an empty string with a NULL pointer, so a
 * half-read string can never be mistaken for a real one. */
static inline struct p9_str p9__rd_str(struct p9__rd *r)
{
	struct p9_str s = {NULL, 0};
	uint16_t n = p9__rd_u16(r);
	const uint8_t *p = p9__rd_take(r, n);
	if (p) {
		s.s = (const char *)p;
		s.len = n;
	}
	return s;
}

static inline struct p9_qid p9__rd_qid(struct p9__rd *r)
{
	struct p9_qid q;
	q.type = p9__rd_u8(r);
	q.version = p9__rd_u32(r);
	q.path = p9__rd_u64(r);
	return q;
}

/*
 * A reader over the next n bytes of r, which r skips. The parent keeps its
 * own latch: a sub-reader that fails or stops short must be reported back
 * by the caller (see p9__rd_sub_end).
 */
static inline struct p9__rd p9__rd_sub(struct p9__rd *r, size_t n)
{
	const uint8_t *p = p9__rd_take(r, n);
	struct p9__rd s = {p, p ? n : 0, 0, p == NULL};
	return s;
}

/* A sub-record must be consumed exactly: short or long taints the parent. */
static inline void p9__rd_sub_end(struct p9__rd *r, const struct p9__rd *s)
{
	if (s->bad || s->pos != s->len)
		r->bad = true;
}

static inline struct p9__wr p9__wr_init(uint8_t *buf, size_t cap)
{
	struct p9__wr w = {buf, cap, 0, false};
	return w;
}

/* Room for the next n bytes: where to write them, or NULL when measuring
 * or when they do not fit (then the latch is set). */
static inline uint8_t *p9__wr_room(struct p9__wr *w, size_t n)
{
	if (w->bad || n > w->cap - w->pos) {
		w->bad = true;
		return NULL;
	}
	uint8_t *p = w->buf ? w->buf + w->pos : NULL;
	w->pos += n;
	return p;
}

static inline void p9__wr_u8(struct p9__wr *w, uint8_t v)
{
	uint8_t *p = p9__wr_room(w, 1);
	if (p)
		p[0] = v;
}

static inline void p9__wr_u16(struct p9__wr *w, uint16_t v)
{
	uint8_t *p = p9__wr_room(w, 2);
	if (p)
		p9_put_u16(p, v);
}

static inline void p9__wr_u32(struct p9__wr *w, uint32_t v)
{
	uint8_t *p = p9__wr_room(w, 4);
	if (p)
		p9_put_u32(p, v);
}

static inline void p9__wr_u64(struct p9__wr *w, uint64_t v)
{
	uint8_t *p = p9__wr_room(w, 8);
	if (p) {
		p9_put_u32(p, (uint32_t)v);
		p9_put_u32(p + 4, (uint32_t)(v >> 32));
	}
}

/*
 * n raw bytes from src. Bytes already at their final place (src == the
 * destination: a reply the backend read straight into the send buffer)
 * are not copied; any other overlap is handled by memmove.
 */
static inline void p9__wr_bytes(struct p9__wr *w, const void *src, size_t n)
{
	if (n > 0 && src == NULL) {
		w->bad = true; /* a length without bytes: refuse, do not invent */
		return;
	}
	uint8_t *p = p9__wr_room(w, n);
	if (p && n > 0 && p != src) /* n == 0 may come with src == NULL */
		memmove(p, src, n);
}

static inline void p9__wr_str(struct p9__wr *w, struct p9_str s)
{
	p9__wr_u16(w, s.len);
	p9__wr_bytes(w, s.s, s.len);
}

static inline void p9__wr_qid(struct p9__wr *w, const struct p9_qid *q)
{
	p9__wr_u8(w, q->type);
	p9__wr_u32(w, q->version);
	p9__wr_u64(w, q->path);
}

/* Start a u16 length prefix whose value is known only after the body. */
static inline size_t p9__wr_len16_begin(struct p9__wr *w)
{
	size_t at = w->pos;
	p9__wr_u16(w, 0);
	return at;
}

/* Patch the prefix begun at `at` with the body's length; a body longer
 * than 65535 bytes cannot be described and fails the whole write. */
static inline void p9__wr_len16_end(struct p9__wr *w, size_t at)
{
	if (w->bad)
		return;
	size_t n = w->pos - at - 2;
	if (n > 0xFFFF) {
		w->bad = true;
		return;
	}
	if (w->buf)
		p9_put_u16(w->buf + at, (uint16_t)n);
}

#endif
