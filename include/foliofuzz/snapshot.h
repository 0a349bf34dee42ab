/*
 * snapshot.h - struct page_snapshot and its readers (include/linux/mm.h,
 * mm/util.c, fs/proc/page.c of Linux v6.17; docs/kernel-notes.md §12).
 */
#ifndef FOLIOFUZZ_SNAPSHOT_H
#define FOLIOFUZZ_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "foliofuzz/mm_types.h"

#define PAGE_SNAPSHOT_FAITHFUL (1UL << 0)
#define PAGE_SNAPSHOT_PG_BUDDY (1UL << 1)
#define PAGE_SNAPSHOT_PG_IDLE (1UL << 2)

/*
 * The kernel's x86-64 value is 1 << PUD_ORDER (262144 pages: the
 * architecture has gigantic pages; include/linux/mm.h).  snapshot_page()
 * follows a head only when idx < MAX_FOLIO_NR_PAGES; the model's largest
 * folio is 2^FF_MAX_ORDER pages and its memmap is exactly sized, so a
 * wild head up to 2^18 pages back would be an out-of-bounds read here, not
 * the harmless vmemmap read it is in the kernel.  The model keeps the
 * bound at its own largest folio, 2^FF_MAX_ORDER = 64 pages.
 */
#define MAX_FOLIO_NR_PAGES (1UL << 6)

struct page_snapshot {
	struct folio folio_snapshot;
	struct page page_snapshot;
	unsigned long pfn;
	unsigned long idx;
	unsigned long flags;
};
static_assert(sizeof(struct page_snapshot) == 344, "page_snapshot size");

static inline bool snapshot_page_is_faithful(const struct page_snapshot *ps)
{
	return ps->flags & PAGE_SNAPSHOT_FAITHFUL;
}

void snapshot_page(struct page_snapshot *ps, const struct page *page);
bool is_free_buddy_page(const struct page *page);

/* fs/proc/page.c: the KPF_* bits (include/uapi/linux/kernel-page-flags.h) */
#define KPF_LOCKED 0
#define KPF_REFERENCED 2
#define KPF_UPTODATE 3
#define KPF_DIRTY 4
#define KPF_LRU 5
#define KPF_ACTIVE 6
#define KPF_SLAB 7
#define KPF_WRITEBACK 8
#define KPF_BUDDY 10
#define KPF_MMAP 11
#define KPF_ANON 12
#define KPF_SWAPBACKED 14
#define KPF_COMPOUND_HEAD 15
#define KPF_COMPOUND_TAIL 16
#define KPF_THP 22
#define KPF_OFFLINE 23
#define KPF_PGTABLE 26

uint64_t stable_page_flags(const struct page *page);
/* mm/debug.c: dump_page() through snapshot_page(). */
#include <stdio.h>
void dump_page(FILE *f, const struct page *page, const char *reason);
/* /proc/kpagecount: the page's mapcount read through a snapshot; the _snap
 * form also returns the snapshot it read (a checker needs to know whether
 * it gave up: then only the page's own mapcount was read). */
long kpagecount_read(const struct page *page);
long kpagecount_read_snap(const struct page *page, struct page_snapshot *ps);

#endif
