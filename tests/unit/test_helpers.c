/*
 * test_helpers.c - the model's page and folio helpers on the states the
 * kernel's own helpers are defined on, where a slip would go unnoticed by
 * the invariants (they read the fields, not the helpers).
 *
 * folio_mapcount() of a small folio with a page type (a free buddy page,
 * an offline page) is 0: the type overlays _mapcount, and the kernel's
 * helper says so explicitly.  The model returned the type's bits until the
 * kshim pageflags cross-check against Linux 6.12's own folio_mapcount()
 * found it (docs/kshim.md).  Mapped and unmapped small and large folios
 * count as the kernel counts them.  dump_page() of a large folio's page[1]
 * and page[2] prints the folio fields stored there, not page fields.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/mm.h"

#include "check.h"

static struct ff_world *world_after(const char *trace)
{
	struct ff_config cfg;
	struct ff_world *w;
	struct ff_prog prog;
	char err[256];

	ff_config_default(&cfg);
	cfg.kshim = 0;
	w = ff_world_create(&cfg);
	ff_prog_init(&prog);
	CHECK(ff_trace_parse(trace, strlen(trace), "case", &prog, err,
			     sizeof(err)) == 0,
	      "trace: %s", err);
	for (size_t i = 0; i < prog.nr; i++)
		CHECK(ff_step(w, &prog, i, true).kind == FF_STEP_OK &&
			      !ff_failed(),
		      "step %zu of %s", i + 1, trace);
	w->prog = NULL;
	ff_prog_free(&prog);
	return w;
}

int main(void)
{
	struct ff_world *w = world_after("alloc order=0 kind=offline\n"
					 "alloc order=0 kind=anon obj=0 "
					 "index=0\n"
					 "map h=1 vma=0 first=0 nr=1\n"
					 "alloc order=2 kind=anon obj=0 "
					 "index=4\n");
	unsigned long free_pfn = w->k.cfg.nr_pfns; /* find a free buddy head */
	struct folio *f;

	for (unsigned long pfn = 0; pfn < w->k.cfg.nr_pfns; pfn++)
		if (PageBuddy(&w->k.memmap[pfn])) {
			free_pfn = pfn;
			break;
		}
	CHECK(free_pfn < w->k.cfg.nr_pfns, "a free buddy page exists");
	f = page_folio(&w->k.memmap[free_pfn]);
	CHECK(folio_mapcount(f) == 0, "buddy page: folio_mapcount %d, want 0",
	      folio_mapcount(f));
	f = page_folio(&w->k.memmap[w->objs[0].pfn]);
	CHECK(PageOffline(&f->page) && folio_mapcount(f) == 0,
	      "offline page: folio_mapcount %d, want 0", folio_mapcount(f));
	f = page_folio(&w->k.memmap[w->objs[1].pfn]);
	CHECK(folio_mapcount(f) == 1, "mapped anon page: %d, want 1",
	      folio_mapcount(f));
	f = page_folio(&w->k.memmap[w->objs[2].pfn]);
	CHECK(folio_test_large(f) && folio_mapcount(f) == 0,
	      "unmapped order-2 folio: %d, want 0", folio_mapcount(f));
	/* dump_page of page[1] and page[2] decodes the folio's fields */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *mf = open_memstream(&buf, &len);
		unsigned long head = w->objs[2].pfn;

		ff_world_enter(w);
		ff_dump_page(mf, head + 1);
		ff_dump_page(mf, head + 2);
		fclose(mf);
		CHECK(strstr(buf, "page[1] of the folio at pfn:") &&
			      strstr(buf, "folio: order:2 nr_pages:4") &&
			      strstr(buf, "page[2] of the folio at pfn:") &&
			      strstr(buf, "deferred_list:") &&
			      !strstr(buf, "flags: 0x"),
		      "folio tails dump as folio fields:\n%s", buf);
		free(buf);
	}
	ff_world_teardown(w, true);
	ff_world_destroy(w);
	printf("test_helpers: %u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed ? 1 : 0;
}
