/*
 * picks.h - what each pick (src/kshim/pick_*.c) gives the runtime
 * (runtime.c's ks_impl).  Our declarations; each pick file holds the
 * tree's extracted code as well, under ks_-prefixed names.
 */
#ifndef FOLIOFUZZ_KSHIM_PICKS_H
#define FOLIOFUZZ_KSHIM_PICKS_H

#include "foliofuzz/glue.h"

/* dax: fs/dax.c association and sharing */
int ks_dax_insert(struct ff_dax_file *f, unsigned long index);
void ks_dax_disassociate(struct ff_dax_file *f, unsigned long index);
struct page *ks_dax_busy(struct ff_dax_file *f, unsigned long index);

/* util: mm/util.c */
struct address_space *ks_util_folio_mapping(const struct folio *folio);
struct anon_vma *ks_util_folio_anon_vma(const struct folio *folio);

/* freecheck: mm/page_alloc.c free-time checks, beside the model's */
void ks_check_free(struct page *page, unsigned int order);
void ks_check_free_done(struct page *page, unsigned int order, bool model_bad);

/* pageflags: header helpers of the tree, beside the model's */
void ks_check_page(unsigned long pfn);

/* runtime.c: expected-difference rows (expected.def) */
extern int ks_expected_hint; /* a pick's classification of its failure */
int ks_expected_row(const char *id);

#endif
