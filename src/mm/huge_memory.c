/*
 * huge_memory.c - splitting a large folio to a lower order.
 *
 * Follows mm/huge_memory.c of Linux v6.17 (__folio_split with a uniform
 * split, __split_unmapped_folio, __split_folio_to_order; docs/kernel-notes.md
 * §10): the order and busy checks with the kernel's errnos,
 * can_split_folio(), unmap_folio() (anon: try_to_migrate() with
 * TTU_SPLIT_HUGE_PMD; file: try_to_unmap(), the mappings are simply gone and
 * refault on demand), the refcount freeze to 1 + extra pins, the per-folio
 * field logic, the unfreeze of every new folio (origin last), remap_page()
 * (anon only) and the put of every new folio except the one holding lock_at.
 * With a list (split_folio_to_list(), as migration's try_split_folio() uses
 * it), each new folio but the origin keeps a reference and goes on the list.
 * A refused split returns the errno and leaves the folio as it was.
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/list.h"
#include "foliofuzz/mm.h"

/* Flags each new folio inherits from the head (__split_folio_to_order). */
#define SPLIT_COPY_FLAGS                                                       \
	(BIT(PG_referenced) | BIT(PG_swapbacked) | BIT(PG_swapcache) |         \
	 BIT(PG_mlocked) | BIT(PG_uptodate) | BIT(PG_active) |                 \
	 BIT(PG_workingset) | BIT(PG_locked) | BIT(PG_unevictable) |           \
	 BIT(PG_arch_2) | BIT(PG_dirty) | BIT(PG_dropbehind) | BIT(PG_young) | \
	 BIT(PG_idle))

bool can_split_folio(struct folio *folio, int caller_pins, int *pextra_pins)
{
	FF_FUNC();
	int extra_pins = 0;

	if (!folio_test_anon(folio))
		extra_pins = (int)folio_nr_pages(folio);
	if (pextra_pins)
		*pextra_pins = extra_pins;
	return folio_mapcount(folio) ==
	       folio_ref_count(folio) - extra_pins - caller_pins;
}

static void __split_folio_to_order(struct folio *folio, unsigned int old_order,
				   unsigned int new_order)
{
	FF_FUNC();
	unsigned long nr = 1UL << old_order, new_nr = 1UL << new_order;

	/* _nr_pages overlays page[1].memcg_data: reset it before page[1]
	 * gets its own memcg_data below (a charged folio's charge, or 0).
	 * folio_nr_pages() is unreliable from here on. */
	if (!ff_bug_on(split_nr_pages_not_reset))
		folio->_nr_pages = 0;
	for (unsigned long i = new_nr; i < nr; i += new_nr) {
		struct page *new_head = folio_page(folio, i);
		struct folio *new_folio = (struct folio *)new_head;

		ff_race_point(RP_SPLIT_TAIL);
		VM_BUG_ON_PAGE(new_head->_mapcount != -1, new_head, I_SPLIT,
			       "split: page %lu still mapped (mapcount %d)", i,
			       new_head->_mapcount + 1);
		new_head->flags &= ~PAGE_FLAGS_CHECK_AT_PREP;
		new_head->flags |= folio->flags & SPLIT_COPY_FLAGS;
		new_folio->mapping = folio->mapping;
		new_folio->index = folio->index + i;
		if (new_head->private) {
			ff_fail(I_SPLIT, new_head,
				"WARN: split: tail page %lu has private 0x%lx",
				i, new_head->private);
			new_head->private = 0;
		}
		clear_compound_head(new_head);
		if (new_order) {
			prep_compound_page(new_head, new_order);
			folio_set_large_rmappable(new_folio);
		}
		/* split_page_memcg(): only a charged folio's charge is
		 * copied into the new folios */
		if (folio->memcg_data)
			new_folio->memcg_data = folio->memcg_data;
	}
	if (new_order)
		folio_set_order(folio, new_order);
	else
		clear_bit_flags(PG_head, &folio->flags); /* ClearPageCompound */
}

/*
 * split_huge_page_to_list_to_order(): split the folio holding lock_at, which
 * the caller holds locked with one reference.  With list (page reclaim,
 * migration), every new folio other than the origin takes a reference of
 * its own and goes on list, as lru_add_page_tail() does; the caller puts
 * them back.  Without, they go on the LRU with no extra reference.
 */
