/*
 * test_kshim_warn.c - the negative test of I_KSHIM_WARN (kshim builds only,
 * ctest kshim/warn; docs/kshim.md).
 *
 * A WARN_ON_ONCE in the tree's extracted code must become a foliofuzz
 * failure that names the tree's file:line and the kernel release.  The
 * state is broken on purpose, as tests/unit/test_invariants.c does for the
 * model's invariants: a stray writer leaves a file's mapping on an
 * unassociated DAX page of an unshared extent, and the next fault there
 * runs the tree's dax_associate_entry(), whose non-shared path warns on a
 * page that already has a mapping.  The clean fault before it must not.
 */
#include <stdio.h>
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/world.h"

#include "../unit/check.h"

static void run(struct ff_world *w, const char *trace)
{
	struct ff_prog prog;
	char err[256];

	ff_prog_init(&prog);
	if (ff_trace_parse(trace, strlen(trace), "case", &prog, err,
			   sizeof(err))) {
		CHECK(0, "bad trace: %s", err);
	}
	for (size_t i = 0; i < prog.nr && !ff_world_failed(w); i++)
		ff_step(w, &prog, i, true);
	w->prog = NULL;
	ff_prog_free(&prog);
}

int main(void)
{
	struct ff_config cfg;
	struct ff_world *w;
	unsigned long pfn;

	ff_config_default(&cfg);
	cfg.kshim = 1;
	w = ff_world_create(&cfg);
	CHECK(w->k.impl && w->k.impl->dax_insert,
	      "a kshim build with the dax pick runs the tree's code");

	run(w, "dax_fault file=d2 index=0 vma=0\n");
	CHECK(!ff_world_failed(w), "a clean fault warns: %s", w->fail.msg);

	/* the stray write: d2 index 1 (unshared) gets file 0's mapping */
	pfn = w->k.dax_files[2].pfn[1];
	w->k.memmap[pfn].mapping = &w->k.files[0];
	run(w, "dax_fault file=d2 index=1 vma=0\n");
	CHECK(w->fail.inv == I_KSHIM_WARN, "want I_KSHIM_WARN, got %s: %s",
	      w->fail.inv >= 0 ? ff_invs[w->fail.inv].id : "none", w->fail.msg);
	CHECK(strstr(w->fail.msg, "WARNING: fs/dax.c:") != NULL,
	      "the message names fs/dax.c:line: %s", w->fail.msg);
	CHECK(strstr(w->fail.msg, "WARN_ON_ONCE(page->mapping)") != NULL,
	      "the message names the condition: %s", w->fail.msg);
	CHECK(strstr(w->fail.msg, w->k.impl->release) != NULL,
	      "the message names the release: %s", w->fail.msg);
	CHECK(strstr(w->kshim_ran, "dax_associate_entry (fs/dax.c:") != NULL,
	      "the step names the real function: %s", w->kshim_ran);
	printf("%s\n", w->fail.msg);
	ff_world_destroy(w);
	printf("test_kshim_warn: %u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed ? 1 : 0;
}
