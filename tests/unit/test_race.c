/*
 * test_race.c - races inside writers and repeated races (docs/design.md
 * §11): race_in runs a reader at a writer's race point, race_rep runs one
 * writer per pass of a reader's point.  Each case runs a text trace step
 * by step and checks the step results, how often the point was passed and
 * fired, what the reader saw, and that the world stays clean.
 */
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/mm.h"

#include "check.h"

struct run {
	struct ff_step last; /* the last race op's step */
	int passes, fired;
	uint8_t outcome;
	uint32_t consumed;
	int inv;
	size_t steps;
};

/* Runs trace; the race fields are read right after the last race op. */
static struct run run_trace(const char *trace, uint64_t bugs)
{
	struct run r = { .inv = FF_INV_NONE };
	struct ff_config cfg;
	struct ff_prog prog;
	struct ff_world *w;
	char err[256];

	ff_config_default(&cfg);
	cfg.bugs = bugs;
	w = ff_world_create(&cfg);
	ff_prog_init(&prog);
	if (!CHECK(!ff_trace_parse(trace, strlen(trace), "case", &prog, err,
				   sizeof(err)),
		   "bad trace: %s", err))
		return r;
	for (size_t i = 0; i < prog.nr && !ff_world_failed(w); i++) {
		uint8_t code = prog.ops[i].code;
		struct ff_step s = ff_step(w, &prog, i, true);

		r.steps++;
		if (code == FF_OP_RACE_IN || code == FF_OP_RACE_REP ||
		    code == FF_OP_RACE) {
			r.last = s;
			r.passes = w->race.passes;
			r.fired = w->race.fired;
			r.outcome = w->race.outcome;
			r.consumed = w->consumed;
		}
		i += w->consumed;
	}
	w->prog = NULL;
	if (!ff_world_failed(w))
		ff_world_teardown(w, true);
	r.inv = w->fail.inv;
	ff_world_destroy(w);
	ff_prog_free(&prog);
	return r;
}

#define SPLIT8                                                                 \
	"# foliofuzz trace\n"                                                  \
	"alloc order=3 kind=anon obj=0 index=0\n"                              \
	"map h=0 vma=0 first=0 nr=8\n"

static void test_split_points(void)
{
	struct run r;

	/* A GUP-fast reference taken after the unmap, before the freeze,
	 * makes the freeze fail: the split is refused, nothing changes. */
	r = run_trace(SPLIT8 "race_in reader=gup_fast h=0 page=5 "
			     "point=split_after_unmap times=0\n"
			     "split h=0 order=0 at=0\n",
		      0);
	CHECK(r.inv == FF_INV_NONE, "split_after_unmap: inv %d", r.inv);
	CHECK(r.last.kind == FF_STEP_REFUSED && r.last.err == EAGAIN,
	      "split_after_unmap: split gave %s, not -EAGAIN",
	      ff_step_name(r.last));
	CHECK(r.outcome == FF_RO_GOT && r.fired == 1,
	      "split_after_unmap: outcome %#x fired %d", r.outcome, r.fired);

	/* After the freeze GUP-fast fails at every tail: 7 tails of an
	 * order-3 split to order 0, each a pass; the split succeeds. */
	r = run_trace(SPLIT8 "race_in reader=gup_fast h=0 page=5 "
			     "point=split_tail times=7\n"
			     "split h=0 order=0 at=0\n",
		      0);
	CHECK(r.inv == FF_INV_NONE, "split_tail: inv %d", r.inv);
	CHECK(r.last.kind == FF_STEP_OK, "split_tail: split gave %s",
	      ff_step_name(r.last));
	CHECK(r.passes == 7 && r.fired == 7 && r.outcome == FF_RO_MISSED,
	      "split_tail every pass: passes %d fired %d outcome %#x", r.passes,
	      r.fired, r.outcome);
	CHECK(r.consumed == 1, "race_in consumed %u ops", r.consumed);

	/* times=2: the reader runs at the first three passes only. */
	r = run_trace(SPLIT8 "race_in reader=snapshot h=0 page=1 "
			     "point=split_tail times=2\n"
			     "split h=0 order=0 at=0\n",
		      0);
	CHECK(r.inv == FF_INV_NONE, "snapshot mid-split: inv %d", r.inv);
	CHECK(r.passes == 7 && r.fired == 3,
	      "times=2: passes %d fired %d (want 7, 3)", r.passes, r.fired);
	/* Between tail setups the head's _nr_pages is already 0 (it
	 * overlays page[1]'s memcg_data), so snapshot_page() finds idx >=
	 * nr_pages on every retry of some passes and gives up: its give-up
	 * path, checked to describe a lone order-0 page. */
	CHECK(r.outcome == (FF_RO_FAITHFUL | FF_RO_TORN),
	      "a snapshot of a half-split folio: outcome %#x (want FAITHFUL "
	      "at some passes, given up at others)",
	      r.outcome);

	/* A speculative page-cache lookup never catches a frozen folio;
	 * before the freeze it does, and blocks the split. */
	r = run_trace("# foliofuzz trace\n"
		      "alloc order=2 kind=file obj=0 index=0\n"
		      "race_in reader=spec_get h=0 page=3 "
		      "point=split_after_freeze times=0\n"
		      "split h=0 order=0 at=0\n",
		      0);
	CHECK(r.inv == FF_INV_NONE && r.last.kind == FF_STEP_OK &&
		      r.outcome == FF_RO_MISSED,
	      "spec_get on a frozen folio: inv %d, %s, outcome %#x", r.inv,
	      ff_step_name(r.last), r.outcome);
}

