/*
 * cli.h - what the foliofuzz subcommands (one file each) share.
 */
#ifndef FOLIOFUZZ_CLI_H
#define FOLIOFUZZ_CLI_H

#include <stdbool.h>

/* A non-negative decimal (or 0x hex) number no larger than max. */
bool ff_cli_parse_uint(const char *s, unsigned long max, unsigned long *out);

#endif
