/* buf.h: pooled large buffers (see buf.c). */
#ifndef P9_SERVER_BUF_H
#define P9_SERVER_BUF_H
#include <stddef.h>
void p9__buf_pool_init(size_t size);
void *p9__buf_get(size_t size, size_t *cap); /* *cap >= size, or NULL */
void p9__buf_put(void *b, size_t cap);
void p9__buf_pool_drain(void);
#endif
