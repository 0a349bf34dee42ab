/*
 * ops.c - fuzz target "ops": every op sequence keeps every invariant.
 *
 * Property: any byte string decodes to a program over all ops (decoding is
 * total); run in a fresh world with the default config and no bug knobs,
 * every invariant of include/foliofuzz/invariants.def holds after every
 * step, at the final sweep and at teardown, and the bit-level state agrees
 * with the reference model.  Ops the kernel would refuse return its error
 * and are not failures.  A violation is reported to stderr (invariant id,
 * trace up to the failing step, dump_page before/after) and aborts.
 * FOLIOFUZZ_BUGS turns bug knobs on (fuzz.h).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return ff_fuzz_one("ops", data, size);
}
