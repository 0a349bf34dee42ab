/*
 * migrate_device.c - the migrate_vma pipeline for one PTE.
 *
 * Follows mm/migrate_device.c of Linux v6.17 (docs/kernel-notes.md §15), with
 * the VMA range reduced to a single page-table entry (the model's mapping
 * table entry): migrate_vma_setup() = collect (get, trylock, migration
 * entry, rmap removal, put) + migrate_device_unmap() (try_to_migrate the
 * other mappings, migrate_vma_check_page()), migrate_vma_pages() (insert a
 * new anon page for pte_none, or migrate_folio() with no mapping) and
 * migrate_vma_finalize() (remove_migration_ptes onto the new page, unlock,
 * put).  Order-0 folios only, as in 6.17.
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/mm.h"

/* Extra references allowed: the caller's, plus the fault path's. */
static bool migrate_vma_check_page(struct page *page, struct page *fault_page)
{
	FF_FUNC();
	struct folio *folio = page_folio(page);
	int extra = 1 + (page == fault_page);

	if (folio_test_large(folio))
		return false;
	return folio_ref_count(folio) - extra <= folio_mapcount(folio);
}

int migrate_vma_setup(struct migrate_vma *args)
{
	FF_FUNC();
	struct ff_map *m = args->pte;
	struct folio *folio;
	struct page *page;

	args->src_page = NULL;
	args->dst_page = NULL;
	args->migrate = false;
	if (!m) { /* pte_none: the driver may fill it */
		args->migrate = true;
		return 0;
	}
	/* migrate_vma_collect_pmd() */
	if (m->migration)
		return 0;
	page = pfn_to_page(m->pfn);
	if (m->devpriv) {
		if (!(args->flags & MIGRATE_VMA_SELECT_DEVICE_PRIVATE) ||
		    page_pgmap(page)->owner != args->pgmap_owner)
			return 0;
	} else if (!(args->flags & MIGRATE_VMA_SELECT_SYSTEM) ||
		   page_zonenum(page) == ZONE_DEVICE) {
		return 0;
	}
	folio = page_folio(page);
	if (folio_test_large(folio))
		return 0; /* no THP migration to device memory in 6.17 */
	folio_get(folio);
	if (page != args->fault_page && !folio_trylock(folio)) {
		folio_put(folio);
		return 0;
	}
	/* In place: the PTE becomes a migration entry. */
	m->migration = 1;
	folio_remove_rmap_ptes(folio, page, 1);
	folio_put(folio);
	args->src_page = page;
	args->migrate = true;

	/* migrate_device_unmap() */
	if (folio_mapped(folio))
		try_to_migrate(folio, false);
	if (folio_mapped(folio) ||
	    !migrate_vma_check_page(page, args->fault_page)) {
		remove_migration_ptes(folio, folio);
		if (page != args->fault_page)
			folio_unlock(folio);
		folio_put(folio);
		args->src_page = NULL;
		args->migrate = false;
	}
	return 0;
}

uint32_t pgtable_slots(const struct ff_kernel *k)
{
	FF_FUNC();
	uint32_t slots = 0;

	for (uint32_t i = 0; i < k->nr_maps; i++)
		slots += k->maps[i].pmd && !k->maps[i].nodeposit ?
				 1U << k->cfg.pmd_order :
				 1;
	return slots;
}

/* migrate_vma_insert_page(): a new anon page where there was none. */
static void migrate_vma_insert_page(struct migrate_vma *args)
{
	FF_FUNC();
	struct ff_kernel *k = ff_kern;
	struct folio *folio = page_folio(args->dst_page);
	struct ff_vma *vma = &k->vmas[args->vma];

	/* Knob mvma_insert_rmap_early: the anon rmap is set up before the
	 * page table is allocated, so the abort below frees a page that
	 * still has its anon mapping and mapcount. */
	if (ff_bug_on(mvma_insert_rmap_early))
		folio_add_new_anon_rmap(folio, vma->anon_vma, args->index);
	/* pte_alloc(): the mapping table stands in for page-table pages;
	 * when it is full, the insert aborts (*src &= ~MIGRATE) */
	if (pgtable_slots(k) >= k->cfg.max_maps) {
		args->migrate = false;
		return;
	}
	if (vma->anon_vma->memcg)
		mem_cgroup_charge(folio, vma->anon_vma->memcg);
	folio_set_uptodate(folio); /* __folio_mark_uptodate */
	if (!ff_bug_on(mvma_insert_rmap_early))
		folio_add_new_anon_rmap(folio, vma->anon_vma, args->index);
	folio_get(folio);
	k->maps[k->nr_maps++] = (struct ff_map){
		.pfn = (uint32_t)folio_pfn(folio),
		.vma = args->vma,
		.devpriv = folio_is_device_private(folio),
	};
	ff_touch(folio_pfn(folio), 1);
}

void migrate_vma_pages(struct migrate_vma *args)
{
	FF_FUNC();
	struct folio *src, *dst;
	int extra;

	ff_race_point(RP_MVMA_AFTER_SETUP);
	if (!args->migrate)
		return;
	if (!args->dst_page) {
		args->migrate = false;
		return;
	}
	if (!args->src_page) {
		migrate_vma_insert_page(args);
		return;
	}
	src = page_folio(args->src_page);
	dst = page_folio(args->dst_page);
	/* Only anonymous memory may move to device memory. */
	if (folio_is_device_private(dst) && folio_mapping(src)) {
		args->migrate = false;
		return;
	}
	extra = args->src_page == args->fault_page;
	if (folio_migrate_mapping(NULL, dst, src, extra)) {
		args->migrate = false;
		return;
	}
	folio_migrate_flags(dst, src);
}

void migrate_vma_finalize(struct migrate_vma *args)
{
	FF_FUNC();
	struct folio *src, *dst, *newf;

	ff_race_point(RP_MVMA_BEFORE_FINALIZE);
	if (!args->src_page) {
		if (args->dst_page) {
			dst = page_folio(args->dst_page);
			folio_unlock(dst);
			folio_put(dst);
		}
		return;
	}
	src = page_folio(args->src_page);
	dst = args->dst_page ? page_folio(args->dst_page) : NULL;
	newf = args->migrate ? dst : src;
	if (newf == src)
		remove_migration_ptes_unmigrated(src, args->pte, !dst);
	else
		remove_migration_ptes(src, newf);
	if (args->src_page != args->fault_page)
		folio_unlock(src);
	folio_put(src);
	if (dst) {
		folio_unlock(dst);
		/* Knob devfault_fail_dst_leak: the RAM destination of a
		 * refused migrate_to_ram() is left for the LRU, not put. */
		if (args->migrate || folio_is_device_private(dst) ||
		    !ff_bug_on(devfault_fail_dst_leak))
			folio_put(dst);
	}
}
