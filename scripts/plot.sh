#!/usr/bin/env bash
# plot.sh - draw a campaign's progress: exec/s, coverage and corpus size
# over time, as PNG.
#
#   scripts/plot.sh WORKDIR [-o OUT.png]
#
# Reads WORKDIR/progress.tsv, which scripts/fuzz.sh appends to at every
# status tick (columns: unix_time elapsed execs exec_per_s cov ft corpus
# crashes ids session; elapsed and execs run on across resumed runs), and
# writes WORKDIR/progress.png (three panels; dashed lines mark where a run
# was resumed).  For an AFL++ campaign it also runs afl-plot on each
# instance into WORKDIR/afl-plot/NAME/.  gnuplot is installed from Debian
# when missing.  Exit: 0, 1 when gnuplot fails, 2 on bad usage.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" && ff_preamble plot.sh || exit 1

FF_USAGE="usage: scripts/plot.sh WORKDIR [-o OUT.png]"
usage() { ff_usage "$@"; }

work= out=
while [ $# -gt 0 ]; do
	ff_opt "-o" "$@" || usage "$FF_OPT $FF_ERR"
	shift "$FF_SHIFT"
	case $FF_OPT in
	-o) out=$FF_VAL ;;
	-h | --help) usage ;;
	-*) usage "unknown option: $FF_OPT" ;;
	*)
		[ -z "$work" ] || usage "one work dir at a time"
		work=${FF_OPT%/}
		;;
	esac
done
[ -n "$work" ] || usage "which work dir?"
data=$work/progress.tsv
[ -f "$data" ] || usage "no $data: run scripts/fuzz.sh --workdir $work first"
rows=$(grep -cv '^#' "$data")
[ "$rows" -ge 1 ] || usage "$data has no data rows yet"
out=${out:-$work/progress.png}

ff_need gnuplot gnuplot-nox

target=$(sed -n 's/^target=//p' "$work/campaign.conf" 2>/dev/null)
engine=$(sed -n 's/^engine=//p' "$work/campaign.conf" 2>/dev/null)
bugs=$(sed -n 's/^bugs=//p' "$work/campaign.conf" 2>/dev/null)

# The time axis in the unit that suits the campaign's length, where each
# resumed run starts, integer tics for the crash count, and which series
# have numbers: scripts/benchstat.py progress (KEY=VALUE lines).
declare -A fact
while IFS='=' read -r k v; do
	fact[$k]=$v
done < <(ff_benchstat progress "$data")
[ -n "${fact[unit]:-}" ] || ff_die 1 "cannot read $data (benchstat.py progress failed)"
last=${fact[last]} runs=${fact[runs]} unit=${fact[unit]} uname=${fact[uname]}
resumes=${fact[resumes]} cstep=${fact[cstep]} cmax=${fact[cmax]}
# Series with at least one number (AFL++ has no ft, and reports nothing
# during its first minute); an empty one is drawn as a note.
has() { [ "${fact[has_$1]:-0}" = 1 ]; }
series() { # COL AXES STYLE... TITLE: one plot clause
	local col=$1 axes=$2 title=${*: -1}
	local style=${*:3:$#-3}
	if has "$col"; then
		echo "\"$data\" using (\$2/$unit):$col axes $axes with $style title \"$title\""
	else
		echo "0 axes $axes with lines linecolor \"gray70\" title \"$title: none reported\""
	fi
}
# Few samples: mark each one.
style=lines
[ "$rows" -le 60 ] && style="linespoints pointtype 7 pointsize 0.6"

title="foliofuzz campaign: ${target:-?} with ${engine:-?}${bugs:+, bugs=$bugs}; $rows samples, $runs run(s), $(printf '%dh%02dm%02ds' $((last / 3600)) $((last % 3600 / 60)) $((last % 60)))"

gnuplot 2> >(grep -v '^Warning: empty' >&2) <<EOF || ff_die 1 "gnuplot failed"
set terminal pngcairo size 1200,1000 font "sans,11" noenhanced
set output "$out"
set datafile commentschars "#"
set multiplot layout 3,1 title "$title" font "sans,13"
set grid
set key bottom right opaque box
set lmargin 12
set rmargin 12
set xlabel "time ($uname)"
set xrange [0:*]
set format y "%g"
do for [x in "$resumes"] {
	set arrow from x, graph 0 to x, graph 1 nohead dashtype 2 linecolor "gray40"
}

set title "executions per second (libFuzzer: averaged over each run; AFL++: current, all instances)"
set ylabel "exec/s"
set yrange [0:*]
plot $(series 4 x1y1 "$style linewidth 2 linecolor \"dark-blue\"" exec/s)

set title "coverage"
set ylabel "cov (edges/PCs)"
set y2label "ft (features)"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set format y2 "%g"
plot $(series 5 x1y1 "$style linewidth 2 linecolor \"dark-green\"" cov), \\
     $(series 6 x1y2 "$style linewidth 2 dashtype 3 linecolor \"forest-green\"" "ft (right axis)")

set title "corpus and crashes"
set ylabel "corpus (inputs)"
set y2label "crashes"
set y2range [0:$cmax]
set y2tics $cstep
set format y2 "%.0f"
plot $(series 7 x1y1 "$style linewidth 2 linecolor \"dark-orange\"" corpus), \\
     $(series 8 x1y2 "steps linewidth 2 linecolor \"red\"" "crashes (right axis)")
unset multiplot
EOF
ff_say "wrote $out"

if [ "$engine" = afl ] && command -v afl-plot >/dev/null; then
	for inst in "$work"/sync/*/; do
		[ -f "$inst/plot_data" ] || continue
		name=$(basename "$inst")
		mkdir -p "$work/afl-plot/$name"
		if afl-plot "$inst" "$work/afl-plot/$name" >/dev/null 2>&1; then
			ff_say "afl-plot: $work/afl-plot/$name/index.html"
		else
			ff_say "afl-plot failed for $inst (it needs a few minutes of plot_data)"
		fi
	done
fi
