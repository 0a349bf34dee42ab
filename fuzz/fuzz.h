/*
 * fuzz.h - what every foliofuzz fuzz target shares (after zstd tests/fuzz).
 *
 * A target is one file, fuzz/T.c, named by the property it checks, with a
 * doc comment stating that property.  It defines LLVMFuzzerTestOneInput()
 * and nothing else the engine calls.  Targets are stateless: each input
 * builds its own world, runs, and frees it; nothing carries over to the
 * next input.  The harness reports a broken invariant (to stderr) and the
 * target then abort()s, so every engine records the input as a crash.
 *
 * Build macros, set by CMakeLists.txt:
 *   FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
 *                       every fuzz build (the common convention).
 *   FF_FUZZ_LIBFUZZER   built as fuzz_T with -fsanitize=fuzzer: libFuzzer
 *                       owns main() (FF_LIBFUZZER=ON, clang only).
 *   FF_FUZZ_REPLAY      built as fuzz_T_replay with fuzz/replay_main.c: an
 *                       engine-free main() that runs given files and
 *                       directories once each.  Built by every preset, gcc
 *                       included; ctest replays the shipped corpora with it.
 *   FF_FUZZ_AFL         built as fuzz_T_afl with fuzz/afl_main.c: AFL++
 *                       persistent mode, shared-memory test cases (the afl
 *                       preset, afl-clang-fast; FF_AFL=ON).
 * Sanitizers (FF_SANITIZE) apply to the library and the targets alike.
 *
 * A target must not depend on which of these it is built as: the same input
 * gives the same result, byte for byte, under every engine.
 */
#ifndef FOLIOFUZZ_FUZZ_H
#define FOLIOFUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The entry point every engine calls; returns 0 (libFuzzer reserves other
 * values).  A property violation does not return: it aborts. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Optional one-time setup; weak, so a target need not define it.  The
 * replay driver calls it when defined, as libFuzzer does. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/*
 * The run options every target starts from: the default world, the bug
 * knobs named by FOLIOFUZZ_BUGS (parsed once; an unknown knob is a usage
 * error: the target exits 2 before fuzzing anything), and suppression of
 * known findings unless FOLIOFUZZ_NO_SUPPRESS is set; in a kshim build,
 * FOLIOFUZZ_KSHIM_DIFF=1 runs the model beside the tree's code and
 * compares them (run --kshim-diff), FOLIOFUZZ_KSHIM=0 runs the model alone.
 */
#include "foliofuzz/bugs.h"
#include "foliofuzz/harness.h"

/*
 * State feedback (docs/design.md §20.5): after every step the abstract
 * state it reached (ff_state_features, src/harness/feedback.c) is hashed
 * into a coverage map the engine reads beside its edge counters, so a new
 * abstract state is progress even when no new edge ran.  libFuzzer: a
 * fixed array of FF_FEEDBACK_SLOTS one-byte counters in section
 * __libfuzzer_extra_counters (saturating increments).  AFL++: the shared
 * coverage map itself, indices 1 .. __afl_map_size-1 (shared with the
 * edges).  The replay driver has no engine and no hook.  On by default;
 * FOLIOFUZZ_STATE_FEEDBACK=0 turns it off (for comparison).  A target
 * that runs no program defines FF_FUZZ_NO_FEEDBACK (null.c).  The hook
 * itself is kept out of the edge coverage (FF_NO_COVERAGE).
 */
#define FF_FEEDBACK_SLOTS 8192

#if (defined(FF_FUZZ_LIBFUZZER) || defined(FF_FUZZ_AFL)) &&                    \
	!defined(FF_FUZZ_NO_FEEDBACK)
/* Marks the step's features in map[base + feature % slots]: presence, not
 * a count (an abstract state reached again is no progress, and counting
 * hits made the corpus grow by an order of magnitude; docs/benchmarks.md). */
static FF_NO_COVERAGE inline void
ff_feedback_count(unsigned char *map, size_t base, size_t slots,
		  struct ff_world *w, const struct ff_op *op, struct ff_step s)
{
	uint32_t f[FF_STATE_FEATURES];
	size_t n = ff_state_features(w, op, s, f);

	for (size_t i = 0; i < n; i++) {
		unsigned char *c = &map[base + f[i] % slots];

		if (!*c)
			*c = 1;
	}
}
#endif

#if defined(FF_FUZZ_LIBFUZZER) && !defined(FF_FUZZ_NO_FEEDBACK)
__attribute__((used, section("__libfuzzer_extra_counters"))) static uint8_t
	ff_feedback_counters[FF_FEEDBACK_SLOTS];

static FF_NO_COVERAGE void ff_feedback_step(void *ctx, struct ff_world *w,
					    const struct ff_op *op,
					    struct ff_step s)
{
	(void)ctx;
	ff_feedback_count(ff_feedback_counters, 0, FF_FEEDBACK_SLOTS, w, op, s);
}
#define FF_FEEDBACK_HOOK ff_feedback_step
#elif defined(FF_FUZZ_AFL) && !defined(FF_FUZZ_NO_FEEDBACK)
extern unsigned char *__afl_area_ptr; /* AFL++ runtime (afl-compiler-rt) */
extern unsigned int __afl_map_size;

