/*
 * enumerate.c - `foliofuzz enumerate`: every program up to a depth in a
 * small world, breadth first, each distinct state expanded once
 * (docs/design.md §24).
 *
 * The data flow, per frontier node (a program that passed every check,
 * teardown included, and reached a state not seen before):
 *
 *   candidate transitions (domains below) -> node's program + transition
 *   -> ff_run (full check after every step, teardown, I_LEAK)
 *   -> violation: a counterexample, shortest by construction
 *   -> else ff_state_hash at the last step -> visited set -> new: frontier
 *
 * Each node stores its program; expanding it reruns the program with the
 * normal runner, whose world recycling makes the restore cheap.  A race
 * op takes the op after it as its writer (§11), so a race op and its
 * writers are one transition of two or three ops: a node never ends in a
 * race op waiting for a writer.  Frontier levels are indexed by program
 * length in ops, so a two-op transition from depth d lands at depth d+2
 * and the search stays shortest-first in ops.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "foliofuzz/enumerate.h"

const struct ff_prog *ff_enum_running;

void ff_enum_opts_default(struct ff_enum_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->target = &ff_targets[0];
	ff_config_default(&o->cfg);
	o->cfg.nr_pfns = 16;
	o->cfg.max_order = 2;
	o->depth = 4;
	o->seconds = 60;
	o->max_states = 1000000;
	o->suppress = 1;
}

/* ---- finite argument domains (docs/design.md §24 has the table) */

enum dom {
	D_ZERO,	 /* 0 */
	D_LIST,	 /* the values listed */
	D_ALL,	 /* every value of the argument's range */
	D_H,	 /* a live object: 0 .. live-1 */
	D_ORDER, /* 0 .. max_order */
	D_SPLIT, /* a split's new order: 0 .. max_order-1 */
	D_OBJ,	 /* alloc: every anon_vma (anon), file (file), else 0 */
	D_NR,	 /* map/unmap nr: one page, the PMD (0), the whole folio */
	D_PFN,	 /* race_pfn pfn_lo: the first RAM, device, DAX pfns */
};

struct arg_dom {
	uint8_t op, arg, dom, n;
	uint8_t v[6];
};

