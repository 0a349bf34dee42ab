/*
 * test_trace.c - the codec (src/harness/trace.c) keeps its promises.
 *
 * The codec's promises: every byte string decodes (total decoding,
 * arguments reduced modulo their range, missing bytes read as 0); canonical bytes decode and
 * encode back unchanged; ops print as a text trace that parses back to the
 * same ops; a malformed trace is an error return naming FILE:LINE:COL,
 * never an abort.  Checked here:
 *   (a) thousands of pseudo-random byte strings (fixed seed) decode to
 *       in-range ops, and decode(encode(decode(b))) == decode(b);
 *   (b) canonical bytes (random valid ops, encoded) decode and encode back
 *       to the identical bytes, and so do they through text;
 *   (c) print-then-parse of a decoded program gives the same ops;
 *   (d) malformed traces give -1 and "FILE:LINE:COL: message" with the
 *       right line and column;
 *   (e) comments, blank lines and argument order do not matter, symbolic
 *       and numeric values are the same value, missing keys read as 0.
 * The random programs of (b) include the reserved op (an unassigned
 * opcode slot): it is canonical too, printed as "reserved".  Which byte
 * names which op is pinned in test_opcodes.c.
 * Every input is copied into a buffer of exactly its size, so an over-read
 * is an AddressSanitizer report.
 *
 * usage: test_trace            (prints "N passed, N failed"; exit 1 on any)
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#endif

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"

#include "check.h"

#define NR_RANDOM 4000	  /* random byte strings in (a) and (c) */
#define NR_CANONICAL 2000 /* random valid programs in (b) */
#define MAX_LEN 600	  /* longest random byte string */

static unsigned rng_below(unsigned n)
{
	return (unsigned)(rng() % n);
}

/* A heap copy of exactly len bytes (at least one byte is allocated). */
static uint8_t *exact_copy(const void *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	if (!p) {
		perror("malloc");
		exit(2);
	}
	if (len)
		memcpy(p, src, len);
	return p;
}

static void decode_exact(const uint8_t *data, size_t len, struct ff_prog *out)
{
	uint8_t *copy = exact_copy(data, len);

	ff_decode(copy, len, out);
	free(copy);
}

/* Returns -1 when the programs agree, else the first differing op (or the
 * shorter length when one is a prefix of the other). */
static long first_diff(const struct ff_prog *a, const struct ff_prog *b)
{
	size_t n = a->nr < b->nr ? a->nr : b->nr;

	for (size_t k = 0; k < n; k++) {
		if (a->ops[k].code != b->ops[k].code)
			return (long)k;
		for (int i = 0; i < FF_MAX_ARGS; i++)
			if (a->ops[k].arg[i] != b->ops[k].arg[i])
				return (long)k;
	}
	return a->nr == b->nr ? -1 : (long)n;
}

/* Canonical length of a program: one opcode byte plus nargs bytes each. */
static size_t canonical_len(const struct ff_prog *p)
{
	size_t n = 0;

	for (size_t k = 0; k < p->nr; k++)
		n += 1 + ff_op_table[p->ops[k].code].nargs;
	return n;
}

/* Every op of a decoded program is in range: a valid opcode, every used
 * argument below its range, unused argument slots zero. */
static bool prog_in_range(const struct ff_prog *p, size_t *bad)
{
	for (size_t k = 0; k < p->nr; k++) {
		const struct ff_op *op = &p->ops[k];
		const struct ff_op_desc *d;

		*bad = k;
		if (op->code >= FF_NR_OPS)
			return false;
		d = &ff_op_table[op->code];
		for (int i = 0; i < FF_MAX_ARGS; i++) {
			if (i < d->nargs && op->arg[i] >= d->args[i].range)
				return false;
			if (i >= d->nargs && op->arg[i] != 0)
				return false;
		}
	}
	return true;
}

