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
 */
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/list.h"
#include "foliofuzz/memdesc.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/refmodel.h"

/* ff_failed() for the world being checked (always the current one), inline:
 * the sweeps test it once per page. */
static inline bool failed(const struct ff_world *w)
{
	return ff_world_failed(w);
}

static inline void set_bit64(uint64_t *map, unsigned long bit)
{
	map[bit / 64] |= 1ULL << (bit % 64);
}

static inline bool is_dirty(const uint64_t *dirty, unsigned long pfn)
{
	return (dirty[pfn / 64] >> (pfn % 64)) & 1;
}

/* No pfn of the aligned block [pfn, pfn + nr) is dirty (nr <= 64). */
static inline bool block_clean(const uint64_t *dirty, unsigned long pfn,
			       unsigned long nr)
{
	uint64_t mask = nr >= 64 ? ~0ULL : ((1ULL << nr) - 1) << (pfn % 64);

	return !(dirty[pfn / 64] & mask);
}

static unsigned long nr_ram(const struct ff_world *w)
{
	return w->k.cfg.nr_pfns;
}

/* Is p a struct page pointer into this memmap? */
static bool in_memmap(const struct ff_world *w, const void *p)
{
	uintptr_t a = (uintptr_t)p, base = (uintptr_t)w->k.memmap;

	return a >= base && a < base + w->k.nr_memmap * sizeof(struct page) &&
	       (a - base) % sizeof(struct page) == 0;
}

/* The free block [*base, *base + 2^order) containing pfn, from the bits. */
static bool find_buddy_block(const struct ff_world *w, unsigned long pfn,
			     unsigned long *base, unsigned int *order)
{
	for (unsigned int o = 0; o <= w->k.cfg.max_order; o++) {
		unsigned long b = pfn & ~((1UL << o) - 1);
		const struct page *p = &w->k.memmap[b];

		if (PageBuddy(p) && buddy_order(p) == o) {
			*base = b;
			*order = o;
			return true;
		}
	}
	return false;
}

/* A free page at pfn inside the free block [base, base + 2^order). */
static void check_free_page_in(struct ff_world *w, unsigned long pfn,
			       unsigned long base, unsigned int order)
{
	const struct page *p = &w->k.memmap[pfn];
	/* One copy, one sanitizer range check: this runs for every free
	 * page of every full sweep. */
	const struct page c = *p;

	if ((pfn == base || c.page_type == UINT_MAX) && !c._refcount &&
	    !c.mapping && !c.memcg_data && !(c.compound_head & 1) &&
	    !(c.flags & PAGE_FLAGS_CHECK_AT_PREP) &&
	    (!w->k.cfg.memdesc || memdesc_is_buddy((memdesc_t)c.lru.prev)))
		return;

	if (pfn != base && p->page_type != UINT_MAX) {
		ff_fail(PageBuddy(p) ? I_BUDDY_ALIGN : I_BUDDY_TYPE, p,
			"pfn %lu inside the order-%u free block at %lu has "
			"page_type 0x%08x",
			pfn, order, base, p->page_type);
		return;
	}
	if (w->k.cfg.memdesc && !memdesc_is_buddy(memdesc_read(p))) {
		char m[FF_SYM_LEN];

		ff_fail(I_MEMDESC, p,
			"free pfn %lu: memdesc %s reads type %u, not a Buddy "
			"alias",
			pfn, ff_sym(memdesc_read(p), m),
			memdesc_type(memdesc_read(p)));
		return;
	}
	if (p->_refcount != 0 || p->mapping || p->memcg_data ||
	    (p->compound_head & 1) || (p->flags & PAGE_FLAGS_CHECK_AT_PREP)) {
		char m[FF_SYM_LEN], c[FF_SYM_LEN];

		ff_fail(I_BUDDY_STATE, p,
			"free pfn %lu: refcount %d mapping %s memcg 0x%lx "
			"compound_head %s flags 0x%lx",
			pfn, p->_refcount, ff_sym((unsigned long)p->mapping, m),
			p->memcg_data, ff_sym(p->compound_head, c), p->flags);
	}
}

/*
 * A touched pfn the model says is free: find its block in the bits and
 * check the block's touched pages (marking them done for this step).
 */
