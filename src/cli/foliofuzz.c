/*
 * foliofuzz - the command line.
 *
 *   foliofuzz decode IN [-o OUT] [--target=T]     bytes -> text trace
 *   foliofuzz encode IN.trace -o OUT [--target=T] text -> canonical bytes
 *   foliofuzz run IN [--bugs=LIST] [--verbose] [--no-suppress] [--pfns=N]
 *                 [--max-order=K] [--dev-pages=N] [--maps=N] [--target=T]
 *                 [--summary]
 *   (raw bytes are decoded with target T's op subset; default "ops")
 *   foliofuzz explain ID | --list
 *   foliofuzz knobs                    bug knobs: NAME TARGET KIND
 *   foliofuzz targets                  NAME NR_OPS DIFFERENTIAL DOC
 *   foliofuzz gen --seed=S --len=L [-o OUT] [--text] [--target=T]
 *   foliofuzz bench [--seconds=S] [--len=L] [--seed=S] [--pfns=N]
 *                   [--target=T] [--tsv]
 *   foliofuzz random --target=T [--bugs=LIST] [--seconds=S] ...  (random.c)
 *   foliofuzz enumerate --target=T [--pfns=N] [--depth=D] ...  (enumerate.c)
 *   foliofuzz minimize IN [-o OUT.trace] [--bugs=LIST] [--target=T]
 *                      [--no-suppress]   (minimize.c)
 *   foliofuzz expect FILE.trace               (verify.c)
 *   foliofuzz verify FILE.trace [--target=T]  (verify.c)
 *
 * Exit status: 0 when every invariant held, 1 with a report on a
 * violation, 2 on bad usage or a malformed input file.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "foliofuzz/bugs.h"
#include "foliofuzz/harness.h"
#include "foliofuzz/readfile.h"

#define EXIT_VIOLATION 1
#define EXIT_USAGE 2

static const char usage_text[] =
	"usage: foliofuzz decode IN [-o OUT] [--target=T]\n"
	"       foliofuzz encode IN.trace -o OUT [--target=T]\n"
	"       foliofuzz run IN [--bugs=LIST|help] [--verbose] "
	"[--no-suppress] [--differential] [--pfns=N] [--max-order=K] "
	"[--dev-pages=N] [--maps=N] [--target=T] "
	"[--summary] [--model] [--kshim-diff]\n"
	"       foliofuzz expect FILE.trace   (its '# expect:' line: "
	"KIND ID BUGS FINDING FIX, tab-separated)\n"
	"       foliofuzz verify FILE.trace [--target=T]   (run every "
	"leg of its '# expect:' line)\n"
	"       foliofuzz explain ID | --list\n"
	"       foliofuzz knobs\n"
	"       foliofuzz targets\n"
	"       foliofuzz gen --seed=S --len=L [-o OUT] [--text] "
	"[--target=T]\n"
	"       foliofuzz bench [--seconds=S] [--len=L] [--seed=S] "
	"[--pfns=N] [--target=T] [--tsv]\n"
	"       foliofuzz random [--target=T] [--bugs=LIST] "
	"[--seconds=S] [--seed=S] [--len=L] [--corpus=DIR] "
	"(random --help)\n"
	"       foliofuzz enumerate --target=T [--pfns=N] [--max-order=K] "
	"[--depth=D] [--ops=LIST] [--bugs=LIST] [--seconds=S] "
	"[--max-states=M] [-o OUT.trace] (enumerate --help)\n"
	"       foliofuzz minimize IN [-o OUT.trace] [--bugs=LIST] "
	"[--target=T] [--no-suppress] [--pfns=N]\n"
	"       foliofuzz kshim-gate LAYOUT.tsv   "
	"(a kernel tree's layout vs the model's; scripts/kshim.sh)\n"
	"       foliofuzz kshim   (a kshim build's manifest: kernel "
	"release, sources, picks, gate, expected differences)\n"
	"run in a kshim build: --model runs the model instead of the "
	"tree's code; --kshim-diff runs both and compares their "
	"struct pages after every step\n";

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "foliofuzz: %s\n", msg);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/* `foliofuzz SUB --help`: SUB's lines of the usage text, on stdout. */
static int sub_usage(const char *sub)
{
	size_t n = strlen(sub);
	int found = 0;

	for (const char *l = usage_text; *l;) {
		const char *eol = strchr(l, '\n');
		const char *w = strstr(l, "foliofuzz ");
		size_t len = eol ? (size_t)(eol - l) : strlen(l);

		if (w && w < l + len && strncmp(w + 10, sub, n) == 0 &&
		    (w[10 + n] == ' ' || w[10 + n] == '\n')) {
			printf("usage: %.*s\n", (int)(l + len - w), w);
			found = 1;
		}
		l += len + (eol ? 1 : 0);
	}
	if (!found)
		fputs(usage_text, stdout);
	return 0;
}

