/*
 * repr_page.c - the struct page / struct folio backend (repr.h): the
 * kernel side of each op, done the way a kernel caller does it today.
 * Preconditions and the reference model are the op layer's (ops.c).
 */
#include "foliofuzz/gup.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/refmodel.h"
#include "foliofuzz/repr.h"

static struct folio *obj_folio(const struct ff_obj *o)
{
	return (struct folio *)pfn_to_page(o->pfn);
}

static void touch_obj(struct ff_world *w, const struct ff_obj *o)
{
	ff_world_touch(w, o->pfn, 1UL << o->order);
}

static int page_alloc(struct ff_world *w, unsigned int order, uint8_t kind,
		      uint32_t sel, unsigned long index, unsigned long *pfn,
		      uint8_t *type, void **desc)
{
	struct folio *folio;
	struct page *page;

	switch (kind) {
	case FF_KIND_ANON: /* vma_alloc_folio + __folio_set_anon */
		folio = folio_alloc(order);
		if (!folio)
			return -ENOMEM;
		if (w->k.anon_vmas[sel % FF_NR_ANON_VMAS].memcg)
			mem_cgroup_charge(
				folio,
				w->k.anon_vmas[sel % FF_NR_ANON_VMAS].memcg);
		__folio_set_anon(folio, &w->k.anon_vmas[sel % FF_NR_ANON_VMAS],
				 index);
		folio_set_swapbacked(folio);
		folio_set_uptodate(folio);
		break;
	case FF_KIND_FILE: /* filemap_alloc_folio + filemap_add_folio */
		folio = folio_alloc(order);
		if (!folio)
			return -ENOMEM;
		folio_set_locked(folio);
		filemap_add_folio(&w->k.files[sel % FF_NR_FILES], folio, index);
		folio_set_uptodate(folio);
		folio_unlock(folio);
		break;
	default:
		page = __alloc_pages(order, order > 0);
		if (!page)
			return -ENOMEM;
		folio = (struct folio *)page;
		if (kind == FF_KIND_SLAB) {
			__folio_set_slab(folio);
			*type = PGTY_slab;
		} else if (kind == FF_KIND_PGTABLE) { /* pagetable_ctor */
			__SetPageTable(page);
			*type = PGTY_table;
		} else if (kind == FF_KIND_OFFLINE) {
			__SetPageOffline(page);
			*type = PGTY_offline;
		} else if (kind == FF_KIND_ZSMALLOC) {
			__SetPageZsmalloc(page);
			*type = PGTY_zsmalloc;
		}
		break;
	}
	*pfn = folio_pfn(folio);
	*desc = NULL;
	return 0;
}

static int page_get(struct ff_world *w, struct ff_obj *o)
{
	touch_obj(w, o);
	folio_get(obj_folio(o));
	return 0;
}

static int page_put(struct ff_world *w, struct ff_obj *o)
{
	touch_obj(w, o);
	folio_put(obj_folio(o));
	return 0;
}

/* zap_pte_range / zap_huge_pmd of every mapping of the folio. */
static void zap_mappings(struct ff_world *w, struct folio *folio,
			 const struct ff_obj *o)
{
	unsigned long pfn = folio_pfn(folio), nr = 1UL << o->order;

	for (uint32_t i = 0; i < w->k.nr_maps;) {
		struct ff_map *m = &w->k.maps[i];

		if (m->pfn < pfn || m->pfn >= pfn + nr) {
			i++;
			continue;
		}
		if (m->pmd) {
			pgtable_withdraw(m); /* zap_deposited_table() */
			folio_remove_rmap_pmd(folio);
		} else {
			folio_remove_rmap_ptes(folio, pfn_to_page(m->pfn), 1);
		}
		folio_put(folio);
		w->k.maps[i] = w->k.maps[--w->k.nr_maps];
	}
}

static void page_free(struct ff_world *w, struct ff_obj *o)
{
	struct folio *folio = obj_folio(o);
	int refs = o->hrefs + 1;

	touch_obj(w, o);
	folio_get(folio); /* hold it while tearing down */
	folio_set_locked(folio);
	zap_mappings(w, folio, o);
	if (o->kind == FF_KIND_FILE)
		filemap_remove_folio(folio);
	if (o->type == PGTY_slab)
		__folio_clear_slab(folio);
	else if (o->type == PGTY_table)
		__ClearPageTable(&folio->page); /* pagetable_dtor */
	/* Offline and zsmalloc types are sticky until the buddy resets them
	 * (6.17); typed plain pages rely on that reset too. */
	folio_unlock(folio);
	folio_put_refs(folio, refs);
}

