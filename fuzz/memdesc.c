/*
 * memdesc.c - fuzz target "memdesc": two representations, one behaviour.
 *
 * Property: the ops both representations support (allocation of every
 * kind, references, page types, PTE mappings, GUP-fast races) give the
 * same results and the same abstract state with struct page metadata and
 * with the memdesc representation of seed 002 (a typed memdesc word in
 * page->lru.prev, descriptors from type-safe pools, folio pages at page
 * refcount 0, put_page dispatching on the type), and each representation
 * keeps its own invariants after every step.  Bytes decode with the
 * "memdesc" op subset (harness/targets.c).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return ff_fuzz_one("memdesc", data, size);
}
