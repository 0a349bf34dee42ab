/*
 * util.c - snapshot_page(): a best-effort copy of a page and its folio
 * that a lockless reader can use while the folio is split or freed.
 *
 * Follows mm/util.c of Linux v6.17 ("mm/util: introduce snapshot_page()",
 * Luiz Capitulino, v3 2025-07-14; docs/kernel-notes.md §12; seed 000): up to 5
 * retries, nr_pages carried across attempts, the idx > nr_pages test, and
 * the give-up path that describes the page as a lone order-0 page.  The
 * head pointer comes from the page copy (v3); knob snapshot_live_head
 * reads the live compound_head as v2 did (seed 000 review).  The reader
 * passes race points between its copies (race.h).
 *
 * Findings (docs/findings.md): F_SNAPSHOT_IDX_EQ_NR, upstream retries only
 * when idx > nr_pages (knob fix_snapshot_idx_ge applies >=);
 * F_SNAPSHOT_HEAD_TORN, nothing re-validates the page copy after the
 * folio copy (knob fix_snapshot_recheck re-reads it and retries).
 */
#include <string.h>

#include "foliofuzz/glue.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/snapshot.h"

/* is_free_buddy_page(): the page lies inside a free buddy block. */
bool is_free_buddy_page(const struct page *page)
{
	FF_FUNC();
	unsigned long pfn = page_to_pfn(page);

	if (!ff_pfn_is_ram(ff_kern, pfn))
		return false;
	for (unsigned int order = 0; order <= ff_kern->cfg.max_order; order++) {
		const struct page *head =
			pfn_to_page(pfn & ~((1UL << order) - 1));

		if (PageBuddy(head) && buddy_order(head) >= order)
			return true;
	}
	return false;
}

static void set_ps_flags(struct page_snapshot *ps, const struct folio *folio,
			 const struct page *page)
{
	FF_FUNC();
	unsigned long folio_flags;

	if (PageBuddy(page))
		ps->flags |= PAGE_SNAPSHOT_PG_BUDDY;
	else if (page_count(page) == 0 && is_free_buddy_page(page))
		ps->flags |= PAGE_SNAPSHOT_PG_BUDDY;
	/* folio_test_idle(folio): folio may be a wild head (knob
	 * snapshot_live_head) that x86 would read unaligned; read the same
	 * bytes without an alignment assumption, ASan still checks them. */
	memcpy(&folio_flags,
	       (const char *)folio + offsetof(struct folio, flags),
	       sizeof(folio_flags));
	if (test_bit_flags(PG_idle, &folio_flags))
		ps->flags |= PAGE_SNAPSHOT_PG_IDLE;
}

void snapshot_page(struct page_snapshot *ps, const struct page *page)
{
	FF_FUNC();
	unsigned long info, nr_pages = 1;
	struct folio *foliop;
	int loops = 5;

	ps->pfn = page_to_pfn(page);
	ps->flags = PAGE_SNAPSHOT_FAITHFUL;
again:
	memset(&ps->folio_snapshot, 0, sizeof(struct folio));
	memcpy(&ps->page_snapshot, page, sizeof(*page));
	ff_race_point(RP_SNAP_AFTER_PAGE);
	info = ps->page_snapshot.compound_head;
	if (!(info & 1)) {
		ps->idx = 0;
		foliop = (struct folio *)&ps->page_snapshot;
		if (!folio_test_large(foliop)) {
			set_ps_flags(ps, page_folio(page), page);
			memcpy(&ps->folio_snapshot, foliop,
			       sizeof(struct page));
			return;
		}
		foliop = (struct folio *)page;
	} else {
		if (ff_bug_on(snapshot_live_head))
			info = page->compound_head; /* v2: the live word */
		/* An untrusted head: arithmetic in integers, as the kernel's
		 * pointer arithmetic wraps; followed only when idx is small. */
		foliop = (struct folio *)(info - 1);
		ps->idx = ((uintptr_t)page - (uintptr_t)foliop) /
			  sizeof(struct page);
	}
	if (ps->idx < MAX_FOLIO_NR_PAGES) {
		memcpy(&ps->folio_snapshot, foliop, 2 * sizeof(struct page));
		ff_race_point(RP_SNAP_AFTER_FOLIO);
		nr_pages = (unsigned long)folio_nr_pages(&ps->folio_snapshot);
		if (nr_pages > 1)
			memcpy(&ps->folio_snapshot.page_2,
			       (const char *)foliop +
				       offsetof(struct folio, page_2),
			       sizeof(struct page));
		ff_race_point(RP_SNAP_AFTER_PAGE2);
		set_ps_flags(ps, foliop, page);
		/* Proposed fix for F_SNAPSHOT_HEAD_TORN: validate the page
		 * copy against the live page after the folio copy. */
		if (ff_bug_on(fix_snapshot_recheck) &&
		    (page->compound_head != ps->page_snapshot.compound_head ||
		     (page->flags ^ ps->page_snapshot.flags) & BIT(PG_head)) &&
		    loops-- > 0)
			goto again;
	}
	if (ff_bug_on(fix_snapshot_idx_ge) ? ps->idx >= nr_pages :
					     ps->idx > nr_pages) {
		if (loops-- > 0)
			goto again;
		clear_compound_head(&ps->page_snapshot);
		memcpy(&ps->folio_snapshot, &ps->page_snapshot,
		       sizeof(struct page));
		ps->flags = 0;
		ps->idx = 0;
	}
}
