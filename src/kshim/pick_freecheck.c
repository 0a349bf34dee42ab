/*
 * pick_freecheck.c - pick "freecheck" (docs/kshim.md): the free-time checks
 * of the user's mm/page_alloc.c judge every page the model frees, beside
 * the model's own, and the two verdicts must agree (I_KSHIM_FREECHECK).
 *
 * The model's free_pages_prepare() (src/mm/page_alloc.c) calls
 * ks_check_free() on entry and ks_check_free_done() with its verdict.  The
 * first saves the 2^order struct pages, runs the tree's checks on them in
 * the order the tree's free_pages_prepare() does (below), notes the first
 * bad page and its reason, and puts the saved bytes back, so the model
 * then runs on the state it was given.  The tree's checks run in place
 * (not on a copy) because free_tail_page_prepare() compares
 * compound_head() with the real head's address.
 *
 * What the extracted code calls that the shim has not, declared here: a
 * bad_page() that records instead of reporting, is_check_pages_enabled()
 * on (as with CONFIG_DEBUG_VM), no page pool, and the flag masks the
 * tree's PAGE_FLAGS_CHECK_AT_* are built from, over the model's flag
 * numbers.  LRU_GEN_MASK and LRU_REFS_MASK are 0: the model keeps no
 * multi-gen LRU bits in page->flags.
 */
#include <stdio.h>
#include <string.h>

#include "shim.h"

#include "foliofuzz/world.h"
#include "ks_locs.h"
#include "picks.h"

static struct {
	struct page *page; /* first page the tree calls bad, or NULL */
	const char *reason;
	const char *where; /* the tree's function that said so: KS_LOC */
	const char *stage; /* the check running now */
	const char *stage_loc;
	bool typed; /* the head had a page type at entry */
	bool kept;  /* order-0 hwpoison: the tree keeps it out of the buddy */
	unsigned long pfn;
	unsigned int order;
	bool armed;
} fc;

static void bad_page(struct page *page, const char *reason)
{
	if (fc.page)
		return;
	fc.page = page;
	fc.reason = reason ? reason : "(no reason)";
	fc.where = fc.stage_loc;
}

#ifndef PageHWPoison
static inline bool PageHWPoison(const struct page *page)
{
	return test_bit_flags(PG_hwpoison, &page->flags);
}
#endif

static inline bool is_check_pages_enabled(void)
{
	return true;
}
#define page_pool_page_is_pp(page) false

#undef PAGE_FLAGS_CHECK_AT_FREE
#undef PAGE_FLAGS_CHECK_AT_PREP
#ifndef __PG_MLOCKED
#define __PG_MLOCKED BIT(PG_mlocked)
#endif
#ifndef __PG_HWPOISON
#define __PG_HWPOISON BIT(PG_hwpoison)
#endif
#ifndef LRU_GEN_MASK
#define LRU_GEN_MASK 0UL
#endif
#ifndef LRU_REFS_MASK
#define LRU_REFS_MASK 0UL
#endif
#ifndef PAGEFLAGS_MASK
#define PAGEFLAGS_MASK (BIT(NR_PAGEFLAGS) - 1)
#endif

#include "freecheck.c" /* gen/freecheck.c: the tree's code, #line-tagged */

#define STAGE(fn) (fc.stage = #fn, fc.stage_loc = KS_LOC_##fn)

#define KS_MAX_PAGES (1U << FF_MAX_ORDER)
static struct page saved[KS_MAX_PAGES];

