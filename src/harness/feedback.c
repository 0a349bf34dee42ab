/*
 * feedback.c - state-coverage feedback (docs/design.md §20.5): the
 * abstract state a step reached, as a few hashed features the fuzz
 * targets feed to the engine (fuzz/fuzz.h), so that reaching a new state
 * counts as progress even when no new edge of the model ran.
 *
 * A feature is one row of fields, each a small value read from the world
 * after the step; its hash is the row's tag and values mixed.  Adding a
 * state component is one line in a field table; adding a feature, one
 * table and one line in features[].  Only the world is read: the hook
 * changes nothing, and the same world and step give the same features.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/refmodel.h"

/* What a field reads: the world after the step, the op, its outcome and
 * the object it touched (NULL: none). */
struct feat_in {
	struct ff_world *w;
	const struct ff_op *op;
	struct ff_step s;
	const struct ff_obj *o;
};

struct feat_field {
	const char *name;
	unsigned int (*get)(const struct feat_in *in);
};

static unsigned int f_op(const struct feat_in *in)
{
	return in->op->code;
}

/* ok, VM_BUG, unsupported, or the errno of a refusal */
static unsigned int f_outcome(const struct feat_in *in)
{
	return (unsigned int)in->s.kind << 12 | (in->s.err & 0xfff);
}

static unsigned int f_kind(const struct feat_in *in)
{
	return in->o ? in->o->kind : FF_KIND_NONE;
}

/* the object's order; for a DAX op, the order of the entry at its file
 * and index after the step (0x80 | order; 0x7f without an entry) */
static unsigned int f_order(const struct feat_in *in)
{
	const struct ff_dax_file *f;

	if (in->o)
		return in->o->order;
	switch (in->op->code) {
	case FF_OP_DAX_FAULT:
	case FF_OP_DAX_PMD_FAULT:
	case FF_OP_DAX_UNMAP:
	case FF_OP_DAX_TRUNCATE:
	case FF_OP_DAX_BUSY:
		f = &in->w->k.dax_files[in->op->arg[0] % FF_NR_DAX_FILES];
		if (!f->nr || !f->entry[in->op->arg[1] % f->nr])
			return 0x7f;
		return 0x80 |
		       (f->pmd[in->op->arg[1] % f->nr] ? FF_DAX_PMD_ORDER : 0);
	}
	return 0xff;
}

static unsigned int f_mapped(const struct feat_in *in)
{
	return in->o && (in->o->pte_maps || in->o->pmd_maps);
}

/* mapped by a PMD (an entire mapping) */
static unsigned int f_pmd(const struct feat_in *in)
{
	return in->o && in->o->pmd_maps;
}

static unsigned int f_typed(const struct feat_in *in)
{
	return in->o && in->o->type;
}

/* a page of the object mapped more than once, or by PTE and PMD both */
static unsigned int f_shared(const struct feat_in *in)
{
	const struct ff_obj *o = in->o;

	if (!o)
		return 0;
	if (o->pmd_maps > 1 || (o->pmd_maps && o->pte_maps))
		return 1;
	if (o->pte_maps < 2) /* no page can be mapped twice */
		return 0;
	for (long i = 0; i < ff_obj_nr(o); i++)
		if (in->w->ref[o->pfn + i].mapcount > 1)
			return 1;
	return 0;
}

/* live, yet its refcount reads 0 (struct pages; memdescs keep none there) */
static unsigned int f_frozen(const struct feat_in *in)
{
	return in->o && !in->w->k.cfg.memdesc &&
	       in->w->k.memmap[in->o->pfn]._refcount == 0;
}

static unsigned int f_reader(const struct feat_in *in)
{
	return (unsigned int)in->w->race.reader;
}

static unsigned int f_point(const struct feat_in *in)
{
	return (unsigned int)in->w->race.point;
}

/* 0: nothing ran at the point; 1: it did; 2: the writer ran after the
 * reader (the point was not reached) */
static unsigned int f_reached(const struct feat_in *in)
{
	return !in->w->race.fired ? 0 : in->w->race.passes ? 1 : 2;
}

/* how often it ran, up to 4 (race_rep's writers, race_in's passes) */
static unsigned int f_fired(const struct feat_in *in)
{
	return in->w->race.fired < 4 ? (unsigned int)in->w->race.fired : 4;
}

/* what the readers saw: FF_RO_* bits */
static unsigned int f_seen(const struct feat_in *in)
{
	return in->w->race.outcome;
}

