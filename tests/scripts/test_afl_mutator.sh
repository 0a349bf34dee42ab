#!/usr/bin/env bash
# test_afl_mutator.sh WORK_DIR - the op-level custom mutator in afl-fuzz
# (fuzz/afl_mutator.c), ctest smoke/afl_mutator (afl preset): a 10 s
# fuzz.sh --engine afl run loads build/afl/lib/libff_afl_mutator.so, runs
# inputs, and keeps queue entries the mutator made (named by its
# afl_custom_describe: ff-mutate, ff-splice); with FOLIOFUZZ_MUTATOR=0 it
# is not loaded; with an unknown FOLIOFUZZ_TARGET the mutator says so at
# start and afl-fuzz does not crash (newer AFL++ stops on the failed
# init; 4.04c, Debian 12's, goes on without the mutator).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
work=${1:?usage: test_afl_mutator.sh WORK_DIR}
. tests/scripts/testlib.sh
rm -rf "$work" && mkdir -p "$work" || exit 1

# on: loaded, inputs run, some queue entries are its own
w=$work/on
expect_rc 0 "AFL++ run with the mutator" scripts/fuzz.sh dax --engine afl --time 10 --workdir "$w"
expect_out "dax: AFL\\+\\+, .*op-level custom mutator" "fuzz.sh says the mutator is on"
grep -q "Loading custom mutator library from '.*libff_afl_mutator.so'" "$w"/log/afl-main-*.log &&
	ok || bad "afl-fuzz log: custom mutator not loaded"
execs=$(sed -nE 's/^execs_done *: *([0-9]+)/\1/p' "$w/sync/main/fuzzer_stats")
[ "${execs:-0}" -gt 1000 ] && ok || bad "execs_done '$execs' after 10 s"
mine=$(find "$w/sync/main/queue" -name 'id:*,ff-*' | wc -l)
[ "$mine" -gt 0 ] && ok || bad "no queue entry from ff-mutate or ff-splice"

# off: FOLIOFUZZ_MUTATOR=0
w=$work/off
FOLIOFUZZ_MUTATOR=0 expect_rc 0 "AFL++ run without the mutator" \
	scripts/fuzz.sh dax --engine afl --time 5 --workdir "$w"
expect_out "no custom mutator \(FOLIOFUZZ_MUTATOR=0\)" "fuzz.sh says it is off"
grep -q "custom mutator" "$w"/log/afl-main-*.log &&
	bad "FOLIOFUZZ_MUTATOR=0: afl-fuzz loaded a custom mutator" || ok

# an unknown target: named at start, and no crash
mkdir -p "$work/bad"
out=$(AFL_CUSTOM_MUTATOR_LIBRARY=$PWD/build/afl/lib/libff_afl_mutator.so \
	FOLIOFUZZ_TARGET=no_such AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 \
	AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
	timeout -k 5 60 afl-fuzz -i build/afl/corpus/dax -o "$work/bad/sync" \
	-m none -V 5 -- build/afl/bin/fuzz_dax_afl 2>&1)
rc=$?
[ "$rc" -le 1 ] && ok || bad "unknown target: afl-fuzz exit $rc"
expect_out "unknown FOLIOFUZZ_TARGET 'no_such'; targets: ops dax" \
	"unknown target: the mutator names it and the targets"

echo "test_afl_mutator: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
