/*
 * mm_types.h - struct page and struct folio, bit for bit.
 *
 * Follows include/linux/mm_types.h of Linux v6.17 on x86-64 with
 * CONFIG_MEMCG, CONFIG_ZONE_DEVICE and without WANT_PAGE_VIRTUAL, KMSAN or
 * LAST_CPUPID_NOT_IN_PAGE_FLAGS (docs/kernel-notes.md §2, §3).  Every word sits at
 * the kernel's offset and the unions alias exactly as they do there: the
 * seed bugs exist only because fields overlay each other.  The static
 * asserts at the bottom are the FOLIO_MATCH / offset checks of the kernel.
 *
 * The model is single-threaded; races are deterministic interleavings
 * (docs/design.md §11), so atomic_t is a plain int here.
 */
#ifndef FOLIOFUZZ_MM_TYPES_H
#define FOLIOFUZZ_MM_TYPES_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

struct list_head {
	struct list_head *next, *prev;
};

typedef int atomic_t;

typedef struct {
	unsigned long val;
} swp_entry_t;

struct address_space;
struct anon_vma;
struct dev_pagemap;
struct mem_cgroup;

struct page {
	unsigned long flags; /* PG_* bits, §2.8 */
	union {
		struct { /* page cache, anon, buddy */
			union {
				struct list_head lru;
				struct list_head
					buddy_list; /* free-area list */
				struct {
					void *filler; /* always even: not a tail */
					unsigned int mlock_count;
				};
			};
			/* low bits: FOLIO_MAPPING_ANON / _KSM */
			struct address_space *mapping;
			union {
				unsigned long index; /* __folio_index in 6.17 */
				unsigned long share; /* fsdax share count */
			};
			/* buffer heads, swap entry, or buddy order */
			unsigned long private;
		};
		struct {			     /* tail pages */
			unsigned long compound_head; /* head | 1 */
		};
		struct { /* ZONE_DEVICE, 6.15+: pgmap moved to the folio */
			void *unused_pgmap_compound_head;
			void *zone_device_data;
		};
	};
	union {
		unsigned int page_type; /* PGTY_* << 24, UINT_MAX = none */
		atomic_t _mapcount;	/* -1 = unmapped */
	};
	atomic_t _refcount;
	unsigned long memcg_data;
};

/*
 * struct folio overlays the head page and the three pages after it (6.15+,
 * 256 bytes).  Fields of page[1..3] are only valid when the folio is large;
 * touching them on an order-0 folio at the end of the memmap is an ASan
 * report, exactly as it would read a neighbour's struct page in the kernel.
 */
struct folio {
	union {
		struct {
			unsigned long flags;
			union {
				struct list_head lru;
				struct {
					void *filler;
					unsigned int mlock_count;
				};
				struct dev_pagemap *pgmap; /* 6.15+ */
			};
			struct address_space *mapping;
			union {
				unsigned long index;
				unsigned long share;
			};
			union {
				void *private;
				swp_entry_t swap;
			};
			atomic_t _mapcount;
			atomic_t _refcount;
			unsigned long memcg_data;
		};
		struct page page;
	};
	union {
		struct {
			unsigned long _flags_1; /* order in bits 0-7 */
			unsigned long _head_1;
			atomic_t _large_mapcount;
			atomic_t _nr_pages_mapped;
			atomic_t _entire_mapcount;
			atomic_t _pincount;
			int _mm_id_mapcount[2];
			union {
				unsigned int _mm_id[2];
				unsigned long _mm_ids;
			};
			atomic_t _mapcount_1;
			atomic_t _refcount_1;
			unsigned int
				_nr_pages; /* overlays page[1].memcg_data */
		};
		struct page page_1;
	};
	union {
		struct {
			unsigned long _flags_2;
			unsigned long _head_2;
			struct list_head _deferred_list;
		};
		struct page page_2;
	};
	union {
		struct {
			unsigned long _flags_3;
			unsigned long _head_3;
			void *_hugetlb_subpool;
			void *_hugetlb_cgroup;
			void *_hugetlb_cgroup_rsvd;
			void *_hugetlb_hwpoison;
		};
		struct page page_3;
	};
};

#define PAGE_OFF(f) offsetof(struct page, f)
#define FOLIO_OFF(f) offsetof(struct folio, f)

