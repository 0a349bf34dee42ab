/*
 * race.c - the race ops: race, race_pfn, race_rep, race_in and pfn_walk
 * (docs/design.md §11), and the checks of what a reader promises (I_SNAPSHOT,
 * I_GUP).
 *
 * race / race_pfn run a reader on one page; the op after it in the program
 * is its writer, run at the reader point the op names.  The state before
 * the reader starts (S0) is kept; the state after the writer is the live
 * one (S1).  With a single writer op these are the only two states that
 * existed during the call, so a FAITHFUL snapshot must match one of them,
 * and a GUP-fast result must own the page at the end.  race_rep takes
 * several writers, one per pass (S0 is saved again before each).
 *
 * race_in turns it round: the op after it is the writer, and a reader runs
 * at a writer point, in the writer's half-done state, which does not change
 * while the reader runs; references it takes are held until the writer
 * returns.
 */
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/gup.h"
#include "foliofuzz/harness.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/race.h"
#include "foliofuzz/refmodel.h"
#include "foliofuzz/repr.h"
#include "foliofuzz/snapshot.h"

const char *const ff_reader_names[FF_NR_READERS] = {
	"snapshot", "kpageflags", "kpagecount", "gup_fast",
	"spec_get", "mf_get",	  "put_other",
};
const char *const ff_race_point_names[FF_NR_RACE_POINTS] = {
	"after_page",	      "after_folio",	      "after_page2",
	"after_read",	      "after_type",	      "after_tryget",
	"split_after_unmap",  "split_after_freeze",   "split_tail",
	"split_before_remap", "migrate_after_unmap",  "migrate_after_freeze",
	"migrate_after_move", "migrate_before_remap", "free_before_merge",
	"free_merge",	      "mvma_after_setup",     "mvma_before_finalize",
	"dax_associate",      "dax_disassociate",     "md_put_dispatch",
};

/* Reader ops take no part as writers: they are consumed, not run. */
static bool is_race_op(const struct ff_op *op)
{
	return op->code == FF_OP_RACE || op->code == FF_OP_RACE_PFN ||
	       op->code == FF_OP_PFN_WALK || op->code == FF_OP_RACE_IN ||
	       op->code == FF_OP_RACE_REP;
}

/* Saves the max-order window around pfn into w->s0: a folio never
 * crosses it, and buddy blocks are aligned inside it.  The rest of w->s0
 * is stale and never read. */
static void save_window(struct ff_world *w, unsigned long pfn)
{
	unsigned long base = pfn & ~((1UL << FF_MAX_ORDER) - 1);
	unsigned long end = base + (1UL << FF_MAX_ORDER);

	if (!w->s0) {
		w->s0 = malloc(w->k.nr_memmap * sizeof(*w->s0));
		if (!w->s0)
			abort();
	}
	if (end > w->k.nr_memmap)
		end = w->k.nr_memmap;
	memcpy(&w->s0[base], &w->k.memmap[base], (end - base) * sizeof(*w->s0));
}

/* The race callback of race / race_rep: the next writer op runs inside
 * the reader, in the reader's world. */
static void run_writer(struct ff_world *w)
{
	const struct ff_op *op;

	if (w->race.fired > (int)w->race.nr_writers)
		return;
	op = &w->race.writers[w->race.fired - 1];
	/* With several writers, the reader's checks compare against the
	 * states before and after the last one that ran. */
	if (w->race.fired > 1 && w->race.reader != FF_READER_GUP_FAST)
		save_window(w, w->race.pfn);
	if (!is_race_op(op))
		w->race.writer_rc = ff_exec_op(w, op);
}

static void race_reset(struct ff_world *w)
{
	w->race.run = NULL;
	w->race.writers = NULL;
	w->race.nr_writers = 0;
	w->race.writer_rc = 0;
	w->race.times = 0;
	w->race.passes = 0;
	w->race.fired = 0;
	w->race.busy = false;
	w->race.nr_held = 0;
	w->race.outcome = 0;
}

/* Takes the n ops after the running one as writers, one per pass of
 * point; race_finish() runs those the reader never reached after it. */
