/*
 * check_device.c - the checks of ZONE_DEVICE pages: a device-private page
 * and the driver's free list and pgmap count; an FS-DAX page's
 * association, reference and mapping counts, and its reverse map.
 */
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/list.h"
#include "foliofuzz/memdesc.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/refmodel.h"

#include "check_internal.h"

/* A ZONE_DEVICE page: in ZONE_DEVICE, with its region's pgmap. */
bool check_pgmap(struct ff_world *w, unsigned long pfn,
		 const struct dev_pagemap *pgmap)
{
	const struct page *p = &w->k.memmap[pfn];
	const struct folio *f = (const struct folio *)p;

	if (page_zonenum(p) != ZONE_DEVICE || f->pgmap != pgmap) {
		char sym[FF_SYM_LEN];

		ff_fail(I_DEVPRIV_PGMAP, p, "pfn %lu: zone %d, pgmap %s", pfn,
			page_zonenum(p), ff_sym((unsigned long)f->pgmap, sym));
		return false;
	}
	return true;
}

void check_devpriv_free(struct ff_world *w, unsigned long pfn)
{
	const struct page *p = &w->k.memmap[pfn];

	if (!check_pgmap(w, pfn, &w->k.devpriv_pgmap))
		return;
	if (p->_refcount || p->mapping || p->_mapcount != -1 ||
	    (p->flags & BIT(PG_locked))) {
		char sym[FF_SYM_LEN];

		ff_fail(I_DEVPRIV_FREE, p,
			"free device page %lu: refcount %d mapping %s "
			"mapcount %d flags 0x%lx",
			pfn, p->_refcount,
			ff_sym((unsigned long)p->mapping, sym),
			p->_mapcount + 1,
			p->flags & ~(ZONES_MASK << ZONES_PGSHIFT));
	}
}

/* The reverse map memory_failure() would use finds every DAX mapping of
 * pfn, whose folio's head is head: the head's mapping and index (plus the
 * page's offset in the folio), or the fs block map of a shared folio. */
static void check_dax_rmap(struct ff_world *w, unsigned long pfn,
			   unsigned long head)
{
	const struct folio *folio = (const struct folio *)&w->k.memmap[head];
	bool shared = !folio->mapping && folio->share;

	for (uint32_t i = 0; i < w->k.nr_maps; i++) {
		const struct ff_map *m = &w->k.maps[i];
		const struct address_space *as = w->k.vmas[m->vma].file;
		bool found = false;

		if (m->pfn != pfn)
			continue;
		if (!shared) {
			found = folio->mapping == as &&
				folio->index + (pfn - head) == m->index;
		} else { /* dax_holder_operations: the fs block map */
			for (int k = 0; k < FF_NR_DAX_FILES; k++) {
				const struct ff_dax_file *f =
					&w->k.dax_files[k];

				found |= &f->as == as && m->index < f->nr &&
					 f->pfn[m->index] == pfn &&
					 f->entry[m->index];
			}
		}
		if (!found) {
			ff_fail(I_DAX_RMAP, &w->k.memmap[pfn],
				"DAX pfn %lu: mapped at d%u index %u (vma %u%s), "
				"which memory_failure() would not find",
				pfn, as->id - FF_NR_FILES, m->index, m->vma,
				m->pmd ? ", PMD" : "");
			return;
		}
	}
}

/* A tail of a PMD entry's folio: a compound tail of its head, with no
 * state of its own (the association is the head's). */
static void check_dax_tail(struct ff_world *w, unsigned long pfn,
			   unsigned long head)
{
	const struct page *p = &w->k.memmap[pfn];
	const struct ff_ref_page *r = &w->ref[pfn];
	char sym[FF_SYM_LEN];

	if (r->dax != FF_DAX_NONE) {
		/* dax_folio_init() made a page with its own (order-0)
		 * association a tail of a PMD entry's folio */
		ff_fail_finding(I_DAX_STATE, F_DAX_MIXED_ORDER, p,
				"DAX pfn %lu: a tail of the PMD folio at pfn "
				"%lu, still associated on its own (%s %u)",
				pfn, head,
				r->dax == FF_DAX_SINGLE ? "single at index" :
							  "shares",
				r->dax_n);
		return;
	}
	if (page_zonenum(p) != ZONE_DEVICE) {
		ff_fail(I_DEVPRIV_PGMAP, p, "DAX pfn %lu: zone %d", pfn,
			page_zonenum(p));
		return;
	}
	if (p->compound_head != (unsigned long)&w->k.memmap[head] + 1 ||
	    PageHead(p)) {
		ff_fail(I_COMPOUND_TAIL, p,
			"DAX pfn %lu: a tail of the PMD folio at pfn %lu, "
			"compound_head %s, flags 0x%lx",
			pfn, head, ff_sym(p->compound_head, sym), p->flags);
		return;
	}
	if (p->_refcount) {
		ff_fail(I_TAIL_REFCOUNT, p, "DAX tail pfn %lu: refcount %d",
			pfn, p->_refcount);
		return;
	}
	if (pfn - head >= 3 && p->mapping != TAIL_MAPPING) {
		ff_fail(I_TAIL_MAPPING, p, "DAX tail pfn %lu: mapping %s", pfn,
			ff_sym((unsigned long)p->mapping, sym));
		return;
	}
	if (page_mapcount(p) != r->mapcount) {
		ff_fail(I_MAPCOUNT, p,
			"DAX tail pfn %lu: mapcount %d, model %d", pfn,
			page_mapcount(p), r->mapcount);
		return;
	}
	check_dax_rmap(w, pfn, head);
}

