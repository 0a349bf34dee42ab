/*
 * dax.c - FS-DAX page association with files: single and shared (reflink).
 *
 * Follows fs/dax.c of Linux v6.15+ as in v6.17 (docs/kernel-notes.md §13; seed 004): dax_associate_entry() with dax_folio_make_shared(),
 * dax_disassociate_entry() -> dax_folio_put(), dax_folio_is_shared(),
 * dax_busy_page().  Pages are 0-based refcounted: each PTE or PMD holds a
 * real reference and mapcount.  Entries are order 0 or PMD entries of
 * order FF_DAX_PMD_ORDER (glue.h): the first association of a PMD entry
 * makes its folio compound (dax_folio_init), the last one splits it back
 * to order-0 pages (dax_folio_put's large path).
 * dax_insert_entry() re-associates on every fault of a shared (reflinked)
 * extent, as the kernel has since reflink support (v6.0): the old
 * association is dropped and the new one added, even for the same entry.
 *
 * Knobs: dax_shared_aliases_anon brings back PAGE_MAPPING_DAX_SHARED (0x1,
 * which is FOLIO_MAPPING_ANON) for shared pages; dax_make_shared_cond uses
 * the 'shared && mapping && share' test from the v5 review;
 * dax_split_keeps_order leaves the old head's order and _nr_pages in place
 * on the split back (before the 2025-04 fix); dax_split_keeps_tail_pgmap
 * restores pgmap on the head only (plausible, not historical).
 * Finding F_DAX_SPLIT_PINNED: a refault's re-association splits a PMD
 * folio someone holds; fix_dax_same_entry keeps an entry that is already
 * the one the fault would install.
 * Finding F_DAX_MIXED_ORDER: the order WARN of the shared path is reported
 * as the finding; fix_dax_mixed_order counts the share without it.
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/mm.h"

#define PAGE_MAPPING_DAX_SHARED ((struct address_space *)0x1)

static void dax_warn(bool cond, struct folio *folio, const char *what)
{
	if (cond)
		ff_fail(I_DAX_STATE, &folio->page, "WARN_ON_ONCE: %s", what);
}

bool dax_folio_is_shared(const struct folio *folio)
{
	if (ff_bug_on(dax_shared_aliases_anon))
		return folio->mapping == PAGE_MAPPING_DAX_SHARED;
	return !folio->mapping && folio->share;
}

/* The first association becomes the first share. */
static void dax_folio_make_shared(struct folio *folio)
{
	folio->mapping = ff_bug_on(dax_shared_aliases_anon) ?
				 PAGE_MAPPING_DAX_SHARED :
				 NULL;
	folio->share = 1;
}

/* The order bits of _flags_1 and _nr_pages (folio_reset_order()). */
static void dax_folio_reset_order(struct folio *folio)
{
	folio->_flags_1 &= ~0xffUL;
	folio->_nr_pages = 0;
}

/*
 * WARN_ON_ONCE(refcount) on a page the split back sets free.  A page past
 * the head has references of its own only if it had them when
 * dax_folio_init() made it a tail (F_DAX_MIXED_ORDER); the head, when a
 * refault's re-association drops the folio while it is held
 * (F_DAX_SPLIT_PINNED).
 */
static void dax_split_warn(struct folio *nf, unsigned long i, bool refault)
{
	FF_FUNC();
	if (i > 0)
		ff_fail_finding(I_DAX_STATE, F_DAX_MIXED_ORDER, &nf->page,
				"WARN_ON_ONCE: split-off page %lu of a PMD "
				"folio holds %d reference(s): it was mapped "
				"at order 0 when it became a tail",
				i, folio_ref_count(nf));
	else if (refault)
		ff_fail_finding(I_DAX_STATE, F_DAX_SPLIT_PINNED, &nf->page,
				"WARN_ON_ONCE: a refault's re-association "
				"split a PMD folio that holds %d reference(s) "
				"beyond its mappings",
				folio_ref_count(nf));
	else
		dax_warn(true, nf, "split-off page with a nonzero refcount");
}