static void race_arm_n(struct ff_world *w, uint8_t point, uint32_t n)
{
	race_reset(w);
	if (w->prog && w->pc + 1 < w->prog->nr) {
		if (n > w->prog->nr - w->pc - 1)
			n = (uint32_t)(w->prog->nr - w->pc - 1);
		w->consumed = n;
		w->race.writers = &w->prog->ops[w->pc + 1];
		w->race.nr_writers = n;
		w->race.run = run_writer;
		w->race.times = (int)n;
	}
	w->race.point = point % FF_NR_READER_POINTS;
}

static void race_finish(struct ff_world *w)
{
	/* Writers whose pass the reader never reached run after it. */
	while (w->race.run && w->race.fired < (int)w->race.nr_writers &&
	       !ff_failed()) {
		w->race.fired++;
		run_writer(w);
	}
	/* disarmed; passes, fired, outcome and writer_rc stay for the race
	 * op's result and the state feedback */
	w->race.run = NULL;
	w->race.writers = NULL;
	w->race.nr_writers = 0;
}

/* ---- states: a page array (S0 copy, or the live memmap) */

static bool in_array(const struct ff_world *w, unsigned long word,
		     unsigned long *pfn)
{
	uintptr_t base = (uintptr_t)w->k.memmap;

	if (word < base ||
	    word >= base + w->k.nr_memmap * sizeof(struct page) ||
	    (word - base) % sizeof(struct page))
		return false;
	*pfn = (word - base) / sizeof(struct page);
	return true;
}

/* Is pfn inside a free buddy block in state S? */
static bool state_free(const struct ff_world *w, const struct page *S,
		       unsigned long pfn)
{
	if (!ff_pfn_is_ram(&w->k, pfn))
		return false;
	for (unsigned int o = 0; o <= w->k.cfg.max_order; o++) {
		const struct page *h = &S[pfn & ~((1UL << o) - 1)];

		if (PageBuddy(h) && h->private >= o && !(h->compound_head & 1))
			return true;
	}
	return false;
}

/*
 * Which folio a page belongs to, and what that folio is: the words that
 * give a page and a folio their identity.  Counters (refcount, mapcounts)
 * and most flag bits change under any reader through atomic updates; two
 * reads of them may disagree without the snapshot describing a state that
 * never was, so they are not compared.
 */
static bool same_page_identity(const struct page *a, const struct page *b)
{
	return a->compound_head == b->compound_head &&
	       (a->flags & BIT(PG_head)) == (b->flags & BIT(PG_head)) &&
	       ((a->compound_head & 1) ||
		(a->mapping == b->mapping && a->index == b->index));
}

static bool same_folio_identity(const struct folio *a, const struct folio *b)
{
	if (!same_page_identity(&a->page, &b->page))
		return false;
	if (!folio_test_large(a))
		return true;
	return (a->_flags_1 & 0xff) == (b->_flags_1 & 0xff) &&
	       a->_head_1 == b->_head_1 && a->_nr_pages == b->_nr_pages;
}

/* Does the snapshot describe state S: the page as it was in S, inside the
 * folio it belonged to in S, with that folio's identity? */
static bool snapshot_matches(const struct ff_world *w, const struct page *S,
			     const struct page_snapshot *ps)
{
	const struct page *ph = &ps->page_snapshot;
	const struct folio *fs = &ps->folio_snapshot;
	unsigned long pfn = ps->pfn, H = pfn, order;

	/* a large head's mapping and index are its folio's: snapshot_page's
	 * users read them from the folio copy, compared below */
	if (ph->flags & BIT(PG_head) && !(ph->compound_head & 1) &&
	    folio_test_large(fs)) {
		if (S[pfn].compound_head != ph->compound_head ||
		    !(S[pfn].flags & BIT(PG_head)))
			return false;
	} else if (!same_page_identity(&S[pfn], ph)) {
		return false;
	}
	if (ph->compound_head & 1) {
		if (!in_array(w, ph->compound_head - 1, &H))
			return false;
	}
	/* a folio never leaves its max-order window (S0 holds only it) */
	if ((H ^ pfn) >> FF_MAX_ORDER || H + ps->idx != pfn)
		return false;
	if (!folio_test_large(fs)) /* a small page: the folio is the page */
		return H == pfn && same_page_identity(&fs->page, ph);
	if (H + 1 >= w->k.nr_memmap ||
	    !same_folio_identity((const struct folio *)&S[H], fs))
		return false;
	if (!(S[H].flags & BIT(PG_head)) || (S[H].compound_head & 1))
		return false;
	order = S[H + 1].flags & 0xff;
	return pfn < H + (1UL << order);
}

