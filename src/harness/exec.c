/*
 * exec.c - the executor: run a program in a fresh world, check after every
 * step, tear down, and report the first broken invariant.
 *
 * The hot loop keeps no copy of the state: when a step fails, the report
 * replays the program up to the step before it in a second world (same
 * ops, same state: the model is deterministic) to show "before".
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/refmodel.h"
#include "foliofuzz/repr.h"

void ff_run_opts_default(struct ff_run_opts *o)
{
	memset(o, 0, sizeof(*o));
	ff_config_default(&o->cfg);
	o->check = 1;
	o->suppress = 1;
}

int ff_exec_op(struct ff_world *w, const struct ff_op *op)
{
	if (op->code >= 64 || !((ff_repr_of(w)->ops >> op->code) & 1))
		return FF_UNSUPPORTED;
	return ff_op_table[op->code].exec(w, op);
}

static struct ff_step step_of(int rc)
{
	if (rc == 0)
		return (struct ff_step){ FF_STEP_OK, 0 };
	if (rc == FF_UNSUPPORTED)
		return (struct ff_step){ FF_STEP_UNSUPPORTED, 0 };
	return (struct ff_step){ FF_STEP_REFUSED, -rc };
}

/* Runs one op; a VM_BUG_ON inside it unwinds to here. */
static struct ff_step run_op(struct ff_world *w, const struct ff_op *op)
{
	jmp_buf jb;
	int rc;

	w->bug_jmp = &jb;
	if (setjmp(jb)) {
		w->bug_jmp = NULL;
		return (struct ff_step){ FF_STEP_BUG, 0 };
	}
	rc = ff_exec_op(w, op);
	w->bug_jmp = NULL;
	return step_of(rc);
}

struct ff_step ff_step(struct ff_world *w, const struct ff_prog *prog,
		       size_t pc, bool check)
{
	struct ff_step s;

	w->prog = prog;
	w->pc = pc;
	w->consumed = 0;
	w->kshim_ran[0] = 0;
#ifdef FF_KSHIM
	if (w->k.impl)
		w->k.impl->expect_next(NULL);
#endif
	ff_world_enter(w);
	w->race.run = NULL; /* a VM_BUG inside a race leaves it armed */
	w->race.busy = false;
	s = run_op(w, &prog->ops[pc]);
	w->stats.steps++;
	if (check && !ff_world_failed(w)) {
		ff_check_step(w);
	} else {
		for (uint32_t t = 0; t < w->nr_touched; t++)
			w->touched_mark[w->touched[t]] = 0;
		w->nr_touched = 0;
	}
	return s;
}

struct ff_step ff_exec_step(struct ff_world *w, const struct ff_op *op,
			    bool check)
{
	struct ff_prog one = { (struct ff_op *)op, 1, 1 };
	struct ff_step s = ff_step(w, &one, 0, check);

	w->prog = NULL;
	return s;
}

/* Free blocks per order of a fully free world (as ff_buddy_init lays out). */
static void initial_blocks(const struct ff_config *cfg, unsigned long *blocks)
{
	unsigned long pfn = 0;

	while (pfn < cfg->nr_pfns) {
		unsigned int order = cfg->max_order;

		while (order && ((pfn & ((1UL << order) - 1)) ||
				 pfn + (1UL << order) > cfg->nr_pfns))
			order--;
		blocks[order]++;
		pfn += 1UL << order;
	}
}

static void teardown_objs(struct ff_world *w)
{
	jmp_buf jb;

	w->bug_jmp = &jb;
	if (setjmp(jb) == 0) {
		while (w->nr_objs && !ff_failed()) {
			const struct ff_obj *o = &w->objs[w->nr_objs - 1];
			static char what[96];

			if (ff_blame_on) {
				snprintf(what, sizeof(what),
					 "the teardown, releasing object #%u "
					 "(order %u at pfn %u)",
					 o->id, o->order, o->pfn);
				ff_blame_context(what);
			}
			ff_obj_free(w, &w->objs[w->nr_objs - 1]);
		}
		ff_blame_context("the teardown, releasing the DAX entries");
		ff_dax_teardown(w);
	}
	w->bug_jmp = NULL;
}

