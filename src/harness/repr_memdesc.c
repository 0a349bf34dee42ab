/*
 * repr_memdesc.c - the memdesc backend (repr.h, memdesc.h): the kernel
 * side of each op when pages are described by memdescs.  Folio state lives
 * in a separately allocated descriptor reached from the page's memdesc
 * word; slabs and page-table descriptors are descriptors of their own
 * types, with no refcount; plain (misc) pages keep the page refcount.
 *
 * This representation has no split, no migration, no PMD mappings, no
 * device memory or DAX, and of the lockless readers only GUP-fast (the
 * op layer refuses the rest as unsupported, which ends a differential
 * run's comparison).
 */
#include "foliofuzz/memdesc.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/refmodel.h"
#include "foliofuzz/repr.h"

/* Slab and ptdesc objects: memdesc types, not page types, no refcount. */
static bool obj_is_typed_desc(const struct ff_obj *o)
{
	return (o->type == PGTY_slab || o->type == PGTY_table) && o->desc;
}

static void touch_obj(struct ff_world *w, const struct ff_obj *o)
{
	ff_world_touch(w, o->pfn, 1UL << o->order);
}

static int md_alloc(struct ff_world *w, unsigned int order, uint8_t kind,
		    uint32_t sel, unsigned long index, unsigned long *pfn,
		    uint8_t *type, void **desc)
{
	if (kind == FF_KIND_ANON || kind == FF_KIND_FILE) {
		struct md_folio *f =
			md_folio_alloc(order, kind == FF_KIND_ANON);

		if (!f)
			return -ENOMEM;
		struct mem_cgroup *memcg =
			kind == FF_KIND_ANON ?
				w->k.anon_vmas[sel % FF_NR_ANON_VMAS].memcg :
				w->k.files[sel % FF_NR_FILES].memcg;

		if (memcg)
			md_mem_cgroup_charge(f, memcg);
		md_folio_set_flag(f, PG_uptodate);
		if (kind == FF_KIND_ANON) {
			md_folio_set_anon(
				f, &w->k.anon_vmas[sel % FF_NR_ANON_VMAS],
				index);
			md_folio_set_flag(f, PG_swapbacked);
		} else {
			md_filemap_add_folio(&w->k.files[sel % FF_NR_FILES], f,
					     index);
		}
		*pfn = f->pfn;
		*desc = f;
	} else if (kind == FF_KIND_SLAB) {
		struct md_slab *s = md_slab_alloc(order);

		if (!s)
			return -ENOMEM;
		*pfn = s->pfn;
		*desc = s;
		*type = PGTY_slab;
	} else if (kind == FF_KIND_PGTABLE) {
		struct md_ptdesc *pt = md_ptdesc_alloc();

		if (!pt)
			return -ENOMEM;
		*pfn = pt->pfn;
		*desc = pt;
		*type = PGTY_table;
	} else {
		struct page *page = md_alloc_misc(order);

		if (!page)
			return -ENOMEM;
		*pfn = page_to_pfn(page);
		*desc = NULL;
		if (kind == FF_KIND_OFFLINE) {
			__SetPageOffline(page);
			*type = PGTY_offline;
		} else if (kind == FF_KIND_ZSMALLOC) {
			__SetPageZsmalloc(page);
			*type = PGTY_zsmalloc;
		}
	}
	return 0;
}

static int md_get(struct ff_world *w, struct ff_obj *o)
{
	if (obj_is_typed_desc(o))
		return FF_UNSUPPORTED; /* slab and ptdesc have no refcount */
	touch_obj(w, o);
	if (ff_kind_is_mapped(o->kind))
		md_folio_get(o->desc);
	else
		folio_get((struct folio *)pfn_to_page(o->pfn));
	return 0;
}

/* put_page() of the memdesc era dispatches on the memdesc type; a plain
 * allocation is released with __free_pages(). */
static void drop_ref(struct ff_obj *o)
{
	if (ff_kind_is_mapped(o->kind))
		md_put_page(pfn_to_page(o->pfn));
	else
		md_free_pages(pfn_to_page(o->pfn), o->order);
}

static int md_put(struct ff_world *w, struct ff_obj *o)
{
	if (obj_is_typed_desc(o)) {
		/* A correct caller frees slab and ptdesc pages through their
		 * own allocators.  With the put_page_typed_as_folio knob the
		 * caller is a converted put_page() user that misroutes. */
		if (!ff_bug_on(put_page_typed_as_folio))
			return FF_UNSUPPORTED;
		touch_obj(w, o);
		md_put_page(pfn_to_page(o->pfn));
		return 0;
	}
	touch_obj(w, o);
	drop_ref(o);
	return 0;
}

