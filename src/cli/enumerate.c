/*
 * enumerate.c - `foliofuzz enumerate`: every program up to a depth in a
 * small world, each distinct state explored once (docs/design.md §24).
 *
 *   foliofuzz enumerate --target=T [--pfns=N] [--max-order=K]
 *                       [--dev-pages=N] [--maps=N] [--depth=D]
 *                       [--ops=LIST] [--bugs=LIST] [--seconds=S]
 *                       [--max-states=M] [--jobs=J] [--no-suppress]
 *                       [-o OUT.trace]
 *
 * Output on stdout: a progress line per depth
 *   enumerate: depth 2: 345 states (+300 new), frontier 300, ...
 * then, on a violation, the usual report of the shortest failing program
 * and
 *   enumerate: found I_X at depth L (shortest; P programs, S states, T s)
 * and when clean
 *   enumerate: no violation up to depth D: S distinct states, P programs
 *   (complete)
 * or, when the time limit or --max-states cut the search, "(cut by ...;
 * depth D' complete)" with D' the depth every program up to which ran.
 * -o writes the failing program as a text trace that `foliofuzz run`
 * replays with the same --pfns, --max-order, --dev-pages and --maps
 * (the trace's comment gives the command).  --jobs=J runs each
 * level's programs in J processes; the states, programs and the program
 * found are those of one process.
 *
 * Exit: 0 clean, 1 violation, 2 bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "foliofuzz/bugs.h"
#include "foliofuzz/enumerate.h"

#define EXIT_VIOLATION 1
#define EXIT_USAGE 2

/* Set when built with a sanitizer: called just before the process dies. */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

/* What the death callback needs. */
static struct {
	const struct ff_enum_opts *o;
	const char *bugs, *out;
} cur;

static int eusage(const char *msg)
{
	if (msg)
		fprintf(stderr, "foliofuzz enumerate: %s\n", msg);
	fprintf(stderr,
		"usage: foliofuzz enumerate --target=T [--pfns=N] "
		"[--max-order=K] [--dev-pages=N] [--maps=N]\n"
		"                           [--depth=D] [--ops=LIST]\n"
		"                           [--bugs=LIST] [--seconds=S] "
		"[--max-states=M] [--jobs=J]\n"
		"                           [--no-suppress] [-o OUT.trace]\n"
		"  every program of target T's ops up to D ops (default 4), "
		"breadth first, in a\n"
		"  world of N RAM pfns (default 16) with orders up to K "
		"(default 2), N device-private\n"
		"  pfns (64) and a mapping table of N entries (512); each "
		"distinct\n"
		"  state is expanded once; the first violation is a shortest "
		"program showing it.\n"
		"  --jobs=J runs each depth in J processes (same result as "
		"one).\n");
	return EXIT_USAGE;
}

/* "a,b,c" of op names in target t into a mask; false on a bad name. */
static bool parse_ops(const struct ff_target *t, const char *list,
		      uint64_t *mask)
{
	char name[64];

	*mask = 0;
	while (*list) {
		size_t n = strcspn(list, ",");
		int code = -1;

		if (n == 0 || n >= sizeof(name)) {
			fprintf(stderr,
				"foliofuzz enumerate: --ops: empty or long "
				"name\n");
			return false;
		}
		memcpy(name, list, n);
		name[n] = 0;
		for (int c = 0; c < FF_OP_RESERVED; c++)
			if (strcmp(ff_op_table[c].name, name) == 0)
				code = c;
		if (code < 0 || ff_target_byte(t, (uint8_t)code) < 0) {
			fprintf(stderr,
				"foliofuzz enumerate: --ops: '%s' is not an "
				"op of target %s\n",
				name, t->name);
			return false;
		}
		*mask |= 1ULL << code;
		list += n + (list[n] == ',');
	}
	return *mask != 0;
}

