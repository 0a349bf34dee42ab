/*
 * ops_device.c - ops on the ZONE_DEVICE regions: device-private pages
 * (driven through the dmirror driver and the migrate_vma pipeline) and
 * FS-DAX pages (faults, unmaps, truncation of file entries).
 *
 * As in ops.c, each executor checks the caller's preconditions, calls the
 * modelled kernel code, and updates the reference model from the op's
 * meaning.  DAX pages are named by (file, index), not by handles: the
 * reference model keeps their association state per pfn.
 */
#include "foliofuzz/harness.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/race.h"
#include "foliofuzz/refmodel.h"

const char *const ff_dax_file_names[FF_NR_DAX_FILES] = { "d0", "d1", "d2",
							 "d3" };

/* The k-th present or device-private entry mapping pfn (mod their count). */
static struct ff_map *nth_pte(struct ff_world *w, unsigned long pfn, uint8_t k)
{
	uint32_t n = 0, want;

	for (uint32_t i = 0; i < w->k.nr_maps; i++)
		n += w->k.maps[i].pfn == pfn && !w->k.maps[i].pmd;
	if (!n)
		return NULL;
	want = k % n;
	for (uint32_t i = 0; i < w->k.nr_maps; i++)
		if (w->k.maps[i].pfn == pfn && !w->k.maps[i].pmd && want-- == 0)
			return &w->k.maps[i];
	return NULL;
}

int ff_op_dev_alloc(struct ff_world *w, const struct ff_op *op)
{
	struct page *page = dmirror_devmem_alloc_page();
	struct ff_obj *o;

	(void)op;
	if (!page)
		return -ENOMEM;
	folio_unlock(page_folio(page)); /* the driver is done with it */
	o = ff_obj_new(w, page_to_pfn(page), 0, FF_KIND_PLAIN);
	o->devpriv = 1;
	o->hrefs = 1;
	return 0;
}

int ff_op_dev_migrate(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);
	struct ff_map *pte;
	int rc;

	if (!o)
		return -ENOENT;
	if (o->kind != FF_KIND_ANON || o->devpriv || o->order)
		return -EINVAL; /* anon order-0 RAM pages only (6.17) */
	pte = nth_pte(w, o->pfn, op->arg[1]);
	if (!pte)
		return -EINVAL; /* migrate_vma collects mapped pages only */
	ff_world_touch(w, o->pfn, 1);
	rc = dmirror_migrate_to_device(pte);
	if (rc)
		return rc;
	ff_world_touch(w, pte->pfn, 1);
	ff_obj_move(w, o, pte->pfn);
	return 0;
}

int ff_op_dev_fault(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);
	struct ff_map *pte;
	int rc;

	if (!o)
		return -ENOENT;
	if (!o->devpriv || o->kind != FF_KIND_ANON)
		return -EINVAL;
	pte = nth_pte(w, o->pfn, op->arg[1]);
	if (!pte)
		return -EINVAL; /* no device-private entry to fault on */
	ff_world_touch(w, o->pfn, 1);
	rc = dmirror_devmem_fault(pte);
	if (rc)
		return rc;
	ff_world_touch(w, pte->pfn, 1);
	ff_obj_move(w, o, pte->pfn);
	return 0;
}

int ff_op_dev_insert(struct ff_world *w, const struct ff_op *op)
{
	uint8_t vma = op->arg[0] % FF_NR_RAM_VMAS;
	unsigned long index = op->arg[1];
	struct ff_map *m;
	struct ff_obj *o;
	int rc;

	/* a full mapping table (no page-table page) is the kernel's to
	 * refuse: migrate_vma_insert_page() aborts */
	rc = dmirror_migrate_insert(vma, index);
	if (rc)
		return rc;
	m = &w->k.maps[w->k.nr_maps - 1];
	o = ff_obj_new(w, m->pfn, 0, FF_KIND_ANON);
	o->devpriv = 1;
	o->mapping_id = w->k.vmas[vma].anon_vma->id;
	o->index = index;
	o->charged = o->mapping_id != FF_UNCHARGED_ANON_VMA;
	o->pte_maps = 1;
	w->ref[m->pfn].mapcount = 1;
	return 0;
}

