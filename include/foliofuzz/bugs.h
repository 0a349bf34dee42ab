/*
 * bugs.h - bug knobs: parse "name,name" lists and test a knob.
 *
 * Knobs live in the world's config (cfg.bugs), so a knob costs one load
 * and a test of a bit that is clear when it is off.  Sources of the list:
 * FOLIOFUZZ_BUGS in the environment, `foliofuzz run --bugs=`, and
 * ff_bugs_parse() for API users.
 */
#ifndef FOLIOFUZZ_BUGS_H
#define FOLIOFUZZ_BUGS_H

#include <stddef.h>
#include <stdint.h>

enum ff_bug {
#define X(name, seed, target, what) FF_BUG_##name,
#include "foliofuzz/bugs.def"
#undef X
	FF_NR_BUGS,
};

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

/* True when knob b is on in the current world. */
#define ff_bug_on(b) ((ff_cur->cfg.bugs >> (FF_BUG_##b)) & 1)

#endif