int split_huge_page_to_list_to_order(struct page *lock_at,
				     struct list_head *list,
				     unsigned int new_order)
{
	FF_FUNC();
	struct folio *folio = page_folio(lock_at);
	unsigned int old_order;
	unsigned long pfn = folio_pfn(folio), nr;
	struct folio *keep;
	int extra_pins;
	bool anon;

	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio, I_SPLIT,
			"split of an unlocked folio");
	VM_BUG_ON_FOLIO(!folio_test_large(folio), folio, I_SPLIT,
			"split of a small folio");
	old_order = folio_order(folio);
	nr = 1UL << old_order;
	if (new_order >= old_order)
		return -EINVAL;
	if (folio_test_anon(folio)) {
		if (new_order == 1)
			return -EINVAL; /* no _deferred_list slot */
		if (!folio_anon_vma(folio))
			return -EBUSY;
	} else if (!folio->mapping) {
		return -EBUSY; /* truncated, or never page cache */
	}
	if (folio_test_writeback(folio))
		return -EBUSY;
	if (!can_split_folio(folio, 1, &extra_pins))
		return -EAGAIN;

	/* unmap_folio(): anon pages keep migration entries; file pages are
	 * unmapped and fault back on demand (remap_page() skips them). */
	anon = folio_test_anon(folio);
	if (anon)
		try_to_migrate(folio, true);
	else
		try_to_unmap(folio);
	ff_race_point(RP_SPLIT_AFTER_UNMAP);
	VM_BUG_ON_FOLIO(folio_mapped(folio), folio, I_SPLIT,
			"folio still mapped after unmap_folio");
	if (ff_bug_on(split_count_not_freeze) ?
		    folio_ref_count(folio) != 1 + extra_pins :
		    !folio_ref_freeze(folio, 1 + extra_pins)) {
		if (anon) /* remap_page() */
			remap_failed_split(folio);
		return -EAGAIN;
	}
	ff_race_point(RP_SPLIT_AFTER_FREEZE);

	__split_folio_to_order(folio, old_order, new_order);
	ff_touch(pfn, nr);

	/* Unfreeze the new folios, the origin last. */
	for (unsigned long i = 1UL << new_order; i < nr;
	     i += 1UL << new_order) {
		struct folio *f = (struct folio *)pfn_to_page(pfn + i);

		folio_ref_unfreeze(f, 1 + (f->mapping && !folio_test_anon(f) ?
						   (int)folio_nr_pages(f) :
						   0));
		if (list) { /* lru_add_page_tail() */
			folio_get(f);
			list_add_tail(&f->lru, list);
		}
	}
	if (ff_bug_on(split_count_not_freeze)) /* page_ref_set, not frozen */
		folio->_refcount = 0;
	folio_ref_unfreeze(
		folio,
		1 + (folio_test_anon(folio) ? 0 : (int)folio_nr_pages(folio)));

	ff_race_point(RP_SPLIT_BEFORE_REMAP);
	/* remap_page(): anon only */
	for (unsigned long i = 0; anon && i < nr; i += 1UL << new_order) {
		struct folio *f = (struct folio *)pfn_to_page(pfn + i);

		remove_migration_ptes(f, f);
	}

	keep = page_folio(lock_at);
	for (unsigned long i = 0; i < nr; i += 1UL << new_order) {
		struct folio *f = (struct folio *)pfn_to_page(pfn + i);

		if (f == keep)
			continue;
		folio_unlock(f);
		folio_put(f); /* free_folio_and_swap_cache() */
	}
	return 0;
}

int split_folio_to_order(struct folio *folio, unsigned int new_order,
			 struct page *lock_at)
{
	(void)folio; /* lock_at is one of its pages */
	return split_huge_page_to_list_to_order(lock_at, NULL, new_order);
}

int split_folio_to_list(struct folio *folio, struct list_head *list)
{
	return split_huge_page_to_list_to_order(folio_page(folio, 0), list, 0);
}

/*
 * The PMD fault of a PMD-sized folio (__do_huge_pmd_anonymous_page() for
 * anon, do_set_pmd() for the page cache): one PMD entry, the folio's
 * entire mapcount and a reference.  An anon PMD first gets a page table
 * (pte_alloc_one()) and deposits it (pgtable_trans_huge_deposit()), so
 * that __split_huge_pmd() never has to allocate one and zap_huge_pmd()
 * frees it.  The mapping table stands for page-table memory: the deposit
 * is 2^pmd_order slots (pgtable_slots()), and with no room for it the
 * fault fails as with VM_FAULT_OOM.  File PMDs deposit nothing on x86-64
 * (arch_needs_pgtable_deposit()) but the model keeps the same room.
 */
int map_folio_pmd(struct folio *folio, uint8_t vma)
{
	FF_FUNC();
	struct ff_kernel *k = ff_kern;
	uint32_t used = pgtable_slots(k);
	bool nodeposit = false;

	if (used + folio_nr_pages(folio) > k->cfg.max_maps) {
		/* Knob thp_fault_no_deposit: when pte_alloc_one() fails,
		 * the anon fault maps the PMD anyway, with no table. */
		if (!folio_test_anon(folio) ||
		    !ff_bug_on(thp_fault_no_deposit) ||
		    used + 1 > k->cfg.max_maps)
			return -ENOMEM;
		nodeposit = true;
	}
	k->maps[k->nr_maps++] =
		(struct ff_map){ .pfn = (uint32_t)folio_pfn(folio),
				 .vma = vma,
				 .pmd = 1,
				 .nodeposit = nodeposit };
	folio_get(folio);
	if (folio_test_anon(folio))
		folio_add_anon_rmap_pmd(folio);
	else
		folio_add_file_rmap_pmd(folio);
	return 0;
}

/* pgtable_trans_huge_withdraw() of an anon PMD mapping: a missing deposit
 * comes back as NULL, which __split_huge_pmd() would populate the PMD
 * with and zap_deposited_table() would free. */
void pgtable_withdraw(const struct ff_map *m)
{
	VM_BUG_ON_PAGE(m->nodeposit, pfn_to_page(m->pfn), I_PGTABLE,
		       "PMD mapping in vma %u has no deposited page table: "
		       "pgtable_trans_huge_withdraw() returns NULL",
		       m->vma);
}
