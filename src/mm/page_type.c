/*
 * page_type.c - __SetPage<Type> / __ClearPage<Type> with their debug checks.
 *
 * Follows the PAGE_TYPE_OPS / FOLIO_TYPE_OPS generators of
 * include/linux/page-flags.h, Linux v6.17 (docs/kernel-notes.md §6.3): setting an
 * already-set type is a no-op; otherwise page_type must be UINT_MAX (no
 * type, not mapped) and the low 24 bits start at 0.  Clearing an untyped
 * page is a no-op; clearing another type is a VM_BUG.
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/mm.h"

void ff_page_set_type(struct page *page, enum pagetype t)
{
	FF_FUNC();
	if (page_test_type(page, t))
		return;
	VM_BUG_ON_PAGE(page->page_type != UINT_MAX, page, I_TYPE_MAPPED,
		       "__SetPage type 0x%x over page_type 0x%08x", t,
		       page->page_type);
	page->page_type = (unsigned int)t << 24;
}

void ff_page_clear_type(struct page *page, enum pagetype t)
{
	FF_FUNC();
	if (page->page_type == UINT_MAX)
		return;
	VM_BUG_ON_PAGE(!page_test_type(page, t), page, I_TYPE_CLEAR,
		       "__ClearPage type 0x%x on page_type 0x%08x", t,
		       page->page_type);
	page->page_type = UINT_MAX;
}
