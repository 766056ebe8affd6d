/*
 * helpers.c: the golden-vector harness and view assertions (helpers.h).
 * Failures are reported at the caller's file and line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static const char *dialect_tag(unsigned mask)
{
	switch (mask) {
	case DALL:
		return "all";
	case DUL:
		return "uL";
	case D2000:
		return "2000";
	case D2000U:
		return "u";
	case D2000L:
		return "L";
	default:
		return "mixed";
	}
}

/* Save a golden vector as a fuzzing seed (see tests/fuzz/run-fuzz). */
static void save_seed(unsigned mask, const uint8_t *wire, size_t len)
{
	const char *dir = getenv("P9_CORPUS_DIR");
	if (!dir || !*dir)
		return;
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.%s.%zu", dir, p9_msg_name(wire[4]), dialect_tag(mask),
	         len);
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(wire, 1, len, f);
	fclose(f);
}

void golden_at(const char *file, int line, unsigned mask, const struct p9_fcall *fc,
               const uint8_t *wire, size_t len, struct p9_fcall *out)
{
	uint8_t buf[512];
	_assert_true(len >= 7 && len <= sizeof(buf), "vector length", file, line);
	/* the vector itself must be self-consistent before the code is asked */
	_assert_int_equal(p9_get_u32(wire), len, file, line);
	_assert_int_equal(wire[4], fc->type, file, line);

	for (unsigned d = 0; d < 3; d++) {
		if (!(mask & (1u << d))) {
			if (fc->type >= 6 && fc->type <= 77) {
				/* .L-only: neither side may use it here */
				struct p9_fcall tmp;
				_assert_int_equal(p9_unpack(wire, len, d, &tmp), -EPROTO, file,
				                  line);
				_assert_int_equal(p9_pack(buf, sizeof(buf), d, fc), 0, file, line);
				_assert_int_equal(p9_packed_size(d, fc), 0, file, line);
			}
			continue;
		}
		memset(buf, 0xEE, sizeof(buf));
		_assert_int_equal(p9_packed_size(d, fc), len, file, line);
		_assert_int_equal(p9_pack(buf, len, d, fc), len, file, line);
		_assert_memory_equal(buf, wire, len, file, line);
		_assert_int_equal(p9_pack(buf, len - 1, d, fc), 0, file, line);

		_assert_int_equal(p9_unpack(wire, len, d, out), 0, file, line);
		_assert_int_equal(out->type, fc->type, file, line);
		_assert_int_equal(out->tag, fc->tag, file, line);

		/* round trip: the decode encodes back to the same bytes */
		memset(buf, 0xEE, sizeof(buf));
		_assert_int_equal(p9_pack(buf, sizeof(buf), d, out), len, file, line);
		_assert_memory_equal(buf, wire, len, file, line);
	}
	save_seed(mask, wire, len);
}

void assert_view_at(const char *file, int line, struct p9_str s, const char *want,
                    const uint8_t *wire, size_t len)
{
	size_t n = strlen(want);
	_assert_int_equal(s.len, n, file, line);
	if (n == 0)
		return;
	_assert_memory_equal(s.s, want, n, file, line);
	/* a view into the received bytes, not a copy */
	_assert_true((const uint8_t *)s.s >= wire && (const uint8_t *)s.s + n <= wire + len,
	             "string is a view into the wire buffer", file, line);
}

void assert_qid_at(const char *file, int line, struct p9_qid q, uint8_t type, uint32_t version,
                   uint64_t path)
{
	_assert_int_equal(q.type, type, file, line);
	_assert_int_equal(q.version, version, file, line);
	_assert_int_equal(q.path, path, file, line);
}

void assert_rejected_at(const char *file, int line, const uint8_t *buf, size_t len,
                        enum p9_dialect d)
{
	struct p9_fcall fc;
	memset(&fc, 0x5A, sizeof(fc));
	_assert_int_equal(p9_unpack(buf, len, d, &fc), -EPROTO, file, line);
	/* rejected as a whole: nothing half-read is left behind */
	struct p9_fcall zero;
	memset(&zero, 0, sizeof(zero));
	_assert_memory_equal(&fc, &zero, sizeof(fc), file, line);
}
