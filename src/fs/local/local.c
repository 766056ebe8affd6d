/*
 * local.c: the local backend's life (start, attach, walk, clunk) and its
 * operation table.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs/local/local.h"

struct local_fid *p9__local_fid_new(struct local_node *node)
{
	struct local_fid *lf = calloc(1, sizeof(*lf));
	if (!lf)
		return NULL;
	lf->node = node;
	lf->fd = -1;
	return lf;
}

void p9__local_fid_free(struct local_tree *t, struct local_fid *lf)
{
	if (lf->fd >= 0)
		p9_os_close(lf->fd); /* also releases its OFD locks */
	p9__node_put(t, lf->node);
	free(lf->dirbuf);
	free(lf->xname);
	free(lf->xbuf);
	free(lf);
}

int p9__local_fid_fd(struct local_fs *fs, struct local_fid *lf, int *tmp)
{
	if (lf->fd >= 0) {
		*tmp = 0;
		return lf->fd;
	}
	return p9__node_fd(&fs->tree, lf->node, tmp);
}

static int local_attach(struct p9_fs *fs, struct p9_fid *fid, struct p9_str aname,
			struct p9_qid *qid)
{
	struct local_fs *lfs = local_of(fs);
	struct p9_os_stat st;
	int e;
	(void)aname; /* the core checked it names this export */
	if ((e = p9__local_stat(lfs, lfs->tree.root, lfs->tree.root->fd, &st)) < 0)
		return e;
	struct local_fid *lf = p9__local_fid_new(p9__node_ref(lfs->tree.root));
	if (!lf) {
		p9__node_put(&lfs->tree, lfs->tree.root);
		return -ENOMEM;
	}
	fid->priv = lf;
	return p9__local_qid(lfs, &st, qid);
}

static int local_walk(struct p9_fs *fs, struct p9_fid *fid, struct p9_fid *newfid, unsigned n,
		      const struct p9_str *names, struct p9_qid *qids)
{
	struct local_fs *lfs = local_of(fs);
	struct local_fid *lf = fid->priv;
	struct local_node *cur;
	unsigned i;
	int e = 0;
	if (lf->kind != LOCAL_FID_FILE)
		return -EBADF;
	cur = p9__node_ref(lf->node);
	for (i = 0; i < n; i++) {
		char name[256];
		struct local_node *next;
		struct p9_os_stat st;
		if ((cur->mode & P9_S_IFMT) != P9_S_IFDIR) {
			e = -ENOTDIR;
			break;
		}
		if (names[i].len == 2 && memcmp(names[i].s, "..", 2) == 0) {
			strcpy(name, "..");
		} else if ((e = p9__local_name(lfs, names[i], name)) < 0) {
			break;
		}
		if ((e = p9__node_lookup(&lfs->tree, cur, name, &next, &st)) < 0)
			break;
		if ((e = p9__local_qid(lfs, &st, &qids[i])) < 0) {
			p9__node_put(&lfs->tree, next);
			break;
		}
		p9__node_put(&lfs->tree, cur);
		cur = next;
	}
	if (i < n) {
		p9__node_put(&lfs->tree, cur);
		return i == 0 ? e : (int)i;
	}
	if (newfid == fid) {
		p9__node_put(&lfs->tree, lf->node);
		lf->node = cur;
		return (int)i;
	}
	struct local_fid *nlf = p9__local_fid_new(cur);
	if (!nlf) {
		p9__node_put(&lfs->tree, cur);
		return -ENOMEM;
	}
	newfid->priv = nlf;
	return (int)i;
}

static void local_clunk(struct p9_fs *fs, struct p9_fid *fid)
{
	struct local_fs *lfs = local_of(fs);
	p9__local_fid_free(&lfs->tree, fid->priv);
	fid->priv = NULL;
}

static int local_become(struct p9_fs *fs, const struct p9_cred *cred)
{
	struct local_fs *lfs = local_of(fs);
	return lfs->model->become ? lfs->model->become(lfs, cred) : 0;
}

static void local_destroy(struct p9_fs *fs)
{
	struct local_fs *lfs = local_of(fs);
	p9__tree_destroy(&lfs->tree);
	p9__qidmap_destroy(&lfs->qidmap);
	pthread_rwlock_destroy(&lfs->meta_lock);
	free(lfs);
}

