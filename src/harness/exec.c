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
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/refmodel.h"

void ff_run_opts_default(struct ff_run_opts *o)
{
	memset(o, 0, sizeof(*o));
	ff_config_default(&o->cfg);
	o->check = 1;
	o->suppress = 1;
}

/* Runs one op; a VM_BUG_ON inside it unwinds to here. */
static int run_op(struct ff_world *w, const struct ff_op *op)
{
	jmp_buf jb;
	int rc;
	/* volatile: it lives across setjmp (gcc -Wclobbered) */
	int (*volatile fn)(struct ff_world *, const struct ff_op *) =
		ff_exec_fn(w, op->code);

	if (!fn)
		return FF_UNSUPPORTED;
	w->bug_jmp = &jb;
	if (setjmp(jb)) {
		w->bug_jmp = NULL;
		return -1;
	}
	rc = fn(w, op);
	w->bug_jmp = NULL;
	return rc;
}

int ff_exec_step(struct ff_world *w, const struct ff_op *op, bool check)
{
	int rc;

	ff_cur = w;
	rc = run_op(w, op);
	w->stats.steps++;
	if (check && !ff_failed()) {
		ff_check_step(w);
	} else {
		for (uint32_t t = 0; t < w->nr_touched; t++)
			w->touched_mark[w->touched[t]] = 0;
		w->nr_touched = 0;
	}
	return rc;
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
		while (w->nr_objs && !ff_failed())
			ff_obj_free(w, &w->objs[w->nr_objs - 1]);
		ff_dax_teardown(w);
	}
	w->bug_jmp = NULL;
}

bool ff_world_teardown(struct ff_world *w, bool check)
{
	unsigned long blocks[FF_MAX_ORDER + 1] = { 0 };

	ff_cur = w;
	teardown_objs(w);
	if (ff_failed())
		return false;
	if (w->nr_objs || w->nr_maps) {
		ff_fail(I_LEAK, NULL,
			"%u objects and %u mappings still live after teardown",
			w->nr_objs, w->nr_maps);
		return false;
	}
	if (!check)
		return true;
	ff_check_full(w);
	if (ff_failed())
		return false;
	initial_blocks(&w->cfg, blocks);
	for (unsigned int o = 0; o <= w->cfg.max_order; o++)
		if (w->nr_free[o] != blocks[o]) {
			ff_fail(I_LEAK, NULL,
				"after teardown %lu free blocks of order %u, "
				"expected %lu: memory leaked",
				w->nr_free[o], o, blocks[o]);
			return false;
		}
	return true;
}

static const char *errno_name(int rc)
{
	switch (-rc) {
	case 0:
		return "ok";
	case EINVAL:
		return "-EINVAL";
	case EBUSY:
		return "-EBUSY";
	case EAGAIN:
		return "-EAGAIN";
	case ENOMEM:
		return "-ENOMEM";
	case ENOENT:
		return "-ENOENT";
	case EEXIST:
		return "-EEXIST";
	case EOPNOTSUPP:
		return "-EOPNOTSUPP"; /* the reserved op */
	case 1:
		return "VM_BUG";
	default:
		return "error";
	}
}

static void print_verbose(FILE *f, struct ff_world *w, size_t k,
			  const struct ff_op *op, int rc)
{
	fprintf(f, "step %zu: ", k + 1);
	ff_op_print(f, op);
	fprintf(f, " -> %s  [live %u, maps %u]\n", errno_name(rc), w->nr_objs,
		w->nr_maps);
	for (unsigned long base = 0; base < w->nr_memmap;
	     base += 1UL << FF_MAX_ORDER) {
		bool used = false;

		for (unsigned long p = base;
		     p < base + (1UL << FF_MAX_ORDER) && p < w->nr_memmap; p++)
			used |= w->ref[p].state != FF_PS_FREE;
		if (used)
			ff_dump_row(f, w, base, 1UL << FF_MAX_ORDER);
	}
}

/*
 * The differential (DESIGN §6): after each step both representations must
 * have returned the same result and hold the same reference model, which
 * each one's checker has already matched against its own bits.
 */
