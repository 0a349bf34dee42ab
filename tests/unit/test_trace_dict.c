/*
 * test_trace_dict.c - fuzz_trace's dictionary (dicts/trace.dict) holds every
 * token of the text-trace grammar: each op name of ff_op_table followed by
 * a space, each argument key followed by '=', and each symbolic value.  A
 * new op or argument without its tokens fails here.  (The op-subset
 * targets' dictionaries are bytes and are checked by test_dict_sync.)
 *
 * usage: test_trace_dict PATH/TO/trace.dict
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/readfile.h"

#include "check.h"

static char *dict;

static void want(const char *token)
{
	char q[96];

	snprintf(q, sizeof(q), "\"%s\"", token);
	CHECK(strstr(dict, q) != NULL, "trace.dict lacks %s", q);
}

int main(int argc, char **argv)
{
	char err[512], tok[80];
	size_t size;

	if (argc != 2) {
		fprintf(stderr, "usage: test_trace_dict PATH/TO/trace.dict\n");
		return 2;
	}
	dict = ff_read_file(argv[1], &size, err, sizeof(err));
	if (!dict) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	for (int c = 0; c < FF_NR_OPS; c++) {
		const struct ff_op_desc *d = &ff_op_table[c];

		snprintf(tok, sizeof(tok), "%s ", d->name);
		want(tok);
		for (int a = 0; a < d->nargs; a++) {
			snprintf(tok, sizeof(tok), "%s=", d->args[a].name);
			want(tok);
			for (unsigned v = 0;
			     d->args[a].names && v < d->args[a].range; v++)
				want(d->args[a].names[v]);
		}
	}
	free(dict);
	printf("test_trace_dict: %u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed ? 1 : 0;
}
