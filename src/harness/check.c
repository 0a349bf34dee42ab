/*
 * check.c - the invariant checker (ids in invariants.def).
 *
 * After every step the checker looks at what the step touched: each
 * touched pfn that the reference model says is free is checked as a free
 * page inside a buddy block, and each live object owning a touched pfn is
 * checked whole, bits against the reference model.  A full sweep walks
 * every pfn, every free list and every object; it runs every
 * cfg.sweep_every steps and at the end of an input, there at the cost of
 * the pfns the input touched (ff_check_sweep): an untouched pfn is
 * compared with the world as built instead.
 *
 * Every pointer read out of struct page bits is range-checked before it is
 * followed, so a corrupted state is reported, not dereferenced.
 *
 * This file holds the entry points (the step check and the sweeps); the
 * checks by kind of memory are in check_ram.c (buddy free pages, RAM
 * objects, free lists), check_device.c (device-private region, FS-DAX) and
 * check_memdesc.c (memdesc objects), sharing check_internal.h.
 */
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/list.h"
#include "foliofuzz/memdesc.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/refmodel.h"

#include "check_internal.h"

void ff_check_step(struct ff_world *w)
{
	uint32_t seen[64];
	uint32_t nseen = 0;

	w->stats.checks++;
	for (uint32_t t = 0; t < w->nr_touched && !failed(w); t++) {
		uint32_t pfn = w->touched[t];
		long idx;
		bool dup = false;

		if (w->touched_mark[pfn] == 2)
			continue; /* checked with its free block */
		if (ff_pfn_is_dax(&w->k, pfn)) {
			check_dax_page(w, pfn);
			continue;
		}
		if (w->ref[pfn].state == FF_PS_FREE) {
			if (ff_pfn_is_ram(&w->k, pfn))
				check_free_page(w, pfn);
			else
				check_devpriv_free(w, pfn);
			continue;
		}
		/* each owner once per step, however many of its pfns */
		for (uint32_t s = 0; s < nseen && !dup; s++)
			dup = seen[s] == w->ref[pfn].obj;
		if (dup)
			continue;
		idx = ff_obj_index_of(w, pfn);
		if (idx < 0) {
			ff_fail(I_MODEL, &w->k.memmap[pfn],
				"pfn %u: owner #%u is not live", pfn,
				w->ref[pfn].obj);
			break;
		}
		if (nseen < 64)
			seen[nseen++] = w->objs[idx].id;
		check_obj(w, &w->objs[idx]);
	}
#ifdef FF_KSHIM
	/* pick pageflags: the tree's own helpers on every touched pfn */
	if (w->k.impl && w->k.impl->check_page)
		for (uint32_t t = 0; t < w->nr_touched && !failed(w); t++)
			w->k.impl->check_page(w->touched[t]);
#endif
	for (uint32_t t = 0; t < w->nr_touched; t++)
		w->touched_mark[w->touched[t]] = 0;
	w->nr_touched = 0;
}

/*
 * The full sweep.  With only set (ff_check_sweep), pfns outside the
 * bitmap only are known to hold their struct page as the world was built
 * and a zero reference entry: the per-page checks of a free page, a free
 * block, a free device page and a DAX page are skipped for them, as they
 * passed on the built world (the block structure and the lists are still
 * walked whole).  The result is the one the whole sweep gives.
 */
