/*
 * fuzz_decode.c: libFuzzer target for the wire codec.
 *
 * The input is one would-be message. In each dialect it must either be
 * refused or decode to something that encodes back to exactly the same
 * bytes (the encoding is canonical: every length is checked, nothing is
 * skipped), decodes again to an equal message, and formats without
 * overrunning. The input and every decoded data payload are also walked
 * as Rreaddir entries and as stat records, with the same round trip for
 * each record. Any disagreement aborts, which libFuzzer reports as a
 * crash; ASan/UBSan catch the rest.
 *
 * Built by tests/fuzz/run-fuzz with clang's libFuzzer, and by meson with
 * replay.c as a plain program that replays the seed corpus.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "p9/proto.h"
#include "proto/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* A record re-encoded (packed) must be the n bytes it was decoded from. */
static void check_record_bytes(const uint8_t *orig, size_t n, const uint8_t *packed,
                               size_t packed_len)
{
	CHECK(packed_len == n);
	CHECK(memcmp(orig, packed, n) == 0);
}

static void walk_dirents(const uint8_t *data, size_t len)
{
	size_t pos = 0;
	struct p9_dirent de;
	int r;
	for (;;) {
		size_t start = pos;
		if ((r = p9_dirent_unpack(data, len, &pos, &de)) != 0)
			break;
		CHECK(pos - start == 24 + (size_t)de.name.len);
		static uint8_t buf[24 + 0xFFFF];
		size_t at = 0;
		CHECK(p9_dirent_pack(buf, sizeof(buf), &at, &de) == 0);
		check_record_bytes(data + start, pos - start, buf, at);
	}
	CHECK(r == 1 || r == -EPROTO);
}

static void walk_stats(const uint8_t *data, size_t len, enum p9_dialect d)
{
	size_t pos = 0;
	struct p9_stat st;
	int r;
	for (;;) {
		size_t start = pos;
		if ((r = p9_stat_unpack(data, len, &pos, d, &st)) != 0)
			break;
		CHECK(pos > start);
		static uint8_t buf[0x10000 + 2];
		size_t at = 0;
		CHECK(p9_stat_pack(buf, sizeof(buf), &at, d, &st) == 0);
		check_record_bytes(data + start, pos - start, buf, at);
	}
	CHECK(r == 1 || r == -EPROTO);
}

static void check_message(const uint8_t *data, size_t size, enum p9_dialect d)
{
	struct p9_fcall fc, again;
	if (p9_unpack(data, size, d, &fc) != 0)
		return;
	CHECK(p9_msg_known(d, fc.type));
	CHECK(p9_packed_size(d, &fc) == size);

	uint8_t *buf = malloc(size);
	CHECK(buf != NULL);
	/* one byte short first: a failed pack may leave partial bytes */
	CHECK(p9_pack(buf, size - 1, d, &fc) == 0);
	CHECK(p9_pack(buf, size, d, &fc) == size);
	CHECK(memcmp(buf, data, size) == 0);
	CHECK(p9_unpack(buf, size, d, &again) == 0);
	CHECK(p9__fcall_equal(&fc, &again));
	free(buf);

	char line[160];
	size_t n = p9_format(line, sizeof(line), &fc);
	CHECK(n < sizeof(line) && line[n] == '\0' && strlen(line) == n);

	if (fc.type == P9_RREAD || fc.type == P9_RREADDIR) {
		walk_dirents(fc.u.rread.data, fc.u.rread.count);
		walk_stats(fc.u.rread.data, fc.u.rread.count, d);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (unsigned d = 0; d < 3; d++)
		check_message(data, size, (enum p9_dialect)d);
	/* the raw input as a payload too: reaches the record decoders without
	 * having to build a valid message around them first */
	walk_dirents(data, size);
	for (unsigned d = 0; d < 3; d++)
		walk_stats(data, size, (enum p9_dialect)d);
	return 0;
}
