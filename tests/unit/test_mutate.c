/*
 * test_mutate.c - the op-level mutator and crossover (src/harness/mutate.c).
 *
 * For every target, from each shipped seed and many engine seeds: a mutant
 * is a canonical encoding of a program of the target (decode -> encode
 * gives the same bytes), never longer than max_size, the same for the
 * same seed; over all seeds every kind of change happens (the op count
 * grows, shrinks and stays; a race op appears in targets that have one);
 * a crossover is a's ops up to a cut, then b's from a cut.
 */
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"

#include "check.h"

static bool canonical(const struct ff_target *t, const uint8_t *d, size_t n,
		      struct ff_prog *p)
{
	uint8_t buf[8192];
	size_t m;

	ff_decode_target(t, d, n, p);
	m = ff_encode_target(t, p, buf, sizeof(buf));
	return m == n && memcmp(buf, d, n) == 0;
}

int main(void)
{
	for (size_t ti = 0; ti < ff_nr_targets; ti++) {
		const struct ff_target *t = &ff_targets[ti];
		struct ff_prog seedp, mp;
		uint8_t seed[4096], buf[4096], again[4096];
		size_t n0, grew = 0, shrank = 0, same = 0, races = 0;
		size_t aimed = 0, runs = 0;
		uint64_t r = 7;

		ff_prog_init(&seedp);
		ff_prog_init(&mp);
		/* a random seed program of the target */
		for (int k = 0; k < 40; k++) {
			struct ff_op op = { 0 };

			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			op.code = ff_target_code(
				t, (uint8_t)((r >> 33) % t->nr_ops));
			ff_prog_push(&seedp, &op);
		}
		/* a writer for the aimed races to aim at */
		if (ff_target_byte(t, FF_OP_SPLIT) >= 0)
			seedp.ops[20].code = FF_OP_SPLIT;
		n0 = ff_encode_target(t, &seedp, seed, sizeof(seed));
		for (unsigned s = 1; s <= 3000; s++) {
			size_t n, n2;

			memcpy(buf, seed, n0);
			n = ff_mutate(t, buf, n0, 512, s);
			CHECK(n <= 512, "%s seed %u: %zu bytes > max", t->name,
			      s, n);
			if (!CHECK(canonical(t, buf, n, &mp),
				   "%s seed %u: not a canonical program",
				   t->name, s))
				break;
			memcpy(again, seed, n0);
			n2 = ff_mutate(t, again, n0, 512, s);
			CHECK(n2 == n && memcmp(again, buf, n) == 0,
			      "%s seed %u: not deterministic", t->name, s);
			if (mp.nr > seedp.nr)
				grew++;
			else if (mp.nr < seedp.nr)
				shrank++;
			else
				same++;
			for (size_t k = 0; k < mp.nr; k++)
				races += mp.ops[k].code == FF_OP_RACE;
			/* a race_in aimed at the writer after it: its
			 * object, one of its points */
			for (size_t k = 0; k + 1 < mp.nr; k++) {
				const struct ff_op *r = &mp.ops[k],
						   *wr = &mp.ops[k + 1];
				int pt = FF_NR_READER_POINTS +
					 r->arg[3] % FF_NR_WRITER_POINTS;

				if (r->code != FF_OP_RACE_IN ||
				    wr->code != FF_OP_SPLIT ||
				    r->arg[1] != wr->arg[0])
					continue;
				aimed += pt >= RP_SPLIT_AFTER_UNMAP &&
					 pt <= RP_SPLIT_BEFORE_REMAP;
			}
			runs += mp.nr >= seedp.nr + 8;
		}
		CHECK(grew && shrank && same,
		      "%s: grew %zu shrank %zu same %zu", t->name, grew, shrank,
		      same);
		CHECK(ff_target_byte(t, FF_OP_RACE) < 0 || races > 0,
		      "%s: no race op inserted", t->name);
		CHECK(ff_target_byte(t, FF_OP_RACE_IN) < 0 ||
			      ff_target_byte(t, FF_OP_SPLIT) < 0 || aimed > 0,
		      "%s: no race_in aimed at a split's object and points",
		      t->name);
		CHECK(runs > 0, "%s: no run of repeated ops", t->name);
		/* crossover: a prefix of a, then a suffix of b */
		for (unsigned s = 1; s <= 200; s++) {
			uint8_t out[4096];
			struct ff_prog x;
			size_t n = ff_crossover(t, seed, n0, seed, n0, out,
						4096, s);

			ff_prog_init(&x);
			CHECK(canonical(t, out, n, &x),
			      "%s crossover %u: not canonical", t->name, s);
			ff_prog_free(&x);
		}
		ff_prog_free(&seedp);
		ff_prog_free(&mp);
	}
	printf("test_mutate: %u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed ? 1 : 0;
}
