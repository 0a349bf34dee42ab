#!/usr/bin/env bash
# test_kshim.sh - the kshim gate and scripts/kshim.sh's argument checks
# (ctest unit/kshim; with a kernel tree, kshim/gate_tree).
#
#   tests/scripts/test_kshim.sh PATH/TO/foliofuzz WORK_DIR [KERNEL_SRC]
#
# Without KERNEL_SRC: `foliofuzz kshim-gate` on the layout the bridge
# printed for Debian's linux-source-6.12 (6.12.117, kept as data in
# tests/data/kshim/) must report the three page[1] fields that moved
# between 6.12 and the model's 6.17 and the flag renumbering from
# PG_dropbehind, and refuse exactly the helpers that read them; a layout
# with the model's offsets lets those helpers run; malformed layouts and
# bad script arguments exit 2.  With KERNEL_SRC: scripts/kshim.sh builds
# the bridge against that tree and its gate must say the same.
set -u

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
cli=${1:?usage: test_kshim.sh PATH/TO/foliofuzz WORK_DIR [KERNEL_SRC [KSHIM_DIR]]}
work=${2:?usage: test_kshim.sh PATH/TO/foliofuzz WORK_DIR [KERNEL_SRC [KSHIM_DIR]]}
ksrc=${3:-}
rm -rf "$work" && mkdir -p "$work" || exit 1
. tests/scripts/testlib.sh

data=tests/data/kshim/layout-6.12.117.tsv

gate_612() { # WHAT RELEASE: $out is the gate's verdict on a 6.12 release
	local rel=$2 rel_re=${2//./\\.}
	expect_line "kernel $rel" "$1: release"
	expect_line "differs folio.entire_mapcount at offset 84 size 4 in the tree, 88 size 4 in the model" "$1: entire_mapcount moved"
	expect_line "differs folio.nr_pages_mapped at offset 88 size 4 in the tree, 84 size 4 in the model" "$1: nr_pages_mapped moved"
	expect_line "differs folio.nr_pages at offset 96 size 4 in the tree, 120 size 4 in the model" "$1: nr_pages moved"
	expect_line "differs PG_dropbehind: not in the tree" "$1: PG_dropbehind"
	expect_line "differs PG_mlocked is 0x13 in the tree, 0x14 in the model" "$1: renumbered after PG_dropbehind"
	expect_line "helper folio_nr_pages: refused: folio.nr_pages at offset 96 size 4 in the tree, 120 size 4 in the model" "$1: folio_nr_pages refused"
	expect_line "helper folio_test_mlocked: refused: PG_mlocked is 0x13 in the tree, 0x14 in the model" "$1: folio_test_mlocked refused"
	expect_line "helper page_folio: ok" "$1: page_folio allowed"
	expect_line "helper PageBuddy: ok" "$1: PageBuddy allowed"
	expect_out "^gate: kernel $rel_re: 9 differences, 4 of 22 helpers refused$" "$1: summary"
}

# ---- the gate on the recorded 6.12.117 layout ----------------------------
expect_rc 0 "gate on 6.12.117" "$cli" kshim-gate "$data"
gate_612 "recorded layout" 6.12.117

# The same tree with the model's folio layout: those helpers may run.
sed -e 's/^field\tfolio\.nr_pages\t96\t4$/field\tfolio.nr_pages\t120\t4/' \
	-e 's/^field\tfolio\.entire_mapcount\t84\t4$/field\tfolio.entire_mapcount\t88\t4/' \
	"$data" >"$work/fixed.tsv"
expect_rc 0 "gate on a fixed layout" "$cli" kshim-gate "$work/fixed.tsv"
expect_line "helper folio_nr_pages: ok" "fixed nr_pages: folio_nr_pages allowed"
expect_line "helper folio_entire_mapcount: ok" "fixed entire_mapcount: allowed"

# Malformed input is an error naming file:line, never a verdict.
printf 'release\t6.12.117\nfield\tpage.flags\tzero\t8\n' >"$work/bad.tsv"
expect_rc 2 "gate on a malformed layout" "$cli" kshim-gate "$work/bad.tsv"
expect_out "bad\.tsv:2: want" "malformed layout names file:line"
: >"$work/empty.tsv"
expect_rc 2 "gate on an empty file" "$cli" kshim-gate "$work/empty.tsv"
expect_rc 2 "gate on a missing file" "$cli" kshim-gate "$work/none.tsv"
expect_rc 2 "gate without a file" "$cli" kshim-gate

# ---- scripts/kshim.sh arguments ------------------------------------------
expect_rc 2 "kshim.sh without --kernel-src" bash scripts/kshim.sh
expect_out "kernel-src is required" "missing --kernel-src says so"
expect_rc 2 "kshim.sh on a missing path" bash scripts/kshim.sh --kernel-src "$work/nothing"
expect_rc 2 "kshim.sh on a directory that is no kernel tree" bash scripts/kshim.sh --kernel-src "$work"
expect_out "not a kernel source tree" "non-tree says so"
expect_rc 2 "kshim.sh with an unknown flag" bash scripts/kshim.sh --frobnicate

# ---- a real tree, when given ----------------------------------------------
if [ -n "$ksrc" ]; then
	# the kshim build the other kshim/ tests use (ctest fixture kshim_build)
	kdir=${4:-$work/tree}
	expect_rc 0 "kshim.sh on $ksrc" env FF_CLI="$cli" bash scripts/kshim.sh \
		--kernel-src "$ksrc" --out "$kdir"
	[ -x "$kdir/bin/foliofuzz" ] ||
		tail -20 "$kdir/cmake.log" "$kdir/bridge.log" >&2 2>/dev/null
	out=$(cat "$kdir/gate.txt")
	# Debian's package moves between point releases (6.12.117, .118,
	# ...): the layout is checked, the release is whatever the tree is
	rel=$(sed -n 's/^kernel \(6\.12\.[0-9][0-9]*\)$/\1/p' <<<"$out")
	[ -n "$rel" ] && ok || bad "the gate names no 6.12.N release"
	gate_612 "bridge built from $ksrc" "${rel:-6.12.none}"
	expect_rc 0 "the kshim build's manifest" "$kdir/bin/foliofuzz" kshim
	expect_line "picks built: dax freecheck pageflags util" "manifest: every pick"
	expect_out "^Linux ${rel//./\\.}, tree " "manifest: release and tree"
	expect_out "^source fs/dax\.c sha256 [0-9a-f]{64}$" "manifest: fs/dax.c and its hash"
	expect_out "EXP_DAX_SHARED_ANON" "manifest: the expected differences that apply"
	expect_rc 2 "a model-only build has no manifest" "$cli" kshim
	expect_out "not a kshim build" "model-only build says so"
fi

echo "test_kshim: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
