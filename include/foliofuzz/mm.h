/*
 * mm.h - folio geometry, reference counts and the modelled kernel entry
 * points, with the kernel's names.
 *
 * Geometry and refcount helpers follow include/linux/mm.h and page_ref.h of
 * Linux v6.17 (docs/kernel-notes.md §4.3, §8).  The functions declared at the
 * bottom live in src/mm/ in files named after their kernel homes.
 */
#ifndef FOLIOFUZZ_MM_H
#define FOLIOFUZZ_MM_H

#include <errno.h> /* the kernel's errno values are Linux's */

#include "foliofuzz/page-flags.h"
#include "foliofuzz/glue.h"

/* folio_large_order(): the low byte of _flags_1. */
static inline unsigned int folio_large_order(const struct folio *folio)
{
	return folio->_flags_1 & 0xff;
}
static inline unsigned int folio_order(const struct folio *folio)
{
	if (!folio_test_large(folio))
		return 0;
	return folio_large_order(folio);
}
static inline long folio_large_nr_pages(const struct folio *folio)
{
	return folio->_nr_pages; /* NR_PAGES_IN_LARGE_FOLIO (CONFIG_MEMCG) */
}
static inline long folio_nr_pages(const struct folio *folio)
{
	if (!folio_test_large(folio))
		return 1;
	return folio_large_nr_pages(folio);
}
static inline unsigned int compound_order(const struct page *page)
{
	if (!PageHead(page))
		return 0;
	return folio_large_order((const struct folio *)page);
}
static inline struct page *folio_page(struct folio *folio, unsigned long n)
{
	return &folio->page + n;
}
static inline unsigned long folio_page_idx(const struct folio *folio,
					   const struct page *page)
{
	return (unsigned long)(page - &folio->page);
}

/* folio_set_order(): WARNs on order 0 or a folio that is not large. */
void folio_set_order(struct folio *folio, unsigned int order);

/* page_ref.h */
static inline int page_ref_count(const struct page *page)
{
	return page->_refcount;
}
static inline int folio_ref_count(const struct folio *folio)
{
	return folio->_refcount;
}
/* page_count(): the count of the folio the page belongs to. */
static inline int page_count(const struct page *page)
{
	return folio_ref_count(page_folio(page));
}
static inline void set_page_count(struct page *page, int v)
{
	page->_refcount = v;
}
static inline void folio_ref_add(struct folio *folio, int nr)
{
	folio->_refcount += nr;
}
static inline void folio_get(struct folio *folio)
{
	folio_ref_add(folio, 1);
}
/* folio_ref_freeze(): cmpxchg(count -> 0), succeeds only on an exact count. */
static inline bool folio_ref_freeze(struct folio *folio, int count)
{
	if (folio->_refcount != count)
		return false;
	folio->_refcount = 0;
	return true;
}
void folio_ref_unfreeze(struct folio *folio, int count);
/* folio_try_get(): a reference unless the count is 0 (frozen or free). */
static inline bool folio_try_get(struct folio *folio)
{
	if (folio->_refcount == 0)
		return false;
	folio->_refcount++;
	return true;
}
/* folio_put_testzero(): VM_BUG on a zero count, then dec-and-test. */
bool folio_put_testzero(struct folio *folio);
void folio_put(struct folio *folio);
void folio_put_refs(struct folio *folio, int refs);

/* Mapcounts (include/linux/rmap.h, mm.h; CONFIG_PAGE_MAPCOUNT). */
#define ENTIRELY_MAPPED 0x800000
#define FOLIO_PAGES_MAPPED (ENTIRELY_MAPPED - 1)
static inline int folio_large_mapcount(const struct folio *folio)
{
	return folio->_large_mapcount + 1;
}
static inline int folio_entire_mapcount(const struct folio *folio)
{
	return folio->_entire_mapcount + 1;
}
/* A small folio with a page type (which overlays _mapcount) has mapcount
 * 0, as in the kernel; the kshim pageflags cross-check against 6.12's own
 * folio_mapcount() found the model returning the type's bits. */
static inline int folio_mapcount(const struct folio *folio)
{
	int mapcount;

	if (!folio_test_large(folio)) {
		mapcount = folio->_mapcount + 1;
		if (page_mapcount_is_type((unsigned int)mapcount))
			mapcount = 0;
		return mapcount;
	}
	return folio_large_mapcount(folio);
}
static inline bool folio_mapped(const struct folio *folio)
{
	return folio_mapcount(folio) >= 1;
}
static inline int page_mapcount(const struct page *page)
{
	return page->_mapcount + 1;
}