static void test_other_writers(void)
{
	struct run r;

	/* The free path: a pfn reader finds nothing to catch once the
	 * page is prepared for the buddy. */
	r = run_trace("# foliofuzz trace\n"
		      "alloc order=0 kind=anon obj=0 index=0\n"
		      "map h=0 vma=0 first=0 nr=1\n"
		      "race_in reader=mf_get h=0 page=0 "
		      "point=free_before_merge times=0\n"
		      "free h=0\n",
		      0);
	CHECK(r.inv == FF_INV_NONE && r.fired == 1 && r.outcome == FF_RO_MISSED,
	      "mf_get in the free path: inv %d fired %d outcome %#x", r.inv,
	      r.fired, r.outcome);

	/* Migration: after the move the new folio is in place and src is
	 * unfrozen, so a lookup of src's page succeeds; the reference is
	 * held until the migration returns and does not leak. */
	r = run_trace("# foliofuzz trace\n"
		      "alloc order=2 kind=file obj=0 index=0\n"
		      "race_in reader=mf_get h=0 page=1 "
		      "point=migrate_after_move times=0\n"
		      "migrate h=0\n"
		      "free h=0\n",
		      0);
	CHECK(r.inv == FF_INV_NONE && r.fired == 1 && r.outcome == FF_RO_GOT,
	      "mf_get after the move: inv %d fired %d outcome %#x", r.inv,
	      r.fired, r.outcome);

	/* put_other: a reference taken before the writer, dropped at the
	 * point.  Held across the migration's refcount check it makes the
	 * migration fail; nothing leaks either way. */
	r = run_trace("# foliofuzz trace\n"
		      "alloc order=0 kind=file obj=0 index=0\n"
		      "race_in reader=put_other h=0 page=0 "
		      "point=migrate_after_unmap times=0\n"
		      "migrate h=0\n",
		      0);
	CHECK(r.inv == FF_INV_NONE && r.fired == 1 && r.last.kind == FF_STEP_OK,
	      "put_other before the move: inv %d fired %d %s", r.inv, r.fired,
	      ff_step_name(r.last));
	r = run_trace("# foliofuzz trace\n"
		      "alloc order=0 kind=file obj=0 index=0\n"
		      "race_in reader=put_other h=0 page=0 "
		      "point=migrate_before_remap times=0\n"
		      "migrate h=0\n",
		      0);
	CHECK(r.inv == FF_INV_NONE && r.last.kind == FF_STEP_REFUSED &&
		      r.fired == 0,
	      "put_other held over the refcount check: inv %d %s fired %d",
	      r.inv, ff_step_name(r.last), r.fired);

	/* No writer: the reader runs on the state as it is (no pass). */
	r = run_trace("# foliofuzz trace\n"
		      "alloc order=0 kind=anon obj=0 index=0\n"
		      "race_in reader=gup_fast h=0 page=0 "
		      "point=split_tail times=0\n",
		      0);
	CHECK(r.inv == FF_INV_NONE && r.fired == 0 && r.consumed == 0,
	      "race_in at the end: inv %d fired %d consumed %u", r.inv, r.fired,
	      r.consumed);
}

/* race_rep: the k-th writer runs at the reader's k-th pass; writers the
 * reader never reached run after it, in order. */
