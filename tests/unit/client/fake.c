/*
 * fake.c: the scripted server and the message builder (see fake.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake.h"

static void grow(struct msg *m, size_t more)
{
	if (m->n + more <= m->cap)
		return;
	size_t cap = m->cap ? m->cap : 64;
	while (cap < m->n + more)
		cap *= 2;
	m->b = realloc(m->b, cap);
	if (!m->b)
		abort();
	m->cap = cap;
}

struct msg *m_new(uint8_t type, uint16_t tag)
{
	struct msg *m = calloc(1, sizeof(*m));
	if (!m)
		abort();
	m_u32(m, 0);
	m_u8(m, type);
	m_u16(m, tag);
	return m;
}

void m_u8(struct msg *m, uint8_t v)
{
	grow(m, 1);
	m->b[m->n++] = v;
}

void m_u16(struct msg *m, uint16_t v)
{
	m_u8(m, (uint8_t)v);
	m_u8(m, (uint8_t)(v >> 8));
}

void m_u32(struct msg *m, uint32_t v)
{
	m_u16(m, (uint16_t)v);
	m_u16(m, (uint16_t)(v >> 16));
}

void m_u64(struct msg *m, uint64_t v)
{
	m_u32(m, (uint32_t)v);
	m_u32(m, (uint32_t)(v >> 32));
}

void m_bytes(struct msg *m, const void *p, size_t n)
{
	grow(m, n);
	if (n)
		memcpy(m->b + m->n, p, n);
	m->n += n;
}

void m_str(struct msg *m, const char *s)
{
	m_u16(m, (uint16_t)strlen(s));
	m_bytes(m, s, strlen(s));
}

void m_qid(struct msg *m, uint8_t type, uint32_t version, uint64_t path)
{
	m_u8(m, type);
	m_u32(m, version);
	m_u64(m, path);
}

struct msg *m_end(struct msg *m)
{
	uint32_t n = (uint32_t)m->n;
	m->b[0] = (uint8_t)n;
	m->b[1] = (uint8_t)(n >> 8);
	m->b[2] = (uint8_t)(n >> 16);
	m->b[3] = (uint8_t)(n >> 24);
	return m;
}

void m_free(struct msg *m)
{
	if (!m)
		return;
	free(m->b);
	free(m);
}

struct msg *m_tversion(uint32_t msize, const char *v)
{
	struct msg *m = m_new(P9_TVERSION, P9_NOTAG);
	m_u32(m, msize);
	m_str(m, v);
	return m_end(m);
}

struct msg *m_rversion(uint32_t msize, const char *v)
{
	struct msg *m = m_new(P9_RVERSION, P9_NOTAG);
	m_u32(m, msize);
	m_str(m, v);
	return m_end(m);
}

struct msg *m_rlerror(uint16_t tag, uint32_t ecode)
{
	struct msg *m = m_new(P9_RLERROR, tag);
	m_u32(m, ecode);
	return m_end(m);
}

struct msg *m_empty(uint8_t type, uint16_t tag)
{
	return m_end(m_new(type, tag));
}

/* ---- the server ---- */

void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	f->fd = sv[0];
	f->cfd = sv[1];
}

static void add(struct fake *f, enum fake_op op, struct msg *m, void (*fn)(struct fake *))
{
	if (f->nsteps >= FAKE_MAX)
		abort();
	f->step[f->nsteps].op = op;
	f->step[f->nsteps].m = m;
	f->step[f->nsteps].fn = fn;
	f->nsteps++;
}

void fake_recv(struct fake *f, struct msg *expect)
{
	add(f, FAKE_RECV, expect, NULL);
}

void fake_send(struct fake *f, struct msg *m)
{
	add(f, FAKE_SEND, m, NULL);
}

void fake_close(struct fake *f)
{
	add(f, FAKE_CLOSE, NULL, NULL);
}

