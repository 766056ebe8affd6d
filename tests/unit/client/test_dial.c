/*
 * test_dial.c: addresses: what is refused, and that tcp (v4, v6, names),
 * unix and fd addresses really connect.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake.h"

static void malformed_addresses_are_einval(void **state)
{
	(void)state;
	static const char *bad[] = {
	        "",          "tcp:",   "tcp:host",      "tcp:[::1]5640",
	        "tcp::5640", "tcp:h:", "tcp:h:65536",   "tcp:h:12a",
	        "tcp:[::1",  "unix:",  "fd:",           "fd:x",
	        "fd:0,",     "fd:0;1", "udp:1.2.3.4:5", "127.0.0.1:5640",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct p9_client *c = (struct p9_client *)&c;
		int r = p9_client_dial(bad[i], &c);
		if (r != -EINVAL)
			fail_msg("\"%s\": got %d, want -EINVAL", bad[i], r);
		assert_null(c);
	}
}

static void closed_fd_is_ebadf(void **state)
{
	(void)state;
	struct p9_client *c;
	int fd = dup(0);
	assert_true(fd >= 0);
	close(fd);
	char addr[32];
	snprintf(addr, sizeof(addr), "fd:%d", fd);
	assert_int_equal(p9_client_dial(addr, &c), -EBADF);
}

static void unknown_host_is_enxio(void **state)
{
	(void)state;
	struct p9_client *c;
	assert_int_equal(p9_client_dial("tcp:no-such-host.invalid:5640", &c), -ENXIO);
}

/* A listening socket; returns its fd and fills the port. */
static int listen_on(int family, uint16_t *port)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		len = sizeof(*a);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
	                                : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* Dial addr, accept on lfd, and check a byte crosses. */
static void check_connects(const char *addr, int lfd)
{
	struct p9_client *c;
	int r = p9_client_dial(addr, &c);
	if (r != 0)
		fail_msg("%s: %s", addr, strerror(-r));
	int s = accept(lfd, NULL, NULL);
	assert_true(s >= 0);
	assert_int_equal(p9_client_send_raw(c, "\x07\0\0\0\x64\xff\xff", 7), 0);
	char b[7];
	assert_int_equal(read(s, b, 7), 7);
	assert_int_equal(b[4], 0x64);
	close(s);
	p9_client_free(c);
}

static void tcp_v4_v6_and_names_connect(void **state)
{
	(void)state;
	char addr[64];
	uint16_t port;
	int lfd = listen_on(AF_INET, &port);
	assert_true(lfd >= 0);
	snprintf(addr, sizeof(addr), "tcp:127.0.0.1:%u", port);
	check_connects(addr, lfd);
	snprintf(addr, sizeof(addr), "tcp:localhost:%u", port);
	/* localhost may resolve to ::1 first: that fails, then 127.0.0.1 */
	check_connects(addr, lfd);
	close(lfd);

	lfd = listen_on(AF_INET6, &port);
	if (lfd < 0) {
		print_message("no IPv6 loopback here: skipping tcp:[::1]\n");
		return;
	}
	snprintf(addr, sizeof(addr), "tcp:[::1]:%u", port);
	check_connects(addr, lfd);
	close(lfd);
}

static void refused_port_is_econnrefused(void **state)
{
	(void)state;
	uint16_t port;
	int lfd = listen_on(AF_INET, &port);
	assert_true(lfd >= 0);
	close(lfd); /* nobody listens there now */
	char addr[64];
	snprintf(addr, sizeof(addr), "tcp:127.0.0.1:%u", port);
	struct p9_client *c;
	assert_int_equal(p9_client_dial(addr, &c), -ECONNREFUSED);
}

static void unix_socket_connects(void **state)
{
	(void)state;
	char dir[] = "/tmp/p9client-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct sockaddr_un sun;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock", dir);
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	char addr[128];
	snprintf(addr, sizeof(addr), "unix:%s", sun.sun_path);
	check_connects(addr, lfd);
	close(lfd);
	unlink(sun.sun_path);
	rmdir(dir);

	struct p9_client *c;
	char longaddr[5 + 200];
	memcpy(longaddr, "unix:", 5);
	memset(longaddr + 5, 'p', sizeof(longaddr) - 6);
	longaddr[sizeof(longaddr) - 1] = '\0';
	assert_int_equal(p9_client_dial(longaddr, &c), -ENAMETOOLONG);
}

static void fd_pair_reads_one_writes_other(void **state)
{
	(void)state;
	int in[2], out[2];
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	char addr[32];
	snprintf(addr, sizeof(addr), "fd:%d,%d", in[0], out[1]);
	struct p9_client *c;
	assert_int_equal(p9_client_dial(addr, &c), 0);
	assert_int_equal(write(in[1], "\x07\0\0\0\x79\x00\x00", 7), 7);
	uint8_t b[16];
	assert_int_equal(p9_client_recv_raw(c, b, sizeof(b), 5000), 7);
	assert_int_equal(b[4], P9_RCLUNK);
	assert_int_equal(p9_client_send_raw(c, "abc", 3), 0);
	assert_int_equal(read(out[0], b, 3), 3);
	assert_memory_equal(b, "abc", 3);
	p9_client_free(c); /* closes in[0] and out[1] */
	assert_int_equal(read(out[0], b, 1), 0);
	close(in[1]);
	close(out[0]);
}

int run_dial_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(malformed_addresses_are_einval),
	        cmocka_unit_test(closed_fd_is_ebadf),
	        cmocka_unit_test(unknown_host_is_enxio),
	        cmocka_unit_test(tcp_v4_v6_and_names_connect),
	        cmocka_unit_test(refused_port_is_econnrefused),
	        cmocka_unit_test(unix_socket_connects),
	        cmocka_unit_test(fd_pair_reads_one_writes_other),
	};
	return cmocka_run_group_tests_name("client_dial", tests, NULL, NULL);
}