static void test_race_rep(void)
{
	struct run r;

	r = run_trace("# foliofuzz trace\n"
		      "alloc order=2 kind=anon obj=0 index=0\n"
		      "race_rep reader=snapshot h=0 page=0 point=after_folio "
		      "writers=2\n"
		      "alloc order=0 kind=anon obj=0 index=0\n"
		      "alloc order=0 kind=anon obj=0 index=0\n"
		      "alloc order=0 kind=anon obj=0 index=0\n"
		      "free h=1\n",
		      0);
	CHECK(r.inv == FF_INV_NONE, "race_rep: inv %d", r.inv);
	CHECK(r.consumed == 3 && r.fired == 3 && r.steps == 3,
	      "race_rep writers=2: consumed %u fired %d steps %zu (want 3, "
	      "3, 3)",
	      r.consumed, r.fired, r.steps);
	/* fewer ops left than writers: it takes what there is */
	r = run_trace("# foliofuzz trace\n"
		      "alloc order=2 kind=anon obj=0 index=0\n"
		      "race_rep reader=snapshot h=0 page=0 point=after_folio "
		      "writers=7\n"
		      "free h=0\n",
		      0);
	CHECK(r.inv == FF_INV_NONE && r.consumed == 1 && r.fired == 1,
	      "race_rep past the end: inv %d consumed %u fired %d", r.inv,
	      r.consumed, r.fired);
}

/* Runs trace to the end and returns the number of PTE mappings of RAM pages, or
 * -1 if an invariant broke. */
static long mapcount_after(const char *trace)
{
	struct ff_config cfg;
	struct ff_prog prog;
	struct ff_world *w;
	char err[256];
	long sum = 0;

	ff_config_default(&cfg);
	w = ff_world_create(&cfg);
	ff_prog_init(&prog);
	if (!CHECK(!ff_trace_parse(trace, strlen(trace), "case", &prog, err,
				   sizeof(err)),
		   "bad trace: %s", err))
		return -1;
	for (size_t i = 0; i < prog.nr && !ff_world_failed(w); i++) {
		ff_step(w, &prog, i, true);
		i += w->consumed;
	}
	w->prog = NULL;
	if (ff_world_failed(w))
		sum = -1;
	for (unsigned long p = 0; sum >= 0 && p < w->k.cfg.nr_pfns; p++)
		if (w->k.memmap[p]._mapcount >= 0) /* PTE mappings */
			sum += w->k.memmap[p]._mapcount + 1;
	ff_world_destroy(w);
	ff_prog_free(&prog);
	return sum;
}

/* unmap_folio(): split keeps an anon folio's mappings as migration
 * entries and restores them; a file folio's are zapped and fault back on
 * demand, whether the split goes on or is refused after the unmap. */
static void test_split_unmap_kinds(void)
{
	long n;

	n = mapcount_after("# foliofuzz trace\n"
			   "alloc order=2 kind=anon obj=0 index=0\n"
			   "map h=0 vma=0 first=0 nr=4\n"
			   "split h=0 order=0 at=0\n");
	CHECK(n == 4, "anon split: %ld pages mapped after it (want 4)", n);
	n = mapcount_after("# foliofuzz trace\n"
			   "alloc order=2 kind=file obj=0 index=0\n"
			   "map h=0 vma=2 first=0 nr=4\n"
			   "split h=0 order=0 at=0\n");
	CHECK(n == 0, "file split: %ld pages mapped after it (want 0)", n);
	n = mapcount_after("# foliofuzz trace\n"
			   "alloc order=2 kind=file obj=0 index=0\n"
			   "map h=0 vma=2 first=0 nr=4\n"
			   "race_in reader=spec_get h=0 page=1 "
			   "point=split_after_unmap times=0\n"
			   "split h=0 order=0 at=0\n");
	CHECK(n == 0,
	      "file split refused after unmap: %ld pages mapped "
	      "(want 0)",
	      n);
	n = mapcount_after("# foliofuzz trace\n"
			   "alloc order=2 kind=file obj=0 index=0\n"
			   "map h=0 vma=2 first=0 nr=4\n"
			   "get h=0\n"
			   "split h=0 order=0 at=0\n");
	CHECK(n == 4,
	      "file split refused before unmap (extra reference): "
	      "%ld pages mapped (want 4)",
	      n);
}

int main(void)
{
	test_split_points();
	test_split_unmap_kinds();
	test_other_writers();
	test_race_rep();
	printf("test_race: %u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed != 0;
}
