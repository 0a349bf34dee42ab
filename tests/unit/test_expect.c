/*
 * test_expect.c - the "# expect:" parser (src/harness/expect.c): every
 * form our tools write, with odd blanks, tabs and CRs, parses to the
 * same expectation; every malformed line is an error naming FILE:LINE
 * and what was wanted.
 */
#include <string.h>

#include "check.h"
#include "foliofuzz/expect.h"
#include "foliofuzz/fail.h"

/* Parses text as t.trace; the TSV line in out, or the error. */
static int parse(const char *text, char *out, size_t n)
{
	struct ff_expect e;

	if (ff_expect_parse(text, strlen(text), "t.trace", &e, out, n))
		return -1;
	ff_expect_format(&e, out, n);
	return 0;
}

static void good(int line, const char *text, const char *want)
{
	char out[2048];
	int rc = parse(text, out, sizeof(out));

	check_at(rc == 0 && strcmp(out, want) == 0, __FILE__, line,
		 "parse(%s) = %d '%s', want '%s'", text, rc, out, want);
}

/* Must fail with an error starting "t.trace:LINE: " and containing what. */
static void bad(int line, const char *text, int at, const char *what)
{
	char out[2048], prefix[64];
	int rc = parse(text, out, sizeof(out));

	snprintf(prefix, sizeof(prefix), "t.trace:%d: ", at);
	check_at(rc == -1 && strncmp(out, prefix, strlen(prefix)) == 0 &&
			 strstr(out, what),
		 __FILE__, line, "parse(%s) = %d '%s', want '%s...%s'", text,
		 rc, out, prefix, what);
}

#define GOOD(text, want) good(__LINE__, text, want)
#define BAD(text, at, what) bad(__LINE__, text, at, what)

