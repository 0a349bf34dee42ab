#!/usr/bin/env bash
# test_kshim_pageflags.sh KSHIM_DIR - the pageflags pick on 6.12
# (docs/kshim.md), ctest kshim/pageflags: the tree's own helpers agree
# with the model's on a large folio's pages while the gate holds back the
# helpers that read moved fields; with FOLIOFUZZ_KSHIM_GATE=0 they run,
# and the cross-check reports folio_nr_pages reading the model's
# _mm_id_mapcount[0] (-1) at 6.12's offset 96 (I_KSHIM_XCHECK), which is
# what the gate is for.  The manifest lists the refused helpers.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. tests/scripts/testlib.sh
kshim_dir "$@"
t=tests/data/kshim/large_folio.trace

expect_rc 0 "$t with the gate" "$ff" run --no-suppress --summary "$t"
expect_line "summary: result=pass inv=- step=- op=- finding=-" "the allowed helpers agree"
expect_rc 1 "$t without the gate" env FOLIOFUZZ_KSHIM_GATE=0 "$ff" run --no-suppress --summary "$t"
expect_out "invariant I_KSHIM_XCHECK violated" "ungated: I_KSHIM_XCHECK"
expect_out "pageflags: folio_nr_pages\(pfn [0-9]+\) is 4294967295 in Linux 6\.12\.[0-9]+, 16 in the model \(the gate refuses it" "ungated: folio_nr_pages reads the wrong field"
expect_line "summary: result=fail inv=I_KSHIM_XCHECK step=1 op=alloc finding=-" "at the allocation"
expect_rc 0 "manifest" "$ff" kshim
expect_line "  helper folio_nr_pages: refused: folio.nr_pages at offset 96 size 4 in the tree, 120 size 4 in the model" "the manifest lists the refusal"
expect_line "  helper folio_mapcount: ok" "and what runs"

echo "test_kshim_pageflags: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