static void check_free_page(struct ff_world *w, unsigned long pfn)
{
	const struct page *p = &w->k.memmap[pfn];
	unsigned long base;
	unsigned int order;

	if (!find_buddy_block(w, pfn, &base, &order)) {
		if (p->_refcount || PageHead(p) || PageTail(p) || p->mapping)
			ff_fail(I_MODEL, p,
				"pfn %lu: the model says free, the bits say "
				"allocated (refcount %d, flags 0x%lx)",
				pfn, p->_refcount, p->flags);
		else
			ff_fail(I_PFN_STATE, p,
				"pfn %lu is free but in no buddy block", pfn);
		return;
	}
	for (unsigned long i = base; i < base + (1UL << order) && !failed(w);
	     i++) {
		if (w->touched_mark[i] != 1)
			continue;
		w->touched_mark[i] = 2;
		if (w->ref[i].state != FF_PS_FREE)
			ff_fail(I_MODEL, &w->k.memmap[i],
				"pfn %lu is in a free block; the model says "
				"object #%u owns it",
				i, w->ref[i].obj);
		else
			check_free_page_in(w, i, base, order);
	}
}

static unsigned long expected_mapping(const struct ff_world *w,
				      const struct ff_obj *o)
{
	if (o->kind == FF_KIND_ANON)
		return (unsigned long)&w->k.anon_vmas[o->mapping_id] +
		       FOLIO_MAPPING_ANON;
	if (o->kind == FF_KIND_FILE)
		return (unsigned long)&w->k.files[o->mapping_id];
	return 0;
}

static void check_tail(struct ff_world *w, const struct ff_obj *o,
		       unsigned long i)
{
	const struct page *head = &w->k.memmap[o->pfn];
	const struct page *p = head + i;
	const struct page *h = (const struct page *)(p->compound_head - 1);
	char sym[FF_SYM_LEN];

	if (!(p->compound_head & 1)) {
		ff_fail(I_COMPOUND_TAIL, p,
			"pfn %lu: tail %lu of the folio at %u is not PageTail "
			"(compound_head %s)",
			o->pfn + i, i, o->pfn, ff_sym(p->compound_head, sym));
		return;
	}
	if (!in_memmap(w, h) || !PageHead(h) || p < h ||
	    p >= h + (1L << compound_order(h))) {
		ff_fail(I_PAGE_FOLIO, p,
			"pfn %lu: page_folio() is %s, not a head whose "
			"folio holds this page",
			o->pfn + i, ff_sym((unsigned long)h, sym));
		return;
	}
	if (h != head) {
		ff_fail(I_COMPOUND_TAIL, p,
			"pfn %lu: compound_head names pfn %ld, not %u",
			o->pfn + i, (long)(h - w->k.memmap), o->pfn);
		return;
	}
	if (i >= 2 && (p->flags & BIT(PG_head))) {
		ff_fail(I_COMPOUND_TAIL, p, "pfn %lu: tail has PG_head",
			o->pfn + i);
		return;
	}
	if (page_has_type(p)) {
		ff_fail(I_TYPE_TAIL, p,
			"pfn %lu: tail %lu has page_type 0x%08x", o->pfn + i, i,
			p->page_type);
		return;
	}
	if (p->_refcount != 0)
		ff_fail(I_TAIL_REFCOUNT, p, "pfn %lu: tail refcount %d",
			o->pfn + i, p->_refcount);
	else if (i >= 3 && p->mapping != TAIL_MAPPING)
		ff_fail(I_TAIL_MAPPING, p, "pfn %lu: tail mapping %s",
			o->pfn + i, ff_sym((unsigned long)p->mapping, sym));
}