/* Prints a program as a text trace into a malloc'd, exactly-sized buffer. */
static char *print_prog(const struct ff_prog *p, size_t upto, size_t *len)
{
	char *buf = NULL, *exact;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f) {
		perror("open_memstream");
		exit(2);
	}
	ff_trace_print(f, p, upto);
	fclose(f);
	exact = (char *)exact_copy(buf, size);
	free(buf);
	*len = size;
	return exact;
}

/* Parses text (copied to an exactly-sized buffer) into out. */
static int parse_text(const char *text, size_t len, const char *fname,
		      struct ff_prog *out, char *err, size_t errlen)
{
	char *copy = (char *)exact_copy(text, len);
	int rc;

	err[0] = '\0';
	rc = ff_trace_parse(copy, len, fname, out, err, errlen);
	free(copy);
	return rc;
}

static void random_bytes(uint8_t *buf, size_t len)
{
	/* Mix plain noise with bytes near the ranges' edges. */
	static const uint8_t edge[] = { 0,  1,	4,  6,	 7,   9,   10,
					63, 64, 65, 127, 128, 254, 255 };

	for (size_t i = 0; i < len; i++)
		buf[i] = rng_below(4) ? (uint8_t)rng() :
					edge[rng_below(sizeof(edge))];
}

/* ---- (a) decoding is total and decode(encode(decode(b))) == decode(b) */

static void test_decode_random(void)
{
	static uint8_t bytes[MAX_LEN], enc[MAX_LEN * 5 + 16];
	struct ff_prog p1, p2;
	unsigned bad_range = 0, bad_len = 0, bad_round = 0;

	ff_prog_init(&p1);
	ff_prog_init(&p2);
	for (unsigned t = 0; t < NR_RANDOM; t++) {
		size_t len = t < 8 ? t : rng_below(MAX_LEN + 1), elen, bad;
		long diff;

		random_bytes(bytes, len);
		decode_exact(bytes, len, &p1);
		if (!prog_in_range(&p1, &bad) && !bad_range++)
			CHECK(false, "random input %u: op %zu out of range", t,
			      bad);
		/* Every byte is used: each op eats 1 + nargs bytes, only the
		 * last one may run past the end. */
		elen = canonical_len(&p1);
		if ((elen < len || (p1.nr && elen - len > FF_MAX_ARGS) ||
		     (len && !p1.nr)) &&
		    !bad_len++)
			CHECK(false,
			      "random input %u: %zu bytes gave %zu ops of %zu "
			      "canonical bytes",
			      t, len, p1.nr, elen);
		elen = ff_encode(&p1, enc, sizeof(enc));
		decode_exact(enc, elen, &p2);
		diff = first_diff(&p1, &p2);
		if (diff >= 0 && !bad_round++)
			CHECK(false,
			      "random input %u: decode(encode(decode(b))) "
			      "differs at op %ld",
			      t, diff);
	}
	CHECK(bad_range == 0, "%u random inputs decoded out of range",
	      bad_range);
	CHECK(bad_len == 0, "%u random inputs did not use every byte", bad_len);
	CHECK(bad_round == 0, "%u random inputs failed the round trip",
	      bad_round);

	/* Missing argument bytes read as 0; arguments wrap modulo range. */
	{
		const uint8_t alloc_short[] = { FF_OP_ALLOC, 3 };
		const uint8_t wrap[] = { FF_OP_ALLOC + FF_OPS_SLOTS, 7 + 1, 255,
					 9, 10 };
		const struct ff_arg_desc *aa = ff_op_table[FF_OP_ALLOC].args;

		decode_exact(alloc_short, sizeof(alloc_short), &p1);
		CHECK(p1.nr == 1 && p1.ops[0].code == FF_OP_ALLOC &&
			      p1.ops[0].arg[0] == 3 && p1.ops[0].arg[1] == 0 &&
			      p1.ops[0].arg[2] == 0 && p1.ops[0].arg[3] == 0,
		      "a truncated alloc does not read its missing bytes as 0");
		decode_exact(wrap, sizeof(wrap), &p1);
		CHECK(p1.nr == 1 && p1.ops[0].code == FF_OP_ALLOC &&
			      p1.ops[0].arg[0] == 8 % aa[0].range &&
			      p1.ops[0].arg[1] == 255 % aa[1].range &&
			      p1.ops[0].arg[2] == 9 && p1.ops[0].arg[3] == 10,
		      "opcode and arguments are not reduced modulo range");
		decode_exact(wrap, 0, &p1);
		CHECK(p1.nr == 0, "the empty input is not the empty program");
	}

	/* A longer input stops at FF_MAX_PROG ops. */
	{
		size_t len = (FF_MAX_PROG + 10) * 2;
		uint8_t *big = malloc(len);

		if (!big)
			exit(2);
		for (size_t i = 0; i < len; i += 2) {
			big[i] = FF_OP_GET;
			big[i + 1] = (uint8_t)i;
		}
		decode_exact(big, len, &p1);
		CHECK(p1.nr == FF_MAX_PROG,
		      "%zu get ops decoded to %zu, want %d", len / 2, p1.nr,
		      FF_MAX_PROG);
		free(big);
	}
	ff_prog_free(&p1);
	ff_prog_free(&p2);
}

