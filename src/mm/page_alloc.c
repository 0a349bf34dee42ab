/*
 * page_alloc.c - the buddy allocator over the world's RAM, and the free and
 * allocation paths with their debug checks.
 *
 * Follows mm/page_alloc.c of Linux v6.17 (docs/kernel-notes.md §4.2,
 * §9.1 - §9.4): __free_one_page() merging, expand(), set_buddy_order(),
 * free_pages_prepare() in the kernel's order (tail prep, anon mapping clear,
 * the 6.17 page-type reset, free_page_is_bad()), check_new_page(),
 * post_alloc_hook() and prep_compound_page().  One zone, no pcp lists, no
 * migratetypes: the free lists are per order only.
 */
#include <string.h>

#include "foliofuzz/glue.h"
#include "foliofuzz/list.h"
#include "foliofuzz/mm.h"

static unsigned long nr_ram(void)
{
	return ff_kern->cfg.nr_pfns;
}

unsigned long buddy_order(const struct page *page)
{
	return page->private;
}

static void set_buddy_order(struct page *page, unsigned int order)
{
	page->private = order;
	__SetPageBuddy(page);
}

static bool page_is_buddy(const struct page *buddy, unsigned int order)
{
	return PageBuddy(buddy) && buddy_order(buddy) == order;
}

/*
 * A list link writes its neighbours' struct pages too (their buddy_list
 * pointers): the checker must know.  e may be corrupted: it is only
 * converted to a pfn, never followed, and ff_touch ignores a pfn outside
 * the memmap.
 */
static void touch_link(const struct list_head *e, unsigned int order)
{
	uintptr_t a = (uintptr_t)e - offsetof(struct page, buddy_list);

	if (e != &ff_kern->free_area[order])
		ff_touch((a - (uintptr_t)mem_map) / sizeof(struct page), 1);
}

static void add_to_free_list(struct page *page, unsigned int order)
{
	touch_link(ff_kern->free_area[order].next, order);
	list_add(&page->buddy_list, &ff_kern->free_area[order]);
	ff_kern->nr_free[order]++;
}

static void del_page_from_free_list(struct page *page, unsigned int order)
{
	FF_FUNC();
	touch_link(page->buddy_list.prev, order);
	touch_link(page->buddy_list.next, order);
	list_del(&page->buddy_list);
	/* memdesc representation: buddy_list.prev is the memdesc word, and
	 * LIST_POISON2 would read as type File (F_MEMDESC_LIST_POISON). */
	if (ff_kern->cfg.memdesc && !ff_bug_on(md_list_poison))
		page->lru.prev = NULL;
	__ClearPageBuddy(page);
	page->private = 0;
	ff_kern->nr_free[order]--;
}

/* __free_one_page(): merge with free buddies while possible. */
static void __free_one_page(struct page *page, unsigned long pfn,
			    unsigned int order)
{
	FF_FUNC();
	unsigned int max_order = ff_kern->cfg.max_order;

	while (order < max_order) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy;

		if (buddy_pfn + (1UL << order) > nr_ram())
			break;
		buddy = pfn_to_page(buddy_pfn);
		if (!page_is_buddy(buddy, order))
			break;
		ff_race_point(RP_FREE_MERGE);
		del_page_from_free_list(buddy, order);
		ff_touch(buddy_pfn, 1);
		pfn &= buddy_pfn;
		page = pfn_to_page(pfn);
		order++;
	}
	set_buddy_order(page, order);
	add_to_free_list(page, order);
	ff_touch(pfn, 1);
}

FF_NO_COVERAGE void ff_buddy_init(struct ff_kernel *k)
{
	FF_FUNC();
	unsigned long pfn = 0;

	for (unsigned int o = 0; o <= FF_MAX_ORDER; o++) {
		INIT_LIST_HEAD(&k->free_area[o]);
		k->nr_free[o] = 0;
	}
	for (unsigned long i = 0; i < k->cfg.nr_pfns; i++) {
		memset(&k->memmap[i], 0, sizeof(struct page));
		k->memmap[i].page_type = UINT_MAX;
		set_page_zone(&k->memmap[i], ZONE_NORMAL);
	}
	/* memblock_free_all(): hand RAM over in the largest aligned blocks. */
	while (pfn < k->cfg.nr_pfns) {
		unsigned int order = k->cfg.max_order;

		while (order && ((pfn & ((1UL << order) - 1)) ||
				 pfn + (1UL << order) > k->cfg.nr_pfns))
			order--;
		__free_one_page(&k->memmap[pfn], pfn, order);
		pfn += 1UL << order;
	}
}

