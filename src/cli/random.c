/*
 * random.c - `foliofuzz random`: the random-testing baseline (docs/design.md §22).
 *
 *   foliofuzz random [--target=T] [--bugs=LIST] [--seconds=S] [--seed=S]
 *                    [--len=L] [--pfns=N] [--corpus=DIR]... [--save=FILE]
 *                    [--no-suppress]
 *
 * Generates random programs and runs them in this process, with the full
 * invariant check, until one breaks an invariant or S seconds pass (default
 * 60; fractions allowed).  No feedback: program k is `foliofuzz gen
 * --target=T --seed=Sk --len=Lk` (the same generator: ops drawn from
 * target T's assigned opcode slots, so the op mix is the target's), with
 * Sk and Lk (uniform in 1..L, default L 64) drawn from --seed.  With --corpus, every
 * file in DIR (raw bytes for target T, or text traces) runs first, in name
 * order, as every engine runs its seeds first.
 *
 * Output, one summary line on stdout (after the report on a violation):
 *   random: found I_X after 0.123 s (program 45, seed Sk, len Lk, 678 steps)
 *   random: none after 60.000 s (12345 programs, 789012 steps, 13150 steps/s)
 * and the command that reproduces the failing program.  A sanitizer report
 * (ASan under the asan preset) kills the process; a death callback prints
 * "random: died after ..." to stderr first, and --save gets the program.
 * --save=FILE also receives the failing program of a violation, as text.
 *
 * Exit: 0 when nothing broke, 1 on a violation, 2 on bad usage.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "foliofuzz/bugs.h"
#include "foliofuzz/harness.h"

#define EXIT_VIOLATION 1
#define EXIT_USAGE 2

/* Set when built with a sanitizer: called just before the process dies. */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static int rusage(const char *msg)
{
	if (msg)
		fprintf(stderr, "foliofuzz random: %s\n", msg);
	fprintf(stderr,
		"usage: foliofuzz random [--target=T] [--bugs=LIST] "
		"[--seconds=S] [--seed=S] [--len=L]\n"
		"                        [--pfns=N] [--corpus=DIR]... "
		"[--save=FILE] [--no-suppress]\n"
		"  random programs (the op mix of target T, default ops), "
		"run in-process until an\n"
		"  invariant breaks or S seconds pass (default 60); "
		"--corpus files run first.\n");
	return EXIT_USAGE;
}

/* What the death callback needs to say where the process died. */
static struct {
	double t0;
	const struct ff_target *target;
	const char *bugs, *save, *what;
	const struct ff_prog *prog;
	unsigned long nr, seed, len;
} cur;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void save_prog(const struct ff_prog *p)
{
	FILE *f;

	if (!cur.save || !p)
		return;
	f = fopen(cur.save, "w");
	if (!f)
		return;
	fprintf(f, "# foliofuzz trace\n# random: %s, target %s, bugs=%s\n",
		cur.what, cur.target->name, cur.bugs ? cur.bugs : "");
	ff_trace_print(f, p, p->nr);
	fclose(f);
}

static void print_repro(FILE *f)
{
	if (cur.seed)
		fprintf(f,
			"random: reproduce: foliofuzz gen --target=%s "
			"--seed=%lu --len=%lu -o prog.bin && foliofuzz run "
			"--target=%s%s%s prog.bin\n",
			cur.target->name, cur.seed, cur.len, cur.target->name,
			cur.bugs && *cur.bugs ? " --bugs=" : "",
			cur.bugs ? cur.bugs : "");
	else
		fprintf(f,
			"random: reproduce: foliofuzz run --target=%s%s%s "
			"%s\n",
			cur.target->name,
			cur.bugs && *cur.bugs ? " --bugs=" : "",
			cur.bugs ? cur.bugs : "", cur.what);
}

static void on_death(void)
{
	fprintf(stderr, "random: died after %.3f s (program %lu, %s)\n",
		now() - cur.t0, cur.nr, cur.what);
	print_repro(stderr);
	save_prog(cur.prog);
}

/* Reads a whole file; NULL on error. */
static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || n > (64L << 20)) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = 0;
		*size = (size_t)n;
	}
	return buf;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir, sorted, as "dir/name"; count in *nr. */
static char **list_dir(const char *dir, size_t *nr)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0, cap = 0;

	*nr = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		size_t len;
		char *p;

		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nv;

			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		len = strlen(dir) + strlen(e->d_name) + 2;
		p = malloc(len);
		if (!p)
			break;
		snprintf(p, len, "%s/%s", dir, e->d_name);
		v[n++] = p;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), name_cmp);
	*nr = n;
	return v;
}

/* Runs prog; true when an invariant broke (the report is on stdout). */
static bool run_one(const struct ff_run_opts *o, const struct ff_prog *prog,
		    unsigned long *steps, struct ff_result *res)
{
	cur.prog = prog;
	ff_run(o, prog, res);
	*steps += res->step < prog->nr ? res->step + 1 : prog->nr;
	return res->inv != FF_INV_NONE;
}

static int found(const struct ff_result *res, unsigned long steps)
{
	fflush(stdout);
	printf("random: found %s after %.3f s (program %lu, %s, %lu steps)\n",
	       ff_invs[res->inv].id, now() - cur.t0, cur.nr, cur.what, steps);
	print_repro(stdout);
	save_prog(cur.prog);
	return EXIT_VIOLATION;
}

