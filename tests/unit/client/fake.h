/*
 * fake.h: a scripted 9P server for the client's unit tests, and a builder
 * for the bytes it expects and sends.
 *
 * The server is a thread on one end of a socketpair; the client under test
 * dials the other end as "fd:N". It runs a script: RECV reads one whole
 * message and keeps it, SEND writes canned bytes, CLOSE hangs up. Messages
 * are built by hand here, not by src/proto, so the tests pin the wire
 * format independently of the codec. Assertions happen in the main thread
 * (fake_check after fake_join), since cmocka is not thread-safe.
 *
 * Ownership: a struct fake owns every msg added to its script and every
 * message it received; fake_free releases them.
 */
#ifndef P9_TEST_CLIENT_FAKE_H
#define P9_TEST_CLIENT_FAKE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "p9/client.h"

struct msg {
	uint8_t *b;
	size_t n, cap;
};

/* Start a message: size placeholder, type, tag. Returns NULL never (an
 * allocation failure aborts the test binary, which is fine in a test). */
struct msg *m_new(uint8_t type, uint16_t tag);
void m_u8(struct msg *m, uint8_t v);
void m_u16(struct msg *m, uint16_t v);
void m_u32(struct msg *m, uint32_t v);
void m_u64(struct msg *m, uint64_t v);
void m_str(struct msg *m, const char *s);
void m_bytes(struct msg *m, const void *p, size_t n);
void m_qid(struct msg *m, uint8_t type, uint32_t version, uint64_t path);
/* Patch the size field; returns m. */
struct msg *m_end(struct msg *m);
void m_free(struct msg *m);

enum fake_op { FAKE_RECV, FAKE_SEND, FAKE_CLOSE, FAKE_CALL };

#define FAKE_MAX 64

struct fake {
	int fd;  /* the server's end */
	int cfd; /* the client's end, until the client takes it */
	struct {
		enum fake_op op;
		struct msg *m;              /* RECV: what we expect; SEND: what we send */
		void (*fn)(struct fake *f); /* CALL: runs in the server thread */
	} step[FAKE_MAX];
	int nsteps;
	struct msg *got[FAKE_MAX]; /* messages received, in order */
	int ngot;
	int failed; /* the server thread hit an I/O error */
	pthread_t th;
};

void fake_init(struct fake *f);
/* Script steps. recv takes the expected message (it may be NULL: then
 * the message is only read). */
void fake_recv(struct fake *f, struct msg *expect);
void fake_send(struct fake *f, struct msg *m);
void fake_close(struct fake *f);
void fake_call(struct fake *f, void (*fn)(struct fake *f));
/* Start the server and dial a client to it. */
struct p9_client *fake_start(struct fake *f);
/* Wait for the script to end. */
void fake_join(struct fake *f);
/* Assert the script ran through and every RECV got exactly its bytes. */
void fake_check(struct fake *f);
void fake_free(struct fake *f);

/* Server-side helpers for CALL steps. */
struct msg *fake_read_msg(struct fake *f);
void fake_write_msg(struct fake *f, const struct msg *m);

/* Common canned messages. */
struct msg *m_tversion(uint32_t msize, const char *v);
struct msg *m_rversion(uint32_t msize, const char *v);
struct msg *m_rlerror(uint16_t tag, uint32_t ecode);
struct msg *m_empty(uint8_t type, uint16_t tag); /* Rclunk, Rflush, ... */

/* fault.c (only when the binary is linked with --wrap): let k more
 * allocations of the calling thread succeed, then fail them all; off. */
void fault_after(long k);
void fault_off(void);

/* Test groups. */
int run_rpc_tests(void);
int run_ops_tests(void);
int run_dial_tests(void);
int run_nomem_tests(void);

#endif
