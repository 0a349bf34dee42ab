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

/* The reverse map memory_failure() would use finds every DAX mapping. */
static void check_dax_rmap(struct ff_world *w, unsigned long pfn)
{
	const struct folio *folio = (const struct folio *)&w->k.memmap[pfn];
	bool shared = !folio->mapping && folio->share;

	for (uint32_t i = 0; i < w->k.nr_maps; i++) {
		const struct ff_map *m = &w->k.maps[i];
		const struct address_space *as = w->k.vmas[m->vma].file;
		bool found = false;

		if (m->pfn != pfn)
			continue;
		if (!shared) {
			found = folio->mapping == as &&
				folio->index == m->index;
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
			ff_fail(I_DAX_RMAP, &folio->page,
				"DAX pfn %lu: mapped at d%u index %u (vma %u), "
				"which memory_failure() would not find",
				pfn, as->id - FF_NR_FILES, m->index, m->vma);
			return;
		}
	}
}

void check_dax_page(struct ff_world *w, unsigned long pfn)
{
	const struct page *p = &w->k.memmap[pfn];
	const struct folio *folio = (const struct folio *)p;
	const struct ff_ref_page *r = &w->ref[pfn];
	char sym[FF_SYM_LEN];
	uint32_t assoc;
	bool ok;

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
	if (p->_refcount != r->mapcount) {
		ff_fail(I_REFCOUNT, p,
			"DAX pfn %lu: refcount %d, the model holds %d mappings "
			"(0-based DAX refcount)",
			pfn, p->_refcount, r->mapcount);
		return;
	}
	if (page_mapcount(p) != r->mapcount) {
		ff_fail(I_MAPCOUNT, p, "DAX pfn %lu: mapcount %d, model %d",
			pfn, page_mapcount(p), r->mapcount);
		return;
	}
	check_dax_rmap(w, pfn);
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
