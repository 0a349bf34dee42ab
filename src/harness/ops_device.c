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

static int zap_dax(struct ff_world *w, struct ff_dax_file *f, unsigned long lo,
		   unsigned long nr, int vma, bool all);

/* Reference model: one more association of the folio holding pfn (from
 * file f at idx). */
static void ref_dax_associate(struct ff_world *w, unsigned long pfn,
			      uint8_t file, unsigned long idx)
{
	struct ff_ref_page *r = &w->ref[ff_dax_head(w, pfn)];

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

/* The last association of a PMD folio splits it back to order 0. */
static void ref_dax_disassociate(struct ff_world *w, unsigned long pfn)
{
	unsigned long head = ff_dax_head(w, pfn);
	struct ff_ref_page *r = &w->ref[head];

	if (r->dax == FF_DAX_SHARED && --r->dax_n > 0)
		return;
	r->dax = FF_DAX_NONE;
	r->dax_n = 0;
	if (r->dax_role == FF_DAX_HEAD)
		for (unsigned long i = 0; i < FF_DAX_PMD_NR; i++)
			w->ref[head + i].dax_role = FF_DAX_SMALL;
}

/* A PMD entry's association: the first one makes the folio compound. */
static void ref_dax_pmd_associate(struct ff_world *w, unsigned long head,
				  uint8_t file, unsigned long base)
{
	if (w->ref[head].dax_role != FF_DAX_HEAD) {
		w->ref[head].dax_role = FF_DAX_HEAD;
		for (unsigned long i = 1; i < FF_DAX_PMD_NR; i++) {
			/* another file's order-0 association of a tail
			 * (F_DAX_MIXED_ORDER) */
			if (w->ref[head + i].dax != FF_DAX_NONE)
				w->ref[head + i].dax_lost = 1;
			w->ref[head + i].dax_role = FF_DAX_TAIL;
		}
	}
	ref_dax_associate(w, head, file, base);
}

/* dax_iomap_pte_fault -> vmf_insert_page_mkwrite: one PTE of pfn, with a
 * real reference on its folio. */
static void dax_map_pte(struct ff_world *w, unsigned long pfn, int vma,
			unsigned long idx)
{
	struct folio *folio = pfn_folio(pfn);

	folio_get(folio);
	w->k.maps[w->k.nr_maps++] = (struct ff_map){ .pfn = (uint32_t)pfn,
						     .vma = (uint8_t)vma,
						     .index = (uint32_t)idx };
	folio_get(folio);
	folio_add_file_rmap_ptes(folio, pfn_to_page(pfn), 1);
	folio_put(folio);
	w->ref[pfn].mapcount++;
}

/* The map-table slot of vma's PMD mapping of f at base, or -1. */
static long dax_pmd_map_of(const struct ff_world *w,
			   const struct ff_dax_file *f, unsigned long base,
			   int vma)
{
	for (uint32_t i = 0; i < w->k.nr_maps; i++) {
		const struct ff_map *m = &w->k.maps[i];

		if (m->pmd && m->vma == vma && m->index == base &&
		    w->k.vmas[m->vma].file == &f->as)
			return i;
	}
	return -1;
}

/* Removes map-table slot i (a DAX PTE or PMD): zap_pte / zap_huge_pmd. */
static void dax_zap_map(struct ff_world *w, uint32_t i)
{
	unsigned long pfn = w->k.maps[i].pfn;
	struct folio *folio = pfn_folio(pfn);

	if (w->k.maps[i].pmd) {
		folio_remove_rmap_pmd(folio);
		w->ref[pfn].dax_pmd_maps--;
	} else {
		folio_remove_rmap_ptes(folio, pfn_to_page(pfn), 1);
		w->ref[pfn].mapcount--;
	}
	w->k.maps[i] = w->k.maps[--w->k.nr_maps];
	folio_put(folio);
	ff_world_touch(w, ff_dax_head(w, pfn), FF_DAX_PMD_NR);
	ff_world_touch(w, pfn, 1);
}

/* A PTE fault at an index covered by a PMD entry of f (grab_mapping_entry
 * hands back the PMD entry): nothing when vma maps it by PMD already
 * (VM_FAULT_NOPAGE); on an unshared extent the PMD entry stays and one PTE
 * of its folio is mapped; on a shared extent dax_insert_entry unmaps the
 * PMD range, disassociates the PMD entry and associates a PTE entry. */
static int dax_fault_in_pmd(struct ff_world *w, struct ff_dax_file *f,
			    uint8_t file, unsigned long idx, int vma)
{
	FF_FUNC();
	unsigned long base = idx & ~(unsigned long)(FF_DAX_PMD_NR - 1);
	unsigned long pfn = f->pfn[idx], head = f->pfn[base];

	if (dax_pmd_map_of(w, f, base, vma) >= 0)
		return 0;
	ff_world_touch(w, head, FF_DAX_PMD_NR);
	if (f->shared[idx]) {
		zap_dax(w, f, base, FF_DAX_PMD_NR, -1, true);
		dax_insert_entry(f, idx);
		ref_dax_disassociate(w, head);
		ref_dax_associate(w, pfn, file, idx);
	}
	dax_map_pte(w, pfn, vma, idx);
	return 0;
}

/*
 * A page whose own association a PMD entry's compound setup overwrote
 * (F_DAX_MIXED_ORDER): its counts and the folio's no longer add up, so a
 * later op on it (a writer of the same race step, before any check) ends
 * the input at the finding rather than at a consequence of it.
 */
static bool dax_lost_guard(struct ff_world *w, unsigned long pfn)
{
	unsigned long head = ff_dax_head(w, pfn);

	if (!w->ref[pfn].dax_lost && !ff_dax_folio_lost(w, head))
		return false;
	ff_fail_finding(I_DAX_STATE, F_DAX_MIXED_ORDER, &w->k.memmap[pfn],
			"DAX pfn %lu: an op on a PMD folio (head pfn %lu) with "
			"a tail whose own association its compound setup "
			"overwrote",
			pfn, head);
	return true;
}

int ff_op_dax_fault(struct ff_world *w, const struct ff_op *op)
{
	unsigned long idx, pfn;
	struct ff_dax_file *f = dax_file(w, op->arg[0], op->arg[1], &idx);
	uint8_t file = op->arg[0] % FF_NR_DAX_FILES;
	int vma;

	if (!f)
		return -EINVAL;
	if (dax_lost_guard(w, f->pfn[idx]))
		return 0;
	vma = pick_dax_vma(w, f, op->arg[2]);
	pfn = f->pfn[idx];
	if (vma < 0)
		return -EINVAL;
	if (ff_map_slots(w) + 1 > w->k.cfg.max_maps ||
	    w->ref[pfn].mapcount >= FF_MAX_MAPCOUNT)
		return -ENOMEM;
	if (f->pmd[idx])
		return dax_fault_in_pmd(w, f, file, idx, vma);
	ff_world_touch(w, ff_dax_head(w, pfn), FF_DAX_PMD_NR);
	ff_world_touch(w, pfn, 1);
	if (!f->entry[idx]) {
		dax_insert_entry(f, idx);
		ref_dax_associate(w, pfn, file, idx);
	} else if (f->shared[idx]) {
		/* re-associated: dropped and added again (a page shared once
		 * more becomes single again) */
		dax_insert_entry(f, idx);
		ref_dax_disassociate(w, pfn);
		ref_dax_associate(w, pfn, file, idx);
	}
	/* dax_fault_iter -> vmf_insert_page_mkwrite, with a real reference */
	dax_map_pte(w, pfn, vma, idx);
	return 0;
}

/* dax_iomap_pmd_fault() takes a PMD entry only for an aligned range inside
 * the file that is one extent (contiguous pfns, an aligned first pfn, one
 * sharedness), with no PTE entry in it (grab_mapping_entry's conflict)
 * and no page table of vma there (the fault is retried as a PTE fault). */
static bool dax_pmd_fallback(struct ff_world *w, struct ff_dax_file *f,
			     unsigned long base, int vma)
{
	FF_FUNC();
	unsigned long pfn = f->pfn[base];

	if (base + FF_DAX_PMD_NR > f->nr || (pfn & (FF_DAX_PMD_NR - 1)))
		return true;
	for (unsigned long i = base; i < base + FF_DAX_PMD_NR; i++)
		if (f->pfn[i] != pfn + (i - base) ||
		    f->shared[i] != f->shared[base] ||
		    (f->entry[i] && !f->pmd[i]))
			return true;
	for (uint32_t i = 0; i < w->k.nr_maps; i++) {
		const struct ff_map *m = &w->k.maps[i];

		if (!m->pmd && m->vma == vma && m->index >= base &&
		    m->index < base + FF_DAX_PMD_NR &&
		    w->k.vmas[m->vma].file == &f->as)
			return true;
	}
	return !f->entry[base] && dax_pmd_fix_fallback(f, base);
}

int ff_op_dax_pmd_fault(struct ff_world *w, const struct ff_op *op)
{
	unsigned long idx, base, head;
	struct ff_dax_file *f = dax_file(w, op->arg[0], op->arg[1], &idx);
	uint8_t file = op->arg[0] % FF_NR_DAX_FILES;
	int vma, rc;

	if (!f)
		return -EINVAL;
	if (dax_lost_guard(w, f->pfn[idx]))
		return 0;
	if (w->k.impl && w->k.impl->dax_insert)
		return FF_UNSUPPORTED; /* pick dax builds order-0 entries */
	vma = pick_dax_vma(w, f, op->arg[2]);
	if (vma < 0)
		return -EINVAL;
	base = idx & ~(unsigned long)(FF_DAX_PMD_NR - 1);
	if (dax_pmd_fallback(w, f, base, vma))
		return ff_op_dax_fault(w, op); /* VM_FAULT_FALLBACK */
	head = f->pfn[base];
	if (ff_map_slots(w) + 1 > w->k.cfg.max_maps ||
	    w->ref[head].dax_pmd_maps >= FF_MAX_MAPCOUNT)
		return -ENOMEM;
	ff_world_touch(w, head, FF_DAX_PMD_NR);
	if (!f->entry[base]) {
		dax_insert_pmd_entry(f, base);
		ref_dax_pmd_associate(w, head, file, base);
	} else if (f->shared[base]) {
		/* dax_insert_entry: unmap_mapping_pages of the PMD range,
		 * then the entry is dropped and added again */
		zap_dax(w, f, base, FF_DAX_PMD_NR, -1, true);
		dax_insert_pmd_entry(f, base);
		ref_dax_disassociate(w, head);
		ref_dax_pmd_associate(w, head, file, base);
	}
	rc = dax_insert_folio_pmd(pfn_folio(head));
	if (rc)
		return rc;
	w->k.maps[w->k.nr_maps++] = (struct ff_map){ .pfn = (uint32_t)head,
						     .vma = (uint8_t)vma,
						     .pmd = 1,
						     .index = (uint32_t)base };
	w->ref[head].dax_pmd_maps++;
	return 0;
}

/* Zaps DAX mappings of f at indices [lo, lo + nr): in one VMA, or in all
 * when vma < 0; the first only unless all. */
static int zap_dax(struct ff_world *w, struct ff_dax_file *f, unsigned long lo,
		   unsigned long nr, int vma, bool all)
{
	int removed = 0;

	for (uint32_t i = 0; i < w->k.nr_maps;) {
		struct ff_map *m = &w->k.maps[i];

		if (m->index < lo || m->index >= lo + nr ||
		    w->k.vmas[m->vma].file != &f->as ||
		    (vma >= 0 && m->vma != vma)) {
			i++;
			continue;
		}
		dax_zap_map(w, i);
		removed++;
		if (!all)
			break;
	}
	ff_world_touch(w, f->pfn[lo], nr);
	return removed;
}

int ff_op_dax_unmap(struct ff_world *w, const struct ff_op *op)
{
	unsigned long idx;
	struct ff_dax_file *f = dax_file(w, op->arg[0], op->arg[1], &idx);
	long pmd;
	int vma;

	if (!f)
		return -EINVAL;
	if (dax_lost_guard(w, f->pfn[idx]))
		return 0;
	vma = pick_dax_vma(w, f, op->arg[2]);
	if (vma < 0)
		return -EINVAL;
	/* a PMD mapping over idx goes whole (zap_huge_pmd) */
	pmd = dax_pmd_map_of(w, f, idx & ~(unsigned long)(FF_DAX_PMD_NR - 1),
			     vma);
	if (pmd >= 0) {
		dax_zap_map(w, (uint32_t)pmd);
		return 0;
	}
	return zap_dax(w, f, idx, 1, vma, false) ? 0 : -ENOENT;
}

static void dax_truncate(struct ff_world *w, struct ff_dax_file *f,
			 unsigned long idx)
{
	unsigned long lo =
		f->pmd[idx] ? idx & ~(unsigned long)(FF_DAX_PMD_NR - 1) : idx;
	unsigned long pfn = f->pfn[lo];

	/* unmap_mapping_range over the entry */
	zap_dax(w, f, lo, f->pmd[idx] ? FF_DAX_PMD_NR : 1, -1, true);
	dax_disassociate_entry(f, idx);
	ref_dax_disassociate(w, pfn);
}

int ff_op_dax_truncate(struct ff_world *w, const struct ff_op *op)
{
	unsigned long idx;
	struct ff_dax_file *f = dax_file(w, op->arg[0], op->arg[1], &idx);

	if (!f)
		return -EINVAL;
	if (dax_lost_guard(w, f->pfn[idx]))
		return 0;
	if (!f->entry[idx])
		return -ENOENT;
	/* the filesystem waits for idle pages (dax_break_layout) first */
	if (dax_busy_page(f, idx))
		return -EBUSY;
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
	if (dax_lost_guard(w, f->pfn[idx]))
		return 0;
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
