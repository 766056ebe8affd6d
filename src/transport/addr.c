/*
 * addr.c: parse the address strings users type (see transport.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transport/transport.h"

static int parse_fd(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || v < 0 || v > 1 << 24)
		return -1;
	*out = (int)v;
	return (int)(end - s);
}

int p9__addr_parse(const char *addr, struct p9_addr *out, const char **err)
{
	memset(out, 0, sizeof(*out));
	if (strncmp(addr, "tcp:", 4) == 0) {
		const char *h = addr + 4, *colon;
		size_t hl;
		out->kind = P9_ADDR_TCP;
		if (*h == '[') {
			const char *close = strchr(h, ']');
			if (!close || close[1] != ':')
				goto bad;
			hl = (size_t)(close - h - 1);
			h++;
			colon = close + 1;
		} else {
			colon = strrchr(h, ':');
			if (!colon)
				goto bad;
			hl = (size_t)(colon - h);
		}
		if (hl >= sizeof(out->host) || strlen(colon + 1) == 0 ||
		    strlen(colon + 1) >= sizeof(out->port))
			goto bad;
		memcpy(out->host, h, hl);
		strcpy(out->port, colon + 1);
		if (strspn(out->port, "0123456789") != strlen(out->port) || atoi(out->port) > 65535)
			goto bad;
		return 0;
	}
	if (strncmp(addr, "unix:", 5) == 0) {
		out->kind = P9_ADDR_UNIX;
		if (strlen(addr + 5) == 0 || strlen(addr + 5) >= sizeof(out->path)) {
			*err = "unix socket path is empty or too long";
			return -EINVAL;
		}
		strcpy(out->path, addr + 5);
		return 0;
	}
	if (strncmp(addr, "fd:", 3) == 0) {
		const char *p = addr + 3;
		int n;
		out->kind = P9_ADDR_FD;
		if ((n = parse_fd(p, &out->rfd)) < 0)
			goto bad;
		p += n;
		out->wfd = out->rfd;
		if (*p == ',') {
			if ((n = parse_fd(p + 1, &out->wfd)) < 0)
				goto bad;
			p += 1 + n;
		}
		if (*p)
			goto bad;
		return 0;
	}
bad:
	*err = "bad address (want tcp:HOST:PORT, unix:PATH or fd:N[,M])";
	return -EINVAL;
}
