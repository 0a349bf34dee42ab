/*
 * pick_util.c - pick "util" (docs/kshim.md): folio_mapping() and
 * folio_anon_vma() of the user's mm/util.c, in place of the model's
 * (include/foliofuzz/page-flags.h), wherever the model calls them (GUP,
 * migration, split, the /proc readers).
 *
 * The model has no swap cache: swap_address_space() is never reached with
 * a folio in it.  Before v6.17 the mapping flag bits were called
 * PAGE_MAPPING_*; the model uses the v6.17 names FOLIO_MAPPING_*.
 */
#include "shim.h"

#include "ks_locs.h"
#include "picks.h"

#ifndef PAGE_MAPPING_ANON
#define PAGE_MAPPING_ANON FOLIO_MAPPING_ANON
#endif
#ifndef PAGE_MAPPING_FLAGS
#define PAGE_MAPPING_FLAGS FOLIO_MAPPING_FLAGS
#endif
#define swap_address_space(entry) ((struct address_space *)NULL)

#include "util.c" /* gen/util.c: the tree's code, #line-tagged */

struct address_space *ks_util_folio_mapping(const struct folio *folio)
{
	KS_RAN(folio_mapping);
	return ks_folio_mapping((struct folio *)folio);
}

struct anon_vma *ks_util_folio_anon_vma(const struct folio *folio)
{
	KS_RAN(folio_anon_vma);
	return ks_folio_anon_vma((struct folio *)folio);
}
