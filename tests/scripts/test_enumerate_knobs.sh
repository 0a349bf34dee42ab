#!/usr/bin/env bash
# test_enumerate_knobs.sh FOLIOFUZZ [SECONDS] - ctest unit/enumerate_knobs
# (docs/design.md §24): every bug knob of `foliofuzz knobs` (not the fix_*
# knobs of findings) is found by `foliofuzz enumerate` in a 16-pfn world
# with orders up to 2, with its regression trace's invariant, at a depth
# no larger than that trace's op count: the search is over the ops its
# regression trace uses (--ops), in the knob's target (target ops when the
# trace needs an op outside it), each knob within SECONDS (default 10).
# tests/data/enumerate_knobs.txt may give a knob its own world (--pfns,
# --max-order, --dev-pages, --maps, passed to enumerate and to the
# replay), ops=target to search the target's whole op mix instead of the
# trace's ops, inv=ID when the shortest program breaks another invariant
# than the regression trace, and after " -- " the
# reason it is not required: a knob that needs a bigger world or a deeper
# search than fits the limit.  Those run with a 2 s limit only to notice
# when one starts to fit.  A knob whose bug is a wild pointer (expect
# ASAN) must die under the sanitizer with "enumerate: died at depth N";
# in a build without AddressSanitizer (msan) it is skipped, as `foliofuzz
# verify` skips such legs.
#
# Prints one row per knob: knob, target, invariant, regression ops, found
# depth (or -), seconds, programs; then "N passed, N failed".
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ff=${1:?usage: test_enumerate_knobs.sh PATH/TO/foliofuzz [SECONDS]}
secs=${2:-10}
. tests/scripts/testlib.sh
knobs=$("$ff" knobs) || { bad "foliofuzz knobs failed"; exit 1; }
unfit=tests/data/enumerate_knobs.txt
tmp=$(mktemp -d) || exit 1
# an ASan build references the runtime's entry point
has_asan=0
grep -qa __asan_init "$ff" && has_asan=1
trap 'rm -rf "$tmp"' EXIT

printf '%-34s %-8s %-16s %4s %5s %7s %10s\n' knob target inv reg found secs programs
while read -r k t kind; do
	case $k in fix_* | '') continue ;; esac
	trace=corpus/regressions/$k.trace
	read -r ekind inv _ <<<"$("$ff" expect "$trace")"
	if [ "$ekind" != bug ]; then
		bad "$k: $trace expects '$ekind', not a knob's bug"
		continue
	fi
	# the ops of the regression trace, and its length
	ops=$(grep -v -e '^#' -e '^[[:space:]]*$' "$trace" | awk '{ print $1 }' | sort -u | paste -sd, -)
	nr=$(grep -cv -e '^#' -e '^[[:space:]]*$' "$trace")
	tt=$t
	for op in ${ops//,/ }; do
		"$ff" enumerate --target="$t" --ops="$op" --depth=1 --max-states=1 >/dev/null 2>&1 ||
			{ [ $? -eq 2 ] && tt=ops; }
	done
	row=$(awk -v k="$k" '$1 == k { $1 = ""; print }' "$unfit")
	opts=${row%% -- *}
	listed=
	case $row in *" -- "*) listed=${row#* -- } ;; esac
	world=
	for w in $opts; do
		case $w in
		inv=*) inv=${w#inv=} ;; # the shortest program shows another id
		ops=target) ops= ;;     # the target's whole op mix
		*) world="$world $w" ;;
		esac
	done
	if [ "$inv" = ASAN ] && [ $has_asan = 0 ]; then
		printf '%-34s %-8s %-16s %4s skipped (no AddressSanitizer in this build)\n' "$k" "$tt" "$inv" "$nr"
		ok
		continue
	fi
	lim=$secs
	[ -n "$listed" ] && lim=2
	start=$(date +%s.%N)
	# shellcheck disable=SC2086 # the world's options, word-split
	"$ff" enumerate --target="$tt" --bugs="$k" ${ops:+--ops="$ops"} --depth="$((nr < 64 ? nr : 64))" $world \
		--seconds="$lim" --max-states=4000000 -o "$tmp/$k.trace" >"$tmp/$k.out" 2>&1
	rc=$?
	el=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
	found=- progs=-
	line=$(grep '^enumerate: found' "$tmp/$k.out")
	if [ $rc -eq 1 ] && [ -n "$line" ]; then
		found=$(sed -E 's/.* at depth ([0-9]+) .*/\1/' <<<"$line")
		progs=$(sed -E 's/.*shortest; ([0-9]+) programs.*/\1/' <<<"$line")
		got=$(awk '{ print $3 }' <<<"$line")
	fi
	line=$(grep '^enumerate: died at depth' "$tmp/$k.out")
	if [ -n "$line" ] && grep -q 'ERROR: AddressSanitizer' "$tmp/$k.out"; then
		found=$(sed -E 's/.* at depth ([0-9]+) .*/\1/' <<<"$line")
		got=ASAN
	fi
	printf '%-34s %-8s %-16s %4s %5s %7s %10s%s%s\n' "$k" "$tt" "$inv" "$nr" "$found" "$el" "$progs" \
		"${world:+ $world}" "${listed:+ (not required:$listed)}"
	if [ -n "$listed" ]; then
		[ "$found" = - ] || echo "  note: $k is listed in $unfit but was found: remove it" >&2
		ok
		continue
	fi
	if [ "$found" = - ]; then
		bad "$k: not found within ${secs}s at depth $nr (rc $rc)"
		sed 's/^/    /' "$tmp/$k.out" | grep '^    enumerate' >&2
		continue
	fi
	[ "$got" = "$inv" ] && ok || bad "$k: found $got, its regression trace says $inv"
	[ "$found" -le "$nr" ] && ok || bad "$k: depth $found > $nr"
	# the trace it wrote replays to the same violation, in its world
	# shellcheck disable=SC2086
	"$ff" run --target="$tt" --pfns=16 --max-order=2 $world --bugs="$k" --summary "$tmp/$k.trace" >"$tmp/$k.run" 2>&1
	rc=$?
	if [ "$inv" = ASAN ]; then
		[ $rc -ne 0 ] && grep -q 'ERROR: AddressSanitizer' "$tmp/$k.run" && ok ||
			bad "$k: its trace does not replay to an ASan report"
	else
		[ $rc -eq 1 ] && grep -q "summary: result=fail inv=$inv" "$tmp/$k.run" && ok ||
			bad "$k: its trace does not replay to $inv"
	fi
done <<<"$knobs"
# every listed knob exists
while read -r k _; do
	case $k in '' | '#'*) continue ;; esac
	awk -v k="$k" '$1 == k { f = 1 } END { exit !f }' <<<"$knobs" && ok || bad "$unfit: $k is not a knob"
done <"$unfit"
echo "test_enumerate_knobs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
