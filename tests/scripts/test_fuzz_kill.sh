#!/usr/bin/env bash
# test_fuzz_kill.sh WORK_DIR - a campaign whose script is killed (issue 12,
# item 3), ctest smoke/fuzz_kill: while a campaign runs, a second one on the
# same work dir is refused naming the first one's PID; kill -9 of the
# first script takes its engine down within a few seconds; and the work dir
# can then be fuzzed again.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
work=${1:?usage: test_fuzz_kill.sh WORK_DIR}
. tests/scripts/testlib.sh
rm -rf "$work" && mkdir -p "$work" || exit 1
w=$work/campaign

engine_pids() { pgrep -f -- "$w/corpus" || true; }

setsid scripts/fuzz.sh dax --time 120 --workdir "$w" >"$work/first.log" 2>&1 &
first=$!
for _ in $(seq 120); do
	[ -n "$(engine_pids)" ] && break
	sleep 0.5
done
[ -n "$(engine_pids)" ] && ok || bad "the first campaign's engine started"
expect_rc 1 "a second campaign on the same work dir" scripts/fuzz.sh dax --time 5 --workdir "$w"
expect_out "another campaign is running in .*campaign \(fuzz.sh PID $first\)" "names the holder's PID"

kill -KILL "$first"
for _ in $(seq 20); do
	[ -z "$(engine_pids)" ] && break
	sleep 0.5
done
if [ -z "$(engine_pids)" ]; then
	ok
else
	bad "the engine outlived its kill -9'd script: $(engine_pids | xargs)"
	pkill -KILL -f -- "$w/corpus"
fi
# the lock goes with the script (a last 'sleep 1' child may hold it a moment)
for _ in $(seq 10); do
	flock -n "$w/.lock" true && break
	sleep 0.5
done
expect_rc 0 "the work dir is free again" scripts/fuzz.sh dax --time 3 --workdir "$w"

echo "test_fuzz_kill: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
