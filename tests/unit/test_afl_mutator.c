/*
 * test_afl_mutator.c LIB CORPUS_DIR - the AFL++ custom mutator library
 * (fuzz/afl_mutator.c, libff_afl_mutator.so), dlopen()ed as afl-fuzz
 * does, without afl-fuzz.
 *
 * For every target (FOLIOFUZZ_TARGET), on a few of its encoded seeds
 * (CORPUS_DIR/T/NAME.bin) and a few random byte strings: every output of
 * afl_custom_fuzz is at most max_size bytes and decodes to a program of
 * the target that re-encodes to the same bytes; out_buf is never NULL;
 * most outputs differ from their input; with a second input, some are
 * splices (describe says which); the same seed gives the same outputs.
 * FOLIOFUZZ_TARGET unset means "ops"; an unknown name makes
 * afl_custom_init return NULL.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/readfile.h"

#include "check.h"

typedef void *init_fn(void *afl, unsigned int seed);
typedef size_t fuzz_fn(void *data, uint8_t *buf, size_t buf_size,
		       uint8_t **out_buf, uint8_t *add_buf, size_t add_buf_size,
		       size_t max_size);
typedef const char *describe_fn(void *data, size_t max_len);
typedef void deinit_fn(void *data);

static init_fn *init;
static fuzz_fn *fuzz;
static describe_fn *describe;
static deinit_fn *deinit;

#define MAX_INPUTS 8
#define INPUT_MAX 4096

struct input {
	uint8_t *d;
	size_t n;
};

/* Up to 4 seeds of dir (sorted by readdir order; any will do), then 2
 * random byte strings. */
static size_t load_inputs(const char *dir, struct input *in)
{
	size_t k = 0;
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && k < 4 && (e = readdir(d))) {
		char path[4096];
		size_t len = strlen(e->d_name);

		if (len < 4 || strcmp(e->d_name + len - 4, ".bin") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		in[k].d = (uint8_t *)ff_read_file(path, &in[k].n, NULL, 0);
		if (in[k].d && in[k].n <= INPUT_MAX)
			k++;
		else
			free(in[k].d);
	}
	if (d)
		closedir(d);
	CHECK(k > 0, "no seed in %s", dir);
	for (int j = 0; j < 2; j++, k++) {
		in[k].n = 1 + rng() % 200;
		in[k].d = malloc(in[k].n);
		for (size_t i = 0; i < in[k].n; i++)
			in[k].d[i] = (uint8_t)rng();
	}
	return k;
}

static bool canonical(const struct ff_target *t, const uint8_t *d, size_t n)
{
	static uint8_t again[1 << 16];
	struct ff_prog p;
	size_t m;

	ff_prog_init(&p);
	ff_decode_target(t, d, n, &p);
	m = ff_encode_target(t, &p, again, sizeof(again));
	ff_prog_free(&p);
	return m == n && memcmp(again, d, n) == 0;
}

static void one_target(const struct ff_target *t, const char *corpus)
{
	char dir[4096];
	struct input in[MAX_INPUTS];
	size_t nin, calls = 0, differ = 0, empty = 0, splices = 0;
	bool ok_size = true, ok_canon = true, ok_out = true;
	void *m;

	snprintf(dir, sizeof(dir), "%s/%s", corpus, t->name);
	nin = load_inputs(dir, in);
	setenv("FOLIOFUZZ_TARGET", t->name, 1);
	m = init(NULL, 42);
	if (!CHECK(m != NULL, "%s: afl_custom_init failed", t->name))
		return;
	for (size_t k = 0; k < nin; k++) {
		for (int i = 0; i < 300; i++) {
			/* mostly roomy; sometimes tight, even 1 byte */
			size_t max =
				i % 10 == 9 ? 1 + rng() % (in[k].n + 1) : 65536;
			struct input *add = i % 2 ? &in[rng() % nin] : NULL;
			uint8_t *buf = malloc(in[k].n), *out = NULL;
			size_t n;

			memcpy(buf, in[k].d, in[k].n);
			n = fuzz(m, buf, in[k].n, &out, add ? add->d : NULL,
				 add ? add->n : 0, max);
			calls++;
			ok_out &= out != NULL;
			ok_size &= n <= max;
			if (!n || !out) {
				empty++;
				free(buf);
				continue;
			}
			ok_canon &= canonical(t, out, n);
			differ += n != in[k].n || memcmp(out, in[k].d, n) != 0;
			splices += strcmp(describe(m, 64), "ff-splice") == 0;
			CHECK(strcmp(describe(m, 64), "ff-mutate") == 0 ||
				      strcmp(describe(m, 64), "ff-splice") == 0,
			      "%s: describe says '%s'", t->name,
			      describe(m, 64));
			free(buf);
		}
	}
	CHECK(ok_out, "%s: out_buf NULL", t->name);
	CHECK(ok_size, "%s: an output over max_size", t->name);
	CHECK(ok_canon, "%s: an output not a canonical program", t->name);
	CHECK(differ * 10 >= calls * 8, "%s: %zu of %zu outputs differ",
	      t->name, differ, calls);
	CHECK(empty * 10 <= calls, "%s: %zu of %zu calls gave nothing", t->name,
	      empty, calls);
	CHECK(splices > 0, "%s: no splice in %zu calls", t->name, calls);
	printf("%s: %zu calls, %zu differ, %zu empty, %zu splices\n", t->name,
	       calls, differ, empty, splices);
	deinit(m);
	for (size_t k = 0; k < nin; k++)
		free(in[k].d);
}

