/*
 * debug.c - dump_page(), the kernel's own page printer.
 *
 * Follows mm/debug.c of Linux v6.17: __dump_page() takes a snapshot_page()
 * and prints the folio and page copies (__dump_folio), warning "page does
 * not match folio" when the snapshot is not faithful.  Reports use it next
 * to their raw dumps, so a report shows what the kernel itself would have
 * printed for the page.
 */
#include <stdio.h>

#include "foliofuzz/glue.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/snapshot.h"

static void __dump_folio(FILE *f, const struct folio *folio,
			 const struct page *page, unsigned long pfn,
			 unsigned long idx)
{
	FF_FUNC();
	char m[FF_SYM_LEN];

	fprintf(f,
		"dump_page: pfn:%#lx idx:%lu refcount:%d mapcount:%d "
		"mapping:%s index:%#lx\n",
		pfn, idx, folio->_refcount,
		page_has_type(page) ? 0 : page->_mapcount + 1,
		ff_sym((unsigned long)folio->mapping, m), folio->index + idx);
	if (folio_test_large(folio))
		fprintf(f,
			"  head: order:%u mapcount:%d entire_mapcount:%d "
			"nr_pages_mapped:%#x pincount:%d\n",
			folio_order(folio), folio_large_mapcount(folio),
			folio_entire_mapcount(folio), folio->_nr_pages_mapped,
			folio->_pincount);
	if (page_has_type(&folio->page))
		fprintf(f, "  page_type: %#010x\n", folio->page.page_type);
	fprintf(f, "  flags: %#lx\n",
		folio->flags & ((1UL << NR_PAGEFLAGS) - 1));
}

void dump_page(FILE *f, const struct page *page, const char *reason)
{
	FF_FUNC();
	struct page_snapshot ps;

	snapshot_page(&ps, page);
	if (!snapshot_page_is_faithful(&ps))
		fprintf(f, "page does not match folio\n");
	__dump_folio(f, &ps.folio_snapshot, &ps.page_snapshot, ps.pfn, ps.idx);
	if (reason)
		fprintf(f, "page dumped because: %s\n", reason);
}
