/*
 * ops_memdesc.c - the ops in the memdesc representation (memdesc.h).
 *
 * Each executor mirrors its struct-page twin in ops.c: the same caller
 * preconditions and errnos, the same reference-model updates, but the
 * kernel side goes through memdescs and descriptors.  Ops this
 * representation does not have (split, migration, PMD mappings, device
 * memory, DAX, snapshot readers, references on slab or ptdesc pages)
 * return FF_UNSUPPORTED, which ends the differential for that input.
 */
#include <string.h>

#include "foliofuzz/bugs.h"
#include "foliofuzz/harness.h"
#include "foliofuzz/memdesc.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/race.h"
#include "foliofuzz/refmodel.h"

static bool obj_is_folio(const struct ff_obj *o)
{
	return ff_kind_is_mapped(o->kind);
}

static bool obj_is_typed_desc(const struct ff_obj *o)
{
	return (o->type == PGTY_slab || o->type == PGTY_table) && o->desc;
}

static void touch(struct ff_world *w, const struct ff_obj *o)
{
	ff_world_touch(w, o->pfn, 1UL << o->order);
}

int ff_md_alloc(struct ff_world *w, const struct ff_op *op)
{
	unsigned int order = op->arg[0];
	uint8_t kind = op->arg[1];
	uint32_t sel = op->arg[2];
	unsigned long nr = 1UL << order;
	unsigned long index = op->arg[3] & ~(nr - 1);
	unsigned long pfn;
	uint8_t type = 0;
	struct ff_obj *o;
	void *desc = NULL;

	if (order > w->k.cfg.max_order)
		return -EINVAL;
	if ((kind == FF_KIND_PGTABLE || kind == FF_KIND_OFFLINE ||
	     kind == FF_KIND_ZSMALLOC) &&
	    order)
		return -EINVAL;
	if (kind == FF_KIND_FILE &&
	    ff_file_overlap(w, sel % FF_NR_FILES, index, nr))
		return -EEXIST;
	if (kind == FF_KIND_ANON || kind == FF_KIND_FILE) {
		struct md_folio *f =
			md_folio_alloc(order, kind == FF_KIND_ANON);

		if (!f)
			return -ENOMEM;
		f->memcg_data = (unsigned long)&w->k.memcg;
		f->flags |= BIT(PG_uptodate);
		if (kind == FF_KIND_ANON) {
			f->mapping =
				(struct address_space
					 *)((unsigned long)&w->k.anon_vmas
						    [sel % FF_NR_ANON_VMAS] +
					    FOLIO_MAPPING_ANON);
			f->flags |= BIT(PG_swapbacked);
		} else {
			f->mapping = &w->k.files[sel % FF_NR_FILES];
			f->_refcount += (int)nr; /* the page cache's */
			w->k.files[sel % FF_NR_FILES].nrpages += (uint32_t)nr;
		}
		f->index = index;
		pfn = f->pfn;
		desc = f;
	} else if (kind == FF_KIND_SLAB) {
		struct md_slab *s = md_slab_alloc(order);

		if (!s)
			return -ENOMEM;
		pfn = s->pfn;
		desc = s;
		type = PGTY_slab;
	} else if (kind == FF_KIND_PGTABLE) {
		struct md_ptdesc *pt = md_ptdesc_alloc();

		if (!pt)
			return -ENOMEM;
		pfn = pt->pfn;
		desc = pt;
		type = PGTY_table;
	} else {
		struct page *page = md_alloc_misc(order);

		if (!page)
			return -ENOMEM;
		pfn = page_to_pfn(page);
		if (kind == FF_KIND_OFFLINE) {
			__SetPageOffline(page);
			type = PGTY_offline;
		} else if (kind == FF_KIND_ZSMALLOC) {
			__SetPageZsmalloc(page);
			type = PGTY_zsmalloc;
		}
	}
	o = ff_obj_alloced(w, pfn, order, kind, sel, index, type);
	o->desc = desc;
	return 0;
}

int ff_md_get(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);

	if (!o)
		return -ENOENT;
	if (o->hrefs >= 1024)
		return -EINVAL;
	if (obj_is_typed_desc(o))
		return FF_UNSUPPORTED; /* slab and ptdesc have no refcount */
	touch(w, o);
	if (obj_is_folio(o))
		md_folio_get(o->desc);
	else
		folio_get((struct folio *)pfn_to_page(o->pfn));
	o->hrefs++;
	return 0;
}

/* Drops refs handle references: put_page / __free_pages. */
static void drop_refs(struct ff_world *w, struct ff_obj *o, int refs)
{
	struct page *page = pfn_to_page(o->pfn);

	(void)w;
	for (int i = 0; i < refs; i++) {
		if (obj_is_folio(o))
			md_put_page(page);
		else
			md_free_pages(page, o->order);
	}
}

