/*
 * test_knobs.c - every bug knob and every finding is proven by ctest.
 *
 * Each bug knob (not fix_*) must have corpus/regressions/<knob>.trace whose
 * "# expect:" line names an invariant (or ASAN) "with bugs=<knob>", and a
 * fuzz target that exists.  Each finding must have
 * corpus/regressions/<id>.trace expecting its invariant with finding=<id>
 * and fix=<its fix knob>, and that fix knob must exist.  The lines are read
 * by the one parser (src/harness/expect.c); `foliofuzz verify` runs them
 * (one regress test per trace); this test makes sure none is missing.
 *
 * usage: test_knobs SOURCE_DIR
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "foliofuzz/bugs.h"
#include "foliofuzz/expect.h"
#include "foliofuzz/fail.h"
#include "foliofuzz/harness.h"

static int passed, failed;

static void check(int cond, const char *what, const char *name)
{
	if (cond) {
		passed++;
	} else {
		failed++;
		printf("FAIL: %s: %s\n", name, what);
	}
}

/* The expectation of corpus/regressions/NAME.trace, through the one
 * parser (expect.h); false, with the error printed, when it has none. */
static bool expectation(const char *dir, const char *name, struct ff_expect *e)
{
	char path[1024], err[2048];

	snprintf(path, sizeof(path), "%s/corpus/regressions/%s.trace", dir,
		 name);
	if (ff_expect_read(path, e, err, sizeof(err)) == 0)
		return true;
	printf("%s\n", err);
	return false;
}

static int bug_index(const char *name)
{
	for (int b = 0; b < FF_NR_BUGS; b++)
		if (strcmp(ff_bug_table[b].name, name) == 0)
			return b;
	return -1;
}

int main(int argc, char **argv)
{
	struct ff_expect e;

	if (argc != 2) {
		fprintf(stderr, "usage: test_knobs SOURCE_DIR\n");
		return 2;
	}
	for (int b = 0; b < FF_NR_BUGS; b++) {
		const struct ff_bug_info *k = &ff_bug_table[b];

		check(ff_target_by_name(k->target) != NULL,
		      "its target is not a fuzz target", k->name);
		if (strncmp(k->name, "fix_", 4) == 0)
			continue;
		check(expectation(argv[1], k->name, &e) &&
			      e.kind == FF_EXPECT_BUG && ((e.mask >> b) & 1),
		      "no corpus/regressions/<knob>.trace expecting it",
		      k->name);
	}
	for (int i = 0; i < FF_NR_FINDINGS; i++) {
		const struct ff_finding_info *fd = &ff_findings[i];
		int fix = bug_index(fd->fix);

		check(expectation(argv[1], fd->id, &e) &&
			      e.kind == FF_EXPECT_FINDING && e.finding == i &&
			      e.inv == fd->inv && e.fix == fix,
		      "no corpus/regressions/<id>.trace expecting it", fd->id);
		check(fix >= 0, "its fix knob does not exist", fd->id);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
