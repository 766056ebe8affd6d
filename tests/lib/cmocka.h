/*
 * cmocka.h: the part of cmocka's API the unit tests use, for hosts without
 * cmocka (the mingw-w64 cross build: Debian ships no Windows cmocka).
 *
 * Same names, same meaning: a failed assertion prints where and why and
 * ends the test (longjmp back to the runner); skip() ends it as skipped;
 * cmocka_run_group_tests_name returns the number of failed tests. The
 * output follows cmocka's ("[ RUN      ]", "[       OK ]", ...) so logs
 * read the same on both builds. Only what tests/unit uses is here: add to
 * it when a test needs more, never to a test to fit this.
 */
#ifndef P9_TEST_CMOCKA_H
#define P9_TEST_CMOCKA_H

#include <stdint.h>

typedef void (*CMUnitTestFunction)(void **state);
typedef int (*CMFixtureFunction)(void **state);

struct CMUnitTest {
	const char *name;
	CMUnitTestFunction test_func;
	CMFixtureFunction setup_func;
	CMFixtureFunction teardown_func;
	void *initial_state;
};

#define cmocka_unit_test(f)                                                                        \
	{                                                                                          \
#f, f, NULL, NULL, NULL                                                            \
	}
#define cmocka_unit_test_setup_teardown(f, s, t)                                                   \
	{                                                                                          \
#f, f, s, t, NULL                                                                  \
	}

int p9t_run_group(const char *name, const struct CMUnitTest *tests, size_t n,
                  CMFixtureFunction setup, CMFixtureFunction teardown);
#define cmocka_run_group_tests_name(name, tests, setup, teardown)                                  \
	p9t_run_group(name, tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown)

/* Each check reports and ends the test (never returns) when it fails. */
void p9t_int_equal(intmax_t a, intmax_t b, int equal, const char *ea, const char *eb,
                   const char *file, int line);
void p9t_true(int v, const char *expr, const char *file, int line);
void p9t_ptr(int is_null, int want_null, const char *expr, const char *file, int line);
void p9t_ptr_equal(const void *a, const void *b, const char *file, int line);
void p9t_memory_equal(const void *a, const void *b, size_t n, const char *file, int line);
void p9t_string(const char *a, const char *b, int equal, const char *file, int line);
void p9t_skip(void);
void p9t_fail(const char *file, int line);
/* mingw's printf archetype is msvcrt's; the build uses the C99 stdio. */
#if defined(__GNUC__) && !defined(__clang__)
#define P9T_PRINTF __attribute__((format(gnu_printf, 1, 2)))
#else
#define P9T_PRINTF __attribute__((format(printf, 1, 2)))
#endif
void print_message(const char *fmt, ...) P9T_PRINTF;
void print_error(const char *fmt, ...) P9T_PRINTF;

/* cmocka compares as its LargestIntegralType (unsigned); the values the
 * tests compare fit intmax_t, and signed output reads better for errnos. */
#define assert_int_equal(a, b)                                                                     \
	p9t_int_equal((intmax_t)(a), (intmax_t)(b), 1, #a, #b, __FILE__, __LINE__)
#define assert_int_not_equal(a, b)                                                                 \
	p9t_int_equal((intmax_t)(a), (intmax_t)(b), 0, #a, #b, __FILE__, __LINE__)
#define assert_true(c) p9t_true(!!(c), #c, __FILE__, __LINE__)
#define assert_false(c) p9t_true(!(c), "!(" #c ")", __FILE__, __LINE__)
/* Only whether it is NULL goes in: gcc would take a pointer to fresh
 * malloc memory as a read of it. */
#define assert_non_null(p) p9t_ptr((p) == NULL, 0, #p, __FILE__, __LINE__)
#define assert_null(p) p9t_ptr((p) == NULL, 1, #p, __FILE__, __LINE__)
#define assert_ptr_equal(a, b) p9t_ptr_equal((a), (b), __FILE__, __LINE__)
#define assert_memory_equal(a, b, n) p9t_memory_equal((a), (b), (n), __FILE__, __LINE__)
#define assert_string_equal(a, b) p9t_string((a), (b), 1, __FILE__, __LINE__)
#define assert_string_not_equal(a, b) p9t_string((a), (b), 0, __FILE__, __LINE__)
/* cmocka's internal forms with the caller's file and line (helpers use them). */
#define _assert_int_equal(a, b, f, l) p9t_int_equal((intmax_t)(a), (intmax_t)(b), 1, #a, #b, f, l)
#define _assert_true(c, expr, f, l) p9t_true(!!(c), expr, f, l)
#define _assert_memory_equal(a, b, n, f, l) p9t_memory_equal((a), (b), (n), f, l)
#define skip() p9t_skip()
#define fail() p9t_fail(__FILE__, __LINE__)

#endif