/* Arguments not listed are 0. */
static const struct arg_dom doms[] = {
	{ FF_OP_ALLOC, 0, D_ORDER, 0, { 0 } },
	{ FF_OP_ALLOC, 1, D_ALL, 0, { 0 } },
	{ FF_OP_ALLOC, 2, D_OBJ, 0, { 0 } },
	{ FF_OP_GET, 0, D_H, 0, { 0 } },
	{ FF_OP_PUT, 0, D_H, 0, { 0 } },
	{ FF_OP_FREE, 0, D_H, 0, { 0 } },
	{ FF_OP_SET_TYPE, 0, D_H, 0, { 0 } },
	{ FF_OP_SET_TYPE, 1, D_ALL, 0, { 0 } },
	{ FF_OP_CLEAR_TYPE, 0, D_H, 0, { 0 } },
	{ FF_OP_CLEAR_TYPE, 1, D_ALL, 0, { 0 } },
	{ FF_OP_MAP, 0, D_H, 0, { 0 } },
	{ FF_OP_MAP, 1, D_LIST, 2, { 0, 1 } },
	{ FF_OP_MAP, 2, D_LIST, 2, { 0, 1 } },
	{ FF_OP_MAP, 3, D_NR, 0, { 0 } },
	{ FF_OP_UNMAP, 0, D_H, 0, { 0 } },
	{ FF_OP_UNMAP, 1, D_LIST, 2, { 0, 1 } },
	{ FF_OP_UNMAP, 2, D_LIST, 2, { 0, 1 } },
	{ FF_OP_UNMAP, 3, D_NR, 0, { 0 } },
	{ FF_OP_SPLIT, 0, D_H, 0, { 0 } },
	{ FF_OP_SPLIT, 1, D_SPLIT, 0, { 0 } },
	{ FF_OP_MIGRATE, 0, D_H, 0, { 0 } },
	{ FF_OP_DEV_MIGRATE, 0, D_H, 0, { 0 } },
	{ FF_OP_DEV_MIGRATE, 1, D_LIST, 2, { 0, 1 } },
	{ FF_OP_DEV_FAULT, 0, D_H, 0, { 0 } },
	{ FF_OP_DEV_FAULT, 1, D_LIST, 2, { 0, 1 } },
	{ FF_OP_DEV_INSERT, 1, D_LIST, 2, { 0, 1 } },
	{ FF_OP_DEV_UNMAP, 0, D_H, 0, { 0 } },
	{ FF_OP_DAX_FAULT, 0, D_ALL, 0, { 0 } },
	{ FF_OP_DAX_FAULT, 1, D_LIST, 4, { 0, 1, 16, 17 } },
	{ FF_OP_DAX_FAULT, 2, D_LIST, 2, { 0, 1 } },
	{ FF_OP_DAX_PMD_FAULT, 0, D_ALL, 0, { 0 } },
	{ FF_OP_DAX_PMD_FAULT, 1, D_LIST, 4, { 0, 1, 16, 17 } },
	{ FF_OP_DAX_PMD_FAULT, 2, D_LIST, 2, { 0, 1 } },
	{ FF_OP_DAX_UNMAP, 0, D_ALL, 0, { 0 } },
	{ FF_OP_DAX_UNMAP, 1, D_LIST, 4, { 0, 1, 16, 17 } },
	{ FF_OP_DAX_UNMAP, 2, D_LIST, 2, { 0, 1 } },
	{ FF_OP_DAX_TRUNCATE, 0, D_ALL, 0, { 0 } },
	{ FF_OP_DAX_TRUNCATE, 1, D_LIST, 4, { 0, 1, 16, 17 } },
	{ FF_OP_DAX_BUSY, 0, D_ALL, 0, { 0 } },
	{ FF_OP_DAX_BUSY, 1, D_LIST, 4, { 0, 1, 16, 17 } },
	/* race ops: reader, h, page (0 and the last page: 63 modulo a
	 * power of two), point; their writers are appended */
	{ FF_OP_RACE, 0, D_ALL, 0, { 0 } },
	{ FF_OP_RACE, 1, D_H, 0, { 0 } },
	{ FF_OP_RACE, 2, D_LIST, 2, { 0, 63 } },
	{ FF_OP_RACE, 3, D_ALL, 0, { 0 } },
	{ FF_OP_RACE_PFN, 0, D_ALL, 0, { 0 } },
	{ FF_OP_RACE_PFN, 2, D_PFN, 0, { 0 } },
	{ FF_OP_RACE_PFN, 3, D_ALL, 0, { 0 } },
	{ FF_OP_PFN_WALK, 0, D_ALL, 0, { 0 } },
	{ FF_OP_PFN_WALK, 3, D_LIST, 1, { 255 } },
	{ FF_OP_RACE_REP, 0, D_ALL, 0, { 0 } },
	{ FF_OP_RACE_REP, 1, D_H, 0, { 0 } },
	{ FF_OP_RACE_REP, 2, D_LIST, 2, { 0, 63 } },
	{ FF_OP_RACE_REP, 3, D_ALL, 0, { 0 } },
	{ FF_OP_RACE_REP, 4, D_LIST, 1, { 1 } },
	/* race_in is aimed at its writer (aimed_race_in below) */
};

