/*
 * memremap.c - ZONE_DEVICE pages: initialising a dev_pagemap's pages, the
 * driver-side allocation, and freeing a device folio.
 *
 * Follows mm/memremap.c and mm/mm_init.c of Linux v6.17 (docs/kernel-notes.md
 * §14.2 - §14.3): __init_zone_device_page() (refcount 0 for PRIVATE and
 * FS_DAX, pgmap in the folio's lru slot since 6.15), zone_device_page_init()
 * (pgmap reference, refcount 1, locked), and the v6.15+
 * free_zone_device_folio(): uncharge, clear anon-exclusive, clear mapping
 * unless FS_DAX, then page_free + put_dev_pagemap for PRIVATE pages.
 * Knob devpriv_stale_mapping brings back the pre-2019 free path that left
 * mapping set (seed 003 patch 2).
 */
#include <string.h>

#include "foliofuzz/glue.h"
#include "foliofuzz/mm.h"

/* memremap_pages() -> memmap_init_zone_device() -> __init_zone_device_page() */
FF_NO_COVERAGE void memremap_pages(struct dev_pagemap *pgmap)
{
	FF_FUNC();
	for (unsigned long i = 0; i < pgmap->nr_pfns; i++) {
		struct page *page = pfn_to_page(pgmap->start_pfn + i);

		memset(page, 0, sizeof(*page));
		set_page_zone(page, ZONE_DEVICE);
		page->page_type = UINT_MAX;
		((struct folio *)page)->pgmap = pgmap;
		/* FS_DAX, PRIVATE, COHERENT and P2PDMA start at 0. */
		set_page_count(page, pgmap->type == MEMORY_DEVICE_GENERIC);
	}
}

static bool percpu_ref_tryget_live(struct dev_pagemap *pgmap)
{
	pgmap->ref++;
	return true;
}

static void put_dev_pagemap(struct dev_pagemap *pgmap)
{
	VM_BUG_ON_PAGE(pgmap->ref <= 0, NULL, I_DEVPRIV_PGMAP,
		       "dev_pagemap reference underflow");
	pgmap->ref--;
}

void zone_device_page_init(struct page *page)
{
	FF_FUNC();
	struct dev_pagemap *pgmap = page_pgmap(page);

	if (!percpu_ref_tryget_live(pgmap))
		ff_fail(I_DEVPRIV_PGMAP, page, "WARN: pgmap is dying");
	set_page_count(page, 1);
	set_bit_flags(PG_locked, &page->flags); /* lock_page() */
}

void free_zone_device_folio(struct folio *folio)
{
	FF_FUNC();
	struct dev_pagemap *pgmap = folio->pgmap;

	if (!pgmap || !pgmap->ops) {
		ff_fail(I_DEVPRIV_PGMAP, &folio->page,
			"WARN: free_zone_device_folio without pgmap ops");
		return;
	}
	if (pgmap->type != MEMORY_DEVICE_FS_DAX && !pgmap->ops->page_free) {
		ff_fail(I_DEVPRIV_PGMAP, &folio->page,
			"WARN: free_zone_device_folio without page_free");
		return;
	}
	mem_cgroup_uncharge(folio);
	if (folio_test_anon(folio)) {
		VM_BUG_ON_FOLIO(folio_test_large(folio), folio, I_DEVPRIV_FREE,
				"large anon device folio freed");
		clear_bit_flags(PG_anon_exclusive, &folio->flags);
	}
	/*
	 * FS_DAX clears mapping itself when the last share goes.  For device
	 * private pages a stale mapping would make the next anon rmap setup
	 * see PageAnon and keep the old anon_vma (the 2019 fix).
	 */
	if (pgmap->type != MEMORY_DEVICE_FS_DAX &&
	    !(pgmap->type == MEMORY_DEVICE_PRIVATE &&
	      ff_bug_on(devpriv_stale_mapping)))
		folio->mapping = NULL;
	switch (pgmap->type) {
	case MEMORY_DEVICE_PRIVATE:
	case MEMORY_DEVICE_COHERENT:
		pgmap->ops->page_free(&folio->page);
		put_dev_pagemap(pgmap);
		break;
	case MEMORY_DEVICE_GENERIC:
		set_page_count(&folio->page, 1);
		break;
	case MEMORY_DEVICE_FS_DAX:
		break; /* wake_up_var(): nobody waits in the model */
	case MEMORY_DEVICE_PCI_P2PDMA:
		pgmap->ops->page_free(&folio->page);
		break;
	}
	ff_touch(folio_pfn(folio), 1);
}
