/*
 * check.h - what the unit tests share: CHECK() records a pass or prints
 * the failing line, and a splitmix64 generator with a per-test fixed seed
 * gives the same inputs on every run and host.  Each test ends by printing
 * "N passed, N failed" and exiting non-zero on any failure.
 */
#ifndef FOLIOFUZZ_TEST_CHECK_H
#define FOLIOFUZZ_TEST_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

static unsigned nr_passed, nr_failed;

static bool __attribute__((format(printf, 4, 5), unused))
check_at(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		nr_passed++;
		return true;
	}
	nr_failed++;
	fprintf(stderr, "%s:%d: FAIL: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

#define CHECK(cond, ...) check_at((cond), __FILE__, __LINE__, __VA_ARGS__)

/* Set rng_state to the test's own seed before use. */
static uint64_t rng_state;

static uint64_t __attribute__((unused)) rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif
