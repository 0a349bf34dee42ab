/*
 * mutate.c - op-level structure-aware mutation (docs/design.md §20.1): the
 * bytes of an input are decoded into the target's program, changed as a
 * program, and encoded back in the target's canonical bytes, so every
 * mutant is a whole, valid program of the target.
 *
 * Mutations (one or a few per call): insert a random op of the target's
 * subset with random arguments in range; delete an op; duplicate one, or
 * repeat it as a run of up to 64 (enough to exhaust RAM or device memory,
 * which is where error paths open); swap two neighbours; change one
 * argument within its range; make an op name the same object as another
 * (a dependency); insert a race before a writer op: race_in on the
 * writer's object at one of the writer's own race points (split points
 * before a split, migrate points before a migrate, ...), or, in a target
 * without race_in, a race op (a reader at a reader point) before any op.
 * Crossover splices two programs at op boundaries.  The caller
 * (fuzz/fuzz.h) falls back to byte-level mutation some of the time.
 */
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"

/* splitmix64: the engine's seed gives the same mutants every run */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t below(uint64_t *s, size_t n)
{
	return n ? (size_t)(next(s) % n) : 0;
}

/* A value in [0, range): one time in four a boundary, 0 or range - 1 (a
 * PMD mapping is nr=0, every pass is times=7), else uniform. */
static uint8_t random_arg(uint64_t *s, unsigned int range)
{
	if (below(s, 4) == 0)
		return below(s, 2) ? 0 : (uint8_t)(range - 1);
	return (uint8_t)below(s, range);
}

static void random_args(struct ff_op *op, uint64_t *s)
{
	const struct ff_op_desc *d = &ff_op_table[op->code];

	for (int a = 0; a < d->nargs; a++)
		op->arg[a] = random_arg(s, d->args[a].range);
}

static void random_op(const struct ff_target *t, struct ff_op *op, uint64_t *s)
{
	memset(op, 0, sizeof(*op));
	op->code = ff_target_code(t, (uint8_t)below(s, t->nr_ops));
	random_args(op, s);
}

static void insert(struct ff_prog *p, size_t at, const struct ff_op *op)
{
	if (ff_prog_push(p, op)) /* full */
		return;
	memmove(&p->ops[at + 1], &p->ops[at],
		(p->nr - 1 - at) * sizeof(p->ops[0]));
	p->ops[at] = *op;
}

static void delete (struct ff_prog *p, size_t at)
{
	memmove(&p->ops[at], &p->ops[at + 1],
		(p->nr - at - 1) * sizeof(p->ops[0]));
	p->nr--;
}

/* The index of op's "h" argument, or -1. */
static int handle_arg(const struct ff_op *op)
{
	const struct ff_op_desc *d = &ff_op_table[op->code];

	for (int a = 0; a < d->nargs; a++)
		if (d->args[a].name && strcmp(d->args[a].name, "h") == 0)
			return a;
	return -1;
}

/* The writer race points a writer op passes (design.md §11), as
 * [first, first + n); n = 0 for an op that is no writer. */
static void writer_points(uint8_t code, int *first, int *n)
{
	switch (code) {
	case FF_OP_SPLIT:
		*first = RP_SPLIT_AFTER_UNMAP;
		*n = 4;
		return;
	case FF_OP_MIGRATE:
		*first = RP_MIGRATE_AFTER_UNMAP;
		*n = 4;
		return;
	case FF_OP_FREE:
	case FF_OP_PUT:
		*first = RP_FREE_BEFORE_MERGE;
		*n = 2;
		return;
	case FF_OP_DEV_MIGRATE:
	case FF_OP_DEV_FAULT:
	case FF_OP_DEV_INSERT:
		*first = RP_MVMA_AFTER_SETUP;
		*n = 2;
		return;
	case FF_OP_DAX_FAULT:
	case FF_OP_DAX_TRUNCATE:
		*first = RP_DAX_ASSOCIATE;
		*n = 2;
		return;
	}
	*n = 0;
}

/* A race before the op at `at` (its writer): race_in on the writer's own
 * object at one of its points when the target has race_in and the op is
 * a writer, else a reader op at a reader point. */