const struct p9_fs_ops p9__local_ops = {
	.become = local_become,
	.attach = local_attach,
	.walk = local_walk,
	.clunk = local_clunk,
	.getattr = p9__local_getattr,
	.setattr = p9__local_setattr,
	.lopen = p9__local_lopen,
	.lcreate = p9__local_lcreate,
	.read = p9__local_read,
	.read_pipe = p9__local_read_pipe,
	.write = p9__local_write,
	.readdir = p9__local_readdir,
	.mkdir = p9__local_mkdir,
	.symlink = p9__local_symlink,
	.mknod = p9__local_mknod,
	.readlink = p9__local_readlink,
	.link = p9__local_link,
	.rename = p9__local_rename,
	.renameat = p9__local_renameat,
	.unlinkat = p9__local_unlinkat,
	.remove = p9__local_remove,
	.fsync = p9__local_fsync,
	.statfs = p9__local_statfs,
	.lock = p9__local_lock,
	.getlock = p9__local_getlock,
	.xattrwalk = p9__local_xattrwalk,
	.xattrcreate = p9__local_xattrcreate,
	.flush_fid = p9__local_xattr_flush,
	.destroy = local_destroy,
};

static const struct local_model *model_for(enum p9_security_model m)
{
	switch (m) {
	case P9_SM_PASSTHROUGH:
		return &p9__model_passthrough;
	case P9_SM_NONE:
		return &p9__model_none;
	case P9_SM_MAPPED_XATTR:
		return &p9__model_mapped_xattr;
	case P9_SM_MAPPED_FILE:
		return &p9__model_mapped_file;
	default:
		return NULL;
	}
}

/* The tree asks the model what type a host regular file is. */
static uint32_t tree_file_type(struct local_tree *t, int dirfd, const char *name, int fd)
{
	struct local_fs *fs = (struct local_fs *)((char *)t - offsetof(struct local_fs, tree));
	return fs->model->file_type(fs, dirfd, name, fd);
}

int p9_local_new(const struct p9_server_config *cfg, struct p9_fs **out, const char **err)
{
	struct local_fs *lfs = calloc(1, sizeof(*lfs));
	struct p9_os_stat st;
	int e, fd;
	if (!lfs) {
		*err = "out of memory";
		return -ENOMEM;
	}
	lfs->base.ops = &p9__local_ops;
	lfs->base.cfg = cfg;
	lfs->model = model_for(cfg->model);
	if (!lfs->model) {
		*err = "unknown security model";
		free(lfs);
		return -EINVAL;
	}
	lfs->fmode = cfg->fmode & 0777;
	lfs->dmode = cfg->dmode & 0777;
	if (pthread_rwlock_init(&lfs->meta_lock, NULL) != 0) {
		*err = "out of memory";
		free(lfs);
		return -ENOMEM;
	}
	if ((e = p9__qidmap_init(&lfs->qidmap)) < 0) {
		*err = "out of memory";
		pthread_rwlock_destroy(&lfs->meta_lock);
		free(lfs);
		return e;
	}
	lfs->privileged = p9_os_is_privileged();
	fd = p9_os_open_root(cfg->export_path);
	if (fd < 0) {
		*err = fd == -ENOTDIR ? "export is not a directory" : "cannot open the export directory";
		p9__qidmap_destroy(&lfs->qidmap);
		pthread_rwlock_destroy(&lfs->meta_lock);
		free(lfs);
		return fd;
	}
	if ((e = p9_os_fstat(fd, &st)) < 0 || (e = p9__tree_init(&lfs->tree, fd, &st)) < 0) {
		*err = "cannot use the export directory";
		p9_os_close(fd);
		p9__qidmap_destroy(&lfs->qidmap);
		pthread_rwlock_destroy(&lfs->meta_lock);
		free(lfs);
		return e;
	}
	if (lfs->model->file_type)
		lfs->tree.file_type = tree_file_type;
	lfs->root_dev = st.dev;
	/* Modes arrive from clients with their umask already applied; ours
	 * must not take bits away a second time. */
	umask(0);
	if (lfs->model->start && (e = lfs->model->start(lfs, err)) < 0) {
		local_destroy(&lfs->base);
		return e;
	}
	*out = &lfs->base;
	return 0;
}
