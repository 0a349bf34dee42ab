/*
 * verify.c - `foliofuzz expect FILE` and `foliofuzz verify FILE
 * [--target=T]`: a trace's "# expect:" line (include/foliofuzz/expect.h),
 * read and run.
 *
 * expect prints the expectation as one tab-separated line,
 *   KIND \t ID \t BUGS \t FINDING \t FIX
 * (KIND pass, bug or finding; the others a value or "-"); exit 0, or 2
 * with "FILE:LINE: message" on a malformed line.
 *
 * verify runs every leg of the expectation, each as a child `foliofuzz
 * run --summary` (this same binary, so a sanitizer abort stays in the
 * child), and checks its exit status and summary line:
 *   pass                  run: passes (exit 0; a plain run may stop
 *                         quietly at a known finding, as campaigns do)
 *   I_ID with bugs=K      off: passes (as above) without knobs;
 *                         on: --bugs=K breaks I_ID (exit 1, no
 *                         sanitizer report)
 *   ASAN with bugs=K      off: passes; on: --bugs=K gives an
 *                         AddressSanitizer report (skipped in a build
 *                         without ASan)
 *   I_ID / ASAN           fails: breaks I_ID (or ASan) without knobs
 *   I_ID finding=F fix=K  finding: --no-suppress breaks I_ID with F;
 *                         suppressed: a plain run stops at F; fixed:
 *                         --no-suppress --bugs=K passes
 * One line per leg ("verify: FILE: leg off: ok"); the first leg that does
 * not hold is named with its command and output.  Exit: 0 all legs held,
 * 1 a leg did not, 2 bad usage, a malformed expect line, or a leg's run
 * that found the trace malformed.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "foliofuzz/bugs.h"
#include "foliofuzz/expect.h"
#include "foliofuzz/fail.h"
#include "foliofuzz/harness.h"

int ff_cmd_expect(int argc, char **argv);
int ff_cmd_verify(int argc, char **argv, const char *argv0);

#define EXIT_USAGE 2

#if defined(__SANITIZE_ADDRESS__)
#define FF_HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FF_HAVE_ASAN 1
#endif
#endif
#ifndef FF_HAVE_ASAN
#define FF_HAVE_ASAN 0
#endif

int ff_cmd_expect(int argc, char **argv)
{
	struct ff_expect e;
	char err[2048], line[512];

	if (argc != 1 || argv[0][0] == '-') {
		fprintf(stderr, "usage: foliofuzz expect FILE\n");
		return EXIT_USAGE;
	}
	if (ff_expect_read(argv[0], &e, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	ff_expect_format(&e, line, sizeof(line));
	printf("%s\n", line);
	return 0;
}

/* A child's output and exit status (128 + signal when killed). */
struct child {
	char *out;
	size_t len;
	int status;
};

/* Runs self with args, stdout and stderr into c->out.  -1 if it could
 * not be started. */
