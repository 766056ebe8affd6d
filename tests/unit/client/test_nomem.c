/*
 * test_nomem.c: running out of memory is an error the caller sees
 * (-ENOMEM), never an abort, and the connection stays usable afterwards.
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

static struct msg *m_tread(uint8_t type, uint32_t fid, uint64_t off, uint32_t count)
{
	struct msg *m = m_new(type, 0);
	m_u32(m, fid);
	m_u64(m, off);
	m_u32(m, count);
	return m_end(m);
}

static struct msg *m_rread(const char *s)
{
	struct msg *m = m_new(P9_RREAD, 0);
	m_u32(m, (uint32_t)strlen(s));
	m_bytes(m, s, strlen(s));
	return m_end(m);
}

static void dial_without_memory_is_enomem(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	char addr[32];
	snprintf(addr, sizeof(addr), "fd:%d", f.cfd);
	struct p9_client *c = (struct p9_client *)&c;
	fault_after(0);
	int r = p9_client_dial(addr, &c);
	fault_off();
	assert_int_equal(r, -ENOMEM);
	assert_null(c);
	fake_free(&f); /* the descriptor is still ours: closed here */
}

static void first_send_without_memory_sends_nothing(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	fake_recv(&f, m_tread(P9_TREAD, 1, 0, 5)); /* the first bytes that arrive */
	fake_send(&f, m_rread("hello"));
	struct p9_client *c = fake_start(&f);
	char buf[5];
	fault_after(0);
	assert_int_equal(p9_client_read(c, 1, 0, buf, 5), -ENOMEM);
	fault_off();
	assert_int_equal(p9_client_read(c, 1, 0, buf, 5), 5);
	assert_memory_equal(buf, "hello", 5);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

static void reply_without_memory_is_enomem_and_stream_stays_in_step(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	for (int i = 0; i < 3; i++) {
		fake_recv(&f, m_tread(P9_TREAD, 1, 0, 5));
		fake_send(&f, m_rread(i == 1 ? "lost!" : "hello"));
	}
	struct p9_client *c = fake_start(&f);
	char buf[5];
	/* warm up: tag table, send buffer, reply buffers exist now */
	assert_int_equal(p9_client_read(c, 1, 0, buf, 5), 5);
	/* the next reply needs a fresh buffer for its slot: none to be had */
	fault_after(0);
	assert_int_equal(p9_client_read(c, 1, 0, buf, 5), -ENOMEM);
	fault_off();
	memset(buf, 0, sizeof(buf));
	assert_int_equal(p9_client_read(c, 1, 0, buf, 5), 5);
	assert_memory_equal(buf, "hello", 5);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

static void fid_and_readdir_without_memory_are_enomem(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	struct p9_client *c = fake_start(&f);
	uint32_t fid;
	fault_after(0);
	assert_int_equal(p9_client_fid_new(c, &fid), -ENOMEM);
	assert_int_equal(p9_client_readdir(c, 1, 0, NULL, NULL), -ENOMEM);
	fault_off();
	assert_int_equal(p9_client_fid_new(c, &fid), 0);
	assert_int_equal(fid, 0);
	p9_client_free(c);
	fake_join(&f);
	fake_check(&f);
	fake_free(&f);
}

/* Answers any walk, lopen, read or clunk until the client hangs up. */
static void responder(struct fake *f)
{
	for (;;) {
		struct msg *q = fake_read_msg(f);
		if (!q) {
			f->failed = 0; /* the hang-up that ends the test */
			return;
		}
		uint8_t type = q->b[4];
		uint16_t tag = (uint16_t)(q->b[5] | q->b[6] << 8);
		struct msg *r;
		if (type == P9_TWALK) {
			uint16_t n = (uint16_t)(q->b[15] | q->b[16] << 8);
			r = m_new(P9_RWALK, tag);
			m_u16(r, n);
			for (uint16_t i = 0; i < n; i++)
				m_qid(r, 0, 0, 100 + i);
		} else if (type == P9_TLOPEN) {
			r = m_new(P9_RLOPEN, tag);
			m_qid(r, 0, 0, 100);
			m_u32(r, 0);
		} else if (type == P9_TREAD) {
			r = m_new(P9_RREAD, tag);
			m_u32(r, 4);
			m_bytes(r, "data", 4);
		} else if (type == P9_TCLUNK) {
			r = m_new(P9_RCLUNK, tag);
		} else {
			r = m_new(P9_RLERROR, tag);
			m_u32(r, EOPNOTSUPP);
		}
		fake_write_msg(f, m_end(r));
		m_free(r);
		f->got[--f->ngot] = NULL;
		m_free(q);
	}
}

/* walk, open, read, clunk; returns 0 or the first error */
static int sequence(struct p9_client *c)
{
	uint32_t fid;
	char buf[8];
	int r = p9_client_walk(c, 1, "dir/file", &fid, NULL);
	if (r < 0)
		return r;
	r = p9_client_lopen(c, fid, P9_DOTL_RDONLY, NULL, NULL);
	if (r == 0) {
		ssize_t n = p9_client_read(c, fid, 0, buf, 4);
		r = n < 0 ? (int)n : n == 4 && memcmp(buf, "data", 4) == 0 ? 0 : -EIO;
	}
	int rc = p9_client_clunk(c, fid);
	return r < 0 ? r : rc;
}

/* Each allocation a fresh client makes on the way, failed in turn: the
 * call says -ENOMEM, and the same client then works. */
static void every_allocation_failure_is_survivable(void **state)
{
	(void)state;
	long k;
	for (k = 0; k < 100; k++) {
		struct fake f;
		fake_init(&f);
		fake_call(&f, responder);
		struct p9_client *c = fake_start(&f);
		fault_after(k);
		int r = sequence(c);
		fault_off();
		if (r != 0 && r != -ENOMEM)
			fail_msg("allocation %ld failed: got %d", k, r);
		assert_int_equal(sequence(c), 0);
		p9_client_free(c);
		fake_join(&f);
		fake_check(&f);
		fake_free(&f);
		if (r == 0)
			break; /* every allocation point has been failed once */
	}
	assert_true(k > 3 && k < 100);
}

int run_nomem_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(dial_without_memory_is_enomem),
	        cmocka_unit_test(first_send_without_memory_sends_nothing),
	        cmocka_unit_test(reply_without_memory_is_enomem_and_stream_stays_in_step),
	        cmocka_unit_test(fid_and_readdir_without_memory_are_enomem),
	        cmocka_unit_test(every_allocation_failure_is_survivable),
	};
	return cmocka_run_group_tests_name("client_nomem", tests, NULL, NULL);
}
