/*
 * table.h: how the message table describes the wire, shared by the codec
 * engine (codec.c), the record helpers (records.c), the trace formatter
 * (format.c) and the comparison used by tests and the fuzzer (equal.c).
 *
 * Invariants:
 *  - Every message is described once, in messages.c, as an ordered list
 *    of fields; the order of the list is the order on the wire. Pack,
 *    unpack, packed size, name and trace format all walk the same list,
 *    so they cannot disagree about a layout.
 *  - A field's offset is checked against its C type when the table is
 *    compiled (see P9__OFFSET in messages.c), so a table entry cannot
 *    read a u32 into a u64 member.
 *  - A message with no name in the table is unknown; one whose dialect
 *    mask is 0 (Tlerror, Terror) has a name but is illegal on the wire.
 */
#ifndef P9_PROTO_TABLE_H
#define P9_PROTO_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "p9/proto.h"
#include "proto/cursor.h"

enum p9__kind {
	P9__K_U8,
	P9__K_U16,
	P9__K_U32,
	P9__K_U64,
	P9__K_STR,    /* struct p9_str: len[2] bytes */
	P9__K_QID,    /* struct p9_qid: type[1] version[4] path[8] */
	P9__K_DATA,   /* uint32_t count at off, const uint8_t *data at aux */
	P9__K_WNAMES, /* uint16_t n at off, struct p9_str[16] at aux */
	P9__K_WQIDS,  /* uint16_t n at off, struct p9_qid[16] at aux */
	P9__K_STAT,   /* struct p9_stat: size[2] record */
	P9__K_STATN,  /* struct p9_stat wrapped in an outer n[2] (Rstat, Twstat) */
};

/* When a field is on the wire. Absent fields decode to a fixed default. */
enum p9__cond {
	P9__C_ALL,    /* every dialect */
	P9__C_EXT,    /* .u and .L only; absent: 0 / empty string */
	P9__C_EXT_ID, /* .u and .L only; absent: ~0, "no numeric id" (never
	               * 0: a classic client must not decode as root) */
};

/* How the trace shows a number. */
enum p9__fmt {
	P9__FMT_DEC,
	P9__FMT_HEX, /* bit masks, DM* permissions */
	P9__FMT_OCT, /* Linux modes */
};

struct p9__field {
	uint8_t kind;     /* enum p9__kind */
	uint8_t cond;     /* enum p9__cond */
	uint8_t fmt;      /* enum p9__fmt */
	uint16_t off;     /* into the record (struct p9_fcall, p9_stat, p9_dirent) */
	uint16_t aux;     /* second member of DATA/WNAMES/WQIDS */
	const char *name; /* for the trace */
};

/* Bit (1 << dialect) set: the dialect has the message. */
#define P9__D_2000 (1u << P9_DIALECT_2000)
#define P9__D_2000U (1u << P9_DIALECT_2000U)
#define P9__D_2000L (1u << P9_DIALECT_2000L)
#define P9__D_ALL (P9__D_2000 | P9__D_2000U | P9__D_2000L)

struct p9__msg {
	const char *name; /* NULL: no such message */
	uint8_t dialects; /* P9__D_* mask; 0: illegal everywhere */
	uint8_t nfields;
	const struct p9__field *fields;
};

/* Indexed by message type. */
extern const struct p9__msg p9__msgs[256];
/* The 9P2000(.u) stat record body after its size[2], over struct p9_stat. */
extern const struct p9__field p9__stat_fields[];
extern const size_t p9__stat_nfields;
/* One Rreaddir entry, over struct p9_dirent. */
extern const struct p9__field p9__dirent_fields[];
extern const size_t p9__dirent_nfields;

/* Does dialect d carry a field with this condition? */
static inline int p9__cond_present(unsigned cond, enum p9_dialect d)
{
	return cond == P9__C_ALL || d != P9_DIALECT_2000;
}

static inline int p9__dialect_valid(enum p9_dialect d)
{
	return d == P9_DIALECT_2000 || d == P9_DIALECT_2000U || d == P9_DIALECT_2000L;
}

/* The table entry for type in dialect d, or NULL if d does not have it. */
const struct p9__msg *p9__msg_get(enum p9_dialect d, uint8_t type);

/* Decode / encode fields into / from the record at base (codec.c). */
void p9__get_fields(struct p9__rd *r, void *base, const struct p9__field *f, size_t n,
                    enum p9_dialect d);
void p9__put_fields(struct p9__wr *w, const void *base, const struct p9__field *f, size_t n,
                    enum p9_dialect d);

/* A stat record with its own size[2] prefix (codec.c). */
void p9__get_stat(struct p9__rd *r, struct p9_stat *st, enum p9_dialect d);
void p9__put_stat(struct p9__wr *w, const struct p9_stat *st, enum p9_dialect d);

/*
 * Field-by-field equality of two decoded messages as the table sees them
 * (strings and data compared by content, not by address). For tests and
 * the fuzzer's round-trip check (equal.c). Returns 1 when equal.
 */
int p9__fcall_equal(const struct p9_fcall *a, const struct p9_fcall *b);
int p9__stat_equal(const struct p9_stat *a, const struct p9_stat *b);

#endif