/* "CMD: unknown option 'OPT'" and the usage. */
static int unknown_opt(const char *cmd, const char *opt)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "%s: unknown option '%s'", cmd, opt);
	return usage(msg);
}

/* Reads a whole file; NULL with a message on error. */
static uint8_t *read_file(const char *path, size_t *size)
{
	char err[512];
	char *buf = ff_read_file(path, size, err, sizeof(err));

	if (!buf)
		fprintf(stderr, "foliofuzz: %s\n", err);
	return (uint8_t *)buf;
}

/* The fuzz target whose byte encoding raw inputs use (--target=). */
static const struct ff_target *target = &ff_targets[0];
static bool target_given; /* --target was on the command line */

static bool set_target(const char *arg)
{
	target = ff_target_by_name(arg);
	if (target) {
		ff_trace_target =
			target == &ff_targets[0] ? NULL : target->name;
		return true;
	}
	fprintf(stderr, "foliofuzz: unknown target '%s' (known:", arg);
	for (size_t i = 0; i < ff_nr_targets; i++)
		fprintf(stderr, " %s", ff_targets[i].name);
	fprintf(stderr, ")\n");
	return false;
}

/* --target=T on the command line. */
static bool parse_target(const char *arg)
{
	target_given = true;
	return set_target(arg);
}

/*
 * A trace's "# target: T" header: read only among its leading comment
 * lines.  An empty value is an error, and so is a header that disagrees
 * with --target (the two are never silently reconciled).  0, or 2 after a
 * "file:line: message".
 */
static int trace_header(const char *path, const char *text, size_t size)
{
	const char *p = text, *end = text + size;

	for (unsigned line = 1; p < end && *p == '#'; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
		char name[32] = "";

		if (len >= 9 && strncmp(p, "# target:", 9) == 0) {
			const char *v = p + 9, *e = p + len;

			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			while (e > v &&
			       (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
				e--;
			if (v == e || (size_t)(e - v) >= sizeof(name)) {
				fprintf(stderr,
					"%s:%u: '# target:' needs a target "
					"name\n",
					path, line);
				return EXIT_USAGE;
			}
			memcpy(name, v, (size_t)(e - v));
			if (target_given && strcmp(name, target->name) != 0) {
				fprintf(stderr,
					"%s:%u: the trace says '# target: %s' "
					"but the command line says --target=%s; "
					"drop one\n",
					path, line, name, target->name);
				return EXIT_USAGE;
			}
			if (!target_given && !set_target(name))
				return EXIT_USAGE;
			return 0;
		}
		p += len + (eol ? 1 : 0);
	}
	return 0;
}

/* The line and column of the k-th op line of a trace (0-based). */
static void op_location(const char *text, size_t size, size_t k, unsigned *line,
			unsigned *col)
{
	const char *p = text, *end = text + size;

	*line = 1;
	*col = 1;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q = p, *e = eol ? eol : end;

		while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < e && *q != '#' && k-- == 0) {
			*col = (unsigned)(q - p) + 1;
			return;
		}
		if (!eol)
			break;
		p = eol + 1;
		(*line)++;
	}
}

/* Loads IN ("-": standard input) as a program: a text trace or raw bytes,
 * every op in the target's subset.  2 on error. */
