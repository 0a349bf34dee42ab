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
/* The small-world options `run` and `enumerate` share: --dev-pages=N
 * (device-private pfns, 1..64) and --maps=N (mapping-table capacity,
 * 1..FF_MAX_MAPS).  1: arg was one of them, into cfg; 0: not one; -1: a
 * bad value (said on stderr, with cmd). */
int ff_cli_world_opt(const char *cmd, const char *arg, struct ff_config *cfg);
/* Those options as a trace comment or a replay line writes them: "" when
 * cfg has the defaults. */
const char *ff_cli_world_str(const struct ff_config *cfg, char *buf,
			     size_t len);
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
