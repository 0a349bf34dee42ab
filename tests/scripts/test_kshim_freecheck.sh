#!/usr/bin/env bash
# test_kshim_freecheck.sh KSHIM_DIR - the freecheck pick on 6.12
# (docs/kshim.md), ctest kshim/freecheck: a page freed with its page type
# still set is a bad page to 6.12's free_page_is_bad() ('nonzero mapcount':
# the type overlays _mapcount), which the model, as v6.17, clears first.
# With --no-suppress that is I_KSHIM_FREECHECK naming mm/page_alloc.c;
# without, the expected difference EXP_FREE_TYPED_PAGE; on the model alone
# (--model) the trace is clean.  A clean free of untyped pages agrees.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. tests/scripts/testlib.sh
kshim_dir "$@"
t=tests/data/kshim/free_typed.trace

expect_rc 1 "$t --no-suppress" "$ff" run --no-suppress --summary "$t"
expect_out "invariant I_KSHIM_FREECHECK violated" "typed free: I_KSHIM_FREECHECK"
expect_out "Linux 6\.12\.[0-9]+'s free_page_is_bad \(mm/page_alloc\.c:[0-9]+\) says bad page: 'nonzero mapcount'; the model frees it" "names the tree's check, its line and reason"
expect_line "summary: result=fail inv=I_KSHIM_FREECHECK step=2 op=free finding=-" "at the free"
expect_rc 0 "$t suppressed" "$ff" run --summary "$t"
expect_line "summary: result=expected inv=I_KSHIM_FREECHECK step=2 op=free finding=EXP_FREE_TYPED_PAGE" "the expected difference"
expect_out "let page freeing clear any set page type" "names the upstream change"
expect_rc 0 "$t on the model" "$ff" run --model --no-suppress "$t"

t=tests/data/kshim/free_untyped.trace
expect_rc 0 "$t --no-suppress" "$ff" run --no-suppress --summary "$t"
expect_line "summary: result=pass inv=- step=- op=- finding=-" "untyped frees agree"

echo "test_kshim_freecheck: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
