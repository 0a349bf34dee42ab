/*
 * dax.c - fuzz target "dax": FS-DAX association keeps its states.
 *
 * Property: any sequence of DAX faults, unmaps, truncations and busy
 * checks over four files (two pairs of reflinked extents, one of them at
 * different indices) leaves every DAX page unassociated, single (mapping
 * and index of its one file) or shared (mapping NULL, share = the number
 * of associations), never anon, 0-based refcounted, and findable by the
 * reverse map memory_failure() would use.  Bytes decode with the "dax" op
 * subset (harness/targets.c).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return ff_fuzz_one("dax", data, size);
}
