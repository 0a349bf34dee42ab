/*
 * expect.h - the "# expect:" line of a text trace, and its one parser.
 *
 * A trace says what running it must do in at most one comment line:
 *
 *   # expect: pass                        every invariant holds (also: no
 *                                         line at all)
 *   # expect: I_ID with bugs=K[,K...]     passes without the knobs, breaks
 *                                         I_ID with them on
 *   # expect: ASAN with bugs=K[,K...]     passes without, an AddressSanitizer
 *                                         report with them on
 *   # expect: I_ID                        breaks I_ID as it is, no knobs
 *   # expect: ASAN                        (what `foliofuzz minimize` and
 *                                         scripts/minimize.sh write for a
 *                                         crash found without knobs)
 *   # expect: I_ID finding=F_ID fix=K     a known finding (findings.def):
 *                                         --no-suppress breaks I_ID with
 *                                         F_ID, a plain run stops at F_ID,
 *                                         --no-suppress --bugs=K passes
 *
 * Spaces and tabs may stand between any two tokens ('#', "expect", ':',
 * ids, "with", "bugs", '=', ',', knobs); a trailing CR is ignored.  Ids
 * are checked against invariants.def, knobs against bugs.def, findings
 * against findings.def.  Depends only on fail.h, bugs.h and their tables
 * (src/glue/tables.c, src/harness/bugs.c), so cmake/expect_check.c builds
 * it at configure time.
 */
#ifndef FOLIOFUZZ_EXPECT_H
#define FOLIOFUZZ_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ff_expect_kind {
	FF_EXPECT_PASS,
	FF_EXPECT_BUG,	   /* I_ID or ASAN, with or without knobs */
	FF_EXPECT_FINDING, /* I_ID finding=F_ID fix=K */
};

#define FF_EXPECT_BUGS 256

struct ff_expect {
	enum ff_expect_kind kind;
	int line;      /* 1-based line of "# expect:", 0 when there is none */
	int inv;       /* enum ff_inv; FF_INV_NONE for pass and for ASAN */
	bool asan;     /* the id is ASAN: an AddressSanitizer report */
	uint64_t mask; /* the knobs of "with bugs=", as a bit set */
	char bugs[FF_EXPECT_BUGS]; /* "a,b" without blanks; "" if none */
	int finding;		   /* enum ff_finding, or FF_FINDING_NONE */
	int fix;		   /* enum ff_bug of "fix=", or -1 */
};

/*
 * Parses the expectation of a trace's text (len bytes; NULs end nothing).
 * Returns 0, or -1 with "PATH:LINE: message" in err (message says what
 * was wanted).
 */
int ff_expect_parse(const char *text, size_t len, const char *path,
		    struct ff_expect *e, char *err, size_t errlen);

/* Reads PATH and parses it; -1 with "PATH: ..." when it cannot be read. */
int ff_expect_read(const char *path, struct ff_expect *e, char *err,
		   size_t errlen);

/* The kind as a word: "pass", "bug" or "finding". */
const char *ff_expect_kind_name(enum ff_expect_kind kind);

/*
 * One line for scripts, without the newline:
 * KIND \t ID \t BUGS \t FINDING \t FIX, where ID is an I_* id, ASAN or
 * "-", BUGS a comma list or "-", FINDING an F_* id or "-", FIX a knob or
 * "-".  Truncated to n bytes.
 */
void ff_expect_format(const struct ff_expect *e, char *buf, size_t n);

#endif
