/*
 * migrate.c - migrating a folio from one RAM folio to another.
 *
 * Follows mm/migrate.c of Linux v6.17 (docs/kernel-notes.md §11):
 * folio_expected_refs(), folio_migrate_mapping() (the refcount check or
 * freeze, the mapping/index move, the page-cache references moving to
 * dst), folio_migrate_flags(), __migrate_folio(), move_to_new_folio(), and
 * the unmap / move / remove_migration_ptes sequence of migrate_pages_batch()
 * for a single folio.  Writeback, private data and KSM are not modelled.
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/list.h"
#include "foliofuzz/mm.h"

int folio_expected_refs(struct address_space *mapping, struct folio *folio)
{
	FF_FUNC();
	int refs = 1;

	if (!mapping)
		return refs;
	refs += (int)folio_nr_pages(folio);
	if (folio_test_private(folio))
		refs++;
	return refs;
}

int folio_migrate_mapping(struct address_space *mapping, struct folio *dst,
			  struct folio *src, int extra_count)
{
	FF_FUNC();
	int expected = folio_expected_refs(mapping, src) + extra_count;
	long nr = folio_nr_pages(src);

	if (!mapping) {
		if (folio_ref_count(src) != expected)
			return -EAGAIN;
		/* Take a large folio off the deferred split queue while
		 * frozen (the queue itself is not modelled). */
		if (folio_test_large_rmappable(src)) {
			if (!folio_ref_freeze(src, expected))
				return -EAGAIN;
			ff_race_point(RP_MIGRATE_AFTER_FREEZE);
			folio_ref_unfreeze(src, expected);
		}
		dst->index = src->index;
		dst->mapping = src->mapping;
		if (folio_test_swapbacked(src))
			folio_set_swapbacked(dst);
		ff_race_point(RP_MIGRATE_AFTER_MOVE);
		return 0;
	}
	if (ff_bug_on(migrate_check_not_freeze) ?
		    folio_ref_count(src) != expected :
		    !folio_ref_freeze(src, expected))
		return -EAGAIN;
	ff_race_point(RP_MIGRATE_AFTER_FREEZE);
	dst->index = src->index;
	dst->mapping = src->mapping;
	folio_ref_add(dst, (int)nr);
	if (folio_test_swapbacked(src))
		folio_set_swapbacked(dst);
	if (folio_test_dirty(src)) {
		folio_clear_dirty(src);
		folio_set_dirty(dst);
	}
	if (ff_bug_on(migrate_check_not_freeze)) /* page_ref_set */
		src->_refcount = 0;
	folio_ref_unfreeze(src, expected - (int)nr);
	ff_race_point(RP_MIGRATE_AFTER_MOVE);
	return 0;
}

void folio_migrate_flags(struct folio *dst, struct folio *src)
{
	FF_FUNC();
	if (folio_test_referenced(src))
		folio_set_referenced(dst);
	if (folio_test_uptodate(src))
		folio_set_uptodate(dst);
	if (folio_test_active(src)) {
		VM_BUG_ON_FOLIO(folio_test_unevictable(src), src, I_MIGRATE,
				"active and unevictable");
		folio_clear_active(src);
		folio_set_active(dst);
	} else if (folio_test_unevictable(src)) {
		folio_clear_unevictable(src);
		folio_set_unevictable(dst);
	}
	if (folio_test_workingset(src))
		folio_set_workingset(dst);
	if (folio_test_dirty(src))
		folio_set_dirty(dst);
	if (folio_test_young(src))
		folio_set_young(dst);
	if (folio_test_idle(src))
		folio_set_idle(dst);
	folio_clear_swapcache(src);
	folio_clear_private(src);
	src->private = NULL;
	/* mem_cgroup_migrate(): the charge moves to dst. */
	dst->memcg_data = src->memcg_data;
	src->memcg_data = 0;
}

int migrate_folio(struct address_space *mapping, struct folio *dst,
		  struct folio *src)
{
	FF_FUNC();
	int rc;

	VM_BUG_ON_FOLIO(folio_test_writeback(src), src, I_MIGRATE,
			"migrate_folio under writeback");
	rc = folio_migrate_mapping(mapping, dst, src, 0);
	if (rc)
		return rc;
	folio_migrate_flags(dst, src);
	return 0;
}

static int move_to_new_folio(struct folio *dst, struct folio *src)
{
	FF_FUNC();
	int rc;

	VM_BUG_ON_FOLIO(!folio_test_locked(src), src, I_MIGRATE,
			"move_to_new_folio: src not locked");
	VM_BUG_ON_FOLIO(!folio_test_locked(dst), dst, I_MIGRATE,
			"move_to_new_folio: dst not locked");
	rc = migrate_folio(folio_mapping(src), dst, src);
	if (!rc && !((unsigned long)src->mapping & FOLIO_MAPPING_FLAGS))
		src->mapping = NULL;
	return rc;
}

