/*
 * report.c - what a user reads when an invariant breaks.
 *
 * The report names the invariant, the failing step and its op, prints the
 * trace up to that step, and shows the affected pfns before and after the
 * step as an ASCII page row and as dump_page()-style dumps (after
 * mm/debug.c __dump_page()).  Pointers into the world print symbolically
 * (ff_sym), so the same input gives the same report byte for byte.
 */
#include <stdio.h>
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/list.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/snapshot.h"

static const char *const flag_names[NR_PAGEFLAGS] = {
	"locked",	"writeback", "referenced", "uptodate",	  "dirty",
	"lru",		"head",	     "waiters",	   "active",	  "workingset",
	"owner_priv_1", "owner_2",   "arch_1",	   "reserved",	  "private",
	"private_2",	"reclaim",   "swapbacked", "unevictable", "dropbehind",
	"mlocked",	"hwpoison",  "young",	   "idle",	  "arch_2",
};

static const char *type_name(unsigned int page_type)
{
	switch (page_type >> 24) {
	case PGTY_buddy:
		return "buddy";
	case PGTY_offline:
		return "offline";
	case PGTY_table:
		return "table";
	case PGTY_guard:
		return "guard";
	case PGTY_hugetlb:
		return "hugetlb";
	case PGTY_slab:
		return "slab";
	case PGTY_zsmalloc:
		return "zsmalloc";
	case PGTY_unaccepted:
		return "unaccepted";
	case PGTY_large_kmalloc:
		return "large_kmalloc";
	default:
		return "?";
	}
}

/*
 * page[1..3] of a large folio hold the folio's own fields, not a page's:
 * dumped as a page they read as nonsense (mapping:0xffffffff from the
 * mapcounts, "flags" from the order byte).  Prints them as the folio's
 * fields and returns true; false for any other page.
 */
static bool dump_folio_tail(FILE *f, const struct page *page)
{
	const struct page *head =
		(const struct page *)(page->compound_head - 1);
	const struct ff_kernel *k = &ff_cur->k;
	const struct folio *folio = (const struct folio *)head;
	char a[FF_SYM_LEN], b[FF_SYM_LEN];
	long i = page - head;

	if (head < k->memmap || head >= k->memmap + k->nr_memmap ||
	    !PageHead(head) || i < 1 || i > 3 ||
	    i >= (1L << (folio->_flags_1 & 0xff)))
		return false;
	fprintf(f, "  page[%ld] of the folio at %s: compound_head %s\n", i,
		ff_sym((unsigned long)head, a), ff_sym(page->compound_head, b));
	switch (i) {
	case 1:
		fprintf(f,
			"  folio: order:%lu nr_pages:%u large_mapcount:%d "
			"nr_pages_mapped:%#x entire_mapcount:%d pincount:%d "
			"mm_id_mapcount:%d,%d mm_ids:%#lx\n",
			folio->_flags_1 & 0xff, folio->_nr_pages,
			folio->_large_mapcount + 1, folio->_nr_pages_mapped,
			folio->_entire_mapcount + 1, folio->_pincount,
			folio->_mm_id_mapcount[0], folio->_mm_id_mapcount[1],
			folio->_mm_ids);
		fprintf(f, "  page[1] _mapcount:%d _refcount:%d\n",
			folio->_mapcount_1, folio->_refcount_1);
		break;
	case 2:
		fprintf(f, "  folio: flags_2:%#lx deferred_list: %s",
			folio->_flags_2,
			ff_sym((unsigned long)folio->_deferred_list.next, a));
		fprintf(f, " %s\n",
			ff_sym((unsigned long)folio->_deferred_list.prev, a));
		break;
	default:
		fprintf(f, "  folio: flags_3:%#lx (hugetlb fields unused)\n",
			folio->_flags_3);
	}
	fprintf(f,
		"  page[%ld] mapping:%s (TAIL_MAPPING expected from "
		"page[2] on)\n",
		i, ff_sym((unsigned long)page->mapping, a));
	return true;
}

/* dump_page() for a page of the current world. */
void ff_dump_page(FILE *f, unsigned long pfn)
{
	const struct page *page = pfn_to_page(pfn);
	const unsigned long *raw = (const unsigned long *)page;
	char a[FF_SYM_LEN], b[FF_SYM_LEN];
	int first = 1;

	fprintf(f,
		"page: pfn:%lu refcount:%d mapcount:%d mapping:%s index:%#lx\n",
		pfn, page->_refcount,
		page_has_type(page) ? 0 : page->_mapcount + 1,
		ff_sym((unsigned long)page->mapping, a), page->index);
	if ((page->compound_head & 1) && dump_folio_tail(f, page))
		return;
	if (page->compound_head & 1) {
		fprintf(f, "  tail of %s\n",
			ff_sym(page->compound_head - 1, b));
	} else if (PageHead(page) && pfn + 1 < ff_cur->k.nr_memmap) {
		const struct folio *folio = (const struct folio *)page;

		fprintf(f,
			"  head: order:%lu nr_pages:%u large_mapcount:%d "
			"entire_mapcount:%d nr_pages_mapped:%#x pincount:%d\n",
			folio->_flags_1 & 0xff, folio->_nr_pages,
			folio->_large_mapcount + 1, folio->_entire_mapcount + 1,
			folio->_nr_pages_mapped, folio->_pincount);
	}
	fprintf(f, "  flags: %#lx(", page->flags);
	for (int i = 0; i < NR_PAGEFLAGS; i++)
		if (page->flags & BIT(i)) {
			fprintf(f, "%s%s", first ? "" : "|", flag_names[i]);
			first = 0;
		}
	fprintf(f, ")\n");
	if (page_has_type(page))
		fprintf(f, "  page_type: %#010x(%s)\n", page->page_type,
			type_name(page->page_type));
	fprintf(f, "  raw: %#lx", raw[0]); /* flags: never a pointer */
	for (int i = 1; i < 8; i++)
		fprintf(f, " %s", ff_sym(raw[i], a));
	fprintf(f, "\n");
}

