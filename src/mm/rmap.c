/*
 * rmap.c - mapcount accounting and the reverse-map walks the model needs.
 *
 * Follows mm/rmap.c of Linux v6.17 with CONFIG_PAGE_MAPCOUNT:
 * __folio_add_rmap() / __folio_remove_rmap() for PTE and PMD levels
 * (per-page _mapcount, _large_mapcount, _entire_mapcount and
 * _nr_pages_mapped with ENTIRELY_MAPPED), __folio_set_anon(), and
 * try_to_migrate() / remove_migration_ptes() over the world's mapping table,
 * which stands in for the page tables.  Not modelled: CONFIG_MM_ID's per-mm
 * slots (their fields keep their initial values and are checked at free),
 * PageAnonExclusive, mlock, and the deferred split queue.
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/mm.h"

void __folio_set_anon(struct folio *folio, struct anon_vma *anon_vma,
		      unsigned long index)
{
	folio->mapping = (struct address_space *)((unsigned long)anon_vma +
						  FOLIO_MAPPING_ANON);
	folio->index = index;
}

static void __folio_add_rmap_ptes(struct folio *folio, struct page *page,
				  int nr_pages)
{
	FF_FUNC();
	int first = 0;

	if (!folio_test_large(folio)) {
		++folio->_mapcount;
		return;
	}
	for (int i = 0; i < nr_pages; i++)
		if (++page[i]._mapcount == 0)
			first++;
	folio->_nr_pages_mapped += first;
	folio->_large_mapcount += nr_pages;
}

static void __folio_add_rmap_pmd(struct folio *folio)
{
	FF_FUNC();
	VM_BUG_ON_FOLIO(!folio_test_large(folio), folio, I_LARGE_MAPCOUNT,
			"PMD mapping of a small folio");
	if (++folio->_entire_mapcount == 0)
		folio->_nr_pages_mapped += ENTIRELY_MAPPED;
	folio->_large_mapcount += 1;
}

void folio_add_anon_rmap_ptes(struct folio *folio, struct page *page,
			      int nr_pages)
{
	VM_BUG_ON_FOLIO(!folio_test_anon(folio), folio, I_MAPPING_KIND,
			"anon rmap on a folio that is not anon");
	__folio_add_rmap_ptes(folio, page, nr_pages);
}

/* VM_WARN_ON_FOLIO(folio_test_anon(folio)) in __folio_add_file_rmap(); on
 * an FS-DAX page that is the PAGE_MAPPING_DAX_SHARED alias (seed 004). */
static void file_rmap_not_anon(struct folio *folio)
{
	VM_BUG_ON_FOLIO(folio_test_anon(folio), folio,
			is_fsdax_page(&folio->page) ? I_DAX_ANON :
						      I_MAPPING_KIND,
			"file rmap on a folio that tests anon");
}

void folio_add_file_rmap_ptes(struct folio *folio, struct page *page,
			      int nr_pages)
{
	file_rmap_not_anon(folio);
	__folio_add_rmap_ptes(folio, page, nr_pages);
}

void folio_add_anon_rmap_pmd(struct folio *folio)
{
	VM_BUG_ON_FOLIO(!folio_test_anon(folio), folio, I_MAPPING_KIND,
			"anon rmap on a folio that is not anon");
	__folio_add_rmap_pmd(folio);
}

void folio_add_file_rmap_pmd(struct folio *folio)
{
	file_rmap_not_anon(folio);
	__folio_add_rmap_pmd(folio);
}

void folio_remove_rmap_ptes(struct folio *folio, struct page *page,
			    int nr_pages)
{
	FF_FUNC();
	int last = 0;

	if (!folio_test_large(folio)) {
		VM_BUG_ON_FOLIO(folio->_mapcount < 0, folio, I_MAPCOUNT,
				"unmap of an unmapped page");
		--folio->_mapcount;
		return;
	}
	folio->_large_mapcount -= nr_pages;
	for (int i = 0; i < nr_pages; i++) {
		VM_BUG_ON_PAGE(page[i]._mapcount < 0, &page[i], I_MAPCOUNT,
			       "unmap of an unmapped page");
		if (--page[i]._mapcount < 0)
			last++;
	}
	folio->_nr_pages_mapped -= last;
}

