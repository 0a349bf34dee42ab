#!/usr/bin/env bash
# test_kshim_dax.sh KSHIM_DIR - the dax pick's controls on a kshim build of
# Linux 6.12 (docs/kshim.md), ctest kshim/dax_*:
#   positive: every reflinked DAX trace of corpus/dax breaks I_DAX_ANON at
#     step 1 with --no-suppress, the report naming the tree's fs/dax.c:line
#     and the release; without it the run passes, naming the expected
#     difference EXP_DAX_SHARED_ANON;
#   negative: a trace of unshared extents only is clean, and so is the
#     reflinked trace when the model, with fix_dax_stale_share, runs
#     (--model) in the same binary.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. tests/scripts/testlib.sh
kshim_dir "$@"

# corpus/dax traces whose first op faults a reflinked extent (d0, d1)
for t in corpus/dax/02_reflink_pair.trace corpus/dax/03_reflink_three_mappings.trace; do
	expect_rc 1 "$t --no-suppress" "$ff" run --no-suppress --summary "$t"
	expect_out "invariant I_DAX_ANON violated" "$t: I_DAX_ANON"
	expect_out "^step 1 of " "$t: at step 1"
	expect_out "real code in this step: dax_associate_entry \(fs/dax\.c:[0-9]+\)" "$t: names fs/dax.c:line"
	expect_out "^kernel code: Linux 6\.12\.[0-9]+ " "$t: names the release"
	expect_line "summary: result=fail inv=I_DAX_ANON step=1 op=dax_fault finding=-" "$t: summary"
	expect_rc 0 "$t suppressed" "$ff" run --summary "$t"
	expect_out "expected difference: EXP_DAX_SHARED_ANON \(Linux 6\.12\.\.6\.15, pick dax\)" "$t: names the expected difference"
	expect_out "PAGE_MAPPING_DAX_SHARED mapping flag" "$t: and its upstream fix"
	expect_line "summary: result=expected inv=I_DAX_ANON step=1 op=dax_fault finding=EXP_DAX_SHARED_ANON" "$t: summary"
	# the model re-faults reflinked extents as v6.15+ does, which trips
	# its known finding F_DAX_STALE_SHARE (docs/findings.md); with its
	# fix the model is clean
	expect_rc 0 "$t on the model" "$ff" run --model --no-suppress --bugs=fix_dax_stale_share "$t"
	expect_out "all invariants held" "$t: the fixed model is clean"
done

t=tests/data/kshim/dax_unshared.trace
expect_rc 0 "$t --no-suppress" "$ff" run --no-suppress --verbose "$t"
expect_out "all invariants held" "unshared extents: clean on 6.12's code"
# The differential: 6.12 resets index on the last disassociation; the
# model (6.15+) keeps it, which its own checker reports as its known
# finding F_DAX_STALE_SHARE once the page is unassociated with a non-zero
# stale index: at the truncation of index 3 (step 9; index 0 is 0 either
# way).  That is an expected difference.
expect_rc 1 "$t --kshim-diff --no-suppress" "$ff" run --kshim-diff --no-suppress --summary "$t"
expect_out "invariant I_KSHIM_DIFF violated" "differential: I_KSHIM_DIFF"
expect_line "summary: result=fail inv=I_KSHIM_DIFF step=9 op=dax_truncate finding=-" "differential: at the truncation of index 3"
expect_out "the model's world broke I_DAX_STATE \(known finding F_DAX_STALE_SHARE\) where the tree's code did not" "differential: names the model's finding"
expect_out "^---- the model's world after the step ----$" "differential: the model's dump too"
# Where the model's finding is fixed, the bytes agree: the same run with
# the fix knob is clean.
expect_rc 0 "$t --kshim-diff with the model's fix" "$ff" run --kshim-diff --no-suppress --bugs=fix_dax_stale_share "$t"
expect_out "all invariants held" "differential: 6.12 and the fixed model agree"
expect_rc 0 "$t --kshim-diff" "$ff" run --kshim-diff --summary "$t"
expect_line "summary: result=expected inv=I_KSHIM_DIFF step=9 op=dax_truncate finding=EXP_DAX_INDEX_RESET" "differential: expected difference"

echo "test_kshim_dax: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
