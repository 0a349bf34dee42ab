/*
 * page-flags.h - page flag bits, page types and the mapping low bits.
 *
 * Follows include/linux/page-flags.h of Linux v6.17 (docs/kernel-notes.md §5,
 * §6, §7.1): PG_* bit numbers, PGTY_* values in the top byte of
 * page_type, FOLIO_MAPPING_* low bits, and the test/set/clear helpers with
 * the kernel's names.  Setters that carry a VM_BUG_ON in the kernel report
 * through ff_vm_bug() (harness/fail.h), which ends the step.
 */
#ifndef FOLIOFUZZ_PAGE_FLAGS_H
#define FOLIOFUZZ_PAGE_FLAGS_H

#include <limits.h>
#include <stdbool.h>

#include "foliofuzz/glue.h"
#include "foliofuzz/mm_types.h"

enum pageflags {
	PG_locked = 0,
	PG_writeback = 1,
	PG_referenced = 2,
	PG_uptodate = 3,
	PG_dirty = 4,
	PG_lru = 5,
	PG_head = 6,
	PG_waiters = 7,
	PG_active = 8,
	PG_workingset = 9,
	PG_owner_priv_1 = 10,
	PG_owner_2 = 11,
	PG_arch_1 = 12,
	PG_reserved = 13,
	PG_private = 14,
	PG_private_2 = 15,
	PG_reclaim = 16,
	PG_swapbacked = 17,
	PG_unevictable = 18,
	PG_dropbehind = 19,
	PG_mlocked = 20,
	PG_hwpoison = 21,
	PG_young = 22,
	PG_idle = 23,
	/* x86-64: PG_arch_2 exists (X86_PAT selects ARCH_USES_PG_ARCH_2);
	 * PG_arch_3 is arm64's (ARCH_USES_PG_ARCH_3) and is not there
	 * (arch/x86/Kconfig, checked in Debian's 6.12 tree) */
	PG_arch_2 = 24,
	NR_PAGEFLAGS = 25,

	/* aliases */
	PG_readahead = PG_reclaim,
	PG_swapcache = PG_owner_priv_1,
	PG_checked = PG_owner_priv_1,
	PG_anon_exclusive = PG_owner_2,
	PG_mappedtodisk = PG_owner_2,
	PG_movable_ops = PG_uptodate,	      /* 6.17 */
	PG_movable_ops_isolated = PG_reclaim, /* 6.17 */
	/* second-page folio flags (page[1].flags) */
	PG_has_hwpoisoned = PG_active,
	PG_large_rmappable = PG_workingset,
	PG_partially_mapped = PG_reclaim,
};

#define BIT(n) (1UL << (n))

/*
 * The zone number lives in the top bits of flags, as the kernel's
 * ZONES_PGSHIFT field does (node and section fields are not modelled).
 */
enum zone_type {
	ZONE_DMA,
	ZONE_DMA32,
	ZONE_NORMAL,
	ZONE_MOVABLE,
	ZONE_DEVICE
};
#define ZONES_SHIFT 3
#define ZONES_PGSHIFT (64 - ZONES_SHIFT)
#define ZONES_MASK ((1UL << ZONES_SHIFT) - 1)

/* PAGE_FLAGS_CHECK_AT_FREE: flags that must be clear on a page being freed. */
#define PAGE_FLAGS_CHECK_AT_FREE                                               \
	(BIT(PG_lru) | BIT(PG_locked) | BIT(PG_private) | BIT(PG_private_2) |  \
	 BIT(PG_writeback) | BIT(PG_reserved) | BIT(PG_active) |               \
	 BIT(PG_unevictable) | BIT(PG_mlocked))
/* PAGE_FLAGS_CHECK_AT_PREP: every page flag except hwpoison. */
#define PAGE_FLAGS_CHECK_AT_PREP ((BIT(NR_PAGEFLAGS) - 1) & ~BIT(PG_hwpoison))
/* Second-page flags cleared from page[1] on free: order byte + three flags. */
#define PAGE_FLAGS_SECOND                                                      \
	(0xffUL | BIT(PG_has_hwpoisoned) | BIT(PG_large_rmappable) |           \
	 BIT(PG_partially_mapped))

/* enum pagetype: the top byte of page_type (v6.12+ scheme). */
enum pagetype {
	PGTY_buddy = 0xf0,
	PGTY_offline = 0xf1,
	PGTY_table = 0xf2,
	PGTY_guard = 0xf3,
	PGTY_hugetlb = 0xf4,
	PGTY_slab = 0xf5,
	PGTY_zsmalloc = 0xf6,
	PGTY_unaccepted = 0xf7,
	PGTY_large_kmalloc = 0xf8,
	PGTY_mapcount_underflow = 0xff,
};

