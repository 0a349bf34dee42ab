/*
 * test_minimize.c - the op-level minimizer (src/harness/minimize.c) finds
 * small programs that still fail the same way.
 *
 *   (a) synthetic predicate "an alloc of order 3 followed later by a
 *       split": from random programs with such a pair buried in noise,
 *       the result is exactly `alloc order=3 kind=anon obj=0 index=0;
 *       split h=0 order=0 at=0` (every other op gone, every other argument
 *       shrunk to 0), and every candidate the minimizer tried was a
 *       well-formed program no longer than its input;
 *   (b) a program that does not fail is left alone (ff_minimize returns 1);
 *   (c) a real failure: random programs with the knob
 *       type_not_reset_on_free on, built around its seed (alloc a plain
 *       page, set a type, drop the last reference), minimized with
 *       ff_min_fails_inv, end at <= 5 ops that still fail with the same
 *       invariant id with the knob and pass without it.
 *
 * usage: test_minimize        (prints "N passed, N failed"; exit 1 on any)
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/bugs.h"
#include "foliofuzz/harness.h"

#include "check.h"

/* Appends n random ops (random bytes, decoded: always in range). */
static void push_random(struct ff_prog *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t b[1 + FF_MAX_ARGS];
		struct ff_prog one;

		for (size_t k = 0; k < sizeof(b); k++)
			b[k] = (uint8_t)rng();
		ff_prog_init(&one);
		ff_decode(b, sizeof(b), &one);
		ff_prog_push(p, &one.ops[0]);
		ff_prog_free(&one);
	}
}

static void push_op(struct ff_prog *p, int code, int a0, int a1, int a2, int a3)
{
	struct ff_op op = { .code = (uint8_t)code,
			    .arg = { (uint8_t)a0, (uint8_t)a1, (uint8_t)a2,
				     (uint8_t)a3 } };

	ff_prog_push(p, &op);
}

static void print_prog(const char *what, const struct ff_prog *p)
{
	fprintf(stderr, "%s (%zu ops):\n", what, p->nr);
	for (size_t k = 0; k < p->nr; k++) {
		fputs("  ", stderr);
		ff_op_print(stderr, &p->ops[k]);
		fputc('\n', stderr);
	}
}

/* ---- (a), (b): the synthetic predicate */

struct synth {
	size_t max_len; /* no candidate may be longer than the input */
	bool bad_cand;	/* a candidate was out of range or too long */
	unsigned long calls;
};

static bool op_in_range(const struct ff_op *op)
{
	const struct ff_op_desc *d;

	if (op->code >= FF_NR_OPS)
		return false;
	d = &ff_op_table[op->code];
	for (int a = 0; a < FF_MAX_ARGS; a++)
		if (a < d->nargs ? op->arg[a] >= d->args[a].range :
				   op->arg[a] != 0)
			return false;
	return true;
}

/* Fails iff an `alloc order=3` is followed later by a `split`; the step is
 * that split. */
static int alloc3_then_split(const struct ff_prog *p, void *ctx, size_t *step)
{
	struct synth *s = ctx;
	bool seen = false;

	s->calls++;
	if (p->nr > s->max_len)
		s->bad_cand = true;
	for (size_t k = 0; k < p->nr; k++) {
		const struct ff_op *op = &p->ops[k];

		if (!op_in_range(op))
			s->bad_cand = true;
		if (op->code == FF_OP_ALLOC && op->arg[0] == 3)
			seen = true;
		else if (op->code == FF_OP_SPLIT && seen) {
			*step = k;
			return 1;
		}
	}
	return 0;
}

static void test_synthetic(void)
{
	for (int round = 0; round < 40; round++) {
		struct ff_min_stats st;
		struct synth s = { 0 };
		struct ff_prog p;
		size_t before;
		int rc;

		ff_prog_init(&p);
		/* Noise without order-3 allocs or splits, then the pair with
		 * random arguments, with noise between and after. */
		while (p.nr < 20 + (size_t)round) {
			push_random(&p, 1);
			if (p.ops[p.nr - 1].code == FF_OP_SPLIT ||
			    (p.ops[p.nr - 1].code == FF_OP_ALLOC &&
			     p.ops[p.nr - 1].arg[0] == 3))
				p.nr--;
		}
		push_op(&p, FF_OP_ALLOC, 3, (int)(rng() % FF_NR_KINDS),
			(int)(rng() % 2), (int)(rng() % 64));
		push_random(&p, 1 + rng() % 30);
		push_op(&p, FF_OP_SPLIT, (int)(rng() % 64),
			1 + (int)(rng() % 5), (int)(rng() % 64), 0);
		push_random(&p, rng() % 40);
		before = p.nr;
		s.max_len = p.nr;

		rc = ff_minimize(&p, alloc3_then_split, &s, &st);
		CHECK(rc == 0, "round %d: ff_minimize returned %d", round, rc);
		CHECK(!s.bad_cand,
		      "round %d: a candidate was out of range or grew", round);
		CHECK(st.ops_before == before && st.ops_after == p.nr &&
			      st.tries == s.calls,
		      "round %d: stats %zu->%zu in %zu tries, want %zu->%zu "
		      "in %lu",
		      round, st.ops_before, st.ops_after, st.tries, before,
		      p.nr, s.calls);
		if (!CHECK(p.nr == 2 && p.ops[0].code == FF_OP_ALLOC &&
				   p.ops[0].arg[0] == 3 &&
				   p.ops[0].arg[1] == 0 &&
				   p.ops[0].arg[2] == 0 &&
				   p.ops[0].arg[3] == 0 &&
				   p.ops[1].code == FF_OP_SPLIT &&
				   p.ops[1].arg[0] == 0 &&
				   p.ops[1].arg[1] == 0 && p.ops[1].arg[2] == 0,
			   "round %d: not the minimal pair", round))
			print_prog("got", &p);
		ff_prog_free(&p);
	}
}