static void check_mapcounts(struct ff_world *w, const struct ff_obj *o)
{
	const struct folio *folio = (const struct folio *)&w->k.memmap[o->pfn];
	unsigned long nr = 1UL << o->order;
	int pages_mapped = 0;

	for (unsigned long i = 0; i < nr; i++) {
		const struct page *p = &w->k.memmap[o->pfn + i];
		int want = w->ref[o->pfn + i].mapcount;

		if (i == 0 && o->type)
			continue; /* the type overlays the head's mapcount */
		if (page_mapcount(p) != want) {
			ff_fail(I_MAPCOUNT, p,
				"pfn %lu: mapcount %d, the model holds %d "
				"mappings",
				o->pfn + i, page_mapcount(p), want);
			return;
		}
		pages_mapped += want > 0;
	}
	if (!o->order)
		return;
	if (folio_large_mapcount(folio) != o->pte_maps + o->pmd_maps ||
	    folio_entire_mapcount(folio) != o->pmd_maps ||
	    folio->_nr_pages_mapped !=
		    pages_mapped + (o->pmd_maps ? ENTIRELY_MAPPED : 0))
		ff_fail(I_LARGE_MAPCOUNT, &folio->page,
			"folio %u: large_mapcount %d entire %d nr_pages_mapped "
			"0x%x; the model holds %d PTE + %d PMD mappings over "
			"%d pages",
			o->pfn, folio_large_mapcount(folio),
			folio_entire_mapcount(folio), folio->_nr_pages_mapped,
			o->pte_maps, o->pmd_maps, pages_mapped);
}

