/*
 * race.c - the reader ops: race, race_pfn and pfn_walk (docs/design.md §11), and
 * the checks of what a lockless reader promises (I_SNAPSHOT, I_GUP).
 *
 * A race op runs a reader on one page; the op after it in the program is
 * its writer, run at the race point the race op names (race.h).  The
 * state before the reader starts (S0) is kept; the state after the writer
 * is the live one (S1).  With a single writer op these are the only two
 * states that existed during the call, so a FAITHFUL snapshot must match
 * one of them, and a GUP-fast result must own the page at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/race.h"
#include "foliofuzz/refmodel.h"
#include "foliofuzz/repr.h"
#include "foliofuzz/snapshot.h"

const char *const ff_reader_names[FF_NR_READERS] = {
	"snapshot",
	"kpageflags",
	"kpagecount",
	"gup_fast",
};
const char *const ff_race_point_names[FF_NR_RACE_POINTS] = {
	"after_page", "after_folio", "after_page2",
	"after_read", "after_type",  "after_tryget",
};

/* The race callback the glue's ff_race_point() calls: the writer op runs
 * inside the reader, in the reader's world. */
static void run_writer(struct ff_world *w)
{
	w->race.writer_rc = ff_exec_op(w, w->race.writer);
}

void ff_race_arm(struct ff_world *w, uint8_t point)
{
	w->race.writer = NULL;
	w->race.run = NULL;
	w->race.writer_rc = 0;
	if (w->prog && w->pc + 1 < w->prog->nr) {
		const struct ff_op *next = &w->prog->ops[w->pc + 1];

		w->consumed_next = true;
		/* a reader op cannot be a writer: it is consumed, not run */
		if (next->code != FF_OP_RACE && next->code != FF_OP_RACE_PFN &&
		    next->code != FF_OP_PFN_WALK) {
			w->race.writer = next;
			w->race.run = run_writer;
		}
	}
	w->race.point = point % FF_NR_RACE_POINTS;
	w->race.fired = false;
	w->race.late = false;
}

void ff_race_finish(struct ff_world *w)
{
	/* A writer whose point the reader never passed runs after it. */
	w->race.late = w->race.writer && !w->race.fired;
	if (w->race.writer && !w->race.fired && !ff_failed())
		ff_race_point((enum ff_race_point)w->race.point);
	w->race.writer = NULL;
	w->race.run = NULL;
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

	if (!same_page_identity(&S[pfn], ph))
		return false;
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

static bool kpagecount_plausible(const struct ff_world *w,
				 const struct page *S0, unsigned long pfn,
				 long count)
{
	long pm[2], em[2];

	state_mapcounts(w, S0, pfn, &pm[0], &em[0]);
	state_mapcounts(w, w->k.memmap, pfn, &pm[1], &em[1]);
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 2; b++)
			if (count == pm[a] + em[b])
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
		count = kpagecount_read(page);
		if (!kpagecount_plausible(w, S0, pfn, count))
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
		uint8_t point)
{
	struct page *S0;

	if (!((ff_repr_of(w)->readers >> reader) & 1))
		return FF_UNSUPPORTED;
	if (pfn >= w->k.nr_memmap)
		return -EINVAL;
	/*
	 * S0 needs only the max-order window around pfn: a folio never
	 * crosses it, and buddy blocks are aligned inside it.  The rest of
	 * w->s0 is stale and never read.  GUP-fast's check reads only the
	 * state after the call.
	 */
	if (!w->s0) {
		w->s0 = malloc(w->k.nr_memmap * sizeof(*S0));
		if (!w->s0)
			abort();
	}
	S0 = w->s0;
	if (reader != FF_READER_GUP_FAST) {
		unsigned long base = pfn & ~((1UL << FF_MAX_ORDER) - 1);
		unsigned long end = base + (1UL << FF_MAX_ORDER);

		if (end > w->k.nr_memmap)
			end = w->k.nr_memmap;
		memcpy(&S0[base], &w->k.memmap[base],
		       (end - base) * sizeof(*S0));
	}
	ff_race_arm(w, point);
	ff_world_touch(w, pfn, 1);
	run_reader(w, reader, pfn, S0);
	ff_race_finish(w);
	/* a writer this representation lacks ends a differential run */
	return w->race.writer_rc == FF_UNSUPPORTED ? FF_UNSUPPORTED : 0;
}

int ff_op_race(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[1]);
	unsigned long pfn;

	if (!o) {
		w->consumed_next = w->prog && w->pc + 1 < w->prog->nr;
		w->race.fired = false;
		return -ENOENT;
	}
	pfn = o->pfn + op->arg[2] % (1UL << o->order);
	return race(w, op->arg[0] % FF_NR_READERS, pfn, op->arg[3]);
}

int ff_op_race_pfn(struct ff_world *w, const struct ff_op *op)
{
	unsigned long pfn =
		((unsigned long)op->arg[1] << 8 | op->arg[2]) % w->k.nr_memmap;

	return race(w, op->arg[0] % FF_NR_READERS, pfn, op->arg[3]);
}

/* A compaction / kpageflags-style scan over [start, start + len). */
int ff_op_pfn_walk(struct ff_world *w, const struct ff_op *op)
{
	unsigned long start =
		((unsigned long)op->arg[1] << 8 | op->arg[2]) % w->k.nr_memmap;
	unsigned long len = op->arg[3] + 1UL;
	int reader = op->arg[0] % FF_NR_READERS;
	struct page *S0 = w->k.memmap; /* no writer: the state is fixed */

	if (!((ff_repr_of(w)->readers >> reader) & 1))
		return FF_UNSUPPORTED;
	for (unsigned long pfn = start;
	     pfn < start + len && pfn < w->k.nr_memmap && !ff_failed(); pfn++)
		run_reader(w, reader, pfn, S0);
	return 0;
}
