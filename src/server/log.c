/*
 * log.c: one line per event on stderr, prefixed with the program name.
 * Level 0 errors, 1 info, 2 debug, 3 every message (the trace).
 * A whole line goes out in one write, so lines from threads never mix.
 */
#include <stdarg.h>
#include <stdio.h>

#include "platform/net.h"
#include "server/core.h"

int p9__log_level = 0;

void p9__log_set_level(int level)
{
	p9__log_level = level;
}

void p9__log(int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	if (level > p9__log_level)
		return;
	int n = snprintf(line, sizeof(line), "p9d: ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (p9_os_local_write(2, line, (size_t)n) < 0) {
		/* nowhere left to report it */
	}
}
