/*
 * dax.c - FS-DAX page association with files: single and shared (reflink).
 *
 * Follows fs/dax.c of Linux v6.15+ as in v6.17 (docs/kernel-notes.md §13; seed 004): dax_associate_entry() with dax_folio_make_shared(),
 * dax_disassociate_entry() -> dax_folio_put(), dax_folio_is_shared(),
 * dax_busy_page().  Pages are 0-based refcounted: each PTE holds a real
 * reference and mapcount.  Entries are order 0 (no PMD DAX entries).
 * dax_insert_entry() re-associates on every fault of a shared (reflinked)
 * extent, as the kernel has since reflink support (v6.0): the old
 * association is dropped and the new one added, even for the same entry.
 *
 * Knobs: dax_shared_aliases_anon brings back PAGE_MAPPING_DAX_SHARED (0x1,
 * which is FOLIO_MAPPING_ANON) for shared pages; dax_make_shared_cond uses
 * the 'shared && mapping && share' test from the v5 review.
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

static unsigned long dax_folio_put(struct folio *folio)
{
	FF_FUNC();
	unsigned long ref;

	if (!dax_folio_is_shared(folio)) {
		ref = 0;
	} else {
		dax_warn(!folio->share, folio, "share underflow");
		ref = --folio->share;
	}
	if (ref)
		return ref;
	folio->mapping = NULL;
	/*
	 * Upstream returns here for order 0 and leaves share, which aliases
	 * index, holding the old index: finding F_DAX_STALE_SHARE.
	 */
	if (ff_bug_on(fix_dax_stale_share))
		folio->share = 0;
	/* Order-0 entries only: nothing to split back. */
	return 0;
}

static void dax_associate_entry(struct folio *folio,
				struct address_space *mapping,
				unsigned long index, bool shared)
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
		dax_warn(folio_order(folio) != 0, folio,
			 "entry order != folio order");
		folio->share++;
	} else {
		dax_warn(folio->mapping != NULL, folio,
			 "non-shared association of a page with a mapping");
		/* dax_folio_init(): the folio must already be order 0. */
		dax_warn(folio_order(folio) != 0, folio,
			 "dax_folio_init order");
		folio->mapping = mapping;
		folio->index = index;
	}
}

/*
 * dax_insert_entry(): a fault installs the entry.  An existing entry of an
 * unshared extent is kept; on a shared extent (the iomap says
 * IOMAP_F_SHARED) the old entry is disassociated (not a truncation) and
 * the new one associated, whether or not it is the same.
 */
int dax_insert_entry(struct ff_dax_file *f, unsigned long index)
{
	FF_FUNC();
	struct folio *folio = pfn_folio(f->pfn[index]);

	if (f->entry[index] && !f->shared[index])
		return 0;
	ff_race_point(RP_DAX_ASSOCIATE);
	FF_KSHIM_SWAP(dax_insert, f, index); /* pick dax: the tree's fs/dax.c */
	if (f->entry[index])
		dax_folio_put(folio); /* dax_disassociate_entry(.., false) */
	dax_associate_entry(folio, &f->as, index, f->shared[index]);
	f->entry[index] = 1;
	ff_touch(f->pfn[index], 1);
	return 0;
}

void dax_disassociate_entry(struct ff_dax_file *f, unsigned long index)
{
	FF_FUNC();
	struct folio *folio = pfn_folio(f->pfn[index]);

	ff_race_point(RP_DAX_DISASSOCIATE);
	FF_KSHIM_SWAP_VOID(dax_disassociate, f, index);
	dax_folio_put(folio);
	f->entry[index] = 0;
	ff_touch(f->pfn[index], 1);
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