static int load_prog(const char *path, struct ff_prog *prog)
{
	size_t size;
	uint8_t *data = read_file(path, &size);
	char err[512];
	int rc = 0;

	if (!data)
		return EXIT_USAGE;
	if (ff_is_text_trace(data, size, path)) {
		rc = trace_header(path, (const char *)data, size);
		if (!rc && ff_trace_parse((const char *)data, size, path, prog,
					  err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			rc = EXIT_USAGE;
		}
		for (size_t k = 0; !rc && k < prog->nr; k++) {
			unsigned line, col;

			if (ff_target_byte(target, prog->ops[k].code) >= 0)
				continue;
			op_location((const char *)data, size, k, &line, &col);
			fprintf(stderr,
				"%s:%u:%u: op '%s' is not in target '%s'\n",
				path, line, col,
				ff_op_table[prog->ops[k].code].name,
				target->name);
			rc = EXIT_USAGE;
		}
	} else {
		ff_decode_target(target, data, size, prog);
	}
	free(data);
	return rc;
}

/* 0 if PATH ("-" or NULL: standard output) can be written: checked before
 * the work starts, with no file created.  2 after a message. */
int ff_cli_out_writable(const char *path)
{
	char dir[4096];
	const char *slash;

	if (!path || strcmp(path, "-") == 0)
		return 0;
	slash = strrchr(path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
		 slash ? (slash == path ? "/" : path) : ".");
	if (access(path, F_OK) == 0 ? access(path, W_OK) == 0 :
				      access(dir, W_OK | X_OK) == 0)
		return 0;
	fprintf(stderr, "foliofuzz: %s: %s\n", path, strerror(errno));
	return EXIT_USAGE;
}

/* Output goes to PATH.tmpPID and is renamed over PATH by ff_cli_close_out,
 * so an interrupted or failed run never leaves half a file. */
static char out_tmp[4200];

FILE *ff_cli_open_out(const char *path)
{
	FILE *f;

	if (!path || strcmp(path, "-") == 0)
		return stdout;
	snprintf(out_tmp, sizeof(out_tmp), "%s.tmp%ld", path, (long)getpid());
	f = fopen(out_tmp, "wb");
	if (!f)
		fprintf(stderr, "foliofuzz: %s: %s\n", path, strerror(errno));
	return f;
}

int ff_cli_close_out(FILE *f, const char *path)
{
	if (f == stdout)
		return fflush(f) ? EXIT_USAGE : 0;
	if (fclose(f) || rename(out_tmp, path)) {
		fprintf(stderr, "foliofuzz: %s: write error\n", path);
		unlink(out_tmp);
		return EXIT_USAGE;
	}
	return 0;
}
#define open_out ff_cli_open_out
#define close_out ff_cli_close_out

bool ff_cli_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

int ff_cli_world_opt(const char *cmd, const char *arg, struct ff_config *cfg)
{
	unsigned long v;

	if (strncmp(arg, "--dev-pages=", 12) == 0) {
		if (!ff_cli_parse_uint(arg + 12, 64, &v) || !v) {
			fprintf(stderr,
				"foliofuzz %s: --dev-pages needs 1..64\n", cmd);
			return -1;
		}
		cfg->nr_devpriv = (uint32_t)v;
		return 1;
	}
	if (strncmp(arg, "--maps=", 7) == 0) {
		if (!ff_cli_parse_uint(arg + 7, FF_MAX_MAPS, &v) || !v) {
			fprintf(stderr, "foliofuzz %s: --maps needs 1..%d\n",
				cmd, FF_MAX_MAPS);
			return -1;
		}
		cfg->max_maps = (uint32_t)v;
		return 1;
	}
	return 0;
}

const char *ff_cli_world_str(const struct ff_config *cfg, char *buf, size_t len)
{
	struct ff_config d;
	int n = 0;

	ff_config_default(&d);
	buf[0] = 0;
	if (cfg->nr_devpriv != d.nr_devpriv)
		n = snprintf(buf, len, " --dev-pages=%u", cfg->nr_devpriv);
	if (cfg->max_maps != d.max_maps && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " --maps=%u", cfg->max_maps);
	return buf;
}

/* Bug knobs (docs/design.md §16): 1 after printing the list for "help", -1 on an
 * unknown knob, 0 otherwise. */
static int parse_bugs(const char *list, uint64_t *bugs)
{
	char err[512];

	*bugs = 0;
	if (!list || !*list)
		return 0;
	if (strcmp(list, "help") == 0) {
		printf("bug knobs (off by default; --bugs=a,b or "
		       "FOLIOFUZZ_BUGS=a,b):\n");
		for (int b = 0; b < FF_NR_BUGS; b++)
			printf("  %-24s [%s, target %s] %s\n",
			       ff_bug_table[b].name, ff_bug_table[b].seed,
			       ff_bug_table[b].target, ff_bug_table[b].what);
		return 1;
	}
	if (ff_bugs_parse(list, bugs, err, sizeof(err))) {
		fprintf(stderr, "foliofuzz: %s\n", err);
		return -1;
	}
	return 0;
}

static int cmd_decode(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct ff_prog prog;
	size_t size;
	uint8_t *data;
	FILE *f;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strncmp(argv[i], "--target=", 9) == 0) {
			if (!parse_target(argv[i] + 9))
				return EXIT_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1])
			return unknown_opt("decode", argv[i]);
		else if (!in)
			in = argv[i];
		else
			return usage("decode: one input only");
	}
	if (!in)
		return usage("decode: missing input");
	if (ff_cli_out_writable(out))
		return EXIT_USAGE;
	data = read_file(in, &size);
	if (!data)
		return EXIT_USAGE;
	ff_prog_init(&prog);
	if (ff_is_text_trace(data, size, in)) {
		/* already text: parsed (errors are file:line:col) and
		 * printed back, never decoded as opcode bytes */
		int rc;

		free(data);
		rc = load_prog(in, &prog);
		if (rc) {
			ff_prog_free(&prog);
			return rc;
		}
	} else {
		ff_decode_target(target, data, size, &prog);
		free(data);
	}
	f = open_out(out);
	if (!f) {
		ff_prog_free(&prog);
		return EXIT_USAGE;
	}
	ff_trace_print(f, &prog, prog.nr);
	ff_prog_free(&prog);
	return close_out(f, out);
}