void ff_compare_representations(struct ff_world *a, struct ff_world *b,
				int rc_a, int rc_b)
{
	if (rc_a != rc_b || a->consumed_next != b->consumed_next) {
		ff_fail(I_MEMDESC_DIFF, NULL,
			"the op returned %d with struct pages, %d with "
			"memdescs",
			rc_a, rc_b);
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
			ff_fail(I_MEMDESC_DIFF, &b->memmap[y.pfn],
				"object %u differs: pfn %u/%u order %u/%u refs "
				"%d/%d maps %d/%d",
				i, x.pfn, y.pfn, x.order, y.order,
				ff_obj_expected_refs(&x),
				ff_obj_expected_refs(&y), x.pte_maps,
				y.pte_maps);
			return;
		}
	}
	for (unsigned long p = 0; p < a->cfg.nr_pfns; p++)
		if (memcmp(&a->ref[p], &b->ref[p], sizeof(a->ref[p]))) {
			ff_fail(I_MEMDESC_DIFF, &b->memmap[p],
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
		w->prog = prog;
		w->pc = i;
		w->consumed_next = false;
		run_op(w, &prog->ops[i]);
		w->nr_touched = 0;
		if (w->consumed_next)
			i++;
	}
	memset(w->touched_mark, 0, w->nr_memmap);
	return w;
}

void ff_run(const struct ff_run_opts *o, const struct ff_prog *prog,
	    struct ff_result *res)
{
	struct ff_world *w = ff_world_create(&o->cfg), *md = NULL, *bad;
	uint32_t sweep = o->cfg.sweep_every;
	size_t k;

	if (o->differential) {
		struct ff_config mc = o->cfg;

		mc.memdesc = 1;
		md = ff_world_create(&mc);
		ff_cur = w;
	}

	memset(res, 0, sizeof(*res));
	res->inv = FF_INV_NONE;
	res->finding = FF_FINDING_NONE;
	for (k = 0; k < prog->nr; k++) {
		int rc;

		w->prog = prog;
		w->pc = k;
		w->consumed_next = false;
		rc = ff_exec_step(w, &prog->ops[k], o->check);
		if (rc)
			res->refused++;
		else
			res->ok++;
		if (o->check && sweep && (k + 1) % sweep == 0 && !ff_failed())
			ff_check_full(w);
		if (md && !ff_failed()) {
			int rc_md;

			md->prog = prog;
			md->pc = k;
			md->consumed_next = false;
			rc_md = ff_exec_step(md, &prog->ops[k], o->check);
			if (rc_md == FF_UNSUPPORTED) {
				/* an op sequence only struct pages support */
				ff_world_destroy(md);
				md = NULL;
			} else if (!ff_failed()) {
				ff_compare_representations(w, md, rc, rc_md);
			}
			if (md && ff_failed()) {
				/* report from the memdesc world */
				struct ff_world *t = w;

				w = md;
				md = t;
				break;
			}
			ff_cur = w;
		}
		if (o->verbose)
			print_verbose(o->verbose, w, k, &prog->ops[k],
				      ff_failed() && rc == -1 ? -1 : rc);
		if (ff_failed())
			break;
		if (w->consumed_next) { /* the writer of a race op */
			k++;
			if (o->verbose && k < prog->nr) {
				fprintf(o->verbose, "  (writer of step %zu) ",
					k);
				ff_op_print(o->verbose, &prog->ops[k]);
				fprintf(o->verbose, " -> %s\n",
					w->race.fired ?
						errno_name(w->race.writer_rc) :
						"not run");
			}
		}
	}
	if (!ff_failed())
		ff_world_teardown(w, o->check);
	if (!ff_failed() && md) {
		ff_cur = md;
		if (!ff_world_teardown(md, o->check)) {
			struct ff_world *t = w;

			w = md;
			md = t;
			k = prog->nr;
		}
	}
	bad = w;
	if (ff_failed() && w->fail.finding != FF_FINDING_NONE && o->suppress) {
		/* A known finding: this input ends here, as a pass. */
		res->finding = w->fail.finding;
		res->step = k;
	} else if (ff_failed()) {
		struct ff_world *before = replay_before(&bad->cfg, prog, k);

		res->inv = w->fail.inv;
		res->step = k;
		ff_cur = w;
		ff_report(o->report ? o->report : stderr, w, before, prog, k);
		ff_world_destroy(before);
	} else {
		res->step = prog->nr;
	}
	ff_cur = w;
	ff_world_destroy(w);
	if (md) {
		ff_cur = md;
		ff_world_destroy(md);
	}
}
