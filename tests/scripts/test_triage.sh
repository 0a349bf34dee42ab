#!/usr/bin/env bash
# test_triage.sh WORK_DIR - triage.sh on a crashes/ dir (issue 12, item 3),
# ctest smoke/triage: crash inputs of two knobs (one an AddressSanitizer
# report) plus a .min.trace beside one of them; triage must count the
# inputs only (not the .min.trace), report progress up to N/N, group the
# ASan crash by the model function, not the inline header helper it
# crashed in (try_to_unmap, not test_bit_flags), and give each group a
# reproducer that fails with the group's own id and op.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
work=${1:?usage: test_triage.sh WORK_DIR}
. tests/scripts/testlib.sh
rm -rf "$work" && mkdir -p "$work/c/crashes" || exit 1
ff=build/asan/bin/foliofuzz
k1=type_not_reset_on_free k2=unmap_bad_subpage
printf 'target=ops\nengine=libfuzzer\nbugs=%s,%s\n' "$k1" "$k2" >"$work/c/campaign.conf"
"$ff" encode corpus/regressions/$k1.trace -o "$work/c/crashes/I_FREE_BAD_PAGE-aaaaaa" &&
	"$ff" encode corpus/regressions/$k2.trace -o "$work/c/crashes/asan-x-bbbbbb" &&
	cp corpus/regressions/$k1.trace "$work/c/crashes/I_FREE_BAD_PAGE-aaaaaa.min.trace" &&
	ok || bad "crash inputs made"

expect_rc 0 "triage" scripts/triage.sh "$work/c/crashes" --runs 1
expect_out "2 inputs in " "the .min.trace is not an input"
expect_out "2/2 classified" "progress reaches N/N"
expect_out "try_to_unmap" "the ASan group names try_to_unmap"
grep -q test_bit_flags <<<"$out" && bad "an inline helper names a group" || ok
tsv=$work/c/triage/triage.tsv
while IFS=$'\t' read -r n id op frame _ _ _ rep _; do
	[ "$n" = group ] && continue
	case $id in
	I_*)
		got=$(FOLIOFUZZ_BUGS=$k1,$k2 "$ff" run --summary "$rep" | grep '^summary:')
		grep -q "inv=$id .* op=$op " <<<"$got" && ok ||
			bad "group $n's reproducer fails as the group ($id $op): $got"
		;;
	esac
done <"$tsv"

echo "test_triage: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