static void sweep(struct ff_world *w, const uint64_t *only)
{
	uint64_t dax_mapped[(4 * FF_DAX_FILE_PAGES + 63) / 64] = { 0 };
	unsigned long blocks[FF_MAX_ORDER + 1] = { 0 };
	unsigned long pfn = 0;

	w->stats.sweeps++;
	while (pfn < nr_ram(w) && !failed(w)) {
		const struct page *p = &w->k.memmap[pfn];
		const struct ff_ref_page *r = &w->ref[pfn];

		if (PageBuddy(p)) {
			unsigned long o = buddy_order(p), nr, n;

			if (o > w->k.cfg.max_order ||
			    (pfn & ((1UL << o) - 1)) ||
			    pfn + (1UL << o) > nr_ram(w)) {
				ff_fail(I_BUDDY_ALIGN, p,
					"free block at pfn %lu has order %lu",
					pfn, o);
				return;
			}
			nr = 1UL << o;
			if (o < w->k.cfg.max_order &&
			    (pfn ^ nr) + nr <= nr_ram(w) &&
			    PageBuddy(&w->k.memmap[pfn ^ nr]) &&
			    buddy_order(&w->k.memmap[pfn ^ nr]) == o) {
				ff_fail(I_BUDDY_MERGED, p,
					"free blocks at pfn %lu and %lu, both "
					"order %lu, were not merged",
					pfn, pfn ^ nr, o);
				return;
			}
			/* a free block as built passed: n = 0 */
			n = only && block_clean(only, pfn, nr) ? 0 : nr;
			for (unsigned long i = 0; i < n && !failed(w); i++) {
				/* a page as built, where it passed */
				if (only && !is_dirty(only, pfn + i) &&
				    (i == 0 || p[i].page_type == UINT_MAX))
					continue;
				if (w->ref[pfn + i].state != FF_PS_FREE)
					ff_fail(I_MODEL, p + i,
						"pfn %lu is in a free block; "
						"the model says object #%u "
						"owns it",
						pfn + i, w->ref[pfn + i].obj);
				else
					check_free_page_in(w, pfn + i, pfn,
							   (unsigned int)o);
			}
			blocks[o]++;
			pfn += nr;
			continue;
		}
		if (r->state == FF_PS_FREE) {
			w->touched_mark[pfn] = 1;
			check_free_page(w, pfn); /* reports the mismatch */
			w->touched_mark[pfn] = 0;
			return;
		}
		if (r->state == FF_PS_TAIL ||
		    (PageTail(p) && r->state != FF_PS_HEAD)) {
			char sym[FF_SYM_LEN];

			ff_fail(I_PFN_STATE, p,
				"pfn %lu: a tail page without its head "
				"(compound_head %s)",
				pfn, ff_sym(p->compound_head, sym));
			return;
		}
		{
			long idx = ff_obj_index_of(w, pfn);

			if (idx < 0) {
				ff_fail(I_MODEL, p,
					"pfn %lu: owner #%u is not live", pfn,
					r->obj);
				return;
			}
			check_obj(w, &w->objs[idx]);
			pfn += 1UL << w->objs[idx].order;
		}
	}
	if (!failed(w))
		check_free_lists(w, blocks);
	if (!failed(w))
		check_devpriv_region(w, only);
	/* a DAX page as built passed unless something maps it */
	if (only)
		for (uint32_t i = 0; i < w->k.nr_maps; i++)
			if (ff_pfn_is_dax(&w->k, w->k.maps[i].pfn))
				set_bit64(dax_mapped,
					  w->k.maps[i].pfn - w->k.dax_start);
	for (unsigned long p = w->k.dax_start; p < w->k.nr_memmap && !failed(w);
	     p++)
		if (!only || is_dirty(only, p) ||
		    is_dirty(dax_mapped, p - w->k.dax_start))
			check_dax_page(w, p);
}

void ff_check_full(struct ff_world *w)
{
	sweep(w, NULL);
}

/*
 * The first pfn outside the dirty bitmap whose struct page differs from
 * the image, or whose reference entry is not zero (in ref_ok false); runs
 * of clean pfns are compared in bulk.  nr_memmap if there is none.
 */
static unsigned long first_stray(const struct ff_world *w, bool *ref_ok)
{
	static const struct ff_ref_page zero[64];

	*ref_ok = true;
	for (unsigned long base = 0; base < w->k.nr_memmap; base += 64) {
		unsigned long n = w->k.nr_memmap - base;
		uint64_t clean = ~w->dirty[base / 64];

		if (n < 64)
			clean &= (1ULL << n) - 1;
		while (clean) { /* each run of clean pfns */
			unsigned long lo = __builtin_ctzll(clean), hi;
			uint64_t rest = ~(clean >> lo);

			hi = rest ? lo + __builtin_ctzll(rest) : 64;
			clean &= hi < 64 ? ~0ULL << hi : 0;
			if (memcmp(&w->k.memmap[base + lo],
				   &w->img_memmap[base + lo],
				   (hi - lo) * sizeof(struct page))) {
				while (!memcmp(&w->k.memmap[base + lo],
					       &w->img_memmap[base + lo],
					       sizeof(struct page)))
					lo++;
				return base + lo;
			}
			if (*ref_ok && memcmp(&w->ref[base + lo], zero,
					      (hi - lo) * sizeof(*w->ref)))
				*ref_ok = false;
		}
	}
	return w->k.nr_memmap;
}

/*
 * The sweep every cfg.sweep_every steps and at the end of an input: what
 * ff_check_full() finds, at the cost of the pfns the input touched.  A pfn
 * no step touched must still be as the world was built, byte for byte,
 * with a zero reference entry: the checker only looks at touched pfns
 * between sweeps, so the model marks every struct page it writes.  So
 * the untouched pfns are compared with the world's image in bulk and
 * their per-page checks skipped (they passed on the built world).  When
 * one was written anyway, the whole sweep runs and reports what it
 * finds; when it finds nothing, the stray write itself is the failure.
 * Returns true when every untouched pfn was as built.
 */
bool ff_check_sweep(struct ff_world *w)
{
	unsigned long stray;
	bool ref_ok;

	if (!w->img) {
		ff_check_full(w);
		return false;
	}
	stray = first_stray(w, &ref_ok);
	if (stray < w->k.nr_memmap || !ref_ok) {
		ff_check_full(w);
		if (!failed(w) && stray < w->k.nr_memmap)
			ff_fail(I_UNTOUCHED, &w->k.memmap[stray],
				"pfn %lu was written, but no step touched it "
				"(ff_touch)",
				stray);
		return false;
	}
	sweep(w, w->dirty);
	return true;
}
