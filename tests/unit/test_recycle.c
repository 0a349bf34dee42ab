/*
 * test_recycle.c - a recycled world is the world as built (world.c).
 *
 * Random programs of every target's op mix run through the steps, the
 * periodic sweep and the checked teardown; the world is destroyed and
 * created again with the same config.  After a clean final check only the
 * pfns the input touched are restored (w->img_clean), so the restored
 * world must equal its image byte for byte: every struct page, a zero
 * reference entry per pfn, no touch marks and an empty dirty bitmap.
 * Failed and unchecked inputs take the whole restore and are checked the
 * same way.  At least one input per target must take the partial restore,
 * and no clean input may fail (I_UNTOUCHED included) but with a known
 * finding.
 *
 * usage: test_recycle        (prints "N passed, N failed"; exit 1 on any)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"

#include "check.h"

static bool as_built(const struct ff_world *w)
{
	const uint8_t *ref = (const uint8_t *)w->ref;

	if (memcmp(w->k.memmap, w->img_memmap,
		   w->k.nr_memmap * sizeof(struct page)))
		return false;
	for (size_t i = 0; i < w->k.nr_memmap * sizeof(*w->ref); i++)
		if (ref[i])
			return false;
	for (size_t i = 0; i < w->k.nr_memmap; i++)
		if (w->touched_mark[i] || (w->dirty[i / 64] >> (i % 64)) & 1)
			return false;
	return !w->img_clean && w->nr_touched == 0 && w->nr_objs == 0;
}

/* Runs prog as ff_run does (without the differential); returns whether
 * the world was left for a partial restore. */
static bool run(const struct ff_config *cfg, const struct ff_prog *prog,
		bool check, const char *what)
{
	struct ff_world *w = ff_world_create(cfg);
	bool clean;

	CHECK(as_built(w), "%s: the created world is not as built", what);
	for (size_t k = 0; k < prog->nr && !ff_failed(); k++) {
		w->prog = prog;
		w->pc = k;
		w->consumed = 0;
		ff_exec_step(w, &prog->ops[k], check);
		if (check && (k + 1) % cfg->sweep_every == 0 && !ff_failed())
			ff_check_sweep(w);
		k += w->consumed;
	}
	if (!ff_failed())
		ff_world_teardown(w, check);
	/* known findings (findings.def) end an input as a pass */
	CHECK(!ff_failed() || w->fail.finding != FF_FINDING_NONE,
	      "%s: a clean input failed: %s", what, w->fail.msg);
	clean = w->img_clean;
	CHECK(!clean || check, "%s: partial restore of an unchecked input",
	      what);
	ff_world_destroy(w);
	return clean;
}

int main(void)
{
	rng_state = 0x7265637963;
	for (size_t t = 0; t < ff_nr_targets; t++) {
		unsigned partial = 0;

		for (int i = 0; i < 300; i++) {
			uint8_t data[512];
			size_t size = 1 + rng() % sizeof(data);
			struct ff_config cfg;
			struct ff_prog prog;
			char what[64];

			for (size_t k = 0; k < size; k++)
				data[k] = (uint8_t)rng();
			ff_config_default(&cfg);
			cfg.memdesc = ff_targets[t].differential && (i & 1);
			ff_prog_init(&prog);
			ff_decode_target(&ff_targets[t], data, size, &prog);
			snprintf(what, sizeof(what), "%s input %d",
				 ff_targets[t].name, i);
			partial += run(&cfg, &prog, i % 5 != 0, what);
			ff_prog_free(&prog);
		}
		CHECK(partial > 0, "%s: no input took the partial restore",
		      ff_targets[t].name);
	}
	/* the last world of each config, restored once more */
	{
		struct ff_config cfg;
		struct ff_world *w;

		ff_config_default(&cfg);
		w = ff_world_create(&cfg);
		CHECK(as_built(w), "the last world is not as built");
		ff_world_destroy(w);
	}
	printf("%u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed != 0;
}
