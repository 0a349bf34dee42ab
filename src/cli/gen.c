/*
 * gen.c - random programs without feedback: the random-testing baseline
 * (`foliofuzz gen`, `random`, `bench`).  One generator, so a program a
 * random run reports reproduces with `foliofuzz gen --seed`.
 */
#include <stdlib.h>

#include "cli.h"

uint64_t ff_cli_rng_seed(uint64_t seed)
{
	return seed * 0x9E3779B97F4A7C15ULL + 1;
}

/* xorshift64*: deterministic, no libc state. */
uint64_t ff_cli_rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

void ff_cli_gen_prog(const struct ff_target *t, uint64_t *rng, size_t len,
		     struct ff_prog *prog)
{
	size_t n = len * (1 + FF_MAX_ARGS);
	uint8_t *bytes = malloc(n ? n : 1);

	if (!bytes)
		abort();
	for (size_t i = 0; i < n; i++)
		bytes[i] = (uint8_t)(ff_cli_rng_next(rng) >> 56);
	ff_decode_target(t, bytes, n, prog);
	if (prog->nr > len)
		prog->nr = len;
	free(bytes);
}