/* One character per pfn: H head, T tail, B free block head, . free page,
 * s small allocated page; '|' starts each block or folio.  With mark >= 0
 * in the row, a second line puts '^' under that pfn. */
void ff_dump_row(FILE *f, const struct ff_world *w, unsigned long base,
		 unsigned long nr, long mark)
{
	unsigned long free_left = 0;
	int col = 10, mark_col = -1;

	fprintf(f, "pfn %4lu: ", base);
	for (unsigned long pfn = base; pfn < base + nr && pfn < w->k.nr_memmap;
	     pfn++) {
		const struct page *p = &w->k.memmap[pfn];
		char c;

		if (PageBuddy(p) && !(p->compound_head & 1)) {
			c = 'B';
			free_left =
				p->private < 32 ? (1UL << p->private) - 1 : 0;
		} else if (p->compound_head & 1) {
			c = 'T';
		} else if (free_left) {
			c = '.';
			free_left--;
		} else if (PageHead(p)) {
			c = 'H';
		} else {
			c = 's';
		}
		if (pfn != base && (c == 'B' || c == 'H' || c == 's')) {
			fputs("| ", f);
			col += 2;
		}
		if ((long)pfn == mark)
			mark_col = col;
		fputc(c, f);
		fputc(' ', f);
		col += 2;
	}
	fputc('\n', f);
	if (mark_col >= 0)
		fprintf(f, "%*s^ pfn %ld\n", mark_col, "", mark);
}

/* The row of the max-order window holding pfn, and dumps of pfn and its
 * head, in world w. */
static void dump_state(FILE *f, struct ff_world *w, long pfn)
{
	struct ff_world *saved = ff_cur;
	unsigned long win = 1UL << FF_MAX_ORDER;
	unsigned long base = pfn < 0 ? 0 : ((unsigned long)pfn & ~(win - 1));
	const struct page *p;

	ff_world_enter(w);
	ff_dump_row(f, w, base, win, pfn);
	if (pfn >= 0 && (unsigned long)pfn < w->k.nr_memmap) {
		p = &w->k.memmap[pfn];
		if (p->compound_head & 1) {
			unsigned long h = p->compound_head - 1;
			unsigned long mm = (unsigned long)w->k.memmap;

			if (h >= mm && h < mm + w->k.nr_memmap * sizeof(*p) &&
			    (h - mm) % sizeof(*p) == 0)
				ff_dump_page(f, (h - mm) / sizeof(*p));
		}
		ff_dump_page(f, (unsigned long)pfn);
	}
	ff_world_enter(saved);
}

void ff_report(FILE *f, struct ff_world *after, struct ff_world *before,
	       const struct ff_prog *prog, size_t step)
{
	const struct ff_inv_info *inv = &ff_invs[after->fail.inv];

	fprintf(f, "==== foliofuzz: invariant %s violated ====\n", inv->id);
	if (step < prog->nr) {
		fprintf(f, "step %zu of %zu: ", step + 1, prog->nr);
		ff_op_print(f, &prog->ops[step]);
		fputc('\n', f);
	} else {
		fprintf(f, "step: teardown after %zu ops\n", prog->nr);
	}
	fprintf(f, "what: %s\n", after->fail.msg);
	if (after->fail.finding != FF_FINDING_NONE)
		fprintf(f,
			"known finding: %s (docs/findings.md; fix knob %s)\n",
			ff_findings[after->fail.finding].id,
			ff_findings[after->fail.finding].fix);
	if (after->k.impl) {
		fprintf(f,
			"kernel code: Linux %s (kshim build: real code "
			"from the tree in place of the model's)\n",
			after->k.impl->release);
		if (after->kshim_ran[0])
			fprintf(f, "real code in this step: %s\n",
				after->kshim_ran);
		if (after->fail.expected >= 0)
			ff_print_expected(f, after->k.impl,
					  after->fail.expected);
	} else {
		fprintf(f, "kernel code: the model (v6.17)\n");
	}
	fprintf(f, "invariant: %s\n", inv->statement);
	fprintf(f, "kernel: %s\n", inv->kernel);
	if (after->fail.pfn >= 0) { /* which model function did it */
		ff_blame(f, after, prog, step);
		ff_world_enter(after);
	}
	fprintf(f, "---- trace up to the failing step ----\n");
	/* a failing race op shows its writer too */
	ff_trace_print(f, prog, step + 1 + after->consumed);
	if (before) {
		fprintf(f, "---- before the step (pfn %ld) ----\n",
			after->fail.pfn);
		dump_state(f, before, after->fail.pfn);
	}
	fprintf(f, "---- after the step ----\n");
	dump_state(f, after, after->fail.pfn);
	if (after->fail.pfn >= 0 && !after->k.cfg.memdesc) {
		ff_world_enter(after);
		dump_page(f, pfn_to_page(after->fail.pfn), after->fail.msg);
	}
	if (after->peer) { /* run --kshim-diff: the model's side */
		fprintf(f, "---- the model's world after the step ----\n");
		dump_state(f, after->peer, after->fail.pfn);
	}
	fprintf(f, "==== end of report ====\n");
}