static FF_NO_COVERAGE void ff_feedback_step(void *ctx, struct ff_world *w,
					    const struct ff_op *op,
					    struct ff_step s)
{
	(void)ctx;
	if (__afl_area_ptr && __afl_map_size >= 2) /* index 0 stays free */
		ff_feedback_count(__afl_area_ptr, 1, __afl_map_size - 1, w, op,
				  s);
}
#define FF_FEEDBACK_HOOK ff_feedback_step
#endif

static inline void ff_fuzz_opts(struct ff_run_opts *o)
{
	static int parsed, kshim_diff, feedback;
	static uint64_t bugs;

	if (!parsed) {
		const char *env = getenv("FOLIOFUZZ_BUGS");
		const char *kd = getenv("FOLIOFUZZ_KSHIM_DIFF");
		char err[512];

		kshim_diff = ff_kshim_impl() && kd && strcmp(kd, "0") != 0;
		feedback = ff_state_feedback_wanted();
		if (env && ff_bugs_parse(env, &bugs, err, sizeof(err))) {
			fprintf(stderr, "FOLIOFUZZ_BUGS: %s\n", err);
			exit(2);
		}
		parsed = 1;
	}
	ff_run_opts_default(o);
	o->cfg.bugs = bugs;
	/* Known findings end an input as a pass unless asked otherwise. */
	o->suppress = !getenv("FOLIOFUZZ_NO_SUPPRESS");
	/* kshim builds: the tree's code and the model side by side. */
	o->kshim_diff = kshim_diff;
#ifdef FF_FEEDBACK_HOOK
	/* state feedback to the engine, unless FOLIOFUZZ_STATE_FEEDBACK=0 */
	o->on_step = feedback ? FF_FEEDBACK_HOOK : NULL;
#else
	(void)feedback; /* replay: no engine to feed */
#endif
}

/*
 * Runs one input as target `name` (an op subset, harness/targets.c) and
 * aborts on a broken invariant.  Every foliofuzz target is this call.
 */
/* The target this process fuzzes, once an input ran (the mutator's). */
static const struct ff_target *ff_fuzz_target_of;

static inline int ff_fuzz_one(const char *name, const uint8_t *data,
			      size_t size)
{
	static const struct ff_target *t;
	struct ff_run_opts opts;
	struct ff_result res;
	struct ff_prog prog;

	if (!t) {
		t = ff_target_by_name(name);
		if (!t) {
			fprintf(stderr, "fuzz: unknown target %s\n", name);
			exit(2);
		}
		if (t != &ff_targets[0])
			ff_trace_target = t->name; /* reports name the target */
		ff_fuzz_target_of = t;
	}
	ff_prog_init(&prog);
	ff_decode_target(t, data, size, &prog);
	ff_fuzz_opts(&opts);
	opts.differential = t->differential;
	ff_run(&opts, &prog, &res);
	ff_prog_free(&prog);
	if (res.inv != FF_INV_NONE)
		abort();
	return 0;
}

#ifdef FF_FUZZ_LIBFUZZER
/*
 * libFuzzer's custom mutator and crossover: op-level, on the target's
 * decoded program (src/harness/mutate.c), with libFuzzer's own byte-level
 * mutation one call in three.  On by default: with the default state
 * feedback it beat plain libFuzzer on 8 of the 10 deep knobs
 * (docs/benchmarks.md, "Deep knobs (issue 11, third part)").
 * FOLIOFUZZ_MUTATOR=0 turns it off: every mutation is then libFuzzer's
 * own and crossover splices bytes.
 */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1,
				 const uint8_t *d2, size_t s2, uint8_t *out,
				 size_t max_size, unsigned int seed);

static int ff_op_mutator(void)
{
	static int on = -1;

	if (on < 0) {
		const char *e = getenv("FOLIOFUZZ_MUTATOR");

		on = !e || strcmp(e, "0") != 0;
	}
	return on;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	const struct ff_target *t =
		ff_fuzz_target_of ? ff_fuzz_target_of : &ff_targets[0];
	size_t n;

	/* one call in three keeps libFuzzer's byte mutations (repeated
	 * bytes, comparison operands, dictionary entries) */
	if (!ff_op_mutator() || seed % 3 == 0)
		return LLVMFuzzerMutate(data, size, max_size);
	n = ff_mutate(t, data, size, max_size, seed);
	return n ? n : LLVMFuzzerMutate(data, size, max_size);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1,
				 const uint8_t *d2, size_t s2, uint8_t *out,
				 size_t max_size, unsigned int seed)
{
	const struct ff_target *t =
		ff_fuzz_target_of ? ff_fuzz_target_of : &ff_targets[0];
	if (!ff_op_mutator()) { /* bytes: d1's first half, d2's second */
		size_t a = s1 / 2 < max_size ? s1 / 2 : max_size;
		size_t b = s2 - s2 / 2;

		if (b > max_size - a)
			b = max_size - a;
		memcpy(out, d1, a);
		memcpy(out + a, d2 + s2 / 2, b);
		return a + b;
	}
	return ff_crossover(t, d1, s1, d2, s2, out, max_size, seed);
}
#endif

/* An always-on assert for the fuzz plumbing itself, independent of NDEBUG. */
#define FF_FUZZ_ASSERT(cond)                                                   \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: fuzz assert failed: %s\n",     \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
