/*
 * bugs.c - the bug knob table and the knob-list parser.
 */
#include <stdio.h>
#include <string.h>

#include "foliofuzz/bugs.h"

const struct ff_bug_info ff_bug_table[FF_NR_BUGS] = {
#define X(name, seed, target, what) { #name, seed, target, what },
#include "foliofuzz/bugs.def"
#undef X
};

int ff_bugs_parse(const char *list, uint64_t *bugs, char *err, size_t errlen)
{
	const char *p = list;

	*bugs = 0;
	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int found = -1;

		for (int b = 0; b < FF_NR_BUGS && len; b++)
			if (strlen(ff_bug_table[b].name) == len &&
			    strncmp(ff_bug_table[b].name, p, len) == 0)
				found = b;
		if (found < 0) {
			size_t n =
				(size_t)snprintf(err, errlen,
						 "unknown bug knob '%.*s' "
						 "(known:",
						 (int)(len > 64 ? 64 : len), p);

			for (int b = 0; b < FF_NR_BUGS && n < errlen; b++)
				n += (size_t)snprintf(err + n, errlen - n,
						      " %s",
						      ff_bug_table[b].name);
			if (n < errlen)
				snprintf(err + n, errlen - n, ")");
			return -1;
		}
		*bugs |= 1ULL << found;
		p = end ? end + 1 : NULL;
	}
	return 0;
}
