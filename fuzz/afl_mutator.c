/*
 * afl_mutator.c - foliofuzz's op-level mutator (src/harness/mutate.c) as an
 * AFL++ custom mutator library, libff_afl_mutator.so (AFL++
 * docs/custom_mutators.md; docs/design.md §20.1).
 *
 * afl-fuzz dlopen()s it when AFL_CUSTOM_MUTATOR_LIBRARY names it
 * (scripts/fuzz.sh --engine afl does, unless FOLIOFUZZ_MUTATOR=0).  It runs
 * inside the afl-fuzz process, so fuzz/CMakeLists.txt builds it without
 * sanitizers and without AFL instrumentation, from its own -fPIC copy of
 * the core sources; only the afl_custom_* entry points are exported.
 *
 * FOLIOFUZZ_TARGET (default "ops") names the target whose encoding the
 * inputs are in; an unknown name fails afl_custom_init: it says so and
 * returns NULL.  Newer AFL++ stops there; 4.04c (Debian 12) ignores the
 * NULL and calls the other entry points with it, so each of them takes a
 * NULL state as "no mutator" (afl_custom_fuzz skips: returns 0).
 * Each afl_custom_fuzz call is ff_mutate on a copy of the input or, one
 * time in four when afl-fuzz gives a second input, ff_crossover of the
 * two (falling back to ff_mutate when nothing fits).  Every output is a
 * canonical encoding of a program of the target, at most max_size bytes;
 * 0 (skip) only when no program fits.  AFL++'s own stages (havoc, splice)
 * still run unless AFL_CUSTOM_MUTATOR_ONLY is set; afl_custom_fuzz_count
 * is not defined, so AFL++ gives this stage as many tries as havoc.
 * afl_custom_describe names the last mutation (ff-mutate, ff-splice) in
 * queue and crash file names.
 *
 * No AFL++ header is needed: afl_state_t is only passed through.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"

#define FF_AFL_API __attribute__((visibility("default")))

struct ff_afl_mutator {
	const struct ff_target *t;
	uint64_t rng;
	uint8_t *buf; /* the output, max_size bytes */
	size_t cap;
	const char *what; /* the last mutation, for describe */
};

FF_AFL_API void *afl_custom_init(void *afl, unsigned int seed);
FF_AFL_API size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size,
				  uint8_t **out_buf, uint8_t *add_buf,
				  size_t add_buf_size, size_t max_size);
FF_AFL_API const char *afl_custom_describe(void *data,
					   size_t max_description_len);
FF_AFL_API void afl_custom_deinit(void *data);

/* splitmix64, seeded by afl-fuzz: the same seed gives the same mutants */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void *afl_custom_init(void *afl, unsigned int seed)
{
	const char *name = getenv("FOLIOFUZZ_TARGET");
	struct ff_afl_mutator *m;

	(void)afl;
	if (!name || !*name)
		name = "ops";
	if (!ff_target_by_name(name)) {
		fprintf(stderr,
			"foliofuzz AFL++ mutator: unknown FOLIOFUZZ_TARGET '%s'; "
			"targets:",
			name);
		for (size_t i = 0; i < ff_nr_targets; i++)
			fprintf(stderr, " %s", ff_targets[i].name);
		fputc('\n', stderr);
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		perror("foliofuzz AFL++ mutator");
		return NULL;
	}
	m->t = ff_target_by_name(name);
	m->rng = seed;
	m->what = "ff-none";
	return m;
}

size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size,
		       uint8_t **out_buf, uint8_t *add_buf, size_t add_buf_size,
		       size_t max_size)
{
	struct ff_afl_mutator *m = data;
	uint64_t r;
	unsigned int seed;
	size_t n = 0, len;

	*out_buf = buf; /* never NULL, even when skipping (AFL++ checks) */
	if (!m || !max_size)
		return 0;
	r = next(&m->rng);
	seed = (unsigned int)(r >> 32);
	if (m->cap < max_size) {
		uint8_t *b = realloc(m->buf, max_size);

		if (!b)
			return 0;
		m->buf = b;
		m->cap = max_size;
	}
	if (add_buf && add_buf_size && r % 4 == 0) {
		n = ff_crossover(m->t, buf, buf_size, add_buf, add_buf_size,
				 m->buf, max_size, seed);
		m->what = "ff-splice";
	}
	if (!n) {
		len = buf_size < max_size ? buf_size : max_size;
		if (len)
			memcpy(m->buf, buf, len);
		n = ff_mutate(m->t, m->buf, len, max_size, seed);
		m->what = "ff-mutate";
	}
	if (n)
		*out_buf = m->buf;
	return n;
}

const char *afl_custom_describe(void *data, size_t max_description_len)
{
	struct ff_afl_mutator *m = data;

	if (!m || strlen(m->what) > max_description_len)
		return "";
	return m->what;
}

void afl_custom_deinit(void *data)
{
	struct ff_afl_mutator *m = data;

	if (!m)
		return;
	free(m->buf);
	free(m);
}