/* page_bad_reason(): the last matching reason wins, as in the kernel. */
static const char *page_bad_reason(const struct page *page, unsigned long flags,
				   const char *flag_reason)
{
	FF_FUNC();
	const char *reason = NULL;

	if (page->_mapcount != -1)
		reason = "nonzero mapcount";
	if (page->mapping != NULL)
		reason = "non-NULL mapping";
	if (page_ref_count(page) != 0)
		reason = "nonzero _refcount";
	if (page->flags & flags)
		reason = flag_reason;
	if (page->memcg_data)
		reason = "page still charged to cgroup";
	return reason;
}

/* free_page_is_bad() -> bad_page(): reported, and the page is leaked. */
static bool free_page_is_bad(struct page *page)
{
	FF_FUNC();
	const char *reason =
		page_bad_reason(page, PAGE_FLAGS_CHECK_AT_FREE,
				"PAGE_FLAGS_CHECK_AT_FREE flag(s) set");

	if (!reason)
		return false;
	char m[FF_SYM_LEN], c[FF_SYM_LEN];

	ff_fail(I_FREE_BAD_PAGE, page,
		"BUG: Bad page state: pfn %lu: %s (flags 0x%lx mapcount %d "
		"refcount %d mapping %s memcg %s)",
		page_to_pfn(page), reason, page->flags, page->_mapcount,
		page->_refcount, ff_sym((unsigned long)page->mapping, m),
		ff_sym(page->memcg_data, c));
	/* bad_page() resets the mapcount so the page is not used again. */
	page->_mapcount = -1;
	return true;
}

static bool free_tail_bad(struct page *page, const char *reason)
{
	ff_fail(I_FREE_TAIL, page, "BUG: Bad page state: pfn %lu: %s",
		page_to_pfn(page), reason);
	return true;
}

/* free_tail_page_prepare() (6.15+ layout, no hugetlb). */
static int free_tail_page_prepare(struct page *head_page, struct page *page)
{
	FF_FUNC();
	struct folio *folio = (struct folio *)head_page;
	int ret = 1;

	switch (page - head_page) {
	case 1:
		if (folio->_entire_mapcount + 1 != 0) {
			free_tail_bad(page, "nonzero entire_mapcount");
			goto out;
		}
		if (folio_large_mapcount(folio) != 0) {
			free_tail_bad(page, "nonzero large_mapcount");
			goto out;
		}
		if (folio->_nr_pages_mapped != 0) {
			free_tail_bad(page, "nonzero nr_pages_mapped");
			goto out;
		}
		if (folio->_mm_id_mapcount[0] != -1) {
			free_tail_bad(page, "nonzero mm mapcount 0");
			goto out;
		}
		if (folio->_mm_id_mapcount[1] != -1) {
			free_tail_bad(page, "nonzero mm mapcount 1");
			goto out;
		}
		if (folio->_pincount != 0) {
			free_tail_bad(page, "nonzero pincount");
			goto out;
		}
		break;
	case 2:
		/* page[2] exists only for order >= 2, where the list was
		 * initialised by prep_compound_head(). */
		if (!list_empty(&folio->_deferred_list)) {
			free_tail_bad(page, "on deferred list");
			goto out;
		}
		break;
	default:
		if (page->mapping != TAIL_MAPPING) {
			free_tail_bad(page, "corrupted mapping in tail page");
			goto out;
		}
		break;
	}
	if (!PageTail(page)) {
		free_tail_bad(page, "PageTail not set");
		goto out;
	}
	if (compound_head(page) != head_page) {
		free_tail_bad(page, "compound_head not consistent");
		goto out;
	}
	ret = 0;
out:
	page->mapping = NULL;
	clear_compound_head(page);
	return ret;
}

/* free_pages_prepare(), v6.17 order of steps (docs/kernel-notes.md §9.1). */
static bool __free_pages_prepare(struct page *page, unsigned int order)
{
	FF_FUNC();
	int bad = 0;

	VM_BUG_ON_PAGE(PageTail(page), page, I_FREE_BAD_PAGE,
		       "free_pages_prepare on a tail page");

	if (order) {
		bool compound = PageCompound(page);
		struct folio *folio = (struct folio *)page;

		VM_BUG_ON_PAGE(compound && compound_order(page) != order, page,
			       I_FREE_BAD_PAGE,
			       "freeing order %u of an order-%u compound page",
			       order, compound_order(page));
		if (compound) {
			folio->_flags_1 &= ~PAGE_FLAGS_SECOND;
			folio->_nr_pages = 0;
		}
		for (unsigned long i = 1; i < (1UL << order); i++) {
			if (compound)
				bad += free_tail_page_prepare(page, page + i);
			if (free_page_is_bad(page + i))
				bad++;
			page[i].flags &= ~PAGE_FLAGS_CHECK_AT_PREP;
		}
	}
	if (folio_test_anon((struct folio *)page))
		page->mapping = NULL;
	/* 6.17: page freeing clears any set page type (seed 001). */
	if (page_has_type(page) && !ff_bug_on(type_not_reset_on_free))
		page->page_type = UINT_MAX;
	if (free_page_is_bad(page))
		bad++;
	if (bad)
		return false;
	page->flags &= ~PAGE_FLAGS_CHECK_AT_PREP;
	return true;
}