static unsigned int f_writer(const struct feat_in *in)
{
	return in->w->race.fired ? (unsigned int)in->w->race.writer_rc : 0;
}

/* floor(log2(n + 1)): 0, 1, 2-3, 4-7, ... */
static unsigned int log2_bucket(unsigned long n)
{
	unsigned int b = 0;

	for (n++; n > 1; n >>= 1)
		b++;
	return b;
}

/* free RAM pages (the buddy lists), as a power-of-two bucket */
static unsigned int f_free_ram(const struct feat_in *in)
{
	unsigned long n = 0;

	for (unsigned int o = 0; o <= in->w->k.cfg.max_order; o++)
		n += in->w->k.nr_free[o] << o;
	return log2_bucket(n);
}

/* free device-private pages (the driver's free list) */
static unsigned int f_free_dev(const struct feat_in *in)
{
	return log2_bucket(in->w->k.dmirror.nr_free);
}

/* free entries of the mapping table, which stands for page-table memory
 * (ff_map_slots()): a PMD fault or migrate_vma_insert_page() fails as
 * it runs out */
static unsigned int f_map_room(const struct feat_in *in)
{
	uint32_t used = ff_map_slots(in->w);

	uint32_t max = in->w->k.cfg.max_maps;

	return log2_bucket(used < max ? max - used : 0);
}

/* the largest order with a free block (0x7f: none): an allocation of a
 * higher order fails even while smaller blocks are free */
static unsigned int f_top_order(const struct feat_in *in)
{
	for (int o = (int)in->w->k.cfg.max_order; o >= 0; o--)
		if (in->w->k.nr_free[o])
			return (unsigned int)o;
	return 0x7f;
}

/* Every step: the op, its outcome and the touched object's state. */
static const struct feat_field step_fields[] = {
	{ "op", f_op },	      { "outcome", f_outcome }, { "kind", f_kind },
	{ "order", f_order }, { "mapped", f_mapped },	{ "pmd", f_pmd },
	{ "typed", f_typed }, { "shared", f_shared },	{ "frozen", f_frozen },
};

/* An armed race op: which reader, where the writer ran, how often, what
 * the readers saw, and how the writer ended. */
static const struct feat_field race_fields[] = {
	{ "op", f_op },		  { "reader", f_reader }, { "point", f_point },
	{ "reached", f_reached }, { "fired", f_fired },	  { "seen", f_seen },
	{ "writer", f_writer },	  { "kind", f_kind },
};

/* Every step: how much memory is left, so that a run that uses more of it
 * than any before counts as progress (error paths open up only when an
 * allocation fails).  Not crossed with the op: a few dozen values. */
static const struct feat_field memory_fields[] = {
	{ "free_ram", f_free_ram },
	{ "free_dev", f_free_dev },
};

/* Every step: what is left of the two resources a single allocation can
 * be refused for while memory remains: page-table room and large blocks.
 * A row of its own, so it multiplies nothing above; under a hundred
 * values. */
static const struct feat_field room_fields[] = {
	{ "map_room", f_map_room },
	{ "top_order", f_top_order },
};

/* race_in's step outcome is its writer's; the others' is the reader's */
static bool is_race(const struct feat_in *in)
{
	switch (in->op->code) {
	case FF_OP_RACE_IN:
		return in->s.kind != FF_STEP_UNSUPPORTED;
	case FF_OP_RACE:
	case FF_OP_RACE_PFN:
	case FF_OP_RACE_REP:
		return in->s.kind == FF_STEP_OK;
	}
	return false;
}

#define ROW(name, fields, when)                                                \
	{                                                                      \
		name, fields, sizeof(fields) / sizeof(fields[0]), when         \
	}

static const struct {
	const char *name; /* FOLIOFUZZ_STATE_FEEDBACK picks rows by name */
	const struct feat_field *fields;
	size_t nr;
	bool (*when)(const struct feat_in *in); /* NULL: every step */
} features[] = {
	ROW("step", step_fields, NULL),
	ROW("race", race_fields, is_race),
	ROW("memory", memory_fields, NULL),
	ROW("room", room_fields, NULL),
};

#define NR_ROWS (sizeof(features) / sizeof(features[0]))

/*
 * The rows fed by default (FOLIOFUZZ_STATE_FEEDBACK unset or 1): memory
 * and room.  The step and race rows multiply their fields into thousands
 * of values; each new one keeps an input, and the corpus grows 3-4x over
 * plain libFuzzer's.  Measured on the deep knobs (docs/benchmarks.md,
 * "Deep knobs (issue 11, third part)"), either row made time to bug 2-5x
 * longer, so they are there on request ("all", or by name).
 */