static void write_trace(FILE *f, const struct ff_enum_opts *o, const char *what,
			const struct ff_prog *p, const char *bugs)
{
	char world[64];

	ff_cli_world_str(&o->cfg, world, sizeof(world));
	fprintf(f, "# foliofuzz trace\n");
	if (o->target != &ff_targets[0])
		fprintf(f, "# target: %s\n", o->target->name);
	fprintf(f,
		"# foliofuzz enumerate --target=%s --pfns=%u --max-order=%u%s "
		"--depth=%u%s%s:\n"
		"# the shortest program that breaks %s (%zu ops).  Replay:\n"
		"# foliofuzz run --pfns=%u --max-order=%u%s%s%s FILE\n",
		o->target->name, o->cfg.nr_pfns, o->cfg.max_order, world,
		o->depth, bugs && *bugs ? " --bugs=" : "", bugs ? bugs : "",
		what, p->nr, o->cfg.nr_pfns, o->cfg.max_order, world,
		bugs && *bugs ? " --bugs=" : "", bugs ? bugs : "");
	for (size_t k = 0; k < p->nr; k++) {
		ff_op_print(f, &p->ops[k]);
		fputc('\n', f);
	}
}

/* A sanitizer report ends the process: the program that died is a
 * shortest one (breadth first); say so and write it to -o.  With --jobs
 * this runs in the worker that died; the trace is written under another
 * name and renamed, so that two workers dying at once leave one whole
 * trace. */
static void on_death(void)
{
	const struct ff_prog *p = ff_enum_running;
	char tmp[4096];
	FILE *f;

	if (!p)
		return;
	fprintf(stderr,
		"enumerate: died at depth %zu (shortest: every shorter "
		"program ran clean)\n",
		p->nr);
	ff_trace_print(stderr, p, p->nr);
	if (!cur.out ||
	    snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", cur.out, (long)getpid()) >=
		    (int)sizeof(tmp) ||
	    !(f = fopen(tmp, "w")))
		return;
	write_trace(f, cur.o, "the sanitizer", p, cur.bugs);
	if (fclose(f) == 0)
		rename(tmp, cur.out);
	else
		remove(tmp);
}