static void check_snapshot(struct ff_world *w, const struct page *S0,
			   const struct page_snapshot *ps)
{
	const struct page *S1 = w->k.memmap;
	const struct folio *fs = &ps->folio_snapshot;

	if (!snapshot_page_is_faithful(ps)) {
		if (folio_test_large(fs) ||
		    (ps->page_snapshot.compound_head & 1) || ps->idx ||
		    ps->flags)
			ff_fail(I_SNAPSHOT, &w->k.memmap[ps->pfn],
				"unfaithful snapshot of pfn %lu does not "
				"describe a lone order-0 page",
				ps->pfn);
		return;
	}
	if (ps->idx >= (unsigned long)folio_nr_pages(fs)) {
		if (ps->idx == (unsigned long)folio_nr_pages(fs))
			ff_fail_finding(I_SNAPSHOT, F_SNAPSHOT_IDX_EQ_NR,
					&w->k.memmap[ps->pfn],
					"FAITHFUL snapshot of pfn %lu: idx %lu "
					"== nr_pages %ld, outside the folio",
					ps->pfn, ps->idx, folio_nr_pages(fs));
		else
			ff_fail(I_SNAPSHOT, &w->k.memmap[ps->pfn],
				"FAITHFUL snapshot of pfn %lu: idx %lu >= "
				"nr_pages %ld",
				ps->pfn, ps->idx, folio_nr_pages(fs));
		return;
	}
	if (!snapshot_matches(w, S0, ps) && !snapshot_matches(w, S1, ps) &&
	    ps->idx == 0 && (ps->page_snapshot.flags & BIT(PG_head)) &&
	    !(ps->page_snapshot.compound_head & 1) &&
	    (!folio_test_large(fs) ||
	     folio_order(fs) !=
		     folio_order((const struct folio *)&S0[ps->pfn]))) {
		ff_fail_finding(I_SNAPSHOT, F_SNAPSHOT_HEAD_TORN,
				&w->k.memmap[ps->pfn],
				"FAITHFUL snapshot of head pfn %lu: the page "
				"copy is a large head, the folio copy is order "
				"%u",
				ps->pfn, folio_order(fs));
		return;
	}
	if (!snapshot_matches(w, S0, ps) && !snapshot_matches(w, S1, ps)) {
		ff_fail(I_SNAPSHOT, &w->k.memmap[ps->pfn],
			"FAITHFUL snapshot of pfn %lu (idx %lu, order %u) "
			"matches neither the state before the call nor after",
			ps->pfn, ps->idx, folio_order(fs));
		return;
	}
	if ((ps->flags & PAGE_SNAPSHOT_PG_BUDDY) &&
	    !state_free(w, S0, ps->pfn) && !state_free(w, S1, ps->pfn))
		ff_fail(I_SNAPSHOT, &w->k.memmap[ps->pfn],
			"snapshot of pfn %lu says PG_BUDDY; it was never free "
			"during the call",
			ps->pfn);
}

/*
 * /proc/kpagecount adds the page's own mapcount, read from the page copy,
 * to its folio's entire mapcount, read later from the folio copy: the two
 * may come from different moments (a racing PMD split moves a mapping
 * from the folio to the page in between).  The count must be one of those
 * combinations; anything else was read from the wrong page or folio.
 */
