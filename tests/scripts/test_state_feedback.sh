#!/usr/bin/env bash
# test_state_feedback.sh FUZZ_OPS SEEDS WORK_DIR - state-coverage feedback
# (docs/design.md §20.5), ctest smoke/state_feedback: the same short,
# seeded libFuzzer run of fuzz_ops from copies of the same seeds counts
# more features ("ft:") with the feedback on (the default) than with
# FOLIOFUZZ_STATE_FEEDBACK=0, both once the seeds are loaded (INITED: no
# mutation yet) and at the end of the run.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
fuzz=${1:?usage: test_state_feedback.sh FUZZ_OPS SEEDS WORK_DIR}
seeds=${2:?seeds}
work=${3:?work dir}
. tests/scripts/testlib.sh
rm -rf "$work" && mkdir -p "$work" || exit 1

# ft: of the last status line matching $2 in log $1
ft() { grep -E "$2" "$1" | tail -1 | sed -nE 's/.* ft: ([0-9]+) .*/\1/p'; }

for mode in on off; do
	mkdir -p "$work/$mode/corpus" "$work/$mode/artifacts"
	cp "$seeds"/* "$work/$mode/corpus/" || exit 1
	if [ $mode = on ]; then knob=1; else knob=0; fi
	FOLIOFUZZ_STATE_FEEDBACK=$knob "$fuzz" -runs=2000 -seed=1 \
		-artifact_prefix="$work/$mode/artifacts/" \
		"$work/$mode/corpus" >"$work/$mode.log" 2>&1 ||
		bad "fuzz_ops with FOLIOFUZZ_STATE_FEEDBACK=$knob failed: $work/$mode.log"
done
for at in INITED DONE; do
	on=$(ft "$work/on.log" "$at")
	off=$(ft "$work/off.log" "$at")
	if [ -n "$on" ] && [ -n "$off" ] && [ "$on" -gt "$off" ]; then
		ok
	else
		bad "$at: ft: ${on:-?} with state feedback, ${off:-?} without"
	fi
	echo "$at: ft: $on with state feedback, $off without"
done
echo "state_feedback: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
