/*
 * check_internal.h - what the checker's files share (check.c, check_ram.c,
 * check_device.c, check_memdesc.c): small helpers and the checks one
 * file calls in another.  Private to src/harness/.
 */
#ifndef FOLIOFUZZ_CHECK_INTERNAL_H
#define FOLIOFUZZ_CHECK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/refmodel.h"

/* ff_failed() for the world being checked (always the current one), inline:
 * the sweeps test it once per page. */
static inline bool failed(const struct ff_world *w)
{
	return ff_world_failed(w);
}

static inline void set_bit64(uint64_t *map, unsigned long bit)
{
	map[bit / 64] |= 1ULL << (bit % 64);
}

static inline bool is_dirty(const uint64_t *dirty, unsigned long pfn)
{
	return (dirty[pfn / 64] >> (pfn % 64)) & 1;
}

/* No pfn of the aligned block [pfn, pfn + nr) is dirty (nr <= 64). */
static inline bool block_clean(const uint64_t *dirty, unsigned long pfn,
			       unsigned long nr)
{
	uint64_t mask = nr >= 64 ? ~0ULL : ((1ULL << nr) - 1) << (pfn % 64);

	return !(dirty[pfn / 64] & mask);
}

static inline unsigned long nr_ram(const struct ff_world *w)
{
	return w->k.cfg.nr_pfns;
}

/* Is p a struct page pointer into this memmap? */
static inline bool in_memmap(const struct ff_world *w, const void *p)
{
	uintptr_t a = (uintptr_t)p, base = (uintptr_t)w->k.memmap;

	return a >= base && a < base + w->k.nr_memmap * sizeof(struct page) &&
	       (a - base) % sizeof(struct page) == 0;
}

static inline unsigned long expected_mapping(const struct ff_world *w,
					     const struct ff_obj *o)
{
	if (o->kind == FF_KIND_ANON)
		return (unsigned long)&w->k.anon_vmas[o->mapping_id] +
		       FOLIO_MAPPING_ANON;
	if (o->kind == FF_KIND_FILE)
		return (unsigned long)&w->k.files[o->mapping_id];
	return 0;
}

/* check_ram.c: buddy free pages, RAM objects, the free lists */
void check_free_page_in(struct ff_world *w, unsigned long pfn,
			unsigned long base, unsigned int order);
void check_free_page(struct ff_world *w, unsigned long pfn);
void check_obj(struct ff_world *w, const struct ff_obj *o);
void check_free_lists(struct ff_world *w, const unsigned long *blocks);

/* check_device.c: the device-private region and FS-DAX */
bool check_pgmap(struct ff_world *w, unsigned long pfn,
		 const struct dev_pagemap *pgmap);
void check_devpriv_free(struct ff_world *w, unsigned long pfn);
void check_dax_page(struct ff_world *w, unsigned long pfn);
void check_devpriv_region(struct ff_world *w, const uint64_t *only);

/* The per-object checks of the representations (repr.h) are
 * ff_check_page_obj (check_ram.c) and ff_check_md_obj (check_memdesc.c). */

#endif