/* The values of argument a of op code; returns how many. */
static size_t arg_values(const struct ff_enum_opts *o, uint8_t code, unsigned a,
			 unsigned live, uint8_t kind, uint8_t *v)
{
	const struct ff_arg_desc *d = &ff_op_table[code].args[a];
	const struct ff_config *c = &o->cfg;
	size_t n = 0;

	for (size_t i = 0; i < sizeof(doms) / sizeof(doms[0]); i++) {
		const struct arg_dom *r = &doms[i];

		if (r->op != code || r->arg != a)
			continue;
		switch (r->dom) {
		case D_LIST:
			memcpy(v, r->v, r->n);
			return r->n;
		case D_ALL:
			for (unsigned x = 0; x < d->range && x < 256; x++)
				v[n++] = (uint8_t)x;
			return n;
		case D_H:
			for (unsigned x = 0; x < live && x < 256; x++)
				v[n++] = (uint8_t)x;
			return n;
		case D_ORDER:
			for (unsigned x = 0; x <= c->max_order; x++)
				v[n++] = (uint8_t)x;
			return n;
		case D_SPLIT:
			for (unsigned x = 0; x < c->max_order; x++)
				v[n++] = (uint8_t)x;
			return n;
		case D_OBJ:
			v[n++] = 0;
			if (kind == FF_KIND_ANON || kind == FF_KIND_FILE)
				v[n++] = 1;
			if (kind == FF_KIND_FILE)
				v[n++] = 2;
			return n;
		case D_NR:
			v[n++] = 1;
			v[n++] = 0;
			if (c->max_order)
				v[n++] = (uint8_t)(1U << c->max_order);
			return n;
		case D_PFN: {
			unsigned long pfns[3] = { 0, c->nr_pfns,
						  c->nr_pfns + c->nr_devpriv };

			for (int k = 0; k < 3; k++)
				if (!k || pfns[k] != pfns[k - 1])
					v[n++] = (uint8_t)pfns[k];
			return n;
		}
		}
	}
	v[0] = 0;
	return 1;
}

static bool is_race(uint8_t code)
{
	return code == FF_OP_RACE || code == FF_OP_RACE_PFN ||
	       code == FF_OP_RACE_IN || code == FF_OP_RACE_REP;
}

/* race: the reader points a reader passes (§11).  A reader at a point it
 * never reaches runs before its writer, which kpageflags at after_page
 * already stands for. */
static bool reader_point_ok(uint8_t reader, uint8_t point)
{
	switch (reader) {
	case FF_READER_SNAPSHOT:
	case FF_READER_KPAGECOUNT:
		return point <= RP_SNAP_AFTER_PAGE2;
	case FF_READER_KPAGEFLAGS:
		return point == RP_SNAP_AFTER_PAGE;
	default:
		return point >= RP_GUP_AFTER_READ &&
		       point < FF_NR_READER_POINTS;
	}
}

/* The writer points an op passes (§11), as [first, first + n). */
static int writer_points(uint8_t code, int *first)
{
	switch (code) {
	case FF_OP_SPLIT:
		*first = RP_SPLIT_AFTER_UNMAP;
		return 4;
	case FF_OP_MIGRATE:
		*first = RP_MIGRATE_AFTER_UNMAP;
		return 4;
	case FF_OP_FREE:
	case FF_OP_PUT:
		*first = RP_FREE_BEFORE_MERGE;
		return 2;
	case FF_OP_DEV_MIGRATE:
	case FF_OP_DEV_FAULT:
	case FF_OP_DEV_INSERT:
		*first = RP_MVMA_AFTER_SETUP;
		return 2;
	case FF_OP_DAX_FAULT:
	case FF_OP_DAX_PMD_FAULT:
	case FF_OP_DAX_TRUNCATE:
		*first = RP_DAX_ASSOCIATE;
		return 2;
	}
	return 0;
}

/* The DAX region offset of (file, index), as dax_init_region() lays the
 * files out (src/fs/dax.c): d0 and d1 the first half, d2 the second, d3
 * the upper quarter. */
static unsigned dax_page(const struct ff_config *c, uint8_t file, uint8_t idx)
{
	unsigned half = c->nr_dax / 2, quarter = c->nr_dax / 4;

	switch (file % FF_NR_DAX_FILES) {
	case 0:
	case 1:
		return idx;
	case 2:
		return half + idx;
	default:
		return half + quarter + idx;
	}
}

/* race_in's page: the writer's DAX page (and the next) with no live
 * object, else the object's first or last page (63 modulo its size); the
 * argument's range is 2^FF_MAX_ORDER, the DAX region a multiple of it or
 * smaller (race.c takes page modulo nr_dax). */
static uint8_t page_arg(const struct ff_config *c, bool dax,
			const struct ff_op *wr, int pg)
{
	if (dax)
		return (uint8_t)((dax_page(c, wr->arg[0], wr->arg[1]) + pg) %
				 (1U << FF_MAX_ORDER));
	return pg ? 63 : 0;
}

