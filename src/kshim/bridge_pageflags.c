/*
 * bridge_pageflags.c - the kernel side of pick "pageflags" (docs/kshim.md).
 *
 * Not part of the foliofuzz library: scripts/kshim.sh compiles it with the
 * tree's own headers, .config and flags (like bridge_layout.c) and links
 * the object into the kshim build.  It evaluates the helpers of
 * pageflags.def with the tree's inline helpers on a pfn of foliofuzz's
 * memmap: on x86-64 with a dynamic memory layout, pfn_to_page() is
 * vmemmap_base + pfn, and this file owns vmemmap_base, pointed at the
 * memmap by ks_bridge_set_memmap().  It needs no kernel symbol at link
 * time.
 */
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/page_ref.h>

unsigned long vmemmap_base;

void ks_bridge_set_memmap(void *memmap);
void ks_real_pageflags(unsigned long pfn, long *out);

void ks_bridge_set_memmap(void *memmap)
{
	vmemmap_base = (unsigned long)memmap;
}

#define KS_folio_pfn(folio) ((long)folio_pfn(folio))
#define KS_pincount(folio) atomic_read(&(folio)->_pincount)

void ks_real_pageflags(unsigned long pfn, long *out)
{
	struct page *page = pfn_to_page(pfn);
	struct folio *folio = page_folio(page);
	int i = 0;

#define X(name, expr) out[i++] = (long)(expr);
#include "pageflags.def"
#undef X
}
