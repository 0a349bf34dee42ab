/*
 * filemap.c - adding a folio to and removing it from the page cache.
 *
 * Follows mm/filemap.c of Linux v6.17 (__filemap_add_folio,
 * filemap_remove_folio -> page_cache_delete + filemap_free_folio): the
 * cache holds one reference per page of the folio.  The xarray itself is
 * not modelled; address_space.nrpages counts what it would hold.
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/mm.h"

int filemap_add_folio(struct address_space *mapping, struct folio *folio,
		      unsigned long index)
{
	FF_FUNC();
	long nr = folio_nr_pages(folio);

	mem_cgroup_charge(folio, &ff_kern->memcg);
	folio_ref_add(folio, (int)nr);
	folio->mapping = mapping;
	folio->index = index;
	mapping->nrpages += (uint32_t)nr;
	return 0;
}

void filemap_remove_folio(struct folio *folio)
{
	FF_FUNC();
	struct address_space *mapping = folio->mapping;
	long nr = folio_nr_pages(folio);

	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio, I_FLAGS,
			"filemap_remove_folio on an unlocked folio");
	VM_BUG_ON_FOLIO(folio_mapped(folio), folio, I_MAPCOUNT,
			"page cache removal of a mapped folio");
	mapping->nrpages -= (uint32_t)nr;
	folio->mapping = NULL;
	folio_put_refs(folio, (int)nr);
}
