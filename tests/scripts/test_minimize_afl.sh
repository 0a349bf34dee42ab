#!/usr/bin/env bash
# test_minimize_afl.sh WORK_DIR - minimize.sh corpus --engine afl under a
# temporary directory (issue 12, item 3), ctest smoke/minimize_afl (afl
# preset): afl-cmin refuses /tmp unless told (AFL_ALLOW_TMP), and a failed
# run must name only leftovers that exist.  WORK_DIR should be under /tmp.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
work=${1:?usage: test_minimize_afl.sh WORK_DIR}
. tests/scripts/testlib.sh
rm -rf "$work" && mkdir -p "$work/in" || exit 1
cp build/afl/corpus/dax/* "$work/in/"
expect_rc 0 "afl-cmin into $work" scripts/minimize.sh corpus dax --engine afl \
	--from "$work/in" -o "$work/out"
expect_out "inputs -> [0-9]+ in $work/out" "the minimized corpus"
[ -n "$(ls "$work/out")" ] && ok || bad "inputs in $work/out"
expect_rc 2 "a rerun into the same non-empty output" scripts/minimize.sh corpus dax \
	--engine afl --from "$work/in" -o "$work/out"

echo "test_minimize_afl: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
