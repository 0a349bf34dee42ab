/*
 * afl_main.c - the AFL++ driver: runs a fuzz target in persistent mode
 * with shared-memory test cases (AFL++ docs, README.persistent_mode.md).
 *
 * Built by the afl preset (FF_AFL=ON) as fuzz_T_afl from fuzz/T.c and this
 * file, with afl-clang-fast or afl-clang-lto, which define the __AFL_*
 * macros.  Each test case is copied into a heap buffer of exactly its size
 * (as replay_main.c does), so ASan sees an over-read of the input; the
 * shared-memory buffer itself is larger than any input.
 *
 * Outside afl-fuzz, `fuzz_T_afl FILE...` runs each file once (to reproduce
 * a crash from an AFL++ output directory); with no file it reads one input
 * from stdin, as afl-fuzz without shared memory would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef __AFL_FUZZ_TESTCASE_LEN
#error "fuzz/afl_main.c needs afl-clang-fast or afl-clang-lto (the afl preset)"
#endif

/* Iterations before the forkserver forks a fresh process: the targets are
 * stateless, so this only bounds the damage of a leak. */
#define AFL_LOOP_ITERS 100000

__AFL_FUZZ_INIT();

static void run_one(const uint8_t *data, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	FF_FUZZ_ASSERT(copy != NULL);
	if (len)
		memcpy(copy, data, len);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
}

/* Runs each named file once; for reproducing outside afl-fuzz. */
static int run_files(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf = NULL;
		long len;

		if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
		    fseek(f, 0, SEEK_SET)) {
			fprintf(stderr, "afl_main: %s: cannot read\n", argv[i]);
			if (f)
				fclose(f);
			return 1;
		}
		buf = malloc(len ? (size_t)len : 1);
		FF_FUZZ_ASSERT(buf != NULL);
		if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
			fprintf(stderr, "afl_main: %s: short read\n", argv[i]);
			free(buf);
			fclose(f);
			return 1;
		}
		fclose(f);
		fprintf(stderr, "running: %s\n", argv[i]);
		run_one(buf, (size_t)len);
		free(buf);
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t *buf;

	struct ff_run_opts opts;

	/* An unknown knob in FOLIOFUZZ_BUGS exits 2 here, before the fork
	 * server starts, not silently in every child. */
	ff_fuzz_opts(&opts);
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1 && !getenv("__AFL_SHM_ID"))
		return run_files(argc, argv);

#ifdef __AFL_HAVE_MANUAL_CONTROL
	__AFL_INIT();
#endif
	buf = __AFL_FUZZ_TESTCASE_BUF; /* after __AFL_INIT, before the loop */
	while (__AFL_LOOP(AFL_LOOP_ITERS)) {
		size_t len = __AFL_FUZZ_TESTCASE_LEN;

		run_one(buf, len);
	}
	return 0;
}