#define DEFAULT_ROWS (1u << 2 | 1u << 3)

_Static_assert(NR_ROWS <= FF_STATE_FEATURES,
	       "FF_STATE_FEATURES bounds the features of a step");

/* The object the op touched: the one an alloc made, the one its handle
 * argument names, or the owner of race_pfn's pfn. */
static const struct ff_obj *
touched_obj(struct ff_world *w, const struct ff_op *op, struct ff_step s)
{
	static int8_t harg[FF_NR_OPS]; /* 1 + the "h" argument, or -1 */
	long i;

	switch (op->code) {
	case FF_OP_ALLOC:
	case FF_OP_DEV_ALLOC:
	case FF_OP_DEV_INSERT:
		return s.kind == FF_STEP_OK && w->nr_objs ?
			       &w->objs[w->nr_objs - 1] :
			       NULL;
	case FF_OP_RACE_PFN:
		i = ff_obj_index_of(
			w, ((unsigned long)op->arg[1] << 8 | op->arg[2]) %
				   w->k.nr_memmap);
		return i < 0 ? NULL : &w->objs[i];
	}
	if (!harg[op->code]) {
		const struct ff_op_desc *d = &ff_op_table[op->code];

		harg[op->code] = -1;
		for (int a = d->nargs - 1; a >= 0; a--)
			if (d->args[a].name &&
			    strcmp(d->args[a].name, "h") == 0)
				harg[op->code] = (int8_t)(1 + a);
	}
	return harg[op->code] > 0 ?
		       ff_obj_handle(w, op->arg[harg[op->code] - 1]) :
		       NULL;
}

/* What ff_state_features() computes: set by ff_state_feedback_wanted(),
 * all rows until then (the unit tests see every row). */
static unsigned int rows_on = (1u << NR_ROWS) - 1;

/* One multiply per value (the values are small); avalanche at the end. */
static uint32_t mix(uint32_t h, unsigned int v)
{
	h = (h ^ v) * 0x9e3779b1u;
	return h ^ (h >> 15);
}

size_t ff_state_features(struct ff_world *w, const struct ff_op *op,
			 struct ff_step s, uint32_t out[FF_STATE_FEATURES])
{
	struct feat_in in = { w, op, s, NULL };
	size_t n = 0;

	if (op->code >= FF_NR_OPS)
		return 0;
	in.o = touched_obj(w, op, s);
	for (size_t f = 0; f < NR_ROWS; f++) {
		uint32_t h = mix(0x811c9dc5u, (unsigned int)f);

		if (!(rows_on >> f & 1) ||
		    (features[f].when && !features[f].when(&in)))
			continue;
		for (size_t i = 0; i < features[f].nr; i++)
			h = mix(h, features[f].fields[i].get(&in));
		h ^= h >> 16;
		h *= 0x7feb352du;
		h ^= h >> 15;
		out[n++] = h;
	}
	return n;
}

/* The rows FOLIOFUZZ_STATE_FEEDBACK asks for: unset or 1, the default
 * rows; all, every row; 0, none; otherwise a comma-separated list of row
 * names (to measure what each adds).  An unknown name is an error, not a
 * silent "none". */
int ff_state_rows_parse(const char *e, unsigned int *rows)
{
	const char *p = e;

	if (!e || strcmp(e, "1") == 0) {
		*rows = DEFAULT_ROWS;
		return 0;
	}
	if (strcmp(e, "all") == 0) {
		*rows = (1u << NR_ROWS) - 1;
		return 0;
	}
	*rows = 0;
	if (strcmp(e, "0") == 0)
		return 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		size_t f;

		for (f = 0; f < NR_ROWS; f++)
			if (strlen(features[f].name) == len &&
			    strncmp(p, features[f].name, len) == 0)
				break;
		if (f == NR_ROWS)
			return -1;
		*rows |= 1u << f;
		if (!p[len])
			return 0;
		p += len + 1; /* past the comma: a name must follow */
	}
}

bool ff_state_feedback_wanted(void)
{
	const char *e = getenv("FOLIOFUZZ_STATE_FEEDBACK");
	unsigned int r;

	if (ff_state_rows_parse(e, &r)) {
		fprintf(stderr,
			"FOLIOFUZZ_STATE_FEEDBACK=%s: want 0, 1, all or a list "
			"of step,race,memory,room\n",
			e);
		exit(2);
	}
	rows_on = r;
	return r != 0;
}