static void test_not_failing(void)
{
	struct synth s = { .max_len = 1000 };
	struct ff_prog p;
	int rc;

	ff_prog_init(&p);
	push_op(&p, FF_OP_SPLIT, 1, 1, 1, 0);
	push_op(&p, FF_OP_ALLOC, 3, 1, 1, 1);
	rc = ff_minimize(&p, alloc3_then_split, &s, NULL);
	CHECK(rc == 1 && p.nr == 2 && p.ops[0].code == FF_OP_SPLIT &&
		      p.ops[0].arg[0] == 1 && s.calls == 1,
	      "a passing program: rc %d, %zu ops, %lu calls; want 1, 2 "
	      "unchanged, 1",
	      rc, p.nr, s.calls);
	ff_prog_free(&p);
}

/* ---- (c): a real invariant through a bug knob */

static int run_inv(const struct ff_run_opts *o, const struct ff_prog *p)
{
	struct ff_result res;

	ff_run(o, p, &res);
	return res.inv;
}

static void test_knob(void)
{
	struct ff_run_opts on, off;
	FILE *devnull = fopen("/dev/null", "w");
	char err[512];
	int found = 0;

	if (!CHECK(devnull != NULL, "cannot open /dev/null"))
		return;
	ff_run_opts_default(&on);
	on.report = devnull;
	off = on;
	if (!CHECK(ff_bugs_parse("type_not_reset_on_free", &on.cfg.bugs, err,
				 sizeof(err)) == 0,
		   "knob type_not_reset_on_free: %s", err)) {
		fclose(devnull);
		return;
	}

	for (int round = 0; round < 200 && found < 5; round++) {
		struct ff_min_stats st;
		struct ff_min_inv m;
		struct ff_prog p;
		int inv, rc;

		/* The seed's three steps with noise around and between: the
		 * handles may or may not still name the plain page. */
		ff_prog_init(&p);
		push_op(&p, FF_OP_ALLOC, 0, FF_KIND_PLAIN, 0, 0);
		push_random(&p, rng() % 8);
		push_op(&p, FF_OP_SET_TYPE, 0, 0, 0, 0);
		push_random(&p, rng() % 8);
		push_op(&p, FF_OP_PUT, 0, 0, 0, 0);
		push_random(&p, 10 + rng() % 20);
		inv = run_inv(&on, &p);
		if (inv == FF_INV_NONE || p.nr < 15) {
			ff_prog_free(&p);
			continue;
		}
		found++;
		m = (struct ff_min_inv){ .opts = &on, .inv = inv };
		rc = ff_minimize(&p, ff_min_fails_inv, &m, &st);
		CHECK(rc == 0, "round %d: ff_minimize returned %d", round, rc);
		CHECK(p.nr <= 5, "round %d: %s: %zu ops -> %zu, want <= 5",
		      round, ff_invs[inv].id, st.ops_before, p.nr);
		CHECK(run_inv(&on, &p) == inv,
		      "round %d: the result no longer fails with %s", round,
		      ff_invs[inv].id);
		CHECK(run_inv(&off, &p) == FF_INV_NONE,
		      "round %d: the result fails without the knob", round);
		CHECK(m.runs == st.tries, "round %d: %lu runs, %zu tries",
		      round, m.runs, st.tries);
		if (nr_failed)
			print_prog("minimized", &p);
		ff_prog_free(&p);
	}
	CHECK(found >= 3, "only %d failing programs with the knob on", found);
	fclose(devnull);
}

int main(void)
{
	rng_state = 0x6d696e696d697a65ULL;
	test_synthetic();
	test_not_failing();
	test_knob();
	printf("test_minimize: %u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed ? 1 : 0;
}