/*
 * migrate_folio_unmap() + migrate_folio_move() for one locked, isolated src
 * (the caller holds the isolation reference).  On success *dstp holds its
 * allocation reference; on failure src is remapped and dst freed.
 */
static int migrate_unmap_move(struct folio *src, struct folio **dstp)
{
	FF_FUNC();
	unsigned int order = folio_order(src);
	struct folio *dst;
	bool was_mapped;
	int rc;

	was_mapped = folio_mapped(src);
	if (ff_bug_on(migrate_nomem_after_unmap) && was_mapped) {
		/* the destination is allocated after the unmap, and its
		 * failure returns without restoring the migration entries */
		try_to_migrate(src, false);
		dst = folio_alloc(order);
		if (!dst)
			return -ENOMEM;
		folio_trylock(dst);
		goto unmapped;
	}
	dst = folio_alloc(order);
	if (!dst)
		return -ENOMEM;
	folio_trylock(dst);
	if (was_mapped) {
		VM_BUG_ON_FOLIO(folio_test_anon(src) && !folio_test_ksm(src) &&
					!folio_anon_vma(src),
				src, I_MIGRATE,
				"mapped anon folio without anon_vma");
		try_to_migrate(src, false);
	}
unmapped:
	ff_race_point(RP_MIGRATE_AFTER_UNMAP);
	rc = move_to_new_folio(dst, src);
	if (rc) {
		if (was_mapped)
			remove_migration_ptes(src, src);
		folio_unlock(dst);
		folio_put(dst);
		return rc;
	}
	ff_race_point(RP_MIGRATE_BEFORE_REMAP);
	if (was_mapped)
		remove_migration_ptes(src, dst);
	folio_unlock(dst);
	*dstp = dst;
	return 0;
}

/*
 * isolate_migratepages_block()'s admission check (mm/compaction.c): an
 * anon folio with references beyond its mappings and the isolating
 * caller's is pinned, migration would fail, and compaction leaves it
 * alone.  The check is racy: a reference taken after it fails the move
 * after the unmap.  The caller holds its isolation reference.
 */
int isolate_migrate_check(struct folio *folio)
{
	FF_FUNC();
	if (!folio_mapping(folio) &&
	    folio_ref_count(folio) - 1 > folio_mapcount(folio))
		return -EAGAIN;
	return 0;
}

/*
 * putback_movable_pages(): each folio goes back on the LRU (not modelled)
 * and drops the reference that put it on the list (folio_putback_lru()).
 */
static void putback_movable_pages(struct list_head *l)
{
	FF_FUNC();

	while (!list_empty(l)) {
		struct folio *folio = list_entry(l->next, struct folio, lru);

		list_del(&folio->lru);
		folio_put(folio);
	}
}

/*
 * migrate_pages_one(): migrate_pages() of one locked, isolated src.
 *
 * migrate_pages_batch(): -ENOMEM (no free block of src's order for dst)
 * means memory is low.  A large folio is then split to order 0 by
 * try_split_folio() (every reason but MR_NUMA_MISPLACED allows it; the
 * model's migration is not a NUMA fault): the new folios other than src's
 * head keep a reference each and go on split_folios.  With rc < 0,
 * migrate_pages() does not retry them but splices them into ret_folios,
 * and the caller puts every folio back.  src, now the order-0 folio at its
 * first page, keeps the caller's isolation reference and lock.
 *
 * *split_rc is the split's result (0, or the errno that refused it; a
 * refused split leaves src as it was), or MIGRATE_NOT_SPLIT.
 */
int migrate_pages_one(struct folio *src, struct folio **dstp, int *split_rc)
{
	FF_FUNC();
	struct list_head split_folios;
	int rc;

	*split_rc = MIGRATE_NOT_SPLIT;
	rc = migrate_unmap_move(src, dstp);
	if (rc != -ENOMEM || !folio_test_large(src))
		return rc;
	INIT_LIST_HEAD(&split_folios);
	*split_rc = split_folio_to_list(src, &split_folios);
	if (*split_rc) {
		/* src stays on from for the caller's putback; knob
		 * migrate_enomem_split_fail_putback puts it back here too,
		 * dropping the isolation reference twice */
		if (ff_bug_on(migrate_enomem_split_fail_putback))
			folio_put(src);
		return rc;
	}
	/* list_splice_tail(&split_folios, &ret_folios), then the caller's
	 * putback_movable_pages(&ret_folios); the knob forgets the splice */
	if (!ff_bug_on(migrate_enomem_split_leak))
		putback_movable_pages(&split_folios);
	return rc;
}
