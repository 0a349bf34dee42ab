/*
 * refmodel.c - the reference model's live set and per-pfn owner map.
 *
 * Objects are kept in creation order; a handle byte names objs[h % nr], so
 * any byte still names something.  Ownership conflicts (the allocator
 * handing out a pfn the model says is owned) are I_MODEL failures.
 */
#include <string.h>

#include "foliofuzz/refmodel.h"

struct ff_obj *ff_obj_new(struct ff_world *w, unsigned long pfn,
			  unsigned int order, uint8_t kind)
{
	unsigned long nr = 1UL << order;
	struct ff_obj *o = &w->objs[w->nr_objs++];

	memset(o, 0, sizeof(*o));
	o->id = w->next_obj_id++;
	o->pfn = (uint32_t)pfn;
	o->order = (uint8_t)order;
	o->kind = kind;
	for (unsigned long i = 0; i < nr; i++) {
		struct ff_ref_page *r = &w->ref[pfn + i];

		if (r->state != FF_PS_FREE)
			ff_fail(I_MODEL, &w->k.memmap[pfn + i],
				"allocator returned pfn %lu, which the model "
				"says object #%u owns",
				pfn + i, r->obj);
		r->state = order == 0 ? FF_PS_SMALL :
			   i == 0     ? FF_PS_HEAD :
					FF_PS_TAIL;
		r->obj = o->id;
		r->mapcount = 0;
	}
	return o;
}

long ff_obj_index_of(struct ff_world *w, unsigned long pfn)
{
	uint32_t id;

	if (pfn >= w->k.nr_memmap || w->ref[pfn].state == FF_PS_FREE)
		return -1;
	id = w->ref[pfn].obj;
	for (uint32_t i = 0; i < w->nr_objs; i++)
		if (w->objs[i].id == id)
			return i;
	return -1;
}

struct ff_obj *ff_obj_handle(struct ff_world *w, uint8_t h)
{
	if (!w->nr_objs)
		return NULL;
	return &w->objs[h % w->nr_objs];
}

void ff_obj_release(struct ff_world *w, struct ff_obj *o)
{
	unsigned long nr = 1UL << o->order;
	uint32_t idx = (uint32_t)(o - w->objs);

	for (unsigned long i = 0; i < nr; i++) {
		struct ff_ref_page *r = &w->ref[o->pfn + i];

		r->state = FF_PS_FREE;
		r->mapcount = 0;
	}
	memmove(&w->objs[idx], &w->objs[idx + 1],
		(w->nr_objs - idx - 1) * sizeof(*o));
	w->nr_objs--;
}

void ff_obj_settle(struct ff_world *w, struct ff_obj *o)
{
	if (ff_obj_expected_refs(o) == 0)
		ff_obj_release(w, o);
}

void ff_obj_move(struct ff_world *w, struct ff_obj *o, unsigned long dpfn)
{
	unsigned long spfn = o->pfn, nr = 1UL << o->order;
	int32_t saved[1 << FF_MAX_ORDER];
	struct ff_obj keep = *o;
	uint32_t pos = (uint32_t)(o - w->objs);
	struct ff_obj *n;

	for (unsigned long i = 0; i < nr; i++) {
		saved[i] = w->ref[spfn + i].mapcount;
		w->ref[spfn + i].state = FF_PS_FREE;
		w->ref[spfn + i].mapcount = 0;
	}
	n = ff_obj_new(w, dpfn, keep.order, keep.kind);
	for (unsigned long i = 0; i < nr; i++)
		w->ref[dpfn + i].mapcount = saved[i];
	keep.pfn = (uint32_t)dpfn;
	keep.id = n->id;
	keep.devpriv = ff_pfn_is_devpriv(&w->k, dpfn);
	/* the handle keeps its position in the live set */
	w->nr_objs--;
	w->objs[pos] = keep;
}

struct ff_obj *ff_obj_alloced(struct ff_world *w, unsigned long pfn,
			      unsigned int order, uint8_t kind, uint32_t sel,
			      unsigned long index, uint8_t type)
{
	struct ff_obj *o = ff_obj_new(
		w, pfn, order, ff_kind_is_mapped(kind) ? kind : FF_KIND_PLAIN);

	o->type = type;
	o->hrefs = 1;
	if (kind == FF_KIND_ANON) {
		o->mapping_id = sel % FF_NR_ANON_VMAS;
		o->index = index;
		o->charged = o->mapping_id != FF_UNCHARGED_ANON_VMA;
	} else if (kind == FF_KIND_FILE) {
		o->mapping_id = sel % FF_NR_FILES;
		o->index = index;
		o->charged = o->mapping_id != FF_UNCHARGED_FILE;
		o->cache_refs = (int32_t)(1L << order);
	}
	return o;
}

unsigned long ff_dax_head(const struct ff_world *w, unsigned long pfn)
{
	if (w->ref[pfn].dax_role == FF_DAX_TAIL)
		return pfn & ~(unsigned long)(FF_DAX_PMD_NR - 1);
	return pfn;
}

int32_t ff_dax_mapped_refs(const struct ff_world *w, unsigned long head)
{
	int32_t n = w->ref[head].dax_pmd_maps;

	if (w->ref[head].dax_role != FF_DAX_HEAD)
		return n + w->ref[head].mapcount;
	for (unsigned long i = 0; i < FF_DAX_PMD_NR; i++)
		n += w->ref[head + i].mapcount;
	return n;
}

bool ff_dax_folio_lost(const struct ff_world *w, unsigned long head)
{
	if (w->ref[head].dax_role != FF_DAX_HEAD)
		return false;
	for (unsigned long i = 1; i < FF_DAX_PMD_NR; i++)
		if (w->ref[head + i].dax_lost)
			return true;
	return false;
}
