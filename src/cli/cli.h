/*
 * cli.h - what the foliofuzz subcommands (one file each) share.
 */
#ifndef FOLIOFUZZ_CLI_H
#define FOLIOFUZZ_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "foliofuzz/harness.h"

/* A non-negative decimal (or 0x hex) number no larger than max. */
bool ff_cli_parse_uint(const char *s, unsigned long max, unsigned long *out);
/* Outputs (-o): checked writable before the work, written to a temporary
 * file renamed into place at the end (foliofuzz.c). */
int ff_cli_out_writable(const char *path);
FILE *ff_cli_open_out(const char *path);
int ff_cli_close_out(FILE *f, const char *path);

/* gen.c: seeded random programs with a target's op mix. */
uint64_t ff_cli_rng_seed(uint64_t seed);
uint64_t ff_cli_rng_next(uint64_t *s);
void ff_cli_gen_prog(const struct ff_target *t, uint64_t *rng, size_t len,
		     struct ff_prog *prog);

#endif