static void state_mapcounts(const struct ff_world *w, const struct page *S,
			    unsigned long pfn, long *page_maps, long *entire)
{
	const struct page *p = &S[pfn];
	unsigned long H = pfn;

	*page_maps = page_has_type(p) ? 0 : p->_mapcount + 1;
	*entire = 0;
	if ((p->compound_head & 1) && (!in_array(w, p->compound_head - 1, &H) ||
				       (H ^ pfn) >> FF_MAX_ORDER))
		return;
	if (S[H].flags & BIT(PG_head))
		*entire = ((const struct folio *)&S[H])->_entire_mapcount + 1;
}

/* faithful: the reader's snapshot was FAITHFUL; when it gave up, its folio
 * copy is the page itself, and only the page's own mapcount was read. */
static bool kpagecount_plausible(const struct ff_world *w,
				 const struct page *S0, unsigned long pfn,
				 long count, bool faithful)
{
	long pm[2], em[2];

	state_mapcounts(w, S0, pfn, &pm[0], &em[0]);
	state_mapcounts(w, w->k.memmap, pfn, &pm[1], &em[1]);
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 2; b++)
			if (count == pm[a] + (faithful ? em[b] : 0))
				return true;
	return false;
}

bool ff_check_gup_ref(struct ff_world *w, unsigned long pfn,
		      const struct page *at, const struct ff_obj *o, bool same,
		      int refs, const char *who)
{
	(void)w;
	if (o ? (!same || refs != ff_obj_expected_refs(o) + 1) : refs != 1) {
		ff_fail(I_GUP, at,
			"%s on pfn %lu: refcount %d, the model's %d plus the "
			"GUP reference",
			who, pfn, refs, o ? ff_obj_expected_refs(o) : 0);
		return false;
	}
	return true;
}

/* Runs one reader on pfn (the writer, if armed, runs inside it). */
static void run_reader(struct ff_world *w, int reader, unsigned long pfn,
		       const struct page *S0)
{
	struct page *page = pfn_to_page(pfn);
	struct page_snapshot ps;
	uint64_t kpf;
	long count;

	switch (reader) {
	case FF_READER_SNAPSHOT:
		snapshot_page(&ps, page);
		w->race.outcome |= snapshot_page_is_faithful(&ps) ?
					   FF_RO_FAITHFUL :
					   FF_RO_TORN;
		check_snapshot(w, S0, &ps);
		break;
	case FF_READER_KPAGEFLAGS:
		kpf = stable_page_flags(page);
		if ((kpf & (1ULL << KPF_BUDDY)) && !state_free(w, S0, pfn) &&
		    !state_free(w, w->k.memmap, pfn))
			ff_fail(I_SNAPSHOT, page,
				"/proc/kpageflags says KPF_BUDDY for pfn %lu, "
				"which was never free during the read",
				pfn);
		break;
	case FF_READER_KPAGECOUNT:
		count = kpagecount_read_snap(page, &ps);
		if (!kpagecount_plausible(w, S0, pfn, count,
					  snapshot_page_is_faithful(&ps)))
			ff_fail(I_SNAPSHOT, page,
				"/proc/kpagecount says %ld for pfn %lu: no mix "
				"of the page and folio mapcounts before and "
				"after the call gives that",
				count, pfn);
		break;
	default: /* GUP-fast, in the world's representation */
		ff_repr_of(w)->gup_check(w, pfn);
		break;
	}
}

static int race(struct ff_world *w, int reader, unsigned long pfn,
		uint8_t point, uint32_t nr_writers)
{
	struct page *S0;

	if (!((ff_repr_of(w)->readers >> reader) & 1))
		return FF_UNSUPPORTED;
	if (pfn >= w->k.nr_memmap)
		return -EINVAL;
	/* GUP-fast's check reads only the state after the call. */
	if (reader != FF_READER_GUP_FAST)
		save_window(w, pfn);
	S0 = w->s0;
	race_arm_n(w, point, nr_writers);
	w->race.reader = reader;
	w->race.pfn = pfn;
	ff_world_touch(w, pfn, 1);
	run_reader(w, reader, pfn, S0);
	race_finish(w);
	/* a writer this representation lacks ends a differential run */
	return w->race.writer_rc == FF_UNSUPPORTED ? FF_UNSUPPORTED : 0;
}

