/*
 * memdesc.c - the memdesc representation's allocation, reference and
 * GUP-fast paths (seed 002; docs/kernel-notes.md §16, §17.2).
 *
 * Descriptors come from per-type pools that never give memory back while
 * the world lives (SLAB_TYPESAFE_BY_RCU): a freed folio descriptor keeps
 * refcount 0, so a racing tryget on it fails.  put_page() dispatches on
 * the memdesc type as in Matthew Wilcox's sketch in the 2025-09-02 thread:
 * folio -> folio_put, slab or ptdesc -> BUG, otherwise the page's own
 * refcount.  GUP-fast follows READ_ONCE(memdesc) -> type check -> tryget
 * -> recheck, with race points between the steps.
 *
 * Knobs: put_page_typed_as_folio makes memdesc_is_folio() accept slab and
 * ptdesc types (their descriptors are then used as folios); gup_no_recheck
 * skips the recheck.
 */
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/glue.h"
#include "foliofuzz/memdesc.h"
#include "foliofuzz/mm.h"

bool memdesc_is_folio(memdesc_t md)
{
	FF_FUNC();
	unsigned int t = memdesc_type(md);

	if (ff_bug_on(put_page_typed_as_folio))
		return !memdesc_is_buddy(md) && t != MD_TYPE_MISC;
	return t == MD_TYPE_FILE || t == MD_TYPE_ANON;
}

static void *pool_new(size_t size)
{
	FF_FUNC();
	struct ff_kernel *k = ff_kern;
	void *p;

	if (k->md.nr_all == k->md.cap_all) {
		uint32_t cap = k->md.cap_all ? k->md.cap_all * 2 : 64;
		void **n = realloc(k->md.all, cap * sizeof(*n));

		if (!n)
			abort();
		k->md.all = n;
		k->md.cap_all = cap;
	}
	/* Each descriptor its own exactly-sized allocation, 16-aligned. */
	p = aligned_alloc(16, (size + 15) & ~(size_t)15);
	if (!p)
		abort();
	memset(p, 0, size);
	k->md.all[k->md.nr_all++] = p;
	return p;
}

void md_pools_destroy(struct ff_kernel *k)
{
	FF_FUNC();
	for (uint32_t i = 0; i < k->md.nr_all; i++)
		free(k->md.all[i]);
	free(k->md.all);
	k->md.all = NULL;
	k->md.nr_all = k->md.cap_all = 0;
}

static void set_memdescs(struct page *page, unsigned int order, memdesc_t md)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		*page_memdesc(page + i) = md;
		set_page_count(page + i, 0); /* frozen: no page refcount */
	}
}

/* Pages of an allocation, frozen (refcount 0), not compound. */
static struct page *alloc_frozen(unsigned int order)
{
	FF_FUNC();
	struct page *page = __alloc_pages(order, false);

	if (page)
		set_page_count(page, 0);
	return page;
}

struct md_folio *md_folio_alloc(unsigned int order, bool anon)
{
	FF_FUNC();
	struct ff_kernel *k = ff_kern;
	struct page *page = alloc_frozen(order);
	struct md_folio *folio;

	if (!page)
		return NULL;
	folio = k->md.free_folios;
	if (folio)
		k->md.free_folios = folio->next_free;
	else
		folio = pool_new(sizeof(*folio));
	folio->next_free = NULL;
	folio->flags = page->flags & (ZONES_MASK << ZONES_PGSHIFT);
	folio->mapping = NULL;
	folio->index = 0;
	folio->private = NULL;
	folio->_mapcount = -1;
	folio->pincount = 0;
	folio->order = order;
	folio->pfn = page_to_pfn(page);
	folio->memcg_data = 0;
	folio->_refcount = 1;
	set_memdescs(page, order,
		     (memdesc_t)folio | (anon ? MD_TYPE_ANON : MD_TYPE_FILE));
	return folio;
}