static int cmd_encode(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct ff_prog prog;
	uint8_t *buf;
	size_t n;
	FILE *f;
	int rc;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strncmp(argv[i], "--target=", 9) == 0) {
			if (!parse_target(argv[i] + 9))
				return EXIT_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1])
			return unknown_opt("encode", argv[i]);
		else if (!in)
			in = argv[i];
		else
			return usage("encode: one input only");
	}
	if (!in || !out)
		return usage("encode: needs IN and -o OUT");
	if (ff_cli_out_writable(out))
		return EXIT_USAGE;
	ff_prog_init(&prog);
	rc = load_prog(in, &prog);
	if (rc) {
		ff_prog_free(&prog);
		return rc;
	}
	n = ff_encode_target(target, &prog, NULL, 0);
	if (n == (size_t)-1) {
		fprintf(stderr,
			"foliofuzz: %s: uses an op that target '%s' "
			"does not have\n",
			in, target->name);
		ff_prog_free(&prog);
		return EXIT_USAGE;
	}
	buf = malloc(n + 1);
	if (!buf) {
		ff_prog_free(&prog);
		return EXIT_USAGE;
	}
	ff_encode_target(target, &prog, buf, n);
	ff_prog_free(&prog);
	f = open_out(out);
	if (!f) {
		free(buf);
		return EXIT_USAGE;
	}
	if (n && fwrite(buf, 1, n, f) != n)
		rc = EXIT_USAGE;
	free(buf);
	return close_out(f, out) ? EXIT_USAGE : rc;
}

/*
 * `run --summary`: after the human output, one last line for scripts:
 *   summary: result=R inv=I step=N op=O finding=F
 * R is pass, fail (exit 1) or finding (stopped at a suppressed known
 * finding, exit 0); I the broken invariant (for a finding, its
 * invariant) or -; N the 1-based failing step, as the report's "step N
 * of M", or -; O that step's op, teardown, or -; F the finding, or -.
 */
static void print_summary(const struct ff_run_opts *o,
			  const struct ff_prog *prog,
			  const struct ff_result *res)
{
	const char *result = "pass", *inv = "-", *op = "-";
	int finding = res->finding;
	char step[32] = "-";

	if (res->inv != FF_INV_NONE && !o->suppress) {
		/* Reported with --no-suppress: was it a known finding?  The
		 * model is deterministic, so the same run with suppression
		 * stops at that finding exactly when it is one. */
		struct ff_run_opts q = *o;
		struct ff_result r;
		FILE *devnull = fopen("/dev/null", "w");

		if (devnull) {
			q.suppress = 1;
			q.verbose = NULL;
			q.report = devnull;
			ff_run(&q, prog, &r);
			fclose(devnull);
			finding = r.finding;
		}
	}
	if (res->inv != FF_INV_NONE) {
		result = "fail";
		inv = ff_invs[res->inv].id;
	} else if (finding != FF_FINDING_NONE) {
		result = "finding";
		inv = ff_invs[ff_findings[finding].inv].id;
	} else if (res->expected >= 0) {
		result = "expected";
	}
	if (res->inv != FF_INV_NONE || res->finding != FF_FINDING_NONE ||
	    res->expected >= 0) {
		if (res->step < prog->nr) {
			snprintf(step, sizeof(step), "%zu", res->step + 1);
			op = ff_op_table[prog->ops[res->step].code].name;
		} else {
			op = "teardown";
		}
	}
	if (res->expected >= 0)
		inv = ff_invs[ff_kshim_impl()->expected_rows[res->expected].inv]
			      .id;
	printf("summary: result=%s inv=%s step=%s op=%s finding=%s\n", result,
	       inv, step, op,
	       finding != FF_FINDING_NONE ?
		       ff_findings[finding].id :
	       res->expected >= 0 ?
		       ff_kshim_impl()->expected_rows[res->expected].id :
		       "-");
}

