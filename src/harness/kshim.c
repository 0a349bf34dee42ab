/*
 * kshim.c - the harness's side of kshim (docs/kshim.md): which real
 * kernel code this build has, the expected-difference line, and the
 * differential of run --kshim-diff.  A kshim build (scripts/kshim.sh)
 * compiles with FF_KSHIM and links src/kshim/runtime.c, which defines
 * ks_impl; a model-only build has none, and every world runs the model.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/fail.h"
#include "foliofuzz/harness.h"
#include "foliofuzz/world.h"

#ifdef FF_KSHIM
extern const struct ff_kimpl ks_impl;

const struct ff_kimpl *ff_kshim_impl(void)
{
	return &ks_impl;
}
#else
const struct ff_kimpl *ff_kshim_impl(void)
{
	return NULL;
}

void ff_kshim_manifest(FILE *f)
{
	fputs("not a kshim build: it runs the model alone (scripts/kshim.sh "
	      "--kernel-src SRC builds one with a kernel tree's code)\n",
	      f);
}
#endif

bool ff_kshim_wanted(void)
{
	static int wanted = -1;

	if (wanted < 0) {
		const char *e = getenv("FOLIOFUZZ_KSHIM");

		wanted = !(e && strcmp(e, "0") == 0);
	}
	return wanted;
}

void ff_print_expected(FILE *f, const struct ff_kimpl *impl, int row)
{
	const struct ff_kexpected *e;

	if (!impl || row < 0)
		return;
	e = &impl->expected_rows[row];
	fprintf(f,
		"expected difference: %s (Linux %s..%s, pick %s): %s in this "
		"tree: %s; upstream: %s\n",
		e->id, e->from, e->until[0] ? e->until : "", e->pick,
		ff_invs[e->inv].id, e->why, e->ref);
}

/*
 * The differential (run --kshim-diff).  The two worlds' struct pages are
 * compared word by word after normalising pointers: a word pointing into
 * a world's kernel state or memmap compares by its offset there, so
 * "mapping = file 3" is equal in both worlds though the addresses are not.
 */

static uint64_t norm(const struct ff_world *w, uint64_t v)
{
	uint64_t k = (uint64_t)(uintptr_t)&w->k,
		 mm = (uint64_t)(uintptr_t)w->k.memmap;

	if (v >= k && v < k + sizeof(w->k))
		return (1ULL << 62) | (v - k);
	if (v >= mm && v < mm + w->k.nr_memmap * sizeof(struct page))
		return (2ULL << 62) | (v - mm);
	return v;
}

void ff_kshim_compare(struct ff_world *real, struct ff_world *model)
{
	if (ff_world_failed(real))
		return;
	if (ff_world_failed(model)) {
		const char *f = model->fail.finding != FF_FINDING_NONE ?
					ff_findings[model->fail.finding].id :
					NULL;

		ff_world_enter(real);
		/* The model's own finding F_DAX_STALE_SHARE (6.15+) is the
		 * index 6.12 resets: an expected difference. */
		if (model->fail.finding == F_DAX_STALE_SHARE)
			real->k.impl->expect_next("EXP_DAX_INDEX_RESET");
		ff_fail(I_KSHIM_DIFF,
			model->fail.pfn >= 0 ?
				&real->k.memmap[model->fail.pfn] :
				NULL,
			"the model's world broke %s%s%s%s where the tree's code "
			"did not: %.150s",
			ff_invs[model->fail.inv].id,
			f ? " (known finding " : "", f ? f : "", f ? ")" : "",
			model->fail.msg);
		return;
	}
	/* Only pfns either world touched since it was built can differ: the
	 * rest hold the same built image (and the final check's I_UNTOUCHED
	 * catches a write that was not announced). */
	for (unsigned long pfn = 0; pfn < real->k.nr_memmap; pfn++) {
		const uint64_t *a = (const uint64_t *)&real->k.memmap[pfn],
			       *b = (const uint64_t *)&model->k.memmap[pfn];
		uint64_t dirty = real->dirty[pfn / 64] | model->dirty[pfn / 64];
		char msg[FF_FAIL_MSG], sa[FF_SYM_LEN], sb[FF_SYM_LEN];
		size_t len = 0;

		if (!dirty) {
			pfn |= 63; /* the whole word of pfns is clean */
			continue;
		}
		if (!((dirty >> (pfn % 64)) & 1) ||
		    memcmp(a, b, sizeof(struct page)) == 0)
			continue;
		for (int i = 0; i < 8 && len < sizeof(msg) - 1; i++) {
			if (norm(real, a[i]) == norm(model, b[i]))
				continue;
			ff_world_enter(real);
			ff_sym((unsigned long)a[i], sa);
			ff_world_enter(model);
			ff_sym((unsigned long)b[i], sb);
			len += (size_t)snprintf(msg + len, sizeof(msg) - len,
						"%s%s: tree %s, model %s",
						len ? "; " : "",
						ff_page_word_name(i), sa, sb);
		}
		if (!len)
			continue;
		ff_world_enter(real);
		/* Before 6.15 a DAX page that leaves its last file gets index
		 * 0; the model (6.17) keeps the old one.  Only that word. */
		if (ff_pfn_is_dax(&real->k, pfn) && a[4] == 0 && b[4] != 0 &&
		    memcmp(a, b, 4 * sizeof(*a)) == 0 &&
		    memcmp(a + 5, b + 5, 3 * sizeof(*a)) == 0)
			real->k.impl->expect_next("EXP_DAX_INDEX_RESET");
		ff_fail(I_KSHIM_DIFF, &real->k.memmap[pfn], "pfn %lu: %s", pfn,
			msg);
		return;
	}
	ff_world_enter(real);
}