int ff_md_put(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);

	if (!o)
		return -ENOENT;
	if (!o->hrefs)
		return -EINVAL;
	if (obj_is_typed_desc(o)) {
		/* A correct caller frees slab and ptdesc pages through their
		 * own allocators.  With the put_page_typed_as_folio knob the
		 * caller is a converted put_page() user that misroutes. */
		if (!ff_bug_on(put_page_typed_as_folio))
			return FF_UNSUPPORTED;
		touch(w, o);
		md_put_page(pfn_to_page(o->pfn));
		o->hrefs--;
		ff_obj_settle(w, o);
		return 0;
	}
	touch(w, o);
	o->hrefs--;
	drop_refs(w, o, 1);
	ff_obj_settle(w, o);
	return 0;
}

static void md_zap_mappings(struct ff_world *w, struct ff_obj *o)
{
	struct md_folio *f = o->desc;
	unsigned long nr = 1UL << o->order;
	int removed = 0;

	for (uint32_t i = 0; i < w->k.nr_maps;) {
		struct ff_map *m = &w->k.maps[i];

		if (m->pfn < o->pfn || m->pfn >= o->pfn + nr) {
			i++;
			continue;
		}
		pfn_to_page(m->pfn)->_mapcount--;
		f->_mapcount--;
		removed++;
		w->k.maps[i] = w->k.maps[--w->k.nr_maps];
	}
	for (unsigned long i = 0; i < nr; i++)
		w->ref[o->pfn + i].mapcount = 0;
	o->pte_maps = 0;
	if (removed)
		md_folio_put_refs(f, removed);
}

void ff_md_obj_free(struct ff_world *w, struct ff_obj *o)
{
	touch(w, o);
	if (obj_is_folio(o)) {
		struct md_folio *f = o->desc;

		md_folio_get(f); /* hold it while tearing down */
		f->flags |= BIT(PG_locked);
		md_zap_mappings(w, o);
		if (o->kind == FF_KIND_FILE) {
			w->k.files[o->mapping_id].nrpages -=
				(uint32_t)ff_obj_nr(o);
			f->mapping = NULL;
			f->_refcount -= (int)ff_obj_nr(o);
		}
		f->flags &= ~BIT(PG_locked);
		md_folio_put_refs(f, o->hrefs + 1);
	} else if (o->type == PGTY_slab) {
		md_slab_free(o->desc);
	} else if (o->type == PGTY_table) {
		md_ptdesc_free(o->desc);
	} else {
		drop_refs(w, o, o->hrefs);
	}
	ff_obj_release(w, o);
}

int ff_md_free(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);

	if (!o)
		return -ENOENT;
	ff_md_obj_free(w, o);
	return 0;
}

/*
 * Page types stay in page_type on misc pages, as ops.c does them.  Slab
 * and ptdesc are memdesc types, not page types: setting the type they
 * already have is the no-op it is in ops.c, anything else on them has no
 * memdesc equivalent.
 */
int ff_md_set_type(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);
	/* type_values order in ops.c: ..., "slab" last; "table" second */
	bool desc_type = op->arg[1] % 7 == 6 || op->arg[1] % 7 == 1;

	if (o && (obj_is_typed_desc(o) || desc_type) &&
	    !ff_kind_is_mapped(o->kind) && !o->devpriv)
		return FF_UNSUPPORTED;
	return ff_op_table[FF_OP_SET_TYPE].exec(w, op);
}

int ff_md_clear_type(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);

	if (o && obj_is_typed_desc(o))
		return FF_UNSUPPORTED;
	return ff_op_table[FF_OP_CLEAR_TYPE].exec(w, op);
}

int ff_md_map(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);
	unsigned long nr, first, cnt;
	struct md_folio *f;
	int vma;

	if (!o)
		return -ENOENT;
	if (!ff_kind_is_mapped(o->kind) || o->devpriv)
		return -EINVAL;
	vma = ff_pick_vma(w, o, op->arg[1]);
	if (vma < 0)
		return -EINVAL;
	if (op->arg[3] == 0)
		return FF_UNSUPPORTED; /* no PMD mappings of memdesc folios */
	f = o->desc;
	nr = 1UL << o->order;
	first = op->arg[2] % nr;
	cnt = op->arg[3];
	if (cnt > nr - first)
		cnt = nr - first;
	if (ff_map_slots(w) + cnt > FF_MAX_MAPS)
		return -ENOMEM;
	for (unsigned long i = first; i < first + cnt; i++)
		if (w->ref[o->pfn + i].mapcount >= FF_MAX_MAPCOUNT)
			return -ENOMEM;
	touch(w, o);
	for (unsigned long i = first; i < first + cnt; i++) {
		w->k.maps[w->k.nr_maps++] =
			(struct ff_map){ .pfn = (uint32_t)(o->pfn + i),
					 .vma = (uint8_t)vma };
		w->ref[o->pfn + i].mapcount++;
		pfn_to_page(o->pfn + i)->_mapcount++;
	}
	f->_mapcount += (int)cnt;
	f->_refcount += (int)cnt;
	o->pte_maps += (int32_t)cnt;
	return 0;
}

