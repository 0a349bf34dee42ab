/*
 * check_memdesc.c - a live object of the memdesc representation against
 * the reference model: each page's memdesc word, and the folio, slab or
 * ptdesc descriptor it points at.
 */
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/list.h"
#include "foliofuzz/memdesc.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/refmodel.h"

#include "check_internal.h"

/* A live object of the memdesc representation against the model. */
void ff_check_md_obj(struct ff_world *w, const struct ff_obj *o)
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
