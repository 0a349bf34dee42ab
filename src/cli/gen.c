/*
 * gen.c - random programs without feedback: the random-testing baseline
 * (`foliofuzz gen`, `random`, `bench`).  One generator, so a program a
 * random run reports reproduces with `foliofuzz gen --seed`.
 */
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

/*
 * Each op: an assigned opcode slot of t, uniformly (a weighted op fills
 * more slots), then one random byte per argument reduced as the decoder
 * reduces it.  Reserved slots are never drawn: they are no-ops.
 */
void ff_cli_gen_prog(const struct ff_target *t, uint64_t *rng, size_t len,
		     struct ff_prog *prog)
{
	prog->nr = 0;
	for (size_t k = 0; k < len; k++) {
		struct ff_op op = { 0 };
		const struct ff_op_desc *d;
		uint8_t slot = (uint8_t)(ff_cli_rng_next(rng) % t->nr_ops);

		op.code = ff_target_code(t, slot);
		d = &ff_op_table[op.code];
		for (int a = 0; a < d->nargs; a++)
			op.arg[a] = (uint8_t)((ff_cli_rng_next(rng) >> 56) %
					      d->args[a].range);
		if (ff_prog_push(prog, &op))
			break;
	}
}
