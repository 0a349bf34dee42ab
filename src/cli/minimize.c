/*
 * minimize.c - `foliofuzz minimize IN [-o OUT.trace] [--bugs=LIST]
 * [--target=T] [--no-suppress] [--pfns=N]`: the op-level stage of crash
 * minimization (docs/design.md §19).
 *
 * IN (a text trace, or bytes decoded with target T's op subset, as
 * `foliofuzz run --target=T` does) must break an invariant; that id is
 * the one every smaller candidate must break too (src/harness/minimize.c does the
 * delta debugging).  The result is a text trace ready for
 * corpus/regressions/, headed "# expect: I_X" (plus " with bugs=LIST" when
 * knobs are on, from --bugs or FOLIOFUZZ_BUGS; or " finding=F fix=K"
 * when, with --no-suppress and no knobs, the failure is the known finding
 * F).  `foliofuzz verify` runs that line (include/foliofuzz/expect.h).
 * scripts/minimize.sh adds the byte-level stage around it.
 *
 * Exit: 0 with the minimized trace written; 2 on bad usage, an unreadable
 * or malformed IN, an unknown knob, or an IN that breaks no invariant.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/bugs.h"
#include "cli.h"
#include "foliofuzz/harness.h"
#include "foliofuzz/readfile.h"

int ff_cmd_minimize(int argc, char **argv);

#define EXIT_USAGE 2

static int usage(const char *msg)
{
	fprintf(stderr,
		"foliofuzz minimize: %s\n"
		"usage: foliofuzz minimize IN [-o OUT.trace] [--bugs=LIST] "
		"[--target=T] [--no-suppress] [--pfns=N]\n",
		msg);
	return EXIT_USAGE;
}

/* Loads IN as a program, like `foliofuzz run`: a text trace may name its
 * target ("# target: T"), which then replaces *t.  0 or EXIT_USAGE. */
static int load(const char *path, const struct ff_target **t,
		struct ff_prog *prog)
{
	size_t n;
	char err[512];
	int rc = 0;
	uint8_t *buf = (uint8_t *)ff_read_file(path, &n, err, sizeof(err));

	if (!buf) {
		fprintf(stderr, "foliofuzz: %s\n", err);
		return EXIT_USAGE;
	}
	if (ff_is_text_trace(buf, n, path)) {
		const char *tt = strstr((const char *)buf, "\n# target: ");
		char name[32];

		if (ff_trace_parse((const char *)buf, n, path, prog, err,
				   sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			rc = EXIT_USAGE;
		} else if (tt && (sscanf(tt + 11, "%31s", name) != 1 ||
				  !(*t = ff_target_by_name(name)))) {
			fprintf(stderr,
				"foliofuzz: %s: bad '# target:' "
				"line\n",
				path);
			rc = EXIT_USAGE;
		}
	} else {
		ff_decode_target(*t, buf, n, prog);
	}
	free(buf);
	return rc;
}

/* Bug knobs from LIST (bugs.h); 0, or -1 with a message. */
static int parse_bugs(const char *list, uint64_t *bugs)
{
	char err[512];

	*bugs = 0;
	if (!list || !*list)
		return 0;
	if (ff_bugs_parse(list, bugs, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "foliofuzz: %s\n", err);
	return -1;
}

static int write_trace(const char *out, const struct ff_prog *prog,
		       const struct ff_target *t, int inv, int finding,
		       const char *bugs, const char *in, size_t before)
{
	FILE *f = ff_cli_open_out(out);

	if (!f)
		return EXIT_USAGE;
	fprintf(f, "# foliofuzz trace\n");
	if (t != &ff_targets[0])
		fprintf(f, "# target: %s\n", t->name);
	fprintf(f, "# expect: %s", ff_invs[inv].id);
	if (finding != FF_FINDING_NONE)
		fprintf(f, " finding=%s fix=%s", ff_findings[finding].id,
			ff_findings[finding].fix);
	else if (bugs && *bugs)
		fprintf(f, " with bugs=%s", bugs);
	fprintf(f, "\n# minimized by foliofuzz minimize from %s (%zu ops)\n",
		in, before);
	for (size_t k = 0; k < prog->nr; k++) {
		ff_op_print(f, &prog->ops[k]);
		fputc('\n', f);
	}
	return ff_cli_close_out(f, out);
}

int ff_cmd_minimize(int argc, char **argv)
{
	const char *in = NULL, *out = NULL, *bugs = getenv("FOLIOFUZZ_BUGS");
	const struct ff_target *t = &ff_targets[0];
	struct ff_min_stats st;
	struct ff_run_opts o;
	struct ff_result res;
	struct ff_min_inv m;
	struct ff_prog prog;
	FILE *devnull;
	int rc, finding;

	ff_run_opts_default(&o);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strncmp(argv[i], "--bugs=", 7) == 0) {
			bugs = argv[i] + 7;
		} else if (strncmp(argv[i], "--target=", 9) == 0) {
			t = ff_target_by_name(argv[i] + 9);
			if (!t)
				return usage("unknown --target");
		} else if (strcmp(argv[i], "--no-suppress") == 0) {
			o.suppress = 0;
		} else if (strncmp(argv[i], "--pfns=", 7) == 0) {
			char *end;
			unsigned long v = strtoul(argv[i] + 7, &end, 0);

			if (*end || v < 1 || v > (1u << 20) ||
			    argv[i][7] == '-')
				return usage("--pfns needs 1..1048576");
			o.cfg.nr_pfns = (uint32_t)v;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			char msg[160];

			snprintf(msg, sizeof(msg), "unknown option '%s'",
				 argv[i]);
			return usage(msg);
		} else if (!in) {
			in = argv[i];
		} else {
			return usage("one input only");
		}
	}
	if (!in)
		return usage("missing input");
	if (parse_bugs(bugs, &o.cfg.bugs) || ff_cli_out_writable(out))
		return EXIT_USAGE;