int main(void)
{
	struct ff_expect e;
	const char *text;
	char err[256];

	/* pass, and no line at all */
	GOOD("", "pass\t-\t-\t-\t-");
	GOOD("# foliofuzz trace\nalloc order=0\n", "pass\t-\t-\t-\t-");
	GOOD("# foliofuzz trace\n# expect: pass\n", "pass\t-\t-\t-\t-");
	GOOD("#expect:pass", "pass\t-\t-\t-\t-");
	GOOD("  #\t expect \t:\tpass \t\r\n", "pass\t-\t-\t-\t-");
	/* prose that is not an expect line */
	GOOD("# expected: nothing\n# expect the worst\n# expectation: x\n",
	     "pass\t-\t-\t-\t-");

	/* a bug knob */
	GOOD("# expect: I_FREE_BAD_PAGE with bugs=type_not_reset_on_free\n",
	     "bug\tI_FREE_BAD_PAGE\ttype_not_reset_on_free\t-\t-");
	GOOD("#\texpect:\tI_FREE_BAD_PAGE\twith\tbugs\t=\ttype_not_reset_on_"
	     "free\t\r\n",
	     "bug\tI_FREE_BAD_PAGE\ttype_not_reset_on_free\t-\t-");
	GOOD("# expect: I_GUP with bugs = gup_no_recheck , snapshot_live_head\r",
	     "bug\tI_GUP\tgup_no_recheck,snapshot_live_head\t-\t-");
	GOOD("# expect: ASAN with bugs=unmap_bad_subpage",
	     "bug\tASAN\tunmap_bad_subpage\t-\t-");
	/* what `foliofuzz minimize` and minimize.sh write without knobs */
	GOOD("# foliofuzz trace\n# expect: I_REFCOUNT\n# minimized by x\n",
	     "bug\tI_REFCOUNT\t-\t-\t-");
	GOOD("# expect: ASAN\n", "bug\tASAN\t-\t-\t-");

	/* a finding */
	GOOD("# expect: I_DAX_STATE finding=F_DAX_STALE_SHARE "
	     "fix=fix_dax_stale_share\n",
	     "finding\tI_DAX_STATE\t-\tF_DAX_STALE_SHARE\tfix_dax_stale_share");
	GOOD("#  expect:I_SNAPSHOT  finding = F_SNAPSHOT_IDX_EQ_NR\tfix= "
	     "fix_snapshot_idx_ge \r\n",
	     "finding\tI_SNAPSHOT\t-\tF_SNAPSHOT_IDX_EQ_NR\t"
	     "fix_snapshot_idx_ge");

	/* the fields of the struct, not only the TSV line */
	text = "a\n\n# expect: I_GUP with bugs=gup_no_recheck";
	CHECK(ff_expect_parse(text, strlen(text), "x", &e, err, sizeof(err)) ==
		      0,
	      "parse: %s", err);
	CHECK(e.line == 3 && e.kind == FF_EXPECT_BUG &&
		      e.inv == ff_inv_lookup("I_GUP") && !e.asan &&
		      e.mask != 0 && e.finding == FF_FINDING_NONE &&
		      e.fix == -1,
	      "fields of a bug expectation");

	/* malformed: the line number and what was wanted */
	BAD("# foliofuzz trace\n# expect:\n", 2, "empty expectation; want");
	BAD("# expect: \t \r\n", 1, "empty expectation");
	BAD("\n\n# expect: fail\n", 3, "want 'pass', 'I_ID with bugs=");
	BAD("# expect: pass please\n", 1, "unexpected 'please' after 'pass'");
	BAD("# expect: I_NO_SUCH with bugs=gup_no_recheck", 1,
	    "unknown invariant 'I_NO_SUCH'");
	BAD("# expect: I_GUP with bugs=no_such_knob", 1,
	    "unknown bug knob 'no_such_knob'");
	BAD("# expect: I_GUP with bugs=", 1,
	    "want a knob name after 'bugs=', not the end of the line");
	BAD("# expect: I_GUP with bugs=gup_no_recheck,", 1,
	    "want a knob name after ','");
	BAD("# expect: I_GUP with bugs=gup_no_recheck;snapshot_live_head", 1,
	    "want ',' and another knob");
	BAD("# expect: I_GUP with knobs=gup_no_recheck", 1,
	    "want 'bugs=KNOB[,KNOB]' after 'with', not 'knobs'");
	BAD("# expect: I_GUP with bugs gup_no_recheck", 1,
	    "want '=' after 'bugs'");
	BAD("# expect: I_GUP bugs=gup_no_recheck", 1,
	    "after 'I_GUP' want 'with bugs=KNOB[,KNOB]' or 'finding=F_ID");
	BAD("# expect: ASAN finding=F_DAX_STALE_SHARE fix=fix_dax_stale_share",
	    1, "after 'ASAN' want 'with bugs=KNOB[,KNOB]', not 'finding'");
	BAD("# expect: I_DAX_STATE finding=F_NO_SUCH fix=fix_dax_stale_share",
	    1, "unknown finding 'F_NO_SUCH' (known: F_");
	BAD("# expect: I_DAX_STATE finding=dax fix=fix_dax_stale_share", 1,
	    "want a finding id (F_*) after 'finding='");
	BAD("# expect: I_GUP finding=F_DAX_STALE_SHARE fix=fix_dax_stale_share",
	    1,
	    "F_DAX_STALE_SHARE breaks I_DAX_STATE (findings.def), not I_GUP");
	BAD("# expect: I_DAX_STATE finding=F_DAX_STALE_SHARE", 1,
	    "want 'fix=KNOB' after 'finding=F_DAX_STALE_SHARE'");
	BAD("# expect: I_DAX_STATE finding=F_DAX_STALE_SHARE fix=nope", 1,
	    "unknown bug knob 'nope'");
	BAD("# expect: I_DAX_STATE finding=F_DAX_STALE_SHARE "
	    "fix=fix_dax_stale_share x",
	    1, "unexpected 'x' after 'fix=KNOB'");
	BAD("# expect I_GUP with bugs=gup_no_recheck\n", 1,
	    "want ':' after '# expect'");
	BAD("# foliofuzz trace\n# expect: pass\nalloc\n#expect:pass\n", 4,
	    "a second '# expect:' line (the first is line 2)");

	/* an unreadable file names the file */
	CHECK(ff_expect_read("/nonexistent/x.trace", &e, err, sizeof(err)) ==
			      -1 &&
		      strncmp(err, "/nonexistent/x.trace: ", 22) == 0,
	      "unreadable file: '%s'", err);

	printf("%u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed != 0;
}