bool ff_world_teardown(struct ff_world *w, bool check)
{
	unsigned long blocks[FF_MAX_ORDER + 1] = { 0 };
	bool clean;

	ff_world_enter(w);
	teardown_objs(w);
	if (ff_failed())
		return false;
	if (w->nr_objs || w->k.nr_maps) {
		ff_fail(I_LEAK, NULL,
			"%u objects and %u mappings still live after teardown",
			w->nr_objs, w->k.nr_maps);
		return false;
	}
	if (!check)
		return true;
	clean = ff_check_sweep(w);
	if (ff_failed())
		return false;
	w->img_clean = clean; /* recycling restores only the dirty pfns */
	initial_blocks(&w->k.cfg, blocks);
	for (unsigned int o = 0; o <= w->k.cfg.max_order; o++)
		if (w->k.nr_free[o] != blocks[o]) {
			ff_fail(I_LEAK, NULL,
				"after teardown %lu free blocks of order %u, "
				"expected %lu: memory leaked",
				w->k.nr_free[o], o, blocks[o]);
			return false;
		}
	return true;
}

const char *ff_step_name(struct ff_step s)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "-EPERM" },   { ENOENT, "-ENOENT" },
		{ EAGAIN, "-EAGAIN" }, { ENOMEM, "-ENOMEM" },
		{ EBUSY, "-EBUSY" },   { EEXIST, "-EEXIST" },
		{ EINVAL, "-EINVAL" }, { ENOSPC, "-ENOSPC" },
		{ EFAULT, "-EFAULT" }, { EOPNOTSUPP, "-EOPNOTSUPP" },
	};

	switch (s.kind) {
	case FF_STEP_OK:
		return "ok";
	case FF_STEP_BUG:
		return "VM_BUG";
	case FF_STEP_UNSUPPORTED:
		return "unsupported";
	case FF_STEP_REFUSED:
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (names[i].err == s.err)
				return names[i].name;
		return "-E?";
	}
	return "?";
}

static void print_verbose(FILE *f, struct ff_world *w, size_t k,
			  const struct ff_op *op, struct ff_step s)
{
	fprintf(f, "step %zu: ", k + 1);
	ff_op_print(f, op);
	fprintf(f, " -> %s  [live %u, maps %u]\n", ff_step_name(s), w->nr_objs,
		w->k.nr_maps);
	for (unsigned long base = 0; base < w->k.nr_memmap;
	     base += 1UL << FF_MAX_ORDER) {
		bool used = false;

		for (unsigned long p = base;
		     p < base + (1UL << FF_MAX_ORDER) && p < w->k.nr_memmap;
		     p++)
			used |= w->ref[p].state != FF_PS_FREE;
		if (used)
			ff_dump_row(f, w, base, 1UL << FF_MAX_ORDER, -1);
	}
}

/*
 * The differential (docs/design.md §17): after each step both representations must
 * have returned the same result and hold the same reference model, which
 * each one's checker has already matched against its own bits.
 */
void ff_compare_representations(struct ff_world *a, struct ff_world *b,
				struct ff_step sa, struct ff_step sb)
{
	if (!ff_step_same(sa, sb) || a->consumed != b->consumed) {
		ff_fail(I_MEMDESC_DIFF, NULL,
			"the op returned %s with struct pages, %s with "
			"memdescs",
			ff_step_name(sa), ff_step_name(sb));
		return;
	}
	if (a->nr_objs != b->nr_objs) {
		ff_fail(I_MEMDESC_DIFF, NULL, "%u live objects vs %u",
			a->nr_objs, b->nr_objs);
		return;
	}
	for (uint32_t i = 0; i < a->nr_objs; i++) {
		struct ff_obj x = a->objs[i], y = b->objs[i];

		x.desc = y.desc = NULL;
		if (memcmp(&x, &y, sizeof(x))) {
			ff_fail(I_MEMDESC_DIFF, &b->k.memmap[y.pfn],
				"object %u differs: pfn %u/%u order %u/%u refs "
				"%d/%d maps %d/%d",
				i, x.pfn, y.pfn, x.order, y.order,
				ff_obj_expected_refs(&x),
				ff_obj_expected_refs(&y), x.pte_maps,
				y.pte_maps);
			return;
		}
	}
	/* One compare of the RAM pfns' entries (the hot path of every
	 * differential step), then the first pfn that differs. */
	if (!memcmp(a->ref, b->ref, a->k.cfg.nr_pfns * sizeof(*a->ref)))
		return;
	for (unsigned long p = 0; p < a->k.cfg.nr_pfns; p++)
		if (memcmp(&a->ref[p], &b->ref[p], sizeof(a->ref[p]))) {
			ff_fail(I_MEMDESC_DIFF, &b->k.memmap[p],
				"pfn %lu: owner or mapcount differs between the "
				"representations",
				p);
			return;
		}
}

