/*
 * world.c - creating, tearing down and destroying a world.
 *
 * Creation lays out the memmap (exactly nr_memmap struct pages), hands all
 * RAM to the buddy allocator and wires the fixed objects: three files, two
 * anon_vmas, four VMAs (vma0 and vma1 share anon_vma 0 as after fork;
 * vma2 and vma3 share anon_vma 1) and one memcg.  Teardown releases every
 * live object through the modelled kernel paths, so a leak or a bad free
 * at the end of an input is caught like any other step.
 */
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/memdesc.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/refmodel.h"

void ff_config_default(struct ff_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->nr_pfns = 512;
	cfg->max_order = 6;
	cfg->pmd_order = 4;
	cfg->sweep_every = 64;
	cfg->nr_devpriv = 64;
	cfg->nr_dax = 64;
	cfg->max_maps = FF_MAX_MAPS;
	cfg->kshim = ff_kshim_impl() != NULL && ff_kshim_wanted();
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort(); /* host out of memory: not a model failure */
	return p;
}

/*
 * Worlds are recycled.  A destroyed world keeps its allocations and a
 * byte image of itself and its memmap taken right after it was first
 * built; the next world with the same config is restored from that image
 * instead of being built again.  The image is only valid at the same
 * addresses (the world points into itself and its memmap), so the world
 * struct is recycled too.  Nothing of an input survives: the restore
 * overwrites every byte the build would have written, and the reference
 * model and checker marks are cleared as calloc would.  The memmap stays
 * one exactly-sized allocation, so ASan still sees a stray struct page.
 *
 * When the input's final check found every pfn outside the dirty bitmap
 * (the pfns the input touched) as in the image, with a zero reference
 * entry (w->img_clean, ff_check_sweep), only the dirty pfns' struct pages
 * and reference entries are restored; otherwise (a failed or unchecked
 * input, a report's replay) all of them.
 */
#define NR_CACHED 3
static struct ff_world *cached[NR_CACHED];

static bool same_config(const struct ff_config *a, const struct ff_config *b)
{
	return a->nr_pfns == b->nr_pfns && a->max_order == b->max_order &&
	       a->pmd_order == b->pmd_order &&
	       a->sweep_every == b->sweep_every &&
	       a->nr_devpriv == b->nr_devpriv && a->nr_dax == b->nr_dax &&
	       a->max_maps == b->max_maps && a->bugs == b->bugs &&
	       a->memdesc == b->memdesc && a->kshim == b->kshim;
}

static size_t dirty_words(const struct ff_world *w)
{
	return (w->k.nr_memmap + 63) / 64;
}

/* Restores the dirty pfns' struct pages and reference entries. */
static void restore_dirty(struct ff_world *w)
{
	for (size_t i = 0; i < dirty_words(w); i++) {
		uint64_t d = w->dirty[i];

		while (d) {
			unsigned long pfn = i * 64 + __builtin_ctzll(d);
			unsigned long nr = 1;

			d &= d - 1;
			while (d & (1ULL << ((pfn + nr) % 64))) { /* a run */
				d &= d - 1;
				nr++;
			}
			memcpy(&w->k.memmap[pfn], &w->img_memmap[pfn],
			       nr * sizeof(struct page));
			memset(&w->ref[pfn], 0, nr * sizeof(*w->ref));
		}
	}
}

static struct ff_world *restore_cached(const struct ff_config *cfg)
{
	for (int i = 0; i < NR_CACHED; i++) {
		struct ff_world *w = cached[i];
		struct page *s0;
		bool clean;

		if (!w || !same_config(&w->key, cfg))
			continue;
		cached[i] = NULL;
		s0 = w->s0; /* allocated after the image was taken */
		clean = w->img_clean;
		memcpy(w, w->img, sizeof(*w));
		w->s0 = s0;
		if (clean) {
			restore_dirty(w);
		} else {
			memcpy(w->k.memmap, w->img_memmap,
			       w->k.nr_memmap * sizeof(struct page));
			memset(w->ref, 0, w->k.nr_memmap * sizeof(*w->ref));
		}
		memset(w->dirty, 0, dirty_words(w) * sizeof(*w->dirty));
		memset(w->touched_mark, 0, w->k.nr_memmap);
		ff_world_enter(w);
		return w;
	}
	return NULL;
}

static bool cache_world(struct ff_world *w)
{
	if (!w->img)
		return false;
	for (int i = 0; i < NR_CACHED; i++)
		if (!cached[i]) {
			cached[i] = w;
			return true;
		}
	return false;
}

