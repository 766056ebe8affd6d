/*
 * limits.c: process resource limits.
 *
 * A file server keeps a handle per fid, so the default soft limit of open
 * files (often 1024) is reached by one busy client; the hard limit is what
 * the administrator allows.
 */
#include <limits.h>
#include <sys/resource.h>

#include "internal.h"

int p9_os_nofile_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return p9__err(errno);
	rlim_t want = rl.rlim_max;
#if defined(__APPLE__) && defined(OPEN_MAX)
	/* macOS refuses a soft limit above OPEN_MAX whatever the hard one. */
	if (want == RLIM_INFINITY || want > OPEN_MAX)
		want = OPEN_MAX;
#endif
	if (rl.rlim_cur != want) {
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			return p9__err(errno);
	}
	if (want == RLIM_INFINITY || want > INT_MAX)
		return INT_MAX;
	return (int)want;
}
