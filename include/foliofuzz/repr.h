/*
 * repr.h - representation backends: how the kernel side of an op is done.
 *
 * One op layer (ops.c, ops_device.c, race.c) checks each op's caller
 * preconditions and updates the reference model, once, for every
 * representation.  What differs between page metadata described by
 * struct page / struct folio and page metadata described by memdescs (the
 * memdesc plan: a typed word per page pointing at a separately allocated
 * descriptor, memdesc.h) is only the kernel side, and that is a backend:
 *
 *   ff_repr_page     struct page and struct folio (src/mm, src/fs)
 *   ff_repr_memdesc  memdescs and descriptors (src/mm/memdesc.c)
 *
 * A NULL hook, or an op code missing from `ops`, means the representation
 * does not have that operation: the step is FF_STEP_UNSUPPORTED and a
 * differential run stops comparing there.  A hook may also return
 * FF_UNSUPPORTED for one object (a slab has no refcount to get); it does
 * so before changing anything.
 */
#ifndef FOLIOFUZZ_REPR_H
#define FOLIOFUZZ_REPR_H

#include "foliofuzz/harness.h"
#include "foliofuzz/page-flags.h"

struct ff_repr {
	const char *name;
	/* Op codes this representation runs at all (bit per enum ff_opcode). */
	uint32_t ops;
	/* Readers it has (bit per enum ff_reader). */
	uint32_t readers;

	/* The kernel side of an alloc op: 2^order pages of kind, anon_vma or
	 * file sel, page index; on success the head pfn, the page type the
	 * first page carries (PGTY_*, 0 for none) and the descriptor. */
	int (*alloc)(struct ff_world *w, unsigned int order, uint8_t kind,
		     uint32_t sel, unsigned long index, unsigned long *pfn,
		     uint8_t *type, void **desc);
	/* folio_get on the object; FF_UNSUPPORTED if it has no refcount. */
	int (*get)(struct ff_world *w, struct ff_obj *o);
	/* Drops one handle reference; FF_UNSUPPORTED as for get. */
	int (*put)(struct ff_world *w, struct ff_obj *o);
	/* Releases everything the harness holds on the object: its
	 * mappings, its page-cache membership, its type, its references. */
	void (*free)(struct ff_world *w, struct ff_obj *o);
	/* Can page type t be set on (or cleared from) the object here? NULL:
	 * any type on any unmapped object. */
	bool (*type_ok)(const struct ff_obj *o, enum pagetype t);
	/* Maps pages [first, first + nr) of the object by PTE in vma. */
	void (*map_ptes)(struct ff_world *w, struct ff_obj *o, int vma,
			 unsigned long first, unsigned long nr);
	/* Maps the whole folio by PMD in vma (NULL: no PMD mappings): 0, or
	 * the fault's errno. */
	int (*map_pmd)(struct ff_world *w, struct ff_obj *o, int vma);
	/* Removes one mapping-table entry m of the object (rmap only; the
	 * caller drops the references). */
	void (*unmap_one)(struct ff_world *w, struct ff_obj *o,
			  const struct ff_map *m);
	/* Drops refs mapping references after an unmap. */
	void (*put_refs)(struct ff_world *w, struct ff_obj *o, int refs);
	/* GUP-fast on pfn, then the check that what it returned owns the
	 * pfn and holds the GUP reference (I_GUP), then the unpin. */
	void (*gup_check)(struct ff_world *w, unsigned long pfn);
	/* The checker's look at one live object: its bits against the
	 * reference model (check_ram.c, check_memdesc.c). */
	void (*check_obj)(struct ff_world *w, const struct ff_obj *o);
};

void ff_check_page_obj(struct ff_world *w, const struct ff_obj *o);
void ff_check_md_obj(struct ff_world *w, const struct ff_obj *o);

extern const struct ff_repr ff_repr_page;
extern const struct ff_repr ff_repr_memdesc;

static inline const struct ff_repr *ff_repr_of(const struct ff_world *w)
{
	return w->k.cfg.memdesc ? &ff_repr_memdesc : &ff_repr_page;
}

/*
 * The GUP reference accounting both backends share (race.c): GUP-fast on
 * pfn returned an object (the representation already checked that it owns
 * pfn) with refcount refs.  The model's object o holding pfn (NULL: none)
 * must be that object (same) and its refcount the model's plus the GUP
 * reference, or, when a writer released the object while GUP held it,
 * the GUP reference alone.  Records I_GUP at page at and returns false
 * when not.
 */
bool ff_check_gup_ref(struct ff_world *w, unsigned long pfn,
		      const struct page *at, const struct ff_obj *o, bool same,
		      int refs, const char *who);

#endif
