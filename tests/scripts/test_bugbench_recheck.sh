#!/usr/bin/env bash
# test_bugbench_recheck.sh WORK_DIR - bugbench.sh --recheck (ctest
# smoke/bugbench_recheck): of two trials recorded as false alarms, the one
# whose crash input passes without its knob (the knob's bug, caught by
# another invariant) becomes found; the one whose input still fails
# without the knob (here: it cannot even be parsed) stays a false alarm;
# the table is remade from the rewritten trials.tsv.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
work=${1:?usage: test_bugbench_recheck.sh WORK_DIR}
. tests/scripts/testlib.sh
rm -rf "$work" && mkdir -p "$work/runs/a" "$work/runs/b" || exit 1
k=split_count_not_freeze
cp corpus/regressions/$k.trace "$work/runs/a/crash-aaaa"
printf '# foliofuzz trace\nno_such_op\n' >"$work/runs/b/crash-bbbb"
: >"$work/runs/a/log" && : >"$work/runs/b/log"
{
	printf 'knob\ttarget\texpected\tengine\tstart\ttrial\tseed\tlimit_s\tfound\ttime_s\tid\tfalse_alarm\tlog\n'
	printf '%s\tsnapshot\tI_REFCOUNT\tlibfuzzer\tempty\t1\t1\t60\t0\t2.5\tI_REF_UNDERFLOW\t1\t%s\n' "$k" "$work/runs/a/log"
	printf '%s\tsnapshot\tI_REFCOUNT\tlibfuzzer\tempty\t2\t2\t60\t0\t3.5\tI_GUP\t1\t%s\n' "$k" "$work/runs/b/log"
} >"$work/trials.tsv"
expect_rc 0 "bugbench.sh --recheck" bash scripts/bugbench.sh --recheck --out "$work"
expect_out "trial 1: I_REF_UNDERFLOW passes without the knob: found" "trial 1 relabelled"
row1=$(awk -F'\t' '$6 == 1 { print $9 $12 }' "$work/trials.tsv")
row2=$(awk -F'\t' '$6 == 2 { print $9 $12 }' "$work/trials.tsv")
[ "$row1" = 10 ] && ok || bad "trial 1: found/false_alarm $row1, want 10"
[ "$row2" = 01 ] && ok || bad "trial 2: found/false_alarm $row2, want 01 (still a false alarm)"
grep -q "| $k | I_REFCOUNT | libfuzzer | empty | .* | 1/2 | 1 (I_GUP) |" "$work/summary.md" && ok ||
	bad "summary: 1/2 found, 1 false alarm: $(grep "| $k |" "$work/summary.md")"
echo "test_bugbench_recheck: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
