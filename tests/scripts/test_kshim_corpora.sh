#!/usr/bin/env bash
# test_kshim_corpora.sh KSHIM_DIR - every shipped trace on a kshim build
# (docs/kshim.md), ctest kshim/corpora: with the tree's code in place of
# (dax, util) and beside (freecheck, pageflags) the model's, no trace of
# corpus/*/ may end in an unexplained failure.  A run may pass, stop at a
# known finding of the model, or stop at an expected difference of the
# tree (src/kshim/expected.def); the counts per outcome are printed.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. tests/scripts/testlib.sh
kshim_dir "$@"
declare -A seen=()

for t in corpus/*/*.trace; do
	out=$("$ff" run --summary "$t" 2>&1)
	rc=$?
	sum=$(grep -m1 '^summary: ' <<<"$out")
	case $sum in
	"summary: result=pass "* | "summary: result=finding "* | "summary: result=expected "*)
		[ "$rc" -eq 0 ] && ok || bad "$t: exit $rc with $sum"
		;;
	*)
		bad "$t: unexplained on the tree's code: ${sum:-no summary (exit $rc)}"
		printf '%s\n' "$out" | head -12 | sed 's/^/    /' >&2
		;;
	esac
	key=$(sed -E 's/^summary: result=([a-z]+) inv=([^ ]+).* finding=([^ ]+)$/\1 \2 \3/' <<<"$sum")
	seen[$key]=$((${seen[$key]:-0} + 1))
done
for k in "${!seen[@]}"; do
	printf '  %4d  %s\n' "${seen[$k]}" "$k"
done | sort -rn

echo "test_kshim_corpora: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
