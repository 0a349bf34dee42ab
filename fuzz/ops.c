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

#include "foliofuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ff_run_opts opts;
	struct ff_result res;
	struct ff_prog prog;

	ff_prog_init(&prog);
	ff_decode(data, size, &prog);
	ff_fuzz_opts(&opts);
	ff_run(&opts, &prog, &res);
	ff_prog_free(&prog);
	if (res.inv != FF_INV_NONE)
		abort();
	return 0;
}