/* ---- (b) canonical bytes round-trip exactly */

static void random_prog(struct ff_prog *p, size_t nr)
{
	p->nr = 0;
	for (size_t k = 0; k < nr; k++) {
		struct ff_op op = { 0 };
		const struct ff_op_desc *d;

		op.code = (uint8_t)rng_below(FF_NR_OPS);
		d = &ff_op_table[op.code];
		for (int i = 0; i < d->nargs; i++)
			op.arg[i] = (uint8_t)rng_below(d->args[i].range);
		if (ff_prog_push(p, &op))
			exit(2);
	}
}

static void test_canonical(void)
{
	static uint8_t enc[200 * 5], enc2[200 * 5], small[64];
	struct ff_prog p, q, r;
	unsigned bad_ops = 0, bad_bytes = 0, bad_text = 0, bad_len = 0;
	char err[256];
	size_t elen;

	ff_prog_init(&p);
	ff_prog_init(&q);
	ff_prog_init(&r);
	for (unsigned t = 0; t < NR_CANONICAL; t++) {
		size_t elen2, tlen;
		char *text;

		random_prog(&p, rng_below(200));
		elen = ff_encode(&p, enc, sizeof(enc));
		if (elen != canonical_len(&p) && !bad_len++)
			CHECK(false, "program %u: encoded %zu bytes, want %zu",
			      t, elen, canonical_len(&p));
		decode_exact(enc, elen, &q);
		if (first_diff(&p, &q) >= 0 && !bad_ops++)
			CHECK(false,
			      "program %u: canonical bytes decode to "
			      "other ops",
			      t);
		elen2 = ff_encode(&q, enc2, sizeof(enc2));
		if ((elen2 != elen || memcmp(enc, enc2, elen) != 0) &&
		    !bad_bytes++)
			CHECK(false,
			      "program %u: decode then encode changed "
			      "the canonical bytes",
			      t);

		/* bytes -> ops -> text -> ops -> bytes is the identity */
		text = print_prog(&q, SIZE_MAX, &tlen);
		if (parse_text(text, tlen, "canon.trace", &r, err,
			       sizeof(err)) != 0) {
			if (!bad_text++)
				CHECK(false,
				      "program %u: printed text does "
				      "not parse: %s",
				      t, err);
		} else {
			elen2 = ff_encode(&r, enc2, sizeof(enc2));
			if ((elen2 != elen || memcmp(enc, enc2, elen) != 0) &&
			    !bad_text++)
				CHECK(false,
				      "program %u: bytes -> text -> "
				      "bytes changed them",
				      t);
		}
		free(text);
	}
	CHECK(bad_len == 0, "%u programs had a wrong encoded length", bad_len);
	CHECK(bad_ops == 0, "%u canonical encodings decoded to other ops",
	      bad_ops);
	CHECK(bad_bytes == 0, "%u canonical encodings did not round-trip",
	      bad_bytes);
	CHECK(bad_text == 0, "%u canonical encodings did not survive text",
	      bad_text);

	/* ff_encode reports the full length and writes no more than cap. */
	random_prog(&p, 40);
	memset(small, 0xa5, sizeof(small));
	elen = ff_encode(&p, small, 16);
	CHECK(elen == canonical_len(&p),
	      "ff_encode with a short buffer returned %zu, want %zu", elen,
	      canonical_len(&p));
	{
		size_t over = 0;

		for (size_t i = 16; i < sizeof(small); i++)
			over += small[i] != 0xa5;
		CHECK(over == 0, "ff_encode wrote %zu bytes past its cap",
		      over);
		elen = ff_encode(&p, enc, sizeof(enc));
		CHECK(memcmp(small, enc, 16) == 0,
		      "ff_encode into a short buffer wrote other bytes");
	}
	ff_prog_free(&p);
	ff_prog_free(&q);
	ff_prog_free(&r);
}