/* The head of a PMD entry's folio: its order, and the folio's counts. */
static bool check_dax_head(struct ff_world *w, unsigned long pfn)
{
	const struct folio *folio = (const struct folio *)&w->k.memmap[pfn];
	const struct ff_ref_page *r = &w->ref[pfn];
	int32_t ptes = 0;

	if (!folio_test_large(folio) ||
	    folio_order(folio) != FF_DAX_PMD_ORDER ||
	    folio->_nr_pages != FF_DAX_PMD_NR) {
		ff_fail(I_COMPOUND_HEAD, &folio->page,
			"DAX pfn %lu: head of a PMD entry's folio, but PG_head "
			"%d order %u _nr_pages %u",
			pfn, folio_test_large(folio), folio_large_order(folio),
			folio->_nr_pages);
		return false;
	}
	for (unsigned long i = 0; i < FF_DAX_PMD_NR; i++)
		ptes += w->ref[pfn + i].mapcount;
	if (folio->_refcount != ptes + r->dax_pmd_maps) {
		ff_fail(I_REFCOUNT, &folio->page,
			"DAX PMD folio %lu: refcount %d, the model holds %d "
			"PTE and %d PMD mappings",
			pfn, folio->_refcount, ptes, r->dax_pmd_maps);
		return false;
	}
	if (folio->_entire_mapcount + 1 != r->dax_pmd_maps ||
	    folio->_large_mapcount + 1 != ptes + r->dax_pmd_maps) {
		ff_fail(I_LARGE_MAPCOUNT, &folio->page,
			"DAX PMD folio %lu: entire mapcount %d, large "
			"mapcount %d; the model: %d PMD, %d PTE mappings",
			pfn, folio->_entire_mapcount + 1,
			folio->_large_mapcount + 1, r->dax_pmd_maps, ptes);
		return false;
	}
	return true;
}

void check_dax_page(struct ff_world *w, unsigned long pfn)
{
	const struct page *p = &w->k.memmap[pfn];
	const struct folio *folio = (const struct folio *)p;
	const struct ff_ref_page *r = &w->ref[pfn];
	char sym[FF_SYM_LEN];
	uint32_t assoc;
	bool ok;

	if (r->dax_lost) {
		ff_fail_finding(I_DAX_STATE, F_DAX_MIXED_ORDER, p,
				"DAX pfn %lu: its own association (%s %u) was "
				"overwritten when a PMD entry of another file "
				"made it a tail",
				pfn,
				r->dax == FF_DAX_SINGLE ? "single at index" :
							  "shares",
				r->dax_n);
		return;
	}
	if (r->dax_role == FF_DAX_TAIL) {
		check_dax_tail(w, pfn,
			       pfn & ~(unsigned long)(FF_DAX_PMD_NR - 1));
		return;
	}
	if (!check_pgmap(w, pfn, &w->k.dax_pgmap))
		return;
	if (folio_test_anon(folio)) {
		ff_fail(I_DAX_ANON, p, "DAX pfn %lu tests anon: mapping %s",
			pfn, ff_sym((unsigned long)folio->mapping, sym));
		return;
	}
	switch (r->dax) {
	case FF_DAX_NONE:
		ok = !folio->mapping && !folio->share;
		break;
	case FF_DAX_SINGLE:
		ok = folio->mapping == &w->k.dax_files[r->dax_file].as &&
		     folio->index == r->dax_n;
		break;
	default:
		ok = !folio->mapping && folio->share == r->dax_n;
		break;
	}
	assoc = r->dax == FF_DAX_SHARED ? r->dax_n :
		r->dax == FF_DAX_SINGLE ? 1U :
					  0U;
	if (!ok && !folio->mapping && folio->share > assoc) {
		/* A stale index left in share by the last disassociation
		 * (dax_folio_put), or counted up from there by later shared
		 * associations: share is above the associations. */
		ff_fail_finding(
			I_DAX_STATE, F_DAX_STALE_SHARE, p,
			"DAX pfn %lu: mapping NULL and share %lu, above "
			"its %u association(s): a stale index counted "
			"as shares, so dax_folio_is_shared() holds",
			pfn, folio->share, assoc);
		return;
	}
	if (!ok) {
		static const char *const names[] = { "unassociated", "single",
						     "shared" };

		ff_fail(I_DAX_STATE, p,
			"DAX pfn %lu: mapping %s share/index %lu; the model "
			"says %s (%u)",
			pfn, ff_sym((unsigned long)folio->mapping, sym),
			folio->share, names[r->dax], r->dax_n);
		return;
	}
	if (r->dax_role == FF_DAX_HEAD) {
		/* a tail associated on its own explains the counts */
		for (unsigned long i = 1; i < FF_DAX_PMD_NR; i++)
			if (w->ref[pfn + i].dax != FF_DAX_NONE ||
			    w->ref[pfn + i].dax_lost) {
				check_dax_tail(w, pfn + i, pfn);
				return;
			}
		if (!check_dax_head(w, pfn))
			return;
	} else if (PageHead(p)) {
		ff_fail(I_COMPOUND_HEAD, p,
			"DAX pfn %lu: PG_head on a page no PMD entry holds",
			pfn);
		return;
	} else if (p->_refcount != r->mapcount) {
		ff_fail(I_REFCOUNT, p,
			"DAX pfn %lu: refcount %d, the model holds %d mappings "
			"(0-based DAX refcount)",
			pfn, p->_refcount, r->mapcount);
		return;
	}
	/* FS-DAX pages are never charged; an order-0 one carries no flag
	 * but its zone (a PMD folio's page 1 holds _nr_pages there) */
	if (p->memcg_data) {
		ff_fail(I_MEMCG, p, "DAX pfn %lu: memcg_data 0x%lx", pfn,
			p->memcg_data);
		return;
	}
	if (p->flags & ~(ZONES_MASK << ZONES_PGSHIFT) & ~BIT(PG_head)) {
		ff_fail(I_FLAGS, p, "DAX pfn %lu: flags 0x%lx", pfn,
			p->flags & ~(ZONES_MASK << ZONES_PGSHIFT));
		return;
	}
	if (page_mapcount(p) != r->mapcount) {
		ff_fail(I_MAPCOUNT, p, "DAX pfn %lu: mapcount %d, model %d",
			pfn, page_mapcount(p), r->mapcount);
		return;
	}
	check_dax_rmap(w, pfn, pfn);
}

