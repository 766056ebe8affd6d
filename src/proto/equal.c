/*
 * equal.c: field-by-field equality of decoded messages, driven by the
 * table. Used by the unit tests and the fuzzer to check that
 * unpack(pack(m)) is m; not used on the server's path.
 *
 * Invariants:
 *  - Only the fields the table names are compared (padding and unused
 *    union bytes are not), and every field of the message is compared,
 *    present in the dialect or not (absent fields hold fixed defaults).
 *  - Strings and data compare by content: two decodes of the same bytes
 *    from different buffers are equal.
 */
#include <string.h>

#include "p9/proto.h"
#include "proto/table.h"

#define CAT(base, off, T) ((const T *)(const void *)((const char *)(base) + (off)))

static int str_eq(struct p9_str a, struct p9_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.s, b.s, a.len) == 0);
}

static int qid_eq(const struct p9_qid *a, const struct p9_qid *b)
{
	return a->type == b->type && a->version == b->version && a->path == b->path;
}

static int fields_eq(const void *a, const void *b, const struct p9__field *f, size_t n);

static int field_eq(const void *a, const void *b, const struct p9__field *f)
{
	switch (f->kind) {
	case P9__K_U8:
		return *CAT(a, f->off, uint8_t) == *CAT(b, f->off, uint8_t);
	case P9__K_U16:
		return *CAT(a, f->off, uint16_t) == *CAT(b, f->off, uint16_t);
	case P9__K_U32:
		return *CAT(a, f->off, uint32_t) == *CAT(b, f->off, uint32_t);
	case P9__K_U64:
		return *CAT(a, f->off, uint64_t) == *CAT(b, f->off, uint64_t);
	case P9__K_STR:
		return str_eq(*CAT(a, f->off, struct p9_str), *CAT(b, f->off, struct p9_str));
	case P9__K_QID:
		return qid_eq(CAT(a, f->off, struct p9_qid), CAT(b, f->off, struct p9_qid));
	case P9__K_DATA: {
		uint32_t n = *CAT(a, f->off, uint32_t);
		const uint8_t *da = *CAT(a, f->aux, uint8_t *);
		const uint8_t *db = *CAT(b, f->aux, uint8_t *);
		return n == *CAT(b, f->off, uint32_t) && (n == 0 || memcmp(da, db, n) == 0);
	}
	case P9__K_WNAMES: {
		uint16_t n = *CAT(a, f->off, uint16_t);
		if (n != *CAT(b, f->off, uint16_t) || n > P9_MAXWELEM)
			return 0;
		for (uint16_t i = 0; i < n; i++)
			if (!str_eq(CAT(a, f->aux, struct p9_str)[i],
			            CAT(b, f->aux, struct p9_str)[i]))
				return 0;
		return 1;
	}
	case P9__K_WQIDS: {
		uint16_t n = *CAT(a, f->off, uint16_t);
		if (n != *CAT(b, f->off, uint16_t) || n > P9_MAXWELEM)
			return 0;
		for (uint16_t i = 0; i < n; i++)
			if (!qid_eq(&CAT(a, f->aux, struct p9_qid)[i],
			            &CAT(b, f->aux, struct p9_qid)[i]))
				return 0;
		return 1;
	}
	case P9__K_STAT:
	case P9__K_STATN:
		return fields_eq(CAT(a, f->off, struct p9_stat), CAT(b, f->off, struct p9_stat),
		                 p9__stat_fields, p9__stat_nfields);
	default:
		return 0;
	}
}

static int fields_eq(const void *a, const void *b, const struct p9__field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!field_eq(a, b, &f[i]))
			return 0;
	return 1;
}

int p9__fcall_equal(const struct p9_fcall *a, const struct p9_fcall *b)
{
	if (a->type != b->type || a->tag != b->tag)
		return 0;
	const struct p9__msg *m = &p9__msgs[a->type];
	return fields_eq(a, b, m->fields, m->nfields);
}

int p9__stat_equal(const struct p9_stat *a, const struct p9_stat *b)
{
	return fields_eq(a, b, p9__stat_fields, p9__stat_nfields);
}