/* ---- (c) print then parse gives the same ops */

static void test_print_parse(void)
{
	static uint8_t bytes[MAX_LEN];
	struct ff_prog p, q;
	unsigned bad_parse = 0, bad_ops = 0, bad_head = 0;
	char err[256];

	ff_prog_init(&p);
	ff_prog_init(&q);
	for (unsigned t = 0; t < NR_RANDOM; t++) {
		size_t len = rng_below(MAX_LEN + 1), tlen, upto;
		char *text;
		long diff;

		random_bytes(bytes, len);
		decode_exact(bytes, len, &p);
		upto = t % 4 == 0 ? rng_below((unsigned)p.nr + 1) : SIZE_MAX;
		text = print_prog(&p, upto, &tlen);
		if ((!ff_is_text_trace((const uint8_t *)text, tlen, NULL) ||
		     tlen < 18 || text[tlen - 1] != '\n') &&
		    !bad_head++)
			CHECK(false,
			      "input %u: printed trace has no header "
			      "or no final newline",
			      t);
		if (parse_text(text, tlen, "print.trace", &q, err,
			       sizeof(err)) != 0) {
			if (!bad_parse++)
				CHECK(false,
				      "input %u: printed trace does not "
				      "parse: %s",
				      t, err);
			free(text);
			continue;
		}
		if (upto < p.nr)
			p.nr = upto; /* only the printed prefix */
		diff = first_diff(&p, &q);
		if (diff >= 0 && !bad_ops++) {
			CHECK(false,
			      "input %u: print-then-parse differs at op "
			      "%ld",
			      t, diff);
			fprintf(stderr, "  printed:\n%.*s", (int)tlen, text);
		}
		free(text);
	}
	CHECK(bad_head == 0, "%u printed traces lacked header or newline",
	      bad_head);
	CHECK(bad_parse == 0, "%u printed traces did not parse", bad_parse);
	CHECK(bad_ops == 0, "%u printed traces parsed to other ops", bad_ops);

	/* The header is the only thing printed for upto == 0. */
	{
		size_t tlen;
		char *text;

		random_prog(&p, 5);
		text = print_prog(&p, 0, &tlen);
		CHECK(tlen == strlen("# foliofuzz trace\n") &&
			      memcmp(text, "# foliofuzz trace\n", tlen) == 0,
		      "ff_trace_print(upto=0) printed %zu bytes: %.*s", tlen,
		      (int)tlen, text);
		free(text);
	}
	ff_prog_free(&p);
	ff_prog_free(&q);
}

/* ---- (d) malformed traces: -1 and FILE:LINE:COL: message */

struct bad_case {
	const char *text;
	unsigned line, col;
	const char *what; /* a word the message must contain */
};

