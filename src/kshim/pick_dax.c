/*
 * pick_dax.c - pick "dax" (docs/kshim.md): the FS-DAX association and
 * sharing code of the user's fs/dax.c, in place of the model's
 * (src/fs/dax.c).
 *
 * The tree's functions are extracted by scripts/kshim.sh into
 * gen/dax.c (names in src/kshim/picks.tsv) and included below, renamed
 * ks_<name>.  The glue here turns the harness's DAX entry operations
 * (insert on fault, disassociate on truncate, busy check) into the calls
 * fs/dax.c makes: an order-0 xarray value entry for the pfn, and the VMA
 * and address of the fault (a VMA at file offset 0, so the address gives
 * the index back through linear_page_index()).
 *
 * Two generations of the code (kernel-notes §13):
 *  - up to 6.14: dax_page_share_get() / PAGE_MAPPING_DAX_SHARED, and DAX
 *    pages idle at refcount 1 (a PTE holds no reference).  The model
 *    counts a reference per PTE, as 6.15+ does, so the refcount this code
 *    reads is the model's minus its mappings plus the idle one (below).
 *  - 6.15 on: dax_folio_make_shared() / dax_folio_put() and refcounts
 *    from 0, as the model.
 */
#include "shim.h"

#include "ks_locs.h"
#include "picks.h"

#if KS_VERSION_CODE < KS_KERNEL_VERSION(6, 15, 0)
#define KS_DAX_V1 1
/* The idle reference of a pre-6.15 DAX page, which the model does not
 * take, and without the per-PTE references, which it does. */
static inline int ks_dax_ref_count(const struct page *page)
{
	return 1 + page_ref_count(page) - page_mapcount(page);
}
#define page_ref_count(page) ks_dax_ref_count(page)
#define folio_ref_count(folio) ks_dax_ref_count(&(folio)->page)
#endif

#include "dax.c" /* gen/dax.c: the tree's code, #line-tagged */

#undef page_ref_count
#undef folio_ref_count

/* An order-0 DAX entry for pfn, as dax_make_entry() encodes it. */
static void *entry_of(unsigned long pfn)
{
	return xa_mk_value(pfn << DAX_SHIFT);
}

int ks_dax_insert(struct ff_dax_file *f, unsigned long index)
{
	struct vm_area_struct vma = { .vm_start = 0, .vm_pgoff = 0 };

	/* the re-association of a shared extent (dax_insert_entry) */
	if (f->entry[index]) {
		KS_RAN(dax_disassociate_entry);
		ks_dax_disassociate_entry(entry_of(f->pfn[index]), &f->as,
					  false);
	}
	KS_RAN(dax_associate_entry);
	ks_dax_associate_entry(entry_of(f->pfn[index]), &f->as, &vma,
			       index << PAGE_SHIFT, f->shared[index]);
	f->entry[index] = 1;
	ff_touch(f->pfn[index], 1);
	return 0;
}

void ks_dax_disassociate(struct ff_dax_file *f, unsigned long index)
{
	KS_RAN(dax_disassociate_entry);
	/* The harness disassociates on truncate (and at teardown, which
	 * truncates every file). */
	ks_dax_disassociate_entry(entry_of(f->pfn[index]), &f->as, true);
	f->entry[index] = 0;
	ff_touch(f->pfn[index], 1);
}

struct page *ks_dax_busy(struct ff_dax_file *f, unsigned long index)
{
	if (!f->entry[index])
		return NULL;
	KS_RAN(dax_busy_page);
	return ks_dax_busy_page(entry_of(f->pfn[index]));
}