/* refault: the drop of dax_insert_entry()'s re-association. */
static unsigned long dax_folio_put(struct folio *folio, bool refault)
{
	FF_FUNC();
	unsigned long ref;
	unsigned int order;

	if (!dax_folio_is_shared(folio)) {
		ref = 0;
	} else {
		dax_warn(!folio->share, folio, "share underflow");
		ref = --folio->share;
	}
	if (ref)
		return ref;
	folio->mapping = NULL;
	order = folio_order(folio);
	if (!order) {
		/*
		 * Upstream returns here for order 0 and leaves share, which
		 * aliases index, holding the old index: finding
		 * F_DAX_STALE_SHARE.
		 */
		if (ff_bug_on(fix_dax_stale_share))
			folio->share = 0;
		return 0;
	}
	/* Back to order-0 pages.  The 2025-04 fix resets the old order. */
	if (!ff_bug_on(dax_split_keeps_order))
		dax_folio_reset_order(folio);
	for (unsigned long i = 0; i < (1UL << order); i++) {
		struct dev_pagemap *pgmap = page_pgmap(&folio->page);
		struct page *page = folio_page(folio, i);
		struct folio *nf = (struct folio *)page;

		clear_bit_flags(PG_head, &page->flags);
		page->compound_head = 0; /* clear_compound_head() */
		nf->mapping = NULL;
		/* pgmap shares the word prep_compound_page() used for
		 * compound_head on every page but the head */
		if (i == 0 || !ff_bug_on(dax_split_keeps_tail_pgmap))
			nf->pgmap = pgmap;
		nf->share = 0;
		if (folio_ref_count(nf))
			dax_split_warn(nf, i, refault);
	}
	ff_touch(folio_pfn(folio), 1UL << order);
	return 0;
}

/* dax_folio_init(): an entry's folio must be order 0; a PMD entry makes it
 * compound. */
static void dax_folio_init(struct folio *folio, unsigned int order)
{
	FF_FUNC();
	dax_warn(folio_order(folio) != 0, folio, "dax_folio_init order");
	if (order > 0) {
		prep_compound_page(&folio->page, order);
		dax_warn(folio_ref_count(folio) != 0, folio,
			 "dax_folio_init: new compound folio referenced");
	}
}

/*
 * WARN_ON_ONCE(entry order != folio order) on the shared path, as one of
 * two findings.  When no file's entry holds the block, its share is a
 * stale index (F_DAX_STALE_SHARE): a PMD entry's head skips the compound
 * setup.  Otherwise another file's entry of the other order holds it
 * (F_DAX_MIXED_ORDER).
 */
static void dax_order_warn(struct folio *folio, unsigned int order)
{
	FF_FUNC();
	unsigned long pfn = folio_pfn(folio);
	int held = 0;

	for (int k = 0; k < FF_NR_DAX_FILES; k++) {
		const struct ff_dax_file *f = &ff_kern->dax_files[k];

		for (unsigned long i = 0; i < f->nr; i++)
			held += f->entry[i] && f->pfn[i] == pfn;
	}
	ff_fail_finding(I_DAX_STATE,
			held ? F_DAX_MIXED_ORDER : F_DAX_STALE_SHARE,
			&folio->page,
			"WARN_ON_ONCE: entry order %u != folio order %u on the "
			"shared path: %s",
			order, folio_order(folio),
			held ? "the block is associated at two orders" :
			       "no entry holds the block, its share is a "
			       "stale index (compound setup skipped)");
}

static void dax_associate_entry(struct folio *folio,
				struct address_space *mapping,
				unsigned long index, bool shared,
				unsigned int order)
{
	FF_FUNC();
	bool take_shared;

	if (ff_bug_on(dax_make_shared_cond))
		take_shared = shared && folio->mapping && folio->share;
	else
		take_shared = shared &&
			      (folio->mapping || dax_folio_is_shared(folio));
	if (take_shared) {
		if (folio->mapping && !dax_folio_is_shared(folio))
			dax_folio_make_shared(folio);
		dax_warn(!folio->share, folio, "shared page with share == 0");
		if (folio_order(folio) != order &&
		    !ff_bug_on(fix_dax_mixed_order))
			dax_order_warn(folio, order);
		folio->share++;
	} else {
		dax_warn(folio->mapping != NULL, folio,
			 "non-shared association of a page with a mapping");
		dax_folio_init(folio, order);
		folio->mapping = mapping;
		folio->index = index;
	}
}

