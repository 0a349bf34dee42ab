#!/usr/bin/env bash
# test_kshim_rename.sh KSHIM_DIR - the extractor's alarm on the real tree
# (docs/kshim.md, "When upstream renames something"), ctest
# kshim/extract_rename: every pick's names are found in the tree the kshim
# build used, and a copy of it in which one function of a pick is renamed
# (as upstream renames) stops the build with exit 2, naming the function,
# the file and the picks.tsv row.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. tests/scripts/testlib.sh
kshim_dir "$@"
work=$kdir/test-rename
rm -rf "$work" && mkdir -p "$work" || exit 1

tree=$("$kdir/bin/foliofuzz" kshim | sed -n 's/^Linux [^,]*, tree //p')
release=$("$kdir/bin/foliofuzz" kshim | sed -n 's/^Linux \([^,]*\),.*/\1/p')
[ -d "$tree" ] && ok || bad "the manifest names the tree ($tree)"

expect_rc 0 "every pick extracts from $tree" python3 scripts/kshim_picks.py generate \
	--root . --tree "$tree" --out "$work/all" --release "$release"
expect_out "^bridge pageflags " "the pageflags bridge is listed for kshim.sh"
for p in dax freecheck util; do
	[ -s "$work/all/gen/$p.c" ] && ok || bad "gen/$p.c written"
done
expect_rc 0 "the extracted dax code has #line directives into the tree" \
	grep -c "^#line [0-9]* \"$tree/fs/dax.c\"" "$work/all/gen/dax.c"
grep -q "GPL kernel code" "$work/all/gen/dax.c" && ok || bad "gen/dax.c says it is GPL code"

# a tree where upstream renamed dax_page_share_get
mkdir -p "$work/tree/fs" "$work/tree/include/linux"
sed 's/\bdax_page_share_get\b/dax_page_share_acquire/g' "$tree/fs/dax.c" >"$work/tree/fs/dax.c"
cp "$tree/include/linux/page-flags.h" "$work/tree/include/linux/"
expect_rc 2 "a renamed function stops the build" python3 scripts/kshim_picks.py generate \
	--root . --tree "$work/tree" --out "$work/renamed" --release "$release" --picks dax
expect_out "fs/dax\.c: no definition of dax_page_share_get in .*/fs/dax\.c: renamed or removed upstream\? Update the picks table src/kshim/picks\.tsv" "names the function and the file"
expect_out "pick dax \(src/kshim/picks\.tsv line [0-9]+\) cannot be built from this tree" "names the pick and its row"
[ ! -e "$work/renamed/gen/dax.c" ] && ok || bad "no half-built gen/dax.c left behind"

expect_rc 2 "an unknown pick" python3 scripts/kshim_picks.py generate \
	--root . --tree "$tree" --out "$work/x" --release "$release" --picks dax,nosuch
expect_out "unknown pick\(s\): nosuch \(picks: dax, freecheck, pageflags, util\)" "lists the picks"
expect_rc 2 "kshim.sh with an unknown pick" bash scripts/kshim.sh --kernel-src "$tree" --pick nosuch --out "$work/y"
expect_out "unknown pick" "kshim.sh says so"

echo "test_kshim_rename: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