static int cmd_run(int argc, char **argv)
{
	const char *in = NULL, *bugs = getenv("FOLIOFUZZ_BUGS");
	struct ff_run_opts o;
	struct ff_result res;
	struct ff_prog prog;
	bool summary = false;
	unsigned long v;
	int rc;

	ff_run_opts_default(&o);
	o.report = stdout;
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--bugs=", 7) == 0)
			bugs = argv[i] + 7;
		else if (strcmp(argv[i], "--verbose") == 0)
			o.verbose = stdout;
		else if (strcmp(argv[i], "--no-suppress") == 0)
			o.suppress = 0;
		else if (strcmp(argv[i], "--summary") == 0)
			summary = true;
		else if (strcmp(argv[i], "--differential") == 0)
			o.differential = 1;
		else if (strcmp(argv[i], "--model") == 0) {
			o.cfg.kshim = 0;
		} else if (strcmp(argv[i], "--kshim-diff") == 0) {
			if (!ff_kshim_impl())
				return usage("run: --kshim-diff needs a kshim "
					     "build (scripts/kshim.sh)");
			o.kshim_diff = 1;
		} else if (strncmp(argv[i], "--target=", 9) == 0) {
			if (!parse_target(argv[i] + 9))
				return EXIT_USAGE;
		} else if (strncmp(argv[i], "--pfns=", 7) == 0) {
			if (!ff_cli_parse_uint(argv[i] + 7, 1u << 20, &v) ||
			    v < 1)
				return usage("run: --pfns needs 1..1048576");
			o.cfg.nr_pfns = (uint32_t)v;
		} else if (strncmp(argv[i], "--max-order=", 12) == 0) {
			/* the small worlds of `enumerate` */
			if (!ff_cli_parse_uint(argv[i] + 12, FF_MAX_ORDER, &v))
				return usage("run: --max-order needs 0..6");
			o.cfg.max_order = (uint8_t)v;
		} else if ((rc = ff_cli_world_opt("run", argv[i], &o.cfg))) {
			if (rc < 0)
				return EXIT_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1])
			return unknown_opt("run", argv[i]);
		else if (!in)
			in = argv[i];
		else
			return usage("run: one input only");
	}
	rc = parse_bugs(bugs, &o.cfg.bugs);
	if (rc > 0)
		return 0;
	if (rc < 0)
		return EXIT_USAGE;
	if (!in)
		return usage("run: missing input");
	ff_prog_init(&prog);
	rc = load_prog(in, &prog);
	if (rc) {
		ff_prog_free(&prog);
		return rc;
	}
	if (target->differential)
		o.differential = 1;
	ff_run(&o, &prog, &res);
	if (res.expected >= 0) {
		printf("%s: stopped at step %zu by an expected difference "
		       "(suppressed; --no-suppress reports it)\n",
		       in, res.step + 1);
		ff_print_expected(stdout, ff_kshim_impl(), res.expected);
	} else if (res.finding != FF_FINDING_NONE)
		printf("%s: stopped at step %zu by known finding %s "
		       "(suppressed; --no-suppress reports it)\n",
		       in, res.step + 1, ff_findings[res.finding].id);
	else if (res.inv == FF_INV_NONE)
		printf("%s: %zu ops, %zu ok, %zu refused: all invariants held\n",
		       in, prog.nr, res.ok, res.refused);
	else if (res.step < prog.nr)
		printf("%s: %zu ops, %zu ok, %zu refused, then step %zu broke "
		       "%s\n",
		       in, prog.nr, res.ok, res.refused, res.step + 1,
		       ff_invs[res.inv].id);
	else
		printf("%s: %zu ops, %zu ok, %zu refused, then the teardown "
		       "broke %s\n",
		       in, prog.nr, res.ok, res.refused, ff_invs[res.inv].id);
	if (summary)
		print_summary(&o, &prog, &res);
	ff_prog_free(&prog);
	return res.inv == FF_INV_NONE ? 0 : EXIT_VIOLATION;
}