/* The first index of the PMD entry covering index. */
static unsigned long dax_pmd_base(unsigned long index)
{
	return index & ~(unsigned long)(FF_DAX_PMD_NR - 1);
}

static void dax_set_entry(struct ff_dax_file *f, unsigned long base,
			  unsigned long nr, uint8_t entry, uint8_t pmd)
{
	for (unsigned long i = base; i < base + nr; i++) {
		f->entry[i] = entry;
		f->pmd[i] = pmd;
	}
}

/*
 * dax_insert_entry(): a fault installs the entry.  An existing entry of an
 * unshared extent is kept; on a shared extent (the iomap says
 * IOMAP_F_SHARED) the old entry is disassociated (not a truncation) and
 * the new one associated, whether or not it is the same.  A PTE fault
 * inside a PMD entry of a shared extent disassociates the PMD entry and
 * associates a PTE entry for the faulting page (the caller unmapped the
 * PMD range first, as unmap_mapping_pages() does); the model keeps that
 * PTE entry at index only (the xarray would leave it in the PMD entry's
 * multi-index slot).
 */
int dax_insert_entry(struct ff_dax_file *f, unsigned long index)
{
	FF_FUNC();
	bool pmd = f->pmd[index];

	if (f->entry[index] &&
	    (!f->shared[index] || (!pmd && ff_bug_on(fix_dax_same_entry))))
		return 0;
	ff_race_point(RP_DAX_ASSOCIATE);
	FF_KSHIM_SWAP(dax_insert, f, index); /* pick dax: the tree's fs/dax.c */
	if (f->entry[index]) {
		unsigned long base = pmd ? dax_pmd_base(index) : index;

		/* dax_disassociate_entry(.., false) of the old entry */
		dax_folio_put(pfn_folio(f->pfn[base]), true);
		dax_set_entry(f, base, pmd ? FF_DAX_PMD_NR : 1, 0, 0);
		ff_touch(f->pfn[base], pmd ? FF_DAX_PMD_NR : 1);
	}
	dax_associate_entry(pfn_folio(f->pfn[index]), &f->as, index,
			    f->shared[index], 0);
	f->entry[index] = 1;
	ff_touch(f->pfn[index], 1);
	return 0;
}

/* dax_insert_entry() for a PMD entry at base (aligned, one extent). */
int dax_insert_pmd_entry(struct ff_dax_file *f, unsigned long base)
{
	FF_FUNC();
	unsigned long pfn = f->pfn[base];

	if (f->entry[base] &&
	    (!f->shared[base] || ff_bug_on(fix_dax_same_entry)))
		return 0;
	ff_race_point(RP_DAX_ASSOCIATE);
	if (f->entry[base])
		dax_folio_put(pfn_folio(pfn), true);
	dax_associate_entry(pfn_folio(pfn), &f->as, base, f->shared[base],
			    FF_DAX_PMD_ORDER);
	dax_set_entry(f, base, FF_DAX_PMD_NR, 1, 1);
	ff_touch(pfn, FF_DAX_PMD_NR);
	return 0;
}

/*
 * fix_dax_mixed_order: a PMD fault over a range whose first page is not
 * already a PMD folio falls back when a page of it is associated (its
 * mapping or share set): a PTE entry of another file holds it.
 */
bool dax_pmd_fix_fallback(struct ff_dax_file *f, unsigned long base)
{
	FF_FUNC();
	if (!ff_bug_on(fix_dax_mixed_order) ||
	    folio_order(pfn_folio(f->pfn[base])) == FF_DAX_PMD_ORDER)
		return false;
	for (unsigned long i = 0; i < FF_DAX_PMD_NR; i++) {
		struct folio *folio = pfn_folio(f->pfn[base + i]);

		if (folio->mapping || folio->share)
			return true;
	}
	return false;
}

