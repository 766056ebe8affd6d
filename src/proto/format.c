/*
 * format.c: p9_format, one line of human-readable trace per message,
 * driven by the message table: `Twalk tag 3 fid 1 newfid 2 nwname 2 "a" "b"`.
 *
 * Invariants:
 *  - The output is always NUL-terminated when cap > 0 and never longer
 *    than cap - 1; a line that does not fit is cut, never overrun.
 *  - Client-supplied bytes are never printed raw: strings are escaped
 *    (printable ASCII as is, '"' and '\' backslashed, everything else
 *    \xNN) and cut at STR_MAX bytes, marked by "..." after the quote, so
 *    a trace line cannot carry terminal escapes or newlines.
 *  - Fields of the .u extension are shown only when they carry a value
 *    (the trace does not know the dialect; absent ones hold defaults).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "p9/proto.h"
#include "proto/table.h"

#define STR_MAX 64 /* bytes of a string shown before cutting */

#define CAT(base, off, T) ((const T *)(const void *)((const char *)(base) + (off)))

struct line {
	char *p;
	size_t cap;
	size_t len; /* < cap whenever cap > 0 */
};

static void put(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct line *l, const char *fmt, ...)
{
	if (l->cap == 0 || l->len + 1 >= l->cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(l->p + l->len, l->cap - l->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	l->len += (size_t)n;
	if (l->len >= l->cap)
		l->len = l->cap - 1; /* vsnprintf cut it there */
}

static void put_str(struct line *l, struct p9_str s)
{
	size_t n = s.len < STR_MAX ? s.len : STR_MAX;
	if (!s.s)
		n = 0; /* a hand-built string with a length and no bytes */
	put(l, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s.s[i];
		if (c == '"' || c == '\\')
			put(l, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			put(l, "%c", c);
		else
			put(l, "\\x%02x", c);
	}
	put(l, s.len > n ? "\"..." : "\"");
}

static void put_qid(struct line *l, const struct p9_qid *q)
{
	put(l, "(type 0x%x ver %" PRIu32 " path 0x%" PRIx64 ")", q->type, q->version, q->path);
}

static void put_num(struct line *l, const struct p9__field *f, uint64_t v)
{
	switch (f->fmt) {
	case P9__FMT_HEX:
		put(l, " %s 0x%" PRIx64, f->name, v);
		break;
	case P9__FMT_OCT:
		put(l, " %s 0%" PRIo64, f->name, v);
		break;
	default:
		put(l, " %s %" PRIu64, f->name, v);
		break;
	}
}

static void put_fields(struct line *l, const void *base, const struct p9__field *f, size_t n);

/* An absent .u field holds its default: nothing worth a trace. */
static int ext_default(const void *base, const struct p9__field *f)
{
	if (f->cond == P9__C_EXT_ID)
		return *CAT(base, f->off, uint32_t) == 0xFFFFFFFFu;
	if (f->cond != P9__C_EXT)
		return 0;
	if (f->kind == P9__K_STR)
		return CAT(base, f->off, struct p9_str)->len == 0;
	return f->kind == P9__K_U32 && *CAT(base, f->off, uint32_t) == 0;
}

static void put_field(struct line *l, const void *base, const struct p9__field *f)
{
	if (ext_default(base, f))
		return;
	switch (f->kind) {
	case P9__K_U8:
		put_num(l, f, *CAT(base, f->off, uint8_t));
		break;
	case P9__K_U16:
		put_num(l, f, *CAT(base, f->off, uint16_t));
		break;
	case P9__K_U32:
		put_num(l, f, *CAT(base, f->off, uint32_t));
		break;
	case P9__K_U64:
		put_num(l, f, *CAT(base, f->off, uint64_t));
		break;
	case P9__K_STR:
		put(l, " %s ", f->name);
		put_str(l, *CAT(base, f->off, struct p9_str));
		break;
	case P9__K_QID:
		put(l, " %s ", f->name);
		put_qid(l, CAT(base, f->off, struct p9_qid));
		break;
	case P9__K_DATA:
		/* the bytes themselves are payload, not protocol */
		put(l, " count %" PRIu32, *CAT(base, f->off, uint32_t));
		break;
	case P9__K_WNAMES: {
		uint16_t n = *CAT(base, f->off, uint16_t);
		put(l, " %s %u", f->name, n);
		for (uint16_t i = 0; i < n && i < P9_MAXWELEM; i++) {
			put(l, " ");
			put_str(l, CAT(base, f->aux, struct p9_str)[i]);
		}
		break;
	}
	case P9__K_WQIDS: {
		uint16_t n = *CAT(base, f->off, uint16_t);
		put(l, " %s %u", f->name, n);
		for (uint16_t i = 0; i < n && i < P9_MAXWELEM; i++) {
			put(l, " ");
			put_qid(l, &CAT(base, f->aux, struct p9_qid)[i]);
		}
		break;
	}
	case P9__K_STAT:
	case P9__K_STATN:
		put(l, " %s {", f->name);
		put_fields(l, CAT(base, f->off, struct p9_stat), p9__stat_fields, p9__stat_nfields);
		put(l, " }");
		break;
	default:
		break;
	}
}

static void put_fields(struct line *l, const void *base, const struct p9__field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_field(l, base, &f[i]);
}

size_t p9_format(char *out, size_t cap, const struct p9_fcall *fc)
{
	struct line l = {out, cap, 0};
	if (!out)
		return 0;
	if (cap > 0)
		out[0] = '\0';
	if (!fc)
		return 0;
	const struct p9__msg *m = &p9__msgs[fc->type];
	put(&l, "%s", p9_msg_name(fc->type));
	if (!m->name)
		put(&l, " (type %u)", fc->type);
	put(&l, " tag %u", fc->tag);
	put_fields(&l, fc, m->fields, m->nfields);
	return l.len;
}