/* An op of the target (and of --ops).  race_rep only when --ops names
 * it: its two writers square the branching factor (every ordered pair of
 * single ops); target ops without it completes depth 2 in 60 s instead
 * of depth 1 (docs/benchmarks.md, "enumerate"). */
static bool allowed(const struct ff_enum_opts *o, uint8_t code)
{
	if (ff_target_byte(o->target, code) < 0)
		return false;
	if (!o->ops)
		return code != FF_OP_RACE_REP;
	return (o->ops >> code) & 1;
}

static void trans_push(struct ff_enum_trans *t, const struct ff_op *ops,
		       uint8_t n)
{
	if (t->nr == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->lens = realloc(t->lens, t->cap);
		if (!t->lens)
			abort(); /* host out of memory */
	}
	t->lens[t->nr++] = n;
	if (t->ops.nr + n > t->ops.cap) { /* no FF_MAX_PROG bound here */
		t->ops.cap = t->ops.cap ? t->ops.cap * 2 : 1024;
		t->ops.ops = realloc(t->ops.ops, t->ops.cap * sizeof(*ops));
		if (!t->ops.ops)
			abort();
	}
	memcpy(&t->ops.ops[t->ops.nr], ops, n * sizeof(*ops));
	t->ops.nr += n;
}

/* Whether live object h has more than one page (a node's `large`: bit h
 * for the first 23 objects, bit 23 for any of the rest), so that a race's
 * last page differs from its first. */
static bool is_large(uint32_t large, unsigned h)
{
	return (large >> (h < 23 ? h : 23)) & 1;
}

/* Every op of code over its domains, into out (singles). */
static void expand_op(const struct ff_enum_opts *o, uint8_t code, unsigned live,
		      uint32_t large, struct ff_enum_trans *out)
{
	const struct ff_op_desc *d = &ff_op_table[code];
	uint8_t vals[FF_MAX_ARGS][256];
	size_t nv[FF_MAX_ARGS], idx[FF_MAX_ARGS] = { 0 };
	struct ff_op op;

	if (code == FF_OP_ALLOC) { /* obj's domain depends on kind */
		for (unsigned kind = 0; kind < FF_NR_KINDS; kind++) {
			uint8_t ord[8], obj[4];
			size_t no = arg_values(o, code, 0, live, 0, ord);
			size_t nb = arg_values(o, code, 2, live, (uint8_t)kind,
					       obj);

			for (size_t a = 0; a < no; a++)
				for (size_t b = 0; b < nb; b++) {
					memset(&op, 0, sizeof(op));
					op.code = code;
					op.arg[0] = ord[a];
					op.arg[1] = (uint8_t)kind;
					op.arg[2] = obj[b];
					trans_push(out, &op, 1);
				}
		}
		return;
	}
	for (unsigned a = 0; a < d->nargs; a++) {
		nv[a] = arg_values(o, code, a, live, 0, vals[a]);
		if (!nv[a])
			return; /* no live object to name */
	}
	for (;;) {
		unsigned a;

		memset(&op, 0, sizeof(op));
		op.code = code;
		for (a = 0; a < d->nargs; a++)
			op.arg[a] = vals[a][idx[a]];
		if ((code == FF_OP_MAP || code == FF_OP_UNMAP) &&
		    !is_large(large, op.arg[0]) &&
		    (op.arg[2] != 0 || op.arg[3] != 1))
			; /* a small folio: its one page, by PTE */
		else if (code != FF_OP_RACE && code != FF_OP_RACE_REP)
			trans_push(out, &op, 1);
		else if (reader_point_ok(op.arg[0], op.arg[3]) &&
			 (op.arg[2] == 0 || is_large(large, op.arg[1])))
			trans_push(out, &op, 1); /* a head: writers added */
		for (a = 0; a < d->nargs; a++) {
			if (++idx[a] < nv[a])
				break;
			idx[a] = 0;
		}
		if (a == d->nargs)
			return;
	}
}

