/*
 * refmodel.h - the reference model (docs/design.md §14): who owns each pfn, with
 * what kind, order, type, references and mappings.  It is updated from
 * what an op means, never by reading struct page bits; the checker derives
 * the same view from the bits and compares the two.
 */
#ifndef FOLIOFUZZ_REFMODEL_H
#define FOLIOFUZZ_REFMODEL_H

#include "foliofuzz/world.h"

/* Mapping class of an object: what its mapping word should hold. */
static inline bool ff_kind_is_mapped(uint8_t kind)
{
	return kind == FF_KIND_ANON || kind == FF_KIND_FILE;
}

static inline long ff_obj_nr(const struct ff_obj *o)
{
	return 1L << o->order;
}

static inline int32_t ff_obj_expected_refs(const struct ff_obj *o)
{
	return o->hrefs + o->cache_refs + o->pte_maps + o->pmd_maps;
}

/* Appends a new live object owning [pfn, pfn + 2^order). */
struct ff_obj *ff_obj_new(struct ff_world *w, unsigned long pfn,
			  unsigned int order, uint8_t kind);
/* The object an alloc op creates: one handle reference; anon and file
 * objects charged, with their anon_vma or file (sel) and index; a file
 * object's page-cache references. */
struct ff_obj *ff_obj_alloced(struct ff_world *w, unsigned long pfn,
			      unsigned int order, uint8_t kind, uint32_t sel,
			      unsigned long index, uint8_t type);
/* Index of the live object owning pfn, or -1. */
long ff_obj_index_of(struct ff_world *w, unsigned long pfn);
/* The live object named by a handle byte, or NULL when none is live. */
struct ff_obj *ff_obj_handle(struct ff_world *w, uint8_t h);
/* Marks the object's pfns free and drops it from the live set. */
void ff_obj_release(struct ff_world *w, struct ff_obj *o);
/* Moves a live object to new pfns (migration), keeping its handle slot,
 * references and per-page mapcounts. */
void ff_obj_move(struct ff_world *w, struct ff_obj *o, unsigned long dpfn);
/* Drops the object if the model says nothing references it any more. */
void ff_obj_settle(struct ff_world *w, struct ff_obj *o);

/* DAX: the head pfn of the folio holding pfn (a PMD entry's folio or the
 * page itself), and the references that folio's mappings hold. */
unsigned long ff_dax_head(const struct ff_world *w, unsigned long pfn);
int32_t ff_dax_mapped_refs(const struct ff_world *w, unsigned long head);
/* A tail of the PMD folio at head kept its own association (the model
 * marks it, finding F_DAX_MIXED_ORDER): its counts are not the folio's. */
bool ff_dax_folio_lost(const struct ff_world *w, unsigned long head);

#endif
