/*
 * memdesc.h - the memdesc representation (seed 002, docs/kernel-notes.md §16).
 *
 * A second world runs the same ops with pages described the way Matthew
 * Wilcox's plan describes them: the page carries one typed memdesc word,
 * placed first in page->lru.prev (the 2025-09-02 thread), whose low four
 * bits are a type and whose other bits point at a descriptor.  Folios,
 * slabs and page-table descriptors are separate objects from type-safe
 * pools: reused, never returned to the host while a world lives, so a
 * lockless reader that loads a stale descriptor pointer still reads some
 * descriptor (SLAB_TYPESAFE_BY_RCU).  Folio pages have page refcount 0 and
 * redirect to the folio's; slab and ptdesc pages have no refcount at all;
 * plain (misc) pages keep the page refcount.
 *
 * Free pages need no memdesc: their buddy_list.prev overlaps the word and
 * list pointers are 8-byte aligned, so the type bits read 0, 4, 8 or 12,
 * which the /Path table makes aliases of Buddy.
 */
#ifndef FOLIOFUZZ_MEMDESC_H
#define FOLIOFUZZ_MEMDESC_H

#include <stdbool.h>
#include <stdint.h>

#include "foliofuzz/mm_types.h"

typedef unsigned long memdesc_t;

enum memdesc_type {
	MD_TYPE_MISC = 1, /* plain allocation: page refcount, no descriptor */
	MD_TYPE_FILE = 2, /* page-cache folio */
	MD_TYPE_ANON = 3, /* anon folio */
	MD_TYPE_SLAB = 5,
	MD_TYPE_TABLE = 9, /* ptdesc */
};
#define MD_TYPE_MASK 0xfUL

/* The dynamically allocated struct folio of the /Path plan. */
struct md_folio {
	unsigned long flags;
	struct list_head lru;
	struct address_space *mapping;
	unsigned long index;
	void *private;
	atomic_t _refcount;
	atomic_t _mapcount; /* all mappings of the folio, -1 = none */
	atomic_t pincount;
	unsigned int order;
	unsigned long pfn;
	unsigned long memcg_data;
	struct md_folio *next_free; /* pool free list */
} __attribute__((aligned(16)));

/* Slab and ptdesc descriptors are smaller than a folio: a slab taken for a
 * folio reads past its end (AddressSanitizer sees it). */
struct md_slab {
	unsigned long flags;
	void *slab_cache;
	unsigned long pfn;
	unsigned int order;
	unsigned int inuse;
	struct md_slab *next_free;
} __attribute__((aligned(16)));

struct md_ptdesc {
	unsigned long flags;
	unsigned long pfn;
	unsigned int order;
	unsigned int pt_frag_refcount;
	struct md_ptdesc *next_free;
} __attribute__((aligned(16)));

static inline memdesc_t *page_memdesc(struct page *page)
{
	return (memdesc_t *)&page->lru.prev; /* offset 16 */
}
static inline memdesc_t memdesc_read(const struct page *page)
{
	return (memdesc_t)page->lru.prev;
}
static inline unsigned int memdesc_type(memdesc_t md)
{
	return md & MD_TYPE_MASK;
}
static inline void *memdesc_ptr(memdesc_t md)
{
	return (void *)(md & ~MD_TYPE_MASK);
}
/* Types 0, 4, 8 and 12 alias Buddy (the list pointer's low bits). */
static inline bool memdesc_is_buddy(memdesc_t md)
{
	return (md & 3) == 0;
}
bool memdesc_is_folio(memdesc_t md);

struct ff_kernel;
struct md_folio *md_folio_alloc(unsigned int order, bool anon);
struct page *md_alloc_misc(unsigned int order);
struct md_slab *md_slab_alloc(unsigned int order);
struct md_ptdesc *md_ptdesc_alloc(void);
void md_folio_get(struct md_folio *folio);
void md_folio_put(struct md_folio *folio);
void md_folio_put_refs(struct md_folio *folio, int refs);
void md_slab_free(struct md_slab *slab);
void md_ptdesc_free(struct md_ptdesc *pt);
/* put_page() of the memdesc era: dispatch on the type. */
void md_put_page(struct page *page);
void md_free_pages(struct page *page, unsigned int order);
/* Folio state changes (flags, charge, anon/file mapping, page cache,
 * rmap) on the descriptor. */
struct address_space;
struct anon_vma;
struct mem_cgroup;
void md_folio_set_flag(struct md_folio *folio, unsigned int flag);
void md_folio_clear_flag(struct md_folio *folio, unsigned int flag);
void md_mem_cgroup_charge(struct md_folio *folio, struct mem_cgroup *memcg);
void md_folio_set_anon(struct md_folio *folio, struct anon_vma *anon_vma,
		       unsigned long index);
void md_filemap_add_folio(struct address_space *mapping, struct md_folio *folio,
			  unsigned long index);
void md_filemap_remove_folio(struct md_folio *folio);
void md_folio_ref_add(struct md_folio *folio, int nr);
void md_folio_add_rmap_ptes(struct md_folio *folio, struct page *page, int nr);
void md_folio_remove_rmap_ptes(struct md_folio *folio, struct page *page,
			       int nr);
/* GUP-fast: read memdesc, type check, tryget, recheck. */
struct md_folio *md_gup_fast(struct page *page);
void md_pools_destroy(struct ff_kernel *k);

#endif