int ff_op_dev_unmap(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);
	struct folio *folio;

	if (!o)
		return -ENOENT;
	if (!o->devpriv || !o->pte_maps)
		return -EINVAL;
	folio = (struct folio *)pfn_to_page(o->pfn);
	ff_world_touch(w, o->pfn, 1);
	folio_get(folio); /* the caller's reference */
	folio_trylock(folio);
	try_to_unmap(folio);
	folio_unlock(folio);
	folio_put(folio);
	w->ref[o->pfn].mapcount = 0;
	o->pte_maps = 0;
	ff_obj_settle(w, o);
	return 0;
}

/* ---- FS-DAX */

static struct ff_dax_file *dax_file(struct ff_world *w, uint8_t file,
				    uint8_t index, unsigned long *idx)
{
	struct ff_dax_file *f = &w->k.dax_files[file % FF_NR_DAX_FILES];

	if (!f->nr)
		return NULL;
	*idx = index % f->nr;
	return f;
}

static int pick_dax_vma(struct ff_world *w, const struct ff_dax_file *f,
			uint8_t sel)
{
	int ok[FF_NR_VMAS], n = 0;

	for (int v = FF_NR_RAM_VMAS; v < FF_NR_VMAS; v++)
		if (w->k.vmas[v].file == &f->as)
			ok[n++] = v;
	return n ? ok[sel % n] : -1;
}

/* Reference model: one more association of pfn (from file f). */
static void ref_dax_associate(struct ff_world *w, unsigned long pfn,
			      uint8_t file, unsigned long idx)
{
	struct ff_ref_page *r = &w->ref[pfn];

	if (r->dax == FF_DAX_NONE) {
		r->dax = FF_DAX_SINGLE;
		r->dax_file = file;
		r->dax_n = (uint32_t)idx;
	} else if (r->dax == FF_DAX_SINGLE) {
		r->dax = FF_DAX_SHARED;
		r->dax_n = 2;
	} else {
		r->dax_n++;
	}
}

static void ref_dax_disassociate(struct ff_world *w, unsigned long pfn)
{
	struct ff_ref_page *r = &w->ref[pfn];

	if (r->dax == FF_DAX_SHARED && --r->dax_n > 0)
		return;
	r->dax = FF_DAX_NONE;
	r->dax_n = 0;
}

int ff_op_dax_fault(struct ff_world *w, const struct ff_op *op)
{
	unsigned long idx, pfn;
	struct ff_dax_file *f = dax_file(w, op->arg[0], op->arg[1], &idx);
	struct folio *folio;
	int vma;

	if (!f)
		return -EINVAL;
	vma = pick_dax_vma(w, f, op->arg[2]);
	pfn = f->pfn[idx];
	if (vma < 0)
		return -EINVAL;
	if (ff_map_slots(w) + 1 > FF_MAX_MAPS ||
	    w->ref[pfn].mapcount >= FF_MAX_MAPCOUNT)
		return -ENOMEM;
	ff_world_touch(w, pfn, 1);
	if (!f->entry[idx]) {
		dax_insert_entry(f, idx);
		ref_dax_associate(w, pfn, op->arg[0] % FF_NR_DAX_FILES, idx);
	} else if (f->shared[idx]) {
		/* re-associated: dropped and added again (a page shared once
		 * more becomes single again) */
		dax_insert_entry(f, idx);
		ref_dax_disassociate(w, pfn);
		ref_dax_associate(w, pfn, op->arg[0] % FF_NR_DAX_FILES, idx);
	}
	/* dax_fault_iter -> vmf_insert_page_mkwrite, with a real reference */
	folio = pfn_folio(pfn);
	folio_get(folio);
	w->k.maps[w->k.nr_maps++] = (struct ff_map){ .pfn = (uint32_t)pfn,
						     .vma = (uint8_t)vma,
						     .index = (uint32_t)idx };
	folio_get(folio);
	folio_add_file_rmap_ptes(folio, &folio->page, 1);
	folio_put(folio);
	w->ref[pfn].mapcount++;
	return 0;
}