/* The driver's free list holds exactly the free device pages, once each;
 * the pgmap reference counts the pages handed out. */
void check_devpriv_region(struct ff_world *w, const uint64_t *only)
{
	const struct ff_dmirror *d = &w->k.dmirror;
	const struct page *p = d->free_pages;
	unsigned long n = 0, used = 0;

	/* no page touched, the driver and the pgmap as built: it passed */
	if (only && !memcmp(d, &w->img->k.dmirror, sizeof(*d)) &&
	    w->k.devpriv_pgmap.ref == w->img->k.devpriv_pgmap.ref) {
		unsigned long pfn = w->k.devpriv_start;

		while (pfn < w->k.dax_start && !is_dirty(only, pfn))
			pfn++;
		if (pfn == w->k.dax_start)
			return;
	}

	for (; p && n <= w->k.cfg.nr_devpriv; n++) {
		unsigned long pfn;

		if (!in_memmap(w, p) ||
		    !ff_pfn_is_devpriv(
			    &w->k, pfn = (unsigned long)(p - w->k.memmap)) ||
		    w->touched_mark[pfn] == 3) {
			char sym[FF_SYM_LEN];

			ff_fail(I_DEVPRIV_FREE, NULL,
				"driver free list: bad entry %s after %lu "
				"entries",
				ff_sym((unsigned long)p, sym), n);
			goto out;
		}
		w->touched_mark[pfn] = 3;
		p = p->zone_device_data;
	}
	for (unsigned long pfn = w->k.devpriv_start; pfn < w->k.dax_start;
	     pfn++) {
		bool listed = w->touched_mark[pfn] == 3;

		if (w->ref[pfn].state == FF_PS_FREE) {
			if (!listed) {
				ff_fail(I_DEVPRIV_FREE, &w->k.memmap[pfn],
					"free device page %lu is not on the "
					"driver's free list",
					pfn);
				goto out;
			}
			if (!only || is_dirty(only, pfn))
				check_devpriv_free(w, pfn);
		} else {
			long idx = ff_obj_index_of(w, pfn);

			used++;
			if (listed || idx < 0) {
				ff_fail(listed ? I_DEVPRIV_FREE : I_MODEL,
					&w->k.memmap[pfn],
					"device page %lu is in use but %s", pfn,
					listed ? "on the driver's free list" :
						 "owned by no live object");
				goto out;
			}
			check_obj(w, &w->objs[idx]);
		}
		if (failed(w))
			goto out;
	}
	if (n != d->nr_free || w->k.devpriv_pgmap.ref != (long)used)
		ff_fail(I_DEVPRIV_PGMAP, NULL,
			"driver free list %lu entries, nr_free %lu; pgmap "
			"references %ld for %lu pages in use",
			n, d->nr_free, w->k.devpriv_pgmap.ref, used);
out:
	for (unsigned long pfn = w->k.devpriv_start; pfn < w->k.dax_start;
	     pfn++)
		if (w->touched_mark[pfn] == 3)
			w->touched_mark[pfn] = 0;
}