static const struct bad_case bad_cases[] = {
	/* unknown op */
	{ "# foliofuzz trace\nfrobnicate h=0\n", 2, 1, "unknown op" },
	{ "# foliofuzz trace\n\n# note\n   frobnicate\n", 4, 4, "unknown op" },
	{ "get h=1\n\tgets h=1\n", 2, 2, "unknown op" },
	{ "=3\n", 1, 1, "expected an op name" },
	/* unknown key */
	{ "# foliofuzz trace\nalloc order=1 colour=3\n", 2, 15,
	  "unknown argument" },
	{ "get handle=0\n", 1, 5, "unknown argument" },
	{ "split h=0 order=1 nr=2\n", 1, 19, "unknown argument" },
	/* duplicate key */
	{ "alloc order=1 kind=anon order=2\n", 1, 25, "duplicate" },
	{ "map h=1 h=1\n", 1, 9, "duplicate" },
	/* out-of-range value */
	{ "# foliofuzz trace\nalloc order=9 kind=anon\n", 2, 13,
	  "out of range" },
	{ "get h=256\n", 1, 7, "out of range" },
	{ "map h=0 vma=0 first=0 nr=1000\n", 1, 26, "out of range" },
	{ "get h=99999999999999\n", 1, 7, "out of range" },
	/* bad number */
	{ "get h=12x\n", 1, 7, "bad number" },
	{ "alloc order=1 obj=3z3\n", 1, 19, "bad number" },
	/* missing value */
	{ "get h=\n", 1, 7, "missing value" },
	{ "alloc order= kind=anon\n", 1, 13, "missing value" },
	{ "get h=", 1, 7, "missing value" },
	/* unknown symbolic value */
	{ "alloc order=0 kind=banana\n", 1, 20, "unknown value" },
	{ "set_type h=0 type=buddy\n", 1, 19, "unknown value" },
	{ "get h=zero\n", 1, 7, "unknown value" },
	/* garbage after a value, or no key=value */
	{ "get h=1;\n", 1, 8, "unexpected character" },
	{ "map h=0 vma=1,first=2\n", 1, 14, "unexpected character" },
	{ "alloc kind=anon-ish\n", 1, 16, "unexpected character" },
	{ "get h\n", 1, 6, "expected key=value" },
	{ "get h 1\n", 1, 6, "expected key=value" },
	{ "get =1\n", 1, 5, "expected key=value" },
	{ "get h=1 , h=2\n", 1, 9, "expected key=value" },
	/* errors after valid lines, comments and CRLF line ends */
	{ "# foliofuzz trace\r\nget h=1\r\n\r\n# x\r\nput h=1 # y\r\n"
	  "free h=1 h=2\r\n",
	  6, 10, "duplicate" },
};