	devnull = fopen("/dev/null", "w");
	if (!devnull) {
		fprintf(stderr, "foliofuzz: /dev/null: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	o.report = devnull;
	ff_prog_init(&prog);
	rc = load(in, &t, &prog);
	if (rc)
		goto out;
	o.differential = t->differential;

	ff_run(&o, &prog, &res);
	if (res.inv == FF_INV_NONE) {
		fprintf(stderr,
			"foliofuzz minimize: %s breaks no invariant%s%s", in,
			bugs && *bugs ? " with bugs=" : "",
			bugs && *bugs ? bugs : "");
		if (res.finding != FF_FINDING_NONE)
			fprintf(stderr,
				" (it stops at the known finding %s; "
				"--no-suppress minimizes that)",
				ff_findings[res.finding].id);
		fprintf(stderr, ": nothing to minimize\n");
		rc = EXIT_USAGE;
		goto out;
	}

	m = (struct ff_min_inv){ .opts = &o, .inv = res.inv };
	rc = ff_minimize(&prog, ff_min_fails_inv, &m, &st);
	if (rc) {
		/* 1 cannot happen: the same program just failed (the model is
		 * deterministic); -1 is out of memory. */
		fprintf(stderr, "foliofuzz minimize: %s\n",
			rc < 0 ? "out of memory" :
				 "the input stopped failing (nondeterminism?)");
		rc = EXIT_USAGE;
		goto out;
	}
	fprintf(stderr,
		"foliofuzz minimize: %s: %s, %zu ops -> %zu ops (%zu runs)\n",
		in, ff_invs[res.inv].id, st.ops_before, st.ops_after, st.tries);
	/* With --no-suppress the failure may be a known finding: the
	 * result then says so ("I_X finding=F fix=K", expect.h), as a
	 * suppressed run of it stops at that finding. */
	finding = FF_FINDING_NONE;
	if (!o.suppress && !(bugs && *bugs)) {
		struct ff_result r;

		o.suppress = 1;
		ff_run(&o, &prog, &r);
		if (r.finding != FF_FINDING_NONE &&
		    ff_findings[r.finding].inv == res.inv)
			finding = r.finding;
	}
	rc = write_trace(out, &prog, t, res.inv, finding, bugs, in,
			 st.ops_before);
out:
	ff_prog_free(&prog);
	fclose(devnull);
	return rc;
}