/* folio_lock / folio_unlock (no sleeping: the model never contends). */
static inline bool folio_trylock(struct folio *folio)
{
	if (folio_test_locked(folio))
		return false;
	folio_set_locked(folio);
	return true;
}
static inline void folio_unlock(struct folio *folio)
{
	folio_clear_locked(folio);
}

/* --- mm/page_alloc.c */
void ff_buddy_init(struct ff_kernel *k);
struct page *__alloc_pages(unsigned int order, bool comp);
struct folio *folio_alloc(unsigned int order);
void prep_compound_page(struct page *page, unsigned int order);
void post_alloc_hook(struct page *page, unsigned int order);
bool free_pages_prepare(struct page *page, unsigned int order);
void free_frozen_pages(struct page *page, unsigned int order);
void __free_pages(struct page *page, unsigned int order);
unsigned long buddy_order(const struct page *page);

/* --- mm/memremap.c */
static inline struct dev_pagemap *page_pgmap(const struct page *page)
{
	return page_folio(page)->pgmap;
}
static inline bool is_device_private_page(const struct page *page)
{
	return page_zonenum(page) == ZONE_DEVICE &&
	       page_pgmap(page)->type == MEMORY_DEVICE_PRIVATE;
}
static inline bool folio_is_device_private(const struct folio *folio)
{
	return is_device_private_page(&folio->page);
}
static inline bool is_fsdax_page(const struct page *page)
{
	return page_zonenum(page) == ZONE_DEVICE &&
	       page_pgmap(page)->type == MEMORY_DEVICE_FS_DAX;
}
void memremap_pages(struct dev_pagemap *pgmap);
void zone_device_page_init(struct page *page);
void free_zone_device_folio(struct folio *folio);

/* --- mm/migrate_device.c (one page, the VMA range reduced to one PTE) */
struct migrate_vma {
	struct ff_map *pte; /* the PTE being migrated (NULL: pte_none) */
	uint8_t vma;
	unsigned long index;	 /* linear page index of the address */
	struct page *src_page;	 /* collected source, or NULL */
	struct page *fault_page; /* the page a CPU fault came from */
	struct page *dst_page;	 /* set by the driver */
	bool migrate;		 /* MIGRATE_PFN_MIGRATE */
	unsigned int flags;	 /* MIGRATE_VMA_SELECT_* */
	void *pgmap_owner;
};
#define MIGRATE_VMA_SELECT_SYSTEM (1U << 0)
#define MIGRATE_VMA_SELECT_DEVICE_PRIVATE (1U << 1)
int migrate_vma_setup(struct migrate_vma *args);
void migrate_vma_pages(struct migrate_vma *args);
void migrate_vma_finalize(struct migrate_vma *args);

/* --- lib/test_hmm.c: the device driver */
void dmirror_init(struct ff_kernel *k);
struct page *dmirror_devmem_alloc_page(void);
/* Migrates one anon RAM page mapped by pte to device memory. */
int dmirror_migrate_to_device(struct ff_map *pte);
/* dev_pagemap_ops.migrate_to_ram: the CPU touched a device-private PTE. */
int dmirror_devmem_fault(struct ff_map *pte);
/* Fills an unpopulated anon address with a new device page. */
int dmirror_migrate_insert(uint8_t vma, unsigned long index);

/* --- mm/rmap.c, device private */
void folio_add_new_anon_rmap(struct folio *folio, struct anon_vma *anon_vma,
			     unsigned long index);
/* try_to_unmap(): unmap every mapping of the folio, discarding them. */
void try_to_unmap(struct folio *folio);

/* --- fs/dax.c */
void dax_init_region(struct ff_kernel *k);
int dax_insert_entry(struct ff_dax_file *f, unsigned long index);
void dax_disassociate_entry(struct ff_dax_file *f, unsigned long index);
int dax_insert_pmd_entry(struct ff_dax_file *f, unsigned long base);
int dax_insert_folio_pmd(struct folio *folio);
bool dax_pmd_fix_fallback(struct ff_dax_file *f, unsigned long base);
bool dax_folio_is_shared(const struct folio *folio);
struct page *dax_busy_page(struct ff_dax_file *f, unsigned long index);

