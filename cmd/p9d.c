/*
 * p9d: serve a host directory over 9P2000.L.
 *
 * Exit status: 0 after a clean shutdown (SIGINT/SIGTERM, or the last
 * connection of an fd: transport closing), 1 when the server cannot
 * start, 2 for a bad command line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p9/server.h"
#include "platform/net.h"
#include "platform/platform.h"

static struct p9_server *the_server;

static void on_stop(void)
{
	if (the_server)
		p9_server_stop(the_server);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: p9d --export DIR [options]\n"
		"Serve DIR over 9P2000.L, 9P2000.u and 9P2000 (Linux: mount -t 9p).\n"
		"\n"
		"  -e, --export DIR          directory to export (required)\n"
		"  -l, --listen ADDR         tcp:HOST:PORT, unix:PATH or fd:N[,M]; repeatable\n"
		"                            (default tcp:127.0.0.1:5640)\n"
		"  -s, --security-model M    how owners, modes and special files are kept:\n"
		"                              passthrough  on the host as they are (default;\n"
		"                                           needs root)\n"
		"                              none         on the host, owners not changed\n"
		"                              mapped-xattr in user.virtfs.* xattrs (alias:\n"
		"                                           mapped); runs unprivileged\n"
		"                              mapped-file  in .virtfs_metadata files; runs\n"
		"                                           unprivileged\n"
		"      --fmode MODE          mapped models: host mode of new files (octal,\n"
		"                            default 0600)\n"
		"      --dmode MODE          mapped models: host mode of new directories\n"
		"                            (octal, default 0700)\n"
		"  -r, --readonly            refuse every change (EROFS)\n"
		"  -m, --msize N             largest message in bytes (default 1048576)\n"
		"  -t, --threads N           worker threads (default: 2 per CPU, at least 4)\n"
		"      --multidevs MODE      exports that span several file systems: warn\n"
		"                            (default), forbid (refuse the others), or remap\n"
		"                            (unique inode numbers across them)\n"
		"      --max-fids N          fids per connection (default 1048576)\n"
		"  -u, --user USER[:GROUP]   started as root: open the export and listen, then\n"
		"                            become USER (name or uid); not with passthrough\n"
		"      --sandbox MODE        none (default) or namespace: run in new mount,\n"
		"                            pid, net, ipc and uts namespaces that hold only\n"
		"                            the export (needs root; off by default because\n"
		"                            it needs root and a Linux with namespaces)\n"
		"      --seccomp MODE        kill (default with the sandbox), log, or off\n"
		"                            (default without): allow only the system calls\n"
		"                            the server makes\n"
		"  -v, --verbose             more messages; twice for debug\n"
		"      --trace               log every message\n"
		"  -h, --help                this text\n"
		"  -V, --version             print the version\n");
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

/* A mode in octal (a leading 0 is optional), permission bits only. */
static int parse_mode(const char *s, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 8);
	if (errno || end == s || *end || v > 0777 || s[0] == '-' || s[0] == '+')
		return -1;
	*out = v;
	return 0;
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "p9d: %s: %s\n", what, arg);
	fprintf(stderr, "Try 'p9d --help'.\n");
	return 2;
}