#define FOLIO_MAPPING_ANON 0x1UL
#define FOLIO_MAPPING_ANON_KSM 0x2UL
#define FOLIO_MAPPING_KSM (FOLIO_MAPPING_ANON | FOLIO_MAPPING_ANON_KSM)
#define FOLIO_MAPPING_FLAGS 0x3UL

/* POISON_POINTER_DELTA + 0x400 on x86-64 (docs/kernel-notes.md §4.2, UNVERIFIED). */
#define TAIL_MAPPING ((struct address_space *)0xdead000000000400UL)

static inline enum zone_type page_zonenum(const struct page *page)
{
	return (enum zone_type)((page->flags >> ZONES_PGSHIFT) & ZONES_MASK);
}
static inline void set_page_zone(struct page *page, enum zone_type zone)
{
	page->flags &= ~(ZONES_MASK << ZONES_PGSHIFT);
	page->flags |= (unsigned long)zone << ZONES_PGSHIFT;
}
static inline bool folio_is_zone_device(const struct folio *folio)
{
	return page_zonenum(&folio->page) == ZONE_DEVICE;
}

/* Plain bit helpers on a page's own flags word (no head redirection). */
static inline bool test_bit_flags(int nr, const unsigned long *w)
{
	return (*w >> nr) & 1UL;
}
static inline void set_bit_flags(int nr, unsigned long *w)
{
	*w |= BIT(nr);
}
static inline void clear_bit_flags(int nr, unsigned long *w)
{
	*w &= ~BIT(nr);
}

/* _compound_head(): a tail stores head + 1 in compound_head (§2.6). */
static inline struct page *_compound_head(const struct page *page)
{
	unsigned long head = page->compound_head;

	if (head & 1)
		return (struct page *)(head - 1);
	return (struct page *)page;
}
#define compound_head(p) _compound_head(p)
#define page_folio(p) ((struct folio *)_compound_head(p))

static inline bool PageTail(const struct page *page)
{
	return page->compound_head & 1;
}
static inline bool PageHead(const struct page *page)
{
	return test_bit_flags(PG_head, &page->flags);
}
static inline bool PageCompound(const struct page *page)
{
	return PageHead(page) || PageTail(page);
}
static inline void set_compound_head(struct page *page, struct page *head)
{
	page->compound_head = (unsigned long)head + 1;
}
static inline void clear_compound_head(struct page *page)
{
	page->compound_head = 0;
}

/* page_type_has_type(): top byte 0x80..0xfe, compared as a signed int. */
static inline bool page_type_has_type(int page_type)
{
	return page_type < (int)((unsigned int)PGTY_mapcount_underflow << 24);
}
static inline bool page_mapcount_is_type(unsigned int mapcount)
{
	return page_type_has_type((int)(mapcount - 1));
}
static inline bool page_has_type(const struct page *page)
{
	return page_mapcount_is_type(page->page_type);
}
static inline bool page_test_type(const struct page *page, enum pagetype t)
{
	return (page->page_type >> 24) == (unsigned int)t;
}

/* Type setters/clearers (PAGE_TYPE_OPS / FOLIO_TYPE_OPS); see page_type.c. */
void ff_page_set_type(struct page *page, enum pagetype t);
void ff_page_clear_type(struct page *page, enum pagetype t);

