/*
 * socket.c: listening on a parsed address. The sockets themselves are the
 * platform layer's (platform/net.h); this turns its errors into the words
 * an administrator reads.
 */
#include <errno.h>

#include "platform/net.h"
#include "transport/transport.h"

int p9__listen(const struct p9_addr *a, char *bound, size_t boundlen, const char **err)
{
	int fd;
	if (a->kind != P9_ADDR_TCP && a->kind != P9_ADDR_UNIX) {
		*err = "not a listening address";
		return -EINVAL;
	}
	if ((fd = p9_os_net_init()) < 0) {
		*err = "cannot start the network stack";
		return fd;
	}
	if (a->kind == P9_ADDR_TCP)
		fd = p9_os_listen_tcp(a->host, a->port, bound, boundlen);
	else
		fd = p9_os_listen_unix(a->path, bound, boundlen);
	if (fd >= 0)
		return fd;
	if (fd == -ENXIO)
		*err = "cannot resolve the listen address";
	else if (fd == -EAFNOSUPPORT)
		*err = "unix sockets are not available on this system";
	else if (fd == -EADDRINUSE)
		*err = a->kind == P9_ADDR_TCP ? "address already in use"
		                              : "socket path already in use";
	else
		*err = a->kind == P9_ADDR_TCP ? "cannot listen on that address"
		                              : "cannot listen on that socket path";
	return fd == -ENXIO ? -EINVAL : fd;
}