/* Zaps DAX PTEs of (f, idx): in one VMA, or in all when vma < 0. */
static int zap_dax(struct ff_world *w, struct ff_dax_file *f, unsigned long idx,
		   int vma, bool all)
{
	unsigned long pfn = f->pfn[idx];
	struct folio *folio = pfn_folio(pfn);
	int removed = 0;

	for (uint32_t i = 0; i < w->k.nr_maps;) {
		struct ff_map *m = &w->k.maps[i];

		if (m->pfn != pfn || m->index != idx ||
		    w->k.vmas[m->vma].file != &f->as ||
		    (vma >= 0 && m->vma != vma)) {
			i++;
			continue;
		}
		folio_remove_rmap_ptes(folio, &folio->page, 1);
		w->k.maps[i] = w->k.maps[--w->k.nr_maps];
		w->ref[pfn].mapcount--;
		folio_put(folio);
		removed++;
		if (!all)
			break;
	}
	ff_world_touch(w, pfn, 1);
	return removed;
}

int ff_op_dax_unmap(struct ff_world *w, const struct ff_op *op)
{
	unsigned long idx;
	struct ff_dax_file *f = dax_file(w, op->arg[0], op->arg[1], &idx);
	int vma;

	if (!f)
		return -EINVAL;
	vma = pick_dax_vma(w, f, op->arg[2]);
	if (vma < 0)
		return -EINVAL;
	return zap_dax(w, f, idx, vma, false) ? 0 : -ENOENT;
}

static void dax_truncate(struct ff_world *w, struct ff_dax_file *f,
			 unsigned long idx)
{
	zap_dax(w, f, idx, -1, true); /* unmap_mapping_range */
	dax_disassociate_entry(f, idx);
	ref_dax_disassociate(w, f->pfn[idx]);
}

int ff_op_dax_truncate(struct ff_world *w, const struct ff_op *op)
{
	unsigned long idx;
	struct ff_dax_file *f = dax_file(w, op->arg[0], op->arg[1], &idx);

	if (!f)
		return -EINVAL;
	if (!f->entry[idx])
		return -ENOENT;
	dax_truncate(w, f, idx);
	return 0;
}

int ff_op_dax_busy(struct ff_world *w, const struct ff_op *op)
{
	unsigned long idx;
	struct ff_dax_file *f = dax_file(w, op->arg[0], op->arg[1], &idx);
	struct page *busy;

	if (!f)
		return -EINVAL;
	busy = dax_busy_page(f, idx);
	/* The model takes no pins on DAX pages: nothing may look busy but
	 * a page a race_in reader holds a reference on (another CPU's). */
	if (busy && !ff_race_holds(w, page_folio(busy)))
		ff_fail(I_DAX_STATE, busy,
			"dax_busy_page: pfn %u busy (refcount %d, mapcount "
			"%d) with no pin held",
			f->pfn[idx], page_ref_count(busy),
			folio_mapcount(page_folio(busy)));
	return busy ? -EBUSY : 0;
}

void ff_dax_teardown(struct ff_world *w)
{
	for (int i = 0; i < FF_NR_DAX_FILES && !ff_failed(); i++) {
		struct ff_dax_file *f = &w->k.dax_files[i];

		for (unsigned long idx = 0; idx < f->nr && !ff_failed(); idx++)
			if (f->entry[idx])
				dax_truncate(w, f, idx);
	}
}
