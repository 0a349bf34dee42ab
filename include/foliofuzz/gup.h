/*
 * gup.h - GUP-fast in both representations (struct page and memdesc).
 */
#ifndef FOLIOFUZZ_GUP_H
#define FOLIOFUZZ_GUP_H

#include "foliofuzz/mm_types.h"

/* mm/gup.c: a reference on the folio that owns page, or NULL. */
struct folio *try_grab_folio_fast(struct page *page, int refs);

#endif
