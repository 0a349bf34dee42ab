/*
 * fail.h - the harness side of failure recording: the invariant and
 * finding tables and the failure record a world keeps.  What the model
 * calls (ff_fail, ff_vm_bug, VM_BUG_ON_*) is declared in glue.h.
 */
#ifndef FOLIOFUZZ_FAIL_H
#define FOLIOFUZZ_FAIL_H

#include <stdbool.h>

#include "foliofuzz/glue.h"

struct ff_inv_info {
	const char *id;
	const char *statement;
	const char *kernel;
};
extern const struct ff_inv_info ff_invs[FF_NR_INVS];
/* Id by name, or FF_INV_NONE. */
int ff_inv_lookup(const char *name);

#define FF_FAIL_MSG 256

struct ff_finding_info {
	const char *id;
	int inv;
	const char *fix;
	const char *what;
};
extern const struct ff_finding_info ff_findings[FF_NR_FINDINGS];

struct ff_failure {
	int inv;      /* enum ff_inv, FF_INV_NONE when none */
	int finding;  /* enum ff_finding, FF_FINDING_NONE if new */
	long pfn;     /* affected pfn, -1 if none */
	int expected; /* kshim: the expected-difference row that explains
		       * it in this kernel tree, -1 if none (docs/kshim.md) */
	char msg[FF_FAIL_MSG];
};

#endif