/* `foliofuzz knobs`: one line per knob, tab-separated, for scripts:
 * name, target, kind (bug or fix). */
static int cmd_knobs(int argc, char **argv)
{
	(void)argv;
	if (argc)
		return usage("knobs: no arguments");
	for (int b = 0; b < FF_NR_BUGS; b++)
		printf("%s\t%s\t%s\n", ff_bug_table[b].name,
		       ff_bug_table[b].target,
		       strncmp(ff_bug_table[b].name, "fix_", 4) ? "bug" :
								  "fix");
	return 0;
}

/*
 * The fuzz targets, one per line, tab-separated: name, assigned opcode
 * slots (a weighted op counts once per slot), 1 when the target runs the
 * memdesc differential (else 0), and its one-line description.  The one
 * list that the scripts and the ClusterFuzzLite build read; ctest
 * unit/targets_list checks it against CMakeLists.txt's FF_FUZZ_TARGETS.
 */
static int cmd_targets(int argc, char **argv)
{
	(void)argv;
	if (argc)
		return usage("targets: no arguments");
	for (size_t i = 0; i < ff_nr_targets; i++)
		printf("%s\t%zu\t%d\t%s\n", ff_targets[i].name,
		       ff_targets[i].nr_ops, ff_targets[i].differential ? 1 : 0,
		       ff_targets[i].doc);
	return 0;
}

static int cmd_explain(int argc, char **argv)
{
	int id;

	if (argc != 1)
		return usage("explain: needs one invariant id");
	if (strcmp(argv[0], "--list") == 0) {
		for (int i = 0; i < FF_NR_INVS; i++)
			printf("%-18s %s\n", ff_invs[i].id,
			       ff_invs[i].statement);
		return 0;
	}
	id = ff_inv_lookup(argv[0]);
	if (id == FF_INV_NONE) {
		fprintf(stderr,
			"foliofuzz: unknown invariant '%s' "
			"(foliofuzz explain --list)\n",
			argv[0]);
		return EXIT_USAGE;
	}
	printf("%s\n  holds:  %s\n  kernel: %s\n", ff_invs[id].id,
	       ff_invs[id].statement, ff_invs[id].kernel);
	return 0;
}

static int cmd_gen(int argc, char **argv)
{
	unsigned long seed = 1, len = 64;
	const char *out = NULL;
	bool text = false;
	struct ff_prog prog;
	uint64_t rng;
	FILE *f;

	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--seed=", 7) == 0) {
			if (!ff_cli_parse_uint(argv[i] + 7, ~0UL, &seed))
				return usage("gen: bad --seed");
		} else if (strncmp(argv[i], "--len=", 6) == 0) {
			if (!ff_cli_parse_uint(argv[i] + 6, FF_MAX_PROG, &len))
				return usage("gen: --len needs 0..4096");
		} else if (strcmp(argv[i], "--text") == 0) {
			text = true;
		} else if (strncmp(argv[i], "--target=", 9) == 0) {
			if (!parse_target(argv[i] + 9))
				return EXIT_USAGE;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else {
			return unknown_opt("gen", argv[i]);
		}
	}
	if (ff_cli_out_writable(out))
		return EXIT_USAGE;
	if (!text && (!out || strcmp(out, "-") == 0) && isatty(1)) {
		fprintf(stderr, "foliofuzz: gen: binary output to a terminal; "
				"use -o FILE or --text\n");
		return EXIT_USAGE;
	}
	rng = ff_cli_rng_seed(seed);
	ff_prog_init(&prog);
	ff_cli_gen_prog(target, &rng, len, &prog);
	f = open_out(out);
	if (!f) {
		ff_prog_free(&prog);
		return EXIT_USAGE;
	}
	if (text) {
		ff_trace_print(f, &prog, prog.nr);
	} else {
		size_t n = ff_encode_target(target, &prog, NULL, 0);
		uint8_t *buf = malloc(n + 1);

		if (!buf)
			abort();
		ff_encode_target(target, &prog, buf, n);
		fwrite(buf, 1, n, f);
		free(buf);
	}
	ff_prog_free(&prog);
	return close_out(f, out);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds this process has used: what one core did, however busy
 * the machine is. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define BENCH_POOL 64

