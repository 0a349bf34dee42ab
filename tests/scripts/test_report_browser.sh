#!/usr/bin/env bash
# test_report_browser.sh WORK_DIR - the campaign web report in a real
# browser (issue 12, item 2), ctest browser/report: a short knob campaign
# (fuzz_dax, dax_shared_aliases_anon, fork mode so it keeps collecting),
# its report (scripts/report.sh), loaded in headless Debian Chromium: the
# DOM after the page loads must hold the crash group with its count, a
# page-array diagram with the affected pfn highlighted, and the plots; a
# screenshot is kept as WORK_DIR/report.png.  Without chromium the test
# fails (scripts/test.sh installs it).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
work=${1:?usage: test_report_browser.sh WORK_DIR}
. tests/scripts/testlib.sh
rm -rf "$work" && mkdir -p "$work" || exit 1
chromium=$(command -v chromium || command -v chromium-browser) || {
	echo "FAIL: chromium is not installed (apt-get install chromium; scripts/test.sh does)" >&2
	exit 1
}
browser() { timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
	--hide-scrollbars --user-data-dir="$work/chromium" "$@" 2>>"$work/chromium.log"; }

expect_rc 1 "a knob campaign" scripts/fuzz.sh dax --time 12 --jobs 2 \
	--status-every 1 --bugs dax_shared_aliases_anon --workdir "$work/campaign"
expect_rc 0 "report.sh" scripts/report.sh --out "$work/report" "$work/campaign"
[ -s "$work/report/index.html" ] && ok || bad "index.html written"

browser --dump-dom "file://$(realpath "$work/report/index.html")" >"$work/dom.html"
[ -s "$work/dom.html" ] && ok || bad "chromium rendered the page"
n=$(find "$work/campaign/crashes" -name 'I_DAX_ANON-*' ! -name '*.*' | wc -l)
out=$(cat "$work/dom.html")
expect_out "<div class=\"group\" data-id=\"I_DAX_ANON\" data-count=\"$n\">" "the I_DAX_ANON group with its $n crashes"
expect_out "<span class=\"count\">$n crash(es)?</span>" "the count is shown"
expect_out "<div class=\"diagram\" data-base=\"[0-9]+\" data-marked=\"[0-9]+\">" "a page-array diagram with a marked pfn"
expect_out "<span class=\"cell [a-z]+ hl\" title=\"pfn [0-9]+" "the affected pfn is highlighted"
expect_out "<svg class=\"plot\"[^>]*aria-label=\"exec/s\"" "the exec/s plot"
expect_out "<svg class=\"plot\"[^>]*aria-label=\"coverage\"" "the coverage plot"
expect_out "<a href=\"../campaign/crashes/I_DAX_ANON-[0-9a-f]+\">" "links to the raw crash files"

browser --window-size=1280,1600 --screenshot="$work/report.png" \
	"file://$(realpath "$work/report/index.html")" >/dev/null
python3 - "$work/report.png" <<'PY' && ok || bad "a PNG screenshot over 10 KB"
import sys
data = open(sys.argv[1], "rb").read()
sys.exit(0 if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10000 else 1)
PY
echo "screenshot: $work/report.png"

echo "test_report_browser: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