static void md_free(struct ff_world *w, struct ff_obj *o)
{
	touch_obj(w, o);
	if (ff_kind_is_mapped(o->kind)) {
		struct md_folio *f = o->desc;
		unsigned long nr = 1UL << o->order;
		int removed = 0;

		md_folio_get(f); /* hold it while tearing down */
		md_folio_set_flag(f, PG_locked);
		for (uint32_t i = 0; i < w->k.nr_maps;) {
			struct ff_map *m = &w->k.maps[i];

			if (m->pfn < o->pfn || m->pfn >= o->pfn + nr) {
				i++;
				continue;
			}
			md_folio_remove_rmap_ptes(f, pfn_to_page(m->pfn), 1);
			removed++;
			w->k.maps[i] = w->k.maps[--w->k.nr_maps];
		}
		if (removed)
			md_folio_put_refs(f, removed);
		if (o->kind == FF_KIND_FILE)
			md_filemap_remove_folio(f);
		md_folio_clear_flag(f, PG_locked);
		md_folio_put_refs(f, o->hrefs + 1);
	} else if (o->type == PGTY_slab) {
		md_slab_free(o->desc);
	} else if (o->type == PGTY_table) {
		md_ptdesc_free(o->desc);
	} else {
		for (int i = 0; i < o->hrefs; i++)
			drop_ref(o);
	}
}

/* Page types stay in page_type on misc pages.  Slab and ptdesc are
 * memdesc types: nothing sets or clears a page type on them, and no page
 * gets them as page types. */
static bool md_type_ok(const struct ff_obj *o, enum pagetype t)
{
	return !obj_is_typed_desc(o) && t != PGTY_slab && t != PGTY_table;
}

static void md_map_ptes(struct ff_world *w, struct ff_obj *o, int vma,
			unsigned long first, unsigned long nr)
{
	for (unsigned long i = first; i < first + nr; i++)
		w->k.maps[w->k.nr_maps++] =
			(struct ff_map){ .pfn = (uint32_t)(o->pfn + i),
					 .vma = (uint8_t)vma };
	md_folio_add_rmap_ptes(o->desc, pfn_to_page(o->pfn + first), (int)nr);
	md_folio_ref_add(o->desc, (int)nr);
}

static void md_unmap_one(struct ff_world *w, struct ff_obj *o,
			 const struct ff_map *m)
{
	(void)w;
	md_folio_remove_rmap_ptes(o->desc, pfn_to_page(m->pfn), 1);
}

static void md_put_refs(struct ff_world *w, struct ff_obj *o, int refs)
{
	(void)w;
	md_folio_put_refs(o->desc, refs);
}

/* GUP-fast on memdescs: ownership from the memdesc (the page still names
 * the descriptor, and its range holds the pfn), then the reference. */
static void md_gup_check(struct ff_world *w, unsigned long pfn)
{
	struct md_folio *f = md_gup_fast(pfn_to_page(pfn));
	long idx;

	if (!f)
		return;
	idx = ff_obj_index_of(w, pfn);
	if (memdesc_ptr(memdesc_read(pfn_to_page(pfn))) != (void *)f ||
	    pfn < f->pfn || pfn >= f->pfn + (1UL << f->order)) {
		ff_fail(I_GUP, pfn_to_page(pfn),
			"memdesc GUP-fast on pfn %lu returned a descriptor "
			"(pfn %lu) that does not own it",
			pfn, f->pfn);
		return;
	}
	{
		const struct ff_obj *o = idx >= 0 ? &w->objs[idx] : NULL;

		if (ff_check_gup_ref(w, pfn, pfn_to_page(pfn), o,
				     o && o->desc == f, f->_refcount,
				     "memdesc GUP-fast"))
			md_folio_put(f);
	}
}

const struct ff_repr ff_repr_memdesc = {
	.name = "memdesc",
	.ops = 1U << FF_OP_ALLOC | 1U << FF_OP_GET | 1U << FF_OP_PUT |
	       1U << FF_OP_FREE | 1U << FF_OP_SET_TYPE |
	       1U << FF_OP_CLEAR_TYPE | 1U << FF_OP_MAP | 1U << FF_OP_UNMAP |
	       1U << FF_OP_RACE | 1U << FF_OP_RACE_PFN | 1U << FF_OP_PFN_WALK |
	       1U << FF_OP_RESERVED,
	.readers = 1U << FF_READER_GUP_FAST,
	.alloc = md_alloc,
	.get = md_get,
	.put = md_put,
	.free = md_free,
	.type_ok = md_type_ok,
	.map_ptes = md_map_ptes,
	.map_pmd = NULL,
	.unmap_one = md_unmap_one,
	.put_refs = md_put_refs,
	.gup_check = md_gup_check,
	.check_obj = ff_check_md_obj,
};
