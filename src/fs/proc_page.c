/*
 * proc_page.c - the /proc/kpageflags and /proc/kpagecount readers.
 *
 * Follows fs/proc/page.c of Linux v6.17 ("fs: stable_page_flags(): use
 * snapshot_page()", "proc: kpagecount: use snapshot_page()";
 * docs/kernel-notes.md §12.3): everything is read from the snapshot, never from
 * the live page, so a racing split cannot reach a VM_BUG.
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/snapshot.h"

#define KPF(bit) (1ULL << (bit))

uint64_t stable_page_flags(const struct page *page)
{
	FF_FUNC();
	struct page_snapshot ps;
	const struct folio *folio;
	unsigned long k;
	uint64_t u = 0;

	snapshot_page(&ps, page);
	folio = &ps.folio_snapshot;
	k = folio->flags;
	if (folio_mapcount(folio) > 0 && !page_has_type(&folio->page))
		u |= KPF(KPF_MMAP);
	if (folio_test_anon(folio))
		u |= KPF(KPF_ANON);
	if (k & BIT(PG_head)) {
		u |= ps.idx == 0 ? KPF(KPF_COMPOUND_HEAD) :
				   KPF(KPF_COMPOUND_TAIL);
		if (folio_test_anon(folio) || folio_mapping(folio))
			u |= KPF(KPF_THP);
	}
	if (ps.flags & PAGE_SNAPSHOT_PG_BUDDY)
		u |= KPF(KPF_BUDDY);
	if (page_test_type(&folio->page, PGTY_offline))
		u |= KPF(KPF_OFFLINE);
	if (page_test_type(&folio->page, PGTY_table))
		u |= KPF(KPF_PGTABLE);
	if (page_test_type(&folio->page, PGTY_slab))
		u |= KPF(KPF_SLAB);
	if (k & BIT(PG_locked))
		u |= KPF(KPF_LOCKED);
	if (k & BIT(PG_dirty))
		u |= KPF(KPF_DIRTY);
	if (k & BIT(PG_uptodate))
		u |= KPF(KPF_UPTODATE);
	if (k & BIT(PG_swapbacked))
		u |= KPF(KPF_SWAPBACKED);
	return u;
}

/* folio_precise_page_mapcount() on the snapshot (CONFIG_PAGE_MAPCOUNT). */
long kpagecount_read_snap(const struct page *page, struct page_snapshot *ps)
{
	FF_FUNC();
	const struct folio *folio;
	long mapcount;

	snapshot_page(ps, page);
	folio = &ps->folio_snapshot;
	mapcount = ps->page_snapshot._mapcount + 1;
	if (page_mapcount_is_type((unsigned int)mapcount))
		mapcount = 0;
	if (folio_test_large(folio))
		mapcount += folio_entire_mapcount(folio);
	return mapcount;
}

long kpagecount_read(const struct page *page)
{
	struct page_snapshot ps;

	return kpagecount_read_snap(page, &ps);
}
