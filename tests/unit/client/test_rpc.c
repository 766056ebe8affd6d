/*
 * test_rpc.c: the client's message level: version negotiation, tags and
 * reply dispatch, raw bytes, transport failures.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake.h"

/* Negotiate msize (the server agrees to it) on a fresh fake. */
static void script_version(struct fake *f, uint32_t msize)
{
	fake_recv(f, m_tversion(msize, "9P2000.L"));
	fake_send(f, m_rversion(msize, "9P2000.L"));
}

static struct msg *m_tclunk(uint16_t tag, uint32_t fid)
{
	struct msg *m = m_new(P9_TCLUNK, tag);
	m_u32(m, fid);
	return m_end(m);
}

/* ---- version ---- */

static void version_picks_smaller_server_msize(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tversion(65536, "9P2000.L"));
	fake_send(&f, m_rversion(8192, "9P2000.L"));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_version(c, 65536, "9P2000.L"), 0);
	assert_int_equal(p9_client_msize(c), 8192);
	assert_int_equal(p9_client_dialect(c), P9_DIALECT_2000L);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

static void version_keeps_own_msize_when_server_offers_more(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tversion(16384, "9P2000.L"));
	fake_send(&f, m_rversion(1u << 20, "9P2000.L"));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_version(c, 16384, "9P2000.L"), 0);
	assert_int_equal(p9_client_msize(c), 16384);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

static void version_unknown_is_refused(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tversion(8192, "9P2000.L"));
	fake_send(&f, m_rversion(8192, "unknown"));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_version(c, 8192, "9P2000.L"), -EPROTONOSUPPORT);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

static void version_other_dialect_is_refused(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tversion(8192, "9P2000.L"));
	fake_send(&f, m_rversion(8192, "9P2000.u"));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_version(c, 8192, "9P2000.L"), -EPROTONOSUPPORT);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

static void version_older_prefix_dialect_is_accepted(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tversion(8192, "9P2000.L"));
	fake_send(&f, m_rversion(8192, "9P2000"));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_version(c, 8192, "9P2000.L"), 0);
	assert_int_equal(p9_client_dialect(c), P9_DIALECT_2000);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

static void version_tiny_msize_is_refused(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tversion(8192, "9P2000.L"));
	fake_send(&f, m_rversion(24, "9P2000.L"));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_version(c, 8192, "9P2000.L"), -EPROTO);
	assert_int_equal(p9_client_msize(c), 8192);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

/* ---- tags ---- */

static void replies_out_of_order_reach_their_tags(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tclunk(0, 11));
	struct msg *t = m_new(P9_TFSYNC, 1);
	m_u32(t, 12);
	m_u32(t, 1);
	fake_recv(&f, m_end(t));
	fake_send(&f, m_empty(P9_RFSYNC, 1));
	fake_send(&f, m_empty(P9_RCLUNK, 0));
	struct p9_client *c = fake_start(&f);

	struct p9_fcall tx, rx;
	uint16_t t0, t1;
	uint64_t s0, s1;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TCLUNK;
	tx.u.tclunk.fid = 11;
	assert_int_equal(p9_client_send(c, &tx, &t0), 0);
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TFSYNC;
	tx.u.tfsync.fid = 12;
	tx.u.tfsync.datasync = 1;
	assert_int_equal(p9_client_send(c, &tx, &t1), 0);
	assert_int_equal(t0, 0);
	assert_int_equal(t1, 1);
	/* Wait for the one answered last first: the other must be kept. */
	assert_int_equal(p9_client_wait_timed(c, t0, &rx, -1, &s0), 0);
	assert_int_equal(rx.type, P9_RCLUNK);
	assert_int_equal(rx.tag, 0);
	assert_int_equal(p9_client_wait_timed(c, t1, &rx, -1, &s1), 0);
	assert_int_equal(rx.type, P9_RFSYNC);
	assert_int_equal(rx.tag, 1);
	assert_true(s1 < s0);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

/* Reads N Tread requests, then answers them in reverse order with the
 * requested fid number as the data, so each thread can tell its reply. */
#define NTHREADS 6

static void answer_reversed(struct fake *f)
{
	struct msg *req[NTHREADS];
	for (int i = 0; i < NTHREADS; i++) {
		req[i] = fake_read_msg(f);
		if (!req[i])
			return;
	}
	for (int i = NTHREADS - 1; i >= 0; i--) {
		uint16_t tag = (uint16_t)(req[i]->b[5] | req[i]->b[6] << 8);
		uint32_t fid = (uint32_t)req[i]->b[7] | (uint32_t)req[i]->b[8] << 8;
		struct msg *m = m_new(P9_RREAD, tag);
		m_u32(m, 4);
		m_u32(m, fid);
		fake_write_msg(f, m_end(m));
		m_free(m);
	}
}

struct reader {
	struct p9_client *c;
	uint32_t fid;
	ssize_t n;
	uint32_t got;
};

static void *read_thread(void *arg)
{
	struct reader *r = arg;
	uint8_t b[4] = {0};
	r->n = p9_client_read(r->c, r->fid, 0, b, 4);
	r->got = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return NULL;
}

