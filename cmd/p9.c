/*
 * p9: a command-line 9P2000.L client, for trying a server by hand and for
 * scripts: one connection, one attach, one operation, then exit.
 *
 * Exit codes: 0 success, 1 the operation (or the connection) failed, with
 * one line "p9: WHAT: reason" on stderr, 2 bad usage. Remote paths are
 * relative to the attach root; a leading '/' is allowed.
 *
 * Every fid a command walks to is clunked before it returns; the process
 * exits right after, so local memory is freed only where a loop would
 * otherwise grow it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "p9/client.h"
#include "platform/net.h"
#include "platform/platform.h" /* P9_S_IF*: mode bits on the wire */

#define MODE_SUID 04000u
#define MODE_SGID 02000u
#define MODE_SVTX 01000u

#define DEFAULT_ADDR "tcp:127.0.0.1:5640"
#define DEFAULT_MSIZE (128u * 1024u) /* what the Linux client asks for */

struct ctx {
	struct p9_client *c;
	uint32_t root;
	uint32_t gid; /* for the objects we create */
};

static const char usage_text[] =
        "usage: p9 [-a ADDR] [-m MSIZE] [-u UID] [-n ANAME] CMD [ARGS]\n"
        "\n"
        "  -a ADDR   server address: tcp:HOST:PORT, tcp:[V6]:PORT, unix:PATH, fd:N,\n"
        "            fd:R,W (default $P9_ADDR, else " DEFAULT_ADDR ")\n"
        "  -m MSIZE  largest message to offer (default 131072; K and M suffixes)\n"
        "  -u UID    attach as this user id or name (default: the caller's)\n"
        "  -n ANAME  the tree to attach to (default: empty)\n"
        "\n"
        "commands:\n"
        "  ls [-l] PATH               list a directory (or name a file)\n"
        "  stat PATH                  show attributes\n"
        "  cat PATH                   copy a file to stdout\n"
        "  put LOCALFILE|- PATH       copy a local file (or stdin) to PATH\n"
        "  get PATH LOCALFILE|-       copy PATH to a local file (or stdout)\n"
        "  mkdir PATH                 make a directory\n"
        "  rm [-r] PATH               remove a file (-r: a directory tree)\n"
        "  mv OLD NEW                 rename (into NEW when it is a directory)\n"
        "  ln [-s] TARGET PATH        make a hard (-s: symbolic) link\n"
        "  readlink PATH              print a symbolic link's target\n"
        "  df                         show file system usage\n"
        "  getxattr PATH NAME         print an extended attribute's value\n"
        "  setxattr PATH NAME VALUE   set an extended attribute\n"
        "  listxattr PATH             list extended attribute names\n"
        "  rmxattr PATH NAME          remove an extended attribute\n"
        "\n"
        "exit status: 0 ok, 1 operation failed, 2 usage error\n";

static int usage(void)
{
	fputs(usage_text, stderr);
	return 2;
}

