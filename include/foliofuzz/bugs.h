/*
 * bugs.h - bug knobs: parse "name,name" lists and test a knob.
 *
 * Knobs live in the kernel config (cfg.bugs); the model tests one with
 * ff_bug_on() (glue.h).  Sources of the list:
 * FOLIOFUZZ_BUGS in the environment, `foliofuzz run --bugs=`, and
 * ff_bugs_parse() for API users.
 */
#ifndef FOLIOFUZZ_BUGS_H
#define FOLIOFUZZ_BUGS_H

#include <stddef.h>
#include <stdint.h>

#include "foliofuzz/glue.h"

struct ff_bug_info {
	const char *name;
	const char *seed;
	const char *target; /* the fuzz target whose ops reach it */
	const char *what;
};
extern const struct ff_bug_info ff_bug_table[FF_NR_BUGS];

/* Parses a comma-separated knob list into a bit set.  Returns 0, or -1
 * with "unknown bug knob 'x' (known: ...)" in err. */
int ff_bugs_parse(const char *list, uint64_t *bugs, char *err, size_t errlen);

#endif
