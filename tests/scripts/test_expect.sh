#!/usr/bin/env bash
# test_expect.sh - the "# expect:" tooling end to end (ctest unit/cli_expect):
# `foliofuzz run --summary`, `foliofuzz expect`, `foliofuzz verify` on
# traces whose expectation is right, wrong or malformed.
#
#   tests/scripts/test_expect.sh PATH/TO/foliofuzz WORK_DIR
#
# WORK_DIR (created, emptied) holds the traces it writes.
set -u

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
cli=${1:?usage: test_expect.sh PATH/TO/foliofuzz WORK_DIR}
work=${2:?usage: test_expect.sh PATH/TO/foliofuzz WORK_DIR}
rm -rf "$work" && mkdir -p "$work" || exit 1
. tests/scripts/testlib.sh

# ---- run --summary ---------------------------------------------------------

expect_rc 0 "summary of a pass" "$cli" run --summary corpus/ops/01_alloc_free_each_kind.trace
expect_line "summary: result=pass inv=- step=- op=- finding=-" "pass summary"
expect_rc 1 "summary of a knob" "$cli" run --summary --bugs=type_not_reset_on_free \
	corpus/regressions/type_not_reset_on_free.trace
expect_line "summary: result=fail inv=I_FREE_BAD_PAGE step=3 op=put finding=-" "knob summary"
expect_rc 0 "summary of a suppressed finding" "$cli" run --summary \
	corpus/regressions/F_DAX_STALE_SHARE.trace
expect_line "summary: result=finding inv=I_DAX_STATE step=2 op=dax_truncate finding=F_DAX_STALE_SHARE" \
	"suppressed finding summary"
expect_rc 1 "summary of a reported finding" "$cli" run --summary --no-suppress \
	corpus/regressions/F_DAX_STALE_SHARE.trace
expect_line "summary: result=fail inv=I_DAX_STATE step=2 op=dax_truncate finding=F_DAX_STALE_SHARE" \
	"reported finding summary"
expect_rc 0 "no summary without --summary" "$cli" run corpus/ops/01_alloc_free_each_kind.trace
grep -q '^summary:' <<<"$out" && bad "a summary line without --summary" || ok

# ---- expect ------------------------------------------------------------------

expect_rc 0 "expect of a knob trace" "$cli" expect corpus/regressions/type_not_reset_on_free.trace
expect_line "$(printf 'bug\tI_FREE_BAD_PAGE\ttype_not_reset_on_free\t-\t-')" "expect: bug line"
expect_rc 0 "expect of a finding trace" "$cli" expect corpus/regressions/F_DAX_STALE_SHARE.trace
expect_line "$(printf 'finding\tI_DAX_STATE\t-\tF_DAX_STALE_SHARE\tfix_dax_stale_share')" "expect: finding line"
expect_rc 0 "expect of a pass trace" "$cli" expect corpus/ops/01_alloc_free_each_kind.trace
expect_line "$(printf 'pass\t-\t-\t-\t-')" "expect: pass line"

# A pass trace with a wrong expectation, and with a malformed one (line 3).
pass_trace=corpus/ops/01_alloc_free_each_kind.trace
{
	echo "# foliofuzz trace"
	echo "# a pass trace that claims a bug"
	printf '#\texpect:  I_LEAK  with bugs=type_not_reset_on_free \r\n'
	grep -v '^#' "$pass_trace"
} >"$work/wrong.trace"
{
	echo "# foliofuzz trace"
	echo "#"
	echo "# expect: I_LEAK with bugs=type_not_reset_on_fre"
	grep -v '^#' "$pass_trace"
} >"$work/malformed.trace"

expect_rc 2 "expect of a malformed trace" "$cli" expect "$work/malformed.trace"
expect_line "$work/malformed.trace:3: unknown bug knob 'type_not_reset_on_fre' (known: $("$cli" knobs | cut -f1 | tr '\n' ' ' | sed 's/ $//'))" \
	"expect names file:line"

# ---- verify ------------------------------------------------------------------

expect_rc 0 "verify of a knob trace" "$cli" verify corpus/regressions/type_not_reset_on_free.trace
expect_line "verify: corpus/regressions/type_not_reset_on_free.trace: leg off: ok" "verify: leg off"
expect_line "verify: corpus/regressions/type_not_reset_on_free.trace: leg on: ok" "verify: leg on"
expect_rc 0 "verify of a finding trace" "$cli" verify corpus/regressions/F_DAX_STALE_SHARE.trace
for leg in finding suppressed fixed; do
	expect_line "verify: corpus/regressions/F_DAX_STALE_SHARE.trace: leg $leg: ok" "verify: leg $leg"
done
expect_rc 1 "verify of a wrong expectation" "$cli" verify "$work/wrong.trace"
expect_line "verify: $work/wrong.trace: leg off: ok" "wrong: leg off holds"
grep -q "^verify: $work/wrong.trace: leg on: FAILED: .*want exit 1, result=fail inv=I_LEAK" <<<"$out" && ok ||
	bad "wrong: leg on not named as failed: $out"
expect_rc 2 "verify of a malformed expectation" "$cli" verify "$work/malformed.trace"
grep -q "^$work/malformed.trace:3: unknown bug knob" <<<"$out" && ok ||
	bad "verify does not name file:line: $out"
expect_rc 2 "verify without a file" "$cli" verify
expect_rc 2 "verify, unknown target" "$cli" verify --target=nope "$pass_trace"

# minimize --no-suppress on a finding writes a line verify accepts.
expect_rc 0 "minimize --no-suppress of a finding" "$cli" minimize --no-suppress \
	corpus/regressions/F_DAX_STALE_SHARE.trace -o "$work/min.trace"
expect_rc 0 "verify of minimize's output" "$cli" verify "$work/min.trace"

echo "test_expect: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