int main(int argc, char **argv)
{
	enum { OPT_TRACE = 256, OPT_MULTIDEVS, OPT_MAXFIDS, OPT_FMODE, OPT_DMODE, OPT_SANDBOX,
	       OPT_SECCOMP };
	static const struct option opts[] = {
		{ "export", required_argument, 0, 'e' },
		{ "listen", required_argument, 0, 'l' },
		{ "security-model", required_argument, 0, 's' },
		{ "readonly", no_argument, 0, 'r' },
		{ "msize", required_argument, 0, 'm' },
		{ "threads", required_argument, 0, 't' },
		{ "multidevs", required_argument, 0, OPT_MULTIDEVS },
		{ "fmode", required_argument, 0, OPT_FMODE },
		{ "dmode", required_argument, 0, OPT_DMODE },
		{ "max-fids", required_argument, 0, OPT_MAXFIDS },
		{ "user", required_argument, 0, 'u' },
		{ "sandbox", required_argument, 0, OPT_SANDBOX },
		{ "seccomp", required_argument, 0, OPT_SECCOMP },
		{ "verbose", no_argument, 0, 'v' },
		{ "trace", no_argument, 0, OPT_TRACE },
		{ "help", no_argument, 0, 'h' },
		{ "version", no_argument, 0, 'V' },
		{ 0, 0, 0, 0 },
	};
	struct p9_server_config cfg;
	const char *listens[16];
	int nlisten = 0, c;
	const char *fmode_arg = NULL, *dmode_arg = NULL;
	unsigned long v;
	struct p9_os_confine conf = { .seccomp = -1 }; /* -1: not given */
	p9_server_config_init(&cfg);
	while ((c = getopt_long(argc, argv, "e:l:s:rm:t:u:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			cfg.export_path = optarg;
			break;
		case 'l':
			if (nlisten == 16)
				return bad("too many --listen", optarg);
			listens[nlisten++] = optarg;
			break;
		case 's':
			if (strcmp(optarg, "passthrough") == 0)
				cfg.model = P9_SM_PASSTHROUGH;
			else if (strcmp(optarg, "none") == 0)
				cfg.model = P9_SM_NONE;
			else if (strcmp(optarg, "mapped-xattr") == 0 || strcmp(optarg, "mapped") == 0)
				cfg.model = P9_SM_MAPPED_XATTR;
			else if (strcmp(optarg, "mapped-file") == 0)
				cfg.model = P9_SM_MAPPED_FILE;
			else
				return bad("unknown security model", optarg);
			break;
		case 'r':
			cfg.readonly = 1;
			break;
		case 'm':
			if (parse_uint(optarg, 64u << 20, &v) < 0 || v < 4096)
				return bad("msize must be a number from 4096 to 67108864", optarg);
			cfg.msize = (uint32_t)v;
			break;
		case 't':
			if (parse_uint(optarg, 1024, &v) < 0 || v == 0)
				return bad("threads must be a number from 1 to 1024", optarg);
			cfg.threads = (unsigned)v;
			break;
		case OPT_MULTIDEVS:
			if (strcmp(optarg, "warn") == 0)
				cfg.multidevs = P9_MULTIDEVS_WARN;
			else if (strcmp(optarg, "forbid") == 0)
				cfg.multidevs = P9_MULTIDEVS_FORBID;
			else if (strcmp(optarg, "remap") == 0)
				cfg.multidevs = P9_MULTIDEVS_REMAP;
			else
				return bad("multidevs must be warn, forbid or remap", optarg);
			break;
		case OPT_FMODE:
		case OPT_DMODE:
			if (parse_mode(optarg, &v) < 0)
				return bad(c == OPT_FMODE ? "fmode must be an octal mode from 0 to 0777"
							  : "dmode must be an octal mode from 0 to 0777",
					   optarg);
			if (c == OPT_FMODE) {
				cfg.fmode = (uint32_t)v;
				fmode_arg = optarg;
			} else {
				cfg.dmode = (uint32_t)v;
				dmode_arg = optarg;
			}
			break;
		case OPT_MAXFIDS:
			if (parse_uint(optarg, 1u << 30, &v) < 0 || v == 0)
				return bad("max-fids must be a positive number", optarg);
			cfg.max_fids = (uint32_t)v;
			break;
		case 'u':
			conf.user = optarg;
			break;
		case OPT_SANDBOX:
			if (strcmp(optarg, "none") == 0)
				conf.sandbox = P9_OS_SANDBOX_NONE;
			else if (strcmp(optarg, "namespace") == 0)
				conf.sandbox = P9_OS_SANDBOX_NAMESPACE;
			else
				return bad("sandbox must be none or namespace", optarg);
			break;
		case OPT_SECCOMP:
			if (strcmp(optarg, "kill") == 0)
				conf.seccomp = P9_OS_SECCOMP_KILL;
			else if (strcmp(optarg, "log") == 0)
				conf.seccomp = P9_OS_SECCOMP_LOG;
			else if (strcmp(optarg, "off") == 0)
				conf.seccomp = P9_OS_SECCOMP_OFF;
			else
				return bad("seccomp must be kill, log or off", optarg);
			break;
		case 'v':
			cfg.verbose++;
			break;
		case OPT_TRACE:
			cfg.trace = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("p9d 0.1.0\n");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		return bad("unexpected argument", argv[optind]);
	if (!cfg.export_path)
		return bad("missing option", "--export DIR");
	/* Host modes of new files only mean something where the host file
	 * does not carry the client's mode (as QEMU decides). */
	if (cfg.model != P9_SM_MAPPED_XATTR && cfg.model != P9_SM_MAPPED_FILE &&
	    (fmode_arg || dmode_arg))
		return bad("only valid with --security-model mapped-xattr or mapped-file",
			   fmode_arg ? "--fmode" : "--dmode");
	/* Passthrough acts as each user: it must stay root. */
	if (conf.user && cfg.model == P9_SM_PASSTHROUGH)
		return bad("--user is for --security-model none, mapped-xattr or mapped-file "
			   "(passthrough needs root)",
			   conf.user);
	if (nlisten == 0)
		listens[nlisten++] = "tcp:127.0.0.1:5640";
	const char *err = NULL;
	if (conf.seccomp == (enum p9_os_seccomp)-1)
		conf.seccomp = conf.sandbox == P9_OS_SANDBOX_NAMESPACE ? P9_OS_SECCOMP_KILL
								       : P9_OS_SECCOMP_OFF;
	conf.caps = cfg.model == P9_SM_PASSTHROUGH ? P9_OS_CAPS_USERS
		    : cfg.model == P9_SM_NONE	   ? P9_OS_CAPS_FILES
						   : P9_OS_CAPS_MAPPED;
	conf.export_path = cfg.export_path;
	conf.readonly = cfg.readonly;
	if (p9_os_confine_check(&conf, &err) < 0) {
		if (conf.user)
			return bad(err, conf.user);
		fprintf(stderr, "p9d: %s\nTry 'p9d --help'.\n", err);
		return 2;
	}

	int e = p9_server_new(&cfg, &the_server, &err);
	if (e < 0) {
		fprintf(stderr, "p9d: %s: %s (%s)\n", cfg.export_path, err, strerror(-e));
		return 1;
	}
	/* Before the sandbox's fork, so that its child has them at once. */
	p9_os_on_stop(on_stop);
	int only_fds = 1;
	for (int i = 0; i < nlisten; i++) {
		if (strncmp(listens[i], "fd:", 3) != 0)
			only_fds = 0;
		if ((e = p9_server_listen(the_server, listens[i], &err)) < 0) {
			fprintf(stderr, "p9d: %s: %s (%s)\n", listens[i], err, strerror(-e));
			p9_server_free(the_server);
			return 1;
		}
		if (strncmp(listens[i], "fd:", 3) != 0)
			fprintf(stderr, "p9d: serving %s on %s\n", cfg.export_path,
				p9_server_bound_addr(the_server));
	}
	/* An fd: transport serves one client: its end is ours. */
	p9_server_stop_when_idle(the_server, only_fds);
	/* Everything is open and bound: keep only what serving needs. */
	if ((e = p9_os_confine(&conf, &err)) < 0) {
		fprintf(stderr, "p9d: %s (%s)\n", err, strerror(-e));
		p9_server_free(the_server);
		return 1;
	}

	p9_server_run(the_server);
	p9_server_free(the_server);
	return 0;
}