void folio_remove_rmap_pmd(struct folio *folio)
{
	FF_FUNC();
	VM_BUG_ON_FOLIO(folio->_entire_mapcount < 0, folio, I_LARGE_MAPCOUNT,
			"PMD unmap of a folio without an entire mapping");
	folio->_large_mapcount -= 1;
	if (--folio->_entire_mapcount < 0)
		folio->_nr_pages_mapped -= ENTIRELY_MAPPED;
}

static void add_rmap_ptes(struct folio *folio, struct page *page, int nr)
{
	if (folio_test_anon(folio))
		folio_add_anon_rmap_ptes(folio, page, nr);
	else
		folio_add_file_rmap_ptes(folio, page, nr);
}

static bool map_in_folio(const struct ff_map *m, unsigned long pfn,
			 unsigned long nr)
{
	return m->pfn >= pfn && m->pfn < pfn + nr;
}

/* __split_huge_pmd(): one PMD mapping becomes nr PTE mappings. */
static void split_huge_pmd(struct ff_kernel *k, uint32_t i)
{
	FF_FUNC();
	struct folio *folio = pfn_folio(k->maps[i].pfn);
	unsigned long pfn = folio_pfn(folio);
	long nr = folio_nr_pages(folio);
	uint8_t vma = k->maps[i].vma;

	pgtable_withdraw(&k->maps[i]); /* the PTEs go in the deposited table */
	add_rmap_ptes(folio, &folio->page, (int)nr);
	folio_remove_rmap_pmd(folio);
	folio_ref_add(folio, (int)nr - 1);
	k->maps[i].pmd = 0;
	k->maps[i].from_pmd = 1;
	for (long j = 1; j < nr; j++)
		k->maps[k->nr_maps++] = (struct ff_map){
			.pfn = (uint32_t)(pfn + j), .vma = vma, .from_pmd = 1
		};
}

void try_to_migrate(struct folio *folio, bool split_pmd)
{
	FF_FUNC();
	struct ff_kernel *k = ff_kern;
	unsigned long pfn = folio_pfn(folio);
	long nr = folio_nr_pages(folio);

	if (split_pmd)
		for (uint32_t i = 0; i < k->nr_maps; i++)
			if (k->maps[i].pmd && !k->maps[i].migration &&
			    map_in_folio(&k->maps[i], pfn, nr))
				split_huge_pmd(k, i);
	for (uint32_t i = 0; i < k->nr_maps; i++) {
		struct ff_map *m = &k->maps[i];

		if (m->migration || !map_in_folio(m, pfn, nr))
			continue;
		if (m->pmd)
			folio_remove_rmap_pmd(folio);
		else
			folio_remove_rmap_ptes(folio, pfn_to_page(m->pfn), 1);
		m->migration = 1;
		folio_put(folio);
	}
}

/*
 * remove_migration_pmd(): a PMD migration entry becomes a PMD mapping of
 * dst again, with the reference set_pmd_migration_entry() dropped and the
 * PMD rmap.  Knob migrate_pmd_fail_noref: when a failed migration puts an
 * anon entry back onto src itself, the reference is not taken again, as if
 * the migration entry had kept it (set_pmd_migration_entry() did drop it).
 */
static void remove_migration_pmd(struct folio *src, struct folio *dst)
{
	FF_FUNC();
	if (folio_test_anon(dst)) {
		if (dst != src || !ff_bug_on(migrate_pmd_fail_noref))
			folio_get(dst);
		folio_add_anon_rmap_pmd(dst);
	} else {
		folio_get(dst);
		folio_add_file_rmap_pmd(dst);
	}
}

/* Which migration entries a restoring rmap walk reaches (the knobs'
 * truncated walks; RESTORE_ALL is the kernel's). */
