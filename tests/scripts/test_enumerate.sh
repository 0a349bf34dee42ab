#!/usr/bin/env bash
# test_enumerate.sh FOLIOFUZZ WORKDIR - ctest unit/cli_enumerate: the
# `foliofuzz enumerate` command line (docs/design.md §24).  Bad usage
# (unknown target, op or knob, an op outside the target, bad numbers, a
# world too small for its order) exits 2 with a message; a violation exits
# 1 with the report and the "found" line, and -o writes a trace that
# `foliofuzz run` replays to the same invariant; a search cut by
# --max-states says so.
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
expect_rc 0 "--help" "$ff" enumerate --help

# a violation: the shortest program, its report, a trace that replays
expect_rc 1 "a knob" "$ff" enumerate --target dax --bugs dax_shared_aliases_anon \
	--depth 3 -o "$work/found.trace"
expect_out '==== foliofuzz: invariant I_DAX_ANON violated ====' "the report"
expect_out '^enumerate: found I_DAX_ANON at depth 2 \(shortest; ' "found line"
expect_rc 1 "its trace replays" "$ff" run --pfns=16 --max-order=2 \
	--bugs=dax_shared_aliases_anon --summary "$work/found.trace"
expect_out 'summary: result=fail inv=I_DAX_ANON step=2 ' "replayed at step 2"

# a bound on the visited set cuts the search, and the clean line says so
expect_rc 0 "cut" "$ff" enumerate --target=ops --ops=alloc,free --depth=3 --max-states=3
expect_out '\(cut by --max-states before depth 3; depth [0-2] complete\)' "cut line"
expect_out '^enumerate: depth 1: ' "a progress line"

echo "test_enumerate: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
