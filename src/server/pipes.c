/*
 * pipes.c: Rread replies that skip user memory.
 *
 * A large read from a regular file, asked over a Unix socket (conn.c
 * says why not TCP), is answered through a kernel pipe (platform
 * pipe.c): the file's pages go into the pipe, and when the reply's turn
 * comes the connection's send side (conn.c) writes its header from
 * memory and splices the pipe out to the socket behind it. The server
 * then never copies the data; with pread + send it copied it twice.
 * (Where the host caps pipes below msize, 1 MiB unprivileged on Linux,
 * the first few KiB of a full-size read are copied after the header.)
 *
 * The pipes are made once, with the server (before privileges are
 * dropped: a pipe as large as msize may need them), and lent to one
 * reply at a time. When none is free, or the host has no splice, or the
 * read is small, the reply is copied as before: the pipes only ever make
 * a read cheaper, never possible or not.
 *
 * Invariants: a pipe in the free list is empty. A reply holds its pipe
 * from the read until its last byte is sent; if it ends otherwise
 * (flushed, connection gone), the pipe still holds data and is closed
 * instead of returned (p9__pipe_put).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "server/core.h"

/* Below this a copy costs less than the pipe's system calls. */
#define ZERO_COPY_MIN (16u * 1024)

struct p9__pipe {
	struct p9__pipe *next;
	struct p9_os_pipe os;
};

void p9__pipes_init(struct p9_server *s)
{
	pthread_mutex_init(&s->pipes_lock, NULL);
	/* Two per worker: one filling while another's reply is still on
	 * its way out. */
	for (unsigned i = 0; i < 2 * s->cfg.threads; i++) {
		struct p9__pipe *p = malloc(sizeof(*p));
		if (!p)
			break;
		if (p9_os_pipe_open(&p->os, s->cfg.msize - P9_RREAD_HDRSZ) < 0 ||
		    p->os.room < ZERO_COPY_MIN) {
			if (p->os.rfd >= 0)
				p9_os_pipe_close(&p->os);
			free(p);
			break; /* no splice here, or no room: copy */
		}
		p->next = s->pipes_free;
		s->pipes_free = p;
	}
}

void p9__pipes_free(struct p9_server *s)
{
	while (s->pipes_free) {
		struct p9__pipe *p = s->pipes_free;
		s->pipes_free = p->next;
		p9_os_pipe_close(&p->os);
		free(p);
	}
	pthread_mutex_destroy(&s->pipes_lock);
}

static struct p9__pipe *pipe_get(struct p9_server *s)
{
	if (!s->pipes_free) /* unlocked peek: a miss only means a copy */
		return NULL;
	pthread_mutex_lock(&s->pipes_lock);
	struct p9__pipe *p = s->pipes_free;
	if (p)
		s->pipes_free = p->next;
	pthread_mutex_unlock(&s->pipes_lock);
	return p;
}

void p9__pipe_put(struct p9_server *s, struct p9__pipe *p, int holds_data)
{
	if (holds_data) {
		/* what is left in it belongs to no one: a new empty pipe
		 * takes its place if the host still gives one */
		size_t want = s->cfg.msize - P9_RREAD_HDRSZ;
		p9_os_pipe_close(&p->os);
		if (p9_os_pipe_open(&p->os, want) < 0 || p->os.room < ZERO_COPY_MIN) {
			if (p->os.rfd >= 0)
				p9_os_pipe_close(&p->os);
			free(p);
			return;
		}
	}
	pthread_mutex_lock(&s->pipes_lock);
	p->next = s->pipes_free;
	s->pipes_free = p;
	pthread_mutex_unlock(&s->pipes_lock);
}

ssize_t p9__pipe_send(struct p9__pipe *p, int stream, size_t len)
{
	return p9_os_pipe_send(&p->os, stream, len);
}

/* The tail of an Rread through pipe p: of count bytes at off, the last
 * `tail` go into the pipe and the rest (the head: what a pipe that is
 * not quite as large as msize cannot take) into r->out after the header,
 * where a copying read puts them all. Returns the count read; when it is
 * all of count the pipe holds the tail, otherwise the pipe is empty again
 * (*dirty if it could not be emptied) and every byte read is in r->out. */
static ssize_t fill(struct p9_req *r, struct p9__pipe *p, struct p9_fs *fs, struct p9_fid *f,
		    uint64_t off, uint32_t count, size_t tail, int *dirty)
{
	uint8_t *data = r->out + P9_RREAD_HDRSZ;
	size_t head = count - tail;
	if (head > 0) {
		ssize_t n = fs->ops->read(fs, f, off, data, head);
		if (n < (ssize_t)head)
			return n; /* end of file or an error: nothing in the pipe */
	}
	ssize_t n = fs->ops->read_pipe(fs, f, off + head, &p->os, tail);
	if (n == (ssize_t)tail)
		return count;
	if (n == -ENOTSUP && head == 0)
		return n;
	if (n <= 0)
		return head > 0 ? (ssize_t)head : n;
	/* Short (end of file): the header would lie; copy after all. */
	if (p9_os_pipe_drain(&p->os, data + head, (size_t)n) < 0) {
		*dirty = 1;
		return -EIO; /* cannot happen with a pipe only we use */
	}
	return (ssize_t)head + n;
}

ssize_t p9__read_reply(struct p9_req *r, struct p9_fs *fs, struct p9_fid *f, uint64_t off,
		       uint32_t count)
{
	struct p9_server *s = r->conn->srv;
	struct p9__pipe *p = NULL;
	if (count >= ZERO_COPY_MIN && r->conn->zero_copy && fs->ops->read_pipe)
		p = pipe_get(s);
	if (!p)
		return fs->ops->read(fs, f, off, r->out + P9_RREAD_HDRSZ, count);
	size_t tail = count < p->os.room ? count : p->os.room;
	int dirty = 0;
	ssize_t n = fill(r, p, fs, f, off, count, tail, &dirty);
	if (n == (ssize_t)count) {
		r->pipe = p;
		r->pipe_left = tail;
		return n;
	}
	p9__pipe_put(s, p, dirty);
	if (n == -ENOTSUP) /* not a plain file: read says what it is */
		n = fs->ops->read(fs, f, off, r->out + P9_RREAD_HDRSZ, count);
	return n;
}
