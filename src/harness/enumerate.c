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
#define _POSIX_C_SOURCE 200809L /* clock_gettime, kill */
#define _DEFAULT_SOURCE		/* MAP_ANONYMOUS */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
	bool grow; /* no bound: doubles when half full (a worker's set) */
};

static void visited_init(struct visited *v, size_t max, bool grow)
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
	v->grow = grow;
}

static size_t visited_find(const struct visited *v, struct ff_state_hash h)
{
	size_t i;

	for (i = h.lo & v->mask; v->slot[i].lo; i = (i + 1) & v->mask)
		if (v->slot[i].lo == h.lo && v->slot[i].hi == h.hi)
			break;
	return i;
}

static bool visited_has(const struct visited *v, struct ff_state_hash h)
{
	h.lo |= 1;
	return v->slot[visited_find(v, h)].lo != 0;
}

static void visited_double(struct visited *v)
{
	struct visited n;

	visited_init(&n, v->max * 2, true);
	for (size_t i = 0; i <= v->mask; i++)
		if (v->slot[i].lo)
			n.slot[visited_find(&n, v->slot[i])] = v->slot[i];
	n.nr = v->nr;
	free(v->slot);
	*v = n;
}

/* 1: new, 0: seen, -1: new but the set is full (not kept). */
static int visited_add(struct visited *v, struct ff_state_hash h)
{
	size_t i;

	h.lo |= 1; /* never the empty slot */
	i = visited_find(v, h);
	if (v->slot[i].lo)
		return 0;
	if (v->nr >= v->max) {
		if (!v->grow)
			return -1;
		visited_double(v);
		i = visited_find(v, h);
	}
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

/* One search: what every loop below shares. */
struct search {
	const struct ff_enum_opts *o;
	struct ff_enum_result *res;
	struct level *lv;   /* frontier levels by program length */
	struct visited vis; /* every state kept */
	/* transitions by node info (live | large << 8), direct-mapped */
	struct ff_enum_trans tr[TR_CACHE];
	uint32_t tr_key[TR_CACHE];
	bool tr_done[TR_CACHE];
	struct ff_run_opts ro;
	struct ff_prog prog; /* the program being run */
	struct hook hk;
	double t0;
	unsigned best_len; /* the shortest violation so far, 0: none */
	unsigned cut_at;   /* the shortest length whose state was not kept */
	/* a worker of --jobs: a state not in vis nor local goes to out */
	FILE *out;
	struct visited local;
};

static const struct ff_enum_trans *trans_of(struct search *s, uint32_t info)
{
	size_t slot = (info * 0x9e3779b1U) >> 22 & (TR_CACHE - 1);
	struct ff_enum_trans *t = &s->tr[slot];

	if (!s->tr_done[slot] || s->tr_key[slot] != info) {
		if (s->tr_done[slot])
			ff_enum_trans_free(t);
		ff_prog_init(&t->ops);
		ff_enum_transitions(s->o, info & 0xff, info >> 8, t);
		s->tr_done[slot] = true;
		s->tr_key[slot] = info;
	}
	return t;
}

/* s->prog = node i of level d, then the n ops of t from at. */
static void build_prog(struct search *s, unsigned d, size_t i,
		       const struct ff_enum_trans *t, size_t at, unsigned n)
{
	const struct level *cur = &s->lv[d];

	s->prog.nr = 0;
	for (unsigned k = 0; k < d; k++)
		ff_prog_push(&s->prog, &cur->ops[i * d + k]);
	for (unsigned k = 0; k < n; k++)
		ff_prog_push(&s->prog, &t->ops.ops[at + k]);
}

/* A state reached by s->prog, of len ops, into the visited set and, if
 * new, the frontier. */
static void add_state(struct search *s, unsigned len, struct ff_state_hash h,
		      uint32_t live)
{
	int add = visited_add(&s->vis, h);

	if (add == 0) {
		s->res->deduped++;
	} else if (add < 0) {
		s->res->cut_states = true;
		if (len < s->cut_at)
			s->cut_at = len;
	} else {
		level_push(&s->lv[len], len, s->prog.ops, live);
	}
}

/* What a worker sends its parent for a state new to it: the transition
 * (k: its number in the level, at: its first op), the hash, the info. */
struct record {
	uint64_t k;
	uint32_t at, live;
	struct ff_state_hash h;
};

/* Runs transition j of node i (the k-th of level d, its ops from at);
 * true when the search stops (a violation one op long, the time
 * limit). */
static bool try_one(struct search *s, unsigned d, size_t i,
		    const struct ff_enum_trans *t, size_t j, size_t at,
		    uint64_t k)
{
	const struct ff_enum_opts *o = s->o;
	struct ff_enum_result *res = s->res;
	unsigned len = d + t->lens[j];
	struct ff_result r;

	if (len > o->depth || (s->best_len && len >= s->best_len))
		return false;
	build_prog(s, d, i, t, at, t->lens[j]);
	s->hk.hashed = false;
	ff_enum_running = &s->prog;
	ff_run(&s->ro, &s->prog, &r);
	ff_enum_running = NULL;
	if ((++res->programs & 63) == 0 && o->seconds > 0 &&
	    now() - s->t0 >= o->seconds)
		res->cut_time = true; /* after this one */
	if (r.inv != FF_INV_NONE) {
		s->best_len = len;
		res->found = true;
		res->inv = r.inv;
		res->prog.nr = 0;
		for (size_t n = 0; n < s->prog.nr; n++)
			ff_prog_push(&res->prog, &s->prog.ops[n]);
		return len == d + 1 || res->cut_time;
	}
	if (r.finding != FF_FINDING_NONE || r.expected >= 0 || !s->hk.hashed) {
		res->dead++;
		return res->cut_time;
	}
	if (!s->out) {
		add_state(s, len, s->hk.hash, s->hk.live);
	} else if (visited_has(&s->vis, s->hk.hash) ||
		   visited_add(&s->local, s->hk.hash) == 0) {
		res->deduped++; /* known before the level, or to this worker */
	} else {
		struct record rec = { k, (uint32_t)at, s->hk.live, s->hk.hash };

		if (fwrite(&rec, sizeof(rec), 1, s->out) != 1)
			abort(); /* the temporary file: host out of space */
	}
	return res->cut_time;
}

/* The node of level d whose transitions include the k-th: the last i with
 * pre[i] <= k. */
static size_t node_of(const uint64_t *pre, size_t nr, uint64_t k)
{
	size_t lo = 0, hi = nr;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (pre[mid] <= k)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Runs transitions k0 .. k1-1 of level d, in order (node i's are pre[i] ..
 * pre[i+1]-1); true when the search stops. */
static bool expand_range(struct search *s, unsigned d, const uint64_t *pre,
			 uint64_t k0, uint64_t k1)
{
	const struct level *cur = &s->lv[d];

	for (size_t i = node_of(pre, cur->nr, k0); i < cur->nr && pre[i] < k1;
	     i++) {
		const struct ff_enum_trans *t = trans_of(s, cur->live[i]);
		uint64_t k = pre[i];
		size_t at = 0, j = 0;

		if (k >= k0)
			s->res->expanded++;
		for (; j < t->nr && k < k1; at += t->lens[j++], k++)
			if (k >= k0 && try_one(s, d, i, t, j, at, k))
				return true;
	}
	return false;
}

/* A worker's counts and violation, in memory shared with the parent. */
struct worker_out {
	uint64_t programs, deduped, dead, expanded;
	bool cut_time, found;
	int inv;
	unsigned best_len;
	size_t nops;
	struct ff_op ops[]; /* the violation, o->depth ops at most */
};

/* The worker's part of level d: transitions k0 .. k1-1.  New states go to
 * s->out as records; counts and a violation to w.  Never returns. */
static void worker(struct search *s, unsigned d, const uint64_t *pre,
		   uint64_t k0, uint64_t k1, FILE *out, struct worker_out *w)
{
	struct ff_enum_result wres;

	memset(&wres, 0, sizeof(wres));
	ff_prog_init(&wres.prog);
	s->res = &wres;
	s->out = out;
	visited_init(&s->local, 1024, true);
	expand_range(s, d, pre, k0, k1);
	if (fflush(out))
		_exit(3);
	w->programs = wres.programs;
	w->deduped = wres.deduped;
	w->dead = wres.dead;
	w->expanded = wres.expanded;
	w->cut_time = wres.cut_time;
	w->found = wres.found;
	if (wres.found) {
		w->inv = wres.inv;
		w->best_len = s->best_len;
		w->nops = wres.prog.nr;
		memcpy(w->ops, wres.prog.ops, wres.prog.nr * sizeof(*w->ops));
	}
	_exit(0); /* not exit(): no atexit handlers, no leak check */
}

/* A worker that did not exit 0 died of a sanitizer report (printed, with
 * its program, by the command's death callback) or a signal: the search
 * ends as a one-process search would, with the worker's status. */
static void worker_died(pid_t *pid, unsigned jobs, unsigned c, int status)
{
	for (unsigned x = 0; x < jobs; x++)
		if (x != c && pid[x] > 0)
			kill(pid[x], SIGKILL);
	for (unsigned x = 0; x < jobs; x++)
		if (x != c && pid[x] > 0)
			waitpid(pid[x], NULL, 0);
	fflush(NULL);
	if (WIFSIGNALED(status)) {
		fprintf(stderr,
			"enumerate: worker %u of %u killed by signal %d\n",
			c + 1, jobs, WTERMSIG(status));
		_exit(128 + WTERMSIG(status));
	}
	fprintf(stderr,
		"enumerate: worker %u of %u exited with status %d (its report "
		"is above)\n",
		c + 1, jobs, WEXITSTATUS(status));
	_exit(WEXITSTATUS(status));
}

/* Level d over o->jobs processes.  Worker c runs the c-th slice of the
 * level's transitions against the visited set as it stood when the level
 * began (a copy-on-write view) and its own set; the parent then merges the
 * workers' new states in slice order.  Each new state is thus met in the
 * same order as by one process, so the states, programs and frontier are
 * the same, and so is the violation (the shortest; the first of those in
 * order).  True when the search stops. */
static bool expand_level_jobs(struct search *s, unsigned d, const uint64_t *pre)
{
	const struct ff_enum_opts *o = s->o;
	struct ff_enum_result *res = s->res;
	unsigned J = o->jobs, best = 0;
	size_t nr = s->lv[d].nr;
	/* a worker's slot, a multiple of a cache line */
	size_t wsz = (sizeof(struct worker_out) +
		      (o->depth + 3) * sizeof(struct ff_op) + 63) &
		     ~(size_t)63;
	uint64_t total = pre[nr];
	unsigned char *shared;
	pid_t pid[FF_ENUM_MAX_JOBS];
	FILE *f[FF_ENUM_MAX_JOBS];
	bool stop = false;

	shared = mmap(NULL, J * wsz, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		abort();
	memset(shared, 0, J * wsz);
	fflush(NULL); /* no buffered output twice */
	for (unsigned c = 0; c < J; c++) {
		f[c] = tmpfile();
		if (!f[c]) {
			perror("enumerate: tmpfile");
			abort();
		}
		pid[c] = fork();
		if (pid[c] < 0) {
			perror("enumerate: fork");
			abort();
		}
		if (pid[c] == 0)
			worker(s, d, pre, total * c / J, total * (c + 1) / J,
			       f[c], (struct worker_out *)(shared + c * wsz));
	}
	for (unsigned c = 0; c < J; c++) {
		int status;

		if (waitpid(pid[c], &status, 0) != pid[c])
			abort();
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			worker_died(pid, J, c, status);
		pid[c] = 0;
	}
	/* the merge, in slice order */
	for (unsigned c = 0; c < J; c++) {
		const struct worker_out *w =
			(const struct worker_out *)(shared + c * wsz);
		struct record rec;

		res->programs += w->programs;
		res->deduped += w->deduped;
		res->dead += w->dead;
		res->expanded += w->expanded;
		res->cut_time |= w->cut_time;
		if (w->found && (!best || w->best_len < best)) {
			best = w->best_len;
			res->found = true;
			res->inv = w->inv;
			res->prog.nr = 0;
			for (size_t n = 0; n < w->nops; n++)
				ff_prog_push(&res->prog, &w->ops[n]);
		}
		rewind(f[c]);
		while (fread(&rec, sizeof(rec), 1, f[c]) == 1) {
			size_t i = node_of(pre, nr, rec.k);
			const struct ff_enum_trans *t =
				trans_of(s, s->lv[d].live[i]);
			unsigned n = t->lens[rec.k - pre[i]];

			build_prog(s, d, i, t, rec.at, n);
			add_state(s, d + n, rec.h, rec.live);
		}
		fclose(f[c]);
	}
	if (best) {
		s->best_len = best;
		stop = best == d + 1;
	}
	munmap(shared, J * wsz);
	return stop || res->cut_time;
}

/* Below this many transitions a level runs in one process. */
#define JOBS_MIN_WORK 1024

void ff_enumerate(const struct ff_enum_opts *o, struct ff_enum_result *res)
{
	struct search *s = calloc(1, sizeof(*s));
	unsigned D = o->depth;
	uint64_t *pre = NULL;
	FILE *devnull = fopen("/dev/null", "w");
	struct ff_result r;

	if (!s || !devnull)
		abort();
	s->o = o;
	s->res = res;
	s->lv = calloc(D + 1, sizeof(*s->lv));
	s->t0 = now();
	s->cut_at = ~0U;
	if (!s->lv)
		abort();
	memset(res, 0, sizeof(*res));
	ff_prog_init(&res->prog);
	ff_prog_init(&s->prog);
	visited_init(&s->vis, o->max_states ? o->max_states : 1, false);

	ff_run_opts_default(&s->ro);
	s->ro.cfg = o->cfg;
	s->ro.differential = o->target->differential;
	s->ro.suppress = o->suppress;
	s->ro.report = devnull;
	s->ro.on_step = on_step;
	s->ro.on_step_ctx = &s->hk;
	s->hk.prog = &s->prog;

	/* the empty world */
	ff_run(&s->ro, &s->prog, &r);
	res->programs++;
	if (r.inv != FF_INV_NONE) {
		res->found = true;
		res->inv = r.inv;
		goto out;
	}
	{
		struct ff_world *w = ff_world_create(&o->cfg);

		visited_add(&s->vis, ff_state_hash(w));
		ff_world_destroy(w);
	}
	level_push(&s->lv[0], 0, NULL, 0);

	for (unsigned d = 0; d < D; d++) {
		size_t nr = s->lv[d].nr;
		bool stop;

		if (s->best_len && s->best_len <= d + 1)
			break;
		/* pre[i]: the number of the first transition of node i */
		pre = realloc(pre, (nr + 1) * sizeof(*pre));
		if (!pre)
			abort();
		pre[0] = 0;
		for (size_t i = 0; i < nr; i++)
			pre[i + 1] = pre[i] + trans_of(s, s->lv[d].live[i])->nr;
		if (o->jobs > 1 && pre[nr] >= JOBS_MIN_WORK)
			stop = expand_level_jobs(s, d, pre);
		else
			stop = expand_range(s, d, pre, 0, pre[nr]);
		if (stop)
			goto out;
		level_free(&s->lv[d]);
		res->depth_done = d + 1;
		if (o->progress) {
			const struct level *next =
				&s->lv[d + 1 <= D ? d + 1 : D];
			double t = now() - s->t0;

			fprintf(o->progress,
				"enumerate: depth %u: %zu states (+%zu new), "
				"frontier %zu, %llu programs, %.0f states/s, "
				"%.1f MiB\n",
				d + 1, s->vis.nr, next->nr, next->nr,
				(unsigned long long)res->programs,
				t > 0 ? (double)s->vis.nr / t : 0,
				(double)mem_of(&s->vis, s->lv, D + 1) /
					1048576.0);
			fflush(o->progress);
		}
	}
out:
	if (s->cut_at != ~0U && res->depth_done > s->cut_at)
		res->depth_done = s->cut_at;
	/* shortest when every shorter program ran: not so when a race
	 * transition's violation was found and then the time limit cut the
	 * level before it, or a state before it was not kept */
	res->shortest = res->found && s->best_len <= res->depth_done + 1;
	res->states = s->vis.nr;
	for (unsigned d = 0; d <= D; d++)
		res->frontier += s->lv[d].nr;
	res->secs = now() - s->t0;
	res->mem = mem_of(&s->vis, s->lv, D + 1);
	for (unsigned d = 0; d <= D; d++)
		level_free(&s->lv[d]);
	for (int i = 0; i < TR_CACHE; i++)
		if (s->tr_done[i])
			ff_enum_trans_free(&s->tr[i]);
	free(s->lv);
	free(s->vis.slot);
	free(pre);
	ff_prog_free(&s->prog);
	free(s);
	fclose(devnull);
}
