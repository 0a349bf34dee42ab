#!/usr/bin/env bash
# triage.sh - group a directory of crashes, check they reproduce, and keep
# one minimized reproducer per group.
#
#   scripts/triage.sh DIR [--target T] [--bugs LIST] [--runs N] [--out DIR]
#
# DIR holds crash inputs (a campaign's crashes/, an AFL++ crashes/ dir, or
# any files; the .trace and .report files fuzz.sh writes beside them are
# skipped).  Target and knobs default to the campaign.conf beside DIR,
# then to ops and FOLIOFUZZ_BUGS.  For each input:
#   - its signature: invariant id (or sanitizer kind), failing op, and for
#     sanitizer reports the top model stack frame (scripts/lib.sh
#     ff_classify: `foliofuzz run`, then the target's replay driver);
#   - N runs (default 5): reproducible when at least 2 give the signature,
#     flaky otherwise.
# Inputs with one signature form a group.  For each group the shortest
# reproducible input is minimized (`foliofuzz minimize`, op level; a
# sanitizer crash is decoded as is) into OUT/GROUP.trace, OUT defaulting to
# triage/ beside DIR.  Prints a table and writes it to OUT/triage.tsv.
#
# Exit: 0 (also with crashes: triage is a report), 1 when a tool fails,
# 2 on bad usage.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" && ff_preamble triage.sh || exit 1

FF_USAGE="usage: scripts/triage.sh DIR [--target T] [--bugs LIST] [--runs N] [--out DIR]"
usage() { ff_usage "$@"; }

dir= target= bugs= bugs_set= runs=5 out=
while [ $# -gt 0 ]; do
	ff_opt "--target --bugs --runs --out" "$@" || usage "$FF_OPT $FF_ERR"
	shift "$FF_SHIFT"
	case $FF_OPT in
	--target) target=$FF_VAL ;;
	--bugs) bugs=$FF_VAL bugs_set=1 ;;
	--runs) runs=$FF_VAL ;;
	--out) out=$FF_VAL ;;
	-h | --help) usage ;;
	-*) usage "unknown option: $FF_OPT" ;;
	*)
		[ -z "$dir" ] || usage "one directory at a time"
		dir=${FF_OPT%/}
		;;
	esac
done
[ -n "$dir" ] || usage "which directory?"
[ -d "$dir" ] || usage "no such directory: $dir"
[[ $runs =~ ^[1-9][0-9]?$ ]] || usage "--runs wants 1..99"

conf=$(dirname "$dir")/campaign.conf
kshim=
if [ -f "$conf" ]; then
	[ -n "$target" ] || target=$(sed -n 's/^target=//p' "$conf")
	[ -n "$bugs_set" ] || bugs=$(sed -n 's/^bugs=//p' "$conf")
	bugs_set=1
	kshim=$(sed -n 's/^kshim=//p' "$conf") # a kshim campaign (fuzz.sh --kshim)
fi
target=${target:-ops}
[ -n "$bugs_set" ] || bugs=${FOLIOFUZZ_BUGS:-}
ff_is_target "$target" || usage "no fuzz target '$target'"
out=${out:-$(dirname "$dir")/triage}

ff_build asan foliofuzz "fuzz_${target}_replay"
cli=build/asan/bin/foliofuzz
if [ -n "$kshim" ]; then # classify with the build that found them
	[ -x "$kshim/bin/foliofuzz" ] || ff_die 2 "$conf: kshim build $kshim is gone"
	cli=$kshim/bin/foliofuzz
	export FF_CLI=$cli FF_BIN=$kshim/bin
fi
mkdir -p "$out" || ff_die 1 "cannot create $out"

# ---- classify every input ---------------------------------------------------

inputs=()
for f in "$dir"/*; do
	[ -f "$f" ] || continue
	case $f in
	*.report | *.min.trace) continue ;; # a report, a minimized copy
	*.trace) [ -f "${f%.trace}" ] && continue ;; # a sidecar of f
	*/README.txt) continue ;;
	esac
	inputs+=("$f")