static void test_malformed(void)
{
	struct ff_prog p;
	char err[256], want[64];

	ff_prog_init(&p);
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		int rc = parse_text(c->text, strlen(c->text), "bad.trace", &p,
				    err, sizeof(err));

		snprintf(want, sizeof(want), "bad.trace:%u:%u: ", c->line,
			 c->col);
		CHECK(rc == -1, "case %zu: parse returned %d, want -1", i, rc);
		CHECK(strncmp(err, want, strlen(want)) == 0,
		      "case %zu: error \"%s\", want it to begin \"%s\"", i, err,
		      want);
		CHECK(strstr(err, c->what) != NULL,
		      "case %zu: error \"%s\" does not say \"%s\"", i, err,
		      c->what);
	}

	/* Every argument of every op: its range is the first bad value, one
	 * below it is accepted (the other arguments default to 0). */
	for (int op = 0; op < FF_NR_OPS; op++) {
		const struct ff_op_desc *d = &ff_op_table[op];

		for (int i = 0; i < d->nargs; i++) {
			unsigned range = d->args[i].range;
			char text[96];
			int rc, col;

			/* col: where the value starts, 1-based */
			col = snprintf(text, sizeof(text), "%s %s=", d->name,
				       d->args[i].name) +
			      1;
			snprintf(text + col - 1, sizeof(text) - (size_t)col,
				 "%u\n", range);
			rc = parse_text(text, strlen(text), "r.trace", &p, err,
					sizeof(err));
			snprintf(want, sizeof(want), "r.trace:1:%d: ", col);
			CHECK(rc == -1 &&
				      strncmp(err, want, strlen(want)) == 0 &&
				      strstr(err, "out of range") != NULL,
			      "%s %s=%u: got %d, \"%s\", want \"%s\" and "
			      "\"out of range\"",
			      d->name, d->args[i].name, range, rc, err, want);
			snprintf(text + col - 1, sizeof(text) - (size_t)col,
				 "%u\n", range - 1);
			rc = parse_text(text, strlen(text), "r.trace", &p, err,
					sizeof(err));
			CHECK(rc == 0 && p.nr == 1 && p.ops[0].code == op &&
				      p.ops[0].arg[i] == range - 1,
			      "%s %s=%u: got %d (%s)", d->name, d->args[i].name,
			      range - 1, rc, err);
		}
	}

	/* A NUL byte is an error, not the end of the text. */
	{
		static const char nul[] = "get h=1\nput h=1 \0junk\n";
		int rc = parse_text(nul, sizeof(nul) - 1, "nul.trace", &p, err,
				    sizeof(err));

		CHECK(rc == -1 && strncmp(err, "nul.trace:2:", 12) == 0 &&
			      strstr(err, "NUL") != NULL,
		      "a NUL byte on line 2 gave %d, \"%s\"", rc, err);
	}
	/* Without a file name the message still has the FILE:LINE:COL form. */
	{
		int rc = parse_text("frobnicate\n", 11, NULL, &p, err,
				    sizeof(err));
		const char *at = strstr(err, ":1:1: ");

		CHECK(rc == -1 && at && at > err && !memchr(err, ':', at - err),
		      "no file name: got %d, \"%s\"", rc, err);
	}
	/* A short error buffer is truncated, not overrun. */
	{
		char tiny[12];
		char *text = (char *)exact_copy("frobnicate\n", 11);
		int rc;

		memset(tiny, 'x', sizeof(tiny));
		rc = ff_trace_parse(text, 11, "a-long-file-name.trace", &p,
				    tiny, 8);
		CHECK(rc == -1 && tiny[7] == '\0' && tiny[8] == 'x',
		      "an 8-byte error buffer was not NUL-terminated in place");
		free(text);
	}
	/* More than FF_MAX_PROG ops: an error naming the first extra line. */
	{
		size_t n = FF_MAX_PROG + 1, len = n * 8;
		char *text = malloc(len + 1), want2[64];
		int rc;

		if (!text)
			exit(2);
		for (size_t k = 0; k < n; k++)
			memcpy(text + k * 8, "get h=1\n", 8);
		rc = parse_text(text, len, "long.trace", &p, err, sizeof(err));
		snprintf(want2, sizeof(want2),
			 "long.trace:%d:1: ", FF_MAX_PROG + 1);
		CHECK(rc == -1 && strncmp(err, want2, strlen(want2)) == 0,
		      "%zu ops: got %d, \"%s\", want \"%s...\"", n, rc, err,
		      want2);
		rc = parse_text(text, len - 8, "long.trace", &p, err,
				sizeof(err));
		CHECK(rc == 0 && p.nr == FF_MAX_PROG,
		      "%d ops: got %d with %zu ops (%s)", FF_MAX_PROG, rc, p.nr,
		      err);
		free(text);
	}
	ff_prog_free(&p);
}

/* ---- (e) comments, blank lines, order; symbolic == numeric */

/* Parses both texts; checks both succeed and give the same ops. */
static void check_same(const char *a, const char *b, const char *what)
{
	struct ff_prog p, q;
	char err[256];
	int ra, rb;

	ff_prog_init(&p);
	ff_prog_init(&q);
	ra = parse_text(a, strlen(a), "a.trace", &p, err, sizeof(err));
	if (CHECK(ra == 0, "%s: first text does not parse: %s", what, err)) {
		rb = parse_text(b, strlen(b), "b.trace", &q, err, sizeof(err));
		if (CHECK(rb == 0, "%s: second text does not parse: %s", what,
			  err))
			CHECK(p.nr > 0 && first_diff(&p, &q) < 0,
			      "%s: %zu and %zu ops, first difference at %ld",
			      what, p.nr, q.nr, first_diff(&p, &q));
	}
	ff_prog_free(&p);
	ff_prog_free(&q);
}