void ff_enum_transitions(const struct ff_enum_opts *o, unsigned live,
			 uint32_t large, struct ff_enum_trans *out)
{
	struct ff_enum_trans singles = { 0 }, heads = { 0 };

	ff_prog_init(&singles.ops);
	ff_prog_init(&heads.ops);
	for (uint8_t code = 0; code < FF_OP_RESERVED; code++) {
		if (!allowed(o, code) || code == FF_OP_RACE_IN)
			continue;
		expand_op(o, code, live, large,
			  is_race(code) ? &heads : &singles);
	}
	/* the single ops */
	for (size_t i = 0; i < singles.nr; i++)
		trans_push(out, &singles.ops.ops[i], 1);
	/* race, race_pfn: a reader and one writer; race_rep: two writers */
	for (size_t i = 0; i < heads.nr; i++) {
		struct ff_op t[3];

		t[0] = heads.ops.ops[i];
		for (size_t a = 0; a < singles.nr; a++) {
			t[1] = singles.ops.ops[a];
			if (t[0].code != FF_OP_RACE_REP) {
				trans_push(out, t, 2);
				continue;
			}
			for (size_t b = 0; b < singles.nr; b++) {
				t[2] = singles.ops.ops[b];
				trans_push(out, t, 3);
			}
		}
	}
	/* race_in, aimed: every reader at each of the writer's own points,
	 * on the writer's object (its page 0 and last page), a pass or every
	 * pass (times 0 and 7) */
	if (allowed(o, FF_OP_RACE_IN))
		for (size_t a = 0; a < singles.nr; a++) {
			const struct ff_op *wr = &singles.ops.ops[a];
			const struct ff_op_desc *d = &ff_op_table[wr->code];
			int first, np = writer_points(wr->code, &first);
			/* with no live object race_in's page names a DAX pfn:
			 * the page the DAX writer faults or truncates */
			bool dax = !live && np && first == RP_DAX_ASSOCIATE;
			uint8_t h = 0;
			struct ff_op t[2];

			if (!np || (!live && !dax))
				continue;
			for (unsigned k = 0; k < d->nargs; k++)
				if (strcmp(d->args[k].name, "h") == 0)
					h = wr->arg[k];
			for (uint8_t r = 0; r < FF_NR_READERS; r++)
				for (int p = first; p < first + np; p++)
					for (int pg = 0; pg < 2; pg++)
						for (int tm = 0; tm < 2; tm++) {
							/* one page of a small
							 * folio; every pass
							 * only where a point
							 * passes more than once */
							if ((pg && !dax &&
							     !is_large(large,
								       h)) ||
							    (tm &&
							     p != RP_SPLIT_TAIL &&
							     p != RP_FREE_MERGE))
								continue;
							memset(t, 0, sizeof(t));
							t[0].code =
								FF_OP_RACE_IN;
							t[0].arg[0] = r;
							t[0].arg[1] = h;
							t[0].arg[2] = page_arg(
								&o->cfg, dax,
								wr, pg);
							t[0].arg[3] =
								(uint8_t)(p -
									  FF_NR_READER_POINTS);
							t[0].arg[4] =
								tm ? 7 : 0;
							t[1] = *wr;
							trans_push(out, t, 2);
						}
		}
	ff_enum_trans_free(&singles);
	ff_enum_trans_free(&heads);
}

void ff_enum_trans_free(struct ff_enum_trans *t)
{
	ff_prog_free(&t->ops);
	free(t->lens);
	memset(t, 0, sizeof(*t));
}

/* ---- the visited set: open addressing over 128-bit hashes */

struct visited {
	struct ff_state_hash *slot; /* lo == 0 && hi == 0: empty */
	size_t mask, nr, max;
};

static void visited_init(struct visited *v, size_t max)
{
	size_t cap = 16;

	while (cap < 2 * max)
		cap *= 2;
	v->slot = calloc(cap, sizeof(*v->slot));
	if (!v->slot)
		abort();
	v->mask = cap - 1;
	v->nr = 0;
	v->max = max;
}

/* 1: new, 0: seen, -1: new but the set is full (not kept). */
static int visited_add(struct visited *v, struct ff_state_hash h)
{
	size_t i;

	h.lo |= 1; /* never the empty slot */
	for (i = h.lo & v->mask; v->slot[i].lo; i = (i + 1) & v->mask)
		if (v->slot[i].lo == h.lo && v->slot[i].hi == h.hi)
			return 0;
	if (v->nr >= v->max)
		return -1;
	v->slot[i] = h;
	v->nr++;
	return 1;
}

