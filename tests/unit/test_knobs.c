/*
 * test_knobs.c - every bug knob and every finding is proven by ctest.
 *
 * Each bug knob (not fix_*) must have corpus/regressions/<knob>.trace whose
 * "# expect:" line names an invariant (or ASAN) "with bugs=<knob>", and a
 * fuzz target that exists.  Each finding must have
 * corpus/regressions/<id>.trace expecting its invariant with finding=<id>
 * and fix=<its fix knob>, and that fix knob must exist.  CMake turns those
 * lines into the two-way tests; this test makes sure none is missing.
 *
 * usage: test_knobs SOURCE_DIR
 */
#include <stdio.h>
#include <string.h>

#include "foliofuzz/bugs.h"
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

/* The "# expect:" line of a regression trace, or "" if none. */
static void expect_line(const char *dir, const char *name, char *out, size_t n)
{
	char path[1024], line[512];
	FILE *f;

	out[0] = 0;
	snprintf(path, sizeof(path), "%s/corpus/regressions/%s.trace", dir,
		 name);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "# expect:", 9) == 0) {
			snprintf(out, n, "%s", line + 9);
			break;
		}
	fclose(f);
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
	char exp[512], want[256];

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
		expect_line(argv[1], k->name, exp, sizeof(exp));
		snprintf(want, sizeof(want), " with bugs=%s", k->name);
		check(strstr(exp, want) != NULL,
		      "no corpus/regressions/<knob>.trace expecting it",
		      k->name);
	}
	for (int i = 0; i < FF_NR_FINDINGS; i++) {
		const struct ff_finding_info *fd = &ff_findings[i];

		expect_line(argv[1], fd->id, exp, sizeof(exp));
		snprintf(want, sizeof(want), " %s finding=%s fix=%s",
			 ff_invs[fd->inv].id, fd->id, fd->fix);
		check(strstr(exp, want) != NULL,
		      "no corpus/regressions/<id>.trace expecting it", fd->id);
		check(bug_index(fd->fix) >= 0, "its fix knob does not exist",
		      fd->id);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