static void test_equivalences(void)
{
	char a[128], b[128];
	struct ff_prog p;
	char err[256];
	int rc;

	check_same("# foliofuzz trace\n"
		   "\n"
		   "# a comment line\n"
		   "   \t\n"
		   "alloc order=2 kind=anon obj=1 index=3   # trailing\n"
		   "  # indented comment\n"
		   "\tget h=4\r\n"
		   "\n",
		   "alloc order=2 kind=0 obj=1 index=3\nget h=4",
		   "comments and blank lines");
	check_same("alloc index=3 kind=file order=1\n",
		   "alloc order=1 kind=1 obj=0 index=3\n",
		   "argument order, missing keys read as 0");
	check_same("map h=0\n", "map h=0 vma=0 first=0 nr=0\n",
		   "an op with no arguments given");
	check_same("split h=1 order=0 at=00\n", "split at=0 h=1 order=0\n",
		   "leading zero");

	/* Every symbolic value is its index. */
	for (int op = 0; op < FF_NR_OPS; op++) {
		const struct ff_op_desc *d = &ff_op_table[op];

		for (int i = 0; i < d->nargs; i++) {
			if (!d->args[i].names)
				continue;
			for (unsigned v = 0; v < d->args[i].range; v++) {
				char what[96];

				snprintf(a, sizeof(a), "%s %s=%s\n", d->name,
					 d->args[i].name, d->args[i].names[v]);
				snprintf(b, sizeof(b), "%s %s=%u\n", d->name,
					 d->args[i].name, v);
				snprintf(what, sizeof(what), "%s %s=%s vs =%u",
					 d->name, d->args[i].name,
					 d->args[i].names[v], v);
				check_same(a, b, what);
			}
		}
	}
	check_same("alloc kind=anon\n", "alloc kind=0\n",
		   "kind=anon == kind=0");

	/* Symbolic names print back: the printer uses them. */
	ff_prog_init(&p);
	rc = parse_text("alloc kind=5\n", 13, "s.trace", &p, err, sizeof(err));
	if (CHECK(rc == 0 && p.nr == 1, "alloc kind=5 does not parse: %s",
		  err)) {
		size_t tlen;
		char *text = print_prog(&p, SIZE_MAX, &tlen);

		CHECK(strstr(text, "kind=zsmalloc") != NULL,
		      "alloc kind=5 printed as: %.*s", (int)tlen, text);
		free(text);
	}

	/* Empty text, header only, comments only: the empty program. */
	rc = parse_text("", 0, "e.trace", &p, err, sizeof(err));
	CHECK(rc == 0 && p.nr == 0, "empty text: %d, %zu ops", rc, p.nr);
	rc = parse_text("# foliofuzz trace\n# nothing\n\n", 29, "e.trace", &p,
			err, sizeof(err));
	CHECK(rc == 0 && p.nr == 0, "comments only: %d, %zu ops", rc, p.nr);

	/* Text detection: by magic, or by a .trace file name. */
	CHECK(ff_is_text_trace((const uint8_t *)"# foliofuzz trace\n", 18,
			       NULL),
	      "the magic line is not detected as a text trace");
	CHECK(ff_is_text_trace((const uint8_t *)"get h=0\n", 8, "x.trace"),
	      "a .trace file name is not detected as a text trace");
	CHECK(!ff_is_text_trace((const uint8_t *)"\x01\x02\x03", 3, "x.bin"),
	      "binary bytes are detected as a text trace");
	CHECK(!ff_is_text_trace((const uint8_t *)"# foliofuzz", 11, NULL),
	      "a truncated magic line is detected as a text trace");
	CHECK(!ff_is_text_trace((const uint8_t *)"# foliofuzz trac\x01\x02\x03",
				19, "crash-0123"),
	      "bytes that only resemble the magic line are detected as text");
	ff_prog_free(&p);
}

int main(void)
{
	rng_state = 0x666f6c696f66757aULL;
	test_decode_random();
	test_canonical();
	test_print_parse();
	test_malformed();
	test_equivalences();
	printf("%u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed ? 1 : 0;
}