int ff_op_race(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[1]);
	unsigned long pfn;

	if (!o) {
		w->consumed = w->prog && w->pc + 1 < w->prog->nr;
		return -ENOENT;
	}
	pfn = o->pfn + op->arg[2] % (1UL << o->order);
	return race(w, op->arg[0] % FF_NR_LOCKLESS_READERS, pfn, op->arg[3], 1);
}

int ff_op_race_pfn(struct ff_world *w, const struct ff_op *op)
{
	unsigned long pfn =
		((unsigned long)op->arg[1] << 8 | op->arg[2]) % w->k.nr_memmap;

	return race(w, op->arg[0] % FF_NR_LOCKLESS_READERS, pfn, op->arg[3], 1);
}

/* A compaction / kpageflags-style scan over [start, start + len). */
int ff_op_pfn_walk(struct ff_world *w, const struct ff_op *op)
{
	unsigned long start =
		((unsigned long)op->arg[1] << 8 | op->arg[2]) % w->k.nr_memmap;
	unsigned long len = op->arg[3] + 1UL;
	int reader = op->arg[0] % FF_NR_LOCKLESS_READERS;
	struct page *S0 = w->k.memmap; /* no writer: the state is fixed */

	if (!((ff_repr_of(w)->readers >> reader) & 1))
		return FF_UNSUPPORTED;
	for (unsigned long pfn = start;
	     pfn < start + len && pfn < w->k.nr_memmap && !ff_failed(); pfn++)
		run_reader(w, reader, pfn, S0);
	return 0;
}

int ff_op_race_rep(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[1]);
	uint32_t n = op->arg[4] + 1U;
	unsigned long pfn;

	if (!o) {
		if (w->prog && w->pc + 1 < w->prog->nr)
			w->consumed =
				(uint32_t)(n < w->prog->nr - w->pc - 1 ?
						   n :
						   w->prog->nr - w->pc - 1);
		return -ENOENT;
	}
	pfn = o->pfn + op->arg[2] % (1UL << o->order);
	return race(w, op->arg[0] % FF_NR_LOCKLESS_READERS, pfn, op->arg[3], n);
}

/* ---- race_in: a reader at a writer point */

/*
 * What a reader that took a reference promises at the moment it took it:
 * the count it raised was not 0 (a folio frozen by split or migration, or
 * a free page, is never caught), and the folio it returns owns the page.
 */
static void check_got(struct ff_world *w, const char *who, unsigned long pfn,
		      struct folio *folio, int before)
{
	unsigned long fpfn = folio_pfn(folio);

	(void)w;
	if (before <= 0)
		ff_fail(I_GUP, &folio->page,
			"%s on pfn %lu at a writer's race point took a "
			"reference on the folio at pfn %lu while its count was "
			"%d (frozen or free)",
			who, pfn, fpfn, before);
	else if (PageTail(&folio->page) || pfn < fpfn ||
		 pfn >= fpfn + (unsigned long)folio_nr_pages(folio))
		ff_fail(I_GUP, &folio->page,
			"%s on pfn %lu at a writer's race point returned the "
			"folio at pfn %lu, which does not own it",
			who, pfn, fpfn);
}

bool ff_race_holds(const struct ff_world *w, const struct folio *folio)
{
	for (int i = 0; i < w->race.nr_held; i++)
		if (w->race.held[i] == folio)
			return true;
	/* a race / race_rep GUP-fast reader past its tryget, whose writer
	 * runs now: its reference is held too */
	return w->race.run == run_writer && w->race.busy &&
	       w->race.reader == FF_READER_GUP_FAST &&
	       w->race.point == RP_GUP_AFTER_TRYGET &&
	       w->race.pfn < w->k.nr_memmap &&
	       page_folio(&w->k.memmap[w->race.pfn]) == folio;
}