/* vmf_insert_folio_pmd(): the folio must be PMD-sized, else SIGBUS. */
int dax_insert_folio_pmd(struct folio *folio)
{
	FF_FUNC();
	if (folio_order(folio) != FF_DAX_PMD_ORDER) {
		dax_warn(true, folio, "vmf_insert_folio_pmd: folio order");
		return -EFAULT; /* VM_FAULT_SIGBUS */
	}
	folio_get(folio);
	folio_add_file_rmap_pmd(folio);
	return 0;
}

void dax_disassociate_entry(struct ff_dax_file *f, unsigned long index)
{
	FF_FUNC();
	bool pmd = f->pmd[index];
	unsigned long base = pmd ? dax_pmd_base(index) : index;

	ff_race_point(RP_DAX_DISASSOCIATE);
	FF_KSHIM_SWAP_VOID(dax_disassociate, f, index);
	dax_folio_put(pfn_folio(f->pfn[base]), false);
	dax_set_entry(f, base, pmd ? FF_DAX_PMD_NR : 1, 0, 0);
	ff_touch(f->pfn[base], pmd ? FF_DAX_PMD_NR : 1);
}

/* dax_busy_page(): busy iff references beyond the mappings exist. */
struct page *dax_busy_page(struct ff_dax_file *f, unsigned long index)
{
	FF_FUNC();
	struct folio *folio;

	FF_KSHIM_SWAP(dax_busy, f, index);
	if (!f->entry[index])
		return NULL;
	folio = pfn_folio(f->pfn[index]);
	if (folio_ref_count(folio) - folio_mapcount(folio) != 0)
		return &folio->page;
	return NULL;
}

static const struct dev_pagemap_ops fsdax_pagemap_ops = { 0 };

/*
 * The DAX region and its files: d0 and d1 are reflinked copies of the
 * first half; d2 owns the second half, whose upper quarter d3 reflinks
 * at indices starting from 0 (so one block sits at different indices in
 * different files).
 */
FF_NO_COVERAGE void dax_init_region(struct ff_kernel *k)
{
	FF_FUNC();
	unsigned long half = k->cfg.nr_dax / 2, quarter = k->cfg.nr_dax / 4;
	struct dev_pagemap *pgmap = &k->dax_pgmap;

	pgmap->type = MEMORY_DEVICE_FS_DAX;
	pgmap->ops = &fsdax_pagemap_ops;
	pgmap->start_pfn = k->dax_start;
	pgmap->nr_pfns = k->cfg.nr_dax;
	memremap_pages(pgmap);
	for (int i = 0; i < FF_NR_DAX_FILES; i++) {
		struct ff_dax_file *f = &k->dax_files[i];

		f->as.id = (uint32_t)(FF_NR_FILES + i);
		f->as.dax = 1;
		f->nr = 0;
	}
	for (unsigned long j = 0; j < half && j < FF_DAX_FILE_PAGES; j++) {
		struct ff_dax_file *d0 = &k->dax_files[0],
				   *d1 = &k->dax_files[1];

		d0->pfn[j] = d1->pfn[j] = (uint32_t)(k->dax_start + j);
		d0->shared[j] = d1->shared[j] = 1;
		d0->nr = d1->nr = (uint32_t)j + 1;
	}
	for (unsigned long j = 0; j < half && j < FF_DAX_FILE_PAGES; j++) {
		struct ff_dax_file *d2 = &k->dax_files[2];

		d2->pfn[j] = (uint32_t)(k->dax_start + half + j);
		d2->shared[j] = j >= quarter;
		d2->nr = (uint32_t)j + 1;
	}
	for (unsigned long j = 0; j < quarter && j < FF_DAX_FILE_PAGES; j++) {
		struct ff_dax_file *d3 = &k->dax_files[3];

		d3->pfn[j] = (uint32_t)(k->dax_start + half + quarter + j);
		d3->shared[j] = 1;
		d3->nr = (uint32_t)j + 1;
	}
}
