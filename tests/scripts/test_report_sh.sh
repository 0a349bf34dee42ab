#!/usr/bin/env bash
# test_report_sh.sh WORK_DIR - scripts/report.sh on bad input (issue 12,
# item 2), ctest unit/report_sh: a missing directory, a directory that is
# no campaign, a malformed progress.tsv line: one message each, exit 2,
# no traceback; a campaign with no crashes still gets its page.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
work=${1:?usage: test_report_sh.sh WORK_DIR}
. tests/scripts/testlib.sh
rm -rf "$work" && mkdir -p "$work/empty" "$work/c/crashes" || exit 1

expect_rc 2 "a missing work dir" scripts/report.sh "$work/none"
expect_out "none: no such directory" "says so"
expect_rc 2 "a directory that is no campaign" scripts/report.sh "$work/empty"
expect_out "not a campaign work dir" "says so"
printf 'target=ops\nengine=libfuzzer\nbugs=\n' >"$work/c/campaign.conf"
printf '# header\n1 2 3 4 5 6 7 8 9 1\n1 2 three\n' >"$work/c/progress.tsv"
expect_rc 2 "a malformed progress.tsv" scripts/report.sh "$work/c"
expect_out "progress\.tsv:3: want 10 whole numbers" "names file:line"
grep -q Traceback <<<"$out" && bad "a traceback" || ok
printf '# header\n1 1 NaN NaN NaN NaN 0 0 0 1\n1 2 3 4 5 6 7 8 9 1\n' >"$work/c/progress.tsv"
expect_rc 0 "a campaign with no crashes" scripts/report.sh "$work/c"
grep -q 'no crashes' "$work/c/report/index.html" && ok || bad "no crashes said"
expect_rc 2 "an unknown option" scripts/report.sh --frob "$work/c"

echo "test_report_sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
