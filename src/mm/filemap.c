/*
 * filemap.c - adding a folio to and removing it from the page cache.
 *
 * Follows mm/filemap.c of Linux v6.17 (__filemap_add_folio,
 * filemap_remove_folio -> page_cache_delete + filemap_free_folio,
 * filemap_get_entry): the cache holds one reference per page of the
 * folio.  The xarray itself is not modelled; address_space.nrpages counts
 * what it would hold, and a lookup reads the folio a page belongs to.
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/mm.h"

int filemap_add_folio(struct address_space *mapping, struct folio *folio,
		      unsigned long index)
{
	FF_FUNC();
	long nr = folio_nr_pages(folio);

	if (mapping->memcg) /* a file in no memcg: uncharged */
		mem_cgroup_charge(folio, mapping->memcg);
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

/*
 * filemap_get_entry(): load the entry, folio_try_get() it (a frozen folio
 * makes the kernel retry), then xas_reload() and back out if the slot no
 * longer holds that folio.  Here the slot is the folio page belongs to,
 * with the mapping and index read at load time; a retry is NULL (the
 * caller cannot spin while the writer it interrupted is stopped).
 */
struct folio *filemap_get_entry_of(struct page *page)
{
	FF_FUNC();
	struct folio *folio = page_folio(page);
	struct address_space *mapping = folio->mapping;
	unsigned long index;

	if (!mapping || folio_test_anon(folio) ||
	    ((unsigned long)mapping & FOLIO_MAPPING_FLAGS))
		return NULL; /* not a page-cache folio */
	index = folio->index + folio_page_idx(folio, page);
	if (!folio_try_get(folio))
		return NULL;
	if (page_folio(page) != folio || folio->mapping != mapping ||
	    folio->index + folio_page_idx(folio, page) != index) {
		folio_put(folio);
		return NULL;
	}
	return folio;
}
