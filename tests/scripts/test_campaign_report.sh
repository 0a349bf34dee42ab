#!/usr/bin/env bash
# test_campaign_report.sh WORK_DIR - a crash a campaign saves is reported
# under the name it keeps (issue 12, item 1), ctest smoke/campaign_report:
# a few seconds of fuzz_dax with a knob, then crashes/ID-HASH.report must
# name crashes/ID-HASH (its final name), never the engine's crash-HASH.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
work=${1:?usage: test_campaign_report.sh WORK_DIR}
. tests/scripts/testlib.sh
rm -rf "$work"

expect_rc 1 "a knob campaign finds its bug" scripts/fuzz.sh dax --time 30 \
	--bugs dax_shared_aliases_anon --workdir "$work"
reports=("$work"/crashes/*.report)
[ -f "${reports[0]}" ] && ok || bad "a .report beside the crash"
for r in "${reports[@]}"; do
	[ -f "$r" ] || continue
	crash=${r%.report}
	name=$(basename "$crash")
	case $name in I_DAX_ANON-*) ok ;; *) bad "$name: named by its invariant" ;; esac
	grep -q "crash-" "$r" && bad "$r names the engine's crash- file" || ok
	grep -qF "$name" "$r" && ok || bad "$r names $name"
done

echo "test_campaign_report: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
