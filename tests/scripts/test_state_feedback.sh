#!/usr/bin/env bash
# test_state_feedback.sh FUZZ_OPS SEEDS WORK_DIR - state-coverage feedback
# (docs/design.md §20.5), ctest smoke/state_feedback: the same short,
# seeded libFuzzer run of fuzz_ops from copies of the same seeds counts
# more features ("ft:") once the seeds are loaded (INITED: no mutation
# yet) with the default rows (FOLIOFUZZ_STATE_FEEDBACK unset) than with
# FOLIOFUZZ_STATE_FEEDBACK=0, and more again with every row (all); with
# every row also at the end of the run (the default rows are a few dozen
# features, too few to outweigh where the mutations lead).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
fuzz=${1:?usage: test_state_feedback.sh FUZZ_OPS SEEDS WORK_DIR}
seeds=${2:?seeds}
work=${3:?work dir}
. tests/scripts/testlib.sh
rm -rf "$work" && mkdir -p "$work" || exit 1

# ft: of the last status line matching $2 in log $1
ft() { grep -E "$2" "$1" | tail -1 | sed -nE 's/.* ft: ([0-9]+) .*/\1/p'; }

for mode in default off all; do
	mkdir -p "$work/$mode/corpus" "$work/$mode/artifacts"
	cp "$seeds"/* "$work/$mode/corpus/" || exit 1
	case $mode in
	default) unset FOLIOFUZZ_STATE_FEEDBACK ;;
	off) export FOLIOFUZZ_STATE_FEEDBACK=0 ;;
	all) export FOLIOFUZZ_STATE_FEEDBACK=all ;;
	esac
	"$fuzz" -runs=2000 -seed=1 \
		-artifact_prefix="$work/$mode/artifacts/" \
		"$work/$mode/corpus" >"$work/$mode.log" 2>&1 ||
		bad "fuzz_ops with state feedback $mode failed: $work/$mode.log"
done
unset FOLIOFUZZ_STATE_FEEDBACK
# more: $1 > $2 (ft: counts), or bad with message $3
more() {
	if [ -n "$1" ] && [ -n "$2" ] && [ "$1" -gt "$2" ]; then
		ok
	else
		bad "$3: ft: ${1:-?} against ${2:-?}"
	fi
	echo "$3: ft: $1 against $2"
}
more "$(ft "$work/default.log" INITED)" "$(ft "$work/off.log" INITED)" "INITED default rows against none"
more "$(ft "$work/all.log" INITED)" "$(ft "$work/default.log" INITED)" "INITED every row against the default"
more "$(ft "$work/all.log" DONE)" "$(ft "$work/off.log" DONE)" "DONE every row against none"
echo "state_feedback: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
