/*
 * touch.c - the glue's touch tracking: the model marks the pfns whose
 * struct pages it wrote; the checker looks at those after the step.  The
 * dirty bitmap keeps them for the whole input: the final check and the
 * world's recycling only look at or restore those pfns (world.c).
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/world.h"

struct ff_kernel *ff_kern;
struct ff_world *ff_cur;

void ff_world_touch(struct ff_world *w, unsigned long pfn, unsigned long nr)
{
	w->img_clean = false; /* a write after the final check: restore all */
	for (unsigned long i = 0; i < nr; i++) {
		unsigned long p = pfn + i;

		if (p >= w->k.nr_memmap || w->touched_mark[p])
			continue;
		w->touched_mark[p] = 1;
		w->dirty[p / 64] |= 1ULL << (p % 64);
		w->touched[w->nr_touched++] = (uint32_t)p;
	}
}

void ff_touch(unsigned long pfn, unsigned long nr)
{
	ff_world_touch(ff_cur, pfn, nr);
}