/* The image a recycled world is restored from. */
static void take_image(struct ff_world *w)
{
	w->img = malloc(sizeof(*w));
	w->img_memmap = malloc(w->k.nr_memmap * sizeof(struct page));
	if (!w->img || !w->img_memmap)
		abort();
	memcpy(w->img_memmap, w->k.memmap,
	       w->k.nr_memmap * sizeof(struct page));
	memcpy(w->img, w, sizeof(*w));
}

struct ff_world *ff_world_create(const struct ff_config *cfg)
{
	struct ff_world *w = restore_cached(cfg);

	if (w)
		return w;
	w = xcalloc(1, sizeof(*w));
	w->k.cfg = *cfg;
	if (w->k.cfg.max_order > FF_MAX_ORDER)
		w->k.cfg.max_order = FF_MAX_ORDER;
	if (w->k.cfg.pmd_order > w->k.cfg.max_order)
		w->k.cfg.pmd_order = w->k.cfg.max_order;
	w->k.cfg.nr_dax &= ~3U; /* DAX files are laid out in quarters */
	if (w->k.cfg.nr_dax > 4 * FF_DAX_FILE_PAGES)
		w->k.cfg.nr_dax = 4 * FF_DAX_FILE_PAGES;
	w->k.devpriv_start = w->k.cfg.nr_pfns;
	w->k.dax_start = w->k.devpriv_start + w->k.cfg.nr_devpriv;
	w->k.nr_memmap = w->k.dax_start + w->k.cfg.nr_dax;
	w->cap_objs = (uint32_t)w->k.nr_memmap;
	/* Exactly sized: the first stray struct page is out of bounds. */
	w->k.memmap = malloc(w->k.nr_memmap * sizeof(struct page));
	if (!w->k.memmap)
		abort();
	w->ref = xcalloc(w->k.nr_memmap, sizeof(*w->ref));
	w->objs = xcalloc(w->cap_objs, sizeof(*w->objs));
	w->touched = xcalloc(w->k.nr_memmap, sizeof(*w->touched));
	w->touched_mark = xcalloc(w->k.nr_memmap, 1);
	w->dirty = xcalloc(dirty_words(w), sizeof(*w->dirty));
	w->fail.inv = FF_INV_NONE;
	w->fail.finding = FF_FINDING_NONE;
	w->fail.expected = -1;
	w->fail.pfn = -1;
	if (w->k.cfg.kshim)
		w->k.impl = ff_kshim_impl();

	for (uint32_t i = 0; i < FF_NR_FILES; i++) {
		w->k.files[i].id = i;
		w->k.files[i].memcg =
			i == FF_UNCHARGED_FILE ? NULL : &w->k.memcg;
	}
	for (uint32_t i = 0; i < FF_NR_ANON_VMAS; i++) {
		w->k.anon_vmas[i].id = i;
		w->k.anon_vmas[i].memcg =
			i == FF_UNCHARGED_ANON_VMA ? NULL : &w->k.memcg;
	}
	for (uint32_t i = 0; i < FF_NR_RAM_VMAS; i++) {
		w->k.vmas[i].anon_vma = &w->k.anon_vmas[i / 2];
		w->k.vmas[i].file = &w->k.files[i % FF_NR_FILES];
	}
	/* DAX VMAs: two processes map d0, one each maps d1, d2, d3. */
	for (uint32_t i = 0; i < FF_NR_VMAS - FF_NR_RAM_VMAS; i++) {
		static const uint8_t file_of[] = { 0, 0, 1, 2, 3 };

		w->k.vmas[FF_NR_RAM_VMAS + i].file =
			&w->k.dax_files[file_of[i]].as;
	}
	w->k.memcg.id = 1;

	ff_world_enter(w);
	ff_buddy_init(&w->k);
	dmirror_init(&w->k);
	dax_init_region(&w->k);
	w->nr_touched = 0;
	memset(w->touched_mark, 0, w->k.nr_memmap);
	memset(w->dirty, 0, dirty_words(w) * sizeof(*w->dirty));
	w->key = *cfg; /* what a later create asks for, before normalizing */
	take_image(w);
	return w;
}

void ff_world_destroy(struct ff_world *w)
{
	if (!w)
		return;
	if (ff_cur == w)
		ff_world_enter(NULL);
	md_pools_destroy(&w->k);
	if (cache_world(w))
		return;
	free(w->k.memmap);
	free(w->ref);
	free(w->objs);
	free(w->touched);
	free(w->touched_mark);
	free(w->dirty);
	free(w->s0);
	free(w->img);
	free(w->img_memmap);
	free(w);
}
