/*
 * call.c: the file-level calls' common step: one rpc whose reply must be
 * of one type, with Rlerror turned into the negative errno it carries.
 */
#include <errno.h>

#include "client/internal.h"

int p9__call(struct p9_client *c, struct p9_fcall *tx, struct p9_fcall *rx, uint8_t rtype)
{
	int r = p9_client_rpc(c, tx, rx);
	if (r < 0)
		return r;
	if (rx->type == rtype)
		return 0;
	/* An error without a number (0, or one no errno can be) would read
	 * as success or as garbage: call it a protocol error. */
	if (rx->type == P9_RLERROR)
		return rx->u.rlerror.ecode && rx->u.rlerror.ecode < 4096 ? -(int)rx->u.rlerror.ecode
		                                                         : -EPROTO;
	if (rx->type == P9_RERROR)
		return rx->u.rerror.errnum && rx->u.rerror.errnum < 4096 ? -(int)rx->u.rerror.errnum
		                                                         : -EIO;
	return -EPROTO;
}

uint32_t p9__io_chunk(struct p9_client *c, uint32_t fid)
{
	uint32_t io = p9__fid_iounit(c, fid);
	uint32_t m = p9_client_msize(c) - P9_IOHDRSZ;
	return io && io < m ? io : m;
}
