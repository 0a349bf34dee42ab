/*
 * null.c - the null target: reads its input and does nothing else.
 *
 * Not a fuzz target of the corpus/regression machinery (no corpus/null/,
 * no dictionary, no replay driver): it is the baseline of docs/design.md §22's
 * harness efficiency, a target's exec/s divided by this one's under the
 * same engine, flags and inputs (scripts/bench.sh).  Built as fuzz_null
 * with the flags of the other libFuzzer targets (FF_LIBFUZZER=ON), and as
 * fuzz_null_afl with those of fuzz_T_afl (FF_AFL=ON).
 */
#define FF_FUZZ_NO_FEEDBACK /* no program, no state: no counters */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Touch every byte, as a decoder would, so ASan sees the reads. */
	volatile uint8_t sink = 0;

	for (size_t i = 0; i < size; i++)
		sink ^= data[i];
	(void)sink;
	return 0;
}