void fake_call(struct fake *f, void (*fn)(struct fake *f))
{
	add(f, FAKE_CALL, NULL, fn);
}

static int read_full(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n > 0) {
		ssize_t r = read(fd, p, n);
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

struct msg *fake_read_msg(struct fake *f)
{
	uint8_t hdr[4];
	if (read_full(f->fd, hdr, 4) < 0) {
		f->failed = 1;
		return NULL;
	}
	uint32_t size = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 |
	                (uint32_t)hdr[3] << 24;
	if (size < 4 || size > (64u << 20)) {
		f->failed = 1;
		return NULL;
	}
	struct msg *m = calloc(1, sizeof(*m));
	if (!m)
		abort();
	grow(m, size);
	memcpy(m->b, hdr, 4);
	if (read_full(f->fd, m->b + 4, size - 4) < 0) {
		f->failed = 1;
		m_free(m);
		return NULL;
	}
	m->n = size;
	if (f->ngot < FAKE_MAX)
		f->got[f->ngot++] = m;
	return m;
}

void fake_write_msg(struct fake *f, const struct msg *m)
{
	const uint8_t *p = m->b;
	size_t n = m->n;
	while (n > 0) {
		ssize_t r = write(f->fd, p, n);
		if (r <= 0) {
			f->failed = 1;
			return;
		}
		p += r;
		n -= (size_t)r;
	}
}

static void *run(void *arg)
{
	struct fake *f = arg;
	for (int i = 0; i < f->nsteps && !f->failed; i++) {
		switch (f->step[i].op) {
		case FAKE_RECV:
			fake_read_msg(f);
			break;
		case FAKE_SEND:
			fake_write_msg(f, f->step[i].m);
			break;
		case FAKE_CLOSE:
			close(f->fd);
			f->fd = -1;
			break;
		case FAKE_CALL:
			f->step[i].fn(f);
			break;
		}
	}
	return NULL;
}

struct p9_client *fake_start(struct fake *f)
{
	char addr[32];
	struct p9_client *c = NULL;
	snprintf(addr, sizeof(addr), "fd:%d", f->cfd);
	assert_int_equal(p9_client_dial(addr, &c), 0);
	f->cfd = -1; /* the client owns it now */
	assert_int_equal(pthread_create(&f->th, NULL, run, f), 0);
	return c;
}

void fake_join(struct fake *f)
{
	pthread_join(f->th, NULL);
}

static void dump(const char *what, const struct msg *m)
{
	char line[3 * 32 + 1];
	print_message("%s (%zu bytes):\n", what, m->n);
	for (size_t i = 0; i < m->n && i < 256; i += 32) {
		size_t k = 0;
		for (size_t j = i; j < m->n && j < i + 32; j++)
			k += (size_t)snprintf(line + k, sizeof(line) - k, "%02x ", m->b[j]);
		print_message("  %s\n", line);
	}
}

void fake_check(struct fake *f)
{
	assert_int_equal(f->failed, 0);
	int k = 0;
	for (int i = 0; i < f->nsteps; i++) {
		if (f->step[i].op != FAKE_RECV)
			continue;
		assert_true(k < f->ngot);
		struct msg *want = f->step[i].m;
		if (want && (f->got[k]->n != want->n || memcmp(f->got[k]->b, want->b, want->n))) {
			/* Show both, so a failure says which byte is off. */
			print_message("message %d differs\n", k);
			dump("want", want);
			dump("got ", f->got[k]);
			fail();
		}
		k++;
	}
}

void fake_free(struct fake *f)
{
	for (int i = 0; i < f->nsteps; i++)
		m_free(f->step[i].m);
	for (int i = 0; i < f->ngot; i++)
		m_free(f->got[i]);
	if (f->fd >= 0)
		close(f->fd);
	if (f->cfd >= 0)
		close(f->cfd);
	memset(f, 0, sizeof(*f));
	f->fd = f->cfd = -1;
}
