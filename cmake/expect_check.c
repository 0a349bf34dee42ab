/*
 * expect_check.c - the configure-time check of every trace's "# expect:"
 * line (cmake/expect_check.cmake builds and runs it), with the same
 * parser as `foliofuzz expect` (src/harness/expect.c).
 *
 *   expect_check FILE...
 *
 * Prints "FILE\tKIND\tID\tBUGS\tFINDING\tFIX" for each FILE whose
 * expectation parses, and "FILE:LINE: message" on stderr for each that
 * does not.  Exit: 0 when all parsed, 1 otherwise, 2 without files.
 */
#include <stdio.h>

#include "foliofuzz/expect.h"

int main(int argc, char **argv)
{
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: expect_check FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct ff_expect e;
		char err[2048], line[512];

		if (ff_expect_read(argv[i], &e, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			bad = 1;
			continue;
		}
		ff_expect_format(&e, line, sizeof(line));
		printf("%s\t%s\n", argv[i], line);
	}
	return bad;
}