/* ---- the search */

struct level {
	struct ff_op *ops; /* nr programs of len ops each */
	uint32_t *live;	   /* each node's live objects, and large << 8 */
	size_t nr, cap;
};

static void level_push(struct level *l, unsigned len, const struct ff_op *ops,
		       uint32_t live)
{
	if (l->nr == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->ops = realloc(l->ops,
				 l->cap * (len ? len : 1) * sizeof(*l->ops));
		l->live = realloc(l->live, l->cap * sizeof(*l->live));
		if (!l->ops || !l->live)
			abort(); /* host out of memory */
	}
	if (len)
		memcpy(&l->ops[l->nr * len], ops, len * sizeof(*ops));
	l->live[l->nr++] = live;
}

static void level_free(struct level *l)
{
	free(l->ops);
	free(l->live);
	memset(l, 0, sizeof(*l));
}

#define TR_CACHE 1024

struct hook {
	const struct ff_prog *prog;
	struct ff_state_hash hash;
	uint32_t live; /* nr_objs, and which may be large << 8 */
	bool hashed;
};

/* After each step: the state after the program's last op, before
 * teardown (a race op's step covers its writers). */
static void on_step(void *ctx, struct ff_world *w, const struct ff_op *op,
		    struct ff_step s)
{
	struct hook *h = ctx;
	size_t k = (size_t)(op - h->prog->ops);

