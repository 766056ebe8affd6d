/*
 * walk.c: attach, walk, clunk, remove: the calls that make and end fids.
 *
 * A path becomes Twalks of at most P9_MAXWELEM names; the first walks
 * fid -> newfid, the rest newfid -> newfid. The names are views into the
 * caller's path string, so nothing is copied or allocated. If a walk
 * fails after the server may have made newfid, newfid is clunked, so a
 * failed walk leaves no fid behind (unless newfid == fid).
 */
#include <errno.h>
#include <string.h>

#include "client/internal.h"

/* The next component of *p (skipping '/' runs and "."), or len 0 at the
 * end. -ENAMETOOLONG when it does not fit a 9P string. */
static int next_name(const char **p, struct p9_str *out)
{
	const char *s = *p;
	for (;;) {
		while (*s == '/')
			s++;
		size_t n = strcspn(s, "/");
		if (n == 1 && s[0] == '.') {
			s++;
			continue;
		}
		if (n > 0xFFFF)
			return -ENAMETOOLONG;
		out->s = s;
		out->len = (uint16_t)n;
		*p = s + n;
		return 0;
	}
}

static int count_names(const char *path, size_t *n)
{
	struct p9_str nm;
	*n = 0;
	for (;;) {
		int r = next_name(&path, &nm);
		if (r < 0)
			return r;
		if (nm.len == 0)
			return 0;
		(*n)++;
	}
}

/* Tclunk without touching the fid table: for fids the caller named. */
int p9__clunk_wire(struct p9_client *c, uint32_t fid)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TCLUNK;
	tx.u.tclunk.fid = fid;
	return p9__call(c, &tx, &rx, P9_RCLUNK);
}

int p9_client_walk_to(struct p9_client *c, uint32_t fid, uint32_t newfid, const char *path,
                      struct p9_qid *qid)
{
	size_t total;
	const char *p = path ? path : "";
	int r = count_names(p, &total);
	if (r < 0)
		return r;

	struct p9_fcall tx, rx;
	struct p9_qid last;
	memset(&last, 0, sizeof(last));
	size_t done = 0;
	uint32_t from = fid;
	do {
		size_t n = total - done < P9_MAXWELEM ? total - done : P9_MAXWELEM;
		memset(&tx, 0, sizeof(tx));
		tx.type = P9_TWALK;
		tx.u.twalk.fid = from;
		tx.u.twalk.newfid = newfid;
		tx.u.twalk.nwname = (uint16_t)n;
		for (size_t i = 0; i < n; i++)
			next_name(&p, &tx.u.twalk.wname[i]);
		r = p9__call(c, &tx, &rx, P9_RWALK);
		int partial = r == 0 && rx.u.rwalk.nwqid != n;
		if (partial)
			r = rx.u.rwalk.nwqid < n ? -ENOENT : -EPROTO;
		if (r < 0) {
			/* Earlier rounds made newfid. A short Rwalk should not
			 * have, but some servers (diod) do, so clunk it then
			 * too, as the Linux client does; a correct server
			 * just answers that Tclunk with an error. -ENOMEM may
			 * mean the Rwalk came and was lost: clunk too. */
			if ((done > 0 || partial || r == -ENOMEM) && newfid != fid)
				(void)p9__clunk_wire(c, newfid);
			return r;
		}
		if (n > 0)
			last = rx.u.rwalk.wqid[n - 1];
		done += n;
		from = newfid;
	} while (done < total);
	if (qid)
		*qid = last;
	return 0;
}

int p9_client_walk(struct p9_client *c, uint32_t fid, const char *path, uint32_t *newfid,
                   struct p9_qid *qid)
{
	uint32_t nf;
	int r = p9_client_fid_new(c, &nf);
	if (r < 0)
		return r;
	r = p9_client_walk_to(c, fid, nf, path, qid);
	if (r < 0) {
		p9_client_fid_release(c, nf);
		return r;
	}
	*newfid = nf;
	return 0;
}

int p9_client_attach(struct p9_client *c, const char *uname, const char *aname, uint32_t n_uname,
                     uint32_t *fid, struct p9_qid *qid)
{
	uint32_t f;
	int r = p9_client_fid_new(c, &f);
	if (r < 0)
		return r;
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TATTACH;
	tx.u.tattach.fid = f;
	tx.u.tattach.afid = P9_NOFID;
	tx.u.tattach.uname = p9_str_c(uname ? uname : "");
	tx.u.tattach.aname = p9_str_c(aname ? aname : "");
	tx.u.tattach.n_uname = n_uname;
	r = p9__call(c, &tx, &rx, P9_RATTACH);
	if (r < 0) {
		if (r == -ENOMEM) /* the Rattach may have come and been lost */
			(void)p9__clunk_wire(c, f);
		p9_client_fid_release(c, f);
		return r;
	}
	if (qid)
		*qid = rx.u.rattach.qid;
	*fid = f;
	return 0;
}

/* Both end the fid whatever the answer (the protocol says so); if the
 * message never left (-ENOMEM), the server keeps it until the connection
 * ends, which is the best we can do without a fid to retry with. */
int p9_client_clunk(struct p9_client *c, uint32_t fid)
{
	int r = p9__clunk_wire(c, fid);
	p9_client_fid_release(c, fid);
	return r;
}

int p9_client_remove(struct p9_client *c, uint32_t fid)
{
	struct p9_fcall tx, rx;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TREMOVE;
	tx.u.tclunk.fid = fid;
	int r = p9__call(c, &tx, &rx, P9_RREMOVE);
	p9_client_fid_release(c, fid);
	return r;
}