bool free_pages_prepare(struct page *page, unsigned int order)
{
	FF_FUNC();
	bool ok;

	/* pick freecheck: the tree's free-time checks judge the same pages
	 * first (and put them back), then compare with the model's verdict */
	FF_KSHIM_BESIDE(check_free, page, order);
	ok = __free_pages_prepare(page, order);
	FF_KSHIM_BESIDE(check_free_done, page, order, !ok);
	return ok;
}

void free_frozen_pages(struct page *page, unsigned int order)
{
	FF_FUNC();
	unsigned long pfn = page_to_pfn(page);

	ff_touch(pfn, 1UL << order);
	if (!free_pages_prepare(page, order))
		return; /* leaked, as after bad_page() */
	ff_race_point(RP_FREE_BEFORE_MERGE);
	__free_one_page(page, pfn, order);
}

/* check_new_page(): page_expected_state(PAGE_FLAGS_CHECK_AT_PREP). */
static void check_new_page(struct page *page)
{
	FF_FUNC();
	const char *reason =
		page_bad_reason(page, PAGE_FLAGS_CHECK_AT_PREP,
				"PAGE_FLAGS_CHECK_AT_PREP flag(s) set");

	if (reason)
		ff_fail(I_BUDDY_STATE, page,
			"BUG: Bad page state at allocation: pfn %lu: %s",
			page_to_pfn(page), reason);
}

static void expand(struct page *page, unsigned int low, unsigned int high)
{
	FF_FUNC();
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(&page[size], high);
		set_buddy_order(&page[size], high);
		ff_touch(page_to_pfn(&page[size]), 1);
	}
}

static struct page *__rmqueue_smallest(unsigned int order)
{
	FF_FUNC();
	for (unsigned int o = order; o <= ff_kern->cfg.max_order; o++) {
		struct list_head *area = &ff_kern->free_area[o];
		struct page *page;

		if (list_empty(area))
			continue;
		page = list_entry(area->next, struct page, buddy_list);
		del_page_from_free_list(page, o);
		expand(page, order, o);
		return page;
	}
	return NULL;
}

void prep_compound_page(struct page *page, unsigned int order)
{
	FF_FUNC();
	struct folio *folio = (struct folio *)page;
	unsigned long nr = 1UL << order;

	set_bit_flags(PG_head, &page->flags);
	for (unsigned long i = 1; i < nr; i++) {
		struct page *p = page + i;

		/* prep_compound_tail() */
		p->mapping = TAIL_MAPPING;
		set_compound_head(p, page);
		p->private = 0;
	}
	/* prep_compound_head() */
	folio_set_order(folio, order);
	folio->_large_mapcount = -1;
	folio->_nr_pages_mapped = 0;
	folio->_mm_ids = 0;
	folio->_mm_id_mapcount[0] = -1;
	folio->_mm_id_mapcount[1] = -1;
	folio->_pincount = 0;
	folio->_entire_mapcount = -1;
	if (order > 1)
		INIT_LIST_HEAD(&folio->_deferred_list);
}

void folio_set_order(struct folio *folio, unsigned int order)
{
	FF_FUNC();
	if (order == 0 || !folio_test_large(folio)) {
		ff_fail(I_COMPOUND_HEAD, &folio->page,
			"WARN: folio_set_order(%u) on a folio that is not large",
			order);
		return;
	}
	folio->_flags_1 = (folio->_flags_1 & ~0xffUL) | order;
	folio->_nr_pages = 1U << order;
}

void post_alloc_hook(struct page *page, unsigned int order)
{
	(void)order;
	page->private = 0;
	set_page_count(page, 1); /* set_page_refcounted() */
}

struct page *__alloc_pages(unsigned int order, bool comp)
{
	FF_FUNC();
	struct page *page;

	if (order > ff_kern->cfg.max_order)
		return NULL;
	page = __rmqueue_smallest(order);
	if (!page)
		return NULL;
	for (unsigned long i = 0; i < (1UL << order); i++)
		check_new_page(page + i);
	post_alloc_hook(page, order);
	if (comp && order)
		prep_compound_page(page, order);
	ff_touch(page_to_pfn(page), 1UL << order);
	return page;
}

/* folio_alloc() -> page_rmappable_folio(): large folios are rmappable. */
struct folio *folio_alloc(unsigned int order)
{
	FF_FUNC();
	struct page *page = __alloc_pages(order, true);
	struct folio *folio = (struct folio *)page;

	if (folio && order)
		folio_set_large_rmappable(folio);
	return folio;
}

void __free_pages(struct page *page, unsigned int order)
{
	struct folio *folio = (struct folio *)page;

	if (folio_put_testzero(folio))
		free_frozen_pages(page, order);
}