void ks_check_free(struct page *page, unsigned int order)
{
	unsigned long n = 1UL << order;
	struct folio *folio = page_folio(page);
	bool compound = PageCompound(page);
	int bad = 0;

	memset(&fc, 0, sizeof(fc));
	if (order > FF_MAX_ORDER)
		return;
	fc.armed = true;
	fc.pfn = page_to_pfn(page);
	fc.order = order;
	memcpy(saved, page, n * sizeof(*page));
	fc.typed = page_has_type(page);
	KS_RAN(free_page_is_bad);

	/* the tree's free_pages_prepare(), its checks and what they see */
	if (folio_test_mlocked(folio))
		folio_clear_mlocked(folio); /* munlock raced: not a bug */
	if (PageHWPoison(page) && !order) {
		fc.kept = true; /* isolated, never reaches the checks */
		goto restore;
	}
	if (order) {
		if (compound) {
			page[1].flags &= ~PAGE_FLAGS_SECOND;
			/* The page count of a large folio sits over page[1]'s
			 * memcg_data in the model (v6.15+ layout), where the
			 * model clears it; in 6.12 it lives where no check
			 * looks.  Clear it as the layout requires. */
			((struct folio *)page)->_nr_pages = 0;
		}
		for (unsigned long i = 1; i < n; i++) {
			if (compound) {
				STAGE(free_tail_page_prepare);
				bad += ks_free_tail_page_prepare(page,
								 page + i);
			}
			STAGE(free_page_is_bad);
			if (ks_free_page_is_bad(page + i)) {
				bad++;
				continue;
			}
		}
	}
	if ((unsigned long)page->mapping & FOLIO_MAPPING_FLAGS)
		page->mapping = NULL;
	STAGE(free_page_is_bad);
	if (ks_free_page_is_bad(page))
		bad++;
	if (bad && !fc.page) /* counted without a reason: keep the count */
		fc.page = page, fc.reason = "(bad without reason)";
restore:
	memcpy(page, saved, n * sizeof(*page));
}

void ks_check_free_done(struct page *page, unsigned int order, bool model_bad)
{
	struct ff_world *w = ff_cur;
	bool tree_bad = fc.page != NULL;
	unsigned long bad_pfn;
	char msg[FF_FAIL_MSG];

	if (!fc.armed || page_to_pfn(page) != fc.pfn || order != fc.order)
		return;
	fc.armed = false;
	if (fc.kept) /* a verdict the model's free path has no room for */
		tree_bad = true, fc.page = page,
		fc.reason = "order-0 hwpoison page kept out of the buddy",
		fc.where = KS_LOC_free_page_is_bad;
	if (tree_bad == model_bad)
		return;
	bad_pfn = page_to_pfn(fc.page ? fc.page : page);
	if (tree_bad) {
		/* Before 6.17 a page type is not cleared on free, and it
		 * overlays _mapcount. */
		if (fc.typed && strcmp(fc.reason, "nonzero mapcount") == 0)
			w->k.impl->expect_next("EXP_FREE_TYPED_PAGE");
		ff_fail(I_KSHIM_FREECHECK, fc.page,
			"freecheck: pfn %lu: Linux %s's %s (%s) says bad page: "
			"'%s'; the model frees it",
			bad_pfn, KS_RELEASE, fc.stage ? fc.stage : "free path",
			fc.where ? fc.where : "?", fc.reason);
		return;
	}
	/* The model said bad and recorded its own failure first: keep its
	 * report, as the tree's verdict differs. */
	if (w && ff_world_failed(w) &&
	    (w->fail.inv == I_FREE_BAD_PAGE || w->fail.inv == I_FREE_TAIL)) {
		snprintf(
			msg, sizeof(msg),
			"freecheck: Linux %s's checks pass the pages the model "
			"calls bad: %.150s",
			KS_RELEASE, w->fail.msg);
		if (strstr(w->fail.msg, "mm mapcount"))
			w->k.impl->expect_next("EXP_FREE_NO_MM_ID");
		w->fail.inv = FF_INV_NONE; /* replaced by the difference */
		ff_fail(I_KSHIM_FREECHECK,
			&w->k.memmap[w->fail.pfn >= 0 ? w->fail.pfn :
							(long)fc.pfn],
			"%s", msg);
	}
}