static void page_map_ptes(struct ff_world *w, struct ff_obj *o, int vma,
			  unsigned long first, unsigned long nr)
{
	struct folio *folio = obj_folio(o);

	for (unsigned long i = first; i < first + nr; i++)
		w->k.maps[w->k.nr_maps++] =
			(struct ff_map){ .pfn = (uint32_t)(o->pfn + i),
					 .vma = (uint8_t)vma };
	folio_ref_add(folio, (int)nr);
	if (o->kind == FF_KIND_ANON)
		folio_add_anon_rmap_ptes(folio, folio_page(folio, first),
					 (int)nr);
	else
		folio_add_file_rmap_ptes(folio, folio_page(folio, first),
					 (int)nr);
}

static int page_map_pmd(struct ff_world *w, struct ff_obj *o, int vma)
{
	(void)w;
	return map_folio_pmd(obj_folio(o), (uint8_t)vma);
}

static void page_unmap_one(struct ff_world *w, struct ff_obj *o,
			   const struct ff_map *m)
{
	(void)w;
	if (m->pmd) {
		pgtable_withdraw(m); /* zap_huge_pmd(): zap_deposited_table() */
		folio_remove_rmap_pmd(obj_folio(o));
	} else
		folio_remove_rmap_ptes(obj_folio(o), pfn_to_page(m->pfn), 1);
}

static void page_put_refs(struct ff_world *w, struct ff_obj *o, int refs)
{
	(void)w;
	folio_put_refs(obj_folio(o), refs);
}

/* GUP-fast: the folio returned owns the pfn and holds our reference. */
static void page_gup_check(struct ff_world *w, unsigned long pfn)
{
	struct folio *folio = try_grab_folio_fast(pfn_to_page(pfn), 1);
	unsigned long fpfn;
	long idx;

	if (!folio)
		return;
	fpfn = folio_pfn(folio);
	idx = ff_obj_index_of(w, fpfn);
	if (ff_pfn_is_dax(&w->k, pfn)) {
		/* an order-0 DAX page is its own folio; a PMD entry's
		 * folio holds its 8 pages */
		unsigned long head = ff_dax_head(w, pfn);

		/* the step's check reports a lost association (a finding) */
		if (fpfn != head ||
		    (!ff_dax_folio_lost(w, head) &&
		     folio_ref_count(folio) != ff_dax_mapped_refs(w, head) + 1))
			ff_fail(I_GUP, &folio->page,
				"GUP-fast on DAX pfn %lu: folio %lu, refcount "
				"%d for %d mappings plus the GUP reference",
				pfn, fpfn, folio_ref_count(folio),
				ff_dax_mapped_refs(w, head));
	} else if (PageTail(&folio->page) || pfn < fpfn ||
		   pfn >= fpfn + (unsigned long)folio_nr_pages(folio)) {
		/* ownership from the bits: a head (or small page) whose
		 * range holds pfn */
		ff_fail(I_GUP, &folio->page,
			"GUP-fast on pfn %lu returned the folio at pfn %lu, "
			"which does not own it",
			pfn, fpfn);
	} else {
		const struct ff_obj *o = idx >= 0 ? &w->objs[idx] : NULL;

		ff_check_gup_ref(w, pfn, &folio->page, o, o && o->pfn == fpfn,
				 folio_ref_count(folio), "GUP-fast");
	}
	ff_world_touch(w, fpfn, 1);
	folio_put(folio); /* unpin_user_page */
}

const struct ff_repr ff_repr_page = {
	.name = "struct page",
	.ops = ~0U,
	.readers = ~0U,
	.alloc = page_alloc,
	.get = page_get,
	.put = page_put,
	.free = page_free,
	.type_ok = NULL,
	.map_ptes = page_map_ptes,
	.map_pmd = page_map_pmd,
	.unmap_one = page_unmap_one,
	.put_refs = page_put_refs,
	.gup_check = page_gup_check,
	.check_obj = ff_check_page_obj,
};
