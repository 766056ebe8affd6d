/*
 * cmocka.c: the runner behind tests/lib/cmocka.h.
 *
 * Invariants: one test runs at a time (the runner is not reentrant);
 * `jump` is valid only while a test function runs, and every failing
 * check longjmps to it, so a check never returns after a failure. A
 * failure outside a test (no runner active) exits the process.
 */
#include "cmocka.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PASSED, FAILED, SKIPPED };

static jmp_buf jump;
static int in_test;

static void end_test(int how)
{
	if (!in_test) {
		fprintf(stderr, "check failed outside a test\n");
		exit(1);
	}
	longjmp(jump, how);
}

void print_message(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

void print_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

void p9t_int_equal(intmax_t a, intmax_t b, int equal, const char *ea, const char *eb,
                   const char *file, int line)
{
	if ((a == b) == !!equal)
		return;
	print_error("%s:%d: %s %s %s: %jd (%#jx) %s %jd (%#jx)\n", file, line, ea,
	            equal ? "==" : "!=", eb, a, (uintmax_t)a, equal ? "!=" : "==", b, (uintmax_t)b);
	end_test(FAILED);
}

void p9t_true(int v, const char *expr, const char *file, int line)
{
	if (v)
		return;
	print_error("%s:%d: %s is false\n", file, line, expr);
	end_test(FAILED);
}

void p9t_ptr(int is_null, int want_null, const char *expr, const char *file, int line)
{
	if (!!is_null == !!want_null)
		return;
	print_error("%s:%d: %s is %sNULL\n", file, line, expr, want_null ? "not " : "");
	end_test(FAILED);
}

void p9t_ptr_equal(const void *a, const void *b, const char *file, int line)
{
	if (a == b)
		return;
	print_error("%s:%d: %p != %p\n", file, line, a, b);
	end_test(FAILED);
}

void p9t_memory_equal(const void *a, const void *b, size_t n, const char *file, int line)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i]) {
			print_error("%s:%d: memory differs at byte %zu of %zu: %#x != %#x\n", file,
			            line, i, n, x[i], y[i]);
			end_test(FAILED);
		}
}

void p9t_string(const char *a, const char *b, int equal, const char *file, int line)
{
	int same = a != NULL && b != NULL && strcmp(a, b) == 0;
	if (same == !!equal)
		return;
	print_error("%s:%d: \"%s\" %s \"%s\"\n", file, line, a ? a : "(null)",
	            equal ? "!=" : "==", b ? b : "(null)");
	end_test(FAILED);
}

void p9t_skip(void)
{
	end_test(SKIPPED);
}

void p9t_fail(const char *file, int line)
{
	print_error("%s:%d: fail()\n", file, line);
	end_test(FAILED);
}

/* One test: setup, body, teardown. A failing setup fails the test without
 * running it or its teardown; a failing body still gets its teardown (as
 * in cmocka). volatile: these live across the longjmp. */
static int run_one(const struct CMUnitTest *t)
{
	void *volatile state = t->initial_state;
	volatile int how = PASSED, setup_ok = 0;
	in_test = 1;
	int j = setjmp(jump);
	if (j == 0) {
		if (t->setup_func && t->setup_func((void **)&state) != 0) {
			print_error("setup failed\n");
			how = FAILED;
		} else {
			setup_ok = 1;
			t->test_func((void **)&state);
		}
	} else {
		how = j;
	}
	if (setup_ok && t->teardown_func) {
		if (setjmp(jump) == 0) {
			if (t->teardown_func((void **)&state) != 0)
				how = FAILED;
		} else {
			how = FAILED;
		}
	}
	in_test = 0;
	return how;
}

int p9t_run_group(const char *name, const struct CMUnitTest *tests, size_t n,
                  CMFixtureFunction setup, CMFixtureFunction teardown)
{
	void *gstate = NULL;
	printf("[==========] Running %zu test(s).\n", n);
	if (setup && setup(&gstate) != 0) {
		printf("[  ERROR   ] %s: group setup failed\n", name);
		return (int)n;
	}
	size_t failed = 0, skipped = 0;
	for (size_t i = 0; i < n; i++) {
		printf("[ RUN      ] %s\n", tests[i].name);
		fflush(stdout);
		struct CMUnitTest t = tests[i];
		if (t.initial_state == NULL)
			t.initial_state = gstate;
		switch (run_one(&t)) {
		case PASSED:
			printf("[       OK ] %s\n", t.name);
			break;
		case SKIPPED:
			printf("[  SKIPPED ] %s\n", t.name);
			skipped++;
			break;
		default:
			printf("[  FAILED  ] %s\n", t.name);
			failed++;
		}
		fflush(stdout);
	}
	if (teardown)
		teardown(&gstate);
	printf("[==========] %s: %zu test(s) run.\n", name, n);
	printf("[  PASSED  ] %zu test(s).\n", n - failed - skipped);
	if (skipped)
		printf("[  SKIPPED ] %zu test(s).\n", skipped);
	if (failed)
		printf("[  FAILED  ] %zu test(s).\n", failed);
	fflush(stdout);
	return (int)failed;
}