/* A ZONE_DEVICE page: in ZONE_DEVICE, with its region's pgmap. */
static bool check_pgmap(struct ff_world *w, unsigned long pfn,
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

static void check_devpriv_free(struct ff_world *w, unsigned long pfn)
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

static void check_dax_page(struct ff_world *w, unsigned long pfn)
{
	const struct page *p = &w->k.memmap[pfn];
	const struct folio *folio = (const struct folio *)p;
	const struct ff_ref_page *r = &w->ref[pfn];
	char sym[FF_SYM_LEN];
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
	if (!ok && r->dax == FF_DAX_NONE && !folio->mapping) {
		ff_fail_finding(I_DAX_STATE, F_DAX_STALE_SHARE, p,
				"DAX pfn %lu: unassociated, but share (the "
				"stale index) is %lu, so dax_folio_is_shared() "
				"holds",
				pfn, folio->share);
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

/* A live object of the memdesc representation against the model. */
static void check_md_obj(struct ff_world *w, const struct ff_obj *o)
{
	unsigned long nr = 1UL << o->order;
	bool folio = ff_kind_is_mapped(o->kind);
	bool typed = (o->type == PGTY_slab || o->type == PGTY_table) && o->desc;
	memdesc_t want = folio ? (memdesc_t)o->desc | (o->kind == FF_KIND_ANON ?
							       MD_TYPE_ANON :
							       MD_TYPE_FILE) :
			 typed ? (memdesc_t)o->desc | (o->type == PGTY_slab ?
							       MD_TYPE_SLAB :
							       MD_TYPE_TABLE) :
				 MD_TYPE_MISC;
	char a[FF_SYM_LEN], b[FF_SYM_LEN];

	for (unsigned long i = 0; i < nr; i++) {
		const struct page *p = &w->k.memmap[o->pfn + i];
		int want_ref = (!folio && !typed && i == 0) ?
				       ff_obj_expected_refs(o) :
				       0;

		if (memdesc_read(p) != want) {
			ff_fail(I_MEMDESC, p,
				"pfn %lu: memdesc %s, the owner wants %s",
				o->pfn + i, ff_sym(memdesc_read(p), a),
				ff_sym(want, b));
			return;
		}
		if (p->_refcount != want_ref) {
			ff_fail(i == 0 && !folio && !typed ? I_REFCOUNT :
							     I_MEMDESC,
				p, "pfn %lu: page refcount %d, want %d",
				o->pfn + i, p->_refcount, want_ref);
			return;
		}
		if (folio && page_mapcount(p) != w->ref[o->pfn + i].mapcount) {
			ff_fail(I_MAPCOUNT, p, "pfn %lu: mapcount %d, model %d",
				o->pfn + i, page_mapcount(p),
				w->ref[o->pfn + i].mapcount);
			return;
		}
	}
	if (folio) {
		const struct md_folio *f = o->desc;
		unsigned long want_map = expected_mapping(w, o);

		if (f->pfn != o->pfn || f->order != o->order) {
			ff_fail(I_MEMDESC, &w->k.memmap[o->pfn],
				"folio descriptor says pfn %lu order %u; the "
				"model %u / %u",
				f->pfn, f->order, o->pfn, o->order);
		} else if (f->_refcount != ff_obj_expected_refs(o)) {
			ff_fail(I_REFCOUNT, &w->k.memmap[o->pfn],
				"folio descriptor refcount %d; the model holds "
				"%d",
				f->_refcount, ff_obj_expected_refs(o));
		} else if (f->_mapcount + 1 != o->pte_maps) {
			ff_fail(I_LARGE_MAPCOUNT, &w->k.memmap[o->pfn],
				"folio descriptor mapcount %d; the model holds "
				"%d PTEs",
				f->_mapcount + 1, o->pte_maps);
		} else if ((unsigned long)f->mapping != want_map) {
			ff_fail(I_MAPPING_KIND, &w->k.memmap[o->pfn],
				"folio descriptor mapping %s, want %s",
				ff_sym((unsigned long)f->mapping, a),
				ff_sym(want_map, b));
		} else if (f->index != o->index) {
			ff_fail(I_INDEX, &w->k.memmap[o->pfn],
				"folio descriptor index %lu, the model %lu",
				f->index, o->index);
		} else if (f->memcg_data !=
			   (o->charged ? (unsigned long)&w->k.memcg : 0UL)) {
			ff_fail(I_MEMCG, &w->k.memmap[o->pfn],
				"folio descriptor memcg_data %s",
				ff_sym(f->memcg_data, a));
		} else if (f->flags & BIT(PG_locked)) {
			ff_fail(I_FLAGS, &w->k.memmap[o->pfn],
				"folio descriptor still locked");
		}
	} else if (typed && o->type == PGTY_slab) {
		const struct md_slab *sl = o->desc;

		if (sl->pfn != o->pfn || sl->order != o->order || !sl->inuse)
			ff_fail(I_MEMDESC, &w->k.memmap[o->pfn],
				"slab descriptor pfn %lu order %u inuse %u",
				sl->pfn, sl->order, sl->inuse);
	} else if (typed) {
		const struct md_ptdesc *pt = o->desc;

		if (pt->pfn != o->pfn || !pt->pt_frag_refcount)
			ff_fail(I_MEMDESC, &w->k.memmap[o->pfn],
				"ptdesc pfn %lu frag refcount %u", pt->pfn,
				pt->pt_frag_refcount);
	} else if (o->type ? !page_test_type(&w->k.memmap[o->pfn], o->type) :
			     page_has_type(&w->k.memmap[o->pfn])) {
		ff_fail(I_TYPE_TAIL, &w->k.memmap[o->pfn],
			"misc pfn %u: page_type 0x%08x, the model 0x%02x",
			o->pfn, w->k.memmap[o->pfn].page_type, o->type);
	}
}

/* One live object, bits against the reference model. */
static void check_obj(struct ff_world *w, const struct ff_obj *o)
{
	const struct page *head = &w->k.memmap[o->pfn];
	const struct folio *folio = (const struct folio *)head;
	unsigned long nr = 1UL << o->order;
	unsigned long want_map = expected_mapping(w, o);

	if (w->k.cfg.memdesc) {
		check_md_obj(w, o);
		return;
	}
	if (o->devpriv && !check_pgmap(w, o->pfn, &w->k.devpriv_pgmap))
		return;

	if (PageTail(head) || PageHead(head) != (o->order > 0) ||
	    (o->order && folio_large_order(folio) != o->order)) {
		ff_fail(I_MODEL, head,
			"pfn %u: the model has an order-%u %s folio here; the "
			"bits say %s, order %u",
			o->pfn, o->order, ff_kind_names[o->kind],
			PageTail(head)	? "tail" :
			PageHead(head)	? "head" :
			PageBuddy(head) ? "free" :
					  "small page",
			compound_order(head));
		return;
	}
	if (o->order) {
		if ((o->pfn & (nr - 1)) || o->order > w->k.cfg.max_order ||
		    folio->_nr_pages != nr) {
			ff_fail(I_COMPOUND_HEAD, head,
				"folio %u: order %u, _nr_pages %u", o->pfn,
				o->order, folio->_nr_pages);
			return;
		}
		for (unsigned long i = 1; i < nr && !failed(w); i++)
			check_tail(w, o, i);
		if (failed(w))
			return;
	}
	if (head->_refcount < 0 || head->_refcount != ff_obj_expected_refs(o)) {
		ff_fail(I_REFCOUNT, head,
			"folio %u: refcount %d; the model holds %d (handles %d, "
			"page cache %d, PTEs %d, PMDs %d)",
			o->pfn, head->_refcount, ff_obj_expected_refs(o),
			o->hrefs, o->cache_refs, o->pte_maps, o->pmd_maps);
		return;
	}
	if (o->type ? !page_test_type(head, o->type) : page_has_type(head)) {
		ff_fail(I_TYPE_TAIL, head,
			"pfn %u: page_type 0x%08x; the model gave type 0x%02x",
			o->pfn, head->page_type, o->type);
		return;
	}
	if (o->type && (o->pte_maps || o->pmd_maps)) {
		ff_fail(I_TYPE_MAPPED, head, "pfn %u: typed and mapped",
			o->pfn);
		return;
	}
	check_mapcounts(w, o);
	if (failed(w))
		return;
	if ((unsigned long)head->mapping != want_map) {
		char a[FF_SYM_LEN], b[FF_SYM_LEN];

		ff_fail(I_MAPPING_KIND, head,
			"folio %u (%s): mapping %s, the model expects %s",
			o->pfn, ff_kind_names[o->kind],
			ff_sym((unsigned long)head->mapping, a),
			ff_sym(want_map, b));
		return;
	}
	if (ff_kind_is_mapped(o->kind) && head->index != o->index) {
		ff_fail(I_INDEX, head, "folio %u: index %lu, the model has %lu",
			o->pfn, head->index, o->index);
		return;
	}
	if ((head->flags & PAGE_FLAGS_CHECK_AT_FREE) ||
	    (ff_kind_is_mapped(o->kind) && !(head->flags & BIT(PG_uptodate))) ||
	    /* a driver-owned device page keeps stale flags from earlier use */
	    (!(o->devpriv && o->kind == FF_KIND_PLAIN) &&
	     (o->kind == FF_KIND_ANON) !=
		     !!(head->flags & BIT(PG_swapbacked)))) {
		ff_fail(I_FLAGS, head, "folio %u (%s): flags 0x%lx", o->pfn,
			ff_kind_names[o->kind], head->flags);
		return;
	}
	if (head->memcg_data !=
	    (o->charged ? (unsigned long)&w->k.memcg : 0UL)) {
		char m[FF_SYM_LEN];

		ff_fail(I_MEMCG, head, "folio %u: memcg_data %s, charged=%d",
			o->pfn, ff_sym(head->memcg_data, m), o->charged);
	}
}

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
	for (uint32_t t = 0; t < w->nr_touched; t++)
		w->touched_mark[w->touched[t]] = 0;
	w->nr_touched = 0;
}

static void check_free_lists(struct ff_world *w, const unsigned long *blocks)
{
	for (unsigned int o = 0; o <= w->k.cfg.max_order && !failed(w); o++) {
		const struct list_head *area = &w->k.free_area[o];
		const struct list_head *e = area;
		unsigned long n = 0;

		do {
			const struct list_head *next = e->next;
			const struct page *p;

			if (next == area)
				break;
			p = list_entry(next, struct page, buddy_list);
			if (!in_memmap(w, p) || next->prev != e ||
			    !PageBuddy(p) || buddy_order(p) != o) {
				char sym[FF_SYM_LEN];

				ff_fail(I_BUDDY_LIST,
					in_memmap(w, p) ? p : NULL,
					"free list of order %u: bad entry %s "
					"after %lu entries",
					o, ff_sym((unsigned long)next, sym), n);
				return;
			}
			e = next;
		} while (++n <= nr_ram(w));
		if (area->prev != e || n != w->k.nr_free[o] || n != blocks[o])
			ff_fail(I_BUDDY_LIST, NULL,
				"free list of order %u: %lu entries, nr_free "
				"%lu, %lu free blocks in the memmap",
				o, n, w->k.nr_free[o], blocks[o]);
	}
}

/* The driver's free list holds exactly the free device pages, once each;
 * the pgmap reference counts the pages handed out. */
static void check_devpriv_region(struct ff_world *w, const uint64_t *only)
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