/*
 * Runs a pool of seeded random programs over and over for about `seconds`
 * (wall clock) and returns steps per CPU second; *wall gets steps per wall
 * second.  The pool is generated before the clock starts, so the number
 * is op execution plus checking only.
 */
static double bench_one(const struct ff_run_opts *o, uint64_t seed, size_t len,
			double seconds, size_t *mix, int *bad, double *wall)
{
	uint64_t rng = ff_cli_rng_seed(seed);
	struct ff_prog pool[BENCH_POOL];
	size_t steps = 0;
	double t0, t, c0;

	for (int i = 0; i < BENCH_POOL; i++) {
		ff_prog_init(&pool[i]);
		ff_cli_gen_prog(target, &rng, len, &pool[i]);
		for (size_t k = 0; mix && k < pool[i].nr; k++)
			mix[pool[i].ops[k].code]++;
	}
	t0 = now();
	c0 = cpu_now();
	do {
		for (int i = 0; i < BENCH_POOL && !*bad; i++) {
			struct ff_result res;

			ff_run(o, &pool[i], &res);
			/* Only the steps that ran: a suppressed known finding
			 * (res.finding) ends a program early. */
			steps += res.step < pool[i].nr ? res.step + 1 :
							 pool[i].nr;
			if (res.inv != FF_INV_NONE)
				*bad = 1;
		}
		t = now() - t0;
	} while (t < seconds && !*bad);
	c0 = cpu_now() - c0;
	for (int i = 0; i < BENCH_POOL; i++)
		ff_prog_free(&pool[i]);
	*wall = (double)steps / t;
	return (double)steps / (c0 > 0 ? c0 : t);
}

static int cmd_bench(int argc, char **argv)
{
	unsigned long seed = 1, len = 64, pfns = 512;
	double seconds = 3;
	size_t mix[FF_NR_OPS] = { 0 }, total = 0;
	struct ff_run_opts o;
	double checked, raw, checked_wall, raw_wall;
	int bad = 0;
	bool tsv = false;

	for (int i = 0; i < argc; i++) {
		unsigned long v;

		if (strcmp(argv[i], "--tsv") == 0) {
			tsv = true;
		} else if (strncmp(argv[i], "--target=", 9) == 0) {
			if (!parse_target(argv[i] + 9))
				return EXIT_USAGE;
		} else if (strncmp(argv[i], "--seconds=", 10) == 0) {
			if (!ff_cli_parse_uint(argv[i] + 10, 3600, &v) || !v)
				return usage("bench: --seconds needs 1..3600");
			seconds = (double)v;
		} else if (strncmp(argv[i], "--len=", 6) == 0) {
			if (!ff_cli_parse_uint(argv[i] + 6, FF_MAX_PROG,
					       &len) ||
			    !len)
				return usage("bench: --len needs 1..4096");
		} else if (strncmp(argv[i], "--seed=", 7) == 0) {
			if (!ff_cli_parse_uint(argv[i] + 7, ~0UL, &seed))
				return usage("bench: bad --seed");
		} else if (strncmp(argv[i], "--pfns=", 7) == 0) {
			if (!ff_cli_parse_uint(argv[i] + 7, 1u << 20, &pfns) ||
			    pfns < 64)
				return usage("bench: --pfns needs 64..1048576");
		} else {
			return unknown_opt("bench", argv[i]);
		}
	}
	ff_run_opts_default(&o);
	o.cfg.nr_pfns = (uint32_t)pfns;
	o.differential = target->differential; /* as the fuzz target runs */
	o.report = stderr;
	checked = bench_one(&o, seed, len, seconds, mix, &bad, &checked_wall);
	o.check = 0;
	raw = bench_one(&o, seed, len, seconds, NULL, &bad, &raw_wall);
	for (int c = 0; c < FF_NR_OPS; c++)
		total += mix[c];
	if (tsv) {
		/* One line for scripts (scripts/bench.sh): target, pfns, len,
		 * seed, seconds, checked steps/s, unchecked ops/s, ns/step
		 * (per CPU second), then checked and unchecked per wall
		 * second. */
		printf("%s\t%lu\t%lu\t%lu\t%.0f\t%.0f\t%.0f\t%.1f\t%.0f\t%.0f"
		       "\n",
		       target->name, pfns, len, seed, seconds, checked, raw,
		       checked > 0 ? 1e9 / checked : 0.0, checked_wall,
		       raw_wall);
		goto out;
	}
	printf("bench: target=%s pfns=%lu len=%lu seed=%lu seconds=%.0f\n",
	       target->name, pfns, len, seed, seconds);
	printf("op mix:");
	for (int c = 0; c < FF_NR_OPS; c++)
		if (mix[c]) /* a target's subset: only its ops */
			printf(" %s=%.1f%%", ff_op_table[c].name,
			       100.0 * (double)mix[c] / (double)total);
	printf("\nchecked steps/s: %.0f\nunchecked ops/s: %.0f\n"
	       "(per CPU second; per wall second: %.0f and %.0f)\n",
	       checked, raw, checked_wall, raw_wall);
out:
	if (bad) {
		fprintf(stderr, "bench: an invariant broke (report above)\n");
		return EXIT_VIOLATION;
	}
	return 0;
}