int ff_cmd_random(int argc, char **argv)
{
	const char *bugs = getenv("FOLIOFUZZ_BUGS");
	const char *dirs[16];
	int nr_dirs = 0;
	unsigned long seed = 1, len = 64, pfns = 0, steps = 0;
	double seconds = 60;
	struct ff_run_opts o;
	struct ff_result res;
	struct ff_prog prog;
	uint64_t rng;
	uint64_t prog_rng;
	char err[512], what[96];

	ff_run_opts_default(&o);
	cur.target = &ff_targets[0];
	if (getenv("FOLIOFUZZ_NO_SUPPRESS"))
		o.suppress = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--target=", 9) == 0) {
			cur.target = ff_target_by_name(a + 9);
			if (!cur.target)
				return rusage("unknown --target");
		} else if (strncmp(a, "--bugs=", 7) == 0) {
			bugs = a + 7;
		} else if (strncmp(a, "--seconds=", 10) == 0) {
			char *end;

			errno = 0;
			seconds = strtod(a + 10, &end);
			if (errno || *end || a[10] == 0 || !(seconds > 0) ||
			    seconds > 1e7)
				return rusage("--seconds needs a positive "
					      "number");
		} else if (strncmp(a, "--seed=", 7) == 0) {
			if (!ff_cli_parse_uint(a + 7, ~0UL, &seed))
				return rusage("bad --seed");
		} else if (strncmp(a, "--len=", 6) == 0) {
			if (!ff_cli_parse_uint(a + 6, FF_MAX_PROG, &len) ||
			    !len)
				return rusage("--len needs 1..4096");
		} else if (strncmp(a, "--pfns=", 7) == 0) {
			if (!ff_cli_parse_uint(a + 7, 1u << 20, &pfns) ||
			    pfns < 64)
				return rusage("--pfns needs 64..1048576");
		} else if (strncmp(a, "--corpus=", 9) == 0) {
			if (nr_dirs == 16)
				return rusage("at most 16 --corpus dirs");
			dirs[nr_dirs++] = a + 9;
		} else if (strncmp(a, "--save=", 7) == 0) {
			cur.save = a + 7;
		} else if (strcmp(a, "--no-suppress") == 0) {
			o.suppress = 0;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			rusage(NULL);
			return 0;
		} else {
			char msg[160];

			snprintf(msg, sizeof(msg), "unknown option '%s'", a);
			return rusage(msg);
		}
	}
	if (bugs && *bugs &&
	    ff_bugs_parse(bugs, &o.cfg.bugs, err, sizeof(err))) {
		fprintf(stderr, "foliofuzz random: %s\n", err);
		return EXIT_USAGE;
	}
	cur.bugs = bugs;
	/* As the fuzz target runs it (fuzz.h): memdesc runs both
	 * representations. */
	o.differential = cur.target->differential;
	if (pfns)
		o.cfg.nr_pfns = (uint32_t)pfns;
	o.report = stdout;
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(on_death);

	ff_prog_init(&prog);
	cur.t0 = now();
	cur.what = what;

	/* The seeds first, as the engines run theirs. */
	for (int d = 0; d < nr_dirs; d++) {
		size_t nr;
		char **files = list_dir(dirs[d], &nr);

		if (!files) {
			fprintf(stderr, "foliofuzz random: %s: cannot read\n",
				dirs[d]);
			ff_prog_free(&prog);
			return EXIT_USAGE;
		}
		for (size_t k = 0; k < nr; k++) {
			size_t size;
			uint8_t *data = slurp(files[k], &size);
			int bad = 0;

			if (data && ff_is_text_trace(data, size, files[k]))
				bad = ff_trace_parse((const char *)data, size,
						     files[k], &prog, err,
						     sizeof(err));
			else if (data)
				ff_decode_target(cur.target, data, size, &prog);
			free(data);
			if (!data || bad) {
				free(files[k]);
				continue; /* unreadable seeds are skipped */
			}
			snprintf(what, sizeof(what), "%s", files[k]);
			cur.nr++;
			if (run_one(&o, &prog, &steps, &res)) {
				int rc = found(&res, steps);

				for (; k < nr; k++)
					free(files[k]);
				free(files);
				ff_prog_free(&prog);
				return rc;
			}
			free(files[k]);
		}
		free(files);
	}

	rng = ff_cli_rng_seed(seed);
	for (;;) {
		double t = now() - cur.t0;

		if (t >= seconds) {
			printf("random: none after %.3f s (%lu programs, %lu "
			       "steps, %.0f steps/s)\n",
			       t, cur.nr, steps, t > 0 ? (double)steps / t : 0);
			break;
		}
		/* A program seed of 0 would read as "from the corpus". */
		cur.seed = (unsigned long)(ff_cli_rng_next(&rng) >> 1) | 1;
		cur.len = 1 + (unsigned long)(ff_cli_rng_next(&rng) % len);
		snprintf(what, sizeof(what), "seed %lu, len %lu", cur.seed,
			 cur.len);
		prog_rng = ff_cli_rng_seed(cur.seed); /* as `gen --seed` */
		ff_cli_gen_prog(cur.target, &prog_rng, cur.len, &prog);
		cur.nr++;
		if (run_one(&o, &prog, &steps, &res)) {
			int rc = found(&res, steps);

			ff_prog_free(&prog);
			return rc;
		}
	}
	ff_prog_free(&prog);
	return 0;
}