	(void)s;
	if (k + w->consumed + 1 >= h->prog->nr && !ff_world_failed(w)) {
		h->hash = ff_state_hash(w);
		h->live = w->nr_objs < 255 ? w->nr_objs : 255;
		for (uint32_t i = 0; i < w->nr_objs; i++)
			if (w->objs[i].order)
				h->live |= 1U << (8 + (i < 23 ? i : 23));
		h->hashed = true;
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t mem_of(const struct visited *v, const struct level *lv,
		     unsigned n)
{
	size_t m = (v->mask + 1) * sizeof(*v->slot);

	for (unsigned d = 0; d < n; d++)
		m += lv[d].cap *
		     ((d ? d : 1) * sizeof(struct ff_op) + sizeof(*lv[d].live));
	return m;
}

void ff_enumerate(const struct ff_enum_opts *o, struct ff_enum_result *res)
{
	unsigned D = o->depth, best_len = 0;
	struct level *lv = calloc(D + 1, sizeof(*lv));
	/* transitions by node info (live | large << 8), direct-mapped */
	struct ff_enum_trans *tr = calloc(TR_CACHE, sizeof(*tr));
	uint32_t *tr_key = calloc(TR_CACHE, sizeof(*tr_key));
	bool *tr_done = calloc(TR_CACHE, sizeof(*tr_done));
	struct visited vis;
	struct ff_run_opts ro;
	struct ff_result r;
	struct ff_prog prog;
	struct hook hk;
	FILE *devnull = fopen("/dev/null", "w");
	double t0 = now();
	unsigned cut_at = ~0U;

	if (!lv || !tr || !tr_key || !tr_done || !devnull)
		abort();
	memset(res, 0, sizeof(*res));
	ff_prog_init(&res->prog);
	ff_prog_init(&prog);
	visited_init(&vis, o->max_states ? o->max_states : 1);

	ff_run_opts_default(&ro);
	ro.cfg = o->cfg;
	ro.differential = o->target->differential;
	ro.suppress = o->suppress;
	ro.report = devnull;
	ro.on_step = on_step;
	ro.on_step_ctx = &hk;

	/* the empty world */
	hk.prog = &prog;
	hk.hashed = false;
	ff_run(&ro, &prog, &r);
	res->programs++;
	if (r.inv != FF_INV_NONE) {
		res->found = true;
		res->inv = r.inv;
		goto out;
	}
	{
		struct ff_world *w = ff_world_create(&o->cfg);

		visited_add(&vis, ff_state_hash(w));
		ff_world_destroy(w);
	}
	level_push(&lv[0], 0, NULL, 0);

	for (unsigned d = 0; d < D; d++) {
		struct level *cur = &lv[d];

		if (best_len && best_len <= d + 1)
			break;
		for (size_t i = 0; i < cur->nr; i++) {
			uint32_t info = cur->live[i];
			size_t slot =
				(info * 0x9e3779b1U) >> 22 & (TR_CACHE - 1);
			struct ff_enum_trans *t = &tr[slot];
			size_t at = 0;

			res->expanded++;
			if (!tr_done[slot] || tr_key[slot] != info) {
				if (tr_done[slot])
					ff_enum_trans_free(t);
				ff_prog_init(&t->ops);
				ff_enum_transitions(o, info & 0xff, info >> 8,
						    t);
				tr_done[slot] = true;
				tr_key[slot] = info;
			}
			for (size_t j = 0; j < t->nr; at += t->lens[j++]) {
				unsigned len = d + t->lens[j];
				int add;

				if (len > D || (best_len && len >= best_len))
					continue;
				prog.nr = 0;
				for (unsigned k = 0; k < d; k++)
					ff_prog_push(&prog,
						     &cur->ops[i * d + k]);
				for (unsigned k = 0; k < t->lens[j]; k++)
					ff_prog_push(&prog,
						     &t->ops.ops[at + k]);
				hk.hashed = false;
				ff_enum_running = &prog;
				ff_run(&ro, &prog, &r);
				ff_enum_running = NULL;
				if ((++res->programs & 63) == 0 &&
				    o->seconds > 0 && now() - t0 >= o->seconds)
					res->cut_time =
						true; /* after this one */
				if (r.inv != FF_INV_NONE) {
					best_len = len;
					res->found = true;
					res->inv = r.inv;
					res->prog.nr = 0;
					for (size_t k = 0; k < prog.nr; k++)
						ff_prog_push(&res->prog,
							     &prog.ops[k]);
					if (len == d + 1 || res->cut_time)
						goto out;
					continue;
				}
				if (r.finding != FF_FINDING_NONE ||
				    r.expected >= 0 || !hk.hashed) {
					res->dead++;
					if (res->cut_time)
						goto out;
					continue;
				}
				add = visited_add(&vis, hk.hash);
				if (add == 0) {
					res->deduped++;
				} else if (add < 0) {
					res->cut_states = true;
					if (len < cut_at)
						cut_at = len;
				} else {
					level_push(&lv[len], len, prog.ops,
						   hk.live);
				}
				if (res->cut_time)
					goto out;
			}
		}
		level_free(cur);
		res->depth_done = d + 1;
		if (o->progress) {
			double t = now() - t0;

			fprintf(o->progress,
				"enumerate: depth %u: %zu states (+%zu new), "
				"frontier %zu, %llu programs, %.0f states/s, "
				"%.1f MiB\n",
				d + 1, vis.nr, lv[d + 1 <= D ? d + 1 : D].nr,
				lv[d + 1 <= D ? d + 1 : D].nr,
				(unsigned long long)res->programs,
				t > 0 ? (double)vis.nr / t : 0,
				(double)mem_of(&vis, lv, D + 1) / 1048576.0);
			fflush(o->progress);
		}
	}
out:
	if (cut_at != ~0U && res->depth_done > cut_at)
		res->depth_done = cut_at;
	/* shortest when every shorter program ran: not so when a race
	 * transition's violation was found and then the time limit cut the
	 * level before it, or a state before it was not kept */
	res->shortest = res->found && best_len <= res->depth_done + 1;
	res->states = vis.nr;
	for (unsigned d = 0; d <= D; d++)
		res->frontier += lv[d].nr;
	res->secs = now() - t0;
	res->mem = mem_of(&vis, lv, D + 1);
	for (unsigned d = 0; d <= D; d++)
		level_free(&lv[d]);
	for (int i = 0; i < TR_CACHE; i++)
		if (tr_done[i])
			ff_enum_trans_free(&tr[i]);
	free(lv);
	free(tr);
	free(tr_key);
	free(tr_done);
	free(vis.slot);
	ff_prog_free(&prog);
	fclose(devnull);
}
