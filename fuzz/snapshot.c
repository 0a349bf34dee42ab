/*
 * snapshot.c - fuzz target "snapshot": lockless readers keep their word.
 *
 * Property: snapshot_page(), the /proc/kpageflags and /proc/kpagecount
 * readers and GUP-fast, run on any page while a writer op (split, free,
 * reallocation, migration, unmap) runs at any of their race points, keep
 * what they promise: a FAITHFUL snapshot describes a state that existed
 * during the call, PG_BUDDY means the page was free at some moment, and a
 * successful GUP-fast returns the folio that owns the page with one
 * reference.  Known findings (docs/findings.md) are suppressed.  Bytes
 * decode with the "snapshot" op subset (harness/targets.c).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return ff_fuzz_one("snapshot", data, size);
}