/* Report a failed operation; returns the exit code for it. */
static int fail(const char *what, int err)
{
	fprintf(stderr, "p9: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

/* ---- paths ---- */

static int walk_path(struct ctx *x, const char *path, uint32_t *fid)
{
	return p9_client_walk(x->c, x->root, path, fid, NULL);
}

/*
 * Split path into its parent (walked to *dfid) and last name (*base, in
 * *owned, which the caller frees). The last name must be a real name: "",
 * "." and ".." cannot be created or removed.
 */
static int walk_parent(struct ctx *x, const char *path, uint32_t *dfid, const char **base,
                       char **owned)
{
	char *p = strdup(path);
	if (!p)
		return -ENOMEM;
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	char *slash = strrchr(p, '/');
	const char *dir = "";
	char *b = p;
	if (slash) {
		*slash = '\0';
		dir = p;
		b = slash + 1;
	}
	if (*b == '\0' || strcmp(b, ".") == 0 || strcmp(b, "..") == 0) {
		free(p);
		return -EINVAL;
	}
	int r = walk_path(x, dir, dfid);
	if (r < 0) {
		free(p);
		return r;
	}
	*base = b;
	*owned = p;
	return 0;
}

/* ---- ls, stat ---- */

static void mode_string(uint32_t mode, char out[11])
{
	const char *rwx = "rwxrwxrwx";
	switch (mode & P9_S_IFMT) {
	case P9_S_IFDIR:
		out[0] = 'd';
		break;
	case P9_S_IFLNK:
		out[0] = 'l';
		break;
	case P9_S_IFCHR:
		out[0] = 'c';
		break;
	case P9_S_IFBLK:
		out[0] = 'b';
		break;
	case P9_S_IFIFO:
		out[0] = 'p';
		break;
	case P9_S_IFSOCK:
		out[0] = 's';
		break;
	default:
		out[0] = '-';
		break;
	}
	for (int i = 0; i < 9; i++)
		out[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	if (mode & MODE_SUID)
		out[3] = (mode & 0100) ? 's' : 'S';
	if (mode & MODE_SGID)
		out[6] = (mode & 0010) ? 's' : 'S';
	if (mode & MODE_SVTX)
		out[9] = (mode & 0001) ? 't' : 'T';
	out[10] = '\0';
}

static void time_string(uint64_t sec, uint64_t nsec, char *out, size_t cap, int full)
{
	struct tm tm;
	if (sec > INT64_MAX || p9_os_localtime((int64_t)sec, &tm) < 0) {
		snprintf(out, cap, "%" PRIu64, sec);
		return;
	}
	if (!full) {
		strftime(out, cap, "%Y-%m-%d %H:%M", &tm);
		return;
	}
	char a[40], z[8];
	strftime(a, sizeof(a), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(z, sizeof(z), "%z", &tm);
	snprintf(out, cap, "%s.%09" PRIu64 " %s", a, nsec, z);
}

/* One ls -l line for the file fid (named name). */
static void print_long(struct ctx *x, uint32_t fid, const char *name)
{
	struct p9_rgetattr a;
	int r = p9_client_getattr(x->c, fid, P9_GETATTR_BASIC, &a);
	if (r < 0) {
		printf("?????????? %s (%s)\n", name, strerror(-r));
		return;
	}
	char m[11], t[32], link[4096];
	mode_string(a.mode, m);
	time_string(a.mtime_sec, a.mtime_nsec, t, sizeof(t), 0);
	printf("%s %3" PRIu64 " %5u %5u %10" PRIu64 " %s %s", m, a.nlink, a.uid, a.gid, a.size, t,
	       name);
	if ((a.mode & P9_S_IFMT) == P9_S_IFLNK &&
	    p9_client_readlink(x->c, fid, link, sizeof(link)) >= 0)
		printf(" -> %s", link);
	putchar('\n');
}

struct names {
	char **v;
	size_t n, cap;
	int err;
};

static int collect(void *arg, const struct p9_dirent *de)
{
	struct names *ns = arg;
	if ((de->name.len == 1 && de->name.s[0] == '.') ||
	    (de->name.len == 2 && memcmp(de->name.s, "..", 2) == 0))
		return 0;
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 64;
		char **v = realloc(ns->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		ns->v = v;
		ns->cap = cap;
	}
	char *s = malloc(de->name.len + 1u);
	if (!s)
		return -ENOMEM;
	memcpy(s, de->name.s, de->name.len);
	s[de->name.len] = '\0';
	ns->v[ns->n++] = s;
	return 0;
}

static void names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	memset(ns, 0, sizeof(*ns));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* All names in the directory dfid (not opened; it stays unopened so the
 * caller can still walk from it), sorted, without "." and "..". */
static int list_dir(struct ctx *x, uint32_t dfid, struct names *ns)
{
	uint32_t ofid;
	memset(ns, 0, sizeof(*ns));
	int r = p9_client_walk(x->c, dfid, "", &ofid, NULL);
	if (r < 0)
		return r;
	r = p9_client_lopen(x->c, ofid, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY, NULL, NULL);
	if (r == 0)
		r = p9_client_readdir(x->c, ofid, 0, collect, ns);
	(void)p9_client_clunk(x->c, ofid);
	if (r < 0) {
		names_free(ns);
		return r;
	}
	qsort(ns->v, ns->n, sizeof(*ns->v), cmp_names);
	return 0;
}

static int cmd_ls(struct ctx *x, const char *path, int lng)
{
	uint32_t fid;
	struct p9_qid qid;
	int r = p9_client_walk(x->c, x->root, path, &fid, &qid);
	if (r < 0)
		return fail(path, r);
	struct p9_rgetattr a;
	r = p9_client_getattr(x->c, fid, P9_GETATTR_MODE, &a);
	if (r < 0) {
		p9_client_clunk(x->c, fid);
		return fail(path, r);
	}
	if ((a.mode & P9_S_IFMT) != P9_S_IFDIR) {
		if (lng)
			print_long(x, fid, path);
		else
			printf("%s\n", path);
		p9_client_clunk(x->c, fid);
		return 0;
	}
	struct names ns;
	r = list_dir(x, fid, &ns);
	if (r < 0) {
		p9_client_clunk(x->c, fid);
		return fail(path, r);
	}
	for (size_t i = 0; i < ns.n; i++) {
		if (!lng) {
			printf("%s\n", ns.v[i]);
			continue;
		}
		uint32_t ef;
		r = p9_client_walk(x->c, fid, ns.v[i], &ef, NULL);
		if (r < 0) {
			/* Gone since the listing: say so, keep going. */
			printf("?????????? %s (%s)\n", ns.v[i], strerror(-r));
			continue;
		}
		print_long(x, ef, ns.v[i]);
		p9_client_clunk(x->c, ef);
	}
	names_free(&ns);
	p9_client_clunk(x->c, fid);
	return 0;
}

static int cmd_stat(struct ctx *x, const char *path)
{
	uint32_t fid;
	int r = walk_path(x, path, &fid);
	if (r < 0)
		return fail(path, r);
	struct p9_rgetattr a;
	r = p9_client_getattr(x->c, fid, P9_GETATTR_ALL, &a);
	p9_client_clunk(x->c, fid);
	if (r < 0)
		return fail(path, r);
	char m[11], t[96];
	mode_string(a.mode, m);
	printf("  File: %s\n", path);
	printf("  Size: %-12" PRIu64 " Blocks: %-10" PRIu64 " IO Block: %" PRIu64 "\n", a.size,
	       a.blocks, a.blksize);
	printf("  Mode: (%04o/%s)  Uid: %u  Gid: %u  Links: %" PRIu64 "\n", a.mode & 07777u, m,
	       a.uid, a.gid, a.nlink);
	printf("   Qid: type 0x%02x version %u path %" PRIu64 "  Rdev: %" PRIu64 "\n", a.qid.type,
	       a.qid.version, a.qid.path, a.rdev);
	time_string(a.atime_sec, a.atime_nsec, t, sizeof(t), 1);
	printf("Access: %s\n", t);
	time_string(a.mtime_sec, a.mtime_nsec, t, sizeof(t), 1);
	printf("Modify: %s\n", t);
	time_string(a.ctime_sec, a.ctime_nsec, t, sizeof(t), 1);
	printf("Change: %s\n", t);
	if (a.valid & P9_GETATTR_BTIME) {
		time_string(a.btime_sec, a.btime_nsec, t, sizeof(t), 1);
		printf(" Birth: %s\n", t);
	}
	printf(" Valid: 0x%" PRIx64 "  Gen: %" PRIu64 "  Data version: %" PRIu64 "\n", a.valid,
	       a.gen, a.data_version);
	return 0;
}

/* ---- data ---- */

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = p9_os_local_write(fd, p, n);
		if (w < 0)
			return (int)w;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Copy the remote file at path to the local fd; errors name what failed. */
static int copy_out(struct ctx *x, const char *path, int fd, const char *localname)
{
	uint32_t fid;
	int r = walk_path(x, path, &fid);
	if (r < 0)
		return fail(path, r);
	uint32_t iounit;
	r = p9_client_lopen(x->c, fid, P9_DOTL_RDONLY, NULL, &iounit);
	if (r < 0) {
		p9_client_clunk(x->c, fid);
		return fail(path, r);
	}
	size_t bufsz = p9_client_msize(x->c) * 4u;
	uint8_t *buf = malloc(bufsz);
	if (!buf) {
		p9_client_clunk(x->c, fid);
		return fail(path, -ENOMEM);
	}
	uint64_t off = 0;
	int ret = 0;
	for (;;) {
		ssize_t n = p9_client_read(x->c, fid, off, buf, bufsz);
		if (n < 0) {
			ret = fail(path, (int)n);
			break;
		}
		if (n == 0)
			break;
		r = write_all(fd, buf, (size_t)n);
		if (r < 0) {
			ret = fail(localname, r);
			break;
		}
		off += (uint64_t)n;
	}
	free(buf);
	p9_client_clunk(x->c, fid);
	return ret;
}

static int cmd_cat(struct ctx *x, const char *path)
{
	return copy_out(x, path, p9_os_local_std(1), "stdout");
}

static int cmd_get(struct ctx *x, const char *path, const char *local)
{
	if (strcmp(local, "-") == 0)
		return copy_out(x, path, p9_os_local_std(1), "stdout");
	int fd = p9_os_local_open(local, 1, NULL);
	if (fd < 0)
		return fail(local, fd);
	int ret = copy_out(x, path, fd, local);
	int e = p9_os_local_close(fd);
	if (e < 0 && ret == 0)
		ret = fail(local, e);
	return ret;
}

/* Open path for writing, truncated; create it (mode) when it is missing. */
static int open_for_put(struct ctx *x, const char *path, uint32_t mode, uint32_t *fid)
{
	uint32_t dfid;
	const char *base;
	char *owned;
	int r = walk_parent(x, path, &dfid, &base, &owned);
	if (r < 0)
		return r;
	r = p9_client_walk(x->c, dfid, base, fid, NULL);
	if (r == 0) {
		r = p9_client_lopen(x->c, *fid, P9_DOTL_WRONLY | P9_DOTL_TRUNC, NULL, NULL);
		if (r < 0)
			p9_client_clunk(x->c, *fid);
	} else if (r == -ENOENT) {
		/* Tlcreate turns its fid into the new file: give it a clone
		 * of the directory, not the directory itself. */
		r = p9_client_walk(x->c, dfid, "", fid, NULL);
		if (r == 0) {
			r = p9_client_lcreate(x->c, *fid, base,
			                      P9_DOTL_WRONLY | P9_DOTL_CREATE | P9_DOTL_TRUNC, mode,
			                      x->gid, NULL, NULL);
			if (r < 0)
				p9_client_clunk(x->c, *fid);
		}
	}
	p9_client_clunk(x->c, dfid);
	free(owned);
	return r;
}

static int cmd_put(struct ctx *x, const char *local, const char *path)
{
	int std = strcmp(local, "-") == 0;
	int fd = std ? p9_os_local_std(0) : -1;
	uint32_t mode = 0644;
	if (!std) {
		fd = p9_os_local_open(local, 0, &mode);
		if (fd < 0)
			return fail(local, fd);
		mode &= 0777;
	}
	uint32_t fid;
	int r = open_for_put(x, path, mode, &fid);
	if (r < 0) {
		if (!std)
			p9_os_local_close(fd);
		return fail(path, r);
	}
	size_t bufsz = p9_client_msize(x->c) * 4u;
	uint8_t *buf = malloc(bufsz);
	int ret = buf ? 0 : fail(path, -ENOMEM);
	uint64_t off = 0;
	while (ret == 0) {
		ssize_t n = p9_os_local_read(fd, buf, bufsz);
		if (n < 0) {
			ret = fail(local, (int)n);
			break;
		}
		if (n == 0)
			break;
		ssize_t w = p9_client_write(x->c, fid, off, buf, (size_t)n);
		if (w < 0)
			ret = fail(path, (int)w);
		else if (w != n)
			ret = fail(path, -EIO);
		off += (uint64_t)n;
	}
	free(buf);
	r = p9_client_clunk(x->c, fid);
	if (r < 0 && ret == 0)
		ret = fail(path, r);
	if (!std)
		p9_os_local_close(fd);
	return ret;
}

/* ---- names ---- */

static int cmd_mkdir(struct ctx *x, const char *path)
{
	uint32_t dfid;
	const char *base;
	char *owned;
	int r = walk_parent(x, path, &dfid, &base, &owned);
	if (r == 0) {
		r = p9_client_mkdir(x->c, dfid, base, 0755, x->gid, NULL);
		p9_client_clunk(x->c, dfid);
		free(owned);
	}
	return r < 0 ? fail(path, r) : 0;
}

/* Unlink name in dfid; servers without Tunlinkat get Twalk + Tremove. */
static int unlink_name(struct ctx *x, uint32_t dfid, const char *name, uint32_t flags)
{
	int r = p9_client_unlinkat(x->c, dfid, name, flags);
	if (r != -EOPNOTSUPP)
		return r;
	uint32_t fid;
	r = p9_client_walk(x->c, dfid, name, &fid, NULL);
	if (r < 0)
		return r;
	return p9_client_remove(x->c, fid);
}

/* Remove everything inside the directory dfid (named prefix in messages).
 * Reports the first failure itself, under the path that failed, and
 * returns -ECANCELED then, so no caller reports it again. */
static int empty_dir(struct ctx *x, uint32_t dfid, const char *prefix)
{
	struct names ns;
	int r = list_dir(x, dfid, &ns);
	if (r < 0) {
		fail(prefix, r);
		return -ECANCELED;
	}
	for (size_t i = 0; i < ns.n && r == 0; i++) {
		size_t plen = strlen(prefix) + strlen(ns.v[i]) + 2;
		char *sub = malloc(plen);
		if (!sub) {
			fail(prefix, -ENOMEM);
			r = -ECANCELED;
			break;
		}
		snprintf(sub, plen, "%s/%s", prefix, ns.v[i]);
		uint32_t fid;
		struct p9_rgetattr a;
		r = p9_client_walk(x->c, dfid, ns.v[i], &fid, NULL);
		if (r == 0) {
			r = p9_client_getattr(x->c, fid, P9_GETATTR_MODE, &a);
			if (r == 0 && (a.mode & P9_S_IFMT) == P9_S_IFDIR) {
				r = empty_dir(x, fid, sub);
				if (r == 0)
					r = unlink_name(x, dfid, ns.v[i], P9_AT_REMOVEDIR);
			} else if (r == 0) {
				r = unlink_name(x, dfid, ns.v[i], 0);
			}
			p9_client_clunk(x->c, fid);
		}
		if (r < 0 && r != -ECANCELED) {
			fail(sub, r);
			r = -ECANCELED;
		}
		free(sub);
	}
	names_free(&ns);
	return r;
}

static int cmd_rm(struct ctx *x, const char *path, int recursive)
{
	uint32_t dfid, fid;
	const char *base;
	char *owned;
	int r = walk_parent(x, path, &dfid, &base, &owned);
	if (r < 0)
		return fail(path, r);
	struct p9_rgetattr a;
	r = p9_client_walk(x->c, dfid, base, &fid, NULL);
	if (r == 0) {
		r = p9_client_getattr(x->c, fid, P9_GETATTR_MODE, &a);
		if (r == 0 && (a.mode & P9_S_IFMT) == P9_S_IFDIR) {
			if (!recursive) {
				r = -EISDIR;
			} else {
				r = empty_dir(x, fid, path);
				if (r == 0)
					r = unlink_name(x, dfid, base, P9_AT_REMOVEDIR);
			}
		} else if (r == 0) {
			r = unlink_name(x, dfid, base, 0);
		}
		p9_client_clunk(x->c, fid);
	}
	p9_client_clunk(x->c, dfid);
	free(owned);
	if (r == -ECANCELED)
		return 1;
	return r < 0 ? fail(path, r) : 0;
}

static int cmd_mv(struct ctx *x, const char *from, const char *to)
{
	uint32_t odfid, ndfid, tfid;
	const char *obase, *nbase;
	char *oown, *nown = NULL;
	int r = walk_parent(x, from, &odfid, &obase, &oown);
	if (r < 0)
		return fail(from, r);
	/* mv a dir/ moves a into dir, as mv(1) does. */
	struct p9_rgetattr a;
	int into = 0;
	if (walk_path(x, to, &tfid) == 0) {
		if (p9_client_getattr(x->c, tfid, P9_GETATTR_MODE, &a) == 0 &&
		    (a.mode & P9_S_IFMT) == P9_S_IFDIR) {
			into = 1;
			ndfid = tfid;
			nbase = obase;
		} else {
			p9_client_clunk(x->c, tfid);
		}
	}
	if (!into) {
		r = walk_parent(x, to, &ndfid, &nbase, &nown);
		if (r < 0) {
			p9_client_clunk(x->c, odfid);
			free(oown);
			return fail(to, r);
		}
	}
	r = p9_client_renameat(x->c, odfid, obase, ndfid, nbase);
	if (r == -EOPNOTSUPP) {
		uint32_t fid;
		r = p9_client_walk(x->c, odfid, obase, &fid, NULL);
		if (r == 0) {
			r = p9_client_rename(x->c, fid, ndfid, nbase);
			p9_client_clunk(x->c, fid);
		}
	}
	p9_client_clunk(x->c, odfid);
	p9_client_clunk(x->c, ndfid);
	free(oown);
	free(nown);
	return r < 0 ? fail(from, r) : 0;
}

static int cmd_ln(struct ctx *x, const char *target, const char *path, int sym)
{
	uint32_t dfid, fid;
	const char *base;
	char *owned;
	int r = walk_parent(x, path, &dfid, &base, &owned);
	if (r < 0)
		return fail(path, r);
	if (sym) {
		r = p9_client_symlink(x->c, dfid, base, target, x->gid, NULL);
	} else {
		r = walk_path(x, target, &fid);
		if (r < 0) {
			p9_client_clunk(x->c, dfid);
			free(owned);
			return fail(target, r);
		}
		r = p9_client_link(x->c, dfid, fid, base);
		p9_client_clunk(x->c, fid);
	}
	p9_client_clunk(x->c, dfid);
	free(owned);
	return r < 0 ? fail(path, r) : 0;
}

static int cmd_readlink(struct ctx *x, const char *path)
{
	uint32_t fid;
	char buf[65536];
	int r = walk_path(x, path, &fid);
	if (r < 0)
		return fail(path, r);
	ssize_t n = p9_client_readlink(x->c, fid, buf, sizeof(buf));
	p9_client_clunk(x->c, fid);
	if (n < 0)
		return fail(path, (int)n);
	printf("%s\n", buf);
	return 0;
}

static int cmd_df(struct ctx *x, const char *addr)
{
	struct p9_rstatfs s;
	int r = p9_client_statfs(x->c, x->root, &s);
	if (r < 0)
		return fail(addr, r);
	uint64_t bfree = s.bfree < s.blocks ? s.bfree : s.blocks;
	uint64_t total = s.blocks * s.bsize / 1024, avail = s.bavail * s.bsize / 1024;
	uint64_t used = (s.blocks - bfree) * s.bsize / 1024;
	/* rounded up, as df(1) does */
	unsigned pct =
	        used + avail ? (unsigned)((used * 100 + used + avail - 1) / (used + avail)) : 0;
	printf("%-24s %12s %12s %12s %4s %12s %12s\n", "Address", "1K-blocks", "Used", "Available",
	       "Use%", "Files", "Free files");
	printf("%-24s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %3u%% %12" PRIu64 " %12" PRIu64
	       "\n",
	       addr, total, used, avail, pct, s.files, s.ffree);
	return 0;
}

/* ---- xattrs ---- */

/* The value of name (or, with name "", the name list) of fid, in a buffer
 * the caller frees. Returns its length or a negative errno. */
static ssize_t xattr_fetch(struct ctx *x, uint32_t fid, const char *name, char **out)
{
	/* The size can change between asking and reading: ask again. */
	for (int tries = 0; tries < 4; tries++) {
		ssize_t n = p9_client_xattr_get(x->c, fid, name, NULL, 0);
		if (n < 0)
			return n;
		char *buf = malloc((size_t)n + 1);
		if (!buf)
			return -ENOMEM;
		if (n > 0)
			n = p9_client_xattr_get(x->c, fid, name, buf, (size_t)n);
		if (n >= 0) {
			*out = buf;
			return n;
		}
		free(buf);
		if (n != -ERANGE)
			return n;
	}
	return -ERANGE;
}

static int cmd_getxattr(struct ctx *x, const char *path, const char *name, int list)
{
	uint32_t fid;
	int r = walk_path(x, path, &fid);
	if (r < 0)
		return fail(path, r);
	char *buf;
	ssize_t n = xattr_fetch(x, fid, list ? "" : name, &buf);
	p9_client_clunk(x->c, fid);
	if (n < 0)
		return fail(path, (int)n);
	if (list) {
		for (ssize_t i = 0; i < n; i += (ssize_t)strnlen(buf + i, (size_t)(n - i)) + 1)
			printf("%.*s\n", (int)strnlen(buf + i, (size_t)(n - i)), buf + i);
	} else {
		int out = p9_os_local_std(1);
		r = write_all(out, (const uint8_t *)buf, (size_t)n);
		if (r == 0 && p9_os_local_is_terminal(out))
			r = write_all(out, (const uint8_t *)"\n", 1);
		if (r < 0) {
			free(buf);
			return fail("stdout", r);
		}
	}
	free(buf);
	return 0;
}

static int cmd_setxattr(struct ctx *x, const char *path, const char *name, const char *value)
{
	uint32_t fid;
	int r = walk_path(x, path, &fid);
	if (r < 0)
		return fail(path, r);
	if (value)
		r = p9_client_xattr_set(x->c, fid, name, value, strlen(value), 0);
	else
		r = p9_client_xattr_remove(x->c, fid, name);
	p9_client_clunk(x->c, fid);
	return r < 0 ? fail(path, r) : 0;
}

/* ---- main ---- */

/* "65536", "64K", "1M". 0 on error. */
static uint32_t parse_size(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return 0;
	if (*end == 'k' || *end == 'K') {
		v *= 1024;
		end++;
	} else if (*end == 'm' || *end == 'M') {
		v *= 1024 * 1024;
		end++;
	}
	if (*end != '\0' || v > 0xFFFFFFFFull)
		return 0;
	return (uint32_t)v;
}

/* The name of uid from the user database, or "". */
static const char *user_name(uint32_t uid)
{
	static char name[256];
	if (p9_os_userdb(P9_OS_USER_BY_ID, NULL, uid, NULL, name, sizeof(name)) != 1)
		name[0] = '\0';
	return name;
}

static int parse_user(const char *s, uint32_t *uid, const char **uname)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!errno && end != s && *end == '\0' && *s != '-' && v < 0xFFFFFFFFul) {
		*uid = (uint32_t)v;
		*uname = user_name(*uid);
		return 0;
	}
	if (p9_os_userdb(P9_OS_USER_BY_NAME, s, 0, uid, NULL, 0) != 1)
		return -1;
	*uname = s;
	return 0;
}

/* Command-local flags ("-l", "-r", "-s", "-lr"): which of `allowed`
 * were given. Returns the index of the first operand, or -1 for an
 * unknown flag. */
static int parse_flags(int argc, char **argv, const char *allowed, char *seen)
{
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return i + 1;
		if (a[0] != '-' || a[1] == '\0')
			break;
		for (const char *f = a + 1; *f; f++) {
			const char *p = strchr(allowed, *f);
			if (!p)
				return -1;
			seen[p - allowed] = 1;
		}
	}
	return i;
}

int main(int argc, char **argv)
{
	const char *addr = getenv("P9_ADDR");
	const char *aname = "";
	const char *uname = NULL;
	uint32_t msize = DEFAULT_MSIZE;
	uint32_t uid = p9_os_self_uid();
	int i = 1;

	if (!addr || !*addr)
		addr = DEFAULT_ADDR;
	/* Global options end at the command name, so command flags such as
	 * "ls -l" are never taken for ours. */
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];
		if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (strcmp(o, "--") == 0) {
			i++;
			break;
		}
		if (strlen(o) != 2 || !strchr("amun", o[1]))
			return usage();
		const char *v = o[2] ? o + 2 : (i + 1 < argc ? argv[++i] : NULL);
		if (!v)
			return usage();
		switch (o[1]) {
		case 'a':
			addr = v;
			break;
		case 'm':
			msize = parse_size(v);
			if (msize <= P9_IOHDRSZ) {
				fprintf(stderr, "p9: bad msize: %s\n", v);
				return 2;
			}
			break;
		case 'u':
			if (parse_user(v, &uid, &uname) < 0) {
				fprintf(stderr, "p9: unknown user: %s\n", v);
				return 2;
			}
			break;
		case 'n':
			aname = v;
			break;
		}
	}
	if (i >= argc)
		return usage();
	if (!uname)
		uname = user_name(uid);

	const char *cmd = argv[i];
	int cargc = argc - i;
	char **cargv = argv + i;
	char flags[4] = {0};
	const char *allowed = "";
	if (strcmp(cmd, "ls") == 0)
		allowed = "l";
	else if (strcmp(cmd, "rm") == 0)
		allowed = "r";
	else if (strcmp(cmd, "ln") == 0)
		allowed = "s";
	int o = parse_flags(cargc, cargv, allowed, flags);
	if (o < 0)
		return usage();
	char **args = cargv + o;
	int nargs = cargc - o;

	static const struct {
		const char *name;
		int nargs;
	} cmds[] = {
	        {"ls", 1},    {"stat", 1},     {"cat", 1},      {"put", 2},       {"get", 2},
	        {"mkdir", 1}, {"rm", 1},       {"mv", 2},       {"ln", 2},        {"readlink", 1},
	        {"df", 0},    {"getxattr", 2}, {"setxattr", 3}, {"listxattr", 1}, {"rmxattr", 2},
	};
	int known = 0;
	for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		if (strcmp(cmds[k].name, cmd) == 0) {
			known = 1;
			/* ls with no path lists the root */
			if (nargs != cmds[k].nargs && !(strcmp(cmd, "ls") == 0 && nargs == 0))
				return usage();
		}
	}
	if (!known) {
		fprintf(stderr, "p9: unknown command: %s\n", cmd);
		return usage();
	}

	/* A server that hangs up must give an error message, not a silent
	 * death by SIGPIPE (pipes, fd: transports, cat | head). */
	p9_os_no_sigpipe();

	struct ctx x;
	memset(&x, 0, sizeof(x));
	x.gid = p9_os_self_gid();
	int r = p9_client_dial(addr, &x.c);
	if (r < 0)
		return fail(addr, r);
	r = p9_client_version(x.c, msize, "9P2000.L");
	if (r < 0) {
		p9_client_free(x.c);
		return fail(addr, r);
	}
	r = p9_client_attach(x.c, uname, aname, uid, &x.root, NULL);
	if (r < 0) {
		char what[512];
		snprintf(what, sizeof(what), "%s: attach to \"%.400s\"", addr, aname);
		p9_client_free(x.c);
		return fail(what, r);
	}

	int ret;
	if (strcmp(cmd, "ls") == 0)
		ret = cmd_ls(&x, nargs ? args[0] : "/", flags[0]);
	else if (strcmp(cmd, "stat") == 0)
		ret = cmd_stat(&x, args[0]);
	else if (strcmp(cmd, "cat") == 0)
		ret = cmd_cat(&x, args[0]);
	else if (strcmp(cmd, "put") == 0)
		ret = cmd_put(&x, args[0], args[1]);
	else if (strcmp(cmd, "get") == 0)
		ret = cmd_get(&x, args[0], args[1]);
	else if (strcmp(cmd, "mkdir") == 0)
		ret = cmd_mkdir(&x, args[0]);
	else if (strcmp(cmd, "rm") == 0)
		ret = cmd_rm(&x, args[0], flags[0]);
	else if (strcmp(cmd, "mv") == 0)
		ret = cmd_mv(&x, args[0], args[1]);
	else if (strcmp(cmd, "ln") == 0)
		ret = cmd_ln(&x, args[0], args[1], flags[0]);
	else if (strcmp(cmd, "readlink") == 0)
		ret = cmd_readlink(&x, args[0]);
	else if (strcmp(cmd, "df") == 0)
		ret = cmd_df(&x, addr);
	else if (strcmp(cmd, "getxattr") == 0)
		ret = cmd_getxattr(&x, args[0], args[1], 0);
	else if (strcmp(cmd, "listxattr") == 0)
		ret = cmd_getxattr(&x, args[0], NULL, 1);
	else if (strcmp(cmd, "setxattr") == 0)
		ret = cmd_setxattr(&x, args[0], args[1], args[2]);
	else
		ret = cmd_setxattr(&x, args[0], args[1], NULL);

	p9_client_clunk(x.c, x.root);
	if (fflush(stdout) != 0 && ret == 0)
		ret = fail("stdout", -errno);
	p9_client_free(x.c);
	return ret;
}