int ff_cmd_enumerate(int argc, char **argv)
{
	const char *bugs = getenv("FOLIOFUZZ_BUGS"), *ops = NULL, *out = NULL;
	struct ff_enum_opts o;
	struct ff_enum_result r;
	unsigned long v;
	char err[512];
	int rc;

	ff_enum_opts_default(&o);
	o.target = NULL;
	if (getenv("FOLIOFUZZ_NO_SUPPRESS"))
		o.suppress = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--target=", 9) == 0) {
			o.target = ff_target_by_name(a + 9);
			if (!o.target)
				return eusage("unknown --target (foliofuzz "
					      "targets lists them)");
		} else if (strncmp(a, "--pfns=", 7) == 0) {
			if (!ff_cli_parse_uint(a + 7, 4096, &v) || v < 4)
				return eusage("--pfns needs 4..4096");
			o.cfg.nr_pfns = (uint32_t)v;
		} else if (strncmp(a, "--max-order=", 12) == 0) {
			if (!ff_cli_parse_uint(a + 12, FF_MAX_ORDER, &v))
				return eusage("--max-order needs 0..6");
			o.cfg.max_order = (uint8_t)v;
		} else if ((rc = ff_cli_world_opt("enumerate", a, &o.cfg))) {
			if (rc < 0)
				return eusage(NULL);
		} else if (strncmp(a, "--depth=", 8) == 0) {
			if (!ff_cli_parse_uint(a + 8, 64, &v) || !v)
				return eusage("--depth needs 1..64");
			o.depth = (unsigned)v;
		} else if (strncmp(a, "--ops=", 6) == 0) {
			ops = a + 6;
		} else if (strncmp(a, "--bugs=", 7) == 0) {
			bugs = a + 7;
		} else if (strncmp(a, "--seconds=", 10) == 0) {
			char *end;

			errno = 0;
			o.seconds = strtod(a + 10, &end);
			if (errno || *end || a[10] == 0 || !(o.seconds > 0) ||
			    o.seconds > 1e7)
				return eusage("--seconds needs a positive "
					      "number");
		} else if (strncmp(a, "--max-states=", 13) == 0) {
			/* the visited set: 16-byte slots, twice as many as
			 * states (4 GiB at the bound) */
			if (!ff_cli_parse_uint(a + 13, 100000000, &v) || !v)
				return eusage("--max-states needs "
					      "1..100000000");
			o.max_states = v;
		} else if (strncmp(a, "--jobs=", 7) == 0) {
			if (!ff_cli_parse_uint(a + 7, FF_ENUM_MAX_JOBS, &v) ||
			    !v)
				return eusage("--jobs needs 1..64");
			o.jobs = (unsigned)v;
		} else if (strcmp(a, "--no-suppress") == 0) {
			o.suppress = 0;
		} else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			eusage(NULL);
			return 0;
		} else {
			char msg[160];

			snprintf(msg, sizeof(msg), "unknown option '%s'", a);
			return eusage(msg);
		}
	}
	if (!o.target)
		return eusage("--target is required");
	if ((1UL << o.cfg.max_order) > o.cfg.nr_pfns)
		return eusage("--max-order: a block of 2^K pages must fit in "
			      "--pfns");
	if (ops && !parse_ops(o.target, ops, &o.ops))
		return EXIT_USAGE;
	if (bugs && *bugs &&
	    ff_bugs_parse(bugs, &o.cfg.bugs, err, sizeof(err))) {
		fprintf(stderr, "foliofuzz enumerate: %s\n", err);
		return EXIT_USAGE;
	}
	if (out && ff_cli_out_writable(out))
		return EXIT_USAGE;
	ff_trace_target = o.target == &ff_targets[0] ? NULL : o.target->name;
	o.progress = stdout;
	cur.o = &o;
	cur.bugs = bugs;
	cur.out = out;
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(on_death);

	ff_enumerate(&o, &r);
	if (r.found) {
		struct ff_run_opts ro;
		struct ff_result rr;

		/* the report, from the normal runner */
		ff_run_opts_default(&ro);
		ro.cfg = o.cfg;
		ro.differential = o.target->differential;
		ro.suppress = o.suppress;
		ro.report = stdout;
		fflush(stdout);
		ff_run(&ro, &r.prog, &rr);
		if (r.shortest)
			printf("enumerate: found %s at depth %zu (shortest; "
			       "%llu programs, %zu states, %.3f s)\n",
			       ff_invs[r.inv].id, r.prog.nr,
			       (unsigned long long)r.programs, r.states,
			       r.secs);
		else
			printf("enumerate: found %s at depth %zu (not shown "
			       "shortest: the search was cut with depth %u "
			       "complete; %llu programs, %zu states, %.3f s)\n",
			       ff_invs[r.inv].id, r.prog.nr, r.depth_done,
			       (unsigned long long)r.programs, r.states,
			       r.secs);
		if (out) {
			FILE *f = ff_cli_open_out(out);

			if (!f) {
				ff_prog_free(&r.prog);
				return EXIT_USAGE;
			}
			write_trace(f, &o, ff_invs[r.inv].id, &r.prog, bugs);
			if (ff_cli_close_out(f, out)) {
				ff_prog_free(&r.prog);
				return EXIT_USAGE;
			}
		}
		rc = EXIT_VIOLATION;
	} else {
		printf("enumerate: no violation up to depth %u: %zu distinct "
		       "states, %llu programs",
		       r.depth_done, r.states, (unsigned long long)r.programs);
		if (r.depth_done == o.depth && !r.cut_states && !r.cut_time)
			printf(" (complete)\n");
		else
			printf(" (cut by %s before depth %u; depth %u "
			       "complete)\n",
			       r.cut_time && r.cut_states ?
				       "the time limit and --max-states" :
			       r.cut_time ? "the time limit" :
					    "--max-states",
			       o.depth, r.depth_done);
		rc = 0;
	}
	printf("enumerate: %.3f s, %.0f states/s, %.0f programs/s, %llu "
	       "deduplicated, %llu ended by a known finding, %.1f MiB\n",
	       r.secs, r.secs > 0 ? (double)r.states / r.secs : 0,
	       r.secs > 0 ? (double)r.programs / r.secs : 0,
	       (unsigned long long)r.deduped, (unsigned long long)r.dead,
	       (double)r.mem / 1048576.0);
	ff_prog_free(&r.prog);
	return rc;
}
