/*
 * trace.c - fuzz_trace: the text-trace parser as a fuzz target (issue 12).
 *
 * Not an op-subset target (it is not in FF_FUZZ_TARGETS or `foliofuzz
 * targets`): its input is text, and what it checks is the codec, not the
 * model.  For any bytes, ff_trace_parse() either fails with a message of
 * the form "file:line:col: message", or succeeds, and then:
 *   parse -> print -> parse   gives the same program, op by op, and
 *   parse -> encode -> decode gives it again (for the ops target, whose
 *                             opcode space holds every op).
 * A violation aborts with what differed, so the engine keeps the input.
 * Seeds: every shipped trace (build/P/corpus/trace/, copied as text).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static void die(const char *what, size_t k)
{
	fprintf(stderr, "fuzz_trace: %s (op %zu)\n", what, k + 1);
	abort();
}

static void same(const struct ff_prog *a, const struct ff_prog *b,
		 const char *what)
{
	if (a->nr != b->nr) {
		fprintf(stderr, "fuzz_trace: %s: %zu ops, then %zu\n", what,
			a->nr, b->nr);
		abort();
	}
	for (size_t k = 0; k < a->nr; k++) {
		const struct ff_op *x = &a->ops[k], *y = &b->ops[k];

		if (x->code != y->code)
			die(what, k);
		for (int i = 0; i < ff_op_table[x->code].nargs; i++)
			if (x->arg[i] != y->arg[i])
				die(what, k);
	}
}

/* "file:line:col: message" */
static int well_formed(const char *err)
{
	unsigned line, col;
	int n = 0;

	return sscanf(err, "input:%u:%u: %n", &line, &col, &n) == 2 && n > 0 &&
	       line >= 1 && col >= 1 && err[n] != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ff_prog p1, p2, p3;
	char err[256] = "", *text = NULL;
	size_t len = 0, n;
	uint8_t *bytes;
	FILE *f;

	ff_prog_init(&p1);
	ff_prog_init(&p2);
	ff_prog_init(&p3);
	if (ff_trace_parse((const char *)data, size, "input", &p1, err,
			   sizeof(err))) {
		if (!well_formed(err)) {
			fprintf(stderr, "fuzz_trace: bad error message '%s'\n",
				err);
			abort();
		}
		goto out;
	}
	f = open_memstream(&text, &len);
	if (!f)
		abort();
	ff_trace_print(f, &p1, p1.nr);
	fclose(f);
	if (ff_trace_parse(text, len, "printed", &p2, err, sizeof(err))) {
		fprintf(stderr,
			"fuzz_trace: the printed trace does not parse: "
			"%s\n",
			err);
		abort();
	}
	same(&p1, &p2, "parse -> print -> parse");
	n = ff_encode_target(&ff_targets[0], &p1, NULL, 0);
	if (n == (size_t)-1)
		die("the ops target cannot encode an op", 0);
	bytes = malloc(n ? n : 1);
	if (!bytes)
		abort();
	ff_encode_target(&ff_targets[0], &p1, bytes, n);
	ff_decode_target(&ff_targets[0], bytes, n, &p3);
	free(bytes);
	same(&p1, &p3, "parse -> encode -> decode");
out:
	free(text);
	ff_prog_free(&p1);
	ff_prog_free(&p2);
	ff_prog_free(&p3);
	return 0;
}