struct page *md_alloc_misc(unsigned int order)
{
	FF_FUNC();
	struct page *page = __alloc_pages(order, false);

	if (!page)
		return NULL;
	for (unsigned long i = 0; i < (1UL << order); i++)
		*page_memdesc(page + i) = MD_TYPE_MISC;
	return page; /* the first page holds refcount 1 */
}

struct md_slab *md_slab_alloc(unsigned int order)
{
	FF_FUNC();
	struct ff_kernel *k = ff_kern;
	struct page *page = alloc_frozen(order);
	struct md_slab *slab;

	if (!page)
		return NULL;
	slab = k->md.free_slabs;
	if (slab)
		k->md.free_slabs = slab->next_free;
	else
		slab = pool_new(sizeof(*slab));
	slab->next_free = NULL;
	slab->pfn = page_to_pfn(page);
	slab->order = order;
	slab->inuse = 1;
	slab->slab_cache = k;
	set_memdescs(page, order, (memdesc_t)slab | MD_TYPE_SLAB);
	return slab;
}

struct md_ptdesc *md_ptdesc_alloc(void)
{
	FF_FUNC();
	struct ff_kernel *k = ff_kern;
	struct page *page = alloc_frozen(0);
	struct md_ptdesc *pt;

	if (!page)
		return NULL;
	pt = k->md.free_ptdescs;
	if (pt)
		k->md.free_ptdescs = pt->next_free;
	else
		pt = pool_new(sizeof(*pt));
	pt->next_free = NULL;
	pt->pfn = page_to_pfn(page);
	pt->order = 0;
	pt->pt_frag_refcount = 1;
	set_memdescs(page, 0, (memdesc_t)pt | MD_TYPE_TABLE);
	return pt;
}

/* Frozen pages go back to the buddy; their memdesc word is overwritten by
 * the free list (the Buddy alias). */
static void free_frozen_range(unsigned long pfn, unsigned int order)
{
	FF_FUNC();
	struct page *page = pfn_to_page(pfn);

	for (unsigned long i = 0; i < (1UL << order); i++)
		*page_memdesc(page + i) = 0;
	free_frozen_pages(page, order);
}

void md_folio_get(struct md_folio *folio)
{
	folio->_refcount++;
}

void md_folio_put_refs(struct md_folio *folio, int refs)
{
	FF_FUNC();
	struct ff_kernel *k = ff_kern;

	VM_BUG_ON_PAGE(folio->_refcount < refs, pfn_to_page(folio->pfn),
		       I_REF_UNDERFLOW, "md folio_put(%d) on refcount %d", refs,
		       folio->_refcount);
	folio->_refcount -= refs;
	if (folio->_refcount)
		return;
	/* __folio_put: uncharge, free the pages, recycle the descriptor */
	folio->memcg_data = 0;
	folio->mapping = NULL;
	free_frozen_range(folio->pfn, folio->order);
	folio->next_free = k->md.free_folios;
	k->md.free_folios = folio;
}

void md_folio_put(struct md_folio *folio)
{
	md_folio_put_refs(folio, 1);
}

void md_slab_free(struct md_slab *slab)
{
	FF_FUNC();
	struct ff_kernel *k = ff_kern;

	slab->inuse = 0;
	free_frozen_range(slab->pfn, slab->order);
	slab->next_free = k->md.free_slabs;
	k->md.free_slabs = slab;
}

void md_ptdesc_free(struct md_ptdesc *pt)
{
	FF_FUNC();
	struct ff_kernel *k = ff_kern;

	pt->pt_frag_refcount = 0;
	free_frozen_range(pt->pfn, 0);
	pt->next_free = k->md.free_ptdescs;
	k->md.free_ptdescs = pt;
}