static int run_child(const char *self, char *const args[], struct child *c)
{
	size_t cap = 0;
	int fd[2], st;
	pid_t pid;

	c->out = NULL;
	c->len = 0;
	fflush(stdout);
	fflush(stderr);
	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		execv(self, args);
		fprintf(stderr, "foliofuzz verify: cannot run %s: %s\n", self,
			strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	for (;;) {
		ssize_t got;

		if (c->len + 4096 + 1 > cap) {
			char *nb = realloc(c->out, cap = cap * 2 + 8192);

			if (!nb)
				abort();
			c->out = nb;
		}
		got = read(fd[0], c->out + c->len, cap - c->len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		c->len += (size_t)got;
	}
	c->out[c->len] = 0;
	close(fd[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

/* The fields of the last "summary:" line; false when there is none. */
struct summary {
	char result[16], inv[64], step[32], op[32], finding[64];
};

static bool find_summary(const char *out, struct summary *s)
{
	const char *p = out, *last = NULL;

	while ((p = strstr(p, "summary: result=")))
		if (p == out || p[-1] == '\n')
			last = p++;
		else
			p++;
	return last &&
	       sscanf(last,
		      "summary: result=%15s inv=%63s step=%31s "
		      "op=%31s finding=%63s",
		      s->result, s->inv, s->step, s->op, s->finding) == 5;
}

static const char *sanitizer_report(const char *out)
{
	static const char *const marks[] = { "ERROR: AddressSanitizer",
					     "ERROR: LeakSanitizer",
					     "WARNING: MemorySanitizer",
					     "runtime error:" };

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (strstr(out, marks[i]))
			return marks[i];
	return NULL;
}

/* What a leg wants of its run. */
enum want {
	WANT_PASS,
	WANT_FAIL,
	WANT_FINDING,
	WANT_ASAN
};

struct leg {
	const char *name;
	enum want want;
	const char *inv;     /* WANT_FAIL, WANT_FINDING */
	const char *finding; /* WANT_FAIL of a finding, WANT_FINDING */
	const char *bugs;    /* --bugs=, "" for none */
	bool no_suppress;
};

/* Why the run does not do what the leg wants, or NULL. */
static const char *judge(const struct leg *l, const struct child *c, char *why,
			 size_t n)
{
	const char *san = sanitizer_report(c->out);
	struct summary s;
	bool have = find_summary(c->out, &s);

	if (l->want == WANT_ASAN) {
		if (c->status == 0 ||
		    !strstr(c->out, "ERROR: AddressSanitizer"))
			snprintf(why, n,
				 "exit %d and no AddressSanitizer report, "
				 "want one",
				 c->status);
		else
			return NULL;
		return why;
	}
	if (san) {
		snprintf(why, n, "exit %d with a sanitizer report (%s)",
			 c->status, san);
		return why;
	}
	if (!have) {
		snprintf(why, n, "exit %d and no summary line", c->status);
		return why;
	}
	switch (l->want) {
	case WANT_PASS:
		/* A plain run passes when it stops quietly at a known
		 * finding too; --no-suppress turns that into a failure. */
		if (c->status == 0 && (strcmp(s.result, "pass") == 0 ||
				       strcmp(s.result, "finding") == 0))
			return NULL;
		snprintf(why, n,
			 "exit %d, result=%s inv=%s finding=%s; want "
			 "exit 0, result=pass",
			 c->status, s.result, s.inv, s.finding);
		return why;
	case WANT_FAIL:
		if (c->status == 1 && strcmp(s.result, "fail") == 0 &&
		    strcmp(s.inv, l->inv) == 0 &&
		    strcmp(s.finding, l->finding ? l->finding : "-") == 0)
			return NULL;
		snprintf(why, n,
			 "exit %d, result=%s inv=%s finding=%s; want "
			 "exit 1, result=fail inv=%s finding=%s",
			 c->status, s.result, s.inv, s.finding, l->inv,
			 l->finding ? l->finding : "-");
		return why;
	case WANT_FINDING:
		if (c->status == 0 && strcmp(s.result, "finding") == 0 &&
		    strcmp(s.finding, l->finding) == 0)
			return NULL;
		snprintf(why, n,
			 "exit %d, result=%s inv=%s finding=%s; want "
			 "exit 0, result=finding finding=%s",
			 c->status, s.result, s.inv, s.finding, l->finding);
		return why;
	case WANT_ASAN:
		break;
	}
	return NULL;
}

int ff_cmd_verify(int argc, char **argv, const char *argv0)
{
	const char *file = NULL, *target = NULL;
	struct ff_expect e;
	struct leg legs[3];
	char err[2048], self[4096], bugs_arg[FF_EXPECT_BUGS + 8],
		target_arg[64];
	int nr = 0;
	ssize_t n;

	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--target=", 9) == 0) {
			target = argv[i] + 9;
			if (!ff_target_by_name(target)) {
				fprintf(stderr,
					"foliofuzz verify: unknown target "
					"'%s'\n",
					target);
				return EXIT_USAGE;
			}
		} else if (argv[i][0] == '-' || file) {
			fprintf(stderr,
				"foliofuzz verify: %s '%s'\n"
				"usage: foliofuzz verify FILE [--target=T]\n",
				argv[i][0] == '-' ? "unknown option" :
						    "one file only, not",
				argv[i]);
			return EXIT_USAGE;
		} else {
			file = argv[i];
		}
	}
	if (!file) {
		fprintf(stderr, "usage: foliofuzz verify FILE [--target=T]\n");
		return EXIT_USAGE;
	}
	if (ff_expect_read(file, &e, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0)
		self[n] = 0;
	else
		snprintf(self, sizeof(self), "%s", argv0);

	const char *id = e.asan		      ? "ASAN" :
			 e.inv != FF_INV_NONE ? ff_invs[e.inv].id :
						"-";
	switch (e.kind) {
	case FF_EXPECT_PASS:
		legs[nr++] =
			(struct leg){ "run", WANT_PASS, NULL, NULL, "", false };
		break;
	case FF_EXPECT_BUG:
		if (e.bugs[0])
			legs[nr++] = (struct leg){ "off", WANT_PASS, NULL,
						   NULL,  "",	     false };
		legs[nr++] = (struct leg){ e.bugs[0] ? "on" : "fails",
					   e.asan ? WANT_ASAN : WANT_FAIL,
					   id,
					   NULL,
					   e.bugs,
					   false };
		break;
	case FF_EXPECT_FINDING: {
		const char *f = ff_findings[e.finding].id;

		legs[nr++] =
			(struct leg){ "finding", WANT_FAIL, id, f, "", true };
		legs[nr++] = (struct leg){ "suppressed", WANT_FINDING, id, f,
					   "",		 false };
		legs[nr++] = (struct leg){ "fixed",
					   WANT_PASS,
					   NULL,
					   NULL,
					   ff_bug_table[e.fix].name,
					   true };
		break;
	}
	}

	for (int i = 0; i < nr; i++) {
		const struct leg *l = &legs[i];
		char *args[8], why[512];
		const char *bad;
		struct child c;
		int k = 0;

		if (l->want == WANT_ASAN && !FF_HAVE_ASAN) {
			printf("verify: %s: leg %s: skipped (no "
			       "AddressSanitizer in this build)\n",
			       file, l->name);
			continue;
		}
		snprintf(bugs_arg, sizeof(bugs_arg), "--bugs=%s", l->bugs);
		args[k++] = "foliofuzz";
		args[k++] = "run";
		args[k++] = "--summary";
		if (l->no_suppress)
			args[k++] = "--no-suppress";
		args[k++] = bugs_arg;
		if (target) {
			snprintf(target_arg, sizeof(target_arg), "--target=%s",
				 target);
			args[k++] = target_arg;
		}
		args[k++] = (char *)file;
		args[k] = NULL;
		if (run_child(self, args, &c)) {
			fprintf(stderr, "foliofuzz verify: cannot run %s: %s\n",
				self, strerror(errno));
			free(c.out);
			return EXIT_USAGE;
		}
		bad = judge(l, &c, why, sizeof(why));
		if (!bad) {
			struct summary s;

			printf("verify: %s: leg %s: ok", file, l->name);
			if (l->want == WANT_PASS && find_summary(c.out, &s) &&
			    strcmp(s.result, "finding") == 0)
				printf(" (stops at the known finding %s)",
				       s.finding);
			printf("\n");
			free(c.out);
			continue;
		}
		printf("verify: %s: leg %s: FAILED: %s\n---- foliofuzz", file,
		       l->name, bad);
		for (int j = 1; j < k; j++)
			printf(" %s", args[j]);
		printf(" ----\n%s%s---- end of leg %s ----\n", c.out,
		       c.len && c.out[c.len - 1] != '\n' ? "\n" : "", l->name);
		free(c.out);
		/* exit 2 from run: a malformed trace or bad usage */
		return c.status == EXIT_USAGE ? EXIT_USAGE : 1;
	}
	return 0;
}