#define PAGE_TYPE_OPS(uname, lname)                                            \
	static inline bool Page##uname(const struct page *page)                \
	{                                                                      \
		return page_test_type(page, PGTY_##lname);                     \
	}                                                                      \
	static inline void __SetPage##uname(struct page *page)                 \
	{                                                                      \
		ff_page_set_type(page, PGTY_##lname);                          \
	}                                                                      \
	static inline void __ClearPage##uname(struct page *page)               \
	{                                                                      \
		ff_page_clear_type(page, PGTY_##lname);                        \
	}
PAGE_TYPE_OPS(Buddy, buddy)
PAGE_TYPE_OPS(Offline, offline)
PAGE_TYPE_OPS(Table, table)
PAGE_TYPE_OPS(Guard, guard)
PAGE_TYPE_OPS(Zsmalloc, zsmalloc)
PAGE_TYPE_OPS(Unaccepted, unaccepted)
PAGE_TYPE_OPS(LargeKmalloc, large_kmalloc)
#undef PAGE_TYPE_OPS

#define FOLIO_TYPE_OPS(lname)                                                  \
	static inline bool folio_test_##lname(const struct folio *folio)       \
	{                                                                      \
		return page_test_type(&folio->page, PGTY_##lname);             \
	}                                                                      \
	static inline void __folio_set_##lname(struct folio *folio)            \
	{                                                                      \
		ff_page_set_type(&folio->page, PGTY_##lname);                  \
	}                                                                      \
	static inline void __folio_clear_##lname(struct folio *folio)          \
	{                                                                      \
		ff_page_clear_type(&folio->page, PGTY_##lname);                \
	}
FOLIO_TYPE_OPS(slab)
FOLIO_TYPE_OPS(hugetlb)
#undef FOLIO_TYPE_OPS

static inline bool folio_test_pgtable(const struct folio *folio)
{
	return page_test_type(&folio->page, PGTY_table);
}
static inline bool PageSlab(const struct page *page)
{
	return folio_test_slab(page_folio(page));
}

/* Folio flag tests on the head (folio_flags(folio, 0)). */
#define FOLIO_FLAG(name, bit)                                                  \
	static inline bool folio_test_##name(const struct folio *folio)        \
	{                                                                      \
		return test_bit_flags(bit, &folio->flags);                     \
	}                                                                      \
	static inline void folio_set_##name(struct folio *folio)               \
	{                                                                      \
		set_bit_flags(bit, &folio->flags);                             \
	}                                                                      \
	static inline void folio_clear_##name(struct folio *folio)             \
	{                                                                      \
		clear_bit_flags(bit, &folio->flags);                           \
	}
FOLIO_FLAG(locked, PG_locked)
FOLIO_FLAG(writeback, PG_writeback)
FOLIO_FLAG(referenced, PG_referenced)
FOLIO_FLAG(uptodate, PG_uptodate)
FOLIO_FLAG(dirty, PG_dirty)
FOLIO_FLAG(lru, PG_lru)
FOLIO_FLAG(head, PG_head)
FOLIO_FLAG(active, PG_active)
FOLIO_FLAG(workingset, PG_workingset)
FOLIO_FLAG(private, PG_private)
FOLIO_FLAG(swapbacked, PG_swapbacked)
FOLIO_FLAG(swapcache, PG_swapcache)
FOLIO_FLAG(unevictable, PG_unevictable)
FOLIO_FLAG(mlocked, PG_mlocked)
FOLIO_FLAG(young, PG_young)
FOLIO_FLAG(idle, PG_idle)
FOLIO_FLAG(dropbehind, PG_dropbehind)
#undef FOLIO_FLAG

/* Second-page flags live in page[1].flags (PF_SECOND). */
static inline bool folio_test_large_rmappable(const struct folio *folio)
{
	return folio_test_head(folio) &&
	       test_bit_flags(PG_large_rmappable, &folio->_flags_1);
}
static inline void folio_set_large_rmappable(struct folio *folio)
{
	set_bit_flags(PG_large_rmappable, &folio->_flags_1);
}

static inline bool folio_test_large(const struct folio *folio)
{
	return folio_test_head(folio);
}

/* Mapping low bits (6.17 names). */
static inline bool folio_test_anon(const struct folio *folio)
{
	return ((unsigned long)folio->mapping & FOLIO_MAPPING_ANON) != 0;
}
static inline bool PageAnon(const struct page *page)
{
	return folio_test_anon(page_folio(page));
}
static inline bool folio_test_ksm(const struct folio *folio)
{
	return ((unsigned long)folio->mapping & FOLIO_MAPPING_FLAGS) ==
	       FOLIO_MAPPING_KSM;
}
static inline struct anon_vma *folio_anon_vma(const struct folio *folio)
{
	unsigned long m = (unsigned long)folio->mapping;

	FF_KSHIM_SWAP(folio_anon_vma, folio); /* pick util: mm/util.c */
	if ((m & FOLIO_MAPPING_FLAGS) != FOLIO_MAPPING_ANON)
		return NULL;
	return (struct anon_vma *)(m - FOLIO_MAPPING_ANON);
}
/* folio_mapping() without swap cache: NULL when any flag bit is set. */
static inline struct address_space *folio_mapping(const struct folio *folio)
{
	FF_KSHIM_SWAP(folio_mapping, folio); /* pick util: mm/util.c */
	if ((unsigned long)folio->mapping & FOLIO_MAPPING_FLAGS)
		return NULL;
	return folio->mapping;
}

#endif
