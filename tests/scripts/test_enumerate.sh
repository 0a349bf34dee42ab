#!/usr/bin/env bash
# test_enumerate.sh FOLIOFUZZ WORKDIR - ctest unit/cli_enumerate: the
# `foliofuzz enumerate` command line (docs/design.md §24).  Bad usage
# (unknown target, op or knob, an op outside the target, bad numbers, a
# world too small for its order) exits 2 with a message; a violation exits
# 1 with the report and the "found" line, and -o writes a trace that
# `foliofuzz run` replays to the same invariant; a search cut by
# --max-states says so; --dev-pages and --maps shrink the device region
# and the mapping table, and the trace replays only with them.  --jobs: bad values exit 2; J processes give the
# same search and the same trace as one; a worker that dies of a sanitizer
# report ends the search with its program (AddressSanitizer builds).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ff=${1:?usage: test_enumerate.sh PATH/TO/foliofuzz WORKDIR}
work=${2:?usage: test_enumerate.sh PATH/TO/foliofuzz WORKDIR}
. tests/scripts/testlib.sh
rm -rf "$work" && mkdir -p "$work" || exit 1

expect_rc 2 "no target" "$ff" enumerate
expect_out 'target is required' "no target: message"
expect_rc 2 "unknown target" "$ff" enumerate --target=nosuch
expect_out 'unknown --target' "unknown target: message"
expect_rc 2 "unknown op" "$ff" enumerate --target=ops --ops=alloc,nosuch
expect_out "'nosuch' is not an op of target ops" "unknown op: message"
expect_rc 2 "op outside the target" "$ff" enumerate --target=dax --ops=alloc
expect_out "'alloc' is not an op of target dax" "outside: message"
expect_rc 2 "unknown knob" "$ff" enumerate --target=ops --bugs=nosuch
expect_out "unknown bug knob 'nosuch'" "unknown knob: message"
expect_rc 2 "depth 0" "$ff" enumerate --target=ops --depth=0
expect_rc 2 "depth not a number" "$ff" enumerate --target=ops --depth=x
expect_rc 2 "seconds negative" "$ff" enumerate --target=ops --seconds=-1
expect_rc 2 "max-states 0" "$ff" enumerate --target=ops --max-states=0
expect_rc 2 "max-states above 1e8" "$ff" enumerate --target=ops --max-states=100000001
expect_rc 2 "pfns too small" "$ff" enumerate --target=ops --pfns=2
expect_rc 2 "order above 6" "$ff" enumerate --target=ops --max-order=7
expect_rc 2 "order larger than the world" "$ff" enumerate --target=ops --pfns=8 --max-order=4
expect_out 'must fit in --pfns' "order: message"
expect_rc 2 "unknown option" "$ff" enumerate --target=ops --frob
expect_rc 2 "dev-pages 0" "$ff" enumerate --target=ops --dev-pages=0
expect_out '--dev-pages needs 1..64' "dev-pages: message"
expect_rc 2 "maps above 512" "$ff" enumerate --target=ops --maps=513
expect_out '--maps needs 1..512' "maps: message"
expect_rc 2 "run: maps 0" "$ff" run --maps=0 corpus/regressions/thp_fault_no_deposit.trace
expect_rc 2 "run: dev-pages 65" "$ff" run --dev-pages=65 corpus/regressions/thp_fault_no_deposit.trace
expect_rc 2 "jobs 0" "$ff" enumerate --target=ops --jobs=0
expect_rc 2 "jobs above 64" "$ff" enumerate --target=ops --jobs=65
expect_out '--jobs needs 1..64' "jobs: message"
expect_rc 0 "--help" "$ff" enumerate --help

# a violation: the shortest program, its report, a trace that replays
expect_rc 1 "a knob" "$ff" enumerate --target dax --bugs dax_shared_aliases_anon \
	--depth 3 -o "$work/found.trace"
expect_out '==== foliofuzz: invariant I_DAX_ANON violated ====' "the report"
expect_out '^enumerate: found I_DAX_ANON at depth 2 \(shortest; ' "found line"
expect_rc 1 "its trace replays" "$ff" run --pfns=16 --max-order=2 \
	--bugs=dax_shared_aliases_anon --summary "$work/found.trace"