static_assert(sizeof(struct page) == 64, "struct page must be 64 bytes");
static_assert(PAGE_OFF(flags) == 0, "flags");
static_assert(PAGE_OFF(lru) == 8, "lru");
static_assert(PAGE_OFF(buddy_list) == 8, "buddy_list");
static_assert(PAGE_OFF(mlock_count) == 16, "mlock_count");
static_assert(PAGE_OFF(compound_head) == 8, "compound_head");
static_assert(PAGE_OFF(zone_device_data) == 16, "zone_device_data");
static_assert(PAGE_OFF(mapping) == 24, "mapping");
static_assert(PAGE_OFF(index) == 32, "index");
static_assert(PAGE_OFF(share) == 32, "share aliases index");
static_assert(PAGE_OFF(private) == 40, "private");
static_assert(PAGE_OFF(page_type) == 48, "page_type");
static_assert(PAGE_OFF(_mapcount) == 48, "_mapcount aliases page_type");
static_assert(PAGE_OFF(_refcount) == 52, "_refcount");
static_assert(PAGE_OFF(memcg_data) == 56, "memcg_data");

/* FOLIO_MATCH: folio fields on the head page. */
static_assert(FOLIO_OFF(flags) == PAGE_OFF(flags), "folio flags");
static_assert(FOLIO_OFF(lru) == PAGE_OFF(lru), "folio lru");
static_assert(FOLIO_OFF(pgmap) == PAGE_OFF(lru), "folio pgmap in lru slot");
static_assert(FOLIO_OFF(mapping) == PAGE_OFF(mapping), "folio mapping");
static_assert(FOLIO_OFF(index) == PAGE_OFF(index), "folio index");
static_assert(FOLIO_OFF(share) == PAGE_OFF(share), "folio share");
static_assert(FOLIO_OFF(private) == PAGE_OFF(private), "folio private");
static_assert(FOLIO_OFF(_mapcount) == PAGE_OFF(_mapcount), "folio mapcount");
static_assert(FOLIO_OFF(_refcount) == PAGE_OFF(_refcount), "folio refcount");
static_assert(FOLIO_OFF(memcg_data) == PAGE_OFF(memcg_data), "folio memcg");
/* FOLIO_MATCH on page[1]. */
static_assert(FOLIO_OFF(_flags_1) == 64 + PAGE_OFF(flags), "_flags_1");
static_assert(FOLIO_OFF(_head_1) == 64 + PAGE_OFF(compound_head), "_head_1");
static_assert(FOLIO_OFF(_large_mapcount) == 80, "_large_mapcount");
static_assert(FOLIO_OFF(_nr_pages_mapped) == 84, "_nr_pages_mapped");
static_assert(FOLIO_OFF(_entire_mapcount) == 88, "_entire_mapcount");
static_assert(FOLIO_OFF(_pincount) == 92, "_pincount");
static_assert(FOLIO_OFF(_mm_id_mapcount) == 96, "_mm_id_mapcount");
static_assert(FOLIO_OFF(_mm_ids) == 104, "_mm_ids");
static_assert(FOLIO_OFF(_mapcount_1) == 64 + PAGE_OFF(_mapcount),
	      "_mapcount_1");
static_assert(FOLIO_OFF(_refcount_1) == 64 + PAGE_OFF(_refcount),
	      "_refcount_1");
static_assert(FOLIO_OFF(_nr_pages) == 64 + PAGE_OFF(memcg_data), "_nr_pages");
/* FOLIO_MATCH on page[2] and page[3]. */
static_assert(FOLIO_OFF(_flags_2) == 128 + PAGE_OFF(flags), "_flags_2");
static_assert(FOLIO_OFF(_head_2) == 128 + PAGE_OFF(compound_head), "_head_2");
static_assert(FOLIO_OFF(_deferred_list) == 144, "_deferred_list");
static_assert(FOLIO_OFF(_flags_3) == 192 + PAGE_OFF(flags), "_flags_3");
static_assert(FOLIO_OFF(_head_3) == 192 + PAGE_OFF(compound_head), "_head_3");
static_assert(FOLIO_OFF(_hugetlb_subpool) == 208, "_hugetlb_subpool");
static_assert(sizeof(struct folio) == 4 * sizeof(struct page),
	      "folio = 4 pages");

#endif
