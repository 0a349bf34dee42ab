#!/usr/bin/env bash
# test_afl_resume.sh WORK_DIR - an AFL++ campaign resumed (issue 12, item
# 3), ctest smoke/afl_resume (afl preset): two 10 s runs of fuzz.sh
# --engine afl on one work dir; the campaign total fuzz.sh reports must be
# AFL++'s own execs_done (a resumed AFL++ continues its count: adding the
# runs counted the first twice), and each run must end within a few
# seconds of --time.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
work=${1:?usage: test_afl_resume.sh WORK_DIR}
. tests/scripts/testlib.sh
rm -rf "$work" && mkdir -p "$work" || exit 1
w=$work/campaign

for run in 1 2; do
	t0=$(date +%s)
	expect_rc 0 "AFL++ run $run" scripts/fuzz.sh dax --engine afl --time 10 --workdir "$w"
	t1=$(date +%s)
	python3 -c "import sys; sys.exit(0 if $t1 - $t0 <= 25 else 1)" && ok ||
		bad "run $run took $((t1 - t0)) s for --time 10"
done
total=$(sed -nE 's/.*campaign: .* in 2 run\(s\), ([0-9]+) execs.*/\1/p' <<<"$out")
truth=$(sed -nE 's/^execs_done *: *([0-9]+)/\1/p' "$w/sync/main/fuzzer_stats")
[ -n "$total" ] && [ "$total" = "$truth" ] && ok ||
	bad "campaign total '$total' is AFL++'s execs_done '$truth'"

echo "test_afl_resume: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