/* Two instances with one seed give the same outputs. */
static void deterministic(const char *corpus)
{
	char dir[4096];
	struct input in[MAX_INPUTS];
	size_t nin;
	void *a, *b;
	bool same = true;

	snprintf(dir, sizeof(dir), "%s/ops", corpus);
	nin = load_inputs(dir, in);
	setenv("FOLIOFUZZ_TARGET", "ops", 1);
	a = init(NULL, 7);
	b = init(NULL, 7);
	for (int i = 0; i < 200 && a && b; i++) {
		struct input *x = &in[i % nin], *y = &in[(i + 1) % nin];
		uint8_t *oa, *ob;
		size_t na = fuzz(a, x->d, x->n, &oa, y->d, y->n, 4096);
		size_t nb = fuzz(b, x->d, x->n, &ob, y->d, y->n, 4096);

		same &= na == nb && memcmp(oa, ob, na) == 0;
	}
	CHECK(a && b && same, "same seed, different outputs");
	deinit(a);
	deinit(b);
	for (size_t k = 0; k < nin; k++)
		free(in[k].d);
}

int main(int argc, char **argv)
{
	void *lib;

	if (argc != 3) {
		fprintf(stderr, "usage: test_afl_mutator LIB CORPUS_DIR\n");
		return 2;
	}
	rng_state = 0xaf1;
	lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "dlopen %s: %s\n", argv[1], dlerror());
		return 1;
	}
	init = (init_fn *)dlsym(lib, "afl_custom_init");
	fuzz = (fuzz_fn *)dlsym(lib, "afl_custom_fuzz");
	describe = (describe_fn *)dlsym(lib, "afl_custom_describe");
	deinit = (deinit_fn *)dlsym(lib, "afl_custom_deinit");
	if (!CHECK(init && fuzz && describe && deinit,
		   "missing afl_custom_* symbol"))
		goto out;
	/* only the AFL++ API is exported, not the core it carries */
	CHECK(dlsym(lib, "ff_mutate") == NULL, "ff_mutate exported");

	for (size_t ti = 0; ti < ff_nr_targets; ti++)
		one_target(&ff_targets[ti], argv[2]);
	deterministic(argv[2]);

	unsetenv("FOLIOFUZZ_TARGET");
	{
		void *m = init(NULL, 1);

		CHECK(m != NULL, "FOLIOFUZZ_TARGET unset: init failed");
		deinit(m);
	}
	setenv("FOLIOFUZZ_TARGET", "no_such_target", 1);
	CHECK(init(NULL, 1) == NULL, "unknown target: init did not fail");
	{ /* AFL++ 4.04c goes on with the NULL: every entry point takes it */
		uint8_t in[4] = { 1, 2, 3, 4 }, *out = NULL;

		CHECK(fuzz(NULL, in, sizeof(in), &out, in, sizeof(in), 64) ==
				      0 &&
			      out == in,
		      "NULL state: fuzz did not skip");
		CHECK(strcmp(describe(NULL, 64), "") == 0,
		      "NULL state: describe");
		deinit(NULL);
	}
out:
	dlclose(lib);
	printf("test_afl_mutator: %u passed, %u failed\n", nr_passed,
	       nr_failed);
	return nr_failed ? 1 : 0;
}