expect_out 'summary: result=fail inv=I_DAX_ANON step=2 ' "replayed at step 2"

# a small mapping table (--maps): thp_fault_no_deposit in three ops; the
# trace says how to replay it, and replays only in that world
expect_rc 1 "a knob in 4 map entries" "$ff" enumerate --target=ops --maps=4 \
	--bugs=thp_fault_no_deposit --ops=alloc,map,unmap --depth=4 -o "$work/maps.trace"
expect_out '^enumerate: found I_PGTABLE at depth 3 \(shortest; ' "found in 3 ops"
if grep -q '^# foliofuzz run --pfns=16 --max-order=2 --maps=4 --bugs=thp_fault_no_deposit FILE$' "$work/maps.trace"; then
	ok
else
	bad "the trace's replay line lacks --maps=4"
fi
expect_rc 1 "replays with --maps=4" "$ff" run --pfns=16 --max-order=2 --maps=4 \
	--bugs=thp_fault_no_deposit --summary "$work/maps.trace"
expect_out 'summary: result=fail inv=I_PGTABLE ' "replayed"
expect_rc 0 "passes with 512 entries" "$ff" run --pfns=16 --max-order=2 \
	--bugs=thp_fault_no_deposit --summary "$work/maps.trace"
expect_out 'summary: result=pass ' "the table had room"

# a bound on the visited set cuts the search, and the clean line says so
expect_rc 0 "cut" "$ff" enumerate --target=ops --ops=alloc,free --depth=3 --max-states=3
expect_out '\(cut by --max-states before depth 3; depth [0-2] complete\)' "cut line"
expect_out '^enumerate: depth 1: ' "a progress line"

# --jobs: the same search (every line but the timing), the same trace
strip() { sed -E 's/^enumerate: [0-9.]+ s, .* programs\/s, //; s/, [0-9.]+ states\/s.*//; s/, [0-9.]+ MiB$//'; }
for j in 1 2; do
	expect_rc 0 "clean, --jobs=$j" "$ff" enumerate --target=ops \
		--ops=alloc,get,put,free,split,map,unmap --depth=3 --jobs=$j
	strip <<<"$out" >"$work/clean.$j"
	expect_rc 1 "a knob, --jobs=$j" "$ff" enumerate --target=ops --pfns=8 \
		--bugs=migrate_enomem_split_fail_putback --ops=alloc,map,get,migrate \
		--depth=4 --jobs=$j -o "$work/knob.$j.trace"
done
if cmp -s "$work/clean.1" "$work/clean.2" && [ "$(wc -l <"$work/clean.1")" -ge 5 ]; then
	ok "--jobs=2: the same depth lines and counts as one process"
else
	bad "--jobs=2 differs from one process: $(diff "$work/clean.1" "$work/clean.2" | head -5)"
fi
if cmp -s "$work/knob.1.trace" "$work/knob.2.trace" &&
	grep -q '^migrate ' "$work/knob.2.trace"; then
	ok "--jobs=2: the same shortest program"
else
	bad "--jobs=2 found another program: $(diff "$work/knob.1.trace" "$work/knob.2.trace" | head -5)"
fi
# a worker dies of the sanitizer (unmap_bad_subpage is a wild pointer):
# its program is printed and written to -o, the search exits non-zero
if grep -qa __asan_init "$ff"; then
	expect_rc 1 "a worker dies" "$ff" enumerate --target=devmem \
		--bugs=unmap_bad_subpage --depth=3 --jobs=2 -o "$work/died.trace"
	expect_out '^enumerate: died at depth 2 ' "died line"
	expect_out '^enumerate: worker [12] of 2 exited with status 1' "worker line"
	if grep -q '^dev_unmap ' "$work/died.trace" && ! ls "$work"/died.trace.*.tmp >/dev/null 2>&1; then
		ok "the worker's program is the -o trace"
	else
		bad "no trace of the worker's program in -o"
	fi
fi

echo "test_enumerate: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