void md_put_page(struct page *page)
{
	FF_FUNC();
	memdesc_t md = memdesc_read(page);

	ff_race_point(RP_MD_PUT_DISPATCH);
	if (memdesc_is_folio(md)) {
		md_folio_put(memdesc_ptr(md));
	} else if (memdesc_type(md) == MD_TYPE_SLAB ||
		   memdesc_type(md) == MD_TYPE_TABLE) {
		ff_vm_bug(I_MEMDESC, page,
			  "BUG: put_page on a %s page (no refcount)",
			  memdesc_type(md) == MD_TYPE_SLAB ? "slab" : "ptdesc");
	} else {
		md_free_pages(page, 0);
	}
}

/* __free_pages() of a misc allocation: the page refcount, then the buddy. */
void md_free_pages(struct page *page, unsigned int order)
{
	if (folio_put_testzero((struct folio *)page))
		free_frozen_range(page_to_pfn(page), order);
}

struct md_folio *md_gup_fast(struct page *page)
{
	FF_FUNC();
	memdesc_t md = memdesc_read(page); /* READ_ONCE */
	struct md_folio *folio;

	ff_race_point(RP_GUP_AFTER_READ);
	if (!memdesc_is_folio(md))
		return NULL; /* fall back to GUP-slow */
	ff_race_point(RP_GUP_AFTER_TYPE);
	folio = memdesc_ptr(md);
	if (folio->_refcount <= 0)
		return NULL; /* a freed descriptor: tryget fails */
	folio->_refcount++;
	ff_race_point(RP_GUP_AFTER_TRYGET);
	if (!ff_bug_on(gup_no_recheck) && memdesc_read(page) != md) {
		md_folio_put(folio);
		return NULL;
	}
	return folio;
}

/* ---- folio state changes a caller makes, memdesc style: on the
 * descriptor, never on the pages (except the per-page mapcount). */

void md_folio_set_flag(struct md_folio *folio, unsigned int flag)
{
	folio->flags |= BIT(flag);
}

void md_folio_clear_flag(struct md_folio *folio, unsigned int flag)
{
	folio->flags &= ~BIT(flag);
}

/* mem_cgroup_charge() */
void md_mem_cgroup_charge(struct md_folio *folio, struct mem_cgroup *memcg)
{
	folio->memcg_data = (unsigned long)memcg;
}

/* __folio_set_anon(): the anon_vma with FOLIO_MAPPING_ANON in mapping. */
void md_folio_set_anon(struct md_folio *folio, struct anon_vma *anon_vma,
		       unsigned long index)
{
	folio->mapping = (struct address_space *)((unsigned long)anon_vma +
						  FOLIO_MAPPING_ANON);
	folio->index = index;
}

/* filemap_add_folio(): the page cache holds one reference per page. */
void md_filemap_add_folio(struct address_space *mapping, struct md_folio *folio,
			  unsigned long index)
{
	FF_FUNC();
	unsigned long nr = 1UL << folio->order;

	folio->mapping = mapping;
	folio->_refcount += (int)nr;
	mapping->nrpages += (uint32_t)nr;
	folio->index = index;
}

/* filemap_remove_folio(): the page cache's references go with it. */
void md_filemap_remove_folio(struct md_folio *folio)
{
	FF_FUNC();
	unsigned long nr = 1UL << folio->order;

	folio->mapping->nrpages -= (uint32_t)nr;
	folio->mapping = NULL;
	folio->_refcount -= (int)nr;
}

void md_folio_ref_add(struct md_folio *folio, int nr)
{
	folio->_refcount += nr;
}

/* folio_add_*_rmap_ptes(): each page's mapcount and the folio's. */
void md_folio_add_rmap_ptes(struct md_folio *folio, struct page *page, int nr)
{
	for (int i = 0; i < nr; i++)
		page[i]._mapcount++;
	folio->_mapcount += nr;
}

void md_folio_remove_rmap_ptes(struct md_folio *folio, struct page *page,
			       int nr)
{
	for (int i = 0; i < nr; i++)
		page[i]._mapcount--;
	folio->_mapcount -= nr;
}