enum restore_walk {
	RESTORE_ALL,
	RESTORE_PMD_HEAD_ONLY, /* of a split PMD's PTEs, only the head's */
	RESTORE_FIRST_VMA,     /* the first VMA's entries only */
	RESTORE_ONLY,	       /* one given entry */
	RESTORE_UNTIL_PMD,     /* done once the walked folio is PMD-mapped */
};

static bool anon_pmd_mapped(struct folio *folio)
{
	return folio_test_anon(folio) && folio_test_large(folio) &&
	       folio_entire_mapcount(folio) > 0;
}

static void restore_migration_entries(struct folio *src, struct folio *dst,
				      enum restore_walk walk,
				      const struct ff_map *only)
{
	FF_FUNC();
	struct ff_kernel *k = ff_kern;
	unsigned long spfn = folio_pfn(src), dpfn = folio_pfn(dst);
	long nr = folio_nr_pages(dst);
	int first_vma = -1;

	for (uint32_t i = 0; i < k->nr_maps; i++) {
		struct ff_map *m = &k->maps[i];

		if (!m->migration || !map_in_folio(m, spfn, nr))
			continue;
		/* rmap_walk() asks done() after each VMA's rmap_one() */
		if (walk == RESTORE_UNTIL_PMD && first_vma >= 0 &&
		    m->vma != first_vma && anon_pmd_mapped(src))
			break;
		if ((walk == RESTORE_PMD_HEAD_ONLY && m->from_pmd &&
		     m->pfn != spfn) ||
		    (walk == RESTORE_FIRST_VMA && first_vma >= 0 &&
		     m->vma != first_vma) ||
		    (walk == RESTORE_ONLY && m != only))
			continue;
		first_vma = m->vma;
		m->from_pmd = 0;
		m->pfn = (uint32_t)(dpfn + (m->pfn - spfn));
		m->migration = 0;
		/* a device-private destination is mapped by a swap entry */
		m->devpriv = folio_is_device_private(dst);
		if (m->pmd) {
			remove_migration_pmd(src, dst);
		} else {
			folio_get(dst);
			add_rmap_ptes(dst, pfn_to_page(m->pfn), 1);
		}
		ff_touch(m->pfn, 1);
	}
}

/*
 * Knob migrate_fail_remap_one_pmd: the walk has a done() callback that
 * stops it once the walked anon folio is PMD-mapped again, as if an anon
 * THP had one PMD mapping (after fork, parent and child share it by PMD).
 * The walk is over src; on success dst takes the mappings and src never is,
 * so only a failed migration's undo (dst == src) stops early: of an anon
 * THP PMD-mapped in two VMAs, only the first PMD comes back.
 */
void remove_migration_ptes(struct folio *src, struct folio *dst)
{
	FF_FUNC();
	restore_migration_entries(src, dst,
				  ff_bug_on(migrate_fail_remap_one_pmd) ?
					  RESTORE_UNTIL_PMD :
					  RESTORE_ALL,
				  NULL);
}

/*
 * migrate_vma_finalize() of a page that was not migrated: its migration
 * entries go back onto it, the one migrate_vma_collect() made (pte) and
 * those migrate_device_unmap() made for its other mappings.  The kernel
 * takes this path for `!(src & MIGRATE_PFN_MIGRATE) || !newpage`; a knob
 * for each half restores only the collected entry: mvma_nodst_collected_only
 * when the driver had no destination page, mvma_fail_collected_only when
 * the move was refused (folio_migrate_mapping(): references beyond the
 * expected ones, taken after migrate_vma_setup()).
 */
void remove_migration_ptes_unmigrated(struct folio *src, struct ff_map *pte,
				      bool nodst)
{
	FF_FUNC();
	if (pte && (nodst ? ff_bug_on(mvma_nodst_collected_only) :
			    ff_bug_on(mvma_fail_collected_only)))
		restore_migration_entries(src, src, RESTORE_ONLY, pte);
	else
		restore_migration_entries(src, src, RESTORE_ALL, NULL);
}

