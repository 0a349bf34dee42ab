/*
 * devmem.c - fuzz target "devmem": device-private migration round trips.
 *
 * Property: anon RAM pages mapped into VMAs, moved to ZONE_DEVICE private
 * memory through the migrate_vma pipeline, faulted back, filled in fresh,
 * unmapped and freed, keep every invariant: device pages carry their
 * pgmap, a freed device page is back on the driver's free list with
 * mapping NULL, a migrated page's mapping and index move with it, and its
 * mapcount counts its device-private entries.  Bytes decode with the
 * "devmem" op subset (harness/targets.c).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return ff_fuzz_one("devmem", data, size);
}