int ff_md_unmap(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);
	unsigned long nr, first, last;
	struct md_folio *f;
	int vma, removed = 0;

	if (!o)
		return -ENOENT;
	if (!ff_kind_is_mapped(o->kind))
		return -EINVAL;
	vma = ff_pick_vma(w, o, op->arg[1]);
	if (vma < 0)
		return -EINVAL;
	if (op->arg[3] == 0)
		return FF_UNSUPPORTED;
	f = o->desc;
	nr = 1UL << o->order;
	first = op->arg[2] % nr;
	last = first + op->arg[3] - 1;
	if (last >= nr)
		last = nr - 1;
	touch(w, o);
	for (uint32_t i = 0; i < w->k.nr_maps;) {
		struct ff_map *m = &w->k.maps[i];
		unsigned long idx = m->pfn - o->pfn;

		if (m->vma != vma || m->pfn < o->pfn || idx >= nr || m->pmd ||
		    idx < first || idx > last) {
			i++;
			continue;
		}
		pfn_to_page(m->pfn)->_mapcount--;
		f->_mapcount--;
		w->ref[m->pfn].mapcount--;
		o->pte_maps--;
		w->k.maps[i] = w->k.maps[--w->k.nr_maps];
		removed++;
	}
	if (!removed)
		return -ENOENT;
	md_folio_put_refs(f, removed);
	ff_obj_settle(w, o);
	return 0;
}

/* Readers: only GUP-fast exists in this representation. */
static int md_race(struct ff_world *w, int reader, unsigned long pfn,
		   uint8_t point)
{
	struct md_folio *f;

	if (reader != FF_READER_GUP_FAST)
		return FF_UNSUPPORTED;
	ff_race_arm(w, point);
	ff_world_touch(w, pfn, 1);
	f = md_gup_fast(pfn_to_page(pfn));
	if (f) {
		long idx = ff_obj_index_of(w, pfn);
		const struct ff_obj *o = idx >= 0 ? &w->objs[idx] : NULL;

		/* Ownership from the memdesc: the page still names f and f's
		 * range holds it.  Our reference is the model's plus one, or
		 * the only one when a writer released the object meanwhile. */
		if (memdesc_ptr(memdesc_read(pfn_to_page(pfn))) != (void *)f ||
		    pfn < f->pfn || pfn >= f->pfn + (1UL << f->order))
			ff_fail(I_GUP, pfn_to_page(pfn),
				"memdesc GUP-fast on pfn %lu returned a "
				"descriptor (pfn %lu) that does not own it",
				pfn, f->pfn);
		else if (o ? (o->desc != f ||
			      f->_refcount != ff_obj_expected_refs(o) + 1) :
			     f->_refcount != 1)
			ff_fail(I_GUP, pfn_to_page(pfn),
				"memdesc GUP-fast on pfn %lu: refcount %d, the "
				"model's %d plus the GUP reference",
				pfn, f->_refcount,
				o ? ff_obj_expected_refs(o) : 0);
		else
			md_folio_put(f);
	}
	ff_race_finish(w);
	return w->race.writer_rc == FF_UNSUPPORTED ? FF_UNSUPPORTED : 0;
}

int ff_md_race(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[1]);

	if (!o) {
		w->consumed_next = w->prog && w->pc + 1 < w->prog->nr;
		return -ENOENT;
	}
	return md_race(w, op->arg[0] % FF_NR_READERS,
		       o->pfn + op->arg[2] % (1UL << o->order), op->arg[3]);
}

int ff_md_race_pfn(struct ff_world *w, const struct ff_op *op)
{
	return md_race(w, op->arg[0] % FF_NR_READERS,
		       ((unsigned long)op->arg[1] << 8 | op->arg[2]) %
			       w->k.nr_memmap,
		       op->arg[3]);
}

int ff_md_pfn_walk(struct ff_world *w, const struct ff_op *op)
{
	unsigned long start =
		((unsigned long)op->arg[1] << 8 | op->arg[2]) % w->k.nr_memmap;

	if (op->arg[0] % FF_NR_READERS != FF_READER_GUP_FAST)
		return FF_UNSUPPORTED;
	for (unsigned long pfn = start;
	     pfn <= start + op->arg[3] && pfn < w->k.nr_memmap && !ff_failed();
	     pfn++) {
		struct md_folio *f = md_gup_fast(pfn_to_page(pfn));

		if (f)
			md_folio_put(f);
	}
	return 0;
}
