/*
 * test_feedback.c - state-coverage feedback (src/harness/feedback.c).
 *
 * Programs run through ff_run() with an on_step hook that records every
 * step's features.  Programs reaching different abstract states (another
 * kind, order, mapping, a refusal, a race point reached or not) give
 * different feature sets; the same program run twice gives the same
 * sequence; no step gives more than FF_STATE_FEATURES; the hook changes
 * no result (random programs, with and without it); and
 * FOLIOFUZZ_STATE_FEEDBACK=0 turns the fuzz targets' feedback off.
 *
 * usage: test_feedback     (prints "N passed, N failed"; exit 1 on any)
 */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"

#include "check.h"

#define MAX_FEATS 4096

struct feats {
	uint32_t f[MAX_FEATS];
	size_t nr;
	size_t steps, over; /* steps seen; steps above the bound */
};

static void record(void *ctx, struct ff_world *w, const struct ff_op *op,
		   struct ff_step s)
{
	struct feats *fs = ctx;
	uint32_t f[FF_STATE_FEATURES + 4];
	size_t n = ff_state_features(w, op, s, f);

	fs->steps++;
	fs->over += n > FF_STATE_FEATURES || n == 0;
	for (size_t i = 0; i < n && fs->nr < MAX_FEATS; i++)
		fs->f[fs->nr++] = f[i];
}

static void parse(const char *text, struct ff_prog *p)
{
	char err[256];

	ff_prog_init(p);
	if (ff_trace_parse(text, strlen(text), "test", p, err, sizeof(err)))
		fprintf(stderr, "parse: %s\n", err), exit(2);
}

static void run(const struct ff_prog *p, struct feats *fs,
		struct ff_result *res, bool hook)
{
	struct ff_run_opts o;

	ff_run_opts_default(&o);
	memset(fs, 0, sizeof(*fs));
	if (hook) {
		o.on_step = record;
		o.on_step_ctx = fs;
	}
	ff_run(&o, p, res);
}

