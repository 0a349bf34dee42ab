/*
 * memory-failure.c - memory_failure()'s first step: catching the folio.
 *
 * Follows __get_hwpoison_page() of mm/memory-failure.c in Linux v6.17:
 * read page_folio(page), refuse a page the handler does not know
 * (HWPoisonHandlable: LRU or page-cache / anon memory, or a free buddy
 * page), folio_try_get(), then check the page still belongs to that folio
 * ("cannot catch tail") and back out if not.  It works on a bare pfn, with
 * no page table or lock, so it can land in the middle of any writer.
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/mm.h"

int get_hwpoison_page(struct page *page, struct folio **foliop)
{
	FF_FUNC();
	struct folio *folio = page_folio(page);

	*foliop = NULL;
	if (!folio_test_anon(folio) && !folio->mapping)
		return -EBUSY; /* not LRU memory (or free: no reference) */
	if (!folio_try_get(folio))
		return 0;
	if (folio != page_folio(page)) {
		folio_put(folio);
		return 0;
	}
	*foliop = folio;
	return 1;
}