static void concurrent_rpcs_get_their_own_replies(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_call(&f, answer_reversed);
	struct p9_client *c = fake_start(&f);
	pthread_t th[NTHREADS];
	struct reader rd[NTHREADS];
	for (int i = 0; i < NTHREADS; i++) {
		rd[i].c = c;
		rd[i].fid = 100 + (uint32_t)i;
		rd[i].n = -1;
		assert_int_equal(pthread_create(&th[i], NULL, read_thread, &rd[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(rd[i].n, 4);
		assert_int_equal(rd[i].got, rd[i].fid);
	}
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

static void rlerror_is_a_reply_at_the_raw_level(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tclunk(0, 3));
	fake_send(&f, m_rlerror(0, EBADF));
	struct p9_client *c = fake_start(&f);
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TCLUNK;
	tx.u.tclunk.fid = 3;
	assert_int_equal(p9_client_rpc(c, &tx, &rx), 0);
	assert_int_equal(rx.type, P9_RLERROR);
	assert_int_equal(rx.u.rlerror.ecode, EBADF);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

/* A Tflush for a pending request: the test can see that the flushed
 * request's reply came before the Rflush. */
static void flush_reply_order_is_visible(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	struct msg *t = m_new(P9_TLOCK, 0);
	m_u32(t, 4);
	m_u8(t, P9_LOCK_TYPE_WRLCK);
	m_u32(t, P9_LOCK_FLAGS_BLOCK);
	m_u64(t, 0);
	m_u64(t, 0);
	m_u32(t, 77);
	m_str(t, "host");
	fake_recv(&f, m_end(t));
	t = m_new(P9_TFLUSH, 1);
	m_u16(t, 0);
	fake_recv(&f, m_end(t));
	fake_send(&f, m_rlerror(0, EINTR));
	fake_send(&f, m_empty(P9_RFLUSH, 1));
	struct p9_client *c = fake_start(&f);

	struct p9_fcall tx, rx;
	uint16_t tl, tf;
	uint64_t sl, sf;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TLOCK;
	tx.u.tlock.fid = 4;
	tx.u.tlock.type = P9_LOCK_TYPE_WRLCK;
	tx.u.tlock.flags = P9_LOCK_FLAGS_BLOCK;
	tx.u.tlock.proc_id = 77;
	tx.u.tlock.client_id = p9_str_c("host");
	assert_int_equal(p9_client_send(c, &tx, &tl), 0);
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TFLUSH;
	tx.u.tflush.oldtag = tl;
	assert_int_equal(p9_client_send(c, &tx, &tf), 0);
	assert_int_equal(p9_client_wait_timed(c, tf, &rx, 5000, &sf), 0);
	assert_int_equal(rx.type, P9_RFLUSH);
	assert_int_equal(p9_client_wait_timed(c, tl, &rx, 5000, &sl), 0);
	assert_int_equal(rx.type, P9_RLERROR);
	assert_int_equal(rx.u.rlerror.ecode, EINTR);
	assert_true(sl < sf);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

static void wait_times_out_and_tag_stays_in_flight(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tclunk(0, 9));
	struct p9_client *c = fake_start(&f);
	struct p9_fcall tx, rx;
	uint16_t tag;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TCLUNK;
	tx.u.tclunk.fid = 9;
	assert_int_equal(p9_client_send(c, &tx, &tag), 0);
	assert_int_equal(p9_client_wait_timed(c, tag, &rx, 50, NULL), -ETIMEDOUT);
	fake_join(&f);
	/* The reply comes late; the tag still finds it. */
	struct msg *r = m_empty(P9_RCLUNK, 0);
	fake_write_msg(&f, r);
	m_free(r);
	assert_int_equal(p9_client_wait_timed(c, tag, &rx, 5000, NULL), 0);
	assert_int_equal(rx.type, P9_RCLUNK);
	/* and the tag is free again */
	assert_int_equal(p9_client_wait(c, tag, &rx), -EINVAL);
	p9_client_free(c);
	fake_check(&f);
	fake_free(&f);
}

static void forgotten_tag_reply_is_dropped(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tclunk(0, 9));
	fake_recv(&f, m_tclunk(1, 10));
	fake_send(&f, m_empty(P9_RCLUNK, 1)); /* for the forgotten tag */
	fake_send(&f, m_rlerror(0, EBADF));
	struct p9_client *c = fake_start(&f);
	struct p9_fcall tx, rx;
	uint16_t t0, t1;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TCLUNK;
	tx.u.tclunk.fid = 9;
	assert_int_equal(p9_client_send(c, &tx, &t0), 0);
	tx.u.tclunk.fid = 10;
	assert_int_equal(p9_client_send(c, &tx, &t1), 0);
	p9_client_forget(c, t1);
	uint64_t seq;
	assert_int_equal(p9_client_wait_timed(c, t0, &rx, 5000, &seq), 0);
	assert_int_equal(rx.type, P9_RLERROR);
	assert_int_equal(seq, 1); /* the dropped reply was not counted */
	assert_int_equal(p9_client_wait(c, t1, &rx), -EINVAL);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

/* ---- raw bytes ---- */

static void raw_bytes_go_out_and_come_back_as_sent(void **state)
{
	(void)state;
	static const uint8_t junk[] = {9, 0, 0, 0, 0xEE, 0x34, 0x12, 0xAB, 0xCD};
	struct fake f;
	fake_init(&f);
	struct msg *want = calloc(1, sizeof(*want));
	m_bytes(want, junk, sizeof(junk));
	fake_recv(&f, want);
	fake_send(&f, m_rlerror(0x1234, EPROTO));
	struct p9_client *c = fake_start(&f);
	uint8_t buf[64];
	assert_int_equal(p9_client_send_raw(c, junk, sizeof(junk)), 0);
	assert_int_equal(p9_client_recv_raw(c, buf, sizeof(buf), 5000), 11);
	static const uint8_t rl[] = {11, 0, 0, 0, P9_RLERROR, 0x34, 0x12, EPROTO, 0, 0, 0};
	assert_memory_equal(buf, rl, sizeof(rl));
	assert_int_equal(p9_client_recv_raw(c, buf, sizeof(buf), 30), -ETIMEDOUT);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

static void raw_recv_too_small_buffer_is_emsgsize(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_send(&f, m_rlerror(1, ENOENT));
	fake_send(&f, m_empty(P9_RCLUNK, 2));
	struct p9_client *c = fake_start(&f);
	uint8_t buf[16];
	assert_int_equal(p9_client_recv_raw(c, buf, 8, 5000), -EMSGSIZE);
	/* the stream stays in step */
	assert_int_equal(p9_client_recv_raw(c, buf, sizeof(buf), 5000), 7);
	assert_int_equal(buf[4], P9_RCLUNK);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

/* ---- failures ---- */

static void server_hangup_is_econnreset_for_everyone(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tclunk(0, 1));
	fake_close(&f);
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_clunk(c, 1), -ECONNRESET);
	/* dead for good: later calls fail at once */
	assert_int_equal(p9_client_clunk(c, 2), -ECONNRESET);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

static void malformed_reply_is_eproto_and_connection_lives(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tclunk(0, 1));
	struct msg *bad = m_new(P9_RCLUNK, 0);
	m_u8(bad, 0x55); /* Rclunk has no body */
	fake_send(&f, m_end(bad));
	fake_recv(&f, m_tclunk(0, 2));
	fake_send(&f, m_empty(P9_RCLUNK, 0));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_clunk(c, 1), -EPROTO);
	assert_int_equal(p9_client_clunk(c, 2), 0);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

static void reply_larger_than_msize_kills_connection(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	script_version(&f, 4096);
	fake_recv(&f, m_tclunk(0, 1));
	struct msg *big = m_new(P9_RREAD, 0);
	m_u32(big, 5000);
	uint8_t pad[5000] = {0};
	m_bytes(big, pad, sizeof(pad));
	fake_send(&f, m_end(big));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_version(c, 4096, "9P2000.L"), 0);
	assert_int_equal(p9_client_clunk(c, 1), -EPROTO);
	assert_int_equal(p9_client_clunk(c, 1), -EPROTO);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

static void request_larger_than_msize_is_emsgsize_and_not_sent(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	script_version(&f, 4096);
	fake_recv(&f, m_tclunk(0, 1)); /* the first thing that arrives */
	fake_send(&f, m_empty(P9_RCLUNK, 0));
	struct p9_client *c = fake_start(&f);
	assert_int_equal(p9_client_version(c, 4096, "9P2000.L"), 0);
	char name[5000];
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(p9_client_mkdir(c, 1, name, 0755, 0, NULL), -EMSGSIZE);
	assert_int_equal(p9_client_clunk(c, 1), 0);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

int run_rpc_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(version_picks_smaller_server_msize),
	        cmocka_unit_test(version_keeps_own_msize_when_server_offers_more),
	        cmocka_unit_test(version_unknown_is_refused),
	        cmocka_unit_test(version_other_dialect_is_refused),
	        cmocka_unit_test(version_older_prefix_dialect_is_accepted),
	        cmocka_unit_test(version_tiny_msize_is_refused),
	        cmocka_unit_test(replies_out_of_order_reach_their_tags),
	        cmocka_unit_test(concurrent_rpcs_get_their_own_replies),
	        cmocka_unit_test(rlerror_is_a_reply_at_the_raw_level),
	        cmocka_unit_test(flush_reply_order_is_visible),
	        cmocka_unit_test(wait_times_out_and_tag_stays_in_flight),
	        cmocka_unit_test(forgotten_tag_reply_is_dropped),
	        cmocka_unit_test(raw_bytes_go_out_and_come_back_as_sent),
	        cmocka_unit_test(raw_recv_too_small_buffer_is_emsgsize),
	        cmocka_unit_test(server_hangup_is_econnreset_for_everyone),
	        cmocka_unit_test(malformed_reply_is_eproto_and_connection_lives),
	        cmocka_unit_test(reply_larger_than_msize_kills_connection),
	        cmocka_unit_test(request_larger_than_msize_is_emsgsize_and_not_sent),
	};
	return cmocka_run_group_tests_name("client_rpc", tests, NULL, NULL);
}