/* A reference a reader holds until the writer returns. */
static void hold(struct ff_world *w, struct folio *folio)
{
	ff_world_touch(w, folio_pfn(folio), 1);
	if (w->race.nr_held <
	    (int)(sizeof(w->race.held) / sizeof(w->race.held[0])))
		w->race.held[w->race.nr_held++] = folio;
	else
		folio_put(folio);
}

/* The race callback of race_in: the reader runs on w->race.pfn in the
 * writer's half-done state, which does not change while it runs. */
static void reader_at_point(struct ff_world *w)
{
	unsigned long pfn = w->race.pfn;
	struct page *page = pfn_to_page(pfn);
	int before = folio_ref_count(page_folio(page));
	struct folio *folio = NULL;
	const char *who;

	ff_world_touch(w, pfn, 1);
	switch (w->race.reader) {
	case FF_READER_GUP_FAST:
		if (ff_repr_of(w) != &ff_repr_page) { /* its own check */
			ff_repr_of(w)->gup_check(w, pfn);
			return;
		}
		who = "GUP-fast";
		folio = try_grab_folio_fast(page, 1);
		break;
	case FF_READER_SPEC_GET:
		who = "a speculative page-cache lookup";
		folio = filemap_get_entry_of(page);
		break;
	case FF_READER_MF_GET:
		who = "memory_failure's get_hwpoison_page";
		get_hwpoison_page(page, &folio);
		break;
	case FF_READER_PUT_OTHER: /* drop the reference taken at arming */
		if (w->race.nr_held) {
			folio = w->race.held[--w->race.nr_held];
			ff_world_touch(w, folio_pfn(folio), 1);
			folio_put(folio);
		}
		return;
	default: /* the lockless readers: S0 is the state as it is */
		run_reader(w, w->race.reader, pfn, w->k.memmap);
		return;
	}
	if (!folio) {
		w->race.outcome |= FF_RO_MISSED;
		return;
	}
	w->race.outcome |= FF_RO_GOT;
	check_got(w, who, pfn, folio, before);
	hold(w, folio);
}

/*
 * race_in reader h page point times: the op after this one is the writer;
 * when it passes point, the reader runs on the page (at the first `times`
 * passes; times 7 = every pass).  References readers take are held until
 * the writer returns, then dropped; put_other takes its reference now and
 * drops it at the point.  With no live object, page names a pfn of the
 * world's DAX region (the dax target has no objects).
 */
int ff_op_race_in(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[1]);
	int reader = op->arg[0] % FF_NR_READERS;
	const struct ff_op *writer = NULL;
	unsigned long pfn;
	int rc = 0;

	if (!((ff_repr_of(w)->readers >> reader) & 1))
		return FF_UNSUPPORTED;
	if (o)
		pfn = o->pfn + op->arg[2] % (1UL << o->order);
	else if (w->k.cfg.nr_dax)
		pfn = w->k.dax_start + op->arg[2] % w->k.cfg.nr_dax;
	else
		return -ENOENT;
	race_reset(w);
	if (w->prog && w->pc + 1 < w->prog->nr) {
		w->consumed = 1;
		if (!is_race_op(&w->prog->ops[w->pc + 1]))
			writer = &w->prog->ops[w->pc + 1];
	}
	w->race.reader = reader;
	w->race.pfn = pfn;
	w->race.point = FF_NR_READER_POINTS + op->arg[3] % FF_NR_WRITER_POINTS;
	w->race.times = op->arg[4] % 8 == 7 ? 0 : op->arg[4] % 8 + 1;
	w->race.run = reader_at_point;
	if (reader == FF_READER_PUT_OTHER) {
		struct folio *f = page_folio(pfn_to_page(pfn));

		if (ff_repr_of(w) == &ff_repr_page && folio_try_get(f))
			hold(w, f);
	}
	if (writer)
		rc = ff_exec_op(w, writer);
	w->race.run = NULL;
	/* the references readers held across the writer */
	while (w->race.nr_held && !ff_failed()) {
		struct folio *f = w->race.held[--w->race.nr_held];

		ff_world_touch(w, folio_pfn(f), 1);
		folio_put(f);
	}
	w->race.writer_rc = rc;
	return rc;
}