done
[ ${#inputs[@]} -gt 0 ] || {
	ff_say "no crash inputs in $dir"
	exit 0
}
ff_say "${#inputs[@]} inputs in $dir, target $target${bugs:+, bugs=$bugs}, $runs runs each"

table=$out/.inputs.tsv
: >"$table"
i=0
for f in "${inputs[@]}"; do
	i=$((i + 1))
	sig=$(ff_classify "$f" "$target" "$bugs")
	same=1
	for ((r = 1; r < runs; r++)); do
		[ "$(ff_classify "$f" "$target" "$bugs")" = "$sig" ] && same=$((same + 1))
	done
	case $sig in
	no-repro*) same=0 ;;
	esac
	size=$(wc -c <"$f")
	# group key (id op frame), reproducing runs, size, path
	printf '%s\t%d\t%d\t%s\n' "$sig" "$same" "$size" "$f" >>"$table"
	[ $((i % 20)) -eq 0 ] || [ "$i" -eq ${#inputs[@]} ] &&
		ff_say "$i/${#inputs[@]} classified"
done

# ---- one row per group --------------------------------------------------------

tsv=$out/triage.tsv
printf 'group\tid\top\tframe\tinputs\treproducible\tflaky\treproducer\tops\n' >"$tsv"
printf '\n%-3s %-26s %-11s %-24s %6s %6s %6s  %s\n' '#' id op frame inputs repro flaky reproducer
n=0
while IFS= read -r sig; do
	n=$((n + 1))
	read -r id op frame <<<"$sig"
	# Members, reproducible ones first, then the smallest.
	mapfile -t members < <(awk -F'\t' -v s="$sig" '$1 == s' "$table" |
		sort -t$'\t' -k2,2nr -k3,3n)
	total=${#members[@]}
	repro=$(printf '%s\n' "${members[@]}" | awk -F'\t' -v m="$runs" '$2 >= m' | wc -l)
	best=$(cut -f4 <<<"${members[0]}")
	name=$id
	[ "$op" != - ] && name=$name-$op
	[ "$frame" != - ] && name=$name-$frame
	rep=$out/$name.trace
	case $id in
	I_*)
		FOLIOFUZZ_BUGS=$bugs "$cli" minimize --target="$target" "$best" -o "$rep" \
			2>"$out/.minimize.log" ||
			"$cli" decode --target="$target" "$best" -o "$rep"
		# The reproducer must reproduce this group: the same id and the
		# same failing op.  A minimization that moved the failure (to
		# the teardown, say) is not used: the input itself is.
		got=$(ff_classify "$rep" "$target" "$bugs")
		read -r got_id got_op _ <<<"$got"
		if [ "$got_id" != "$id" ] || [ "$got_op" != "$op" ]; then
			ff_say "group $n: the minimized trace fails as '$got_id $got_op', not '$id $op'; keeping the input as it was"
			"$cli" decode --target="$target" "$best" -o "$rep"
		fi
		;;
	*)
		{
			echo "# foliofuzz trace"
			echo "# $id$([ "$frame" = - ] || echo " in $frame"); from $best, not minimized"
			"$cli" decode --target="$target" "$best" | grep -v '^# foliofuzz trace'
		} >"$rep"
		;;
	esac
	nops=$(grep -cv '^#' "$rep")
	printf '%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%d\n' "$n" "$id" "$op" "$frame" \
		"$total" "$repro" $((total - repro)) "$rep" "$nops" >>"$tsv"
	printf '%-3d %-26s %-11s %-24s %6d %6d %6d  %s (%d ops)\n' "$n" "$id" "$op" \
		"$frame" "$total" "$repro" $((total - repro)) "$rep" "$nops"
done < <(cut -f1 "$table" | sort | uniq -c | sort -rn | sed -E 's/^ *[0-9]+ //')
echo
ff_say "$n group(s); table in $tsv; reproduce one with:"
ff_say "  ${bugs:+FOLIOFUZZ_BUGS=$bugs }$cli run $(sed -n '2p' "$tsv" | cut -f8)"
rm -f "$table" "$out/.minimize.log"
