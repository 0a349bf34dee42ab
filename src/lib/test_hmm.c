/*
 * test_hmm.c - the device driver that owns the device-private region.
 *
 * Follows lib/test_hmm.c (the dmirror test driver) of Linux v6.17 in the
 * parts that touch struct page: a free list of device pages chained
 * through zone_device_data, allocation through zone_device_page_init(),
 * page_free returning pages to the list, migration of anon pages to device
 * memory (dmirror_migrate_to_device), filling unpopulated addresses, and
 * migrate_to_ram on a CPU fault (dmirror_devmem_fault, entered from
 * do_swap_page with the device page referenced and locked).
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/mm.h"

static void dmirror_devmem_free(struct page *page)
{
	FF_FUNC();
	struct ff_dmirror *d = &ff_kern->dmirror;

	page->zone_device_data = d->free_pages;
	d->free_pages = page;
	d->nr_free++;
	d->calloc--;
}

static const struct dev_pagemap_ops dmirror_devmem_ops = {
	.page_free = dmirror_devmem_free,
};

FF_NO_COVERAGE void dmirror_init(struct ff_kernel *k)
{
	FF_FUNC();
	struct dev_pagemap *pgmap = &k->devpriv_pgmap;

	pgmap->type = MEMORY_DEVICE_PRIVATE;
	pgmap->ops = &dmirror_devmem_ops;
	pgmap->owner = &k->dmirror;
	pgmap->start_pfn = k->devpriv_start;
	pgmap->nr_pfns = k->cfg.nr_devpriv;
	memremap_pages(pgmap);
	k->dmirror.free_pages = NULL;
	k->dmirror.nr_free = 0;
	/* dmirror_allocate_chunk(): push in reverse so pops go upwards */
	for (unsigned long i = pgmap->nr_pfns; i-- > 0;) {
		struct page *page = pfn_to_page(pgmap->start_pfn + i);

		page->zone_device_data = k->dmirror.free_pages;
		k->dmirror.free_pages = page;
		k->dmirror.nr_free++;
	}
	k->dmirror.calloc = 0;
}

struct page *dmirror_devmem_alloc_page(void)
{
	FF_FUNC();
	struct ff_dmirror *d = &ff_kern->dmirror;
	struct page *page = d->free_pages;

	if (!page)
		return NULL;
	d->free_pages = page->zone_device_data;
	d->nr_free--;
	d->calloc++;
	page->zone_device_data = NULL;
	zone_device_page_init(page);
	ff_touch(page_to_pfn(page), 1);
	return page;
}

int dmirror_migrate_to_device(struct ff_map *pte)
{
	FF_FUNC();
	struct migrate_vma args = {
		.pte = pte,
		.vma = pte->vma,
		.flags = MIGRATE_VMA_SELECT_SYSTEM,
		.pgmap_owner = &ff_kern->dmirror,
	};

	migrate_vma_setup(&args);
	if (!args.src_page)
		return -EBUSY;
	args.dst_page = dmirror_devmem_alloc_page();
	/* copy the data: nothing to copy in the model */
	migrate_vma_pages(&args);
	migrate_vma_finalize(&args);
	return args.migrate ? 0 : (args.dst_page ? -EAGAIN : -ENOMEM);
}

int dmirror_migrate_insert(uint8_t vma, unsigned long index)
{
	FF_FUNC();
	struct migrate_vma args = {
		.pte = NULL,
		.vma = vma,
		.index = index,
		.flags = MIGRATE_VMA_SELECT_SYSTEM,
		.pgmap_owner = &ff_kern->dmirror,
	};

	migrate_vma_setup(&args);
	args.dst_page = dmirror_devmem_alloc_page();
	migrate_vma_pages(&args);
	migrate_vma_finalize(&args);
	return args.migrate ? 0 : (args.dst_page ? -EAGAIN : -ENOMEM);
}

/* do_swap_page() on a device-private entry -> pgmap->ops->migrate_to_ram */
int dmirror_devmem_fault(struct ff_map *pte)
{
	FF_FUNC();
	struct page *page = pfn_to_page(pte->pfn);
	struct folio *folio = page_folio(page), *dst;
	struct migrate_vma args = {
		.pte = pte,
		.vma = pte->vma,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.pgmap_owner = &ff_kern->dmirror,
		.fault_page = page,
	};
	bool migrated;

	folio_get(folio);
	if (!folio_trylock(folio)) {
		folio_put(folio);
		return -EAGAIN;
	}
	migrate_vma_setup(&args);
	args.fault_page = page;
	if (args.src_page) {
		dst = folio_alloc(0); /* alloc_page_vma */
		if (dst) {
			folio_trylock(dst);
			args.dst_page = &dst->page;
		} else if (ff_bug_on(devfault_nomem_no_finalize)) {
			/* alloc_and_copy returns VM_FAULT_OOM, and the
			 * fault handler returns it before finalizing */
			folio_unlock(folio);
			folio_put(folio);
			return -ENOMEM;
		}
	}
	migrate_vma_pages(&args);
	migrate_vma_finalize(&args);
	migrated = args.migrate && args.src_page;
	folio_unlock(folio);
	folio_put(folio);
	return migrated ? 0 : -EAGAIN;
}