/* Rebuilds the state just before step k, for the report. */
static struct ff_world *replay_before(const struct ff_config *cfg,
				      const struct ff_prog *prog, size_t k)
{
	struct ff_world *w = ff_world_create(cfg);

	for (size_t i = 0; i < k && i < prog->nr; i++) {
		ff_step(w, prog, i, false);
		i += w->consumed;
	}
	return w;
}

static void swap_worlds(struct ff_world **a, struct ff_world **b)
{
	struct ff_world *t = *a;

	*a = *b;
	*b = t;
}

/*
 * The runner: steps prog through a fresh world (and, for a differential
 * run, a memdesc world beside it, compared after every step), sweeps,
 * tears down, and reports the first failure from the world it broke in.
 */
void ff_run(const struct ff_run_opts *o, const struct ff_prog *prog,
	    struct ff_result *res)
{
	struct ff_world *w, *md = NULL, *km = NULL;
	struct ff_config wc = o->cfg;

	if (o->kshim_diff) {
		/* the tree's code in w (the one reported), the model in km */
		struct ff_config mc = o->cfg;

		wc.kshim = 1;
		mc.kshim = 0;
		km = ff_world_create(&mc);
		km->peer = NULL;
	}
	w = ff_world_create(&wc);
	w->peer = km;
	uint32_t sweep = o->cfg.sweep_every;
	size_t k;

	if (o->differential) {
		struct ff_config mc = o->cfg;

		mc.memdesc = 1;
		md = ff_world_create(&mc);
	}

	memset(res, 0, sizeof(*res));
	res->inv = FF_INV_NONE;
	res->finding = FF_FINDING_NONE;
	res->expected = -1;
	for (k = 0; k < prog->nr; k++) {
		struct ff_step s = ff_step(w, prog, k, o->check);

		if (o->on_step) /* state feedback: reads w, changes nothing */
			o->on_step(o->on_step_ctx, w, &prog->ops[k], s);

		/* a step that broke an invariant is neither (res->step) */
		if (s.kind == FF_STEP_OK && !ff_world_failed(w))
			res->ok++;
		else if (!ff_world_failed(w))
			res->refused++;
		if (o->check && sweep && (k + 1) % sweep == 0 &&
		    !ff_world_failed(w))
			ff_check_sweep(w);
		if (md && !ff_world_failed(w)) {
			struct ff_step sm = ff_step(md, prog, k, o->check);

			if (sm.kind == FF_STEP_UNSUPPORTED) {
				/* an op sequence only struct pages support */
				ff_world_destroy(md);
				md = NULL;
			} else if (!ff_world_failed(md)) {
				ff_compare_representations(w, md, s, sm);
			}
			if (md && ff_world_failed(md)) {
				/* report from the memdesc world */
				swap_worlds(&w, &md);
				break;
			}
			ff_world_enter(w);
		}
		if (km && !ff_world_failed(w)) {
			ff_step(km, prog, k, o->check);
			ff_kshim_compare(w, km);
			ff_world_enter(w);
		}
		if (o->verbose)
			print_verbose(o->verbose, w, k, &prog->ops[k], s);
		if (ff_world_failed(w))
			break;
		/* the writers a race op took */
		for (uint32_t c = 0; c < w->consumed && k + 1 < prog->nr; c++) {
			k++;
			if (o->verbose) {
				fprintf(o->verbose, "  (writer of step %zu) ",
					k - c);
				ff_op_print(o->verbose, &prog->ops[k]);
				fprintf(o->verbose, "\n");
			}
		}
	}
	if (!ff_world_failed(w))
		ff_world_teardown(w, o->check);
	if (km && !ff_world_failed(w)) {
		ff_world_teardown(km, o->check);
		ff_kshim_compare(w, km);
	}
	if (!ff_world_failed(w) && md && !ff_world_teardown(md, o->check)) {
		swap_worlds(&w, &md);
		k = prog->nr;
	}
	if (ff_world_failed(w) &&
	    (w->fail.finding != FF_FINDING_NONE || w->fail.expected >= 0) &&
	    o->suppress) {
		/* A known finding, or (kshim) a difference the tree is
		 * expected to have: this input ends here, as a pass. */
		res->finding = w->fail.finding;
		res->expected = w->fail.expected;
		res->step = k;
	} else if (ff_world_failed(w)) {
		struct ff_world *before = replay_before(&w->k.cfg, prog, k);

		res->inv = w->fail.inv;
		res->step = k;
		ff_world_enter(w);
		ff_report(o->report ? o->report : stderr, w, before, prog, k);
		ff_world_destroy(before);
	} else {
		res->step = prog->nr;
	}
	w->peer = NULL;
	ff_world_destroy(w);
	ff_world_destroy(md);
	ff_world_destroy(km);
}
