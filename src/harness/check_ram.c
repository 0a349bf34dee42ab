/*
 * check_ram.c - the checks of normal RAM: a free page inside its buddy
 * block, a live object's bits against the reference model (head, tails,
 * refcount, type, mapcounts, mapping, index, flags, memcg), and the buddy
 * free lists.  Every pointer read out of struct page bits is range-checked
 * before it is followed.
 */
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/list.h"
#include "foliofuzz/memdesc.h"
#include "foliofuzz/repr.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/refmodel.h"

#include "check_internal.h"

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
void check_free_page_in(struct ff_world *w, unsigned long pfn,
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
void check_free_page(struct ff_world *w, unsigned long pfn)
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

/* One live object, bits against the reference model, in the world's
 * representation. */
void check_obj(struct ff_world *w, const struct ff_obj *o)
{
	ff_repr_of(w)->check_obj(w, o);
}

/* One live object of the struct page representation. */
void ff_check_page_obj(struct ff_world *w, const struct ff_obj *o)
{
	const struct page *head = &w->k.memmap[o->pfn];
	const struct folio *folio = (const struct folio *)head;
	unsigned long nr = 1UL << o->order;
	unsigned long want_map = expected_mapping(w, o);

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

void check_free_lists(struct ff_world *w, const unsigned long *blocks)
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
