/*
 * statehash.c - the canonical hash of a world's state, for `foliofuzz
 * enumerate`'s visited set (docs/design.md §24).
 *
 * What is hashed is what decides the world's future: two worlds with the
 * same hash run every later op the same way (up to a hash collision).
 *
 * - Every struct page of the memmap (RAM, device-private, DAX) that is
 *   not as the world was built, with its reference-model entry, word by
 *   word (a pfn no step touched is as built: the final check holds it to
 *   the image, I_UNTOUCHED).  A word that points into the memmap or into
 *   the world itself
 *   (compound_head, the buddy list links, mapping, pgmap, memcg_data) is
 *   hashed as a tagged offset, so a world recycled at another address
 *   hashes the same (world.c keeps up to three).
 * - The kernel's own objects, from the buddy free lists to the DAX files
 *   (struct ff_kernel from free_area up to the mapping table), the same
 *   way: the free lists' order decides which block the next allocation
 *   gets.  The configuration is the same for every world of a search.
 * - The mapping table's used entries, field by field, in order (ops name
 *   mappings by position).
 * - The reference model: the live objects in handle order (handles name
 *   objects by their place in the live set) without their creation ids or
 *   descriptor pointers, and every pfn's entry with its owner as a handle.
 *
 * Not hashed: the statistics, touch marks and dirty bitmap, the race
 * state (each race op rearms it), next_obj_id (ids only order objects),
 * the failure record (a failed world is never expanded), and the memdesc
 * descriptor pools (the primary world uses struct pages; a differential's
 * memdesc world must hold the same reference model after every step).
 */
#include <string.h>

#include "foliofuzz/enumerate.h"

struct hasher {
	uint64_t a, b;
	uintptr_t mm_lo, mm_hi; /* the memmap */
	uintptr_t w_lo, w_hi;	/* the world */
};

static inline uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* Two independent 64-bit lanes: a 128-bit hash. */
static inline void mix(struct hasher *h, uint64_t v)
{
	h->a = rotl(h->a ^ v, 27) * 0x9e3779b97f4a7c15ULL;
	h->b = (rotl(h->b, 31) + v) * 0xc2b2ae3d27d4eb4fULL;
	h->b ^= h->b >> 29;
}

/* A word that may be a pointer into the memmap or the world. */
static inline void mix_word(struct hasher *h, uint64_t v)
{
	uintptr_t p = (uintptr_t)v;

	if (p >= h->mm_lo && p < h->mm_hi)
		v = (p - h->mm_lo) | (1ULL << 62);
	else if (p >= h->w_lo && p < h->w_hi)
		v = (p - h->w_lo) | (2ULL << 62);
	mix(h, v);
}

static void mix_words(struct hasher *h, const void *p, size_t bytes)
{
	const unsigned char *c = p;
	uint64_t v;

	for (size_t i = 0; i + 8 <= bytes; i += 8) {
		memcpy(&v, c + i, 8);
		mix_word(h, v);
	}
}