static void insert_race(const struct ff_target *t, struct ff_prog *p, size_t at,
			uint64_t *s)
{
	const struct ff_op *w = &p->ops[at];
	int first, n, ha = handle_arg(w);
	struct ff_op op;

	memset(&op, 0, sizeof(op));
	writer_points(w->code, &first, &n);
	if (n && ff_target_byte(t, FF_OP_RACE_IN) >= 0) {
		op.code = FF_OP_RACE_IN;
		random_args(&op, s);
		if (ha >= 0)
			op.arg[1] = w->arg[ha];
		op.arg[3] = (uint8_t)(first - FF_NR_READER_POINTS +
				      (int)below(s, (size_t)n));
	} else if (ff_target_byte(t, FF_OP_RACE) >= 0) {
		op.code = FF_OP_RACE;
		random_args(&op, s);
	} else {
		random_op(t, &op, s);
	}
	insert(p, at, &op);
}

/* One op-level change of p. */
static void mutate_once(const struct ff_target *t, struct ff_prog *p,
			uint64_t *s)
{
	struct ff_op op;
	size_t at = below(s, p->nr + 1);

	switch (p->nr ? below(s, 8) : 0) {
	case 0: /* insert a random op */
		random_op(t, &op, s);
		insert(p, at, &op);
		break;
	case 1: /* delete */
		delete (p, below(s, p->nr));
		break;
	case 2: { /* duplicate, or one time in four a run of up to 64 */
		size_t k = below(s, 4) ? 1 : 1 + below(s, 64);

		at = below(s, p->nr);
		op = p->ops[at];
		while (k--)
			insert(p, at + 1, &op);
		break;
	}
	case 3: /* swap neighbours */
		if (p->nr >= 2) {
			at = below(s, p->nr - 1);
			op = p->ops[at];
			p->ops[at] = p->ops[at + 1];
			p->ops[at + 1] = op;
		}
		break;
	case 4: { /* one argument, within its range */
		struct ff_op *o = &p->ops[below(s, p->nr)];
		const struct ff_op_desc *d = &ff_op_table[o->code];

		if (d->nargs) {
			int a = (int)below(s, (size_t)d->nargs);

			o->arg[a] = random_arg(s, d->args[a].range);
		}
		break;
	}
	case 5: { /* the same object as another op: a dependency */
		struct ff_op *a = &p->ops[below(s, p->nr)];
		const struct ff_op *b = &p->ops[below(s, p->nr)];
		int ia = handle_arg(a), ib = handle_arg(b);

		if (ia >= 0 && ib >= 0)
			a->arg[ia] = b->arg[ib];
		break;
	}
	default: /* a race whose writer is the op after it */
		insert_race(t, p, below(s, p->nr), s);
	}
}

size_t ff_mutate(const struct ff_target *t, uint8_t *data, size_t size,
		 size_t max_size, unsigned int seed)
{
	struct ff_prog p;
	uint64_t s = seed;
	size_t n, rounds = 1 + below(&s, 3);

	ff_prog_init(&p);
	ff_decode_target(t, data, size, &p);
	for (size_t r = 0; r < rounds; r++)
		mutate_once(t, &p, &s);
	/* too big: drop ops from the end until it fits */
	while ((n = ff_encode_target(t, &p, NULL, 0)) > max_size && p.nr)
		p.nr--;
	if (n == (size_t)-1 || n > max_size)
		n = 0;
	else
		ff_encode_target(t, &p, data, n);
	ff_prog_free(&p);
	return n;
}

size_t ff_crossover(const struct ff_target *t, const uint8_t *d1, size_t s1,
		    const uint8_t *d2, size_t s2, uint8_t *out, size_t max_size,
		    unsigned int seed)
{
	struct ff_prog a, b;
	uint64_t s = seed;
	size_t cut_a, cut_b, n;

	ff_prog_init(&a);
	ff_prog_init(&b);
	ff_decode_target(t, d1, s1, &a);
	ff_decode_target(t, d2, s2, &b);
	/* a's head, then b's tail, cut at op boundaries */
	cut_a = below(&s, a.nr + 1);
	cut_b = below(&s, b.nr + 1);
	a.nr = cut_a;
	for (size_t k = cut_b; k < b.nr; k++)
		if (ff_prog_push(&a, &b.ops[k]))
			break;
	while ((n = ff_encode_target(t, &a, NULL, 0)) > max_size && a.nr)
		a.nr--;
	if (n == (size_t)-1 || n > max_size)
		n = 0;
	else
		ff_encode_target(t, &a, out, n);
	ff_prog_free(&a);
	ff_prog_free(&b);
	return n;
}
