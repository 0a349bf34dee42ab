#!/usr/bin/env bash
# test_report.sh FOLIOFUZZ - what a report shows (issue 12, item 1), ctest
# unit/report: the affected pfn is marked under its page-array row, DAX
# files and pgmaps print by name, the run line names the step that broke
# the invariant (not "N ok"), blame names the model function that wrote
# the broken page, and I_FREE_BAD_PAGE states the free state.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ff=${1:?usage: test_report.sh PATH/TO/foliofuzz}
. tests/scripts/testlib.sh

t=corpus/regressions/dax_shared_aliases_anon.trace
expect_rc 1 "$t with its knob" "$ff" run --bugs=dax_shared_aliases_anon "$t"
# the marker sits under the 4th pfn of the row (pfn 579 of 576..639)
python3 - "$out" <<'PY' && ok || bad "the '^ pfn 579' marker is under pfn 579's column"
import sys
lines = sys.argv[1].split("\n")
for i, l in enumerate(lines):
    if l.lstrip().startswith("^ pfn 579"):
        row = lines[i - 1]
        col = l.index("^")
        cells = row[10:].replace("| ", "").split(" ")
        assert row.startswith("pfn  576: "), row
        # the column of the 4th cell: 10 + 4 per cell ("x | ") before it
        assert col == 10 + 3 * 4, (col, row)
        sys.exit(0)
sys.exit(1)
PY
expect_out "mapping:d0 index:0x3" "a DAX file prints as d0"
expect_out "raw: 0x8000000000000000 dax_pgmap " "the DAX pgmap prints by name"
expect_line "$t: 2 ops, 1 ok, 0 refused, then step 2 broke I_DAX_ANON" "the run line names the failing step"
# blame: the model function that wrote the bad mapping, with its callers
# and the checkout-relative file:line, and what it changed
expect_out "^blame: pfn 579 was last written in step 2 \(dax_fault\), by \(in order\):$" "blame names the pfn and the step"
expect_out "^  dax_insert_entry -> dax_associate_entry \(src/fs/dax\.c:[0-9]+\)$" "blame names the function and its callers"
expect_out "^    mapping: d0 -> 0x1$" "blame shows the word it wrote"
t=corpus/regressions/type_not_reset_on_free.trace
expect_rc 1 "$t with its knob" "$ff" run --bugs=type_not_reset_on_free "$t"
expect_out "^blame: pfn [0-9]+ was last written in step 3 \(put\)" "blame on a free: the step"
expect_out "__folio_put -> free_frozen_pages -> free_pages_prepare" "blame on a free: the free path"
expect_rc 0 "explain I_FREE_BAD_PAGE" "$ff" explain I_FREE_BAD_PAGE
expect_out "the state a free page must have: mapcount 0" "I_FREE_BAD_PAGE states what a free page must be"

echo "test_report: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