/* --- mm/swap.c */
void __folio_put(struct folio *folio);

/* --- mm/memcontrol.c */
void mem_cgroup_charge(struct folio *folio, struct mem_cgroup *memcg);
void mem_cgroup_uncharge(struct folio *folio);

/* --- mm/rmap.c (vma is a world VMA index) */
void __folio_set_anon(struct folio *folio, struct anon_vma *anon_vma,
		      unsigned long index);
void folio_add_anon_rmap_ptes(struct folio *folio, struct page *page,
			      int nr_pages);
void folio_add_file_rmap_ptes(struct folio *folio, struct page *page,
			      int nr_pages);
void folio_add_anon_rmap_pmd(struct folio *folio);
void folio_add_file_rmap_pmd(struct folio *folio);
void folio_remove_rmap_ptes(struct folio *folio, struct page *page,
			    int nr_pages);
void folio_remove_rmap_pmd(struct folio *folio);
/* try_to_migrate(): turn every mapping of the folio into a migration entry;
 * split_pmd (TTU_SPLIT_HUGE_PMD) first splits PMD mappings into PTEs. */
void try_to_migrate(struct folio *folio, bool split_pmd);
/* remove_migration_ptes(): restore the folio's migration entries onto dst
 * (dst == src after a failed migration; per-page folios after a split). */
void remove_migration_ptes(struct folio *src, struct folio *dst);
/* Page-table space in use, in mapping-table entries: a PMD mapping keeps
 * room for the PTEs a split makes of it (its deposited table).  The
 * harness's map ops and migrate_vma_insert_page()'s pte_alloc() both
 * count with it. */
uint32_t pgtable_slots(const struct ff_kernel *k);
/* pgtable_trans_huge_withdraw() before a PMD mapping is split or zapped:
 * the anon PMD's deposited page table (a BUG when there is none). */
void pgtable_withdraw(const struct ff_map *m);
/* remap_page() after a split that failed to freeze the folio */
void remap_failed_split(struct folio *folio);
/* migrate_vma_finalize(): restore a page that was not migrated (pte: the
 * entry migrate_vma_collect() made; nodst: the driver had no page) */
void remove_migration_ptes_unmigrated(struct folio *src, struct ff_map *pte,
				      bool nodst);

/* --- mm/filemap.c */
int filemap_add_folio(struct address_space *mapping, struct folio *folio,
		      unsigned long index);
void filemap_remove_folio(struct folio *folio);
/* filemap_get_entry() reduced to one page: a reference on the page-cache
 * folio that holds page, or NULL (not page cache, or the lookup would
 * retry: frozen, or moved under it). */
struct folio *filemap_get_entry_of(struct page *page);

/* --- mm/memory-failure.c */
/* get_hwpoison_page() reduced to __get_hwpoison_page(): 1 with a
 * reference on page's folio in *foliop, 0 when it could not catch it,
 * -EBUSY for a page memory_failure does not handle. */
int get_hwpoison_page(struct page *page, struct folio **foliop);

/* --- mm/huge_memory.c */
bool can_split_folio(struct folio *folio, int caller_pins, int *pextra_pins);
int split_huge_page_to_list_to_order(struct page *lock_at,
				     struct list_head *list,
				     unsigned int new_order);
int split_folio_to_order(struct folio *folio, unsigned int new_order,
			 struct page *lock_at);
int split_folio_to_list(struct folio *folio, struct list_head *list);
/* The PMD fault of a PMD-sized folio in vma: 0, or -ENOMEM when an anon
 * folio's page table cannot be deposited (the mapping table is full). */
int map_folio_pmd(struct folio *folio, uint8_t vma);

/* --- mm/migrate.c */
int folio_expected_refs(struct address_space *mapping, struct folio *folio);
int folio_migrate_mapping(struct address_space *mapping, struct folio *dst,
			  struct folio *src, int extra_count);
void folio_migrate_flags(struct folio *dst, struct folio *src);
int migrate_folio(struct address_space *mapping, struct folio *dst,
		  struct folio *src);
/* *split_rc of migrate_pages_one() when it did not try to split src. */
#define MIGRATE_NOT_SPLIT 1
/* compaction's admission check before isolating: -EAGAIN for a pinned
 * anon folio, else 0 */
int isolate_migrate_check(struct folio *folio);
int migrate_pages_one(struct folio *src, struct folio **dstp, int *split_rc);

#endif