static void run_text(const char *text, struct feats *fs)
{
	struct ff_prog p;
	struct ff_result res;

	parse(text, &p);
	run(&p, fs, &res, true);
	CHECK(res.inv == FF_INV_NONE, "%s: failed invariant %d", text, res.inv);
	ff_prog_free(&p);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The feature sets of a and b (sorted, as sets) are equal. */
static bool same_set(struct feats *a, struct feats *b)
{
	qsort(a->f, a->nr, sizeof(a->f[0]), cmp_u32);
	qsort(b->f, b->nr, sizeof(b->f[0]), cmp_u32);
	return a->nr == b->nr && !memcmp(a->f, b->f, a->nr * sizeof(a->f[0]));
}

#define HDR "# foliofuzz trace\n"

/* Pairs of programs of the same length whose last step reaches another
 * abstract state. */
static const char *const differ[][2] = {
	{ HDR "alloc order=0 kind=anon obj=0 index=0\n",
	  HDR "alloc order=2 kind=anon obj=0 index=0\n" },
	{ HDR "alloc order=0 kind=anon obj=0 index=0\n",
	  HDR "alloc order=0 kind=file obj=0 index=0\n" },
	{ HDR "alloc order=0 kind=anon obj=0 index=0\nget h=0\n",
	  HDR "alloc order=0 kind=anon obj=0 index=0\n"
	      "map h=0 vma=0 first=0 nr=1\n" },
	{ HDR "alloc order=0 kind=anon obj=0 index=0\n"
	      "map h=0 vma=0 first=0 nr=1\n",
	  HDR "alloc order=0 kind=anon obj=0 index=0\n"
	      "map h=0 vma=0 first=0 nr=1\nmap h=0 vma=1 first=0 nr=1\n" },
	{ HDR "alloc order=0 kind=slab\nset_type h=0 type=slab\n",
	  HDR "alloc order=0 kind=plain\nset_type h=0 type=slab\n" },
	{ HDR "alloc order=2 kind=anon obj=0 index=0\n"
	      "race reader=snapshot h=0 page=1 point=after_page\nget h=0\n",
	  HDR "alloc order=2 kind=anon obj=0 index=0\n"
	      "race reader=snapshot h=0 page=1 point=after_read\nget h=0\n" },
	{ HDR "alloc order=2 kind=anon obj=0 index=0\n"
	      "race reader=snapshot h=0 page=1 point=after_page\nget h=0\n",
	  HDR "alloc order=2 kind=anon obj=0 index=0\n"
	      "race reader=gup_fast h=0 page=1 point=after_page\nget h=0\n" },
	/* the same map steps; only the mapping table's room differs (496
	 * and 511 entries free at the third step) */
	{ HDR "alloc order=4 kind=anon obj=0 index=0\n"
	      "alloc order=4 kind=anon obj=0 index=0\n"
	      "map h=0 vma=0 first=0 nr=16\nmap h=1 vma=0 first=0 nr=16\n",
	  HDR "alloc order=4 kind=anon obj=0 index=0\n"
	      "alloc order=4 kind=anon obj=0 index=0\n"
	      "map h=0 vma=0 first=0 nr=1\nmap h=1 vma=0 first=0 nr=16\n" },
};

static void test_differ_and_repeat(void)
{
	static struct feats a, b, a2;

	for (size_t i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
		run_text(differ[i][0], &a);
		run_text(differ[i][1], &b);
		CHECK(a.nr && b.nr && !same_set(&a, &b),
		      "pair %zu: same feature set for different states", i);
		run_text(differ[i][0], &a);
		run_text(differ[i][0], &a2);
		CHECK(a.nr == a2.nr &&
			      !memcmp(a.f, a2.f, a.nr * sizeof(a.f[0])),
		      "pair %zu: the same program gave other features", i);
	}
}

/* Random programs: the bound holds, the same program gives the same
 * features, and the hook changes no result. */
static void test_random(void)
{
	static struct feats x, y, none;
	uint8_t bytes[400];
	size_t races = 0;

	rng_state = 0xfeedbacc;
	for (int it = 0; it < 300; it++) {
		struct ff_prog p;
		struct ff_result r1, r2, r0;

		for (size_t i = 0; i < sizeof(bytes); i++)
			bytes[i] = (uint8_t)rng();
		ff_prog_init(&p);
		ff_decode(bytes, 20 + rng() % (sizeof(bytes) - 20), &p);
		run(&p, &x, &r1, true);
		run(&p, &y, &r2, true);
		run(&p, &none, &r0, false);
		CHECK(x.over == 0, "input %d: %zu steps outside 1..%d features",
		      it, x.over, FF_STATE_FEATURES);
		CHECK(x.steps && x.nr <= x.steps * FF_STATE_FEATURES,
		      "input %d: %zu features in %zu steps", it, x.nr, x.steps);
		races += x.nr > x.steps;
		CHECK(x.nr == y.nr && !memcmp(x.f, y.f, x.nr * sizeof(x.f[0])),
		      "input %d: features differ between two runs", it);
		CHECK(r0.inv == r1.inv && r0.step == r1.step &&
			      r0.ok == r1.ok && r0.refused == r1.refused &&
			      r0.finding == r1.finding,
		      "input %d: the hook changed the result", it);
		ff_prog_free(&p);
	}
	CHECK(races > 0, "no random input gave a race feature");
}

static void test_knob(void)
{
	unsetenv("FOLIOFUZZ_STATE_FEEDBACK");
	CHECK(ff_state_feedback_wanted(), "feedback is off by default");
	setenv("FOLIOFUZZ_STATE_FEEDBACK", "0", 1);
	CHECK(!ff_state_feedback_wanted(), "FOLIOFUZZ_STATE_FEEDBACK=0 is on");
	setenv("FOLIOFUZZ_STATE_FEEDBACK", "1", 1);
	CHECK(ff_state_feedback_wanted(), "FOLIOFUZZ_STATE_FEEDBACK=1 is off");
	unsetenv("FOLIOFUZZ_STATE_FEEDBACK");
}

/* Rows by name: each alone, a list, and the values that must be refused
 * (a typo must not silently feed nothing). */
static void test_rows(void)
{
	static const char *const bad[] = { "",	       "steps",	     "step,",
					   ",step",    "step,,race", "2",
					   "room race" };
	unsigned int r = 0;
	static struct feats all, some;
	const char *prog = HDR "alloc order=4 kind=anon obj=0 index=0\n"
			       "map h=0 vma=0 first=0 nr=3\n";

	/* the default: memory and room (rows 2 and 3) */
	CHECK(ff_state_rows_parse(NULL, &r) == 0 && r == 12, "unset: %u", r);
	CHECK(ff_state_rows_parse("1", &r) == 0 && r == 12, "1: %u", r);
	CHECK(ff_state_rows_parse("all", &r) == 0 && r == 15, "all: %u", r);
	CHECK(ff_state_rows_parse("0", &r) == 0 && r == 0, "0: %u", r);
	CHECK(ff_state_rows_parse("race", &r) == 0 && r == 2, "race: %u", r);
	CHECK(ff_state_rows_parse("room,step", &r) == 0 && r == 9,
	      "room,step: %u", r);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(ff_state_rows_parse(bad[i], &r) == -1, "'%s' accepted",
		      bad[i]);

	/* memory alone: one feature a step, a subset of all rows' */
	run_text(prog, &all);
	setenv("FOLIOFUZZ_STATE_FEEDBACK", "memory", 1);
	CHECK(ff_state_feedback_wanted(), "memory alone is off");
	run_text(prog, &some);
	CHECK(some.nr == 2 && all.nr == 6,
	      "memory alone: %zu features, all "
	      "rows %zu (two steps)",
	      some.nr, all.nr);
	unsetenv("FOLIOFUZZ_STATE_FEEDBACK");
	CHECK(ff_state_feedback_wanted(), "unset is off");
}

int main(void)
{
	test_differ_and_repeat();
	test_rows();
	test_random();
	test_knob();
	printf("%u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed != 0;
}