static uint64_t fmix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The handle (place in the live set) of object id, or ~0 (none). */
static uint32_t handle_of(const struct ff_world *w, uint32_t id)
{
	uint32_t lo = 0, hi = w->nr_objs;

	while (lo < hi) { /* the live set is in creation (id) order */
		uint32_t mid = lo + (hi - lo) / 2;

		if (w->objs[mid].id == id)
			return mid;
		if (w->objs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return ~0U;
}

/* A reference entry as a freshly built world has it (owner aside: a free
 * pfn's owner field is stale). */
static bool ref_blank(const struct ff_ref_page *e)
{
	return e->state == FF_PS_FREE && !e->dax && !e->dax_file &&
	       !e->dax_role && !e->dax_n && !e->mapcount && !e->dax_pmd_maps &&
	       !e->dax_lost;
}

/* Pfn p's struct page and reference entry, unless both are as built
 * (so the hash depends on the state, not on which pfns were touched). */
static void mix_pfn(struct hasher *h, const struct ff_world *w, unsigned long p)
{
	const struct ff_ref_page *e = &w->ref[p];
	uint32_t owner;

	if (w->img_memmap && ref_blank(e) &&
	    !memcmp(&w->k.memmap[p], &w->img_memmap[p], sizeof(struct page)))
		return;
	owner = e->state == FF_PS_FREE ? ~1U : handle_of(w, e->obj);
	mix(h, p);
	mix_words(h, &w->k.memmap[p], sizeof(struct page));
	mix(h, (uint64_t)e->state << 56 | (uint64_t)e->dax << 48 |
		       (uint64_t)e->dax_file << 40 |
		       (uint64_t)e->dax_role << 32 | e->dax_n);
	mix(h, (uint64_t)owner << 32 | (uint32_t)e->mapcount);
	mix(h, (uint64_t)(uint32_t)e->dax_pmd_maps << 8 | e->dax_lost);
}

struct ff_state_hash ff_state_hash(const struct ff_world *w)
{
	struct hasher h = {
		0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0, 0, 0, 0
	};
	const struct ff_kernel *k = &w->k;
	size_t from = offsetof(struct ff_kernel, free_area);
	size_t to = offsetof(struct ff_kernel, maps);
	struct ff_state_hash r;

	h.mm_lo = (uintptr_t)k->memmap;
	h.mm_hi = h.mm_lo + k->nr_memmap * sizeof(struct page) + 8;
	h.w_lo = (uintptr_t)w;
	h.w_hi = h.w_lo + sizeof(*w);

	/* what differs from the world as built: the pfns the program
	 * touched (the final sweep holds every other one to its image and a
	 * blank reference entry, design.md §13), and the kernel's objects */
	for (size_t i = 0; w->img_memmap && i < (k->nr_memmap + 63) / 64; i++)
		for (uint64_t d = w->dirty[i]; d; d &= d - 1)
			mix_pfn(&h, w, i * 64 + __builtin_ctzll(d));
	for (unsigned long p = 0; !w->img_memmap && p < k->nr_memmap; p++)
		mix_pfn(&h, w, p);
	/* the kernel's objects: the 64-byte pieces that differ from the
	 * world as built, each with its offset */
	for (size_t off = from; off < to; off += 64) {
		size_t n = to - off < 64 ? to - off : 64;

		if (w->img && !memcmp((const char *)k + off,
				      (const char *)&w->img->k + off, n))
			continue;
		mix(&h, off);
		mix_words(&h, (const char *)k + off, n);
	}
	mix(&h, k->nr_maps);
	for (uint32_t i = 0; i < k->nr_maps; i++) {
		const struct ff_map *m = &k->maps[i];

		mix(&h, (uint64_t)m->pfn << 32 | m->index);
		mix(&h, (uint64_t)m->vma << 40 | (uint64_t)m->pmd << 32 |
				(uint64_t)m->migration << 24 |
				(uint64_t)m->devpriv << 16 |
				(uint64_t)m->from_pmd << 8 | m->nodeposit);
	}

	mix(&h, w->nr_objs);
	for (uint32_t i = 0; i < w->nr_objs; i++) {
		const struct ff_obj *o = &w->objs[i];

		mix(&h, (uint64_t)o->pfn << 32 | (uint64_t)o->order << 24 |
				(uint64_t)o->kind << 16 |
				(uint64_t)o->type << 8 | o->charged);
		mix(&h, (uint64_t)(uint32_t)o->hrefs << 32 |
				(uint32_t)o->cache_refs);
		mix(&h, (uint64_t)(uint32_t)o->pte_maps << 32 |
				(uint32_t)o->pmd_maps);
		mix(&h, (uint64_t)o->mapping_id << 8 | o->devpriv);
		mix(&h, o->index);
	}
	r.lo = fmix(h.a ^ rotl(h.b, 17));
	r.hi = fmix(h.b + h.a);
	return r;
}
