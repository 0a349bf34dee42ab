/*
 * minimize.c - op-level delta debugging of a failing program (docs/design.md §19:
 * "op-level minimize that keeps the same invariant id").
 *
 * The minimizer knows nothing about invariants: it shrinks a program while
 * a predicate says "still fails".  ff_min_fails_inv() is the predicate the
 * CLI uses (fails with the same invariant id); tests drive the algorithm
 * with synthetic predicates.  Stages, each keeping only candidates the
 * predicate accepts:
 *   1. drop every op after the failing step (the predicate reports it);
 *   2. ddmin: remove chunks of len/n ops, n = 2, 4, ... up to single ops;
 *   3. remove single ops, last to first, until none can go;
 *   4. shrink each argument toward 0: try 0, then halving, then v - 1.
 * Stages 3 and 4 repeat while they make progress (a smaller argument can
 * make an op removable, e.g. a handle that now names an earlier object).
 * Byte-level minimization is the engines' job (scripts/minimize.sh).
 */
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"

#define MAX_ROUNDS 8 /* stage 3+4 repetitions; each must make progress */

struct min_state {
	ff_min_pred fails;
	void *ctx;
	struct ff_op *scratch; /* candidate ops, as many as the input */
	struct ff_min_stats *st;
};

/* Runs the predicate on ops[0..nr); *step as the predicate reports it. */
static int try_ops(struct min_state *s, struct ff_op *ops, size_t nr,
		   size_t *step)
{
	struct ff_prog cand = { .ops = ops, .nr = nr, .cap = nr };

	s->st->tries++;
	*step = nr;
	return s->fails(&cand, s->ctx, step);
}

/* Keeps prog[0..step] when the failing step is not the last op. */
static void truncate_after(struct min_state *s, struct ff_prog *prog,
			   size_t step)
{
	while (step + 1 < prog->nr) {
		size_t nstep;

		if (!try_ops(s, prog->ops, step + 1, &nstep))
			return;
		prog->nr = step + 1;
		step = nstep;
	}
}

/* prog without ops [from, from + n) into the scratch buffer; its length. */
static size_t without(struct min_state *s, const struct ff_prog *prog,
		      size_t from, size_t n)
{
	memcpy(s->scratch, prog->ops, from * sizeof(*prog->ops));
	memcpy(s->scratch + from, prog->ops + from + n,
	       (prog->nr - from - n) * sizeof(*prog->ops));
	return prog->nr - n;
}

static void accept_scratch(struct min_state *s, struct ff_prog *prog, size_t nr,
			   size_t step)
{
	memcpy(prog->ops, s->scratch, nr * sizeof(*prog->ops));
	prog->nr = nr;
	truncate_after(s, prog, step);
}

/* Stage 2: complement-only ddmin (Zeller), chunks from the end first. */
static void ddmin(struct min_state *s, struct ff_prog *prog)
{
	size_t n = 2;

	while (prog->nr >= 2) {
		size_t chunk = (prog->nr + n - 1) / n;
		bool removed = false;

		for (size_t i = n; i-- > 0;) {
			size_t from = i * chunk, len, nr, step;

			if (from >= prog->nr)
				continue;
			len = prog->nr - from < chunk ? prog->nr - from : chunk;
			nr = without(s, prog, from, len);
			if (try_ops(s, s->scratch, nr, &step)) {
				accept_scratch(s, prog, nr, step);
				removed = true;
				break;
			}
		}
		if (removed) {
			n = n > 2 ? n - 1 : 2;
			continue;
		}
		if (n >= prog->nr)
			break;
		n = n * 2 < prog->nr ? n * 2 : prog->nr;
	}
}

/* Stage 3; true when an op went. */
static bool remove_singles(struct min_state *s, struct ff_prog *prog)
{
	bool progress = false;

	for (size_t i = prog->nr; i-- > 0;) {
		size_t nr, step;

		if (i >= prog->nr)
			continue;
		nr = without(s, prog, i, 1);
		if (try_ops(s, s->scratch, nr, &step)) {
			accept_scratch(s, prog, nr, step);
			progress = true;
		}
	}
	return progress;
}

/* Tries argument a of op k at value v; keeps it when it still fails. */
static bool try_arg(struct min_state *s, struct ff_prog *prog, size_t k, int a,
		    unsigned int v)
{
	uint8_t old = prog->ops[k].arg[a];
	size_t step;

	prog->ops[k].arg[a] = (uint8_t)v;
	if (try_ops(s, prog->ops, prog->nr, &step)) {
		truncate_after(s, prog, step);
		return true;
	}
	prog->ops[k].arg[a] = old;
	return false;
}

/* Stage 4; true when an argument got smaller. */
static bool shrink_args(struct min_state *s, struct ff_prog *prog)
{
	bool progress = false;

	for (size_t k = 0; k < prog->nr; k++) {
		int nargs = ff_op_table[prog->ops[k].code].nargs;

		for (int a = 0; a < nargs && k < prog->nr; a++) {
			unsigned int v = prog->ops[k].arg[a];

			if (v == 0)
				continue;
			if (try_arg(s, prog, k, a, 0)) {
				progress = true;
				continue;
			}
			while (v > 1 && k < prog->nr &&
			       try_arg(s, prog, k, a, v / 2)) {
				v /= 2;
				progress = true;
			}
			while (v > 1 && k < prog->nr &&
			       try_arg(s, prog, k, a, v - 1)) {
				v--;
				progress = true;
			}
		}
	}
	return progress;
}

int ff_minimize(struct ff_prog *prog, ff_min_pred fails, void *ctx,
		struct ff_min_stats *st)
{
	struct ff_min_stats dummy;
	struct min_state s = { .fails = fails, .ctx = ctx };
	size_t step;

	s.st = st ? st : &dummy;
	memset(s.st, 0, sizeof(*s.st));
	s.st->ops_before = prog->nr;
	s.st->ops_after = prog->nr;
	if (!try_ops(&s, prog->ops, prog->nr, &step))
		return 1;
	s.scratch = malloc((prog->nr ? prog->nr : 1) * sizeof(*prog->ops));
	if (!s.scratch)
		return -1;

	truncate_after(&s, prog, step);
	ddmin(&s, prog);
	for (int round = 0; round < MAX_ROUNDS; round++) {
		bool progress = remove_singles(&s, prog);

		progress |= shrink_args(&s, prog);
		if (!progress)
			break;
	}
	free(s.scratch);
	s.st->ops_after = prog->nr;
	return 0;
}

int ff_min_fails_inv(const struct ff_prog *prog, void *ctx, size_t *step)
{
	struct ff_min_inv *m = ctx;
	struct ff_result res;

	ff_run(m->opts, prog, &res);
	m->runs++;
	*step = res.step;
	return res.inv != FF_INV_NONE && res.inv == m->inv;
}
