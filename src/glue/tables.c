/*
 * tables.c - the invariant table (invariants.def) and the finding table
 * (findings.def).  Depends on nothing but fail.h, so the configure-time
 * "# expect:" checker (cmake/expect_check.c) can link it without the
 * model.
 */
#include <string.h>

#include "foliofuzz/fail.h"

const struct ff_inv_info ff_invs[FF_NR_INVS] = {
#define X(id, stmt, kernel) { #id, stmt, kernel },
#include "foliofuzz/invariants.def"
#undef X
};

const struct ff_finding_info ff_findings[FF_NR_FINDINGS] = {
#define X(id, inv, fix, what) { #id, inv, #fix, what },
#include "foliofuzz/findings.def"
#undef X
};

int ff_inv_lookup(const char *name)
{
	for (int i = 0; i < FF_NR_INVS; i++)
		if (strcmp(ff_invs[i].id, name) == 0)
			return i;
	return FF_INV_NONE;
}
