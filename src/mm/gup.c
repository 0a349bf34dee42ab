/*
 * gup.c - the GUP-fast reference grab.
 *
 * Follows try_grab_folio_fast() / try_get_folio() of mm/gup.c in Linux
 * v6.17 (docs/kernel-notes.md §17.1): read page_folio(page) locklessly, refuse a
 * negative count, folio_ref_try_add() (fails on a frozen or free folio),
 * then re-read page_folio(page) and back out if the page moved to another
 * folio under us (split, free, reuse).  gup_fast_folio_allowed() reduced to
 * its mapping test: only anon and page-cache folios may be pinned this way.
 * Knob gup_no_recheck drops the recheck (seed 002).
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/gup.h"
#include "foliofuzz/mm.h"

static bool folio_ref_try_add(struct folio *folio, int count)
{
	if (folio->_refcount == 0)
		return false;
	folio->_refcount += count;
	return true;
}

struct folio *try_grab_folio_fast(struct page *page, int refs)
{
	FF_FUNC();
	struct folio *folio = page_folio(page);

	ff_race_point(RP_GUP_AFTER_READ);
	if (folio->_refcount < 0) {
		ff_fail(I_GUP, &folio->page, "WARN: GUP-fast saw refcount %d",
			folio->_refcount);
		return NULL;
	}
	if (ff_bug_on(gup_get_not_tryget))
		folio->_refcount += refs;
	else if (!folio_ref_try_add(folio, refs))
		return NULL;
	ff_race_point(RP_GUP_AFTER_TRYGET);
	if (!ff_bug_on(gup_no_recheck) && page_folio(page) != folio) {
		folio_put_refs(folio, refs);
		return NULL;
	}
	/* gup_fast_folio_allowed(): read mapping once */
	if (!folio_test_anon(folio) && !folio_mapping(folio)) {
		folio_put_refs(folio, refs);
		return NULL;
	}
	return folio;
}