int ff_cmd_minimize(int argc, char **argv);		     /* minimize.c */
int ff_cmd_random(int argc, char **argv);		     /* random.c */
int ff_cmd_enumerate(int argc, char **argv);		     /* enumerate.c */
int ff_cmd_expect(int argc, char **argv);		     /* verify.c */
int ff_cmd_verify(int argc, char **argv, const char *argv0); /* verify.c */
int ff_cmd_kshim_gate(int argc, char **argv);		     /* kshim_gate.c */

/* Options that take a value, as "--opt=VALUE" or "--opt VALUE": the
 * second form is joined into the first before a command sees it, so every
 * command takes both (the scripts write "--bugs LIST"). */
static const char *const valued[] = {
	"--bugs", "--target",	  "--pfns", "--seconds",   "--seed",
	"--len",  "--corpus",	  "--save", "--max-order", "--depth",
	"--ops",  "--max-states", NULL,
};

static int join_values(int argc, char **argv)
{
	int n = 0;

	for (int i = 0; i < argc; i++) {
		bool joined = false;

		for (int v = 0; valued[v] && i + 1 < argc; v++)
			if (strcmp(argv[i], valued[v]) == 0 &&
			    argv[i + 1][0] != '-') {
				size_t len = strlen(argv[i]) +
					     strlen(argv[i + 1]) + 2;
				char *j = malloc(len);

				if (!j)
					abort();
				snprintf(j, len, "%s=%s", argv[i], argv[i + 1]);
				argv[n++] = j; /* lives until exit */
				i++;
				joined = true;
				break;
			}
		if (!joined)
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		return usage(NULL);
	argc = join_values(argc, argv);
	cmd = argv[1];
	if (argc == 3 && cmd[0] != '-' &&
	    (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0) &&
	    strcmp(cmd, "random") != 0 && strcmp(cmd, "enumerate") != 0)
		return sub_usage(cmd);
	if (strcmp(cmd, "decode") == 0)
		return cmd_decode(argc - 2, argv + 2);
	if (strcmp(cmd, "encode") == 0)
		return cmd_encode(argc - 2, argv + 2);
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 2, argv + 2);
	if (strcmp(cmd, "explain") == 0)
		return cmd_explain(argc - 2, argv + 2);
	if (strcmp(cmd, "knobs") == 0)
		return cmd_knobs(argc - 2, argv + 2);
	if (strcmp(cmd, "targets") == 0)
		return cmd_targets(argc - 2, argv + 2);
	if (strcmp(cmd, "gen") == 0)
		return cmd_gen(argc - 2, argv + 2);
	if (strcmp(cmd, "bench") == 0)
		return cmd_bench(argc - 2, argv + 2);
	if (strcmp(cmd, "minimize") == 0)
		return ff_cmd_minimize(argc - 2, argv + 2);
	if (strcmp(cmd, "random") == 0)
		return ff_cmd_random(argc - 2, argv + 2);
	if (strcmp(cmd, "enumerate") == 0)
		return ff_cmd_enumerate(argc - 2, argv + 2);
	if (strcmp(cmd, "expect") == 0)
		return ff_cmd_expect(argc - 2, argv + 2);
	if (strcmp(cmd, "verify") == 0)
		return ff_cmd_verify(argc - 2, argv + 2, argv[0]);
	if (strcmp(cmd, "kshim-gate") == 0)
		return ff_cmd_kshim_gate(argc - 2, argv + 2);
	if (strcmp(cmd, "kshim") == 0) {
		if (argc > 2)
			return usage("kshim: no arguments");
		ff_kshim_manifest(stdout);
		return ff_kshim_impl() ? 0 : EXIT_USAGE;
	}
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
		usage(NULL);
		return 0;
	}
	return usage("unknown command");
}
