/*
 * loc.c: a file's location for the models that keep metadata beside it
 * (see struct local_loc in local.h).
 *
 * Nothing is resolved up front: passthrough never asks, mapped-xattr
 * asks only for the file's handle (which callers usually have), and
 * mapped-file asks for the parent's handle and name, which for a node
 * costs a look at the tree and, over the handle budget, an open.
 */
#include <errno.h>
#include <string.h>

#include "fs/local/local.h"

void p9__loc_node(struct local_loc *loc, struct local_fs *fs, struct local_node *n, int fd)
{
	memset(loc, 0, sizeof(*loc));
	loc->fs = fs;
	loc->node = n;
	loc->fd = fd;
	loc->dirfd = -1;
	loc->own_fd = -1;
}

void p9__loc_at(struct local_loc *loc, struct local_fs *fs, int dirfd, const char *name, int fd)
{
	memset(loc, 0, sizeof(*loc));
	loc->fs = fs;
	loc->fd = fd;
	loc->dirfd = dirfd;
	loc->name = name;
	loc->own_fd = -1;
	loc->resolved = 1;
}

int p9__loc_fd(struct local_loc *loc)
{
	if (loc->fd >= 0)
		return loc->fd;
	if (loc->node) {
		int tmp, fd = p9__node_fd(&loc->fs->tree, loc->node, &tmp);
		if (fd < 0)
			return fd;
		if (tmp)
			loc->own_fd = fd;
		return loc->fd = fd;
	}
	if (loc->dirfd < 0 || !loc->name)
		return -EBADF;
	int fd = p9_os_openat(loc->dirfd, loc->name, P9_OS_O_PATH, 0);
	if (fd < 0)
		return fd;
	return loc->fd = loc->own_fd = fd;
}

int p9__loc_dir(struct local_loc *loc, int *dirfd, const char **name)
{
	struct local_fs *fs = loc->fs;
	if (!loc->resolved) {
		if (loc->node == fs->tree.root) {
			loc->resolved = 2;
		} else if (p9__node_where(&fs->tree, loc->node, &loc->parent, loc->namebuf,
					  sizeof(loc->namebuf)) < 0) {
			loc->resolved = 3;
		} else {
			int fd = p9__node_fd(&fs->tree, loc->parent, &loc->dtmp);
			if (fd < 0) {
				p9__node_put(&fs->tree, loc->parent);
				loc->parent = NULL;
				return fd;
			}
			loc->dirfd = fd;
			loc->name = loc->namebuf;
			loc->resolved = 1;
		}
	}
	switch (loc->resolved) {
	case 1:
		*dirfd = loc->dirfd;
		*name = loc->name;
		return 0;
	case 2:
		*dirfd = fs->tree.root->fd;
		*name = NULL;
		return 1;
	default:
		return -ENOENT;
	}
}

void p9__loc_done(struct local_loc *loc)
{
	if (loc->own_fd >= 0)
		p9_os_close(loc->own_fd);
	if (loc->parent) {
		p9__node_fd_done(loc->dirfd, loc->dtmp);
		p9__node_put(&loc->fs->tree, loc->parent);
	}
	loc->own_fd = -1;
	loc->parent = NULL;
}