/*
 * remap_page() after __folio_split() failed to freeze the folio (a
 * reference another CPU took after can_split_folio()): the migration
 * entries go back onto the folio, including the PTEs unmap_folio() made of
 * a PMD.  Knob split_fail_remap_pmd: of a split PMD's range only the head
 * page's entry is restored, the walk stopping after the first PTE of a
 * PMD-mappable folio, as rmap walks once did for a THP mapped by PTEs.
 * Knob split_fail_remap_one_vma: the walk stops once the folio is mapped
 * again, after the first VMA whose entries it restored (a done callback
 * of folio_mapped(), the inverse of try_to_migrate()'s folio_not_mapped).
 */
void remap_failed_split(struct folio *folio)
{
	FF_FUNC();
	restore_migration_entries(
		folio, folio,
		ff_bug_on(split_fail_remap_pmd)	    ? RESTORE_PMD_HEAD_ONLY :
		ff_bug_on(split_fail_remap_one_vma) ? RESTORE_FIRST_VMA :
						      RESTORE_ALL,
		NULL);
}

/* folio_add_new_anon_rmap(), small folios: a fresh anon page's first map. */
void folio_add_new_anon_rmap(struct folio *folio, struct anon_vma *anon_vma,
			     unsigned long index)
{
	FF_FUNC();
	VM_BUG_ON_FOLIO(folio_test_large(folio), folio, I_MAPCOUNT,
			"new anon rmap of a large folio (not modelled)");
	if (!folio_test_swapbacked(folio))
		folio_set_swapbacked(folio);
	__folio_set_anon(folio, anon_vma, index);
	folio->_mapcount = 0; /* atomic_set: the first and only mapping */
	set_bit_flags(PG_anon_exclusive, &folio->flags);
}

/* x86-64 swap PTEs store the offset inverted (L1TF); pte_pfn() of one
 * reads those inverted bits as a pfn. */
static unsigned long swap_pte_as_present_pfn(unsigned long pfn)
{
	unsigned long swp_pte = ~(pfn << 9) & 0x000ffffffffff000UL;

	return swp_pte >> 12;
}

/*
 * try_to_unmap() -> try_to_unmap_one() for every mapping of the folio.
 * A device-private page is mapped by a swap entry: the subpage is the page
 * itself (2019 fix).  Knob unmap_bad_subpage computes it from the swap PTE
 * as if it were present, as before the fix: a wild struct page pointer,
 * followed here as the kernel followed it (seed 003 patch 3).
 */
void try_to_unmap(struct folio *folio)
{
	FF_FUNC();
	struct ff_kernel *k = ff_kern;
	unsigned long pfn = folio_pfn(folio);
	long nr = folio_nr_pages(folio);

	for (uint32_t i = 0; i < k->nr_maps;) {
		struct ff_map *m = &k->maps[i];
		struct page *subpage;

		if (m->migration || !map_in_folio(m, pfn, nr)) {
			i++;
			continue;
		}
		subpage = pfn_to_page(m->pfn);
		if (m->devpriv && ff_bug_on(unmap_bad_subpage)) {
			/* vmemmap + pte_pfn(swap pte), in unsigned arithmetic
			 * as the kernel's pointer arithmetic wraps */
			subpage = (struct page *)((uintptr_t)k->memmap +
						  swap_pte_as_present_pfn(
							  m->pfn) *
							  sizeof(struct page));
		}
		/* anon_exclusive = folio_test_anon && PageAnonExclusive(subpage) */
		if (folio_test_anon(folio) &&
		    test_bit_flags(PG_anon_exclusive, &subpage->flags))
			clear_bit_flags(PG_anon_exclusive, &subpage->flags);
		if (m->pmd)
			folio_remove_rmap_pmd(folio);
		else
			folio_remove_rmap_ptes(folio, subpage, 1);
		ff_touch(m->pfn, 1);
		k->maps[i] = k->maps[--k->nr_maps];
		folio_put(folio);
	}
}
