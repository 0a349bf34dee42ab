/*
 * pick_pageflags.c - pick "pageflags" (docs/kshim.md): after every step,
 * the tree's own page-flag, page-type and folio helpers (bridged:
 * bridge_pageflags.c, compiled with the tree's headers) and the model's
 * give the same answer on every touched pfn (I_KSHIM_XCHECK).
 *
 * A helper the layout gate refused for this tree (it reads a field the
 * tree moved, or a flag it numbers differently: gen/ks_gate.h) is not
 * compared, as its answer would come from the wrong bits.
 * FOLIOFUZZ_KSHIM_GATE=0 compares them too: that shows what the gate
 * keeps out (on 6.12, folio_nr_pages reads _folio_nr_pages at offset 96,
 * where the model keeps another field).
 */
#include <stdlib.h>
#include <string.h>

#include "shim.h"

#include "ks_gate.h" /* generated: KS_REFUSED, the helpers the gate refused */
#include "picks.h"

void ks_bridge_set_memmap(void *memmap);
void ks_real_pageflags(unsigned long pfn, long *out);

/* The model's names for the helpers the model has under another name or
 * not at all (page-flags.h policies: PF_NO_TAIL reads the head's flags,
 * PF_HEAD the head's, PF_ANY the page's own). */
static inline bool ks_head_flag(const struct page *page, int bit)
{
	return test_bit_flags(bit, &compound_head(page)->flags);
}
#define PageLocked(page) ks_head_flag(page, PG_locked)
#define PageLRU(page) ks_head_flag(page, PG_lru)
#define PageHWPoison(page) test_bit_flags(PG_hwpoison, &(page)->flags)
#define KS_folio_pfn(folio) ((long)folio_pfn(folio))
#define KS_pincount(folio) ((folio)->_pincount)

static const char *const names[] = {
#define X(name, expr) #name,
#include "pageflags.def"
#undef X
};
#define NR_HELPERS (sizeof(names) / sizeof(names[0]))

static const char *const gate_refused[] = { KS_REFUSED NULL };
static bool refused[NR_HELPERS];
static bool ready;

static bool gate_refuses(const char *name)
{
	for (unsigned j = 0; gate_refused[j]; j++)
		if (strcmp(name, gate_refused[j]) == 0)
			return true;
	return false;
}

static void setup(void)
{
	const char *e = getenv("FOLIOFUZZ_KSHIM_GATE");
	bool gate = !(e && strcmp(e, "0") == 0);

	for (unsigned i = 0; i < NR_HELPERS; i++)
		refused[i] = gate && gate_refuses(names[i]);
	ready = true;
}

static void model_pageflags(unsigned long pfn, long *out)
{
	struct page *page = pfn_to_page(pfn);
	struct folio *folio = page_folio(page);
	int i = 0;

#define X(name, expr) out[i++] = (long)(expr);
#include "pageflags.def"
#undef X
}

void ks_check_page(unsigned long pfn)
{
	long real[NR_HELPERS], model[NR_HELPERS];

	if (!ready)
		setup();
	ks_bridge_set_memmap(ff_kern->memmap);
	ks_real_pageflags(pfn, real);
	model_pageflags(pfn, model);
	for (unsigned i = 0; i < NR_HELPERS; i++) {
		if (refused[i] || real[i] == model[i])
			continue;
		ff_fail(I_KSHIM_XCHECK, pfn_to_page(pfn),
			"pageflags: %s(pfn %lu) is %ld in Linux %s, %ld in the "
			"model%s",
			names[i], pfn, real[i], KS_RELEASE, model[i],
			gate_refuses(names[i]) ?
				" (the gate refuses it: FOLIOFUZZ_KSHIM_GATE=0)" :
				"");
		return;
	}
}
